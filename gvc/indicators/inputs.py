"""Pull one ``(dataset, year)`` table out of the store as dense arrays."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from gvc.errors import QueryError, SchemaError
from gvc.store import fetch_arrow, fetch_one, run_sql
from gvc.table import IOTable


def read_iotable(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> IOTable:
    """Rebuild the harmonised :class:`IOTable` stored as ``(dataset, year)``.

    Raises
    ------
    SchemaError
        the store holds no such table.
    """
    row = fetch_one(
        con, "SELECT source FROM tables WHERE dataset = ? AND year = ?", [dataset, year]
    )
    if row is None:
        have = run_sql(con, "SELECT DISTINCT dataset FROM tables ORDER BY 1").fetchall()
        raise SchemaError(
            f"no table for dataset {dataset!r} year {year} in the store "
            f"(datasets: {', '.join(r[0] for r in have) or 'none'})"
        )

    def labels(dim: str, col: str) -> tuple[str, ...]:
        q = f"SELECT {col} FROM {dim} WHERE dataset = ? ORDER BY position"
        return tuple(r[0] for r in run_sql(con, q, [dataset], obj=dim).fetchall())

    countries = labels("countries", "country")
    sectors = labels("sectors", "sector")
    fds = labels("fd_categories", "category")
    params = [dataset, year]

    def rows(sql: str, obj: str) -> Iterator[pa.RecordBatch]:
        # streamed, and each query read to its end before the next one runs on the connection:
        # the dense arrays fill batch by batch, the cell list never exists whole
        try:
            rel = con.sql(sql, params=params)
            # DuckDB 2 names the method to_arrow_reader; 1.x fetch_record_batch
            reader = getattr(rel, "to_arrow_reader", None) or rel.fetch_record_batch
            yield from reader(BATCH_ROWS)
        except duckdb.Error as exc:
            raise QueryError(str(exc).splitlines()[0], sql=sql, obj=obj) from exc

    nodes = fetch_arrow(
        con,
        "SELECT node, output, value_added FROM facts.node_values "
        "WHERE dataset = ? AND year = ? ORDER BY node",
        params,
        obj="facts.node_values",
    )
    facts = {
        "intermediate": rows(
            "SELECT row_node, col_node, value FROM facts.intermediate "
            "WHERE dataset = ? AND year = ?",
            "facts.intermediate",
        ),
        "final_demand": rows(
            "SELECT row_node, col_country_pos, category_pos, value FROM facts.final_demand "
            "WHERE dataset = ? AND year = ?",
            "facts.final_demand",
        ),
        "node_values": nodes,
    }
    table = table_from_facts(countries, sectors, fds, facts)
    # for messages: a numerical error names the stored table and the file it came from
    table.meta.update({"source": f"{dataset} {year} (from {row[0]})", "year": year})
    return table


#: fact rows filled into the dense arrays at a time
BATCH_ROWS = 1 << 20


def _batches(data: Any) -> Iterator[pa.RecordBatch]:
    if isinstance(data, pa.Table):
        yield from data.to_batches(max_chunksize=BATCH_ROWS)
    else:
        yield from data


def _np(batch: pa.RecordBatch, name: str) -> np.ndarray:
    return batch.column(name).to_numpy(zero_copy_only=False)


def table_from_facts(
    countries: tuple[str, ...],
    sectors: tuple[str, ...],
    fd_categories: tuple[str, ...],
    facts: Mapping[str, Any],
) -> IOTable:
    """Dense arrays from the input fact rows (``facts.*`` columns less ``dataset, year``).

    The one builder for ``gvc run`` (rows read from the store) and the pipeline workers (rows
    just computed), so both compute from bit-identical arrays. ``intermediate`` and
    ``final_demand`` are Arrow tables or iterables of record batches (read in that order,
    batch by batch); ``node_values`` must be a
    table in node order. Peak memory: the dense arrays plus one batch.
    """
    G, N, F = len(countries), len(sectors), len(fd_categories)
    n = G * N
    Z = np.zeros((n, n))
    for b in _batches(facts["intermediate"]):
        Z[_np(b, "row_node"), _np(b, "col_node")] = _np(b, "value")
    Yd = np.zeros((n, G * F))
    for b in _batches(facts["final_demand"]):
        col = _np(b, "col_country_pos").astype(np.int64) * F + _np(b, "category_pos")
        Yd[_np(b, "row_node"), col] = _np(b, "value")
    nv = facts["node_values"]
    return IOTable(
        tuple(countries),
        tuple(sectors),
        tuple(fd_categories),
        Z,
        Yd,
        np.asarray(nv["output"].to_numpy(), dtype=np.float64),
        np.asarray(nv["value_added"].to_numpy(), dtype=np.float64),
    )
