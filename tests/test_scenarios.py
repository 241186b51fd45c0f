"""gvc.scenarios end to end on constructed tables: definitions, results against the explicit
route, exact zeros, the store (definition hash, input sha256, freshness), executors, CLI."""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pandas as pd
import pytest
from conftest import provenance
from scenario_tables import (
    assert_close,
    coefficients,
    explicit_extraction,
    explicit_substitution,
    random_table,
    solve,
)

from gvc.catalog import open_store
from gvc.cli import main
from gvc.errors import InputError, SchemaError
from gvc.indicators.derived import Derived
from gvc.ingestion.load import load_table
from gvc.scenarios import compute as C
from gvc.scenarios.definitions import parse

BASE = {"dataset": "t"}


def _def(**kw):
    return parse({"name": "s", **BASE, **kw})


def _run(d, t):
    derived = Derived(t)
    return C.compute_points(d, derived, C.points_of(d, t.countries, t.sectors)), derived


def _levels(frame: pd.DataFrame, measure: str, point: str = "") -> pd.DataFrame:
    f = frame[(frame["measure"] == measure) & (frame["point"] == point)]
    if "node" in f:
        f = f.sort_values("node", kind="stable")
    return f.reset_index(drop=True)  # countries come in table order


# ------------------------------------------------------------------------- definitions


def test_definition_validation_errors():
    with pytest.raises(InputError, match="unknown scenario kind"):
        _def(kind="nope")
    with pytest.raises(InputError, match="unknown key 'thetta'"):
        _def(kind="import_substitution", country="C0", thetta=1)
    with pytest.raises(InputError, match="out of range"):
        _def(kind="import_substitution", country="C0", theta=1.5)
    with pytest.raises(InputError, match="exactly one target"):
        _def(kind="extraction", country="C0", nodes=[["C0", "S0"]])
    with pytest.raises(InputError, match="'change' is required"):
        _def(kind="demand_shock", country="C0")
    with pytest.raises(InputError, match="unknown extraction variant"):
        _def(kind="extraction", country="C0", variant="sideways")
    with pytest.raises(InputError, match="one country"):
        _def(kind="import_substitution", nodes=[["C0", "S0"], ["C1", "S0"]])
    with pytest.raises(InputError, match="blocs overlap"):
        _def(kind="bloc", bloc_a=["C0"], bloc_b=["C0"])
    with pytest.raises(InputError, match="year_from equals"):
        _def(kind="sda", year_from=2000, year_to=2000)


def test_definition_toml_round_trip_and_hash():
    d = _def(
        kind="import_substitution",
        clusters=[{"country": "C0", "sectors": ["S1"]}, {"country": "C1", "name": "all1"}],
        theta=[0.5, 1],
        origins=["C2"],
        final_imports=True,
        years=[2001, 2000],
        description="x",
    )
    back = parse(tomllib.loads(d.to_toml()))
    assert back == d and back.hash == d.hash
    assert [c.label for c in back.clusters] == ["C0:S1", "all1"]
    other = parse({**tomllib.loads(d.to_toml()), "name": "other", "description": "y"})
    assert other.hash == d.hash  # name and description are not part of the hash
    changed = parse({**tomllib.loads(d.to_toml()), "theta": [0.5]})
    assert changed.hash != d.hash


def test_points_of_grid_and_each_node():
    d = _def(
        kind="import_substitution",
        each_node={"countries": "all", "sectors": ["S0"]},
        theta=[0.5, 1.0],
    )
    pts = C.points_of(d, ("C0", "C1"), ("S0", "S1"))
    assert [p.label for p in pts] == ["C0:S0@0.5", "C0:S0@1", "C1:S0@0.5", "C1:S0@1"]
    single = _def(kind="demand_shock", country="C0", change=-0.3)
    assert [p.label for p in C.points_of(single, ("C0",), ("S0",))] == [""]
    with pytest.raises(InputError, match="unknown country 'XX'"):
        C.points_of(_def(kind="demand_shock", country="XX", change=-0.3), ("C0",), ("S0",))


