"""Embeddedness of firms inherited from the country x industry table, through a concordance.

A firm in country ``c`` with industry code ``i`` (in its classification) belongs to the
sectors ``S(i)`` that the network's concordance maps ``i`` to (without a concordance the
industry code must be a sector code of the table). Its inherited value of a node measure
``m`` (step ``embeddedness``, or ``upstreamness`` of step ``participation``) is the
output-weighted mean over those nodes::

    m_f = sum_{s in S(i)} x_{c,s} m_{c,s} / sum_{s in S(i)} x_{c,s}

(an industry mapped to several sectors splits by the nodes' output shares
``x_{c,s} / sum_{s'} x_{c,s'}``; nodes where ``m`` is undefined are left out of both sums).
A cluster inherits the sales-weighted mean ``sum_f sales_f m_f / sum_f sales_f`` over its
members with a defined ``m_f`` (:func:`gvc.firms.diagnostics.cluster_diagnostics`).

Measures: ``gvc_forward`` and ``gvc_backward`` (WWYZ 2017a production-based participation),
``fva_share`` (TiVA EXGR_FVASH, foreign value added in gross exports), ``crossings_mean``
(Muradov 2016 mean border crossings), all from ``facts.embeddedness``; ``upstreamness``
(Antras, Chor, Fally & Hillberry 2012) from ``facts.gvc_node``. Definitions:
:mod:`gvc.lockin.steps`, :mod:`gvc.indicators.participation`.

Years: a network year ``y`` uses the table of ``y`` when the dataset has it, otherwise the
latest earlier year, otherwise the earliest year (:func:`io_years`).
"""

from __future__ import annotations

import logging

import duckdb
import numpy as np
import pyarrow as pa

from gvc.errors import SchemaError
from gvc.firms.network import NetworkArrays, column_array
from gvc.kernels.firm_network import unique
from gvc.store import run_sql

log = logging.getLogger(__name__)

MEASURES = ("gvc_forward", "gvc_backward", "fva_share", "crossings_mean")
"""Measures read from ``facts.embeddedness``; ``upstreamness`` comes from ``facts.gvc_node``."""


def io_years(years: np.ndarray, available: list[int]) -> np.ndarray:
    """The table year used for each network year (same, else latest earlier, else earliest).

    >>> io_years(np.array([2000, 2011, 2015]), [1995, 2005, 2011]).tolist()
    [1995, 2011, 2011]
    >>> io_years(np.array([1990]), [1995, 2011]).tolist()
    [1995]
    """
    av = np.asarray(sorted(available), dtype=np.int64)
    pos = np.searchsorted(av, np.asarray(years), side="right") - 1
    return av[np.maximum(pos, 0)]


def ensure_node_measures(
    con: duckdb.DuckDBPyConnection, dataset: str, years: list[int]
) -> list[int]:
    """Compute steps ``embeddedness`` and ``participation`` for the ``years`` that lack them.

    Raises
    ------
    SchemaError
        no such dataset in the store.
    """
    from gvc.indicators.run import run
    from gvc.lockin.store import check_dataset

    check_dataset(con, dataset)
    done = []
    for y in sorted(set(years)):  # a few table years
        res = run(con, dataset, y, ("embeddedness", "participation"))
        done += [yr for _, yr, tables in res if tables]
    return done


