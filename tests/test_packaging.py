"""Packaging: core-only import, every SQL object registers, README and CI agree."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def test_import_gvc_pulls_no_optional_dependency():
    code = (
        "import sys, gvc, gvc.cli; "
        "bad = [m for m in ('pymrio', 'hypothesis', 'dask', 'distributed', 'pytest') "
        "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    cmds = re.findall(r"^(python -m pytest[^\n#]*?)\s*(?:#.*)?$", readme, flags=re.M)
    assert cmds, "README gives no test command"
    assert any(line.strip() == cmds[0].strip() for line in ci.splitlines())


def test_every_query_file_has_a_header_and_registers(tmp_path):
    from gvc.catalog import connect
    from gvc.sql import load_queries

    objs = load_queries()
    assert {o.name for o in objs} == {p.stem for p in (ROOT / "queries").glob("*.sql")}
    for o in objs:
        assert o.doc, f"{o.name} has no doc line"
    con = connect(tmp_path / "s.duckdb")
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    macros = {r[0] for r in con.execute("SELECT function_name FROM duckdb_functions()").fetchall()}
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    for o in objs:
        if o.kind == "table":  # every table its file creates exists
            made = re.findall(r"CREATE TABLE IF NOT EXISTS (?:\w+\.)?(\w+)", o.body)
            assert made and set(made) <= tables, (o.name, made)
        else:
            assert o.name in (views if o.kind in ("view", "audit") else macros), o.name
