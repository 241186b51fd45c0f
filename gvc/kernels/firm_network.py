"""Link-based diagnostics of firm clusters: intra-cluster links, registry rule, focal structure.

Arrays only (numpy, scipy.sparse); no store, no labels. Vocabulary:

* a **member row** is one ``(cluster, year, firm)`` membership; ``group[m]`` is the
  cluster-year it belongs to (``0 .. n_groups - 1``). Callers give member rows sorted by
  group (each group one contiguous block), so per-group maxima use ``reduceat``;
* a **link** is one transaction ``supplier -> buyer`` of value ``v`` in one year; firms and
  years are encoded together as ``key = year_index * n_firms + firm``;
* an **intra-cluster link** of cluster-year ``g`` is a link whose supplier and buyer are
  both members of ``g``. With overlapping clusters a link can be intra-cluster for several
  groups; :func:`intra_links` returns one row per (link, group).

Every per-group quantity is a ``bincount`` or ``reduceat`` over these arrays: no Python loop
over firms, links or clusters. Formulas are in each function's docstring and in
``docs/firms.md``; the composition measures (strands, industries, purchases) are in
:mod:`gvc.kernels.firm_composition`, the territory in :mod:`gvc.kernels.firm_territory`.

References
----------
Freeman, L. C. (1978), "Centrality in social networks: conceptual clarification", Social
Networks 1(3), 215-239 (degree centralisation, eq. 3 with the star as the maximum).
Wasserman, S. & Faust, K. (1994), Social Network Analysis, Cambridge UP, sec. 5.2.2
(group degree centralisation ``C_D = sum_i (d* - d_i) / ((n - 1)(n - 2))``) and 4.2
(density ``L / (n (n - 1) / 2)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from gvc.errors import InputError

# --------------------------------------------------------------------------------------------
# group helpers


def unique(a: np.ndarray, *, return_inverse: bool = False, return_counts: bool = False) -> Any:
    """Sorted distinct values of an integer array (and inverse / counts), by sorting.

    Same results as ``numpy.unique``; numpy 2.4's hash-based ``unique`` was 20 times slower
    on half a million int64 keys here (1.6 s against 0.07 s).

    >>> unique(np.array([3, 1, 3, 2]), return_inverse=True, return_counts=True)
    (array([1, 2, 3]), array([2, 0, 2, 1]), array([1, 1, 2]))
    """
    a = np.asarray(a)
    order = np.argsort(a, kind="stable") if return_inverse else None
    s = a[order] if order is not None else np.sort(a)
    first = np.ones(len(s), dtype=bool)
    first[1:] = s[1:] != s[:-1]
    out: list[np.ndarray] = [s[first]]
    if return_inverse:
        inv = np.empty(len(a), dtype=np.int64)
        inv[order] = np.cumsum(first) - 1
        out.append(inv)
    if return_counts:
        out.append(np.diff(np.append(np.flatnonzero(first), len(s))))
    return out[0] if len(out) == 1 else tuple(out)


def group_sum(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """``out[g] = sum_{m: groups[m] = g} values[m]`` (float64)."""
    return np.bincount(groups, weights=np.asarray(values, dtype=np.float64), minlength=n_groups)


def group_starts(groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Start of each group's block in ``groups`` (sorted, every group non-empty).

    Raises
    ------
    InputError
        ``groups`` is not sorted or a group has no row.
    """
    g = np.asarray(groups)
    if len(g) and (np.any(np.diff(g) < 0) or g[0] < 0 or g[-1] >= n_groups):
        raise InputError("member rows must be sorted by group, groups in 0 .. n_groups - 1")
    counts = np.bincount(g, minlength=n_groups)
    if np.any(counts == 0):
        raise InputError("every group needs at least one member row")
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)


