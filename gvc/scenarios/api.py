"""The scenario functions the CLI and users call: define, run, report, list, plot.

>>> from gvc import scenarios                                                    # doctest: +SKIP
>>> scenarios.define({"name": "rus_c14", "dataset": "wiod2013",
...                   "kind": "import_substitution", "country": "RUS",
...                   "sectors": ["c14"], "years": [2011]}, db="gvc.duckdb")     # doctest: +SKIP
>>> scenarios.run("rus_c14", dataset="wiod2013", db="gvc.duckdb")                # doctest: +SKIP
>>> rep = scenarios.report("rus_c14", dataset="wiod2013", db="gvc.duckdb")       # doctest: +SKIP
>>> print(scenarios.format_report(rep))                                          # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from gvc.errors import InputError, SchemaError
from gvc.scenarios.definitions import ScenarioDef, load, parse

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
Db = str | os.PathLike | None


def define(
    definition: str | os.PathLike | Mapping[str, Any] | ScenarioDef,
    *,
    db: Db = None,
    **overrides: Any,
) -> ScenarioDef:
    """Validate a definition (TOML path, mapping or :class:`ScenarioDef`) and store it.

    ``overrides`` (e.g. ``dataset="wiod2013"``, ``name="x"``) replace keys of the definition.
    A changed definition (another hash) deletes the scenario's old results.

    Raises
    ------
    InputError
        an invalid definition or unknown labels. SchemaError: unknown dataset.
    """
    from gvc.catalog import open_store
    from gvc.scenarios.store import save_definition

    if isinstance(definition, ScenarioDef):
        d = definition if not overrides else parse({**_doc(definition), **overrides})
    elif isinstance(definition, Mapping):
        d = parse({**definition, **{k: v for k, v in overrides.items() if v is not None}})
    else:
        d = load(definition, **overrides)
    with open_store(db) as con:
        save_definition(con, d)
    return d


def _doc(d: ScenarioDef) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(d.to_toml())


def run(
    name: str,
    *,
    dataset: str,
    years: Sequence[int] | None = None,
    executor: str = "local",
    db: Db = None,
    progress: Progress | None = None,
) -> list[tuple[int, dict[str, int]]]:
    """Compute a defined scenario for its years (or ``years``) and store the results.

    ``sda`` computes the one pair ``year_from -> year_to``; every other kind runs each year
    (the definition's ``years``, else every stored year) on ``executor`` (``local``,
    ``local:N``, ``dask``, ``dask:N``, ``dask:ADDRESS``). Each year is written in its own
    transaction.

    Returns
    -------
    ``[(year, {table: rows written})]``.

    Raises
    ------
    SchemaError
        unknown dataset, scenario or year. InputError: bad executor spec.
    """
    from gvc.catalog import open_store
    from gvc.indicators.derived import Derived
    from gvc.indicators.inputs import read_iotable
    from gvc.scenarios.compute import YearResult, _empty, compute_year
    from gvc.scenarios.compute_sda import compute_sda
    from gvc.scenarios.store import check_dataset, get_definition, write_year

    out = []
    with open_store(db) as con:
        stored = check_dataset(con, dataset)
        d = get_definition(con, dataset, name)
        if d.kind == "sda":
            y0, y1 = d.params["year_from"], d.params["year_to"]
            for y in (y0, y1):
                if y not in stored:
                    raise SchemaError(f"dataset {dataset!r} has no table for {y}")
            t0 = time.perf_counter()
            sda = compute_sda(
                d, Derived(read_iotable(con, dataset, y0)), Derived(read_iotable(con, dataset, y1))
            )
            e = _empty([])
            res = YearResult(nodes=e, countries=e, clusters=e, flags=e, points=e, sda=sda)
            counts = write_year(
                con,
                d,
                y1,
                res,
                executor="local",
                seconds=time.perf_counter() - t0,
                base_year=y0,
            )
            return [(y1, counts)]
        todo = list(years) if years is not None else list(d.years or stored)
        missing = [y for y in todo if y not in stored]
        if missing:
            raise SchemaError(
                f"dataset {dataset!r} has no table for {missing[0]} "
                f"(stored: {stored[0]}-{stored[-1]})"
            )
        for i, year in enumerate(sorted(set(todo))):
            if progress:
                progress(f"{name} {year}", i, len(todo))
            t0 = time.perf_counter()
            derived = Derived(read_iotable(con, dataset, year))
            res = compute_year(d, derived, executor=executor)
            secs = time.perf_counter() - t0
            counts = write_year(con, d, year, res, executor=executor, seconds=secs)
            log.info("scenario %s %s %s: %s in %.2f s", dataset, name, year, counts, secs)
            out.append((year, counts))
        if progress:
            progress("done", len(todo), len(todo))
    return out


def list_scenarios(*, dataset: str, db: Db = None) -> pd.DataFrame:
    """The scenarios defined for ``dataset``: kind, hash, years computed, fresh, description."""
    from gvc.catalog import open_store
    from gvc.scenarios.store import check_dataset, list_definitions

    with open_store(db) as con:
        check_dataset(con, dataset)
        return list_definitions(con, dataset)


def report(
    name: str,
    *,
    dataset: str,
    year: int | None = None,
    db: Db = None,
):
    """Read a computed scenario's results (:class:`gvc.scenarios.reporting.ScenarioReport`).

    ``year`` defaults to the latest computed year.

    Raises
    ------
    SchemaError
        unknown dataset or scenario, or no results (for ``year``).
    """
    from gvc.catalog import open_store
    from gvc.scenarios.reporting import read_report
    from gvc.scenarios.store import check_dataset

    with open_store(db) as con:
        check_dataset(con, dataset)
        return read_report(con, dataset, name, year)


def plot(rep: Any, path: str | os.PathLike, *, point: str | None = None, top: int = 12) -> str:
    """Chart of a report: value-added gains and losses by country (bars), or for ``sda`` the
    four factor terms by country; returns the path written."""
    from gvc.scenarios.plots import plot_report

    if not str(path).lower().endswith((".png", ".svg", ".pdf")):
        raise InputError(f"{path}: the chart file must end in .png, .svg or .pdf")
    return str(plot_report(rep, path, point=point, top=top))
