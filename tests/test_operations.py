"""Unattended and shared use (issue 11, operations): warnings on the terminal, progress that
reaches a pipe as it happens, pipeline drivers that leave no worker behind, readers served
during a run (``--wait``), stores older DuckDB clients open, and the smaller promises (dataset
names, years from a year column, read-only ``gvc decompose``, the chain docs' commands).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from fixtures.layouts import random_spec
from fixtures.pipeline.helpers import cli_argv, cli_main, copy_years

import gvc
from gvc.cli import main

YEARS = (2010, 2011)


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """Two WIOD 2013 years ingested, ``core`` computed."""
    d = tmp_path_factory.mktemp("ops")
    db = d / "ops.duckdb"
    gvc.ingest(copy_years(d / "wiod", YEARS), db=db, dataset="wiod2013")
    gvc.run(db=db, dataset="wiod2013", steps=("core",))
    gvc.run(db=db, dataset="wiod2013", year=2011, steps=("kww",))
    return db


# ---------------------------------------------------------------- warnings on the terminal


def test_demo_prints_ingest_warnings(monkeypatch, capsys):
    import gvc.demo
    from gvc.api import IngestResult

    rep = gvc.demo.DemoReport(
        [IngestResult("wiod2013", 2011, "loaded", "x", ("x: 3 negative final-demand cells",))],
        pd.DataFrame({"a": [1]}),
        pd.DataFrame({"b": [1]}),
        {"audit_x": 0},
    )
    monkeypatch.setattr(gvc.demo, "demo", lambda **kw: rep)
    assert main(["demo", "--db", "unused.duckdb"]) == 0
    err = capsys.readouterr().err
    assert "warning: wiod2013 2011: x: 3 negative final-demand cells" in err
    assert "SELECT year, warnings" in err  # where they are kept


# ---------------------------------------------------------------- progress reaches a pipe


def test_progress_lines_reach_a_pipe_while_running(store, tmp_path):
    """``gvc run`` with stderr to a pipe (cron, a log file): the first year's line is read
    while the process still runs, not at exit."""
    db = tmp_path / "p.duckdb"
    shutil.copy(store, db)
    proc = subprocess.Popen(
        cli_argv("run", "--db", str(db), "--steps", "core", "--force"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()
    running = proc.poll() is None
    rest = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, rest
    assert first.strip() == "[1/2] wiod2013 2010"
    assert running, "the first progress line came only at exit"
    assert "[2/2] wiod2013 2011" in rest


def test_audit_prints_one_line_per_audit(store, capsys):
    assert main(["audit", "--db", str(store)]) == 0
    err = capsys.readouterr().err.splitlines()
    from gvc.sql import audits

    names = [o.name for o in audits()]
    assert err == [f"[{k + 1}/{len(names)}] audit {n}" for k, n in enumerate(names)]


# ---------------------------------------------------------------- pipeline driver signals


def _children_of(pid: int):
    psutil = pytest.importorskip("psutil")
    return psutil.Process(pid).children(recursive=True)


@pytest.mark.parametrize(
    "sig, code",
    [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGTERM, 143), (signal.SIGINT, 130)],
)
def test_killed_pipeline_driver_leaves_no_process(tmp_path, sig, code):
    """``--executor local:2``: the driver killed while its workers compute; every worker and
    the multiprocessing resource tracker are gone within seconds; SIGTERM exits 143, Ctrl-C
    130."""
    psutil = pytest.importorskip("psutil")
    data = copy_years(tmp_path / "wiod", (2000, 2001, 2002, 2003))
    toml = tmp_path / "p.toml"
    toml.write_text(
        f'steps = ["core"]\n[output]\ndb = "s.duckdb"\n'
        f'[[source]]\npath = "{data}"\ndataset = "wiod2013"\n'
    )
    proc = subprocess.Popen(
        cli_argv("pipeline", "run", str(toml), "--executor", "local:2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert proc.stderr is not None
    kids = []
    try:
        for line in proc.stderr:
            if line.startswith("started"):
                break
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the two workers and the resource tracker
            kids = _children_of(proc.pid)
            if len(kids) >= 3:
                break
            time.sleep(0.1)
        assert len(kids) >= 3, kids
        proc.send_signal(sig)
        assert proc.wait(timeout=30) == code, proc.stderr.read()
        _, alive = psutil.wait_procs(kids, timeout=10)
        assert alive == []
    finally:
        if proc.poll() is None:
            proc.kill()
        for k in kids:
            if k.is_running():
                k.kill()


# ---------------------------------------------------------------- readers during a run

_SLOW_RUN = textwrap.dedent(
    """
    import sys, time
    import gvc.indicators.run as r
    compute = r.compute_steps
    def slow(d, steps):
        print("computing", flush=True)
        time.sleep(2)
        return compute(d, steps)
    r.compute_steps = slow
    import gvc
    gvc.run(db=sys.argv[1], dataset="wiod2013", steps=("core",), force=True)
    print("finished", flush=True)
    """
)


def test_reader_with_wait_is_served_during_a_run(store, tmp_path, capsys):
    """A run of two years, each computing 2 s more: a ``gvc sql --wait`` reader gets its answer
    while the run goes on (the write lock is held only to write a year's results)."""
    db = tmp_path / "r.duckdb"
    shutil.copy(store, db)
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_RUN, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "computing"
        t0 = time.monotonic()
        rc = main(
            [
                "sql",
                "--db",
                str(db),
                "--wait",
                "30",
                "--format",
                "csv",
                "SELECT count(*) AS n FROM tables",
            ]
        )
        waited = time.monotonic() - t0
        assert rc == 0
        assert capsys.readouterr().out.splitlines() == ["n", "2"]
        assert proc.poll() is None, "the run ended before the reader was served"
        assert waited < 6
        rest, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert rest.split() == ["computing", "finished"]
    finally:
        if proc.poll() is None:
            proc.kill()
    fresh = gvc.query(
        "SELECT count(*) FROM ledger WHERE result = 'core' AND dataset = 'wiod2013'", db=db
    )
    assert int(fresh.iloc[0, 0]) == 2


def test_locked_store_waits_then_fails_with_exit_7(store, tmp_path, capsys):
    """A writer holds the store: a reader without --wait exits 7 at once; with --wait it
    retries for that long and then exits 7 saying how long it waited."""
    db = tmp_path / "l.duckdb"
    shutil.copy(store, db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('held', "
            "flush=True); time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert main(["sql", "--db", str(db), "SELECT 1"]) == 7
        assert "--wait" in capsys.readouterr().err
        t0 = time.monotonic()
        assert main(["tables", "--db", str(db), "--wait", "1"]) == 7
        assert time.monotonic() - t0 >= 1
        assert "waited 1 s" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()


def test_run_does_not_write_results_of_a_replaced_table(store, tmp_path, monkeypatch):
    """The input identity read with the table is checked when writing: a table replaced while
    a year computes is computed again from the new table."""
    import gvc.indicators.run as r
    from gvc.catalog import open_store
    from gvc.store import run_sql

    db = tmp_path / "x.duckdb"
    shutil.copy(store, db)
    compute = r.compute_steps
    calls = []

    def replacing(d, steps):
        calls.append(1)
        if len(calls) == 1:  # another process re-ingests the year meanwhile
            with open_store(db) as con:
                run_sql(
                    con,
                    "UPDATE tables SET table_sha256 = 'replaced' WHERE year = 2010",
                )
        return compute(d, steps)

    monkeypatch.setattr(r, "compute_steps", replacing)
    gvc.run(db=db, dataset="wiod2013", year=2010, steps=("core",), force=True)
    assert len(calls) == 2
    got = gvc.query("SELECT input_sha256 FROM ledger WHERE result = 'core' AND year = 2010", db=db)
    assert got.iloc[0, 0] == "replaced"


# ---------------------------------------------------------------- DuckDB storage version


def test_new_store_uses_the_storage_version_older_clients_read(tmp_path):
    import duckdb

    from gvc.store import STORAGE_VERSION

    db = tmp_path / "s.duckdb"
    with gvc.catalog.open_store(db):
        pass
    # the file header's storage version number: 64 is what DuckDB 1.x reads; 2.x writes 999
    header = db.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == 64
    con = duckdb.connect(
        str(db), read_only=True, config={"storage_compatibility_version": STORAGE_VERSION}
    )
    try:
        tags = con.execute(
            "SELECT tags FROM duckdb_databases() WHERE path = ?", [str(db)]
        ).fetchone()
    finally:
        con.close()
    # DuckDB tags the file by the first version of its storage number (64: "v1.0.0+")
    assert tags is not None and tags[0]["storage_version"] == "v1.0.0+"


OLDEST_DUCKDB = "1.1.0"
"""The oldest DuckDB client the README says opens a gvc store."""


@pytest.mark.slow
def test_store_opens_in_the_oldest_supported_duckdb(store, tmp_path):
    """The store (views, macros, results) queried from DuckDB 1.1.0 in a fresh virtual
    environment (needs the package registry; skipped without it)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    got = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", f"duckdb=={OLDEST_DUCKDB}"],
        capture_output=True,
        text=True,
    )
    if got.returncode:
        pytest.skip(f"cannot install duckdb {OLDEST_DUCKDB}: {got.stderr[-300:]}")
    script = textwrap.dedent(
        """
        import sys, duckdb
        c = duckdb.connect(sys.argv[1], read_only=True)
        print(duckdb.__version__)
        print(c.execute("SELECT count(*) FROM vax WHERE year = 2011").fetchone()[0])
        print(c.execute("SELECT count(*) FROM top_va_flows('wiod2013', 2011, 3)").fetchone()[0])
        bad = []
        for (v,) in c.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
            try:
                c.execute(f'SELECT * FROM "{v}" LIMIT 1').fetchall()
            except Exception as e:
                bad.append(f"{v}: {e}")
        print(len(bad), bad)
        """
    )
    out = subprocess.run(
        [str(py), "-c", script, str(store)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == OLDEST_DUCKDB
    assert int(out[1]) > 0 and out[2] == "3"
    assert out[3] == "0 []"


def test_readme_names_the_oldest_supported_client():
    readme = (ROOT / "README.md").read_text()
    assert f"DuckDB {OLDEST_DUCKDB}" in readme


# ---------------------------------------------------------------- smaller promises


@pytest.mark.parametrize("name", ["my data", "../x", "_x", "a;b"])
def test_ingest_refuses_a_bad_dataset_name(tmp_path, capsys, name):
    db = tmp_path / "n.duckdb"
    assert (
        main(["ingest", str(ROOT / "datasets" / "wiod2013"), "--dataset", name, "--db", str(db)])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("gvc: error: dataset: ") and "not a valid dataset name" in err
    assert not db.exists()


def test_pipeline_takes_years_from_a_year_column(tmp_path, capsys):
    """One long CSV holding two years in its ``year`` column: the pipeline finds both (as
    ``gvc ingest`` does) and shows the warning of the year with a negative final demand."""
    from gvc.pipeline.plan import discover_years

    frames = []
    for k, y in enumerate((2001, 2002)):
        s = random_spec(["AAA", "BBB"], ["s1", "s2"], ["hh", "gov"], seed=k, year=y)
        if y == 2002:
            s.Y[0, 1] = -1.0
        c = np.repeat(s.countries, s.N)
        sec = np.tile(s.sectors, s.G)
        cols_c = np.concatenate([c, np.repeat(s.countries, s.F)])
        cols_i = np.concatenate([sec, np.tile(s.fd_categories, s.G)])
        vals = np.hstack([s.Z, s.Y])
        r, q = np.nonzero(vals)
        frames.append(
            pd.DataFrame(
                {
                    "year": y,
                    "row_country": c[r],
                    "row_sector": sec[r],
                    "col_country": cols_c[q],
                    "col_item": cols_i[q],
                    "value": vals[r, q],
                    "unit": "USD million",
                }
            )
        )
    csv = tmp_path / "flows.csv"
    pd.concat(frames).to_csv(csv, index=False)
    assert discover_years(csv, "auto") == [2001, 2002]
    toml = tmp_path / "p.toml"
    toml.write_text(
        f'steps = ["core"]\n[output]\ndb = "y.duckdb"\n'
        f'[[source]]\npath = "{csv}"\ndataset = "toy"\nformat = "long"\n'
    )
    assert cli_main(["pipeline", "run", str(toml)]) == 0
    err = capsys.readouterr().err
    assert "warning: toy 2002: " in err and "negative final-demand" in err
    assert "warning: toy 2001" not in err
    got = gvc.query("SELECT year FROM tables ORDER BY year", db=tmp_path / "y.duckdb")
    assert got["year"].tolist() == [2001, 2002]


def test_decompose_answers_from_a_store_opened_read_only_elsewhere(store):
    """Results stored and fresh: ``gvc.decompose`` only reads, so it answers while the store
    can only be read (here: this process holds it read-only, so no writer can open it)."""
    from gvc.catalog import connect

    con = connect(store, read_only=True)
    try:
        wide = gvc.decompose("kww", db=store, dataset="wiod2013", exporter="CHN", year=2011)
    finally:
        con.close()
    assert len(wide) == 1 and wide["year"].tolist() == [2011]


def test_chain_docs_define_commands_work(store, tmp_path, capsys):
    """docs/chains.md defines chains with the command (``gvc sql`` is read-only): each
    ``gvc chain define`` line of the docs runs."""
    import shlex

    text = (ROOT / "docs" / "chains.md").read_text()
    assert "INSERT INTO chains" not in text
    text = text.replace("\\\n", " ")  # shell line continuations
    lines = [
        ln.strip()
        for ln in text.splitlines()
        if ln.strip().startswith("gvc chain define") and not {"[", "~"} & set(ln)  # templates
    ]
    assert lines
    db = tmp_path / "c.duckdb"
    shutil.copy(store, db)
    for ln in lines:
        argv = shlex.split(ln.split("#")[0])[1:]
        assert main([*argv, "--db", str(db)]) == 0, capsys.readouterr().err
