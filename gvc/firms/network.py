"""A stored firm network as arrays: firm-year attributes, links and member rows.

The one adapter between the store's labelled rows and the kernels' positions
(:mod:`gvc.kernels.firm_network`, :mod:`gvc.kernels.firm_territory`):

* the network's **years** are the years of its transactions;
* firm attributes are dense arrays over ``key = year_index * n_firms + firm_idx``: a firm
  row with a year holds for that year, a row without one for every year without a row of
  its own; categorical columns become integer codes (``-1``: missing);
* **member rows** are the distinct ``(year, cluster, firm)`` memberships (a membership
  without a year holds in every year) of firms that have attributes that year, sorted by
  ``(year, cluster, firm)``; ``group`` numbers the cluster-years in that order.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from gvc.errors import QueryError, SchemaError
from gvc.firms.inputs import FIRM_TYPES, MEMBER_TYPES
from gvc.kernels.firm_composition import STRANDS
from gvc.kernels.firm_network import unique
from gvc.store import run_sql

TYPES = tuple(MEMBER_TYPES)
"""Member types in the order of their codes."""


@dataclass
class NetworkArrays:
    """Positions and values of one stored network (see module doc)."""

    network: str
    years: np.ndarray  # (Y,) int
    n_firms: int
    cluster_labels: np.ndarray  # (K,) object
    # firm-year attributes, (Y * F,)
    present: np.ndarray
    type_code: np.ndarray
    country: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    sales: np.ndarray
    employment: np.ndarray
    exports: np.ndarray
    imports: np.ndarray
    country_labels: np.ndarray
    industry_labels: np.ndarray  # "classification:industry" or "industry"
    industry_parts: list[tuple[str | None, str]]  # (classification, industry) per code
    # links, (L,): keys of the supplier and buyer (``year_index * n_firms + firm``), value
    supplier_key: np.ndarray
    buyer_key: np.ndarray
    value: np.ndarray
    # member rows, (M,), sorted by group
    member_firm: np.ndarray
    member_group: np.ndarray
    group_year: np.ndarray  # (n_groups,) year index
    group_cluster: np.ndarray  # (n_groups,) cluster_idx

    @property
    def n_keys(self) -> int:
        return len(self.years) * self.n_firms

    @property
    def n_groups(self) -> int:
        return len(self.group_year)

    @property
    def member_key(self) -> np.ndarray:
        return self.group_year[self.member_group] * self.n_firms + self.member_firm

    @property
    def strand(self) -> np.ndarray:
        """Triple-helix strand code of every firm-year (0 business, 1 science, 2 government)."""
        codes = np.array([STRANDS.index(MEMBER_TYPES[t]) for t in TYPES])
        return codes[np.maximum(self.type_code, 0)]

    @property
    def is_firm(self) -> np.ndarray:
        """Firm-years whose type counts as a firm (:data:`gvc.firms.inputs.FIRM_TYPES`)."""
        return np.isin(self.type_code, [TYPES.index(t) for t in FIRM_TYPES])


def load_network(con: duckdb.DuckDBPyConnection, network: str) -> NetworkArrays:
    """Read a stored network (``gvc firms ingest``) as :class:`NetworkArrays`.

    Raises
    ------
    SchemaError
        no such network, or it has no transactions.
    """
    n = run_sql(
        con, "SELECT count(*) FROM firms.inputs WHERE network = ?", [network], obj="firms.inputs"
    ).fetchall()[0][0]
    if not n:
        have = [r[0] for r in run_sql(con, "SELECT DISTINCT network FROM firms.inputs").fetchall()]
        raise SchemaError(
            f"firm network {network!r} is not in the store (networks: "
            f"{', '.join(sorted(have)) or 'none'}); run 'gvc firms ingest' first"
        )
    nid = network_id(con, network)
    years = np.array(
        [
            r[0]
            for r in run_sql(
                con,
                "SELECT DISTINCT year FROM firms.transactions WHERE network_id = ? ORDER BY 1",
                [nid],
                obj="firms.transactions",
            ).fetchall()
        ],
        dtype=np.int64,
    )
    if not len(years):
        raise SchemaError(f"firm network {network!r} has no transactions")
    F = int(
        run_sql(
            con, "SELECT count(DISTINCT firm_idx) FROM firms.firms WHERE network = ?", [network]
        ).fetchall()[0][0]
    )
    # the keys are computed by DuckDB (in parallel) and fetched as numpy in one go
    yi = "0" if len(years) == 1 else "(list_position(?, year) - 1)"
    links = fetch_numpy(
        con,
        f"SELECT {yi}::BIGINT * {F} + supplier AS ks, {yi}::BIGINT * {F} + buyer AS kb, value "
        "FROM firms.transactions WHERE network_id = ?",
        ([years.tolist(), years.tolist()] if len(years) > 1 else []) + [nid],
        obj="firms.transactions",
    )
    attrs, dims = _attributes(con, network, years, F)
    clusters = run_sql(
        con,
        "SELECT cluster FROM firms.clusters WHERE network = ? ORDER BY cluster_idx",
        [network],
    ).fetchnumpy()["cluster"]
    member_firm, member_group, group_year, group_cluster = _members(
        con, network, years, F, len(clusters), attrs["present"]
    )
    return NetworkArrays(
        network=network,
        years=years,
        n_firms=F,
        cluster_labels=np.asarray(clusters, dtype=object),
        **attrs,  # type: ignore[arg-type]
        **dims,
        supplier_key=np.asarray(links["ks"], dtype=np.int64),
        buyer_key=np.asarray(links["kb"], dtype=np.int64),
        value=np.asarray(links["value"], dtype=np.float64),
        member_firm=member_firm,
        member_group=member_group,
        group_year=group_year,
        group_cluster=group_cluster,
    )


def _attributes(
    con: duckdb.DuckDBPyConnection, network: str, years: np.ndarray, F: int
) -> tuple[dict[str, np.ndarray], dict]:
    codes = (
        "WITH f AS (SELECT * FROM firms.firms WHERE network = ?), "
        "c AS (SELECT country, row_number() OVER (ORDER BY country) - 1 AS code "
        "FROM (SELECT DISTINCT country FROM f)), "
        "r AS (SELECT country, region, row_number() OVER (ORDER BY country, region) - 1 AS code "
        "FROM (SELECT DISTINCT country, region FROM f WHERE region IS NOT NULL)), "
        "i AS (SELECT classification, industry, row_number() OVER (ORDER BY classification "
        "NULLS FIRST, industry) - 1 AS code FROM (SELECT DISTINCT classification, industry "
        "FROM f WHERE industry IS NOT NULL)) "
    )
    rows = fetch_numpy(
        con,
        codes + "SELECT f.firm_idx, f.year, list_position(?, f.type) - 1 AS type_code, "
        "c.code AS country_code, coalesce(r.code, -1) AS region_code, "
        "coalesce(i.code, -1) AS industry_code, f.lat, f.lon, f.sales, f.employment, "
        "f.exports, f.imports FROM f JOIN c ON c.country = f.country "
        "LEFT JOIN r ON r.country = f.country AND r.region = f.region "
        "LEFT JOIN i ON i.industry = f.industry "
        "AND i.classification IS NOT DISTINCT FROM f.classification",
        [network, list(TYPES)],
        obj="firms.firms",
    )
    countries = [
        r[0]
        for r in run_sql(con, codes + "SELECT country FROM c ORDER BY code", [network]).fetchall()
    ]
    parts = [
        (r[0], r[1])
        for r in run_sql(
            con, codes + "SELECT classification, industry FROM i ORDER BY code", [network]
        ).fetchall()
    ]
    Y = len(years)
    nk = Y * F
    # small integer codes: the link-level gathers read them at random, so size matters
    out: dict[str, np.ndarray] = {
        "present": np.zeros(nk, dtype=bool),
        "type_code": np.full(nk, -1, dtype=np.int8),
        "country": np.full(nk, -1, dtype=np.int32),
        "region": np.full(nk, -1, dtype=np.int32),
        "industry": np.full(nk, -1, dtype=np.int32),
        **{
            k: np.full(nk, np.nan)
            for k in ("lat", "lon", "sales", "employment", "exports", "imports")
        },
    }
    src = {
        "type_code": "type_code",
        "country": "country_code",
        "region": "region_code",
        "industry": "industry_code",
        **{k: k for k in ("lat", "lon", "sales", "employment", "exports", "imports")},
    }
    idx = np.asarray(rows["firm_idx"], dtype=np.int64)
    yr = rows["year"]
    dated = ~np.ma.getmaskarray(yr) if np.ma.isMaskedArray(yr) else np.zeros(len(idx), bool)
    yv = np.asarray(np.ma.filled(yr, -1) if np.ma.isMaskedArray(yr) else yr, dtype=np.int64)
    vals = {k: column_array(rows[c]) for k, c in src.items()}
    # rows without a year first, for every year; then each dated row overwrites its own year
    undated = np.flatnonzero(~dated)
    for y in range(Y):  # a loop over years, each step vectorised over firms
        keys = y * F + idx[undated]
        out["present"][keys] = True
        for k, v in vals.items():
            out[k][keys] = v[undated]
    yi = np.searchsorted(years, yv)
    sel = np.flatnonzero(dated & (yi < Y))
    sel = sel[years[yi[sel]] == yv[sel]]
    keys = yi[sel] * F + idx[sel]
    out["present"][keys] = True
    for k, v in vals.items():
        out[k][keys] = v[sel]
    ind_labels = np.array([f"{c}:{i}" if c else str(i) for c, i in parts], dtype=object)
    return out, {
        "country_labels": np.asarray(countries, dtype=object),
        "industry_labels": ind_labels,
        "industry_parts": parts,
    }


def fetch_numpy(
    con: duckdb.DuckDBPyConnection, sql: str, params: list, obj: str
) -> dict[str, np.ndarray]:
    """A query's columns as numpy arrays (the relation API: no extra copy of the rows)."""
    try:
        return con.sql(sql, params=params).fetchnumpy()
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0], sql=sql, obj=obj) from exc


