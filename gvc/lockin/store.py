"""Every read and write of the store for embeddedness and lock-in flags.

Reads: :func:`check_dataset`, :func:`embeddedness_frame` (stored measures as a wide frame),
:func:`latest_year`, :func:`flagged_rows`, :func:`flag_changes`, :func:`flag_counts`,
:func:`flagged_nodes`, :func:`flags_rules_used`. Writes: :func:`ensure_embeddedness` (runs the
steps of :mod:`gvc.lockin.steps` through :func:`gvc.indicators.run.run`) and
:func:`write_flags` (one transaction: one ledger result ``flags`` per year, replacing that
year's rows of ``facts.lockin_flags``; the rules and clusters used appended to
``lockin_rules``). Store objects: ``facts.embeddedness``,
``facts.embeddedness_betweenness``, ``facts.lockin_flags``, ``lockin_rules`` and the views of
``queries/`` (``embeddedness*``, ``cluster_*``, ``lockin_*``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tomllib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from gvc.errors import InputError, SchemaError
from gvc.lockin.rules import rules_toml

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


def check_dataset(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    country: str | None = None,
    year: int | None = None,
) -> None:
    """Raise :class:`SchemaError` for a dataset without tables or a year it does not hold,
    :class:`InputError` for a country that is not one of its countries."""
    from gvc.store import run_sql

    years = run_sql(con, "SELECT count(*) FROM tables WHERE dataset = ?", [dataset]).fetchall()
    if not years[0][0]:
        have = [r[0] for r in run_sql(con, "SELECT DISTINCT dataset FROM tables").fetchall()]
        raise SchemaError(
            f"dataset {dataset!r} is not in the store (datasets: {', '.join(have) or 'none'}); "
            "run 'gvc ingest' first"
        )
    if country is not None:
        row = run_sql(
            con, "SELECT 1 FROM countries WHERE dataset = ? AND country = ?", [dataset, country]
        ).fetchall()
        if not row:
            raise InputError(f"country {country!r} is not a country of dataset {dataset!r}")
    if year is not None:
        check_year(con, dataset, year)


def check_year(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> None:
    """Raise :class:`SchemaError`, listing the stored years, when ``dataset`` has no ``year``."""
    from gvc.store import run_sql

    years = [
        int(r[0])
        for r in run_sql(
            con, "SELECT year FROM tables WHERE dataset = ? ORDER BY year", [dataset]
        ).fetchall()
    ]
    if year not in years:
        shown = ", ".join(map(str, years[:10])) + (" ..." if len(years) > 10 else "")
        raise SchemaError(
            f"--year {year}: dataset {dataset!r} holds no table for that year (years: {shown})"
        )


def ensure_embeddedness(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int | None = None,
    *,
    betweenness: bool = False,
    progress: Progress | None = None,
) -> list[int]:
    """Compute step ``embeddedness`` (and ``embeddedness_betweenness``) for the years of
    ``dataset`` that lack it; returns the years computed."""
    from gvc.indicators.run import run

    check_dataset(con, dataset)
    steps = ("embeddedness",) + (("embeddedness_betweenness",) if betweenness else ())
    done = run(con, dataset, year, steps, progress)
    if year is not None and not done:
        raise SchemaError(f"dataset {dataset!r} has no table for {year}")
    return [y for _, y, tables in done if tables]


def embeddedness_frame(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    *,
    year: int | None = None,
    country: str | None = None,
    measures: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Stored embeddedness as a wide frame: ``dataset, year, country, sector`` + one column per
    measure (all measures unless ``measures``), plus ``top_domestic_supplier`` (label)."""
    from gvc.store import run_sql

    where: list[str] = ["e.dataset = ?"]
    params: list[Any] = [dataset]
    if year is not None:
        where.append("e.year = ?")
        params.append(year)
    if country is not None:
        where.append("n.country = ?")
        params.append(country)
    if measures is not None:
        where.append("list_contains(?, e.measure)")
        params.append(list(measures))
    sql = (
        "SELECT e.dataset, e.year, n.country, n.sector, n.node, e.measure, e.value "
        "FROM (SELECT * FROM facts.embeddedness UNION ALL "
        "SELECT * FROM facts.embeddedness_betweenness) e "
        "JOIN nodes n ON n.dataset = e.dataset AND n.node = e.node WHERE " + " AND ".join(where)
    )
    long = run_sql(con, sql, params, obj="embeddedness").df()
    keys = ["dataset", "year", "country", "sector", "node"]
    if long.empty:
        return pd.DataFrame(columns=keys)
    wide = long.pivot(index=keys, columns="measure", values="value").reset_index()
    wide.columns.name = None
    wide = wide.sort_values(["year", "node"]).reset_index(drop=True)
    if "top_domestic_supplier_pos" in wide:
        secs = [
            r[0]
            for r in run_sql(
                con, "SELECT sector FROM sectors WHERE dataset = ? ORDER BY position", [dataset]
            ).fetchall()
        ]
        pos = wide["top_domestic_supplier_pos"]
        wide["top_domestic_supplier"] = [
            secs[int(p)] if pd.notna(p) else None for p in pos.to_numpy()
        ]
    wide["year"] = wide["year"].astype(int)
    return wide


