r"""TiVA indicators and GVC participation with economies in place of countries.

The definitions of :func:`gvc.kernels.tiva.tiva_indicators` (OECD TiVA, 2018-edition guide,
matrix forms of exvatools), :func:`gvc.kernels.participation.wwyz_participation` (Wang, Wei,
Yu & Zhu 2017a) and :func:`gvc.kernels.participation.koopman_participation` (Koopman, Powers,
Wang & Wei 2010), with "country" read as "economy" of a
:class:`~gvc.kernels.partition.Partition`: exports are sales to other economies, domestic
value added is value added of any member, ``L`` the economy's local inverse, ``y^D`` final
goods absorbed inside the producer's economy. With every country its own economy they equal
the ungrouped kernels (tested to 1e-10).

Upstreamness (Antràs et al. 2012) and downstreamness (Fally 2012) do not depend on a
grouping (they use ``A`` and ``x`` only); production length and position (WWYZ 2017b) are
not computed here.
"""

from __future__ import annotations

import numpy as np

from gvc.kernels.leontief import safe_divide
from gvc.kernels.partition import Economies, by_importer

__all__ = ["grouped_tiva", "grouped_participation"]


def grouped_tiva(ec: Economies) -> dict[str, np.ndarray]:
    """OECD TiVA indicators by exporting node (and partner economy) for a grouping.

    Returns the names and shapes of :func:`gvc.kernels.tiva.tiva_indicators` with ``G``
    replaced by ``U`` (partners are economies): (n,) ``EXGR, EXGR_INT, EXGR_FNL, EXGR_DVA,
    EXGR_DDC, EXGR_IDC, EXGR_RIM, EXGR_FVA, EXGR_DVASH, EXGR_FVASH, EXGR_DVAFX,
    EXGR_DVAFXSH, DXD_DVA``; (n, U) ``FD_VA, FFD_DVA, IMGR_DVA``; (U, N) ``DFD_FVA``;
    (U, U) ``BALVAFD``. ``EXGR = EXGR_DVA + EXGR_FVA`` on a balanced table.

    Examples
    --------
    >>> from gvc.kernels.partition import Partition, economies
    >>> Z = np.array([[0.0, 10, 0], [0, 0, 15], [0, 0, 0]])
    >>> Y = np.array([[0.0, 0, 0], [0, 0, 0], [0, 0, 20]])
    >>> x, va = np.array([10.0, 15, 20]), np.array([10.0, 5, 5])
    >>> p = Partition.from_groups(["a", "b", "c"], {"ab": ["a", "b"]}, 1)
    >>> t = grouped_tiva(economies(Z, Y, x, va, p))
    >>> t["EXGR"], t["EXGR_DVA"]   # a -> b is domestic now; b's 15 carries a's 10
    (array([ 0., 15.,  0.]), array([ 0., 15.,  0.]))
    """
    p = ec.part
    own, H = p.own, p.H
    v, B, e = ec.v, ec.B, ec.e
    vBd = v @ ec.Bd
    vB = v @ B
    vL = v @ ec.L
    vLdiag = v * np.diagonal(ec.L)
    dva = vBd * e
    fva = (vB - vBd) * e
    dvafx = v * (B @ e - ec.Bd @ e)
    fd_va = v[:, None] * (B @ ec.Yu)
    ffd_dva = np.where(own, 0.0, fd_va)
    S = np.zeros((p.n, p.N))
    S[np.arange(p.n), p.sector] = 1.0
    F = H.T @ ffd_dva
    E_bil = ec.E_int + ec.E_fin
    imgr = v[:, None] * by_importer(p, B, E_bil[:, :, None])[:, :, 0]
    imgr[own] = 0.0
    return {
        "EXGR": e,
        "EXGR_INT": ec.E_int.sum(axis=1),
        "EXGR_FNL": ec.E_fin.sum(axis=1),
        "EXGR_DVA": dva,
        "EXGR_DDC": vLdiag * e,
        "EXGR_IDC": (vL - vLdiag) * e,
        "EXGR_RIM": (vBd - vL) * e,
        "EXGR_FVA": fva,
        "EXGR_DVASH": safe_divide(dva, e),
        "EXGR_FVASH": safe_divide(fva, e),
        "EXGR_DVAFX": dvafx,
        "EXGR_DVAFXSH": safe_divide(dvafx, e),
        "FD_VA": fd_va,
        "FFD_DVA": ffd_dva,
        "DXD_DVA": fd_va[own],
        "DFD_FVA": (S.T @ ffd_dva).T,
        "BALVAFD": F - F.T,
        "IMGR_DVA": imgr,
    }


