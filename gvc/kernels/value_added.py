"""Value-added origin of final demand and of gross exports (the Leontief decompositions).

``V B Y``: value added of every origin node absorbed in every destination's final demand
(Johnson & Noguera 2012, "Accounting for intermediates", JIE 86(2), eq. 5; the TiVA FD_VA
indicator). ``V B E``: where the value of each exporting node's gross exports was created
(Hummels, Ishii & Yi 2001 vertical specialisation; Koopman, Wang & Wei 2014, eq. 7 and 8;
TiVA EXGR_BSCI; R decompr ``leontief(post = "exports")``).
"""

from __future__ import annotations

import numpy as np


def va_flows(B: np.ndarray, v: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Value added by origin node absorbed in each destination's final demand, ``v-hat B Y``.

    Row sums equal value added ``va = v * x`` on a balanced table (``B Y 1 = x``).

    Parameters
    ----------
    B : (n, n) global Leontief inverse.
    v : (n,) value-added coefficients.
    Y : (n, G) final demand by destination country.

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
    return v[:, None] * (B @ Y)


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
