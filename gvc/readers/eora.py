"""Reader for Eora26 (the 26-sector Eora MRIO), one year: a folder or a zip archive.

Layout, as pymrio's ``parse_eora26``, MARIO's ``parse_eora26`` and their mock files read it:

- ``Eora26_<year>_<price>_T.txt`` (intermediate block), ``_FD.txt`` (final demand, the rows of
  T by the columns of ``labels_FD``), ``_VA.txt`` (primary inputs by the columns of T), plus
  the satellite files ``_Q.txt``/``_QY.txt`` (not read); tab separated, no header, numbers in
  exponent form; ``<price>`` is ``bp`` (basic prices) or ``pp`` (purchasers' prices);
- ``labels_T.txt`` / ``labels_FD.txt`` (country name, country code, entity, sector or
  category) and ``labels_VA.txt`` (entity, primary input), tab separated, no header. Some
  archives lack ``labels_FD.txt`` / ``labels_VA.txt`` (the 2016 one lacks ``labels_VA``):
  the labels are in the separately downloaded ``indices.zip``, looked for next to the archive
  or folder and one level up (pymrio PR #119);
- 189 countries x 26 sectors (the 26th "Re-export & Re-import"; Eora's own spellings kept) and
  six final-demand categories per country, then one last entity coded ``ROW`` with a single
  row and column ``TOTAL`` and its own final-demand columns: the **statistical-discrepancy
  node**, not a country.

Unit: thousand US dollars at current prices (Eora FAQ, as pymrio and MARIO record it): the
files do not state it, so the reader sets ``USD thousand`` and ingest scales to USD million.

The discrepancy node is kept out of the country x sector grid, as pymrio does (MARIO instead
books its row as a value-added item and its column as a final-demand category "Export to
ROW"). Nothing of it is lost: its column (what each node sells to it), its row (what each
node buys from it) and its final-demand columns are ``inputs`` items ``discrepancy_sales``,
``discrepancy_purchases`` and ``discrepancy_fd:<category>``, and the reader's notes give their
totals. Output is then ``x = Z 1 + Y 1`` over the grid and value added the residual
``x - 1'Z``; the six primary-input rows of ``_VA.txt`` stay as ``inputs`` items for
reference.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.readers._dense import Source, stream_matrix
from gvc.readers._files import Container
from gvc.readers.raw import DenseBlocks, RawTable, node_items

log = logging.getLogger(__name__)

UNIT = "USD thousand"
DISCREPANCY_CODE = "ROW"
_DATA = re.compile(r"Eora26_((?:19|20)\d\d)_([A-Za-z]+)_(T|FD|VA)\.txt", flags=re.IGNORECASE)


def read_eora26(path: str | Path, year: int | None = None) -> list[RawTable]:
    """Read one Eora26 year from its folder, its zip archive or its ``_T.txt`` file.

    Parameters
    ----------
    path : ``Eora26_2015_bp.zip``, the folder it unpacks to, or ``.../Eora26_2015_bp_T.txt``.
    year : which year, when the folder holds several (and a check otherwise).

    Returns
    -------
    list with one RawTable (``format="eora26"``, ``unit="USD thousand"``, dense blocks),
    basic prices when both ``bp`` and ``pp`` files are there.

    Raises
    ------
    InputError
        no Eora26 files, a missing label file (also not in ``indices.zip``), labels that do not
        form a country x sector grid, a matrix whose size does not match its labels, truncated
        or non-numeric files. One line naming the file and place.

    Examples
    --------
    >>> from gvc.readers.eora import read_eora26
    >>> raw = read_eora26("tests/fixtures/eora26/Eora26_2015_bp")[0]
    >>> raw.year, raw.countries, len(raw.sectors), raw.unit
    (2015, ['AUT', 'CHN', 'USA'], 3, 'USD thousand')
    """
    p = Path(path)
    if p.is_file() and _DATA.fullmatch(p.name):
        p = p.parent
    box = Container(p)
    found = [(m, n) for n in box.basenames() if (m := _DATA.fullmatch(n))]
    if not found:
        raise InputError(f"{p}: no Eora26_<year>_<price>_T.txt file in this {box.kind}")
    years = sorted({int(m.group(1)) for m, _ in found})
    if year is None:
        if len(years) > 1:
            raise InputError(f"{p}: holds Eora26 years {years}; pass --year")
        y = years[0]
    elif int(year) in years:
        y = int(year)
    else:
        raise InputError(f"{p}: no Eora26 table for year {year} (years found: {years})")
    prices = sorted({m.group(2).lower() for m, _ in found if int(m.group(1)) == y})
    price = "bp" if "bp" in prices else prices[0]

    def data(kind: str) -> Source:
        return box.find(
            rf"Eora26_{y}_{price}_{kind}\.txt", required=f"Eora26_{y}_{price}_{kind}.txt"
        )  # type: ignore[return-value]

    notes: list[str] = [f"prices: {price} ({'basic' if price == 'bp' else 'purchasers'})"]
    lab_t = _labels(box, p, "labels_T.txt", notes)
    lab_fd = _labels(box, p, "labels_FD.txt", notes)
    lab_va = _labels(box, p, "labels_VA.txt", notes)
    grid = _grid(lab_t, "labels_T.txt", p)
    countries, sectors, disc = grid
    fd_grid = _fd_grid(lab_fd, countries, p)
    fd_categories, fd_cols, fd_target, disc_fd = fd_grid
    G, N, F = len(countries), len(sectors), len(fd_categories)
    n, n_t = G * N, len(lab_t)
    grid_rows = np.array([k for k in range(n_t) if k != disc], dtype=np.int64)
    # node order = file order of the grid rows (country-major, as Eora publishes)
    node_of_row = np.full(n_t, -1, dtype=np.int64)
    node_of_row[grid_rows] = np.arange(n)

    Z = np.zeros((n, n))
    disc_sales = np.zeros(n)
    disc_purchases = np.zeros(n)
    disc_self = 0.0

    def place_t(first: int, _labels: list[np.ndarray], values: np.ndarray) -> None:
        nonlocal disc_self
        rows = np.arange(first, first + values.shape[0])
        node = node_of_row[rows]
        body = node >= 0
        Z[node[body]] = values[body][:, grid_rows]
        if disc is not None:
            disc_sales[node[body]] = values[body, disc]
            if (~body).any():
                disc_purchases[:] = values[~body][0, grid_rows]
                disc_self = float(values[~body][0, disc])

    stream_matrix(
        data("T"),
        delimiter="\t",
        skip_rows=0,
        n_label_cols=0,
        n_value_cols=n_t,
        place=place_t,
        expect_rows=n_t,
        what=f"Eora26 T ({n_t} rows and columns in labels_T.txt)",
    )

    Y = np.zeros((n, G * F))
    disc_fd_cols = np.zeros((n, len(disc_fd)))
    disc_fd_row_total = 0.0

    def place_fd(first: int, _labels: list[np.ndarray], values: np.ndarray) -> None:
        nonlocal disc_fd_row_total
        rows = np.arange(first, first + values.shape[0])
        node = node_of_row[rows]
        body = node >= 0
        Y[np.ix_(node[body], fd_target)] = values[body][:, fd_cols]
        if disc_fd:
            disc_fd_cols[node[body]] = values[body][:, [c for c, _ in disc_fd]]
        disc_fd_row_total += float(values[~body].sum())

    stream_matrix(
        data("FD"),
        delimiter="\t",
        skip_rows=0,
        n_label_cols=0,
        n_value_cols=len(lab_fd),
        place=place_fd,
        expect_rows=n_t,
        what=f"Eora26 FD ({n_t} rows as labels_T.txt, {len(lab_fd)} columns as labels_FD.txt)",
    )

    va_names = [row[1] if len(row) > 1 else row[0] for row in lab_va]
    VA = np.zeros((len(lab_va), n_t))

    def place_va(first: int, _labels: list[np.ndarray], values: np.ndarray) -> None:
        VA[first : first + values.shape[0]] = values

    stream_matrix(
        data("VA"),
        delimiter="\t",
        skip_rows=0,
        n_label_cols=0,
        n_value_cols=n_t,
        place=place_va,
        expect_rows=len(lab_va),
        what=f"Eora26 VA ({len(lab_va)} rows as labels_VA.txt)",
    )

    items = {name: VA[k, grid_rows] for k, name in enumerate(va_names)}
    if disc is not None:
        items["discrepancy_sales"] = disc_sales
        items["discrepancy_purchases"] = disc_purchases
        for k, (_, cat) in enumerate(disc_fd):
            items[f"discrepancy_fd:{cat}"] = disc_fd_cols[:, k]
        notes.append(
            "statistical-discrepancy node "
            f"{lab_t[disc][1]}/{lab_t[disc][3] if len(lab_t[disc]) > 3 else ''} kept out of the "
            "country x sector grid (as pymrio): it buys "
            f"{disc_sales.sum():.6g} from the grid's industries and {disc_fd_cols.sum():.6g} "
            f"through its final-demand columns, sells {disc_purchases.sum():.6g} to them and "
            f"{disc_fd_row_total:.6g} to final demand, {disc_self:.6g} to itself, and has "
            f"{VA[:, disc].sum():.6g} of primary inputs (USD thousand); kept as inputs items "
            "discrepancy_*; output is Z 1 + Y 1 without them"
        )
    inputs = node_items(countries, sectors, items)
    log.debug("read Eora26 %s year %d (%s)", p, y, price)
    return [
        RawTable(
            None,
            inputs,
            countries,
            sectors,
            fd_categories,
            y,
            str(p),
            "eora26",
            edition=None if price == "bp" else price,
            unit=UNIT,
            notes=notes,
            dense=DenseBlocks(Z, Y),
        )
    ]


def _labels(box: Container, p: Path, name: str, notes: list[str]) -> list[list[str]]:
    """Rows of a label file, from the archive/folder or else from ``indices.zip`` nearby."""
    src = box.find(re.escape(name))
    if src is None:
        for place in (p.parent, p.parent.parent, p if p.is_dir() else p.parent):
            idx = place / "indices.zip"
            if idx.is_file():
                src = Container(idx).find(re.escape(name))
                if src is not None:
                    notes.append(f"{name} taken from {idx} (the archive lacks it)")
                    break
    if src is None:
        raise InputError(
            f"{p}: {name} is missing and no indices.zip next to it holds it; download "
            "Eora26's indices.zip into the same folder"
        )
    with src.open_binary() as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")
        rows = [[f.strip() for f in row] for row in csv.reader(text, delimiter="\t")]
    rows = [r[: max((k + 1 for k, f in enumerate(r) if f), default=0)] for r in rows]
    rows = [r for r in rows if r]
    if not rows:
        raise InputError(f"{src.name}: empty label file")
    return rows


def _grid(lab: list[list[str]], name: str, p: Path) -> tuple[list[str], list[str], int | None]:
    """Countries (codes), sectors and the row index of the discrepancy node."""
    for k, row in enumerate(lab):
        if len(row) < 4:
            raise InputError(
                f"{p}/{name}: line {k + 1}: expected 4 fields (name, code, entity, "
                f"sector), found {len(row)}"
            )
    codes = [r[1] for r in lab]
    by_country: dict[str, list[int]] = {}
    for k, c in enumerate(codes):
        by_country.setdefault(c, []).append(k)
    first = next(iter(by_country))
    sectors = [lab[k][3] for k in by_country[first]]
    countries, disc = [], None
    for c, rows in by_country.items():
        secs = [lab[k][3] for k in rows]
        if secs == sectors:
            countries.append(c)
        elif c == DISCREPANCY_CODE and len(rows) == 1 and disc is None:
            disc = rows[0]
        else:
            raise InputError(
                f"{p}/{name}: line {rows[0] + 1}: country {c} has sectors {secs[:3]}..., not "
                f"the {len(sectors)} of {first} (wrong edition or not Eora26?)"
            )
    expect = [k for k in range(len(lab)) if k != disc]
    if [k for c in countries for k in by_country[c]] != expect:
        raise InputError(f"{p}/{name}: the rows of a country are not contiguous")
    return countries, sectors, disc


def _fd_grid(lab: list[list[str]], countries: list[str], p: Path):
    """Categories, the FD columns of grid countries with their targets, and the ROW ones."""
    for k, row in enumerate(lab):
        if len(row) < 4:
            raise InputError(
                f"{p}/labels_FD.txt: line {k + 1}: expected 4 fields, found {len(row)}"
            )
    ci = {c: i for i, c in enumerate(countries)}
    cats = [str(c) for c in pd.unique(np.asarray([r[3] for r in lab], dtype=object))]
    fi = {c: i for i, c in enumerate(cats)}
    F = len(cats)
    cols, target, disc = [], [], []
    for k, r in enumerate(lab):
        if r[1] in ci:
            cols.append(k)
            target.append(ci[r[1]] * F + fi[r[3]])
        elif r[1] == DISCREPANCY_CODE:
            disc.append((k, r[3]))
        else:
            raise InputError(
                f"{p}/labels_FD.txt: line {k + 1}: country {r[1]!r} is not in labels_T.txt"
            )
    return cats, np.asarray(cols, dtype=np.int64), np.asarray(target, dtype=np.int64), disc
