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

from gvc.errors import GVCError, InputError
from gvc.ingestion.load import input_fact_tables
from gvc.pipeline import partitions as parts

log = logging.getLogger(__name__)

INPUT_TABLES = ("intermediate", "final_demand", "node_values")
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class UnitSpec:
    """Everything a worker needs for one (dataset, year): paths and options, no data.

    ``input_sha256`` is the sha256 of the year's input file(s); ``table_sha256`` the identity
    of the harmonised table (:func:`gvc.catalog.tables.table_identity`: file and options);
    ``step_hashes`` the options hash of each step's result (what the ledger records);
    ``chains`` the definitions of the ``chain:<name>`` steps and ``groups`` those of the
    ``group:<name>`` steps (plain dicts).
    """

    dataset: str
    year: int
    path: str
    format: str
    harmonise: dict[str, Any]
    steps: tuple[str, ...]
    root: str
    input_sha256: str
    table_sha256: str
    step_hashes: dict[str, str]
    gvc_version: str
    chains: tuple[dict[str, Any], ...] = ()
    groups: tuple[dict[str, Any], ...] = ()

    @property
    def fingerprint(self) -> dict[str, Any]:
        """What the unit's manifest must record for its partitions to be reused."""
        return {
            "table_sha256": self.table_sha256,
            "step_hashes": dict(self.step_hashes),
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


def _read_one_year(spec: UnitSpec):
    """``gvc.readers.read`` for one year (a directory reader opens only that year's files and
    the year-less ones, so another year's broken file cannot fail this year)."""
    from gvc.readers import read

    return read(Path(spec.path), spec.format, spec.year)


def process_unit(spec: UnitSpec) -> UnitResult:
    """Read, harmonise, validate, compute ``spec.steps`` and write the unit's partitions.

    Order of writes: the old manifest goes first, then every fact partition (each atomic), then
    the unit directory with the new manifest. Partitions of tables this unit no longer produces
    (a step dropped from the pipeline) are removed. The steps compute on the harmonised table
    itself (the arrays just written are not rebuilt from the rows).

    Returns
    -------
    UnitResult
        ``ok=False`` with a one-line ``error`` and the error class's exit code on failure.
    """
    from gvc.catalog.tables import dimension_tables
    from gvc.indicators.derived import Derived
    from gvc.indicators.registry import resolve_steps
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
        if prep.provenance["table_sha256"] != spec.table_sha256:
            raise InputError(
                f"{spec.path}: the input changed while the pipeline ran (sha256 differs from "
                "the plan); run again"
            )
        facts = input_fact_tables(prep.table)
        steps = resolve_steps(
            spec.steps, chains=spec.chains, groups=spec.groups, dataset=spec.dataset
        )
        results = compute_steps(Derived(prep.table), steps)
        dims = dimension_tables(prep.table)

        parts.remove_dir(root, parts.unit_dir(root, spec.dataset, spec.year))
        rows: dict[str, int] = {}
        written: set[tuple[str, tuple[tuple[str, Any], ...]]] = set()
        for name, tab in facts.items():
            parts.write_table_partition(root, name, spec.dataset, spec.year, tab)
            rows[name] = tab.num_rows
            written.add((name, ()))
        step_meta: dict[str, dict[str, Any]] = {}
        for step in steps:
            tables, sec = results[step.name]
            scope = dict(step.scope)
            files = {}
            for name, tab in tables.items():
                f = parts.write_table_partition(
                    root, name, spec.dataset, spec.year, tab, scope=scope
                )
                files[name] = {"file": str(f.relative_to(root)), "rows": tab.num_rows}
                written.add((name, tuple(sorted(scope.items()))))
            step_meta[step.name] = {
                "kind": step.kind,
                "scope": scope,
                "options": step.ledger_options,
                "seconds": sec,
                "tables": files,
            }
        parts.remove_stale_partitions(root, spec.dataset, spec.year, written)
        manifest = {
            "dataset": spec.dataset,
            "year": spec.year,
            "input_sha256": prep.provenance["file_sha256"],
            **spec.fingerprint,
            "inputs": rows,
            "steps": step_meta,
            "shape": [prep.table.G, prep.table.N, prep.table.F],
        }
        parts.write_unit_dir(root, spec.dataset, spec.year, dims, prep.provenance, manifest)
        all_rows = dict(rows)
        for meta in step_meta.values():
            for name, f in meta["tables"].items():
                all_rows[name] = all_rows.get(name, 0) + f["rows"]
        return UnitResult(
            spec.dataset,
            spec.year,
            True,
            time.perf_counter() - t0,
            all_rows,
            {k: float(v[1]) for k, v in results.items()},
            prep.provenance["file_sha256"],
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
