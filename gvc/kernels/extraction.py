"""Hypothetical extraction of a node set S: backward, forward, total and cross-border variants.

The hypothetical extraction method measures how much a set of nodes S (a cluster, a country)
matters for everyone else by solving the model again with some of S's links removed and
comparing with the baseline: ``dx = x1 - x0``; ``-1'dx`` is the linkage (Miller & Blair 2009,
ch. 12; Dietzenbacher, van der Linden & Steenge 1993; Dietzenbacher & Lahr 2013). Every
Leontief variant here is a :class:`~gvc.kernels.rank_update.LeontiefChange` (a change to
columns and/or rows of ``A`` and to final demand), solved by
:func:`~gvc.kernels.rank_update.leontief_update` from the baseline inverse. ``R`` is the rest
of the nodes, ``c(i)`` the country of node ``i``, ``y`` total final demand (all destinations).

Backward (S's purchases):

* ``backward_full``: ``A1[:, S] = 0``, S's purchases from itself included;
* ``backward_keep_within``: ``A1[R, S] = 0``, S's purchases from inside S kept.

Forward (S's sales):

* ``forward_leontief``: ``A1[S, :] = 0`` (S's rows of ``A``);
* ``forward_ghosh``: S's rows of the Ghosh allocation matrix ``A^G = x-hat^-1 Z`` set to zero,
  with value added fixed: ``x1' = va' (I - A^G_1)^-1`` against ``x0' = va' (I - A^G)^-1``
  (Ghosh 1958; Dietzenbacher & van der Linden 1997 use it for forward linkages); see
  :func:`ghosh_forward_extraction`.

Total:

* ``total_cut_links`` (the default): ``A1[S, R] = 0`` and ``A1[R, S] = 0``: the links between S
  and the rest cut, S's internal block ``A[S, S]`` and all final demand kept
  (Dietzenbacher, van der Linden & Steenge 1993);
* ``total_isolate``: ``A1[S, :] = 0`` and ``A1[:, S] = 0``, own block included; final demand
  kept (S then produces only its own final demand);
* ``total_delete``: as ``total_isolate`` and S's final demand removed, ``y1[S] = 0``: S is
  deleted from the economy (Miller & Blair 2009, ch. 12, the classical extraction).

Cross-border (a cluster, or a whole country; *foreign* = ``c(i) != c(j)``):

* ``cross_border_exports``: ``A1[i, j] = 0`` for ``i in S`` and ``j`` foreign to ``i``, and
  (``final_exports``, default True) ``Y1[i, r] = 0`` for ``r != c(i)``: final exports count as
  exports;
* ``cross_border_imports``: ``A1[i, j] = 0`` for ``j in S`` and ``i`` foreign to ``j``; with
  ``final_imports`` (only when asked) also the final imports of S's products by S's countries,
  ``Y1[i, c] = 0`` for ``c`` a country of S, ``c(i) != c`` and ``i`` of a sector S has in ``c``;
* ``cross_border_both``: both.

For a whole country ``s``, ``cross_border_exports`` is the world of Los, Timmer & de Vries
(2016) in which ``s`` does not export: ``s``'s value added there, at the baseline value-added
coefficients, is their ``GDP*_s = v_s (I - A^ss)^-1 y^ss`` (their eq. 9; ``GDP_s`` is eq. 1 and
the domestic value added in exports is ``GDP_s - GDP*_s``). It comes out of the update because
with ``A1[s, r] = 0`` and ``Y1[s, r] = 0`` the rows of ``s`` read ``x_s = A^ss x_s + y^ss``.

References
----------
Miller, R. E. & Blair, P. D. (2009). Input-Output Analysis, 2nd ed., ch. 12 (backward and
forward linkages, hypothetical extraction; section numbers not confirmed here).
Dietzenbacher, E., van der Linden, J. A. & Steenge, A. E. (1993). The regional extraction
method: EC input-output comparisons. Economic Systems Research 5(2), 185-206.
Dietzenbacher, E. & van der Linden, J. A. (1997). Sectoral and spatial linkages in the EC
production structure. Journal of Regional Science 37(2), 235-257.
Dietzenbacher, E. & Lahr, M. L. (2013). Expanding extractions. Economic Systems Research
25(3), 341-360.
Ghosh, A. (1958). Input-output approach in an allocation system. Economica 25(97), 58-64.
Los, B., Timmer, M. P. & de Vries, G. J. (2016). Tracing value-added and double counting in
gross exports: comment. American Economic Review 106(7), 1958-1966.
"""

from __future__ import annotations

import numpy as np

from gvc.errors import InputError, NumericalError
from gvc.kernels.blocks import country_of
from gvc.kernels.rank_update import LeontiefChange, _solve_small

