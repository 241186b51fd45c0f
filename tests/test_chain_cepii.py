"""CEPII GeoDist distances for chains (km_source = 'cepii:<measure>'): hand counts on a
hand-written dist_cepii file, code mapping, missing pairs, fallback, provenance, CLI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS, errors_only, provenance, register_command
from numpy.testing import assert_allclose

from gvc import chains as geo
from gvc.catalog import open_store
from gvc.cli import main
from gvc.errors import InputError
from gvc.ingestion.load import load_table
from gvc.table import IOTable

PROV = provenance()
NE = pd.read_parquet(DATASETS / "geo" / "ne_country_centroids.parquet").set_index("iso3")
R_EARTH = 6371.0088
REAL_CEPII = Path("/work/shared/data/geo/cepii_dist.parquet")

# One direction per pair (GeoDist is symmetric; the reader fills the other one). ROM is
# GeoDist's code for Romania. FRA-FRA is an internal distance, which a chain never uses.
CSV = """iso_o,iso_d,contig,dist,distcap,distw,distwces
FRA,DEU,1,1000,1100,950,940
DEU,ROM,0,2000,2100,1900,1890
FRA,ROM,0,3000,3100,,2990
FRA,FRA,0,300,280,400,160
"""
D = {  # hand-written above: (FRA-DEU, DEU-ROM, ROM-FRA)
    "dist": (1000.0, 2000.0, 3000.0),
    "distcap": (1100.0, 2100.0, 3100.0),
    "distwces": (940.0, 1890.0, 2990.0),
}
A_, B_ = 0.4, 0.3  # FRA -> DEU and DEU -> Romania input coefficients


def ne_km(a: str, b: str) -> float:
    """Great-circle km by the spherical law of cosines (independent of the kernels)."""
    pa, pb = NE.loc[a], NE.loc[b]
    p1, p2 = np.radians(pa.centroid_main_lat), np.radians(pb.centroid_main_lat)
    dl = np.radians(pb.centroid_main_lon - pa.centroid_main_lon)
    cos_d = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return float(R_EARTH * np.arccos(np.clip(cos_d, -1.0, 1.0)))


def loop_table(romania: str = "ROM") -> IOTable:
    """FRA -> DEU -> Romania -> FRA: FRA value processed in DEU, then Romania, consumed in FRA."""
    x = np.array([A_ * B_, B_, 1.0])
    Z = np.zeros((3, 3))
    Z[0, 1] = A_ * x[1]
    Z[1, 2] = B_ * x[2]
    Yd = np.zeros((3, 3))
    Yd[2, 0] = 1.0
    return IOTable(("FRA", "DEU", romania), ("s",), ("F",), Z, Yd, x, x - Z.sum(axis=0))


@pytest.fixture
def cepii_csv(tmp_path) -> Path:
    p = tmp_path / "dist_cepii.csv"
    p.write_text(CSV)
    return p


def store_with(tmp_path, table: IOTable) -> Path:
    db = tmp_path / "g.duckdb"
    with open_store(db) as con:
        load_table(con, table, dataset="t", year=2000, provenance=PROV)
    return db


def results(con, chain: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    g = con.execute(
        "SELECT origin_country, km_mean FROM chain_geography WHERE chain = ?", [chain]
    ).df()
    p = con.execute("SELECT rank, km FROM chain_paths WHERE chain = ? ORDER BY rank", [chain]).df()
    return g.set_index("origin_country")["km_mean"], p


# ---------------------------------------------------------------- hand counts


@pytest.mark.parametrize("romania", ["ROM", "ROU"])
@pytest.mark.parametrize("measure", ["dist", "distcap", "distwces"])
def test_loop_km_are_hand_counted_sums_of_the_measure(tmp_path, cepii_csv, romania, measure):
    db = store_with(tmp_path, loop_table(romania))
    with open_store(db) as con:
        geo.define_chain(
            con,
            "t",
            "loop",
            destinations=["FRA"],
            km_source="cepii",
            cepii_file=cepii_csv,
            cepii_measure=measure,
        )
        geo.compute_chain(con, "t", "loop")
        km, paths = results(con, "loop")
        row = con.execute(
            "SELECT km_source, km_file, km_file_sha256, km_fallback FROM chains"
        ).fetchone()
    fd, dr, rf = D[measure]
    assert_allclose(km.loc[["FRA", "DEU", romania]], [fd + dr + rf, dr + rf, rf], rtol=1e-12)
    # paths by value: Romania's own (1 - b), DEU's ((1 - a) b), FRA's (a b)
    assert_allclose(paths["km"], [rf, dr + rf, fd + dr + rf], rtol=1e-12)
    assert row[0] == f"cepii:{measure}"
    assert row[1] == str(cepii_csv.resolve())
    assert row[2] == hashlib.sha256(CSV.encode()).hexdigest()
    assert row[3] is None


def test_parquet_gives_the_csv_numbers_and_measure_in_km_source(tmp_path, cepii_csv):
    pq = tmp_path / "dist_cepii.parquet"
    pd.read_csv(cepii_csv).to_parquet(pq)
    db = store_with(tmp_path, loop_table())
    with open_store(db) as con:
        geo.define_chain(con, "t", "loop", km_source="cepii:distcap", cepii_file=pq)
        geo.compute_chain(con, "t", "loop")
        km, _ = results(con, "loop")
    assert_allclose(km.loc[["FRA", "DEU", "ROM"]], [6300.0, 5200.0, 3100.0], rtol=1e-12)


# ---------------------------------------------------------------- missing pairs, fallback


def test_missing_pair_is_one_line_error_naming_pair_and_file(tmp_path, cepii_csv):
    db = store_with(tmp_path, loop_table())
    with open_store(db) as con:
        with pytest.raises(InputError) as e:
            geo.define_chain(
                con, "t", "w", km_source="cepii", cepii_file=cepii_csv, cepii_measure="distw"
            )
        assert con.execute("SELECT count(*) FROM chains").fetchone()[0] == 0
    msg = str(e.value)
    assert "\n" not in msg and str(cepii_csv.resolve()) in msg and "distw" in msg
    assert "FRA -> ROM" in msg or "ROM -> FRA" in msg
    # a pair absent from the file altogether (no DEU-ROM row)
    short = tmp_path / "short.csv"
    short.write_text("".join(line + "\n" for line in CSV.splitlines() if "DEU,ROM" not in line))
    with open_store(db) as con, pytest.raises(InputError, match=r"(DEU -> ROM|ROM -> DEU)"):
        geo.define_chain(con, "t", "s", km_source="cepii", cepii_file=short)


def test_fallback_uses_great_circle_for_missing_pair_and_is_recorded(tmp_path, cepii_csv):
    db = store_with(tmp_path, loop_table())
    with open_store(db) as con:
        geo.define_chain(
            con,
            "t",
            "w",
            destinations=["FRA"],
            km_source="cepii",
            cepii_file=cepii_csv,
            cepii_measure="distw",
            km_fallback="natural_earth",
        )
        geo.compute_chain(con, "t", "w")
        km, _ = results(con, "w")
        src, fb = con.execute("SELECT km_source, km_fallback FROM chains").fetchone()
    rf = ne_km("ROU", "FRA")  # distw ROM-FRA is empty in the file
    assert_allclose(km.loc[["FRA", "DEU", "ROM"]], [950 + 1900 + rf, 1900 + rf, rf], rtol=1e-9)
    assert (src, fb) == ("cepii:distw", "natural_earth")


def test_rest_of_world_is_gdp_weighted_over_cepii_distances(tmp_path):
    # file: FRA, DEU and three non-members; every other Natural Earth country is missing
    others = {"USA": (6000.0, 6500.0), "CHN": (8000.0, 7500.0), "JPN": (9500.0, 9000.0)}
    rows = ["iso_o,iso_d,dist", "FRA,DEU,1000"]
    rows += [f"FRA,{c},{a}" for c, (a, _) in others.items()]
    rows += [f"DEU,{c},{b}" for c, (_, b) in others.items()]
    f = tmp_path / "d.csv"
    f.write_text("\n".join(rows) + "\n")
    w = NE.loc[list(others), "gdp_md_est"].to_numpy()
    fra, deu = np.array(list(others.values())).T
    km = geo.cepii_distances(["FRA", "DEU", "RoW"], f, "dist")
    assert_allclose(km[:2, 2], [w @ fra / w.sum(), w @ deu / w.sum()], rtol=1e-12)
    assert_allclose(km[2, :2], km[:2, 2], rtol=1e-12)
    assert km[0, 1] == 1000.0 and np.all(np.diag(km) == 0)
    # with the fallback every Natural Earth non-member stays, at great-circle km when missing
    km_fb = geo.cepii_distances(["FRA", "DEU", "RoW"], f, "dist", fallback="natural_earth")
    rest = NE[
        ~NE.index.isin(["FRA", "DEU"])
        & ~NE["continent"].isin(["Antarctica", "Seven seas (open ocean)"])
        & (NE["gdp_md_est"].fillna(0) > 0)
    ]
    wr = rest["gdp_md_est"].to_numpy()
    d_fra = np.array([others[c][0] if c in others else ne_km("FRA", c) for c in rest.index])
    assert km_fb[0, 2] == pytest.approx(wr @ d_fra / wr.sum(), rel=1e-9)


# ---------------------------------------------------------------- provenance and stores


def test_changed_file_is_refused_at_run(tmp_path, cepii_csv):
    db = store_with(tmp_path, loop_table())
    with open_store(db) as con:
        geo.define_chain(con, "t", "loop", km_source="cepii", cepii_file=cepii_csv)
        cepii_csv.write_text(CSV.replace("1000", "1001"))
        with pytest.raises(InputError, match="changed since chain 'loop' was defined"):
            geo.compute_chain(con, "t", "loop")


def test_options_are_checked(tmp_path, cepii_csv):
    db = store_with(tmp_path, loop_table())
    with open_store(db) as con:
        with pytest.raises(InputError, match="needs the CEPII distance file"):
            geo.define_chain(con, "t", "x", km_source="cepii")
        with pytest.raises(InputError, match="unknown CEPII measure 'km'"):
            geo.define_chain(con, "t", "x", km_source="cepii:km", cepii_file=cepii_csv)
        with pytest.raises(InputError, match="need km_source 'cepii'"):
            geo.define_chain(con, "t", "x", cepii_file=cepii_csv)
        with pytest.raises(InputError, match="column 'distw' missing"):
            bad = tmp_path / "bad.csv"
            bad.write_text("iso_o,iso_d,dist\nFRA,DEU,1\n")
            geo.define_chain(con, "t", "x", km_source="cepii:distw", cepii_file=bad)


def test_store_made_before_cepii_columns_keeps_working(tmp_path, cepii_csv):
    db = store_with(tmp_path, loop_table())
    with open_store(db) as con:
        con.execute("DROP TABLE chains")  # as earlier versions created it:
        con.execute(
            "CREATE TABLE chains (dataset VARCHAR NOT NULL, chain VARCHAR NOT NULL, "
            "producers_countries VARCHAR[], producers_sectors VARCHAR[], "
            "destinations VARCHAR[], km_source VARCHAR NOT NULL DEFAULT 'natural_earth', "
            "created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, "
            "PRIMARY KEY (dataset, chain))"
        )
        con.execute("INSERT INTO chains (dataset, chain) VALUES ('t', 'old')")
    with open_store(db) as con:  # opening a store for writing brings its tables up to date
        assert geo.get_chain(con, "t", "old").km_file is None
        geo.compute_chain(con, "t", "old")
        geo.define_chain(con, "t", "new", km_source="cepii", cepii_file=cepii_csv)
        assert geo.get_chain(con, "t", "new").km_source == "cepii:dist"


# ---------------------------------------------------------------- CLI


def test_cli_define_with_cepii_and_missing_pair_line(tmp_path, cepii_csv, monkeypatch, capsys):
    register_command(monkeypatch, "gvc.commands.chain")
    db = str(store_with(tmp_path, loop_table()))
    base = ["chain", "define", "loop", "--dataset", "t", "--destinations", "FRA", "--db", db]
    cepii = ["--km-source", "cepii", "--cepii-file", str(cepii_csv)]
    assert main(base + cepii + ["--cepii-measure", "distcap"]) == 0
    out = capsys.readouterr().out
    assert "cepii:distcap" in out and hashlib.sha256(CSV.encode()).hexdigest() in out
    assert main(["chain", "run", "loop", "--dataset", "t", "--db", db]) == 0
    with open_store(db) as con:
        km, _ = results(con, "loop")
    assert km.loc["FRA"] == pytest.approx(6300.0)
    capsys.readouterr()
    rc = main(base + cepii + ["--cepii-measure", "distw"])
    err = errors_only(capsys.readouterr().err)
    assert rc != 0 and len(err.splitlines()) == 1 and "distw" in err
    assert main(base + cepii + ["--cepii-measure", "distw", "--km-fallback", "natural_earth"]) == 0


# ---------------------------------------------------------------- the real GeoDist file


@pytest.mark.skipif(not REAL_CEPII.exists(), reason="needs /work/shared (CEPII GeoDist copy)")
def test_real_geodist_on_wiod_countries():
    real = pd.read_parquet(REAL_CEPII).set_index(["iso_o", "iso_d"])
    wiod = ["USA", "CHN", "DEU", "ROM", "JPN", "RoW"]
    km = geo.cepii_distances(wiod, REAL_CEPII, "dist")
    assert km[0, 1] == pytest.approx(real.loc[("USA", "CHN"), "dist"])
    assert km[2, 3] == pytest.approx(real.loc[("DEU", "ROM"), "dist"])
    assert np.all(np.diag(km) == 0) and np.all(km[~np.eye(6, dtype=bool)] > 0)
    # distw lacks some RoW members (e.g. Macao): left out, the rest still weighted
    kmw = geo.cepii_distances(wiod, REAL_CEPII, "distw")
    assert kmw[0, 1] == pytest.approx(real.loc[("USA", "CHN"), "distw"])
    assert 0 < kmw[0, 5] < 20000
