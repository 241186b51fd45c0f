"""The Python API: the same operations as the CLI, for notebooks and scripts.

>>> import gvc                                             # doctest: +SKIP
>>> gvc.ingest("datasets/wiod2013", db="gvc.duckdb")      # doctest: +SKIP
>>> gvc.run(db="gvc.duckdb", dataset="wiod2013")          # doctest: +SKIP
>>> gvc.query("SELECT * FROM vax WHERE year = 2011 ORDER BY vax DESC LIMIT 5")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa

from gvc.errors import AuditError, InputError
from gvc.indicators import run as _run
from gvc.indicators.registry import DEFAULT_STEPS  # noqa: F401 (re-exported)
from gvc.ingestion.load import file_sha256, load_table
from gvc.store import fetch_one, open_store, run_sql

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


def default_dataset_name(path: str | os.PathLike, fmt: str, edition: str | None) -> str:
    """A dataset name derived from the input: the directory name, or the file stem without its year."""
    p = Path(path)
    if fmt == "oecd-icio":
        return f"icio{edition}" if edition else "icio"
    if fmt == "wiod2016":
        return "wiod2016"
    stem = p.name if p.is_dir() else p.stem
    stem = re.sub(r"[_\-]?(19|20)\d\d$", "", stem) or stem
    return stem.lower()


def ingest(
    path: str | os.PathLike,
    *,
    db: str | os.PathLike | None = None,
    format: str = "auto",
    dataset: str | None = None,
    year: int | None = None,
    replace: bool = False,
    options: Any = None,
    progress: Progress | None = None,
) -> list[IngestResult]:
    """Read, harmonise, validate and load an IO table (every year found) into the store.

    Each year is validated before anything is written and loaded in one transaction; a year
    already ingested from the same file is skipped. Returns one :class:`IngestResult` a year.

    Raises
    ------
    InputError
        the file is missing, truncated, of another format, unbalanced, has negative
        intermediate flows, NaN, unknown or duplicate labels. The store is unchanged.
    """
    from gvc.classifications import dimension_names
    from gvc.ingestion.harmonise import harmonise
    from gvc.ingestion.validate import validate
    from gvc.readers import read

    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or directory")
    raws = read(p, format=format, year=year)
    if not raws:
        raise InputError(f"{p}: no table found" + (f" for year {year}" if year else ""))
    results = []
    with open_store(db) as con:
        for k, raw in enumerate(raws):
            if progress:
                progress(f"ingest {raw.year}", k, len(raws))
            name = dataset or default_dataset_name(p, raw.format, raw.edition)
            src = Path(raw.source)
            sha = file_sha256(src if src.exists() else p)
            table, steps = harmonise(raw, options)
            warnings = validate(table, str(raw.source))
            for w in warnings:
                log.warning("%s", w)
            steps_names = {s.get("step") for s in steps}
            va_def = next(
                (s.get("detail", "") for s in steps if s.get("step") == "value_added"),
                "residual: x - column sums of Z" if raw.va_item is None else "row",
            )
            if "residual" in str(va_def).lower() and not str(va_def).startswith("residual"):
                va_def = "residual: " + str(va_def)
            out_def = next(
                (s.get("detail", "") for s in steps if s.get("step") == "output"),
                "row sums Z 1 + Y 1" if raw.output_item is None else "file",
            )
            provenance = {
                "source": str(raw.source),
                "format": raw.format,
                "edition": raw.edition,
                "file_sha256": sha,
                "unit": raw.unit,
                "value_added_definition": str(va_def),
                "output_definition": str(out_def),
                "harmonisation": steps + [{"step": "reader_note", "detail": n} for n in raw.notes],
                "warnings": warnings,
            }
            del steps_names
            status = load_table(
                con,
                table,
                dataset=name,
                year=int(raw.year),
                provenance=provenance,
                replace=replace,
                names=dimension_names(table),
            )
            results.append(IngestResult(name, int(raw.year), status, str(raw.source), tuple(warnings)))
        if progress:
            progress("done", len(raws), len(raws))
    return results


def run(
    *,
    db: str | os.PathLike | None = None,
    dataset: str | None = None,
    year: int | None = None,
    steps: Iterable[str] = DEFAULT_STEPS,
    progress: Progress | None = None,
) -> list[tuple[str, int, dict[str, int]]]:
    """Compute indicator ``steps`` for the stored tables (all, one dataset, or one year)."""
    with open_store(db) as con:
        return _run.run(con, dataset, year, steps, progress)


def query(
    sql: str,
    params: Any = None,
    *,
    db: str | os.PathLike | None = None,
    as_: Literal["pandas", "arrow"] = "pandas",
) -> pd.DataFrame | pa.Table:
    """Run a SQL query on the store (read-only) and return a pandas DataFrame or Arrow table."""
    with open_store(db, read_only=True) as con:
        res = run_sql(con, sql, params, obj="query")
        return res.fetch_arrow_table() if as_ == "arrow" else res.df()


def audit(*, db: str | os.PathLike | None = None, raise_on_violation: bool = False) -> dict[str, int]:
    """Run every audit view; returns ``{audit name: number of violating rows}``.

    Raises
    ------
    AuditError
        when ``raise_on_violation`` and any audit returns rows.
    """
    from gvc.sql import audits

    out = {}
    with open_store(db, read_only=True) as con:
        for obj in audits():
            row = fetch_one(con, f"SELECT count(*) FROM {obj.name}", obj=obj.name)
            out[obj.name] = int(row[0]) if row else 0
    bad = {k: v for k, v in out.items() if v}
    if bad and raise_on_violation:
        raise AuditError(
            "audit violations: " + ", ".join(f"{k} ({v} rows)" for k, v in bad.items())
        )
    return out