def inherited_measures(
    con: duckdb.DuckDBPyConnection, a: NetworkArrays, dataset: str
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each firm-year's inherited node measures (see module doc), over ``a``'s keys.

    Returns
    -------
    arrays : ``{"linked": bool, measure: float}`` of length ``a.n_keys``; ``linked`` marks
        firm-years whose industry maps to at least one node with positive output.
    table_years : (n_years,) table year used for each network year.
    """
    available = [
        int(r[0])
        for r in run_sql(
            con, "SELECT year FROM tables WHERE dataset = ? ORDER BY year", [dataset]
        ).fetchall()
    ]
    if not available:
        raise SchemaError(f"dataset {dataset!r} is not in the store; run 'gvc ingest' first")
    ty = io_years(a.years, available)
    ensure_node_measures(con, dataset, [int(y) for y in ty])

    # distinct (country, industry) pairs of the firms; measures are computed once per pair
    ok = a.present & (a.industry >= 0) & (a.country >= 0)
    width = len(a.industry_labels) + 1
    combo_key = np.where(ok, a.country * width + a.industry, -1)
    combos = unique(combo_key[ok])
    cl = a.country_labels[combos // width]
    parts = [a.industry_parts[k] for k in (combos % width).tolist()]
    has_conc = run_sql(
        con, "SELECT count(*) FROM firms.concordance WHERE network = ?", [a.network]
    ).fetchall()[0][0]
    conc = "SELECT classification, industry, sector FROM firms.concordance WHERE network = ?"
    combo_tab = pa.table(
        {
            "combo": pa.array(np.arange(len(combos)), pa.int64()),
            "country": pa.array(cl.tolist(), pa.string()),
            "classification": pa.array([p[0] for p in parts], pa.string()),
            "industry": pa.array([p[1] for p in parts], pa.string()),
        }
    )
    sums = ", ".join(
        f"sum(x.value * v.value) FILTER (WHERE v.measure = '{m}' AND isfinite(v.value)) / "
        f"nullif(sum(x.value) FILTER (WHERE v.measure = '{m}' AND isfinite(v.value)), 0) "
        f"AS {m}"
        for m in (*MEASURES, "upstreamness")
    )
    mapping = (
        "JOIN conc c ON c.industry = k.industry AND "
        "(c.classification IS NOT DISTINCT FROM k.classification)"
        if has_conc
        else ""
    )
    sector = "c.sector" if has_conc else "k.industry"
    sql = (
        f"WITH conc AS ({conc}), "
        f"mapped AS (SELECT DISTINCT k.combo, n.node FROM _gvc_combos k {mapping} "
        f"JOIN nodes n ON n.dataset = ? AND n.country = k.country AND n.sector = {sector}), "
        "vals AS (SELECT node, year, measure, value FROM facts.embeddedness WHERE dataset = ? "
        "AND list_contains(?, year) AND list_contains(?, measure) UNION ALL SELECT node, year, "
        "measure, value FROM facts.gvc_node WHERE dataset = ? AND list_contains(?, year) AND "
        "measure = 'upstreamness') "
        f"SELECT m.combo, x.year, {sums} FROM mapped m "
        "JOIN facts.embeddedness x ON x.dataset = ? AND x.node = m.node AND x.measure = 'output' "
        "AND list_contains(?, x.year) AND x.value > 0 "
        "JOIN vals v ON v.node = m.node AND v.year = x.year GROUP BY m.combo, x.year"
    )
    tys = sorted({int(y) for y in ty})
    params = [
        a.network,
        dataset,
        dataset,
        tys,
        list(MEASURES),
        dataset,
        tys,
        dataset,
        tys,
    ]
    con.register("_gvc_combos", combo_tab)
    try:
        res = run_sql(con, sql, params, obj="firm embeddedness").fetchnumpy()
    finally:
        con.unregister("_gvc_combos")

    # firm-year arrays: the value of the firm's (country, industry) pair in its table year
    nk = a.n_keys
    out: dict[str, np.ndarray] = {"linked": np.zeros(nk, dtype=bool)}
    out |= {m: np.full(nk, np.nan) for m in (*MEASURES, "upstreamness")}
    if not len(res["combo"]):
        log.warning("network %s: no firm industry maps to a node of %s", a.network, dataset)
        return out, ty
    ry = np.asarray(res["year"], dtype=np.int64)
    rc = np.asarray(res["combo"], dtype=np.int64)
    tyears = np.asarray(tys, dtype=np.int64)
    res_key = np.searchsorted(tyears, ry) * len(combos) + rc
    order = np.argsort(res_key)
    res_key = res_key[order]
    key_year = np.repeat(np.searchsorted(tyears, ty), a.n_firms)  # table year of each key
    firm_combo = np.searchsorted(combos, combo_key)
    want = key_year * len(combos) + firm_combo
    pos = np.minimum(np.searchsorted(res_key, want), len(res_key) - 1)
    hit = ok & (res_key[pos] == want)
    out["linked"] = hit
    for m in (*MEASURES, "upstreamness"):
        col = column_array(res[m])[order]
        out[m] = np.where(hit, col[pos], np.nan)
    return out, ty
