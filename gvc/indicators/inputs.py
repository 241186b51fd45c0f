"""Pull one ``(dataset, year)`` table out of the store as dense arrays."""

from __future__ import annotations

import duckdb
import numpy as np

from gvc.errors import SchemaError
from gvc.store import fetch_one, run_sql
from gvc.table import IOTable


def read_iotable(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> IOTable:
    """Rebuild the harmonised :class:`IOTable` stored as ``(dataset, year)``.

    Raises
    ------
    SchemaError
        the store holds no such table.
    """
    row = fetch_one(con, "SELECT 1 FROM tables WHERE dataset = ? AND year = ?", [dataset, year])
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
    G, N, F = len(countries), len(sectors), len(fds)
    n = G * N
    params = [dataset, year]
    z = run_sql(
        con,
        "SELECT row_node, col_node, value FROM facts.intermediate WHERE dataset = ? AND year = ?",
        params,
        obj="facts.intermediate",
    ).fetchnumpy()
    Z = np.zeros((n, n))
    Z[z["row_node"], z["col_node"]] = z["value"]
    y = run_sql(
        con,
        "SELECT row_node, col_country_pos * ? + category_pos AS c, value "
        "FROM facts.final_demand WHERE dataset = ? AND year = ?",
        [F, dataset, year],
        obj="facts.final_demand",
    ).fetchnumpy()
    Yd = np.zeros((n, G * F))
    Yd[y["row_node"], y["c"]] = y["value"]
    nv = run_sql(
        con,
        "SELECT node, output, value_added FROM facts.node_values "
        "WHERE dataset = ? AND year = ? ORDER BY node",
        params,
        obj="facts.node_values",
    ).fetchnumpy()
    return IOTable(
        countries, sectors, fds, Z, Yd, np.asarray(nv["output"]), np.asarray(nv["value_added"])
    )
