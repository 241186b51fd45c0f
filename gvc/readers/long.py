"""Reader for IO tables stored long: one row per non-zero cell.

The layout of the data shipped in ``datasets/`` and ``/work/shared/data``::

    year, row_country, row_sector, col_country, col_item, value

``col_item`` is a sector code (intermediate use by that sector of ``col_country``) or a
final-demand category of ``col_country``. The input is a single parquet or CSV file, or a
directory holding

- cell files (any ``*.parquet`` / ``*.csv`` with the columns above, e.g. ``wiot_<year>.parquet``);
- optionally ``output.parquet`` with ``year, country, sector, output`` (read as inputs item
  ``output``; the WIOD 2013 copy);
- optionally ``inputs_<year>.parquet`` with ``year, country, sector, item, value`` (rows below
  the intermediate block, e.g. ``II_total, VA, TLS, ..., GO`` in the LR-WIOD copy; ``GO`` is the
  output);
- optionally ``sectors.parquet``: the sector codes (first column, or ``code``) in table order;
- optionally ``unit.txt``: one line, the unit of every value (e.g. ``USD million``).

The unit: a ``unit`` column of the cell files (one value a year) or ``unit.txt``; when the
table states neither, ``RawTable.unit`` is None and ingest asks for it (``--unit``). The
values are never scaled here (see :mod:`gvc.units`).

Sectors are taken from ``sectors.parquet`` if present, else from the order of first appearance
in the output / inputs file, else from the order of first appearance of ``row_sector`` in the
cells. Final-demand categories are the other ``col_item`` values, in order of first appearance.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gvc.errors import InputError
from gvc.readers._io import (
    LONG_COLUMNS,
    check_numeric_column,
    csv_header,
    parquet_schema,
    read_csv,
    read_parquet,
    separator_hint,
    year_from_name,
)
from gvc.readers.raw import DenseBlocks, RawTable

log = logging.getLogger(__name__)

OUTPUT_COLUMNS = ("country", "sector", "output")
INPUT_COLUMNS = ("country", "sector", "item", "value")
#: inputs items that hold gross output / value added, in order of preference
OUTPUT_ITEMS = ("GO", "output", "OUT", "OUTPUT", "X")
VA_ITEMS = ("VA", "VALU")
UNIT_FILE = "unit.txt"
#: final-demand codes in the order WIOD (2013, 2016) and OECD ICIO publish them
KNOWN_FD_ORDERS = (
    ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"),
    ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"),
)


def _columns(path: Path) -> list[str]:
    if path.suffix.lower() == ".parquet":
        return list(parquet_schema(path).names)
    return csv_header(path)


def _read_any(
    path: Path,
    string_cols: tuple[str, ...] = (),
    numbers: tuple[str, ...] = (),
    gaps_ok: bool = False,
) -> pa.Table:
    """Read a parquet/CSV file; ``numbers`` columns must hold numbers (``year`` whole ones):
    a text value, a decimal comma or an empty cell is named by its line or row. With
    ``gaps_ok`` empty value cells pass (output and inputs files: a node without a value is
    reported by validation, by its label)."""
    if path.suffix.lower() == ".parquet":
        t = read_parquet(path)
    else:
        t = read_csv(path, column_types={c: pa.string() for c in string_cols})
    for c in numbers:
        check_numeric_column(path, t, c, integer=c == "year", nulls_ok=gaps_ok and c != "year")
    return t


def _first_appearance(values) -> list[str]:
    """Distinct values in order of first appearance (hash based, no loop over cells)."""
    # pd.unique on a categorical keeps order of appearance; only the distinct values are cast
    return [str(v) for v in pd.unique(pd.Series(values))]


def _is_long(cols: list[str]) -> bool:
    return set(LONG_COLUMNS) <= set(cols)


def read_long(path: str | Path, year: int | None = None) -> list[RawTable]:
    """Read a long-format table (file or directory), one :class:`RawTable` per year.

    Parameters
    ----------
    path : a parquet/CSV file with columns ``year, row_country, row_sector, col_country,
        col_item, value`` or a directory of such files plus optional ``output.parquet``,
        ``inputs_<year>.parquet`` and ``sectors.parquet`` (see the module docstring).
    year : keep only this year (files whose name carries another year are not even opened).

    Returns
    -------
    list of RawTable, sorted by year.

    Raises
    ------
    InputError
        missing, empty or unreadable files, missing columns, no table for ``year``.

    Examples
    --------
    >>> from gvc.readers.long import read_long
    >>> raws = read_long("tests/reference/lrwiod2000")
    >>> raws[0].year, len(raws[0].countries), len(raws[0].sectors), raws[0].output_item
    (2000, 26, 23, 'GO')
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or directory")
    if p.is_dir():
        return _read_dir(p, year)
    cols = _columns(p)
    missing = [c for c in LONG_COLUMNS if c not in cols]
    if missing:
        raise InputError(
            f"{p}: not a long-format table: missing column(s) {', '.join(missing)}"
            + separator_hint(cols)
        )
    table = _read_any(p, string_cols=(*LONG_COLUMNS[:4], "unit"), numbers=("year", "value"))
    return _split_years(p, [(p, table)], year, inputs=None, sectors=None, notes=[], unit=None)


