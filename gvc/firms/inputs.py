"""Firm-network inputs: read the four files into staging tables and validate them.

A *network* is four files (CSV with a header line, or Parquet), column names as below; other
columns are ignored:

* **firms** (one row per firm, or per firm and year): ``firm`` (id, required), ``country``
  (required), ``region``, ``lat``, ``lon`` (degrees), ``classification`` (name of the industry
  classification), ``industry`` (code in it), ``sales``, ``employment``, ``exports`` (sales
  abroad), ``imports`` (purchases from suppliers outside the transaction table), ``year``
  (a row without a year holds for every year), ``type`` (:data:`MEMBER_TYPES`, default
  ``firm``: universities, public bodies and investors are rows of this file too).
* **members**: ``member`` (a firm id), ``cluster`` (name), ``year`` (without: every year).
* **transactions**: ``supplier``, ``buyer`` (firm ids), ``value``, ``year`` (or ``--year``).
* **concordance** (optional): ``classification``, ``industry``, ``sector``: the sector(s) of
  the country x industry table each industry code belongs to.

:func:`stage_inputs` reads the firm, membership and concordance files through DuckDB into
temporary tables of the connection (ids mapped to dense integers, the file's row number
kept) and checks them; the transaction file (the big one) is read once, by the store's
insert (:mod:`gvc.firms.links`: its constraints reject bad rows, then the row is found;
the checks across rows run before the commit). Each
problem is one :class:`~gvc.errors.InputError` naming the file and the row (``line`` for
CSV, counting the header as line 1; ``row`` for Parquet, the first data row being row 1):
unknown firms, negative or non-numeric values, self-loops, duplicate
``(supplier, buyer, year)`` links, coordinates out of range, duplicate firms, unknown member
types. Nothing is written to the store here (:mod:`gvc.firms.store` does that, in one
transaction).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from gvc.errors import InputError

log = logging.getLogger(__name__)

MEMBER_TYPES: dict[str, str] = {
    "firm": "business",
    "state_corporation": "business",
    "investor": "business",
    "university": "science",
    "research_centre": "science",
    "public_body": "government",
}
"""Member types and their triple-helix strand (business, science, government)."""

FIRM_TYPES = ("firm", "state_corporation")
"""Types counted as member *firms* (critical mass)."""

COLUMNS: dict[str, dict[str, str]] = {
    "firms": {
        "firm": "id",
        "country": "text",
        "region": "text",
        "lat": "number",
        "lon": "number",
        "classification": "text",
        "industry": "text",
        "sales": "number",
        "employment": "number",
        "exports": "number",
        "imports": "number",
        "year": "year",
        "type": "text",
    },
    "members": {"member": "id", "cluster": "text", "year": "year"},
    "transactions": {"supplier": "id", "buyer": "id", "value": "number", "year": "year"},
    "concordance": {"classification": "text", "industry": "text", "sector": "text"},
}
"""Columns read from each file and their kind."""

REQUIRED = {
    "firms": ("firm", "country"),
    "members": ("member", "cluster"),
    "transactions": ("supplier", "buyer", "value"),
    "concordance": ("industry", "sector"),
}

STAGE = "_gvc_firm_stage_{}"
"""Name of the staging table of each kind (temporary, dropped by :func:`drop_staging`)."""


@dataclass(frozen=True)
class Staged:
    """One input file: read into its staging table, or (transactions) a query over it."""

    kind: str
    path: Path
    sha256: str
    rows: int  # -1: not counted yet (transactions, counted when stored)
    select: str | None = None  # transactions: SELECT year, supplier, buyer, value
    params: tuple = ()
    source: Any = None
    year_expr: str = ""

    @property
    def table(self) -> str:
        return STAGE.format(self.kind)


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (the identity of an input, stored with every result)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stage_inputs(
    con: duckdb.DuckDBPyConnection,
    *,
    firms: str | os.PathLike,
    members: str | os.PathLike,
    transactions: str | os.PathLike,
    concordance: str | os.PathLike | None = None,
    year: int | None = None,
) -> dict[str, Staged]:
    """Read and validate a network's files into staging tables of ``con``.

    Parameters
    ----------
    firms, members, transactions, concordance : file paths (``.csv`` or ``.parquet``).
    year : year of transactions whose file has no ``year`` column.

    Returns
    -------
    ``{kind: Staged}``; the staging tables stay in ``con`` until :func:`drop_staging`.

    Raises
    ------
    InputError
        the first problem found, naming the file and row (see module doc).
    """
    out: dict[str, Staged] = {}
    out["firms"] = _stage_firms(con, Path(firms))
    out["members"] = _stage_members(con, Path(members), out["firms"])
    from gvc.firms.links import link_source

    out["transactions"] = link_source(con, Path(transactions), out["firms"], year)
    if concordance is not None:
        out["concordance"] = _stage_concordance(con, Path(concordance))
    return out


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the staging tables and helper objects of :func:`stage_inputs`."""
    for kind in (*COLUMNS, "raw_firms", "raw_members", "raw_transactions", "raw_concordance"):
        con.execute(f"DROP TABLE IF EXISTS {STAGE.format(kind)}")
    con.execute("DROP TABLE IF EXISTS _gvc_firm_ids")


