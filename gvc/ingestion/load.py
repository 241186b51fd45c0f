"""Load one harmonised, validated table into the canonical store, in one transaction.

Ingesting the same file with the same options twice is a no-op (same table identity).
A different input for an existing ``(dataset, year)`` is refused unless ``replace=True``; then
the old rows and every result computed from them or depending on them go, in the same
transaction. ``delete_table`` is re-exported from :mod:`gvc.catalog.tables`.
"""

from __future__ import annotations

import logging

import duckdb
import numpy as np
import pyarrow as pa

from gvc.catalog.tables import (
    delete_table,
    dimension_tables,
    ensure_dimensions,
    insert_inputs,
    insert_table_row,
    stored_identity,
)
from gvc.errors import InputError
from gvc.store import transaction
from gvc.table import IOTable

log = logging.getLogger(__name__)


def existing_identity(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> str | None:
    """``tables.table_sha256`` of the stored ``(dataset, year)``, or None."""
    return stored_identity(con, dataset, year)


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

    ``provenance`` holds ``source, format, edition, file_sha256, table_sha256, options, unit,
    value_added_definition, output_definition, harmonisation (list of dicts), warnings (list of
    str)``. A table of the same identity (same file, same options) is skipped; another one for
    a stored ``(dataset, year)`` needs ``replace``, and then every result computed from the old
    table, or depending on it, is deleted in the same transaction
    (:func:`gvc.catalog.tables.delete_table`). ``names`` maps
    ``"countries"|"sectors"|"fd_categories"`` to ``{code: name}`` for the dimension tables.
    """
    ident = provenance.get("table_sha256") or provenance["file_sha256"]
    old = existing_identity(con, dataset, year)
    if old == ident:
        log.info("%s %s: already ingested from the same file and options, skipped", dataset, year)
        return "skipped"
    if old is not None and not replace:
        raise InputError(
            f"{provenance['source']}: dataset {dataset!r} year {year} is already in the store "
            f"from another file or other options (sha256 {old[:12]}); use --replace to "
            "overwrite it"
        )
    with transaction(con):
        if old is not None:
            delete_table(con, dataset, year)
        ensure_dimensions(con, dataset, dimension_tables(table, names), str(provenance["source"]))
        insert_inputs(con, dataset, year, input_fact_tables(table))
        insert_table_row(con, dataset, year, provenance, (table.G, table.N, table.F))
    log.info("%s %s: loaded %d x %d nodes", dataset, year, table.G, table.N)
    return "replaced" if old is not None else "loaded"


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
