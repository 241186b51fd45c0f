"""Tests for gvc.kernels.paths.top_paths: against brute-force enumeration of paths."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gvc.kernels.paths import top_paths


def table(seed, G=3, N=2, R=3, colsum=(0.2, 0.6)):
    rng = np.random.default_rng(seed)
    n = G * N
    A = rng.uniform(0, 1, (n, n)) * (rng.uniform(0, 1, (n, n)) < 0.7)
    A *= rng.uniform(*colsum, n)[None, :] / np.maximum(A.sum(axis=0), 1e-300)[None, :]
    v = 1.0 - A.sum(axis=0)
    Y = rng.uniform(0, 1, (n, R)) * (rng.uniform(0, 1, (n, R)) < 0.8)
    dest = rng.integers(0, G, R)
    D = rng.uniform(100, 10_000, (G, G))
    D = (D + D.T) / 2
    np.fill_diagonal(D, 0.0)
    return A, v, Y, dest, D


def all_paths_above(A, v, Y, tau, max_depth=None):
    """Every path worth at least ``tau``, by plain recursion over prefixes.

    A prefix whose completions sum (``p (B y)_j``, B from numpy) to less than ``tau`` cannot hold
    a path worth ``tau`` and is not expanded.
    """
    n = A.shape[0]
    By = np.linalg.solve(np.eye(n) - A, Y.sum(axis=1))
    out = []

    def rec(p, path):
        j = path[-1]
        for r in range(Y.shape[1]):
            if p * Y[j, r] >= tau:
                out.append((p * Y[j, r], path, r))
        if max_depth is not None and len(path) - 1 >= max_depth:
            return
        for k in range(n):
            if p * A[j, k] * By[k] >= tau:
                rec(p * A[j, k], (*path, k))

    for i in range(n):
        rec(v[i], (i,))
    return sorted(out, key=lambda t: -t[0])


def crossings_and_km(path, r, c, dest, D):
    stops = [int(c[j]) for j in path] + [int(dest[r])]
    legs = [(a, b) for a, b in zip(stops[:-1], stops[1:], strict=True) if a != b]
    return len(legs), sum(D[a, b] for a, b in legs)


@pytest.mark.parametrize(("seed", "G", "N"), [(0, 3, 2), (1, 3, 2), (2, 6, 5)])
def test_top_paths_match_enumeration(seed, G, N):
    k = 20
    A, v, Y, dest, D = table(seed, G, N)
    c = np.repeat(np.arange(G), N)
    total = float(v @ np.linalg.solve(np.eye(G * N) - A, Y.sum(axis=1)))
    ref = all_paths_above(A, v, Y, 1e-4 * total)
    assert len(ref) > k and ref[k - 1][0] > 1e-4 * total
    got = top_paths(A, v, Y, k, dest_countries=dest, country_of_node=c, km=D)
    assert [p.nodes for p in got] == [t[1] for t in ref[:k]]
    assert [p.column for p in got] == [t[2] for t in ref[:k]]
    assert_allclose([p.value for p in got], [t[0] for t in ref[:k]], rtol=1e-12)
    for p in got:
        K, km = crossings_and_km(p.nodes, p.column, c, dest, D)
        assert p.crossings == K
        assert p.destination == dest[p.column]
        assert_allclose(p.km, km, rtol=1e-12)
        # the value is the product along the path
        links = itertools.pairwise(p.nodes)
        val = v[p.nodes[0]] * np.prod([A[a, b] for a, b in links])
        assert_allclose(p.value, val * Y[p.nodes[-1], p.column], rtol=1e-12)


def test_max_depth_min_value_and_origins():
    A, v, Y, dest, D = table(3)
    n = A.shape[0]
    total = float(v @ np.linalg.solve(np.eye(n) - A, Y.sum(axis=1)))
    ref = all_paths_above(A, v, Y, 1e-5 * total, max_depth=1)
    got = top_paths(A, v, Y, 10, max_depth=1)
    assert [p.nodes for p in got] == [t[1] for t in ref[:10]]
    assert all(len(p.nodes) <= 2 for p in got)
    assert all(p.crossings is None and p.km is None for p in got)
    # min_value: only paths worth more than it, possibly fewer than k
    cut = ref[4][0]
    got = top_paths(A, v, Y, 10, max_depth=1, min_value=cut)
    assert [p.nodes for p in got] == [t[1] for t in ref[:4]]
    # origins: paths start only there
    got = top_paths(A, v, Y, 5, origins=np.array([2, 3]), B=np.linalg.inv(np.eye(n) - A))
    want = [t for t in all_paths_above(A, v, Y, 1e-5 * total) if t[1][0] in (2, 3)][:5]
    assert [p.nodes for p in got] == [t[1] for t in want]


def test_pure_reexport_chain_is_one_path():
    A = np.zeros((3, 3))
    A[0, 1], A[1, 2] = 0.4, 0.3
    v = 1.0 - A.sum(axis=0)
    D = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 4.0], [2.0, 4.0, 0.0]])
    got = top_paths(
        A,
        v,
        np.array([0.0, 0.0, 1.0]),
        5,
        dest_countries=np.array([0]),
        country_of_node=np.arange(3),
        km=D,
    )
    assert [p.nodes for p in got] == [(2,), (1, 2), (0, 1, 2)]
    assert [p.crossings for p in got] == [1, 2, 3]
    assert [p.km for p in got] == [2.0, 6.0, 7.0]
    assert_allclose([p.value for p in got], [0.7, 0.6 * 0.3, 0.4 * 0.3], rtol=1e-15)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4), st.integers(1, 3), st.integers(1, 15))
def test_sorted_and_no_better_path_left_out(seed, G, N, k):
    A, v, Y, dest, D = table(seed, G, N)
    got = top_paths(A, v, Y, k)
    vals = [p.value for p in got]
    assert vals == sorted(vals, reverse=True)
    assert len(set((p.nodes, p.column) for p in got)) == len(got)
    # every direct path v_i y_ir larger than the k-th value is among the results
    direct = v[:, None] * Y
    kth = vals[-1] if len(got) == k else 0.0
    for i, r in zip(*np.nonzero(direct > kth), strict=True):
        assert ((int(i),), int(r)) in {(p.nodes, p.column) for p in got}
