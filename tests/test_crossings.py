"""Tests for gvc.kernels.crossings: hand-countable chains, path enumeration, properties."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import country_nodes
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gvc.errors import InputError
from gvc.kernels.crossings import block_column_products, chain_moments

R_EARTH = 6371.0088


def cosine_law_km(lon1, lat1, lon2, lat2):
    """Great-circle distance by the spherical law of cosines (independent of the haversine)."""
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    cos_d = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return R_EARTH * np.arccos(np.clip(cos_d, -1.0, 1.0))


def country_km(lon, lat):
    G = len(lon)
    return np.array(
        [
            [0.0 if a == b else cosine_law_km(lon[a], lat[a], lon[b], lat[b]) for b in range(G)]
            for a in range(G)
        ]
    )


# ---------------------------------------------------------------- hand-countable chains


def test_pure_reexport_chain_counts_by_hand():
    # A -> B -> C -> A: value created in A, processed in B then C, consumed in A.
    a, b = 0.4, 0.3
    A = np.zeros((3, 3))
    A[0, 1] = a
    A[1, 2] = b
    v = 1.0 - A.sum(axis=0)
    y = np.array([[0.0], [0.0], [1.0]])
    B = np.linalg.inv(np.eye(3) - A)
    lon, lat = np.array([2.35, 13.4, -3.7]), np.array([48.86, 52.52, 40.42])
    D = country_km(lon, lat)
    d01, d12, d20 = D[0, 1], D[1, 2], D[2, 0]
    m = chain_moments(
        A,
        B,
        v,
        y,
        np.arange(3),
        dest_countries=[0],
        km=D,
        continent_of_country=np.array([0, 0, 1]),
    )
    assert_allclose(m["crossings_mean"], [3.0, 2.0, 1.0], rtol=1e-14)
    assert_allclose(m["crossings_var"], [0.0, 0.0, 0.0], atol=1e-13)
    assert_allclose(m["returns_mean"], [1.0, 0.0, 0.0], atol=1e-14)
    assert_allclose(m["intercontinental_mean"], [2.0, 2.0, 1.0], rtol=1e-14)
    # continent shares: one-hot rows are the codes; C an aggregate with 1/4 of its weight on
    # A and B's continent, so each of its two legs is intercontinental with probability 3/4
    for shares, want in (
        ([[1, 0], [1, 0], [0, 1]], [2.0, 2.0, 1.0]),
        ([[1, 0], [1, 0], [0.25, 0.75]], [1.5, 1.5, 0.75]),
    ):
        ms = chain_moments(
            A,
            B,
            v,
            y,
            np.arange(3),
            dest_countries=[0],
            continent_of_country=np.array(shares, dtype=float),
        )
        assert_allclose(ms["intercontinental_mean"], want, rtol=1e-14)
    with pytest.raises(InputError, match="shares"):
        chain_moments(
            A,
            B,
            v,
            y,
            np.arange(3),
            dest_countries=[0],
            continent_of_country=np.array([[1, 0], [0.5, 0.6], [0, 1]]),
        )
    assert_allclose(m["km_mean"], [d01 + d12 + d20, d12 + d20, d20], rtol=1e-12)
    assert_allclose(m["countries_visited_mean"], [3.0, 3.0, 2.0], rtol=1e-14)
    # value added in the chain: a*b from A, (1-a)*b from B, 1-b from C (sums to 1)
    va = np.array([a * b, (1 - a) * b, 1 - b])
    assert_allclose(m["va"], va, rtol=1e-14)
    mean = va @ np.array([3.0, 2.0, 1.0])
    assert_allclose(m["chain_crossings_mean"], mean, rtol=1e-14)
    assert_allclose(m["chain_crossings_var"], va @ np.array([9.0, 4.0, 1.0]) - mean**2, rtol=1e-12)
    assert_allclose(m["chain_returns_mean"], a * b, rtol=1e-14)
    assert_allclose(m["va_share_by_country"], va, rtol=1e-14)
    assert_allclose(m["countries_effective"], np.exp(-(va * np.log(va)).sum()), rtol=1e-14)
    assert int(m["countries_over"]) == 3


def test_closed_economy_has_no_crossings():
    rng = np.random.default_rng(3)
    G, N = 3, 2
    n = G * N
    c = np.repeat(np.arange(G), N)
    A = rng.uniform(0, 0.3, (n, n)) * (c[:, None] == c[None, :])
    B = np.linalg.inv(np.eye(n) - A)
    v = 1.0 - A.sum(axis=0)
    y = rng.uniform(0, 1, (n, G)) * (c[:, None] == np.arange(G)[None, :])
    D = country_km(np.array([0.0, 50.0, 100.0]), np.array([10.0, 20.0, -30.0]))
    m = chain_moments(
        A, B, v, y, c, dest_countries=np.arange(G), km=D, continent_of_country=np.array([0, 1, 2])
    )
    for key in (
        "crossings_mean",
        "crossings_var",
        "returns_mean",
        "intercontinental_mean",
        "km_mean",
    ):
        assert_allclose(m[key], 0.0, atol=1e-12)
        assert_allclose(m[f"chain_{key}"], 0.0, atol=1e-12)
    assert_allclose(m["countries_visited_mean"], 1.0, rtol=1e-12)


def test_final_exports_only_is_a_bernoulli():
    # No intermediate trade: a unit crosses exactly once iff its final good is exported.
    rng = np.random.default_rng(5)
    G, N = 2, 2
    n = G * N
    c = np.repeat(np.arange(G), N)
    A = rng.uniform(0, 0.3, (n, n)) * (c[:, None] == c[None, :])
    B = np.linalg.inv(np.eye(n) - A)
    v = 1.0 - A.sum(axis=0)
    y = rng.uniform(0.1, 1, (n, G))
    m = chain_moments(A, B, v, y, c, dest_countries=np.arange(G))
    exported = B @ np.where(c[:, None] != np.arange(G)[None, :], y, 0.0).sum(axis=1)
    share = exported / (B @ y.sum(axis=1))
    assert_allclose(m["crossings_mean"], share, rtol=1e-12)
    assert_allclose(m["crossings_var"], share * (1 - share), rtol=1e-10)
    assert_allclose(m["countries_visited_mean"], 1 + share, rtol=1e-12)


# ---------------------------------------------------------------- enumeration of all paths


def small_table(seed, G=3, N=2, R=4):
    """Random table whose paths can be enumerated: small coefficients, some zeros."""
    rng = np.random.default_rng(seed)
    n = G * N
    A = rng.uniform(0, 1, (n, n)) * (rng.uniform(0, 1, (n, n)) < 0.55)
    A *= rng.uniform(0.03, 0.12, n)[None, :] / np.maximum(A.sum(axis=0), 1e-300)[None, :]
    v = 1.0 - A.sum(axis=0)
    Y = rng.uniform(0, 1, (n, R)) * (rng.uniform(0, 1, (n, R)) < 0.75)
    dest = rng.integers(0, G, R)
    lon, lat = rng.uniform(-180, 180, G), rng.uniform(-80, 80, G)
    cont = rng.integers(0, 2, G)
    return A, v, Y, dest, country_km(lon, lat), cont


def enumerate_paths(A, v, Y, dest, D, cont, N, tol=1e-15):
    """Value-weighted sums over every path, origin x column, by explicit breadth-first expansion.

    Each frontier row is one path prefix. A prefix is dropped when all its completions together
    are worth less than ``tol`` times its origin's smallest value added in one column; the
    dropped value relative to each origin x column's value added is returned.
    """
    n, R = Y.shape
    c = np.arange(n) // N
    BY = np.linalg.solve(np.eye(n) - A, Y)  # only for the drop rule and its accounting
    By = BY.sum(axis=1)
    va = v[:, None] * BY
    floor = np.where(va > 0, va, np.inf).min(axis=1)
    keys = ("w", "K", "K2", "ret", "ic", "km", "visited")
    sums = {k: np.zeros((n, R)) for k in keys}
    dropped = np.zeros((n, R))
    # frontier columns: origin, node, weight, K, returns, intercontinental, km, visited bitmask
    o = np.arange(n)
    j = np.arange(n)
    p = v.copy()
    K = np.zeros(n, int)
    ret = np.zeros(n, int)
    ic = np.zeros(n, int)
    km = np.zeros(n)
    vis = 1 << c
    popcount = np.array([bin(b).count("1") for b in range(1 << int(c.max() + 1))])
    while o.size:
        # complete every prefix with every final sale
        w = p[:, None] * Y[j]
        cross = c[j][:, None] != dest[None, :]
        Kf = K[:, None] + cross
        rf = ret[:, None] + (cross & (dest[None, :] == c[o][:, None]))
        icf = ic[:, None] + (cont[c[j]][:, None] != cont[dest][None, :])
        kmf = km[:, None] + D[c[j][:, None], dest[None, :]]
        visf = vis[:, None] | (1 << dest)[None, :]
        nvis = popcount[visf]
        for key, val in (
            ("w", w),
            ("K", w * Kf),
            ("K2", w * Kf**2),
            ("ret", w * rf),
            ("ic", w * icf),
            ("km", w * kmf),
            ("visited", w * nvis),
        ):
            for r in range(R):
                sums[key][:, r] += np.bincount(o, weights=val[:, r], minlength=n)
        # extend every prefix by every input link
        rows, kids = np.nonzero(A[j] > 0)
        q = p[rows] * A[j[rows], kids]
        keep = q * By[kids] >= tol * floor[o[rows]]
        lost = q[~keep, None] * BY[kids[~keep]]
        for r in range(R):
            dropped[:, r] += np.bincount(o[rows[~keep]], weights=lost[:, r], minlength=n)
        rows, kids, q = rows[keep], kids[keep], q[keep]
        cj, ck = c[j[rows]], c[kids]
        x = cj != ck
        o, K = o[rows], K[rows] + x
        ret = ret[rows] + (x & (ck == c[o]))
        ic = ic[rows] + (cont[cj] != cont[ck])
        km = km[rows] + D[cj, ck]
        vis = vis[rows] | (1 << ck)
        j, p = kids, q
    return sums, dropped / np.where(va > 0, va, 1.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_moments_match_path_enumeration(seed):
    G, N = 3, 2
    A, v, Y, dest, D, cont = small_table(seed, G, N)
    if seed == 2:  # a chain restricted to some producing nodes
        Y[[1, 4]] = 0.0
    n = G * N
    s, dropped = enumerate_paths(A, v, Y, dest, D, cont, N)
    # Dropped value bounds the truncation error of every mean, times the count carried by the
    # dropped paths (< 100 here): an absolute tolerance for small statistics such as returns.
    assert dropped.max() < 1e-10
    tol = {"rtol": 1e-8, "atol": 100 * dropped.max()}
    B = np.linalg.inv(np.eye(n) - A)
    c = np.repeat(np.arange(G), N)
    names = {
        "K": "crossings",
        "ret": "returns",
        "ic": "intercontinental",
        "km": "km",
        "visited": "countries_visited",
    }
    for by_dest in (False, True):
        m = chain_moments(
            A,
            B,
            v,
            Y,
            c,
            dest_countries=dest,
            km=D,
            continent_of_country=cont,
            by_destination=by_dest,
        )
        e = s if by_dest else {k: x.sum(axis=1) for k, x in s.items()}
        w = e["w"]
        assert_allclose(m["va"], w, rtol=1e-8)
        for key, name in names.items():
            assert_allclose(m[f"{name}_mean"], e[key] / w, **tol)
        mean = e["K"] / w
        ek2 = m["crossings_var"] + m["crossings_mean"] ** 2
        assert_allclose(ek2, e["K2"] / w, **tol)
        assert_allclose(m["crossings_var"], e["K2"] / w - mean**2, **tol)
        tot = w.sum(axis=0)
        for key, name in names.items():
            assert_allclose(m[f"chain_{name}_mean"], e[key].sum(axis=0) / tot, **tol)
        cm = e["K"].sum(axis=0) / tot
        assert_allclose(m["chain_crossings_var"], e["K2"].sum(axis=0) / tot - cm**2, **tol)


# ---------------------------------------------------------------- properties


@st.composite
def tables(draw):
    G = draw(st.integers(2, 4))
    N = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = G * N
    A = rng.uniform(0, 1, (n, n)) * (rng.uniform(0, 1, (n, n)) < 0.7)
    A *= rng.uniform(0.1, 0.8, n)[None, :] / np.maximum(A.sum(axis=0), 1e-300)[None, :]
    v = 1.0 - A.sum(axis=0)
    Y = rng.uniform(0, 1, (n, G)) * (rng.uniform(0, 1, (n, G)) < 0.8)
    Y[0, 0] = 1.0
    lon, lat = rng.uniform(-180, 180, G), rng.uniform(-80, 80, G)
    cont = rng.integers(0, 3, G)
    return G, N, A, v, Y, country_km(lon, lat), cont


def _moments(G, N, A, v, Y, D, cont, **kw):
    B = np.linalg.inv(np.eye(G * N) - A)
    c = np.repeat(np.arange(G), N)
    return chain_moments(
        A, B, v, Y, c, dest_countries=np.arange(G), km=D, continent_of_country=cont, **kw
    )


@settings(max_examples=30, deadline=None)
@given(tables())
def test_countries_visited_matches_explicit_extraction(t):
    G, N, A, v, Y, D, cont = t
    n = G * N
    c = np.repeat(np.arange(G), N)
    B = np.linalg.inv(np.eye(n) - A)
    By = B @ Y.sum(axis=1)
    visited = np.ones(n)
    for cc in range(G):
        keep = c != cc
        Bx = np.linalg.inv(np.eye(keep.sum()) - A[np.ix_(keep, keep)])
        avoid = Bx @ np.delete(Y, cc, axis=1).sum(axis=1)[keep]
        with np.errstate(invalid="ignore"):  # origins without value in the chain: NaN
            visited[keep] += 1.0 - avoid / By[keep]
    m = _moments(G, N, A, v, Y, D, cont)
    assert_allclose(m["countries_visited_mean"], visited, rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(tables())
def test_bounds_and_additivity_over_destinations(t):
    G, N, A, v, Y, D, cont = t
    one = _moments(G, N, A, v, Y, D, cont)
    per = _moments(G, N, A, v, Y, D, cont, by_destination=True)
    live = one["va"] > 0  # origins without value in the chain get NaN
    assert np.array_equal(np.isnan(one["crossings_mean"]), ~live)
    x = {k: one[k][live] for k in one if np.shape(one[k]) == (G * N,)}
    assert np.all(x["countries_visited_mean"] >= 1 - 1e-12)
    assert np.all(x["countries_visited_mean"] <= G + 1e-12)
    assert np.all(x["crossings_var"] >= -1e-10)
    assert np.all(x["returns_mean"] <= x["crossings_mean"] + 1e-12)
    assert np.all(x["intercontinental_mean"] <= x["crossings_mean"] + 1e-12)
    assert 1 - 1e-12 <= float(one["countries_effective"]) <= G + 1e-12
    # numerators are linear in y: the chain is the va-weighted mixture of its destinations
    va = per["va"]
    assert_allclose(va.sum(axis=1), one["va"], rtol=1e-12)
    for key in (
        "crossings_mean",
        "returns_mean",
        "km_mean",
        "intercontinental_mean",
        "countries_visited_mean",
    ):
        mix = np.nansum(va * per[key], axis=1)[live] / va.sum(axis=1)[live]
        assert_allclose(mix, one[key][live], rtol=1e-9, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_invariant_under_permuting_countries(t, rnd):
    G, N, A, v, Y, D, cont = t
    perm = np.array(rnd.sample(range(G), G))
    nodes = country_nodes(perm, N)
    m0 = _moments(G, N, A, v, Y, D, cont)
    m1 = _moments(
        G,
        N,
        A[np.ix_(nodes, nodes)],
        v[nodes],
        Y[np.ix_(nodes, perm)],
        D[np.ix_(perm, perm)],
        cont[perm],
    )
    for key, x in m0.items():
        if key == "va_share_by_country":
            assert_allclose(m1[key], x[perm], rtol=1e-9, atol=1e-14)
        elif np.ndim(x) == 1:
            assert_allclose(m1[key], x[nodes], rtol=1e-9, atol=1e-12)
        else:
            assert_allclose(m1[key], x, rtol=1e-9, atol=1e-12)


def test_block_column_products_sum_to_product():
    rng = np.random.default_rng(0)
    M, X = rng.normal(size=(6, 6)), rng.normal(size=(6, 3))
    P = block_column_products(M, X, 3, 2)
    assert_allclose(P.sum(axis=0), M @ X, rtol=1e-12)
    assert_allclose(P[1], M[:, 2:4] @ X[2:4], rtol=1e-12)


def test_rejects_non_country_major_layout():
    from gvc.errors import InputError

    A = np.zeros((2, 2))
    with pytest.raises(InputError):
        chain_moments(A, np.eye(2), np.ones(2), np.ones(2), np.array([1, 0]), dest_countries=[0])
