"""Embeddedness inherited from the country x industry nodes through a concordance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import provenance, random_table
from firmnet import build, firm_rows, one

from gvc.catalog import open_store
from gvc.firms.embed import MEASURES
from gvc.ingestion.load import load_table

TABLE = random_table(11, G=2, N=3, F=2, trade=0.4)


def _store(tmp_path):
    db = tmp_path / "s.duckdb"
    with open_store(db) as con:
        load_table(con, TABLE, dataset="io", year=2020, provenance=provenance())
    return db


def _node_values(db) -> pd.DataFrame:
    """Node measures as stored by the steps (read back, not recomputed)."""
    with open_store(db) as con:
        return (
            con.execute(
                "SELECT n.country, n.sector, e.measure, e.value FROM facts.embeddedness e "
                "JOIN nodes n USING (dataset, node) WHERE e.dataset = 'io' AND e.year = 2020 "
                "AND e.measure IN ('output', 'gvc_forward', 'gvc_backward', 'fva_share', "
                "'crossings_mean') UNION ALL SELECT n.country, n.sector, g.measure, g.value "
                "FROM facts.gvc_node g JOIN nodes n USING (dataset, node) WHERE g.dataset = 'io' "
                "AND g.year = 2020 AND g.measure = 'upstreamness'"
            )
            .df()
            .pivot_table(index=["country", "sector"], columns="measure", values="value")
        )


def test_concordance_split_by_output_and_sales_weights(tmp_path) -> None:
    db = _store(tmp_path)
    # X -> S0; Y -> S1 and S2 (split by the nodes' output); Z maps nowhere; firm Q sits in a
    # country the table lacks. Sales 100, 300, 50, 70, 10.
    firms = firm_rows(
        ["A", "B", "C", "Q", "N"],
        country=["C0", "C0", "C1", "ZZZ", "C0"],
        classification="isic",
        industry=["X", "Y", "Y", "X", "Z"],
        sales=[100.0, 300.0, 50.0, 70.0, 10.0],
    )
    conc = pd.DataFrame(
        {"classification": "isic", "industry": ["X", "Y", "Y"], "sector": ["S0", "S1", "S2"]}
    )
    members = [(f, "K") for f in firms["firm"]]
    _, diag, _ = build(
        tmp_path,
        firms,
        members,
        [("A", "B", 1.0), ("C", "A", 1.0)],
        concordance=conc,
        dataset="io",
        db=db,
        year=2021,
    )
    k = one(diag, "K")
    v = _node_values(db)
    assert k.io_dataset == "io" and k.io_year == 2020  # 2021: the latest earlier table
    assert k.members_linked == 3
    assert k.linked_sales_share == pytest.approx(450 / 530)
    for m in (*MEASURES, "upstreamness"):
        x = v["output"]
        a = v.loc[("C0", "S0"), m]
        b = (
            x[("C0", "S1")] * v.loc[("C0", "S1"), m] + x[("C0", "S2")] * v.loc[("C0", "S2"), m]
        ) / (x[("C0", "S1")] + x[("C0", "S2")])
        c = (
            x[("C1", "S1")] * v.loc[("C1", "S1"), m] + x[("C1", "S2")] * v.loc[("C1", "S2"), m]
        ) / (x[("C1", "S1")] + x[("C1", "S2")])
        want = (100 * a + 300 * b + 50 * c) / 450
        assert k[m] == pytest.approx(want, rel=1e-12), m


def test_without_concordance_industry_codes_are_sectors(tmp_path) -> None:
    db = _store(tmp_path)
    firms = firm_rows(["A", "B"], country=["C1", "C1"], industry=["S2", "S0"], sales=[1.0, 3.0])
    _, diag, _ = build(
        tmp_path, firms, [("A", "K"), ("B", "K")], [("A", "B", 1.0)], dataset="io", db=db, year=2020
    )
    k = one(diag, "K")
    v = _node_values(db)
    want = (v.loc[("C1", "S2"), "gvc_backward"] + 3 * v.loc[("C1", "S0"), "gvc_backward"]) / 4
    assert k.gvc_backward == pytest.approx(want, rel=1e-12)
    assert k.members_linked == 2 and k.io_year == 2020


def test_not_linked_without_dataset(tmp_path) -> None:
    _, diag, _ = build(
        tmp_path, firm_rows(["A", "B"], industry="S0"), [("A", "K"), ("B", "K")], [("A", "B", 1.0)]
    )
    k = one(diag, "K")
    assert k.io_dataset is None and pd.isna(k.io_year) and np.isnan(k.gvc_forward)
    assert k.members_linked == 0