LEONTIEF_VARIANTS = (
    "backward_full",
    "backward_keep_within",
    "forward_leontief",
    "total_cut_links",
    "total_isolate",
    "total_delete",
    "cross_border_exports",
    "cross_border_imports",
    "cross_border_both",
)
"""Extraction variants solved in the Leontief quantity model (module docstring)."""
VARIANTS = (*LEONTIEF_VARIANTS, "forward_ghosh")
"""Every extraction variant; ``forward_ghosh`` is solved in the Ghosh model."""


def extraction_change(
    A: np.ndarray,
    Y: np.ndarray,
    members: np.ndarray,
    variant: str,
    G: int,
    N: int,
    *,
    final_exports: bool = True,
    final_imports: bool = False,
) -> LeontiefChange:
    """The change ``(dA, dy)`` of one Leontief extraction variant of the node set ``members``.

    See the module docstring for every variant's definition.

    Parameters
    ----------
    A : (n, n) input coefficients. Y : (n, G) final demand by destination country.
    members : (n,) bool, the node set S.
    variant : one of :data:`LEONTIEF_VARIANTS`.
    G, N : countries and sectors (country-major nodes).
    final_exports : cross-border exports: also remove S's final exports (default True).
    final_imports : cross-border imports: also remove the final imports of S's products by S's
        countries (default False).

    Returns
    -------
    :class:`~gvc.kernels.rank_update.LeontiefChange` of rank ``|S|`` (backward, forward,
    cross-border one way) or ``2 |S|`` (total, cross-border both).

    Raises
    ------
    InputError
        unknown variant, wrong shapes or an empty S.

    References
    ----------
    Miller & Blair (2009, ch. 12); Dietzenbacher, van der Linden & Steenge (1993);
    Dietzenbacher & Lahr (2013); Los, Timmer & de Vries (2016). See the module docstring.

    Examples
    --------
    Node 1 of a chain ``0 -> 1 -> 2``: cutting its links leaves nodes 0 and 2 with only their
    own final demand.

    >>> A = np.array([[0, .5, 0], [0, 0, .5], [0, 0, 0]]); Y = np.eye(3)
    >>> ch = extraction_change(A, Y, np.array([False, True, False]), "total_cut_links", 3, 1)
    >>> ch.rank, float(ch.apply(A).sum())
    (2, 0.0)
    """
    n = G * N
    S = np.asarray(members, dtype=bool)
    if S.shape != (n,) or A.shape != (n, n) or Y.shape != (n, G):
        raise InputError(f"extraction: shapes A{A.shape}, Y{Y.shape}, members{S.shape}")
    if not S.any():
        raise InputError("extraction: the node set is empty")
    idx = np.flatnonzero(S)
    c = country_of(G, N)
    if variant == "backward_full":
        return LeontiefChange.make(n, cols=idx, dcols=-A[:, idx])
    if variant == "backward_keep_within":
        return LeontiefChange.make(n, cols=idx, dcols=-A[:, idx] * ~S[:, None])
    if variant == "forward_leontief":
        return LeontiefChange.make(n, rows=idx, drows=-A[idx, :])
    if variant in ("total_cut_links", "total_isolate", "total_delete"):
        own = variant != "total_cut_links"
        dcols = -A[:, idx] * (np.ones(n, dtype=bool) if own else ~S)[:, None]
        drows = -A[idx, :] * ~S[None, :]
        dy = -Y[idx].sum(axis=1) if variant == "total_delete" else None
        full_dy = None
        if dy is not None:
            full_dy = np.zeros(n)
            full_dy[idx] = dy
        return LeontiefChange.make(n, cols=idx, dcols=dcols, rows=idx, drows=drows, dy=full_dy)
    if variant in ("cross_border_exports", "cross_border_imports", "cross_border_both"):
        foreign = c[:, None] != c[None, :]
        cut_final = np.zeros((n, G), dtype=bool)  # final sales removed, each cell once
        cols = rows = dcols = drows = None
        if variant != "cross_border_exports":
            cols = idx
            dcols = -A[:, idx] * foreign[:, idx]
            if final_imports:
                cut_final |= _final_imports_of(S, G, N)
        if variant != "cross_border_imports":
            rows = idx
            drows = -A[idx, :] * foreign[idx, :]
            if cols is not None:
                drows[:, idx] = 0.0  # S-to-S cross-border links: already in dcols
            if final_exports:
                cut_final[idx] |= c[idx, None] != np.arange(G)[None, :]
        dy = -(Y * cut_final).sum(axis=1)
        return LeontiefChange.make(n, cols=cols, dcols=dcols, rows=rows, drows=drows, dy=dy)
    raise InputError(f"unknown Leontief extraction variant {variant!r}; known: {VARIANTS}")


