"""Streaming reads of dense numeric text matrices, straight into preallocated float64 arrays.

The wide layouts (Eora26 ``T``/``FD``, EXIOBASE ``Z``/``A``/``Y``, GLORIA ``T``/``Y``/``V``,
FIGARO and ICIO CSV files) are dense: one row of text per matrix row. pyarrow reads them in
blocks of a few megabytes, splits each block's lines and casts the fields to float64 in its
compute kernels; each block becomes one (rows, columns) float64 array whose rows are copied to
where the caller wants them. Peak memory is the caller's arrays plus one block,
never a per-cell frame nor a second copy of the matrix.

A file pyarrow refuses (a ragged row, a word where a number belongs) is scanned once more in
Python to name the line and field: slow, but only on the error path.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from gvc.errors import InputError
from gvc.readers._io import one_line

#: bytes per parsing block (a full-size GLORIA T row, 39,360 fields, takes 80-470 kB)
BLOCK_SIZE = 1 << 22
NULLS = ["", "NA", "NaN", "nan", "null"]


@dataclass(frozen=True)
class Source:
    """A text file on disk or a member of a zip archive, named for messages."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def basename(self) -> str:
        return Path(self.member).name if self.member else self.path.name

    @contextmanager
    def open_binary(self) -> Iterator[IO[bytes]]:
        if self.member is None:
            with open(self.path, "rb") as fh:
                yield fh
        else:
            with zipfile.ZipFile(self.path) as zf, zf.open(self.member) as fh:
                yield fh

    def head(self, k: int) -> list[str]:
        """The first ``k`` lines (fewer when the file is shorter), newline stripped."""
        out: list[str] = []
        with self.open_binary() as fh:
            text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")
            for line in text:
                out.append(line.rstrip("\r\n"))
                if len(out) >= k:
                    break
        return out

    def size(self) -> int:
        if self.member is None:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as zf:
            return zf.getinfo(self.member).file_size


Placer = Callable[[int, list[np.ndarray], np.ndarray], None]


def stream_matrix(
    src: Source,
    *,
    delimiter: str,
    skip_rows: int,
    n_label_cols: int,
    n_value_cols: int,
    place: Placer,
    expect_rows: int | None = None,
    what: str = "matrix",
) -> int:
    """Parse ``src`` block by block and hand each block to ``place``; returns rows read.

    Each block of lines is split on ``delimiter`` and its number fields cast to float64 in
    Arrow's compute kernels (one call a block, whatever the number of columns: the wide
    layouts have thousands, and a column-by-column CSV reader pays per column and block).

    Parameters
    ----------
    src : the file.
    delimiter : ``","`` or ``"\\t"``.
    skip_rows : header lines above the first data row.
    n_label_cols : leading label columns (read as strings, passed to ``place``).
    n_value_cols : numeric columns after them; a row with another number of fields is an error
        (trailing empty fields, as Eora's tab files may have, are tolerated).
    place : ``place(first_row, labels, values)``, called in file order: ``first_row`` is the
        0-based data-row index of the block's first row, ``labels`` one string array per
        label column, ``values`` a C-ordered (rows, n_value_cols) float64 array (NaN for
        empty cells).
    expect_rows : the number of data rows the file must hold (a shorter file was cut).
    what : what the file holds, for messages.

    Raises
    ------
    InputError
        empty file, a ragged or cut-off row, a non-numeric cell, too few or too many rows; the
        message names the file, the line and the field.
    """
    if src.size() == 0:
        raise InputError(f"{src.name}: empty file")
    width = _width(src, delimiter, skip_rows)
    extra = width - n_label_cols - n_value_cols
    if extra < 0 or (extra > 0 and not _trailing_empty(src, delimiter, skip_rows, extra)):
        raise InputError(
            f"{src.name}: line {skip_rows + 1}: {width} fields, expected "
            f"{n_label_cols + n_value_cols} ({what}: wrong edition or another file?)"
        )
    read_opts = pacsv.ReadOptions(
        skip_rows=skip_rows, column_names=["line"], block_size=BLOCK_SIZE, use_threads=True
    )
    # one string column a line: no delimiter or quote can occur in it
    parse_opts = pacsv.ParseOptions(delimiter="\x1f", quote_char=False, escape_char=False)
    conv_opts = pacsv.ConvertOptions(column_types={"line": pa.string()}, strings_can_be_null=False)
    done = 0

    def work(first: int, lines: pa.Array) -> tuple[int, list[np.ndarray], np.ndarray]:
        rows = len(lines)
        parts = pc.split_pattern(lines, delimiter)
        lengths = pc.list_value_length(parts).to_numpy(zero_copy_only=False)
        if (lengths != width).any():
            k = int(np.flatnonzero(lengths != width)[0])
            raise InputError(
                f"{src.name}: line {skip_rows + first + k + 1}: expected {width} fields, "
                f"found {int(lengths[k])} (file truncated or a row cut short?)"
            )
        labels = [
            np.asarray(
                pc.utf8_trim(pc.list_element(parts, k), '"').to_numpy(zero_copy_only=False),
                dtype=object,
            )
            for k in range(n_label_cols)
        ]
        cells = pc.list_slice(parts, n_label_cols, n_label_cols + n_value_cols).flatten()
        values = _to_float(cells, src, skip_rows + first, n_label_cols, n_value_cols)
        return first, labels, values.reshape(rows, n_value_cols)

    # Arrow's kernels release the GIL: blocks are split and cast on a few threads while the
    # next ones are read; ``place`` runs here, in file order; at most 2 x workers blocks are
    # held at once
    workers = max(1, min(4, os.cpu_count() or 1))
    pending: deque[Future] = deque()
    try:
        with src.open_binary() as fh, ThreadPoolExecutor(workers) as pool:
            reader = pacsv.open_csv(
                fh, read_options=read_opts, parse_options=parse_opts, convert_options=conv_opts
            )
            for batch in reader:
                if batch.num_rows == 0:
                    continue
                pending.append(pool.submit(work, done, batch.column(0)))
                done += batch.num_rows
                while len(pending) > 2 * workers or (pending and pending[0].done()):
                    place(*pending.popleft().result())
            while pending:
                place(*pending.popleft().result())
    except (pa.ArrowException, OSError) as exc:
        raise _diagnose(src, delimiter, skip_rows, n_label_cols, width, exc) from exc
    if expect_rows is not None and done != expect_rows:
        raise InputError(
            f"{src.name}: {done} data rows, expected {expect_rows} ({what}: "
            + ("file truncated?)" if done < expect_rows else "wrong edition or another file?)")
        )
    return done


