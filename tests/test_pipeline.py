"""Pipelines on three real WIOD 2013 years: identical to ingest + run, incremental, crash-safe,
one bad year fails alone, one pipeline per store.

Reference values never come from the pipeline itself: the reference store is built with
``gvc.ingest`` + ``gvc.run``, and "what ran" is checked against what the test changed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT
from fixtures.pipeline.helpers import (
    cli_argv,
    cli_main,
    copy_years,
    row_count,
    table_differences,
    write_pipeline,
)

import gvc
from gvc.errors import InputError, LockError
from gvc.pipeline import load_config, pipeline_status, plan_pipeline, run_pipeline
from gvc.pipeline import partitions as parts
from gvc.pipeline.locking import StoreLock

YEARS = (1995, 2003, 2011)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """``gvc ingest`` + ``gvc run --steps core`` of the three years: the expected store."""
    d = tmp_path_factory.mktemp("reference")
    data = copy_years(d / "data", YEARS)
    db = d / "ref.duckdb"
    gvc.ingest(data, db=db, dataset="wiod2013")
    gvc.run(db=db, dataset="wiod2013", steps=("core",))
    return db


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A directory with data, pipeline.toml, and the store + partitions of one local run."""
    d = tmp_path_factory.mktemp("base")
    copy_years(d / "data", YEARS)
    write_pipeline(d / "pipeline.toml", "data")
    events: list[dict] = []
    summary = run_pipeline(d / "pipeline.toml", on_event=events.append)
    assert summary.exit_code == 0, summary.failed
    assert sorted(summary.done) == [("wiod2013", y) for y in YEARS]
    (d / "events.json").write_text(json.dumps(events, default=str))
    return d


def _copy(base: Path, dest: Path) -> Path:
    shutil.copytree(base, dest)
    return dest


def _data_only(base: Path, dest: Path) -> Path:
    dest.mkdir()
    shutil.copytree(base / "data", dest / "data")
    shutil.copy2(base / "pipeline.toml", dest / "pipeline.toml")
    return dest


def test_local_run_equals_ingest_and_run(base, reference):
    assert table_differences(reference, base / "store.duckdb") == {}
    # the partitions read back with hive partitioning are the store's facts
    con = duckdb.connect(str(base / "store.duckdb"), read_only=True)
    root = base / "store_parquet"
    for table in ("intermediate", "va_flows", "node_values"):
        diff = con.execute(
            f"SELECT count(*) FROM (SELECT * FROM facts.{table} EXCEPT ALL "
            f"SELECT dataset, year::SMALLINT, * EXCLUDE (dataset, year) FROM read_parquet("
            f"'{root}/{table}/*/*/*.parquet', hive_partitioning = true))"
        ).fetchone()[0]
        assert diff == 0, table
    con.close()
    events = json.loads((base / "events.json").read_text())
    kinds = [e["event"] for e in events]
    assert kinds[0] == "run_started" and kinds[-1] == "run_finished"
    assert kinds.count("unit_started") == kinds.count("unit_finished") == 3
    fin = [e for e in events if e["event"] == "unit_finished"]
    facts_rows = sum(row_count(base / "store.duckdb", f"facts.{t}") for t in _facts(base))
    assert sum(e["rows"] for e in fin) == facts_rows


def _facts(base: Path) -> list[str]:
    from fixtures.pipeline.helpers import facts_tables

    return facts_tables(base / "store.duckdb")


def test_process_pool_gives_identical_tables(base, tmp_path):
    d = _data_only(base, tmp_path / "w")
    summary = run_pipeline(d / "pipeline.toml", executor="local:2")
    assert summary.exit_code == 0 and summary.executor == "local:2"
    assert table_differences(base / "store.duckdb", d / "store.duckdb") == {}


@pytest.mark.distributed
def test_dask_gives_identical_tables(base, tmp_path):
    pytest.importorskip("dask.distributed")
    d = _data_only(base, tmp_path / "w")
    summary = run_pipeline(d / "pipeline.toml", executor="dask:2")
    assert summary.exit_code == 0 and summary.executor == "dask:2"
    assert table_differences(base / "store.duckdb", d / "store.duckdb") == {}


def test_second_run_skips_everything(base, tmp_path):
    d = _copy(base, tmp_path / "w")
    events: list[dict] = []
    summary = run_pipeline(d / "pipeline.toml", on_event=events.append)
    assert summary.done == [] and len(summary.skipped) == 3
    assert [e["reason"] for e in events if e["event"] == "unit_skipped"] == ["up to date"] * 3
    assert not any(e["event"] == "unit_started" for e in events)
    st = pipeline_status(d / "pipeline.toml")
    assert [s.state for s in st] == ["up to date"] * 3


