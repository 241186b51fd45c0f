"""Every store read and write of the scenario package (tables in ``queries/scenario_schema.sql``).

Writes, each in one transaction: :func:`save_definition` (a definition replaces the one of the
same name; if its hash changed, the old results go too) and :func:`write_year` (the results of
one scenario and year replace the previous ones, together with their ``scenario_runs`` row:
definition hash and JSON, the input table's sha256, gvc version, executor, timing). The view
``scenario_status`` compares those with the stored definition and ``tables.file_sha256``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tomllib
from typing import Any

import duckdb
import pandas as pd

from gvc.errors import SchemaError
from gvc.paths import queries_dir
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
ALL_RESULT_TABLES = (*RESULT_TABLES, "scenario_sda", "scenario_runs")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the scenario tables if missing (``queries/scenario_schema.sql``)."""
    from gvc.sql import parse_sql_file

    body = parse_sql_file(queries_dir() / "scenario_schema.sql").body
    with transaction(con):
        run_sql(con, body, obj="queries/scenario_schema.sql")


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


def input_sha256(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> str:
    """``tables.file_sha256`` of ``(dataset, year)``."""
    row = fetch_one(
        con, "SELECT file_sha256 FROM tables WHERE dataset = ? AND year = ?", [dataset, year]
    )
    if row is None:
        raise SchemaError(f"dataset {dataset!r} has no table for {year}")
    return str(row[0])


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
    ensure_tables(con)
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
            for t in ALL_RESULT_TABLES:
                run_sql(
                    con,
                    f"DELETE FROM {t} WHERE dataset = ? AND scenario = ?",
                    [d.dataset, d.name],
                    obj=t,
                )
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
    ensure_tables(con)
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
    ensure_tables(con)
    return [
        r[0]
        for r in run_sql(
            con, "SELECT scenario FROM scenarios WHERE dataset = ? ORDER BY 1", [dataset]
        ).fetchall()
    ]


def list_definitions(con: duckdb.DuckDBPyConnection, dataset: str) -> pd.DataFrame:
    """One row per scenario of ``dataset``: kind, description, years computed and whether
    all of them are fresh (view ``scenario_status``)."""
    ensure_tables(con)
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
    """Replace the results of ``(d, year)`` with ``result`` in one transaction.

    The ``scenario_runs`` row records the definition (hash and JSON) and the sha256 of the
    input table(s) read now from ``tables``. Returns ``{table: rows written}``.
    """
    from gvc import __version__

    sha = input_sha256(con, d.dataset, year)
    base_sha = input_sha256(con, d.dataset, base_year) if base_year is not None else None
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    counts: dict[str, int] = {}
    frames: dict[str, pd.DataFrame] = {
        "scenario_points": result.points,
        "scenario_nodes": result.nodes,
        "scenario_countries": result.countries,
        "scenario_clusters": result.clusters,
        "scenario_flags": result.flags,
    }
    with transaction(con):
        for t in RESULT_TABLES:
            run_sql(
                con,
                f"DELETE FROM {t} WHERE dataset = ? AND scenario = ? AND year = ?",
                [d.dataset, d.name, year],
                obj=t,
            )
        if d.kind == "sda":
            run_sql(
                con,
                "DELETE FROM scenario_sda WHERE dataset = ? AND scenario = ? AND year_to = ?",
                [d.dataset, d.name, year],
                obj="scenario_sda",
            )
        for t, df in frames.items():
            counts[t] = _insert(
                con, t, df, {"dataset": d.dataset, "scenario": d.name, "year": year}
            )
        if result.sda is not None:
            counts["scenario_sda"] = _insert(
                con,
                "scenario_sda",
                result.sda,
                {
                    "dataset": d.dataset,
                    "scenario": d.name,
                    "year_from": base_year,
                    "year_to": year,
                },
            )
        run_sql(
            con,
            "INSERT OR REPLACE INTO scenario_runs VALUES "
            "(?, ?, ?, ?, ?, ?::JSON, ?, ?, ?, ?, ?, ?, ?)",
            [
                d.dataset,
                d.name,
                year,
                base_year,
                d.hash,
                d.to_json(),
                sha,
                base_sha,
                __version__,
                executor,
                int(len(result.points)) if len(result.points) else 1,
                float(seconds),
                now,
            ],
            obj="scenario_runs",
        )
    return counts


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame, keys: dict[str, Any]
) -> int:
    if df is None or len(df) == 0:
        return 0
    cols = [r[0] for r in run_sql(con, f"DESCRIBE {table}", obj=table).fetchall()]
    body = df.copy()
    for k, v in keys.items():
        body[k] = v
    name = f"_gvc_{table}"
    con.register(name, body)
    try:
        select = ", ".join(
            f"{c}::JSON" if (table == "scenario_points" and c == "details") else c for c in cols
        )
        run_sql(con, f"INSERT INTO {table} SELECT {select} FROM {name}", obj=table)
    finally:
        con.unregister(name)
    return len(df)


def read_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], obj: str
) -> pd.DataFrame:
    """Run a read query of the report layer (named for error messages)."""
    return run_sql(con, sql, params, obj=obj).df()


def runs(con: duckdb.DuckDBPyConnection, dataset: str, name: str) -> pd.DataFrame:
    """``scenario_status`` rows of one scenario (years computed and whether fresh)."""
    ensure_tables(con)
    return run_sql(
        con,
        "SELECT year, base_year, points, computed_at, definition_current, input_current, fresh "
        "FROM scenario_status WHERE dataset = ? AND scenario = ? ORDER BY year",
        [dataset, name],
        obj="scenario_status",
    ).df()


def details_of(points: pd.DataFrame) -> list[dict[str, Any]]:
    """The ``details`` JSON column of scenario_points rows as dicts."""
    return [json.loads(x) if isinstance(x, str) else (x or {}) for x in points["details"]]
