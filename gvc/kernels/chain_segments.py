"""Production-length segments of a value chain: domestic, border-crossing and foreign stages.

The production length of Wang, Wei, Yu & Zhu (2017b) counts the production stages value added
passes through before it is absorbed: ``v # B B y`` induced output per ``v # B y`` value added.
For a chain (a final-demand vector ``y``), :func:`chain_length_segments` splits the induced
output by origin node into WWYZ's three segments, taking the matrices a table's
:class:`~gvc.indicators.derived.Derived` already holds (``A``, ``B``, ``L``, ``v``). The
per-part version (D, RT, simple and complex GVC, forward and backward) is
:func:`gvc.kernels.lengths.production_length`; this kernel gives the same segment sums over
the parts at the cost of a few matrix-vector products.
"""

from __future__ import annotations

import numpy as np

from gvc.kernels.leontief import domestic_blocks
from gvc.kernels.participation import foreign_apply, local_apply

__all__ = ["chain_length_segments"]


def chain_length_segments(
    A: np.ndarray, B: np.ndarray, L: np.ndarray, v: np.ndarray, y: np.ndarray
) -> dict[str, np.ndarray]:
    """Induced output of a chain's value added by origin, split into WWYZ (2017b) segments.

    With ``y`` the chain's final demand (summed over destination columns), ``A^D`` / ``A^F``
    the domestic / foreign blocks of ``A`` and ``L`` the local inverses::

        value_added = v # B y
        domestic    = v # L B y               stages before the value first leaves its
                                              origin country (first stage included)
        border      = v # B A^F B y           border crossings of intermediate goods
        foreign     = v # L A^F B A^D B y     domestic links after the first crossing

    and ``domestic + border + foreign = v # B B y``, since ``B B = L B + B A^F B +
    L A^F B A^D B`` (from ``B = L + L A^F B`` and ``B = I + A B``). ``domestic`` is the sum of
    WWYZ's pure domestic, traditional-trade and GVC domestic-segment outputs,
    ``v # (L L y^D + L L y^F + L L A^F B y) = v # L B y`` (as ``L^-1 B = I + A^F B``);
    ``border`` and ``foreign`` are the GVC border and foreign segments (simple and complex
    together) of :func:`gvc.kernels.lengths.production_length`. The chain's length and its
    segments are these sums over origins divided by ``sum(value_added)``. The final sale of a
    good abroad is not a production stage and is not counted in ``border``.

    Parameters
    ----------
    A : (n, n) input coefficients, country-major.
    B : (n, n) global Leontief inverse ``(I - A)^-1``.
    L : (G, N, N) local Leontief inverses ``(I - A^{ss})^-1`` (``n = G * N``).
    v : (n,) value-added coefficients.
    y : (n,) or (n, k) the chain's final demand (columns are summed: the segments do not
        depend on where the final good is sold).

    Returns
    -------
    dict of (n,) arrays by origin node: ``value_added`` (table units) and the induced outputs
    ``domestic``, ``border``, ``foreign`` (value added times stages).

    References
    ----------
    Wang, Wei, Yu & Zhu (2017b), "Characterizing global value chains: production length and
    upstreamness", NBER WP 23261 (production length ``V-hat B B Y / V-hat B Y`` and its
    domestic, border-crossing and foreign segments; no equation numbers, see
    :func:`gvc.kernels.lengths.production_length` for the sources checked).

    Examples
    --------
    Country 0 sells 10 of intermediates to country 1, which adds 5 and consumes the 15:
    country 0's value added (10) goes through 1 stage at home and 1 border crossing.

    >>> from gvc.kernels.leontief import leontief_inverse, local_inverses
    >>> A = np.array([[0.0, 10 / 15], [0.0, 0.0]]); v = np.array([1.0, 1 / 3])
    >>> s = chain_length_segments(A, leontief_inverse(A), local_inverses(A, 2, 1), v,
    ...                           np.array([0.0, 15.0]))
    >>> s["value_added"], s["domestic"], s["border"], s["foreign"]
    (array([10.,  5.]), array([10.,  5.]), array([10.,  0.]), array([0., 0.]))
    """
    G, N, _ = L.shape
    yt = np.asarray(y, dtype=np.float64)
    if yt.ndim == 2:
        yt = yt.sum(axis=1)
    Ad = domestic_blocks(A, G, N)
    By = B @ yt
    border_in = foreign_apply(A, Ad, By)  # A^F B y
    foreign_in = foreign_apply(A, Ad, B @ local_apply(Ad, By))  # A^F B A^D B y
    return {
        "value_added": v * By,
        "domestic": v * local_apply(L, By),
        "border": v * (B @ border_in),
        "foreign": v * local_apply(L, foreign_in),
    }
