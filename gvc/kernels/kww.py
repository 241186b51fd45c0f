"""Koopman-Wang-Wei (2014) 9-term decomposition of each country's gross exports.

The KWW terms (the nine terms of KWW 2014, eq. (36), p. 481, as cited by exvatools'
``make_exvadec_kww`` source) are sums of the Wang-Wei-Zhu (2013) bilateral sector-level terms
over importers and exporting sectors (WWZ 2013, Appendix Table E2; the mapping R ``decompr``
6.8.0 uses in ``wwz2kww()``). Computing KWW this way gives exactly the country totals of KWW's own
formulas and lets callers reuse one WWZ run.
"""

from __future__ import annotations

import numpy as np

from gvc.kernels.wwz import wwz

#: KWW (2014) terms 1-9 (eq. (36) and Figure 1; names as in R decompr's ``kww()``) -> the WWZ
#: (2013) terms that add up to each one (WWZ Appendix Table E2, as reproduced in decompr's
#: ``wwz2kww()`` documentation).
KWW_FROM_WWZ: dict[str, tuple[str, ...]] = {
    "DVA_FIN": ("DVA_FIN",),
    "DVA_INT": ("DVA_INT", "DVA_INTrexI1"),
    "DVA_INTrex": ("DVA_INTrexF", "DVA_INTrexI2"),
    "RDV_FIN": ("RDV_FIN", "RDV_FIN2"),
    "RDV_INT": ("RDV_INT",),
    "DDC": ("DDC_FIN", "DDC_INT"),
    "FVA_FIN": ("MVA_FIN", "OVA_FIN"),
    "FVA_INT": ("MVA_INT", "OVA_INT"),
    "FDC": ("MDC", "ODC"),
}

#: The nine KWW (2014) term names, in the order of eq. (36).
KWW_TERMS: tuple[str, ...] = tuple(KWW_FROM_WWZ)

#: Groups of KWW terms (KWW 2014, Figure 1): value-added exports, domestic value added in
#: exports, returned domestic value added, foreign value added, pure double counting.
KWW_GROUPS: dict[str, tuple[str, ...]] = {
    "VAX": ("DVA_FIN", "DVA_INT", "DVA_INTrex"),
    "DVA": ("DVA_FIN", "DVA_INT", "DVA_INTrex", "RDV_FIN", "RDV_INT"),
    "RDV": ("RDV_FIN", "RDV_INT"),
    "FVA": ("FVA_FIN", "FVA_INT"),
    "PDC": ("DDC", "FDC"),
}


def wwz_to_kww(terms: dict[str, np.ndarray], G: int, N: int) -> dict[str, np.ndarray]:
    """Aggregate WWZ terms to the 9 KWW terms and their groups, per exporting country.

    ``KWW_k[s] = sum_{i, r} sum_{w in map(k)} WWZ_w[(s, i), r]`` with the mapping
    :data:`KWW_FROM_WWZ` (WWZ 2013, Table E2), then the groups of :data:`KWW_GROUPS`.

    Parameters
    ----------
    terms : dict of (n, G) WWZ terms as returned by :func:`gvc.kernels.wwz.wwz`.
    G, N : number of countries and sectors.

    Returns
    -------
    dict of (G,) arrays: the 9 terms of :data:`KWW_TERMS`, then VAX, DVA, RDV, FVA, PDC.

    References
    ----------
    Wang, Wei and Zhu (2013), NBER WP 19677, Appendix Table E2. Koopman, Wang and Wei
    (2014), AER 104(2), 459-494, eq. (36) (as cited by exvatools) and Figure 1.

    Examples
    --------
    >>> T = {k: np.ones((2, 2)) for w in KWW_FROM_WWZ.values() for k in w}
    >>> wwz_to_kww(T, 2, 1)["DVA_INT"]
    array([4., 4.])
    """
    by_country = {
        name: sum(terms[w].reshape(G, N * terms[w].shape[1]).sum(axis=1) for w in parts)
        for name, parts in KWW_FROM_WWZ.items()
    }
    out: dict[str, np.ndarray] = {k: np.asarray(v, dtype=np.float64) for k, v in by_country.items()}
    for name, parts in KWW_GROUPS.items():
        out[name] = np.sum([out[k] for k in parts], axis=0)
    return out


