"""Reader for GLORIA (the Global Resource Input-Output Assessment MRIO), one year.

Layout, as pymrio's ``parse_gloria_sut``/``parse_gloria`` and its mock release read it:

- a release folder with ``GLORIA_MRIOs_<rel>_<year>.zip`` (or the folder it unpacks to), the
  satellite accounts (not read) and ``GLORIA_ReadMe_<rel>.xlsx``, whose sheets hold every label:
  ``Regions`` (``Region_acronyms``), ``Sectors`` (``Sector_names``), ``Value added and final
  demand`` (``Value_added_names``, ``Final_demand_names``);
- in the MRIOs archive ``<date>_120secMother_AllCountries_002_{T,Y,V}-Results_<year>_<rel>_
  Markup001(full).csv``: comma separated, no labels; ``Markup001`` is basic prices (the other
  four price layers are not read);
- T is a supply-use table: rows and columns are region x {120 industries, 120 products}
  (industries first within each region); supply ``S`` sits in the industry-row x product-column
  blocks, use ``U`` in the product-row x industry-column blocks. Y has the product rows x region
  x final-demand category; V the value-added items (rows region x item) under industry columns;
- 164 regions (some empty in some years: kept, with zero output) x 120 sectors; thousand USD.

**Industry-by-industry conversion.** gvc's tables are industry by industry, so the reader
converts under the *fixed product sales structure* assumption (Eurostat Manual of Supply, Use
and Input-Output Tables, 2008, section 11.4, model D): with ``q = U 1 + Y 1`` (product output)
and the market-share matrix ``D = S q-hat^-1``, ``Z = D U`` and ``Y = D Y``. GLORIA's supply is
diagonal (industry i makes only product i of its region), so ``D`` is diagonal with
``d_i = g_i / q_i`` (``g = S 1`` industry output; ``d_i = 1`` where they agree) and the four
standard constructions coincide (pymrio ``parse_gloria``). The assumption and what the data
showed (supply diagonal or not, largest ``|g - q|``) are in the reader's notes, which ingest
records in ``tables.harmonisation``. A non-diagonal supply table is converted with the same
formula (sparse ``D``).

Unit: thousand US dollars (GLORIA documentation, as pymrio records it); ingest scales to USD
million.
"""

from __future__ import annotations

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
ASSUMPTION = "fixed product sales structure (Eurostat 2008 Manual, model D)"
_MRIO = re.compile(r"GLORIA_MRIOs_(\d+[a-z]?)_((?:19|20)\d\d)(\.zip)?", flags=re.IGNORECASE)


