"""Every store read and write of the scenario package.

Definitions live in ``scenarios`` (``queries/scenario_schema.sql``); results in
``facts.scenario_*`` (:mod:`gvc.scenarios.tables`), one results-ledger entry
``scenario:<name>`` per ``(dataset, year)`` (:mod:`gvc.catalog.ledger`). Writes, each in one
transaction: :func:`save_definition` (a definition replaces the one of the same name; if its
hash changed, the old results go too) and :func:`write_year` (the results of one scenario and
year replace the previous ones through :func:`gvc.catalog.ledger.write_result`, which records
the definition and its hash, the input table's identity, the gvc version, the executor and the
timing; an sda result depends on both its years). The view ``scenario_status`` reads the ledger;
:func:`require_fresh` refuses to report results that are not current.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tomllib
from typing import Any

import duckdb
import pandas as pd

from gvc.catalog import ledger
from gvc.errors import SchemaError
from gvc.scenarios.compute import YearResult
from gvc.scenarios.definitions import ScenarioDef, parse
from gvc.scenarios.targets import check_labels
from gvc.store import fetch_one, run_sql, transaction

log = logging.getLogger(__name__)

RESULT_TABLES = (
    "scenario_points",
    "scenario_nodes",
    "scenario_countries",
    "scenario_clusters",
    "scenario_flags",
)


def result_name(name: str) -> str:
    """The ledger result of scenario ``name``."""
    return f"scenario:{name}"


def ledger_options(d: ScenarioDef) -> dict[str, Any]:
    """What the ledger records as a scenario result's options: its definition and hash."""
    return {"definition": json.loads(d.to_json()), "hash": d.hash}


def check_dataset(con: duckdb.DuckDBPyConnection, dataset: str) -> list[int]:
    """The stored years of ``dataset``; :class:`SchemaError` when it has none."""
    years = [
        int(r[0])
        for r in run_sql(
            con, "SELECT year FROM tables WHERE dataset = ? ORDER BY year", [dataset]
        ).fetchall()
    ]
    if not years:
        have = [r[0] for r in run_sql(con, "SELECT DISTINCT dataset FROM tables").fetchall()]
        listed = ", ".join(sorted(have)) or "none"
        raise SchemaError(f"dataset {dataset!r} is not in the store (datasets: {listed})")
    return years


def labels(con: duckdb.DuckDBPyConnection, dataset: str) -> tuple[list[str], list[str]]:
    """``(countries, sectors)`` of ``dataset`` in array order."""
    out = []
    for dim, col in (("countries", "country"), ("sectors", "sector")):
        out.append(
            [
                r[0]
                for r in run_sql(
                    con,
                    f"SELECT {col} FROM {dim} WHERE dataset = ? ORDER BY position",
                    [dataset],
                    obj=dim,
                ).fetchall()
            ]
        )
    return out[0], out[1]


def save_definition(con: duckdb.DuckDBPyConnection, d: ScenarioDef) -> bool:
    """Store ``d`` (replacing a definition of the same name); returns True if it changed.

    The dataset must be in the store and every country and sector the definition names must
    be one of its labels. When the hash differs from the stored one, the old results of the
    scenario are deleted in the same transaction.

    Raises
    ------
    SchemaError
        unknown dataset. InputError: unknown labels, or sda years that are not stored.
    """
    years = check_dataset(con, d.dataset)
    countries, sectors = labels(con, d.dataset)
    check_labels(d, countries, sectors)
    if d.kind == "sda":
        for key in ("year_from", "year_to"):
            if d.params[key] not in years:
                raise SchemaError(
                    f"scenario {d.name!r}: dataset {d.dataset!r} has no table for "
                    f"{d.params[key]} ({key})"
                )
    old = fetch_one(
        con,
        "SELECT definition_hash FROM scenarios WHERE dataset = ? AND scenario = ?",
        [d.dataset, d.name],
    )
    changed = old is None or old[0] != d.hash
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with transaction(con):
        if old is not None and changed:
            ledger.remove_results(con, d.dataset, result_name(d.name), None)
        run_sql(
            con,
            "INSERT OR REPLACE INTO scenarios VALUES (?, ?, ?, ?, ?, ?, ?::JSON, ?, ?)",
            [
                d.dataset,
                d.name,
                d.kind,
                d.description or None,
                None if d.years is None else list(d.years),
                d.to_toml(),
                d.to_json(),
                d.hash,
                now,
            ],
            obj="scenarios",
        )
    log.info("scenario %s/%s stored (%s, hash %s)", d.dataset, d.name, d.kind, d.hash[:12])
    return changed


