"""Metrics of cluster nodes (country x sector) and of clusters of nodes, read by the lock-in rules.

:func:`node_metrics` gives every node its WWYZ production-based participation (pure-domestic,
traditional-trade and GVC shares of its value added; backward GVC share of a unit of its final
goods), its export share, the domestic parts of its intermediate inputs and sales and the
concentration of its domestic suppliers. :func:`cluster_metrics` aggregates flows and shares
to a set of nodes. Both take what the caller has already computed (``A``, ``B``, ``L``, ``v``,
exports, e.g. from :class:`gvc.indicators.derived.Derived`) instead of recomputing it.

References
----------
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017a), "Measures of participation in global value
chains and global business cycles", NBER Working Paper 23222 (production decompositions).
"""

from __future__ import annotations

import math

import numpy as np

from gvc.errors import InputError
from gvc.kernels.blocks import country_of, total_exports
from gvc.kernels.leontief import (
    domestic_blocks,
    input_coefficients,
    leontief_inverse,
    local_inverses,
    nan_divide,
    value_added_coefficients,
)
from gvc.kernels.participation import local_apply_left, wwyz_participation

__all__ = ["node_metrics", "cluster_metrics", "given"]


def given(arr: np.ndarray | None, shape: tuple[int, ...], name: str) -> np.ndarray | None:
    """A precomputed array passed by the caller, shape-checked (None stays None).

    >>> given(None, (2,), "v") is None
    True
    """
    if arr is None:
        return None
    arr = np.asarray(arr, dtype=np.float64)
    if arr.shape != shape:
        raise InputError(f"precomputed {name} has shape {arr.shape}, expected {shape}")
    return arr


