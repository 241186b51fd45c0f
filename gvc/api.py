"""The Python API: the same operations as the CLI, for notebooks and scripts.

>>> import gvc                                             # doctest: +SKIP
>>> gvc.ingest("datasets/wiod2013", db="gvc.duckdb")      # doctest: +SKIP
>>> gvc.run(db="gvc.duckdb", dataset="wiod2013")          # doctest: +SKIP
>>> gvc.query("SELECT * FROM vax WHERE year = 2011 ORDER BY vax DESC LIMIT 5")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa

from gvc.catalog import open_store
from gvc.errors import AuditError, InputError, SchemaError
from gvc.indicators import run as _run
from gvc.indicators.registry import DEFAULT_STEPS  # noqa: F401 (re-exported)
from gvc.ingestion.load import load_table
from gvc.store import fetch_arrow, fetch_one, run_sql, transaction

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IngestResult:
    """What ``ingest`` did with one year of a file."""

    dataset: str
    year: int
    status: str  # loaded | replaced | skipped
    source: str
    warnings: tuple[str, ...] = ()


def ingest(
    path: str | os.PathLike | Any,
    *,
    db: str | os.PathLike | None = None,
    format: str = "auto",
    dataset: str | None = None,
    year: int | None = None,
    replace: bool = False,
    options: Any = None,
    progress: Progress | None = None,
    unit: str | None = None,
) -> list[IngestResult]:
    """Read, harmonise, validate and load an IO table (every year found) into the store.

    ``path`` is a file or directory, or a ``pymrio.IOSystem`` (:mod:`gvc.bridges.pymrio`:
    give ``year`` when the system has none; the table identity is the sha256 of its arrays).

    The whole call is one transaction: every year is validated and loaded, or (on any error)
    none is. A year already ingested from the same file is skipped. Returns one
    :class:`IngestResult` a year. ``unit`` declares the unit of a table that does not state
    one (the long layout without a ``unit`` column or ``unit.txt``), e.g. ``"EUR million"``.

    Raises
    ------
    InputError
        the file is missing, truncated, of another format, unbalanced, has negative
        intermediate flows, NaN, unknown or duplicate labels, no unit (or one that contradicts
        ``unit``). The store is unchanged.
    """
    from gvc.catalog.tables import stored_identity, table_identity
    from gvc.ingestion.prepare import (
        default_dataset_name,
        identity_options,
        prepare,
        source_sha256,
    )
    from gvc.readers import read

    if unit is not None:
        import dataclasses

        from gvc.ingestion.harmonise import HarmoniseOptions

        options = dataclasses.replace(options or HarmoniseOptions(), unit=unit)
    from gvc.names import check_dataset_name

    if dataset is not None:
        check_dataset_name(dataset, "dataset")
    digest: str | None = None
    if _is_iosystem(path):
        from gvc.bridges.pymrio import default_dataset_name as io_name
        from gvc.bridges.pymrio import read_iosystem

        raw0, digest = read_iosystem(path, year=year)
        dataset = dataset or io_name(path)
        p = Path(raw0.source)
        raws = [raw0]
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")
        raws = read(p, format=format, year=year)
    if not raws:
        raise InputError(f"{p}: no table found" + (f" for year {year}" if year else ""))
    results = []
    with open_store(db) as con:
        # one transaction for the whole ingest: a bad year leaves no year of it behind
        with transaction(con):
            for k, raw in enumerate(raws):
                if progress:
                    progress(f"ingest {raw.year}", k, len(raws))
                name = dataset or check_dataset_name(
                    default_dataset_name(p, raw.format, raw.edition),
                    f"{p}: the dataset name derived from the path (pass --dataset NAME)",
                )
                src = Path(raw.source) if Path(raw.source).exists() else p
                sha = digest or source_sha256(src, int(raw.year))
                ident = table_identity(sha, identity_options(options))
                if stored_identity(con, name, int(raw.year)) == ident:
                    log.info("%s %s: already ingested from the same file, skipped", name, raw.year)
                    results.append(IngestResult(name, int(raw.year), "skipped", str(raw.source)))
                    continue
                # the sha256 just computed: each input is hashed once
                prep, warnings = prepare(raw, p, dataset=name, options=options, file_sha256=sha)
                for w in warnings:
                    log.info("%s", w)
                status = load_table(
                    con,
                    prep.table,
                    dataset=prep.dataset,
                    year=prep.year,
                    provenance=prep.provenance,
                    replace=replace,
                )
                results.append(
                    IngestResult(prep.dataset, prep.year, status, str(raw.source), tuple(warnings))
                )
            if progress:
                progress("done", len(raws), len(raws))
    return results


def _is_iosystem(obj: Any) -> bool:
    from gvc.bridges.pymrio import is_iosystem

    return is_iosystem(obj)


def to_pymrio(
    db: str | os.PathLike | None = None, dataset: str | None = None, year: int | None = None
) -> Any:
    """A stored table as a ``pymrio.IOSystem`` (:func:`gvc.bridges.pymrio.to_pymrio`)."""
    from gvc.bridges.pymrio import to_pymrio as _to

    return _to(db, dataset, year)


def aggregate(
    dataset: str,
    *,
    countries: Any = None,
    sectors: Any = None,
    new_dataset: str | None = None,
    years: Iterable[int] | None = None,
    replace: bool = False,
    db: str | os.PathLike | None = None,
) -> list[Any]:
    """A new dataset from a stored one and concordances (:func:`gvc.groups.derive.aggregate`).

    >>> gvc.aggregate("wiod2013", countries="eu27_2020_wiod2013")  # doctest: +SKIP
    """
    from gvc.groups.derive import aggregate as _aggregate

    return _aggregate(
        dataset,
        countries=countries,
        sectors=sectors,
        new_dataset=new_dataset,
        years=years,
        replace=replace,
        db=db,
    )


def run(
    *,
    db: str | os.PathLike | None = None,
    dataset: str | None = None,
    year: int | Iterable[int] | None = None,
    steps: Iterable[str] = DEFAULT_STEPS,
    progress: Progress | None = None,
    force: bool = False,
    wait: float | None = None,
) -> list[tuple[str, int, dict[str, int]]]:
    """Compute indicator ``steps`` for the stored tables (all, one dataset, some years).

    Steps already up to date are skipped unless ``force``. The store is written one
    ``(dataset, year)`` at a time and is closed while a year computes, so other processes
    can read it during the run (:func:`gvc.indicators.run.run_store`); ``wait``: seconds to
    wait for a store another process holds.
    """
    return _run.run_store(db, dataset, year, steps, progress, force=force, wait=wait)


def query(
    sql: str,
    params: Any = None,
    *,
    db: str | os.PathLike | None = None,
    as_: Literal["pandas", "arrow"] = "pandas",
    wait: float | None = None,
) -> pd.DataFrame | pa.Table:
    """Run a SQL query on the store (read-only) and return a pandas DataFrame or Arrow table.

    ``wait``: seconds to keep trying while a writer holds the store (default
    :data:`gvc.store.LOCK_WAIT`, 0 unless the CLI's ``--wait`` set it).
    """
    with open_store(db, read_only=True, wait=wait) as con:
        if as_ != "arrow":
            return run_sql(con, sql, params, obj="query").df()
        return fetch_arrow(con, sql, params, obj="query")


def audit(
    *,
    db: str | os.PathLike | None = None,
    raise_on_violation: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Run every audit view; returns ``{audit name: number of violating rows}``.

    Raises
    ------
    AuditError
        when ``raise_on_violation`` and any audit returns rows.
    """
    from gvc.sql import audits

    out = {}
    objs = audits()
    with open_store(db, read_only=True) as con:
        for k, obj in enumerate(objs):
            if progress:
                progress(f"audit {obj.name}", k, len(objs))
            row = fetch_one(con, f"SELECT count(*) FROM {obj.name}", obj=obj.name)
            out[obj.name] = int(row[0]) if row else 0
        if progress:
            progress("done", len(objs), len(objs))
    bad = {k: v for k, v in out.items() if v}
    if bad and raise_on_violation:
        raise AuditError(
            "audit violations: " + ", ".join(f"{k} ({v} rows)" for k, v in bad.items())
        )
    return out


_DECOMP_STEP = {"kww": "kww", "wwz": "wwz", "bm": "bm"}


def decompose(
    method: str,
    *,
    db: str | os.PathLike | None = None,
    dataset: str,
    exporter: str,
    year: int | None = None,
    importer: str | None = None,
    by_sector: bool = False,
    approach: str = "source",
    perspective: str = "world",
) -> pd.DataFrame:
    """One exporter's decomposition (``kww``, ``wwz`` or ``bm``) as a wide table (terms as columns).

    Years of ``dataset`` that lack the method's results are computed first. For ``bm``,
    ``perspective`` is ``world``, ``exporter`` or an own-flow perimeter (``sector``: one row per
    exporting sector; ``bilateral``: per importer; ``bilateral_sector``: per sector and
    importer); the approach does not matter at own-flow perimeters.

    Examples
    --------
    ``gvc.decompose("bm", dataset="wiod2013", exporter="MEX", year=2011,
    perspective="bilateral", importer="USA")``

    Raises
    ------
    InputError
        unknown method, exporter or importer.
    SchemaError
        the dataset, or the ``year`` asked for, is not in the store (checked before any
        computation).
    """
    if method not in _DECOMP_STEP:
        raise InputError(f"unknown method {method!r}; choose kww, wwz or bm")
    if method == "bm":
        from gvc.kernels.borin_mancini import OWN_FLOW, PERSPECTIVES

        if perspective not in PERSPECTIVES:
            raise InputError(
                f"unknown perspective {perspective!r}; choose {', '.join(PERSPECTIVES)}"
            )
        if approach not in ("source", "sink"):
            raise InputError(f"unknown approach {approach!r}; choose source or sink")
        if perspective in OWN_FLOW:
            approach = "source"  # stored once: source and sink coincide at own-flow perimeters
    table = {"kww": "decomp_kww", "wwz": "decomp_wwz", "bm": "decomp_bm"}[method]
    step = _DECOMP_STEP[method]
    with open_store(db, read_only=True) as con:
        known = {
            r[0]
            for r in run_sql(
                con, "SELECT country FROM countries WHERE dataset = ?", [dataset]
            ).fetchall()
        }
        if not known:
            raise SchemaError(f"dataset {dataset!r} is not in the store; run 'gvc ingest' first")
        if exporter not in known:
            raise InputError(f"exporter {exporter!r} is not a country of {dataset!r}")
        if importer is not None and importer not in known:
            raise InputError(f"--importer {importer!r} is not a country of {dataset!r}")
        if year is not None:
            from gvc.lockin.store import check_year

            check_year(con, dataset, year)
        missing = _stale_years(con, dataset, year, step)
    if missing:
        # compute the years whose result is missing or stale (fresh ones are skipped); a
        # store whose results are all fresh is only read (it may be on a read-only disk)
        _run.run_store(db, dataset, missing, (step,))
    with open_store(db, read_only=True) as con:
        where = ["dataset = ?", "exporter = ?"]
        params: list[Any] = [dataset, exporter]
        if year is not None:
            where.append("year = ?")
            params.append(year)
        keys = ["year"]
        if method in ("wwz", "bm"):
            if importer:
                where.append("importer = ?")
                params.append(importer)
            # the sectoral perimeter is a sector's total exports: summed over importers
            if not (method == "bm" and perspective == "sector"):
                keys.append("importer")
            if by_sector or (method == "bm" and perspective in ("sector", "bilateral_sector")):
                keys.append("export_sector")
        if method == "bm":
            where += ["approach = ?", "perspective = ?"]
            params += [approach, perspective]
        sql = (
            f"SELECT {', '.join(keys)}, term, sum(value) AS value FROM {table} "
            f"WHERE {' AND '.join(where)} GROUP BY ALL"
        )
        long = run_sql(con, sql, params, obj=table).df()
    if long.empty:
        return long
    wide = long.pivot_table(index=keys, columns="term", values="value", aggfunc="sum")
    order = _term_order(method)
    wide = wide.reindex(columns=[c for c in order if c in wide.columns]).fillna(0.0)
    return wide.reset_index()


def _stale_years(con: Any, dataset: str, year: int | None, step: str) -> list[int]:
    """Years of ``dataset`` (all, or ``year``) whose ``step`` result is missing or stale."""
    from gvc.indicators.registry import resolve_steps
    from gvc.store import list_tables

    years = [y for _, y in list_tables(con, dataset) if year is None or y == year]
    if not years:
        return []
    steps = resolve_steps((step,), con=con, dataset=dataset)
    return [y for y in years if _run.stale_steps(con, dataset, y, steps)]


def _term_order(method: str) -> list[str]:
    from gvc.kernels.borin_mancini import TERMS as BM_TERMS
    from gvc.kernels.kww import KWW_GROUPS, KWW_TERMS
    from gvc.kernels.wwz import WWZ_TERMS

    return {
        "kww": list(KWW_TERMS) + list(KWW_GROUPS),
        "wwz": list(WWZ_TERMS),
        "bm": list(BM_TERMS),
    }[method]
