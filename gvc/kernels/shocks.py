"""Shocks: demand (Leontief), primary input (Ghosh), supply caps (mixed model), bloc decoupling.

* **Demand shock** (Leontief quantity model): final demand for the products of the nodes S
  changes by a share ``phi`` (all destinations, or the destination countries given):
  ``dy_i = phi sum_{r in R} Y_ir`` for ``i`` in S, ``dx = B dy`` (Miller & Blair 2009, ch. 2).
* **Primary-input shock** (Ghosh supply model): value added (primary inputs) of S changes by a
  share ``phi``; outputs follow ``x' = va' (I - A^G)^-1`` with the allocation coefficients
  ``A^G = x-hat^-1 Z`` fixed, i.e. ``dx' = dva' (I - A^G)^-1 = (dva / x)' B x-hat``
  (Ghosh 1958; Miller & Blair 2009, ch. 12). The shock propagates forward, to the buyers of
  S's output and theirs. The Ghosh model's known limits apply: with fixed allocation
  coefficients a buyer's output moves with one supplier's deliveries while its other inputs
  stay as they were, as if inputs were perfect substitutes (Oosterhaven 1988's implausibility
  critique); Dietzenbacher (1997) reads the model as a price model instead. Value added of
  the result is ``v x1`` at the baseline ratios ``v``, like every scenario here.
* **Mixed model** (Miller & Blair's mixed endogenous/exogenous model): the outputs of the
  nodes X are fixed at ``x0_X (1 + phi)`` (a supply cap when ``phi < 0``) and the final demand
  of every other node is kept; the final demand of X becomes endogenous. From
  ``(I - A) dx = dy`` with ``dy_E = 0`` (E the other nodes):
  ``dy_X = (B_XX)^-1 dx_X`` and ``dx = B[:, X] dy_X`` (equivalently
  ``dx_E = (I - A_EE)^-1 A_EX dx_X``). It propagates **backward only**: X buys less from its
  suppliers (and they from theirs); X's buyers are assumed to get what they need, the cap
  being absorbed by X's final demand ``dy_X``. A supply cap's forward effects on the buyers are
  the Ghosh model's (primary-input shock above), with its limits.
* **Bloc decoupling**: the intermediate links between two groups of countries P and Q are cut,
  ``A1[i, j] = 0`` when ``c(i) in P, c(j) in Q`` or ``c(i) in Q, c(j) in P``; optionally final
  trade between them too (``Y1[i, r] = 0`` for the same country pairs); optionally the cut
  inputs (and cut final imports) re-sourced at home: moved to the buyer's home industry of the
  same product, when the buyer's country makes it (``x > 0``), else lost.

References
----------
Miller, R. E. & Blair, P. D. (2009). Input-Output Analysis, 2nd ed., Cambridge University
Press: ch. 2 (quantity model), ch. 12 (Ghosh supply-side model), ch. 13 (mixed
exogenous/endogenous models; section numbers not confirmed here).
Ghosh, A. (1958). Input-output approach in an allocation system. Economica 25(97), 58-64.
Oosterhaven, J. (1988). On the plausibility of the supply-driven input-output model. Journal
of Regional Science 28(2), 203-217.
Dietzenbacher, E. (1997). In vindication of the Ghosh model: a reinterpretation as a price
model. Journal of Regional Science 37(4), 629-651.
"""

from __future__ import annotations

import numpy as np

from gvc.errors import InputError
from gvc.kernels.blocks import country_of
from gvc.kernels.extraction import ghosh_baseline
from gvc.kernels.rank_update import LeontiefChange, _solve_small


def demand_shock_change(
    Y: np.ndarray,
    members: np.ndarray,
    phi: float,
    destinations: np.ndarray | None = None,
) -> LeontiefChange:
    """``dy_i = phi sum_{r in R} Y_ir`` for ``i`` in S (Leontief quantity model; module doc).

    Parameters
    ----------
    Y : (n, G) final demand by destination. members : (n,) bool, S.
    phi : relative change (-0.3 = a 30 % fall).
    destinations : destination country positions R (default all).

    Returns
    -------
    :class:`~gvc.kernels.rank_update.LeontiefChange` with ``dy`` only (rank 0: ``dx = B dy``).

    Examples
    --------
    >>> demand_shock_change(np.array([[10.0, 5.0], [2.0, 0.0]]), np.array([True, False]),
    ...                     -0.3).dy
    array([-4.5,  0. ])
    """
    Y = np.asarray(Y, dtype=np.float64)
    n, G = Y.shape
    S = np.asarray(members, dtype=bool)
    if S.shape != (n,):
        raise InputError(f"demand shock: members has shape {S.shape}, expected ({n},)")
    cols = np.arange(G) if destinations is None else np.asarray(destinations, dtype=np.intp)
    dy = np.where(S, phi * Y[:, cols].sum(axis=1), 0.0)
    return LeontiefChange.make(n, dy=dy)