def get_definition(con: duckdb.DuckDBPyConnection, dataset: str, name: str) -> ScenarioDef:
    """The stored definition ``name`` of ``dataset``.

    Raises
    ------
    SchemaError
        no such scenario.
    """
    row = fetch_one(
        con,
        "SELECT definition_toml FROM scenarios WHERE dataset = ? AND scenario = ?",
        [dataset, name],
    )
    if row is None:
        have = definition_names(con, dataset)
        raise SchemaError(
            f"no scenario {name!r} for dataset {dataset!r} "
            f"(defined: {', '.join(have) or 'none'}); run 'gvc scenario define' first"
        )
    return parse(tomllib.loads(row[0]))


def definition_names(con: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
    """Names of the scenarios defined for ``dataset``."""
    return [
        r[0]
        for r in run_sql(
            con, "SELECT scenario FROM scenarios WHERE dataset = ? ORDER BY 1", [dataset]
        ).fetchall()
    ]


def list_definitions(con: duckdb.DuckDBPyConnection, dataset: str) -> pd.DataFrame:
    """One row per scenario of ``dataset``: kind, description, years computed and whether
    all of them are fresh (view ``scenario_status``)."""
    return run_sql(
        con,
        "SELECT s.scenario, s.kind, left(s.definition_hash, 12) AS hash, "
        "string_agg(CAST(st.year AS VARCHAR), ',' ORDER BY st.year) AS years_computed, "
        "bool_and(st.fresh) AS fresh, s.description "
        "FROM scenarios s LEFT JOIN scenario_status st "
        "ON st.dataset = s.dataset AND st.scenario = s.scenario "
        "WHERE s.dataset = ? GROUP BY ALL ORDER BY s.scenario",
        [dataset],
        obj="scenarios",
    ).df()


def write_year(
    con: duckdb.DuckDBPyConnection,
    d: ScenarioDef,
    year: int,
    result: YearResult,
    *,
    executor: str,
    seconds: float,
    base_year: int | None = None,
) -> dict[str, int]:
    """Replace the results of ``(d, year)`` with ``result`` in one transaction, as the ledger
    result ``scenario:<name>`` (depending on ``base_year`` too for sda). Returns
    ``{table: rows written}``."""
    import pyarrow as pa

    frames: dict[str, pd.DataFrame | None] = {
        "scenario_points": result.points,
        "scenario_nodes": result.nodes,
        "scenario_countries": result.countries,
        "scenario_clusters": result.clusters,
        "scenario_flags": result.flags,
    }
    if result.sda is not None:
        frames["scenario_sda"] = result.sda.assign(year_from=base_year, year_to=year)
    tables = {
        t: pa.Table.from_pandas(df, preserve_index=False)
        for t, df in frames.items()
        if df is not None and len(df)
    }
    ledger.write_result(
        con,
        d.dataset,
        year,
        result=result_name(d.name),
        kind="scenario",
        tables=tables,
        options=ledger_options(d),
        scope={"scenario": d.name},
        depends_on_years=[base_year] if base_year is not None else None,
        seconds=float(seconds),
        producer=f"scenario ({executor})",
    )
    return {t: tab.num_rows for t, tab in tables.items()}


def require_fresh(con: duckdb.DuckDBPyConnection, d: ScenarioDef, years: list[int]) -> None:
    """Raise :class:`SchemaError` unless the results of ``d`` for ``years`` are current."""
    ledger.require_fresh(
        con,
        d.dataset,
        years,
        result_name(d.name),
        ledger.options_hash(ledger_options(d)),
        f"run 'gvc scenario run {d.name} --dataset {d.dataset}'",
    )


def read_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], obj: str
) -> pd.DataFrame:
    """Run a read query of the report layer (named for error messages)."""
    return run_sql(con, sql, params, obj=obj).df()


def runs(con: duckdb.DuckDBPyConnection, dataset: str, name: str) -> pd.DataFrame:
    """``scenario_status`` rows of one scenario (years computed and whether fresh)."""
    return run_sql(
        con,
        "SELECT year, base_year, points, computed_at, definition_current, input_current, "
        "version_current, fresh "
        "FROM scenario_status WHERE dataset = ? AND scenario = ? ORDER BY year",
        [dataset, name],
        obj="scenario_status",
    ).df()


def details_of(points: pd.DataFrame) -> list[dict[str, Any]]:
    """The ``details`` JSON column of scenario_points rows as dicts."""
    return [json.loads(x) if isinstance(x, str) else (x or {}) for x in points["details"]]
