"""The store side of a pipeline: the run log, the state read from the ledger, loading a unit.

Only the driver calls these (workers never open the store). What a unit has produced is read
from the one results ledger (:mod:`gvc.catalog.ledger`) and the ``tables`` rows, like every
other reader of results; the pipeline keeps no freshness record of its own. Its own table,
created on first use:

* ``pipeline_runs(run_id, dataset, year, status, started_at, finished_at, seconds,
  input_sha256, options_hash, gvc_version, steps, executor, rows, error)``: one row per unit
  run, ``status`` ``ok`` or ``failed`` (with the one-line error); ``input_sha256`` is the
  table identity and ``options_hash`` the hash of the steps' option hashes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import duckdb

from gvc.errors import SchemaError
from gvc.pipeline import partitions as parts
from gvc.store import fetch_one, run_sql, transaction

log = logging.getLogger(__name__)

PIPELINE_DDL = [
    """CREATE TABLE IF NOT EXISTS pipeline_runs (
        run_id VARCHAR NOT NULL, dataset VARCHAR NOT NULL, year SMALLINT NOT NULL,
        status VARCHAR NOT NULL, started_at TIMESTAMP, finished_at TIMESTAMP NOT NULL,
        seconds DOUBLE, input_sha256 VARCHAR, options_hash VARCHAR NOT NULL,
        gvc_version VARCHAR NOT NULL, steps VARCHAR NOT NULL, executor VARCHAR,
        rows BIGINT, error VARCHAR, PRIMARY KEY (run_id, dataset, year))""",
]

State = dict[tuple[str, int], dict[str, Any]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_pipeline_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``pipeline_runs`` if missing (idempotent)."""
    with transaction(con):
        for stmt in PIPELINE_DDL:
            run_sql(con, stmt, obj="pipeline schema")


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = fetch_one(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
        [name],
    )
    return bool(row and row[0])


def read_state(con: duckdb.DuckDBPyConnection) -> State:
    """``{(dataset, year): {table_sha256, results: {result: {input_sha256, options_hash,
    gvc_version}}}}`` of every stored table, from ``tables`` and the ledger."""
    state: State = {}
    for d, y, ident in run_sql(
        con, "SELECT dataset, year, coalesce(table_sha256, file_sha256) FROM tables"
    ).fetchall():
        state[(d, int(y))] = {"table_sha256": ident, "results": {}}
    for d, y, r, i, o, v in run_sql(
        con,
        "SELECT dataset, year, result, input_sha256, options_hash, gvc_version FROM ledger",
        obj="ledger",
    ).fetchall():
        if (d, int(y)) in state:
            state[(d, int(y))]["results"][r] = {
                "input_sha256": i,
                "options_hash": o,
                "gvc_version": v,
            }
    return state


def _options_digest(spec: Any) -> str:
    from gvc.catalog.ledger import options_hash

    return options_hash(dict(spec.step_hashes))


def last_runs(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], dict[str, Any]]:
    """The latest ``pipeline_runs`` row of each unit: status, error, finished_at, run_id."""
    if not _has_table(con, "pipeline_runs"):
        return {}
    rows = run_sql(
        con,
        "SELECT dataset, year, status, error, finished_at, run_id FROM pipeline_runs "
        "QUALIFY row_number() OVER (PARTITION BY dataset, year ORDER BY finished_at DESC) = 1",
        obj="pipeline_runs",
    ).fetchall()
    return {
        (d, int(y)): {"status": s, "error": e, "finished_at": f, "run_id": r}
        for d, y, s, e, f, r in rows
    }


def record_failure(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    spec: Any,
    error: str,
    seconds: float,
    executor: str,
    started_at: str | None = None,
) -> None:
    """Append a ``failed`` row to ``pipeline_runs`` (the unit's old rows stay as they were)."""
    with transaction(con):
        run_sql(
            con,
            "INSERT OR REPLACE INTO pipeline_runs VALUES "
            "(?, ?, ?, 'failed', ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            [
                run_id,
                spec.dataset,
                spec.year,
                started_at or None,
                _now(),
                seconds,
                spec.table_sha256 or None,
                _options_digest(spec),
                spec.gvc_version,
                ",".join(spec.steps),
                executor,
                error,
            ],
            obj="pipeline_runs",
        )


