"""Structural path analysis: the largest single paths from value added to final demand.

A path ``i = j_0 -> j_1 -> ... -> j_m -> r`` carries
``value = v_i a_{i j_1} ... a_{j_{m-1} j_m} y_{j_m r}``; the values of all paths from ``i``
sum to ``v_i (B y)_i`` (the power series ``B = I + A + A^2 + ...``; Defourny & Thorbecke 1984).
The ``k`` largest are found by best-first search over path prefixes (a tree search in the
spirit of Lenzen 2003 and Peters & Hertwich 2006): a prefix of value ``p`` ending at node
``j`` can complete to paths worth at most ``p (B y)_j`` in total, so a prefix whose bound is
below the ``k``-th best path found so far, or below ``min_value``, is pruned, and the search
stops when no prefix on the frontier can beat the ``k``-th best. The result is exact (up to
``max_depth``): no enumeration of the exponentially many paths.

References
----------
Defourny, J. & Thorbecke, E. (1984). Structural path analysis and multiplier decomposition
within a social accounting matrix framework. Economic Journal 94(373), 111-136.
Lenzen, M. (2003). Environmentally important paths, linkages and key sectors in the Australian
economy. Structural Change and Economic Dynamics 14(1), 1-34.
Peters, G. P. & Hertwich, E. G. (2006). Structural analysis of international trade:
environmental impacts of Norway. Economic Systems Research 18(2), 155-181.
"""

from __future__ import annotations

import heapq
import itertools
from typing import NamedTuple

import numpy as np

from gvc.errors import InputError
from gvc.kernels.leontief import leontief_solve


class StructuralPath(NamedTuple):
    """One path from value added at ``nodes[0]`` to final demand for ``nodes[-1]``'s product.

    ``column`` is the column of ``y`` (the final buyer), ``destination`` its country (None when
    no destinations were given). ``crossings`` counts foreign links plus a cross-border final
    sale; ``km`` adds their distances (None when not computable).
    """

    value: float
    nodes: tuple[int, ...]
    column: int
    destination: int | None
    crossings: int | None
    km: float | None


def top_paths(
    A: np.ndarray,
    v: np.ndarray,
    y: np.ndarray,
    k: int = 20,
    *,
    dest_countries: np.ndarray | None = None,
    country_of_node: np.ndarray | None = None,
    km: np.ndarray | None = None,
    B: np.ndarray | None = None,
    min_value: float = 0.0,
    max_depth: int | None = None,
    origins: np.ndarray | None = None,
) -> list[StructuralPath]:
    """The ``k`` largest structural paths ``v_i a_{i j_1} ... a_{j_{m-1} j_m} y_{j_m r}``.

    Best-first search over prefixes ordered by the bound ``p (B y)_j`` (see the module
    docstring); every expansion scores all ``n`` children of a node at once with numpy.

    Parameters
    ----------
    A : (n, n) input coefficients.
    v : (n,) value-added coefficients.
    y : (n, R) final demand by buyer column (or (n,)).
    k : number of paths.
    dest_countries : (R,) int destination country of each column of ``y``; needed to count the
        final sale as a crossing and its km.
    country_of_node : (n,) int country of each node; enables ``crossings``.
    km : (G, G) distances between countries in km; enables ``km`` (needs ``dest_countries``).
    B : (n, n) precomputed Leontief inverse; without it ``(B y)`` comes from one LU solve.
    min_value : report only paths worth more than this (also prunes the search).
    max_depth : at most this many intermediate links (None: unlimited).
    origins : (n,) bool or int indices of allowed origin nodes (default all).

    Returns
    -------
    list of :class:`StructuralPath`, largest value first (at most ``k``).

    References
    ----------
    Defourny & Thorbecke (1984); Lenzen (2003), sec. 2.2; Peters & Hertwich (2006), sec. 3
    (full entries in the module docstring).

    Examples
    --------
    >>> A = np.array([[0.0, 0.6], [0.0, 0.0]]); v = np.array([1.0, 0.4])
    >>> for p in top_paths(A, v, np.array([[0.0], [1.0]]), 3, dest_countries=np.array([0]),
    ...                    country_of_node=np.array([0, 1])):
    ...     print(p.value, p.nodes, p.crossings)
    0.6 (0, 1) 2
    0.4 (1,) 1
    """
    A = np.asarray(A, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    Y = np.asarray(y, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[:, None]
    n = A.shape[0]
    R = Y.shape[1]
    if A.shape != (n, n) or v.shape != (n,) or Y.shape[0] != n:
        raise InputError("A must be (n, n), v (n,) and y (n, R)")
    dest = None if dest_countries is None else np.asarray(dest_countries, dtype=np.intp)
    if dest is not None and dest.shape != (R,):
        raise InputError("dest_countries must be (R,) for y (n, R)")
    c = None if country_of_node is None else np.asarray(country_of_node, dtype=np.intp)
    D = None if km is None else np.asarray(km, dtype=np.float64)
    if D is not None and (c is None or dest is None):
        raise InputError("km needs country_of_node and dest_countries")
    y_tot = Y.sum(axis=1)
    By = B @ y_tot if B is not None else leontief_solve(A, y_tot)
    max_depth = np.iinfo(np.int64).max if max_depth is None else max_depth

    best: list[tuple[float, int, tuple[int, ...], int]] = []  # min-heap of the k best paths
    tie = itertools.count()

    def threshold() -> float:
        return max(min_value, best[0][0]) if len(best) == k else min_value

    if origins is None:
        start = np.arange(n)
    else:
        o = np.asarray(origins)
        start = np.flatnonzero(o) if o.dtype == bool else o.astype(np.intp)
    bound0 = v[start] * By[start]
    # prefixes: (-bound, tie-break, value so far, nodes)
    frontier: list[tuple[float, int, float, tuple[int, ...]]] = [
        (-float(b), next(tie), float(v[i]), (int(i),))
        for i, b in zip(start, bound0, strict=True)
        if b > min_value
    ]
    heapq.heapify(frontier)
    while frontier:
        neg_bound, _, p, path = heapq.heappop(frontier)
        thr = threshold()
        if -neg_bound <= thr:
            break
        j = path[-1]
        vals = p * Y[j]
        for r in np.flatnonzero(vals > thr).tolist():
            item = (float(vals[r]), next(tie), path, r)
            if len(best) < k:
                heapq.heappush(best, item)
            else:
                heapq.heappushpop(best, item)
            thr = threshold()
        if len(path) - 1 >= max_depth:
            continue
        q = p * A[j]
        bounds = q * By
        for m in np.flatnonzero(bounds > thr).tolist():
            heapq.heappush(frontier, (-float(bounds[m]), next(tie), float(q[m]), (*path, m)))

    out: list[StructuralPath] = []
    for value, _, path, r in sorted(best, key=lambda t: (-t[0], t[1])):
        dc = None if dest is None else int(dest[r])
        crossings = None
        dist = None
        if c is not None:
            cs = c[list(path)]
            legs = [(int(a), int(b)) for a, b in itertools.pairwise(cs) if a != b]
            if dc is not None and cs[-1] != dc:
                legs.append((int(cs[-1]), dc))
            crossings = len(legs)
            if D is not None:
                dist = float(sum(D[a, b] for a, b in legs))
        out.append(StructuralPath(value, path, r, dc, crossings, dist))
    return out
