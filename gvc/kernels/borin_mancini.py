r"""Borin & Mancini decomposition of gross exports: source/sink, world/exporter perspectives.

Every unit of value added (VA) in a gross export flow is either counted there for the first
(source approach) or last (sink approach) time it crosses a border that matters, or it is double
counting. The *perspective* fixes which border crossings matter: for ``"exporter"`` all exports of
the exporting country ``s``; for ``"world"`` all trade flows in the world; for the own-flow
perspectives ``"sector"`` (all exports of node ``(s, i)``), ``"bilateral"`` (all exports of ``s``
to ``r``) and ``"bilateral_sector"`` (the exports of ``(s, i)`` to ``r``) only the perimeter
itself (Borin & Mancini 2019, sec. 4; Stata ``icio`` ``perspective(sectexp|bilateral|sectbil)``).

Notation (STYLE.md): ``A = Z x^-hat``, ``v = va / x``, ``B = (I - A)^-1``,
``L_ss = (I - A_ss)^-1``, ``e_sr`` the N-vector of gross exports of ``s`` to ``r``
(``Y_sr + A_sr x_r``), ``e_s = sum_{r != s} e_sr``. For a node ``i`` of country ``s``:

- ``VBdom_i = (v_s B_ss)_i``, ``VBfor_i = sum_{t != s} (v_t B_ts)_i`` (total domestic / foreign
  VA multipliers), ``VLdom_i = (v_s L_ss)_i`` (VA of ``s`` that has never left ``s``).
- ``B^(s) = (I - A^(s))^-1`` with ``A^(s)`` = ``A`` with the export blocks ``A_sr`` (r != s)
  set to zero (the world in which ``s`` exports no intermediates). We never form it: row block
  ``s`` of ``(I - A) B = I`` gives ``B_ss = L_ss (I + sum_{j != s} A_sj B_js)``, and column
  block ``s`` gives ``(I - A_{-s,-s})^-1 A_{-s,s} = B_{-s,s} B_ss^-1``; hence

  .. math:: B^{(s)}_{\cdot s} = B_{\cdot s}\, F_s, \qquad F_s = [(I - A_{ss}) B_{ss}]^{-1}  \tag{1}

  one N x N solve per country on top of the global ``B`` (a Schur-complement update,
  :func:`extraction_inverse_columns`).

Terms, each an ``(n, G)`` array indexed by (exporting node ``(s, i)``, importer ``r``), zero
on ``r = s``; ``⊙`` multiplies every column by the node vector on the left:

.. math::

   GEXP = e, \quad DC = VBdom ⊙ e, \quad FC = VBfor ⊙ e                                  \tag{2}

   DAE_{sr} = Y_{sr} + A_{sr} L_{rr} Y_{rr}, \qquad DAVAX = VLdom ⊙ DAE                 \tag{3}

   \text{source:}\quad DVA = VLdom ⊙ e, \quad VAX = VLdom ⊙ [Y_{sr} + A_{sr}(x_r - (BY)_{r,s})]
                                                                                         \tag{4}

   \text{sink:}\quad DVA = VBdom ⊙ [Y_{sr} + A_{sr}\tilde x^{(s)}_r], \quad
   REF = VBdom ⊙ A_{sr} \hat x^{(s)}_r,
   \quad \tilde x^{(s)} = x - B^{(s)}_{\cdot s} e_s,
   \quad \hat x^{(s)} = B^{(s)} Y_{\cdot s}                                             \tag{5}

   \text{exporter, source:}\quad FVA = \Big(\sum_{t \ne s} v_t B^{(s)}_{ts}\Big) ⊙ e
        = \big(VBfor_s F_s\big) ⊙ e                                                      \tag{6}

   \text{exporter, sink:}\quad FVA = VBfor ⊙ [Y_{sr} + A_{sr}\tilde x^{(s)}_r]           \tag{7}

   \text{world, source:}\quad FVA = \Big(\sum_{t \ne s} VLdom_t A_{ts} L_{ss}\Big) ⊙ e   \tag{8}

   \text{world, sink:}\quad FVA = VBfor ⊙ DAE + (v_r B_{r,s i})\, A_{sr} L_{rr} DAE_r   \tag{9}

with ``DAE_r = sum_{j != r} DAE_rj`` in (9).

Own-flow perimeters. A perimeter ``P`` is a set of intermediate export links; ``A^P`` is ``A``
with them set to zero and ``B^P = (I - A^P)^-1`` counts production that never passes through
``P`` again. Value added in a flow of ``P`` is double counted when it has crossed ``P`` before,
so ``DVA* = v_s B^P_{s,(s,i)} e`` and ``FVA* = sum_{t != s} v_t B^P_{t,(s,i)} e``. Removing the
links ``W`` (rows of country ``s``) is a low-rank change of ``I - A``; by Woodbury,

.. math:: B^P_{\cdot s} = B_{\cdot s} (I + W B_{\cdot s})^{-1}                        \tag{10}

with ``W B_{.s} = M_s = sum_{j != s} A_sj B_js = B_ss - I - A_ss B_ss`` for the exporter
perimeter (this is (1), since ``I + M_s = (I - A_ss) B_ss``) and ``P_sr = A_sr B_rs`` for the
bilateral one. The sector and bilateral-sector perimeters remove one row, so the inverse in (10)
is the scalar ``1 + alpha`` with ``alpha = (M_s)_ii`` or ``(A_sr B_rs)_ii``:

.. math::

   \text{sector:}\quad DVA^* = \frac{VBdom_{si}}{1 + (M_s)_{ii}}\, e_{si,r}, \qquad
   \text{bilateral-sector:}\quad DVA^* = \frac{VBdom_{si}}{1 + (A_{sr} B_{rs})_{ii}}\, e_{si,r}
                                                                                         \tag{11}

   \text{bilateral:}\quad DVA^*_{\cdot r} = \big[VBdom_s (I + A_{sr} B_{rs})^{-1}\big] ⊙ e_{sr}
                                                                                         \tag{12}

and ``FVA*`` the same with ``VBfor`` in place of ``VBdom``. ``VAX*`` applies the DVA* coefficient
to the part of the flow absorbed abroad, ``Y_sr + A_sr(x_r - (BY)_{r,s})`` as in (4): where the
flow ends up does not depend on the perimeter upstream. Source and sink coincide at an own-flow
perimeter (the first and the last crossing of the perimeter are crossings of the same flow), so
these perspectives have one variant; Stata ``icio`` drops ``approach()`` for them. Nested
perimeters give nested inverses (``A^(s) <= A^P <= A`` elementwise), hence per flow
``DVA(exporter) <= DVA*(sector), DVA*(bilateral) <= DVA*(bilateral_sector) <= DC``.

By identity ``DDC = DC - DVA``,
``FDC = FC - FVA``, ``REF = DVA - VAX`` (source), ``VAX = DVA - REF`` (sink),
``GVC = GEXP - DAVAX``, ``GVCF = DVA - DAVAX``, ``GVCB = GVC - GVCF = FC + DDC``.

Reading the terms:

- (4) source DVA is ``s``'s VA the first time it leaves ``s``; VAX its part absorbed abroad
  (not returning to ``s``'s final demand), REF the reflected rest.
- (5) sink DVA counts all of ``s``'s VA (``VBdom``) in the part of ``e_sr`` that never comes back
  to be re-exported by ``s``; ``x~^(s)`` is world output not used for ``s``'s exports, ``x^^(s)``
  output driven by ``s``'s final demand without passing through ``s``'s exports.
- (8) world/source FVA: foreign VA on its first re-export, i.e. exported once by its origin
  ``t`` straight to ``s`` (``VLdom_t A_ts``) and processed only inside ``s`` (``L_ss``).
- (9) world/sink FVA: foreign VA on its last re-export: the foreign content of exports the
  importer absorbs without re-exporting (``DAE``), plus VA of the importer ``r`` itself that
  ``r`` then exports to be absorbed directly by its importers.

Where the terms are meaningful (which perimeter, which approach):

- ``GEXP, DC, FC``: invariant to approach and perspective at every perimeter.
- ``DVA, DDC, VAX, REF``: the same in the world and exporter perspective (domestic VA can only
  be double counted through ``s``'s own exports). Source and sink differ at the sector,
  bilateral and bilateral-sector perimeters but agree at the exporter (country) perimeter,
  where ``VAX`` equals Johnson-Noguera value-added exports and ``REF`` the KWW reflection.
- ``FVA, FDC``: exporter perspective: source and sink agree at the country perimeter.
  World perspective: source and sink differ by country; only the world total agrees (Borin &
  Mancini 2019, sec. 5.1, as cited in GlobalValueChains.jl's tests; Stata ``icio`` offers the
  world perspective for a country's total exports only).
- Own-flow perspectives (11)-(12): each number is meaningful summed within its perimeter only
  (over importers for ``"sector"``, over sectors for ``"bilateral"``); a sum across perimeters
  is not a country-level measure.
- ``DAVAX``: VA crossing exactly one border; invariant to approach and perspective.
- ``GVC``: invariant; ``GVCF``/``GVCB`` follow DVA, so they depend on the approach below the
  country perimeter. Borin & Mancini (2019) define GVC participation in the exporter/source
  decomposition; here the same identities are applied to every variant.

Every variant is additive: each flow ``e_sr,i`` carries its own terms, so sector, bilateral
and country totals are plain sums (:func:`bm_aggregate`). Those are *allocations* of the
country/world double counting, not the bilateral or sectoral perspectives of the paper.

``GEXP = DC + FC`` requires ``v B = 1'`` (``va = x - 1'Z``, a balanced table).

References
----------
Borin, A. and Mancini, M. (2019). Measuring What Matters in Global Value Chains and Value-Added
Trade. World Bank Policy Research Working Paper 8804: exporter perspective, sec. 3; sink-based
exporter decomposition, eqs. 33-39; world perspective, eq. 52 (source) and 54 (sink); own-flow
(sectoral and bilateral) perspectives, sec. 4, eqs. 47-49. Equation numbers as cited by S.
Krantz's R ``icio``/``decompr`` ``bm.R`` and Julia ``GlobalValueChains.jl`` (which are validated
against Stata ``icio``), not re-read from the paper here; (10)-(12) are our Woodbury derivation of
those perimeters. Compared formula by formula with the description of those ports
(``misc/bm_expansion_plan.md`` and ``src/decompose_self.jl`` of GlobalValueChains.jl): their
exporter/source FVA coefficient ``VBfor_s (I + M_s)^-1`` is (6), their sink output
``x - B_.s [(I - A_ss) B_ss]^-1 e_s`` is (5), their world/source FVA is (8), and their own-flow
coefficients ``VBdom / (1 + alpha)`` are (11); the bilateral perimeter (12) is not in them.
Borin, A. and Mancini, M. (2023). Measuring what matters in value-added trade. Economic Systems
Research 35(4).
Belotti, F., Borin, A. and Mancini, M. (2021). icio: Economic analysis with intercountry
input-output tables. Stata Journal 21(3), 708-755.
Johnson, R. C. and Noguera, G. (2012). Accounting for intermediates. JIE 86(2), 224-236.
Koopman, R., Wang, Z. and Wei, S.-J. (2014). Tracing value-added and double counting in gross
exports. AER 104(2), 459-494.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from gvc.errors import InputError
from gvc.kernels.leontief import (
    domestic_blocks,
    input_coefficients,
    leontief_inverse,
    value_added_coefficients,
)

#: The Borin-Mancini terms :func:`bm` returns, in this order.
TERMS: tuple[str, ...] = (
    "GEXP",
    "DC",
    "FC",
    "DVA",
    "DDC",
    "FVA",
    "FDC",
    "DAVAX",
    "VAX",
    "REF",
    "GVC",
    "GVCB",
    "GVCF",
)

Approach = Literal["source", "sink"]
Perspective = Literal["world", "exporter", "sector", "bilateral", "bilateral_sector"]
PERSPECTIVES: tuple[str, ...] = ("world", "exporter", "sector", "bilateral", "bilateral_sector")
OWN_FLOW: tuple[str, ...] = ("sector", "bilateral", "bilateral_sector")
Perimeter = Literal["exporter", "sector", "bilateral", "bilateral_sector"]


def extraction_inverse_columns(
    A: np.ndarray, G: int, N: int, *, B: np.ndarray | None = None
) -> np.ndarray:
    """Column blocks ``B^(s)_{., s}`` of every exporter's extraction inverse, without inverting.

    ``B^(s) = (I - A^(s))^-1`` where ``A^(s)`` drops the intermediate exports ``A_sr`` (r != s)
    of country ``s``. By eq. (1) of the module docstring, ``B^(s)_{.,s} = B_{.,s} F_s`` with
    ``F_s = [(I - A_ss) B_ss]^-1``: G small N x N inverses on top of the one global inverse.

    Parameters
    ----------
    A : (n, n) input coefficients, country-major.
    G, N : countries and sectors.
    B : (n, n) global inverse ``(I - A)^-1``; computed when None.

    Returns
    -------
    (n, n) array whose column block ``s`` is ``B^(s)_{., s}``.

    References
    ----------
    Borin & Mancini (2019), sec. 3 (extraction matrix of the exporting country).

    Examples
    --------
    >>> A = np.array([[0.0, 0.4], [0.5, 0.0]])
    >>> extraction_inverse_columns(A, 2, 1)
    array([[1. , 0.4],
           [0.5, 1. ]])
    """
    if B is None:
        B = leontief_inverse(A)
    F = _extraction_factors(domestic_blocks(A, G, N), domestic_blocks(B, G, N))
    n = G * N
    return np.einsum("igk,gkl->igl", B.reshape(n, G, N), F).reshape(n, n)


def _extraction_factors(Add: np.ndarray, Bdd: np.ndarray) -> np.ndarray:
    """``F_s = [(I - A_ss) B_ss]^-1`` for every country, (G, N, N)."""
    return np.linalg.inv(Bdd - Add @ Bdd)


def bm(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    approach: Approach = "source",
    perspective: Perspective = "world",
    B: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Borin-Mancini decomposition of every bilateral sector export flow.

    Implements eqs. (2)-(9) of the module docstring: ``GEXP = DC + FC``, ``DC = DVA + DDC``,
    ``FC = FVA + FDC``, ``DVA = VAX + REF``, ``GVC = GVCB + GVCF = GEXP - DAVAX``.

    Parameters
    ----------
    Z : (n, n) intermediate flows, country-major.
    Y : (n, G) final demand by destination country.
    x : (n,) gross output.
    va : (n,) value added (``x - 1'Z`` for a balanced table).
    G, N : countries and sectors.
    approach : ``"source"`` (VA counted the first time it crosses a relevant border) or
        ``"sink"`` (the last time).
    perspective : ``"world"`` (double counting relative to all world trade flows),
        ``"exporter"`` (relative to all exports of the exporting country), or an own-flow
        perimeter, eqs. (10)-(12): ``"sector"``, ``"bilateral"``, ``"bilateral_sector"``
        (``approach`` is irrelevant there: source and sink coincide).
    B : (n, n) precomputed global Leontief inverse of ``A = Z x^-hat``, to reuse one inverse.

    Returns
    -------
    dict mapping each name in :data:`TERMS` to an (n, G) float64 array: row = exporting node
    ``(s, i)``, column = importing country ``r``; zero on ``r = s``. Aggregate with
    :func:`bm_aggregate`.

    Raises
    ------
    InputError
        wrong shapes or an unknown ``approach`` / ``perspective``.
    NumericalError
        ``I - A`` singular or the table not productive (from the Leontief inverse).

    References
    ----------
    Borin & Mancini (2019), eqs. 33-39, 47-49, 52, 54 (see module docstring); Borin & Mancini
    (2023).

    Examples
    --------
    Two one-sector countries trading intermediates back and forth (``x = [20, 10]``, all VA
    exported once): country 0 exports 20, of which VA 10 is its own and 6 is country 1's.

    >>> Z = np.array([[0.0, 4.0], [10.0, 0.0]]); Y = np.array([[0.0, 16.0], [0.0, 0.0]])
    >>> x = np.array([20.0, 10.0]); va = x - Z.sum(axis=0)
    >>> t = bm(Z, Y, x, va, 2, 1, perspective="exporter")
    >>> {k: bm_aggregate(t, 2, 1, "exporter")[k].round(9).tolist() for k in ("GEXP", "DVA", "FVA")}
    {'GEXP': [20.0, 10.0], 'DVA': [10.0, 6.0], 'FVA': [6.0, 2.0]}
    """
    if approach not in ("source", "sink"):
        raise InputError(f"approach must be 'source' or 'sink', got {approach!r}")
    if perspective not in PERSPECTIVES:
        raise InputError(
            f"perspective must be one of {', '.join(PERSPECTIVES)}; got {perspective!r}"
        )
    n = G * N
    Z = np.asarray(Z, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    va = np.asarray(va, dtype=np.float64)
    if Z.shape != (n, n) or Y.shape != (n, G) or x.shape != (n,) or va.shape != (n,):
        raise InputError(
            f"expected Z ({n}, {n}), Y ({n}, {G}), x and va ({n},) for G={G}, N={N}; got "
            f"Z {Z.shape}, Y {Y.shape}, x {x.shape}, va {va.shape}"
        )
    A = input_coefficients(Z, x)
    if B is None:
        B = leontief_inverse(A)
    elif B.shape != (n, n):
        raise InputError(f"B must be ({n}, {n}), got {B.shape}")
    v = value_added_coefficients(va, x)

    own = np.eye(G, dtype=bool)[:, None, :]  # (G, 1, G): exporter s == importer r
    A4 = A.reshape(G, N, G, N)
    B3 = B.reshape(n, G, N)
    Y3 = Y.reshape(G, N, G)
    v2 = v.reshape(G, N)
    Add = domestic_blocks(A, G, N)
    Bdd = domestic_blocks(B, G, N)
    L = np.linalg.inv(np.eye(N) - Add)

    VBdom = np.einsum("gm,gmk->gk", v2, Bdd)
    VBfor = (v @ B).reshape(G, N) - VBdom
    VLdom = np.einsum("gm,gmk->gk", v2, L)

    # Gross exports e_sr = Y_sr + A_sr x_r (= row sums of Z by buying country).
    Yex = np.where(own, 0.0, Y3)
    E = Yex + np.where(own, 0.0, Z.reshape(G, N, G, N).sum(axis=3))
    Etot = E.sum(axis=2)

    # Exports the direct importer absorbs: Y_sr + A_sr L_rr Y_rr (eq. 3).
    Ydom = Y3[np.arange(G), :, np.arange(G)]  # (G, N): Y_rr
    DAE = Yex + np.where(own, 0.0, np.einsum("skrj,rj->skr", A4, np.einsum("rjk,rk->rj", L, Ydom)))

    terms: dict[str, np.ndarray] = {"GEXP": E}
    terms["DC"] = VBdom[:, :, None] * E
    terms["FC"] = VBfor[:, :, None] * E
    terms["DAVAX"] = VLdom[:, :, None] * DAE

    BY3 = (B @ Y).reshape(G, N, G)
    # AxBY[s,k,r] = (A_sr (BY)_{r,s})_k: intermediate exports to r that end in s's final demand.
    AxBY = np.einsum("skrj,rjs->skr", A4, BY3)
    F = None
    if perspective in OWN_FLOW:
        cdom, cfor = _own_flow_coefficients(
            A4, B.reshape(G, N, G, N), Add, Bdd, VBdom, VBfor, perspective
        )
        terms["DVA"] = cdom * E
        terms["FVA"] = cfor * E
        terms["VAX"] = cdom * np.where(own, 0.0, E - AxBY)
        terms["REF"] = terms["DVA"] - terms["VAX"]
    elif approach == "source":
        terms["DVA"] = VLdom[:, :, None] * E
        VAXE = np.where(own, 0.0, E - AxBY)
        terms["VAX"] = VLdom[:, :, None] * VAXE
        terms["REF"] = terms["DVA"] - terms["VAX"]
    else:
        F = _extraction_factors(Add, Bdd)
        ehat = np.einsum("gkl,gl->gk", F, Etot)
        # s's intermediate exports that end in its own final demand: sum_{r != s} A_sr (BY)_rs
        rhs = np.where(own, 0.0, AxBY).sum(axis=2)
        Rhat = np.einsum("gkl,gl->gk", F, rhs)
        # x~^(s) = x - B^(s)_{.s} e_s and x^^(s) = B^(s) Y_{.s}, one column per s (eq. 5).
        Xt = x[:, None] - np.einsum("igk,gk->ig", B3, ehat)
        Xh = BY3.reshape(n, G) - np.einsum("igk,gk->ig", B3, Rhat)
        Phi = Yex + np.where(own, 0.0, np.einsum("skrj,rjs->skr", A4, Xt.reshape(G, N, G)))
        Phir = np.where(own, 0.0, np.einsum("skrj,rjs->skr", A4, Xh.reshape(G, N, G)))
        terms["DVA"] = VBdom[:, :, None] * Phi
        terms["REF"] = VBdom[:, :, None] * Phir
        terms["VAX"] = terms["DVA"] - terms["REF"]

    if perspective == "exporter":  # own-flow perimeters set FVA above
        if approach == "source":
            F = _extraction_factors(Add, Bdd) if F is None else F
            coef = np.einsum("gl,glk->gk", VBfor, F)  # eq. (6)
            terms["FVA"] = coef[:, :, None] * E
        else:
            terms["FVA"] = VBfor[:, :, None] * Phi  # eq. (7)
    elif perspective == "world" and approach == "source":
        # eq. (8): sum_{t != s} VLdom_t A_ts, then through L_ss
        u = (VLdom.reshape(n) @ A).reshape(G, N) - np.einsum("gm,gmk->gk", VLdom, Add)
        coef = np.einsum("gm,gmk->gk", u, L)
        terms["FVA"] = coef[:, :, None] * E
    elif perspective == "world":
        # eq. (9): VA of r in s's output, times the exports to r that r re-exports to be
        # absorbed directly by r's importers.
        Wrex = np.einsum("rjk,rk->rj", L, DAE.sum(axis=2))
        AW = np.einsum("skrj,rj->skr", A4, Wrex)
        VBR = np.einsum("rmi,rm->ir", B.reshape(G, N, n), v2).reshape(G, N, G)
        terms["FVA"] = VBfor[:, :, None] * DAE + np.where(own, 0.0, VBR * AW)

    terms["DDC"] = terms["DC"] - terms["DVA"]
    terms["FDC"] = terms["FC"] - terms["FVA"]
    terms["GVC"] = E - terms["DAVAX"]
    terms["GVCF"] = terms["DVA"] - terms["DAVAX"]
    terms["GVCB"] = terms["GVC"] - terms["GVCF"]
    return {k: terms[k].reshape(n, G) for k in TERMS}


def _own_flow_coefficients(
    A4: np.ndarray,
    B4: np.ndarray,
    Add: np.ndarray,
    Bdd: np.ndarray,
    VBdom: np.ndarray,
    VBfor: np.ndarray,
    perspective: str,
) -> tuple[np.ndarray, np.ndarray]:
    """DVA* and FVA* coefficients ``(G, N, G)`` per flow ``(s, i) -> r``, eqs. (10)-(12)."""
    G, N = VBdom.shape
    if perspective == "sector":
        # alpha_si = (M_s)_ii, M_s = B_ss - I - A_ss B_ss (no products over foreign blocks)
        alpha = np.diagonal(Bdd - Add @ Bdd, axis1=1, axis2=2) - 1.0
        scale = 1.0 / (1.0 + alpha)
        return (
            np.broadcast_to((VBdom * scale)[:, :, None], (G, N, G)),
            np.broadcast_to((VBfor * scale)[:, :, None], (G, N, G)),
        )
    if perspective == "bilateral_sector":
        # alpha_si,r = sum_j A_sr[i, j] B_rs[j, i]
        alpha = np.einsum("sirj,rjsi->sir", A4, B4)
        return VBdom[:, :, None] / (1.0 + alpha), VBfor[:, :, None] / (1.0 + alpha)
    # bilateral: c_sr = VB_s (I + A_sr B_rs)^-1, one N x N solve per pair (s, r).
    Asr = A4.transpose(0, 2, 1, 3)  # [s, r] -> A_sr
    Brs = B4.transpose(2, 0, 1, 3)  # [s, r] -> B_rs
    P = Asr @ Brs
    P[np.arange(G), np.arange(G)] = 0.0  # own pairs carry no exports; keep them solvable
    P += np.eye(N)
    rhs = np.broadcast_to(np.stack([VBdom, VBfor], axis=2)[:, None], (G, G, N, 2))
    c = np.linalg.solve(P.transpose(0, 1, 3, 2), rhs)  # (G, G, N, 2): c^T = (I+P)^-T VB^T
    c = c.transpose(0, 2, 1, 3)  # -> (s, i, r, 2)
    return c[..., 0], c[..., 1]


def bm_aggregate(
    terms: dict[str, np.ndarray], G: int, N: int, perimeter: Perimeter = "exporter"
) -> dict[str, np.ndarray]:
    """Sum (n, G) Borin-Mancini terms to a perimeter.

    ``"exporter"``: (G,) by exporting country; ``"sector"``: (n,) by exporting node;
    ``"bilateral"``: (G, G) exporter x importer; ``"bilateral_sector"``: (n, G) unchanged (a
    copy). Sums are exact because :func:`bm` allocates every term to single flows; see the
    module docstring for which terms differ between approaches below the country perimeter.

    Examples
    --------
    >>> t = {"GEXP": np.array([[0.0, 1.0], [0.0, 2.0], [3.0, 0.0], [4.0, 0.0]])}
    >>> bm_aggregate(t, 2, 2, "bilateral")["GEXP"]
    array([[0., 3.],
           [7., 0.]])
    """
    n = G * N
    out: dict[str, np.ndarray] = {}
    for k, a in terms.items():
        a = np.asarray(a)
        if a.shape != (n, G):
            raise InputError(f"term {k} must be ({n}, {G}), got {a.shape}")
        if perimeter == "exporter":
            out[k] = a.reshape(G, N * G).sum(axis=1)
        elif perimeter == "sector":
            out[k] = a.sum(axis=1)
        elif perimeter == "bilateral":
            out[k] = a.reshape(G, N, G).sum(axis=1)
        elif perimeter == "bilateral_sector":
            out[k] = a.copy()
        else:
            raise InputError(
                "perimeter must be 'exporter', 'sector', 'bilateral' or 'bilateral_sector', "
                f"got {perimeter!r}"
            )
    return out
