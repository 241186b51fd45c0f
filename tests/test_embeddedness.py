"""Step ``embeddedness`` in a tmp store: values equal the kernels called directly, centralities
equal networkx's, border crossings equal hand counts, cluster aggregation equals a direct sum."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from conftest import provenance, random_table
from numpy.testing import assert_allclose

from gvc.catalog import open_store
from gvc.clusters import store_clusters
from gvc.ingestion.load import load_table
from gvc.kernels.borin_mancini import bm
from gvc.kernels.crossings import chain_moments
from gvc.kernels.participation import wwyz_participation
from gvc.kernels.tiva import tiva_indicators
from gvc.lockin import (
    MEASURES,
    betweenness_centrality,
    cluster_metrics,
    embeddedness_frame,
    ensure_embeddedness,
    node_metrics,
)
from gvc.table import IOTable

PROV = provenance()


def load(con, table: IOTable, dataset: str = "t", year: int = 2000) -> None:
    sha = f"{year:064d}"
    load_table(con, table, dataset=dataset, year=year, provenance={**PROV, "file_sha256": sha})


def stored(tmp_path, table: IOTable, steps=("embeddedness",)) -> pd.DataFrame:
    with open_store(tmp_path / "s.duckdb") as con:
        load(con, table)
        ensure_embeddedness(con, "t", betweenness="embeddedness_betweenness" in steps)
        return embeddedness_frame(con, "t", year=2000)


@pytest.fixture(scope="module")
def rnd() -> IOTable:
    return random_table(5, G=3, N=3, F=2, trade=0.4)


@pytest.fixture(scope="module")
def rnd_frame(tmp_path_factory, rnd) -> pd.DataFrame:
    return stored(tmp_path_factory.mktemp("emb"), rnd)


def test_every_measure_is_stored_and_documented(rnd_frame) -> None:
    stored_measures = set(rnd_frame.columns) - {
        "dataset",
        "year",
        "country",
        "sector",
        "node",
        "top_domestic_supplier",
    }
    expected = {m for m in MEASURES if "betweenness" not in m}
    assert stored_measures == expected
    assert len(rnd_frame) == 9


def test_sql_measure_catalogue_equals_python(tmp_path) -> None:
    with open_store(tmp_path / "s.duckdb") as con:
        cat = con.execute("SELECT measure, aggregation, weight FROM embeddedness_measures").df()
    py = pd.DataFrame(
        [(k, m.aggregation, m.weight) for k, m in MEASURES.items()],
        columns=["measure", "aggregation", "weight"],
    )
    got = cat.sort_values("measure").reset_index(drop=True).fillna("-")
    assert got.equals(py.sort_values("measure").reset_index(drop=True).fillna("-"))


def test_values_equal_kernels_called_directly(rnd, rnd_frame) -> None:
    t = rnd
    Y = t.Y
    B = np.linalg.inv(np.eye(t.n) - t.Z / t.x[None, :])
    f = rnd_frame.sort_values("node")
    terms = bm(t.Z, Y, t.x, t.va, t.G, t.N, approach="source", perspective="world")
    gexp = terms["GEXP"].sum(axis=1)
    assert_allclose(f["bm_gvcb_share"], terms["GVCB"].sum(axis=1) / gexp, rtol=1e-10)
    assert_allclose(f["bm_gvcf_share"], terms["GVCF"].sum(axis=1) / gexp, rtol=1e-10)
    assert_allclose(f["bm_gvc_share"], terms["GVC"].sum(axis=1) / gexp, rtol=1e-10)
    tv = tiva_indicators(t.Z, Y, t.x, t.va, t.G, t.N)
    assert_allclose(f["fva_share"], tv["EXGR_FVASH"], rtol=1e-10)
    w = wwyz_participation(t.Z, Y, t.x, t.va, t.G, t.N)
    assert_allclose(f["gvc_forward"], w["GVCPt_f"], rtol=1e-10)
    # the per-unit backward share equals WWYZ GVCPt_b where final goods are positive
    assert_allclose(f["gvc_backward"], w["GVCPt_b"], rtol=1e-10)
    assert_allclose(f["pure_domestic_share"], w["V_D_f"] / t.va, rtol=1e-10)
    m = node_metrics(t.Z, Y, t.x, t.va, t.G, t.N)
    for k in (
        "export_share",
        "domestic_input_share",
        "domestic_sales_share",
        "domestic_input_hhi",
        "top_domestic_supplier_share",
    ):
        assert_allclose(f[k], m[k], rtol=1e-10, err_msg=k)
    assert_allclose(f["top_domestic_supplier_pos"], m["top_domestic_supplier"])
    v = t.va / t.x
    ch = chain_moments(
        t.Z / t.x[None, :], B, v, Y, np.repeat(np.arange(t.G), t.N), dest_countries=np.arange(t.G)
    )
    assert_allclose(f["crossings_mean"], ch["crossings_mean"], rtol=1e-10)
    assert_allclose(f["countries_visited_mean"], ch["countries_visited_mean"], rtol=1e-10)
    assert_allclose(f["output"], t.x)
    assert_allclose(f["gross_exports"], gexp, rtol=1e-12)


def _nx_graph(W: np.ndarray) -> nx.DiGraph:
    return nx.from_numpy_array(W, create_using=nx.DiGraph)


@pytest.mark.parametrize("net", ["znet", "vanet"])
def test_centralities_equal_networkx(rnd, rnd_frame, net) -> None:
    t = rnd
    if net == "znet":
        W = t.Z
    else:  # built here from its definition: v^ B y^
        B = np.linalg.inv(np.eye(t.n) - t.Z / t.x[None, :])
        W = (t.va / t.x)[:, None] * B * t.Y.sum(axis=1)[None, :]
        assert (W >= 0).all()
    c = np.repeat(np.arange(t.G), t.N)
    f = rnd_frame.sort_values("node")
    rho = np.abs(np.linalg.eigvals(W)).max()
    for scope, mask in (("full", np.ones_like(W, bool)), ("foreign", c[:, None] != c[None, :])):
        g = _nx_graph(np.where(mask, W, 0.0))
        pr = nx.pagerank(g, weight="weight", tol=1e-13, max_iter=10000)
        assert_allclose(f[f"{net}_pagerank_{scope}"], [pr[i] for i in range(t.n)], rtol=1e-6)
        kz = nx.katz_centrality(g, alpha=0.5 / rho, weight="weight", tol=1e-13, max_iter=10000)
        assert_allclose(f[f"{net}_katz_{scope}"], [kz[i] for i in range(t.n)], rtol=1e-6)
        ev = nx.eigenvector_centrality(g, weight="weight", tol=1e-13, max_iter=10000)
        assert_allclose(f[f"{net}_eigenvector_{scope}"], [ev[i] for i in range(t.n)], rtol=1e-5)
        ins = dict(g.in_degree(weight="weight"))
        assert_allclose(f[f"{net}_in_strength_{scope}"], [ins[i] for i in range(t.n)])


def test_betweenness_step_equals_networkx_path(tmp_path, rnd) -> None:
    f = stored(tmp_path, rnd, steps=("embeddedness", "embeddedness_betweenness"))
    f = f.sort_values("node")
    direct = betweenness_centrality(rnd.Z, rnd.G, rnd.N, scope="foreign", min_share=0.05)
    assert_allclose(f["znet_betweenness_foreign"], direct)


def test_border_crossings_of_a_pure_chain_equal_hand_counts(tmp_path) -> None:
    # chain C0 -> C1 -> C2, consumed in C2: C0's value added crosses 2 borders, C1's 1, C2's 0
    Z = np.array([[0.0, 10.0, 0.0], [0.0, 0.0, 15.0], [0.0, 0.0, 0.0]])
    Y = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 20.0]])
    x = Z.sum(axis=1) + Y.sum(axis=1)
    t = IOTable(("C0", "C1", "C2"), ("S",), ("F",), Z, Y, x, x - Z.sum(axis=0))
    f = stored(tmp_path, t).sort_values("node")
    assert_allclose(f["crossings_mean"], [2.0, 1.0, 0.0])
    assert_allclose(f["countries_visited_mean"], [3.0, 2.0, 1.0])
    # C1 buys all its inputs abroad: no domestic supplier; C0 sells everything abroad
    assert_allclose(f["domestic_input_share"].iloc[1], 0.0)
    assert_allclose(f["export_share"], [1.0, 1.0, 0.0])


def test_cluster_embeddedness_aggregates_as_documented(tmp_path, rnd) -> None:
    members = [("C0", "S0"), ("C0", "S1"), ("C1", "S2")]
    with open_store(tmp_path / "s.duckdb") as con:
        load(con, rnd)
        ensure_embeddedness(con, "t")
        store_clusters(con, "t", {"k": members})
        agg = (
            con.execute(
                "SELECT measure, value, members FROM cluster_embeddedness WHERE cluster = 'k'"
            )
            .df()
            .set_index("measure")
        )
        f = embeddedness_frame(con, "t", year=2000)
    sel = f.set_index(["country", "sector"]).loc[members]
    # weighted: sum(value * weight) / sum(weight), weights as in MEASURES
    w = sel["gross_exports"]
    assert_allclose(agg.loc["bm_gvcb_share", "value"], (sel["bm_gvcb_share"] * w).sum() / w.sum())
    w = sel["value_added"]
    assert_allclose(
        agg.loc["pure_domestic_share", "value"], (sel["pure_domestic_share"] * w).sum() / w.sum()
    )
    assert_allclose(agg.loc["output", "value"], sel["output"].sum())
    assert_allclose(agg.loc["znet_pagerank_full", "value"], sel["znet_pagerank_full"].sum())
    assert agg.loc["output", "members"] == 3
    # linkages: from the intermediate flows, as gvc.lockin.cluster_metrics
    mask = np.zeros(rnd.n, bool)
    mask[[0, 1, 5]] = True
    e = bm(rnd.Z, rnd.Y, rnd.x, rnd.va, rnd.G, rnd.N)["GEXP"].sum(axis=1)
    cm = cluster_metrics(rnd.Z, rnd.x, rnd.va, e, mask, G=rnd.G, N=rnd.N)
    for k in ("intra_cluster_sales_share", "intra_cluster_input_share", "foreign_input_share"):
        assert_allclose(agg.loc[k, "value"], cm[k], rtol=1e-10, err_msg=k)
    assert_allclose(agg.loc["export_share", "value"], cm["export_share"], rtol=1e-10)
