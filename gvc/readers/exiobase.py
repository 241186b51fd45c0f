"""Reader for EXIOBASE 3 monetary IO tables: ``IOT_<year>_ixi`` / ``IOT_<year>_pxp``, zip or folder.

Layout (pymrio's storage format, in which the EXIOBASE consortium publishes version 3; see
pymrio's ``parse_exiobase3``/``load_all`` and its ``tests/mock_mrios/exio3_mock``):

- ``file_parameters.json`` names the core files and their shape (``nr_index_col``,
  ``nr_header``); tab-separated text;
- ``Z.txt`` (flows) and/or ``A.txt`` (coefficients): two header rows (``region``, ``sector``),
  the index-name row pandas writes (``region  sector``, empty elsewhere), then one row a
  region x sector with the region and sector in the first two columns;
- ``Y.txt``: header rows ``region`` and ``category``, seven categories a region, the last
  ``Exports: Total (fob)``; ``x.txt``: output (``indout``); ``unit.txt``: region, sector,
  unit (``M.EUR``);
- the nine factor-input (value-added) rows in ``satellite/F.txt`` up to 3.8 (among the other
  stressors) and in ``factor_inputs/F.txt`` from 3.9;
- 49 regions (two-letter codes and the rest-of-continent regions WA, WL, WE, WF, WM) x 163
  industries (ixi) or 200 products (pxp).

Old 3.4 archives hold only ``A`` and ``Y``: the reader then derives ``x = (I - A)^-1 Y 1`` and
``Z = A x-hat`` and says so in its notes (their ixi files also use three-letter region codes,
which pymrio renames; gvc keeps them). The unit is read from ``unit.txt`` (``M.EUR``: EUR
million); when that file is missing, the documented EUR million is used and noted.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.readers._dense import Source, stream_matrix
from gvc.readers._files import Container
from gvc.readers.raw import DenseBlocks, RawTable, node_items

log = logging.getLogger(__name__)

DOCUMENTED_UNIT = "EUR million"
#: the factor-input rows (value added and taxes) by the start of their names
FACTOR_PREFIXES = (
    "Taxes less subsidies on products purchased",
    "Other net taxes on production",
    "Compensation of employees",
    "Operating surplus",
)
_NAME = re.compile(r"IOT_((?:19|20)\d\d)_(ixi|pxp)", flags=re.IGNORECASE)


def read_exiobase3(path: str | Path, year: int | None = None) -> list[RawTable]:
    """Read one EXIOBASE 3 monetary year (``IOT_<year>_<ixi|pxp>``, zip or folder).

    Parameters
    ----------
    path : the archive as downloaded (``IOT_2019_ixi.zip``) or the folder it unpacks to.
    year : must agree with the name when the name carries the year; needed when it does not.

    Returns
    -------
    list with one RawTable (``format="exiobase3"``, ``edition`` e.g. ``"3.8.2 ixi"``, ``unit``
    from ``unit.txt``, dense blocks). ``inputs`` holds the factor-input rows (items named as
    in ``F.txt``) and ``indout`` (the output of ``x.txt``, ``output_item``).

    Raises
    ------
    InputError
        no ``file_parameters.json`` with ``Y`` and ``Z``/``A``, labels that do not form a region
        x sector grid, several units in ``unit.txt``, truncated or non-numeric files.

    Examples
    --------
    >>> from gvc.readers.exiobase import read_exiobase3
    >>> raw = read_exiobase3("tests/fixtures/exiobase3/IOT_2019_ixi.zip")[0]
    >>> raw.year, raw.countries, raw.unit, raw.edition
    (2019, ['AT', 'WA', 'WF'], 'M.EUR', '3.8.2 ixi')
    """
    p = Path(path)
    box = Container(p)
    root, files = _core_files(box, p)
    m = _NAME.search(p.name) or _NAME.search(root)
    meta = _json(box, root + "metadata.json") or {}
    name_year = int(m.group(1)) if m else None
    if year is not None and name_year is not None and int(year) != name_year:
        raise InputError(f"{p}: year={year} but the name says {name_year}")
    y = int(year) if year is not None else name_year
    if y is None:
        raise InputError(f"{p}: cannot tell the year from the name (IOT_<year>_ixi); pass --year")
    system = (m.group(2) if m else str(meta.get("system", ""))).lower() or None
    version = str(meta.get("version", "")).lstrip("v") or None
    edition = " ".join(v for v in (version, system) if v) or None
    notes: list[str] = []

    core = "Z" if "Z" in files else "A"
    spec = files[core]
    src = box.source(root + spec["name"])
    regions, sectors_of = _header(src, int(spec["nr_header"]), int(spec["nr_index_col"]))
    countries, sectors, col_node = _grid(src, regions, sectors_of)
    G, N = len(countries), len(sectors)
    n = G * N
    node_of = {(c, s): i for i, (c, s) in enumerate((c, s) for c in countries for s in sectors)}
    M = _read_square(src, spec, node_of, col_node, n)

    yspec = files["Y"]
    ysrc = box.source(root + yspec["name"])
    y_regions, y_cats = _header(ysrc, int(yspec["nr_header"]), int(yspec["nr_index_col"]))
    fd_categories = [str(f) for f in pd.unique(np.asarray(y_cats, dtype=object))]
    ci = {c: i for i, c in enumerate(countries)}
    fi = {f: k for k, f in enumerate(fd_categories)}
    F = len(fd_categories)
    bad = [r for r in y_regions if r not in ci]
    if bad:
        raise InputError(
            f"{ysrc.name}: line 1: region {bad[0]!r} is not a region of {src.basename}"
        )
    y_target = np.array([ci[r] * F + fi[c] for r, c in zip(y_regions, y_cats, strict=True)])
    Y = np.zeros((n, G * F))
    _stream_rows(ysrc, yspec, node_of, n, lambda rows, v: Y.__setitem__(np.ix_(rows, y_target), v))

    items: dict[str, np.ndarray] = {}
    output_item = None
    if "x" in files:
        xspec = files["x"]
        x = np.zeros(n)
        _stream_rows(
            box.source(root + xspec["name"]),
            xspec,
            node_of,
            n,
            lambda rows, v: x.__setitem__(rows, v[:, 0]),
        )
        items["indout"] = x
        output_item = "indout"
    if core == "A":
        if "x" not in files:
            import scipy.linalg as sla

            IA = np.negative(M)  # I - A in one extra matrix, solved in place
            IA.flat[:: n + 1] += 1.0
            x = sla.solve(IA, Y.sum(axis=1), overwrite_a=True, check_finite=False)
            del IA
            notes.append(
                "the archive holds coefficients A and Y only (EXIOBASE 3.4 style): derived "
                "x = (I - A)^-1 Y 1 and Z = A x-hat"
            )
        else:
            notes.append("the archive holds coefficients A: Z = A x-hat with x from x.txt")
        M *= x[None, :]  # in place: Z = A x-hat
    Z = M

    items.update(_factor_inputs(box, root, node_of, countries, sectors, notes))
    unit = _unit(box, root, notes)
    if any(len(c) == 3 for c in countries):
        notes.append("three-letter region codes (3.4 ixi archives): kept as they are")
    inputs = node_items(countries, sectors, items)
    log.debug("read EXIOBASE %s year %d (%s)", p, y, edition)
    return [
        RawTable(
            None,
            inputs,
            countries,
            sectors,
            fd_categories,
            y,
            str(p),
            "exiobase3",
            edition=edition,
            unit=unit,
            output_item=output_item,
            notes=notes,
            dense=DenseBlocks(Z, Y),
        )
    ]


def _json(box: Container, name: str) -> dict | None:
    if name not in box.names:
        return None
    with box.source(name).open_binary() as fh:
        try:
            return json.loads(fh.read().decode("utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{box.path}!{name}: not valid JSON ({exc})") from exc


def _core_files(box: Container, p: Path) -> tuple[str, dict]:
    """The folder prefix (``""`` or ``"IOT_2019_ixi/"``) and the files of the core system."""
    cands = sorted(
        (n for n in box.names if PurePosixPath(n).name == "file_parameters.json"),
        key=lambda n: n.count("/"),
    )
    for name in cands:
        doc = _json(box, name) or {}
        files = doc.get("files", {})
        if "Y" in files and ("Z" in files or "A" in files):
            prefix = name[: -len("file_parameters.json")]
            for spec in files.values():
                for key in ("name", "nr_index_col", "nr_header"):
                    if key not in spec:
                        raise InputError(f"{box.path}!{name}: a file entry lacks {key!r}")
            return prefix, files
    raise InputError(
        f"{p}: no file_parameters.json naming Y and Z or A: not an EXIOBASE 3 (pymrio format) "
        f"{box.kind}"
    )


def _split(line: str) -> list[str]:
    return next(csv.reader([line], delimiter="\t"))


def _header(src: Source, nr_header: int, nr_index: int) -> tuple[list[str], list[str]]:
    """The first two header rows' labels (region, then sector or category)."""
    lines = src.head(nr_header + 1)
    if len(lines) < nr_header or nr_header < 2:
        raise InputError(f"{src.name}: expected {nr_header} header rows (region, sector)")
    first = _split(lines[0])[nr_index:]
    second = _split(lines[1])[nr_index:]
    while first and not first[-1] and not second[-1]:
        first, second = first[:-1], second[:-1]
    if len(first) != len(second) or not first:
        raise InputError(f"{src.name}: header rows 1 and 2 differ in length")
    return first, second


