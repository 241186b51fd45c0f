"""The store side of a pipeline: run log, per-unit state, and loading a unit's partitions.

Only the driver calls these (workers never open the store). Tables, created on first use:

* ``pipeline_runs(run_id, dataset, year, status, started_at, finished_at, seconds,
  input_sha256, options_hash, gvc_version, steps, executor, rows, error)``: one row per unit
  run, ``status`` ``ok`` or ``failed`` (with the one-line error);
* ``pipeline_state(dataset, year, input_sha256, options_hash, gvc_version, steps, run_id,
  updated_at)``: the fingerprint of the last successful run of each unit, written in the same
  transaction as the unit's rows, so it never claims rows the store does not hold.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import duckdb

from gvc.errors import InputError, SchemaError
from gvc.ingestion.load import TABLES_COLUMNS, delete_table
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
    """CREATE TABLE IF NOT EXISTS pipeline_state (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, input_sha256 VARCHAR NOT NULL,
        options_hash VARCHAR NOT NULL, gvc_version VARCHAR NOT NULL, steps VARCHAR NOT NULL,
        run_id VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL, PRIMARY KEY (dataset, year))""",
]

State = dict[tuple[str, int], dict[str, Any]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_pipeline_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``pipeline_runs`` and ``pipeline_state`` if missing (idempotent)."""
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
    """``{(dataset, year): {input_sha256, options_hash, gvc_version, in_store}}`` of the last
    successes; ``in_store`` is False when the store's ``tables`` row has gone or comes from
    another input since (``gvc ingest --replace``, a manual delete)."""
    if not _has_table(con, "pipeline_state"):
        return {}
    rows = run_sql(
        con,
        "SELECT s.dataset, s.year, s.input_sha256, s.options_hash, s.gvc_version, "
        "t.file_sha256 IS NOT DISTINCT FROM s.input_sha256 FROM pipeline_state s "
        "LEFT JOIN tables t ON t.dataset = s.dataset AND t.year = s.year",
        obj="pipeline_state",
    ).fetchall()
    return {
        (d, int(y)): {"input_sha256": s, "options_hash": o, "gvc_version": v, "in_store": ok}
        for d, y, s, o, v, ok in rows
    }


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
                spec.input_sha256 or None,
                spec.options_hash,
                spec.gvc_version,
                ",".join(spec.steps),
                executor,
                error,
            ],
            obj="pipeline_runs",
        )