def _read_dir(d: Path, year: int | None) -> list[RawTable]:
    files = sorted(
        f for f in d.iterdir() if f.is_file() and f.suffix.lower() in (".parquet", ".csv")
    )
    cell_files: list[Path] = []
    output_file = sectors_file = None
    input_files: list[Path] = []
    if year is not None:
        # never open another year's file: a damaged one must not break this year's read
        other = sorted({y for f in files if (y := year_from_name(f.name)) not in (None, year)})
        files = [f for f in files if year_from_name(f.name) in (None, year)]
        if not any(year_from_name(f.name) == year for f in files) and other:
            raise InputError(f"{d}: no table for year {year} (years found: {other})")
    for f in files:
        cols = _columns(f)
        if _is_long(cols):
            cell_files.append(f)
        elif set(OUTPUT_COLUMNS) <= set(cols):
            output_file = f
        elif set(INPUT_COLUMNS) <= set(cols):
            input_files.append(f)
        elif f.stem == "sectors":
            sectors_file = f
    if not cell_files:
        raise InputError(
            f"{d}: no long-format cell file (columns {', '.join(LONG_COLUMNS)}) in this directory"
        )
    if year is not None:
        named = [(f, year_from_name(f.name)) for f in cell_files]
        cell_files = [f for f, y in named if y is None or y == year]
        input_files = [f for f in input_files if year_from_name(f.name) in (None, year)]
        if not cell_files:
            have = sorted({y for _, y in named if y is not None})
            raise InputError(f"{d}: no table for year {year} (years found: {have})")
    notes: list[str] = []
    unit = _unit_file(d / UNIT_FILE)
    sectors = None
    if sectors_file is not None:
        st = _read_any(sectors_file).to_pandas()
        if "order" in st.columns:
            st = st.sort_values("order", kind="stable")
        col = "code" if "code" in st.columns else st.columns[0]
        sectors = [str(s) for s in st[col]]
        notes.append(f"sector order from {sectors_file.name}")
    inputs = []
    if output_file is not None:
        o = _read_any(
            output_file,
            string_cols=("country", "sector"),
            numbers=("year", "output"),
            gaps_ok=True,
        ).to_pandas()
        o = o.rename(columns={"output": "value"})
        o["item"] = "output"
        inputs.append(o)
        notes.append(f"gross output from {output_file.name} (item 'output')")
    for f in input_files:
        inputs.append(
            _read_any(
                f,
                string_cols=("country", "sector", "item"),
                numbers=("year", "value"),
                gaps_ok=True,
            ).to_pandas()
        )
        notes.append(f"rows below the block from {f.name}")
    inp = pd.concat(inputs, ignore_index=True) if inputs else None
    tables = [
        (f, _read_any(f, string_cols=(*LONG_COLUMNS[:4], "unit"), numbers=("year", "value")))
        for f in cell_files
    ]
    return _split_years(d, tables, year, inputs=inp, sectors=sectors, notes=notes, unit=unit)