def load_unit(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    spec: Any,
    run_id: str,
    executor: str,
    seconds: float | None = None,
    started_at: str | None = None,
) -> dict[str, int]:
    """Load one unit's partitions into the store in ONE transaction; returns rows per table.

    When the stored table has another identity (or none), it is replaced: the old table and
    every result computed from it or depending on it go
    (:func:`gvc.catalog.tables.delete_table`), and the dimensions (checked against the
    dataset's), input rows and ``tables`` row are inserted. When it has the same identity, the
    inputs stay and only the unit's step results are replaced, so results other producers
    added (``gvc run --steps embeddedness``, chains) stay. Each step result goes through
    :func:`gvc.catalog.ledger.write_result`; then an ``ok`` row in ``pipeline_runs``.

    Raises
    ------
    SchemaError
        the unit's manifest is missing, was written for another fingerprint, or a partition
        holds another number of rows than it says.
    InputError
        the dataset's labels differ from those already stored.
    """
    from gvc.catalog import ledger
    from gvc.catalog.tables import (
        delete_table,
        ensure_dimensions,
        insert_inputs,
        insert_table_row,
        stored_identity,
    )

    dataset, year = spec.dataset, spec.year
    udir = parts.unit_dir(root, dataset, year)
    manifest = parts.read_manifest(root, dataset, year)
    if manifest is None:
        raise SchemaError(f"{udir}: no manifest; the unit's partitions are incomplete")
    if not parts.manifest_matches(manifest, spec.fingerprint):
        raise SchemaError(f"{udir}: the partitions were written for another fingerprint")
    prov = json.loads((udir / "provenance.json").read_text())
    ident = manifest["table_sha256"]
    counts: dict[str, int] = {}
    with transaction(con):
        if stored_identity(con, dataset, year) != ident:
            delete_table(con, dataset, year)
            dims = {
                d: udir / f"{d}.parquet" for d in ("countries", "sectors", "fd_categories", "nodes")
            }
            ensure_dimensions(con, dataset, dims, str(prov["source"]))
            files = {
                t: parts.partition_dir(root, t, dataset, year) / parts.PART
                for t in manifest["inputs"]
            }
            got = insert_inputs(con, dataset, year, files)
            for t, n in got.items():
                if n != manifest["inputs"][t]:
                    raise SchemaError(
                        f"{files[t]}: holds {n} rows, the manifest says "
                        f"{manifest['inputs'][t]}; rerun with --force"
                    )
            counts.update(got)
            insert_table_row(con, dataset, year, prov, tuple(manifest["shape"]))
        for name in spec.steps:
            meta = manifest["steps"][name]
            tables = {t: root / f["file"] for t, f in meta["tables"].items()}
            ledger.write_result(
                con,
                dataset,
                year,
                result=name,
                kind=meta["kind"],
                tables=tables,
                options=meta["options"],
                scope=meta["scope"],
                seconds=meta["seconds"],
                producer=f"pipeline:{run_id}",
                input_sha256=ident,
                expected_rows={t: f["rows"] for t, f in meta["tables"].items()},
            )
            for t, f in meta["tables"].items():
                counts[t] = counts.get(t, 0) + int(f["rows"])
        run_sql(
            con,
            "INSERT OR REPLACE INTO pipeline_runs VALUES "
            "(?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [
                run_id,
                dataset,
                year,
                started_at or None,
                _now(),
                seconds,
                ident,
                _options_digest(spec),
                manifest["gvc_version"],
                ",".join(spec.steps),
                executor,
                sum(counts.values()),
            ],
            obj="pipeline_runs",
        )
    return counts
