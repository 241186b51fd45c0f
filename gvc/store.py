"""The canonical DuckDB store: connection, schema, and ``run_sql`` with errors that name the SQL.

Physical layout (one DuckDB file, default ``gvc.duckdb``; ``GVC_DB`` or ``--db`` to change):

* ``main.tables`` provenance, one row per ingested ``(dataset, year)``; ``unit`` is the unit
  of every stored value (millions of a currency), ``unit_as_published`` and ``unit_factor``
  the file's unit and the scaling applied (NULL for tables ingested before units were kept);
* ``main.countries``, ``main.sectors``, ``main.fd_categories``, ``main.nodes``: dimensions
  per dataset, with array positions (node ``= country_pos * N + sector_pos``);
* ``facts.*``: long columnar fact tables keyed by ``dataset, year`` and integer node ids
  (compact and fast to write); the labelled views in ``queries/`` (``io_cells``, ``va_flows``,
  ``va_in_exports`` ...) are what economists query;
* ``main.results_log``: which result tables were computed for which ``(dataset, year)``.

Every write goes through one transaction: a failed or killed run leaves the file as it was.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from gvc.errors import LockError, QueryError, SchemaError

log = logging.getLogger(__name__)

DEFAULT_DB = "gvc.duckdb"
SCHEMA_VERSION = 1

DDL = [
    "CREATE SCHEMA IF NOT EXISTS facts",
    """CREATE TABLE IF NOT EXISTS gvc_meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS tables (
        dataset VARCHAR NOT NULL,
        year SMALLINT NOT NULL,
        source VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        edition VARCHAR,
        file_sha256 VARCHAR NOT NULL,
        unit VARCHAR,
        value_added_definition VARCHAR NOT NULL,
        output_definition VARCHAR NOT NULL,
        harmonisation JSON,
        warnings JSON,
        n_countries INTEGER NOT NULL,
        n_sectors INTEGER NOT NULL,
        n_fd_categories INTEGER NOT NULL,
        gvc_version VARCHAR NOT NULL,
        ingested_at TIMESTAMP NOT NULL,
        PRIMARY KEY (dataset, year))""",
    # units (issue 19), added to stores made before them: the unit as the file gave it and the
    # factor that scaled it to the stored ``unit`` (e.g. USD thousand -> USD million: 0.001)
    "ALTER TABLE tables ADD COLUMN IF NOT EXISTS unit_as_published VARCHAR",
    "ALTER TABLE tables ADD COLUMN IF NOT EXISTS unit_factor DOUBLE",
    """CREATE TABLE IF NOT EXISTS countries (
        dataset VARCHAR NOT NULL, country VARCHAR NOT NULL, position INTEGER NOT NULL,
        name VARCHAR, PRIMARY KEY (dataset, country))""",
    """CREATE TABLE IF NOT EXISTS sectors (
        dataset VARCHAR NOT NULL, sector VARCHAR NOT NULL, position INTEGER NOT NULL,
        name VARCHAR, PRIMARY KEY (dataset, sector))""",
    """CREATE TABLE IF NOT EXISTS fd_categories (
        dataset VARCHAR NOT NULL, category VARCHAR NOT NULL, position INTEGER NOT NULL,
        name VARCHAR, PRIMARY KEY (dataset, category))""",
    """CREATE TABLE IF NOT EXISTS nodes (
        dataset VARCHAR NOT NULL, node INTEGER NOT NULL, country VARCHAR NOT NULL,
        sector VARCHAR NOT NULL, country_pos INTEGER NOT NULL, sector_pos INTEGER NOT NULL,
        PRIMARY KEY (dataset, node))""",
    """CREATE TABLE IF NOT EXISTS facts.intermediate (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, row_node INTEGER NOT NULL,
        col_node INTEGER NOT NULL, value DOUBLE NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS facts.final_demand (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, row_node INTEGER NOT NULL,
        col_country_pos INTEGER NOT NULL, category_pos INTEGER NOT NULL, value DOUBLE NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS facts.node_values (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL,
        output DOUBLE NOT NULL, value_added DOUBLE NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS results_log (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, result VARCHAR NOT NULL,
        rows BIGINT NOT NULL, seconds DOUBLE NOT NULL, gvc_version VARCHAR NOT NULL,
        computed_at TIMESTAMP NOT NULL, PRIMARY KEY (dataset, year, result))""",
]


def default_db_path() -> Path:
    """``$GVC_DB`` if set, else ``gvc.duckdb`` in the working directory."""
    return Path(os.environ.get("GVC_DB", DEFAULT_DB))


def run_sql(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Any = None,
    obj: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Execute ``sql``; a DuckDB error becomes a :class:`QueryError` naming ``obj`` and the SQL."""
    try:
        if params is None:
            return con.execute(sql)
        return con.execute(sql, params)
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0], sql=sql, obj=obj) from exc


def fetch_arrow(
    con: duckdb.DuckDBPyConnection, sql: str, params: Any = None, obj: str | None = None
) -> Any:
    """The result of ``sql`` as a ``pyarrow.Table``, through the relation API (no extra copy).

    DuckDB 2 names the method ``to_arrow_table``; 1.x ``arrow``.
    """
    try:
        rel = con.sql(sql, params=params) if params is not None else con.sql(sql)
        to_arrow = getattr(rel, "to_arrow_table", None) or rel.arrow
        return to_arrow()
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0], sql=sql, obj=obj) from exc


