"""Compute indicator steps for stored tables and write their results back, atomically.

Every step result goes to the store through :func:`gvc.catalog.ledger.write_result`, which
records it in the ledger; :func:`run` skips the steps whose ledger row is fresh (same input
identity, options and gvc version).
"""

from __future__ import annotations

import logging
import os
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
    input_sha256: str | None = None,
) -> None:
    """Replace each step's result for ``(dataset, year)`` and its ledger row, in one
    transaction. ``input_sha256``: the input identity the results were computed from (a
    different stored one is refused, :func:`gvc.catalog.ledger.write_result`)."""
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
                input_sha256=input_sha256,
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
    _check_targets(targets, dataset, years)
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


WRITE_WAIT = 600.0
"""Seconds a run waits for readers to close the store before it writes a year's results."""


def run_store(
    db: str | os.PathLike | None = None,
    dataset: str | None = None,
    year: int | Iterable[int] | None = None,
    steps: Iterable[str] = DEFAULT_STEPS,
    progress: Callable[[str, int, int], None] | None = None,
    force: bool = False,
    wait: float | None = None,
) -> list[tuple[str, int, dict[str, int]]]:
    """:func:`run` on the store file ``db``, holding DuckDB's write lock only to write.

    Each ``(dataset, year)`` is read through a read-only connection, computed with the store
    closed, and written through a writable connection opened for that year's one transaction
    (waiting up to :data:`WRITE_WAIT` seconds, or ``wait`` if longer, for readers to close
    it). Between writes other processes can read the store (``gvc sql --wait``). The input
    identity read with the table is checked again when writing: a table replaced meanwhile
    is read and computed again, so no result of a replaced input lands. Store steps
    (``flags``) read every year and run under one writable connection at the end.

    Returns
    -------
    As :func:`run`.
    """
    from gvc.catalog import open_store

    names = tuple(steps)
    store_steps = [n for n in names if n in STORE_STEPS]
    if store_steps and "embeddedness" not in names:
        names = ("embeddedness", *names)
    names = tuple(n for n in names if n not in STORE_STEPS)
    years = None if year is None else ({year} if isinstance(year, int) else set(year))
    write_wait = max(WRITE_WAIT, wait or 0.0)
    # a short writable open first: creates or upgrades the schema (what the readers check)
    with open_store(db, wait=wait):
        pass
    with open_store(db, read_only=True, wait=wait) as con:
        targets = [(d, y) for d, y in list_tables(con, dataset) if years is None or y in years]
        _check_targets(targets, dataset, years)
        resolved = {d: resolve_steps(names, con=con, dataset=d) for d, _ in targets}
    done: list[tuple[str, int, dict[str, int]]] = []
    for k, (d, y) in enumerate(targets):
        if progress:
            progress(f"{d} {y}", k, len(targets))
        for attempt in range(3):
            with open_store(db, read_only=True, wait=write_wait) as con:
                todo = resolved[d] if force else stale_steps(con, d, y, resolved[d])
                if not todo:
                    break
                ident = ledger.table_sha256(con, d, y)
                table = read_iotable(con, d, y)
            t0 = time.perf_counter()
            results = compute_steps(Derived(table), todo)
            try:
                with open_store(db, wait=write_wait, create=False) as con:
                    write_results(con, d, y, todo, results, input_sha256=ident)
            except SchemaError:
                if attempt == 2:
                    raise
                log.warning("%s %s: the table was replaced during the run; computing again", d, y)
                continue
            log.info("%s %s: %s in %.2f s", d, y, ", ".join(results), time.perf_counter() - t0)
            break
        if not todo:
            log.info("%s %s: up to date, skipped", d, y)
            done.append((d, y, {}))
            continue
        done.append(
            (d, y, {t: r.num_rows for tables, _ in results.values() for t, r in tables.items()})
        )
    if store_steps:
        with open_store(db, wait=write_wait, create=False) as con:
            for d in dict.fromkeys(d for d, _ in targets):
                if progress:
                    progress(f"{d} {', '.join(store_steps)}", len(targets), len(targets) + 1)
                for name in store_steps:
                    rows = STORE_STEPS[name](con, d, force)
                    done = [
                        (
                            dd,
                            yy,
                            {**tables, "lockin_flags": rows[yy]}
                            if dd == d and yy in rows
                            else tables,
                        )
                        for dd, yy, tables in done
                    ]
    if progress:
        progress("done", len(targets), len(targets))
    return done


def _check_targets(
    targets: list[tuple[str, int]], dataset: str | None, years: set[int] | None
) -> None:
    if not targets:
        what = f"dataset {dataset!r}" if dataset else "the store"
        when = f" for {', '.join(map(str, sorted(years)))}" if years else ""
        raise SchemaError(f"nothing to run: {what} holds no table{when}")
    if years is not None:
        missing = sorted(years - {y for _, y in targets})
        if missing:
            raise SchemaError(f"dataset {dataset!r} holds no table for {missing[0]}")


def _flags(con: duckdb.DuckDBPyConnection, dataset: str, force: bool) -> dict[int, int]:
    from gvc.lockin.flags import ensure_flags

    return ensure_flags(con, dataset, force=force)


STORE_STEPS: dict[str, Callable[[duckdb.DuckDBPyConnection, str, bool], dict[int, int]]] = {
    "flags": _flags
}
"""Steps computed from stored results of every year of a dataset, after the table steps:
``flags`` (lock-in flags; the rules and clusters of the dataset's latest flag computation,
else the defaults; :func:`gvc.lockin.flags.ensure_flags`)."""
