"""Random tables for the scenario tests and the *explicit route* every scenario is checked
against: modify A, Y or the Ghosh allocation matrix element by element, then solve afresh
(``numpy.linalg.solve`` / ``inv``). Nothing here calls the scenario kernels."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from gvc.table import IOTable


def table_from(A: np.ndarray, Y: np.ndarray, G: int, N: int, zero=()) -> IOTable:
    """Balanced table: x = (I - A)^-1 Y 1 (exactly 0 on ``zero``), Z = A x-hat, va residual."""
    n = G * N
    x = np.linalg.solve(np.eye(n) - A, Y.sum(axis=1))
    x[list(zero)] = 0.0
    Z = A * x[None, :]
    return IOTable(
        tuple(f"C{s}" for s in range(G)),
        tuple(f"S{k}" for k in range(N)),
        ("F",),
        Z,
        Y,
        x,
        x - Z.sum(axis=0),
    )


def random_table(
    seed: int,
    G: int,
    N: int,
    *,
    closed: bool = False,
    zero_share: float = 0.15,
    self_share: float = 0.15,
    density: float = 0.8,
) -> tuple[IOTable, np.ndarray, np.ndarray]:
    """A productive table with zero-output nodes (zero rows, columns and final demand),
    self-only nodes (linked only to themselves) and, if ``closed``, no trade at all.

    Returns ``(table, zero_nodes, self_nodes)``.
    """
    rng = np.random.default_rng(seed)
    n = G * N
    c = np.repeat(np.arange(G), N)
    A = rng.uniform(0, 1, (n, n)) * (rng.uniform(size=(n, n)) < density)
    if closed:
        A[c[:, None] != c[None, :]] = 0.0
    u = rng.uniform(size=n)
    zero = np.flatnonzero(u < zero_share)
    selfonly = np.flatnonzero((u >= zero_share) & (u < zero_share + self_share))
    A[selfonly, :] = 0.0
    A[:, selfonly] = 0.0
    A[selfonly, selfonly] = rng.uniform(0.1, 0.5, selfonly.size)
    A[zero, :] = 0.0
    A[:, zero] = 0.0
    cs = A.sum(axis=0)
    target = rng.uniform(0.1, 0.8, n)
    A *= np.divide(target, cs, out=np.zeros(n), where=cs > 0)[None, :]
    Y = rng.uniform(0.5, 10.0, (n, G))
    if closed:
        Y[c[:, None] != np.arange(G)[None, :]] = 0.0
    Y[zero] = 0.0
    return table_from(A, Y, G, N, zero), zero, selfonly


@st.composite
def tables(draw, max_G: int = 4, max_N: int = 3, closed: bool | None = None):
    """Hypothesis strategy: ``(table, zero_nodes, self_nodes, rng)``."""
    G = draw(st.integers(1, max_G))
    N = draw(st.integers(1, max_N))
    seed = draw(st.integers(0, 2**32 - 1))
    cl = draw(st.booleans()) if closed is None else closed
    t, zero, selfonly = random_table(seed, G, N, closed=cl)
    return t, zero, selfonly, np.random.default_rng(seed + 1)


# ------------------------------------------------------------------------- explicit routes


def coefficients(t: IOTable) -> np.ndarray:
    """A = Z x-hat^-1 (0 where x = 0), computed here."""
    n = t.n
    A = np.zeros((n, n))
    for j in range(n):
        if t.x[j] != 0:
            A[:, j] = t.Z[:, j] / t.x[j]
    return A


def solve(A: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.solve(np.eye(A.shape[0]) - A, y)


def country(t: IOTable, i: int) -> int:
    return i // t.N


def sector(t: IOTable, i: int) -> int:
    return i % t.N


def explicit_extraction(
    t: IOTable,
    S: set[int],
    variant: str,
    *,
    final_exports: bool = True,
    final_imports: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """``(A1, Y1)`` of a Leontief extraction variant, built cell by cell."""
    A = coefficients(t)
    Y = t.Y.copy()
    A1 = A.copy()
    Y1 = Y.copy()
    n = t.n
    for i in range(n):
        for j in range(n):
            iS, jS = i in S, j in S
            foreign = country(t, i) != country(t, j)
            cut = {
                "backward_full": jS,
                "backward_keep_within": jS and not iS,
                "forward_leontief": iS,
                "total_cut_links": iS != jS,
                "total_isolate": iS or jS,
                "total_delete": iS or jS,
                "cross_border_exports": iS and foreign,
                "cross_border_imports": jS and foreign,
                "cross_border_both": (iS or jS) and foreign,
            }[variant]
            if cut:
                A1[i, j] = 0.0
    if variant == "total_delete":
        for i in S:
            Y1[i, :] = 0.0
    if variant in ("cross_border_exports", "cross_border_both") and final_exports:
        for i in S:
            for r in range(t.G):
                if r != country(t, i):
                    Y1[i, r] = 0.0
    if variant in ("cross_border_imports", "cross_border_both") and final_imports:
        for cc in {country(t, j) for j in S}:
            secs = {sector(t, j) for j in S if country(t, j) == cc}
            for i in range(n):
                if country(t, i) != cc and sector(t, i) in secs:
                    Y1[i, cc] = 0.0
    return A1, Y1


def ghosh_allocation(t: IOTable) -> np.ndarray:
    """b_ij = z_ij / x_i (0 where x_i = 0)."""
    n = t.n
    Bg = np.zeros((n, n))
    for i in range(n):
        if t.x[i] != 0:
            Bg[i, :] = t.Z[i, :] / t.x[i]
    return Bg


def ghosh_outputs(Bg: np.ndarray, va: np.ndarray) -> np.ndarray:
    return va @ np.linalg.inv(np.eye(Bg.shape[0]) - Bg)


def explicit_substitution(
    t: IOTable,
    home: int,
    sectors: list[int],
    theta: float,
    *,
    origins: set[int] | None = None,
    products: set[int] | None = None,
    final_imports: bool = False,
    x_made: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(A1, Y1)`` of import substitution by cluster (home, sectors), cell by cell."""
    A = coefficients(t)
    A1 = A.copy()
    Y1 = t.Y.copy()
    xm = t.x if x_made is None else x_made
    N = t.N
    for k in sectors:
        j = home * N + k
        for i in range(t.n):
            r, p = country(t, i), sector(t, i)
            if r == home or (origins is not None and r not in origins):
                continue
            if products is not None and p not in products:
                continue
            if xm[home * N + p] <= 0:
                continue  # the home country does not make p
            a = A[i, j]
            A1[i, j] -= theta * a
            A1[home * N + p, j] += theta * a
    if final_imports:
        for i in range(t.n):
            r, p = country(t, i), sector(t, i)
            if r == home or p not in sectors or (origins is not None and r not in origins):
                continue
            if products is not None and p not in products:
                continue
            if xm[home * N + p] <= 0:
                continue
            f = t.Y[i, home]
            Y1[i, home] -= theta * f
            Y1[home * N + p, home] += theta * f
    return A1, Y1