def _unit_file(f: Path) -> str | None:
    if not f.is_file():
        return None
    lines = [ln.strip() for ln in f.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    if len(lines) != 1:
        raise InputError(f"{f}: expected one line holding the unit (e.g. USD million)")
    from gvc.units import parse_unit

    parse_unit(lines[0], str(f))
    return lines[0]


def _column_unit(f: Path, t: pa.Table) -> str | None:
    if "unit" not in t.column_names:
        return None
    values = pc.unique(t.column("unit")).to_pylist()
    if len(values) != 1 or values[0] is None or not str(values[0]).strip():
        shown = [v for v in values if v is not None][:3]
        raise InputError(
            f"{f}: column unit must hold one unit for the whole year, found {shown}"
            + (" and empty cells" if None in values else "")
        )
    return str(values[0]).strip()


def _split_years(
    source: Path,
    tables: list[tuple[Path, pa.Table]],
    year: int | None,
    inputs: pd.DataFrame | None,
    sectors: list[str] | None,
    notes: list[str],
    unit: str | None,
) -> list[RawTable]:
    by_year: dict[int, list[pa.Table]] = {}
    origin: dict[int, Path] = {}
    units: dict[int, set[str]] = {}
    for f, t in tables:
        if "year" in t.column_names:
            years = pc.unique(t.column("year")).to_pylist()
            if any(y is None for y in years):
                raise InputError(f"{f}: column year has empty cells")
            for y in sorted(int(v) for v in years):
                if year is not None and y != year:
                    continue
                part = t.filter(pc.equal(t.column("year"), y)) if len(years) > 1 else t
                if (u := _column_unit(f, part)) is not None:
                    units.setdefault(y, set()).add(u)
                by_year.setdefault(y, []).append(part.select(list(LONG_COLUMNS)))
                origin.setdefault(y, f)
        else:
            named = year if year is not None else year_from_name(f.name)
            if named is None:
                raise InputError(f"{f}: no year column and no year in the file name; pass --year")
            if (u := _column_unit(f, t)) is not None:
                units.setdefault(int(named), set()).add(u)
            by_year.setdefault(int(named), []).append(t.select(list(LONG_COLUMNS)))
            origin.setdefault(int(named), f)
    if year is not None and year not in by_year:
        raise InputError(f"{source}: no table for year {year}")
    out = []
    for y in sorted(by_year):
        parts = by_year[y]
        cells = _to_cells(parts, origin[y])
        inp = _inputs_for_year(inputs, y)
        raw = _raw(source, cells, inp, sectors, y, list(notes))
        raw.unit = _year_unit(source, y, units.get(y, set()), unit)
        out.append(raw)
    return out


def _year_unit(source: Path, y: int, in_columns: set[str], in_file: str | None) -> str | None:
    """One unit for the year from the cell files' ``unit`` column and ``unit.txt``."""
    from gvc.units import parse_unit

    stated = {str(parse_unit(u, f"{source}: column unit")): u for u in in_columns}
    if in_file is not None:
        stated.setdefault(str(parse_unit(in_file, f"{source}/{UNIT_FILE}")), in_file)
    if len(stated) > 1:
        raise InputError(
            f"{source} ({y}): the cell files and {UNIT_FILE} state different units: "
            f"{sorted(stated)}"
        )
    return next(iter(stated.values()), None)


def _to_cells(parts: list[pa.Table], f: Path) -> pa.Table:
    """The cells of one year as one Arrow table: the four label columns dictionary-encoded
    over one dictionary each (no per-cell strings), ``value`` float64. No pandas copy: the
    dense arrays are filled from it batch by batch (:func:`dense_from_cells`)."""
    cols = {}
    for name in LONG_COLUMNS[:4]:
        chunks = [c for t in parts for c in t.column(name).chunks]
        types = {c.type for c in chunks}
        if (
            len(types) == 1
            and pa.types.is_dictionary(chunks[0].type)
            and pa.types.is_string(chunks[0].type.value_type)
        ):
            arr = pa.chunked_array(chunks, chunks[0].type).unify_dictionaries()
        else:
            arr = pa.chunked_array(
                [c.cast(pa.string()) for c in chunks], pa.string()
            ).dictionary_encode()
        if arr.null_count:
            raise InputError(f"{f}: column {name} has empty cells")
        cols[name] = arr
    value = pa.chunked_array(
        [c for t in parts for c in t.column("value").cast(pa.float64()).chunks], pa.float64()
    )
    return pa.table({**cols, "value": value})


def _dictionary(arr: pa.ChunkedArray) -> pa.Array:
    """The one dictionary of a unified dictionary-encoded column (empty for no chunks)."""
    return arr.chunks[0].dictionary if arr.num_chunks else pa.array([], pa.string())


def _appearance(arr: pa.ChunkedArray) -> list[str]:
    """Distinct labels of a dictionary column in order of first appearance (hash based on the
    integer indices; strings are touched once per label, not per cell)."""
    indices = pa.chunked_array([c.indices for c in arr.chunks], arr.type.index_type)
    first = pc.unique(indices)  # order of first appearance
    return [str(v) for v in _dictionary(arr).take(first).to_pylist()]


#: cells filled into the dense arrays at a time (bounded temporaries: ~8 int64 arrays of it)
BATCH_ROWS = 1 << 22


def dense_from_cells(
    cells: pa.Table,
    countries: list[str] | tuple[str, ...],
    sectors: list[str] | tuple[str, ...],
    fd_categories: list[str] | tuple[str, ...],
    source: str = "table",
) -> DenseBlocks:
    """Fill the dense ``Z`` (n x n) and ``Y`` (n x G F) from long cells, batch by batch.

    ``cells`` has dictionary-encoded ``row_country, row_sector, col_country, col_item`` (one
    dictionary per column) and float64 ``value``; ``col_item`` is a sector (intermediate use)
    or a final-demand category. Missing cells are zero. The same checks and messages as
    :meth:`gvc.table.IOTable.from_long`, without its per-cell frame or a sort of every index:
    labels are looked up once per distinct label, duplicates are found by a one-byte mark per
    cell (1/8 of a dense matrix) whose count must grow by the batch size.

    Peak memory: ``Z`` and ``Y`` themselves, the marks (1/8 n x n) and one batch of
    :data:`BATCH_ROWS` cells, besides ``cells``.

    Raises
    ------
    InputError
        unknown labels, duplicate cells, NaN or infinite values (one line naming the cell).
    """
    countries, sectors, fds = tuple(countries), tuple(sectors), tuple(fd_categories)
    G, N, F = len(countries), len(sectors), len(fds)
    n = G * N
    items = sectors + fds

    def lookup(name: str, labels: tuple[str, ...], what: str | None = None) -> np.ndarray:
        index = pd.Index(list(labels), dtype=object)
        if not index.is_unique:
            dup = index[index.duplicated()][0]
            raise InputError(f"{source}: label {dup!r} is listed twice for {name}")
        dictionary = [str(v) for v in _dictionary(cells.column(name)).to_pylist()]
        pos = index.get_indexer(np.asarray(dictionary, dtype=object))
        # a label of the dictionary that no cell uses does no harm: check the used ones only
        used = _appearance(cells.column(name))
        bad = [u for u in used if u not in set(labels)]
        if bad:
            if what is not None:
                raise InputError(f"{source}: {name} {bad[0]!r} {what}")
            raise InputError(f"{source}: unknown {name} label {bad[0]!r}")
        return pos.astype(np.int64)

    luts = {
        "row_country": lookup("row_country", countries),
        "row_sector": lookup("row_sector", sectors),
        "col_country": lookup("col_country", countries),
        "col_item": lookup("col_item", items, "is neither a sector nor a final-demand category"),
    }
    Z = np.zeros((n, n))
    Yd = np.zeros((n, G * F))
    z_flat, y_flat = Z.reshape(-1), Yd.reshape(-1)
    seen_z = np.zeros(n * n, dtype=bool)
    seen_y = np.zeros(n * G * F, dtype=bool)
    count_z = count_y = 0
    for batch in cells.to_batches(max_chunksize=BATCH_ROWS):
        rc, rs, cc, ci = (
            luts[c][batch.column(c).indices.to_numpy(zero_copy_only=False)]
            for c in LONG_COLUMNS[:4]
        )
        val = batch.column("value").to_numpy(zero_copy_only=False)
        if not np.all(np.isfinite(val)):
            k = int(np.flatnonzero(~np.isfinite(val))[0])
            raise InputError(
                f"{source}: value is NaN or infinite at row_country={countries[rc[k]]}, "
                f"row_sector={sectors[rs[k]]}, col_country={countries[cc[k]]}, "
                f"col_item={items[ci[k]]}"
            )
        row = rc * N + rs
        is_z = ci < N
        flat_z = row[is_z] * n + (cc[is_z] * N + ci[is_z])
        flat_y = row[~is_z] * (G * F) + (cc[~is_z] * F + (ci[~is_z] - N))
        z_flat[flat_z] = val[is_z]
        y_flat[flat_y] = val[~is_z]
        seen_z[flat_z] = True
        seen_y[flat_y] = True
        count_z += flat_z.size
        count_y += flat_y.size
        for seen, count, flat, what in (
            (seen_z, count_z, flat_z, "intermediate"),
            (seen_y, count_y, flat_y, "final-demand"),
        ):
            if flat.size and np.count_nonzero(seen) != count:
                _raise_duplicate(cells, luts, flat, what, countries, sectors, fds, source)
    return DenseBlocks(Z, Yd)


def _raise_duplicate(cells, luts, flat, what, countries, sectors, fds, source) -> None:
    """Name a duplicate cell (error path only: sorts the flat indices of every cell)."""
    G, N, F = len(countries), len(sectors), len(fds)
    n = G * N
    parts = []
    for batch in cells.to_batches(max_chunksize=BATCH_ROWS):
        rc, rs, cc, ci = (
            luts[c][batch.column(c).indices.to_numpy(zero_copy_only=False)]
            for c in LONG_COLUMNS[:4]
        )
        is_z = (ci < N) if what == "intermediate" else (ci >= N)
        row = rc * N + rs
        if what == "intermediate":
            parts.append(row[is_z] * n + cc[is_z] * N + ci[is_z])
        else:
            parts.append(row[is_z] * (G * F) + cc[is_z] * F + (ci[is_z] - N))
    srt = np.sort(np.concatenate(parts))
    same = srt[1:] == srt[:-1]
    d = int(srt[1:][same][0])
    width = n if what == "intermediate" else G * F
    r, c = divmod(d, width)
    col = (
        f"{countries[c // N]}/{sectors[c % N]}"
        if what == "intermediate"
        else f"{countries[c // F]}/{fds[c % F]}"
    )
    raise InputError(
        f"{source}: duplicate {what} cell at row {countries[r // N]}/{sectors[r % N]}, column {col}"
    )


def _inputs_for_year(inputs: pd.DataFrame | None, y: int) -> pd.DataFrame:
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in INPUT_COLUMNS[:3]})
    empty["value"] = pd.Series(dtype=np.float64)
    if inputs is None:
        return empty
    inp = inputs
    if "year" in inp.columns:
        inp = inp[inp["year"].astype("int64") == y]
    inp = inp[list(INPUT_COLUMNS)].reset_index(drop=True)
    for c in INPUT_COLUMNS[:3]:
        inp[c] = inp[c].astype(str)
    inp["value"] = inp["value"].astype(np.float64)
    return inp


