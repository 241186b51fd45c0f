r"""WWZ, KWW and Borin-Mancini decompositions with economies in place of countries.

The formulas are those of :func:`gvc.kernels.wwz.wwz` (WWZ 2013), :func:`gvc.kernels.kww.kww`
(KWW 2014) and :func:`gvc.kernels.borin_mancini.bm` (Borin & Mancini 2019), read with
"country" replaced by "economy" of a :class:`~gvc.kernels.partition.Partition`: ``s`` is the
exporting economy, ``r`` the importing one, ``t`` third economies; ``A^{sr}``, ``B^{rt}``,
``Y^{sr}`` the blocks between economies (a group's block spans all its members' nodes);
``L^{ss} = (I - A^{ss})^{-1}`` the economy's local inverse. Trade between members of a group
is domestic: it is not an export of the group, and value added of any member is the group's
domestic value added. Terms are ``(n, U)`` arrays, row = exporting node (a node of one
member), column = importing economy, zero where ``r = s``.

With every country its own economy (:meth:`Partition.singletons`) each function returns
exactly the ungrouped kernel's result (tested to 1e-10), and a group of one country
returns that country's own result.

Cost: dense ``n x n`` masks and products, ``O(n^2 U K)`` for the exporter-dependent sums
(one ``(n_s x n) @ (n x U K)`` product per economy) on top of the table's one inverse ``B``.

References
----------
Wang, Wei & Zhu (2013), NBER WP 19677; Koopman, Wang & Wei (2014), AER 104(2), eq. (36);
Borin & Mancini (2019), World Bank PRWP 8804 (see the ungrouped kernels for equation numbers).
Belotti, Borin & Mancini (2021), Stata Journal 21(3): ``icio``'s ``groups()`` option, country
groups "as a whole while taking into account the specific supply/demand/trade structure of
each member" (``help icio``).
"""

from __future__ import annotations

import numpy as np

from gvc.errors import InputError
from gvc.kernels.borin_mancini import OWN_FLOW, PERSPECTIVES
from gvc.kernels.borin_mancini import TERMS as BM_TERMS
from gvc.kernels.kww import KWW_FROM_WWZ, KWW_GROUPS
from gvc.kernels.partition import Economies, by_importer, per_economy, to_blocks

__all__ = ["grouped_wwz", "grouped_kww", "grouped_bm"]


def grouped_wwz(ec: Economies) -> dict[str, np.ndarray]:
    r"""Wang-Wei-Zhu 16 terms by exporting node and importing economy.

    The identity of :func:`gvc.kernels.wwz.wwz` with economies: the terms of node ``(s, i)``
    to economy ``r`` sum to its gross exports to ``r``, ``E^{sr} = Y^{sr} + A^{sr} x^r``;
    summed over a group's nodes and importers, to the group's exports to non-members.

    Parameters
    ----------
    ec : :func:`gvc.kernels.partition.economies` of the table and grouping.

    Returns
    -------
    dict of the 16 :data:`gvc.kernels.wwz.WWZ_TERMS`, (n, U) each.

    Examples
    --------
    >>> from gvc.kernels.partition import Partition, economies
    >>> Z = np.array([[1.0, 2, 1], [1, 1, 2], [2, 1, 1]])
    >>> Y = np.array([[5.0, 1, 1], [1, 6, 2], [2, 1, 5]])
    >>> x = Z.sum(1) + Y.sum(1)
    >>> p = Partition.from_groups(["a", "b", "c"], {"ab": ["a", "b"]}, 1)
    >>> T = grouped_wwz(economies(Z, Y, x, x - Z.sum(0), p))
    >>> round(float(sum(T[k][:2, 1].sum() for k in T)), 10)  # ab's exports to c: 1+2+1+2
    6.0
    """
    p = ec.part
    U = p.U
    off = 1.0 - np.eye(U)
    H, own = p.H, p.own
    vl = ec.v @ ec.L
    vbd = ec.v @ ec.Bd
    Ym, ydom = ec.Ym, ec.ydom
    fe = Ym.sum(axis=1)

    Bydom_by = (ec.Bm * ydom[None, :]) @ H  # B^{rt} Y^{tt}, t != r
    BdY = ec.Bd @ ydom  # B^{rr} Y^{rr}
    BdYm = ec.Bd @ Ym  # B^{rr} Y^{rs}
    BmYm = ec.Bm @ Ym  # sum_{t != r, s} B^{rt} Y^{ts}
    BmFe_by = (ec.Bm * fe[None, :]) @ H  # B^{rt} fe^{t}, t != r
    Yexcl = np.where(own, 0.0, Ym @ off)  # sum_{u != s, t} Y^{tu}, zero at t = s
    W = np.stack([Bydom_by @ off, BdYm @ off, ec.Bm @ Yexcl, BdYm, BmYm, Bydom_by, BmFe_by], axis=2)
    T_s = by_importer(p, ec.Am, W) * vl[:, None, None]
    R = np.stack([BdY, ec.L @ ydom, ec.L @ ec.e], axis=1)
    T_r = to_blocks(p, ec.Am, R)
    AmLYd, AmLE = T_r[:, :, 1], T_r[:, :, 2]
    VBr = (ec.v[:, None] * ec.Bm).T @ H  # (V^r B^{rs})_i
    VBo = VBr @ off
    return {
        "DVA_FIN": vbd[:, None] * Ym,
        "DVA_INT": vl[:, None] * T_r[:, :, 0],
        "DVA_INTrexI1": T_s[:, :, 0],
        "DVA_INTrexF": T_s[:, :, 1],
        "DVA_INTrexI2": T_s[:, :, 2],
        "RDV_FIN": T_s[:, :, 3],
        "RDV_FIN2": T_s[:, :, 4],
        "RDV_INT": T_s[:, :, 5],
        "DDC_FIN": T_s[:, :, 6],
        "DDC_INT": (vbd - vl)[:, None] * ec.E_int,
        "MVA_FIN": VBr * Ym,
        "OVA_FIN": VBo * Ym,
        "MVA_INT": VBr * AmLYd,
        "OVA_INT": VBo * AmLYd,
        "MDC": VBr * AmLE,
        "ODC": VBo * AmLE,
    }


