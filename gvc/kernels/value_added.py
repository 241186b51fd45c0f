"""Value-added origin of final demand and of gross exports (the Leontief decompositions).

``V B Y``: value added of every origin node absorbed in every destination's final demand
(Johnson & Noguera 2012, "Accounting for intermediates", JIE 86(2), eq. 5; the TiVA FD_VA
indicator). ``V B E``: where the value of each exporting node's gross exports was created
(Hummels, Ishii & Yi 2001 vertical specialisation; Koopman, Wang & Wei 2014, eq. 7 and 8;
TiVA EXGR_BSCI; R decompr ``leontief(post = "exports")``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _need(B: np.ndarray | None) -> np.ndarray:
    if B is None:
        raise ValueError("give B or a solve function")
    return B


def va_flows(
    B: np.ndarray | None,
    v: np.ndarray,
    Y: np.ndarray,
    *,
    solve: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Value added by origin node absorbed in each destination's final demand, ``v-hat B Y``.

    Row sums equal value added ``va = v * x`` on a balanced table (``B Y 1 = x``).

    Parameters
    ----------
    B : (n, n) global Leontief inverse.
    v : (n,) value-added coefficients.
    Y : (n, G) final demand by destination country.
    solve : ``rhs -> B rhs`` (e.g. LU solves, :meth:`gvc.indicators.derived.Derived.solve`)
        used instead of ``B``, which may then be None.

    Returns
    -------
    (n, G) array: ``[i, r]`` value added created in node ``i`` and absorbed in country ``r``.

    References
    ----------
    Johnson, R. C. and Noguera, G. (2012), J. Int. Econ. 86(2), 224-236, eq. (5).

    With ``A = [[0.2, 0.4], [0, 0]]``, so ``B = [[1.25, 0.5], [0, 1]]`` and ``v = [0.8, 0.6]``:

    >>> B = np.array([[1.25, 0.5], [0.0, 1.0]]); v = np.array([0.8, 0.6])
    >>> va_flows(B, v, np.array([[1.0, 0.0], [0.0, 1.0]]))
    array([[1. , 0.4],
           [0. , 0.6]])
    """
    BY = solve(Y) if solve is not None else _need(B) @ Y
    return v[:, None] * BY


def va_in_exports(B: np.ndarray, v: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Value-added origin of each node's gross exports, ``v-hat B e-hat``.

    Column ``j`` splits node ``j``'s gross exports ``e_j`` by the node that created the value;
    columns sum to ``e`` because ``1' v-hat B = 1'`` (value-added multipliers sum to one).

    Parameters
    ----------
    B : (n, n) global Leontief inverse.
    v : (n,) value-added coefficients.
    e : (n,) gross exports of every node.

    Returns
    -------
    (n, n) array: ``[i, j]`` value added of node ``i`` in the exports of node ``j``.

    References
    ----------
    Koopman, R., Wang, Z. and Wei, S.-J. (2014), AER 104(2), 459-494, eqs. (7)-(8);
    Hummels, D., Ishii, J. and Yi, K.-M. (2001), JIE 54(1), 75-96.

    >>> B = np.array([[1.25, 0.5], [0.0, 1.0]]); v = np.array([0.8, 0.6])
    >>> va_in_exports(B, v, np.array([2.0, 4.0]))
    array([[2. , 1.6],
           [0. , 2.4]])
    """
    out = B * e[None, :]
    out *= v[:, None]
    return out


def va_in_exports_by_country(
    B: np.ndarray | None,
    v: np.ndarray,
    e: np.ndarray,
    G: int,
    N: int,
    *,
    solve_left: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Value-added origin of each node's gross exports by source country, ``V_c B e-hat``.

    ``V_c`` is the (G, n) matrix holding ``v`` in the row of each node's own country, so
    ``[s, j] = sum over nodes i of country s of v_i b_ij e_j``: the column sums, by source
    country, of :func:`va_in_exports` (the grain of TiVA EXGR_BSCI: source country x exporting
    industry). One (G, n) x (n, n) product: ``G n^2`` flops and a (G, n) result, never the
    (n, n) matrix.

    Parameters
    ----------
    B : (n, n) global Leontief inverse.
    v : (n,) value-added coefficients.
    e : (n,) gross exports of every node.
    G, N : countries and sectors (node ``i`` belongs to country ``i // N``).
    solve_left : ``lhs -> lhs B`` for a (G, n) ``lhs`` used instead of ``B`` (which may then
        be None): G solves with the LU factors of ``I - A``, no inverse.

    Returns
    -------
    (G, n) array: ``[s, j]`` value added of country ``s`` in the exports of node ``j``.

    References
    ----------
    Koopman, R., Wang, Z. and Wei, S.-J. (2014), AER 104(2), 459-494, eqs. (7)-(8); OECD TiVA
    indicator EXGR_BSCI.

    >>> B = np.array([[1.25, 0.5], [0.0, 1.0]]); v = np.array([0.8, 0.6])
    >>> va_in_exports_by_country(B, v, np.array([2.0, 4.0]), G=2, N=1)
    array([[2. , 1.6],
           [0. , 2.4]])
    """
    n = G * N
    Vc = np.zeros((G, n))
    Vc[np.repeat(np.arange(G), N), np.arange(n)] = v
    out = solve_left(Vc) if solve_left is not None else Vc @ _need(B)
    out *= e[None, :]
    return out


def va_in_exports_columns(
    lu: tuple[np.ndarray, np.ndarray], v: np.ndarray, e: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Columns ``cols`` of :func:`va_in_exports` from the LU factors of ``I - A``, without B.

    ``v-hat B[:, cols] e-hat_cols`` with ``B[:, cols]`` solved from ``(I - A) X = I[:, cols]``
    (``lu`` from :func:`gvc.kernels.leontief.leontief_lu`): the node-by-node detail of a few
    exporting nodes on demand, at the cost of one LU (a third of an inverse) and ``k`` solves.

    Parameters
    ----------
    lu : ``(lu, piv)`` factors of ``I - A`` (scipy ``lu_factor`` layout).
    v : (n,) value-added coefficients.
    e : (n,) gross exports of every node.
    cols : (k,) exporting nodes wanted.

    Returns
    -------
    (n, k) array: ``[i, m]`` value added of node ``i`` in the exports of node ``cols[m]``.

    >>> from gvc.kernels.leontief import leontief_lu
    >>> lu = leontief_lu(np.array([[0.2, 0.4], [0.0, 0.0]]))
    >>> va_in_exports_columns(lu, np.array([0.8, 0.6]), np.array([2.0, 4.0]), np.array([1]))
    array([[1.6],
           [2.4]])
    """
    import scipy.linalg as sla

    cols = np.asarray(cols, dtype=np.int64)
    n = v.shape[0]
    rhs = np.zeros((n, cols.size))
    rhs[cols, np.arange(cols.size)] = 1.0
    out = sla.lu_solve(lu, rhs, overwrite_b=True, check_finite=False)
    out *= e[None, cols]
    out *= v[:, None]
    return out
