"""Validation of a harmonised table before it is stored: errors stop, warnings are returned.

Row balance is judged node by node: node ``i`` fails when::

    |x_i - sum_j Z_ij - sum_r Y_ir| > balance_tol * max(x_i, 1) + abs_tol

``abs_tol`` allows for tables published as whole numbers. Such rounding breaks the relative test
on small rows: in the integer copy of WIOD 2013 shipped in ``datasets/wiod2013`` (1995-2011) the
row gaps run from -7 to +113 USD million, so nodes with output 0-50 have relative gaps up to 2.0,
while the whole-table L1 gap ``sum|gap| / sum x`` is 0.042-0.093 % (all measured). The default
``abs_tol=None`` is therefore 0 for tables with fractional values and, for tables whose every
value is a whole number, the rounding bound of one row scaled to the table:

    abs_tol = min(200, 0.5 * (n + G F + 1))   (units of the published table)

Each of the ``n + G F`` published cells of a row and its output is off by at most 0.5 when
rounded to a whole number, so a gap beyond that bound is not rounding; 200 caps it for large
tables (WIOD 2013: n + G F + 1 = 1641 cells, bound 820, cap 200 > 113). A 4-country x 3-sector
table with 2 final-demand categories gets 10.5 units: a node off by 89 units is refused, where
a fixed 200 let it through. The exactly balanced LR-WIOD 2000 table (largest gap 5.6e-4,
relative 1.3e-10) passes with room to spare.

Other refusals, each naming the file and the node or cell: an all-zero table, values whose
sums overflow float64, negative output (with a hint when the output was computed as row sums).
A country with zero output in every sector is kept (GLORIA publishes an all-zero dummy region)
with a warning that the ratios dividing by its output or exports are NaN, "undefined".
"""

from __future__ import annotations

import logging

import numpy as np

from gvc.errors import InputError
from gvc.table import IOTable

log = logging.getLogger(__name__)

#: cap of the allowance (table units) for integer-valued tables; WIOD 2013's largest gap is 113
INTEGER_TABLE_ABS_TOL = 200.0


def integer_allowance(n: int, G: int, F: int) -> float:
    """Rounding bound of one row of an integer table: 0.5 per published cell (``n``
    intermediate, ``G F`` final demand, 1 output), capped at :data:`INTEGER_TABLE_ABS_TOL`.

    >>> integer_allowance(12, 4, 2), integer_allowance(1435, 41, 5)
    (10.5, 200.0)
    """
    return min(INTEGER_TABLE_ABS_TOL, 0.5 * (n + G * F + 1))


def _whole_numbers(a: np.ndarray, factor: float, rows: int = 256) -> bool:
    """Whether every value of ``a / factor`` is a whole number (to 1e-6 when ``factor`` is not
    1), by blocks of rows: no temporary of the size of ``a``; stops at the first block that
    is not."""
    a2 = a.reshape(a.shape[0], -1) if a.ndim > 1 else a.reshape(-1, 1)
    for r0 in range(0, a2.shape[0], rows):
        block = a2[r0 : r0 + rows]
        if factor == 1.0:
            if not np.array_equal(block, np.round(block)):
                return False
        else:
            scaled = block / factor
            if np.abs(scaled - np.round(scaled)).max(initial=0.0) >= 1e-6:
                return False
    return True


