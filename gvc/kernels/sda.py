"""Structural decomposition of the change between two years into four factors.

A measure ``f`` that depends on four factors, each observed in year 0 and year 1, changes by
``f(1111) - f(0000)``. Its structural decomposition analysis (SDA) assigns the change to the
factors: along one *ordering* of the factors, change them one at a time from their year-0 to
their year-1 values; the change of ``f`` at each step is that factor's term, and the terms add
up to the total change (a telescoping sum). With four factors there are 4! = 24 orderings,
each a different decomposition; Dietzenbacher & Los (1998) show that the spread between them
is large in practice and recommend the **average over all 24** (the default here; it is the
Shapley value of the change). The **two-polar average** (the ordering 1-2-3-4 and its reverse
4-3-2-1) is the common shortcut (option ``method="polar"``). Either way the terms sum to the
change exactly (up to rounding).

The factors, in this order (:data:`FACTORS`):

1. ``va_coefficients``: value-added coefficients ``v = va / x``;
2. ``technology``: the Leontief inverse ``B = (I - A)^-1`` for value-added flows; for
   participation the input coefficients ``A`` (with the ``B``, local inverses ``L`` and foreign
   blocks ``A^F`` they determine);
3. ``fd_structure``: final-demand structure ``S`` (the shares of each destination country's
   final demand over products, ``S_{., r} = Y_{., r} / l_r``);
4. ``fd_level``: final-demand level ``l_r = 1'Y_{., r}`` per destination country (default) or
   one world level ``l = 1'Y 1`` (option ``level="world"``, with ``S = Y / l``).

Measures: value-added flows ``F = v-hat B Y = v-hat B S l-hat`` (n x G, value added of node i
absorbed by final demand in country r; Los, Timmer & de Vries 2016, eq. 1 summed over
destinations gives GDP), and the production-based participation terms of Wang, Wei, Yu & Zhu
(2017a) (:func:`wwyz_terms`).

References
----------
Dietzenbacher, E. & Los, B. (1998). Structural decomposition techniques: sense and
sensitivity. Economic Systems Research 10(4), 307-324.
Miller, R. E. & Blair, P. D. (2009). Input-Output Analysis, 2nd ed., ch. 13 (structural
decomposition analysis; section numbers not confirmed here).
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017a). Measures of participation in global value
chains and global business cycles. NBER WP 23222.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gvc.errors import InputError
from gvc.kernels.blocks import sum_by_country_rows
from gvc.kernels.leontief import safe_divide
from gvc.kernels.participation import (
    final_goods_split,
    foreign_apply,
    foreign_apply_left,
    local_apply,
    local_apply_left,
)

#: The four factors of the decomposition, in the order of their terms.
FACTORS = ("va_coefficients", "technology", "fd_structure", "fd_level")
METHODS = ("orderings", "polar")
LEVELS = ("destination", "world")


def shapley_terms(
    f: Callable[[tuple[bool, ...]], np.ndarray], k: int = 4, method: str = "orderings"
) -> np.ndarray:
    """The k SDA terms of ``f(1...1) - f(0...0)``, averaged over orderings.

    ``f(mask)`` evaluates the measure with factor ``i`` at its year-1 value where ``mask[i]``
    and at its year-0 value elsewhere. ``method="orderings"`` averages the decompositions of all
    ``k!`` orderings (Dietzenbacher & Los 1998), ``"polar"`` those of ``0, 1, ..., k-1`` and its
    reverse. ``f`` is called once per distinct mask (at most ``2^k`` times).

    Returns
    -------
    (k, ...) array, ``terms[i]`` the contribution of factor ``i``; ``terms.sum(0)`` equals
    ``f(1...1) - f(0...0)`` up to rounding.

    Raises
    ------
    InputError
        unknown method.

    References
    ----------
    Dietzenbacher & Los (1998).

    Examples
    --------
    ``f = a * b`` from ``(1, 1)`` to ``(2, 3)``: the two orderings give ``a``: 1 or 3, ``b``: 4
    or 2; the average is 2 and 3, summing to the change 5.

    >>> shapley_terms(lambda m: np.array((2.0 if m[0] else 1.0) * (3.0 if m[1] else 1.0)), k=2)
    array([2., 3.])
    """
    if method == "orderings":
        orders = list(itertools.permutations(range(k)))
    elif method == "polar":
        orders = [tuple(range(k)), tuple(reversed(range(k)))]
    else:
        raise InputError(f"unknown SDA method {method!r}; known: {METHODS}")
    cache: dict[tuple[bool, ...], np.ndarray] = {}

    def val(mask: tuple[bool, ...]) -> np.ndarray:
        if mask not in cache:
            cache[mask] = np.asarray(f(mask), dtype=np.float64)
        return cache[mask]

    terms: np.ndarray | None = None
    for order in orders:
        state = [False] * k
        prev = val(tuple(state))
        if terms is None:
            terms = np.zeros((k,) + prev.shape)
        for i in order:
            state[i] = True
            cur = val(tuple(state))
            terms[i] += cur - prev
            prev = cur
    assert terms is not None
    return terms / len(orders)


def level_structure(Y: np.ndarray, level: str = "destination") -> tuple[np.ndarray, np.ndarray]:
    """Split final demand ``Y`` (n, G) into structure ``S`` and level ``l`` with ``Y = S l``.

    ``level="destination"``: ``l_r = 1'Y_{., r}`` (G,), ``S = Y l-hat^-1``;
    ``level="world"``: ``l = 1'Y 1`` (shape (1,)), ``S = Y / l``.

    Raises
    ------
    InputError
        a level is zero (its structure is undefined).

    Examples
    --------
    >>> S, l = level_structure(np.array([[1.0, 2.0], [3.0, 2.0]]))
    >>> S, l
    (array([[0.25, 0.5 ],
           [0.75, 0.5 ]]), array([4., 4.]))
    """
    Y = np.asarray(Y, dtype=np.float64)
    if level == "destination":
        lev = Y.sum(axis=0)
    elif level == "world":
        lev = np.array([Y.sum()])
    else:
        raise InputError(f"unknown final-demand level {level!r}; known: {LEVELS}")
    if np.any(lev == 0):
        raise InputError(
            "final demand sums to zero for a destination: its structure is undefined "
            "(use level='world')"
        )
    return Y / lev[None, :], lev


@dataclass(frozen=True)
class Year:
    """What SDA needs of one year's table (all from :class:`gvc.indicators.derived.Derived`)."""

    v: np.ndarray  # (n,) value-added coefficients
    A: np.ndarray  # (n, n) input coefficients
    B: np.ndarray  # (n, n) Leontief inverse
    L: np.ndarray  # (G, N, N) local inverses
    Ad: np.ndarray  # (G, N, N) domestic blocks of A
    Y: np.ndarray  # (n, G) final demand by destination