def explicit_bloc(
    t: IOTable, P: set[int], Q: set[int], *, final_trade: bool, resource: bool
) -> tuple[np.ndarray, np.ndarray]:
    A = coefficients(t)
    A1 = A.copy()
    Y1 = t.Y.copy()
    N = t.N
    x = t.x
    for i in range(t.n):
        for j in range(t.n):
            ci, cj = country(t, i), country(t, j)
            if (ci in P and cj in Q) or (ci in Q and cj in P):
                a = A[i, j]
                A1[i, j] -= a
                if resource and x[cj * N + sector(t, i)] > 0:
                    A1[cj * N + sector(t, i), j] += a
    if final_trade:
        for i in range(t.n):
            for r in range(t.G):
                ci = country(t, i)
                if (ci in P and r in Q) or (ci in Q and r in P):
                    f = t.Y[i, r]
                    Y1[i, r] -= f
                    if resource and x[r * N + sector(t, i)] > 0:
                        Y1[r * N + sector(t, i), r] += f
    return A1, Y1


def assert_close(got: np.ndarray, want: np.ndarray, levels: np.ndarray) -> None:
    """The issue's tolerance: 1e-9 relative to the value plus 1e-11 of the largest baseline
    level of the measure."""
    atol = 1e-11 * float(np.max(np.abs(levels))) if np.size(levels) else 0.0
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=atol)