def grouped_participation(ec: Economies, *, iv: str = "wwz") -> dict[str, np.ndarray]:
    """WWYZ (2017a) production-based and Koopman et al. (2010) trade-based participation.

    Node measures as in :func:`gvc.kernels.participation.wwyz_participation` (``V_D_f ...
    GVCPt_b_C``) and :func:`~gvc.kernels.participation.koopman_participation` (prefixed
    ``koopman_``: ``IV, FV, E, participation, position``), and economy measures (U,):
    ``GVCPt_f, GVCPt_b`` and ``koopman_IV, koopman_FV, koopman_E,
    koopman_participation, koopman_position`` (ratios of economy sums).

    Returns
    -------
    ``(node, economy)``-shaped dict: keys ending in ``_economy`` are (U,), the others (n,).
    """
    if iv not in ("wwz", "kww"):
        raise ValueError(f"iv must be 'wwz' or 'kww', not {iv!r}")
    p = ec.part
    n, H = p.n, p.H
    v, L, Am, B = ec.v, ec.L, ec.Am, ec.B
    y = ec.Yu.sum(axis=1)
    yD = ec.ydom
    yF = y - yD
    Lyd = L @ yD
    out: dict[str, np.ndarray] = {
        "V_D_f": v * Lyd,
        "V_RT_f": v * (L @ yF),
        "V_GVC_S_f": v * (L @ (Am @ Lyd)),
        "V_GVC_C_f": v * (L @ (Am @ (B @ y - Lyd))),
    }
    vL = v @ L
    vLAF = vL @ Am
    vLAFL = vLAF @ L
    out["V_D_b"] = vL * yD
    out["V_RT_b"] = vL * yF
    out["V_GVC_S_b"] = vLAFL * yD
    out["V_GVC_C_b"] = (vLAF @ B) * y - vLAFL * yD
    out["va"] = ec.va
    out["y"] = y
    for side, den in (("f", ec.va), ("b", y)):
        s, c = out[f"V_GVC_S_{side}"], out[f"V_GVC_C_{side}"]
        out[f"GVCPt_{side}"] = safe_divide(s + c, den)
        out[f"GVCPt_{side}_S"] = safe_divide(s, den)
        out[f"GVCPt_{side}_C"] = safe_divide(c, den)
        out[f"GVCPt_{side}_economy"] = safe_divide(H.T @ (s + c), H.T @ den)

    own = p.own
    Yx = y[:, None] - ec.Yu
    if iv == "kww":
        Yx = Yx - yD[:, None]
    Yx[own] = 0.0
    W = B @ Yx
    if iv == "wwz":
        W = W - (ec.Bd @ yD)[:, None]
    IV = vL * (Am @ W)[np.arange(n), p.unit]
    FV = (v @ B - v @ ec.Bd) * ec.e
    e = ec.e
    for key, (iv_, fv_, e_) in (
        ("koopman_{}", (IV, FV, e)),
        ("koopman_{}_economy", (H.T @ IV, H.T @ FV, H.T @ e)),
    ):
        out[key.format("IV")], out[key.format("FV")], out[key.format("E")] = iv_, fv_, e_
        ivs, fvs = safe_divide(iv_, e_), safe_divide(fv_, e_)
        out[key.format("participation")] = ivs + fvs
        out[key.format("position")] = np.log1p(ivs) - np.log1p(fvs)
    return out
