"""A computed chain as a report: what :func:`report` reads, and :func:`format_report`'s text."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from gvc.catalog import open_store
from gvc.chains.definitions import ChainSpec
from gvc.chains.geography import country_geography, natural_earth
from gvc.chains.store import read_chain_results

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


def report(name: str, *, dataset: str, year: int | None = None, db: Db = None) -> ChainReport:
    """Read a computed chain's totals (all years) and top paths (``year`` or all years).

    Raises
    ------
    SchemaError
        unknown dataset or chain, or the chain has no results (for ``year``).
    """
    with open_store(db) as con:
        spec, totals, paths, countries = read_chain_results(con, dataset, name, year)
    if spec.km_source != "none":
        g = country_geography(countries)  # map points are Natural Earth's for CEPII too
        points = pd.DataFrame(
            {"country": countries, "lon": g.lon, "lat": g.lat, "continent": g.continent}
        )
    else:
        points = pd.DataFrame(columns=["country", "lon", "lat", "continent"])
    ne = natural_earth()
    world = pd.DataFrame({"lon": ne["centroid_main_lon"], "lat": ne["centroid_main_lat"]})
    return ChainReport(spec, totals, paths, points, world)


def _fmt(x: float, spec: str) -> str:
    return "-" if x is None or pd.isna(x) else format(x, spec)


def format_report(rep: ChainReport, *, year: int | None = None, top: int = 5) -> str:
    """A plain-text report: the definition, a per-year table and the top paths of one year.

    ``year`` picks the year whose paths are listed (default: the latest reported). The last
    column is the production length and its three segments,
    ``length = dom + border + for`` (``production_length = pl_domestic + pl_border +
    pl_foreign``).
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
        f"{'length = dom + border + for':>27}"
    )
    lines += [head, "-" * len(head)]
    for r in t.itertuples(index=False):
        sd = (max(r.crossings_var, 0.0) ** 0.5) if pd.notna(r.crossings_var) else float("nan")
        length = (
            f"{_fmt(r.production_length, '.2f')} = {_fmt(r.pl_domestic, '.2f')} + "
            f"{_fmt(r.pl_border, '.2f')} + {_fmt(r.pl_foreign, '.2f')}"
        )
        lines.append(
            f"{r.year:>4}  {_fmt(r.value_added, ',.0f'):>13}  "
            f"{_fmt(r.crossings_mean, '.3f'):>6} ({_fmt(sd, '.3f')})  "
            f"{_fmt(r.returns_mean, '.3f'):>7}  {_fmt(r.intercontinental_mean, '.3f'):>7}  "
            f"{_fmt(r.km_mean, ',.0f'):>7}  {_fmt(r.countries_visited_mean, '.2f'):>7}  "
            f"{_fmt(r.countries_effective, '.2f'):>9}  {r.countries_over:>6}  {length:>27}"
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