# ------------------------------------------------------------ results = explicit route


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "variant",
    [
        "backward_full",
        "backward_keep_within",
        "forward_leontief",
        "total_cut_links",
        "total_isolate",
        "total_delete",
        "cross_border_exports",
        "cross_border_imports",
        "cross_border_both",
    ],
)
def test_extraction_frames_equal_explicit_route(seed, variant):
    t, _, _ = random_table(seed, 3, 3)
    d = _def(
        kind="extraction", variant=variant, nodes=[["C1", "S0"], ["C1", "S2"]], final_imports=True
    )
    res, derived = _run(d, t)
    S = {1 * 3 + 0, 1 * 3 + 2}
    A1, Y1 = explicit_extraction(t, S, variant, final_imports=True)
    x1 = solve(A1, Y1.sum(axis=1))
    x0 = solve(coefficients(t), t.Y.sum(axis=1))
    out = _levels(res.nodes, "output")
    assert_close(out["scenario_value"].to_numpy(), x1, x0)
    assert_close(out["delta"].to_numpy(), x1 - x0, x0)
    va = _levels(res.nodes, "value_added")
    v = derived.v
    assert_close(va["delta"].to_numpy(), v * (x1 - x0), v * x0)
    cva = _levels(res.countries, "value_added")
    assert_close(cva["delta"].to_numpy(), (v * (x1 - x0)).reshape(3, 3).sum(axis=1), v * x0)
    # delta is exactly scenario_value - baseline
    np.testing.assert_array_equal(out["delta"], out["scenario_value"] - out["baseline"])


def test_substitution_frames_equal_explicit_route_and_theta_zero_is_exact():
    t, _, _ = random_table(8, 3, 3, zero_share=0.0)
    d = _def(
        kind="import_substitution",
        country="C2",
        sectors=["S0", "S1"],
        theta=[0.0, 0.7],
        final_imports=True,
    )
    res, derived = _run(d, t)
    A1, Y1 = explicit_substitution(t, 2, [0, 1], 0.7, final_imports=True)
    x1 = solve(A1, Y1.sum(axis=1))
    x0 = solve(coefficients(t), t.Y.sum(axis=1))
    out = _levels(res.nodes, "output", "@0.7")
    assert_close(out["scenario_value"].to_numpy(), x1, x0)
    fd = _levels(res.nodes, "final_demand", "@0.7")
    assert_close(fd["scenario_value"].to_numpy(), Y1.sum(axis=1), t.Y.sum(axis=1))
    for frame in (res.nodes, res.countries, res.clusters):
        zero = frame[frame["point"] == "@0"]
        assert len(zero) and np.all(zero["delta"].to_numpy() == 0.0)
        np.testing.assert_array_equal(zero["scenario_value"], zero["baseline"])
    flags = res.flags[res.flags["point"] == "@0"]
    assert (flags["baseline_flagged"] == flags["scenario_flagged"]).all()
    # home gain = sum of partners' losses (world value added conserved)
    cva = res.countries[
        (res.countries["measure"] == "value_added") & (res.countries["point"] == "@0.7")
    ]
    home = cva[cva["country"] == "C2"]["delta"].sum()
    assert abs(home + cva[cva["country"] != "C2"]["delta"].sum()) <= 1e-12 * cva["baseline"].sum()
    det = json.loads(res.points.set_index("point").loc["@0.7", "details"])
    assert det["country"] == "C2" and det["not_substituted_inputs"] == 0.0


def test_closed_cluster_flag_equals_lockin_rule_on_changed_table():
    from gvc.lockin import closed_cluster_flags, node_metrics
    from gvc.table import IOTable

    t, _, _ = random_table(9, 3, 2, zero_share=0.0, self_share=0.0)
    d = _def(kind="import_substitution", country="C1", theta=0.9, node_flags=False)
    res, derived = _run(d, t)
    A1, Y1 = explicit_substitution(t, 1, [0, 1], 0.9)
    x1 = solve(A1, Y1.sum(axis=1))
    t1 = IOTable(t.countries, t.sectors, ("F",), A1 * x1[None, :], Y1, x1, derived.v * x1)
    gb = node_metrics(t1.Z, t1.Y, x1, t1.va, 3, 2)["gvc_backward"]
    want = closed_cluster_flags(
        t1, {"C1": [("C1", "S0"), ("C1", "S1")]}, dataset="t", year=0, gvc_backward=gb
    ).iloc[0]
    got = res.flags[res.flags["flag"] == "closed_cluster"].iloc[0]
    assert got["scenario_flagged"] == want["flagged"]
    assert got["scenario_score"] == pytest.approx(want["score"], rel=1e-9)
    assert set(res.flags["flag"]) == {"closed_cluster"}  # node_flags = false


def test_node_flags_equal_lockin_on_changed_table():
    from gvc.lockin import lockin_flags, node_metrics_frame
    from gvc.table import IOTable

    t, _, _ = random_table(10, 6, 2, zero_share=0.0, self_share=0.0)
    d = _def(kind="import_substitution", country="C3", sectors=["S1"], theta=1.0)
    res, derived = _run(d, t)
    A1, Y1 = explicit_substitution(t, 3, [1], 1.0)
    x1 = solve(A1, Y1.sum(axis=1))
    t1 = IOTable(t.countries, t.sectors, ("F",), A1 * x1[None, :], Y1, x1, derived.v * x1)
    want = lockin_flags(
        node_metrics_frame(t1, dataset="t", year=0),
        flags=["closed_national_chain", "focal_structure"],
    )
    want = want[(want["country"] == "C3") & (want["sector"] == "S1")].set_index("flag")
    got = res.flags[res.flags["flag"] != "closed_cluster"].set_index("flag")
    assert set(got.index) == {"closed_national_chain", "focal_structure"}
    for f in got.index:
        assert got.loc[f, "scenario_flagged"] == want.loc[f, "flagged"]
        np.testing.assert_allclose(got.loc[f, "scenario_score"], want.loc[f, "score"], rtol=1e-9)