def kww(
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
    r"""Koopman-Wang-Wei 9-term decomposition of each country's gross exports.

    For exporter ``s`` with gross exports ``E^{s*} = sum_{r != s} (A^{sr}x^r + Y^{sr})``:

    .. math::

        E^{s*} = \underbrace{\text{DVA\_FIN} + \text{DVA\_INT} + \text{DVA\_INTrex}}_{VAX}
        + \underbrace{\text{RDV\_FIN} + \text{RDV\_INT}}_{RDV} + \text{DDC}
        + \underbrace{\text{FVA\_FIN} + \text{FVA\_INT}}_{FVA} + \text{FDC},

    with ``DVA = VAX + RDV`` and ``PDC = DDC + FDC`` (KWW 2014, eq. (36) for the nine terms,
    Figure 1 for the groups; the equation number as cited by exvatools, see References;
    the term names are R decompr's, the paper numbers the terms (1)-(9)). Each term is the
    sum of WWZ (2013) terms over importers and sectors (WWZ Table E2,
    :data:`KWW_FROM_WWZ`): DVA_INT = DVA_INT + DVA_INTrexI1, DVA_INTrex = DVA_INTrexF +
    DVA_INTrexI2, RDV_FIN = RDV_FIN + RDV_FIN2, DDC = DDC_FIN + DDC_INT, FVA_FIN = MVA_FIN +
    OVA_FIN, FVA_INT = MVA_INT + OVA_INT, FDC = MDC + ODC. This is how R ``decompr`` 6.8.0's
    ``wwz2kww(aggregate = TRUE)`` computes it, documented there to equal its ``kww()``.

    Parameters
    ----------
    Z : (n, n) intermediate flows, country-major.
    Y : (n, G) final demand by destination country.
    x : (n,) gross output (balanced table).
    va : (n,) value added.
    G, N : number of countries and sectors.
    B : optional precomputed global inverse (n, n).
    L : optional precomputed local inverses (G, N, N).

    Returns
    -------
    dict of (G,) arrays, one per exporting country: DVA_FIN, DVA_INT, DVA_INTrex, RDV_FIN,
    RDV_INT, DDC, FVA_FIN, FVA_INT, FDC, then the groups VAX, DVA, RDV, FVA, PDC.

    References
    ----------
    Koopman, R., Wang, Z. and Wei, S.-J. (2014). Tracing value-added and double counting in
    gross exports. American Economic Review 104(2), 459-494, eq. (36) (p. 481) and Figure 1.
    The equation number is as cited by exvatools' ``R/make_exvadec_kww.R`` ("Koopman et al.
    (2014, pag. 481, eq. 36)", https://rdrr.io/cran/exvatools/src/R/make_exvadec_kww.R).
    Wang, Z., Wei, S.-J. and Zhu, K. (2013). NBER WP 19677, Appendix Table E2 (the WWZ -> KWW
    mapping, reproduced in https://rdrr.io/cran/decompr/man/wwz2kww.html).

    Examples
    --------
    >>> Z = np.array([[1.0, 2.0], [0.5, 1.0]])
    >>> Y = np.array([[4.0, 3.0], [1.5, 5.5]])
    >>> x = Z.sum(1) + Y.sum(1)
    >>> K = kww(Z, Y, x, x - Z.sum(0), 2, 1)
    >>> float(round(sum(K[k][0] for k in KWW_TERMS), 12))  # gross exports of country 0
    5.0
    """
    return wwz_to_kww(wwz(Z, Y, x, va, G, N, B=B, L=L), G, N)