def test_touching_one_year_reruns_only_that_year(base, tmp_path):
    d = _copy(base, tmp_path / "w")
    f = d / "data" / "wiot_2003.parquet"
    # same cells, other bytes (another compression): the input checksum changes
    import pyarrow.parquet as pq

    pq.write_table(pq.read_table(f), f, compression="gzip")
    plan = {(x.spec.year): (x.action, x.reasons) for x in plan_pipeline(d / "pipeline.toml")}
    assert plan == {
        1995: ("skip", ("up to date",)),
        2003: ("run", ("input changed",)),
        2011: ("skip", ("up to date",)),
    }
    st = {s.year: (s.state, s.detail) for s in pipeline_status(d / "pipeline.toml")}
    assert st[2003] == ("stale", "input changed") and st[1995][0] == "up to date"
    before = _state_runs(d / "store.duckdb")
    summary = run_pipeline(d / "pipeline.toml")
    assert summary.done == [("wiod2013", 2003)] and len(summary.skipped) == 2
    after = _state_runs(d / "store.duckdb")
    assert after[1995] == before[1995] and after[2011] == before[2011]
    assert after[2003] != before[2003]
    # same cells, so the same facts; only the recorded checksum of 2003 (and the input identity
    # its results name in the ledger) differs
    assert table_differences(base / "store.duckdb", d / "store.duckdb").keys() == {
        "tables",
        "ledger",
    }
    from gvc.ingestion.prepare import source_sha256

    con = duckdb.connect(str(d / "store.duckdb"), read_only=True)
    sha = con.execute("SELECT year, file_sha256 FROM tables ORDER BY year").fetchall()
    con.close()
    assert sha[1] == (2003, source_sha256(d / "data", 2003))