def validate(
    table: IOTable,
    source: str,
    *,
    balance_tol: float = 1e-3,
    abs_tol: float | None = None,
) -> list[str]:
    """Check a harmonised table; raise on what makes it unusable, return warnings otherwise.

    Parameters
    ----------
    table : the harmonised table.
    source : the file it came from (named in every message).
    balance_tol : relative row-balance tolerance, ``|x - Z1 - Y1| / max(x, 1)``.
    abs_tol : absolute allowance added to the tolerance; None: 0 for tables with fractional
        values, :func:`integer_allowance` (``min(200, 0.5 (n + G F + 1))``) for integer-valued
        tables (see the module docstring), in the unit the file was published in
        (``table.meta["unit_factor"]`` scales it with the values).

    Returns
    -------
    list of warnings (one line each): countries with zero output in every sector, zero-output
    sectors, negative final demand, negative
    value added, a final-demand category that almost no destination country uses (at most a
    quarter as many as the median category: a mistyped code?), the overall balance gap.

    Raises
    ------
    InputError
        NaN or infinite values, values whose sums overflow, an all-zero table, negative
        intermediate flows, negative or missing output, rows out of balance beyond tolerance.
        The message names the cell or node by labels.

    Examples
    --------
    >>> import numpy as np
    >>> from gvc.table import IOTable
    >>> t = IOTable(("A",), ("s",), ("C",), np.array([[2.0]]), np.array([[8.0]]),
    ...             np.array([10.0]), np.array([8.0]))
    >>> validate(t, "toy")
    []
    """
    N, F = table.N, table.F
    countries, sectors, fds = table.countries, table.sectors, table.fd_categories

    def node(i: int) -> str:
        return f"{countries[i // N]}/{sectors[i % N]}"

    def fd_col(c: int) -> str:
        return f"{countries[c // F]}/{fds[c % F]}"

    Z, Yd, x, va = table.Z, table.Y_detail, table.x, table.va
    for arr, what, colname in ((Z, "intermediate flow", node), (Yd, "final demand", fd_col)):
        bad = ~np.isfinite(arr)
        if bad.any():
            r, c = (int(v[0]) for v in np.nonzero(bad))
            raise InputError(
                f"{source}: {what} is NaN or infinite at row {node(r)}, column {colname(c)}"
            )
    with np.errstate(over="ignore", invalid="ignore"):
        sums_ok = all(
            np.isfinite(s).all()
            for s in (Z.sum(axis=1) + Yd.sum(axis=1), Z.sum(axis=0), Yd.sum(axis=0))
        )
    if not sums_ok:
        # finite cells whose sums overflow float64 (values near 1e308): name the largest cell
        big = [
            (float(np.abs(a).max(initial=0.0)), a, w, cn)
            for a, w, cn in ((Z, "intermediate flow", node), (Yd, "final demand", fd_col))
        ]
        _, arr, what, colname = max(big, key=lambda t: t[0])
        rr, cc = (int(k) for k in np.unravel_index(int(np.argmax(np.abs(arr))), arr.shape))
        raise InputError(
            f"{source}: {what} {arr[rr, cc]:.6g} at row {node(rr)}, column "
            f"{colname(cc)} is too large: the row and column sums overflow float64 "
            "(a corrupt cell or a wrong unit?)"
        )
    if not Z.any() and not Yd.any():
        raise InputError(
            f"{source}: every intermediate and final-demand value is zero (an empty table)"
        )
    x_missing = ~np.isfinite(x)
    if x_missing.any():
        i = int(np.flatnonzero(x_missing)[0])
        raise InputError(
            f"{source}: output is missing (NaN/inf) for {node(i)} "
            f"({int(x_missing.sum())} country-sectors in all)"
        )
    bad = ~np.isfinite(va)
    if bad.any():
        raise InputError(
            f"{source}: value added is NaN or infinite for {node(int(np.flatnonzero(bad)[0]))}"
        )
    neg = Z < 0
    if neg.any():
        r, c = (int(v[0]) for v in np.nonzero(neg))
        raise InputError(
            f"{source}: negative intermediate flow {Z[r, c]:.6g} at row {node(r)}, column "
            f"{node(c)} ({int(neg.sum())} negative cells in all)"
        )
    if (x < 0).any():
        i = int(np.flatnonzero(x < 0)[0])
        if table.meta.get("x_from_row_sums"):
            raise InputError(
                f"{source}: output of {node(i)} computed as its row sum Z 1 + Y 1 (the file "
                f"gives no output) is negative ({x[i]:.6g}): negative final demand (inventory "
                "changes?) exceeds its sales; give the output (output.parquet next to the "
                "cells) or use --negative-inventories zero|move"
            )
        raise InputError(f"{source}: negative output {x[i]:.6g} for {node(i)}")
    uses = Z.sum(axis=1) + Yd.sum(axis=1)
    gap = x - uses
    if abs_tol is None:
        # whole numbers in the unit the file was published in (before the unit step scaled
        # them, e.g. thousand -> million): the allowance scales with the values
        factor = float(table.meta.get("unit_factor") or 1.0)
        integral = all(_whole_numbers(a, factor) for a in (Z, Yd, x))
        abs_tol = integer_allowance(table.n, table.G, F) * factor if integral else 0.0
    tol = balance_tol * np.maximum(x, 1.0) + abs_tol
    over = np.abs(gap) > tol
    if over.any():
        excess = np.where(over, np.abs(gap) / tol, 0.0)
        i = int(np.argmax(excess))
        raise InputError(
            f"{source}: rows do not balance: {int(over.sum())} country-sectors with "
            f"|x - Z1 - Y1| > {balance_tol:g} * max(x, 1) + {abs_tol:g}; worst {node(i)}: "
            f"x = {x[i]:.6g}, Z1 + Y1 = {uses[i]:.6g}, gap = {gap[i]:.6g} "
            f"(relative {abs(gap[i]) / max(x[i], 1.0):.3g})"
        )

    warnings: list[str] = []
    dead = np.flatnonzero((x.reshape(table.G, N) == 0).all(axis=1))
    if dead.size:
        # kept (GLORIA publishes an all-zero dummy region, DYE), but said plainly: ratios with
        # its output or exports in the denominator are undefined
        warnings.append(
            f"{source}: {dead.size} countr{'y has' if dead.size == 1 else 'ies have'} zero "
            f"output in every sector ({', '.join(countries[int(g)] for g in dead[:5])}"
            f"{', ...' if dead.size > 5 else ''}): kept; shares and positions with its output "
            "or exports in the denominator are NaN (undefined)"
        )
    zero = np.flatnonzero(x == 0)
    if zero.size:
        shown = ", ".join(node(int(i)) for i in zero[:5])
        warnings.append(
            f"{source}: {zero.size} country-sectors have zero output ({shown}"
            f"{', ...' if zero.size > 5 else ''}); their coefficient columns are zero"
        )
    negy = Yd < 0
    if negy.any():
        cats = sorted({fds[c % F] for c in np.nonzero(negy)[1]})
        warnings.append(
            f"{source}: {int(negy.sum())} negative final-demand cells (categories "
            f"{', '.join(cats)}; sum {Yd[negy].sum():.6g})"
        )
    negva = np.flatnonzero(va < 0)
    if negva.size:
        warnings.append(
            f"{source}: {negva.size} country-sectors have negative value added "
            f"(e.g. {node(int(negva[0]))}: {va[negva[0]]:.6g})"
        )
    # a final-demand code used by almost no destination country among codes that most use is
    # usually a mistyped code in a long file, read as a category of its own
    used = (Yd != 0).reshape(-1, table.G, F).any(axis=0).sum(axis=0)  # (F,) countries using f
    typical = float(np.median(used)) if F > 1 else 0.0
    for f in np.flatnonzero((used <= typical / 4) & (typical >= 4)):
        warnings.append(
            f"{source}: final-demand category {fds[f]!r} is used by {int(used[f])} of "
            f"{table.G} destination countries (the median category by {typical:g}): a "
            "mistyped code?"
        )
    total = float(x.sum())
    l1 = float(np.abs(gap).sum()) / total if total > 0 else 0.0
    if l1 > 1e-9:
        i = int(np.argmax(np.abs(gap)))
        warnings.append(
            f"{source}: rows balance to a relative L1 gap of {l1:.3g} "
            f"(largest |gap| {abs(gap[i]):.6g} at {node(i)})"
        )
    for w in warnings:
        log.info("%s", w)
    return warnings