# --------------------------------------------------------------------------------------------
# reading


@dataclass(frozen=True)
class _Source:
    path: Path
    sql: str  # FROM clause, aliased src
    params: list
    row: str  # expression of the 1-based data row
    columns: dict[str, str]  # column -> DuckDB type
    csv: bool

    def where(self, row: int) -> str:
        return f"{self.path}: line {row + 1}" if self.csv else f"{self.path}: row {row}"


def _source(con: duckdb.DuckDBPyConnection, path: Path, kind: str) -> _Source:
    if not path.is_file():
        raise InputError(f"{path}: no such {kind} file")
    name = path.name.lower()
    try:
        if name.endswith(".parquet"):
            desc = con.execute(
                "DESCRIBE SELECT * FROM read_parquet(?, file_row_number=true)", [str(path)]
            ).fetchall()
            cols = {r[0]: r[1] for r in desc if r[0] != "file_row_number"}
            return _Source(
                path,
                "read_parquet(?, file_row_number=true) src",
                [str(path)],
                "src.file_row_number + 1",
                cols,
                False,
            )
        if name.endswith((".csv", ".csv.gz")):
            desc = con.execute(
                "DESCRIBE SELECT * FROM read_csv(?, header=true)", [str(path)]
            ).fetchall()
            types = {c: "VARCHAR" for c, k in COLUMNS[kind].items() if k in ("id", "text")}
            types = {c: t for c, t in types.items() if c in {r[0] for r in desc}}
            raw = STAGE.format(f"raw_{kind}")
            # a table keeps the file's order (preserve_insertion_order), so rowid = data row - 1
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT * FROM read_csv(?, header=true"
                + (", types=?" if types else "")
                + ")",
                [str(path), types] if types else [str(path)],
            )
            desc = con.execute(f"DESCRIBE {raw}").fetchall()
            return _Source(
                path, f"{raw} src", [], "src.rowid + 1", {r[0]: r[1] for r in desc}, True
            )
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot read {kind} file: {str(exc).splitlines()[0]}") from exc
    raise InputError(f"{path}: {kind} file must be .csv or .parquet")


def _require(src: _Source, kind: str) -> None:
    missing = [c for c in REQUIRED[kind] if c not in src.columns]
    if missing:
        raise InputError(
            f"{src.path}: {kind} file lacks column(s) {', '.join(missing)} "
            f"(has: {', '.join(src.columns)})"
        )


def _col(src: _Source, name: str, kind: str) -> str:
    """Normalised expression of one column (NULL when the file lacks it)."""
    what = COLUMNS[kind][name]
    if name not in src.columns:
        return {"number": "NULL::DOUBLE", "year": "NULL::SMALLINT"}.get(what, "NULL::VARCHAR")
    c = f'src."{name}"'
    if what == "number":
        return f"TRY_CAST({c} AS DOUBLE)"
    if what == "year":
        return f"TRY_CAST({c} AS SMALLINT)"
    if what == "text":
        return f"NULLIF(trim({c}::VARCHAR), '')"
    return c


def _bad_cast(src: _Source, kind: str) -> str:
    """Expression naming the first numeric/year column whose value does not convert."""
    parts = []
    for name, what in COLUMNS[kind].items():
        if name in src.columns and what in ("number", "year"):
            t = "DOUBLE" if what == "number" else "SMALLINT"
            parts.append(
                f'WHEN src."{name}" IS NOT NULL AND TRY_CAST(src."{name}" AS {t}) IS NULL '
                f"THEN '{name}'"
            )
    return f"CASE {' '.join(parts)} END" if parts else "NULL::VARCHAR"


def _first(
    con: duckdb.DuckDBPyConnection, table: str, checks: Sequence[tuple[str, str]]
) -> tuple[str, int] | None:
    """The first failing check (in order) and its first row: one scan for all checks."""
    sel = ", ".join(f"min(source_row) FILTER (WHERE {cond})" for _, cond in checks)
    rows = con.execute(f"SELECT {sel} FROM {table}").fetchall()[0]
    for (label, _), row in zip(checks, rows, strict=True):
        if row is not None:
            return label, int(row)
    return None


