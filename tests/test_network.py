"""Centralities of gvc.kernels.network against networkx's own functions, plus closed forms.

networkx runs with a tight tolerance (its defaults stop at tol=1e-6), so both sides are at their
fixed points and can be compared at rtol 1e-9.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gvc.errors import InputError, NumericalError
from gvc.kernels import network as net
from gvc.lockin import betweenness_centrality

TOL = 1e-13
RTOL = 1e-9
ATOL = 1e-12


def random_weights(seed: int, n: int, density: float = 0.4, dangling: bool = True) -> np.ndarray:
    rng = np.random.default_rng(seed)
    W = rng.uniform(0.1, 5.0, (n, n)) * (rng.uniform(size=(n, n)) < density)
    if dangling:
        W[rng.integers(n)] = 0.0  # a node without out-links
    return W


def digraph(W: np.ndarray) -> nx.DiGraph:
    return nx.from_numpy_array(W, create_using=nx.DiGraph)


def vec(d: dict, n: int) -> np.ndarray:
    return np.array([d[i] for i in range(n)])


def nx_pagerank(W: np.ndarray, **kw) -> np.ndarray:
    return vec(nx.pagerank(digraph(W), weight="weight", tol=TOL, max_iter=100000, **kw), len(W))


def nx_katz(W: np.ndarray, alpha: float, **kw) -> np.ndarray:
    g = digraph(W)
    return vec(
        nx.katz_centrality(g, alpha=alpha, weight="weight", tol=TOL, max_iter=100000, **kw),
        len(W),
    )


def nx_eigenvector(W: np.ndarray) -> np.ndarray:
    g = digraph(W)
    return vec(nx.eigenvector_centrality(g, weight="weight", tol=TOL, max_iter=100000), len(W))


@pytest.mark.reference
@pytest.mark.parametrize("seed", range(6))
def test_measures_equal_networkx(seed: int) -> None:
    n = 5 + 2 * seed
    W = random_weights(seed, n)
    g = digraph(W)
    np.testing.assert_allclose(net.in_strength(W), vec(dict(g.in_degree(weight="weight")), n))
    np.testing.assert_allclose(net.out_strength(W), vec(dict(g.out_degree(weight="weight")), n))
    np.testing.assert_allclose(net.pagerank(W, tol=TOL), nx_pagerank(W), rtol=RTOL, atol=ATOL)
    alpha = 0.5 / net.spectral_radius(W)
    np.testing.assert_allclose(net.katz(W, alpha, tol=TOL), nx_katz(W, alpha), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        net.katz(W, alpha, 2.0, normalized=False, tol=TOL),
        nx_katz(W, alpha, beta=2.0, normalized=False),
        rtol=RTOL,
        atol=ATOL,
    )
    np.testing.assert_allclose(net.eigenvector(W, tol=TOL), nx_eigenvector(W), rtol=RTOL, atol=ATOL)


@pytest.mark.reference
def test_pagerank_personalization_and_dangling_equal_networkx() -> None:
    n = 9
    W = random_weights(11, n)
    W[4] = 0.0
    rng = np.random.default_rng(0)
    p, d = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    ours = net.pagerank(W, 0.7, personalization=p, dangling=d, tol=TOL)
    ref = nx_pagerank(W, alpha=0.7, personalization=dict(enumerate(p)), dangling=dict(enumerate(d)))
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=ATOL)
    assert ours.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.reference
@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(2, 10),
    density=st.floats(0.1, 1.0),
)
def test_pagerank_and_katz_equal_networkx_property(seed: int, n: int, density: float) -> None:
    W = random_weights(seed, n, density)
    np.testing.assert_allclose(net.pagerank(W, tol=TOL), nx_pagerank(W), rtol=RTOL, atol=ATOL)
    rho = net.spectral_radius(W)
    alpha = 0.5 / rho if rho > 0 else 0.1
    np.testing.assert_allclose(net.katz(W, alpha, tol=TOL), nx_katz(W, alpha), rtol=RTOL, atol=ATOL)


@pytest.mark.reference
@pytest.mark.parametrize("seed", range(4))
def test_scopes_equal_networkx_on_masked_graphs(seed: int) -> None:
    G, N = 3, 4
    n = G * N
    W = random_weights(100 + seed, n, density=0.7, dangling=False)
    c = np.repeat(np.arange(G), N)
    same = c[:, None] == c[None, :]
    res = net.centralities(W, G, N, tol=TOL)
    alpha = 0.5 / np.abs(np.linalg.eigvals(W)).max()
    for scope, Ws in (("full", W), ("foreign", W * ~same), ("domestic", W * same)):
        np.testing.assert_allclose(res[f"in_strength_{scope}"], Ws.sum(axis=0))
        np.testing.assert_allclose(res[f"out_strength_{scope}"], Ws.sum(axis=1))
        np.testing.assert_allclose(res[f"pagerank_{scope}"], nx_pagerank(Ws), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(res[f"katz_{scope}"], nx_katz(Ws, alpha), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res["eigenvector_full"], nx_eigenvector(W), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        res["eigenvector_foreign"], nx_eigenvector(W * ~same), rtol=RTOL, atol=ATOL
    )
    # domestic eigenvector centrality = networkx on each country's own subgraph
    g = digraph(W * same)
    for s in range(G):
        nodes = list(range(s * N, (s + 1) * N))
        ref = nx.eigenvector_centrality(g.subgraph(nodes), weight="weight", tol=TOL, max_iter=10**5)
        np.testing.assert_allclose(
            res["eigenvector_domestic"][nodes], [ref[i] for i in nodes], rtol=RTOL, atol=ATOL
        )


def test_sparse_input_equals_dense() -> None:
    W = random_weights(5, 10)
    for f in (net.pagerank, net.eigenvector, net.in_strength):
        np.testing.assert_allclose(f(sp.csr_array(W)), f(W), rtol=1e-14)


def test_closed_forms() -> None:
    cycle = np.roll(np.eye(4), 1, axis=1)  # 0->1->2->3->0
    np.testing.assert_allclose(net.pagerank(cycle), np.full(4, 0.25), rtol=1e-12)
    np.testing.assert_allclose(net.eigenvector(cycle), np.full(4, 0.5), rtol=1e-9)
    # star: three leaves sell 1, 2, 3 to the hub (node 0)
    star = np.zeros((4, 4))
    star[1:, 0] = [1.0, 2.0, 3.0]
    np.testing.assert_allclose(net.in_strength(star), [6.0, 0.0, 0.0, 0.0])
    # Katz on the star: x_leaf = beta, x_hub = beta + alpha * (1 + 2 + 3)
    np.testing.assert_allclose(
        net.katz(star, 0.1, normalized=False, tol=1e-14), [1.6, 1.0, 1.0, 1.0], rtol=1e-12
    )


def test_foreign_and_domestic_split_the_graph() -> None:
    W = random_weights(8, 6, density=1.0, dangling=False)
    F = net.link_scope(W, 3, 2, "foreign").toarray()
    D = net.link_scope(W, 3, 2, "domestic").toarray()
    np.testing.assert_array_equal(F + D, W)
    assert D[0, 1] == W[0, 1] and D[0, 2] == 0.0 and F[0, 2] == W[0, 2]


def test_errors() -> None:
    with pytest.raises(InputError):
        net.pagerank(np.array([[0.0, -1.0], [1.0, 0.0]]))
    with pytest.raises(InputError):
        net.pagerank(np.ones((2, 3)))
    with pytest.raises(InputError):
        net.link_scope(np.ones((3, 3)), 2, 2, "foreign")
    with pytest.raises(InputError):
        net.centralities(np.ones((2, 2)), 2, 1, measures=["closeness"])
    with pytest.raises(NumericalError):
        net.katz(np.ones((3, 3)), alpha=1.0)  # rho = 3 > 1 / alpha


@pytest.mark.reference
@pytest.mark.parametrize("seed", range(3))
def test_betweenness_equals_networkx(seed: int) -> None:
    n = 10
    W = random_weights(200 + seed, n, density=0.5)
    share = W / np.where(W.sum(axis=1, keepdims=True) > 0, W.sum(axis=1, keepdims=True), 1.0)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for i, j in zip(*np.nonzero(W), strict=True):
        if i != j:
            g.add_edge(int(i), int(j), d=-np.log(share[i, j]), inv=1.0 / W[i, j])
    for distance, attr in (("neglog_share", "d"), ("inverse", "inv")):
        ref = vec(nx.betweenness_centrality(g, weight=attr), n)
        np.testing.assert_allclose(
            betweenness_centrality(W, distance=distance), ref, rtol=1e-12, atol=1e-15
        )


def test_betweenness_sparsification_and_scope() -> None:
    # 0 -> 1 -> 2 strong; 0 -> 2 a weak direct link (share 0.01) that is a shortcut by -log
    W = np.array([[0.0, 99.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    # -log(0.99) + -log(1) = 0.01 < -log(0.01) = 4.6: the path via node 1 is shorter
    np.testing.assert_allclose(betweenness_centrality(W), [0.0, 0.5, 0.0])
    # by 1 / weight the direct link (length 1) beats 1/99 + 1 : node 1 lies on no shortest path
    np.testing.assert_allclose(betweenness_centrality(W, distance="inverse"), [0.0, 0.0, 0.0])
    np.testing.assert_allclose(betweenness_centrality(W, min_share=0.5), [0.0, 0.5, 0.0])
    # two countries of one sector... three nodes need G * N = 3: G=3, N=1, only foreign links
    np.testing.assert_allclose(betweenness_centrality(W, 3, 1, scope="domestic"), [0.0, 0.0, 0.0])