def group_max(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Maximum of ``values`` over each contiguous group block (see :func:`group_starts`)."""
    return np.maximum.reduceat(np.asarray(values, dtype=np.float64), starts)


def group_argmax(values: np.ndarray, groups: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Row of the largest value in each group block; ties go to the first row of the block.

    >>> group_argmax(np.array([1.0, 3.0, 3.0, 2.0]), np.array([0, 0, 0, 1]), np.array([0, 3]))
    array([1, 3])
    """
    v = np.asarray(values, dtype=np.float64)
    top = group_max(v, starts)
    rows = np.arange(len(v))
    cand = np.where(v == top[groups], rows, len(v))
    return np.minimum.reduceat(cand, starts)


def distinct_per_group(groups: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Number of distinct non-negative ``codes`` in each group (negative codes: missing).

    >>> distinct_per_group(np.array([0, 0, 0, 1]), np.array([5, 5, -1, 2]), 2)
    array([1, 1])
    """
    ok = codes >= 0
    width = int(codes.max(initial=0)) + 1
    key = unique(groups[ok].astype(np.int64) * width + codes[ok])
    return np.bincount(key // width, minlength=n_groups)


# --------------------------------------------------------------------------------------------
# links -> intra-cluster links


def intra_links(
    supplier_key: np.ndarray,
    buyer_key: np.ndarray,
    member_key: np.ndarray,
    member_group: np.ndarray,
    n_keys: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Intra-cluster links: every (link, member row of the supplier, member row of the buyer)
    with both member rows in the same group.

    Link ``l`` is intra-cluster for group ``g`` when its supplier and its buyer (same year)
    both have a member row in ``g``. A link whose firms belong to at most one cluster each
    costs two look-ups in a per-key array (O(1)); links of firms in several clusters expand
    the supplier's member rows and search the buyer's (sorted search).

    Parameters
    ----------
    supplier_key, buyer_key : (L,) int, ``year_index * n_firms + firm`` of each link's ends.
    member_key : (M,) int, the same key of each member row.
    member_group : (M,) int, its group.
    n_keys : number of keys (``n_years * n_firms``).

    Returns
    -------
    link, member_supplier, member_buyer : (I,) int64 arrays, one row per intra-cluster
        (link, group), in no particular order.

    Examples
    --------
    Firms 0, 1, 2 in cluster 0, firm 1 also in cluster 1 with firm 3: the link 0 -> 1 is
    intra-cluster in cluster 0, the link 1 -> 3 in cluster 1, the link 2 -> 3 in none.

    >>> link, ms, mb = intra_links(np.array([0, 1, 2]), np.array([1, 3, 3]),
    ...                            np.array([0, 1, 2, 1, 3]), np.array([0, 0, 0, 1, 1]), 4)
    >>> sorted(zip(link.tolist(), ms.tolist(), mb.tolist()))
    [(0, 0, 1), (1, 3, 4)]
    """
    ks = np.asarray(supplier_key, dtype=np.int64)
    kb = np.asarray(buyer_key, dtype=np.int64)
    mk = np.asarray(member_key, dtype=np.int64)
    mg = np.asarray(member_group, dtype=np.int64)
    M = len(mk)
    count = np.bincount(mk, minlength=n_keys)
    # per key: the group of its only member row (>= 0), -1 no member row, -2 several; a small
    # array, so the two gathers per link stay in cache
    only = np.full(n_keys, -1, dtype=np.int32)
    one_row = np.full(n_keys, -1, dtype=np.int32 if M < 2**31 else np.int64)
    single = count[mk] == 1
    only[mk[single]] = mg[single]
    one_row[mk[single]] = np.flatnonzero(single)
    only[count > 1] = -2
    gs, gb = only[ks], only[kb]

    # the common case: both ends belong to exactly one cluster that year
    one = np.flatnonzero((gs >= 0) & (gs == gb))
    links = [one]
    ms = [one_row[ks[one]].astype(np.int64)]
    mb = [one_row[kb[one]].astype(np.int64)]

    # links touching a firm in several clusters: expand the supplier's rows, search the buyer's
    many = np.flatnonzero(((gs == -2) & (gb != -1)) | ((gb == -2) & (gs != -1)))
    if len(many):
        order = np.lexsort((mg, mk))
        ptr = np.zeros(n_keys + 1, dtype=np.int64)
        np.cumsum(count, out=ptr[1:])
        lo_s = ptr[ks[many]]
        cs = count[ks[many]]
        rep = np.repeat(many, cs)
        within = np.arange(len(rep)) - np.repeat(np.cumsum(cs) - cs, cs)
        pos_s = np.repeat(lo_s, cs) + within
        sorted_group = mg[order]
        n_groups = int(mg.max()) + 1
        if n_keys * n_groups >= 2**62:
            raise InputError("intra_links: too many firm-years x groups for a 64-bit key")
        comb = mk[order] * n_groups + sorted_group  # sorted: order is by (key, group)
        want = kb[rep] * n_groups + sorted_group[pos_s]
        pos_b = np.minimum(np.searchsorted(comb, want), len(comb) - 1)
        ok = comb[pos_b] == want
        links.append(rep[ok])
        ms.append(order[pos_s[ok]])
        mb.append(order[pos_b[ok]])
    return (
        np.concatenate(links).astype(np.int64),
        np.concatenate(ms).astype(np.int64),
        np.concatenate(mb).astype(np.int64),
    )


def duplicate_pairs(row: np.ndarray, col: np.ndarray, n_rows: int, n_cols: int) -> bool:
    """Whether any ``(row[k], col[k])`` pair occurs twice.

    Converting the pairs to a compressed sparse row matrix sums duplicate entries
    (O(k) plus a sort of each row's few entries), so fewer stored entries than pairs means a
    duplicate: no global sort of the pairs.

    >>> duplicate_pairs(np.array([0, 1, 0]), np.array([1, 0, 2]), 2, 3)
    False
    >>> duplicate_pairs(np.array([0, 1, 0]), np.array([1, 0, 1]), 2, 3)
    True
    """
    r = np.asarray(row, dtype=np.int64)
    m = sp.coo_matrix(
        (np.ones(len(r), dtype=np.int8), (r, np.asarray(col, dtype=np.int64))),
        shape=(n_rows, n_cols),
    ).tocsr()
    return bool(m.nnz < len(r))


# --------------------------------------------------------------------------------------------
# registry rule


def registry_rule(
    intra_sales: np.ndarray, total_sales: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each member's intra-cluster sales share and whether it meets the registry rule.

    ``share_m = intra_m / total_m``, with ``intra_m`` the member's intermediate sales to other
    members of its cluster and ``total_m`` all its intermediate sales (both from the
    transactions). The member passes when ``intra_m >= threshold * total_m`` (a product, not
    a rounded ratio, so a member at exactly the threshold passes). Members with
    ``total_m <= 0`` have no share (NaN), do not pass and are left out of the denominator of
    the cluster's pass share.

    Returns
    -------
    share : (M,) float, NaN without sales.
    passes : (M,) bool.
    has_sales : (M,) bool.

    Examples
    --------
    A member selling 20 of its 100 to other members passes at 0.2; 19.99 does not:

    >>> share, passes, has = registry_rule(np.array([20.0, 19.99, 0.0]),
    ...                                    np.array([100.0, 100.0, 0.0]), 0.2)
    >>> passes.tolist(), has.tolist()
    ([True, False, False], [True, True, False])
    """
    intra = np.asarray(intra_sales, dtype=np.float64)
    total = np.asarray(total_sales, dtype=np.float64)
    has = total > 0
    share = np.full(total.shape, np.nan)
    np.divide(intra, total, out=share, where=has)
    return share, has & (intra >= threshold * total), has


# --------------------------------------------------------------------------------------------
# focal structure


def undirected_pairs(
    member_supplier: np.ndarray, member_buyer: np.ndarray, n_members: int
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct undirected pairs ``{a, b}`` of member rows linked in either direction.

    Built as a sparse upper-triangular matrix (duplicates and reciprocal links collapse).

    Returns
    -------
    lo, hi : (P,) int64, ``lo < hi``.

    >>> undirected_pairs(np.array([0, 1, 0]), np.array([1, 0, 2]), 3)
    (array([0, 0]), array([1, 2]))
    """
    a = np.asarray(member_supplier, dtype=np.int64)
    b = np.asarray(member_buyer, dtype=np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    m = sp.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (lo[keep], hi[keep])),
        shape=(n_members, n_members),
    )
    rows = np.repeat(np.arange(n_members, dtype=np.int64), np.diff(m.indptr))
    return rows, m.indices.astype(np.int64)


def degrees(lo: np.ndarray, hi: np.ndarray, n_members: int) -> np.ndarray:
    """Undirected degree of every member row: the number of distinct pairs it is part of."""
    return np.bincount(lo, minlength=n_members) + np.bincount(hi, minlength=n_members)


def freeman_centralisation(
    degree: np.ndarray, groups: np.ndarray, starts: np.ndarray, n_members: np.ndarray
) -> np.ndarray:
    """Freeman degree centralisation of each group's undirected intra-cluster graph.

    ``C = sum_i (d* - d_i) / ((n - 1)(n - 2))`` over the group's ``n`` members (isolated
    members included, degree 0), ``d*`` the largest degree. The denominator is the value of
    the sum for a star, so ``C = 1`` for a star and ``C = 0`` for a complete graph (or any
    regular graph). NaN for ``n < 3``.

    References
    ----------
    Freeman (1978), Social Networks 1, 215-239; Wasserman & Faust (1994), eq. (5.5).

    Examples
    --------
    A star on 4 members and a complete graph on 4 members:

    >>> freeman_centralisation(np.array([3, 1, 1, 1, 3, 3, 3, 3]),
    ...                        np.array([0, 0, 0, 0, 1, 1, 1, 1]), np.array([0, 4]),
    ...                        np.array([4, 4]))
    array([1., 0.])
    """
    d = np.asarray(degree, dtype=np.float64)
    n = np.asarray(n_members, dtype=np.float64)
    dmax = group_max(d, starts)
    total = np.bincount(groups, weights=d, minlength=len(starts))
    out = np.full(len(starts), np.nan)
    ok = n >= 3
    out[ok] = (n[ok] * dmax[ok] - total[ok]) / ((n[ok] - 1) * (n[ok] - 2))
    return out


def non_anchor_density(
    pairs: np.ndarray, anchor_degree: np.ndarray, n_members: np.ndarray, has_anchor: np.ndarray
) -> np.ndarray:
    """Density of the links among the members other than the anchor.

    ``density = (P - d_anchor) / ((n - 1)(n - 2) / 2)``: the distinct undirected pairs of
    members linked inside the cluster (``P``) less those that include the anchor (its degree),
    over the possible pairs among the other ``n - 1`` members. NaN for ``n < 3`` or without
    an anchor (no intra-cluster link).

    >>> non_anchor_density(np.array([3, 6]), np.array([3, 3]), np.array([4, 4]),
    ...                    np.array([True, True]))
    array([0., 1.])
    """
    n = np.asarray(n_members, dtype=np.float64)
    out = np.full(n.shape, np.nan)
    ok = (n >= 3) & np.asarray(has_anchor, dtype=bool)
    out[ok] = (np.asarray(pairs, dtype=np.float64)[ok] - anchor_degree[ok]) / (
        (n[ok] - 1) * (n[ok] - 2) / 2.0
    )
    return out
