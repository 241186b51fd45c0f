"""Readers: one module per source layout, each returning :class:`RawTable` in the file's labels.

:func:`read` is the entry point: it checks the path, detects the layout when asked to
(``format="auto"``) and dispatches to :func:`~gvc.readers.long.read_long`,
:func:`~gvc.readers.oecd_icio.read_oecd_icio` or :func:`~gvc.readers.wiod2016.read_wiod2016`.
"""

from __future__ import annotations

import os
from pathlib import Path

from gvc.errors import InputError
from gvc.readers._io import LONG_COLUMNS, csv_header, parquet_schema
from gvc.readers.long import read_long
from gvc.readers.oecd_icio import FD_CODES, read_oecd_icio
from gvc.readers.raw import RawTable
from gvc.readers.wiod2016 import read_wiod2016

FORMATS = ("auto", "long", "oecd-icio", "wiod2016")
_WIOD2016_MARK = {"IndustryCode", "Country", "RNr"}

__all__ = ["FORMATS", "RawTable", "detect_format", "read"]


def detect_format(path: str | os.PathLike) -> str:
    """Which reader fits ``path``: ``long``, ``oecd-icio`` or ``wiod2016``.

    A directory is ``long``. A parquet/CSV file is ``long`` when it has the long columns,
    ``wiod2016`` when it has ``IndustryCode, Country, RNr``; a CSV whose header carries
    ``<CTY>_<HFCE|...>`` final-demand columns is ``oecd-icio``.

    Raises
    ------
    InputError
        missing file, unreadable header, or a layout none of the readers knows.

    Examples
    --------
    >>> detect_format("datasets/wiod2013")
    'long'
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or directory")
    if p.is_dir():
        return "long"
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        cols = set(parquet_schema(p).names)
    elif suffix in (".csv", ".txt"):
        cols = set(csv_header(p))
    else:
        raise InputError(f"{p}: cannot tell the format from suffix {p.suffix!r}; pass format=")
    if set(LONG_COLUMNS) <= cols:
        return "long"
    if _WIOD2016_MARK <= cols:
        return "wiod2016"
    if suffix != ".parquet" and any("_" in c and c.rsplit("_", 1)[-1] in FD_CODES for c in cols):
        return "oecd-icio"
    shown = ", ".join(sorted(cols)[:6])
    raise InputError(
        f"{p}: unknown layout (columns {shown}...): not long, WIOD 2016 wide or OECD ICIO"
    )


def read(path: str | os.PathLike, format: str = "auto", year: int | None = None) -> list[RawTable]:
    """Read an IO table file or directory: one :class:`RawTable` per year found.

    Parameters
    ----------
    path : file or directory.
    format : ``auto`` (detect), ``long``, ``oecd-icio`` or ``wiod2016``.
    year : keep only this year (for ``oecd-icio``: the table's year when the file name does
        not say it).

    Returns
    -------
    list of RawTable, sorted by year.

    Raises
    ------
    InputError
        unknown ``format``, missing/empty/truncated file, a file of another layout, no table
        for ``year``. Messages are one line naming the file and the place.

    Examples
    --------
    >>> from gvc.readers import read
    >>> [r.year for r in read("datasets/wiod2013", year=2011)]
    [2011]
    """
    if format not in FORMATS:
        raise InputError(f"{path}: unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or directory")
    fmt = detect_format(p) if format == "auto" else format
    if fmt == "long":
        raws = read_long(p, year=year)
    elif fmt == "oecd-icio":
        if p.is_dir():
            raise InputError(f"{p}: format oecd-icio reads one CSV file, not a directory")
        raws = read_oecd_icio(p, year=year)
    else:
        if p.is_dir():
            raise InputError(f"{p}: format wiod2016 reads one file, not a directory")
        raws = read_wiod2016(p, year=year)
    return sorted(raws, key=lambda r: r.year)
