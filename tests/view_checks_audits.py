"""Value checks of the audits (see view_checks.py): zero rows on the real store, and on a copy
with facts changed (:data:`TAMPER`) exactly the changed rows, with the columns a pandas
computation of the same identity gives on the changed facts.

The changes are chosen so that each condition of an audit is the only one broken somewhere
(a Borin-Mancini flow per identity; a wwz flow off in its total only, another in its final
terms only), that a missing group is reported (rows deleted: the audits' LEFT JOINs), and that
both branches of audit_va_in_exports_sum run (2008 relabelled as a file-row value added:
a one-sided check there, so a shortfall is not reported).
"""

from __future__ import annotations

from collections import Counter

import duckdb
import numpy as np
import pandas as pd
from small_real_store import COUNTRIES, DATASET, SECTORS
from view_checks import VARIANTS, Ctx, checks, close

D = 1000.0
_W = f"dataset = '{DATASET}'"
_BM = f"{_W} AND year = 2009 AND approach = 'source' AND perspective = 'world' AND importer_pos = 3"


def _bm(node: int, *terms: str) -> str:
    names = ", ".join(f"'{t}'" for t in terms)
    return (
        f"UPDATE facts.decomp_bm SET value = value + {D} "
        f"WHERE {_BM} AND export_node = {node} AND term IN ({names})"
    )


TAMPER = [
    # Borin-Mancini, one identity broken per flow (nodes 0-6 to RoW, 2009, source/world)
    _bm(0, "GEXP", "FC", "FDC", "DAVAX"),  # GEXP = gross exports
    _bm(1, "FC", "FVA"),  # DC + FC = GEXP
    _bm(2, "DDC"),  # DVA + DDC = DC
    _bm(3, "FVA"),  # FVA + FDC = FC
    _bm(4, "VAX"),  # VAX + REF = DVA
    _bm(5, "GVCB"),  # GVCB + GVCF = GVC
    _bm(6, "DAVAX"),  # GEXP - DAVAX = GVC
    # KWW: one term off; one exporter-year without rows
    f"UPDATE facts.decomp_kww SET value = value + {D} "
    f"WHERE {_W} AND year = 2008 AND exporter_pos = 1 AND term = 'DVA_FIN'",
    f"DELETE FROM facts.decomp_kww WHERE {_W} AND year = 2009 AND exporter_pos = 0",
    # value-added flows: one cell off; one origin without rows
    f"UPDATE facts.va_flows SET value = value + {D} "
    f"WHERE {_W} AND year = 2009 AND origin_node = 7 AND dest_country_pos = 0",
    f"DELETE FROM facts.va_flows WHERE {_W} AND year = 2008 AND origin_node = 2",
    # value added in exports: 2008 relabelled non-residual (one-sided check), 2009 residual
    f"UPDATE tables SET value_added_definition = 'file row (test)' WHERE {_W} AND year = 2008",
    f"UPDATE facts.va_in_exports_country SET value = value + {D} "
    f"WHERE {_W} AND year = 2008 AND source_country_pos = 1 AND export_node = 9",
    f"UPDATE facts.va_in_exports_country SET value = value - {D} "
    f"WHERE {_W} AND year = 2008 AND source_country_pos = 1 AND export_node = 10",
    f"UPDATE facts.va_in_exports_country SET value = value - {D} "
    f"WHERE {_W} AND year = 2009 AND source_country_pos = 1 AND export_node = 9",
    f"DELETE FROM facts.va_in_exports_country WHERE {_W} AND year = 2009 AND export_node = 11",
    # WWZ to DEU, 2009: both sums off; the total only; the final-goods terms only
    f"UPDATE facts.decomp_wwz SET value = value + {D} WHERE {_W} AND year = 2009 "
    "AND export_node = 12 AND importer_pos = 1 AND term = 'DVA_FIN'",
    f"UPDATE facts.decomp_wwz SET value = value + {D} WHERE {_W} AND year = 2009 "
    "AND export_node = 13 AND importer_pos = 1 AND term = 'DVA_INT'",
    f"UPDATE facts.decomp_wwz SET value = value + CASE term WHEN 'DVA_FIN' THEN {D} "
    f"ELSE -{D} END WHERE {_W} AND year = 2009 AND export_node = 14 AND importer_pos = 1 "
    "AND term IN ('DVA_FIN', 'DVA_INT')",
]
"""Changes to a copy of the store; every audit must then report exactly :data:`HITS`."""
VARIANTS["tampered"] = TAMPER


