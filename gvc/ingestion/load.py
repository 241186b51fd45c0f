"""Load one harmonised, validated table into the canonical store, in one transaction.

Ingesting the same file twice is a no-op (same ``dataset``, ``year`` and file sha256).
A different file for an existing ``(dataset, year)`` is refused unless ``replace=True``; then
the old rows and every result computed from them go, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import duckdb
import numpy as np
import pyarrow as pa

from gvc.errors import InputError
from gvc.store import fetch_one, run_sql, transaction
from gvc.table import IOTable

log = logging.getLogger(__name__)

#: the ``tables`` columns a provenance row fills, in insert order (named, so that columns added
#: to stores by later migrations never shift the values)
TABLES_COLUMNS = (
    "dataset", "year", "source", "format", "edition", "file_sha256", "unit",
    "value_added_definition", "output_definition", "harmonisation", "warnings", "n_countries",
    "n_sectors", "n_fd_categories", "gvc_version", "ingested_at", "unit_as_published",
    "unit_factor",
)  # fmt: skip


def existing_sha(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> str | None:
    row = fetch_one(
        con, "SELECT file_sha256 FROM tables WHERE dataset = ? AND year = ?", [dataset, year]
    )
    return None if row is None else str(row[0])


def load_table(
    con: duckdb.DuckDBPyConnection,
    table: IOTable,
    *,
    dataset: str,
    year: int,
    provenance: dict,
    replace: bool = False,
    names: dict[str, dict[str, str]] | None = None,
) -> str:
    """Write ``table`` as ``(dataset, year)``; return ``"loaded"``, ``"replaced"`` or ``"skipped"``.

    ``provenance`` holds ``source, format, edition, file_sha256, unit, unit_as_published,
    unit_factor, value_added_definition, output_definition, harmonisation (list of dicts),
    warnings (list of str)``. ``names`` maps
    ``"countries"|"sectors"|"fd_categories"`` to ``{code: name}`` for the dimension tables.
    """
    sha = provenance["file_sha256"]
    old = existing_sha(con, dataset, year)
    if old == sha:
        log.info(
            "%s %s: already ingested from the same file (sha256 %s), skipped",
            dataset,
            year,
            sha[:12],
        )
        return "skipped"
    if old is not None and not replace:
        raise InputError(
            f"{provenance['source']}: dataset {dataset!r} year {year} is already in the store "
            f"from another file (sha256 {old[:12]}); use --replace to overwrite it"
        )
    names = names or {}
    with transaction(con):
        if old is not None:
            delete_table(con, dataset, year)
        _ensure_dimensions(con, table, dataset, provenance["source"], names)
        _insert_facts(con, table, dataset, year)
        from gvc import __version__

        run_sql(
            con,
            f"INSERT INTO tables ({', '.join(TABLES_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(TABLES_COLUMNS))})",
            [
                dataset,
                year,
                str(provenance["source"]),
                provenance["format"],
                provenance.get("edition"),
                sha,
                provenance.get("unit"),
                provenance["value_added_definition"],
                provenance["output_definition"],
                json.dumps(provenance.get("harmonisation", []), default=str),
                json.dumps(provenance.get("warnings", []), default=str),
                table.G,
                table.N,
                table.F,
                __version__,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                provenance.get("unit_as_published"),
                provenance.get("unit_factor"),
            ],
            obj="tables",
        )
    log.info("%s %s: loaded %d x %d nodes", dataset, year, table.G, table.N)
    return "replaced" if old is not None else "loaded"


def delete_table(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> None:
    """Remove one ``(dataset, year)``: inputs, provenance and every computed result."""
    facts = [
        r[0]
        for r in run_sql(
            con,
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'facts'",
        ).fetchall()
    ]
    with transaction(con):
        for name in facts:
            run_sql(
                con, f"DELETE FROM facts.{name} WHERE dataset = ? AND year = ?", [dataset, year]
            )
        for name in ("tables", "results_log"):
            run_sql(con, f"DELETE FROM {name} WHERE dataset = ? AND year = ?", [dataset, year])


def _ensure_dimensions(
    con: duckdb.DuckDBPyConnection,
    table: IOTable,
    dataset: str,
    source: str,
    names: dict[str, dict[str, str]],
) -> None:
    dims = {
        "countries": ("country", table.countries),
        "sectors": ("sector", table.sectors),
        "fd_categories": ("category", table.fd_categories),
    }
    for dim, (col, labels) in dims.items():
        have = run_sql(
            con,
            f"SELECT {col} FROM {dim} WHERE dataset = ? ORDER BY position",
            [dataset],
            obj=dim,
        ).fetchall()
        have_labels = tuple(r[0] for r in have)
        if have_labels:
            if have_labels != tuple(labels):
                extra = sorted(set(labels) - set(have_labels))
                missing = sorted(set(have_labels) - set(labels))
                raise InputError(
                    f"{source}: {dim} differ from those already stored for dataset {dataset!r} "
                    f"(new: {extra[:5]}, missing: {missing[:5]}, or a different order); "
                    "use another --dataset name"
                )
            continue
        lookup = names.get(dim, {})
        rows = pa.table(
            {
                "dataset": [dataset] * len(labels),
                col: list(labels),
                "position": list(range(len(labels))),
                "name": [lookup.get(lab) for lab in labels],
            }
        )
        con.register("_gvc_dim", rows)
        try:
            run_sql(con, f"INSERT INTO {dim} SELECT * FROM _gvc_dim", obj=dim)
        finally:
            con.unregister("_gvc_dim")
    exists = fetch_one(con, "SELECT count(*) FROM nodes WHERE dataset = ?", [dataset])
    if exists and exists[0] == 0:
        c, s = table.node_labels()
        rows = pa.table(
            {
                "dataset": [dataset] * table.n,
                "node": np.arange(table.n, dtype=np.int32),
                "country": list(c),
                "sector": list(s),
                "country_pos": np.repeat(np.arange(table.G, dtype=np.int32), table.N),
                "sector_pos": np.tile(np.arange(table.N, dtype=np.int32), table.G),
            }
        )
        con.register("_gvc_nodes", rows)
        try:
            run_sql(con, "INSERT INTO nodes SELECT * FROM _gvc_nodes", obj="nodes")
        finally:
            con.unregister("_gvc_nodes")


def insert_arrow(
    con: duckdb.DuckDBPyConnection, target: str, dataset: str, year: int, data: pa.Table
) -> None:
    """Append ``data`` to ``target`` with constant ``dataset`` and ``year`` columns in front."""
    con.register("_gvc_rows", data)
    try:
        cols = ", ".join(data.column_names)
        run_sql(
            con,
            f"INSERT INTO {target} SELECT ?::VARCHAR, ?::SMALLINT, {cols} FROM _gvc_rows",
            [dataset, year],
            obj=target,
        )
    finally:
        con.unregister("_gvc_rows")


def input_fact_tables(table: IOTable) -> dict[str, pa.Table]:
    """The input fact rows of ``table``: ``facts.*`` columns less ``dataset, year``.

    Non-zero ``Z`` cells (``intermediate``), non-zero final-demand cells (``final_demand``),
    output and value added by node (``node_values``). Shared by :func:`load_table` and the
    pipeline workers, so both store the same rows.
    """
    i, j = np.nonzero(table.Z)
    inter = pa.table(
        {"row_node": i.astype(np.int32), "col_node": j.astype(np.int32), "value": table.Z[i, j]}
    )
    i, c = np.nonzero(table.Y_detail)
    final = pa.table(
        {
            "row_node": i.astype(np.int32),
            "col_country_pos": (c // table.F).astype(np.int32),
            "category_pos": (c % table.F).astype(np.int32),
            "value": table.Y_detail[i, c],
        }
    )
    nodes = pa.table(
        {
            "node": np.arange(table.n, dtype=np.int32),
            "output": np.asarray(table.x, dtype=np.float64),
            "value_added": np.asarray(table.va, dtype=np.float64),
        }
    )
    return {"intermediate": inter, "final_demand": final, "node_values": nodes}


def _insert_facts(con: duckdb.DuckDBPyConnection, table: IOTable, dataset: str, year: int) -> None:
    for name, rows in input_fact_tables(table).items():
        insert_arrow(con, f"facts.{name}", dataset, year, rows)