def _skip(src: Source, spec: dict) -> int:
    """Header lines to skip: ``nr_header`` plus the index-name row pandas writes, if there."""
    nh, ni = int(spec["nr_header"]), int(spec["nr_index_col"])
    lines = src.head(nh + 1)
    if len(lines) > nh:
        fields = _split(lines[nh])
        if all(not f.strip() for f in fields[ni:]) and any(f.strip() for f in fields[:ni]):
            return nh + 1
    return nh


def _grid(src: Source, regions: list[str], sectors_of: list[str]):
    countries = [str(c) for c in pd.unique(np.asarray(regions, dtype=object))]
    first = [s for r, s in zip(regions, sectors_of, strict=True) if r == countries[0]]
    N = len(first)
    expect = [(c, s) for c in countries for s in first]
    got = list(zip(regions, sectors_of, strict=True))
    if sorted(got) != sorted(expect) or len(got) != len(expect):
        raise InputError(
            f"{src.name}: the column labels do not form a grid of {len(countries)} regions x "
            f"{N} sectors (wrong file or edition?)"
        )
    node = {(c, s): i for i, (c, s) in enumerate(expect)}
    col_node = np.array([node[k] for k in got], dtype=np.int64)
    return countries, first, col_node


def _stream_rows(src: Source, spec: dict, node_of: dict, n: int, put) -> None:
    """Stream a file whose rows are region x sector; ``put(node positions, values)``."""
    ni = int(spec["nr_index_col"])
    width = len(_split(src.head(_skip(src, spec) + 1)[-1])) - ni
    seen = np.zeros(n, dtype=bool)

    def place(first: int, labels: list[np.ndarray], values: np.ndarray) -> None:
        keys = zip(labels[0].astype(str), labels[1].astype(str), strict=True)
        rows = np.fromiter(
            (node_of.get(k, -1) for k in keys), dtype=np.int64, count=values.shape[0]
        )
        if (rows < 0).any():
            k = int(np.flatnonzero(rows < 0)[0])
            raise InputError(
                f"{src.name}: line {_skip(src, spec) + first + k + 1}: row "
                f"{labels[0][k]}/{labels[1][k]} is not a region x sector of the table"
            )
        if seen[rows].any():
            k = int(np.flatnonzero(seen[rows])[0])
            raise InputError(f"{src.name}: duplicate row {labels[0][k]}/{labels[1][k]}")
        seen[rows] = True
        put(rows, values)

    stream_matrix(
        src,
        delimiter="\t",
        skip_rows=_skip(src, spec),
        n_label_cols=ni,
        n_value_cols=width,
        place=place,
        expect_rows=n,
        what=f"EXIOBASE {src.basename}",
    )


