"""A cluster's participation, border crossings and linkages after a change to its columns of A.

After import substitution (:mod:`gvc.kernels.substitution`) the cluster ``J`` (k nodes of
country ``c``) has new columns ``A1[:, J] = A[:, J] + theta D`` and perhaps new final demand
``Y1[:, c] = Y[:, c] + theta dY``. The measures the cluster embeddedness reports (see
:mod:`gvc.lockin.steps`) are recomputed for the cluster's nodes on the changed
table ``(A1, Y1, x1 = (I - A1)^-1 y1, va1 = v # x1)`` without a new inverse, from the pieces of
:func:`gvc.kernels.rank_update.column_update_grid` (``B D``, ``M = (B D)[J]``). Node-level
formulas, for ``j`` in ``J`` (``L`` local inverses, ``A^F`` foreign blocks, ``y^D`` final
goods sold at home, ``y^F`` exported, ``y^x`` final exports), exactly those of
:func:`gvc.lockin.node_metrics` and :func:`gvc.kernels.crossings.chain_moments` on the
changed table:

* ``gvc_forward_j = v_j (L1 A1^F x1)_j / va1_j`` (WWYZ 2017a ``(V_GVC_S + V_GVC_C) / va``);
* ``pure_domestic_share_j = v_j (L1 y1^D)_j / va1_j``,
  ``traditional_trade_share_j = v_j (L1 y1^F)_j / va1_j``;
* ``gvc_backward_j = (v' L1 A1^F B1)_j``;
* ``crossings_mean_j = (B1 (A1^F x1 + y1^x))_j / x1_j`` (Muradov 2016's mean border crossings);
* ``export_share_j = (A1^F x1 + y1^x)_j / x1_j``.

The updated pieces: only country ``c``'s local inverse changes, by the rank-k update
``L1 = L + theta L D^c (I - theta (L D^c)[J])^-1 L[J, :]`` (``D^c`` the rows of ``D`` in
``c``); ``A1^F = A^F + theta D^F E_J'`` (``D^F`` the rows of ``D`` abroad); and
``B1 = B + theta B D (I - theta M)^-1 E_J' B``, of which only rows and columns ``J`` are
needed. ``v' L1 A1^F`` differs from the baseline ``u0 = v' L A^F`` by
``(v_c' (L1 - L)) A^F[c, :]`` plus ``theta ((v'L) D^F)`` at ``J``. Rows ``J`` of ``B A^F``
for all clusters are one matrix product.

Cluster aggregates follow the cluster embeddedness weights (view ``cluster_embeddedness``):
``gvc_forward``, ``pure_domestic_share``, ``traditional_trade_share`` and ``crossings_mean``
weighted by value added, ``gvc_backward`` and ``export_share`` by output;
``intra_cluster_sales_share``, ``intra_cluster_input_share`` and ``foreign_input_share``
from the changed flows ``Z1 = A1 x1-hat`` as :func:`gvc.lockin.cluster_metrics`.

References
----------
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017a). NBER WP 23222 (participation).
Muradov, K. (2016). Counting borders in global value chains (border crossings).
Sherman & Morrison (1950); Woodbury (1950) (the updates; see :mod:`gvc.kernels.rank_update`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gvc.kernels.blocks import country_of
from gvc.kernels.leontief import nan_divide
from gvc.kernels.participation import foreign_apply_left, local_apply_left
from gvc.kernels.rank_update import _solve_small

#: The node measures :func:`cluster_metrics_after` recomputes (``nodes[m]``).
NODE_MEASURES = (
    "output",
    "value_added",
    "gvc_forward",
    "gvc_backward",
    "pure_domestic_share",
    "traditional_trade_share",
    "crossings_mean",
    "export_share",
)
#: The cluster aggregates :func:`cluster_metrics_after` recomputes (``clusters[m]``).
CLUSTER_MEASURES = (
    "output",
    "value_added",
    "gross_exports",
    "gvc_forward",
    "gvc_backward",
    "pure_domestic_share",
    "traditional_trade_share",
    "crossings_mean",
    "export_share",
    "foreign_input_share",
    "intra_cluster_sales_share",
    "intra_cluster_input_share",
)


@dataclass(frozen=True)
class Baseline:
    """Per-table pieces shared by every cluster: computed once by :func:`baseline`."""

    A: np.ndarray
    B: np.ndarray
    L: np.ndarray  # (G, N, N)
    Ad: np.ndarray  # (G, N, N) domestic blocks of A
    v: np.ndarray
    Y: np.ndarray  # (n, G)
    x0: np.ndarray  # B y
    G: int
    N: int
    vL: np.ndarray  # v' L
    u0: np.ndarray  # v' L A^F
    yx: np.ndarray  # final exports
    Byx: np.ndarray  # B y^x
    yD: np.ndarray  # final goods sold at home
    yF: np.ndarray  # final goods exported


def baseline(
    A: np.ndarray,
    B: np.ndarray,
    L: np.ndarray,
    Ad: np.ndarray,
    v: np.ndarray,
    Y: np.ndarray,
    x0: np.ndarray,
    G: int,
    N: int,
) -> Baseline:
    """The per-table pieces (two matrix-vector products with ``B`` and one with ``A``)."""
    n = G * N
    c = country_of(G, N)
    y = Y.sum(axis=1)
    yD = Y[np.arange(n), c]
    yx = y - yD
    vL = local_apply_left(v, L)
    u0 = foreign_apply_left(vL, A, Ad)
    return Baseline(A, B, L, Ad, v, Y, x0, G, N, vL, u0, yx, B @ yx, yD, yx)


def _rows_times_foreign(base: Baseline, R: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``A^F[R, :] @ X`` for rows R of one country and X (n, m)."""
    N = base.N
    cR = R[0] // N
    out = base.A[R, :] @ X
    out -= base.A[np.ix_(R, np.arange(cR * N, (cR + 1) * N))] @ X[cR * N : (cR + 1) * N]
    return out