def _final_imports_of(S: np.ndarray, G: int, N: int) -> np.ndarray:
    """(n, G) mask of the final imports of S's products by S's countries: ``Y[i, c]`` with
    ``c`` a country of S, ``c(i) != c`` and ``i`` of a sector S has in ``c``."""
    n = G * N
    c = country_of(G, N)
    sec = np.arange(n) % N
    out = np.zeros((n, G), dtype=bool)
    for country in np.unique(c[S]):
        sectors = np.zeros(N, dtype=bool)
        sectors[sec[S & (c == country)]] = True
        out[(c != country) & sectors[sec], country] = True
    return out


def ghosh_baseline(B: np.ndarray, x: np.ndarray, va: np.ndarray) -> np.ndarray:
    """Baseline of the Ghosh model, ``x0' = va' (I - A^G)^-1``, from the Leontief inverse.

    With the allocation coefficients ``A^G = x-hat^+ A x-hat`` (``a^G_ij = z_ij / x_i``, zero
    when ``x_i = 0`` or ``x_j = 0``) and ``A[:, P] = 0`` for the zero-output nodes ``P``,
    ``(I - A^G)^-1 = x-hat^+ B x-hat + diag(1[x = 0])`` (similarity on the nodes with output, the
    identity on ``P``), so ``x0_j = x_j (B'v)_j + va_j 1[x_j = 0]`` with ``v = va / x``. On a
    balanced table with residual value added ``B'v = 1`` and ``x0 = x``.

    References
    ----------
    Ghosh (1958); Miller & Blair (2009, ch. 12).

    Examples
    --------
    >>> A = np.array([[0.0, 0.5], [0.0, 0.0]]); B = np.linalg.inv(np.eye(2) - A)
    >>> ghosh_baseline(B, np.array([5.0, 10.0]), np.array([5.0, 5.0]))
    array([ 5., 10.])
    """
    x = np.asarray(x, dtype=np.float64)
    va = np.asarray(va, dtype=np.float64)
    pos = x != 0
    v = np.divide(va, x, out=np.zeros_like(x), where=pos)
    return np.where(pos, x * (v @ B), va)


def ghosh_forward_extraction(
    A: np.ndarray,
    B: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    members: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Ghosh forward extraction: S's rows of ``A^G`` set to zero with value added fixed.

    With ``G0 = (I - A^G)^-1`` (:func:`ghosh_baseline`) and ``W = A^G[S, :] G0``::

        x1' = va' (I - A^G + E_S A^G[S, :])^-1 = x0' - x0[S]' (I_k + W[:, S])^-1 W

    (Sherman-Morrison-Woodbury on the k changed rows), where
    ``W = x-hat_S^+ (A[S, :] B) x-hat`` because ``A^G = x-hat^+ A x-hat`` and ``A[:, P] = 0``.

    Parameters
    ----------
    A, B : (n, n) input coefficients and the Leontief inverse.
    x, va : (n,) gross output and value added of the table (define ``A^G`` and ``v``).
    members : (n,) bool, the node set S.

    Returns
    -------
    (x0, dx) : the Ghosh baseline outputs and the change ``x1 - x0``, (n,) each.

    Raises
    ------
    NumericalError
        the changed Ghosh system is singular.

    References
    ----------
    Ghosh (1958); Dietzenbacher & van der Linden (1997); Miller & Blair (2009, ch. 12).

    Examples
    --------
    Chain ``0 -> 1``: node 0 sells half its output to node 1; extracting node 0's sales leaves
    node 1 with its own value added only.

    >>> A = np.array([[0.0, 0.5], [0.0, 0.0]]); B = np.linalg.inv(np.eye(2) - A)
    >>> x0, dx = ghosh_forward_extraction(A, B, np.array([10.0, 10.0]), np.array([10.0, 5.0]),
    ...                                   np.array([True, False]))
    >>> x0, dx
    (array([10., 10.]), array([ 0., -5.]))
    """
    x = np.asarray(x, dtype=np.float64)
    S = np.asarray(members, dtype=bool)
    idx = np.flatnonzero(S)
    x0 = ghosh_baseline(B, x, va)
    if idx.size == 0:
        return x0, np.zeros_like(x0)
    xs = x[idx]
    inv_xs = np.divide(1.0, xs, out=np.zeros_like(xs), where=xs != 0)
    W = inv_xs[:, None] * (A[idx, :] @ B) * x[None, :]
    try:
        coef = _solve_small(np.eye(idx.size) + W[:, idx], W)
    except NumericalError as exc:
        raise NumericalError(f"Ghosh extraction: {exc}") from exc
    return x0, 0.0 - x0[idx] @ coef  # 0.0 - : no negative zeros
