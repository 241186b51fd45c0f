"""Reader for the OECD Inter-Country Input-Output (ICIO) CSV files, 2021 and 2023 editions.

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
  ``tidyicio`` rely on this); the "small" 2023 files (``<year>_SML.csv``) have no split at all.

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
from gvc.readers._io import csv_header, long_frame, numeric_block, read_csv, year_from_name
from gvc.readers.raw import RawTable

log = logging.getLogger(__name__)

FD_CODES = ("HFCE", "NPISH", "NPS", "GGFC", "GFCF", "INVNT", "INV", "DPABR", "DIRP", "DIRPA", "P33")
TOTAL_COLUMNS = ("TOTAL", "OUT", "OUTPUT")
OUTPUT_ROWS = ("OUT", "OUTPUT")
VA_ROWS = ("VA", "VALU")
#: inputs item under which the row-total column is stored, whatever the edition calls it
TOTAL_ITEM = "TOTAL"


def _split(label: str) -> tuple[str, str] | None:
    k = label.find("_")
    if k <= 0 or k == len(label) - 1:
        return None
    return label[:k], label[k + 1 :]


def read_oecd_icio(path: str | Path, year: int | None = None) -> list[RawTable]:
    """Read one OECD ICIO CSV file (2021 or 2023 edition layout) as it is.

    Parameters
    ----------
    path : the CSV file, e.g. ``ICIO2023_2019.csv``, ``ICIO2021_2018.csv``, ``2019_SML.csv``.
    year : the table year; required when the file name does not carry it, and must agree with
        it when it does.

    Returns
    -------
    list with one RawTable (``format="oecd-icio"``, ``edition`` ``"2021"``/``"2023"``/...).
    ``inputs`` holds the rows below the block under their own labels (``TLS``, ``VA``,
    ``OUT``) for every industry column, plus the row-total column as item ``TOTAL``.

    Raises
    ------
    InputError
        missing/empty/truncated file, duplicate labels, a column that is neither an industry
        nor a final-demand column, non-numeric cells, no year.

    Examples
    --------
    >>> from gvc.readers.oecd_icio import read_oecd_icio
    >>> raw = read_oecd_icio("tests/fixtures/oecd_icio/ICIO2023_2019.csv")[0]
    >>> raw.edition, raw.year, raw.countries
    ('2023', 2019, ['AUS', 'CHN', 'MEX', 'ROW', 'MX1', 'MX2', 'CN1', 'CN2'])
    """
    p = Path(path)
    header = csv_header(p)
    table = read_csv(p, column_types={header[0]: pa.string()})
    name_year = year_from_name(p.name)
    if year is not None and name_year is not None and int(year) != name_year:
        raise InputError(f"{p}: year={year} but the file name says {name_year}")
    y = int(year) if year is not None else name_year
    if y is None:
        raise InputError(f"{p}: cannot tell the year from the file name; pass year=")

    row_labels = np.asarray(table.column(0).to_pylist(), dtype=object)
    if any(r is None for r in row_labels):
        k = next(i for i, r in enumerate(row_labels) if r is None)
        raise InputError(f"{p}: line {k + 2}: empty row label")
    row_labels = row_labels.astype(str)
    col_labels = [str(c) for c in table.column_names[1:]]
    _no_duplicates(p, row_labels, "row label", offset=2)
    _no_duplicates(p, np.asarray(col_labels), "column label", offset=2, kind="column")

    row_set = set(row_labels.tolist())
    z_cols, fd_cols, total_col, notes = [], [], None, []
    for j, lab in enumerate(col_labels):
        if lab in row_set and _split(lab) is not None:
            z_cols.append(j)
        elif lab.upper() in TOTAL_COLUMNS:
            total_col = j
        elif (s := _split(lab)) is not None and (s[1] in FD_CODES or s[0] in FD_CODES):
            fd_cols.append(j)
        else:
            raise InputError(
                f"{p}: column {lab!r} is neither an industry (no row with that label), a "
                "final-demand column <CTY>_<HFCE|NPISH|GGFC|GFCF|INVNT|DPABR> nor the total"
            )
    if not z_cols:
        raise InputError(f"{p}: no industry columns <CTY>_<industry> found: not an OECD ICIO file")
    z_labels = [col_labels[j] for j in z_cols]
    z_set = set(z_labels)
    z_country = np.array([_split(lab)[0] for lab in z_labels], dtype=object)
    z_sector = np.array([_split(lab)[1] for lab in z_labels], dtype=object)
    countries = [str(c) for c in pd.unique(z_country)]
    sectors = [str(s) for s in pd.unique(z_sector)]
    sector_set, country_set = set(sectors), set(countries)

    body = np.array([lab in z_set for lab in row_labels])
    for k in np.flatnonzero(~body):
        s = _split(row_labels[k])
        if s is not None and s[0] in country_set and s[1] in sector_set:
            raise InputError(f"{p}: line {k + 2}: row {row_labels[k]!r} has no matching column")

    fd_country, fd_item = [], []
    for j in fd_cols:
        a, b = _split(col_labels[j])
        if a in FD_CODES and b in country_set:  # 2016-style CAT_CTY order
            a, b = b, a
        if a not in country_set:
            raise InputError(
                f"{p}: final-demand column {col_labels[j]!r}: country {a!r} has no industry rows"
            )
        fd_country.append(a)
        fd_item.append(b)
    fd_categories = [str(f) for f in pd.unique(np.asarray(fd_item, dtype=object))]

    # positions in the arrow table: column 0 holds the row labels
    z_pos = [j + 1 for j in z_cols]
    fd_pos = [j + 1 for j in fd_cols]
    zvals = numeric_block(table, z_pos, row_labels, p)
    fvals = (
        numeric_block(table, fd_pos, row_labels, p) if fd_pos else np.zeros((len(row_labels), 0))
    )

    rb = np.flatnonzero(body)
    r_country = np.array([_split(lab)[0] for lab in row_labels[rb]], dtype=object)
    r_sector = np.array([_split(lab)[1] for lab in row_labels[rb]], dtype=object)
    cells = long_frame(
        np.hstack([zvals[rb], fvals[rb]]),
        r_country,
        r_sector,
        np.concatenate([z_country, np.asarray(fd_country, dtype=object)]),
        np.concatenate([z_sector, np.asarray(fd_item, dtype=object)]),
    )

    ib = np.flatnonzero(~body)
    items = row_labels[ib]
    inputs = pd.DataFrame(
        {
            "country": np.tile(z_country, len(ib)),
            "sector": np.tile(z_sector, len(ib)),
            "item": np.repeat(items, len(z_cols)),
            "value": zvals[ib].reshape(-1),
        }
    )
    if total_col is not None:
        tot = numeric_block(table, [total_col + 1], row_labels, p)[rb, 0]
        inputs = pd.concat(
            [
                inputs,
                pd.DataFrame(
                    {"country": r_country, "sector": r_sector, "item": TOTAL_ITEM, "value": tot}
                ),
            ],
            ignore_index=True,
        )
        if col_labels[total_col] != TOTAL_ITEM:
            notes.append(
                f"row-total column {col_labels[total_col]!r} stored as inputs item "
                f"{TOTAL_ITEM!r} (its 2021-edition name; a row is also called "
                f"{col_labels[total_col]!r})"
            )
    if len(ib) and fvals.shape[1]:
        nz = int(np.count_nonzero(np.nan_to_num(fvals[ib])))
        if nz:
            notes.append(
                f"{nz} non-zero cells of rows {', '.join(items)} under final-demand columns "
                "(e.g. taxes on final products) are not kept: inputs are per industry"
            )
    parts = [c for c in countries if re.fullmatch(r"(CN|MX)\d", c)]
    if parts:
        notes.append(f"processing-trade split present: {', '.join(parts)} (not folded here)")

    item_set = set(items.tolist())
    output_item = next((r for r in OUTPUT_ROWS if r in item_set), None)
    va_item = next((r for r in VA_ROWS if r in item_set), None)
    edition = _edition(
        p.name, sectors, col_labels[total_col] if total_col is not None else None, item_set
    )
    if "SML" in p.name.upper():
        notes.append("small (SML) variant of the 2023 edition")
    log.debug("read OECD ICIO %s: edition %s, year %d, %d cells", p, edition, y, len(cells))
    return [
        RawTable(
            cells=cells,
            inputs=inputs,
            countries=countries,
            sectors=sectors,
            fd_categories=fd_categories,
            year=y,
            source=str(p),
            format="oecd-icio",
            edition=edition,
            output_item=output_item,
            va_item=va_item,
            notes=notes,
        )
    ]


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
    """Edition from the file name (``ICIO2021_...``), else from the layout: the 2023 edition has
    letter industry codes and an ``OUT`` column; earlier ones digit codes and ``TOTAL``."""
    m = re.search(r"ICIO((?:19|20)\d\d)", name, flags=re.IGNORECASE)
    if m:
        return m.group(1)
    if total == "OUT" or not all(re.match(r"[CD]?\d", s) for s in sectors):
        return "2023"
    if len(sectors) == 36:  # ISIC Rev.4 at 36 industries: the 2018 release
        return "2018"
    return "2021"
