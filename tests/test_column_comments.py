"""Every column of every table and view of a store carries a comment (the README's promise):
economists reading the catalog in any DuckDB client see what each column means."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_bad_input_corpus import clean_rows, write_csv

from gvc.cli import main

_UNCOMMENTED = """
SELECT schema_name || '.' || table_name || '.' || column_name
FROM duckdb_columns()
WHERE database_name = current_database()
  AND schema_name NOT IN ('information_schema', 'pg_catalog')
  AND (comment IS NULL OR trim(comment) = '')
ORDER BY 1
"""


def _uncommented(db: Path) -> tuple[list[str], int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        missing = [r[0] for r in con.execute(_UNCOMMENTED).fetchall()]
        total = con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name NOT IN ('information_schema', 'pg_catalog')"
        ).fetchone()
        return missing, int(total[0]) if total else 0
    finally:
        con.close()


def test_every_column_has_a_comment(tmp_path):
    """A fresh store, one table loaded and the default steps run: no column without a comment
    (tables, views, facts.*, firms.*; dataset and year included)."""
    p = write_csv(tmp_path / "t_2000.csv", clean_rows())
    db = tmp_path / "s.duckdb"
    assert main(["ingest", str(p), "--db", str(db), "--unit", "USD million"]) == 0
    assert main(["run", "--db", str(db)]) == 0
    missing, total = _uncommented(db)
    assert total > 1000
    assert missing == []
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = dict(
            con.execute(
                "SELECT table_name || '.' || column_name, comment FROM duckdb_columns() "
                "WHERE (schema_name, table_name, column_name) IN (('main', 'tables', "
                "'dataset'), ('main', 'vax', 'year'), ('facts', 'va_flows', 'value'))"
            ).fetchall()
        )
    finally:
        con.close()
    assert "dataset name" in got["tables.dataset"]
    assert "year" in got["vax.year"]
    assert "V B Y" in got["va_flows.value"]


@pytest.mark.slow
def test_every_column_has_a_comment_after_the_demo(tmp_path):
    """The same on the demo store (WIOD 2013, one year, the demo's steps)."""
    db = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(db), "--year", "2011"]) == 0
    missing, _ = _uncommented(db)
    assert missing == []
