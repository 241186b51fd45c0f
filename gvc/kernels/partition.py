r"""Economies: a partition of the countries, for indicators where a group counts as one economy.

A *grouping* merges some countries into economies (EU27, USMCA, ...); every other country
is an economy of its own. "Domestic" then means "inside the same economy": the economy's
domestic block of a matrix is the block of all its members' nodes, so trade between members
is domestic (the semantics of Stata ``icio``'s ``groups()`` and of exvatools' country groups;
docs/groups.md cites both). The members keep their own sectors: an economy of ``k`` countries
has ``k N`` nodes, so its blocks are not ``N x N`` and the blocks of different economies differ
in size. Everything here therefore works on dense ``n x n`` arrays with masks and one-hot
matrices instead of ``(G, N, ...)`` reshapes.

What is reused. The global inverse ``B = (I - A)^{-1}`` does not depend on the grouping (the
table is the same), so every kernel takes the one ``B`` of the table; ``B^{ss}`` of an economy
is a sub-block of it. Only the *local* inverses change: for a single-country economy it is
the country's ``L^{cc}`` (passed in, from :class:`gvc.indicators.derived.Derived`), for a group
``L^{GG} = (I - A^{GG})^{-1}``, one ``kN x kN`` inverse per group (the ``A^{GG}`` block holds the
members' domestic blocks *and* the trade between members), i.e. ``(kN / n)^3`` of the cost of
``B``.

Notation: ``u(i)`` the economy of node ``i``, ``U`` the number of economies, ``H`` the
``(n, U)`` one-hot matrix ``H[i, u] = [u(i) = u]`` (``M H`` sums columns by economy, ``H' M``
rows), ``dom`` the ``(n, n)`` mask ``u(i) = u(j)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gvc.errors import InputError


@dataclass(frozen=True, eq=False)
class Partition:
    """Which economy each of ``G`` countries (``N`` sectors each, country-major nodes) is in.

    Attributes
    ----------
    of_country : (G,) int array, economy index of each country (0 .. U-1).
    names : the ``U`` economy labels (a group's name or the country's code).
    N : sectors per country.

    Examples
    --------
    >>> p = Partition.from_groups(["A", "B", "C"], {"AB": ["A", "B"]}, 2)
    >>> p.names, p.unit.tolist()
    (('AB', 'C'), [0, 0, 0, 0, 1, 1])
    """

    of_country: np.ndarray
    names: tuple[str, ...]
    N: int

    @classmethod
    def singletons(cls, countries: Sequence[str], N: int) -> Partition:
        """Every country its own economy (the ordinary, ungrouped indicators)."""
        return cls(np.arange(len(countries)), tuple(countries), N)

    @classmethod
    def from_groups(
        cls, countries: Sequence[str], groups: Mapping[str, Sequence[str]], N: int
    ) -> Partition:
        """Economies from ``{group name: member countries}``; other countries stand alone.

        Economies are ordered by their first country in table order.

        Raises
        ------
        InputError
            an unknown member, a country in two groups, an empty group, or a group named
            like a country that is not its only member.
        """
        countries = [str(c) for c in countries]
        pos = {c: i for i, c in enumerate(countries)}
        label = list(countries)
        seen: dict[str, str] = {}
        for name, members in groups.items():
            if not members:
                raise InputError(f"group {name!r} has no members")
            for m in members:
                if m not in pos:
                    raise InputError(f"group {name!r}: {m!r} is not a country of the table")
                if m in seen:
                    raise InputError(f"country {m!r} is in groups {seen[m]!r} and {name!r}")
                seen[m] = name
                label[pos[m]] = str(name)
            if name in pos and name not in members:
                raise InputError(f"group {name!r} is named like a country outside it")
        names = tuple(dict.fromkeys(label))
        idx = {n: k for k, n in enumerate(names)}
        return cls(np.array([idx[lab] for lab in label]), names, int(N))

    @property
    def G(self) -> int:
        return int(self.of_country.size)

    @property
    def U(self) -> int:
        return len(self.names)

    @property
    def n(self) -> int:
        return self.G * self.N

    @cached_property
    def unit(self) -> np.ndarray:
        """(n,) economy of every node."""
        return np.repeat(self.of_country, self.N)

    @cached_property
    def H(self) -> np.ndarray:
        """(n, U) float one-hot node -> economy."""
        out = np.zeros((self.n, self.U))
        out[np.arange(self.n), self.unit] = 1.0
        return out

    @cached_property
    def C(self) -> np.ndarray:
        """(G, U) float one-hot country -> economy (``Y C`` sums destinations by economy)."""
        out = np.zeros((self.G, self.U))
        out[np.arange(self.G), self.of_country] = 1.0
        return out

    @cached_property
    def own(self) -> np.ndarray:
        """(n, U) bool, ``u(i) = r``."""
        return self.H.astype(bool)

    @cached_property
    def dom(self) -> np.ndarray:
        """(n, n) bool, ``u(i) = u(j)``."""
        return self.unit[:, None] == self.unit[None, :]

    @cached_property
    def members(self) -> tuple[np.ndarray, ...]:
        """Node indices of each economy."""
        return tuple(np.flatnonzero(self.unit == u) for u in range(self.U))

    @cached_property
    def sector(self) -> np.ndarray:
        """(n,) sector position of every node."""
        return np.tile(np.arange(self.N), self.G)

    def is_singleton(self, u: int) -> bool:
        """True when economy ``u`` is one country."""
        return int((self.of_country == u).sum()) == 1


def local_inverse(A: np.ndarray, part: Partition, L: np.ndarray | None = None) -> np.ndarray:
    r"""Dense block-diagonal ``L = diag(L^{uu})``, ``L^{uu} = (I - A^{uu})^{-1}`` per economy.

    ``L`` (G, N, N), the countries' own local inverses, is reused for single-country
    economies; a group's block is one ``kN x kN`` inverse.

    >>> A = np.array([[0.5, 0.1], [0.2, 0.0]])
    >>> local_inverse(A, Partition.from_groups(["a", "b"], {"g": ["a", "b"]}, 1)).round(4)
    array([[2.0833, 0.2083],
           [0.4167, 1.0417]])
    """
    n = part.n
    out = np.zeros((n, n))
    for u, idx in enumerate(part.members):
        if L is not None and part.is_singleton(u):
            c = int(np.flatnonzero(part.of_country == u)[0])
            out[np.ix_(idx, idx)] = L[c]
        else:
            out[np.ix_(idx, idx)] = np.linalg.inv(np.eye(idx.size) - A[np.ix_(idx, idx)])
    return out


def per_economy(part: Partition, f, *mats: np.ndarray) -> np.ndarray:
    """Block-diagonal ``diag(f(M1^{uu}, M2^{uu}, ...))``: ``f`` applied to each economy's
    diagonal blocks (products and inverses of block-diagonal matrices stay per block)."""
    n = part.n
    out = np.zeros((n, n))
    for idx in part.members:
        ix = np.ix_(idx, idx)
        out[ix] = f(*(m[ix] for m in mats))
    return out


def by_importer(part: Partition, M: np.ndarray, W: np.ndarray) -> np.ndarray:
    """``T[i, r, k] = sum_{j in r} M[i, j] W[j, u(i), k]``: a right-hand side that depends on
    the exporter's economy, contracted with ``M`` and split by the buyer's economy ``r``.

    ``W`` is (n, U, K) indexed (node j, exporting economy s, term); returns (n, U, K). One
    ``(n_s x n) @ (n x U K)`` product per economy ``s``.
    """
    n, U = part.n, part.U
    K = W.shape[2]
    out = np.empty((n, U, K))
    H = part.H
    for s, rows in enumerate(part.members):
        rhs = (H[:, :, None] * W[:, s, None, :]).reshape(n, U * K)
        out[rows] = (M[rows] @ rhs).reshape(rows.size, U, K)
    return out


def to_blocks(part: Partition, M: np.ndarray, R: np.ndarray) -> np.ndarray:
    """``T[i, r, k] = sum_{j in r} M[i, j] R[j, k]`` (right-hand side independent of the
    exporter): (n, U, K)."""
    n, U = part.n, part.U
    K = R.shape[1]
    return (M @ (part.H[:, :, None] * R[:, None, :]).reshape(n, U * K)).reshape(n, U, K)


@dataclass(frozen=True, eq=False)
class Economies:
    """The dense arrays every grouped kernel needs, built once per table and grouping.

    ``A, B, v, L`` as usual (``L`` block-diagonal by economy), ``Am``/``Bm`` with the domestic
    (same-economy) blocks zeroed, ``Bd = B - Bm``, ``Yu`` (n, U) final demand by destination
    economy, ``Ym`` its foreign part, ``ydom`` final goods absorbed in the producer's own
    economy, ``E_int``/``E_fin`` (n, U) gross exports to other economies, ``e`` their total.
    """

    part: Partition
    Z: np.ndarray
    x: np.ndarray
    va: np.ndarray
    A: np.ndarray
    B: np.ndarray
    v: np.ndarray
    L: np.ndarray
    Am: np.ndarray
    Bm: np.ndarray
    Bd: np.ndarray
    Yu: np.ndarray
    Ym: np.ndarray
    ydom: np.ndarray
    E_int: np.ndarray
    E_fin: np.ndarray
    e: np.ndarray


def economies(
    Z: np.ndarray,
    Y: np.ndarray,
    x: np.ndarray,
    va: np.ndarray,
    part: Partition,
    *,
    B: np.ndarray | None = None,
    L: np.ndarray | None = None,
    A: np.ndarray | None = None,
) -> Economies:
    """Build :class:`Economies` for a table (``Y`` (n, G) by destination country).

    ``B`` (the table's global inverse) and ``L`` (its (G, N, N) country local inverses) are
    reused when given; only the groups' local inverses are computed.

    Raises
    ------
    InputError
        shapes that do not fit ``part``.
    """
    from gvc.kernels.leontief import (
        global_inverse,
        input_coefficients,
        value_added_coefficients,
    )

    n, G = part.n, part.G
    Z = np.asarray(Z, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    va = np.asarray(va, dtype=np.float64)
    if Z.shape != (n, n) or Y.shape != (n, G) or x.shape != (n,) or va.shape != (n,):
        raise InputError(
            f"expected Z ({n}, {n}), Y ({n}, {G}), x and va ({n},); got Z {Z.shape}, "
            f"Y {Y.shape}, x {x.shape}, va {va.shape}"
        )
    A = input_coefficients(Z, x) if A is None else A
    B = global_inverse(Z, x, B)
    dom = part.dom
    Am = np.where(dom, 0.0, A)
    Bm = np.where(dom, 0.0, B)
    Yu = Y @ part.C
    own = part.own
    Ym = np.where(own, 0.0, Yu)
    E_int = np.where(own, 0.0, Z @ part.H)
    return Economies(
        part=part,
        Z=Z,
        x=x,
        va=va,
        A=A,
        B=B,
        v=value_added_coefficients(va, x),
        L=local_inverse(A, part, L),
        Am=Am,
        Bm=Bm,
        Bd=B - Bm,
        Yu=Yu,
        Ym=Ym,
        ydom=Yu[np.arange(n), part.unit],
        E_int=E_int,
        E_fin=Ym,
        e=E_int.sum(axis=1) + Ym.sum(axis=1),
    )
