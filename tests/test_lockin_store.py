"""Lock-in flags computed from the store on constructed tables whose answer is known.

Tables are built from coefficients (``x = (I - A)^-1 Y 1``, ``Z = A x^``, ``va = x - 1'Z``), so
the openness and the supplier structure of every node are set by hand.
"""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pandas as pd
import pytest
from conftest import openness_table, provenance, table_from_coefficients

from gvc.catalog import open_store
from gvc.errors import InputError, SchemaError
from gvc.ingestion.load import load_table
from gvc.kernels.blocks import total_exports
from gvc.lockin import FLAG_COLUMNS, cluster_metrics, compute_flags, load_rules, node_metrics
from gvc.table import IOTable

PROV = provenance()


def load_years(db, tables: dict[int, IOTable], dataset: str = "t") -> None:
    with open_store(db) as con:
        for year, t in tables.items():
            load_table(
                con,
                t,
                dataset=dataset,
                year=year,
                provenance={**PROV, "file_sha256": f"{year:064d}"},
            )


def flag_row(flags: pd.DataFrame, flag: str, country: str, sector: str, year: int = 2000):
    sel = flags[
        (flags.flag == flag)
        & (flags.country == country)
        & (flags.sector == sector)
        & (flags.year == year)
    ]
    assert len(sel) == 1, sel
    return sel.iloc[0]


# ---------------------------------------------------------------------------------------------


def test_autarkic_sector_is_closed_export_platform_is_not(tmp_path) -> None:
    G, N = 8, 2
    open_ = np.ones(G * N)
    open_[0] = 0.0  # C0/S0: no foreign inputs, no exports
    open_[2] = 3.0  # C1/S0: export platform
    db = tmp_path / "s.duckdb"
    load_years(db, {2000: openness_table(open_, G, N)})
    with open_store(db) as con:
        flags = compute_flags(con, "t")
        stored = con.execute(
            "SELECT * FROM lockin_flags WHERE flag = 'closed_national_chain' "
            "AND country = 'C0' AND sector = 'S0'"
        ).df()
    assert list(flags.columns) == FLAG_COLUMNS
    closed = flag_row(flags, "closed_national_chain", "C0", "S0")
    assert closed.flagged and closed.score == pytest.approx(1.0)
    assert "pure_domestic_share" in closed.reasons
    assert not flag_row(flags, "closed_national_chain", "C1", "S0").flagged
    # the other sector of every country trades alike: none of them is closed
    assert not flags[(flags.flag == "closed_national_chain") & (flags.sector == "S1")].flagged.any()
    assert bool(stored.flagged.iloc[0])
    # C0/S0 imports nothing itself, but its domestic supplier C0/S1 does: lowest, not zero
    s0 = flags[(flags.flag == "closed_national_chain") & (flags.sector == "S0")]
    back = s0.metrics.map(lambda m: json.loads(m)["gvc_backward"])
    assert back.idxmin() == closed.name and 0 < back.min() < 0.5 * back.drop(closed.name).min()


def hub_table() -> IOTable:
    """C0: S1 buys its domestic inputs from S0 only (hub and spoke); S2 from five suppliers
    S0, S3..S6 equally (0.1 each: hand-counted HHI 5 * 0.2^2 = 0.2, top share 0.2)."""
    G, N = 2, 7
    n = G * N
    A = np.zeros((n, n))
    A[np.diag_indices(n)] = 0.05  # own use: not a supplier network
    A[0, 1] = 0.4  # S0 -> S1
    for k in (0, 3, 4, 5, 6):
        A[k, 2] = 0.1  # S0, S3..S6 -> S2
    c = np.repeat(np.arange(G), N)
    A[c[:, None] != c[None, :]] = 0.002  # a little foreign sourcing everywhere
    Y = np.where(c[:, None] == np.arange(G)[None, :], 100.0, 10.0)
    return table_from_coefficients(A, Y, G, N)


def test_hub_and_spoke_is_focal_diversified_is_not(tmp_path) -> None:
    db = tmp_path / "s.duckdb"
    load_years(db, {2000: hub_table()})
    with open_store(db) as con:
        flags = compute_flags(con, "t")
    hub = flag_row(flags, "focal_structure", "C0", "S1")
    div = flag_row(flags, "focal_structure", "C0", "S2")
    assert hub.flagged and hub.score == pytest.approx(1.0)
    assert "supplier S0" in hub.reasons
    assert not div.flagged
    assert json.loads(div.metrics)["domestic_input_hhi"] == pytest.approx(0.2, rel=1e-12)
    assert json.loads(div.metrics)["top_domestic_supplier_share"] == pytest.approx(0.2)


@pytest.mark.parametrize(("threshold", "flagged"), [(0.19, True), (0.2, True), (0.21, False)])
def test_threshold_in_user_toml_changes_the_outcome_as_documented(
    tmp_path, threshold, flagged
) -> None:
    # documented: flagged when domestic_input_hhi >= hhi_threshold (combine = "any"); the
    # diversified node has HHI 0.2 (hand count) and top share 0.2 < 0.5
    db = tmp_path / "s.duckdb"
    load_years(db, {2000: hub_table()})
    rules = tmp_path / "rules.toml"
    # 0.2 as the HHI the node really has (5 * 0.2**2 in floating point), to test the '>='
    thr = 5 * 0.2**2 if threshold == 0.2 else threshold
    rules.write_text(f"[focal_structure]\nhhi_threshold = {thr!r}\n")
    with open_store(db) as con:
        flags = compute_flags(con, "t", rules=rules)
        used = con.execute("SELECT rules_toml FROM lockin_rules_latest WHERE dataset = 't'")
        used = tomllib.loads(used.fetchall()[0][0])
    assert bool(flag_row(flags, "focal_structure", "C0", "S2").flagged) is flagged
    assert flag_row(flags, "focal_structure", "C0", "S1").flagged  # HHI 1 either way
    assert used == load_rules(rules)
    assert used["focal_structure"]["hhi_threshold"] == thr


