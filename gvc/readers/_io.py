"""File access shared by the readers: pyarrow reads that fail with one clear line.

Every error is an :class:`~gvc.errors.InputError` whose message is one line naming the file and,
where it can be known, the line, row or column label.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from gvc.errors import InputError

LONG_COLUMNS = ("row_country", "row_sector", "col_country", "col_item", "value")


def one_line(msg: object) -> str:
    """Collapse an exception text to one line (pyarrow messages span several)."""
    text = " ".join(str(msg).split())
    return text if len(text) <= 300 else text[:297] + "..."


def require_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(f"{path}: empty file")


def parquet_schema(path: Path) -> pa.Schema:
    require_file(path)
    try:
        return pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"{path}: not a readable parquet file (truncated or broken footer?): {one_line(exc)}"
        ) from exc


def read_parquet(path: Path, columns: list[str] | None = None, filters=None) -> pa.Table:
    require_file(path)
    try:
        return pq.read_table(path, columns=columns, filters=filters)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"{path}: not a readable parquet file (truncated or broken footer?): {one_line(exc)}"
        ) from exc


def require_text(path: Path) -> None:
    """Refuse a binary file before any of its bytes reach a message: a NUL byte, or more than
    5 % control bytes, in the first 8 kB (text in any 8-bit encoding has neither)."""
    with open(path, "rb") as fh:
        head = np.frombuffer(fh.read(8192), dtype=np.uint8)
    control = (head < 9) | ((head > 13) & (head < 32))
    if head.size and ((head == 0).any() or control.mean() > 0.05):
        at = int(np.flatnonzero(control)[0])
        raise InputError(
            f"{path}: not a text file (binary content at byte {at}): a zip, Excel or "
            "parquet file under another suffix?"
        )


def separator_hint(header: list[str]) -> str:
    """A hint when the header looks split on another separator than the comma."""
    joined = ",".join(header)
    for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
        if joined.count(sep) >= 2 and len(header) <= 2:
            return (
                f"; the header is separated by {name}, not commas: save the file as "
                "comma-separated CSV (decimal point, not comma)"
            )
    return ""


def csv_header(path: Path) -> list[str]:
    """The first line of a CSV file, split into fields."""
    require_file(path)
    require_text(path)
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        first = fh.readline()
    if not first.strip():
        raise InputError(f"{path}: line 1: empty header")
    return next(csv.reader([first]))


def first_bad_line(path: Path, column: str, bad) -> int | None:
    """Line number (1-based, header is line 1) of the first CSV row whose ``column`` field
    satisfies ``bad(text)``; None when there is none. Only called on the error path."""
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        if column not in header:
            return None
        k = header.index(column)
        for row in reader:
            if len(row) > k and bad(row[k].strip()):
                return reader.line_num
            if len(row) <= k and bad(""):
                return reader.line_num
    return None


def _not_a_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text not in ("NA", "NaN", "nan", "null")
    return False


def check_numeric_column(
    path: Path, table: pa.Table, column: str, *, integer: bool = False, nulls_ok: bool = False
) -> None:
    """Refuse a text value, a decimal comma or (unless ``nulls_ok``) an empty cell in a number
    column, naming the line (CSV) or the row (parquet). ``integer`` columns (``year``) must
    hold whole numbers."""
    if column not in table.column_names:
        return
    col = table.column(column)
    typ = col.type
    numeric = pa.types.is_integer(typ) or (not integer and pa.types.is_floating(typ))
    is_csv = path.suffix.lower() != ".parquet"

    def where(k: int | None, line: int | None) -> str:
        if is_csv and line is not None:
            return f"line {line}"
        return f"row {k + 1}" if k is not None else "a row"

    if not numeric and not pa.types.is_null(typ):
        values = col.to_pylist()
        for k, v in enumerate(values):
            if v is None:
                continue
            text = str(v).strip()
            if integer:
                ok = re.fullmatch(r"[+-]?\d+(\.0*)?", text) is not None
            else:
                ok = not _not_a_number(text)
            if not ok:
                line = (
                    first_bad_line(path, column, lambda t, text=text: t == text) if is_csv else None
                )
                hint = ""
                if re.fullmatch(r"[+-]?\d+,\d+", text):
                    hint = " (a decimal comma? write numbers with a decimal point)"
                kind = "a whole number" if integer else "a number"
                raise InputError(
                    f"{path}: {where(k, line)}, column {column}: value {text!r} is not {kind}{hint}"
                )
    nulls = col.null_count if not pa.types.is_null(typ) else len(col)
    if nulls and len(col) and not nulls_ok:
        k = int(np.flatnonzero(col.is_null().to_numpy(zero_copy_only=False))[0])
        line = (
            first_bad_line(path, column, lambda t: t in ("", "NA", "NaN", "nan", "null"))
            if is_csv
            else None
        )
        last = k == len(col) - 1
        raise InputError(
            f"{path}: {where(k, line)}, column {column}: empty value (NaN)"
            + (" (file truncated?)" if last else "")
        )


def _first_ragged_line(path: Path) -> tuple[int, int, int] | None:
    """(line number, fields expected, fields found) of the first row with a wrong field count.

    Only called after pyarrow refused the file, so a Python pass over the lines is fine here.
    """
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh)
        width = None
        for row in reader:
            if width is None:
                width = len(row)
                continue
            if row and len(row) != width:
                return reader.line_num, width, len(row)
    return None


def read_csv(path: Path, column_types: dict[str, pa.DataType] | None = None) -> pa.Table:
    """Read a CSV file with pyarrow; a ragged or cut-off row is named by its line number."""
    require_file(path)
    convert = pacsv.ConvertOptions(
        column_types=column_types or {},
        strings_can_be_null=False,
        null_values=["", "NA", "NaN", "nan", "null"],
    )
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            convert_options=convert,
        )
    except (pa.ArrowException, OSError) as exc:
        bad = _first_ragged_line(path)
        if bad is not None:
            line, want, got = bad
            raise InputError(
                f"{path}: line {line}: expected {want} fields, found {got} "
                "(file truncated or a row cut short?)"
            ) from exc
        raise InputError(f"{path}: not a readable CSV file: {one_line(exc)}") from exc
    if table.num_rows == 0:
        raise InputError(f"{path}: no data rows after the header")
    return table


def numeric_block(table: pa.Table, columns: list[int], row_labels: np.ndarray, path: Path):
    """(rows, len(columns)) float64 array of the columns at these positions.

    A non-numeric cell is named by its row and column label. Empty cells become NaN: the reader
    stays faithful and validation reports them.
    """
    # column-major: each column lands in one contiguous stretch (10x faster on ICIO-size files)
    out = np.empty((table.num_rows, len(columns)), dtype=np.float64, order="F")
    names = table.column_names  # a fresh list on every access: fetch once
    for j, pos in enumerate(columns):
        col = table.column(pos)
        name = names[pos]
        if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
            out[:, j] = col.to_numpy(zero_copy_only=False)
        elif pa.types.is_null(col.type):
            out[:, j] = np.nan
        else:
            as_num = pd.to_numeric(pd.Series(col.to_numpy(zero_copy_only=False)), errors="coerce")
            raw = col.to_numpy(zero_copy_only=False)
            bad = as_num.isna().to_numpy() & pd.notna(raw) & (raw != "")
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                raise InputError(
                    f"{path}: row {row_labels[k]!s}, column {name}: "
                    f"value {raw[k]!r} is not a number"
                )
            out[:, j] = as_num.to_numpy(dtype=np.float64)
    return out


def long_frame(
    values: np.ndarray,
    row_country: np.ndarray,
    row_sector: np.ndarray,
    col_country: np.ndarray,
    col_item: np.ndarray,
) -> pd.DataFrame:
    """Long cells of a dense (rows, cols) block, zero cells dropped (NaN kept: it is news).

    Label columns are categoricals so a 15-million-cell ICIO year stays small in memory.
    """
    keep = values != 0
    r, c = np.nonzero(keep)

    def cat(labels: np.ndarray, idx: np.ndarray) -> pd.Categorical:
        uniq, inv = np.unique(labels.astype(str), return_inverse=True)
        return pd.Categorical.from_codes(inv[idx], categories=list(uniq))

    return pd.DataFrame(
        {
            "row_country": cat(row_country, r),
            "row_sector": cat(row_sector, r),
            "col_country": cat(col_country, c),
            "col_item": cat(col_item, c),
            "value": values[r, c],
        }
    )


def year_from_name(name: str) -> int | None:
    """The table year in a file name: the second 4-digit group after an ``ICIOyyyy_`` edition
    prefix, otherwise the first 19xx/20xx group (``2019_SML.csv``, ``wiot_2011.parquet``)."""
    m = re.search(r"ICIO(?:19|20)\d\d[_\-]?((?:19|20)\d\d)", name, flags=re.IGNORECASE)
    if m:
        return int(m.group(1))
    m = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", name)
    return int(m.group(1)) if m else None
