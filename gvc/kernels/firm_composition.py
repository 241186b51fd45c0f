"""Composition of firm clusters: triple-helix strands, core and related industries, where
members buy.

Arrays only (numpy). Member rows and groups as in :mod:`gvc.kernels.firm_network`; every
per-group quantity is a ``bincount`` over them, no Python loop over members or clusters.

References
----------
Etzkowitz, H. & Leydesdorff, L. (2000), "The dynamics of innovation: from National Systems and
'Mode 2' to a Triple Helix of university-industry-government relations", Research Policy
29(2), 109-123.
"""

from __future__ import annotations

import numpy as np

from gvc.kernels.firm_network import unique

STRANDS = ("business", "science", "government")
"""Triple-helix strands (Etzkowitz & Leydesdorff 2000), in the order of the strand codes."""

STRAND_PAIRS = ("business_science", "business_government", "science_government")
"""Unordered pairs of different strands, in the order of :func:`strand_link_values`."""


# --------------------------------------------------------------------------------------------
# composition: triple helix, core and related industries


def strand_link_values(
    strand_supplier: np.ndarray,
    strand_buyer: np.ndarray,
    value: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """Intra-cluster link value between different strands, per group and strand pair.

    Strand codes 0 business, 1 science, 2 government (:data:`STRANDS`); either direction
    counts. Returns ``(n_groups, 3)`` for :data:`STRAND_PAIRS`
    (business-science, business-government, science-government).

    >>> strand_link_values(np.array([0, 1, 0, 2]), np.array([1, 0, 0, 1]),
    ...                    np.array([1.0, 2.0, 4.0, 8.0]), np.zeros(4, int), 1)
    array([[3., 0., 8.]])
    """
    a = np.asarray(strand_supplier, dtype=np.int64)
    b = np.asarray(strand_buyer, dtype=np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    cross = lo != hi
    pair = lo + hi - 1  # (0,1) -> 0, (0,2) -> 1, (1,2) -> 2
    key = np.asarray(groups, dtype=np.int64)[cross] * 3 + pair[cross]
    out = np.bincount(
        key, weights=np.asarray(value, dtype=np.float64)[cross], minlength=3 * n_groups
    )
    return out.reshape(n_groups, 3)


def strands_linked(present: np.ndarray, pair_values: np.ndarray) -> np.ndarray:
    """Number of strands present in a group that have intra-cluster links with another strand.

    ``present`` is ``(n_groups, 3)`` bool; ``pair_values`` from :func:`strand_link_values`.
    A strand counts when the link value between it and at least one other strand is positive.

    >>> strands_linked(np.array([[True, True, True]]), np.array([[1.0, 0.0, 0.0]]))
    array([2])
    """
    pv = np.asarray(pair_values) > 0
    linked = np.stack(
        [pv[:, 0] | pv[:, 1], pv[:, 0] | pv[:, 2], pv[:, 1] | pv[:, 2]],
        axis=1,
    )
    return (linked & np.asarray(present, dtype=bool)).sum(axis=1)


def core_related_industries(
    industry: np.ndarray,
    is_firm: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    core_share: float,
    link_supplier: np.ndarray,
    link_buyer: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Core and related industries of each group, and each member firm's role.

    Among the member firms of a group (``is_firm``; members without an industry code,
    ``industry < 0``, take no part):

    * **core** industries are those with at least ``core_share`` of the group's member firms,
      and always the most frequent industry (all of them on a tie);
    * **related** industries are the other industries of member firms that have an
      intra-cluster link (either direction, given as member rows ``link_supplier`` ->
      ``link_buyer``) with a member firm of a core industry.

    Returns
    -------
    core_member, related_member : (M,) bool, member firm in a core / related industry.
    core_pairs : (C, 2) int64, the ``(group, industry)`` pairs that are core.
    industries : (n_groups,) int, distinct industries among the group's member firms.

    Examples
    --------
    Three firms in industry 7, one in 8 linked to one of them, one in 9 unlinked:

    >>> core, rel, pairs, n = core_related_industries(
    ...     np.array([7, 7, 7, 8, 9]), np.ones(5, bool), np.zeros(5, int), 1, 0.5,
    ...     np.array([3]), np.array([0]))
    >>> core.tolist(), rel.tolist(), pairs.tolist(), n.tolist()
    ([True, True, True, False, False], [False, False, False, True, False], [[0, 7]], [3])
    """
    ind = np.asarray(industry, dtype=np.int64)
    g = np.asarray(groups, dtype=np.int64)
    use = np.asarray(is_firm, dtype=bool) & (ind >= 0)
    width = int(ind.max(initial=0)) + 1
    key = np.where(use, g * width + ind, -1)
    uk, counts = unique(key[use], return_counts=True)
    ug = uk // width
    firms = np.bincount(ug, weights=counts, minlength=n_groups)
    top = np.zeros(n_groups)
    np.maximum.at(top, ug, counts)
    is_core = (counts >= core_share * firms[ug]) | (counts == top[ug])
    pos = np.minimum(np.searchsorted(uk, key), max(len(uk) - 1, 0))
    found = use & (len(uk) > 0)
    core_member = np.zeros(len(ind), dtype=bool)
    core_member[found] = is_core[pos[found]]

    ls = np.asarray(link_supplier, dtype=np.int64)
    lb = np.asarray(link_buyer, dtype=np.int64)
    related_key = np.zeros(len(uk), dtype=bool)
    for a, b in ((ls, lb), (lb, ls)):  # the two directions of a link, not a loop over data
        sel = core_member[a] & use[b] & ~core_member[b]
        related_key[pos[b[sel]]] = True
    related_member = np.zeros(len(ind), dtype=bool)
    related_member[found] = related_key[pos[found]] & ~core_member[found]
    core_pairs = np.stack([ug[is_core], uk[is_core] % width], axis=1)
    return core_member, related_member, core_pairs, np.bincount(ug, minlength=n_groups)


# --------------------------------------------------------------------------------------------
# openness


def purchase_shares(
    bought: np.ndarray,
    bought_same_country: np.ndarray,
    bought_same_region: np.ndarray,
    imports: np.ndarray,
    intra_bought: np.ndarray,
    intra_same_country: np.ndarray,
    intra_same_region: np.ndarray,
) -> np.ndarray:
    """Members' purchases split into four shares that sum to 1 (per group, or per member).

    With ``T`` purchases in the transaction table, ``C`` of them from suppliers in the
    buyer's country, ``R`` from suppliers in its region (same country and region), ``I``
    imports from the firm table (purchases from outside the transaction table), and the
    intra-cluster part ``W`` (``W_C``, ``W_R`` from the same country / region)::

        inside       = W / P
        same_region  = (R - W_R) / P                  (outside the cluster)
        same_country = ((C - R) - (W_C - W_R)) / P    (other regions, outside the cluster)
        abroad       = ((T - C) + I - (W - W_C)) / P
        P            = T + I

    All arguments are already summed over the group's members. Returns ``(n, 4)`` in that
    order; NaN rows where ``P = 0``.

    >>> purchase_shares(np.array([10.0]), np.array([8.0]), np.array([5.0]), np.array([10.0]),
    ...                 np.array([4.0]), np.array([4.0]), np.array([3.0]))
    array([[0.2, 0.1, 0.1, 0.6]])
    """
    T, C, R, I, W, WC, WR = (
        np.asarray(a, dtype=np.float64)
        for a in (
            bought,
            bought_same_country,
            bought_same_region,
            imports,
            intra_bought,
            intra_same_country,
            intra_same_region,
        )
    )
    P = T + I
    parts = np.stack([W, R - WR, (C - R) - (WC - WR), (T - C) + I - (W - WC)], axis=1)
    out = np.full(parts.shape, np.nan)
    np.divide(parts, P[:, None], out=out, where=(P > 0)[:, None])
    return out