def primary_input_shock(
    B: np.ndarray, x: np.ndarray, va: np.ndarray, members: np.ndarray, phi: float
) -> tuple[np.ndarray, np.ndarray]:
    """Ghosh primary-input shock: ``dva = phi va`` on S, ``dx' = dva' (I - A^G)^-1``.

    ``(I - A^G)^-1 = x-hat^+ B x-hat + diag(1[x = 0])``
    (:func:`gvc.kernels.extraction.ghosh_baseline`), so
    ``dx_j = x_j ((dva / x)' B)_j`` (``+ dva_j`` where ``x_j = 0``).

    Parameters
    ----------
    B : (n, n) Leontief inverse. x, va : (n,) output and value added of the table.
    members : (n,) bool, S. phi : relative change of S's value added.

    Returns
    -------
    (x0, dx) : Ghosh baseline ``x0' = va' (I - A^G)^-1`` and the change, (n,) each.

    References
    ----------
    Ghosh (1958); Miller & Blair (2009, ch. 12).

    Examples
    --------
    Chain ``0 -> 1`` (node 0 sells half its output to node 1): a 10 % cut of node 0's primary
    inputs takes 1 from node 0's output and 0.5 from node 1's.

    >>> A = np.array([[0.0, 0.5], [0.0, 0.0]]); B = np.linalg.inv(np.eye(2) - A)
    >>> primary_input_shock(B, np.array([10.0, 10.0]), np.array([10.0, 5.0]),
    ...                     np.array([True, False]), -0.1)[1]
    array([-1. , -0.5])
    """
    x = np.asarray(x, dtype=np.float64)
    va = np.asarray(va, dtype=np.float64)
    S = np.asarray(members, dtype=bool)
    if S.shape != x.shape:
        raise InputError(f"primary-input shock: members has shape {S.shape}, expected {x.shape}")
    x0 = ghosh_baseline(B, x, va)
    dva = np.where(S, phi * va, 0.0)
    pos = x != 0
    dv = np.divide(dva, x, out=np.zeros_like(x), where=pos)
    return x0, np.where(pos, x * (dv @ B), dva)


