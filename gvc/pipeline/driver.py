"""The pipeline driver: plan, lock, hand units to an executor, load each as it finishes.

Only the driver opens the store. Per run:

1. take the exclusive lock ``<db>.lock`` (:class:`~gvc.pipeline.locking.StoreLock`), remove
   temporaries a killed run left in the partition root, open the store;
2. plan: every unit against the store's ledger and the partitions on disk
   (:mod:`gvc.pipeline.plan`);
3. submit the units to run (at most ``executor.max_in_flight`` at a time) and, as each
   finishes, load its partitions in one transaction (:func:`gvc.pipeline.catalog.load_unit`);
   a failed unit gets a ``failed`` row in ``pipeline_runs`` and the others go on;
4. return a :class:`RunSummary`; its ``exit_code`` is 0 when every unit is done.

Events (``on_event``) are plain dicts, one per happening, for the CLI's progress display or
JSON log: ``run_started``, ``unit_skipped``, ``unit_started`` (handed to the executor),
``unit_finished``, ``unit_failed``, ``flags_finished`` / ``flags_failed`` (the ``[flags]`` of
the pipeline file, after the units), ``run_finished``.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gvc.errors import GVCError
from gvc.pipeline import catalog
from gvc.pipeline import partitions as parts
from gvc.pipeline.config import PipelineConfig, load_config
from gvc.pipeline.locking import StoreLock
from gvc.pipeline.plan import Decision, decide, units
from gvc.pipeline.worker import UnitResult, UnitSpec, process_unit

log = logging.getLogger(__name__)

Event = dict[str, Any]
OnEvent = Callable[[Event], None]


@dataclass
class RunSummary:
    """What a pipeline run did."""

    run_id: str
    executor: str
    decisions: list[Decision]
    done: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[tuple[str, int]] = field(default_factory=list)
    failed: list[tuple[str, int, str, int]] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        """0 if no unit failed, else the exit code of the first failed unit in (dataset, year)
        order: 2 bad input, 5 numerical, 3/4 store, 1 internal (see ``gvc.errors``)."""
        if not self.failed:
            return 0
        return sorted(self.failed)[0][3]


def _config(config: PipelineConfig | str | os.PathLike, db: str | os.PathLike | None):
    cfg = config if isinstance(config, PipelineConfig) else load_config(config)
    return cfg.with_db(db)


def plan_pipeline(
    config: PipelineConfig | str | os.PathLike,
    *,
    db: str | os.PathLike | None = None,
    force: bool = False,
) -> list[Decision]:
    """What a run would do with each unit and why, without writing anything."""
    from gvc import __version__

    cfg = _config(config, db)
    specs = units(cfg, __version__)
    return decide(specs, _read_state(cfg.db), force)


def _read_state(db: Path) -> catalog.State:
    from gvc.catalog import open_store

    if not Path(db).exists():
        return {}
    with open_store(db, read_only=True) as con:
        return catalog.read_state(con)


def run_pipeline(
    config: PipelineConfig | str | os.PathLike,
    *,
    db: str | os.PathLike | None = None,
    executor: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    wait: float = 0.0,
    on_event: OnEvent | None = None,
) -> RunSummary:
    """Run a pipeline: compute the units whose input, options or gvc version changed.

    Parameters
    ----------
    config : a :class:`PipelineConfig` or the path of its TOML file.
    db : store to write instead of ``[output] db``.
    executor : ``local``, ``local:N``, ``dask``, ``dask:N`` or ``dask:ADDRESS`` (default: the
        file's ``executor``, else ``local``).
    force : recompute every unit.
    dry_run : only plan; the returned summary lists each unit's action and reasons.
    wait : seconds to wait for another pipeline's lock on the store.
    on_event : called with one dict per event (see the module docstring).

    Returns
    -------
    RunSummary; ``exit_code`` is non-zero when a unit failed (its error is in
    ``pipeline_runs``; the other units are done).

    Raises
    ------
    LockError
        another pipeline holds the store (after ``wait`` seconds).
    InputError
        a bad pipeline file or executor, or a source whose years cannot be found.
    """
    from gvc import __version__
    from gvc.pipeline.executors import make_executor, parse_executor

    emit = on_event or (lambda e: None)
    cfg = _config(config, db)
    spec_str = executor or cfg.executor
    parse_executor(spec_str)
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    t0 = time.perf_counter()
    if dry_run:
        decisions = plan_pipeline(cfg, force=force)
        for d in decisions:
            emit(_unit_event("unit_planned", d.spec, action=d.action, reasons=list(d.reasons)))
        return RunSummary(run_id, spec_str, decisions, dry_run=True)

    with StoreLock(cfg.db, wait):
        parts.clean_temporaries(cfg.parquet)
        con = _Writer(cfg.db, wait)
        ex = None
        try:
            specs = units(cfg, __version__)
            with con() as c:
                catalog.ensure_pipeline_tables(c)
                decisions = decide(specs, catalog.read_state(c), force)
            summary = RunSummary(run_id, spec_str, decisions)
            todo = [d for d in decisions if d.action == "run"]
            emit(
                {
                    "event": "run_started",
                    "run_id": run_id,
                    "executor": spec_str,
                    "units": len(decisions),
                    "to_run": len(todo),
                    "to_load": sum(d.action == "load" for d in decisions),
                    "db": str(cfg.db),
                    "parquet": str(cfg.parquet),
                }
            )
            for d in decisions:
                if d.action == "skip":
                    summary.skipped.append((d.spec.dataset, d.spec.year))
                    emit(_unit_event("unit_skipped", d.spec, reason=d.why))
                elif d.action == "load":
                    emit(_unit_event("unit_started", d.spec, reasons=list(d.reasons)))
                    _load(con, cfg, run_id, spec_str, d.spec, None, summary, emit)
            if todo:
                ex = make_executor(spec_str)
                summary.executor = ex.name
                _run_units(con, cfg, run_id, ex, todo, summary, emit)
            if cfg.flags is not None:
                _flags(con, cfg, decisions, summary, emit)
        except BaseException:
            # an error, Ctrl-C or SIGTERM (the CLI raises on it): stop the workers now
            if ex is not None:
                ex.close(abort=True)
                ex = None
            raise
        finally:
            if ex is not None:
                ex.close()
    summary.seconds = time.perf_counter() - t0
    emit(
        {
            "event": "run_finished",
            "run_id": run_id,
            "done": len(summary.done),
            "skipped": len(summary.skipped),
            "failed": len(summary.failed),
            "seconds": round(summary.seconds, 3),
            "exit_code": summary.exit_code,
        }
    )
    return summary


class _Writer:
    """Opens the store for one write (a unit's load, a failure row, a dataset's flags).

    The driver holds DuckDB's write lock only while it writes: between writes (while the
    workers compute) other processes can read the store. A write waits up to
    :data:`gvc.indicators.run.WRITE_WAIT` seconds (or ``wait`` if longer) for readers to
    close it.
    """

    def __init__(self, db: Path, wait: float) -> None:
        from gvc.indicators.run import WRITE_WAIT

        self.db = db
        self.wait = max(WRITE_WAIT, wait)
        self.created = False

    def __call__(self):
        from gvc.catalog import open_store

        # the first write sets the schema up; the later ones only check it (faster)
        create, self.created = not self.created, True
        return open_store(self.db, wait=self.wait, create=create)


def _flags(con, cfg: PipelineConfig, decisions, summary: RunSummary, emit) -> None:
    """The pipeline's ``[flags]``: lock-in flags of each dataset, from the stored embeddedness
    of every year, unless fresh in the ledger for these rules and clusters
    (:func:`gvc.lockin.flags.ensure_flags`); a failure is recorded like a unit's."""
    from gvc.lockin.flags import ensure_flags

    assert cfg.flags is not None
    for dataset in dict.fromkeys(d.spec.dataset for d in decisions):
        t0 = time.perf_counter()
        try:
            with con() as c:
                rows = ensure_flags(
                    c, dataset, rules=cfg.flags["rules"], clusters=cfg.flags.get("clusters")
                )
        except GVCError as exc:
            msg = f"flags: {type(exc).__name__}: {' '.join(str(exc).split())}"
            summary.failed.append((dataset, 0, msg, exc.exit_code))
            log.info("%s flags failed: %s", dataset, msg)  # the event line reports it
            emit({"event": "flags_failed", "dataset": dataset, "error": msg})
            continue
        emit(
            {
                "event": "flags_finished",
                "dataset": dataset,
                "years": len(rows),
                "rows": sum(rows.values()),
                "seconds": round(time.perf_counter() - t0, 3),
                "up_to_date": not rows,
            }
        )


