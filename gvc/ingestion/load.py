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
        insert_inputs(con, dataset, year, input_fact_streams(table))
        insert_table_row(con, dataset, year, provenance, (table.G, table.N, table.F))
    log.info("%s %s: loaded %d x %d nodes", dataset, year, table.G, table.N)
    return "replaced" if old is not None else "loaded"


#: rows of Z turned into fact rows at a time (bounded temporaries when streaming)
ROW_BLOCK = 512


def _nonzero_batches(M: np.ndarray, schema: pa.Schema, split: int | None):
    """Record batches of the non-zero cells of ``M``, ``ROW_BLOCK`` rows at a time (int32 keys;
    ``split``: the column index is split into ``col_country_pos, category_pos`` by it)."""
    for r0 in range(0, M.shape[0], ROW_BLOCK):
        block = M[r0 : r0 + ROW_BLOCK]
        i, j = np.nonzero(block)
        vals = block[i, j]
        rows = (i + r0).astype(np.int32)
        if split is None:
            cols = [rows, j.astype(np.int32), vals]
        else:
            cols = [rows, (j // split).astype(np.int32), (j % split).astype(np.int32), vals]
        yield pa.record_batch([pa.array(c) for c in cols], schema=schema)


INTERMEDIATE_SCHEMA = pa.schema(
    [("row_node", pa.int32()), ("col_node", pa.int32()), ("value", pa.float64())]
)
FINAL_DEMAND_SCHEMA = pa.schema(
    [
        ("row_node", pa.int32()),
        ("col_country_pos", pa.int32()),
        ("category_pos", pa.int32()),
        ("value", pa.float64()),
    ]
)


def input_fact_streams(table: IOTable) -> dict[str, pa.Table | pa.RecordBatchReader]:
    """The input fact rows of ``table`` as Arrow streams: ``facts.*`` columns less
    ``dataset, year``.

    Non-zero ``Z`` cells (``intermediate``) and non-zero final-demand cells
    (``final_demand``) as record-batch readers made ``ROW_BLOCK`` rows of the dense arrays at a
    time, so loading them never holds the whole cell list (16 bytes a non-zero cell, twice a
    dense matrix for a full ``Z``); output and value added by node (``node_values``) as a
    table. Each reader can be consumed once.
    """
    return {
        "intermediate": pa.RecordBatchReader.from_batches(
            INTERMEDIATE_SCHEMA, _nonzero_batches(table.Z, INTERMEDIATE_SCHEMA, None)
        ),
        "final_demand": pa.RecordBatchReader.from_batches(
            FINAL_DEMAND_SCHEMA, _nonzero_batches(table.Y_detail, FINAL_DEMAND_SCHEMA, table.F)
        ),
        "node_values": pa.table(
            {
                "node": np.arange(table.n, dtype=np.int32),
                "output": np.asarray(table.x, dtype=np.float64),
                "value_added": np.asarray(table.va, dtype=np.float64),
            }
        ),
    }


def input_fact_tables(table: IOTable) -> dict[str, pa.Table]:
    """The input fact rows of ``table`` as Arrow tables (:func:`input_fact_streams` read to
    the end): shared by :func:`load_table` and the pipeline workers, so both store the same
    rows."""
    return {
        name: data.read_all() if isinstance(data, pa.RecordBatchReader) else data
        for name, data in input_fact_streams(table).items()
    }