def grouped_kww(ec: Economies, wwz_terms: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """KWW (2014) nine terms and groups VAX, DVA, RDV, FVA, PDC by exporting economy (U,).

    Sums of :func:`grouped_wwz` terms over the economy's nodes and importers with the WWZ ->
    KWW mapping of :data:`gvc.kernels.kww.KWW_FROM_WWZ` (WWZ 2013, Table E2).
    """
    H = ec.part.H
    out = {
        name: H.T @ sum(wwz_terms[w].sum(axis=1) for w in parts)
        for name, parts in KWW_FROM_WWZ.items()
    }
    for name, parts in KWW_GROUPS.items():
        out[name] = np.sum([out[k] for k in parts], axis=0)
    return out


def grouped_bm(
    ec: Economies, *, approach: str = "source", perspective: str = "world"
) -> dict[str, np.ndarray]:
    r"""Borin-Mancini terms by exporting node and importing economy.

    Eqs. (2)-(12) of :mod:`gvc.kernels.borin_mancini` with economies: ``F_s =
    [(I - A^{ss}) B^{ss}]^{-1}`` per economy, the own-flow perimeters ``sector`` (all exports
    of a node), ``bilateral`` (an economy's exports to one economy: one ``n_s x n_s`` solve
    per pair) and ``bilateral_sector``. Every variant satisfies ``GEXP = DC + FC``,
    ``DC = DVA + DDC``, ``FC = FVA + FDC``, ``DVA = VAX + REF`` flow by flow.

    Parameters
    ----------
    ec : :func:`gvc.kernels.partition.economies` of the table and grouping.
    approach : ``source`` or ``sink``.
    perspective : ``world``, ``exporter``, ``sector``, ``bilateral`` or ``bilateral_sector``.

    Returns
    -------
    dict of the 13 :data:`gvc.kernels.borin_mancini.TERMS`, (n, U) each.

    Raises
    ------
    InputError
        an unknown approach or perspective.
    """
    if approach not in ("source", "sink"):
        raise InputError(f"approach must be 'source' or 'sink', got {approach!r}")
    if perspective not in PERSPECTIVES:
        raise InputError(f"perspective must be one of {', '.join(PERSPECTIVES)}")
    p = ec.part
    own, H = p.own, p.H
    A, B, v, L = ec.A, ec.B, ec.v, ec.L
    E = ec.Ym + ec.E_int
    Etot = E.sum(axis=1)
    VBdom = v @ ec.Bd
    VBfor = v @ B - VBdom
    VLdom = v @ L
    DAE = ec.Ym + to_blocks(p, ec.Am, (L @ ec.ydom)[:, None])[:, :, 0]

    terms: dict[str, np.ndarray] = {"GEXP": E}
    terms["DC"] = VBdom[:, None] * E
    terms["FC"] = VBfor[:, None] * E
    terms["DAVAX"] = VLdom[:, None] * DAE
    BY = B @ ec.Yu
    AxBY = by_importer(p, ec.Am, BY[:, :, None])[:, :, 0]
    Ad = A - ec.Am
    F = None

    def factors() -> np.ndarray:
        return per_economy(p, lambda a, b: np.linalg.inv(b - a @ b), Ad, ec.Bd)

    if perspective in OWN_FLOW:
        cdom, cfor = _own_flow(ec, Ad, VBdom, VBfor, perspective)
        terms["DVA"] = cdom * E
        terms["FVA"] = cfor * E
        terms["VAX"] = cdom * np.where(own, 0.0, E - AxBY)
        terms["REF"] = terms["DVA"] - terms["VAX"]
    elif approach == "source":
        terms["DVA"] = VLdom[:, None] * E
        terms["VAX"] = VLdom[:, None] * np.where(own, 0.0, E - AxBY)
        terms["REF"] = terms["DVA"] - terms["VAX"]
    else:
        F = factors()
        ehat = F @ Etot
        Rhat = F @ AxBY.sum(axis=1)
        Xt = ec.x[:, None] - B @ (H * ehat[:, None])
        Xh = BY - B @ (H * Rhat[:, None])
        Phi = ec.Ym + by_importer(p, ec.Am, Xt[:, :, None])[:, :, 0]
        Phir = by_importer(p, ec.Am, Xh[:, :, None])[:, :, 0]
        terms["DVA"] = VBdom[:, None] * Phi
        terms["REF"] = VBdom[:, None] * Phir
        terms["VAX"] = terms["DVA"] - terms["REF"]

    if perspective == "exporter":
        if approach == "source":
            F = factors() if F is None else F
            terms["FVA"] = (VBfor @ F)[:, None] * E
        else:
            terms["FVA"] = VBfor[:, None] * Phi
    elif perspective == "world" and approach == "source":
        terms["FVA"] = ((VLdom @ ec.Am) @ L)[:, None] * E
    elif perspective == "world":
        Wrex = L @ DAE.sum(axis=1)
        AW = to_blocks(p, ec.Am, Wrex[:, None])[:, :, 0]
        VBR = (v[:, None] * B).T @ H
        terms["FVA"] = VBfor[:, None] * DAE + np.where(own, 0.0, VBR * AW)

    terms["DDC"] = terms["DC"] - terms["DVA"]
    terms["FDC"] = terms["FC"] - terms["FVA"]
    terms["GVC"] = E - terms["DAVAX"]
    terms["GVCF"] = terms["DVA"] - terms["DAVAX"]
    terms["GVCB"] = terms["GVC"] - terms["GVCF"]
    return {k: terms[k] for k in BM_TERMS}


def _own_flow(
    ec: Economies, Ad: np.ndarray, VBdom: np.ndarray, VBfor: np.ndarray, perspective: str
) -> tuple[np.ndarray, np.ndarray]:
    """DVA* and FVA* coefficients (n, U) of the own-flow perimeters, eqs. (10)-(12)."""
    p = ec.part
    n, U = p.n, p.U
    if perspective == "sector":
        M = per_economy(p, lambda a, b: b - a @ b, Ad, ec.Bd)
        scale = 1.0 / np.diagonal(M)
        return (
            np.broadcast_to((VBdom * scale)[:, None], (n, U)),
            np.broadcast_to((VBfor * scale)[:, None], (n, U)),
        )
    if perspective == "bilateral_sector":
        alpha = (ec.Am * ec.B.T) @ p.H  # sum_{j in r} A[i, j] B[j, i]
        return VBdom[:, None] / (1.0 + alpha), VBfor[:, None] / (1.0 + alpha)
    cdom = np.zeros((n, U))
    cfor = np.zeros((n, U))
    for s, rows in enumerate(p.members):
        vb = np.stack([VBdom[rows], VBfor[rows]], axis=1)
        for r, cols in enumerate(p.members):
            if r == s:
                continue
            P = ec.A[np.ix_(rows, cols)] @ ec.B[np.ix_(cols, rows)]
            c = np.linalg.solve(np.eye(rows.size) + P.T, vb)  # c' = vb' (I + P)^-1
            cdom[rows, r], cfor[rows, r] = c[:, 0], c[:, 1]
    return cdom, cfor
