"""Centrality of the nodes of a weighted directed graph: strength, PageRank, Katz, eigenvector.

The graph is a weight matrix ``W`` (n x n, dense or scipy.sparse): ``W[i, j]`` is the flow from
``i`` to ``j`` (for an input-output table ``W = Z``, seller -> buyer). Every measure can be
taken on three graphs (Criscuolo & Timmis 2018): the full graph, the *foreign-links* graph
``W * (1 - D)`` and the *domestic-links* graph ``W * D``, with ``D`` the country-block mask of a
country-major node order (node ``i = s * N + k``).

PageRank, Katz and eigenvector centrality follow networkx's definitions exactly (same starting
vector, update, normalisation and stopping rule), vectorised as sparse power iterations, so a
result equals ``networkx.<measure>(nx.from_numpy_array(W, create_using=nx.DiGraph),
weight="weight")`` to the iteration tolerance. Betweenness has no closed form; it lives in
:func:`gvc.kernels.betweenness.betweenness_centrality` (networkx on a sparsified graph).

References
----------
Criscuolo, C. & Timmis, J. (2018), "GVC centrality and productivity: are hubs key to firm
performance?", OECD Productivity Working Papers 14.
Page, L., Brin, S., Motwani, R. & Winograd, T. (1999), "The PageRank citation ranking".
Katz, L. (1953), "A new status index derived from sociometric analysis", Psychometrika 18.
Bonacich, P. (1987), "Power and centrality: a family of measures", AJS 92(5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

import numpy as np
import scipy.sparse as sp

from gvc.errors import InputError, NumericalError
from gvc.kernels.blocks import country_of

Scope = Literal["full", "foreign", "domestic"]
SCOPES: tuple[Scope, ...] = ("full", "foreign", "domestic")
MEASURES: tuple[str, ...] = ("in_strength", "out_strength", "pagerank", "katz", "eigenvector")

ArrayOrSparse: TypeAlias = np.ndarray | sp.sparray | sp.spmatrix


def as_weight_matrix(W: ArrayOrSparse) -> sp.csr_array:
    """Validate ``W`` (square, finite, non-negative) and return it as a float64 CSR array.

    Explicit zeros are dropped so that ``nnz`` counts edges, as networkx does.

    Raises
    ------
    InputError
        ``W`` is not square, or has NaN, infinite or negative entries.

    >>> as_weight_matrix(np.array([[0.0, 2.0], [0.0, 0.0]])).nnz
    1
    """
    M = sp.csr_array(W, dtype=np.float64)
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise InputError(f"weight matrix must be square, got shape {M.shape}")
    if not np.all(np.isfinite(M.data)):
        raise InputError("weight matrix has NaN or infinite entries")
    if M.data.size and M.data.min() < 0:
        raise InputError("weight matrix has negative entries; centralities need flows >= 0")
    M.eliminate_zeros()
    return M


def link_scope(W: ArrayOrSparse, G: int, N: int, scope: Scope) -> sp.csr_array:
    """Keep the full graph, only the foreign links or only the domestic links of ``W``.

    ``W^D = W * D`` and ``W^F = W * (1 - D)`` with ``D[i, j] = 1`` when nodes ``i`` and ``j``
    belong to the same country (Criscuolo & Timmis 2018, sec. 2).

    Parameters
    ----------
    W : (n, n) weights, country-major, ``n = G * N``.
    G, N : number of countries and sectors.
    scope : ``"full"``, ``"foreign"`` or ``"domestic"``.

    Returns
    -------
    (n, n) CSR array.

    >>> W = np.arange(16.0).reshape(4, 4)
    >>> link_scope(W, 2, 2, "foreign").toarray()[0]
    array([0., 0., 2., 3.])
    """
    M = as_weight_matrix(W)
    if M.shape[0] != G * N:
        raise InputError(f"weight matrix has {M.shape[0]} nodes, expected G*N = {G * N}")
    if scope == "full":
        return M
    if scope not in ("foreign", "domestic"):
        raise InputError(f"unknown scope {scope!r}; use one of {SCOPES}")
    c = country_of(G, N)
    coo = M.tocoo()
    same = c[coo.row] == c[coo.col]
    keep = same if scope == "domestic" else ~same
    out = sp.coo_array((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=M.shape)
    return out.tocsr()


def in_strength(W: ArrayOrSparse) -> np.ndarray:
    """Weighted in-degree ``s^in_j = sum_i W[i, j]`` (self-loops included, as networkx).

    >>> in_strength(np.array([[1.0, 2.0], [3.0, 0.0]]))
    array([4., 2.])
    """
    return np.asarray(as_weight_matrix(W).sum(axis=0)).ravel()


def out_strength(W: ArrayOrSparse) -> np.ndarray:
    """Weighted out-degree ``s^out_i = sum_j W[i, j]`` (self-loops included, as networkx).

    >>> out_strength(np.array([[1.0, 2.0], [3.0, 0.0]]))
    array([3., 3.])
    """
    return np.asarray(as_weight_matrix(W).sum(axis=1)).ravel()


def pagerank(
    W: ArrayOrSparse,
    alpha: float = 0.85,
    *,
    personalization: np.ndarray | None = None,
    dangling: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> np.ndarray:
    """Weighted PageRank, as ``networkx.pagerank(G, alpha, weight="weight")``.

    With ``P = diag(s^out)^-1 W`` the row-stochastic transition matrix, ``d`` the indicator of
    dangling nodes (``s^out_i = 0``), ``p`` the personalization and ``w`` the dangling
    distribution (default ``p``; both default uniform), iterate from ``x_0 = 1/n``::

        x_{t+1} = alpha (x_t P + (x_t . d) w) + (1 - alpha) p

    until ``||x_{t+1} - x_t||_1 < n * tol`` (networkx's stopping rule). ``x`` sums to 1.

    Parameters
    ----------
    W : (n, n) non-negative weights, ``W[i, j]`` = flow ``i -> j``.
    alpha : damping factor.
    personalization, dangling : optional (n,) non-negative vectors (normalised here).
    tol, max_iter : stopping rule; networkx's defaults are ``1e-6`` and ``100``.

    Returns
    -------
    (n,) PageRank vector.

    Raises
    ------
    NumericalError
        no convergence within ``max_iter`` iterations.

    References
    ----------
    Page, Brin, Motwani & Winograd (1999); networkx ``pagerank_alg._pagerank_scipy``.

    Examples
    --------
    A 3-cycle is symmetric, so every node gets 1/3:

    >>> W = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    >>> np.round(pagerank(W), 6)
    array([0.333333, 0.333333, 0.333333])
    """
    M = as_weight_matrix(W)
    n = M.shape[0]
    if n == 0:
        return np.zeros(0)
    s = np.asarray(M.sum(axis=1)).ravel()
    inv = np.zeros(n)
    np.divide(1.0, s, out=inv, where=s != 0)
    PT = (sp.diags_array(inv) @ M).T.tocsr()  # x @ P computed as P^T x
    p = _distribution(personalization, n, "personalization")
    w = p if dangling is None else _distribution(dangling, n, "dangling")
    is_dangling = s == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        xlast = x
        x = alpha * (PT @ x + x[is_dangling].sum() * w) + (1.0 - alpha) * p
        if np.abs(x - xlast).sum() < n * tol:
            return x
    raise NumericalError(f"PageRank did not converge in {max_iter} iterations (tol={tol})")


def katz(
    W: ArrayOrSparse,
    alpha: float = 0.1,
    beta: float | np.ndarray = 1.0,
    *,
    normalized: bool = True,
    tol: float = 1e-10,
    max_iter: int = 10000,
) -> np.ndarray:
    """Katz centrality, as ``networkx.katz_centrality(G, alpha, beta, weight="weight")``.

    ``x = alpha W' x + beta``, i.e. ``x = (I - alpha W')^-1 beta`` (Katz 1953): a node is
    central when it receives flows from central nodes. Power iteration from ``x_0 = 0`` until
    ``||x_{t+1} - x_t||_1 < n * tol``; ``normalized`` divides by the Euclidean norm. The series
    converges only for ``alpha < 1 / rho(W)`` (see :func:`spectral_radius`): scale raw flows
    (use coefficients, or ``alpha = c / rho(W)`` with ``c < 1``).

    Parameters
    ----------
    W : (n, n) non-negative weights.
    alpha : attenuation factor.
    beta : scalar or (n,) exogenous centrality.
    normalized, tol, max_iter : as networkx (its defaults: ``tol=1e-6``, ``max_iter=1000``).

    Returns
    -------
    (n,) Katz centrality.

    Raises
    ------
    NumericalError
        no convergence (usually ``alpha >= 1 / rho(W)``).

    References
    ----------
    Katz (1953), eq. on p. 41; networkx ``algorithms/centrality/katz.py``.

    Examples
    --------
    Two nodes, one edge 0 -> 1 of weight 1: ``x = (1, 1 + alpha)`` before normalising.

    >>> katz(np.array([[0.0, 1.0], [0.0, 0.0]]), alpha=0.5, normalized=False)
    array([1. , 1.5])
    """
    M = as_weight_matrix(W)
    n = M.shape[0]
    MT = M.T.tocsr()
    b = np.broadcast_to(np.asarray(beta, dtype=np.float64), (n,))
    x = np.zeros(n)
    for _ in range(max_iter):
        xlast = x
        x = alpha * (MT @ xlast) + b
        err = np.abs(x - xlast).sum()
        if not np.isfinite(err):
            break
        if err < n * tol:
            if normalized:
                norm = float(np.linalg.norm(x))
                return x / norm if norm > 0 else x
            return x
    raise NumericalError(
        f"Katz centrality did not converge in {max_iter} iterations: alpha={alpha} must be "
        "below 1 / spectral radius of W"
    )


def eigenvector(
    W: ArrayOrSparse,
    *,
    block_size: int | None = None,
    tol: float = 1e-10,
    max_iter: int = 10000,
) -> np.ndarray:
    """Eigenvector centrality, as ``networkx.eigenvector_centrality(G, weight="weight")``.

    The Perron vector of ``W'`` (``lambda x = W' x``: central nodes buy from central nodes),
    found as networkx does: from ``x_0 = 1/n`` iterate ``x <- (I + W') x / ||(I + W') x||_2``
    (the shift avoids oscillation on periodic graphs) until ``||x_{t+1} - x_t||_1 < n * tol``.

    On a reducible graph the Perron vector lives on the block with the largest spectral
    radius only. The domestic-links graph is block diagonal, so all weight would go to one
    country; with ``block_size=N`` each diagonal block (country) is iterated and normalised
    on its own: the result equals networkx on each country's subgraph.

    Parameters
    ----------
    W : (n, n) non-negative weights.
    block_size : None for the whole graph, or ``N`` to normalise each block of ``N``
        consecutive nodes separately (only meaningful when ``W`` is block diagonal).
    tol, max_iter : as networkx (its defaults: ``tol=1e-6``, ``max_iter=100``).

    Returns
    -------
    (n,) non-negative, unit Euclidean norm (per block with ``block_size``).

    Raises
    ------
    NumericalError
        no convergence.

    References
    ----------
    Bonacich (1987); networkx ``algorithms/centrality/eigenvector.py``.

    Examples
    --------
    >>> W = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> np.round(eigenvector(W), 6)
    array([0.707107, 0.707107])
    """
    M = as_weight_matrix(W)
    n = M.shape[0]
    k = n if block_size is None else int(block_size)
    if k <= 0 or n % k:
        raise InputError(f"block_size {block_size} does not divide the {n} nodes")
    MT = M.T.tocsr()
    x = np.full(n, 1.0 / k)
    for _ in range(max_iter):
        xlast = x
        x = xlast + MT @ xlast
        norm = np.linalg.norm(x.reshape(-1, k), axis=1)
        norm[norm == 0] = 1.0
        x = (x.reshape(-1, k) / norm[:, None]).ravel()
        if np.all(np.abs(x - xlast).reshape(-1, k).sum(axis=1) < k * tol):
            return x
    raise NumericalError(f"eigenvector centrality did not converge in {max_iter} iterations")


def spectral_radius(W: ArrayOrSparse) -> float:
    """Largest absolute eigenvalue ``rho(W)`` (dense solver up to 500 nodes, ARPACK above).

    ARPACK starts from the all-ones vector (``v0``), not its default random vector, so the
    result is the same to the bit on every run and executor (the Perron vector of a
    non-negative matrix is non-negative, so this start is never orthogonal to it).

    >>> spectral_radius(np.array([[0.0, 2.0], [0.5, 0.0]]))
    1.0
    """
    M = as_weight_matrix(W)
    n = M.shape[0]
    if n == 0 or M.nnz == 0:
        return 0.0
    if n <= 500:
        return float(np.abs(np.linalg.eigvals(M.toarray())).max())
    from scipy.sparse.linalg import eigs

    vals = eigs(M, k=1, which="LM", return_eigenvectors=False, v0=np.ones(n))
    return float(np.abs(vals).max())


def centralities(
    W: ArrayOrSparse,
    G: int,
    N: int,
    *,
    measures: Sequence[str] = MEASURES,
    scopes: Sequence[Scope] = SCOPES,
    pagerank_alpha: float = 0.85,
    katz_alpha: float | None = None,
    katz_relative_alpha: float = 0.5,
    katz_beta: float = 1.0,
    tol: float = 1e-10,
) -> dict[str, np.ndarray]:
    """Every requested centrality on the full, foreign-links and domestic-links graphs.

    Keys are ``"<measure>_<scope>"`` (e.g. ``"pagerank_foreign"``), values (n,) arrays in node
    order. Katz uses one ``alpha`` for all scopes, ``katz_relative_alpha / rho(W_full)``
    unless ``katz_alpha`` is given: a sub-graph of a non-negative matrix has no larger
    spectral radius (Perron-Frobenius), so the same ``alpha`` converges on every scope and
    the scopes stay comparable. Domestic eigenvector centrality is normalised per country
    (see :func:`eigenvector`).

    Parameters
    ----------
    W : (n, n) non-negative weights, country-major, ``n = G * N``.
    G, N : number of countries and sectors.
    measures : subset of ``in_strength, out_strength, pagerank, katz, eigenvector``.
    scopes : subset of ``full, foreign, domestic``.
    pagerank_alpha, katz_alpha, katz_relative_alpha, katz_beta, tol : see the measures.

    Returns
    -------
    dict ``name -> (n,) array``.

    References
    ----------
    Criscuolo & Timmis (2018), sec. 2 (foreign vs domestic centrality).

    Examples
    --------
    >>> W = np.array([[0.0, 1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 3.0],
    ...               [0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]])
    >>> c = centralities(W, 2, 2, measures=["in_strength"])
    >>> c["in_strength_foreign"], c["in_strength_domestic"]
    (array([1., 0., 2., 3.]), array([0., 1., 0., 1.]))
    """
    unknown = set(measures) - set(MEASURES)
    if unknown:
        raise InputError(f"unknown measures {sorted(unknown)}; use {MEASURES}")
    full = link_scope(W, G, N, "full")
    if "katz" in measures and katz_alpha is None:
        rho = spectral_radius(full)
        katz_alpha = katz_relative_alpha / rho if rho > 0 else 0.1
    out: dict[str, np.ndarray] = {}
    for scope in scopes:
        M = full if scope == "full" else link_scope(full, G, N, scope)
        for m in measures:
            key = f"{m}_{scope}"
            if m == "in_strength":
                out[key] = in_strength(M)
            elif m == "out_strength":
                out[key] = out_strength(M)
            elif m == "pagerank":
                out[key] = pagerank(M, pagerank_alpha, tol=tol)
            elif m == "katz":
                out[key] = katz(M, float(katz_alpha), katz_beta, tol=tol)  # type: ignore[arg-type]
            else:
                out[key] = eigenvector(M, block_size=N if scope == "domestic" else None, tol=tol)
    return out


def _distribution(v: np.ndarray | None, n: int, name: str) -> np.ndarray:
    if v is None:
        return np.full(n, 1.0 / n)
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (n,) or not np.all(np.isfinite(v)) or (v < 0).any() or v.sum() == 0:
        raise InputError(f"{name} must be a non-negative (n,) vector with a positive sum")
    return v / v.sum()
