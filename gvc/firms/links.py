"""The transaction file: read once by the store's insert, checked by constraints and across rows.

Ten million links are not staged: :func:`link_source` turns the file into a query (ids mapped
to the firms' dense integers) that :func:`gvc.firms.store.write_inputs` inserts in one pass.
The table's constraints reject unknown firms, self-loops and negative or non-finite values;
:func:`explain_links` then stages the file with its row numbers and names the first bad row.
:func:`check_links` runs, inside the write transaction, the checks across rows: duplicate
``(supplier, buyer, year)`` links (a sparse-matrix count over the stored rows, then the rows
located in the file) and firms given only for other years. Errors name file and row as in
:mod:`gvc.firms.inputs`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from gvc.errors import InputError
from gvc.firms.inputs import (
    STAGE,
    Staged,
    _bad_cast,
    _col,
    _first,
    _id_join,
    _raw,
    _require,
    _source,
    _value,
    file_sha256,
)


def link_source(
    con: duckdb.DuckDBPyConnection, path: Path, firms: Staged, year: int | None
) -> Staged:
    """The transaction rows as a query over the file (ids mapped), not materialised: the
    store writes them in one pass, its constraints reject bad rows (:func:`explain_links`
    then finds the row) and :func:`check_links` runs the checks across rows."""
    src = _source(con, path, "transactions")
    _require(src, "transactions")
    if "year" not in src.columns and year is None:
        raise InputError(f"{path}: transactions need a year: a 'year' column, or pass --year")
    year_expr = (
        _col(src, "year", "transactions")
        if "year" in src.columns
        else f"{int(year or 0)}::SMALLINT"
    )
    select = (
        f"SELECT {year_expr} AS year, s.firm_idx AS supplier, b.firm_idx AS buyer, "
        f"{_col(src, 'value', 'transactions')} AS value FROM {src.sql} "
        f"LEFT JOIN _gvc_firm_ids s ON {_id_join(con, src, 'supplier').format(a='s')} "
        f"LEFT JOIN _gvc_firm_ids b ON {_id_join(con, src, 'buyer').format(a='b')}"
    )
    return Staged(
        "transactions",
        path,
        file_sha256(path),
        -1,
        select=select,
        params=tuple(src.params),
        source=src,
        year_expr=year_expr,
    )


def explain_links(con: duckdb.DuckDBPyConnection, links: Staged, firms: Staged) -> None:
    """Find the first bad transaction row (after the store refused the rows) and raise.

    Stages the file with its row numbers and runs the row checks in order: a value that is
    not a number, an empty year, a negative, missing or non-finite value, an unknown
    supplier or buyer, a self-loop. Returns without raising if none is found.
    """
    src = links.source
    t = STAGE.format("transactions")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {t} AS SELECT {src.row} AS source_row, "
        f"{links.year_expr} AS year, s.firm_idx AS supplier, b.firm_idx AS buyer, "
        f"{_col(src, 'value', 'transactions')} AS value, "
        f"{_bad_cast(src, 'transactions')} AS bad_number FROM {src.sql} "
        f"LEFT JOIN _gvc_firm_ids s ON {_id_join(con, src, 'supplier').format(a='s')} "
        f"LEFT JOIN _gvc_firm_ids b ON {_id_join(con, src, 'buyer').format(a='b')}",
        src.params,
    )
    checks = [
        ("bad_number", "bad_number IS NOT NULL"),
        ("no_year", "year IS NULL"),
        ("value", "value IS NULL OR NOT isfinite(value) OR value < 0"),
        ("supplier", "supplier IS NULL"),
        ("buyer", "buyer IS NULL"),
        ("loop", "supplier = buyer"),
    ]
    bad = _first(con, t, checks)
    if bad is None:
        return
    label, row = bad
    at = src.where(row)
    if label == "bad_number":
        col = _value(con, t, row, "bad_number")
        raise InputError(f"{at}: column {col!r} is not a number")
    if label == "no_year":
        raise InputError(f"{at}: empty year")
    if label == "value":
        v = _raw(con, src, row, "value")
        raise InputError(f"{at}: transaction value {v} is negative, missing or not finite")
    if label in ("supplier", "buyer"):
        v = _raw(con, src, row, label)
        raise InputError(f"{at}: unknown {label} {v!r} (not in the firm file {firms.path})")
    v = _raw(con, src, row, "supplier")
    raise InputError(f"{at}: self-loop: supplier and buyer are both {v!r}")


def check_links(con: duckdb.DuckDBPyConnection, network: str, links: Staged, firms: Staged) -> None:
    """Checks across transaction rows, on the rows just written (before the commit).

    Duplicate ``(supplier, buyer, year)`` links (counted through a sparse matrix, then
    located in the file), and links of a firm given only for other years.
    """
    from gvc.firms.network import network_id
    from gvc.kernels.firm_network import duplicate_pairs

    nid = network_id(con, network)
    years = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT year FROM firms.transactions WHERE network_id = ? ORDER BY 1",
            [nid],
        ).fetchall()
    ]
    n = con.execute("SELECT count(*) FROM _gvc_firm_ids").fetchall()[0][0]
    yi = "0" if len(years) <= 1 else "(list_position(?, year) - 1)"
    a = con.sql(
        f"SELECT {yi}::BIGINT * {int(n)} + supplier AS row, buyer FROM firms.transactions "
        "WHERE network_id = ?",
        params=([years] if len(years) > 1 else []) + [nid],
    ).fetchnumpy()
    if len(a["row"]):
        if duplicate_pairs(a["row"], a["buyer"], max(len(years), 1) * n, n):
            s, b, y = con.execute(
                "SELECT supplier, buyer, year FROM firms.transactions WHERE network_id = ? "
                "GROUP BY ALL HAVING count(*) > 1 LIMIT 1",
                [nid],
            ).fetchall()[0]
            first, row = _link_rows(con, links, "s.firm_idx = ? AND b.firm_idx = ?", [s, b], y)
            src = links.source
            raise InputError(
                f"{src.where(row)}: duplicate link {_raw(con, src, row, 'supplier')!r} -> "
                f"{_raw(con, src, row, 'buyer')!r} in {y} (first at "
                f"{src.where(first).rsplit(': ', 1)[-1]}); add the values up in one row"
            )
    dated = con.execute("SELECT count(*) FROM _gvc_firm_ids WHERE dated").fetchall()[0][0]
    for label in ("supplier", "buyer") if dated else ():
        bad = con.execute(
            f"SELECT t.{label}, t.year FROM firms.transactions t WHERE t.network_id = ? AND "
            f"t.{label} IN (SELECT firm_idx FROM _gvc_firm_ids WHERE dated) AND NOT EXISTS "
            f"(SELECT 1 FROM {STAGE.format('firms')} f JOIN _gvc_firm_ids i ON i.id = f.firm "
            f"WHERE i.firm_idx = t.{label} AND f.year = t.year) LIMIT 1",
            [nid],
        ).fetchall()
        if bad:
            key = "s.firm_idx = ?" if label == "supplier" else "b.firm_idx = ?"
            row, _ = _link_rows(con, links, key, [bad[0][0]], bad[0][1])
            src = links.source
            v = _raw(con, src, row, label)
            raise InputError(
                f"{src.where(row)}: {label} {v!r} has no row in the firm file {firms.path} "
                "for this year (give a row for the year, or one without a year)"
            )


def _link_rows(
    con: duckdb.DuckDBPyConnection, links: Staged, where: str, params: list, year: int
) -> tuple[int, int]:
    """The first two file rows of the transactions matching ``where`` in ``year``."""
    src = links.source
    rows = con.execute(
        f"SELECT {src.row} AS r FROM {src.sql} "
        f"LEFT JOIN _gvc_firm_ids s ON {_id_join(con, src, 'supplier').format(a='s')} "
        f"LEFT JOIN _gvc_firm_ids b ON {_id_join(con, src, 'buyer').format(a='b')} "
        f"WHERE {where} AND {links.year_expr} = ? ORDER BY r LIMIT 2",
        [*src.params, *params, year],
    ).fetchall()
    first = int(rows[0][0])
    return first, int(rows[-1][0])