def _raw(
    source: Path,
    cells: pa.Table,
    inputs: pd.DataFrame,
    sectors: list[str] | None,
    y: int,
    notes: list[str],
) -> RawTable:
    countries = _appearance(cells.column("row_country"))
    col_countries = _appearance(cells.column("col_country"))
    # a closed inter-country table has every country on both sides; a label on one side only
    # is a typo or a truncated file, not a new country
    only_rows = [c for c in countries if c not in set(col_countries)]
    only_cols = [c for c in col_countries if c not in set(countries)]
    if only_rows or only_cols:
        side, bad = ("row_country", only_rows) if only_rows else ("col_country", only_cols)
        other = "col_country" if side == "row_country" else "row_country"
        raise InputError(
            f"{source} ({y}): unknown country {bad[0]!r}: it appears as {side} but never as "
            f"{other}" + (f" ({len(bad)} such labels)" if len(bad) > 1 else "")
        )
    if sectors is None and len(inputs):
        sectors = _first_appearance(inputs["sector"])
        notes.append("sector order from the output/inputs file")
    if sectors is None:
        sectors = _appearance(cells.column("row_sector"))
        used = set(_appearance(cells.column("col_item")))
        never_bought = [k for k in sectors if k not in used]
        if never_bought:
            # real tables have such rows (WIOD 2013 c35, private households): note, not error
            notes.append(
                f"sectors that sell but never buy intermediate inputs: {never_bought[:10]}"
            )
    sec = set(sectors)
    fds = [c for c in _appearance(cells.column("col_item")) if c not in sec]
    folded = {" ".join(k.split()).casefold(): k for k in sectors}
    for f in fds:
        twin = folded.get(" ".join(f.split()).casefold())
        if twin is not None:
            # a sector code typed with another case or blanks would become a final-demand
            # category of its own and silently move intermediate use into final demand
            at = cells.filter(pc.equal(cells.column("col_item"), f)).slice(0, 1).to_pylist()[0]
            raise InputError(
                f"{source} ({y}): col_item {f!r} (row {at['row_country']}/{at['row_sector']}, "
                f"col_country {at['col_country']}) is not a sector code but matches sector "
                f"{twin!r} up to case or blanks: a mistyped code? Fix the file (final-demand "
                "categories must differ from every sector code)"
            )
    # the published order where the codes are known, else order of first appearance
    known = next((o for o in KNOWN_FD_ORDERS if set(fds) <= set(o)), None)
    if known is not None:
        fds.sort(key=known.index)
    items = set(inputs["item"]) if len(inputs) else set()
    output_item = next((i for i in OUTPUT_ITEMS if i in items), None)
    va_item = next((i for i in VA_ITEMS if i in items), None)
    log.debug("read long table %s year %d: %d cells", source, y, cells.num_rows)
    return RawTable(
        cells=None,
        arrow_cells=cells,
        inputs=inputs,
        countries=countries,
        sectors=list(sectors),
        fd_categories=fds,
        year=int(y),
        source=str(source),
        format="long",
        edition=None,
        output_item=output_item,
        va_item=va_item,
        notes=notes,
    )
