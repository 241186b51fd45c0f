"""Every store read and write of the value chains: tables, definitions, results, the year loop.

The chain tables (DDL and column meanings in ``queries/chain_schema.sql``, created by
:func:`ensure_chain_tables`):

* ``chains(dataset, chain, producers_countries, producers_sectors, destinations, km_source,
  created_at, km_file, km_file_sha256, km_fallback)``: the definitions (NULL lists mean "all"),
  written by :func:`define_chain`, read by :func:`get_chain`;
* ``facts.chain_geography``, ``facts.chain_totals``, ``facts.chain_paths``
  (:data:`RESULT_TABLES`, views without ``facts.``): the results, one ledger result
  ``chain:<name>`` per ``(dataset, year)`` (:mod:`gvc.chains.steps`), written like every step's
  by :func:`gvc.indicators.run.run` (:func:`compute_chain` is that call for one chain);
  :func:`read_chain_results` reads them back for a report, refusing stale or missing years.

Redefining a chain deletes its old results in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Sequence

import duckdb
import pandas as pd

from gvc.catalog import ledger
from gvc.chains.definitions import ChainSpec, chain_geography_of, check_codes, check_km_options
from gvc.errors import InputError, SchemaError
from gvc.paths import queries_dir
from gvc.store import fetch_one, list_tables, run_sql, transaction

log = logging.getLogger(__name__)

#: The fact tables (``facts.<name>``) a computed chain writes.
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
    paths: int = 20,
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
    paths : structural paths kept per year (``chain_paths``).

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
    if not isinstance(paths, int) or paths < 1:
        raise InputError(f"chain definition: paths must be a positive integer, got {paths!r}")
    km_source, km_file, km_sha = check_km_options(km_source, cepii_file, cepii_measure, km_fallback)
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
        paths,
    )
    if km_file is not None:
        # fail at definition, not at run time: every pair of the dataset's countries is needed
        chain_geography_of(spec, countries)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with transaction(con):
        ledger.remove_results(con, dataset, f"chain:{name}", None)
        run_sql(
            con,
            "INSERT OR REPLACE INTO chains (dataset, chain, producers_countries, "
            "producers_sectors, destinations, km_source, created_at, km_file, km_file_sha256, "
            "km_fallback, paths) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                paths,
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
    row = fetch_one(
        con,
        "SELECT producers_countries, producers_sectors, destinations, km_source, km_file, "
        "km_file_sha256, km_fallback, coalesce(paths, 20) FROM chains "
        "WHERE dataset = ? AND chain = ?",
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


def compute_chain(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    chain: str,
    years: Sequence[int] | None = None,
    *,
    force: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[tuple[int, dict[str, int]]]:
    """Compute a stored chain for the stored years of ``dataset`` (or ``years``): the step
    ``chain:<chain>`` of :func:`gvc.indicators.run.run`; years whose result is fresh are
    skipped unless ``force``.

    Each year is read, computed and written in its own transaction, so a failure leaves
    earlier years written.

    Returns
    -------
    list of ``(year, {table: rows written})`` (an empty dict: up to date, skipped).

    Raises
    ------
    SchemaError
        unknown dataset, chain or year.
    InputError
        the definition names a code the table lacks, or a country has no centroid.
    """
    from gvc.indicators.run import run

    check_dataset(con, dataset)
    get_chain(con, dataset, chain)
    done = run(con, dataset, years, (f"chain:{chain}",), progress, force=force)
    return [(y, counts) for _, y, counts in done]


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
        unknown dataset or chain, or a result that is missing or stale (not computed, input
        replaced, definition changed or another gvc version) for ``year`` or, without
        ``year``, for any stored year: a report never shows old numbers.
    """
    from gvc.chains.steps import chain_step

    check_dataset(con, dataset)
    spec = get_chain(con, dataset, name)
    years = [year] if year is not None else [y for _, y in list_tables(con, dataset)]
    ledger.require_fresh(
        con,
        dataset,
        years,
        f"chain:{name}",
        chain_step(spec).options_hash,
        f"run 'gvc chain run {name} --dataset {dataset}'",
    )
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