def test_falling_participation_is_declining(tmp_path) -> None:
    G, N = 6, 2
    years = range(2000, 2006)
    tables = {}
    for k, y in enumerate(years):
        open_ = np.ones(G * N)
        open_[0] = 1.0 - 0.14 * k  # C0/S0 closes step by step: 1.0 -> 0.3
        tables[y] = openness_table(open_, G, N)
    db = tmp_path / "s.duckdb"
    load_years(db, tables)
    with open_store(db) as con:
        flags = compute_flags(con, "t")

    def part(t: IOTable) -> np.ndarray:
        m = node_metrics(t.Z, t.Y, t.x, t.va, t.G, t.N)
        return m["gvc_backward"] + m["gvc_forward"]

    p0, p5 = part(tables[2000]), part(tables[2005])
    fall = (p0[0] - p5[0]) / p0[0]
    assert fall > 0.25  # the constructed decline is large enough
    row = flag_row(flags, "declining_integration", "C0", "S0", 2005)
    assert row.flagged and row.score == pytest.approx(fall, rel=1e-9)
    assert not flag_row(flags, "declining_integration", "C1", "S0", 2005).flagged
    early = flags[(flags.flag == "declining_integration") & (flags.year < 2005)]
    assert not early.flagged.any() and early.score.isna().all()  # no base year yet


def test_cluster_from_csv_is_aggregated_and_closed_cluster_flagged(tmp_path) -> None:
    G, N = 6, 3
    open_ = np.ones(G * N)
    open_[[0, 1]] = 0.0  # C0/S0 and C0/S1: closed ...
    t0 = openness_table(open_, G, N)
    A = t0.Z / t0.x[None, :]
    A[0, 1] = A[1, 0] = 0.35  # ... and trading mostly with each other,
    A[2, [0, 1]] = 0.0  # not buying from the open third sector of C0
    c = np.repeat(np.arange(G), N)
    Y = np.where(c[:, None] == np.arange(G)[None, :], 100.0, 60.0 * open_[:, None])
    t = table_from_coefficients(A, Y, G, N)
    db = tmp_path / "s.duckdb"
    load_years(db, {2000: t})
    csv = tmp_path / "clusters.csv"
    csv.write_text("cluster,country,sector\nclosed,C0,S0\nclosed,C0,S1\nopen,C1,S0\nopen,C1,S1\n")
    with open_store(db) as con:
        flags = compute_flags(con, "t", clusters=csv)
        agg = con.execute("SELECT cluster, measure, value FROM cluster_embeddedness").df()
    cc = flags[flags.flag == "closed_cluster"]
    assert set(cc.cluster) == {"closed", "open"} and len(cc) == 4
    assert cc[cc.cluster == "closed"].flagged.all()
    assert not cc[cc.cluster == "open"].flagged.any()
    mask = np.zeros(G * N, bool)
    mask[[0, 1]] = True
    cm = cluster_metrics(t.Z, t.x, t.va, total_exports(t.Z, t.Y, G, N), mask, G=G, N=N)
    got = json.loads(cc[cc.cluster == "closed"].metrics.iloc[0])
    assert got["intra_cluster_sales_share"] == pytest.approx(cm["intra_cluster_sales_share"])
    sql = agg.set_index(["cluster", "measure"])["value"]
    assert sql["closed", "intra_cluster_sales_share"] == pytest.approx(
        cm["intra_cluster_sales_share"]
    )
    assert sql["closed", "export_share"] == pytest.approx(0.0, abs=1e-12)
    assert sql["open", "export_share"] > 0.1


def test_recomputing_replaces_rows_and_keeps_rule_history(tmp_path) -> None:
    db = tmp_path / "s.duckdb"
    load_years(db, {2000: hub_table()})
    with open_store(db) as con:
        n1 = len(compute_flags(con, "t"))
        compute_flags(con, "t")
        n_rows = con.execute("SELECT count(*) FROM lockin_flags").fetchall()[0][0]
        n_rules = con.execute("SELECT count(*) FROM lockin_rules").fetchall()[0][0]
        flagged = con.execute("SELECT * FROM lockin_flagged('t', 'C0')").df()
        counts = con.execute("SELECT * FROM lockin_flag_counts").df()
    assert n_rows == n1 and n_rules == 2
    assert set(flagged.sector) >= {"S1"}
    assert counts.set_index("flag").loc["focal_structure", "flagged_nodes"] >= 1


def test_errors_name_the_problem(tmp_path) -> None:
    db = tmp_path / "s.duckdb"
    load_years(db, {2000: hub_table()})
    bad = tmp_path / "bad.toml"
    bad.write_text("[focal_structure]\nhhi_treshold = 0.3\n")
    csv = tmp_path / "c.csv"
    csv.write_text("cluster,country,sector\nk,XX,S0\n")
    with open_store(db) as con:
        with pytest.raises(SchemaError, match="'nope'"):
            compute_flags(con, "nope")
        with pytest.raises(InputError, match="bad.toml.*hhi_treshold"):
            compute_flags(con, "t", rules=bad)
        with pytest.raises(InputError, match="XX/S0"):
            compute_flags(con, "t", clusters=csv)
        assert con.execute("SELECT count(*) FROM lockin_flags").fetchall()[0][0] == 0
