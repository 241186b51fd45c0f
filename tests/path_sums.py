"""Value-weighted sums over all paths of a chain, by path length (a test reference).

The reference sums every path ``i -> j_1 -> ... -> j_m -> final buyer`` of a chain by its
length ``m``, with no Leontief inverse and none of the closed forms of
:mod:`gvc.kernels.crossings`: the power series ``sum_m A^m y`` carried backwards from the final
buyer with masks (Hadamard weights) for each statistic. With ``h_m = A^m y`` the value of the
paths of ``m`` links starting at each node, and ``S_m`` the same paths weighted by a
link-additive count (link weight ``w``, final-leg weight ``f``), a path of ``m + 1`` links from
``j`` is a link ``j -> k`` followed by a path of ``m`` links from ``k``, so

    h_{m+1} = A h_m,    S_{m+1} = A S_m + (A o w) h_m,
    S2_{m+1} = A S2_m + 2 (A o w) S_m + (A o w^2) h_m     (sum of count squared)

starting from ``h_0 = y``, ``S_0 = y o f``, ``S2_0 = y o f^2``. Returns need the origin's
country ``s``: one column per ``s`` (links into ``s`` from abroad). Countries visited: the
value of ``i`` whose path avoids country ``c`` is the same series with ``c``'s nodes removed
(one column per ``c``), and ``E[#countries] = sum_c P(visit c)``. The series stops when the
value still to come, ``(B A^{M+1} |y|)_i``, is below 1e-10 of ``(B |y|)_i`` for every origin
(the inverse ``B`` is used for this stopping rule only).

Production stages (WWYZ 2017b segments) come the same way: a path of ``m`` links has ``m + 1``
stages, its first crossing splits them into the stages at home before it (the first stage
and the domestic links before the first crossing), the crossings of intermediate goods, and
the domestic links after it.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

TRUNCATION = 1e-10


def series_sums(
    A: np.ndarray,
    y: np.ndarray,
    dest: int,
    G: int,
    N: int,
    km: np.ndarray,
    cont: np.ndarray,
) -> dict[str, np.ndarray]:
    """Sums over all paths from each origin node into one destination, by path length.

    ``y`` (n,) the chain's final demand bought in country ``dest``; ``km`` (G, G);
    ``cont`` (G, K) continent shares. Returns (n,) sums: ``value`` (of the paths, i.e.
    ``(B y)_i``), ``crossings``, ``crossings2`` (count squared), ``intercontinental``, ``km``,
    ``returns``, ``visited`` (number of distinct countries, origin and buyer included),
    ``stages`` (production stages), ``stages_home`` (stages before the first crossing of an
    intermediate good), ``border_links`` (crossings of intermediate goods) and the truncation
    ``left`` (value not summed, relative to ``(B |y|)_i``).
    """
    n = G * N
    c = np.repeat(np.arange(G), N)
    foreign = 1.0 - np.eye(G)
    # country-pair link weights: a border; a border between continents (two independent draws
    # of the members of each side; never inside one table country); km of a border
    w_ic = (1.0 - cont @ cont.T) * foreign
    w_km = km * foreign
    # final-leg weights into the destination
    f_cross = foreign[c, dest]
    f_ic = w_ic[c, dest]
    f_km = w_km[c, dest]
    own = c[:, None] == np.arange(G)[None, :]  # [j, s]: node j lies in country s
    A_by_block = A.reshape(n, G, N).transpose(1, 0, 2)  # [s, j, k in s]

    # columns: |value|, value, S, S2, intercontinental, km, stages, stages at home before the
    # first crossing, crossings of intermediate goods; then returns (G) and avoid (G)
    K = 9
    M = np.zeros((n, K + 2 * G))
    M[:, 0], M[:, 1] = np.abs(y), y
    M[:, 2], M[:, 3] = y * f_cross, y * f_cross**2
    M[:, 4], M[:, 5] = y * f_ic, y * f_km
    M[:, 6], M[:, 7] = y, y  # one stage (the origin's), at home
    M[:, K + dest] = np.where(c != dest, y, 0.0)  # the final sale comes home to s = dest
    V = M[:, K + G :]
    V[:] = np.where(own, 0.0, y[:, None])  # paths avoiding c: no node of c ...
    V[:, dest] = 0.0  # ... and not bought in c
    total = M.copy()

    lu = scipy.linalg.lu_factor(np.eye(n) - A)  # for the stopping rule only
    scale = scipy.linalg.lu_solve(lu, np.abs(y))
    live = scale > 0
    for _ in range(10_000):
        # P[j, s, :] = sum_{k in s} a_jk (h_k, S_k, D_k): links from j into country s
        hs = M[:, [1, 2, 7]].reshape(G, N, 3)
        P = np.matmul(A_by_block, hs).transpose(1, 0, 2)  # (n, G, 3)
        cross = np.einsum("js,jsq->jq", foreign[c], P)  # (A o w) (h, S, D) for borders
        M = A @ M
        h = M[:, 1]  # A h_m: every path one link longer
        M[:, 3] += 2.0 * cross[:, 1] + cross[:, 0]  # w = w^2 for a 0/1 weight
        M[:, 2] += cross[:, 0]
        M[:, 4] += np.einsum("js,js->j", w_ic[c], P[:, :, 0])
        M[:, 5] += np.einsum("js,js->j", w_km[c], P[:, :, 0])
        M[:, 6] += h  # one more stage
        # a domestic first link adds a stage at home to the rest's; a foreign one ends them
        M[:, 7] += h - cross[:, 2]
        M[:, 8] += cross[:, 0]
        M[:, K : K + G] += np.where(own, 0.0, P[:, :, 0])  # into s from abroad
        M[:, K + G :][own] = 0.0
        total += M
        left = scipy.linalg.lu_solve(lu, M[:, 0])
        if np.all(left[live] <= TRUNCATION * scale[live]):
            break
    else:  # pragma: no cover - the tables here are productive
        raise AssertionError("power series did not converge")
    avoid = total[:, K + G :]
    return {
        "value": total[:, 1],
        "crossings": total[:, 2],
        "crossings2": total[:, 3],
        "intercontinental": total[:, 4],
        "km": total[:, 5],
        "stages": total[:, 6],
        "stages_home": total[:, 7],
        "border_links": total[:, 8],
        "returns": total[np.arange(n), K + c],
        # every country is visited unless avoided; the origin's own country always is
        "visited": G * total[:, 1] - (avoid.sum(axis=1) - avoid[np.arange(n), c]),
        "left": np.where(live, left / np.where(live, scale, 1.0), 0.0),
    }