def _node(i: int) -> tuple[str, str]:
    return COUNTRIES[i // len(SECTORS)], SECTORS[i % len(SECTORS)]


HITS = {
    "audit_bm_identities": Counter((2009, *_node(i), "RoW", "source", "world") for i in range(7)),
    "audit_kww_sums": Counter([(2008, "DEU"), (2009, "CHN")]),
    "audit_va_flows_sum": Counter([(2009, *_node(7)), (2008, *_node(2))]),
    "audit_va_in_exports_sum": Counter([(2008, *_node(9)), (2009, *_node(9)), (2009, *_node(11))]),
    "audit_wwz_sums": Counter((2009, *_node(i), "DEU") for i in (12, 13, 14)),
}
KEYS = {
    "audit_bm_identities": [
        "year",
        "exporter",
        "export_sector",
        "importer",
        "approach",
        "perspective",
    ],
    "audit_kww_sums": ["year", "exporter"],
    "audit_va_flows_sum": ["year", "country", "sector"],
    "audit_va_in_exports_sum": ["year", "exporter", "export_sector"],
    "audit_wwz_sums": ["year", "exporter", "export_sector", "importer"],
}

COLUMNS = {
    "audit_bm_identities": ["dataset", *KEYS["audit_bm_identities"], "total"]
    + "gexp dc fc dva ddc fva fdc davax vax ref gvc gvcb gvcf".split(),
    "audit_kww_sums": ["dataset", "year", "exporter", "gross_exports", "terms"],
    "audit_va_flows_sum": ["dataset", "year", "country", "sector", "value_added", "flows"],
    "audit_va_in_exports_sum": [
        "dataset",
        "year",
        "exporter",
        "export_sector",
        "gross_exports",
        "sources",
        "value_added_definition",
    ],
    "audit_wwz_sums": [
        "dataset",
        "year",
        "exporter",
        "export_sector",
        "importer",
        "total",
        "final",
        "terms",
        "final_terms",
    ],
}
"""What each audit reports, in order."""

NINE = [
    "DVA_FIN",
    "DVA_INT",
    "DVA_INTrex",
    "RDV_FIN",
    "RDV_INT",
    "DDC",
    "FVA_FIN",
    "FVA_INT",
    "FDC",
]
BM_TERMS = ["GEXP", "DC", "FC", "DVA", "DDC", "FVA", "FDC", "DAVAX", "VAX", "REF", "GVC", "GVCB"]
BM_TERMS += ["GVCF"]


def _facts(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM {table} WHERE dataset = ?", [DATASET]).df()


def _label(df: pd.DataFrame, col: str, country: str, sector: str | None = None) -> None:
    N = len(SECTORS)
    if sector is None:
        df[country] = [COUNTRIES[int(i)] for i in df[col]]
    else:
        df[country] = [COUNTRIES[int(i) // N] for i in df[col]]
        df[sector] = [SECTORS[int(i) % N] for i in df[col]]


def _tol(x: pd.Series) -> pd.Series:
    return 1e-6 * np.maximum(np.abs(x), 1.0)


def _gross(con) -> pd.DataFrame:
    g = _facts(con, "facts.gross_exports")
    g["total"] = g["intermediate"] + g["final"]
    return g


def _years_with(con, result: str) -> set[int]:
    """Years whose ledger lists fact table ``result`` (how the audits find computed years)."""
    r = con.execute(
        "SELECT year FROM ledger WHERE dataset = ? AND list_contains(tables, ?)",
        [DATASET, result],
    ).df()
    return set(r["year"])


def expected_bm(con) -> pd.DataFrame:
    bm = _facts(con, "facts.decomp_bm")
    keys = ["year", "export_node", "importer_pos", "approach", "perspective"]
    p = bm.pivot_table(index=keys, columns="term", values="value", aggfunc="sum")
    p = p.reindex(columns=BM_TERMS).fillna(0.0).reset_index()
    p.columns = [c.lower() if c in BM_TERMS else c for c in p.columns]
    q = p.merge(_gross(con)[["year", "export_node", "importer_pos", "total"]], on=keys[:3])
    tol = _tol(q["total"])
    bad = (
        ((q["gexp"] - q["total"]).abs() > tol)
        | ((q["dc"] + q["fc"] - q["gexp"]).abs() > tol)
        | ((q["dva"] + q["ddc"] - q["dc"]).abs() > tol)
        | ((q["fva"] + q["fdc"] - q["fc"]).abs() > tol)
        | ((q["vax"] + q["ref"] - q["dva"]).abs() > tol)
        | ((q["gvcb"] + q["gvcf"] - q["gvc"]).abs() > tol)
        | ((q["gexp"] - q["davax"] - q["gvc"]).abs() > tol)
    )
    q = q[bad].copy()
    _label(q, "export_node", "exporter", "export_sector")
    _label(q, "importer_pos", "importer")
    q["dataset"] = DATASET
    return q


def expected_kww(con) -> pd.DataFrame:
    k = _facts(con, "facts.decomp_kww")
    k = k[k["term"].isin(NINE)].groupby(["year", "exporter_pos"], as_index=False)["value"].sum()
    g = _gross(con)
    g["exporter_pos"] = g["export_node"] // len(SECTORS)
    g = g.groupby(["year", "exporter_pos"], as_index=False)["total"].sum()
    g = g[g["year"].isin(_years_with(con, "decomp_kww"))]
    q = g.merge(k, on=["year", "exporter_pos"], how="left").fillna({"value": 0.0})
    q = q.rename(columns={"total": "gross_exports", "value": "terms"})
    q = q[(q["terms"] - q["gross_exports"]).abs() > _tol(q["gross_exports"])].copy()
    _label(q, "exporter_pos", "exporter")
    q["dataset"] = DATASET
    return q


def expected_va_flows(con) -> pd.DataFrame:
    nv = _facts(con, "facts.node_values")
    f = _facts(con, "facts.va_flows").groupby(["year", "origin_node"], as_index=False)["value"]
    s = f.sum().rename(columns={"origin_node": "node", "value": "flows"})
    q = nv[nv["year"].isin(_years_with(con, "va_flows"))].merge(s, on=["year", "node"], how="left")
    q["flows"] = q["flows"].fillna(0.0)
    q = q[(q["flows"] - q["value_added"]).abs() > _tol(q["value_added"])].copy()
    _label(q, "node", "country", "sector")
    q["dataset"] = DATASET
    return q


def expected_va_in_exports(con) -> pd.DataFrame:
    keys = ["year", "export_node"]
    s = _facts(con, "facts.va_in_exports_country").groupby(keys, as_index=False)["value"].sum()
    g = _gross(con).groupby(keys, as_index=False)["total"].sum()
    t = _facts(con, "tables")[["year", "value_added_definition"]]
    q = g.merge(t, on="year")
    q = q[q["year"].isin(_years_with(con, "va_in_exports_country"))]
    q = q.merge(s, on=keys, how="left").fillna({"value": 0.0})
    q = q.rename(columns={"total": "gross_exports", "value": "sources"})
    diff = q["sources"] - q["gross_exports"]
    residual = q["value_added_definition"].str.startswith("residual")
    bad = np.where(residual, diff.abs(), diff) > _tol(q["gross_exports"])
    q = q[bad].copy()
    _label(q, "export_node", "exporter", "export_sector")
    q["dataset"] = DATASET
    return q


def expected_wwz(con) -> pd.DataFrame:
    keys = ["year", "export_node", "importer_pos"]
    w = _facts(con, "facts.decomp_wwz")
    terms = w.groupby(keys, as_index=False)["value"].sum().rename(columns={"value": "terms"})
    fin = w[w["term"].isin(["DVA_FIN", "OVA_FIN", "MVA_FIN"])].groupby(keys, as_index=False)
    fin = fin["value"].sum().rename(columns={"value": "final_terms"})
    g = _gross(con)
    g = g[g["year"].isin(_years_with(con, "decomp_wwz"))]
    q = g.merge(terms, on=keys, how="left").merge(fin, on=keys, how="left")
    q[["terms", "final_terms"]] = q[["terms", "final_terms"]].fillna(0.0)
    bad = ((q["terms"] - q["total"]).abs() > _tol(q["total"])) | (
        (q["final_terms"] - q["final"]).abs() > _tol(q["final"])
    )
    q = q[bad].copy()
    _label(q, "export_node", "exporter", "export_sector")
    _label(q, "importer_pos", "importer")
    q["dataset"] = DATASET
    return q


EXPECTED = {
    "audit_bm_identities": expected_bm,
    "audit_kww_sums": expected_kww,
    "audit_va_flows_sum": expected_va_flows,
    "audit_va_in_exports_sum": expected_va_in_exports,
    "audit_wwz_sums": expected_wwz,
}


def _audit(name: str):
    def check(ctx: Ctx) -> None:
        assert ctx.sql(f"SELECT count(*) AS n FROM {name}")["n"].iloc[0] == 0, name
        got = ctx.tampered.execute(f"SELECT * FROM {name}").df()
        keys = Counter(tuple(r) for r in got[KEYS[name]].itertuples(index=False))
        assert keys == HITS[name], (name, keys)
        want = EXPECTED[name](ctx.tampered)
        assert list(got.columns) == COLUMNS[name], name
        assert len(want) == len(got)
        got = got.sort_values(KEYS[name]).reset_index(drop=True)
        want = want.sort_values(KEYS[name]).reset_index(drop=True)[list(got.columns)]
        for col in got.columns:
            if pd.api.types.is_numeric_dtype(got[col]) and col != "year":
                close(got[col], want[col], f"{name}.{col}")
            else:
                assert got[col].astype(str).tolist() == want[col].astype(str).tolist(), col

    return check


for _name in EXPECTED:
    checks(_name)(_audit(_name))
