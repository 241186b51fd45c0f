"""The DuckDB connection layer: open a file, run SQL with errors that name it, transactions.

This module knows DuckDB, not gvc's schema: :func:`connect` runs the ``setup`` callable it is
given (the application schema lives in :mod:`gvc.catalog`, which calls this module with the
DDL of the base tables, the results ledger and every step's fact tables). Everything else here
(``run_sql``, ``fetch_arrow``, ``fetch_one``, ``transaction``) is used by every layer that
writes or reads the store.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from gvc.errors import LockError, QueryError, SchemaError

log = logging.getLogger(__name__)

DEFAULT_DB = "gvc.duckdb"

STORAGE_VERSION = "v1.1.0"
"""The storage format gvc writes new store files in: DuckDB's ``v1.0.0`` format, which every
DuckDB client from 1.0.0 on can open (DuckDB 2.x writes its own ``v2.0.0`` format by default,
which 1.x clients refuse). A file keeps the format it was created with; a store created by
an earlier gvc under DuckDB 2 stays in ``v2.0.0`` (copy it to a new file with DuckDB's
``COPY FROM DATABASE`` to convert it)."""


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


LOCK_WAIT = 0.0
"""Default seconds :func:`connect` waits for a store another process holds (``--wait`` of
the CLI sets it for the whole command)."""

_POLL = 0.1


def connect(
    path: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    setup: Callable[[duckdb.DuckDBPyConnection, bool], None] | None = None,
    wait: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file; ``setup(con, read_only)`` then creates or checks the schema.

    DuckDB locks the file: a writer excludes every other process, a reader excludes writers.
    ``wait`` (default :data:`LOCK_WAIT`) is how many seconds to keep trying while another
    process holds it.

    Raises
    ------
    LockError
        another process still holds the file after ``wait`` seconds.
    SchemaError
        ``read_only`` and the file does not exist, or it is not a gvc store.
    """
    limit = LOCK_WAIT if wait is None else max(0.0, float(wait))
    deadline = time.monotonic() + limit
    while True:
        try:
            return _connect_once(path, read_only=read_only, setup=setup)
        except LockError as exc:
            if time.monotonic() >= deadline:
                if limit:
                    raise LockError(f"{exc} (waited {limit:g} s)") from exc
                raise
            time.sleep(_POLL)


def _connect_once(
    path: str | os.PathLike | None,
    *,
    read_only: bool,
    setup: Callable[[duckdb.DuckDBPyConnection, bool], None] | None,
) -> duckdb.DuckDBPyConnection:
    p = Path(path) if path is not None else default_db_path()
    if read_only and not p.exists():
        raise SchemaError(f"{p}: no such store; run 'gvc ingest' first")
    try:
        # the setting only applies to files created here (an existing file keeps its format)
        con = duckdb.connect(
            str(p),
            read_only=read_only,
            config={"storage_compatibility_version": STORAGE_VERSION},
        )
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise LockError(
                f"{p}: the store is in use by another process (DuckDB lock); wait for it to "
                "finish or pass --wait SECONDS"
            ) from exc
        raise SchemaError(f"{p}: cannot open store: {msg.splitlines()[0]}") from exc
    except duckdb.Error as exc:
        raise SchemaError(f"{p}: not a DuckDB store: {str(exc).splitlines()[0]}") from exc
    if setup is not None:
        try:
            setup(con, read_only)
        except BaseException:
            con.close()
            raise
    return con


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
        try:
            con.execute("ROLLBACK")
        except duckdb.Error as exc:
            # after a fatal error (a full disk) DuckDB refuses the ROLLBACK too: the first
            # error is the one to report, and the store keeps its last committed state
            log.debug("ROLLBACK failed after an error: %s", exc)
        raise
    else:
        _IN_TX.discard(key)
        try:
            con.execute("COMMIT")
        except duckdb.Error as exc:
            raise QueryError(
                f"COMMIT failed, nothing was written: {str(exc).splitlines()[0]}", obj="COMMIT"
            ) from exc


def unregister_quietly(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a registered Arrow view, ignoring a connection already broken by an earlier error
    (a full disk): a failing clean-up must not hide the error that caused it."""
    try:
        con.unregister(name)
    except duckdb.Error as exc:
        log.debug("unregister %s failed: %s", name, exc)


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
