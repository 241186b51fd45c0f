"""Which reader fits a path (:func:`detect_format`) and the one entry point :func:`read`."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from gvc.errors import InputError
from gvc.readers import FORMATS
from gvc.readers._io import LONG_COLUMNS, csv_header, parquet_schema
from gvc.readers.raw import RawTable

_WIOD2016_MARK = {"IndustryCode", "Country", "RNr"}
_EORA = re.compile(r"Eora26_(?:19|20)\d\d_[A-Za-z]+_T\.txt", flags=re.IGNORECASE)
_GLORIA = re.compile(r"GLORIA_MRIOs_\d+[a-z]?_(?:19|20)\d\d(\.zip)?|.*_T-Results_.*\.csv", re.I)
_DIR_FORMATS = ("long", "eora26", "exiobase3", "gloria")


def _container_format(names: list[str]) -> str | None:
    """eora26 / exiobase3 / gloria from the base names of a folder's or zip's files."""
    base = [n.rsplit("/", 1)[-1] for n in names]
    if any(_EORA.fullmatch(b) for b in base):
        return "eora26"
    if any(_GLORIA.fullmatch(b) for b in base):
        return "gloria"
    if "file_parameters.json" in base and ({"Z.txt", "A.txt"} & set(base)):
        return "exiobase3"
    return None


def detect_format(path: str | os.PathLike) -> str:
    """Which reader fits ``path`` (one of :data:`~gvc.readers.FORMATS` less ``auto``).

    - a folder or zip holding ``Eora26_<year>_<price>_T.txt`` is ``eora26``; one holding
      ``GLORIA_MRIOs_*`` or ``*_T-Results_*.csv`` is ``gloria``; one holding
      ``file_parameters.json`` with ``Z.txt`` or ``A.txt`` is ``exiobase3``; any other folder is
      ``long``;
    - an Excel workbook is ``adb-mrio``;
    - a parquet/CSV file is ``long`` when it has the long columns, ``wiod2016`` when it has
      ``IndustryCode, Country, RNr``; a CSV starting with ``rowLabels`` or carrying ``P3_S13``
      columns, or with the flat columns ``refArea ... obsValue``, is ``figaro``; one with
      ``<CTY>_<HFCE|...>`` final-demand columns is ``oecd-icio``.

    Raises
    ------
    InputError
        missing file, unreadable header, or a layout none of the readers knows.

    Examples
    --------
    >>> detect_format("datasets/wiod2013")
    'long'
    >>> detect_format("tests/fixtures/eora26/Eora26_2015_bp")
    'eora26'
    """
    from gvc.readers.figaro import FD_CODES as FIGARO_FD
    from gvc.readers.figaro import ROW_LABEL, is_flat
    from gvc.readers.oecd_icio import FD_CODES

    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or directory")
    if p.is_dir():
        names = [str(f.relative_to(p).as_posix()) for f in p.iterdir()]
        names += [f"{n}/{g.name}" for n in names if (p / n).is_dir() for g in (p / n).iterdir()]
        return _container_format(names) or "long"
    suffix = p.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(p) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"{p}: not a readable zip archive ({exc})") from exc
        fmt = _container_format(names) or _container_format([p.name])
        if fmt is None:
            raise InputError(
                f"{p}: unknown archive layout (no Eora26, EXIOBASE or GLORIA files); pass format="
            )
        return fmt
    if suffix in (".xlsx", ".xlsm"):
        return "adb-mrio"
    if _EORA.fullmatch(p.name):
        return "eora26"
    if suffix == ".parquet":
        cols = set(parquet_schema(p).names)
    elif suffix in (".csv", ".txt"):
        header = csv_header(p)
        cols = set(header)
        if header[0] == ROW_LABEL or is_flat(header):
            return "figaro"
    else:
        raise InputError(f"{p}: cannot tell the format from suffix {p.suffix!r}; pass format=")
    if set(LONG_COLUMNS) <= cols:
        return "long"
    if _WIOD2016_MARK <= cols:
        return "wiod2016"
    if suffix != ".parquet":
        tails = {c.split("_", 1)[-1] for c in cols if "_" in c}
        if tails & set(FIGARO_FD):
            return "figaro"
        if any("_" in c and c.rsplit("_", 1)[-1] in FD_CODES for c in cols):
            return "oecd-icio"
    shown = ", ".join(sorted(cols)[:6])
    raise InputError(
        f"{p}: unknown layout (columns {shown}...): not long, WIOD 2016, OECD ICIO or FIGARO"
    )


def read(path: str | os.PathLike, format: str = "auto", year: int | None = None) -> list[RawTable]:
    """Read an IO table file or directory: one :class:`RawTable` per year found.

    Parameters
    ----------
    path : file, directory or archive.
    format : ``auto`` (detect) or one of :data:`~gvc.readers.FORMATS`.
    year : keep only this year (for single-year layouts: the table's year when the name does
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
    if p.is_dir() and fmt not in _DIR_FORMATS:
        raise InputError(f"{p}: format {fmt} reads one file, not a directory")
    if fmt == "long":
        from gvc.readers.long import read_long

        raws = read_long(p, year=year)
    elif fmt == "oecd-icio":
        from gvc.readers.oecd_icio import read_oecd_icio

        raws = read_oecd_icio(p, year=year)
    elif fmt == "wiod2016":
        from gvc.readers.wiod2016 import read_wiod2016

        raws = read_wiod2016(p, year=year)
    elif fmt == "adb-mrio":
        from gvc.readers.adb import read_adb

        raws = read_adb(p, year=year)
    elif fmt == "figaro":
        from gvc.readers.figaro import read_figaro

        raws = read_figaro(p, year=year)
    elif fmt == "eora26":
        from gvc.readers.eora import read_eora26

        raws = read_eora26(p, year=year)
    elif fmt == "exiobase3":
        from gvc.readers.exiobase import read_exiobase3

        raws = read_exiobase3(p, year=year)
    else:
        from gvc.readers.gloria import read_gloria

        raws = read_gloria(p, year=year)
    return sorted(raws, key=lambda r: r.year)
