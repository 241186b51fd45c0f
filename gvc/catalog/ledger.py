"""The results ledger: one row per stored result, and the one way results are written or removed.

A *result* is what one producer computed for one ``(dataset, year)``: a step of ``gvc run``
(``core``, ``wwz``, ... ``embeddedness``), a chain (``chain:<name>``), the lock-in flags
(``flags``), a scenario, ... Its rows live in one or more fact tables (``facts.<table>``), picked
by ``dataset, year`` and, where several results share a table, by the constant key columns of
its ``scope`` (e.g. ``{"chain": "ict_usa"}``). Its ledger row records what it was computed
from::

    ledger(dataset, year, result, kind, tables, scope, input_sha256, depends_on_years,
           options_hash, options, gvc_version, rows, seconds, producer, computed_at)

``input_sha256`` is the input table's identity (``tables.table_sha256``); ``depends_on_years``
the years whose input it used (``flags`` of 2011 compare with 2006); ``depends_on_tables``
``dataset/year`` tables of other datasets it read (a firm network's embeddedness comes from a
country x industry dataset); ``options_hash`` the sha256 of its options or definition
(:func:`options_hash`).

Results whose input is not an input-output table (a firm network) give their input's identity
themselves (``input_sha256=``, :data:`OWN_INPUT_KINDS`), live in tables of their own schema
(``firms.flags``: the rows are picked by the scope alone, e.g. ``{"network": "demo"}``) and
use ``year = 0`` when they are not per year.

Rules every producer and reader follows (a second freshness mechanism would be a bug):

* results are written only through :func:`write_result` (Arrow tables or Parquet partitions),
  which replaces the old rows and the ledger row in the caller's transaction;
* a result is *fresh* when its ledger row names the stored table's current identity, this gvc
  version and the options hash the reader expects (:func:`status`); readers that report
  results say "missing" or "stale" instead of printing old numbers;
* replacing or deleting a table calls :func:`invalidate` in the same transaction: every result
  of that year, and every result that depends on it, is deleted with its rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from gvc.errors import SchemaError
from gvc.store import fetch_one, run_sql, transaction, unregister_quietly

log = logging.getLogger(__name__)

OWN_INPUT_KINDS = frozenset({"firms"})
"""Result kinds whose input identity is not a ``tables`` row (given by the writer)."""


def options_hash(options: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of ``options`` (sorted keys, no spaces).

    >>> options_hash({"b": 1, "a": [1, 2]}) == options_hash({"a": [1, 2], "b": 1})
    True
    """
    text = json.dumps(options, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One ledger row, as read back."""

    dataset: str
    year: int
    result: str
    kind: str
    tables: tuple[str, ...]
    scope: dict[str, Any]
    input_sha256: str
    depends_on_years: tuple[int, ...]
    options_hash: str
    gvc_version: str
    rows: int
    producer: str
    computed_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def table_sha256(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> str:
    """The identity of the stored input table of ``(dataset, year)``.

    Raises
    ------
    SchemaError
        the store holds no such table.
    """
    row = fetch_one(
        con,
        "SELECT coalesce(table_sha256, file_sha256) FROM tables WHERE dataset = ? AND year = ?",
        [dataset, year],
        obj="tables",
    )
    if row is None:
        raise SchemaError(f"no table for dataset {dataset!r} year {year} in the store")
    return str(row[0])


def entries(
    con: duckdb.DuckDBPyConnection,
    dataset: str | None = None,
    year: int | None = None,
    result: str | None = None,
) -> list[Entry]:
    """Ledger rows, optionally of one dataset / year / result."""
    where, params = [], []
    for col, val in (("dataset", dataset), ("year", year), ("result", result)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    sql = (
        "SELECT dataset, year, result, kind, tables, scope, input_sha256, depends_on_years, "
        "options_hash, gvc_version, rows, producer, computed_at FROM ledger"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY dataset, year, result"
    )
    out = []
    for r in run_sql(con, sql, params, obj="ledger").fetchall():
        out.append(
            Entry(
                r[0],
                int(r[1]),
                r[2],
                r[3],
                tuple(r[4]),
                json.loads(r[5]) if r[5] else {},
                r[6],
                tuple(int(y) for y in r[7]),
                r[8],
                r[9],
                int(r[10]),
                r[11],
                r[12],
            )
        )
    return out


def status(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int,
    result: str,
    expected_options_hash: str | None = None,
    current_input: str | None = None,
) -> str:
    """``fresh``, ``missing``, or ``stale: <why>`` for one result of ``(dataset, year)``.

    Stale reasons: the input was replaced since (``input changed``), another gvc version
    computed it (``computed by gvc X``), other options or another definition (``options
    changed``). ``expected_options_hash`` None skips the options check; ``current_input`` is
    the input's current identity for :data:`OWN_INPUT_KINDS` (else read from ``tables``).
    """
    from gvc import __version__

    found = entries(con, dataset, year, result)
    if not found:
        return "missing"
    e = found[0]
    why = []
    try:
        now = current_input if current_input is not None else table_sha256(con, dataset, year)
        if e.input_sha256 != now:
            why.append("input changed")
    except SchemaError:
        why.append("input table gone")
    if e.gvc_version != __version__:
        why.append(f"computed by gvc {e.gvc_version}")
    if expected_options_hash is not None and e.options_hash != expected_options_hash:
        why.append("options changed")
    return "fresh" if not why else "stale: " + ", ".join(why)


def _scope_sql(scope: Mapping[str, Any]) -> tuple[str, list[Any]]:
    conds, params = [], []
    for col, val in scope.items():
        if not col.isidentifier():
            raise SchemaError(f"bad scope column {col!r}")
        conds.append(f"{col} = ?")
        params.append(val)
    return "".join(f" AND {c}" for c in conds), params


def _qualified(table: str) -> tuple[str, str]:
    """``(schema, name)``: a bare name is a table of ``facts``."""
    schema, _, name = table.rpartition(".")
    return (schema or "facts", name)


def _delete_rows(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int,
    tables: Iterable[str],
    scope: Mapping[str, Any],
) -> None:
    extra, params = _scope_sql(scope)
    for t in tables:
        if not _exists(con, t):
            continue
        schema, name = _qualified(t)
        if schema == "facts":
            run_sql(
                con,
                f"DELETE FROM facts.{name} WHERE dataset = ? AND year = ?{extra}",
                [dataset, year, *params],
                obj=f"facts.{name}",
            )
        else:  # a table of its own schema: rows picked by the scope alone
            if not scope:
                raise SchemaError(f"{t}: a result outside facts needs a scope")
            run_sql(con, f"DELETE FROM {schema}.{name} WHERE true{extra}", params, obj=t)


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = _qualified(table)
    row = fetch_one(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
        [schema, name],
    )
    return bool(row and row[0])


def remove_result(con: duckdb.DuckDBPyConnection, dataset: str, year: int, result: str) -> bool:
    """Delete one result's rows and its ledger row (True if there was one)."""
    found = entries(con, dataset, year, result)
    if not found:
        return False
    e = found[0]
    with transaction(con):
        _delete_rows(con, dataset, year, e.tables, e.scope)
        run_sql(
            con,
            "DELETE FROM ledger WHERE dataset = ? AND year = ? AND result = ?",
            [dataset, year, result],
            obj="ledger",
        )
    return True


def remove_results(
    con: duckdb.DuckDBPyConnection, dataset: str, result_like: str, years: Iterable[int] | None
) -> int:
    """Delete every result whose name matches the SQL LIKE pattern (all years or ``years``)."""
    rows = run_sql(
        con,
        "SELECT year, result FROM ledger WHERE dataset = ? AND result LIKE ?",
        [dataset, result_like],
        obj="ledger",
    ).fetchall()
    keep = None if years is None else {int(y) for y in years}
    n = 0
    with transaction(con):
        for y, r in rows:
            if keep is None or int(y) in keep:
                n += remove_result(con, dataset, int(y), r)
    return n


def invalidate(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> list[tuple[int, str]]:
    """Delete every result of ``(dataset, year)`` and every result that depends on that year.

    Call it in the transaction that replaces or deletes the table. Returns ``(year, result)``
    of what was removed.
    """
    rows = run_sql(
        con,
        "SELECT dataset, year, result FROM ledger WHERE (dataset = ? AND "
        "(year = ? OR list_contains(depends_on_years, ?))) "
        "OR list_contains(depends_on_tables, ?) ORDER BY dataset, year, result",
        [dataset, year, year, f"{dataset}/{year}"],
        obj="ledger",
    ).fetchall()
    with transaction(con):
        for d, y, r in rows:
            remove_result(con, d, int(y), r)
    if rows:
        log.info("%s %s: %d dependent results removed", dataset, year, len(rows))
    return [(int(y), r) for _, y, r in rows]


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    dataset: str,
    year: int,
    data: pa.Table | pa.RecordBatchReader | Path,
    scope: Mapping[str, Any],
) -> int:
    """Append rows (an Arrow table or stream, or a Parquet file) to ``facts.<table>`` BY NAME, with
    ``dataset``, ``year`` and the scope's constant columns added where the rows lack them."""
    arrow = isinstance(data, pa.Table | pa.RecordBatchReader)
    if isinstance(data, pa.RecordBatchReader):
        names = list(data.schema.names)
    else:
        names = data.column_names if isinstance(data, pa.Table) else _parquet_columns(data)
    schema, name = _qualified(table)
    if schema == "facts":
        consts = ["?::VARCHAR AS dataset", "?::SMALLINT AS year"]
        params: list[Any] = [dataset, year]
    else:
        consts, params = [], []
    for col, val in scope.items():
        if col not in names:
            consts.append(f"? AS {col}")
            params.append(val)
    if arrow:
        con.register("_gvc_rows", data)
        src = "_gvc_rows"
    else:
        src = "read_parquet(?)"
    try:
        cols = ", ".join([*consts, *(f'"{c}"' for c in names)])
        sql = f"INSERT INTO {schema}.{name} BY NAME SELECT {cols} FROM {src}"
        if not arrow:
            params.append(str(data))
        inserted = run_sql(con, sql, params, obj=f"{schema}.{name}").fetchall()
    finally:
        if arrow:
            unregister_quietly(con, "_gvc_rows")
    if isinstance(data, pa.RecordBatchReader):
        # a stream is read once: DuckDB's count of the rows it inserted
        return int(inserted[0][0]) if inserted else 0
    if isinstance(data, pa.Table):
        return data.num_rows
    row = fetch_one(con, "SELECT count(*) FROM read_parquet(?)", [str(data)])
    return int(row[0]) if row else 0


def _parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return list(pq.read_schema(path).names)


def write_result(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int,
    *,
    result: str,
    kind: str,
    tables: Mapping[str, pa.Table | pa.RecordBatchReader | Path],
    options: Mapping[str, Any],
    scope: Mapping[str, Any] | None = None,
    depends_on_years: Sequence[int] | None = None,
    depends_on_tables: Sequence[tuple[str, int]] | None = None,
    seconds: float | None = None,
    producer: str = "run",
    input_sha256: str | None = None,
    expected_rows: Mapping[str, int] | None = None,
) -> int:
    """Replace one result: delete its old rows, insert ``tables``, write its ledger row.

    ``tables`` maps fact table names (``facts.<name>``, which must exist) to Arrow tables or
    Parquet files whose columns are the table's less ``dataset``, ``year`` (and less the scope
    columns, added as constants when absent). Runs in the caller's transaction (or its own).

    Parameters
    ----------
    input_sha256 : the input identity the result was computed from; default the stored
        table's current one. A different one (a pipeline unit computed from an input that was
        replaced meanwhile) is refused. Required for :data:`OWN_INPUT_KINDS`, whose input is
        not a ``tables`` row.
    depends_on_tables : ``(dataset, year)`` input tables of other datasets the result read;
        replacing one of them deletes the result.
    expected_rows : rows each Parquet file must hold (a manifest's counts).

    Returns
    -------
    rows written, all tables together.

    Raises
    ------
    SchemaError
        no stored table for ``(dataset, year)``, an input identity that differs from the
        stored one, or a file with another number of rows than expected.
    """
    from gvc import __version__

    scope = dict(scope or {})
    if kind in OWN_INPUT_KINDS:
        if input_sha256 is None:
            raise SchemaError(f"result {result!r} of kind {kind!r} needs its input_sha256")
        current = input_sha256
    else:
        current = table_sha256(con, dataset, year)
    if input_sha256 is not None and input_sha256 != current:
        raise SchemaError(
            f"{dataset} {year}: result {result!r} was computed from another input "
            f"({input_sha256[:12]}) than the stored table ({current[:12]})"
        )
    years = sorted({int(year), *(int(y) for y in (depends_on_years or ()))})
    total = 0
    with transaction(con):
        remove_result(con, dataset, year, result)
        _delete_rows(con, dataset, year, tables, scope)
        for name, data in tables.items():
            n = _insert(con, name, dataset, year, data, scope)
            if expected_rows is not None and name in expected_rows and expected_rows[name] != n:
                raise SchemaError(
                    f"{data}: holds {n} rows, the manifest says {expected_rows[name]}; "
                    "rerun with --force"
                )
            total += n
        run_sql(
            con,
            "INSERT INTO ledger (dataset, year, result, kind, tables, scope, input_sha256, "
            "depends_on_years, options_hash, options, gvc_version, rows, seconds, producer, "
            "computed_at, depends_on_tables) "
            "VALUES (?, ?, ?, ?, ?, ?::JSON, ?, ?, ?, ?::JSON, ?, ?, ?, ?, ?, ?)",
            [
                dataset,
                year,
                result,
                kind,
                sorted(tables),
                json.dumps(scope, sort_keys=True) if scope else None,
                current,
                years,
                options_hash(options),
                json.dumps(options, sort_keys=True, default=str),
                __version__,
                total,
                seconds,
                producer,
                _now(),
                [f"{d}/{int(y)}" for d, y in (depends_on_tables or ())],
            ],
            obj="ledger",
        )
    return total


def require_fresh(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    years: Iterable[int],
    result: str,
    expected_options_hash: str | None,
    hint: str,
    current_input: str | None = None,
) -> None:
    """Raise :class:`SchemaError` (exit code 3) naming every year whose result is not fresh.

    ``hint`` says how to compute it (e.g. ``"run 'gvc chain run ict'"``).
    """
    bad = []
    for y in years:
        s = status(con, dataset, int(y), result, expected_options_hash, current_input)
        if s != "fresh":
            bad.append(f"{y} {s}")
    if bad:
        shown = "; ".join(bad[:6]) + (f"; ... ({len(bad)} years)" if len(bad) > 6 else "")
        raise SchemaError(f"{result} of {dataset!r} is not up to date ({shown}); {hint}")