def flag_options(
    rules: Mapping[str, Mapping[str, Any]], clusters: Mapping[str, Sequence[tuple[str, str]]]
) -> dict[str, Any]:
    """What a flag result depends on besides the stored embeddedness (its ledger options):
    the full rule set and the clusters (sorted)."""
    return {
        "rules": {k: dict(v) for k, v in rules.items()},
        "clusters": {k: sorted(list(m) for m in v) for k, v in sorted(clusters.items())},
    }


def flag_years(
    rules: Mapping[str, Mapping[str, Any]], year: int, stored: Sequence[int]
) -> list[int]:
    """The input years the flags of ``year`` read: ``year`` and, when the
    ``declining_integration`` rule is on, its base year if stored."""
    out = [int(year)]
    d = rules.get("declining_integration", {})
    if d.get("enabled", False) and int(year) - int(d["years"]) in set(stored):
        out.append(int(year) - int(d["years"]))
    return out


def write_flags(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    flags: pd.DataFrame,
    rules: Mapping[str, Mapping[str, Any]],
    clusters: Mapping[str, Sequence[tuple[str, str]]],
) -> dict[int, int]:
    """Write the flags of every year of ``dataset`` (columns
    :data:`gvc.lockin.flag_table.FLAG_COLUMNS`) as one ledger result ``flags`` per year
    (:func:`gvc.catalog.ledger.write_result`; its options: the rules and clusters, its
    ``depends_on_years``: the year and the base year of ``declining_integration``), and append
    the rules (as TOML) and clusters (as JSON) to ``lockin_rules``, in one transaction.
    Returns rows written per year."""
    from gvc.catalog import ledger
    from gvc.store import list_tables, run_sql, transaction

    nodes = run_sql(
        con, "SELECT country, sector, node FROM nodes WHERE dataset = ?", [dataset]
    ).df()
    rows = flags.merge(nodes, on=["country", "sector"], how="left")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    arrow = pa.table(
        {
            "year": pa.array(rows["year"].to_numpy(dtype=np.int16)),
            "node": pa.array(rows["node"].to_numpy(dtype=np.int32)),
            "cluster": pa.array(
                rows["cluster"].astype(object).where(rows["cluster"].notna(), None).tolist(),
                pa.string(),
            ),
            "flag": pa.array(rows["flag"].astype(str).tolist()),
            "flagged": pa.array(rows["flagged"].astype(bool).to_numpy()),
            "score": pa.array(rows["score"].astype(float).to_numpy()),
            "reasons": pa.array(rows["reasons"].astype(str).tolist()),
            "metrics": pa.array(rows["metrics"].astype(str).tolist()),
            "thresholds": pa.array(rows["thresholds"].astype(str).tolist()),
            "computed_at": pa.array([now] * len(rows), pa.timestamp("us")),
        }
    )
    cluster_json = json.dumps(
        {k: [list(m) for m in v] for k, v in clusters.items()}, sort_keys=True
    )
    options = flag_options(rules, clusters)
    stored = [y for _, y in list_tables(con, dataset)]
    years = arrow.column("year").to_numpy()
    out: dict[int, int] = {}
    with transaction(con):
        for y in stored:
            part = arrow.filter(years == y).drop_columns(["year"])
            out[y] = ledger.write_result(
                con,
                dataset,
                y,
                result="flags",
                kind="flags",
                tables={"lockin_flags": part},
                options=options,
                depends_on_years=flag_years(rules, y, stored),
                producer="flags",
            )
        run_sql(
            con,
            "INSERT INTO lockin_rules VALUES (?, ?, ?, ?::JSON)",
            [dataset, now, rules_toml(rules), cluster_json],
            obj="lockin_rules",
        )
    return out