@pytest.mark.parametrize("kind", ["demand_shock", "primary_input_shock", "mixed"])
def test_shock_frames_zero_change_is_exact(kind):
    t, _, _ = random_table(12, 3, 2)
    res, _ = _run(_def(kind=kind, country="C0", change=[0.0, -0.3]), t)
    for frame in (res.nodes, res.countries):
        zero = frame[frame["point"] == "@0"]
        assert len(zero) and np.all(zero["delta"].to_numpy() == 0.0)
        moved = frame[frame["point"] == "@-0.3"]
        assert np.any(moved["delta"].to_numpy() != 0.0)


def test_bloc_frames_and_notes():
    t, _, _ = random_table(13, 3, 2)
    res, derived = _run(_def(kind="bloc", bloc_a=["C0"], final_trade=True), t)
    det = json.loads(res.points["details"].iloc[0])
    assert det["cut_inputs"] > 0 and det["cut_final"] > 0
    assert res.points["rank"].iloc[0] == 4  # 2 |C0| nodes


# ------------------------------------------------------------------- store, executors


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.duckdb"
    t0, _, _ = random_table(21, 3, 2, zero_share=0.0, self_share=0.0)
    t1, _, _ = random_table(22, 3, 2, zero_share=0.0, self_share=0.0)
    with open_store(path) as con:
        for year, t in ((2000, t0), (2001, t1)):
            load_table(
                con, t, dataset="t", year=year, provenance=provenance(file_sha256=f"{year:064d}")
            )
    return str(path)


def test_store_run_report_freshness(db, tmp_path):
    from gvc import scenarios

    d = scenarios.define(
        {
            "name": "sub",
            "dataset": "t",
            "kind": "import_substitution",
            "country": "C1",
            "sectors": ["S0"],
            "theta": [0.5, 1.0],
        },
        db=db,
    )
    done = scenarios.run("sub", dataset="t", db=db)
    assert [y for y, _ in done] == [2000, 2001]
    with open_store(db) as con:
        from gvc.catalog import ledger

        e = ledger.entries(con, "t", 2001, "scenario:sub")[0]
        assert e.kind == "scenario" and e.scope == {"scenario": "sub"}
        assert e.input_sha256 == ledger.table_sha256(con, "t", 2001)
        opts = json.loads(
            con.execute(
                "SELECT options FROM ledger WHERE year = 2001 AND result = 'scenario:sub'"
            ).fetchone()[0]
        )
        assert opts["hash"] == d.hash and opts["definition"]["kind"] == "import_substitution"
        st = con.execute("SELECT fresh FROM scenario_status").fetchall()
        assert all(r[0] for r in st)
        gl = con.execute("SELECT * FROM scenario_gains_losses('t', 'sub', 2001, '@1')").df()
        assert gl["delta"].iloc[0] > 0 and abs(gl["delta"].sum()) < 1e-9 * gl["baseline"].sum()
        assert con.execute("SELECT count(*) FROM audit_scenario_va_conserved").fetchone()[0] == 0
        # the input table's identity changes behind gvc's back: the results are not current
        con.execute("UPDATE tables SET table_sha256 = 'x' WHERE year = 2001")
        st = dict(con.execute("SELECT year, fresh FROM scenario_status").fetchall())
        assert st == {2000: True, 2001: False}
    rep = scenarios.report("sub", dataset="t", year=2000, db=db)
    assert rep.fresh
    text = scenarios.format_report(rep, point="@1")
    assert "current" in text and "home C1" in text and "cluster C1:S0 before and after" in text
    png = scenarios.plot(rep, tmp_path / "g.png", point="@1")
    assert open(png, "rb").read(4) == b"\x89PNG"
    # a report never shows results that are not current
    with pytest.raises(SchemaError, match="2001 stale: input changed"):
        scenarios.report("sub", dataset="t", year=2001, db=db)
    # a changed definition deletes the old results
    scenarios.define(
        {
            "name": "sub",
            "dataset": "t",
            "kind": "import_substitution",
            "country": "C1",
            "sectors": ["S0"],
            "theta": 0.2,
        },
        db=db,
    )
    with pytest.raises(SchemaError, match="no results"):
        scenarios.report("sub", dataset="t", db=db)