def _to_float(cells: pa.Array, src: Source, line0: int, n_label: int, width: int) -> np.ndarray:
    """Cast number strings to float64; empty and NA cells become NaN; name a bad cell."""
    try:
        return pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        pass
    # the slow path: strip blanks and quotes, NA words to null, then find what is left
    clean = pc.utf8_trim(pc.utf8_trim_whitespace(cells), '"')
    clean = pc.if_else(pc.is_in(clean, pa.array(NULLS)), pa.scalar(None, pa.string()), clean)
    try:
        out = pc.cast(clean, pa.float64())
    except pa.ArrowInvalid:
        texts = clean.to_pylist()
        for k, v in enumerate(texts):
            if v is None:
                continue
            try:
                float(v)
            except ValueError:
                r, c = divmod(k, width)
                raise InputError(
                    f"{src.name}: line {line0 + r + 1}, field {n_label + c + 1}: value {v!r} "
                    "is not a number"
                ) from None
        raise
    return out.to_numpy(zero_copy_only=False)


def _width(src: Source, delimiter: str, skip_rows: int) -> int:
    lines = src.head(skip_rows + 1)
    if len(lines) <= skip_rows or not lines[skip_rows].strip():
        raise InputError(f"{src.name}: no data rows after {skip_rows} header line(s)")
    return len(next(csv.reader([lines[skip_rows]], delimiter=delimiter)))


def _trailing_empty(src: Source, delimiter: str, skip_rows: int, extra: int) -> bool:
    line = src.head(skip_rows + 1)[skip_rows]
    fields = next(csv.reader([line], delimiter=delimiter))
    return all(not f.strip() for f in fields[len(fields) - extra :])


def _diagnose(
    src: Source, delimiter: str, skip_rows: int, n_label_cols: int, width: int, exc: Exception
) -> InputError:
    """Name the first bad line (wrong field count) or cell (not a number) of ``src``."""
    with src.open_binary() as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        for lineno, row in enumerate(reader, 1):
            if lineno <= skip_rows or not row:
                continue
            if len(row) != width:
                return InputError(
                    f"{src.name}: line {lineno}: expected {width} fields, found {len(row)} "
                    "(file truncated or a row cut short?)"
                )
            for k in range(n_label_cols, width):
                v = row[k].strip()
                if v in NULLS:
                    continue
                try:
                    float(v)
                except ValueError:
                    label = " ".join(row[:n_label_cols]) if n_label_cols else ""
                    at = f"row {label}, " if label else ""
                    return InputError(
                        f"{src.name}: line {lineno}, {at}field {k + 1}: value {v!r} is not a number"
                    )
    return InputError(f"{src.name}: not a readable text matrix: {one_line(exc)}")


def numbers_in_name(name: str) -> list[int]:
    """The 4-digit years in a file name, in order (``Eora26_2015_bp_T.txt`` -> [2015])."""
    return [int(m) for m in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", name)]
