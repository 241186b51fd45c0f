"""Every store read and write of the value chains: tables, definitions, results, the year loop.

The chain tables (DDL and column meanings in ``queries/chain_schema.sql``, created by
:func:`ensure_chain_tables`):

* ``chains(dataset, chain, producers_countries, producers_sectors, destinations, km_source,
  created_at, km_file, km_file_sha256, km_fallback)``: the definitions (NULL lists mean "all"),
  written by :func:`define_chain`, read by :func:`get_chain`;
* ``chain_geography``, ``chain_totals``, ``chain_paths`` (:data:`RESULT_TABLES`): one row set
  per ``(dataset, year, chain)`` from :func:`gvc.chains.compute.chain_year`, replaced by
  :func:`write_chain_year` in one transaction per year; :func:`compute_chain` runs the stored
  years; :func:`read_chain_results` reads them back for a report.

Redefining a chain deletes its old results in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Sequence

import duckdb
import pandas as pd

from gvc.chains.compute import chain_year
from gvc.chains.definitions import ChainSpec, chain_geography_of, check_codes, check_km_options
from gvc.chains.geography import CountryGeo
from gvc.errors import InputError, SchemaError
from gvc.indicators.inputs import read_iotable
from gvc.paths import queries_dir
from gvc.store import fetch_one, list_tables, run_sql, transaction

log = logging.getLogger(__name__)

RESULT_TABLES = ("chain_geography", "chain_totals", "chain_paths")


def ensure_chain_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``chains`` and the result tables if missing (``queries/chain_schema.sql``)."""
    from gvc.sql import parse_sql_file

    body = parse_sql_file(queries_dir() / "chain_schema.sql").body
    with transaction(con):
        run_sql(con, body, obj="queries/chain_schema.sql")


def dataset_labels(con: duckdb.DuckDBPyConnection, dataset: str, dim: str) -> tuple[str, ...]:
    """The dataset's country (``dim='countries'``) or sector (``'sectors'``) codes, in order."""
    col = {"countries": "country", "sectors": "sector"}[dim]
    rows = run_sql(
        con, f"SELECT {col} FROM {dim} WHERE dataset = ? ORDER BY position", [dataset], obj=dim
    ).fetchall()
    return tuple(r[0] for r in rows)


def check_dataset(con: duckdb.DuckDBPyConnection, dataset: str) -> None:
    """Raise :class:`~gvc.errors.SchemaError` (listing the stored datasets) if ``dataset`` has
    no table in the store."""
    if fetch_one(con, "SELECT 1 FROM tables WHERE dataset = ? LIMIT 1", [dataset]) is None:
        have = [r[0] for r in run_sql(con, "SELECT DISTINCT dataset FROM tables").fetchall()]
        listed = ", ".join(sorted(have)) or "none"
        raise SchemaError(f"dataset {dataset!r} is not in the store (datasets: {listed})")