def test_sda_in_store(db, tmp_path):
    from gvc import scenarios

    scenarios.define(
        {"name": "d", "dataset": "t", "kind": "sda", "year_from": 2000, "year_to": 2001}, db=db
    )
    scenarios.run("d", dataset="t", db=db)
    with open_store(db) as con:
        assert con.execute("SELECT count(*) FROM audit_scenario_sda_sums").fetchone()[0] == 0
        n = con.execute("SELECT count(*) FROM scenario_sda").fetchone()[0]
        assert n == 6 * 3 + 4 * 6 + 2 * 3  # va_flows n x G, 4 WWYZ terms by node, 2 rates
    rep = scenarios.report("d", dataset="t", db=db)
    assert rep.base_year == 2000 and "fd_level" in scenarios.format_report(rep)
    assert scenarios.plot(rep, tmp_path / "sda.svg").endswith("sda.svg")
    with pytest.raises(SchemaError, match="no table for 1999"):
        scenarios.define(
            {"name": "e", "dataset": "t", "kind": "sda", "year_from": 1999, "year_to": 2001}, db=db
        )


def test_unknown_labels_and_dataset(db):
    from gvc import scenarios

    with pytest.raises(InputError, match="unknown sector 'S9'"):
        scenarios.define(
            {"name": "x", "dataset": "t", "kind": "extraction", "country": "C0", "sectors": ["S9"]},
            db=db,
        )
    with pytest.raises(SchemaError, match="not in the store"):
        scenarios.define(
            {"name": "x", "dataset": "nope", "kind": "extraction", "country": "C0"}, db=db
        )
    with pytest.raises(SchemaError, match="no scenario 'x'"):
        scenarios.run("x", dataset="t", db=db)


def test_process_executor_gives_the_same_results():
    t, _, _ = random_table(30, 3, 2, zero_share=0.0)
    d = _def(
        kind="import_substitution",
        each_node={"countries": "all", "sectors": "all"},
        theta=[0.5, 1.0],
        node_flags=False,
    )
    derived = Derived(t)
    a = C.compute_year(d, derived, executor="local")
    b = C.compute_year(d, derived, executor="local:2")
    for f in ("nodes", "countries", "clusters", "flags"):
        pd.testing.assert_frame_equal(
            getattr(a, f).sort_values(list(getattr(a, f).columns[:3])).reset_index(drop=True),
            getattr(b, f).sort_values(list(getattr(b, f).columns[:3])).reset_index(drop=True),
        )


@pytest.mark.slow
@pytest.mark.distributed
def test_dask_executor_gives_the_same_results():
    pytest.importorskip("dask.distributed")
    t, _, _ = random_table(31, 3, 2, zero_share=0.0)
    d = _def(kind="extraction", each_node={"countries": "all", "sectors": "all"})
    derived = Derived(t)
    a = C.compute_year(d, derived, executor="local")
    b = C.compute_year(d, derived, executor="dask:2")
    pd.testing.assert_frame_equal(
        a.countries.sort_values(["point", "country", "measure"]).reset_index(drop=True),
        b.countries.sort_values(["point", "country", "measure"]).reset_index(drop=True),
    )


def test_cli_define_run_report_list(db, tmp_path, capsys):
    f = tmp_path / "s.toml"
    f.write_text('name = "cap"\ndataset = "t"\nkind = "mixed"\ncountry = "C2"\nchange = -0.3\n')
    assert main(["scenario", "define", "--file", str(f), "--db", db]) == 0
    assert "defined scenario cap (mixed)" in capsys.readouterr().err
    assert (
        main(
            [
                "scenario",
                "define",
                "shock",
                "--dataset",
                "t",
                "--kind",
                "demand_shock",
                "--param",
                "country=C0",
                "--param",
                'sectors=["S1"]',
                "--param",
                "change=-0.3",
                "--db",
                db,
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["scenario", "run", "cap", "--dataset", "t", "--year", "2001", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "scenario_countries" in out and "2001" in out
    png = tmp_path / "c.png"
    assert (
        main(["scenario", "report", "cap", "--dataset", "t", "--plot", str(png), "--db", db]) == 0
    )
    out = capsys.readouterr().out
    assert "scenario cap (mixed)" in out and png.exists()
    assert main(["scenario", "list", "--dataset", "t", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "cap" in out and "shock" in out
    assert main(["scenario", "run", "nope", "--dataset", "t", "--db", db]) == 3
    assert "no scenario 'nope'" in capsys.readouterr().err
    assert main(["scenario", "define", "--file", str(tmp_path / "missing.toml"), "--db", db]) == 2