def _read_square(src: Source, spec: dict, node_of: dict, col_node: np.ndarray, n: int):
    M = np.zeros((n, n))
    identity = np.array_equal(col_node, np.arange(n))

    def put(rows: np.ndarray, v: np.ndarray) -> None:
        if identity:
            M[rows] = v
        else:
            M[np.ix_(rows, col_node)] = v

    _stream_rows(src, spec, node_of, n, put)
    return M


def _factor_inputs(
    box: Container,
    root: str,
    node_of: dict,
    countries: list[str],
    sectors: list[str],
    notes: list[str],
) -> dict[str, np.ndarray]:
    """The factor-input rows of ``factor_inputs/F.txt`` (3.9) or ``satellite/F.txt`` (3.8)."""
    for folder in ("factor_inputs", "satellite"):
        name = f"{root}{folder}/F.txt"
        if name not in box.names:
            continue
        para = _json(box, f"{root}{folder}/file_parameters.json") or {}
        fspec = para.get("files", {}).get("F", {"nr_index_col": "1", "nr_header": "2"})
        fspec = {**fspec, "name": "F.txt"}
        src = box.source(name)
        ni = int(fspec["nr_index_col"])
        regions, secs = _header(src, int(fspec["nr_header"]), ni)
        cols = np.array([node_of.get((r, s), -1) for r, s in zip(regions, secs, strict=True)])
        if (cols < 0).any():
            raise InputError(
                f"{src.name}: column {regions[int(np.argmin(cols))]} is not a "
                "region x sector of the table"
            )
        out: dict[str, np.ndarray] = {}

        keep_all = folder == "factor_inputs"

        def place(
            first: int,
            labels: list[np.ndarray],
            values: np.ndarray,
            cols=cols,
            out=out,
            keep_all=keep_all,
        ) -> None:
            for k, lab in enumerate(labels[-1].astype(str)):
                if keep_all or lab.startswith(FACTOR_PREFIXES):
                    v = np.zeros(len(node_of))
                    v[cols] = values[k]
                    out[lab] = v

        stream_matrix(
            src,
            delimiter="\t",
            skip_rows=_skip(src, fspec),
            n_label_cols=ni,
            n_value_cols=len(regions),
            place=place,
            what=f"EXIOBASE {folder}/F.txt",
        )
        notes.append(f"factor inputs (value added) from {folder}/F.txt: {len(out)} rows")
        return out
    notes.append("no factor_inputs/F.txt or satellite/F.txt: value added is the residual only")
    return {}


def _unit(box: Container, root: str, notes: list[str]) -> str:
    name = f"{root}unit.txt"
    if name not in box.names:
        notes.append(f"no unit.txt: the documented {DOCUMENTED_UNIT} assumed")
        return DOCUMENTED_UNIT
    with box.source(name).open_binary() as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")
        rows = list(csv.reader(text, delimiter="\t"))
    units = sorted({r[-1].strip() for r in rows[1:] if r and r[-1].strip()})
    if len(units) != 1:
        raise InputError(f"{box.path}!{name}: expected one unit for every row, found {units[:4]}")
    return units[0]
