"""The application's store: its schema, the input tables and the results ledger.

:mod:`gvc.store` is the plain DuckDB layer (connections, ``run_sql``, transactions); this
package is what gvc keeps in it:

* :mod:`gvc.catalog.schema`: the tables, the fact tables of every step, the SQL objects of
  ``queries/``, the schema version and upgrades of older stores;
* :mod:`gvc.catalog.tables`: input tables (identity, ``tables`` row, dimensions, deletion),
  one implementation for ``gvc ingest`` and the pipelines;
* :mod:`gvc.catalog.ledger`: one row per stored result, the only way results are written,
  removed, invalidated or checked for freshness;
* :mod:`gvc.catalog.objects`: what can be computed and queried (the steps with their tables
  and views, the SQL objects), for ``gvc run --help`` and ``gvc tables --objects``.

>>> from gvc.catalog import open_store                      # doctest: +SKIP
>>> with open_store("gvc.duckdb", read_only=True) as con:   # doctest: +SKIP
...     con.sql("SELECT * FROM results").show()
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from gvc.store import connect as _connect


def connect(
    path: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    wait: float | None = None,
    create: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open the gvc store (creating the file and schema when writable).

    ``create=False`` on a writable connection only checks the schema version, as a read-only
    one does: for the short writes of a run whose first connection created the schema (a full
    set-up registers every SQL object again, about 0.3 s).

    Raises
    ------
    LockError
        another process holds the file (after ``wait`` seconds; default
        :data:`gvc.store.LOCK_WAIT`).
    SchemaError
        ``read_only`` and the file does not exist, is not a gvc store, or has another schema
        version.
    """
    from gvc.catalog.schema import setup

    def check(con: duckdb.DuckDBPyConnection, ro: bool) -> None:
        setup(con, True)

    return _connect(path, read_only=read_only, setup=setup if create else check, wait=wait)


@contextmanager
def open_store(
    path: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    wait: float | None = None,
    create: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager around :func:`connect` that always closes the connection."""
    con = connect(path, read_only=read_only, wait=wait, create=create)
    try:
        yield con
    finally:
        con.close()


__all__ = ["connect", "open_store"]
