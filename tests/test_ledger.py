"""The results ledger: nothing is ever served stale (issue 10).

Every result family (steps, chains, embeddedness, flags, pipeline units) is written through
the ledger; replacing a table deletes what was computed from it (and what depends on it) in the
same transaction, and reports of missing or stale results refuse with exit code 3.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from conftest import random_table
from numpy.testing import assert_allclose

import gvc
from gvc.catalog import ledger, open_store
from gvc.cli import main
from gvc.errors import SchemaError

COUNTRIES = ("USA", "CHN", "DEU", "RoW")


def table(seed: int):
    return dataclasses.replace(random_table(seed, G=4, N=3, F=2), countries=COUNTRIES)


def write_long(t, year: int, path) -> None:
    """``t`` as a long-layout parquet file (one row per non-zero cell)."""
    rc, rs = t.node_labels()
    rows = []
    n = t.n
    i, j = np.nonzero(t.Z)
    rows.append(
        pd.DataFrame(
            {
                "row_country": rc[i],
                "row_sector": rs[i],
                "col_country": np.array(t.countries, dtype=object)[j // t.N],
                "col_item": np.array(t.sectors, dtype=object)[j % t.N],
                "value": t.Z[i, j],
            }
        )
    )
    i, c = np.nonzero(t.Y_detail)
    rows.append(
        pd.DataFrame(
            {
                "row_country": rc[i],
                "row_sector": rs[i],
                "col_country": np.array(t.countries, dtype=object)[c // t.F],
                "col_item": np.array(t.fd_categories, dtype=object)[c % t.F],
                "value": t.Y_detail[i, c],
            }
        )
    )
    df = pd.concat(rows, ignore_index=True)
    df.insert(0, "year", year)
    df["unit"] = "USD million"
    assert n == t.G * t.N
    df.to_parquet(path, index=False)


@pytest.fixture()
def store(tmp_path, monkeypatch):
    """Two years ingested from long files, every result family computed."""
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "s.duckdb")
    for y, seed in ((2010, 1), (2011, 2)):
        write_long(table(seed), y, tmp_path / f"t_{y}.parquet")
        assert main(["ingest", str(tmp_path / f"t_{y}.parquet"), "--dataset", "d", "--db", db]) == 0
    assert main(["run", "--db", db, "--steps", "core,wwz,kww,embeddedness"]) == 0
    assert (
        main(["chain", "define", "c", "--dataset", "d", "--producers-sectors", "S1", "--db", db])
        == 0
    )
    assert main(["chain", "run", "c", "--dataset", "d", "--db", db]) == 0
    rules = tmp_path / "rules.toml"
    rules.write_text("[declining_integration]\nyears = 1\n")  # flags of 2011 read 2010
    assert main(["flags", "--dataset", "d", "--rules", str(rules), "--db", db]) == 0
    return tmp_path, db


def results(db: str) -> set[tuple[int, str]]:
    with open_store(db, read_only=True) as con:
        return {(e.year, e.result) for e in ledger.entries(con, "d")}


def rows_of(db: str, sql: str) -> int:
    with open_store(db, read_only=True) as con:
        return int(con.execute(sql).fetchone()[0])


def test_every_family_is_in_the_ledger(store):
    _, db = store
    have = results(db)
    for y in (2010, 2011):
        for r in ("core", "wwz", "kww", "embeddedness", "chain:c", "flags"):
            assert (y, r) in have
    with open_store(db, read_only=True) as con:
        e = {x.result: x for x in ledger.entries(con, "d", 2011)}
    assert e["flags"].depends_on_years == (2010, 2011)
    assert e["chain:c"].scope == {"chain": "c"} and e["chain:c"].kind == "chain"
    assert set(e["core"].tables) == {
        "va_flows",
        "va_in_exports_country",
        "export_va",
        "gross_exports",
    }


def test_replacing_a_table_removes_every_dependent_result(store, capsys):
    tmp, db = store
    write_long(table(7), 2010, tmp / "t_2010.parquet")
    before_2011 = rows_of(db, "SELECT count(*) FROM facts.va_flows WHERE year = 2011")
    assert main(["ingest", str(tmp / "t_2010.parquet"), "--dataset", "d", "--db", db]) == 2
    assert "--replace" in capsys.readouterr().err
    assert (
        main(["ingest", str(tmp / "t_2010.parquet"), "--dataset", "d", "--replace", "--db", db])
        == 0
    )
    have = results(db)
    # nothing of 2010 is left, and the flags of 2011 (which compared with 2010) went too
    assert not {r for y, r in have if y == 2010}
    assert (2011, "flags") not in have
    assert {(2011, r) for r in ("core", "wwz", "kww", "embeddedness", "chain:c")} <= have
    for t in (
        "va_flows",
        "decomp_wwz",
        "embeddedness",
        "chain_totals",
        "chain_paths",
        "chain_geography",
        "lockin_flags",
    ):
        assert rows_of(db, f"SELECT count(*) FROM facts.{t} WHERE year = 2010") == 0, t
    assert rows_of(db, "SELECT count(*) FROM facts.lockin_flags WHERE year = 2011") == 0
    assert rows_of(db, "SELECT count(*) FROM facts.va_flows WHERE year = 2011") == before_2011
    # reports refuse instead of printing old numbers
    capsys.readouterr()
    assert main(["chain", "report", "c", "--dataset", "d", "--db", db]) == 3
    err = capsys.readouterr().err
    assert "chain:c of 'd' is not up to date (2010 missing)" in err and "gvc chain run c" in err
    # recomputing brings every family back, from the new table
    assert main(["run", "--db", db, "--steps", "core,wwz,kww,chains,flags"]) == 0
    have = results(db)
    assert {(2010, r) for r in ("core", "wwz", "kww", "embeddedness", "chain:c", "flags")} <= have
    assert (2011, "flags") in have
    new = table(7)
    with open_store(db, read_only=True) as con:
        va = con.execute(
            "SELECT value_added FROM chain_totals WHERE year = 2010 AND chain = 'c'"
        ).fetchone()[0]
        flows = con.execute(
            "SELECT sum(value) FROM va_flows WHERE dataset = 'd' AND year = 2010"
        ).fetchone()[0]
    y_chain = new.Y[np.tile(np.array(new.sectors) == "S1", new.G)].sum()
    assert_allclose(va, y_chain, rtol=1e-12)
    assert_allclose(flows, new.va.sum(), rtol=1e-12)
    assert main(["chain", "report", "c", "--dataset", "d", "--db", db]) == 0


def test_stale_by_version_and_by_definition(store, monkeypatch, capsys):
    tmp, db = store
    monkeypatch.setattr(gvc, "__version__", "99.0")
    with open_store(db, read_only=True) as con:
        assert ledger.status(con, "d", 2011, "core") == "stale: computed by gvc 0.3.0"
        with pytest.raises(SchemaError, match="computed by gvc 0.3.0"):
            gvc.chains.read_chain_results(con, "d", "c")
    monkeypatch.undo()
    # redefining a chain deletes its results; the report then says they are missing
    assert (
        main(["chain", "define", "c", "--dataset", "d", "--destinations", "USA", "--db", db]) == 0
    )
    assert rows_of(db, "SELECT count(*) FROM facts.chain_totals") == 0
    capsys.readouterr()
    assert main(["chain", "report", "c", "--dataset", "d", "--db", db]) == 3
    assert "2010 missing; 2011 missing" in capsys.readouterr().err
    # a run skips what is fresh and computes what is not
    with open_store(db) as con:
        done = gvc.indicators.run.run(con, "d", None, ("core", "chain:c"))
    assert [sorted(t) for _, _, t in done] == [sorted(gvc.chains.FACTS_DDL)] * 2


def test_other_rules_make_flags_stale(store):
    tmp, db = store
    with open_store(db) as con:
        from gvc.lockin import ensure_flags

        assert ensure_flags(con, "d") == {}  # the latest rules: up to date
        rows = ensure_flags(con, "d", rules={"focal_structure": {"hhi_threshold": 0.9}})
        assert set(rows) == {2010, 2011}
        # the 2011 flags no longer read 2010 (default comparison window of 5 years)
        assert ledger.entries(con, "d", 2011, "flags")[0].depends_on_years == (2011,)


def test_pipeline_schedules_a_chain_and_flags(tmp_path, monkeypatch):
    from gvc.pipeline import run_pipeline

    data = tmp_path / "data"
    data.mkdir()
    for y, seed in ((2010, 1), (2011, 2)):
        write_long(table(seed), y, data / f"t_{y}.parquet")
    (tmp_path / "rules.toml").write_text("[declining_integration]\nyears = 1\n")
    toml = tmp_path / "p.toml"
    toml.write_text(
        'steps = ["core"]\n[output]\ndb = "p.duckdb"\n'
        '[[source]]\npath = "data"\ndataset = "d"\n'
        '[[chain]]\nname = "c"\nproducers_sectors = ["S1"]\n'
        '[flags]\nrules = "rules.toml"\n'
    )
    s = run_pipeline(toml)
    assert s.exit_code == 0 and len(s.done) == 2
    db = str(tmp_path / "p.duckdb")
    with open_store(db, read_only=True) as con:
        e = {(x.year, x.result): x for x in ledger.entries(con, "d")}
        got = con.execute(
            "SELECT year, value_added FROM chain_totals WHERE chain = 'c' ORDER BY year"
        ).fetchall()
    for y in (2010, 2011):
        assert e[(y, "chain:c")].producer.startswith("pipeline:")
        assert (y, "embeddedness") in e and e[(y, "flags")].producer == "flags"
    assert e[(2011, "flags")].depends_on_years == (2010, 2011)
    # the same chain through gvc run gives the same bits
    ref = str(tmp_path / "ref.duckdb")
    monkeypatch.chdir(tmp_path)
    for y in (2010, 2011):
        assert main(["ingest", str(data / f"t_{y}.parquet"), "--dataset", "d", "--db", ref]) == 0
    main(["chain", "define", "c", "--dataset", "d", "--producers-sectors", "S1", "--db", ref])
    main(["chain", "run", "c", "--dataset", "d", "--db", ref])
    with open_store(ref, read_only=True) as con:
        assert (
            got
            == con.execute(
                "SELECT year, value_added FROM chain_totals WHERE chain = 'c' ORDER BY year"
            ).fetchall()
        )
    # a second run has nothing to do
    s = run_pipeline(toml)
    assert s.done == [] and len(s.skipped) == 2


def test_replacing_a_table_removes_scenarios_that_read_it(store):
    from gvc import scenarios

    tmp, db = store
    scenarios.define(
        {
            "name": "shock",
            "dataset": "d",
            "kind": "demand_shock",
            "country": "CHN",
            "sectors": ["S1"],
            "change": -0.3,
        },
        db=db,
    )
    scenarios.define(
        {"name": "sda", "dataset": "d", "kind": "sda", "year_from": 2010, "year_to": 2011}, db=db
    )
    scenarios.run("shock", dataset="d", db=db)
    scenarios.run("sda", dataset="d", db=db)
    assert {(2010, "scenario:shock"), (2011, "scenario:shock"), (2011, "scenario:sda")} <= results(
        db
    )
    write_long(table(9), 2010, tmp / "t_2010.parquet")
    assert (
        main(["ingest", str(tmp / "t_2010.parquet"), "--dataset", "d", "--replace", "--db", db])
        == 0
    )
    have = results(db)
    # the sda of 2011 read 2010: gone with it; the 2011 shock read only 2011: kept
    assert (2011, "scenario:shock") in have
    assert (2010, "scenario:shock") not in have and (2011, "scenario:sda") not in have
    assert rows_of(db, "SELECT count(*) FROM facts.scenario_sda") == 0
    with pytest.raises(SchemaError, match="has no results; run 'gvc scenario run sda"):
        scenarios.report("sda", dataset="d", year=2011, db=db)


def test_pipeline_schedules_a_grouping(tmp_path, monkeypatch):
    """``[[group]]`` in a pipeline file: step ``group:<name>`` for every unit, in the ledger, the
    same bits as ``gvc group define`` + ``gvc group run``; members a table lacks are dropped."""
    from gvc.groups import store as groups
    from gvc.pipeline import run_pipeline
    from gvc.pipeline.config import load_config

    data = tmp_path / "data"
    data.mkdir()
    for y, seed in ((2010, 1), (2011, 2)):
        write_long(table(seed), y, data / f"t_{y}.parquet")
    toml = tmp_path / "p.toml"
    toml.write_text(
        'steps = ["core"]\n[output]\ndb = "p.duckdb"\n'
        '[[source]]\npath = "data"\ndataset = "d"\n'
        '[[group]]\nname = "g"\ngroups = { ASIA = ["CHN", "JPN"], WEST = ["USA", "DEU"] }\n'
    )
    assert "group:g" in load_config(toml).steps
    s = run_pipeline(toml)
    assert s.exit_code == 0 and len(s.done) == 2
    sql = (
        "SELECT year, exporter, importer, term, value FROM group_wwz WHERE grouping = 'g' "
        "ORDER BY ALL"
    )
    with open_store(str(tmp_path / "p.duckdb"), read_only=True) as con:
        e = {(x.year, x.result): x for x in ledger.entries(con, "d")}
        got = con.execute(sql).fetchall()
    assert all(e[(y, "group:g")].producer.startswith("pipeline:") for y in (2010, 2011))
    assert {r[1] for r in got} >= {"ASIA", "WEST"}
    ref = tmp_path / "ref.duckdb"
    monkeypatch.chdir(tmp_path)
    for y in (2010, 2011):
        gvc.ingest(data / f"t_{y}.parquet", db=ref, dataset="d")
    groups.define("g", dataset="d", groups={"ASIA": ["CHN", "JPN"], "WEST": ["USA", "DEU"]}, db=ref)
    groups.run("g", dataset="d", db=ref)
    with open_store(str(ref), read_only=True) as con:
        assert got == con.execute(sql).fetchall()
    assert run_pipeline(toml).done == []


@pytest.mark.parametrize(
    "entry, message",
    [
        ('name = "g"', "give concordance or groups"),
        ('name = "g"\ngroups = { A = [] }', "groups must be a table of economies"),
        ('name = "g"\nconcordance = "no_such_concordance"', "[[group]] #1: concordance"),
        ('name = "g"\ngroups = { A = ["USA"] }\ncolour = "red"', "colour"),
    ],
)
def test_pipeline_group_entries_are_checked_when_read(tmp_path, entry, message):
    from gvc.errors import InputError
    from gvc.pipeline.config import load_config

    toml = tmp_path / "p.toml"
    toml.write_text(f'[[source]]\npath = "."\ndataset = "d"\n[[group]]\n{entry}\n')
    with pytest.raises(InputError, match=re.escape(message)):
        load_config(toml)