def _compose(
    y0: Year, y1: Year, level: str
) -> Callable[[tuple[bool, ...]], tuple[np.ndarray, Year, np.ndarray]]:
    S0, l0 = level_structure(y0.Y, level)
    S1, l1 = level_structure(y1.Y, level)

    def pick(mask: tuple[bool, ...]) -> tuple[np.ndarray, Year, np.ndarray]:
        v = y1.v if mask[0] else y0.v
        tech = y1 if mask[1] else y0
        S = S1 if mask[2] else S0
        lev = l1 if mask[3] else l0
        return v, tech, S * lev[None, :]

    return pick


def sda_va_flows(y0: Year, y1: Year, *, level: str = "destination", method: str = "orderings"):
    """SDA of the value-added flows ``F = v-hat B Y`` (n x G) between two years.

    ``F(v, B, S, l) = v-hat B S l-hat``; terms for :data:`FACTORS` by :func:`shapley_terms`.

    Returns
    -------
    dict with ``baseline`` ``F0 = v0-hat B0 Y0``, ``scenario`` ``F1``, ``delta = F1 - F0`` and
    ``terms`` (4, n, G); ``terms.sum(0) == delta`` up to rounding.

    References
    ----------
    Dietzenbacher & Los (1998); Los, Timmer & de Vries (2016, eq. 1).

    Examples
    --------
    One node whose value-added coefficient doubles while final demand stays at 10:

    >>> one = lambda v: Year(np.array([v]), np.zeros((1, 1)), np.eye(1), np.eye(1)[None],
    ...                      np.zeros((1, 1, 1)), np.array([[10.0]]))
    >>> sda_va_flows(one(0.5), one(1.0))["terms"][:, 0, 0]
    array([5., 0., 0., 0.])
    """
    pick = _compose(y0, y1, level)

    def f(mask: tuple[bool, ...]) -> np.ndarray:
        v, tech, Y = pick(mask)
        return v[:, None] * (tech.B @ Y)

    terms = shapley_terms(f, 4, method)
    base = y0.v[:, None] * (y0.B @ y0.Y)
    scen = y1.v[:, None] * (y1.B @ y1.Y)
    return {"baseline": base, "scenario": scen, "delta": scen - base, "terms": terms}