def _left_foreign(base: Baseline, W: np.ndarray) -> np.ndarray:
    """``W @ A^F`` for W (m, n): ``W A - W A^D`` blockwise."""
    G, N = base.G, base.N
    m = W.shape[0]
    dom = np.einsum("mgi,gij->mgj", W.reshape(m, G, N), base.Ad).reshape(m, G * N)
    return W @ base.A - dom


def cluster_metrics_after(
    base: Baseline,
    countries: np.ndarray,
    cols: np.ndarray,
    D: np.ndarray,
    thetas: np.ndarray,
    dx: np.ndarray,
    parts: dict[str, np.ndarray],
    *,
    dY: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Node and cluster measures after ``A1[:, J] = A[:, J] + theta D`` (module docstring).

    Parameters
    ----------
    base : :func:`baseline` of the table.
    countries : (S,) country of each cluster. cols : (S, k) the cluster's nodes (in that
        country). D : (S, n, k) unit column changes. thetas : (T,).
    dx, parts : the output of :func:`gvc.kernels.rank_update.column_update_grid` for the same
        ``cols, D, thetas, dy`` (``dy = dY``).
    dY : optional (S, n) unit change of final demand, all in destination ``countries[s]``.

    Returns
    -------
    (nodes, clusters) : ``nodes[m]`` (S, T, k) for :data:`NODE_MEASURES`,
    ``clusters[m]`` (S, T) for :data:`CLUSTER_MEASURES`. Undefined ratios are NaN.

    References
    ----------
    Wang, Wei, Yu & Zhu (2017a); Muradov (2016); see the module docstring.

    Examples
    --------
    Country 1's only industry buys 0.2 per unit of output from country 0 and 0.1 at home;
    substituting everything (theta = 1) takes its foreign input share and its backward
    participation to 0 and its value added from 7.78 to 10:

    >>> from gvc.kernels.leontief import leontief_inverse, local_inverses, domestic_blocks
    >>> from gvc.kernels.rank_update import column_update_grid
    >>> from gvc.kernels.substitution import substitution_change
    >>> A = np.array([[0.1, 0.2], [0.0, 0.1]]); Y = np.array([[5.0, 0.0], [0.0, 10.0]])
    >>> B = leontief_inverse(A); x0 = B @ Y.sum(axis=1); v = 1 - A.sum(axis=0)
    >>> s = substitution_change(A, Y, x0, 2, 1, 1, np.array([0]))
    >>> th = np.array([0.0, 1.0])
    >>> dx, parts = column_update_grid(B, x0, s.cols[None], s.D[None], th)
    >>> base = baseline(A, B, local_inverses(A, 2, 1), domestic_blocks(A, 2, 1), v, Y, x0, 2, 1)
    >>> _, cl = cluster_metrics_after(base, np.array([1]), s.cols[None], s.D[None], th, dx,
    ...                               parts)
    >>> cl["foreign_input_share"].round(4), cl["gvc_backward"].round(4)
    (array([[0.6667, 0.    ]]), array([[0.2222, 0.    ]]))
    >>> cl["value_added"].round(2)
    array([[ 7.78, 10.  ]])
    """
    A, B, L, v = base.A, base.B, base.L, base.v
    G, N = base.G, base.N
    n = G * N
    countries = np.asarray(countries, dtype=np.intp)
    cols = np.asarray(cols, dtype=np.intp)
    thetas = np.asarray(thetas, dtype=np.float64)
    S, k = cols.shape
    T = thetas.size
    c_node = country_of(G, N)
    BD, M = parts["BD"], parts["M"]
    X1 = base.x0[None, None, :] + dx  # (S, T, n)
    sidx = np.arange(S)
    x1J = X1[sidx[:, None, None], np.arange(T)[None, :, None], cols[:, None, :]]  # (S, T, k)
    vJ = v[cols][:, None, :]  # (S, 1, k)
    va1J = vJ * x1J
    eye = np.eye(k)
    cap = eye[None, None] - thetas[None, :, None, None] * M[:, None]  # (S, T, k, k)

    # rows J of B A^F, one product for every cluster; and rows J of A (for sales)
    Jflat = cols.ravel()
    P = _left_foreign(base, B[Jflat, :]).reshape(S, k, n)
    AJ = A[Jflat, :].reshape(S, k, n)
    AFJ = AJ.copy()
    for s in range(S):  # zero the domestic block of each cluster's rows
        cs = int(countries[s])
        AFJ[s, :, cs * N : (cs + 1) * N] = 0.0

    out_fwd = np.empty((S, T, k))
    out_vd = np.empty((S, T, k))
    out_vrt = np.empty((S, T, k))
    out_back = np.empty((S, T, k))
    Bh = np.einsum("skn,stn->stk", P, X1)  # (B A^F x1)_J, completed below
    for c in (int(x) for x in np.unique(countries)):
        sc = np.flatnonzero(countries == c)
        R = np.arange(c * N, (c + 1) * N)
        Lc = L[c]
        h = _rows_times_foreign(base, R, X1[sc].reshape(-1, n).T)  # (N, |sc| T)
        h = h.T.reshape(sc.size, T, N)
        for q, s in enumerate(sc.tolist()):
            J = cols[s]
            jl = J - c * N
            Dc = D[s][R, :]  # (N, k) domestic part
            LDc = Lc @ Dc
            K = LDc[jl]  # (k, k)
            capL = eye[None] - thetas[:, None, None] * K[None]  # (T, k, k)
            ld = Lc[jl, :]  # (k, N)
            yD1 = np.broadcast_to(base.yD[R], (T, N)).copy()
            if dY is not None:
                yD1 += thetas[:, None] * dY[s][R][None, :]
            yF = base.yF[R]
            w = np.stack(
                [h[q], yD1, np.broadcast_to(yF, (T, N))], axis=0
            )  # (3, T, N): A1^F x1, y1^D, y1^F in country c
            Lw = np.einsum("kn,wtn->wtk", ld, w)  # (3, T, k)
            corr = _solve_small(capL[None], Lw[..., None])[..., 0]  # (I - tK)^-1 (L w)_J
            L1w = Lw + thetas[None, :, None] * np.einsum("ab,wtb->wta", K, corr)
            out_fwd[s] = v[J][None, :] * L1w[0]
            out_vd[s] = v[J][None, :] * L1w[1]
            out_vrt[s] = v[J][None, :] * L1w[2]

            # backward: u1 = u0 + (v_c' (L1 - L)) A^F[c, :] + theta ((v'L) D^F) at J
            qv = base.v[R] @ LDc  # (k,)
            z = _solve_small(np.transpose(capL, (0, 2, 1)), np.broadcast_to(qv, (T, k))[..., None])
            delta = thetas[:, None] * (z[..., 0] @ ld)  # (T, N)
            foreign_rows = c_node != c
            dF = D[s] * foreign_rows[:, None]  # (n, k)
            du = delta @ A[R, :]  # delta' A^F[c, :]: A[c, :] without its domestic block
            du[:, c * N : (c + 1) * N] = 0.0
            du[:, J] += thetas[:, None] * (base.vL @ dF)[None, :]
            u1 = base.u0[None, :] + du  # (T, n)
            uBJ = u1 @ B[:, J]  # (T, k)
            uBD = u1 @ BD[:, s, :]  # (T, k)
            sol = _solve_small(np.transpose(cap[s], (0, 2, 1)), uBD[..., None])[..., 0]
            out_back[s] = uBJ + thetas[:, None] * (sol @ B[np.ix_(J, J)])  # uBD (I - tM)^-1 ..

            # crossings: (B h~)_J with h~ = A1^F x1 + y1^x
            BDF = M[s] - B[np.ix_(J, R)] @ Dc  # (B D^F)[J]
            extra = thetas[:, None] * (x1J[s] @ BDF.T) + base.Byx[J][None, :]
            if dY is not None:
                dyx = dY[s] * foreign_rows
                extra = extra + thetas[:, None] * (B[J, :] @ dyx)[None, :]
            Bh[s] += extra
    # (B1 h~)_J = (B h~)_J + t M (I - t M)^-1 (B h~)_J
    solved = _solve_small(cap, Bh[..., None])[..., 0]
    B1h = Bh + thetas[None, :, None] * np.einsum("sab,stb->sta", M, solved)

    # exports, foreign inputs, intra-cluster flows
    DF = D.copy()
    for s in range(S):
        cs = int(countries[s])
        DF[s, cs * N : (cs + 1) * N, :] = 0.0
    E1 = np.einsum("skn,stn->stk", AFJ, X1) + base.yx[cols][:, None, :]
    colsum = A[:, Jflat].sum(axis=0).reshape(S, k)
    fin0 = np.stack([A[:, cols[s]][c_node != countries[s]].sum(axis=0) for s in range(S)])  # (S, k)
    fin1 = fin0[:, None, :] + thetas[None, :, None] * DF.sum(axis=1)[:, None, :]
    DJ = D[sidx[:, None], cols, :]  # (S, k, k): rows J of D
    AJJ = A[cols[:, :, None], cols[:, None, :]]  # (S, k, k)
    A1JJ = AJJ[:, None] + thetas[None, :, None, None] * DJ[:, None]  # (S, T, k, k)
    intra = np.einsum("stab,stb->st", A1JJ, x1J)
    sales = np.einsum("skn,stn->stk", AJ, X1) + thetas[None, :, None] * np.einsum(
        "sab,stb->sta", DJ, x1J
    )
    inputs = (colsum[:, None, :] * x1J).sum(axis=2)

    nodes = {
        "output": x1J,
        "value_added": va1J,
        "gvc_forward": nan_divide(out_fwd, va1J),
        "gvc_backward": out_back,
        "pure_domestic_share": nan_divide(out_vd, va1J),
        "traditional_trade_share": nan_divide(out_vrt, va1J),
        "crossings_mean": nan_divide(B1h, x1J),
        "export_share": nan_divide(E1, x1J),
    }
    xs = x1J.sum(axis=2)
    vas = va1J.sum(axis=2)
    clusters = {
        "output": xs,
        "value_added": vas,
        "gross_exports": E1.sum(axis=2),
        "gvc_forward": nan_divide(out_fwd.sum(axis=2), vas),
        "gvc_backward": nan_divide((out_back * x1J).sum(axis=2), xs),
        "pure_domestic_share": nan_divide(out_vd.sum(axis=2), vas),
        "traditional_trade_share": nan_divide(out_vrt.sum(axis=2), vas),
        "crossings_mean": nan_divide((vJ * B1h).sum(axis=2), vas),
        "export_share": nan_divide(E1.sum(axis=2), xs),
        "foreign_input_share": nan_divide((fin1 * x1J).sum(axis=2), inputs),
        "intra_cluster_sales_share": nan_divide(intra, sales.sum(axis=2)),
        "intra_cluster_input_share": nan_divide(intra, inputs),
    }
    return nodes, clusters
