"""Weighted betweenness centrality of the nodes of an input-output graph (networkx).

Betweenness needs all shortest paths and has no closed form, so unlike the power iterations of
:mod:`gvc.kernels.network` it calls networkx (imported inside the function: ``import
gvc.kernels`` stays numpy-only) on a graph sparsified by a minimum sales share.

References
----------
Brandes, U. (2001), "A faster algorithm for betweenness centrality", J. Math. Sociol. 25(2).
"""

from __future__ import annotations

import numpy as np

from gvc.errors import InputError
from gvc.kernels.network import Scope, as_weight_matrix, link_scope

__all__ = ["betweenness_centrality"]


def betweenness_centrality(
    W: np.ndarray,
    G: int | None = None,
    N: int | None = None,
    *,
    scope: Scope = "full",
    distance: str = "neglog_share",
    min_share: float = 0.0,
    normalized: bool = True,
) -> np.ndarray:
    """Weighted betweenness of every node, by networkx on a sparsified graph.

    ``b_v = sum_{s != v != t} sigma_st(v) / sigma_st`` over shortest paths (Brandes 2001),
    as ``networkx.betweenness_centrality(g, weight="distance", normalized=normalized)``.
    Edge lengths, with ``w_ij = W_ij / sum_j' W_ij'`` the seller's sales share (own use in the
    denominator, and always the full graph's sales, so a scope keeps the same edge lengths;
    self-loop edges are dropped, they never lie on a shortest path):

    - ``"neglog_share"`` (default): ``d_ij = -log w_ij``. A path's length is ``-log`` of the
      product of its shares, so the shortest path is the *strongest* chain of sales shares:
      scale-free (no dependence on the currency unit) and additive along a chain.
    - ``"inverse"``: ``d_ij = 1 / W_ij`` (the common networkx convention; depends on units).

    Edges with ``w_ij < min_share`` are dropped first: Brandes' algorithm is
    ``O(n m + n^2 log n)``, too slow on a dense ICIO graph with thousands of nodes.

    Parameters
    ----------
    W : (n, n) non-negative weights, ``W[i, j]`` = flow ``i -> j``.
    G, N : countries and sectors; needed only for ``scope`` other than ``"full"``.
    scope : ``"full"``, ``"foreign"`` or ``"domestic"`` links (see
        :func:`gvc.kernels.network.link_scope`).
    distance, min_share, normalized : see above.

    Returns
    -------
    (n,) betweenness in node order.

    References
    ----------
    Brandes, U. (2001), "A faster algorithm for betweenness centrality", J. Math. Sociol. 25(2).

    Examples
    --------
    In the chain 0 -> 1 -> 2 only node 1 lies between a pair; normalised by (n-1)(n-2) = 2:

    >>> betweenness_centrality(np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]))
    array([0. , 0.5, 0. ])
    """
    import networkx as nx

    M = as_weight_matrix(W)
    out = np.asarray(M.sum(axis=1)).ravel()  # all sales of the full graph, own use included
    if scope != "full":
        if G is None or N is None:
            raise InputError("betweenness_centrality: scope needs G and N")
        M = link_scope(M, G, N, scope)
    n = M.shape[0]
    coo = M.tocoo()
    off = coo.row != coo.col
    r, c, w = coo.row[off], coo.col[off], coo.data[off]
    share = w / out[r]
    keep = share >= min_share
    r, c, w, share = r[keep], c[keep], w[keep], share[keep]
    if distance == "neglog_share":
        d = -np.log(share)
    elif distance == "inverse":
        d = 1.0 / w
    else:
        raise InputError(f"unknown distance {distance!r}; use 'neglog_share' or 'inverse'")
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    edges = zip(r.tolist(), c.tolist(), d.tolist(), strict=True)
    g.add_weighted_edges_from(edges, weight="distance")
    bc = nx.betweenness_centrality(g, weight="distance", normalized=normalized)
    return np.array([bc[i] for i in range(n)])
