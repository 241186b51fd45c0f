"""Reader for the OECD Inter-Country Input-Output (ICIO) CSV files, 2021, 2023 and 2025 editions.

Layout (one year per file, USD million), as documented by the parsers of pymrio
(``parse_oecd``) and R exvatools (``extract_icio``) and by the OECD ReadMe files:

- first column: row labels; header row: column labels;
- industry rows/columns labelled ``<CTY>_<industry>``: ``AUS_01T02`` / ``AUS_D01T02`` (2021
  edition, ISIC Rev.4 "D" codes), ``AUS_A01_02`` (2023 edition, letter codes; the industry part
  may itself contain ``_``, so labels are split at the first ``_`` only);
- final-demand columns ``<CTY>_HFCE, _NPISH, _GGFC, _GFCF, _INVNT, _DPABR`` (older names
  ``DIRP``, ``DIRPA``, ``NPS``, ``INV``, ``P33`` are accepted);
- rows below the block: ``TLS`` (taxes less subsidies on intermediate and final products), ``VA``
  (value added), ``OUT`` (output); 2018 style ``<CTY>_TAXSUB``, ``VALU``, ``OUTPUT`` also read;
- last column: the row total, ``TOTAL`` in the 2021 edition and ``OUT`` in the 2023 edition;
- processing-trade split: China and Mexico also appear as ``CN1``/``CN2`` and ``MX1``/``MX2``
  industry rows and columns (appended after ``ROW``); final demand is never split (only
  ``CHN_*`` / ``MEX_*`` columns). In the 2021 edition the ``CHN``/``MEX`` industry rows and
  columns are zero (the values sit in the parts: exvatools' ``meld`` and common2016's
  ``tidyicio`` rely on this); the "small" 2023 files (``<year>_SML.csv``) have no split at all;
- the 2025 edition keeps the 2023 layout with 81 regions, 50 industries (new codes, read from
  the file) and six final-demand categories (MARIO's log of a real 2025 ``2019_SML.csv``); its
  files are named like the 2023 ones, so the edition is told by the 50 industries.

The reader is faithful: nothing is folded, renamed or derived; see
:mod:`gvc.ingestion.harmonise`.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from gvc.errors import InputError
from gvc.readers._dense import Source
from gvc.readers._io import csv_header, numeric_block, read_csv, year_from_name
from gvc.readers._wide import WideColumns, read_wide
from gvc.readers.raw import RawTable

log = logging.getLogger(__name__)

FD_CODES = ("HFCE", "NPISH", "NPS", "GGFC", "GFCF", "INVNT", "INV", "DPABR", "DIRP", "DIRPA", "P33")
TOTAL_COLUMNS = ("TOTAL", "OUT", "OUTPUT")
OUTPUT_ROWS = ("OUT", "OUTPUT")
VA_ROWS = ("VA", "VALU")
#: inputs item under which the row-total column is stored, whatever the edition calls it
TOTAL_ITEM = "TOTAL"
#: the unit the OECD documents for every ICIO edition (the files do not state it)
UNIT = "USD million"


def _split_known(label: str) -> tuple[str, str]:
    """:func:`_split` of a label already classified as a cell label (never None)."""
    sp = _split(label)
    assert sp is not None, label
    return sp


def _split(label: str) -> tuple[str, str] | None:
    k = label.find("_")
    if k <= 0 or k == len(label) - 1:
        return None
    return label[:k], label[k + 1 :]


def read_oecd_icio(path: str | Path, year: int | None = None) -> list[RawTable]:
    """Read one OECD ICIO CSV file (2021, 2023 or 2025 edition layout) as it is.

    The unit is USD million, as the OECD documents it for every edition (the files carry no
    unit). Industry and final-demand codes are read from the file, never from a fixed list:
    the 2025 edition (81 regions, 50 industries, six final-demand categories) is read like the
    others. The file is streamed into dense blocks (no per-cell frame).

    Parameters
    ----------
    path : the CSV file, e.g. ``ICIO2023_2019.csv``, ``ICIO2021_2018.csv``, ``2019_SML.csv``.
    year : the table year; required when the file name does not carry it, and must agree with
        it when it does.

    Returns
    -------
    list with one RawTable (``format="oecd-icio"``, ``edition`` ``"2021"``/``"2023"``/
    ``"2025"``, ``unit="USD million"``). ``inputs`` holds the rows below the block under their
    own labels (``TLS``, ``VA``, ``OUT``) for every industry column, plus the row-total column
    as item ``TOTAL``.

    Raises
    ------
    InputError
        missing/empty/truncated file, duplicate labels, a column that is neither an industry
        nor a final-demand column, non-numeric cells, no year.

    Examples
    --------
    >>> from gvc.readers.oecd_icio import read_oecd_icio
    >>> raw = read_oecd_icio("tests/fixtures/oecd_icio/ICIO2023_2019.csv")[0]
    >>> raw.edition, raw.year, raw.countries, raw.unit
    ('2023', 2019, ['AUS', 'CHN', 'MEX', 'ROW', 'MX1', 'MX2', 'CN1', 'CN2'], 'USD million')
    """
    p = Path(path)
    header = csv_header(p)
    name_year = year_from_name(p.name)
    if year is not None and name_year is not None and int(year) != name_year:
        raise InputError(f"{p}: year={year} but the file name says {name_year}")
    y = int(year) if year is not None else name_year
    if y is None:
        raise InputError(f"{p}: cannot tell the year from the file name; pass year=")

    col_labels = [str(c) for c in header[1:]]
    _no_duplicates(p, np.asarray(col_labels), "column label", offset=2, kind="column")
    z_cols, fd_cols, total_col, notes = [], [], None, []
    for j, lab in enumerate(col_labels):
        sp = _split(lab)
        if lab.upper() in TOTAL_COLUMNS:
            total_col = j
        elif sp is not None and (sp[1] in FD_CODES or sp[0] in FD_CODES):
            fd_cols.append(j)
        elif sp is not None:
            z_cols.append(j)
        else:
            raise InputError(
                f"{p}: column {lab!r} is neither an industry (no row with that label), a "
                "final-demand column <CTY>_<HFCE|NPISH|GGFC|GFCF|INVNT|DPABR> nor the total"
            )
    if not z_cols:
        raise InputError(f"{p}: no industry columns <CTY>_<industry> found: not an OECD ICIO file")
    z_labels = [col_labels[j] for j in z_cols]
    z_split = [_split_known(lab) for lab in z_labels]
    z_country = [c for c, _ in z_split]
    z_sector = [s for _, s in z_split]
    countries = [str(c) for c in pd.unique(np.asarray(z_country, dtype=object))]
    sectors = [str(s) for s in pd.unique(np.asarray(z_sector, dtype=object))]
    country_set = set(countries)
    ci = {c: i for i, c in enumerate(countries)}
    si = {s: k for k, s in enumerate(sectors)}
    N = len(sectors)
    z_target = np.array([ci[c] * N + si[s] for c, s in zip(z_country, z_sector, strict=True)])
    if len(z_cols) != len(countries) * N or len(set(z_target.tolist())) != len(z_cols):
        # the odd one out: an industry code only some countries have (a mistyped column)
        counts = pd.Series(z_sector).value_counts()
        odd = next((lab for lab, s in zip(z_labels, z_sector, strict=True)
                    if counts[s] < len(countries)), z_labels[0])  # fmt: skip
        raise InputError(
            f"{p}: column {odd!r} is neither an industry (no row with that label), a "
            "final-demand column <CTY>_<HFCE|NPISH|GGFC|GFCF|INVNT|DPABR> nor the total "
            f"(industry columns do not form a grid of {len(countries)} countries x {N} codes)"
        )

    fd_country, fd_item = [], []
    for j in fd_cols:
        a, b = _split_known(col_labels[j])
        if a in FD_CODES and b in country_set:  # 2016-style CAT_CTY order
            a, b = b, a
        if a not in country_set:
            raise InputError(
                f"{p}: final-demand column {col_labels[j]!r}: country {a!r} has no industry rows"
            )
        fd_country.append(a)
        fd_item.append(b)
    fd_categories = [str(f) for f in pd.unique(np.asarray(fd_item, dtype=object))]
    fi = {f: k for k, f in enumerate(fd_categories)}
    F = len(fd_categories)
    fd_target = np.array([ci[c] * F + fi[f] for c, f in zip(fd_country, fd_item, strict=True)])

    cols = WideColumns(
        countries,
        sectors,
        fd_categories,
        np.asarray(z_cols, dtype=np.int64),
        z_target.astype(np.int64),
        np.asarray(fd_cols, dtype=np.int64),
        fd_target.astype(np.int64),
        total_col,
        z_labels,
        len(col_labels),
    )
    try:
        res = read_wide(Source(p), cols, what="OECD ICIO table", total_item=TOTAL_ITEM)
    except InputError:
        # name the line and cell as the row-by-row reader does (slow, only on bad files)
        _diagnose_slow(p, header)
        raise
    items = res.bottom_items
    if total_col is not None and col_labels[total_col] != TOTAL_ITEM:
        notes.append(
            f"row-total column {col_labels[total_col]!r} stored as inputs item "
            f"{TOTAL_ITEM!r} (its 2021-edition name; a row is also called "
            f"{col_labels[total_col]!r})"
        )
    if res.fd_bottom_nonzero:
        notes.append(
            f"{res.fd_bottom_nonzero} non-zero cells of rows {', '.join(items)} under "
            "final-demand columns (e.g. taxes on final products) are not kept: inputs are per "
            "industry"
        )
    parts = [c for c in countries if re.fullmatch(r"(CN|MX)\d", c)]
    if parts:
        notes.append(f"processing-trade split present: {', '.join(parts)} (not folded here)")

    item_set = set(items)
    output_item = next((r for r in OUTPUT_ROWS if r in item_set), None)
    va_item = next((r for r in VA_ROWS if r in item_set), None)
    edition = _edition(
        p.name, sectors, col_labels[total_col] if total_col is not None else None, item_set
    )
    if "SML" in p.name.upper():
        notes.append(f"small (SML) variant of the {edition} edition")
    log.debug("read OECD ICIO %s: edition %s, year %d", p, edition, y)
    return [
        RawTable(
            None,
            res.inputs,
            countries,
            sectors,
            fd_categories,
            y,
            str(p),
            "oecd-icio",
            edition=edition,
            unit=UNIT,
            output_item=output_item,
            va_item=va_item,
            notes=notes,
            dense=res.dense,
        )
    ]


def _diagnose_slow(p: Path, header: list[str]) -> None:
    """Re-read with the column-by-column reader to name a bad cell by row and column label."""
    table = read_csv(p, column_types={header[0]: pa.string()})
    row_labels = np.asarray(table.column(0).to_pylist(), dtype=object)
    if any(r is None for r in row_labels):
        k = next(i for i, r in enumerate(row_labels) if r is None)
        raise InputError(f"{p}: line {k + 2}: empty row label")
    row_labels = row_labels.astype(str)
    _no_duplicates(p, row_labels, "row label", offset=2)
    numeric_block(table, list(range(1, table.num_columns)), row_labels, p)


def _no_duplicates(p: Path, labels: np.ndarray, what: str, offset: int, kind: str = "line") -> None:
    s = pd.Series(labels)
    dup = s.duplicated(keep=False).to_numpy()
    if dup.any():
        first = np.flatnonzero(dup)
        lab = str(labels[first[0]])
        where = np.flatnonzero(labels == lab)
        if kind == "line":
            at = f"lines {where[0] + offset} and {where[1] + offset}"
        else:
            at = f"columns {where[0] + offset} and {where[1] + offset}"
        raise InputError(f"{p}: duplicate {what} {lab!r} at {at}")


def _edition(name: str, sectors: list[str], total: str | None, items: set[str]) -> str:
    """Edition from the file name (``ICIO2021_...``), else from the layout: the 2023 and 2025
    editions have letter industry codes and an ``OUT`` column (2025: 50 industries); earlier
    ones digit codes and ``TOTAL``."""
    m = re.search(r"ICIO((?:19|20)\d\d)", name, flags=re.IGNORECASE)
    if m:
        return m.group(1)
    if total == "OUT" or not all(re.match(r"[CD]?\d", s) for s in sectors):
        # the 2025 edition has 50 industries, the 2023 one 45 (small fixtures: 2023)
        return "2025" if len(sectors) == 50 else "2023"
    if len(sectors) == 36:  # ISIC Rev.4 at 36 industries: the 2018 release
        return "2018"
    return "2021"