def column_array(col: np.ndarray) -> np.ndarray:
    """A fetched column as a plain array: masked (NULL) entries become NaN (floats) or -1."""
    if np.ma.isMaskedArray(col):
        if col.dtype.kind == "f":
            return np.ma.filled(col.astype(np.float64), np.nan)
        return np.ma.filled(col.astype(np.int64), -1)
    return np.asarray(col)


def _members(
    con: duckdb.DuckDBPyConnection,
    network: str,
    years: np.ndarray,
    F: int,
    K: int,
    present: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    m = run_sql(
        con,
        "SELECT cluster_idx, firm_idx, year FROM firms.memberships WHERE network = ?",
        [network],
        obj="firms.memberships",
    ).fetchnumpy()
    cl = np.asarray(m["cluster_idx"], dtype=np.int64)
    fi = np.asarray(m["firm_idx"], dtype=np.int64)
    yr = m["year"]
    dated = ~np.ma.getmaskarray(yr) if np.ma.isMaskedArray(yr) else np.ones(len(cl), bool)
    yv = np.asarray(np.ma.filled(yr, -1) if np.ma.isMaskedArray(yr) else yr, dtype=np.int64)
    Y = len(years)
    undated = np.flatnonzero(~dated)
    yi_u = np.repeat(np.arange(Y), len(undated))
    rows_u = np.tile(undated, Y)
    yi = np.searchsorted(years, yv)
    d = np.flatnonzero(dated & (yi < Y))
    d = d[years[yi[d]] == yv[d]]
    all_y = np.concatenate([yi_u, yi[d]])
    all_r = np.concatenate([rows_u, d])
    key = (all_y * K + cl[all_r]) * F + fi[all_r]
    key = unique(key)  # sorted by (year, cluster, firm); drops repeated memberships
    firm = key % F
    yc = key // F
    year_i = yc // K
    keep = present[year_i * F + firm]
    firm, yc = firm[keep], yc[keep]
    gkeys, group = unique(yc, return_inverse=True)
    return firm, group.astype(np.int64), gkeys // K, gkeys % K


def firm_labels(con: duckdb.DuckDBPyConnection, network: str, firms: np.ndarray) -> np.ndarray:
    """The ids (as in the firm file) of the firms at positions ``firms`` (-1: None)."""
    want = unique(firms[firms >= 0])
    rows = run_sql(
        con,
        "SELECT firm_idx, any_value(firm) AS firm FROM firms.firms WHERE network = ? "
        "AND list_contains(?, firm_idx) GROUP BY firm_idx ORDER BY firm_idx",
        [network, want.tolist()],
        obj="firms.firms",
    ).fetchnumpy()
    out = np.full(len(firms), None, dtype=object)
    ok = firms >= 0
    pos = np.searchsorted(np.asarray(rows["firm_idx"]), firms[ok])
    out[ok] = np.asarray(rows["firm"], dtype=object)[pos]
    return out


def network_id(con: duckdb.DuckDBPyConnection, network: str) -> int:
    """The integer id that keys ``firms.transactions`` (see ``queries/firm_schema.sql``)."""
    row = run_sql(
        con, "SELECT network_id FROM firms.networks WHERE network = ?", [network]
    ).fetchall()
    if not row:
        raise SchemaError(f"firm network {network!r} is not in the store")
    return int(row[0][0])
