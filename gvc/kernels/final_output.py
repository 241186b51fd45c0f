"""Final-product value chains: who adds the value in the final output of each product.

The value chain of a final product is identified by its country-industry of completion
``j`` (e.g. German transport equipment). Its final output ``y_j = (Y 1)_j`` is all final
demand for ``j``'s products, wherever consumed and whatever the category (inventory changes
included, as in WIOD's final use). The value added by node ``i`` in it is element ``(i, j)`` of

    ``K = v-hat B y-hat``   (``v = va / x``, ``B = (I - A)^-1``)

(Timmer et al. 2015, eq. 1 with ``C`` the final demand for ``j``'s products; Los, Timmer &
de Vries 2015). Column sums are ``(v'B)_j y_j = y_j`` on a table whose value added is the
residual ``x - 1'Z`` (``v'B = 1'``): the value added over all origins is the final output.
Rows summed by origin country give the ``(G, n)`` matrix ``S v-hat B y-hat`` (``S`` sums the
nodes of each country), the grain users query; the ``(n, n)`` detail is an opt-in step.

Derived measures:

- foreign value-added share of final output of ``j`` (Los, Timmer & de Vries 2015; Timmer et
  al. 2014, "foreign value-added content of production"):
  ``FVAS_j = sum_{i not in c(j)} v_i B_ij``, i.e. ``1 - (domestic VA)/y_j`` on a residual-VA
  table; defined per unit of final output (also where ``y_j = 0``), NaN where ``x_j = 0``.
- GVC income of country ``c`` from a product group ``P`` (Timmer, Los, Stehrer & de Vries
  2013; Timmer et al. 2014): ``sum_{j in P} (S v-hat B)_{cj} y_j``, the value added by ``c`` in
  the final output of the products of ``P`` completed anywhere in the world; summed over
  ``c`` it is the world final output of ``P``.

References
----------
Timmer, M. P., Erumban, A. A., Los, B., Stehrer, R. and de Vries, G. J. (2014), "Slicing Up
Global Value Chains", Journal of Economic Perspectives 28(2): 99-118.
Los, B., Timmer, M. P. and de Vries, G. J. (2015), "How Global Are Global Value Chains? A New
Approach to Measure International Fragmentation", Journal of Regional Science 55(1): 66-92.
Timmer, M. P., Dietzenbacher, E., Los, B., Stehrer, R. and de Vries, G. J. (2015), "An
Illustrated User Guide to the World Input-Output Database: the Case of Global Automotive
Production", Review of International Economics 23(3): 575-605 (eq. 1; Tables 1, 3 and 4: the
German automotive chain and GVC income in automotives on WIOD 2013).
Timmer, M. P., Los, B., Stehrer, R. and de Vries, G. J. (2013), "Fragmentation, Incomes and
Jobs: an Analysis of European Competitiveness", Economic Policy 28(76): 613-661 (GVC income).
"""

from __future__ import annotations

import numpy as np

from gvc.kernels.blocks import country_of

__all__ = [
    "final_output_va_by_country",
    "final_output_va_by_node",
    "foreign_va_share",
    "gvc_income",
]


def _va_per_unit_by_country(v: np.ndarray, B: np.ndarray, G: int, N: int) -> np.ndarray:
    # S v-hat B as G products (1 x N) @ (N x n): no n x n temporary
    n = G * N
    return np.matmul(v.reshape(G, 1, N), B.reshape(G, N, n))[:, 0, :]


