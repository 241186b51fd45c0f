"""Per-table cache of derived matrices so every step reuses one Leontief inverse."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from gvc.errors import NumericalError
from gvc.kernels import backend, blocks, leontief
from gvc.table import IOTable


class Derived:
    """Lazily computed A, B, v, Y and exports of one :class:`~gvc.table.IOTable`.

    Computed once, on first use, and shared by all steps of a run; nothing is recomputed.
    """

    def __init__(self, table: IOTable):
        self.table = table

    @cached_property
    def A(self) -> np.ndarray:
        """Input coefficients ``Z x-hat^-1``."""
        return leontief.input_coefficients(self.table.Z, self.table.x)

    @cached_property
    def lu(self) -> tuple[np.ndarray, np.ndarray]:
        """LU factors of ``(I - A)^T`` (LAPACK ``getrf``, in place), for solves without B.

        ``I - A`` is built straight from ``Z`` and ``x`` in the memory it is factorised in
        (``A`` itself is not held for it): ``Z`` and one n x n array.
        """
        if "A" in self.__dict__:
            M = -self.A
            M[np.diag_indices(M.shape[0])] += 1.0
        else:
            M = leontief.input_coefficients(self.table.Z, self.table.x)
            np.negative(M, out=M)
            M[np.diag_indices(M.shape[0])] += 1.0
        try:
            return leontief.lu_transposed(M)
        except NumericalError as exc:
            raise self._labelled(exc) from exc

    @cached_property
    def B(self) -> np.ndarray:
        """Global Leontief inverse ``(I - A)^-1`` (one LU per table), from :attr:`lu`.

        The LU factors are dropped once B exists (later solves multiply by B): peak ``Z``
        and two n x n arrays.
        """
        try:
            if backend.resolve() == "cupy" and "lu" not in self.__dict__:
                # the inverse on the GPU ($GVC_BACKEND=cupy, gvc.kernels.backend)
                coefficients = leontief.input_coefficients(self.table.Z, self.table.x)
                return leontief.leontief_inverse(coefficients, overwrite_a=True, backend="cupy")
            B = leontief.inverse_from_lu(self.lu)
        except NumericalError as exc:
            raise self._labelled(exc) from exc
        del self.__dict__["lu"]
        return B

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``B rhs`` = ``(I - A)^-1 rhs``: by B when it is held, else by the LU factors
        (``2 n^2 k`` flops for k columns instead of an inverse)."""
        if "B" in self.__dict__:
            return self.B @ rhs
        return leontief.lu_solve_transposed(self.lu, rhs, trans=1)

    def solve_left(self, lhs: np.ndarray) -> np.ndarray:
        """``lhs B`` = ``lhs (I - A)^-1`` for a (k, n) ``lhs``: by B when it is held, else by
        the LU factors."""
        if "B" in self.__dict__:
            return lhs @ self.B
        return leontief.lu_solve_transposed(self.lu, np.ascontiguousarray(lhs.T), trans=0).T

    @cached_property
    def L(self) -> np.ndarray:
        """(G, N, N) local Leontief inverses of the domestic blocks."""
        t = self.table
        try:
            return leontief.local_inverses(self.A, t.G, t.N)
        except np.linalg.LinAlgError as exc:
            node = leontief.singular_node(self.A)
            raise self._labelled(
                NumericalError(f"a domestic block I - A^ss is singular ({exc})", node=node)
            ) from exc

    def _labelled(self, exc: NumericalError) -> NumericalError:
        """The error with the node position replaced by its country/sector label."""
        t = self.table
        src = t.meta.get("source")
        msg = str(exc)
        if exc.node is not None:
            label = f"{t.countries[exc.node // t.N]}/{t.sectors[exc.node % t.N]}"
            msg = msg.replace(f"node {exc.node} ", f"{label} ").replace(f"node={exc.node}", label)
            if label not in msg:
                msg += f" (at {label})"
        return NumericalError(f"{src}: {msg}" if src else msg, node=exc.node)

    @cached_property
    def wwz(self) -> dict[str, np.ndarray]:
        """WWZ (2013) 16 terms, (n, G) each; shared by the ``wwz`` and ``kww`` steps."""
        from gvc.kernels.wwz import wwz

        t = self.table
        return wwz(t.Z, self.Y, t.x, t.va, t.G, t.N, B=self.B, L=self.L)

    @cached_property
    def v(self) -> np.ndarray:
        """Value-added coefficients ``va / x``."""
        return leontief.value_added_coefficients(self.table.va, self.table.x)

    @cached_property
    def Y(self) -> np.ndarray:
        """(n, G) final demand by destination country."""
        return self.table.Y

    @cached_property
    def exports(self) -> tuple[np.ndarray, np.ndarray]:
        """(E_int, E_fin): (n, G) intermediate and final exports by importer."""
        t = self.table
        return blocks.bilateral_exports(t.Z, self.Y, t.G, t.N)

    @cached_property
    def e(self) -> np.ndarray:
        """(n,) total gross exports of every node."""
        E_int, E_fin = self.exports
        return E_int.sum(axis=1) + E_fin.sum(axis=1)