def read_gloria(path: str | Path, year: int | None = None) -> list[RawTable]:
    """Read one GLORIA year (basic prices) and convert it to an industry-by-industry table.

    Parameters
    ----------
    path : the release folder (holding ``GLORIA_MRIOs_<rel>_<year>.zip`` or its folder and
        ``GLORIA_ReadMe_<rel>.xlsx``), or the MRIOs archive/folder itself (the ReadMe is then
        looked for next to it).
    year : which year, when the release folder holds several.

    Returns
    -------
    list with one RawTable (``format="gloria"``, ``edition`` the release, e.g. ``"059"``,
    ``unit="USD thousand"``, dense blocks after the conversion). ``inputs`` holds the
    value-added items (the V rows summed over their region label, per industry column) and
    ``industry_output`` (``g = S 1``).

    Raises
    ------
    InputError
        no MRIOs archive or ReadMe, labels that do not match the matrix sizes, truncated or
        non-numeric files, a T file with flows outside the supply and use blocks.

    Examples
    --------
    >>> from gvc.readers.gloria import read_gloria
    >>> raw = read_gloria("tests/fixtures/gloria/GLORIA_release_59")[0]
    >>> raw.year, raw.countries, raw.unit, raw.edition
    (2019, ['AUS', 'DYE', 'USA'], 'USD thousand', '059')
    """
    p = Path(path)
    if _MRIO.fullmatch(p.name):
        mrios = {int(_MRIO.fullmatch(p.name).group(2)): p}  # type: ignore[union-attr]
        folder = p.parent
    elif p.is_dir():
        folder = p
        mrios = {}
        for f in sorted(p.iterdir()):
            if (m := _MRIO.fullmatch(f.name)) and (f.is_dir() or m.group(3)):
                mrios.setdefault(int(m.group(2)), f)
        if not mrios:
            raise InputError(f"{p}: no GLORIA_MRIOs_<release>_<year>.zip or folder here")
    else:
        raise InputError(f"{p}: not a GLORIA release folder nor a GLORIA_MRIOs archive")
    if year is None:
        if len(mrios) > 1:
            raise InputError(f"{p}: holds GLORIA years {sorted(mrios)}; pass --year")
        y = next(iter(mrios))
    elif int(year) in mrios:
        y = int(year)
    else:
        raise InputError(f"{p}: no GLORIA table for year {year} (years found: {sorted(mrios)})")
    mrio = mrios[y]
    rel = _MRIO.fullmatch(mrio.name).group(1)  # type: ignore[union-attr]
    countries, sectors, va_names, fd_names = _readme(folder, rel)
    G, N, F = len(countries), len(sectors), len(fd_names)
    n = G * N
    box = Container(mrio)
    rel3 = rel.zfill(3) if rel.isdigit() else rel

    def result(kind: str) -> Source:
        return box.find(
            rf".*_{kind}-Results_{y}_0*{re.escape(rel.lstrip('0'))}_Markup001\(full\)\.csv",
            required=f"*_{kind}-Results_{y}_{rel3}_Markup001(full).csv",
        )  # type: ignore[return-value]

    notes: list[str] = []
    within = np.arange(2 * n) % (2 * N)
    ind_cols = np.flatnonzero(within < N)  # node order: region-major, industry k
    prod_cols = np.flatnonzero(within >= N)
    U = np.zeros((n, n))
    s_rows: list[np.ndarray] = []
    s_cols: list[np.ndarray] = []
    s_vals: list[np.ndarray] = []
    stray = {"industry rows x industry columns": 0, "product rows x product columns": 0}

    def place_t(first: int, _labels: list[np.ndarray], values: np.ndarray) -> None:
        rows = np.arange(first, first + values.shape[0])
        node = (rows // (2 * N)) * N + rows % N
        is_ind = (rows % (2 * N)) < N
        if (~is_ind).any():
            vp = values[~is_ind]
            U[node[~is_ind]] = vp[:, ind_cols]
            stray["product rows x product columns"] += int(np.count_nonzero(vp[:, prod_cols]))
        if is_ind.any():
            vi = values[is_ind]
            sup = vi[:, prod_cols]
            r, c = np.nonzero(sup)
            s_rows.append(node[is_ind][r])
            s_cols.append(c)
            s_vals.append(sup[r, c])
            stray["industry rows x industry columns"] += int(np.count_nonzero(vi[:, ind_cols]))

    stream_matrix(
        result("T"),
        delimiter=",",
        skip_rows=0,
        n_label_cols=0,
        n_value_cols=2 * n,
        place=place_t,
        expect_rows=2 * n,
        what=f"GLORIA T ({G} regions x 2 x {N} sectors in the ReadMe)",
    )
    bad = {k: v for k, v in stray.items() if v}
    if bad:
        raise InputError(
            f"{result('T').name}: {', '.join(f'{v} non-zero cells in {k}' for k, v in bad.items())}"
            ": not a supply-use table in GLORIA's layout (wrong ReadMe or release?)"
        )

    Yp = np.zeros((n, G * F))
    y_stray = 0

    def place_y(first: int, _labels: list[np.ndarray], values: np.ndarray) -> None:
        nonlocal y_stray
        rows = np.arange(first, first + values.shape[0])
        node = (rows // (2 * N)) * N + rows % N
        is_ind = (rows % (2 * N)) < N
        Yp[node[~is_ind]] = values[~is_ind]
        y_stray += int(np.count_nonzero(values[is_ind]))

    stream_matrix(
        result("Y"),
        delimiter=",",
        skip_rows=0,
        n_label_cols=0,
        n_value_cols=G * F,
        place=place_y,
        expect_rows=2 * n,
        what=f"GLORIA Y ({2 * n} rows, {G} regions x {F} final-demand categories)",
    )
    if y_stray:
        notes.append(f"{y_stray} non-zero final-demand cells on industry rows not kept")

    n_va = len(va_names)
    va = np.zeros((n_va, n))
    va_off = 0

    def place_v(first: int, _labels: list[np.ndarray], values: np.ndarray) -> None:
        nonlocal va_off
        rows = np.arange(first, first + values.shape[0])
        vi = values[:, ind_cols]
        np.add.at(va, rows % n_va, vi)
        own = (np.arange(n)[None, :] // N) == (rows // n_va)[:, None]
        va_off += int(np.count_nonzero(vi[~own]))

    stream_matrix(
        result("V"),
        delimiter=",",
        skip_rows=0,
        n_label_cols=0,
        n_value_cols=2 * n,
        place=place_v,
        expect_rows=G * n_va,
        what=f"GLORIA V ({G} regions x {n_va} value-added items)",
    )
    if va_off:
        notes.append(f"{va_off} value-added cells whose row region is not the column's region")

    # supply-use -> industry by industry (fixed product sales structure)
    q = U.sum(axis=1) + Yp.sum(axis=1)
    sr = np.concatenate(s_rows) if s_rows else np.zeros(0, dtype=np.int64)
    sc = np.concatenate(s_cols) if s_cols else np.zeros(0, dtype=np.int64)
    sv = np.concatenate(s_vals) if s_vals else np.zeros(0)
    g = np.bincount(sr, weights=sv, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(q[sc] != 0, sv / q[sc], 0.0)
    if np.array_equal(sr, sc):
        d = np.zeros(n)
        d[sr] = share
        U *= d[:, None]
        Z = U
        Y = Yp * d[:, None]
        shape = "diagonal"
    else:
        import scipy.sparse as sp

        D = sp.csr_matrix((share, (sr, sc)), shape=(n, n))
        Z = np.asarray(D @ U)
        del U
        Y = np.asarray(D @ Yp)
        shape = f"not diagonal ({int(np.count_nonzero(sr != sc))} off-diagonal cells)"
    gap = np.abs(g - q)
    k = int(np.argmax(gap)) if n else 0
    notes.append(
        f"supply-use table converted to industry by industry under the {ASSUMPTION}: "
        f"Z = D U, Y = D Y, D = S q-hat^-1; supply {shape}; largest |g - q| (industry vs "
        f"product output) {gap[k] if n else 0:.6g} at {countries[k // N]}/{sectors[k % N]}"
    )
    empty = [countries[r] for r in range(G) if not g[r * N : (r + 1) * N].any()]
    if empty:
        notes.append(f"empty regions kept (zero output): {', '.join(empty)}")

    items = {name: va[k] for k, name in enumerate(va_names)}
    items["industry_output"] = g
    inputs = node_items(countries, sectors, items)
    log.debug("read GLORIA %s year %d release %s", mrio, y, rel)
    return [
        RawTable(
            None,
            inputs,
            countries,
            sectors,
            fd_names,
            y,
            str(mrio),
            "gloria",
            edition=rel3,
            unit=UNIT,
            notes=notes,
            dense=DenseBlocks(Z, Y),
        )
    ]


def _readme(folder: Path, rel: str) -> tuple[list[str], list[str], list[str], list[str]]:
    cands = sorted(folder.glob("GLORIA_ReadMe_*.xlsx"))
    want = [
        f
        for f in cands
        if re.fullmatch(
            rf"GLORIA_ReadMe_0*{re.escape(rel.lstrip('0'))}"
            r"\.xlsx",
            f.name,
            flags=re.IGNORECASE,
        )
    ]
    pick = want or cands
    if len(pick) != 1:
        raise InputError(
            f"{folder}: need the labels workbook GLORIA_ReadMe_{rel}.xlsx next to the MRIOs "
            f"archive (found {[f.name for f in cands]})"
        )
    f = pick[0]
    try:
        sheets = pd.read_excel(
            f,
            sheet_name=["Regions", "Sectors", "Value added and final demand"],
            engine="openpyxl",
        )
    except (ValueError, KeyError, OSError) as exc:
        raise InputError(f"{f}: not a GLORIA ReadMe workbook ({str(exc).splitlines()[0]})") from exc

    def column(sheet: str, col: str) -> list[str]:
        df = sheets[sheet]
        if col not in df.columns:
            raise InputError(f"{f}: sheet {sheet!r} has no column {col!r}")
        return [str(v).strip() for v in df[col].dropna()]

    return (
        column("Regions", "Region_acronyms"),
        column("Sectors", "Sector_names"),
        column("Value added and final demand", "Value_added_names"),
        column("Value added and final demand", "Final_demand_names"),
    )
