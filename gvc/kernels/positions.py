"""Position in value chains as Antràs & Chor (2018) publish it: U, D, F/GO and VA/GO.

Four measures per node (country x industry) or, on the table collapsed to countries, per
country (Antràs & Chor 2018, section 2; their notation in brackets, ours in code):

- ``F/GO = F_i / x_i``: share of gross output sold to final use (their ``F^r_i / Y^r_i``).
- ``VA/GO = 1 - sum_i a_ij``: share of primary inputs (everything that is not an intermediate
  input: value added, net taxes, margins) in gross output (their ``VA^s_j / Y^s_j``).
- upstreamness ``U = x-hat^-1 (I - A)^-1 x`` (their eq. 5; Fally's recursion, eq. 6, is the
  same number): ``U_i = 1 + sum_j (a_ij x_j / x_i) U_j``.
- downstreamness ``D' = 1'(I - A)^-1`` (their eq. 7/8, Miller & Temurshoev 2017's input
  downstreamness): ``D_j = 1 + sum_i a_ij D_i``.

**Net-inventory correction** (Antràs, Chor, Fally & Hillberry 2012; applied by Antràs & Chor
2018, p. 11 and footnote 10): gross output ``x_i`` includes the net change in inventories
``N_i``, which no industry or final user buys. Every intermediate sale ``z_ij`` and every
non-inventory final sale of row ``i`` is scaled by ``s_i = x_i / (x_i - N_i)``, gross output
unchanged, so that the corrected row again adds up to ``x_i``. Then ``A~ = s-hat A`` and
``F~ = s # (final sales less N)``, and the four measures are computed from ``A~`` and ``F~``.
Where ``x_i - N_i <= 0`` (everything produced went to inventories, as on a few small nodes of
the integer-truncated WIOD 1995) the correction is undefined and the row is left unscaled.

**Zero output** (the convention of the authors' published node values,
``WIOD2013_GVCmeasures_Dec2017.dta``): ``U = D = VA/GO = 1``, ``F/GO`` undefined (NaN).
These are what the recursions give for a node with an empty row and column of ``A`` (its
output is "final" and uses no inputs), and ``0/0`` for the share.

**Country level** (Antràs & Chor 2018, section 2.3 and p. 12): the table is collapsed to G x G
countries (intermediate flows, final sales, inventories and output summed over industries),
the correction is applied with each country's aggregate inventories, and the four measures
are computed on the collapsed table. F/GO and VA/GO of the collapsed table equal the
output-weighted means of the node values (their eqs. 9, 10) when uncorrected; U and D do not.
The world value of each measure is the output-weighted mean over countries (p. 10); on the
corrected or uncorrected closed world table world F/GO = world VA/GO and world U = world D
(Miller & Temurshoev 2017, Proposition 1).

References
----------
Antràs, P. and Chor, D. (2018), "On the Measurement of Upstreamness and Downstreamness in
Global Value Chains", in L. Y. Ing and M. Yu (eds.), *World Trade Evolution*, Routledge,
pp. 126-194; NBER WP 24185 (version of 30 October 2017 used here: eqs. 1-10, pp. 5-12).
Antràs, P., Chor, D., Fally, T. and Hillberry, R. (2012), "Measuring the Upstreamness of
Production and Trade Flows", American Economic Review P&P 102(3): 412-416 (definition of U
and the net-inventory correction).
Fally, T. (2012), "Production Staging: Measurement and Facts", mimeo.
Miller, R. E. and Temurshoev, U. (2017), "Output Upstreamness and Input Downstreamness of
Industries/Countries in World Production", International Regional Science Review 40(5).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lu_factor, lu_solve

from gvc.kernels.leontief import nan_divide, safe_divide

__all__ = [
    "collapse_to_countries",
    "country_position_measures",
    "inventory_scale",
    "position_measures",
]


def inventory_scale(x: np.ndarray, inventories: np.ndarray) -> np.ndarray:
    """Row factors ``s_i = x_i / (x_i - N_i)`` of the net-inventory correction.

    Parameters
    ----------
    x : (n,) gross output.
    inventories : (n,) net change in inventories ``N_i`` of each row (summed over all
        destination countries).

    Returns
    -------
    (n,) factors; 1 where ``x_i = 0`` or ``x_i - N_i <= 0`` (correction undefined).

    References
    ----------
    Antràs, Chor, Fally & Hillberry (2012), AER P&P 102(3); Antràs & Chor (2018), p. 11.

    Examples
    --------
    A node producing 10, of which 2 go into inventories, sells 8: scaled by 10/8.

    >>> inventory_scale(np.array([10.0, 5.0, 0.0]), np.array([2.0, -1.0, 0.0]))
    array([1.25      , 0.83333333, 1.        ])
    """
    x = np.asarray(x, dtype=np.float64)
    sold = x - np.asarray(inventories, dtype=np.float64)
    ok = (x != 0) & (sold > 0)
    out = np.ones_like(x)
    np.divide(x, sold, out=out, where=ok)
    return out


def position_measures(
    A: np.ndarray,
    x: np.ndarray,
    final_use: np.ndarray,
    inventories: np.ndarray | None = None,
    *,
    B: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Upstreamness, downstreamness, F/GO and VA/GO, with or without the inventory correction.

    With ``s`` from :func:`inventory_scale` (all ones when ``inventories`` is None)::

        A~ = s-hat A,  F~ = s # (final_use - N),  B~ = (I - A~)^-1
        U  = x-hat^-1 B~ x       D' = 1' B~       F/GO = F~ / x       VA/GO = 1 - 1'A~

    and, where ``x_i = 0``: ``U_i = D_i = VA/GO_i = 1``, ``F/GO_i = NaN``.

    Parameters
    ----------
    A : (n, n) input coefficients ``Z x-hat^-1`` of the table as it is (uncorrected).
    x : (n,) gross output.
    final_use : (n,) all final sales of each row (``Y 1``, inventory changes included).
    inventories : (n,) net inventory change of each row; None for the uncorrected measures.
    B : optional ``(I - A)^-1`` of the uncorrected ``A``, reused when ``inventories`` is None
        (the corrected measures need ``(I - A~)^-1``: one LU of ``I - A~`` and two solves).

    Returns
    -------
    dict of (n,) arrays ``upstreamness``, ``downstreamness``, ``final_use_share``,
    ``value_added_share``.

    References
    ----------
    Antràs & Chor (2018), NBER WP 24185, eqs. 5-8 and p. 11 (correction); Antràs, Chor, Fally
    & Hillberry (2012), AER P&P 102(3); Miller & Temurshoev (2017), IRSR 40(5).

    Examples
    --------
    Node 0 sells 6 to node 1, 2 to final users and puts 2 in inventories; node 1 sells its 10
    to final users. Corrected, node 0's sales are scaled by 10/8: 7.5 to node 1, 2.5 final.

    >>> Z = np.array([[0.0, 6.0], [0.0, 0.0]]); x = np.array([10.0, 10.0])
    >>> A = Z / x
    >>> m = position_measures(A, x, np.array([4.0, 10.0]), np.array([2.0, 0.0]))
    >>> m["upstreamness"], m["final_use_share"], m["downstreamness"]
    (array([1.75, 1.  ]), array([0.25, 1.  ]), array([1.  , 1.75]))
    >>> position_measures(A, x, np.array([4.0, 10.0]))["upstreamness"]
    array([1.6, 1. ])
    """
    A = np.asarray(A, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    final = np.asarray(final_use, dtype=np.float64)
    n = x.size
    if A.shape != (n, n) or final.shape != (n,):
        raise ValueError(f"A must be ({n}, {n}) and final_use ({n},); got {A.shape}, {final.shape}")
    if inventories is None:
        At, Ft = A, final
        if B is None:
            lu = lu_factor(np.eye(n) - At)
            Bx, colsum = lu_solve(lu, x), lu_solve(lu, np.ones(n), trans=1)
        else:
            Bx, colsum = B @ x, B.sum(axis=0)
    else:
        N = np.asarray(inventories, dtype=np.float64)
        s = inventory_scale(x, N)
        At = s[:, None] * A
        Ft = s * (final - N)
        lu = lu_factor(np.eye(n) - At)
        Bx, colsum = lu_solve(lu, x), lu_solve(lu, np.ones(n), trans=1)
    zero = x == 0
    U = safe_divide(Bx, x)
    U[zero] = 1.0
    return {
        "upstreamness": U,
        "downstreamness": colsum,
        "final_use_share": nan_divide(Ft, x),
        "value_added_share": 1.0 - At.sum(axis=0),
    }


def collapse_to_countries(
    Z: np.ndarray, x: np.ndarray, vectors: dict[str, np.ndarray], G: int, N: int
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The table summed over industries: (G, G) flows, (G,) output and (G,) row vectors.

    ``Z^c_rs = sum_{k, l} z^{kl}_{rs}`` (Antràs & Chor 2018, section 2.3).

    >>> Z = np.arange(16.0).reshape(4, 4)
    >>> Zc, xc, v = collapse_to_countries(Z, np.ones(4), {"f": np.arange(4.0)}, 2, 2)
    >>> Zc, xc, v["f"]
    (array([[10., 18.],
           [42., 50.]]), array([2., 2.]), array([1., 5.]))
    """
    Zc = np.asarray(Z, dtype=np.float64).reshape(G, N, G, N).sum(axis=(1, 3))
    xc = np.asarray(x, dtype=np.float64).reshape(G, N).sum(axis=1)
    return (
        Zc,
        xc,
        {k: np.asarray(v, dtype=np.float64).reshape(G, N).sum(axis=1) for k, v in vectors.items()},
    )


def country_position_measures(
    Z: np.ndarray,
    x: np.ndarray,
    final_use: np.ndarray,
    inventories: np.ndarray | None,
    G: int,
    N: int,
) -> dict[str, np.ndarray]:
    """The four measures per country, on the table collapsed to G x G countries.

    Collapse (:func:`collapse_to_countries`), then :func:`position_measures` on
    ``A^c = Z^c (x^c-hat)^-1`` with each country's aggregate final sales and, when
    ``inventories`` is given, aggregate inventories (the correction of Antràs & Chor 2018,
    p. 12: "a corresponding net inventory correction based on country-level aggregate
    inventories").

    Parameters
    ----------
    Z : (n, n) intermediate flows.
    x : (n,) gross output.
    final_use : (n,) all final sales of each row (inventory changes included).
    inventories : (n,) net inventory change of each row, or None (uncorrected).
    G, N : countries and industries.

    Returns
    -------
    dict of (G,) arrays, keys as :func:`position_measures`.

    References
    ----------
    Antràs & Chor (2018), NBER WP 24185, section 2.3 and Table 1.

    Examples
    --------
    Two countries of one industry each: the country level is the node level.

    >>> Z = np.array([[0.0, 6.0], [0.0, 0.0]])
    >>> country_position_measures(Z, np.array([10.0, 10.0]), np.array([4.0, 10.0]),
    ...                           np.array([2.0, 0.0]), 2, 1)["upstreamness"]
    array([1.75, 1.  ])
    """
    vec = {"final": final_use}
    if inventories is not None:
        vec["inv"] = inventories
    Zc, xc, v = collapse_to_countries(Z, x, vec, G, N)
    return position_measures(safe_divide(Zc, xc[None, :]), xc, v["final"], v.get("inv"))
