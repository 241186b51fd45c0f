"""Reader for Eurostat's FIGARO inter-country IO tables (industry by industry), wide or flat CSV.

Wide layout, ``matrix_eu-ic-io_ind-by-ind_<NN>ed_<year>.csv`` (the 2022 edition has no
``<NN>ed_`` part), as exvatools' ``extract_figaro`` and MARIO's parser read it:

- first column ``rowLabels``; industry rows and columns ``<country>_<industry>`` where the
  industry code may itself hold ``_`` (``C31_32``), so labels split at the first ``_`` only;
- countries are two-letter codes in alphabetical order with the rest of the world ``FIGW1``
  sorted between ``FI`` and ``FR``, not last (Greece is ``EL`` in Eurostat's data);
- final-demand columns ``P3_S13``, ``P3_S14``, ``P3_S15``, ``P51G``, ``P5M`` per country;
- six value-added rows prefixed ``W2_``: ``D21X31`` (taxes less subsidies on products),
  ``OP_RES``, ``OP_NRES`` (purchases abroad by residents / in the territory by non-residents),
  ``D1``, ``D29X39``, ``B2A3G``; value added in the SNA sense is ``D1 + D29X39 + B2A3G``. These
  rows also hold cells under final-demand columns (not kept: inputs are per industry);
- no total row or column: output is ``Z 1 + Y 1`` and value added the residual ``x - 1'Z``
  (the sum of the six ``W2`` rows), as exvatools computes them.

Flat layout, ``flatfile_eu-ic-io_ind-by-ind_<NN>ed_<year>.csv``: one row a cell with columns
``refArea, rowIi, counterpartArea, colIi, obsValue`` (``icioiRow``/``icioiCol`` combined labels
may be there too; ``rowCode``/``colCode`` accepted as in Eurostat's API extracts); value-added
rows have ``refArea = W2``. Cells missing from the flat file are zero. Countries are taken in
sorted order (the wide file's order), industries and categories in order of first appearance.

Unit: EUR million (Eurostat's unit ``MIO_EUR``; the files do not state it).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gvc.errors import InputError
from gvc.readers._dense import Source
from gvc.readers._io import csv_header, read_csv, year_from_name
from gvc.readers._wide import WideColumns, read_wide
from gvc.readers.raw import DenseBlocks, RawTable

log = logging.getLogger(__name__)

UNIT = "EUR million"
FD_CODES = ("P3_S13", "P3_S14", "P3_S15", "P51G", "P5M")
VA_AREA = "W2"
ROW_LABEL = "rowLabels"
FLAT_COLUMNS = ("refArea", "counterpartArea", "obsValue")
FLAT_ROW_CODE = ("rowIi", "rowCode")
FLAT_COL_CODE = ("colIi", "colCode")


def is_flat(columns: list[str]) -> bool:
    cols = set(columns)
    return (
        set(FLAT_COLUMNS) <= cols
        and bool(cols & set(FLAT_ROW_CODE))
        and bool(cols & set(FLAT_COL_CODE))
    )


def read_figaro(path: str | Path, year: int | None = None) -> list[RawTable]:
    """Read one FIGARO industry-by-industry table, wide matrix or flat file (told by its header).

    Parameters
    ----------
    path : ``matrix_eu-ic-io_ind-by-ind_24ed_2022.csv`` or ``flatfile_eu-ic-io_ind-by-ind_...``.
    year : the table year when the file name does not carry it (must agree when it does).

    Returns
    -------
    list with one RawTable (``format="figaro"``, ``edition`` from the name, e.g. ``"2024"``,
    ``unit="EUR million"``, dense blocks). ``inputs`` holds the six ``W2_`` rows under their
    codes (``D21X31`` ... ``B2A3G``) per industry column.

    Raises
    ------
    InputError
        a header that is neither layout, labels that are not ``<country>_<code>``, a country
        without industry rows, duplicate cells or labels, truncated or non-numeric files.

    Examples
    --------
    >>> from gvc.readers.figaro import read_figaro
    >>> raw = read_figaro("tests/fixtures/figaro/matrix_eu-ic-io_ind-by-ind_24ed_2021.csv")[0]
    >>> raw.countries, raw.sectors[-1], raw.fd_categories[0], raw.unit, raw.edition
    (['AT', 'FI', 'FIGW1', 'FR'], 'C31_32', 'P3_S13', 'EUR million', '2024')
    """
    p = Path(path)
    header = csv_header(p)
    y = _year(p, year)
    edition = _edition(p.name)
    notes = []
    if "prod-by-prod" in p.name:
        notes.append("product-by-product table (codes CPA_*): read as it is")
    if is_flat(header):
        raw = _read_flat(p, header, y, notes)
    elif header and header[0] == ROW_LABEL or all("_" in h for h in header[1:]):
        raw = _read_wide(p, header, y, notes)
    else:
        raise InputError(
            f"{p}: neither a FIGARO matrix (first column {ROW_LABEL}) nor a flat file "
            f"(columns refArea, rowIi, counterpartArea, colIi, obsValue)"
        )
    raw.edition = edition
    return [raw]


def _year(p: Path, year: int | None) -> int:
    name_year = year_from_name(p.name)
    if year is not None and name_year is not None and int(year) != name_year:
        raise InputError(f"{p}: year={year} but the file name says {name_year}")
    y = int(year) if year is not None else name_year
    if y is None:
        raise InputError(f"{p}: cannot tell the year from the file name; pass year=")
    return y


def _edition(name: str) -> str:
    m = re.search(r"_(\d\d)ed_", name)
    return f"20{m.group(1)}" if m else "2022"


def _split(label: str) -> tuple[str, str] | None:
    k = label.find("_")
    if k <= 0 or k == len(label) - 1:
        return None
    return label[:k], label[k + 1 :]


def _read_wide(p: Path, header: list[str], y: int, notes: list[str]) -> RawTable:
    col_labels = header[1:]
    z_cols, z_lab, fd_cols, fd_lab = [], [], [], []
    for j, lab in enumerate(col_labels):
        s = _split(lab)
        if s is None:
            raise InputError(f"{p}: column {lab!r} is not <country>_<code>")
        if s[1] in FD_CODES:
            fd_cols.append(j)
            fd_lab.append(s)
        else:
            z_cols.append(j)
            z_lab.append(s)
    if not z_cols:
        raise InputError(f"{p}: no industry columns <country>_<industry>: not a FIGARO matrix")
    countries = [str(c) for c in pd.unique(np.asarray([c for c, _ in z_lab], dtype=object))]
    sectors = [str(s) for s in pd.unique(np.asarray([s for _, s in z_lab], dtype=object))]
    ci = {c: i for i, c in enumerate(countries)}
    si = {s: k for k, s in enumerate(sectors)}
    N = len(sectors)
    z_target = np.array([ci[c] * N + si[s] for c, s in z_lab], dtype=np.int64)
    if len(z_cols) != len(countries) * N or len(set(z_target.tolist())) != len(z_cols):
        raise InputError(
            f"{p}: the {len(z_cols)} industry columns do not form a grid of {len(countries)} "
            f"countries x {N} industries (a mistyped column?)"
        )
    fd_categories = [f for f in FD_CODES if f in {s for _, s in fd_lab}]
    fi = {f: k for k, f in enumerate(fd_categories)}
    F = len(fd_categories)
    for c, _ in fd_lab:
        if c not in ci:
            raise InputError(f"{p}: final-demand column of {c!r}, which has no industry rows")
    fd_target = np.array([ci[c] * F + fi[f] for c, f in fd_lab], dtype=np.int64)
    cols = WideColumns(
        countries,
        sectors,
        fd_categories,
        np.asarray(z_cols, dtype=np.int64),
        z_target,
        np.asarray(fd_cols, dtype=np.int64),
        fd_target,
        None,
        [col_labels[j] for j in z_cols],
        len(col_labels),
    )
    res = read_wide(Source(p), cols, what="FIGARO matrix")
    inputs = res.inputs
    items = inputs["item"].astype(str)
    inputs["item"] = items.str.replace(f"^{VA_AREA}_", "", regex=True)
    other = sorted({i for i in res.bottom_items if not i.startswith(f"{VA_AREA}_")})
    if other:
        notes.append(f"rows below the block that are not W2_ value added: {other[:5]}")
    if res.fd_bottom_nonzero:
        notes.append(
            f"{res.fd_bottom_nonzero} non-zero W2_ cells under final-demand columns (taxes on "
            "final products, purchases abroad) are not kept: inputs are per industry"
        )
    return _raw(p, res.dense, inputs, countries, sectors, fd_categories, y, notes)


def _read_flat(p: Path, header: list[str], y: int, notes: list[str]) -> RawTable:
    rc = next(c for c in FLAT_ROW_CODE if c in header)
    cc = next(c for c in FLAT_COL_CODE if c in header)
    strings = {c: pa.string() for c in ("refArea", rc, "counterpartArea", cc)}
    t = read_csv(p, column_types={**strings, "obsValue": pa.float64()})
    cols = {}
    for c in strings:
        arr = t.column(c)
        if arr.null_count:
            k = int(np.flatnonzero(pc.is_null(arr).to_numpy(zero_copy_only=False))[0])
            raise InputError(f"{p}: line {k + 2}: column {c} is empty")
        cols[c] = np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)
    val = t.column("obsValue").to_numpy(zero_copy_only=False).astype(np.float64)
    ra, rcode, ca, ccode = cols["refArea"], cols[rc], cols["counterpartArea"], cols[cc]
    is_va = ra == VA_AREA
    countries = sorted(set(ra[~is_va].tolist()) | set(ca.tolist()))
    sectors = [str(s) for s in pd.unique(rcode[~is_va])]
    fd_categories = [f for f in FD_CODES if f in set(ccode.tolist())]
    G, N, F = len(countries), len(sectors), len(fd_categories)
    n = G * N
    ci = pd.Index(countries)
    si = pd.Index(sectors)
    ki = pd.Index(sectors + fd_categories)
    r_c = ci.get_indexer(ra)
    r_s = si.get_indexer(rcode)
    c_c = ci.get_indexer(ca)
    c_k = ki.get_indexer(ccode)
    bad = (~is_va & ((r_c < 0) | (r_s < 0))) | (c_c < 0) | (c_k < 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{p}: line {k + 2}: cell {ra[k]}_{rcode[k]} -> {ca[k]}_{ccode[k]} has a code that "
            "is neither an industry nor a final-demand category of the table"
        )
    Z = np.zeros((n, n))
    Y = np.zeros((n, G * F))
    body = ~is_va
    is_z = c_k < N
    for mask, target, col in (
        (body & is_z, Z, c_c * N + c_k),
        (body & ~is_z, Y, c_c * F + (c_k - N)),
    ):
        row = (r_c * N + r_s)[mask]
        cix = col[mask]
        flat = row * target.shape[1] + cix
        if np.unique(flat).size != flat.size:
            k = int(np.flatnonzero(mask)[np.flatnonzero(pd.Series(flat).duplicated())[0]])
            raise InputError(
                f"{p}: line {k + 2}: duplicate cell {ra[k]}_{rcode[k]} -> {ca[k]}_{ccode[k]}"
            )
        target[row, cix] = val[mask]
    va_rows = is_va & is_z
    va_codes = [str(s) for s in pd.unique(rcode[va_rows])]
    vi = pd.Index(va_codes).get_indexer(rcode[va_rows])
    V = np.zeros((len(va_codes), n))
    V[vi, (c_c * N + c_k)[va_rows]] = val[va_rows]
    fd_va = int(np.count_nonzero(val[is_va & ~is_z]))
    if fd_va:
        notes.append(
            f"{fd_va} non-zero W2 cells under final-demand columns are not kept: inputs are per "
            "industry"
        )
    node_c = np.repeat(np.asarray(countries, dtype=object), N)
    node_s = np.tile(np.asarray(sectors, dtype=object), G)
    inputs = pd.DataFrame(
        {
            "country": np.tile(node_c, len(va_codes)),
            "sector": np.tile(node_s, len(va_codes)),
            "item": np.repeat(np.asarray(va_codes, dtype=object), n),
            "value": V.reshape(-1),
        }
    )
    notes.append("flat file: missing cells read as zero")
    return _raw(p, DenseBlocks(Z, Y), inputs, countries, sectors, fd_categories, y, notes)


def _raw(p, dense, inputs, countries, sectors, fds, y, notes) -> RawTable:
    log.debug("read FIGARO %s year %d", p, y)
    return RawTable(
        None,
        inputs,
        countries,
        sectors,
        fds,
        y,
        str(p),
        "figaro",
        unit=UNIT,
        notes=notes,
        dense=dense,
    )