def node_metrics(
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
    exports: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Metrics of every node that the lock-in rules read.

    With ``A = Z x^-hat``, ``v = va / x``, ``L`` the local inverses (block diagonal),
    ``A^F`` the foreign blocks of ``A``, ``y^D_i = Y[i, own country]``, ``y = Y 1``
    (WWYZ 2017a, forward and backward production decompositions)::

        pure_domestic_share_i     = (v^ L y^D)_i / va_i               (V_D / va)
        traditional_trade_share_i = (v^ L (y - y^D))_i / va_i         (V_RT / va)
        gvc_forward_i             = (v^ L A^F B y)_i / va_i           (V_GVC / va)
        domestic_va_content_j     = (v' L)_j
        gvc_backward_j            = (v' L A^F B)_j

    The first three sum to 1 on a balanced table (``x = Z 1 + Y 1``); the last two sum to 1
    when ``va = x - 1'Z``. ``gvc_backward_j`` is WWYZ's ratio ``(V L A^F B Y^)_j / Y_j``, which
    does not depend on ``Y_j`` and so is defined for nodes without final sales. The other
    metrics::

        export_share_i            = E_i / x_i            (E: all sales to other countries)
        domestic_input_share_j    = sum_{i in c(j)} Z_ij / sum_i Z_ij
        domestic_sales_share_i    = sum_{j in c(i)} Z_ij / sum_j Z_ij   (intermediate sales)
        domestic_input_hhi_j      = sum_{i in c(j), i != j} s_ij^2
        top_domestic_supplier_share_j = max_{i in c(j), i != j} s_ij
        top_domestic_supplier_j   = the sector index of that supplier (-1 when none)

    with ``s_ij = Z_ij / sum_{i' in c(j), i' != j} Z_i'j`` the share of supplier ``i`` in the
    domestic intermediate inputs of ``j`` from *other* nodes: a node's own flows reflect sector
    aggregation, not a supplier network. A ratio with a zero denominator is NaN (undefined),
    which no rule treats as met.

    Parameters
    ----------
    Z : (n, n) intermediate flows; Y : (n, G) final demand by destination country;
    x, va : (n,) gross output and value added; G, N : countries and sectors.
    A, B, L, v : optional precomputed input coefficients (n, n), global inverse
        ``(I - A)^-1`` (n, n), local inverses (G, N, N) and value-added coefficients (n,) of
        this table (:class:`gvc.indicators.derived.Derived` holds them); computed when not
        given, with the same result.
    exports : optional precomputed (n,) total gross exports ``E``.

    Returns
    -------
    dict ``metric -> (n,) array``.

    References
    ----------
    Wang, Wei, Yu & Zhu (2017a), NBER WP 23222.

    Examples
    --------
    Two countries with one sector each, no trade: everything is pure domestic.

    >>> m = node_metrics(np.diag([1.0, 2.0]), np.diag([3.0, 2.0]), np.array([4.0, 4.0]),
    ...                  np.array([3.0, 2.0]), 2, 1)
    >>> m["pure_domestic_share"], m["gvc_forward"], m["gvc_backward"]
    (array([1., 1.]), array([0., 0.]), array([0., 0.]))
    """
    Z = np.asarray(Z, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    va = np.asarray(va, dtype=np.float64)
    n = G * N
    if Z.shape != (n, n) or Y.shape != (n, G) or x.shape != (n,) or va.shape != (n,):
        raise InputError(
            f"node_metrics: shapes Z{Z.shape}, Y{Y.shape}, x{x.shape}, va{va.shape} do not fit "
            f"G={G}, N={N}"
        )
    c = country_of(G, N)
    A = given(A, (n, n), "A")
    A = input_coefficients(Z, x) if A is None else A
    v = given(v, (n,), "v")
    v = value_added_coefficients(va, x) if v is None else v
    B = given(B, (n, n), "B")
    B = leontief_inverse(A) if B is None else B
    L = given(L, (G, N, N), "L")
    L = local_inverses(A, G, N) if L is None else L
    e = given(exports, (n,), "exports")
    e = total_exports(Z, Y, G, N) if e is None else e
    # V_D, V_RT and V_GVC by origin: the WWYZ forward decomposition, computed once
    w = wwyz_participation(Z, Y, x, va, G, N, B=B, A=A, L=L, v=v)
    AF = A.copy()
    AF[c[:, None] == c[None, :]] = 0.0
    vL = local_apply_left(v, L)
    uB = (vL @ AF) @ B
    del AF

    Zd = domestic_blocks(Z, G, N)  # (G, N, N)
    dom_in = Zd.sum(axis=1).ravel()
    dom_out = Zd.sum(axis=2).ravel()
    Zo = Zd.copy()
    Zo[:, np.arange(N), np.arange(N)] = 0.0
    tot_o = Zo.sum(axis=1, keepdims=True)  # (G, 1, N): domestic inputs from other nodes
    s = np.divide(Zo, tot_o, out=np.zeros_like(Zo), where=tot_o > 0)
    has = tot_o.ravel() > 0
    hhi = np.where(has, (s**2).sum(axis=1).ravel(), np.nan)
    top = np.where(has, s.max(axis=1).ravel(), np.nan)
    top_idx = np.where(has, s.argmax(axis=1).ravel(), -1)

    return {
        "pure_domestic_share": nan_divide(w["V_D_f"], va),
        "traditional_trade_share": nan_divide(w["V_RT_f"], va),
        "gvc_forward": nan_divide(w["V_GVC_S_f"] + w["V_GVC_C_f"], va),
        "domestic_va_content": vL,
        "gvc_backward": uB,
        "export_share": nan_divide(e, x),
        "domestic_input_share": nan_divide(dom_in, Z.sum(axis=0)),
        "domestic_sales_share": nan_divide(dom_out, Z.sum(axis=1)),
        "domestic_input_hhi": hhi,
        "top_domestic_supplier_share": top,
        "top_domestic_supplier": top_idx,
    }


def cluster_metrics(
    Z: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    exports: np.ndarray,
    members_mask: np.ndarray,
    *,
    G: int | None = None,
    N: int | None = None,
    gvc_backward: np.ndarray | None = None,
) -> dict[str, float]:
    """Aggregate indicators of a cluster, a set ``C`` of nodes.

    ::

        intra_cluster_sales_share = sum_{i,j in C} Z_ij / sum_{i in C} sum_j Z_ij
        intra_cluster_input_share = sum_{i,j in C} Z_ij / sum_{j in C} sum_i Z_ij
        export_share              = sum_{i in C} E_i / sum_{i in C} x_i
        foreign_input_share       = sum_{j in C} sum_{i: c(i) != c(j)} Z_ij
                                    / sum_{j in C} sum_i Z_ij          (needs G, N)
        gvc_backward              = sum_{j in C} x_j g_j / sum_{j in C} x_j
                                    (output-weighted mean of node gvc_backward g, if given)

    plus ``value_added`` (sum over C), ``output`` and ``members``. Undefined ratios are NaN.

    Parameters
    ----------
    Z : (n, n) intermediate flows; x, va, exports : (n,) output, value added, gross exports.
    members_mask : (n,) bool, True for cluster members.
    G, N : countries and sectors (for ``foreign_input_share``; NaN without them).
    gvc_backward : optional (n,) node backward participation (:func:`node_metrics`).

    Returns
    -------
    dict ``indicator -> float``.

    Examples
    --------
    Nodes 0 and 1 form the cluster; node 0 sells 3 of its 10 intermediate units to node 1:

    >>> Z = np.array([[0.0, 3.0, 7.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> m = cluster_metrics(Z, np.full(3, 20.0), np.full(3, 10.0), np.zeros(3),
    ...                     np.array([True, True, False]))
    >>> m["intra_cluster_sales_share"], m["export_share"]
    (0.3, 0.0)
    """
    Z = np.asarray(Z, dtype=np.float64)
    m = np.asarray(members_mask, dtype=bool)
    if m.shape != (Z.shape[0],):
        raise InputError(f"members_mask has shape {m.shape}, expected ({Z.shape[0]},)")
    x = np.asarray(x, dtype=np.float64)
    intra = float(Z[np.ix_(m, m)].sum())
    sales = float(Z[m].sum())
    inputs = float(Z[:, m].sum())
    out: dict[str, float] = {
        "members": float(m.sum()),
        "output": float(x[m].sum()),
        "value_added": float(np.asarray(va, dtype=np.float64)[m].sum()),
        "intra_cluster_sales_share": _ratio(intra, sales),
        "intra_cluster_input_share": _ratio(intra, inputs),
        "export_share": _ratio(float(np.asarray(exports)[m].sum()), float(x[m].sum())),
        "foreign_input_share": math.nan,
        "gvc_backward": math.nan,
    }
    if G is not None and N is not None:
        c = country_of(G, N)
        foreign = c[:, None] != c[None, m]
        out["foreign_input_share"] = _ratio(float(Z[:, m][foreign].sum()), inputs)
    if gvc_backward is not None:
        g = np.asarray(gvc_backward, dtype=np.float64)[m]
        out["gvc_backward"] = _ratio(float((x[m] * g).sum()), float(x[m].sum()))
    return out


def _ratio(a: float, b: float) -> float:
    return a / b if b != 0 else math.nan