def wwyz_terms(v: np.ndarray, tech: Year, Y: np.ndarray, G: int, N: int) -> dict[str, np.ndarray]:
    """WWYZ (2017a) forward terms by node and participation rates by country.

    With ``y``, ``y^D``, ``y^F`` the final goods of each node (all, at home, exported)::

        V_D = v # L y^D      V_RT = v # L y^F      V_GVC_S = v # L A^F L y^D
        V_GVC_C = v # L A^F (B y - L y^D)
        gvc_forward_rate_c  = sum_{i in c} (V_GVC_S + V_GVC_C)_i / sum_{i in c} (v # B y)_i
        gvc_backward_rate_c = sum_{j in c} (v'L A^F B)_j y_j / sum_{j in c} y_j

    computed exactly as :func:`gvc.kernels.participation.wwyz_participation` does (the same
    helpers, in the same order), on the given ``v``, technology and ``Y``.

    Returns
    -------
    dict of (n,) ``V_D, V_RT, V_GVC_S, V_GVC_C`` and (G,) ``gvc_forward_rate``,
    ``gvc_backward_rate``.
    """
    y, yD, yF = final_goods_split(Y, G, N)
    L, A, Ad, B = tech.L, tech.A, tech.Ad, tech.B
    Lyd = local_apply(L, yD)
    Bx = B @ y
    out = {
        "V_D": v * Lyd,
        "V_RT": v * local_apply(L, yF),
        "V_GVC_S": v * local_apply(L, foreign_apply(A, Ad, Lyd)),
        "V_GVC_C": v * local_apply(L, foreign_apply(A, Ad, Bx - Lyd)),
    }
    vLAF = foreign_apply_left(local_apply_left(v, L), A, Ad)
    gb = (vLAF @ B) * y

    def by_country(a: np.ndarray) -> np.ndarray:
        return sum_by_country_rows(a[:, None], G, N)[:, 0]

    out["gvc_forward_rate"] = safe_divide(
        by_country(out["V_GVC_S"] + out["V_GVC_C"]), by_country(v * Bx)
    )
    out["gvc_backward_rate"] = safe_divide(by_country(gb), by_country(y))
    return out


def sda_participation(
    y0: Year, y1: Year, G: int, N: int, *, level: str = "destination", method: str = "orderings"
) -> dict[str, dict[str, np.ndarray]]:
    """SDA of the WWYZ (2017a) participation terms and rates (:func:`wwyz_terms`).

    Technology is ``A`` (with its ``B``, ``L``, ``A^F``); the other factors as in the module
    docstring. Every term of :func:`wwyz_terms` is decomposed separately.

    Returns
    -------
    ``{measure: {"baseline", "scenario", "delta", "terms" (4, ...)}}`` for each key of
    :func:`wwyz_terms`; baseline and scenario are :func:`wwyz_terms` of year 0 and year 1.

    References
    ----------
    Dietzenbacher & Los (1998); Wang, Wei, Yu & Zhu (2017a).
    """
    pick = _compose(y0, y1, level)
    keys = ("V_D", "V_RT", "V_GVC_S", "V_GVC_C", "gvc_forward_rate", "gvc_backward_rate")

    def f(mask: tuple[bool, ...]) -> np.ndarray:
        v, tech, Y = pick(mask)
        t = wwyz_terms(v, tech, Y, G, N)
        return np.concatenate([t[k] for k in keys])

    terms = shapley_terms(f, 4, method)
    base = wwyz_terms(y0.v, y0, y0.Y, G, N)
    scen = wwyz_terms(y1.v, y1, y1.Y, G, N)
    out = {}
    start = 0
    for k in keys:
        size = base[k].size
        out[k] = {
            "baseline": base[k],
            "scenario": scen[k],
            "delta": scen[k] - base[k],
            "terms": terms[:, start : start + size],
        }
        start += size
    return out
