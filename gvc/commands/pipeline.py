"""``gvc pipeline run`` / ``gvc pipeline status``: scheduled, incremental pipeline runs.

Parses arguments, calls :func:`gvc.pipeline.run_pipeline` or
:func:`gvc.pipeline.pipeline_status`, and prints their events: a progress bar on an
interactive stderr, plain log lines otherwise, one JSON object per event with ``--log-json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from gvc.commands.output import Progress, add_output_options, emit, frame, status

EXIT_HELP = (
    "exit codes: 0 every unit done or up to date; 2 bad pipeline file, or bad input in a "
    "unit; 5 a unit's table is not productive; 1 internal error or lost worker; 3/4 store or "
    "SQL error; 7 the store is locked by another pipeline (see --wait). When units fail, the "
    "others are done and the first failed unit in (dataset, year) order gives the code; see "
    "gvc sql \"SELECT * FROM pipeline_runs WHERE status = 'failed'\""
)


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``gvc pipeline run`` and ``gvc pipeline status``."""
    p = sub.add_parser(
        "pipeline",
        help="scheduled, incremental pipeline runs (run, status)",
        description="Run a pipeline file: ingest and compute the (dataset, year) units whose "
        "input, options or gvc version changed, on a local, process-pool or Dask executor.",
        epilog=EXIT_HELP,
    )
    psub = p.add_subparsers(dest="pipeline_command", required=True, metavar="COMMAND")

    s = psub.add_parser(
        "run",
        parents=[common],
        help="run a pipeline (only the units that changed)",
        epilog=EXIT_HELP,
    )
    s.add_argument("pipeline", help="pipeline TOML file")
    s.add_argument("--force", action="store_true", help="recompute every unit")
    s.add_argument(
        "--dry-run", action="store_true", help="list what would run and why; write nothing"
    )
    s.add_argument(
        "--executor",
        help="local (default), local:N (N processes), dask (LocalCluster), dask:N, "
        "dask:ADDRESS (existing scheduler, e.g. tcp://host:8786)",
    )
    s.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another pipeline's lock on the store (default: fail at once)",
    )
    s.add_argument(
        "--log-json",
        action="store_true",
        help="one JSON object per event on stdout (a log stream; replaces the summary table)",
    )
    add_output_options(s)
    s.set_defaults(func=_run)

    s = psub.add_parser(
        "status", parents=[common], help="state of each unit: up to date, stale, failed, never run"
    )
    s.add_argument("pipeline", help="pipeline TOML file")
    add_output_options(s)
    s.set_defaults(func=_status)


class _Printer:
    """Turns driver events into output: JSON lines, a progress bar, or plain log lines."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.bar = Progress()
        self.total = 0
        self.count = 0

    def __call__(self, e: dict) -> None:
        if self.as_json:
            now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
            print(json.dumps({"time": now, **e}, default=str), flush=True)
            return
        kind = e["event"]
        if kind == "run_started":
            self.total = e["to_run"] + e["to_load"]
        if kind in ("unit_finished", "unit_failed"):
            self.count += 1
        if self.bar.tty:
            if kind in ("unit_finished", "unit_failed", "run_started") and self.total:
                label = f"{e.get('dataset', '')} {e.get('year', '')}".strip()
                self.bar(label, self.count, self.total)
            if kind == "unit_failed":
                sys.stderr.write(f"\nfailed {e['dataset']} {e['year']}: {e['error']}\n")
            return
        line = _plain(e)
        if line:
            print(line, file=sys.stderr, flush=True)


def _plain(e: dict) -> str | None:
    kind = e["event"]
    unit = f"{e.get('dataset')} {e.get('year')}"
    if kind == "run_started":
        return (
            f"run {e['run_id']}: {e['units']} units, {e['to_run']} to compute, "
            f"{e['to_load']} to load ({e['executor']})"
        )
    if kind == "unit_started":
        return f"started  {unit} ({', '.join(e['reasons'])})"
    if kind == "unit_skipped":
        return f"skipped  {unit} ({e['reason']})"
    if kind == "unit_finished":
        return (
            f"finished {unit}: {e['rows']:,} rows, {e['seconds']:.2f} s compute, "
            f"{e['load_seconds']:.2f} s load"
        )
    if kind == "unit_failed":
        return f"failed   {unit}: {e['error']}"
    if kind == "flags_finished":
        if e["up_to_date"]:
            return f"flags    {e['dataset']}: up to date"
        return (
            f"flags    {e['dataset']}: {e['years']} years, {e['rows']:,} rows, {e['seconds']:.2f} s"
        )
    if kind == "flags_failed":
        return f"failed   {e['dataset']} flags: {e['error']}"
    return None


def _run(a: argparse.Namespace) -> int:
    from gvc.pipeline import run_pipeline

    printer = _Printer(a.log_json)
    summary = run_pipeline(
        a.pipeline,
        db=a.db,
        executor=a.executor,
        force=a.force,
        dry_run=a.dry_run,
        wait=a.wait,
        on_event=printer,
    )
    if a.dry_run:
        if not a.log_json:
            emit(
                frame(
                    [(d.spec.dataset, d.spec.year, d.action, d.why) for d in summary.decisions],
                    ["dataset", "year", "action", "reasons"],
                ),
                a.format,
                a.output,
            )
        return 0
    if not a.log_json:
        status(
            f"run {summary.run_id} ({summary.executor}): {len(summary.done)} done, "
            f"{len(summary.skipped)} up to date, {len(summary.failed)} failed "
            f"in {summary.seconds:.1f} s"
        )
        failed = {(d, y): err for d, y, err, _code in summary.failed}
        rows: list[tuple[object, ...]] = [(d, y, "done", None) for d, y in summary.done]
        rows += [(d, y, "up to date", None) for d, y in summary.skipped]
        rows += [(d, y, "failed", err) for (d, y), err in sorted(failed.items())]
        emit(frame(sorted(rows), ["dataset", "year", "status", "error"]), a.format, a.output)
    return summary.exit_code


def _status(a: argparse.Namespace) -> int:
    from gvc.pipeline import pipeline_status

    rows = pipeline_status(a.pipeline, db=a.db)
    df = frame(
        [(r.dataset, r.year, r.state, r.detail, r.last_run) for r in rows],
        ["dataset", "year", "state", "detail", "last_run"],
    )
    emit(df, a.format, a.output)
    return 0