def _value(con: duckdb.DuckDBPyConnection, table: str, row: int, expr: str):
    return con.execute(f"SELECT {expr} FROM {table} WHERE source_row = ?", [row]).fetchall()[0][0]


# --------------------------------------------------------------------------------------------
# the four files


def _stage_firms(con: duckdb.DuckDBPyConnection, path: Path) -> Staged:
    src = _source(con, path, "firms")
    _require(src, "firms")
    t = STAGE.format("firms")
    cols = ", ".join(f"{_col(src, c, 'firms')} AS {c}" for c in COLUMNS["firms"])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {t} AS SELECT {src.row} AS source_row, {cols}, "
        f"{_bad_cast(src, 'firms')} AS bad_number FROM {src.sql}",
        src.params,
    )
    types = list(MEMBER_TYPES)
    nums = ("sales", "employment", "exports", "imports")
    checks = [
        ("bad_number", "bad_number IS NOT NULL"),
        ("no_id", "firm IS NULL OR trim(firm::VARCHAR) = ''"),
        ("no_country", "country IS NULL"),
        ("lat", "lat IS NOT NULL AND NOT (isfinite(lat) AND lat BETWEEN -90 AND 90)"),
        ("lon", "lon IS NOT NULL AND NOT (isfinite(lon) AND lon BETWEEN -180 AND 180)"),
        ("half", "(lat IS NULL) <> (lon IS NULL)"),
        *[(n, f"{n} IS NOT NULL AND NOT (isfinite({n}) AND {n} >= 0)") for n in nums],
        ("type", f"type IS NOT NULL AND NOT list_contains({types!r}, type)"),
    ]
    bad = _first(con, t, checks)
    if bad is not None:
        label, row = bad
        at = src.where(row)
        if label == "bad_number":
            col = _value(con, t, row, "bad_number")
            raise InputError(f"{at}: column {col!r} is not a number")
        if label == "no_id":
            raise InputError(f"{at}: empty firm id")
        if label == "no_country":
            raise InputError(f"{at}: empty country")
        if label in ("lat", "lon"):
            v = _value(con, t, row, label)
            lim = 90 if label == "lat" else 180
            name = "latitude" if label == "lat" else "longitude"
            raise InputError(f"{at}: {name} {v} out of range [-{lim}, {lim}]")
        if label == "half":
            raise InputError(f"{at}: give both lat and lon, or neither")
        if label == "type":
            v = _value(con, t, row, "type")
            raise InputError(f"{at}: unknown member type {v!r}; known: {', '.join(types)}")
        v = _value(con, t, row, label)
        raise InputError(f"{at}: {label} {v} is negative or not finite (must be >= 0)")
    dup = con.execute(
        f"SELECT source_row, firm::VARCHAR, year, first FROM (SELECT source_row, firm, year, "
        f"min(source_row) OVER (PARTITION BY firm, year) AS first FROM {t}) "
        "WHERE source_row > first ORDER BY source_row LIMIT 1"
    ).fetchall()
    if dup:
        row, firm, year, first = dup[0]
        when = f" in {year}" if year is not None else ""
        raise InputError(
            f"{src.where(row)}: duplicate firm {firm!r}{when} (first at "
            f"{src.where(first).rsplit(': ', 1)[-1]})"
        )
    # dense firm index in order of first appearance; id keeps the file's type for joins
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _gvc_firm_ids AS SELECT id, id::VARCHAR AS label, "
        "(row_number() OVER (ORDER BY first) - 1)::INTEGER AS firm_idx, dated FROM ("
        f"SELECT firm AS id, min(source_row) AS first, bool_and(year IS NOT NULL) AS dated "
        f"FROM {t} GROUP BY firm)"
    )
    n = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
    return Staged("firms", path, file_sha256(path), int(n))


def _id_join(con: duckdb.DuckDBPyConnection, src: _Source, column: str) -> str:
    """Join condition of a file's id column with the firm ids (as text if the types differ)."""
    firm_type = con.execute("SELECT typeof(id) FROM _gvc_firm_ids LIMIT 1").fetchall()
    same = firm_type and firm_type[0][0] == src.columns[column]
    return f'{{a}}.id = src."{column}"' if same else f'{{a}}.label = src."{column}"::VARCHAR'