def define_chain(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    name: str,
    *,
    producers_countries: Sequence[str] | None = None,
    producers_sectors: Sequence[str] | None = None,
    destinations: Sequence[str] | None = None,
    km_source: str = "natural_earth",
    cepii_file: str | os.PathLike | None = None,
    cepii_measure: str | None = None,
    km_fallback: str | None = None,
) -> ChainSpec:
    """Store (or replace) a chain definition; results of an older definition are deleted.

    ``None`` for a list means all countries / sectors / destinations of the dataset.

    Parameters
    ----------
    con : a writable store connection.
    dataset, name : the dataset and the chain's name.
    producers_countries, producers_sectors, destinations : codes, ``None`` = all.
    km_source : ``natural_earth`` (default), ``none``, or ``cepii`` (also ``cepii:<measure>``):
        bilateral distances from the user's copy of CEPII GeoDist ``dist_cepii``
        (:func:`gvc.chains.cepii.cepii_distances`).
    cepii_file : the CEPII file (CSV or Parquet), required for ``cepii``; its absolute path and
        sha256 are stored in ``chains.km_file`` / ``chains.km_file_sha256``.
    cepii_measure : ``dist`` (default), ``distcap``, ``distw`` or ``distwces``; stored as
        ``km_source = 'cepii:<measure>'``.
    km_fallback : ``natural_earth`` to take great-circle km for country pairs the file lacks
        (stored in ``chains.km_fallback``); ``None`` (default) makes a missing pair an error.

    Raises
    ------
    SchemaError
        the dataset is not in the store.
    InputError
        an empty name, an unknown country or sector code, an unknown ``km_source``, measure or
        fallback, a CEPII option without ``cepii``, or (checked now, for the dataset's
        countries) an unreadable CEPII file or a pair missing from it.
    """
    if not name or not name.strip():
        raise InputError("chain definition: the chain name is empty")
    km_source, km_file, km_sha = check_km_options(km_source, cepii_file, cepii_measure, km_fallback)
    ensure_chain_tables(con)
    check_dataset(con, dataset)
    countries = dataset_labels(con, dataset, "countries")
    sectors = dataset_labels(con, dataset, "sectors")
    spec = ChainSpec(
        dataset,
        name,
        check_codes(producers_countries, countries, "producing country", dataset),
        check_codes(producers_sectors, sectors, "producing sector", dataset),
        check_codes(destinations, countries, "destination country", dataset),
        km_source,
        km_file,
        km_sha,
        km_fallback,
    )
    if km_file is not None:
        # fail at definition, not at run time: every pair of the dataset's countries is needed
        chain_geography_of(spec, countries)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with transaction(con):
        for t in RESULT_TABLES:
            run_sql(con, f"DELETE FROM {t} WHERE dataset = ? AND chain = ?", [dataset, name], obj=t)
        run_sql(
            con,
            "INSERT OR REPLACE INTO chains (dataset, chain, producers_countries, "
            "producers_sectors, destinations, km_source, created_at, km_file, km_file_sha256, "
            "km_fallback) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                dataset,
                name,
                _as_list(spec.producers_countries),
                _as_list(spec.producers_sectors),
                _as_list(spec.destinations),
                km_source,
                now,
                km_file,
                km_sha,
                km_fallback,
            ],
            obj="chains",
        )
    log.info("chain %s/%s defined: %s", dataset, name, spec.describe())
    return spec


def _as_list(x: tuple[str, ...] | None) -> list[str] | None:
    return None if x is None else list(x)


def get_chain(con: duckdb.DuckDBPyConnection, dataset: str, name: str) -> ChainSpec:
    """The stored definition of chain ``name`` of ``dataset``.

    Raises
    ------
    SchemaError
        no such chain (the message lists the dataset's chains).
    """
    ensure_chain_tables(con)
    row = fetch_one(
        con,
        "SELECT producers_countries, producers_sectors, destinations, km_source, km_file, "
        "km_file_sha256, km_fallback FROM chains WHERE dataset = ? AND chain = ?",
        [dataset, name],
        obj="chains",
    )
    if row is None:
        have = [
            r[0]
            for r in run_sql(
                con, "SELECT chain FROM chains WHERE dataset = ? ORDER BY 1", [dataset]
            ).fetchall()
        ]
        raise SchemaError(
            f"no chain {name!r} for dataset {dataset!r} "
            f"(defined: {', '.join(have) or 'none'}; use 'gvc chain define')"
        )

    def tup(x: list[str] | None) -> tuple[str, ...] | None:
        return None if x is None else tuple(x)

    return ChainSpec(dataset, name, tup(row[0]), tup(row[1]), tup(row[2]), *row[3:])


def write_chain_year(
    con: duckdb.DuckDBPyConnection,
    spec: ChainSpec,
    year: int,
    frames: dict[str, pd.DataFrame],
) -> dict[str, int]:
    """Replace the chain's rows of ``year`` in the three result tables, in one transaction."""
    counts: dict[str, int] = {}
    with transaction(con):
        for t in RESULT_TABLES:
            df = frames[t].copy()
            df.insert(0, "chain", spec.name)
            df.insert(0, "year", year)
            df.insert(0, "dataset", spec.dataset)
            run_sql(
                con,
                f"DELETE FROM {t} WHERE dataset = ? AND year = ? AND chain = ?",
                [spec.dataset, year, spec.name],
                obj=t,
            )
            con.register("_gvc_chain_rows", df)
            try:
                run_sql(con, f"INSERT INTO {t} BY NAME SELECT * FROM _gvc_chain_rows", obj=t)
            finally:
                con.unregister("_gvc_chain_rows")
            counts[t] = len(df)
    return counts


