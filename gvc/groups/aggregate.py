"""Aggregate a table by country and/or sector groups: ``Z* = S Z S'``, in arrays only.

With ``S`` the (m x n) 0/1 matrix that maps each node ``(c, k)`` to its aggregate node
``(g(c), h(k))``: ``Z* = S Z S'``, final demand ``Y* = S Y D'`` (``D`` merges destination
countries, categories kept), ``x* = S x``, ``va* = S va``. Sums of flows are exact; the
Leontief quantities of the aggregated table are not sums of the original ones unless the
merged columns have the same input structure (aggregation bias, Miller & Blair 2009,
sec. 4.4; docs/groups.md says which indicators agree).

New codes are ordered by their first member in the original order (so ungrouped codes keep
their relative order and a group takes its first member's place).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gvc.table import IOTable


def _merge(codes: Sequence[str], target: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """New labels (first-appearance order) and (len(new), len(codes)) 0/1 merge matrix."""
    new = list(dict.fromkeys(target))
    pos = {c: k for k, c in enumerate(new)}
    M = np.zeros((len(new), len(codes)))
    M[[pos[t] for t in target], np.arange(len(codes))] = 1.0
    return new, M


def aggregate_table(
    table: IOTable,
    country_groups: Sequence[str] | None = None,
    sector_groups: Sequence[str] | None = None,
) -> IOTable:
    """The table with countries and/or sectors merged.

    Parameters
    ----------
    table : the original table.
    country_groups : the new code of every country (``table.countries`` order); None keeps
        them.
    sector_groups : the new code of every sector; None keeps them.

    Returns
    -------
    IOTable with the merged labels (categories unchanged).

    Examples
    --------
    >>> t = IOTable(("a", "b"), ("s",), ("C",), np.array([[1.0, 2], [3, 4]]),
    ...             np.array([[5.0, 6], [7, 8]]), np.array([14.0, 22]), np.array([10.0, 16]))
    >>> g = aggregate_table(t, ["ab", "ab"])
    >>> g.countries, g.Z, g.Y_detail, g.x
    (('ab',), array([[10.]]), array([[26.]]), array([36.]))
    """
    cg = list(table.countries) if country_groups is None else [str(c) for c in country_groups]
    sg = list(table.sectors) if sector_groups is None else [str(s) for s in sector_groups]
    countries, Mc = _merge(table.countries, cg)
    sectors, Ms = _merge(table.sectors, sg)
    import scipy.sparse as sp

    # node (c, k) -> (g(c), h(k)), country-major on both sides; sparse, so O(n^2) not O(n^3)
    S = sp.csr_matrix(np.kron(Mc, Ms))
    D = sp.csr_matrix(np.kron(Mc, np.eye(table.F)))  # destination (country, category) merge

    def both(M: np.ndarray, R: sp.csr_matrix) -> np.ndarray:
        return np.asarray((R @ np.asarray(S @ M).T).T)

    return IOTable(
        tuple(countries),
        tuple(sectors),
        table.fd_categories,
        both(table.Z, S),
        both(table.Y_detail, D),
        np.asarray(S @ table.x),
        np.asarray(S @ table.va),
        meta=dict(table.meta),
    )