def fetch_one(
    con: duckdb.DuckDBPyConnection, sql: str, params: Any = None, obj: str | None = None
) -> tuple | None:
    """First row of a query, or None (fetches everything so the connection is free again)."""
    rows = run_sql(con, sql, params, obj).fetchall()
    return rows[0] if rows else None


def connect(
    path: str | os.PathLike | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the store (creating file and schema when writable) and register the SQL views.

    Raises
    ------
    LockError
        another process holds the file for writing.
    SchemaError
        ``read_only`` and the file does not exist, or it is not a gvc store.
    """
    p = Path(path) if path is not None else default_db_path()
    if read_only and not p.exists():
        raise SchemaError(f"{p}: no such store; run 'gvc ingest' first")
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise LockError(
                f"{p}: the store is in use by another process (DuckDB lock); wait for it to finish"
            ) from exc
        raise SchemaError(f"{p}: cannot open store: {msg.splitlines()[0]}") from exc
    except duckdb.Error as exc:
        raise SchemaError(f"{p}: not a DuckDB store: {str(exc).splitlines()[0]}") from exc
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables (idempotent) and (re)register the views and macros of ``queries/``."""
    from gvc import __version__
    from gvc.indicators.registry import all_facts_ddl
    from gvc.sql import register_queries

    with transaction(con):
        for stmt in DDL + all_facts_ddl():
            run_sql(con, stmt, obj="schema")
        run_sql(
            con,
            "INSERT OR REPLACE INTO gvc_meta VALUES ('schema_version', ?), ('gvc_version', ?)",
            [str(SCHEMA_VERSION), __version__],
            obj="schema",
        )
        register_queries(con)


_IN_TX: set[int] = set()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, ROLLBACK on any exception (nested use joins the outer transaction)."""
    key = id(con)
    if key in _IN_TX:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    _IN_TX.add(key)
    try:
        yield con
    except BaseException:
        _IN_TX.discard(key)
        con.execute("ROLLBACK")
        raise
    else:
        _IN_TX.discard(key)
        con.execute("COMMIT")


@contextmanager
def open_store(
    path: str | os.PathLike | None = None, *, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager around :func:`connect` that always closes the connection."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def list_tables(
    con: duckdb.DuckDBPyConnection, dataset: str | None = None
) -> list[tuple[str, int]]:
    """``(dataset, year)`` pairs in the store, optionally for one dataset."""
    sql = "SELECT dataset, year FROM tables"
    params: list[Any] = []
    if dataset is not None:
        sql += " WHERE dataset = ?"
        params.append(dataset)
    sql += " ORDER BY dataset, year"
    return [(d, int(y)) for d, y in run_sql(con, sql, params, obj="tables").fetchall()]