def compute_chain(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    chain: str,
    years: Sequence[int] | None = None,
    *,
    k: int = 20,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[tuple[int, dict[str, int]]]:
    """Compute a stored chain for the stored years of ``dataset`` and write its tables.

    Each year is read, computed and written in its own transaction (old rows of that
    chain and year replaced), so a failure leaves earlier years written.

    Parameters
    ----------
    con : a writable store connection.
    dataset, chain : the dataset and the name of a chain defined with :func:`define_chain`.
    years : years to compute (default: every stored year of the dataset).
    k : number of structural paths kept per year.
    progress : ``progress(label, done, total)`` callback.

    Returns
    -------
    list of ``(year, {table: rows written})``.

    Raises
    ------
    SchemaError
        unknown dataset, chain or year.
    InputError
        the definition names a code the table lacks, or a country has no centroid.
    """
    check_dataset(con, dataset)
    spec = get_chain(con, dataset, chain)
    stored = [y for _, y in list_tables(con, dataset)]
    if years is None:
        todo = stored
    else:
        missing = [y for y in years if y not in stored]
        if missing:
            raise SchemaError(
                f"dataset {dataset!r} has no table for {missing[0]} "
                f"(years: {stored[0]}-{stored[-1]})"
            )
        todo = sorted(set(years))
    geo: CountryGeo | None = None
    out = []
    for i, year in enumerate(todo):
        if progress:
            progress(f"{chain} {year}", i, len(todo))
        t0 = time.perf_counter()
        table = read_iotable(con, dataset, year)
        if geo is None:
            geo = chain_geography_of(spec, table.countries)
        frames = chain_year(table, spec, geo=geo, k=k)
        counts = write_chain_year(con, spec, year, frames)
        log.info(
            "chain %s %s %s: %s in %.2f s", dataset, chain, year, counts, time.perf_counter() - t0
        )
        out.append((year, counts))
    if progress:
        progress("done", len(todo), len(todo))
    return out


def read_chain_results(
    con: duckdb.DuckDBPyConnection, dataset: str, name: str, year: int | None = None
) -> tuple[ChainSpec, pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """A computed chain's definition, totals (all years), paths (``year`` or all) and the
    dataset's countries.

    ``totals`` and ``paths`` are the ``chain_totals`` / ``chain_paths`` rows without
    ``dataset`` and ``chain``, ordered by year (and rank).

    Raises
    ------
    SchemaError
        unknown dataset or chain, or the chain has no results (for ``year``).
    """
    check_dataset(con, dataset)
    spec = get_chain(con, dataset, name)
    totals = run_sql(
        con,
        "SELECT * EXCLUDE (dataset, chain) FROM chain_totals "
        "WHERE dataset = ? AND chain = ? ORDER BY year",
        [dataset, name],
        obj="chain_totals",
    ).df()
    if totals.empty or (year is not None and year not in set(totals["year"])):
        when = f" for {year}" if year is not None else ""
        raise SchemaError(
            f"chain {name!r} of {dataset!r} has no results{when}; "
            f"run 'gvc chain run {name} --dataset {dataset}'"
        )
    sql = "SELECT * EXCLUDE (dataset, chain) FROM chain_paths WHERE dataset = ? AND chain = ?"
    params: list = [dataset, name]
    if year is not None:
        sql += " AND year = ?"
        params.append(year)
    paths = run_sql(con, sql + " ORDER BY year, rank", params, obj="chain_paths").df()
    return spec, totals, paths, dataset_labels(con, dataset, "countries")


def list_chains(con: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
    """Names of the chains defined for ``dataset`` (empty when none, or no ``chains`` table)."""
    if fetch_one(con, "SELECT 1 FROM duckdb_tables() WHERE table_name = 'chains'") is None:
        return []
    rows = run_sql(
        con, "SELECT chain FROM chains WHERE dataset = ? ORDER BY 1", [dataset]
    ).fetchall()
    return [r[0] for r in rows]
