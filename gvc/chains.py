"""Value chains in the Python API: define, run, report and plot (what ``gvc chain`` calls).

>>> from gvc import chains                                                  # doctest: +SKIP
>>> chains.define("ict_usa", dataset="wiod2013", producers_sectors=["c14"],
...               destinations=["USA"], db="gvc.duckdb")                    # doctest: +SKIP
>>> chains.run("ict_usa", dataset="wiod2013", db="gvc.duckdb")              # doctest: +SKIP
>>> rep = chains.report("ict_usa", dataset="wiod2013", db="gvc.duckdb")     # doctest: +SKIP
>>> print(chains.format_report(rep))                                        # doctest: +SKIP

The computation and the tables are described in :mod:`gvc.indicators.geography`; from SQL:
``SELECT * FROM chain_report('wiod2013', 'ict_usa')``, ``chain_top_paths(ds, chain, year, k)``,
``chain_origins(ds, chain, year)``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gvc.catalog import open_store
from gvc.errors import InputError, SchemaError
from gvc.indicators import geography as _geo
from gvc.indicators.geography import ChainSpec
from gvc.store import fetch_one, run_sql

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
Db = str | os.PathLike | None


@dataclass(frozen=True)
class ChainReport:
    """What :func:`report` read: the definition, per-year totals, top paths and map points.

    ``totals``: one row per year (columns of ``chain_totals``); ``paths``: ``chain_paths``
    rows of the reported years; ``points``: ``country, lon, lat, continent`` of the table's
    countries (RoW at the GDP-weighted mean direction of its members); ``world``: ``lon, lat``
    of every Natural Earth country (the background of the map).
    """

    spec: ChainSpec
    totals: pd.DataFrame
    paths: pd.DataFrame
    points: pd.DataFrame
    world: pd.DataFrame


def define(
    name: str,
    *,
    dataset: str,
    producers_countries: Sequence[str] | None = None,
    producers_sectors: Sequence[str] | None = None,
    destinations: Sequence[str] | None = None,
    km_source: str = "natural_earth",
    cepii_file: str | os.PathLike | None = None,
    cepii_measure: str | None = None,
    km_fallback: str | None = None,
    db: Db = None,
) -> ChainSpec:
    """Define (or redefine) a chain; ``None`` lists mean all. See :func:`~gvc.indicators.
    geography.define_chain` (raises ``SchemaError`` for an unknown dataset, ``InputError`` for
    an unknown code or a CEPII file that lacks a pair of the dataset's countries).

    ``km_source='cepii'`` with ``cepii_file`` (the user's GeoDist ``dist_cepii`` as CSV or
    Parquet) and ``cepii_measure`` (``dist`` default, ``distcap``, ``distw``, ``distwces``)
    takes the chain's km from that file; ``km_fallback='natural_earth'`` fills pairs it lacks
    with great-circle km."""
    with open_store(db) as con:
        return _geo.define_chain(
            con,
            dataset,
            name,
            producers_countries=producers_countries,
            producers_sectors=producers_sectors,
            destinations=destinations,
            km_source=km_source,
            cepii_file=cepii_file,
            cepii_measure=cepii_measure,
            km_fallback=km_fallback,
        )


def run(
    name: str,
    *,
    dataset: str,
    years: Sequence[int] | None = None,
    k: int = 20,
    db: Db = None,
    progress: Progress | None = None,
) -> list[tuple[int, dict[str, int]]]:
    """Compute a defined chain for the stored years (or ``years``) and write its tables."""
    with open_store(db) as con:
        return _geo.compute_chain(con, dataset, name, years, k=k, progress=progress)


def report(name: str, *, dataset: str, year: int | None = None, db: Db = None) -> ChainReport:
    """Read a computed chain's totals (all years) and top paths (``year`` or all years).

    Raises
    ------
    SchemaError
        unknown dataset or chain, or the chain has no results (for ``year``).
    """
    with open_store(db) as con:
        _geo._check_dataset(con, dataset)
        spec = _geo.get_chain(con, dataset, name)
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
        countries = _geo._dataset_labels(con, dataset, "countries")
    if spec.km_source != "none":
        g = _geo.country_geography(countries)  # map points are Natural Earth's for CEPII too
        points = pd.DataFrame(
            {"country": countries, "lon": g.lon, "lat": g.lat, "continent": g.continent}
        )
    else:
        points = pd.DataFrame(columns=["country", "lon", "lat", "continent"])
    ne = _geo._natural_earth()
    world = pd.DataFrame({"lon": ne["centroid_main_lon"], "lat": ne["centroid_main_lat"]})
    return ChainReport(spec, totals, paths, points, world)


def _fmt(x: float, spec: str) -> str:
    return "-" if x is None or pd.isna(x) else format(x, spec)


def format_report(rep: ChainReport, *, year: int | None = None, top: int = 5) -> str:
    """A plain-text report: the definition, a per-year table and the top paths of one year.

    ``year`` picks the year whose paths are listed (default: the latest reported).
    """
    s = rep.spec
    t = rep.totals
    lines = [
        f"chain {s.name} ({s.dataset}): {s.describe()}",
        "value added in the table's units; crossings, km and countries are means per unit of "
        "the chain's value added",
        "",
    ]
    head = (
        f"{'year':>4}  {'value added':>13}  {'crossings (sd)':>14}  {'returns':>7}  "
        f"{'interc.':>7}  {'km':>7}  {'visited':>7}  {'effective':>9}  {'>=0.5%':>6}  "
        f"{'length = dom + for':>18}  {'border':>6}"
    )
    lines += [head, "-" * len(head)]
    for r in t.itertuples(index=False):
        sd = (max(r.crossings_var, 0.0) ** 0.5) if pd.notna(r.crossings_var) else float("nan")
        length = (
            f"{_fmt(r.production_length, '.2f')} = {_fmt(r.pl_domestic, '.2f')} + "
            f"{_fmt(r.pl_foreign, '.2f')}"
        )
        lines.append(
            f"{r.year:>4}  {_fmt(r.value_added, ',.0f'):>13}  "
            f"{_fmt(r.crossings_mean, '.3f'):>6} ({_fmt(sd, '.3f')})  "
            f"{_fmt(r.returns_mean, '.3f'):>7}  {_fmt(r.intercontinental_mean, '.3f'):>7}  "
            f"{_fmt(r.km_mean, ',.0f'):>7}  {_fmt(r.countries_visited_mean, '.2f'):>7}  "
            f"{_fmt(r.countries_effective, '.2f'):>9}  {r.countries_over:>6}  {length:>18}  "
            f"{_fmt(r.pl_border, '.2f'):>6}"
        )
    if not rep.paths.empty:
        py = int(rep.paths["year"].max()) if year is None else year
        p = rep.paths[(rep.paths["year"] == py) & (rep.paths["rank"] <= top)]
        lines += ["", f"{py}: top {len(p)} structural paths (value added -> ... -> [final buyer])"]
        for r in p.itertuples(index=False):
            lines.append(
                f"  {r.rank:>2}. {100 * r.share:5.2f} %  {r.path}   "
                f"({r.crossings} crossings, {_fmt(r.km, ',.0f')} km)"
            )
    return "\n".join(lines)


def plot(
    rep: ChainReport, path: str | os.PathLike, *, year: int | None = None, kind: str = "both"
) -> Path:
    """Write the chain's picture (PNG/SVG/PDF by suffix); see :func:`gvc.plots.plot_chain`."""
    from gvc.plots import plot_chain

    if kind not in {"both", "map", "years"}:
        raise InputError(f"unknown plot kind {kind!r}; use both, map or years")
    return plot_chain(rep, path, year=year, kind=kind)


def chain_names(dataset: str, *, db: Db = None) -> list[str]:
    """Names of the chains defined for ``dataset`` (empty when none)."""
    with open_store(db, read_only=True) as con:
        if fetch_one(con, "SELECT 1 FROM duckdb_tables() WHERE table_name = 'chains'") is None:
            return []
        rows = run_sql(
            con, "SELECT chain FROM chains WHERE dataset = ? ORDER BY 1", [dataset]
        ).fetchall()
    return [r[0] for r in rows]
