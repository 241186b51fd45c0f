"""Reader for the WIOD 2016 release in its official R ("wide") layout, parquet or CSV.

Layout (``WIOT<year>_October16_ROW``, USD million), as in the R files of the release:

- identifier columns ``IndustryCode, IndustryDescription, Country, RNr, Year``;
- value columns ``<CTY><k>``: ``k = 1..56`` intermediate use by industry ``k`` of ``CTY``,
  ``k = 57..61`` final demand ``CONS_h, CONS_np, CONS_g, GFCF, INVEN`` of ``CTY``; and ``TOT``
  (the row total: gross output);
- one row per country x industry (``RNr`` 1..56 gives the industry's column number), then the
  rows with ``Country == "TOT"``: ``II_fob, TXSP, EXP_adj, PURR, PURNR, VA, IntTTM, GO``.

The reader keeps what the file says, also for slices that are not closed tables (e.g. the
FRA+USA piece in ``tests/fixtures/wiod2016_slice``).
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
from gvc.readers._io import (
    csv_header,
    numeric_block,
    parquet_schema,
    read_csv,
    read_parquet,
)
from gvc.readers.raw import DenseBlocks, RawTable

log = logging.getLogger(__name__)

ID_COLUMNS = ("IndustryCode", "Country", "RNr", "Year")
FD_CODES = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")
N_INDUSTRY_COLUMNS = 56
TOTAL_COLUMN = "TOT"
#: the unit of the release ("millions of US$" in the release notes; the files do not say it)
UNIT = "USD million"
BOTTOM_COUNTRY = "TOT"
#: the 56 industry codes of the WIOD 2016 release by RNr (1..56), as in its R files and
#: ``datasets/classifications/wiod2016_codes.parquet``
WIOD2016_INDUSTRIES = (
    "A01", "A02", "A03", "B", "C10-C12", "C13-C15", "C16", "C17", "C18", "C19", "C20", "C21",
    "C22", "C23", "C24", "C25", "C26", "C27", "C28", "C29", "C30", "C31_C32", "C33", "D35",
    "E36", "E37-E39", "F", "G45", "G46", "G47", "H49", "H50", "H51", "H52", "H53", "I", "J58",
    "J59_J60", "J61", "J62_J63", "K64", "K65", "K66", "L68", "M69_M70", "M71", "M72", "M73",
    "M74_M75", "N", "O84", "P85", "Q", "R_S", "T", "U",
)  # fmt: skip
_VALUE_COL = re.compile(r"^([A-Za-z]{3})(\d+)$")


def read_wiod2016(path: str | Path, year: int | None = None) -> list[RawTable]:
    """Read a WIOD 2016 table in the R wide layout, one :class:`RawTable` per ``Year``.

    Parameters
    ----------
    path : parquet or CSV file in the R wide layout.
    year : keep only this year.

    Returns
    -------
    list of RawTable (``format="wiod2016"``, ``edition="2016"``, ``unit="USD million"`` as the
    release documents it, dense blocks). ``inputs`` holds the
    ``Country == "TOT"`` rows (``II_fob ... VA, IntTTM, GO``) for every industry column and the
    ``TOT`` column as item ``TOT``; ``output_item="GO"``, ``va_item="VA"``.

    Raises
    ------
    InputError
        missing identifier columns, value columns not named ``<CTY><k>``, duplicate rows,
        non-numeric cells, no table for ``year``.

    Examples
    --------
    >>> from gvc.readers.wiod2016 import read_wiod2016
    >>> raw = read_wiod2016("tests/fixtures/wiod2016_slice/wiot2002_fra_usa_wide.parquet")[0]
    >>> raw.year, raw.countries, len(raw.sectors), raw.fd_categories[0]
    (2002, ['FRA', 'USA'], 56, 'CONS_h')
    """
    p = Path(path)
    is_parquet = p.suffix.lower() == ".parquet"
    cols = list(parquet_schema(p).names) if is_parquet else csv_header(p)
    missing = [c for c in ID_COLUMNS if c not in cols]
    if missing:
        raise InputError(f"{p}: not a WIOD 2016 wide table: missing column(s) {', '.join(missing)}")
    if is_parquet:
        table = read_parquet(p)
    else:
        table = read_csv(
            p,
            column_types={
                "IndustryCode": pa.string(),
                "IndustryDescription": pa.string(),
                "Country": pa.string(),
            },
        )
    years = sorted(int(v) for v in pc.unique(table.column("Year")).to_pylist() if v is not None)
    if year is not None:
        if int(year) not in years:
            raise InputError(f"{p}: no table for year {year} (years found: {years})")
        years = [int(year)]
    out = []
    for y in years:
        t = table.filter(pc.equal(table.column("Year"), y)) if len(years) > 1 or year else table
        out.append(_one_year(p, t, y, cols))
    return out


def _one_year(p: Path, t: pa.Table, y: int, cols: list[str]) -> RawTable:
    code = np.asarray(t.column("IndustryCode").to_pylist(), dtype=object).astype(str)
    cty = np.asarray(t.column("Country").to_pylist(), dtype=object).astype(str)
    rnr = np.asarray(t.column("RNr").to_pylist(), dtype=object)
    body = cty != BOTTOM_COUNTRY
    if not body.any():
        raise InputError(f"{p}: year {y}: no industry rows (every Country is TOT)")
    rb = np.flatnonzero(body)
    try:
        rnr_b = rnr[rb].astype(np.int64)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{p}: year {y}: column RNr is not an integer on every industry row"
        ) from exc
    keys = pd.Series(cty[rb]).str.cat(pd.Series(rnr_b).astype(str), sep="/")
    dup = keys.duplicated().to_numpy()
    if dup.any():
        k = rb[int(np.flatnonzero(dup)[0])]
        raise InputError(
            f"{p}: year {y}: duplicate row Country={cty[k]}, RNr={rnr[k]} (IndustryCode={code[k]})"
        )

    # industry column number k <-> industry code, through the RNr of the industry rows
    pairs = pd.DataFrame({"rnr": rnr_b, "code": code[rb]}).drop_duplicates()
    notes: list[str] = []
    if pairs["rnr"].duplicated().any() or pairs["code"].duplicated().any():
        # e.g. the WIODnet copy relabels manufacturing rows "Low Tech", "High Tech", ...
        shared = pairs[pairs["code"].duplicated(keep=False)]
        example = shared["code"].iloc[0] if len(shared) else pairs["code"].iloc[0]
        unknown = sorted(set(pairs["rnr"]) - set(range(1, len(WIOD2016_INDUSTRIES) + 1)))
        if unknown:
            raise InputError(
                f"{p}: year {y}: IndustryCode is ambiguous and RNr {unknown[0]} "
                "is not a WIOD 2016 industry number"
            )
        sector_of = {k: WIOD2016_INDUSTRIES[k - 1] for k in sorted(set(pairs["rnr"]))}
        notes.append(
            f"IndustryCode does not identify industries (e.g. {example!r} on several rows): "
            "used the official WIOD 2016 code of each RNr"
        )
    else:
        sector_of = dict(zip(pairs["rnr"].astype(int), pairs["code"].astype(str), strict=True))
    sectors = [sector_of[k] for k in sorted(sector_of) if k <= N_INDUSTRY_COLUMNS]
    sec_b = np.asarray([sector_of[int(k)] for k in rnr_b], dtype=object)

    id_set = set(ID_COLUMNS) | {"IndustryDescription"}
    z_pos, z_cty, z_sec, f_pos, f_cty, f_item, tot_pos = [], [], [], [], [], [], None
    for j, name in enumerate(t.column_names):
        if name in id_set:
            continue
        if name == TOTAL_COLUMN:
            tot_pos = j
            continue
        m = _VALUE_COL.match(name)
        if m is None:
            raise InputError(f"{p}: column {name!r} is not <CTY><1..61> nor {TOTAL_COLUMN}")
        c, k = m.group(1), int(m.group(2))
        if 1 <= k <= N_INDUSTRY_COLUMNS:
            if k not in sector_of:
                raise InputError(f"{p}: column {name!r}: no industry row with RNr {k}")
            z_pos.append(j)
            z_cty.append(c)
            z_sec.append(sector_of[k])
        elif N_INDUSTRY_COLUMNS < k <= N_INDUSTRY_COLUMNS + len(FD_CODES):
            f_pos.append(j)
            f_cty.append(c)
            f_item.append(FD_CODES[k - N_INDUSTRY_COLUMNS - 1])
        else:
            raise InputError(f"{p}: column {name!r}: column number {k} is not in 1..61")

    countries = [str(c) for c in pd.unique(cty[rb])]
    countries += [
        str(c) for c in pd.unique(np.asarray(z_cty + f_cty, dtype=object)) if c not in countries
    ]
    fd_categories = [f for f in FD_CODES if f in set(f_item)]
    row_labels = np.array([f"{a}_{b}" for a, b in zip(cty, code, strict=True)], dtype=object)
    zv = numeric_block(t, z_pos, row_labels, p)
    fv = numeric_block(t, f_pos, row_labels, p)
    z_cty_a, z_sec_a = np.asarray(z_cty, dtype=object), np.asarray(z_sec, dtype=object)
    # dense blocks over the country x industry grid (a slice leaves the rest zero)
    G, N, F = len(countries), len(sectors), len(fd_categories)
    ci = {c: i for i, c in enumerate(countries)}
    si = {k: i for i, k in enumerate(sectors)}
    fi = {f: i for i, f in enumerate(fd_categories)}
    rows = np.array([ci[c] * N + si[k] for c, k in zip(cty[rb], sec_b, strict=True)], dtype=int)
    zcols = np.array([ci[c] * N + si[k] for c, k in zip(z_cty, z_sec, strict=True)], dtype=int)
    fcols = np.array([ci[c] * F + fi[f] for c, f in zip(f_cty, f_item, strict=True)], dtype=int)
    Z = np.zeros((G * N, G * N))
    Y = np.zeros((G * N, G * F))
    Z[np.ix_(rows, zcols)] = zv[rb]
    if fcols.size:
        Y[np.ix_(rows, fcols)] = fv[rb]

    ib = np.flatnonzero(~body)
    inputs = pd.DataFrame(
        {
            "country": np.tile(z_cty_a, len(ib)),
            "sector": np.tile(z_sec_a, len(ib)),
            "item": np.repeat(code[ib], len(z_pos)),
            "value": zv[ib].reshape(-1),
        }
    )
    if tot_pos is not None:
        tot = numeric_block(t, [tot_pos], row_labels, p)[rb, 0]
        inputs = pd.concat(
            [
                inputs,
                pd.DataFrame(
                    {"country": cty[rb], "sector": sec_b, "item": TOTAL_COLUMN, "value": tot}
                ),
            ],
            ignore_index=True,
        )
    row_c, col_c = set(cty[rb]), set(z_cty)
    if row_c != col_c:
        notes.append(
            "rows and columns cover different countries: "
            f"rows {sorted(row_c)}, columns {sorted(col_c)}"
        )
    items = set(code[ib].tolist())
    log.debug("read WIOD 2016 %s year %d", p, y)
    return RawTable(
        cells=None,
        dense=DenseBlocks(Z, Y),
        inputs=inputs,
        countries=countries,
        sectors=sectors,
        fd_categories=fd_categories,
        year=int(y),
        source=str(p),
        format="wiod2016",
        edition="2016",
        unit=UNIT,
        output_item="GO" if "GO" in items else None,
        va_item="VA" if "VA" in items else None,
        notes=notes,
    )