def _state_runs(db: Path) -> dict[int, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(
            con.execute("SELECT year, producer FROM ledger WHERE result = 'core'").fetchall()
        )
    finally:
        con.close()


def test_dry_run_reasons(base, tmp_path, monkeypatch):
    d = _copy(base, tmp_path / "w")
    toml = d / "pipeline.toml"
    # a unit whose manifest is gone (killed while writing) and another table's partition gone
    shutil.rmtree(parts.unit_dir(d / "store_parquet", "wiod2013", 1995))
    shutil.rmtree(parts.partition_dir(d / "store_parquet", "va_flows", "wiod2013", 2011))
    got = {x.spec.year: (x.action, x.reasons) for x in plan_pipeline(toml)}
    assert got == {
        1995: ("run", ("partitions missing",)),
        2003: ("skip", ("up to date",)),
        2011: ("run", ("partitions missing",)),
    }
    assert {x.reasons for x in plan_pipeline(toml, force=True)} == {("forced",)}
    # a step added is missing in every unit
    write_pipeline(toml, "data", steps=("core", "tiva"))
    assert {x.reasons for x in plan_pipeline(toml)} == {("tiva missing",)}
    write_pipeline(toml, "data")
    monkeypatch.setattr(gvc, "__version__", "99.0")
    assert {x.reasons[0] for x in plan_pipeline(toml) if x.spec.year == 2003} == {"version changed"}
    monkeypatch.undo()
    # rows replaced behind the pipeline's back (here: the provenance row deleted)
    con = duckdb.connect(str(d / "store.duckdb"))
    con.execute("DELETE FROM tables WHERE year = 2003")
    con.close()
    assert {x.spec.year: x.reasons for x in plan_pipeline(toml)}[2003] == (
        "partitions ready, not in store",
    )
    shutil.copy2(ROOT / "datasets" / "wiod2013" / "wiot_2000.parquet", d / "data")
    assert {x.spec.year: x.reasons for x in plan_pipeline(toml)}[2000] == ("new",)
    # the CLI prints the same plan and writes nothing
    mtime = (d / "store.duckdb").stat().st_mtime_ns
    assert cli_main(["pipeline", "run", str(toml), "--dry-run"]) == 0
    assert (d / "store.duckdb").stat().st_mtime_ns == mtime


def test_sigkill_then_rerun_gives_the_uninterrupted_tables(base, tmp_path):
    d = _data_only(base, tmp_path / "w")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        cli_argv("pipeline", "run", str(d / "pipeline.toml"), "--log-json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    finished = None
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            e = json.loads(line)
            if e["event"] == "unit_finished":
                finished = e["year"]
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert finished == YEARS[0]
    # the first unit is committed; the lock died with the process
    assert _state_runs(d / "store.duckdb").keys() == {YEARS[0]}
    events: list[dict] = []
    summary = run_pipeline(d / "pipeline.toml", on_event=events.append)
    assert summary.exit_code == 0
    assert summary.skipped == [("wiod2013", YEARS[0])]
    assert sorted(summary.done) == [("wiod2013", y) for y in YEARS[1:]]
    assert not [p for p in (d / "store_parquet").iterdir() if p.name.startswith(".")]
    assert table_differences(base / "store.duckdb", d / "store.duckdb") == {}


def test_leftover_temporaries_are_removed_and_never_read(base, tmp_path):
    d = _copy(base, tmp_path / "w")
    root = d / "store_parquet"
    junk = root / ".tmp-deadbeef"
    junk.mkdir()
    (junk / parts.PART).write_bytes(b"half a file")
    (root / ".trash-cafe").mkdir()
    # hive reads of a table never see them (they sit outside the table directories)
    summary = run_pipeline(d / "pipeline.toml")
    assert summary.done == [] and not junk.exists() and not (root / ".trash-cafe").exists()


def test_corrupt_year_fails_alone(tmp_path, capsys, caplog):
    d = tmp_path / "w"
    data = copy_years(d / "data", YEARS)
    f = data / "wiot_2003.parquet"
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    write_pipeline(d / "pipeline.toml", "data")
    code = cli_main(["pipeline", "run", str(d / "pipeline.toml")])
    assert code == InputError.exit_code
    # the unit's error reaches the terminal once (its event line), not also as a log warning;
    # the summary table on stdout holds it as the report
    err = capsys.readouterr().err
    assert sum("wiot_2003.parquet" in ln for ln in err.splitlines()) == 1, err
    assert not [r for r in caplog.records if r.levelname == "WARNING" and "2003" in r.message]
    con = duckdb.connect(str(d / "store.duckdb"), read_only=True)
    years = [r[0] for r in con.execute("SELECT year FROM tables ORDER BY 1").fetchall()]
    runs = con.execute("SELECT year, status, error FROM pipeline_runs ORDER BY year").fetchall()
    con.close()
    assert years == [1995, 2011]
    assert [(y, s) for y, s, _ in runs] == [(1995, "ok"), (2003, "failed"), (2011, "ok")]
    err = runs[1][2]
    assert "wiot_2003.parquet" in err and "\n" not in err
    st = {s.year: (s.state, s.detail) for s in pipeline_status(d / "pipeline.toml")}
    assert st[2003][0] == "failed" and "wiot_2003.parquet" in st[2003][1]
    assert st[1995] == ("up to date", "")


def test_locked_store_fails_at_once_with_lock_error(base, tmp_path):
    d = _copy(base, tmp_path / "w")
    with StoreLock(d / "store.duckdb"):
        with pytest.raises(LockError, match="another gvc pipeline holds this store"):
            run_pipeline(d / "pipeline.toml")
        t0 = time.perf_counter()
        code = cli_main(["pipeline", "run", str(d / "pipeline.toml"), "--wait", "0.5"])
        waited = time.perf_counter() - t0
    assert code == LockError.exit_code == 7
    assert waited >= 0.5
    # released: the next run goes through
    assert run_pipeline(d / "pipeline.toml").exit_code == 0


def test_lock_is_exclusive_across_processes(tmp_path):
    db = tmp_path / "s.duckdb"
    code = (
        "import sys, time; from gvc.pipeline.locking import StoreLock\n"
        f"l = StoreLock({str(db)!r}); l.acquire(); print('locked', flush=True); time.sleep(30)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(LockError, match=r"pid \d+"):
            StoreLock(db).acquire()
    finally:
        proc.kill()
        proc.wait()
    with StoreLock(db, wait=5):
        pass


def test_config_errors_name_file_and_key(tmp_path):
    p = tmp_path / "p.toml"
    cases = {
        'steps = ["nope"]\n[[source]]\npath = "x"\ndataset = "d"\n': "unknown step",
        '[[source]]\npath = "x"\ndataset = "a/b"\n': "dataset is required",
        '[[source]]\npath = "x"\ndataset = "d"\ncolour = 1\n': "unknown key",
        '[[source]]\npath = "x*.csv"\ndataset = "d"\n': "matches no file",
        '[[source]]\npath = "x"\ndataset = "d"\n[source.harmonise]\nfoo = 1\n': "harmonise",
        "[output]\n": r"no \[\[source\]\]",
        "steps = [": "not valid TOML",
    }
    for text, msg in cases.items():
        p.write_text(text)
        with pytest.raises(InputError, match=msg) as ei:
            load_config(p)
        assert str(p) in str(ei.value) and "\n" not in str(ei.value)
    with pytest.raises(InputError, match="unknown executor"):
        write_pipeline(p, str(ROOT / "datasets" / "wiod2013"), years=(2000,))
        run_pipeline(p, executor="spark")


def test_config_paths_relative_to_file(tmp_path):
    (tmp_path / "sub").mkdir()
    p = write_pipeline(tmp_path / "sub" / "p.toml", "../data", db="out/s.duckdb")
    cfg = load_config(p)
    assert cfg.sources[0].paths == (tmp_path / "sub" / ".." / "data",)
    assert cfg.db == tmp_path / "sub" / "out" / "s.duckdb"
    assert cfg.parquet == tmp_path / "sub" / "out" / "s_parquet"
    assert cfg.with_db(tmp_path / "x.duckdb").parquet == tmp_path / "x_parquet"
    assert cfg.steps == ("core",)
