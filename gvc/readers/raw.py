"""What every reader returns: the file's content, in the file's own labels.

Readers are faithful: no folding of CN1/CN2, no dropping of negative inventories, no derived
value added. Harmonisation is a separate, logged step (:mod:`gvc.ingestion.harmonise`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class RawTable:
    """One year of an inter-country IO table as the file states it.

    Attributes
    ----------
    cells : DataFrame with columns ``row_country, row_sector, col_country, col_item, value``
        (float64): the intermediate block (``col_item`` a sector code) and the final-demand
        block (``col_item`` a final-demand code), in file labels. Zero cells may be omitted.
    inputs : DataFrame with columns ``country, sector, item, value``: the rows below the
        block (value added, taxes, output ...) in file labels; may be empty.
    countries, sectors, fd_categories : the labels in file order.
    year : the table's year.
    source : the path read; ``format`` the reader's name (``long``, ``oecd-icio``,
        ``wiod2016``); ``edition`` e.g. ``"2023"``; ``unit`` e.g. ``"USD million"``.
    output_item, va_item : the ``inputs.item`` that holds gross output / value added, or None
        when the file has no such row.
    notes : reader remarks worth recording as provenance (renames it saw, e.g. TOTAL -> OUT).
    """

    cells: pd.DataFrame
    inputs: pd.DataFrame
    countries: list[str]
    sectors: list[str]
    fd_categories: list[str]
    year: int
    source: str
    format: str
    edition: str | None = None
    unit: str = "USD million"
    output_item: str | None = None
    va_item: str | None = None
    notes: list[str] = field(default_factory=list)
