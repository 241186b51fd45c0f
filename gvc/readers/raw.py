"""What every reader returns: the file's content, in the file's own labels.

Readers are faithful: no folding of CN1/CN2, no dropping of negative inventories, no derived
value added, no change of unit. Harmonisation is a separate, logged step
(:mod:`gvc.ingestion.harmonise`).

A wide file is dense: its readers fill :class:`DenseBlocks` (the intermediate block and final
demand as float64 arrays) and never build a per-cell frame. The long cells of such a table are
derived only when someone asks for :attr:`RawTable.cells`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa


@dataclass
class DenseBlocks:
    """The intermediate and final-demand blocks of a wide file as dense arrays.

    Attributes
    ----------
    Z : (n, n) float64, rows and columns in node order ``i = country_pos * N + sector_pos``
        over the table's ``countries`` and ``sectors`` (the file's own order for every wide
        layout read so far: country-major, as published).
    Y : (n, G * F) float64, columns ``c = country_pos * F + category_pos``; a final-demand
        column the file lacks is zero.
    """

    Z: np.ndarray
    Y: np.ndarray


class RawTable:
    """One year of an inter-country IO table as the file states it.

    Attributes
    ----------
    cells : DataFrame with columns ``row_country, row_sector, col_country, col_item, value``
        (float64): the intermediate block (``col_item`` a sector code) and the final-demand
        block (``col_item`` a final-demand code), in file labels. Zero cells may be omitted.
        For a table read densely this is derived from ``dense`` on first access (a long
        frame costs about 40 bytes a non-zero cell: avoid it for large tables).
    inputs : DataFrame with columns ``country, sector, item, value``: the rows below the
        block (value added, taxes, output ...) in file labels; may be empty.
    countries, sectors, fd_categories : the labels in file order.
    year : the table's year.
    source : the path read; ``format`` the reader's name (``long``, ``oecd-icio``, ...);
        ``edition`` e.g. ``"2023"``.
    unit : the unit as the file states it or its database documents it (e.g.
        ``"USD million"``, ``"M.EUR"``, ``"USD thousand"``); None when neither says it (a long
        table without a ``unit`` column or ``unit.txt``): then it must be declared
        (``gvc ingest --unit``), see :mod:`gvc.units`.
    output_item, va_item : the ``inputs.item`` that holds gross output / value added, or None
        when the file has no such row.
    notes : reader remarks worth recording as provenance (renames it saw, e.g. TOTAL -> OUT).
    dense : :class:`DenseBlocks` for wide layouts, None for long ones.
    arrow_cells : the long layout's cells as Arrow (dictionary-encoded labels, float64
        ``value``); harmonisation fills the dense arrays from it batch by batch
        (:func:`gvc.readers.long.dense_from_cells`) and never builds :attr:`cells`.
    """

    def __init__(
        self,
        cells: pd.DataFrame | None,
        inputs: pd.DataFrame,
        countries: list[str],
        sectors: list[str],
        fd_categories: list[str],
        year: int,
        source: str,
        format: str,
        edition: str | None = None,
        unit: str | None = None,
        output_item: str | None = None,
        va_item: str | None = None,
        notes: list[str] | None = None,
        *,
        dense: DenseBlocks | None = None,
        arrow_cells: pa.Table | None = None,
    ) -> None:
        if cells is None and dense is None and arrow_cells is None:
            raise ValueError("RawTable needs cells or dense blocks")
        self._cells = cells
        self.arrow_cells = arrow_cells
        self.inputs = inputs
        self.countries = countries
        self.sectors = sectors
        self.fd_categories = fd_categories
        self.year = year
        self.source = source
        self.format = format
        self.edition = edition
        self.unit = unit
        self.output_item = output_item
        self.va_item = va_item
        self.notes = list(notes) if notes is not None else []
        self.dense = dense

    @property
    def cells(self) -> pd.DataFrame:
        if self._cells is None and self.arrow_cells is not None:
            self._cells = self.arrow_cells.to_pandas()
        if self._cells is None:
            self._cells = _cells_from_dense(self)
        return self._cells

    @cells.setter
    def cells(self, value: pd.DataFrame) -> None:
        self._cells = value

    def __repr__(self) -> str:
        return (
            f"RawTable(format={self.format!r}, year={self.year}, countries={len(self.countries)}, "
            f"sectors={len(self.sectors)}, fd_categories={len(self.fd_categories)}, "
            f"unit={self.unit!r}, dense={self.dense is not None}, source={self.source!r})"
        )


def node_items(
    countries: list[str], sectors: list[str], items: dict[str, np.ndarray]
) -> pd.DataFrame:
    """The ``inputs`` frame (``country, sector, item, value``) of per-node rows such as value
    added or output: ``items`` maps each item code to its n values in node order.

    >>> node_items(["A", "B"], ["s"], {"VA": np.array([1.0, 2.0])}).values.tolist()
    [['A', 's', 'VA', 1.0], ['B', 's', 'VA', 2.0]]
    """
    n = len(countries) * len(sectors)
    node_c = np.repeat(np.asarray(countries, dtype=object), len(sectors))
    node_s = np.tile(np.asarray(sectors, dtype=object), len(countries))
    return pd.DataFrame(
        {
            "country": np.tile(node_c, len(items)),
            "sector": np.tile(node_s, len(items)),
            "item": np.repeat(np.asarray(list(items), dtype=object), n),
            "value": np.concatenate(list(items.values())) if items else np.zeros(0),
        }
    )


def _cells_from_dense(raw: RawTable) -> pd.DataFrame:
    from gvc.readers._io import long_frame

    assert raw.dense is not None
    G, N, F = len(raw.countries), len(raw.sectors), len(raw.fd_categories)
    c = np.asarray(raw.countries, dtype=object)
    s = np.asarray(raw.sectors, dtype=object)
    f = np.asarray(raw.fd_categories, dtype=object)
    node_c, node_s = np.repeat(c, N), np.tile(s, G)
    return long_frame(
        np.hstack([raw.dense.Z, raw.dense.Y]),
        node_c,
        node_s,
        np.concatenate([node_c, np.repeat(c, F)]),
        np.concatenate([node_s, np.tile(f, G)]),
    )
