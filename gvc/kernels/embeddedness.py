"""Embeddedness of every node (country x sector) in global value chains, as arrays.

:func:`embeddedness_arrays` computes every measure of step ``embeddedness`` (the list, with
how each aggregates to a cluster, is :data:`gvc.lockin.MEASURES`), per node ``i`` (``e`` gross
exports, ``y = Y 1`` final goods, ``B`` the one global inverse of the table):

* trade-based participation, Borin & Mancini (2019) source approach, world perspective,
  summed over importers: ``bm_gvcb_share = GVCB_i / GEXP_i`` (backward: foreign VA and
  domestic double counting in the node's exports), ``bm_gvcf_share = GVCF_i / GEXP_i``
  (forward: domestic VA re-exported by the importer), ``bm_gvc_share = GVC_i / GEXP_i``
  (:func:`bm_participation_shares`, equal to :func:`gvc.kernels.borin_mancini.bm` summed over
  importers; in the source approach DVA, hence GVCF and GVCB, is the same in the world and
  exporter perspectives). ``fva_share = EXGR_FVASH`` (TiVA foreign VA share of gross exports,
  :func:`fva_export_share`). NaN where ``e_i = 0``.
* production-based participation, Wang, Wei, Yu & Zhu (2017a): ``gvc_forward = GVCPt_f``
  ``= (v^ L A^F B y)_i / va_i`` and ``gvc_backward = (v' L A^F B)_i``, the GVC share of a unit
  of the node's final goods (equal to WWYZ ``GVCPt_b`` wherever ``y_i != 0``, and defined
  where it is 0); ``pure_domestic_share = V_D_i / va_i``, ``traditional_trade_share =
  V_RT_i / va_i`` (:func:`gvc.kernels.node_metrics.node_metrics`).
* structure: ``export_share = e_i / x_i``; ``domestic_input_share``, ``domestic_sales_share``
  (domestic part of intermediate inputs / sales); ``domestic_input_hhi`` and
  ``top_domestic_supplier_share`` of the node's domestic suppliers other than itself, and
  ``top_domestic_supplier_pos`` (that supplier's sector position; NaN when none).
* chain: ``crossings_mean`` (mean border crossings of the node's value added until final
  use, all final demand as one chain), ``returns_mean`` (crossings back into the origin
  country), ``countries_visited_mean`` (:func:`gvc.kernels.crossings.chain_moments`).
* centrality (Criscuolo & Timmis 2018), ``<net>_<measure>_<scope>`` for ``net`` in
  ``znet`` (intermediate flows ``W = Z``, seller -> buyer) and ``vanet`` (value-added network
  :func:`va_network`), ``measure`` in ``in_strength, out_strength, pagerank, katz,
  eigenvector`` and ``scope`` in ``full, foreign, domestic``
  (:func:`gvc.kernels.network.centralities`, equal to networkx). Betweenness of the
  intermediate-flow network is the opt-in step ``embeddedness_betweenness``
  (:func:`gvc.kernels.betweenness.betweenness_centrality`; it needs networkx shortest paths:
  2.7 s per scope on one WIOD 2013 year with ``min_share = 0.05``, 38 s with 0.01, measured
  on this project's 2-core machine).
* levels used as aggregation weights: ``output, value_added, gross_exports, final_goods,
  intermediate_inputs, intermediate_sales``.

Every function takes the arrays the caller already holds (``A, B, L, v``, exports; e.g. from
:class:`gvc.indicators.derived.Derived`) and computes only what is missing.

References
----------
Borin, A. & Mancini, M. (2019), World Bank Policy Research WP 8804.
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017a), NBER WP 23222.
Criscuolo, C. & Timmis, J. (2018), OECD Productivity WP 14.
Muradov, K. (2016), "Counting borders in global value chains" (border crossings).
OECD (2021), "Guide to OECD Trade in Value Added (TiVA) indicators" (EXGR_FVASH).
"""

from __future__ import annotations

import logging

import numpy as np

