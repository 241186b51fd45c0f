"""Production length, upstreamness and downstreamness.

Three families, and which equals which on a closed global table (every sale either an
intermediate input or final demand somewhere, so ``x = B y``, and ``va = x - 1'Z`` so
``v'B = 1'``):

- Upstreamness of Antras, Chor, Fally & Hillberry (2012): ``U = (I - Delta)^-1 1`` with
  ``Delta_ij = a_ij x_j / x_i``, i.e. ``Delta = x-hat^-1 A x-hat`` and
  ``U = x-hat^-1 B x-hat 1 = x-hat^-1 B x``, the row sums of the Ghosh inverse
  ``x-hat^-1 B x-hat``. In a world table no open-economy (net exports, inventories)
  correction is needed: exports are someone's intermediate or final use.
- Downstreamness (Fally 2012, number of embodied production stages): ``D' = 1'B``, the column
  sums of ``B`` (``D = 1 + A'D``).
- Production length of Wang, Wei, Yu & Zhu (2017b): ``PLv = V-hat B B Y / V-hat B Y`` by
  value-added origin (rows) and ``PLy = V B B Y-hat / V B Y-hat`` by final good (columns).
  Since ``B Y = x``: ``PLv_i = (B x)_i / x_i = U_i`` exactly (for ``v_i > 0``), and since
  ``v'B = 1'``: ``PLy_j = (v'B B)_j / (v'B)_j = (1'B)_j = D_j`` (for ``y_j > 0``; the
  kernel returns 0 for a node that makes no final goods). The GVC part of the length splits
  into a domestic segment, the number of border crossings and a foreign segment
  (``PLv_GVC = PLv_GVC_D + CBv_GVC + PLv_GVC_F``), see :func:`production_length`.
"""

from __future__ import annotations

import numpy as np

from gvc.kernels.leontief import (
    check_table,
    domestic_blocks,
    global_inverse,
    input_coefficients,
    leontief_inverse,
    local_inverses,
    safe_divide,
    value_added_coefficients,
)
from gvc.kernels.participation import (
    final_goods_split,
    foreign_apply,
    foreign_apply_left,
    local_apply,
    local_apply_left,
)

__all__ = ["upstreamness", "downstreamness", "production_length"]


def upstreamness(A: np.ndarray, x: np.ndarray, *, B: np.ndarray | None = None) -> np.ndarray:
    """Upstreamness of Antras, Chor, Fally & Hillberry (2012): ``U = x-hat^-1 B x``.

    ``U_i = 1 + sum_j (a_ij x_j / x_i) U_j``: 1 for a node that sells only to final demand,
    larger the more stages its output passes through before final use. Equal to the row sums of
    the Ghosh inverse and to the WWYZ (2017b) production length ``PLv``.

    Parameters
    ----------
    A : (n, n) input coefficients.
    x : (n,) gross output.
    B : optional precomputed ``(I - A)^-1``.

    Returns
    -------
    (n,) array; 1 where ``x = 0`` (the recursion's value for a node with an empty row, and the
    convention of Antras & Chor's published WIOD values; never 0).

    Notes
    -----
    No net-inventory correction here: the measures as Antras & Chor (2018) publish them, with
    the correction of Antras et al. (2012), are :func:`gvc.kernels.positions.position_measures`
    (step ``positions``).

    References
    ----------
    Antras, Chor, Fally & Hillberry (2012), "Measuring the upstreamness of production and
    trade flows", AER P&P 102(3) (definition of U); Miller & Temurshoev (2017), "Output
    upstreamness and input downstreamness of industries/countries in world production",
    International Regional Science Review 40(5) (Ghosh row sums).

    Examples
    --------
    A two-stage chain: stage 0 sells all its output to stage 1, which sells to final demand.

    >>> A = np.array([[0.0, 2 / 3], [0.0, 0.0]])
    >>> upstreamness(A, np.array([10.0, 15.0]))
    array([2., 1.])
    """
    x = np.asarray(x, dtype=np.float64)
    B = leontief_inverse(A) if B is None else B
    U = safe_divide(B @ x, x)
    U[x == 0] = 1.0
    return U


def downstreamness(A: np.ndarray, *, B: np.ndarray | None = None) -> np.ndarray:
    """Downstreamness (Fally 2012): ``D' = 1'B``, the column sums of the global inverse.

    ``D_j = 1 + sum_i a_ij D_i``: the (weighted) number of production stages embodied in one
    unit of ``j``'s output; the WWYZ (2017b) length ``PLy`` on a balanced table.

    Parameters
    ----------
    A : (n, n) input coefficients.
    B : optional precomputed ``(I - A)^-1``.

    Returns
    -------
    (n,) array (1 for a node with zero output: its column of ``A`` is empty).

    References
    ----------
    Fally (2012), "Production staging: measurement and facts", mimeo (number of embodied
    stages); Miller &
    Temurshoev (2017), IRSR 40(5) (input downstreamness).

    Examples
    --------
    >>> downstreamness(np.array([[0.0, 2 / 3], [0.0, 0.0]])).round(4)
    array([1.    , 1.6667])
    """
    B = leontief_inverse(A) if B is None else B
    return B.sum(axis=0)