def latest_year(con: duckdb.DuckDBPyConnection, dataset: str) -> int:
    """The latest year of ``dataset`` in the store."""
    from gvc.store import run_sql

    return int(
        run_sql(con, "SELECT max(year) FROM tables WHERE dataset = ?", [dataset]).fetchall()[0][0]
    )


def flagged_rows(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    *,
    country: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Flagged rows of ``dataset`` (optionally one country / year): ``year, country, sector,
    cluster, flag, score`` (rounded to 3 digits) ``, reasons``."""
    from gvc.store import run_sql

    where: list[str] = ["dataset = ?", "flagged"]
    params: list[Any] = [dataset]
    if country:
        where.append("country = ?")
        params.append(country)
    if year is not None:
        where.append("year = ?")
        params.append(year)
    return run_sql(
        con,
        "SELECT year, country, sector, cluster, flag, round(score, 3) AS score, reasons "
        f"FROM lockin_flags WHERE {' AND '.join(where)} ORDER BY flag, country, sector, year",
        params,
        obj="lockin_flags",
    ).df()


def flag_changes(
    con: duckdb.DuckDBPyConnection, dataset: str, country: str | None = None
) -> pd.DataFrame:
    """Per flag and year the number flagged and the nodes that entered or left the flagged set
    since the previous year (macro ``lockin_flag_changes``)."""
    from gvc.store import run_sql

    return run_sql(
        con,
        'SELECT flag, year, flagged, entered, "left", entered_nodes, left_nodes '
        "FROM lockin_flag_changes(?, ?) ORDER BY flag, year",
        [dataset, country],
        obj="lockin_flag_changes",
    ).df()


def flag_counts(
    con: duckdb.DuckDBPyConnection, dataset: str, year: int | None = None
) -> pd.DataFrame:
    """Flagged nodes by flag and year (view ``lockin_flag_counts``)."""
    from gvc.store import run_sql

    return run_sql(
        con,
        "SELECT year, flag, flagged_nodes FROM lockin_flag_counts WHERE dataset = ?"
        + (" AND year = ?" if year is not None else "")
        + " ORDER BY flag, year",
        [dataset] + ([year] if year is not None else []),
        obj="lockin_flag_counts",
    ).df()


def flagged_nodes(con: duckdb.DuckDBPyConnection, dataset: str, year: int) -> pd.DataFrame:
    """``country, sector, flag`` of the nodes flagged by a node rule in ``year``."""
    from gvc.store import run_sql

    return run_sql(
        con,
        "SELECT country, sector, flag FROM lockin_flags WHERE dataset = ? AND year = ? "
        "AND flagged AND cluster IS NULL",
        [dataset, year],
    ).df()


def flags_rules_used(con: duckdb.DuckDBPyConnection, dataset: str) -> dict[str, Any]:
    """The rules of the latest flag computation of ``dataset`` (from ``lockin_rules``)."""
    from gvc.store import run_sql

    row = run_sql(
        con,
        "SELECT rules_toml FROM lockin_rules WHERE dataset = ? ORDER BY computed_at DESC LIMIT 1",
        [dataset],
    ).fetchall()
    if not row:
        raise SchemaError(f"no lock-in flags computed for dataset {dataset!r}")
    return tomllib.loads(row[0][0])