from gvc.errors import InputError, NumericalError
from gvc.kernels.blocks import bilateral_exports as bilateral_exports_of
from gvc.kernels.blocks import country_of
from gvc.kernels.crossings import chain_moments
from gvc.kernels.leontief import (
    domestic_blocks,
    input_coefficients,
    leontief_inverse,
    local_inverses,
    nan_divide,
    value_added_coefficients,
)
from gvc.kernels.network import MEASURES as CENTRALITY_MEASURES
from gvc.kernels.network import SCOPES, centralities
from gvc.kernels.node_metrics import given, node_metrics

log = logging.getLogger(__name__)

__all__ = ["va_network", "fva_export_share", "bm_participation_shares", "embeddedness_arrays"]

NODE_METRICS_KEPT = (
    "gvc_forward",
    "gvc_backward",
    "pure_domestic_share",
    "traditional_trade_share",
    "export_share",
    "domestic_input_share",
    "domestic_sales_share",
    "domestic_input_hhi",
    "top_domestic_supplier_share",
)
"""The :func:`~gvc.kernels.node_metrics.node_metrics` kept as embeddedness measures."""


def va_network(v: np.ndarray, B: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The value-added network ``W = max(v^ B y^, 0)``, (n, n), ``y = Y 1``.

    ``W_ij`` is value added created in ``i`` embodied in the final goods produced by ``j``,
    the WWYZ (2017a) matrix ``V^ B Y^``, whose row sums are ``va`` and column sums ``y`` on a
    balanced table; the few negative cells, from negative value added or negative final demand
    such as inventory changes, are set to 0.

    Parameters
    ----------
    v : (n,) value-added coefficients; B : (n, n) global inverse; Y : (n, G) final demand.

    References
    ----------
    Wang, Wei, Yu & Zhu (2017a), NBER WP 23222 (decomposition of ``V^ B Y^``).

    Examples
    --------
    >>> va_network(np.array([1.0, 0.5]), np.array([[1.0, 0.0], [1.0, 1.0]]),
    ...            np.array([[0.0], [2.0]]))
    array([[0., 0.],
           [0., 1.]])
    """
    y = Y.sum(axis=1)
    W = v[:, None] * B * y[None, :]
    np.maximum(W, 0.0, out=W)
    return W


def fva_export_share(v: np.ndarray, B: np.ndarray, e: np.ndarray, G: int, N: int) -> np.ndarray:
    """Foreign value-added share of every node's gross exports, TiVA ``EXGR_FVASH``.

    ::

        FVA_i = sum_{p != c(i)} (v^p B^{p c(i)})_i e_i = [(v' B)_i - (v^c B^{cc})_i] e_i
        fva_share_i = FVA_i / e_i                      (NaN where e_i = 0)

    the foreign blocks of the column sums of ``V B``; on a table with ``va = x - 1'Z``
    (``v' B = 1'``) this is ``1 - (v^c B^{cc})_i``. One vector-matrix product and the
    diagonal blocks of ``B``: no TiVA set.

    Parameters
    ----------
    v : (n,) value-added coefficients; B : (n, n) global inverse; e : (n,) gross exports;
    G, N : countries and sectors.

    References
    ----------
    OECD (2021), TiVA indicators guide (EXGR_FVA, EXGR_FVASH); Koopman, Wang & Wei (2014),
    AER 104(2), FVA of gross exports. Equals :func:`gvc.kernels.tiva.tiva_indicators`'s
    ``EXGR_FVASH`` (tested).

    Examples
    --------
    Country 0 exports 10 made with 4 of country 1's value added:

    >>> B = np.array([[1.0, 0.0], [0.4, 1.0]]); v = np.array([0.6, 1.0])
    >>> fva_export_share(v, B, np.array([10.0, 0.0]), 2, 1)
    array([0.4, nan])
    """
    n = G * N
    vBd = np.einsum("gi,gij->gj", v.reshape(G, N), domestic_blocks(B, G, N)).reshape(n)
    fva = (v @ B - vBd) * e
    return nan_divide(fva, e)


def bm_participation_shares(
    Y: np.ndarray,
    E: np.ndarray,
    G: int,
    N: int,
    *,
    A: np.ndarray,
    L: np.ndarray,
    v: np.ndarray,
) -> dict[str, np.ndarray]:
    """Borin-Mancini GVC participation of every node's exports (source approach, world).

    Per export flow of node ``i`` (country ``s``) to importer ``r != s``, with ``VLdom_i =
    (v^s L^{ss})_i`` (value added of ``s`` that has not left ``s``) and ``DAE_{i,r} = [Y_sr +
    A_sr L_rr Y_rr]_i`` (the part of the flow the direct importer absorbs)::

        DVA = VLdom E,   DAVAX = VLdom DAE,   GVC = E - DAVAX,
        GVCF = DVA - DAVAX,   GVCB = GVC - GVCF

    summed over importers and returned as shares of ``GEXP_i = sum_r E_{i,r}`` (NaN where it
    is 0): ``bm_gvcb_share``, ``bm_gvcf_share``, ``bm_gvc_share``. These are the importer sums
    of :func:`gvc.kernels.borin_mancini.bm` (``approach="source", perspective="world"``, eqs.
    2-4 of its module docstring) with the same arithmetic per flow (tested), without its other
    terms or the (n, n) x (n, G) product ``B Y``. Each flow's terms are formed before the sum
    over importers so that a node whose exports are all absorbed by their direct importers
    gets exactly ``GVCF = 0`` (a difference of sums would leave rounding noise).

    Parameters
    ----------
    Y : (n, G) final demand by destination country.
    E : (n, G) gross exports by importer, ``E_int + E_fin`` of
        :func:`gvc.kernels.blocks.bilateral_exports` (zero on the own country).
    G, N : countries and sectors.
    A, L, v : input coefficients (n, n), local inverses (G, N, N), value-added coefficients.

    References
    ----------
    Borin, A. & Mancini, M. (2019), World Bank Policy Research WP 8804, sec. 3 and eq. 52.

    Examples
    --------
    Country 0 sells 10 of intermediates to country 1, which consumes the product: all of the
    export is absorbed by the direct importer, so none of it is GVC trade.

    >>> A = np.array([[0.0, 10 / 15], [0.0, 0.0]]); L = np.ones((2, 1, 1))
    >>> E = np.array([[0.0, 10.0], [0.0, 0.0]])
    >>> s = bm_participation_shares(np.array([[0.0, 0.0], [0.0, 15.0]]), E, 2, 1, A=A, L=L,
    ...                             v=np.array([1.0, 1 / 3]))
    >>> s["bm_gvc_share"], s["bm_gvcf_share"]
    (array([ 0., nan]), array([ 0., nan]))
    """
    own = np.eye(G, dtype=bool)[:, None, :]  # (G, 1, G): exporter s == importer r
    Y3 = Y.reshape(G, N, G)
    Ydom = Y3[np.arange(G), :, np.arange(G)]  # (G, N): Y_rr
    # DAE_sr = Y_sr + A_sr L_rr Y_rr (eq. 3 of gvc.kernels.borin_mancini)
    LY = np.einsum("rjk,rk->rj", L, Ydom)
    AL = np.einsum("skrj,rj->skr", A.reshape(G, N, G, N), LY)
    DAE = np.where(own, 0.0, Y3) + np.where(own, 0.0, AL)
    VLdom = np.einsum("gm,gmk->gk", v.reshape(G, N), L)[:, :, None]
    E3 = E.reshape(G, N, G)
    davax = VLdom * DAE
    gvc = E3 - davax
    gvcf = VLdom * E3 - davax
    gexp = E3.sum(axis=2).reshape(G * N)
    return {
        "bm_gvcb_share": nan_divide((gvc - gvcf).sum(axis=2).reshape(G * N), gexp),
        "bm_gvcf_share": nan_divide(gvcf.sum(axis=2).reshape(G * N), gexp),
        "bm_gvc_share": nan_divide(gvc.sum(axis=2).reshape(G * N), gexp),
    }


def embeddedness_arrays(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    A: np.ndarray | None = None,
    B: np.ndarray | None = None,
    L: np.ndarray | None = None,
    v: np.ndarray | None = None,
    bilateral_exports: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Every embeddedness measure except betweenness, as (n,) arrays (see module docstring).

    Parameters
    ----------
    Z : (n, n) intermediate flows; Y : (n, G) final demand by destination country;
    x, va : (n,) gross output and value added; G, N : countries and sectors.
    A, B, L, v : optional precomputed input coefficients, global inverse, local inverses
        (G, N, N) and value-added coefficients of this table.
    bilateral_exports : optional precomputed ``(E_int, E_fin)``, (n, G) each, as
        :func:`gvc.kernels.blocks.bilateral_exports` returns them.

    Whatever is not given is computed (no further global inverse when ``B`` is given); the
    result is the same either way.

    Returns
    -------
    dict ``measure -> (n,) array`` (NaN: undefined).

    Examples
    --------
    Country 0 sells intermediates to country 1, which consumes the product: node 0's value
    added crosses one border, for production abroad (WWYZ simple GVC: ``gvc_forward = 1``),
    and is absorbed by the direct importer (Borin-Mancini DAVAX, so ``GVCF = 0``).

    >>> m = embeddedness_arrays(np.array([[0.0, 10.0], [0.0, 0.0]]),
    ...                         np.array([[0.0, 0.0], [0.0, 15.0]]), np.array([10.0, 15.0]),
    ...                         np.array([10.0, 5.0]), 2, 1)
    >>> m["crossings_mean"], m["gvc_forward"], m["bm_gvcf_share"]
    (array([1., 0.]), array([1., 0.]), array([ 0., nan]))
    """
    Z = np.asarray(Z, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    va = np.asarray(va, dtype=np.float64)
    n = G * N
    A = given(A, (n, n), "A")
    A = input_coefficients(Z, x) if A is None else A
    v = given(v, (n,), "v")
    v = value_added_coefficients(va, x) if v is None else v
    B = given(B, (n, n), "B")
    B = leontief_inverse(A) if B is None else B
    L = given(L, (G, N, N), "L")
    L = local_inverses(A, G, N) if L is None else L
    if bilateral_exports is None:
        bilateral_exports = bilateral_exports_of(Z, Y, G, N)
    E_int, E_fin = (np.asarray(a, dtype=np.float64) for a in bilateral_exports)
    if E_int.shape != (n, G) or E_fin.shape != (n, G):
        raise InputError(f"precomputed bilateral_exports must be two ({n}, {G}) arrays")
    e = E_int.sum(axis=1) + E_fin.sum(axis=1)  # as Derived.e and blocks.total_exports

    out: dict[str, np.ndarray] = {
        "output": x,
        "value_added": va,
        "gross_exports": e,
        "final_goods": Y.sum(axis=1),
        "intermediate_inputs": Z.sum(axis=0),
        "intermediate_sales": Z.sum(axis=1),
    }
    out.update(bm_participation_shares(Y, E_int + E_fin, G, N, A=A, L=L, v=v))
    out["fva_share"] = fva_export_share(v, B, e, G, N)

    m = node_metrics(Z, Y, x, va, G, N, A=A, B=B, L=L, v=v, exports=e)
    for k in NODE_METRICS_KEPT:
        out[k] = m[k]
    top = m["top_domestic_supplier"].astype(np.float64)
    out["top_domestic_supplier_pos"] = np.where(top >= 0, top, np.nan)

    ch = chain_moments(A, B, v, Y, country_of(G, N), dest_countries=np.arange(G))
    for k in ("crossings_mean", "returns_mean", "countries_visited_mean"):
        out[k] = ch[k]

    for net, W in (("znet", Z), ("vanet", va_network(v, B, Y))):
        for measure in CENTRALITY_MEASURES:
            try:
                res = centralities(W, G, N, measures=[measure])
            except NumericalError as exc:  # e.g. eigenvector of an acyclic graph: undefined
                log.warning("%s %s: %s; written as NaN", net, measure, exc)
                res = {f"{measure}_{s}": np.full(n, np.nan) for s in SCOPES}
            for k, val in res.items():
                out[f"{net}_{k}"] = val
    return out
