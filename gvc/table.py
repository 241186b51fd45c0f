"""The in-memory form of one (dataset, year) table: labelled dense arrays.

:class:`IOTable` is the one adapter between labels and array positions. Readers and the store
speak long tables with labels; kernels speak arrays. Node order is country-major
(``i = s * N + k``), final-demand columns are destination-country-major
(``c = r * F + f``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.kernels.blocks import sum_by_country_columns


@dataclass(frozen=True)
class IOTable:
    """A closed inter-country input-output table for one year.

    Attributes
    ----------
    countries, sectors, fd_categories : label tuples, in array order.
    Z : (n, n) intermediate flows (row = selling node, column = buying node).
    Y_detail : (n, G*F) final demand by destination country x category.
    x : (n,) gross output.
    va : (n,) value added.
    """

    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    fd_categories: tuple[str, ...]
    Z: np.ndarray
    Y_detail: np.ndarray
    x: np.ndarray
    va: np.ndarray
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def G(self) -> int:
        return len(self.countries)

    @property
    def N(self) -> int:
        return len(self.sectors)

    @property
    def F(self) -> int:
        return len(self.fd_categories)

    @property
    def n(self) -> int:
        return self.G * self.N

    @property
    def Y(self) -> np.ndarray:
        """(n, G) final demand by destination country (categories summed)."""
        return sum_by_country_columns(self.Y_detail, self.G, self.F)

    def node_labels(self) -> tuple[np.ndarray, np.ndarray]:
        """(country, sector) label arrays of length n, in node order."""
        return (
            np.repeat(np.array(self.countries, dtype=object), self.N),
            np.tile(np.array(self.sectors, dtype=object), self.G),
        )

    @classmethod
    def from_long(
        cls,
        cells: pd.DataFrame,
        countries: list[str] | tuple[str, ...],
        sectors: list[str] | tuple[str, ...],
        fd_categories: list[str] | tuple[str, ...],
        x: np.ndarray | None = None,
        va: np.ndarray | None = None,
        source: str = "table",
    ) -> IOTable:
        """Build the dense arrays from long cells.

        ``cells`` has columns ``row_country, row_sector, col_country, col_item, value``;
        ``col_item`` is a sector (intermediate use) or a final-demand category. Missing cells
        are zero. When ``x`` is None it is the row sum ``Z 1 + Y 1``; when ``va`` is None it is
        the residual ``x - 1'Z``.

        Raises
        ------
        InputError
            unknown labels, duplicate keys, NaN or infinite values.
        """
        countries, sectors, fds = tuple(countries), tuple(sectors), tuple(fd_categories)
        G, N, F = len(countries), len(sectors), len(fds)
        n = G * N
        rc = _codes(cells["row_country"], countries, "row_country", source)
        rs = _codes(cells["row_sector"], sectors, "row_sector", source)
        cc = _codes(cells["col_country"], countries, "col_country", source)
        # sectors first, then final-demand categories: one code space for col_item
        ci = _codes(
            cells["col_item"],
            sectors + fds,
            "col_item",
            source,
            what="is neither a sector nor a final-demand category",
        )
        item = np.asarray((sectors + fds), dtype=object)
        val = cells["value"].to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(val)):
            k = int(np.flatnonzero(~np.isfinite(val))[0])
            raise InputError(
                f"{source}: value is NaN or infinite at row_country={countries[rc[k]]}, "
                f"row_sector={sectors[rs[k]]}, col_country={countries[cc[k]]}, "
                f"col_item={item[ci[k]]}"
            )
        row = rc * N + rs
        is_z = ci < N
        col_z = cc * N + ci
        col_y = cc * F + (ci - N)
        flat_z = row[is_z] * n + col_z[is_z]
        flat_y = row[~is_z] * (G * F) + col_y[~is_z]
        for flat, what in ((flat_z, "intermediate"), (flat_y, "final-demand")):
            srt = np.sort(flat)
            same = srt[1:] == srt[:-1]
            if same.any():
                d = int(srt[1:][same][0])
                width = n if what == "intermediate" else G * F
                r, c = divmod(d, width)
                col = (
                    f"{countries[c // N]}/{sectors[c % N]}"
                    if what == "intermediate"
                    else f"{countries[c // F]}/{fds[c % F]}"
                )
                raise InputError(
                    f"{source}: duplicate {what} cell at row {countries[r // N]}/{sectors[r % N]}, "
                    f"column {col}"
                )
        z_flat = np.zeros(n * n)
        z_flat[flat_z] = val[is_z]
        Z = z_flat.reshape(n, n)
        y_flat = np.zeros(n * G * F)
        y_flat[flat_y] = val[~is_z]
        Yd = y_flat.reshape(n, G * F)
        if x is None:
            x = Z.sum(axis=1) + Yd.sum(axis=1)
        x = np.asarray(x, dtype=np.float64)
        if va is None:
            va = x - Z.sum(axis=0)
        va = np.asarray(va, dtype=np.float64)
        return cls(countries, sectors, fds, Z, Yd, x, va)


def _codes(
    col: pd.Series,
    labels: tuple[str, ...],
    name: str,
    source: str,
    what: str | None = None,
) -> np.ndarray:
    # Factorize once and look up only the distinct values: string work is per label, not per
    # cell, which keeps a 480k-cell WIOD year well under a second.
    index = pd.Index(list(labels), dtype=object)
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise InputError(f"{source}: label {dup!r} is listed twice for {name}")
    raw, uniques = pd.factorize(col, use_na_sentinel=True)
    pos = index.get_indexer(np.asarray(uniques, dtype=object).astype(str))
    codes = np.where(raw >= 0, pos[np.maximum(raw, 0)], -1).astype(np.int64)
    if (codes < 0).any():
        k = int(np.flatnonzero(codes < 0)[0])
        bad = None if raw[k] < 0 else str(uniques[raw[k]])
        if what is not None:
            raise InputError(f"{source}: {name} {bad!r} {what}")
        raise InputError(f"{source}: unknown {name} label {bad!r}")
    return codes
