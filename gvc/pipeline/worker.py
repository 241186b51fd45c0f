"""One unit of work, (dataset, year): read, harmonise, compute, write partitions.

:func:`process_unit` receives paths and options only (a picklable :class:`UnitSpec`), never
matrices, and never opens the DuckDB store: it can run in this process, in a process pool or
on a Dask worker that sees the same file system. It returns a small :class:`UnitResult`; a
failure is returned (one line and the exit code of its error class), not raised, so that one
bad year never stops the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from gvc.errors import GVCError, InputError
from gvc.indicators.inputs import table_from_facts
from gvc.ingestion.load import input_fact_tables
from gvc.pipeline import partitions as parts
from gvc.table import IOTable

log = logging.getLogger(__name__)

INPUT_TABLES = ("intermediate", "final_demand", "node_values")
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class UnitSpec:
    """Everything a worker needs for one (dataset, year): paths and options, no data."""

    dataset: str
    year: int
    path: str
    format: str
    harmonise: dict[str, Any]
    steps: tuple[str, ...]
    root: str
    input_sha256: str
    options_hash: str
    gvc_version: str

    @property
    def fingerprint(self) -> dict[str, str]:
        return {
            "input_sha256": self.input_sha256,
            "options_hash": self.options_hash,
            "gvc_version": self.gvc_version,
        }


@dataclass(frozen=True)
class UnitResult:
    """What a worker reports back: enough to load the unit and to log it, nothing large."""

    dataset: str
    year: int
    ok: bool
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)
    input_sha256: str = ""
    warnings: tuple[str, ...] = ()
    error: str | None = None
    exit_code: int = 0
    started_at: str = ""


def dimension_tables(table: IOTable) -> dict[str, pa.Table]:
    """``countries, sectors, fd_categories, nodes`` rows (less ``dataset``) for the store."""
    from gvc.classifications import dimension_names

    names = dimension_names(table)
    out = {}
    for dim, col, labels in (
        ("countries", "country", table.countries),
        ("sectors", "sector", table.sectors),
        ("fd_categories", "category", table.fd_categories),
    ):
        lookup = names.get(dim, {})
        out[dim] = pa.table(
            {
                col: pa.array(list(labels), pa.string()),
                "position": pa.array(range(len(labels)), pa.int32()),
                "name": pa.array([lookup.get(lab) for lab in labels], pa.string()),
            }
        )
    c, s = table.node_labels()
    out["nodes"] = pa.table(
        {
            "node": np.arange(table.n, dtype=np.int32),
            "country": pa.array(list(c), pa.string()),
            "sector": pa.array(list(s), pa.string()),
            "country_pos": np.repeat(np.arange(table.G, dtype=np.int32), table.N),
            "sector_pos": np.tile(np.arange(table.N, dtype=np.int32), table.G),
        }
    )
    return out


def _read_one_year(spec: UnitSpec):
    """``gvc.readers.read`` for one year (a directory reader opens only that year's files and
    the year-less ones, so another year's broken file cannot fail this year)."""
    from gvc.readers import read

    return read(Path(spec.path), spec.format, spec.year)


def process_unit(spec: UnitSpec) -> UnitResult:
    """Read, harmonise, validate, compute ``spec.steps`` and write the unit's partitions.

    Order of writes: the old manifest goes first, then every fact partition (each atomic), then
    the unit directory with the new manifest. Partitions of tables this unit no longer produces
    (a step dropped from the pipeline) are removed.

    Returns
    -------
    UnitResult
        ``ok=False`` with a one-line ``error`` and the error class's exit code on failure.
    """
    from gvc.indicators.derived import Derived
    from gvc.indicators.run import compute_steps
    from gvc.ingestion.harmonise import HarmoniseOptions
    from gvc.ingestion.prepare import prepare

    t0 = time.perf_counter()
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()
    root = Path(spec.root)
    try:
        raws = [r for r in _read_one_year(spec) if int(r.year) == spec.year]
        if len(raws) != 1:
            raise InputError(f"{spec.path}: no table for year {spec.year}")
        prep, warnings = prepare(
            raws[0], spec.path, dataset=spec.dataset, options=HarmoniseOptions(**spec.harmonise)
        )
        facts = input_fact_tables(prep.table)
        t = prep.table
        table = table_from_facts(t.countries, t.sectors, t.fd_categories, facts)
        results = compute_steps(Derived(table), spec.steps)
        dims = dimension_tables(prep.table)

        parts.remove_dir(root, parts.unit_dir(root, spec.dataset, spec.year))
        rows: dict[str, int] = {}
        for name, tab in list(facts.items()) + [(k, v[0]) for k, v in results.items()]:
            parts.write_table_partition(root, name, spec.dataset, spec.year, tab)
            rows[name] = tab.num_rows
        for name in parts.table_dirs(root):
            if name not in rows:
                parts.remove_dir(root, parts.partition_dir(root, name, spec.dataset, spec.year))
        step_seconds = {k: float(v[1]) for k, v in results.items()}
        sha = prep.provenance["file_sha256"]
        manifest = {
            "dataset": spec.dataset,
            "year": spec.year,
            "input_sha256": sha,
            "options_hash": spec.options_hash,
            "gvc_version": spec.gvc_version,
            "steps": list(spec.steps),
            "tables": rows,
            "results": sorted(results),
            "step_seconds": step_seconds,
            "shape": [prep.table.G, prep.table.N, prep.table.F],
        }
        parts.write_unit_dir(root, spec.dataset, spec.year, dims, prep.provenance, manifest)
        return UnitResult(
            spec.dataset,
            spec.year,
            True,
            time.perf_counter() - t0,
            rows,
            step_seconds,
            sha,
            tuple(warnings),
            started_at=started,
        )
    except GVCError as exc:
        msg = " ".join(str(exc).split())
        return UnitResult(
            spec.dataset,
            spec.year,
            False,
            time.perf_counter() - t0,
            error=f"{type(exc).__name__}: {msg}",
            exit_code=exc.exit_code,
            started_at=started,
        )
    except Exception as exc:  # noqa: BLE001 - a worker reports, the driver decides
        log.exception("%s %s: internal error", spec.dataset, spec.year)
        msg = " ".join(str(exc).split())
        return UnitResult(
            spec.dataset,
            spec.year,
            False,
            time.perf_counter() - t0,
            error=f"internal error: {type(exc).__name__}: {msg}",
            exit_code=1,
            started_at=started,
        )