def _facts_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    cols = [
        r[0]
        for r in run_sql(
            con,
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'facts' "
            "AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
    ]
    if not cols:
        raise SchemaError(f"facts.{table}: no such table in the store (unknown step table?)")
    return [c for c in cols if c not in ("dataset", "year")]


def _dims(con: duckdb.DuckDBPyConnection, udir: Path, dataset: str, source: str) -> None:
    """Insert the dataset's dimensions if it is new, else check they are the same labels."""
    for dim, col in (
        ("countries", "country"),
        ("sectors", "sector"),
        ("fd_categories", "category"),
    ):
        f = str(udir / f"{dim}.parquet")
        have = [
            r[0]
            for r in run_sql(
                con, f"SELECT {col} FROM {dim} WHERE dataset = ? ORDER BY position", [dataset]
            ).fetchall()
        ]
        new = [
            r[0]
            for r in run_sql(
                con, f"SELECT {col} FROM read_parquet(?) ORDER BY position", [f], obj=dim
            ).fetchall()
        ]
        if have and have != new:
            extra = sorted(set(new) - set(have))[:5]
            missing = sorted(set(have) - set(new))[:5]
            raise InputError(
                f"{source}: {dim} differ from those already stored for dataset {dataset!r} "
                f"(new: {extra}, missing: {missing}, or a different order); "
                "use another dataset name"
            )
        if not have:
            run_sql(
                con,
                f"INSERT INTO {dim} SELECT ?::VARCHAR, {col}, position, name FROM read_parquet(?)",
                [dataset, f],
                obj=dim,
            )
    row = fetch_one(con, "SELECT count(*) FROM nodes WHERE dataset = ?", [dataset])
    if row and row[0] == 0:
        run_sql(
            con,
            "INSERT INTO nodes SELECT ?::VARCHAR, node, country, sector, country_pos, sector_pos "
            "FROM read_parquet(?)",
            [dataset, str(udir / "nodes.parquet")],
            obj="nodes",
        )


def load_unit(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    dataset: str,
    year: int,
    run_id: str,
    executor: str,
    seconds: float | None = None,
    started_at: str | None = None,
) -> dict[str, int]:
    """Load one unit's partitions into the store in ONE transaction; returns rows per table.

    Deletes the unit's old rows from every ``facts.*`` table, ``tables`` and ``results_log``,
    inserts the dimensions when the dataset is new (checks them otherwise), the fact rows
    (``INSERT INTO facts.x SELECT ?, ?, ... FROM read_parquet(?)``), the ``tables`` provenance
    row, ``results_log``, ``pipeline_state`` and an ``ok`` row in ``pipeline_runs``.

    Raises
    ------
    SchemaError
        the unit's manifest is missing or a partition holds another number of rows than it
        says (a partition changed behind the pipeline's back).
    InputError
        the dataset's labels differ from those already stored.
    """
    from gvc import __version__

    udir = parts.unit_dir(root, dataset, year)
    manifest = parts.read_manifest(root, dataset, year)
    if manifest is None:
        raise SchemaError(f"{udir}: no manifest; the unit's partitions are incomplete")
    prov = json.loads((udir / "provenance.json").read_text())
    G, N, F = manifest["shape"]
    now = _now()
    with transaction(con):
        delete_table(con, dataset, year)
        _dims(con, udir, dataset, prov["source"])
        for table, n in manifest["tables"].items():
            f = parts.partition_dir(root, table, dataset, year) / parts.PART
            cols = ", ".join(_facts_columns(con, table))
            got = fetch_one(
                con,
                f"INSERT INTO facts.{table} (dataset, year, {cols}) "
                f"SELECT ?::VARCHAR, ?::SMALLINT, {cols} FROM read_parquet(?)",
                [dataset, year, str(f)],
                obj=f"facts.{table}",
            )
            if got is None or int(got[0]) != int(n):
                raise SchemaError(
                    f"{f}: holds {got[0] if got else 0} rows, the manifest says {n}; "
                    "rerun with --force"
                )
        run_sql(
            con,
            f"INSERT INTO tables ({', '.join(TABLES_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(TABLES_COLUMNS))})",
            [
                dataset,
                year,
                str(prov["source"]),
                prov["format"],
                prov.get("edition"),
                prov["file_sha256"],
                prov.get("unit"),
                prov["value_added_definition"],
                prov["output_definition"],
                json.dumps(prov.get("harmonisation", []), default=str),
                json.dumps(prov.get("warnings", []), default=str),
                G,
                N,
                F,
                __version__,
                now,
                prov.get("unit_as_published"),
                prov.get("unit_factor"),
            ],
            obj="tables",
        )
        for table in manifest["results"]:
            run_sql(
                con,
                "INSERT INTO results_log VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    dataset,
                    year,
                    table,
                    manifest["tables"][table],
                    manifest["step_seconds"].get(table, 0.0),
                    __version__,
                    now,
                ],
                obj="results_log",
            )
        steps = ",".join(manifest["steps"])
        run_sql(
            con,
            "INSERT OR REPLACE INTO pipeline_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                dataset,
                year,
                manifest["input_sha256"],
                manifest["options_hash"],
                manifest["gvc_version"],
                steps,
                run_id,
                now,
            ],
            obj="pipeline_state",
        )
        run_sql(
            con,
            "INSERT OR REPLACE INTO pipeline_runs VALUES "
            "(?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [
                run_id,
                dataset,
                year,
                started_at or None,
                now,
                seconds,
                manifest["input_sha256"],
                manifest["options_hash"],
                manifest["gvc_version"],
                steps,
                executor,
                sum(int(v) for v in manifest["tables"].values()),
            ],
            obj="pipeline_runs",
        )
    return {k: int(v) for k, v in manifest["tables"].items()}