def _unit_event(event: str, spec: UnitSpec, **kw: Any) -> Event:
    return {"event": event, "dataset": spec.dataset, "year": spec.year, **kw}


def _run_units(con, cfg, run_id, ex, todo: list[Decision], summary: RunSummary, emit) -> None:
    queue = list(todo)
    in_flight: dict[Any, UnitSpec] = {}

    def refill() -> None:
        while queue and len(in_flight) < ex.max_in_flight:
            d = queue.pop(0)
            emit(_unit_event("unit_started", d.spec, reasons=list(d.reasons)))
            in_flight[ex.submit(process_unit, d.spec)] = d.spec

    while queue or in_flight:
        refill()
        for handle, res in ex.wait_any(list(in_flight)):
            spec = in_flight.pop(handle)
            if not getattr(ex, "lazy", False):
                refill()  # workers compute the next units while the driver loads this one
            if isinstance(res, BaseException):
                msg = " ".join(str(res).split()) or type(res).__name__
                res = UnitResult(
                    spec.dataset,
                    spec.year,
                    False,
                    error=f"worker lost: {type(res).__name__}: {msg}",
                    exit_code=1,
                )
            if res.ok:
                _load(con, cfg, run_id, ex.name, spec, res, summary, emit)
            else:
                _fail(
                    con,
                    run_id,
                    ex.name,
                    spec,
                    res.error or "failed",
                    res.exit_code,
                    res,
                    summary,
                    emit,
                )


