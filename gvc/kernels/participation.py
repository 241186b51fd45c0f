"""GVC participation: production-based (Wang, Wei, Yu & Zhu 2017a) and trade-based (Koopman et al.).

Production-based: with ``y`` the final goods produced by each node (all destinations),
``y^D`` the part absorbed at home and ``y^F = y - y^D`` the part exported, and
``B = L + L A^F B`` (``L`` the block-diagonal local inverse, ``A^F`` the foreign blocks):

``V-hat B Y-hat = V-hat L Y-hat^D + V-hat L Y-hat^F + V-hat L A^F L Y-hat^D
+ V-hat L A^F (B Y-hat - L Y-hat^D)``

= pure domestic (``V_D``) + traditional trade in final goods (``V_RT``) + simple GVC
(``V_GVC_S``, crosses one border for production) + complex GVC (``V_GVC_C``, crosses at least
twice or comes back). Row sums decompose each node's value added (forward); column sums
decompose the value of each node's final goods (backward).
"""

from __future__ import annotations

import numpy as np

from gvc.kernels.blocks import (
    bilateral_exports,
    block_diagonal,
    country_of,
    sum_by_country_rows,
)
from gvc.kernels.leontief import (
    check_table,
    domestic_blocks,
    global_inverse,
    input_coefficients,
    local_inverses,
    safe_divide,
    value_added_coefficients,
)

__all__ = [
    "wwyz_participation",
    "wwyz_matrices",
    "koopman_participation",
    "local_apply",
    "local_apply_left",
    "foreign_apply",
    "foreign_apply_left",
    "final_goods_split",
]


