"""OECD Trade in Value Added (TiVA) indicators, per exporting node, from one global inverse.

Which edition. The indicator names and the definitions below follow the OECD *Guide to
OECD's Trade in Value Added (TiVA) Indicators, 2018 edition* (OECD DSTI, December 2019) and
the *TiVA 2016 indicators - definitions* note (OECD, March 2017). Later editions exist: the
2021 guide (ICIO 2021 release, 1995-2018, 66 economies, 45 industries) and the 2022 edition
of the database (76 economies, 1995-2020, new industry codes with the same 45 industries;
OECD, "Measuring trade in value added", oecd.org/industry/measuring-trade-in-value-added.htm).
No guide for a 2023 edition, and no code that says it follows one, was found through the
search tool; of the guides only abstracts and tables of contents could be read, not their
formula pages. So whether the 2021, 2022 or 2023 definitions of EXGR_DVA, EXGR_DDC,
EXGR_IDC, EXGR_RIM, EXGR_FVA(SH), EXGR_DVAFX(SH), FD_VA, FFD_DVA, DFD_FVA, BALVAFD and
IMGR_DVA differ from the ones below is **not checked**. The one later statement seen: the
OECD.Stat metadata of the 2022 edition (dataset TIVA_2022_C3, November 2022) still derives
FFD_DVA and DFD_FVA from the origin-of-value-added-in-final-demand cube (value added of source
country and industry in the final demand of country c), as here.

The matrix formulas are the ones R ``exvatools`` implements under these codes
(``make_exvadec_oecd``, titled there "Make OECD (2019) decomposition", i.e. the 2018-edition
guide; cran/exvatools ``R/make_exvadec_oecd.R``, outputs ``"terms"`` and ``"tiva"``). Its
names map to ours as: ``EXGR_DVA`` = its ``DC`` (``v^c B^{cc}`` times exports),
``EXGR_DDC`` / ``EXGR_IDC`` = ``DVA1`` / ``DVA2`` (diagonal / off-diagonal of
``v^c L^{cc}``), ``EXGR_RIM`` = its internal ``DDC`` (``v^c (B^{cc} - L^{cc})``; not KWW's
double counting), ``EXGR_FVA`` = ``FC``, ``FD_VA`` = ``FDVA``, ``DXD_DVA`` = ``VAD``,
``FFD_DVA`` = ``VAX`` (off-diagonal blocks of ``V B Y``), ``DFD_FVA`` = ``VAM`` (the block
transpose of ``VAX``: absorbing country x source industry, by source country; our
``DFD_FVA`` is its row sum) and ``BALVAFD`` = ``VAX - VAM``, which exvatools keeps by
(country, source industry) x partner while ours is the (G, G) country total. exvatools has no
``EXGR_DVAFX`` (left as "Pending" in that file) and no ``IMGR_DVA``: ours are written from
their TiVA names (domestic VA in foreign exports; domestic VA in gross imports) and checked
against R ``gvc`` (``e2r``) and decompr's KWW terms respectively.

Notation (STYLE.md): ``v`` value-added coefficients, ``B = (I - A)^-1`` the global inverse,
``B^{cc}`` its domestic diagonal blocks, ``L^{cc} = (I - A^{cc})^-1`` the local inverses,
``e`` gross exports of each node (all sales, intermediate and final, to other countries) and
``Y`` final demand by destination country. For exporting node ``(c, k)``:

- ``EXGR_DVA = [v^c B^{cc}]_k e_k``  (column sums of the domestic block of ``V B e-hat``)
- ``EXGR_DDC = v_k L^{cc}_{kk} e_k``  (direct: the exporting industry's own value added)
- ``EXGR_IDC = ([v^c L^{cc}]_k - v_k L^{cc}_{kk}) e_k``  (indirect: other domestic industries)
- ``EXGR_RIM = [v^c (B^{cc} - L^{cc})]_k e_k``  (domestic VA that left and came back)
- ``EXGR_FVA = sum_{p != c} [v^p B^{pc}]_k e_k``  (foreign VA content)

so ``EXGR_DVA = EXGR_DDC + EXGR_IDC + EXGR_RIM`` and, because ``v'B = 1'`` on a balanced table
(``va = x - 1'Z``), ``EXGR = EXGR_DVA + EXGR_FVA``.
"""

from __future__ import annotations

import numpy as np

from gvc.kernels.blocks import bilateral_exports, country_of, sum_by_country_rows
from gvc.kernels.leontief import (
    check_table,
    domestic_blocks,
    global_inverse,
    input_coefficients,
    local_inverses,
    safe_divide,
    value_added_coefficients,
)

__all__ = ["tiva_indicators", "new_rca"]


