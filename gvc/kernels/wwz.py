"""Wang-Wei-Zhu (2013) 16-term decomposition of bilateral, sector-level gross exports.

Every term is an ``(n, G)`` array indexed by (exporting node ``(s, i)``, importing country
``r``); own-country columns (``r = s``) are zero. Terms sum to gross exports ``E^{sr}`` cell by
cell: ``DVA_FIN + OVA_FIN + MVA_FIN`` are final exports ``Y^{sr}``, the other 13 terms are
intermediate exports ``A^{sr} x^r``.

Notation (KWW 2014; WWZ 2013): ``A^{sr}`` the (N, N) coefficient block of country ``s`` selling
to ``r``, ``B = (I - A)^-1``, ``L^{ss} = (I - A^{ss})^-1``, ``V^s`` the value-added coefficient
row of ``s``, ``Y^{sr}`` final goods of ``s`` absorbed in ``r``, ``E^{r*}`` total gross exports of
``r`` (vector over its sectors). ``#`` is the element-wise product; ``(V^s L^{ss})'`` is the vector
of column sums of ``diag(V^s) L^{ss}``, i.e. one number per exporting sector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gvc.errors import InputError
from gvc.kernels.blocks import (
    bilateral_exports,
    country_of,
    domestic_mask,
    sum_by_country_columns,
    sum_by_country_rows,
)
from gvc.kernels.leontief import (
    domestic_blocks,
    input_coefficients,
    leontief_inverse,
    local_inverses,
    value_added_coefficients,
)

#: The 16 WWZ terms (names of WWZ 2013, Appendix Table E1, as used by R ``decompr``). This is
#: our column order, not the paper's term numbering: the paper numbers the foreign terms 11-16 as
#: MVA_FIN, MVA_INT, MDC, OVA_FIN, OVA_INT, ODC (see :func:`wwz`).
WWZ_TERMS: tuple[str, ...] = (
    "DVA_FIN",
    "DVA_INT",
    "DVA_INTrexI1",
    "DVA_INTrexF",
    "DVA_INTrexI2",
    "RDV_FIN",
    "RDV_FIN2",
    "RDV_INT",
    "DDC_FIN",
    "DDC_INT",
    "MVA_FIN",
    "OVA_FIN",
    "MVA_INT",
    "OVA_INT",
    "MDC",
    "ODC",
)

#: Terms that are parts of final exports ``Y^{sr}``; the other 13 split intermediate exports.
WWZ_FINAL_TERMS: tuple[str, ...] = ("DVA_FIN", "MVA_FIN", "OVA_FIN")


@dataclass(frozen=True)
class _Parts:
    """Arrays shared by the WWZ terms and the third-country split (computed once)."""

    G: int
    N: int
    c: np.ndarray  # (n,) country of each node
    Am: np.ndarray  # (n, n) foreign coefficient blocks A^F (domestic blocks zero)
    B: np.ndarray  # (n, n) global inverse
    Bm: np.ndarray  # (n, n) B with domestic blocks zero
    Bd: np.ndarray  # (G, N, N) domestic blocks B^{ss}
    L: np.ndarray  # (G, N, N) local inverses L^{ss}
    v: np.ndarray  # (n,) value-added coefficients
    Ym: np.ndarray  # (n, G) final demand, own-country columns zero
    ydom: np.ndarray  # (n,) Y^{ss}: final demand absorbed at home
    fe: np.ndarray  # (n,) final exports, sum_{t != s} Y^{st}
    E_int: np.ndarray  # (n, G) intermediate exports
    E: np.ndarray  # (n,) total gross exports
    vl: np.ndarray  # (n,) (V^s L^{ss})' per exporting node
    vbd: np.ndarray  # (n,) (V^s B^{ss})' per exporting node


def _prepare(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    B: np.ndarray | None,
    L: np.ndarray | None,
) -> _Parts:
    n = G * N
    Z = np.asarray(Z, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    va = np.asarray(va, dtype=np.float64)
    if Z.shape != (n, n):
        raise InputError(f"Z has shape {Z.shape}, expected ({n}, {n}) for G={G}, N={N}")
    if Y.shape != (n, G):
        raise InputError(f"Y has shape {Y.shape}, expected ({n}, {G}) (final demand by country)")
    if x.shape != (n,) or va.shape != (n,):
        raise InputError(f"x and va must have shape ({n},), got {x.shape} and {va.shape}")
    A = input_coefficients(Z, x)
    if B is None:
        B = leontief_inverse(A)
    elif B.shape != (n, n):
        raise InputError(f"B has shape {B.shape}, expected ({n}, {n})")
    if L is None:
        L = local_inverses(A, G, N)
    elif L.shape != (G, N, N):
        raise InputError(f"L has shape {L.shape}, expected ({G}, {N}, {N})")
    c = country_of(G, N)
    dom = domestic_mask(G, N)
    Am = np.where(dom, 0.0, A)
    Bm = np.where(dom, 0.0, B)
    Bd = domestic_blocks(B, G, N)
    v = value_added_coefficients(va, x)
    own = c[:, None] == np.arange(G)[None, :]
    ydom = Y[np.arange(n), c]
    Ym = np.where(own, 0.0, Y)
    E_int, E_fin = bilateral_exports(Z, Y, G, N)
    v3 = v.reshape(G, N)
    return _Parts(
        G=G,
        N=N,
        c=c,
        Am=Am,
        B=np.asarray(B, dtype=np.float64),
        Bm=Bm,
        Bd=Bd,
        L=L,
        v=v,
        Ym=Ym,
        ydom=ydom,
        fe=Ym.sum(axis=1),
        E_int=E_int,
        E=E_int.sum(axis=1) + E_fin.sum(axis=1),
        vl=np.einsum("sk,ski->si", v3, L).ravel(),
        vbd=np.einsum("sk,ski->si", v3, Bd).ravel(),
    )


def _block_apply(p: _Parts, M: np.ndarray) -> np.ndarray:
    """``B^{rr} M^{r}`` for every country block: (n, k) -> (n, k)."""
    G, N = p.G, p.N
    return np.matmul(p.Bd, M.reshape(G, N, -1)).reshape(G * N, -1)


def _local_apply(p: _Parts, vec: np.ndarray) -> np.ndarray:
    """``L^{rr} w^{r}`` for every country block: (n,) -> (n,)."""
    G, N = p.G, p.N
    return np.einsum("rjk,rk->rj", p.L, vec.reshape(G, N)).ravel()


def _foreign_by_importer(p: _Parts, W: np.ndarray) -> np.ndarray:
    """``T[(s,i), r, k] = sum_j A^{sr}_{ij} W[(r,j), s, k]`` with the right-hand side
    depending on the exporter ``s``: one (N x N) @ (N x K) product per country pair.

    W : (n, G, K) indexed (node of r, exporter s, term). Returns (n, G, K) indexed
    (exporting node, importer r, term). Zero on r = s because A^F has zero diagonal blocks.
    """
    G, N = p.G, p.N
    K = W.shape[2]
    A4 = p.Am.reshape(G, N, G, N).transpose(0, 2, 1, 3)  # (s, r, i, j)
    W4 = W.reshape(G, N, G, K).transpose(2, 0, 1, 3)  # (s, r, j, k)
    out = np.matmul(A4, W4)  # (s, r, i, k)
    return out.transpose(0, 2, 1, 3).reshape(G * N, G, K)


def _foreign_to_blocks(p: _Parts, W: np.ndarray) -> np.ndarray:
    """``T[(s,i), r, k] = sum_j A^{sr}_{ij} W[(r,j), k]`` (right-hand side not depending on s)."""
    G, N = p.G, p.N
    n = G * N
    Wk = W.reshape(G, N, -1)
    return np.einsum("irj,rjk->irk", p.Am.reshape(n, G, N), Wk, optimize=True)


def wwz(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    B: np.ndarray | None = None,
    L: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    r"""Wang-Wei-Zhu 16-term decomposition of bilateral sector-level gross exports.

    For exporter ``s``, importer ``r != s`` and third countries ``t, u``, with ``#`` the
    element-wise product over the exporter's N sectors, the 16-term bilateral sector-level
    identity of WWZ (2013) (term names of its Appendix Table E1):

    ::

        E^{sr} =  (V^s B^ss)' # Y^sr                                           1 DVA_FIN
          + (V^s L^ss)' # (A^sr B^rr Y^rr)                                     2 DVA_INT
          + (V^s L^ss)' # (A^sr sum_{t!=s,r} B^rt Y^tt)                        3 DVA_INTrexI1
          + (V^s L^ss)' # (A^sr B^rr sum_{t!=s,r} Y^rt)                        4 DVA_INTrexF
          + (V^s L^ss)' # (A^sr sum_{t!=s,r} B^rt sum_{u!=s,t} Y^tu)           5 DVA_INTrexI2
          + (V^s L^ss)' # (A^sr B^rr Y^rs)                                     6 RDV_FIN
          + (V^s L^ss)' # (A^sr sum_{t!=s,r} B^rt Y^ts)                        7 RDV_FIN2
          + (V^s L^ss)' # (A^sr B^rs Y^ss)                                     8 RDV_INT
          + (V^s L^ss)' # (A^sr B^rs sum_{t!=s} Y^st)                          9 DDC_FIN
          + (V^s B^ss - V^s L^ss)' # (A^sr x^r)                               10 DDC_INT
          + (V^r B^rs)' # Y^sr                                                11 MVA_FIN
          + (V^r B^rs)' # (A^sr L^rr Y^rr)                                    12 MVA_INT
          + (V^r B^rs)' # (A^sr L^rr E^r*)                                    13 MDC
          + (sum_{t!=s,r} V^t B^ts)' # Y^sr                                   14 OVA_FIN
          + (sum_{t!=s,r} V^t B^ts)' # (A^sr L^rr Y^rr)                       15 OVA_INT
          + (sum_{t!=s,r} V^t B^ts)' # (A^sr L^rr E^r*)                       16 ODC

    Term numbers are those of secondary sources, not checked against the paper itself:
    1-10 as numbered T01-T10 by exvatools (``make_exvadec_wwz``; decompr's comments also give
    9 DDC_FIN and 10 DDC_INT), 11-16 as in the comments ``H10-(11)`` ... ``H10-(16)`` of
    decompr's ``R/wwz.R`` (Fei Wang's code) and exvatools' ``output = "terms2"`` (T11
    MVA_FIN, T12 MVA_INT, T13 MDC, T14 OVA_FIN, T15 OVA_INT, T16 ODC). :data:`WWZ_TERMS` and
    the returned dict use another order; match by name.

    These are the sector-level definitions implemented by R ``decompr`` 6.8.0 (``wwz()``,
    adapted from Fei Wang's code), whose results this function reproduces; decompr prints
    the columns in yet another order (RDV_INT before RDV_FIN, OVA before MVA).
    ``E^{r*}`` is total gross exports of ``r`` to all countries (including ``s``).

    The sums over third countries are formed without loops and without differences of
    totals: e.g. term 3's ``sum_{t != s,r} B^{rt}Y^{tt}`` is the (n, G) matrix
    ``[B^{rt}Y^{tt}]_{t != r}`` times the mask ``1 - I``. All exporter-dependent right-hand
    sides are then contracted with ``A^{sr}`` in one batched (G*G) x (N x N) @ (N x 7)
    product. Cost beyond the inverse: O(n^2 G).

    Parameters
    ----------
    Z : (n, n) intermediate flows, country-major, n = G*N.
    Y : (n, G) final demand by destination country.
    x : (n,) gross output (the table must be balanced: ``x = Z 1 + Y 1``, else the terms do
        not add up to exports).
    va : (n,) value added (``x - 1'Z`` for decompr's convention).
    G, N : number of countries and sectors.
    B : optional precomputed global inverse ``(I - A)^-1`` (n, n).
    L : optional precomputed local inverses, (G, N, N).

    Returns
    -------
    dict mapping each name in :data:`WWZ_TERMS` to an (n, G) array
    ``T[(s, i), r]`` (exporting node, importing country), zero where ``r = s``.

    Raises
    ------
    InputError
        Arrays of the wrong shape.
    NumericalError
        ``I - A`` is singular or not productive (from :func:`leontief_inverse`).

    References
    ----------
    Wang, Z., Wei, S.-J. and Zhu, K. (2013). Quantifying international production sharing
    at the bilateral and sector levels. NBER Working Paper 19677: the 16-term decomposition
    of bilateral sector-level gross exports, term names in Appendix Table E1 (as described in
    the decompr ``wwz()`` documentation, https://rdrr.io/cran/decompr/man/wwz.html). The
    equation number of the identity in the paper's main text is not given here: it could not
    be confirmed from a source that quotes it.
    Quast, B., Wang, F. and Stolzenburg, V. R package ``decompr`` 6.8.0, ``R/wwz.R``.
    Feas, E. R package ``exvatools`` 0.4.0, ``R/make_exvadec_wwz.R``
    (https://rdrr.io/cran/exvatools/src/R/make_exvadec_wwz.R): the same 16 formulas.

    Examples
    --------
    Two countries, one sector each; country 0 sells 2 to country 1's industry and 3 to its
    final demand:

    >>> Z = np.array([[1.0, 2.0], [0.5, 1.0]])
    >>> Y = np.array([[4.0, 3.0], [1.5, 5.5]])
    >>> x = Z.sum(1) + Y.sum(1)
    >>> T = wwz(Z, Y, x, x - Z.sum(0), 2, 1)
    >>> round(float(sum(T[k][0, 1] for k in WWZ_TERMS)), 10)  # gross exports 2 + 3 of 0 to 1
    5.0
    >>> float(T["DVA_FIN"][0, 0])  # own-country cells are zero
    0.0
    """
    p = _prepare(Z, Y, x, va, G, N, B, L)
    own = p.c[:, None] == np.arange(G)[None, :]

    # Right-hand sides W[(r, j), s] contracted with A^{sr}. Sums over third countries are
    # masked sums (products with 1 - I), not differences of totals: no cancellation, and
    # terms that are structurally zero (e.g. G = 2) come out exactly zero.
    off = 1.0 - np.eye(G)
    Bydom_by = sum_by_country_columns(p.Bm * p.ydom[None, :], G, N)  # B^{rt} Y^{tt}, t != r
    BdY = (_block_apply(p, p.ydom[:, None]))[:, 0]  # B^{rr} Y^{rr}
    BdYm = _block_apply(p, p.Ym)  # B^{rr} Y^{rs}
    BmYm = p.Bm @ p.Ym  # sum_{t != r, s} B^{rt} Y^{ts}
    BmFe_by = sum_by_country_columns(p.Bm * p.fe[None, :], G, N)  # B^{rt} fe^{t}, t != r
    # Y^{t, not s}[(t, k), s] = sum_{u != t, s} Y^{tu}, zero where t = s.
    Yexcl = np.where(own, 0.0, p.Ym @ off)
    W = np.stack(
        [
            Bydom_by @ off,  # rexI1: sum_{t != s, r} B^{rt} Y^{tt}
            BdYm @ off,  # rexF: B^{rr} sum_{t != s, r} Y^{rt}
            p.Bm @ Yexcl,  # rexI2: sum_{t != s, r} B^{rt} sum_{u != s, t} Y^{tu}
            BdYm,  # RDV_FIN
            BmYm,  # RDV_FIN2
            Bydom_by,  # RDV_INT
            BmFe_by,  # DDC_FIN
        ],
        axis=2,
    )
    T_s = _foreign_by_importer(p, W) * p.vl[:, None, None]

    # Right-hand sides that do not depend on s: B^{rr}Y^{rr}, L^{rr}Y^{rr}, L^{rr}E^{r*}.
    R = np.stack([BdY, _local_apply(p, p.ydom), _local_apply(p, p.E)], axis=1)
    T_r = _foreign_to_blocks(p, R)
    AmLYd, AmLE = T_r[:, :, 1], T_r[:, :, 2]

    # VBr[(s, i), r] = (V^r B^{rs})_i: value added of r in one unit of s's output.
    VBr = sum_by_country_rows(p.v[:, None] * p.Bm, G, N).T
    VBo = VBr @ off  # sum over t != s, r (t = s is zero already)

    return {
        "DVA_FIN": p.vbd[:, None] * p.Ym,
        "DVA_INT": p.vl[:, None] * T_r[:, :, 0],
        "DVA_INTrexI1": T_s[:, :, 0],
        "DVA_INTrexF": T_s[:, :, 1],
        "DVA_INTrexI2": T_s[:, :, 2],
        "RDV_FIN": T_s[:, :, 3],
        "RDV_FIN2": T_s[:, :, 4],
        "RDV_INT": T_s[:, :, 5],
        "DDC_FIN": T_s[:, :, 6],
        "DDC_INT": (p.vbd - p.vl)[:, None] * p.E_int,
        "MVA_FIN": VBr * p.Ym,
        "OVA_FIN": VBo * p.Ym,
        "MVA_INT": VBr * AmLYd,
        "OVA_INT": VBo * AmLYd,
        "MDC": VBr * AmLE,
        "ODC": VBo * AmLE,
    }


#: Terms split by :func:`wwz_reexport_split`, and the role of the third country ``t``.
REEXPORT_SPLIT_TERMS: dict[str, str] = {
    "DVA_INTrexI1": "absorbs r's intermediates in its own final demand (A^sr B^rt Y^tt)",
    "DVA_INTrexF": "imports and absorbs r's final goods (A^sr B^rr Y^rt)",
    "DVA_INTrexI2": "uses r's intermediates and re-exports (A^sr B^rt sum_{u!=s,t} Y^tu)",
    "RDV_FIN2": "ships the final goods that return home to s (A^sr B^rt Y^ts)",
    "OVA_FIN": "is the source of the value added (V^t B^ts # Y^sr)",
    "OVA_INT": "is the source of the value added (V^t B^ts # A^sr L^rr Y^rr)",
    "ODC": "is the source of the double-counted value added (V^t B^ts # A^sr L^rr E^r*)",
}


def wwz_reexport_split(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    B: np.ndarray | None = None,
    L: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    r"""WWZ terms that sum over a third country ``t``, split by that country.

    Each term of :data:`REEXPORT_SPLIT_TERMS` is returned as an (n, G, G) array
    ``T[(s, i), r, t]`` (exporting node, direct importer, third country) with
    ``T[..., t].sum(-1)`` equal to the unsplit :func:`wwz` term; cells with ``t = s`` or
    ``t = r`` (and ``r = s``) are zero. For the re-export terms ``t`` is the country that
    absorbs or re-exports what ``r`` made with ``s``'s intermediates:

    .. math::

        \text{DVA\_INTrexI1}^{srt} &= (V^sL^{ss})'\#(A^{sr}B^{rt}Y^{tt})\\
        \text{DVA\_INTrexF}^{srt}  &= (V^sL^{ss})'\#(A^{sr}B^{rr}Y^{rt})\\
        \text{DVA\_INTrexI2}^{srt} &= (V^sL^{ss})'\#(A^{sr}B^{rt}\sum_{u\ne s,t}Y^{tu})\\
        \text{RDV\_FIN2}^{srt}     &= (V^sL^{ss})'\#(A^{sr}B^{rt}Y^{ts})

    and for the third-country foreign value added ``t`` is the country of origin of the value
    added: ``OVA_FIN^{srt} = (V^tB^{ts})'#Y^{sr}``, ``OVA_INT^{srt} = (V^tB^{ts})'#(A^{sr}
    L^{rr}Y^{rr})``, ``ODC^{srt} = (V^tB^{ts})'#(A^{sr}L^{rr}E^{r*})``.

    Parameters
    ----------
    Z, Y, x, va, G, N, B, L : as in :func:`wwz`.

    Returns
    -------
    dict mapping the names in :data:`REEXPORT_SPLIT_TERMS` to (n, G, G) arrays.
    Memory: 7 arrays of n*G*G doubles (about 0.27 GB at G=44, N=56). Cost O(n^2 G): one
    (N x N) @ (N x 4G) BLAS product per (exporter, importer) pair.

    References
    ----------
    Wang, Wei and Zhu (2013), NBER WP 19677, terms 3, 4, 5, 7, 14, 15 and 16 of the 16-term
    decomposition (Appendix Table E1 names; numbering as in :func:`wwz`): the terms of
    :func:`wwz` before the sum over ``t`` is taken. The split itself is ours.

    Examples
    --------
    >>> Z = np.array([[1, 2, 1], [1, 1, 2], [2, 1, 1]], dtype=float)
    >>> Y = np.array([[5, 1, 1], [1, 6, 2], [2, 1, 5]], dtype=float)
    >>> x = Z.sum(1) + Y.sum(1)
    >>> S = wwz_reexport_split(Z, Y, x, x - Z.sum(0), 3, 1)
    >>> S["DVA_INTrexF"].shape
    (3, 3, 3)
    >>> T = wwz(Z, Y, x, x - Z.sum(0), 3, 1)
    >>> bool(np.allclose(S["DVA_INTrexF"].sum(-1), T["DVA_INTrexF"]))
    True
    """
    p = _prepare(Z, Y, x, va, G, N, B, L)
    n = G * N
    cG = np.arange(G)
    own = p.c[:, None] == cG[None, :]

    # Right-hand sides indexed by (node (r, j) of the direct importer, third country t).
    Bydom_by = sum_by_country_columns(p.Bm * p.ydom[None, :], G, N)  # B^{rt} Y^{tt}, t != r
    BdYm = _block_apply(p, p.Ym)  # B^{rr} Y^{rt} (zero at t = r: Ym has no Y^{rr})
    common = np.stack([Bydom_by, BdYm], axis=2).reshape(G, N, G, 2)
    # Exporter-dependent ones, [t, (r, j), s]: B^{rt} Y^{ts} and B^{rt} sum_{u != s,t} Y^{tu}
    # (summed directly, not as a difference of totals), one (n x N) @ (N x 2G) product per t.
    Yexcl = np.where(own, 0.0, p.Ym @ (1.0 - np.eye(G)))
    Ypair = np.concatenate([p.Ym, Yexcl], axis=1).reshape(G, N, 2 * G)
    BY = np.matmul(p.Bm.reshape(n, G, N).transpose(1, 0, 2), Ypair)  # (G_t, n, 2G)

    # Contract with A^{sr}: one (N x N) @ (N x 4G) product per (exporter, importer) pair.
    A4 = np.ascontiguousarray(p.Am.reshape(G, N, G, N).transpose(0, 2, 1, 3))  # (s, r, i, j)
    out = np.empty((G, N, G, G, 4))  # (s, i, r, t, term)
    Ws = np.empty((G, N, G, 4))  # (r, j, t, term)
    Ws[..., :2] = common
    for s in range(G):
        # terms: rexI1, rexF, rexI2, RDV_FIN2
        Ws[..., 2] = BY[:, :, G + s].T.reshape(G, N, G)
        Ws[..., 3] = BY[:, :, s].T.reshape(G, N, G)
        W2 = Ws.reshape(G, N, G * 4)
        for r in range(G):
            # a plain 2-D product per (s, r) block: numpy's stacked matmul does not reach
            # BLAS at these sizes and was 3-5x slower in measurement
            out[s, :, r] = (A4[s, r] @ W2[r]).reshape(N, G, 4)
    out[cG, :, :, cG] = 0.0  # the third country is not the exporter
    T = out.reshape(n, G, G, 4)
    T *= p.vl[:, None, None, None]

    # Third-country origin of foreign value added: (V^t B^{ts})_i for t != s, r.
    VBt = sum_by_country_rows(p.v[:, None] * p.Bm, G, N).T  # (n, G_t), zero at t = s
    R = np.stack([_local_apply(p, p.ydom), _local_apply(p, p.E)], axis=1)
    T_r = _foreign_to_blocks(p, R)
    not_r = 1.0 - np.eye(G)[None, :, :]  # (1, G_r, G_t): drop t = r
    VBo = VBt[:, None, :] * not_r
    return {
        "DVA_INTrexI1": T[..., 0],
        "DVA_INTrexF": T[..., 1],
        "DVA_INTrexI2": T[..., 2],
        "RDV_FIN2": T[..., 3],
        "OVA_FIN": VBo * p.Ym[:, :, None],
        "OVA_INT": VBo * T_r[:, :, 0, None],
        "ODC": VBo * T_r[:, :, 1, None],
    }
