"""Compute indicator steps for stored tables and write their results back, atomically."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable

import duckdb
import pyarrow as pa

from gvc.errors import SchemaError
from gvc.indicators.derived import Derived
from gvc.indicators.inputs import read_iotable
from gvc.indicators.registry import DEFAULT_STEPS, STEPS
from gvc.ingestion.load import insert_arrow
from gvc.store import list_tables, run_sql, transaction

log = logging.getLogger(__name__)


def compute_steps(d: Derived, steps: Iterable[str]) -> dict[str, tuple[pa.Table, float]]:
    """Run ``steps`` on one table; returns ``{table: (rows, seconds of its step)}``."""
    out: dict[str, tuple[pa.Table, float]] = {}
    for name in steps:
        if name not in STEPS:
            raise SchemaError(f"unknown step {name!r}; known: {', '.join(STEPS)}")
        t0 = time.perf_counter()
        tables = STEPS[name].compute(d)
        sec = time.perf_counter() - t0
        for tname, tab in tables.items():
            out[tname] = (tab, sec)
    return out


def write_results(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int,
    results: dict[str, tuple[pa.Table, float]],
) -> None:
    """Replace the rows of each result table for ``(dataset, year)`` in one transaction."""
    from gvc import __version__

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with transaction(con):
        # only tables computed before for this (dataset, year) can hold rows to replace
        done_before = {
            r[0]
            for r in run_sql(
                con,
                "SELECT result FROM results_log WHERE dataset = ? AND year = ?",
                [dataset, year],
                obj="results_log",
            ).fetchall()
        }
        for tname, (tab, sec) in results.items():
            target = f"facts.{tname}"
            if tname in done_before:
                run_sql(
                    con, f"DELETE FROM {target} WHERE dataset = ? AND year = ?", [dataset, year]
                )
            insert_arrow(con, target, dataset, year, tab)
            run_sql(
                con,
                "INSERT OR REPLACE INTO results_log VALUES (?, ?, ?, ?, ?, ?, ?)",
                [dataset, year, tname, tab.num_rows, sec, __version__, now],
                obj="results_log",
            )


def up_to_date_steps(
    con: duckdb.DuckDBPyConnection, dataset: str, year: int, steps: Iterable[str]
) -> set[str]:
    """Steps whose every table was computed after the table was ingested, by this gvc version."""
    from gvc import __version__

    rows = run_sql(
        con,
        "SELECT r.result FROM results_log r JOIN tables t USING (dataset, year) "
        "WHERE r.dataset = ? AND r.year = ? AND r.computed_at >= t.ingested_at "
        "AND r.gvc_version = ?",
        [dataset, year, __version__],
        obj="results_log",
    ).fetchall()
    have = {r[0] for r in rows}
    return {s for s in steps if s in STEPS and set(STEPS[s].facts_ddl) <= have}


def run(
    con: duckdb.DuckDBPyConnection,
    dataset: str | None = None,
    year: int | None = None,
    steps: Iterable[str] = DEFAULT_STEPS,
    progress: Callable[[str, int, int], None] | None = None,
    force: bool = False,
) -> list[tuple[str, int, dict[str, int]]]:
    """Compute ``steps`` for every stored table matching ``dataset``/``year``.

    Steps already computed for a table (after its ingest, by this gvc version) are skipped
    unless ``force``. Each ``(dataset, year)`` is read, computed and written in its own
    transaction, so a failure in one year leaves the others' results (and its own previous
    ones) intact.

    Returns
    -------
    list of ``(dataset, year, {table: rows})`` for the tables computed (empty dict: skipped).
    """
    steps = tuple(steps)
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise SchemaError(f"unknown step {unknown[0]!r}; known: {', '.join(STEPS)}")
    targets = [(d, y) for d, y in list_tables(con, dataset) if year is None or y == year]
    if not targets:
        what = f"dataset {dataset!r}" if dataset else "the store"
        raise SchemaError(
            f"nothing to run: {what} holds no table" + (f" for {year}" if year else "")
        )
    done = []
    for k, (d, y) in enumerate(targets):
        if progress:
            progress(f"{d} {y}", k, len(targets))
        fresh = set() if force else up_to_date_steps(con, d, y, steps)
        todo = tuple(s for s in steps if s not in fresh)
        if not todo:
            log.info("%s %s: up to date, skipped", d, y)
            done.append((d, y, {}))
            continue
        t0 = time.perf_counter()
        table = read_iotable(con, d, y)
        results = compute_steps(Derived(table), todo)
        write_results(con, d, y, results)
        log.info("%s %s: %s in %.2f s", d, y, ", ".join(results), time.perf_counter() - t0)
        done.append((d, y, {t: r.num_rows for t, (r, _) in results.items()}))
    if progress:
        progress("done", len(targets), len(targets))
    return done