def local_apply(L: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``L z`` for a (G, N, N) stack of local inverses and ``z`` of shape (n,) or (n, k)."""
    G, N, _ = L.shape
    return np.einsum("gij,gj...->gi...", L, z.reshape((G, N) + z.shape[1:])).reshape(z.shape)


def local_apply_left(w: np.ndarray, L: np.ndarray) -> np.ndarray:
    """``w' L`` for a (G, N, N) stack and ``w`` of shape (n,)."""
    G, N, _ = L.shape
    return np.einsum("gi,gij->gj", w.reshape(G, N), L).reshape(G * N)


def foreign_apply(A: np.ndarray, Ad: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``A^F z = A z - A^D z`` with ``Ad`` the (G, N, N) domestic blocks of ``A``."""
    return A @ z - local_apply(Ad, z)


def foreign_apply_left(w: np.ndarray, A: np.ndarray, Ad: np.ndarray) -> np.ndarray:
    """``w' A^F = w' A - w' A^D``."""
    return w @ A - local_apply_left(w, Ad)


def final_goods_split(Y: np.ndarray, G: int, N: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(y, y^D, y^F)``: final goods of each node in total, absorbed at home, exported."""
    y = Y.sum(axis=1)
    yD = Y[np.arange(G * N), country_of(G, N)]
    return y, yD, y - yD


def wwyz_participation(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    B: np.ndarray | None = None,
    A: np.ndarray | None = None,
    L: np.ndarray | None = None,
    v: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Production-based GVC participation of Wang, Wei, Yu & Zhu (2017a), per node.

    Forward (row sums of each term of the module-docstring identity, by VA origin)::

        V_D_f = v # L y^D          V_RT_f = v # L y^F
        V_GVC_S_f = v # L A^F L y^D        V_GVC_C_f = v # L A^F (B y - L y^D)

    Backward (column sums, by producer of the final good)::

        V_D_b = (v'L) # y^D        V_RT_b = (v'L) # y^F
        V_GVC_S_b = (v'L A^F L) # y^D      V_GVC_C_b = (v'L A^F B) # y - (v'L A^F L) # y^D

    (``#`` element-wise). The four forward parts add up to ``v # B y`` (= ``va`` on a balanced
    table), the four backward parts to ``(v'B) # y`` (= ``y`` when ``v'B = 1'``).
    Participation: ``GVCPt_f = (V_GVC_S_f + V_GVC_C_f) / va``,
    ``GVCPt_b = (V_GVC_S_b + V_GVC_C_b) / y`` (0 where the denominator is 0), each also split
    into its simple (``_S``) and complex (``_C``) part and aggregated by country.

    Parameters
    ----------
    Z : (n, n) intermediate flows, country-major.
    Y : (n, G) final demand by destination country.
    x : (n,) gross output.
    va : (n,) value added.
    G, N : countries and industries.
    B : optional precomputed global inverse (n, n).
    A, L, v : optional precomputed input coefficients ``Z x^-1`` (n, n), local inverses
        (G, N, N) and value-added coefficients (n,) of the same table (e.g. from
        :class:`gvc.indicators.derived.Derived`); computed only when not given.

    Returns
    -------
    dict with (n,) arrays ``V_D_f, V_RT_f, V_GVC_S_f, V_GVC_C_f, V_D_b, V_RT_b, V_GVC_S_b,
    V_GVC_C_b, va, y, GVCPt_f, GVCPt_f_S, GVCPt_f_C, GVCPt_b, GVCPt_b_S, GVCPt_b_C`` and (G,)
    arrays ``GVCPt_f_country, GVCPt_b_country``.

    References
    ----------
    Wang, Wei, Yu & Zhu (2017a), "Measures of participation in global value chains and global
    business cycles", NBER WP 23222: the decomposition of ``V-hat B Y-hat`` into V_D, V_RT,
    V_GVC_S, V_GVC_C and the forward/backward participation indexes built on it. Equation
    numbers are not given here: none could be confirmed from a source that quotes them.
    The total GVC parts agree with R ``MeasureGVC`` (``R/partici_idx.R``,
    https://rdrr.io/github/common2016/MeasureGVC/src/R/partici_idx.R), whose forward and
    backward indexes are the row and column sums of ``V-hat L A^F B Y-hat`` over
    ``V-hat B y`` and ``V B Y-hat``, i.e. ``GVCPt_f`` and ``GVCPt_b`` on a balanced table.

    Examples
    --------
    Country 0 sells 10 of intermediates to country 1, which adds 5 and consumes the 15: all
    of country 0's value added is simple GVC (forward 1), and 10 of the 15 of country 1's
    final goods came through a simple GVC (backward 2/3).

    >>> Z = np.array([[0.0, 10.0], [0.0, 0.0]]); Y = np.array([[0.0, 0.0], [0.0, 15.0]])
    >>> p = wwyz_participation(Z, Y, np.array([10.0, 15.0]), np.array([10.0, 5.0]), 2, 1)
    >>> p["V_GVC_S_f"], p["V_D_f"], p["V_GVC_S_b"]
    (array([10.,  0.]), array([0., 5.]), array([ 0., 10.]))
    >>> p["GVCPt_f"], p["GVCPt_b"].round(4)
    (array([1., 0.]), array([0.    , 0.6667]))
    """
    Z, Y, x, va = check_table(Z, Y, x, va, G, N)
    B = global_inverse(Z, x, B)
    A = input_coefficients(Z, x) if A is None else A
    v = value_added_coefficients(va, x) if v is None else v
    L = local_inverses(A, G, N) if L is None else L
    Ad = domestic_blocks(A, G, N)
    y, yD, yF = final_goods_split(Y, G, N)

    Lyd = local_apply(L, yD)
    Bx = B @ y  # model output B y; equals x on a balanced table
    out: dict[str, np.ndarray] = {
        "V_D_f": v * Lyd,
        "V_RT_f": v * local_apply(L, yF),
        "V_GVC_S_f": v * local_apply(L, foreign_apply(A, Ad, Lyd)),
        "V_GVC_C_f": v * local_apply(L, foreign_apply(A, Ad, Bx - Lyd)),
    }
    vL = local_apply_left(v, L)
    vLAF = foreign_apply_left(vL, A, Ad)
    vLAFL = local_apply_left(vLAF, L)
    out["V_D_b"] = vL * yD
    out["V_RT_b"] = vL * yF
    out["V_GVC_S_b"] = vLAFL * yD
    out["V_GVC_C_b"] = (vLAF @ B) * y - vLAFL * yD
    out["va"] = va
    out["y"] = y

    for side, den in (("f", va), ("b", y)):
        s, c = out[f"V_GVC_S_{side}"], out[f"V_GVC_C_{side}"]
        out[f"GVCPt_{side}"] = safe_divide(s + c, den)
        out[f"GVCPt_{side}_S"] = safe_divide(s, den)
        out[f"GVCPt_{side}_C"] = safe_divide(c, den)
        num = sum_by_country_rows((s + c)[:, None], G, N)[:, 0]
        out[f"GVCPt_{side}_country"] = safe_divide(
            num, sum_by_country_rows(den[:, None], G, N)[:, 0]
        )
    return out


def wwyz_matrices(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    B: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The four (n, n) terms of ``V-hat B Y-hat`` of Wang, Wei, Yu & Zhu (2017a).

    ``V_D = V-hat L Y-hat^D``, ``V_RT = V-hat L Y-hat^F``, ``V_GVC_S = V-hat L A^F L Y-hat^D``,
    ``V_GVC_C = V-hat L A^F (B Y-hat - L Y-hat^D)``; element ``[i, j]`` is value added of node
    ``i`` embodied in the final goods produced by node ``j``. Dense n x n: meant for small
    tables and for checking :func:`wwyz_participation` (whose outputs are their row and column
    sums).

    Parameters
    ----------
    Z, Y, x, va, G, N, B : as :func:`wwyz_participation`.

    Returns
    -------
    dict of ``V_D, V_RT, V_GVC_S, V_GVC_C`` (n, n) and ``VBY`` = ``V-hat B Y-hat`` (n, n).

    References
    ----------
    Wang, Wei, Yu & Zhu (2017a), NBER WP 23222 (decomposition of ``V-hat B Y-hat``; equation
    number not confirmed, see :func:`wwyz_participation`).

    Examples
    --------
    >>> Z = np.array([[0.0, 10.0], [0.0, 0.0]]); Y = np.array([[0.0, 0.0], [0.0, 15.0]])
    >>> m = wwyz_matrices(Z, Y, np.array([10.0, 15.0]), np.array([10.0, 5.0]), 2, 1)
    >>> m["V_GVC_S"]
    array([[ 0., 10.],
           [ 0.,  0.]])
    """
    Z, Y, x, va = check_table(Z, Y, x, va, G, N)
    B = global_inverse(Z, x, B)
    A = input_coefficients(Z, x)
    v = value_added_coefficients(va, x)
    L = local_inverses(A, G, N)
    Ad = domestic_blocks(A, G, N)
    y, yD, yF = final_goods_split(Y, G, N)
    Ld = block_diagonal(L)
    vL = v[:, None] * Ld  # V-hat L
    vLAF = vL @ (A - block_diagonal(Ad))  # V-hat L A^F
    LYd = Ld * yD[None, :]
    return {
        "V_D": vL * yD[None, :],
        "V_RT": vL * yF[None, :],
        "V_GVC_S": vLAF @ LYd,
        "V_GVC_C": vLAF @ (B * y[None, :] - LYd),
        "VBY": v[:, None] * B * y[None, :],
    }


def koopman_participation(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    B: np.ndarray | None = None,
    iv: str = "wwz",
) -> dict[str, np.ndarray]:
    """GVC participation and position of Koopman, Powers, Wang & Wei (2010), by node and country.

    ``participation = (IV + FV) / E`` and ``position = ln(1 + IV/E) - ln(1 + FV/E)``, with ``E``
    gross exports, ``FV`` the foreign value added in exports (``EXGR_FVA``, by exporting node)
    and ``IV`` the indirect value-added exports: domestic value added in intermediate exports
    that the direct importer ``r`` re-exports to third countries. By exporting node ``(s, k)``::

        IV_{s,k} = (v^s L^{ss})_k  sum_{r != s}  A^{sr}_{k,:}  w_r

    - ``iv="wwz"`` (default): ``w_r = sum_{t != s} B^{rt} (Y_t,. - Y_{t,s}) - B^{rr} Y_{rr}``,
      the terms DVA_INTrexI1 + DVA_INTrexF + DVA_INTrexI2 of Wang, Wei & Zhu (2013): every
      chain in which ``r`` ships the goods on to a third country, absorbed outside ``s``.
    - ``iv="kww"``: ``w_r = sum_{t != s} B^{rt} (Y_t,. - Y_{t,s} - Y_{tt})``, only
      DVA_INTrexF + DVA_INTrexI2, whose country totals are the DVA_INTrex term of Koopman,
      Wang & Wei (2014), ``sum_{r != s} sum_{t != s, r} V^s B^{sr} Y^{rt}`` (final goods made in
      ``r`` and absorbed in a third country ``t``). It leaves out value added that the direct
      importer re-exports as intermediates to a third country that absorbs it there, e.g. the
      whole chain s -> r -> t consumed in t.

    Country figures are node sums (ratios of sums).

    Parameters
    ----------
    Z, Y, x, va, G, N, B : as :func:`wwyz_participation`.
    iv : ``"wwz"`` or ``"kww"``, the definition of IV above.

    Returns
    -------
    dict with (n,) ``IV, FV, E, participation, position`` and (G,) ``IV_country, FV_country,
    E_country, participation_country, position_country`` (ratios are 0 where ``E = 0``).

    Raises
    ------
    ValueError
        ``iv`` is neither ``"wwz"`` nor ``"kww"``.

    References
    ----------
    Koopman, Powers, Wang & Wei (2010), "Give credit where credit is due: tracing value added in
    global production chains", NBER WP 16426 (GVC participation and position indexes; the
    equation numbers could not be confirmed, so none is given).
    Koopman, Wang & Wei (2014), AER 104(2), the DVA_INTrex term (term 3) of the nine-term
    gross-exports decomposition, eq. (36) as cited by exvatools (see :mod:`gvc.kernels.kww`).
    Wang, Wei & Zhu (2013), NBER WP 19677, terms 3-5 (DVA_INTrexI1, DVA_INTrexF,
    DVA_INTrexI2) of the bilateral sector-level decomposition (see :func:`gvc.kernels.wwz.wwz`).

    Examples
    --------
    A pure chain 0 -> 1 -> 2, consumed in 2: country 0's 10 of value added is re-exported by
    country 1 (IV = 10 under ``"wwz"``, 0 under ``"kww"``); country 1's exports of 15 carry
    10 of foreign value added.

    >>> Z = np.array([[0.0, 10, 0], [0, 0, 15], [0, 0, 0]])
    >>> Y = np.array([[0.0, 0, 0], [0, 0, 0], [0, 0, 20]])
    >>> x, va = np.array([10.0, 15, 20]), np.array([10.0, 5, 5])
    >>> koopman_participation(Z, Y, x, va, 3, 1)["IV"]
    array([10.,  0.,  0.])
    >>> koopman_participation(Z, Y, x, va, 3, 1, iv="kww")["IV"]
    array([0., 0., 0.])
    >>> koopman_participation(Z, Y, x, va, 3, 1)["FV"]
    array([ 0., 10.,  0.])
    """
    if iv not in ("wwz", "kww"):
        raise ValueError(f"iv must be 'wwz' or 'kww', not {iv!r}")
    Z, Y, x, va = check_table(Z, Y, x, va, G, N)
    n = G * N
    B = global_inverse(Z, x, B)
    A = input_coefficients(Z, x)
    v = value_added_coefficients(va, x)
    L = local_inverses(A, G, N)
    Ad = domestic_blocks(A, G, N)
    Bd = domestic_blocks(B, G, N)
    c = country_of(G, N)
    own = c[:, None] == np.arange(G)[None, :]
    y, yD, _ = final_goods_split(Y, G, N)

    # Column s of Yx: final goods of every node t absorbed outside s (and, for "kww", outside
    # the producer's own country); rows of country s are zeroed because t != s.
    Yx = y[:, None] - Y
    if iv == "kww":
        Yx = Yx - yD[:, None]
    Yx[own] = 0.0
    W = B @ Yx
    if iv == "wwz":
        W = W - local_apply(Bd, yD)[:, None]
    H = foreign_apply(A, Ad, W)
    IV = local_apply_left(v, L) * H[np.arange(n), c]

    e = np.add(*bilateral_exports(Z, Y, G, N)).sum(axis=1)
    vB = v @ B
    FV = (vB - local_apply_left(v, Bd)) * e

    out = {"IV": IV, "FV": FV, "E": e}
    for suffix, (iv_, fv_, e_) in (
        ("", (IV, FV, e)),
        ("_country", tuple(sum_by_country_rows(a[:, None], G, N)[:, 0] for a in (IV, FV, e))),
    ):
        if suffix:
            out["IV_country"], out["FV_country"], out["E_country"] = iv_, fv_, e_
        ivs, fvs = safe_divide(iv_, e_), safe_divide(fv_, e_)
        out[f"participation{suffix}"] = ivs + fvs
        out[f"position{suffix}"] = np.log1p(ivs) - np.log1p(fvs)
    return out