def _stage_members(con: duckdb.DuckDBPyConnection, path: Path, firms: Staged) -> Staged:
    src = _source(con, path, "members")
    _require(src, "members")
    t = STAGE.format("members")
    on = _id_join(con, src, "member").format(a="f")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {t} AS SELECT {src.row} AS source_row, "
        f"f.firm_idx, f.dated, {_col(src, 'cluster', 'members')} AS cluster, "
        f"{_col(src, 'year', 'members')} AS year, {_bad_cast(src, 'members')} AS bad_number, "
        f'src."member" IS NULL AS no_id FROM {src.sql} LEFT JOIN _gvc_firm_ids f ON {on}',
        src.params,
    )
    checks = [
        ("bad_number", "bad_number IS NOT NULL"),
        ("no_id", "no_id"),
        ("unknown", "firm_idx IS NULL"),
        ("no_cluster", "cluster IS NULL"),
    ]
    bad = _first(con, t, checks)
    if bad is not None:
        label, row = bad
        at = src.where(row)
        if label == "bad_number":
            raise InputError(f"{at}: column 'year' is not a year")
        if label == "no_id":
            raise InputError(f"{at}: empty member id")
        if label == "unknown":
            v = _raw(con, src, row, "member")
            raise InputError(f"{at}: unknown member {v!r} (not in the firm file {firms.path})")
        raise InputError(f"{at}: empty cluster name")
    dup = con.execute(
        f"SELECT source_row, first FROM (SELECT source_row, min(source_row) OVER "
        f"(PARTITION BY firm_idx, cluster, year) AS first FROM {t}) WHERE source_row > first "
        "ORDER BY source_row LIMIT 1"
    ).fetchall()
    if dup:
        row, first = dup[0]
        raise InputError(
            f"{src.where(row)}: duplicate membership {_raw(con, src, row, 'member')!r} in "
            f"cluster {_value(con, t, row, 'cluster')!r} (first at "
            f"{src.where(first).rsplit(': ', 1)[-1]})"
        )
    _check_dated(con, t, src, firms, "member", "firm_idx")
    n = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
    return Staged("members", path, file_sha256(path), int(n))


def _stage_concordance(con: duckdb.DuckDBPyConnection, path: Path) -> Staged:
    src = _source(con, path, "concordance")
    _require(src, "concordance")
    t = STAGE.format("concordance")
    cols = ", ".join(f"{_col(src, c, 'concordance')} AS {c}" for c in COLUMNS["concordance"])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {t} AS SELECT {src.row} AS source_row, {cols} "
        f"FROM {src.sql}",
        src.params,
    )
    bad = _first(con, t, [("industry", "industry IS NULL"), ("sector", "sector IS NULL")])
    if bad is not None:
        raise InputError(f"{src.where(bad[1])}: empty {bad[0]}")
    dup = con.execute(
        f"SELECT source_row, first FROM (SELECT source_row, min(source_row) OVER (PARTITION BY "
        f"classification, industry, sector) AS first FROM {t}) WHERE source_row > first "
        "ORDER BY source_row LIMIT 1"
    ).fetchall()
    if dup:
        raise InputError(
            f"{src.where(dup[0][0])}: duplicate concordance row (first at "
            f"{src.where(dup[0][1]).rsplit(': ', 1)[-1]})"
        )
    n = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
    return Staged("concordance", path, file_sha256(path), int(n))


# --------------------------------------------------------------------------------------------
# cross-row checks


def _raw(con: duckdb.DuckDBPyConnection, src: _Source, row: int, column: str):
    """A column of one row as the file has it (for error messages only)."""
    return con.execute(
        f'SELECT src."{column}" FROM {src.sql} WHERE {src.row} = ?', [*src.params, row]
    ).fetchall()[0][0]


def _check_dated(
    con: duckdb.DuckDBPyConnection,
    table: str,
    src: _Source,
    firms: Staged,
    label: str,
    column: str,
) -> None:
    """A firm given only with dated rows must have a row for every year it is used in."""
    ft = STAGE.format("firms")
    # memberships without a year hold in the years the firm has a row (see diagnostics)
    dated_only = "t.year IS NOT NULL AND " if label == "member" else ""
    rows = con.execute(
        f"SELECT min(t.source_row) FROM {table} t WHERE {dated_only}t.{column} IN "
        "(SELECT firm_idx FROM _gvc_firm_ids WHERE dated) AND NOT EXISTS (SELECT 1 FROM "
        f"{ft} f JOIN _gvc_firm_ids i ON i.id = f.firm WHERE i.firm_idx = t.{column} "
        "AND f.year = t.year)"
    ).fetchall()
    if rows and rows[0][0] is not None:
        row = int(rows[0][0])
        v = _raw(con, src, row, label)
        raise InputError(
            f"{src.where(row)}: {label} {v!r} has no row in the firm file {firms.path} for "
            "this year (give a row for the year, or one without a year)"
        )