def mixed_model(
    B: np.ndarray, x0: np.ndarray, fixed: np.ndarray, phi: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Outputs of X fixed at ``x0_X (1 + phi)``, final demand of the rest kept (module doc).

    ``dy_X = (B_XX)^-1 dx_X``, ``dx = B[:, X] dy_X`` (``dx_X`` set to its given value).

    Parameters
    ----------
    B : (n, n) Leontief inverse. x0 : (n,) baseline ``B y``.
    fixed : (n,) bool, the exogenous nodes X. phi : relative change of their outputs (scalar
        or one per node of X).

    Returns
    -------
    (dx, dy) : (n,) output change and the implied change of final demand (non-zero on X only).

    References
    ----------
    Miller & Blair (2009), the mixed exogenous/endogenous model (module docstring).

    Examples
    --------
    Chain ``0 -> 1``: capping node 1 at half its output halves what it buys from node 0.

    >>> A = np.array([[0.0, 0.5], [0.0, 0.0]]); B = np.linalg.inv(np.eye(2) - A)
    >>> mixed_model(B, B @ np.array([0.0, 10.0]), np.array([False, True]), -0.5)
    (array([-2.5, -5. ]), array([ 0., -5.]))
    """
    X = np.flatnonzero(np.asarray(fixed, dtype=bool))
    n = x0.shape[0]
    dx = np.zeros(n)
    dy = np.zeros(n)
    if X.size == 0:
        return dx, dy
    dxX = np.asarray(phi, dtype=np.float64) * x0[X]
    dyX = _solve_small(B[np.ix_(X, X)], dxX)
    dx = B[:, X] @ dyX
    dx[X] = dxX
    dy[X] = dyX
    return dx, dy


def bloc_change(
    A: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    G: int,
    N: int,
    bloc_a: np.ndarray,
    bloc_b: np.ndarray,
    *,
    final_trade: bool = False,
    resource_at_home: bool = False,
) -> LeontiefChange:
    """Cut the links between country blocs P and Q (module docstring).

    Without re-sourcing, the change is written on the nodes of the smaller bloc X (its columns:
    purchases from the other bloc; its rows: sales to it), rank ``2 |X|``, or on the columns of
    both blocs when that is smaller; with re-sourcing it changes the columns of both blocs.

    Parameters
    ----------
    A : (n, n). Y : (n, G). x : (n,) outputs deciding which home industries exist.
    G, N : countries and sectors. bloc_a, bloc_b : country positions of P and Q (disjoint).
    final_trade : also cut final sales between the blocs.
    resource_at_home : move the cut purchases to the buyer's home industry of the same product.

    Returns
    -------
    :class:`~gvc.kernels.rank_update.LeontiefChange`; ``notes`` holds ``cut_inputs``,
    ``cut_final``, ``resourced_inputs``, ``resourced_final`` (values at outputs ``x``).

    Raises
    ------
    InputError
        overlapping or empty blocs, positions out of range.

    Examples
    --------
    Two countries, one sector each, cut apart:

    >>> A = np.array([[0.1, 0.2], [0.3, 0.1]]); Y = np.eye(2)
    >>> ch = bloc_change(A, Y, np.ones(2), 2, 1, np.array([0]), np.array([1]))
    >>> ch.apply(A)
    array([[0.1, 0. ],
           [0. , 0.1]])
    """
    n = G * N
    P = _countries(bloc_a, G)
    Q = _countries(bloc_b, G)
    if not P.any() or not Q.any() or (P & Q).any():
        raise InputError("bloc decoupling: the two blocs must be non-empty and disjoint")
    c = country_of(G, N)
    sec = np.arange(n) % N
    inP, inQ = P[c], Q[c]
    cut = (inP[:, None] & inQ[None, :]) | (inQ[:, None] & inP[None, :])
    xs = np.asarray(x, dtype=np.float64)
    made = xs.reshape(G, N) > 0  # made[d, p]
    notes = {"cut_inputs": float((A * cut * xs[None, :]).sum())}
    cutf = (inP[:, None] & Q[None, :]) | (inQ[:, None] & P[None, :])  # (n, G)
    dY = -(Y * cutf) if final_trade else np.zeros_like(Y)
    notes["cut_final"] = float(-dY.sum())
    if resource_at_home:
        moved = A * cut * made[c[None, :], sec[:, None]]
        add = moved.reshape(G, N, n).sum(axis=0)  # (N, n): product p bought by column j
        dA = -(A * cut)
        rows = c[None, :] * N + np.arange(N)[:, None]
        dA[rows, np.broadcast_to(np.arange(n), (N, n))] += add
        notes["resourced_inputs"] = float((add * xs[None, :]).sum())
        if final_trade:
            fm = (-dY) * made.T[sec, :]  # (n, G): moved to destination d's industry
            addf = fm.reshape(G, N, G).sum(axis=0)  # (N, G)
            dY[np.arange(G)[None, :] * N + np.arange(N)[:, None], np.arange(G)[None, :]] += addf
            notes["resourced_final"] = float(addf.sum())
        cols = np.flatnonzero(inP | inQ)
        ch = LeontiefChange.make(n, cols=cols, dcols=dA[:, cols], dy=dY.sum(axis=1))
    else:
        X = inP if inP.sum() <= inQ.sum() else inQ
        idx = np.flatnonzero(X)
        both = np.flatnonzero(inP | inQ)
        dA_cols = -(A * cut)
        if 2 * idx.size < both.size:
            ch = LeontiefChange.make(
                n,
                cols=idx,
                dcols=dA_cols[:, idx],
                rows=idx,
                drows=dA_cols[idx, :],
                dy=dY.sum(axis=1),
            )
        else:
            ch = LeontiefChange.make(n, cols=both, dcols=dA_cols[:, both], dy=dY.sum(axis=1))
    ch.notes.update(notes)
    return ch


def _countries(pos: np.ndarray, G: int) -> np.ndarray:
    p = np.asarray(pos, dtype=np.intp).ravel()
    if p.size and (p.min() < 0 or p.max() >= G):
        raise InputError(f"bloc decoupling: country position out of [0, {G})")
    out = np.zeros(G, dtype=bool)
    out[p] = True
    return out
