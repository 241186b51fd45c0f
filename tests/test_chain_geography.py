"""Chain geography tables (gvc.chains): hand counts, kernels, store, real WIOD."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS, provenance, random_table
from numpy.testing import assert_allclose

from gvc import chains as geo
from gvc.catalog import open_store
from gvc.errors import InputError, SchemaError
from gvc.ingestion.load import load_table
from gvc.kernels.crossings import chain_moments
from gvc.kernels.paths import top_paths
from gvc.table import IOTable

R_EARTH = 6371.0088
PROV = provenance()
NE = pd.read_parquet(DATASETS / "geo" / "ne_country_centroids.parquet").set_index("iso3")


def cosine_law_km(lon1, lat1, lon2, lat2):
    """Great-circle km by the spherical law of cosines (independent of the haversine kernel)."""
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    cos_d = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return R_EARTH * np.arccos(np.clip(cos_d, -1.0, 1.0))


def ne_km(a: str, b: str) -> float:
    pa, pb = NE.loc[a], NE.loc[b]
    return float(
        cosine_law_km(
            pa.centroid_main_lon, pa.centroid_main_lat, pb.centroid_main_lon, pb.centroid_main_lat
        )
    )


A_, B_ = 0.4, 0.3  # FRA -> DEU and DEU -> ESP input coefficients


def reexport_table() -> IOTable:
    """FRA -> DEU -> ESP -> FRA: FRA value processed in DEU, then ESP, consumed in FRA.

    One sector; ESP sells 1 of final goods to FRA; x = (ab, b, 1); va = (ab, (1-a) b, 1-b).
    """
    x = np.array([A_ * B_, B_, 1.0])
    Z = np.zeros((3, 3))
    Z[0, 1] = A_ * x[1]
    Z[1, 2] = B_ * x[2]
    Yd = np.zeros((3, 3))
    Yd[2, 0] = 1.0
    return IOTable(("FRA", "DEU", "ESP"), ("s",), ("F",), Z, Yd, x, x - Z.sum(axis=0))


def store_with(tmp_path, table: IOTable, dataset: str = "t", years=(2000,)):
    db = tmp_path / "g.duckdb"
    with open_store(db) as con:
        for y in years:
            load_table(con, table, dataset=dataset, year=y, provenance=PROV)
    return db


def frames(con, chain: str, year: int = 2000) -> dict[str, pd.DataFrame]:
    out = {}
    for t in geo.RESULT_TABLES:
        out[t] = con.execute(
            f"SELECT * FROM {t} WHERE chain = ? AND year = ? ORDER BY ALL", [chain, year]
        ).df()
    return out


# ---------------------------------------------------------------- hand counts


def test_reexport_chain_tables_equal_hand_counts(tmp_path):
    db = store_with(tmp_path, reexport_table())
    with open_store(db) as con:
        geo.define_chain(con, "t", "loop", destinations=["FRA"])
        geo.compute_chain(con, "t", "loop")
        f = frames(con, "loop")
    g = f["chain_geography"].set_index("origin_country").loc[["FRA", "DEU", "ESP"]]
    va = np.array([A_ * B_, (1 - A_) * B_, 1 - B_])
    d_fd, d_de, d_ef = ne_km("FRA", "DEU"), ne_km("DEU", "ESP"), ne_km("ESP", "FRA")
    assert_allclose(g["value_added"], va, rtol=1e-12)
    assert_allclose(g["crossings_mean"], [3, 2, 1], rtol=1e-12)
    assert_allclose(g["crossings_var"], [0, 0, 0], atol=1e-12)
    assert_allclose(g["returns_mean"], [1, 0, 0], atol=1e-12)
    assert_allclose(g["intercontinental_mean"], [0, 0, 0], atol=1e-12)  # all in Europe
    assert_allclose(g["km_mean"], [d_fd + d_de + d_ef, d_de + d_ef, d_ef], rtol=1e-9)
    assert_allclose(g["countries_visited_mean"], [3, 3, 2], rtol=1e-12)

    t = f["chain_totals"].iloc[0]
    k = np.array([3.0, 2.0, 1.0])
    assert t["value_added"] == pytest.approx(1.0)
    assert t["crossings_mean"] == pytest.approx(va @ k)
    assert t["crossings_var"] == pytest.approx(va @ k**2 - (va @ k) ** 2)
    assert t["returns_mean"] == pytest.approx(A_ * B_)
    assert t["countries_effective"] == pytest.approx(np.exp(-(va * np.log(va)).sum()))
    assert t["countries_over"] == 3
    # stages: FRA value goes through 3 stages, DEU 2, ESP 1; one stage at home before leaving
    assert t["production_length"] == pytest.approx(va @ k)
    # segments: 1 stage at home, then every link crosses a border (2, 1, 0 of them), and no
    # domestic link follows a crossing, so the foreign segment is empty
    assert t["pl_domestic"] == pytest.approx(1.0)
    assert t["pl_border"] == pytest.approx(va @ (k - 1))  # intermediate crossings only
    assert t["pl_foreign"] == pytest.approx(0.0, abs=1e-12)

    p = f["chain_paths"].sort_values("rank")
    assert p["path"].tolist() == [
        "ESP/s -> [FRA]",
        "DEU/s -> ESP/s -> [FRA]",
        "FRA/s -> DEU/s -> ESP/s -> [FRA]",
    ]
    assert_allclose(p["value"], [1 - B_, (1 - A_) * B_, A_ * B_], rtol=1e-12)
    assert_allclose(p["share"], p["value"], rtol=1e-12)  # chain value added is 1
    assert p["crossings"].tolist() == [1, 2, 3]
    assert_allclose(p["km"], [d_ef, d_de + d_ef, d_fd + d_de + d_ef], rtol=1e-9)
    assert p["countries"].iloc[2].tolist() == ["FRA", "DEU", "ESP"]
    assert set(p["destination"]) == {"FRA"}


def test_chain_restricted_to_other_producers_is_empty(tmp_path):
    # only DEU's products: DEU sells no final goods, so the chain has no value added
    db = store_with(tmp_path, reexport_table())
    with open_store(db) as con:
        geo.define_chain(con, "t", "deu", producers_countries=["DEU"])
        geo.compute_chain(con, "t", "deu")
        f = frames(con, "deu")
    assert f["chain_geography"].empty and f["chain_paths"].empty
    assert f["chain_totals"]["value_added"].iloc[0] == 0.0


# ---------------------------------------------------------------- geography rule


def test_rest_of_world_is_gdp_weighted_mean_of_non_members():
    g = geo.country_geography(["USA", "ROM", "RoW"])
    assert g.continent == ("North America", "Europe", "RoW")
    assert g.km[0, 1] == pytest.approx(ne_km("USA", "ROU"), rel=1e-9)
    rest = NE[
        ~NE.index.isin(["USA", "ROU"])
        & ~NE["continent"].isin(["Antarctica", "Seven seas (open ocean)"])
        & (NE["gdp_md_est"].fillna(0) > 0)
    ]
    w = rest["gdp_md_est"].to_numpy()
    d = np.array([ne_km("USA", c) for c in rest.index])
    assert g.km[0, 2] == pytest.approx((w @ d) / w.sum(), rel=1e-9)
    assert_allclose(np.diag(g.km), 0.0)
    assert_allclose(g.km, g.km.T)
    # continent mix: one continent for a country, the members' GDP shares for RoW; columns are
    # the continents of all points in sorted order
    labels = sorted(set(rest["continent"].astype(str)) | {"North America", "Europe"})
    by_cont = rest.groupby("continent")["gdp_md_est"].sum() / w.sum()
    assert_allclose(g.continent_share[2], [by_cont.get(k, 0.0) for k in labels], atol=1e-12)
    assert g.continent_share[0].max() == 1.0 and g.continent_share[1].max() == 1.0


def test_unknown_country_code_needs_km_source_none(tmp_path):
    t = random_table(1, G=3, N=2)  # countries C0, C1, C2: no centroids
    db = store_with(tmp_path, t)
    with open_store(db) as con:
        geo.define_chain(con, "t", "all")
        with pytest.raises(InputError, match="C0"):
            geo.compute_chain(con, "t", "all")
        geo.define_chain(con, "t", "all", km_source="none")
        geo.compute_chain(con, "t", "all")
        f = frames(con, "all")
    assert f["chain_geography"]["km_mean"].isna().all()
    assert f["chain_totals"]["crossings_mean"].iloc[0] > 0


# ---------------------------------------------------------------- equal to the kernels


@pytest.mark.parametrize("seed", [0, 5])
def test_tables_equal_kernels_called_directly(tmp_path, seed):
    t = dataclasses.replace(random_table(seed, G=3, N=3, F=2), countries=("USA", "CHN", "RoW"))
    db = store_with(tmp_path, t)
    with open_store(db) as con:
        geo.define_chain(
            con, "t", "c", producers_sectors=["S1", "S2"], destinations=["USA", "RoW"], paths=7
        )
        geo.compute_chain(con, "t", "c")
        f = frames(con, "c")
    n, N = t.n, t.N
    A = t.Z / t.x[None, :]
    B = np.linalg.inv(np.eye(n) - A)
    v = t.va / t.x
    mask = np.tile([False, True, True], 3)
    y = t.Y[:, [0, 2]] * mask[:, None]
    c = np.repeat(np.arange(3), N)
    g = geo.country_geography(t.countries)
    m = chain_moments(
        A, B, v, y, c, dest_countries=[0, 2], km=g.km, continent_of_country=g.continent_share
    )
    node = {(a, b): i for i, (a, b) in enumerate(zip(*t.node_labels(), strict=True))}
    got = f["chain_geography"]
    idx = [node[(a, b)] for a, b in zip(got["origin_country"], got["origin_sector"], strict=True)]
    assert len(idx) == n  # every node has value in the chain
    for col, key in [
        ("value_added", "va"),
        ("crossings_mean", "crossings_mean"),
        ("crossings_var", "crossings_var"),
        ("returns_mean", "returns_mean"),
        ("intercontinental_mean", "intercontinental_mean"),
        ("km_mean", "km_mean"),
        ("countries_visited_mean", "countries_visited_mean"),
    ]:
        assert_allclose(got[col].to_numpy(), m[key][idx], rtol=1e-9, err_msg=col)
    tot = f["chain_totals"].iloc[0]
    assert tot["km_mean"] == pytest.approx(float(m["chain_km_mean"]), rel=1e-9)
    assert tot["countries_visited_mean"] == pytest.approx(
        float(m["chain_countries_visited_mean"]), rel=1e-9
    )
    # production length v'BBy / v'By, written out independently of the lengths kernel
    yt = y.sum(axis=1)
    assert tot["production_length"] == pytest.approx(v @ B @ B @ yt / (v @ B @ yt), rel=1e-9)
    assert tot["pl_domestic"] + tot["pl_border"] + tot["pl_foreign"] == pytest.approx(
        tot["production_length"]
    )
    # the border segment counts intermediate crossings: v' B A^F B y / v' B y, written out here
    AF = A * (c[:, None] != c[None, :])
    assert tot["pl_border"] == pytest.approx(v @ B @ AF @ B @ yt / (v @ B @ yt), rel=1e-9)
    # ... which is the mean number of crossings less the final sale abroad
    dest = np.array([0, 2])
    yx = (y * (c[:, None] != dest[None, :])).sum(axis=1)
    assert tot["pl_border"] == pytest.approx(
        tot["crossings_mean"] - v @ B @ yx / (v @ B @ yt), rel=1e-9
    )
    paths = top_paths(A, v, y, 7, dest_countries=np.array([0, 2]), country_of_node=c, km=g.km)
    p = f["chain_paths"].sort_values("rank")
    assert_allclose(p["value"], [q.value for q in paths], rtol=1e-9)
    assert p["crossings"].tolist() == [q.crossings for q in paths]
    assert_allclose(p["km"], [q.km for q in paths], rtol=1e-9)


def test_rerun_replaces_and_redefine_clears(tmp_path):
    t = dataclasses.replace(random_table(2, G=2, N=2), countries=("DEU", "JPN"))
    db = store_with(tmp_path, t, years=(2000, 2001))
    with open_store(db) as con:
        geo.define_chain(con, "t", "c")
        geo.compute_chain(con, "t", "c")
        geo.compute_chain(con, "t", "c", years=[2001])
        sql = "SELECT year, count(*) FROM chain_geography GROUP BY 1 ORDER BY 1"
        n1 = con.execute(sql).fetchall()
        assert n1 == [(2000, 4), (2001, 4)]
        rep = con.execute("SELECT year FROM chain_report('t', 'c')").fetchall()
        assert rep == [(2000,), (2001,)]
        geo.define_chain(con, "t", "c", destinations=["JPN"])
        assert con.execute("SELECT count(*) FROM chain_totals").fetchone()[0] == 0
        with pytest.raises(SchemaError, match="no table for 1999"):
            geo.compute_chain(con, "t", "c", years=[1999])
        with pytest.raises(SchemaError, match="no chain 'x'"):
            geo.compute_chain(con, "t", "x")
        with pytest.raises(InputError, match="producing sector 'c99'"):
            geo.define_chain(con, "t", "y", producers_sectors=["c99"])
        with pytest.raises(SchemaError, match="dataset 'nope'"):
            geo.define_chain(con, "nope", "y")


# ---------------------------------------------------------------- real data


def test_wiod2011_electrical_optical_absorbed_in_usa(tmp_path):
    import gvc

    db = tmp_path / "w.duckdb"
    gvc.ingest(DATASETS / "wiod2013", db=db, dataset="wiod2013", year=2011)
    with open_store(db) as con:
        geo.define_chain(con, "wiod2013", "ict", producers_sectors=["c14"], destinations=["USA"])
        geo.compute_chain(con, "wiod2013", "ict")
        tot = con.execute("SELECT * FROM chain_report('wiod2013', 'ict')").df().iloc[0]
        shares = con.execute("SELECT share FROM chain_origins('wiod2013', 'ict', 2011)").df()
        fd = con.execute(
            "SELECT sum(f.value) FROM facts.final_demand f JOIN nodes n "
            "ON n.dataset = f.dataset AND n.node = f.row_node JOIN countries c "
            "ON c.dataset = f.dataset AND c.position = f.col_country_pos "
            "WHERE f.dataset = 'wiod2013' AND n.sector = 'c14' AND c.country = 'USA'"
        ).fetchone()[0]
        paths = con.execute("SELECT * FROM chain_top_paths('wiod2013', 'ict', 2011, 20)").df()
    # v'B = 1' on a balanced table: the chain's value added is its final demand
    assert tot["value_added"] == pytest.approx(fd, rel=1e-6)
    assert shares["share"].sum() == pytest.approx(1.0)
    assert 0 < tot["crossings_mean"] < 10 and tot["crossings_sd"] > 0
    assert 0 < tot["returns_mean"] < tot["crossings_mean"]
    assert 0 < tot["intercontinental_mean"] <= tot["crossings_mean"]
    assert 1000 < tot["km_mean"] < 40000
    assert 1 < tot["countries_visited_mean"] < 41 and 1 < tot["countries_effective"] < 41
    assert 1 < tot["production_length"] < 10
    assert len(paths) == 20 and paths["value"].is_monotonic_decreasing
    assert 0 < paths["share"].sum() < 1
    assert paths["path"].str.endswith("[USA]").all()
