"""Reader for the ADB Multiregional Input-Output tables (Excel workbooks, one year each).

Layout, from the ADB staff scripts (ksreyes/mrio-processing, with screenshots of a real
workbook), exvatools' ``extract_mrio`` (fixed offsets: data from row 8, column E) and MARIO's
ADB parser:

- three title lines ("Multiregional Input-Output Table <year>", "<k> economies, at current
  prices (industry by industry)", "In millions of US$"); in some editions a row of running
  numbers (``0001`` ... for industries, ``1001`` ... for final demand; MARIO: the 2025
  74-economy file has none); then a label row, an economy row and a code row;
- data rows with column A empty, B the label, C the economy, D the code (``c1`` ... ``c35``);
  value columns from E: economy x ``c1..c35``, then economy x ``F1..F5`` (households, NPISH,
  government, GFCF, changes in inventories and valuables), then a total column;
- ADB's own economy codes (PRC, INO, GER, UKG, TAP ... in some editions; ISO-like in others),
  kept as they are; the rest of the world ``RoW`` or ``ROW`` depending on the edition;
- below the block the rows ``r60`` (total intermediate), ``r99`` (taxes less subsidies on
  products), ``r61``..``r63`` (cif/fob adjustments, purchases abroad and by non-residents),
  ``r64`` (value added at basic prices), ``trs`` (international transport margins) and
  ``r69`` (total output) with economy ``ToT``; a footnote as the last row;
- empty cells are a single space (or nothing): read as zero and counted in the notes;
- some workbooks have a "legend" sheet besides the data sheet (MARIO's parser skips it).

The row and column positions are found from the code row, not fixed, so the editions with
and without the numbered row read alike. The unit is read from the title lines ("In millions
of US$" -> USD million); when they do not state one, the documented USD million is used and
noted. Output is ``r69`` and value added ``r64`` (``output_item``, ``va_item``).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.readers.raw import DenseBlocks, RawTable, node_items
from gvc.units import parse_unit

log = logging.getLogger(__name__)

DOCUMENTED_UNIT = "USD million"
_SECTOR = re.compile(r"c(\d+)$", flags=re.IGNORECASE)
_FD = re.compile(r"F(\d)$")
BOTTOM_ECONOMY = "ToT"


def _cell(col: int, row: int) -> str:
    """Excel address of 0-based column and 1-based row: ``_cell(4, 8) == 'E8'``."""
    name = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        name = chr(65 + r) + name
    return f"{name}{row}"


def read_adb(path: str | Path, year: int | None = None) -> list[RawTable]:
    """Read one ADB MRIO workbook (``.xlsx``) as it is.

    Parameters
    ----------
    path : e.g. ``ADB-MRIO-2022_June2023.xlsx``.
    year : the table year when neither the title nor the file name gives it (must agree when
        they do).

    Returns
    -------
    list with one RawTable (``format="adb-mrio"``, ``edition`` e.g. ``"72 economies"``, ``unit``
    from the title, dense blocks). ``inputs`` holds the rows below the block under their codes
    (``r60`` ... ``r69``) and the total column as item ``TOTAL``.

    Raises
    ------
    InputError
        no code row (``c1`` ...), economies with other sectors than the first, a label that is
        neither a sector nor a final-demand column, a non-numeric cell (named by its Excel
        address), a truncated sheet.

    Examples
    --------
    >>> from gvc.readers.adb import read_adb
    >>> raw = read_adb("tests/fixtures/adb/ADB-MRIO-2022_June2023.xlsx")[0]
    >>> raw.year, raw.countries, raw.fd_categories, raw.unit
    (2022, ['PRC', 'INO', 'RoW'], ['F1', 'F2', 'F3', 'F4', 'F5'], 'In millions of US$')
    """
    import openpyxl

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise InputError(
            f"{p}: not a readable Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc
    try:
        # the data sheet: the first (a "legend" sheet aside, as MARIO's parser notes) whose
        # first 30 rows hold the code row
        code_row = None
        for ws in wb.worksheets:
            if ws.title.strip().lower() == "legend":
                continue
            rows = ws.iter_rows(values_only=True)
            head: list[tuple] = []
            for k, row in enumerate(rows, 1):
                head.append(row)
                if _is_code_row(row):
                    code_row = k
                    break
                if k > 30:
                    break
            if code_row is not None:
                break
        if code_row is None:
            raise InputError(
                f"{p}: no code row (c1, c2, ... F1 ...) in the first {len(head)} rows: not an "
                "ADB MRIO workbook"
            )
        codes = [None if v is None else str(v).strip() for v in head[-1]]
        econ = [None if v is None else str(v).strip() for v in head[-2]]
        first_col = next(j for j, c in enumerate(codes) if c and _SECTOR.match(c))
        if first_col < 3:
            raise InputError(
                f"{p}: row {code_row}: the code row starts in column "
                f"{_cell(first_col, code_row)}, expected E"
            )
        lab_col, eco_col, cod_col = first_col - 3, first_col - 2, first_col - 1
        z_cols, z_key, fd_cols, fd_key, total_col = [], [], [], [], None
        for j in range(first_col, len(codes)):
            c, e = codes[j], econ[j] if j < len(econ) else None
            if c is None and e is None:
                continue
            if c and _SECTOR.match(c) and e and e != BOTTOM_ECONOMY:
                z_cols.append(j)
                z_key.append((e, c))
            elif c and _FD.match(c) and e and e != BOTTOM_ECONOMY:
                fd_cols.append(j)
                fd_key.append((e, c))
            elif total_col is None:
                total_col = j
            else:
                raise InputError(
                    f"{p}: column {_cell(j, code_row)}: {e!r}/{c!r} is neither an economy's "
                    "sector (c1 ...) nor a final-demand column (F1 ...) nor the total"
                )
        countries = [str(c) for c in pd.unique(np.asarray([e for e, _ in z_key], dtype=object))]
        sectors = [str(s) for s in pd.unique(np.asarray([c for _, c in z_key], dtype=object))]
        fds = sorted({c for _, c in fd_key}, key=lambda s: int(s[1:]))
        ci = {c: i for i, c in enumerate(countries)}
        si = {s: k for k, s in enumerate(sectors)}
        fi = {f: k for k, f in enumerate(fds)}
        G, N, F = len(countries), len(sectors), len(fds)
        n = G * N
        z_target = np.array([ci[e] * N + si[c] for e, c in z_key], dtype=np.int64)
        if len(z_cols) != n or len(set(z_target.tolist())) != n:
            raise InputError(
                f"{p}: the {len(z_cols)} sector columns do not form a grid of "
                f"{G} economies x {N} sectors"
            )
        bad_fd = [e for e, _ in fd_key if e not in ci]
        if bad_fd:
            raise InputError(f"{p}: final-demand columns of {bad_fd[0]!r}, which has no sectors")
        fd_target = np.array([ci[e] * F + fi[c] for e, c in fd_key], dtype=np.int64)
        z_cols_a = np.asarray(z_cols)
        fd_cols_a = np.asarray(fd_cols, dtype=np.int64)

        Z = np.zeros((n, n))
        Y = np.zeros((n, G * F))
        total = np.zeros(n)
        seen = np.zeros(n, dtype=bool)
        bottom: dict[str, np.ndarray] = {}
        bottom_names: dict[str, str] = {}
        width = max(max(z_cols), max(fd_cols, default=0), total_col or 0) + 1
        blanks = 0
        footnote = None
        for k, row in enumerate(rows, code_row + 1):
            row = tuple(row) + (None,) * max(0, width - len(row))
            e = row[eco_col]
            c = row[cod_col]
            if e is None and c is None:
                if any(v not in (None, " ", "") for v in row[first_col:width]):
                    raise InputError(
                        f"{p}: row {k}: values but no economy or code in "
                        f"{_cell(eco_col, k)}:{_cell(cod_col, k)}"
                    )
                if row[lab_col] not in (None, " ", ""):
                    footnote = str(row[lab_col])
                continue
            e, c = str(e).strip(), str(c).strip()
            vals, nb = _numbers(row, first_col, width, p, k)
            blanks += nb
            if e == BOTTOM_ECONOMY or e.upper() == "TOT":
                bottom[c] = vals[z_cols_a - first_col]
                bottom_names[c] = str(row[lab_col] or "").strip()
                continue
            if e not in ci or c not in si:
                raise InputError(
                    f"{p}: row {k}: {e}/{c} in {_cell(eco_col, k)}:{_cell(cod_col, k)} is not "
                    "an economy x sector of the columns"
                )
            i = ci[e] * N + si[c]
            if seen[i]:
                raise InputError(f"{p}: row {k}: duplicate row {e}/{c}")
            seen[i] = True
            Z[i, z_target] = vals[z_cols_a - first_col]
            if fd_cols:
                Y[i, fd_target] = vals[fd_cols_a - first_col]
            if total_col is not None:
                total[i] = vals[total_col - first_col]
    finally:
        wb.close()
    if not seen.all():
        miss = int(np.flatnonzero(~seen)[0])
        raise InputError(
            f"{p}: no row for {countries[miss // N]}/{sectors[miss % N]} "
            f"({int(seen.sum())} of {n} economy x sector rows): workbook truncated?"
        )
    title = [str(v) for row in head[:code_row] for v in row[: first_col + 1] if v]
    unit, notes = _unit(title)
    y = _year(p, title, year)
    edition = next(
        (m.group(1) + " economies" for t in title if (m := re.search(r"(\d+)\s+economies", t))),
        None,
    )
    if any("constant" in t.lower() for t in title):
        notes.append("constant prices: " + next(t for t in title if "constant" in t.lower()))
    if blanks:
        notes.append(f"{blanks} empty cells (a single space or nothing) read as 0")
    if footnote:
        notes.append(f"footnote row: {footnote[:80]}")
    items = dict(bottom)
    if total_col is not None:
        items["TOTAL"] = total
    inputs = node_items(countries, sectors, items)
    log.debug("read ADB MRIO %s year %d (%s)", p, y, edition)
    return [
        RawTable(
            None,
            inputs,
            countries,
            sectors,
            fds,
            y,
            str(p),
            "adb-mrio",
            edition=edition,
            unit=unit,
            output_item="r69" if "r69" in bottom else None,
            va_item="r64" if "r64" in bottom else None,
            notes=notes,
            dense=DenseBlocks(Z, Y),
        )
    ]


def _is_code_row(row: tuple) -> bool:
    vals = [str(v).strip() for v in row if v is not None and str(v).strip()]
    hits = sum(1 for v in vals if _SECTOR.match(v) or _FD.match(v))
    return hits >= 2 and hits >= 0.8 * len(vals) and any(v.lower() == "c1" for v in vals)


def _numbers(row: tuple, a: int, b: int, p: Path, k: int) -> tuple[np.ndarray, int]:
    out = np.zeros(b - a)
    blanks = 0
    for j in range(a, b):
        v = row[j]
        if v is None or (isinstance(v, str) and not v.strip()):
            blanks += 1
            continue
        if isinstance(v, (int, float)):
            out[j - a] = v
            continue
        try:
            out[j - a] = float(str(v).replace(",", ""))
        except ValueError:
            raise InputError(f"{p}: cell {_cell(j, k)}: {v!r} is not a number") from None
    return out, blanks


def _unit(title: list[str]) -> tuple[str, list[str]]:
    for t in title:
        if re.search(r"million|thousand|billion|US\$|\$", t, flags=re.IGNORECASE) and not re.search(
            r"economies|input-output", t, flags=re.IGNORECASE
        ):
            parse_unit(t, "ADB title line")  # checked now, scaled at ingest
            return t, []
    return DOCUMENTED_UNIT, [f"no unit in the title lines: the documented {DOCUMENTED_UNIT}"]


def _year(p: Path, title: list[str], year: int | None) -> int:
    found = None
    for t in title[:1] + [p.name]:
        m = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", t)
        if m:
            found = int(m.group(1))
            break
    if year is not None and found is not None and int(year) != found:
        raise InputError(f"{p}: year={year} but the workbook says {found}")
    y = int(year) if year is not None else found
    if y is None:
        raise InputError(f"{p}: cannot tell the year from the title or the file name; pass --year")
    return y
