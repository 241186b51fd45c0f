"""pymrio bridge: an ``IOSystem`` in as a faithful :class:`RawTable`, a stored table out.

In: :func:`read_iosystem` takes the system's ``Z`` (or ``A`` and ``x``), ``Y`` by region and
final-demand category, ``x`` when set, and the value added of one extension (default
``factor_inputs``, all its rows summed) in pymrio's own labels, and returns what a reader
returns. ``gvc.ingest(io, year=..., dataset=...)`` then harmonises, validates and loads it
like a file. With no file to hash, the table identity is the sha256 of the arrays, labels,
unit and year (:func:`iosystem_sha256`): the same system ingested twice is skipped, a changed
one needs ``replace``. Provenance (``tables.source``, ``format = 'pymrio'``, reader notes)
names the system, its version and the file pymrio read it from.

Out: :func:`to_pymrio` rebuilds an ``IOSystem`` from a stored ``(dataset, year)``: ``Z``,
``Y`` (categories kept), ``x`` and the extension ``factor_inputs`` holding one row
``Value Added`` (the stored value added), with the table's unit. Note pymrio's names: its
``L`` is gvc's global inverse ``B`` and its ``B`` a Ghosh matrix (docs/notation.md).

pymrio is imported inside the functions: ``import gvc`` never needs it.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.readers.raw import RawTable

#: the name of the value-added row of :func:`to_pymrio`'s ``factor_inputs`` extension
VA_ROW = "Value Added"


def is_iosystem(obj: Any) -> bool:
    """True for a ``pymrio.IOSystem`` (checked without importing pymrio for other objects)."""
    if isinstance(obj, (str, os.PathLike)):
        return False
    cls = type(obj)
    return cls.__name__ == "IOSystem" and cls.__module__.split(".")[0] == "pymrio"


def _labels(io: Any) -> tuple[list[str], list[str], list[str]]:
    regions = [str(r) for r in io.get_regions()]
    sectors = [str(s) for s in io.get_sectors()]
    cats = [str(c) for c in io.get_Y_categories()]
    return regions, sectors, cats


def _arrays(io: Any, name: str) -> dict[str, np.ndarray]:
    """Z, Y (regions x categories), x (or None) and value added (or None), checked."""
    regions, sectors, cats = _labels(io)
    nodes = pd.MultiIndex.from_product([regions, sectors])
    fd = pd.MultiIndex.from_product([regions, cats])

    def square(df: Any, what: str) -> pd.DataFrame:
        if not isinstance(df, pd.DataFrame):
            raise InputError(f"pymrio system {name}: {what} is missing")
        d = df.copy()
        d.index = pd.MultiIndex.from_tuples([tuple(map(str, t)) for t in d.index])
        d.columns = pd.MultiIndex.from_tuples([tuple(map(str, t)) for t in d.columns])
        return d

    if isinstance(io.Z, pd.DataFrame):
        Zdf = square(io.Z, "Z")
    elif isinstance(io.A, pd.DataFrame) and isinstance(io.x, pd.DataFrame):
        Zdf = square(io.A, "A") * io.x.to_numpy().reshape(1, -1)
    else:
        raise InputError(f"pymrio system {name}: neither Z nor A with x is set")
    Ydf = square(io.Y, "Y")
    try:
        Z = Zdf.reindex(index=nodes, columns=nodes).to_numpy(dtype=np.float64)
        Y = Ydf.reindex(index=nodes, columns=fd).to_numpy(dtype=np.float64)
    except (KeyError, ValueError) as exc:  # pragma: no cover - pandas edge cases
        raise InputError(f"pymrio system {name}: Z/Y labels do not line up: {exc}") from exc
    for what, arr in (("Z", Z), ("Y", Y)):
        if np.isnan(arr).any():
            raise InputError(
                f"pymrio system {name}: {what} lacks rows or columns of some region/sector "
                "(or holds NaN)"
            )
    x = None
    if isinstance(io.x, pd.DataFrame):
        xs = io.x.iloc[:, 0].copy()
        xs.index = pd.MultiIndex.from_tuples([tuple(map(str, t)) for t in xs.index])
        x = xs.reindex(nodes).to_numpy(dtype=np.float64)
    return {"Z": Z, "Y": Y, "x": x}  # type: ignore[dict-item]


def _value_added(
    io: Any, name: str, extension: str, rows: list[str] | None
) -> tuple[np.ndarray | None, str]:
    regions, sectors, _ = _labels(io)
    ext = getattr(io, extension, None)
    if ext is None or not isinstance(getattr(ext, "F", None), pd.DataFrame):
        return None, f"no extension {extension!r} with F: value added is the residual x - 1'Z"
    F = ext.F.copy()
    F.columns = pd.MultiIndex.from_tuples([tuple(map(str, t)) for t in F.columns])
    have = [str(r) for r in F.index]
    F.index = have
    use = have if rows is None else [str(r) for r in rows]
    missing = sorted(set(use) - set(have))
    if missing:
        raise InputError(
            f"pymrio system {name}: extension {extension!r} has no rows {missing}; it has {have}"
        )
    va = (
        F.loc[use]
        .reindex(columns=pd.MultiIndex.from_product([regions, sectors]))
        .to_numpy(dtype=np.float64)
        .sum(axis=0)
    )
    return va, f"value added: sum of pymrio extension {extension!r} rows {use}"


def _unit(io: Any, name: str) -> str:
    u = getattr(io, "unit", None)
    if not isinstance(u, pd.DataFrame) or u.empty:
        return "unknown"
    units = sorted({str(v) for v in u.iloc[:, 0]})
    if len(units) != 1:
        raise InputError(f"pymrio system {name}: several units {units}; gvc stores one per table")
    return units[0]


def iosystem_sha256(arrays: dict[str, Any], labels: Any, unit: str, year: int) -> str:
    """sha256 of a system's content: the arrays (float64 bytes), labels, unit and year.

    It stands in for a file's sha256 in the table identity
    (:func:`gvc.catalog.tables.table_identity`).
    """
    h = hashlib.sha256()
    h.update(json.dumps({"labels": labels, "unit": unit, "year": year}).encode())
    for key in sorted(arrays):
        a = arrays[key]
        h.update(key.encode())
        if a is None:
            h.update(b"none")
        else:
            h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return h.hexdigest()


def read_iosystem(
    io: Any,
    *,
    year: int | None = None,
    va_extension: str = "factor_inputs",
    va_rows: list[str] | None = None,
) -> tuple[RawTable, str]:
    """A ``pymrio.IOSystem`` as a :class:`RawTable` in its own labels, and its content sha256.

    Parameters
    ----------
    io : the system (``Z`` or ``A`` and ``x``, and ``Y`` must be set).
    year : the table's year; default ``io.year``.
    va_extension : the extension whose ``F`` rows are the value added (pymrio's parsers name
        it ``factor_inputs``); absent: gvc's residual value added ``x - 1'Z`` applies.
    va_rows : the rows of that extension to sum (default all).

    Raises
    ------
    InputError
        no year, missing Z/Y, labels that do not line up, several units, unknown VA rows.

    Examples
    --------
    >>> import pymrio                                         # doctest: +SKIP
    >>> raw, sha = read_iosystem(pymrio.load_test(), year=2000)  # doctest: +SKIP
    >>> raw.countries[:2], raw.va_item                        # doctest: +SKIP
    (['reg1', 'reg2'], 'VA')
    """
    name = str(getattr(io, "name", None) or "IOSystem")
    y = year if year is not None else getattr(io, "year", None)
    if y is None:
        raise InputError(f"pymrio system {name}: it has no year; pass year=")
    try:
        y = int(y)
    except (TypeError, ValueError) as exc:
        raise InputError(f"pymrio system {name}: year {y!r} is not an integer") from exc
    regions, sectors, cats = _labels(io)
    arr = _arrays(io, name)
    va, va_note = _value_added(io, name, va_extension, va_rows)
    unit = _unit(io, name)
    n = len(regions) * len(sectors)
    F = len(cats)
    reg = np.repeat(np.array(regions, dtype=object), len(sectors))
    sec = np.tile(np.array(sectors, dtype=object), len(regions))
    Z, Y = arr["Z"], arr["Y"]
    i, j = np.nonzero(Z)
    k, c = np.nonzero(Y)
    cells = pd.DataFrame(
        {
            "row_country": np.concatenate([reg[i], reg[k]]),
            "row_sector": np.concatenate([sec[i], sec[k]]),
            "col_country": np.concatenate([reg[j], np.array(regions, dtype=object)[c // F]]),
            "col_item": np.concatenate([sec[j], np.array(cats, dtype=object)[c % F]]),
            "value": np.concatenate([Z[i, j], Y[k, c]]),
        }
    )
    inputs = []
    if arr["x"] is not None:
        inputs.append(pd.DataFrame({"country": reg, "sector": sec, "item": "x", "value": arr["x"]}))
    if va is not None:
        inputs.append(pd.DataFrame({"country": reg, "sector": sec, "item": "VA", "value": va}))
    inp = (
        pd.concat(inputs, ignore_index=True)
        if inputs
        else pd.DataFrame(columns=["country", "sector", "item", "value"])
    )
    meta = getattr(io, "meta", None)
    version = getattr(meta, "version", None) if meta is not None else None
    system = getattr(meta, "system", None) if meta is not None else None
    history = list(getattr(meta, "history", []) or []) if meta is not None else []
    loaded = [h for h in history if "FILEIO" in h]
    source = f"pymrio.IOSystem {name}" + (f" (version {version})" if version else "")
    notes = [
        f"pymrio IOSystem {name!r}: system {system}, version {version}, {n} nodes, "
        f"{len(cats)} final-demand categories",
        va_note,
        "output: "
        + ("the system's x (indout)" if arr["x"] is not None else "not set in the system"),
        "table identity: sha256 of the system's arrays, labels, unit and year (no file)",
    ] + [f"pymrio history: {h}" for h in loaded[:3]]
    raw = RawTable(
        cells=cells,
        inputs=inp,
        countries=regions,
        sectors=sectors,
        fd_categories=cats,
        year=y,
        source=source,
        format="pymrio",
        edition=str(version) if version else None,
        unit=unit,
        output_item="x" if arr["x"] is not None else None,
        va_item="VA" if va is not None else None,
        notes=notes,
    )
    sha = iosystem_sha256(
        {"Z": Z, "Y": Y, "x": arr["x"], "va": va}, [regions, sectors, cats], unit, y
    )
    return raw, sha


def default_dataset_name(io: Any) -> str:
    """``io.name`` lower-cased with non-alphanumerics as ``_`` (``testmrio``)."""
    import re

    name = str(getattr(io, "name", None) or "pymrio")
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_") or "pymrio"


def to_pymrio(
    db: str | os.PathLike | None = None, dataset: str | None = None, year: int | None = None
) -> Any:
    """The stored ``(dataset, year)`` as a ``pymrio.IOSystem``.

    ``Z`` and ``Y`` (by region and category) with pymrio's ``region``/``sector``/``category``
    index names, ``x`` (column ``indout``), ``unit``, and the extension ``factor_inputs``
    with one row ``Value Added`` (the stored value added, the table's unit). ``calc_all()``
    on it gives pymrio's accounts (footprints ``D_cba`` ...) of the stored table.

    Raises
    ------
    InputError
        pymrio is not installed, or ``dataset``/``year`` not given.
    SchemaError
        the store holds no such table.

    Examples
    --------
    >>> io = to_pymrio("gvc.duckdb", "wiod2013", 2011)   # doctest: +SKIP
    >>> io.calc_all().factor_inputs.D_cba_reg             # doctest: +SKIP
    """
    if dataset is None or year is None:
        raise InputError("to_pymrio needs dataset and year")
    try:
        import pymrio
    except ImportError as exc:
        raise InputError("to_pymrio needs pymrio: pip install 'gvc[pymrio]'") from exc
    from gvc.catalog import open_store
    from gvc.indicators.inputs import read_iotable
    from gvc.store import fetch_one

    with open_store(db, read_only=True) as con:
        t = read_iotable(con, dataset, int(year))
        row = fetch_one(
            con, "SELECT unit FROM tables WHERE dataset = ? AND year = ?", [dataset, int(year)]
        )
    unit = str(row[0]) if row and row[0] else "unknown"
    nodes = pd.MultiIndex.from_product(
        [list(t.countries), list(t.sectors)], names=["region", "sector"]
    )
    fd = pd.MultiIndex.from_product(
        [list(t.countries), list(t.fd_categories)], names=["region", "category"]
    )
    io = pymrio.IOSystem(
        Z=pd.DataFrame(t.Z, index=nodes, columns=nodes),
        Y=pd.DataFrame(t.Y_detail, index=nodes, columns=fd),
        x=pd.DataFrame(t.x, index=nodes, columns=["indout"]),
        unit=pd.DataFrame(unit, index=nodes, columns=["unit"]),
        name=dataset,
        year=int(year),
        description=f"gvc store table {dataset} {year}",
    )
    va_idx = pd.Index([VA_ROW], name="inputtype")
    io.factor_inputs = pymrio.Extension(
        name="factor_inputs",
        F=pd.DataFrame(t.va[None, :], index=va_idx, columns=nodes),
        unit=pd.DataFrame(unit, index=va_idx, columns=["unit"]),
    )
    return io
