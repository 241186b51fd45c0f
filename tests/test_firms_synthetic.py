"""The synthetic firm-network generator: links sum back to the table, structure is recovered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import WIOD2013, random_table
from firmnet import build

from gvc.firms.synthetic import generate_network
from gvc.kernels.blocks import total_exports

DESIGN_TABLE = random_table(7, G=3, N=6, F=2, trade=0.3)


def _network(seed: int = 5, **kw):
    args = dict(
        n_firms=3000,
        n_clusters=16,
        links=30_000,
        seed=seed,
        science_sector="S4",
        government_sector="S5",
    )
    return generate_network(DESIGN_TABLE, **(args | kw))


def test_links_sum_back_to_the_table() -> None:
    net = _network()
    flows = net.node_flows()
    np.testing.assert_allclose(flows, DESIGN_TABLE.Z, rtol=1e-12, atol=1e-12 * DESIGN_TABLE.Z.max())
    assert ((flows > 0) == (DESIGN_TABLE.Z > 0)).all()


def test_firm_totals_sum_to_the_nodes() -> None:
    t = DESIGN_TABLE
    net = _network()
    f = net.firms.to_pandas()
    node = f["country"].str[1:].astype(int) * t.N + f["sector"]
    R = t.Z.sum(axis=1)
    sales = f.groupby(node)["sales"].sum().reindex(range(t.n)).to_numpy()
    ok = t.x >= R
    np.testing.assert_allclose(sales[ok], t.x[ok], rtol=1e-10)
    exports = f.groupby(node)["exports"].sum().reindex(range(t.n)).to_numpy()
    np.testing.assert_allclose(exports, total_exports(t.Z, t.Y, t.G, t.N), rtol=1e-10)
    assert (f["imports"] == 0).all()  # every country is in the network: nothing outside
    # no self-loops, no duplicate links, non-negative values
    tx = net.transactions.to_pandas()
    assert (tx["supplier"] != tx["buyer"]).all() and (tx["value"] > 0).all()
    assert not tx.duplicated(["supplier", "buyer"]).any()


def test_subset_of_countries_imports_the_rest() -> None:
    t = DESIGN_TABLE
    net = generate_network(t, countries=["C0", "C2"], n_firms=800, n_clusters=4, links=5000)
    nodes = np.r_[0 : t.N, 2 * t.N : 3 * t.N]
    np.testing.assert_allclose(net.node_flows(), t.Z[np.ix_(nodes, nodes)], rtol=1e-12)
    f = net.firms.to_pandas()
    imp = f.groupby([f["country"], f["sector"]])["imports"].sum().to_numpy()
    np.testing.assert_allclose(imp, t.Z[t.N : 2 * t.N][:, nodes].sum(axis=0), rtol=1e-10)


def test_same_seed_same_network() -> None:
    a, b = _network(seed=9), _network(seed=9)
    assert a.transactions.equals(b.transactions) and a.firms.equals(b.firms)
    assert not _network(seed=10).transactions.equals(a.transactions)


def test_planted_structure_is_what_the_diagnostics_find(tmp_path) -> None:
    net = _network(seed=5, n_clusters=20)
    truth = net.clusters.to_pandas()
    # the design covers every kind of cluster
    for col in ("structure", "geography", "openness", "helix", "compliant"):
        assert truth[col].nunique() == 2, col
    _, diag, flags = build(
        tmp_path,
        net.firms.to_pandas().drop(columns=["sector"]),
        net.members.to_pandas(),
        net.transactions.to_pandas(),
        concordance=net.concordance.to_pandas(),
        year=None,
    )
    f = flags.pivot(index="cluster", columns="flag", values="flagged")
    m = truth.merge(f.reset_index(), on="cluster").merge(diag, on="cluster", suffixes=("", "_d"))
    focal = m["structure"] == "focal"
    assert (m.loc[focal, "degree_centralisation"] > 0.95).all()
    assert (m.loc[~focal, "degree_centralisation"] < 0.5).all()
    assert (m["registry_all_pass"] == m["compliant"]).all()
    assert (m["registry_focal"] == (focal & m["compliant"])).all()
    assert (m["scattered"] == (m["geography"] == "scattered")).all()
    closed = (m["openness"] == "closed") & m["compliant"]
    assert (m["closed_national_chain"] == closed).all()
    assert (m["incomplete_triple_helix"] == (m["helix"] == "business")).all()
    # the anchors found are the anchors planted
    anchors = m.loc[focal, "anchor_d"].astype("int64")
    assert (anchors == m.loc[focal, "anchor"]).all()


@pytest.mark.skipif(not WIOD2013.is_dir(), reason="datasets/wiod2013 not present")
def test_wiod_2013_links_sum_back(tmp_path) -> None:
    import gvc
    from gvc.catalog import open_store
    from gvc.indicators.inputs import read_iotable

    db = tmp_path / "w.duckdb"
    gvc.ingest(WIOD2013, db=db, dataset="wiod2013", year=2011)
    with open_store(db) as con:
        t = read_iotable(con, "wiod2013", 2011)
    net = generate_network(
        t,
        countries=["DEU", "POL", "CZE"],
        n_firms=5000,
        n_clusters=10,
        links=60_000,
        science_sector="c32",
        government_sector="c31",
        coarse_codes={"G": ["c19", "c20", "c21"]},
    )
    ix = [t.countries.index(c) for c in ("DEU", "POL", "CZE")]
    nodes = (np.array(ix)[:, None] * t.N + np.arange(t.N)).ravel()
    np.testing.assert_allclose(net.node_flows(), t.Z[np.ix_(nodes, nodes)], rtol=1e-12, atol=1e-9)
    conc = net.concordance.to_pandas()
    assert sorted(conc.loc[conc["industry"] == "G", "sector"]) == ["c19", "c20", "c21"]
    ind = pd.Series(net.firms["industry"].to_pylist())
    assert (ind == "G").sum() > 0