def final_output_va_by_country(
    v: np.ndarray, B: np.ndarray, y: np.ndarray, G: int, N: int
) -> np.ndarray:
    """Value added by each origin country in the final output of each node: ``S v-hat B y-hat``.

    Parameters
    ----------
    v : (n,) value-added coefficients ``va / x`` (0 where ``x = 0``).
    B : (n, n) global Leontief inverse.
    y : (n,) final output of each node, ``Y 1`` (all destinations and categories).
    G, N : countries and industries.

    Returns
    -------
    (G, n) array: element ``(c, j)`` is the value added in country ``c`` embodied in the final
    output of node ``j``; column sums equal ``y`` where ``v'B = 1'``.

    References
    ----------
    Timmer et al. (2015), RoIE 23(3), eq. 1; Los, Timmer & de Vries (2015), JRS 55(1).

    Examples
    --------
    Country 0 sells 4 of inputs to country 1, which adds 6 and sells 10 of final goods.

    >>> B = np.array([[1.0, 0.4], [0.0, 1.0]])
    >>> final_output_va_by_country(np.array([1.0, 0.6]), B, np.array([0.0, 10.0]), 2, 1)
    array([[0., 4.],
           [0., 6.]])
    """
    v = np.asarray(v, dtype=np.float64)
    return _va_per_unit_by_country(v, B, G, N) * np.asarray(y, dtype=np.float64)[None, :]


def final_output_va_by_node(v: np.ndarray, B: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The full ``(n, n)`` matrix ``v-hat B y-hat``: value added by node ``i`` in ``j``'s output.

    References
    ----------
    Timmer et al. (2015), RoIE 23(3), eq. 1 and Figure 3 (the accounting framework).

    >>> final_output_va_by_node(np.array([1.0, 0.6]), np.array([[1.0, 0.4], [0.0, 1.0]]),
    ...                         np.array([0.0, 10.0]))
    array([[0., 4.],
           [0., 6.]])
    """
    v = np.asarray(v, dtype=np.float64)
    return (v[:, None] * B) * np.asarray(y, dtype=np.float64)[None, :]


def foreign_va_share(v: np.ndarray, B: np.ndarray, x: np.ndarray, G: int, N: int) -> np.ndarray:
    """Foreign value added per unit of final output of each node: ``sum_{i not in c(j)} v_i B_ij``.

    Parameters
    ----------
    v : (n,) value-added coefficients.
    B : (n, n) global Leontief inverse.
    x : (n,) gross output (the share is NaN where ``x_j = 0``).
    G, N : countries and industries.

    Returns
    -------
    (n,) shares (``1 - domestic share`` where ``v'B = 1'``).

    References
    ----------
    Los, Timmer & de Vries (2015), JRS 55(1) (foreign value-added share in final output);
    Timmer et al. (2014), JEP 28(2); Timmer et al. (2015), RoIE 23(3), Figure 4.

    Examples
    --------
    >>> B = np.array([[1.0, 0.4], [0.0, 1.0]])
    >>> foreign_va_share(np.array([1.0, 0.6]), B, np.array([4.0, 10.0]), 2, 1)
    array([0. , 0.4])
    """
    v = np.asarray(v, dtype=np.float64)
    per_unit = _va_per_unit_by_country(v, B, G, N)  # (G, n)
    n = G * N
    own = per_unit[country_of(G, N), np.arange(n)]
    out = per_unit.sum(axis=0) - own
    out[np.asarray(x) == 0] = np.nan
    return out


def gvc_income(va_by_country: np.ndarray, in_group: np.ndarray) -> np.ndarray:
    """GVC income of each country from a product group: ``sum_{j in P} (S v-hat B y-hat)_cj``.

    Parameters
    ----------
    va_by_country : (G, n) from :func:`final_output_va_by_country`.
    in_group : (n,) booleans, True for the final-product nodes of the group (e.g. the
        manufacturing industries of every country).

    Returns
    -------
    (G,) value added by each country in the world final output of the group.

    References
    ----------
    Timmer, Los, Stehrer & de Vries (2013), Economic Policy 28(76); Timmer et al. (2014),
    JEP 28(2); Timmer et al. (2015), RoIE 23(3), Table 4 (GVC income in automotives).

    >>> gvc_income(np.array([[0.0, 4.0], [0.0, 6.0]]), np.array([False, True]))
    array([4., 6.])
    """
    mask = np.asarray(in_group, dtype=bool)
    return np.asarray(va_by_country, dtype=np.float64)[:, mask].sum(axis=1)