def production_length(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    B: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Production length and its segments, Wang, Wei, Yu & Zhu (2017b), per node.

    Value added ``V-hat B Y`` (forward, by origin) is split as in WWYZ (2017a) into pure
    domestic (D), traditional final-goods trade (RT), simple (GVC_S) and complex (GVC_C) GVC
    parts. The gross output each part induces along its chain (``X``) counts every production
    stage the value passes through. With ``B B = L L + L L A^F B + L A^F B B`` (from
    ``B = L + L A^F B``) and ``L A^F B B = B A^F B + L A^F B A^D B`` (from ``B = I + A B`` and
    ``B A^F B = L A^F B + L A^F B A^F B``), the GVC part splits into three segments::

        Xv_D   = v # L L y^D                Xv_RT = v # L L y^F
        Xv_GVC = v # L L A^F B y            (domestic segment: stages before the first border)
               + v # B A^F B y              (border crossings: every A^F link on the chain)
               + v # L A^F B A^D B y        (foreign segment: domestic links after the first
                                             border)
        simple part (y^D only, crosses exactly once):
        Xv_GVC_S = v # L L A^F L y^D + v # L A^F L y^D + v # L A^F L A^D L y^D
        complex part = GVC minus simple, segment by segment

    With ``V_part`` the part's value added, ``PLv_part = Xv_part / V_part`` is the average
    number of production stages (counting the stage where the value added is created), and

        ``PLv_GVC = PLv_GVC_D + CBv_GVC + PLv_GVC_F``

    (likewise ``_S`` and ``_C``). A chain's length is one more than its number of input links;
    each link is domestic (``A^D``) or crosses a border (``A^F``): ``PLv_GVC_D`` counts the
    first stage and the domestic links before the first crossing, ``CBv_GVC`` the crossings
    (intermediate goods only; the sale of a final good abroad is not counted) and
    ``PLv_GVC_F`` the domestic links after the first crossing (in any country, the origin
    included when the value comes back). ``CBv_GVC_S = 1`` wherever ``V_GVC_S > 0``, and
    ``CBv_GVC_C >= 1``. Backward lengths ``PLy_*`` and ``CBy_*`` use the column sums of the
    same matrices (``v'L L # y^D`` etc.), by producer of the final good. The parts add up:
    ``sum Xv_* = v # B B y`` and ``PLv = Xv / (v # B y)`` equals upstreamness
    ``x-hat^-1 B x`` on a balanced table; ``PLy`` equals ``1'B``. The GVC position index is
    ``GVCPs = PLv_GVC / PLy_GVC`` (NaN where either is undefined). ``PLy_D`` and ``PLy_RT``
    coincide wherever both are defined (each is ``(v'L L)_j / (v'L)_j``; the two parts differ
    only in where the final good is sold).

    Parameters
    ----------
    Z : (n, n) intermediate flows, country-major.
    Y : (n, G) final demand by destination country.
    x : (n,) gross output.
    va : (n,) value added.
    G, N : countries and industries.
    B : optional precomputed global inverse (n, n).

    Returns
    -------
    dict of (n,) arrays: for ``s`` in ``v`` (forward) and ``y`` (backward): ``PL{s}``,
    ``PL{s}_D``, ``PL{s}_RT``, ``PL{s}_GVC``, ``PL{s}_GVC_S``, ``PL{s}_GVC_C``; the segments
    ``PL{s}_GVC_D``, ``CB{s}_GVC``, ``PL{s}_GVC_F`` and their ``_S_D, _S_F, _C_D, _C_F`` and
    ``CB{s}_GVC_S``, ``CB{s}_GVC_C`` counterparts; the induced outputs ``X{s}_D, X{s}_RT,
    X{s}_GVC_S, X{s}_GVC_C`` (each GVC one the sum of its three segments) and value added
    ``V{s}_D, V{s}_RT, V{s}_GVC_S, V{s}_GVC_C``; and ``GVCPs``. Lengths are 0 where the
    part's value added is 0.

    References
    ----------
    Wang, Wei, Yu & Zhu (2017b), "Characterizing global value chains: production length and
    upstreamness", NBER WP 23261: production length ``V-hat B B Y / V-hat B Y``, its split by
    type of production activity (D, RT, GVC_S, GVC_C), the split of GVC length into domestic,
    border-crossing and foreign segments, and the GVC position ``PLv_GVC / PLy_GVC``. The
    paper's text (NBER WP 23261, WIOD 2016 release: 44 countries, 56 sectors, 2000-2014; an
    earlier version, "Characterizing global value chains", Stanford King Center WP 578,
    September 2016, used 40 countries, 35 sectors and 17 years, i.e. the WIOD 2013 release)
    was not available to check equation by equation, and no public source quoting its
    equation numbers was found: no equation numbers are given here for that reason.

    The formulas for ``PLv``, ``PLv_D``, ``PLv_RT`` and the three GVC segments follow the Asian
    Development Bank's public implementation of WWYZ (2017), repository ksreyes/mrio-processing,
    ``codes/06-production-lengths.py`` (and the earlier notebooks
    ``codes/05-production-lengths.ipynb``, ``codes/06-production-lengths.ipynb``). Term by term,
    with its ``Bd = (I - A^D)^-1`` our ``L``: ``X_D = v-hat L L y^D-hat``,
    ``X_RT = v-hat L L y^F-hat``, ``Xd_GVC = v-hat L L A^F B y-hat``,
    ``E_GVC = v-hat B A^F B y-hat``, ``Xf_GVC = v-hat L A^F B A^D B y-hat`` and
    ``V_GVC = v-hat L A^F B y-hat``; row sums give the ``v`` lengths, column sums the ``y``
    lengths, ``PLv_GVC`` and ``PLy_GVC`` are the sums of the three segments and ``GVC_POS``
    their ratio, as here. Two differences, both nil on a balanced table: it divides ``Xv`` by
    the table's value added ``va`` and ``Xy`` by ``y`` where we divide by ``v # B y`` and
    ``v'B # y``, and it does not guard zero denominators (we return 0, or NaN for ``GVCPs``).
    The split of each segment into simple and complex parts is not in that implementation; it
    is derived here from the same identities. The tests check the sums, the crossing count (as
    ``d/dt v (I - A^D - t A^F)^-1 y`` at ``t = 1``), the dense foreign-segment formula and
    hand-counted chains.

    Examples
    --------
    Country 0 sells 10 of intermediates to country 1, which adds 5 and consumes the 15:
    country 0's value added goes through 2 stages (1 at home, then 1 border crossing).

    >>> Z = np.array([[0.0, 10.0], [0.0, 0.0]]); Y = np.array([[0.0, 0.0], [0.0, 15.0]])
    >>> pl = production_length(Z, Y, np.array([10.0, 15.0]), np.array([10.0, 5.0]), 2, 1)
    >>> pl["PLv"], pl["PLv_GVC_D"], pl["CBv_GVC"], pl["PLv_GVC_F"]
    (array([2., 1.]), array([1., 0.]), array([1., 0.]), array([0., 0.]))
    >>> pl["PLy"].round(4), pl["PLy_GVC"]
    (array([0.    , 1.6667]), array([0., 2.]))

    (Node 0 makes no final goods, so its backward lengths are 0 rather than ``1'B = 1``.)
    """
    Z, Y, x, va = check_table(Z, Y, x, va, G, N)
    B = global_inverse(Z, x, B)
    A = input_coefficients(Z, x)
    v = value_added_coefficients(va, x)
    L = local_inverses(A, G, N)
    Ad = domestic_blocks(A, G, N)
    y, yD, yF = final_goods_split(Y, G, N)

    def Lz(z: np.ndarray) -> np.ndarray:
        return local_apply(L, z)

    def Dz(z: np.ndarray) -> np.ndarray:
        return local_apply(Ad, z)

    def Fz(z: np.ndarray) -> np.ndarray:
        return foreign_apply(A, Ad, z)

    def wL(w: np.ndarray) -> np.ndarray:
        return local_apply_left(w, L)

    def wD(w: np.ndarray) -> np.ndarray:
        return local_apply_left(w, Ad)

    def wF(w: np.ndarray) -> np.ndarray:
        return foreign_apply_left(w, A, Ad)

    V: dict[str, np.ndarray] = {}
    X: dict[str, np.ndarray] = {}  # induced output: totals and segments (_D, _CB, _F)

    # Forward: row sums, everything is a column vector applied to y.
    Bx = B @ y
    BBx = B @ Bx
    Lyd, Lyf = Lz(yD), Lz(yF)
    LLyd = Lz(Lyd)
    gS, gC = Fz(Lyd), Fz(Bx - Lyd)
    V["v_D"], X["v_D"] = v * Lyd, v * LLyd
    V["v_RT"], X["v_RT"] = v * Lyf, v * Lz(Lyf)
    V["v_GVC_S"], V["v_GVC_C"] = v * Lz(gS), v * Lz(gC)
    # totals from B B = L L + L L A^F B + L A^F B B; segments computed separately below
    X["v_GVC_S"] = v * (Lz(Lz(gS)) + Lz(Fz(LLyd)))
    X["v_GVC_C"] = v * (Lz(Lz(gC)) + Lz(Fz(BBx - LLyd)))
    X["v_GVC_S_D"], X["v_GVC_C_D"] = v * Lz(Lz(gS)), v * Lz(Lz(gC))
    cb_all = v * (B @ Fz(Bx))  # v # B A^F B y
    X["v_GVC_S_CB"] = V["v_GVC_S"]  # v # L A^F L y^D: one crossing per unit
    X["v_GVC_C_CB"] = cb_all - X["v_GVC_S_CB"]
    f_all = v * Lz(Fz(B @ Dz(Bx)))  # v # L A^F B A^D B y
    X["v_GVC_S_F"] = v * Lz(Fz(Lz(Dz(Lyd))))  # v # L A^F L A^D L y^D
    X["v_GVC_C_F"] = f_all - X["v_GVC_S_F"]

    # Backward: column sums, row vectors v'... times y elementwise.
    vL = wL(v)
    vLL = wL(vL)
    vLF, vLLF = wF(vL), wF(vLL)
    vLFL, vLLFL = wL(vLF), wL(vLLF)
    vLFLL = wL(vLFL)
    vLFB, vLLFB = vLF @ B, vLLF @ B
    vLFBB = vLFB @ B
    V["y_D"], X["y_D"] = vL * yD, vLL * yD
    V["y_RT"], X["y_RT"] = vL * yF, vLL * yF
    V["y_GVC_S"] = vLFL * yD
    V["y_GVC_C"] = vLFB * y - vLFL * yD
    X["y_GVC_S"] = (vLLFL + vLFLL) * yD
    X["y_GVC_C"] = (vLLFB + vLFBB) * y - (vLLFL + vLFLL) * yD
    X["y_GVC_S_D"] = vLLFL * yD
    X["y_GVC_C_D"] = vLLFB * y - vLLFL * yD
    X["y_GVC_S_CB"] = V["y_GVC_S"]
    X["y_GVC_C_CB"] = (wF(v @ B) @ B) * y - X["y_GVC_S_CB"]  # v'B A^F B # y, less simple
    X["y_GVC_S_F"] = wL(wD(vLFL)) * yD  # v'L A^F L A^D L # y^D
    X["y_GVC_C_F"] = (wD(vLFB) @ B) * y - X["y_GVC_S_F"]  # v'L A^F B A^D B # y, less simple

    out: dict[str, np.ndarray] = {}
    segments = ("D", "CB", "F")
    for s in ("v", "y"):
        V[f"{s}_GVC"] = V[f"{s}_GVC_S"] + V[f"{s}_GVC_C"]
        X[f"{s}_GVC"] = X[f"{s}_GVC_S"] + X[f"{s}_GVC_C"]
        for seg in segments:
            X[f"{s}_GVC_{seg}"] = X[f"{s}_GVC_S_{seg}"] + X[f"{s}_GVC_C_{seg}"]
        V[s] = V[f"{s}_D"] + V[f"{s}_RT"] + V[f"{s}_GVC"]
        X[s] = X[f"{s}_D"] + X[f"{s}_RT"] + X[f"{s}_GVC"]
        out[f"PL{s}"] = safe_divide(X[s], V[s])
        for part in ("D", "RT", "GVC", "GVC_S", "GVC_C"):
            out[f"PL{s}_{part}"] = safe_divide(X[f"{s}_{part}"], V[f"{s}_{part}"])
        for part in ("GVC", "GVC_S", "GVC_C"):
            for seg in ("D", "F"):
                out[f"PL{s}_{part}_{seg}"] = safe_divide(X[f"{s}_{part}_{seg}"], V[f"{s}_{part}"])
            out[f"CB{s}_{part}"] = safe_divide(X[f"{s}_{part}_CB"], V[f"{s}_{part}"])
        for part in ("D", "RT", "GVC_S", "GVC_C"):
            out[f"X{s}_{part}"] = X[f"{s}_{part}"]
            out[f"V{s}_{part}"] = V[f"{s}_{part}"]

    ok = (V["v_GVC"] > 0) & (V["y_GVC"] > 0)
    gvcps = np.full(G * N, np.nan)
    gvcps[ok] = out["PLv_GVC"][ok] / out["PLy_GVC"][ok]
    out["GVCPs"] = gvcps
    return out