def _load(con, cfg, run_id, executor, spec, res: UnitResult | None, summary, emit) -> None:
    t0 = time.perf_counter()
    try:
        with con() as c:
            rows = catalog.load_unit(
                c,
                cfg.parquet,
                spec,
                run_id,
                executor,
                seconds=None if res is None else res.seconds,
                started_at=None if res is None else res.started_at,
            )
    except GVCError as exc:
        msg = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        _fail(con, run_id, executor, spec, msg, exc.exit_code, res, summary, emit)
        return
    summary.done.append((spec.dataset, spec.year))
    emit(
        _unit_event(
            "unit_finished",
            spec,
            seconds=round(res.seconds, 3) if res else 0.0,
            load_seconds=round(time.perf_counter() - t0, 3),
            rows=sum(rows.values()),
            warnings=len(res.warnings) if res else 0,
            warning_messages=list(res.warnings) if res else [],
            loaded_only=res is None,
        )
    )


def _fail(con, run_id, executor, spec, error, code, res, summary, emit) -> None:
    with con() as c:
        catalog.record_failure(
            c,
            run_id,
            spec,
            error,
            res.seconds if res else 0.0,
            executor,
            res.started_at if res else None,
        )
    summary.failed.append((spec.dataset, spec.year, error, code))
    log.info("%s %s failed: %s", spec.dataset, spec.year, error)  # the event line reports it
    emit(_unit_event("unit_failed", spec, error=error, exit_code=code))


@dataclass(frozen=True)
class UnitStatus:
    """One line of ``gvc pipeline status``."""

    dataset: str
    year: int
    state: str  # up to date | stale | failed | never run
    detail: str
    last_run: str | None


def pipeline_status(
    config: PipelineConfig | str | os.PathLike, *, db: str | os.PathLike | None = None
) -> list[UnitStatus]:
    """Each unit's state: ``up to date``, ``stale`` (with why), ``failed`` (last run's error,
    no success since) or ``never run``. Reads the store read-only; writes nothing."""
    from gvc import __version__
    from gvc.catalog import open_store

    cfg = _config(config, db)
    specs = units(cfg, __version__)
    state: catalog.State = {}
    runs: dict = {}
    if Path(cfg.db).exists():
        with open_store(cfg.db, read_only=True) as con:
            state = catalog.read_state(con)
            runs = catalog.last_runs(con)
    out = []
    for d in decide(specs, state):
        key = (d.spec.dataset, d.spec.year)
        last = runs.get(key)
        when = str(last["finished_at"]) if last else None
        if last and last["status"] == "failed":
            out.append(UnitStatus(*key, "failed", last["error"] or "", when))
        elif d.action == "skip":
            out.append(UnitStatus(*key, "up to date", "", when))
        elif key not in state and last is None:
            detail = "partitions ready, not in store" if d.action == "load" else ""
            out.append(UnitStatus(*key, "never run", detail, when))
        else:
            out.append(UnitStatus(*key, "stale", d.why, when))
    return out
