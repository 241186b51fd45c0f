"""Compute indicator steps for stored tables and write their results back, atomically.

Every step result goes to the store through :func:`gvc.catalog.ledger.write_result`, which
records it in the ledger; :func:`run` skips the steps whose ledger row is fresh (same input
identity, options and gvc version).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence

import duckdb
import pyarrow as pa

from gvc.catalog import ledger
from gvc.errors import SchemaError
from gvc.indicators.derived import Derived
from gvc.indicators.inputs import read_iotable
from gvc.indicators.registry import DEFAULT_STEPS, resolve_steps
from gvc.indicators.step import Step
from gvc.store import list_tables, transaction

log = logging.getLogger(__name__)

StepResults = dict[str, tuple[dict[str, pa.Table], float]]
"""``{step name: ({table: rows}, seconds)}``."""


def compute_steps(d: Derived, steps: Sequence[Step]) -> StepResults:
    """Run ``steps`` on one table; returns each step's tables and compute seconds."""
    out: StepResults = {}
    for step in steps:
        t0 = time.perf_counter()
        tables = step.compute(d)
        out[step.name] = (tables, time.perf_counter() - t0)
    return out


def write_results(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int,
    steps: Sequence[Step],
    results: StepResults,
    producer: str = "run",
) -> None:
    """Replace each step's result for ``(dataset, year)`` and its ledger row, in one
    transaction."""
    by_name = {s.name: s for s in steps}
    with transaction(con):
        for name, (tables, sec) in results.items():
            step = by_name[name]
            ledger.write_result(
                con,
                dataset,
                year,
                result=name,
                kind=step.kind,
                tables=tables,
                options=step.ledger_options,
                scope=step.scope,
                seconds=sec,
                producer=producer,
            )


def stale_steps(
    con: duckdb.DuckDBPyConnection, dataset: str, year: int, steps: Iterable[Step]
) -> list[Step]:
    """The steps whose stored result for ``(dataset, year)`` is missing or stale."""
    return [
        s for s in steps if ledger.status(con, dataset, year, s.name, s.options_hash) != "fresh"
    ]


def run(
    con: duckdb.DuckDBPyConnection,
    dataset: str | None = None,
    year: int | Iterable[int] | None = None,
    steps: Iterable[str] = DEFAULT_STEPS,
    progress: Callable[[str, int, int], None] | None = None,
    force: bool = False,
) -> list[tuple[str, int, dict[str, int]]]:
    """Compute ``steps`` for every stored table matching ``dataset``/``year``.

    ``steps`` are names of :data:`gvc.indicators.registry.STEPS`, ``chain:<name>`` for a chain
    defined in the store, ``chains`` for all of the dataset's chains, or ``flags``
    (:data:`STORE_STEPS`, computed last, from the stored embeddedness of every year). Steps
    whose result is fresh in the ledger are skipped unless ``force``. Each ``(dataset, year)``
    is read, computed and written in its own transaction, so a failure in one year leaves the
    others' results (and its own previous ones) intact.

    Returns
    -------
    list of ``(dataset, year, {table: rows})`` for the tables computed (empty dict: skipped).
    """
    names = tuple(steps)
    store_steps = [n for n in names if n in STORE_STEPS]
    if store_steps and "embeddedness" not in names:
        names = ("embeddedness", *names)  # the flags read every year's embeddedness
    names = tuple(n for n in names if n not in STORE_STEPS)
    years = None if year is None else ({year} if isinstance(year, int) else set(year))
    targets = [(d, y) for d, y in list_tables(con, dataset) if years is None or y in years]
    if not targets:
        what = f"dataset {dataset!r}" if dataset else "the store"
        when = f" for {', '.join(map(str, sorted(years)))}" if years else ""
        raise SchemaError(f"nothing to run: {what} holds no table{when}")
    if years is not None:
        missing = sorted(years - {y for _, y in targets})
        if missing:
            raise SchemaError(f"dataset {dataset!r} holds no table for {missing[0]}")
    done: list[tuple[str, int, dict[str, int]]] = []
    resolved: dict[str, list[Step]] = {}
    for k, (d, y) in enumerate(targets):
        if progress:
            progress(f"{d} {y}", k, len(targets))
        if d not in resolved:
            resolved[d] = resolve_steps(names, con=con, dataset=d)
        todo = resolved[d] if force else stale_steps(con, d, y, resolved[d])
        if not todo:
            log.info("%s %s: up to date, skipped", d, y)
            done.append((d, y, {}))
            continue
        t0 = time.perf_counter()
        table = read_iotable(con, d, y)
        results = compute_steps(Derived(table), todo)
        write_results(con, d, y, todo, results)
        log.info("%s %s: %s in %.2f s", d, y, ", ".join(results), time.perf_counter() - t0)
        done.append(
            (d, y, {t: r.num_rows for tables, _ in results.values() for t, r in tables.items()})
        )
    for d in dict.fromkeys(d for d, _ in targets) if store_steps else ():
        for name in store_steps:
            rows = STORE_STEPS[name](con, d, force)
            done = [
                (dd, y, {**tables, "lockin_flags": rows[y]} if dd == d and y in rows else tables)
                for dd, y, tables in done
            ]
    if progress:
        progress("done", len(targets), len(targets))
    return done


def _flags(con: duckdb.DuckDBPyConnection, dataset: str, force: bool) -> dict[int, int]:
    from gvc.lockin.flags import ensure_flags

    return ensure_flags(con, dataset, force=force)


STORE_STEPS: dict[str, Callable[[duckdb.DuckDBPyConnection, str, bool], dict[int, int]]] = {
    "flags": _flags
}
"""Steps computed from stored results of every year of a dataset, after the table steps:
``flags`` (lock-in flags; the rules and clusters of the dataset's latest flag computation,
else the defaults; :func:`gvc.lockin.flags.ensure_flags`)."""