def tiva_indicators(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    B: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """OECD TiVA indicators by exporting node (country x industry), from one global inverse.

    With ``e`` total gross exports, ``V B e-hat`` the value-added origin of every node's exports
    (row = origin node, column = exporting node) and ``V B Y`` the value-added origin of final
    demand by destination country:

    - ``EXGR, EXGR_INT, EXGR_FNL`` (n,): gross exports, intermediate, final.
    - ``EXGR_DVA`` (n,): column sums of the domestic blocks of ``V B e-hat``;
      split ``EXGR_DDC + EXGR_IDC + EXGR_RIM`` (module docstring).
    - ``EXGR_FVA`` (n,): column sums of the foreign blocks of ``V B e-hat``.
    - ``EXGR_DVASH, EXGR_FVASH`` (n,): shares of ``EXGR`` (fractions, not percent; 0 where
      ``EXGR = 0``).
    - ``EXGR_DVAFX`` (n,): domestic VA embodied in foreign exports, by origin node:
      ``v_i sum_{j not in c(i)} B_ij e_j`` (row sums of the foreign blocks of ``V B e-hat``);
      ``EXGR_DVAFXSH = EXGR_DVAFX / EXGR`` of the same node (0 where ``EXGR = 0``; the OECD
      publishes the country total over the country's total exports).
    - ``FD_VA`` (n, G): ``v-hat B Y``, VA of origin node ``i`` absorbed by final demand of
      country ``p``; row sums equal ``va`` on a balanced table.
    - ``FFD_DVA`` (n, G): ``FD_VA`` with the origin's own country set to 0 (domestic VA in
      foreign final demand, by partner).
    - ``DXD_DVA`` (n,): ``FD_VA[i, c(i)]``, domestic VA absorbed by domestic final demand.
    - ``DFD_FVA`` (G, N): foreign VA in domestic final demand, by absorbing country x source
      industry (summed over the source countries other than the absorbing one).
    - ``BALVAFD`` (G, G): ``F - F'`` with ``F[c, p]`` the VA of ``c`` absorbed in ``p``
      (country sums of ``FFD_DVA``): the balance of VA embodied in final demand,
      antisymmetric; row sums equal ``FFD_DVA - DFD_FVA`` by country.
    - ``IMGR_DVA`` (n, G): ``v_i sum_{j in p} B_ij E_{j, c(i)}`` for ``p != c(i)``: VA of
      origin node ``i`` embodied in its own country's gross imports from ``p`` (domestic VA
      that returns home in imports); the importer total is
      ``sum_by_country_rows(IMGR_DVA).sum(axis=1)``.

    Parameters
    ----------
    Z : (n, n) intermediate flows, country-major (``n = G * N``).
    Y : (n, G) final demand by destination country.
    x : (n,) gross output.
    va : (n,) value added (``x - 1'Z`` on a balanced table).
    G, N : countries and industries.
    B : optional precomputed ``(I - A)^-1`` (n, n), reused instead of inverting again.

    Returns
    -------
    dict of str to ndarray, shapes as listed above.

    Raises
    ------
    InputError
        shapes or values are wrong.
    NumericalError
        ``I - A`` is singular or the table is not productive.

    References
    ----------
    OECD (2019), Guide to OECD's Trade in Value Added (TiVA) Indicators, 2018 edition
    (indicator definitions; see the module docstring for what could be checked; later
    editions, 2021-2023, not compared).
    R ``exvatools`` ``make_exvadec_oecd`` (cran/exvatools ``R/make_exvadec_oecd.R``): the matrix
    formulas of EXGR_DVA, EXGR_DDC, EXGR_IDC, EXGR_RIM, EXGR_FVA, FD_VA, FFD_DVA, DFD_FVA,
    BALVAFD (name mapping in the module docstring).
    Koopman, Wang & Wei (2014), "Tracing value-added and double counting in gross exports",
    AER 104(2), sec. II (``V B E`` accounting).
    R ``gvc`` 6.4.0 (Quast & Kummritz): ``i2e`` = ``EXGR_FVA``, ``e2r`` = ``EXGR_DVAFX``,
    ``ffddva`` = row sums of ``FFD_DVA``, ``dfdfva`` = ``DFD_FVA``, ``dfddva`` = ``DXD_DVA``
    (tested on decompr's ``leather`` table).

    Examples
    --------
    Country 0 sells 10 of intermediates to country 1, which adds 5 and consumes the 15:

    >>> Z = np.array([[0.0, 10.0], [0.0, 0.0]]); Y = np.array([[0.0, 0.0], [0.0, 15.0]])
    >>> t = tiva_indicators(Z, Y, np.array([10.0, 15.0]), np.array([10.0, 5.0]), 2, 1)
    >>> t["EXGR"], t["EXGR_DVA"], t["EXGR_FVA"]
    (array([10.,  0.]), array([10.,  0.]), array([0., 0.]))
    >>> t["BALVAFD"]
    array([[  0.,  10.],
           [-10.,   0.]])
    """
    Z, Y, x, va = check_table(Z, Y, x, va, G, N)
    n = G * N
    B = global_inverse(Z, x, B)
    A = input_coefficients(Z, x)
    v = value_added_coefficients(va, x)
    c = country_of(G, N)
    own = c[:, None] == np.arange(G)[None, :]

    E_int, E_fin = bilateral_exports(Z, Y, G, N)
    E_bil = E_int + E_fin
    exgr_int = E_int.sum(axis=1)
    exgr_fnl = E_fin.sum(axis=1)
    e = exgr_int + exgr_fnl

    Bd = domestic_blocks(B, G, N)  # (G, N, N) B^{cc}
    L = local_inverses(A, G, N)  # (G, N, N) L^{cc}
    v4 = v.reshape(G, N)
    vBd = np.einsum("gi,gij->gj", v4, Bd).reshape(n)  # v^c B^{cc}, by column
    vB = v @ B
    vL = np.einsum("gi,gij->gj", v4, L).reshape(n)
    vLdiag = v * np.einsum("gii->gi", L).reshape(n)

    dva = vBd * e
    fva = (vB - vBd) * e
    ddc = vLdiag * e
    idc = (vL - vLdiag) * e
    rim = (vBd - vL) * e

    # Row sums of the foreign blocks of V B e-hat: total minus the domestic block.
    Bd_e = np.einsum("gij,gj->gi", Bd, e.reshape(G, N)).reshape(n)
    dvafx = v * (B @ e - Bd_e)

    fd_va = v[:, None] * (B @ Y)
    ffd_dva = np.where(own, 0.0, fd_va)
    dxd_dva = fd_va[own]
    dfd_fva = ffd_dva.reshape(G, N, G).sum(axis=0).T
    F = sum_by_country_rows(ffd_dva, G, N)
    balvafd = F - F.T

    # IMGR_DVA[i, p] = v_i sum_k B[i, (p, k)] E_bil[(p, k), c(i)]: the importer is the
    # origin's own country, so the einsum repeats the country index a.
    B4 = B.reshape(G, N, G, N)
    Eb = E_bil.reshape(G, N, G)
    imgr_dva = v[:, None] * np.einsum("aipk,pka->aip", B4, Eb).reshape(n, G)
    imgr_dva[own] = 0.0

    return {
        "EXGR": e,
        "EXGR_INT": exgr_int,
        "EXGR_FNL": exgr_fnl,
        "EXGR_DVA": dva,
        "EXGR_DDC": ddc,
        "EXGR_IDC": idc,
        "EXGR_RIM": rim,
        "EXGR_FVA": fva,
        "EXGR_DVASH": safe_divide(dva, e),
        "EXGR_FVASH": safe_divide(fva, e),
        "EXGR_DVAFX": dvafx,
        "EXGR_DVAFXSH": safe_divide(dvafx, e),
        "FD_VA": fd_va,
        "FFD_DVA": ffd_dva,
        "DXD_DVA": dxd_dva,
        "DFD_FVA": dfd_fva,
        "BALVAFD": balvafd,
        "IMGR_DVA": imgr_dva,
    }


def new_rca(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    G: int,
    N: int,
    *,
    B: np.ndarray | None = None,
) -> np.ndarray:
    """New revealed comparative advantage: a Balassa index on forward domestic VA in exports.

    ``R_i = v_i sum_{j in c(i)} B_ij e_j`` is the value added of node ``i`` embodied in its own
    country's gross exports (directly and through other domestic industries' exports);
    ``NRCA_{c,k} = (R_{c,k} / sum_k R_{c,k}) / (sum_c R_{c,k} / sum_{c,k} R_{c,k})``.

    Parameters
    ----------
    Z, Y, x, va, G, N, B : as :func:`tiva_indicators`.

    Returns
    -------
    (n,) array; 1 means the country's revealed VA export share of the industry equals the
    world's (0 where a country or industry has no domestic VA in exports).

    References
    ----------
    Koopman, Wang & Wei (2014), AER 104(2), the new revealed comparative advantage index
    (forward-linkage domestic VA in gross exports); Balassa (1965). Matches R ``gvc`` 6.4.0
    ``nrca`` on decompr's ``leather`` table.

    Examples
    --------
    Two symmetric countries, two industries: every index is 1.

    >>> Z = np.array([[1.0, 1, 1, 0], [1, 1, 0, 1], [1, 0, 1, 1], [0, 1, 1, 1]])
    >>> Y = np.array([[5.0, 2], [5, 2], [2, 5], [2, 5]])
    >>> x = Z.sum(1) + Y.sum(1)
    >>> new_rca(Z, Y, x, x - Z.sum(0), 2, 2)
    array([1., 1., 1., 1.])
    """
    Z, Y, x, va = check_table(Z, Y, x, va, G, N)
    B = global_inverse(Z, x, B)
    v = value_added_coefficients(va, x)
    e = np.add(*bilateral_exports(Z, Y, G, N)).sum(axis=1)
    Bd = domestic_blocks(B, G, N)
    R = v.reshape(G, N) * np.einsum("gij,gj->gi", Bd, e.reshape(G, N))
    share_c = safe_divide(R, R.sum(axis=1, keepdims=True))
    share_w = safe_divide(R.sum(axis=0, keepdims=True), R.sum())
    return safe_divide(share_c, share_w).reshape(G * N)
