"""Input tables in the store: identity, the ``tables`` provenance row, dimensions, deletion.

The one implementation used by ``gvc ingest`` (:mod:`gvc.ingestion.load`) and by the pipeline
driver (:mod:`gvc.pipeline.catalog`), so both write the same rows the same way.

A table's **identity** (``tables.table_sha256``, :func:`table_identity`) is the sha256 of the
input file's sha256 together with the harmonisation options and the declared unit: the same
file read with other options is another table, and every result in the ledger names the
identity it was computed from.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from gvc.catalog import ledger
from gvc.errors import InputError
from gvc.store import fetch_one, run_sql, transaction, unregister_quietly

log = logging.getLogger(__name__)

DIMENSIONS = (("countries", "country"), ("sectors", "sector"), ("fd_categories", "category"))

TABLE_COLUMNS = (
    "dataset, year, source, format, edition, file_sha256, unit, value_added_definition, "
    "output_definition, harmonisation, warnings, n_countries, n_sectors, n_fd_categories, "
    "gvc_version, ingested_at, table_sha256, options, unit_as_published, unit_factor"
)


def table_identity(file_sha256: str, options: Mapping[str, Any] | None = None) -> str:
    """sha256 naming a harmonised input: the file's sha256 and the options it was read with.

    ``options`` holds the harmonisation options (every field, defaults included) and anything
    else that changes the stored table (a declared unit). The pipeline planner computes it
    from the source file without reading the table; ingest and the workers from what they read.

    >>> table_identity("ab" * 32, {"balance": "rows"}) != table_identity("ab" * 32, {})
    True
    """
    return ledger.options_hash({"file_sha256": file_sha256, "options": dict(options or {})})


def stored_identity(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> str | None:
    """``table_sha256`` of the stored ``(dataset, year)``, or None when it is not stored."""
    row = fetch_one(
        con,
        "SELECT coalesce(table_sha256, file_sha256) FROM tables WHERE dataset = ? AND year = ?",
        [dataset, year],
        obj="tables",
    )
    return None if row is None else str(row[0])


def insert_table_row(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int,
    provenance: Mapping[str, Any],
    shape: tuple[int, int, int],
) -> None:
    """Insert the ``tables`` row of one input (the caller has removed any older one).

    ``provenance`` holds ``source, format, edition, file_sha256, unit, value_added_definition,
    output_definition, harmonisation, warnings, table_sha256, options, unit_as_published,
    unit_factor`` (the last two: the file's own unit and the factor that scaled it to ``unit``).
    """
    from gvc import __version__

    G, N, F = shape
    run_sql(
        con,
        f"INSERT INTO tables ({TABLE_COLUMNS}) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::JSON, ?, ?)",
        [
            dataset,
            year,
            str(provenance["source"]),
            provenance["format"],
            provenance.get("edition"),
            provenance["file_sha256"],
            provenance.get("unit"),
            provenance["value_added_definition"],
            provenance["output_definition"],
            json.dumps(provenance.get("harmonisation", []), default=str),
            json.dumps(provenance.get("warnings", []), default=str),
            G,
            N,
            F,
            __version__,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            provenance.get("table_sha256") or provenance["file_sha256"],
            json.dumps(provenance.get("options", {}), sort_keys=True, default=str),
            provenance.get("unit_as_published"),
            provenance.get("unit_factor"),
        ],
        obj="tables",
    )


def ensure_dimensions(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    dims: Mapping[str, pa.Table | Path],
    source: str,
) -> None:
    """Insert the dataset's dimensions if it is new, else check they are the same labels.

    ``dims`` maps ``countries``, ``sectors``, ``fd_categories`` (columns ``<label>, position,
    name``) and ``nodes`` (``node, country, sector, country_pos, sector_pos``) to Arrow tables
    or Parquet files (:func:`dimension_tables` makes them).

    Raises
    ------
    InputError
        the labels differ from those already stored for ``dataset``.
    """

    registered = []

    def rows(data: pa.Table | Path, cols: str) -> tuple[str, list[Any]]:
        if isinstance(data, pa.Table):
            con.register("_gvc_dim", data)
            registered.append(1)
            return f"SELECT {cols} FROM _gvc_dim", []
        return f"SELECT {cols} FROM read_parquet(?)", [str(data)]

    try:
        for dim, col in DIMENSIONS:
            have = [
                r[0]
                for r in run_sql(
                    con, f"SELECT {col} FROM {dim} WHERE dataset = ? ORDER BY position", [dataset]
                ).fetchall()
            ]
            sql, params = rows(dims[dim], f"{col}, position, name")
            new = [r[0] for r in run_sql(con, sql + " ORDER BY position", params).fetchall()]
            if have and have != new:
                extra = sorted(set(new) - set(have))[:5]
                missing = sorted(set(have) - set(new))[:5]
                raise InputError(
                    f"{source}: {dim} differ from those already stored for dataset {dataset!r} "
                    f"(new: {extra}, missing: {missing}, or a different order); "
                    "use another dataset name"
                )
            if not have:
                sql, params = rows(dims[dim], f"?::VARCHAR, {col}, position, name")
                run_sql(con, f"INSERT INTO {dim} {sql}", [dataset, *params], obj=dim)
        exists = fetch_one(con, "SELECT count(*) FROM nodes WHERE dataset = ?", [dataset])
        if exists and exists[0] == 0:
            sql, params = rows(
                dims["nodes"], "?::VARCHAR, node, country, sector, country_pos, sector_pos"
            )
            run_sql(con, f"INSERT INTO nodes {sql}", [dataset, *params], obj="nodes")
    finally:
        if registered:
            unregister_quietly(con, "_gvc_dim")


def delete_table(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> None:
    """Remove one ``(dataset, year)``: its inputs, its provenance row, every result computed
    from it and every result of another year that depends on it (:func:`ledger.invalidate`),
    in one transaction."""
    facts = [
        r[0]
        for r in run_sql(
            con, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'facts'"
        ).fetchall()
    ]
    with transaction(con):
        ledger.invalidate(con, dataset, year)
        # results keyed by (dataset, year) that no ledger row claims (none should exist)
        for name in facts:
            run_sql(
                con, f"DELETE FROM facts.{name} WHERE dataset = ? AND year = ?", [dataset, year]
            )
        run_sql(con, "DELETE FROM tables WHERE dataset = ? AND year = ?", [dataset, year])


def insert_inputs(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int,
    facts: Mapping[str, pa.Table | pa.RecordBatchReader | Path],
) -> dict[str, int]:
    """Append the input fact rows (``intermediate``, ``final_demand``, ``node_values``): Arrow
    tables, Arrow streams (loaded batch by batch) or Parquet files."""
    from gvc.catalog.ledger import _insert

    return {name: _insert(con, name, dataset, year, data, {}) for name, data in facts.items()}


def dimension_tables(
    table: Any, names: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, pa.Table]:
    """``countries, sectors, fd_categories, nodes`` rows of an :class:`~gvc.table.IOTable`
    (less ``dataset``), with the names of known codes (:mod:`gvc.classifications`); ``names``
    (``{"countries"|"sectors"|"fd_categories": {code: name}}``) adds or overrides them."""
    import numpy as np

    from gvc.classifications import dimension_names

    known = dimension_names(table)
    names = {
        dim: {**known.get(dim, {}), **(names or {}).get(dim, {})}
        for dim in ("countries", "sectors", "fd_categories")
    }
    out = {}
    for (dim, col), labels in zip(
        DIMENSIONS, (table.countries, table.sectors, table.fd_categories), strict=True
    ):
        lookup = names.get(dim, {})
        out[dim] = pa.table(
            {
                col: pa.array(list(labels), pa.string()),
                "position": pa.array(range(len(labels)), pa.int32()),
                "name": pa.array([lookup.get(lab) for lab in labels], pa.string()),
            }
        )
    c, s = table.node_labels()
    out["nodes"] = pa.table(
        {
            "node": np.arange(table.n, dtype=np.int32),
            "country": pa.array(list(c), pa.string()),
            "sector": pa.array(list(s), pa.string()),
            "country_pos": np.repeat(np.arange(table.G, dtype=np.int32), table.N),
            "sector_pos": np.tile(np.arange(table.N, dtype=np.int32), table.G),
        }
    )
    return out
