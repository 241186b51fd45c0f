"""Pull one ``(dataset, year)`` table out of the store as dense arrays."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from gvc.errors import SchemaError
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

    def rows(sql: str, obj: str) -> pa.Table:
        return fetch_arrow(con, sql, params, obj=obj)

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
        "node_values": rows(
            "SELECT node, output, value_added FROM facts.node_values "
            "WHERE dataset = ? AND year = ? ORDER BY node",
            "facts.node_values",
        ),
    }
    table = table_from_facts(countries, sectors, fds, facts)
    # for messages: a numerical error names the stored table and the file it came from
    table.meta.update({"source": f"{dataset} {year} (from {row[0]})", "year": year})
    return table


def table_from_facts(
    countries: tuple[str, ...],
    sectors: tuple[str, ...],
    fd_categories: tuple[str, ...],
    facts: dict[str, pa.Table],
) -> IOTable:
    """Dense arrays from the input fact rows (``facts.*`` columns less ``dataset, year``).

    The one builder for ``gvc run`` (rows read from the store) and the pipeline workers (rows
    just computed), so both compute from bit-identical arrays. ``node_values`` must be in node
    order.
    """
    G, N, F = len(countries), len(sectors), len(fd_categories)
    n = G * N
    z = facts["intermediate"]
    Z = np.zeros((n, n))
    Z[z["row_node"].to_numpy(), z["col_node"].to_numpy()] = z["value"].to_numpy()
    y = facts["final_demand"]
    Yd = np.zeros((n, G * F))
    col = y["col_country_pos"].to_numpy().astype(np.int64) * F + y["category_pos"].to_numpy()
    Yd[y["row_node"].to_numpy(), col] = y["value"].to_numpy()
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
