"""Chain geography: border crossings, returns, km, countries and top paths of a value chain.

A **chain** is the final demand for the products of a set of producing nodes (countries and/or
sectors, either may be "all"), absorbed in a set of destination countries (or all). For one
stored table and one chain, :func:`chain_year` builds the chain's final demand ``y`` (n, R)
(one column per destination country, rows outside the producing nodes set to zero), the
country distance matrix and continents (:func:`country_geography`), and calls the kernels
:func:`gvc.kernels.crossings.chain_moments`, :func:`gvc.kernels.paths.top_paths` and
:func:`gvc.kernels.lengths.production_length` on the one Leontief inverse of the table.
:func:`compute_chain` does this for the stored years and writes three labelled tables (DDL and
column meanings in ``queries/chain_schema.sql``):

* ``chain_geography(dataset, year, chain, origin_country, origin_sector, value_added,
  crossings_mean, crossings_var, returns_mean, intercontinental_mean, km_mean,
  countries_visited_mean)``: per value-added origin node with value in the chain;
* ``chain_totals(dataset, year, chain, value_added, ..., countries_effective, countries_over,
  production_length, pl_domestic, pl_border, pl_foreign)``: per chain and year;
* ``chain_paths(dataset, year, chain, rank, path, value, share, crossings, km, countries,
  sectors, destination)``: the ``k`` largest structural paths.

Chain definitions live in ``chains(dataset, chain, producers_countries, producers_sectors,
destinations, km_source, created_at, km_file, km_file_sha256, km_fallback)``; NULL lists mean
"all".

**Distances and continents** (``km_source = 'natural_earth'``). A table country is the Natural
Earth centroid of its largest polygon (``datasets/geo/ne_country_centroids.parquet``,
``centroid_main_lon/lat``; WIOD 2013's ``ROM`` is ISO ``ROU``). The rest-of-world aggregate
(``RoW``/``ROW``) is the set of Natural Earth countries that are not table members (Antarctica
and the "Seven seas" islands left out), weighted by their ``gdp_md_est``; its distance to a
table country is the GDP-weighted mean great-circle distance
(:func:`gvc.kernels.geo.group_distance_matrix`). Continents are Natural Earth's ``continent``;
RoW is labelled ``RoW`` and spans several: its continent mix is its members' GDP shares, so a
leg between country ``c`` and RoW counts as intercontinental with the probability that a
GDP-weighted RoW member lies on another continent than ``c`` (an expectation, like every
chain mean; legs inside RoW are domestic in the table and never counted). A label that is
neither an ISO3 code of the file nor RoW raises :class:`~gvc.errors.InputError`; with
``km_source = 'none'`` km and intercontinental legs are left NULL.

**CEPII distances** (``km_source = 'cepii:<measure>'``, :func:`cepii_distances`). The user's
own copy of CEPII GeoDist ``dist_cepii`` (Mayer & Zignago 2011; CSV or Parquet with columns
``iso_o, iso_d`` and ``dist``, ``distcap``, ``distw`` or ``distwces`` in km; gvc ships none)
replaces the great-circle km between table countries; its absolute path and sha256 are stored
with the chain, and a run refuses a file whose sha256 changed. Codes are mapped explicitly,
table -> ISO3 -> GeoDist (:data:`CEPII_CODES`: ``ROU`` -> ``ROM``, ``COD`` -> ``ZAR``,
``TLS`` -> ``TMP``, ``PSE`` -> ``PAL``). RoW keeps the Natural Earth rule: the GDP-weighted
non-member Natural Earth countries, with CEPII distances to each (members GeoDist lacks are
left out and the weights renormalised). A pair of table countries the file lacks (a missing
row, or ``distw`` NaN) is an :class:`~gvc.errors.InputError` naming the pair and the file,
unless ``km_fallback = 'natural_earth'`` (stored with the chain), which takes the great-circle
km for such pairs (and keeps RoW members with them). Continents and map points stay Natural
Earth's; within-country distance is 0.

**Production length of the chain.** :func:`gvc.kernels.lengths.production_length` applied to the
chain's final demand by destination (n, G) gives, per origin, the WWYZ (2017b) induced output
of each production type and its domestic / foreign GVC segments; chain totals are the sums of
induced output over origins divided by the chain's value added:
``production_length = v'B B y / v'B y``, ``pl_domestic`` = stages before the value first
leaves its origin country (pure domestic and traditional-trade stages included),
``pl_border`` = the border-crossing segment (every crossing of intermediate goods; the final
sale abroad is not a production stage) and ``pl_foreign`` = the stages after the first
crossing, so that ``pl_domestic + pl_border + pl_foreign = production_length`` (WWYZ 2017b's
three segments, as computed by :func:`gvc.kernels.lengths.production_length`). ``pl_border``
equals ``crossings_mean`` less the final sale ``v'B y^x / v'B y`` (tested).

References
----------
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017b). Characterizing global value chains: production
length and upstreamness. NBER Working Paper 23261.
Muradov, K. (2016). Counting borders in global value chains. 24th IIOA Conference, Seoul.
Mayer, T. & Zignago, S. (2011). Notes on CEPII's distances measures: the GeoDist database.
CEPII Working Paper 2011-25.
See :mod:`gvc.kernels.crossings` and :mod:`gvc.kernels.paths` for the formulas.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from gvc.errors import InputError, SchemaError
from gvc.indicators.derived import Derived
from gvc.indicators.inputs import read_iotable
from gvc.ingestion.prepare import source_sha256
from gvc.kernels.crossings import chain_moments
from gvc.kernels.geo import aggregate_distance_matrix, distance_matrix, group_distance_matrix
from gvc.kernels.lengths import production_length
from gvc.kernels.paths import top_paths
from gvc.paths import datasets_dir, queries_dir
from gvc.store import fetch_one, list_tables, run_sql, transaction
from gvc.table import IOTable

log = logging.getLogger(__name__)

KM_SOURCES = ("natural_earth", "none", "cepii")
CEPII_MEASURES = ("dist", "distcap", "distw", "distwces")
"""CEPII GeoDist distance measures (km): main cities, capitals, population-weighted (two ways)."""
KM_FALLBACKS = ("natural_earth",)
ISO_ALIASES = {"ROM": "ROU"}
"""Table codes that differ from the ISO3 code of the same country (WIOD 2013 writes ROM)."""
CEPII_CODES = {"ROU": "ROM", "COD": "ZAR", "TLS": "TMP", "PSE": "PAL"}
"""ISO3 codes that CEPII GeoDist writes with its older code (Romania, DR Congo, Timor-Leste,
Palestine). Serbia, Montenegro and Kosovo are not mapped: GeoDist has only ``YUG``."""
REST_OF_WORLD = frozenset({"ROW", "RoW", "row"})
RESULT_TABLES = ("chain_geography", "chain_totals", "chain_paths")
_NOT_COUNTRIES = frozenset({"Antarctica", "Seven seas (open ocean)"})


@dataclass(frozen=True)
class ChainSpec:
    """A chain definition; ``None`` for a list means "all"."""

    dataset: str
    name: str
    producers_countries: tuple[str, ...] | None = None
    producers_sectors: tuple[str, ...] | None = None
    destinations: tuple[str, ...] | None = None
    km_source: str = "natural_earth"  # natural_earth, none or cepii:<measure>
    km_file: str | None = None  # CEPII file (absolute path) for cepii:<measure>
    km_file_sha256: str | None = None  # its sha256 when the chain was defined
    km_fallback: str | None = None  # natural_earth: great-circle km for pairs the file lacks

    def describe(self) -> str:
        """One line: ``c14 of all countries, absorbed in USA``."""

        def lst(x: tuple[str, ...] | None, what: str) -> str:
            return f"all {what}" if x is None else ", ".join(x)

        return (
            f"products of {lst(self.producers_sectors, 'sectors')} made in "
            f"{lst(self.producers_countries, 'countries')}, absorbed in "
            f"{lst(self.destinations, 'countries')}"
        )


@dataclass(frozen=True)
class CountryGeo:
    """Geography of a table's countries: distances, continents, plotting points."""

    countries: tuple[str, ...]
    km: np.ndarray  # (G, G) km, zero diagonal
    continent: tuple[str, ...]  # (G,) Natural Earth continent, "RoW" for the aggregate
    #: (G, K) share of each table country in each Natural Earth continent (one-hot for a
    #: country; GDP weights of its members for RoW), the input of intercontinental legs
    continent_share: np.ndarray
    lon: np.ndarray  # (G,) degrees; RoW: GDP-weighted mean direction of its members
    lat: np.ndarray


# ------------------------------------------------------------------------------- store tables


def ensure_chain_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``chains`` and the result tables if missing (``queries/chain_schema.sql``)."""
    from gvc.sql import parse_sql_file

    body = parse_sql_file(queries_dir() / "chain_schema.sql").body
    with transaction(con):
        run_sql(con, body, obj="queries/chain_schema.sql")


def _dataset_labels(con: duckdb.DuckDBPyConnection, dataset: str, dim: str) -> tuple[str, ...]:
    col = {"countries": "country", "sectors": "sector"}[dim]
    rows = run_sql(
        con, f"SELECT {col} FROM {dim} WHERE dataset = ? ORDER BY position", [dataset], obj=dim
    ).fetchall()
    return tuple(r[0] for r in rows)


def _check_dataset(con: duckdb.DuckDBPyConnection, dataset: str) -> None:
    if fetch_one(con, "SELECT 1 FROM tables WHERE dataset = ? LIMIT 1", [dataset]) is None:
        have = [r[0] for r in run_sql(con, "SELECT DISTINCT dataset FROM tables").fetchall()]
        listed = ", ".join(sorted(have)) or "none"
        raise SchemaError(f"dataset {dataset!r} is not in the store (datasets: {listed})")


def _check_labels(
    given: Sequence[str] | None, known: tuple[str, ...], what: str, dataset: str
) -> tuple[str, ...] | None:
    if given is None:
        return None
    given = tuple(dict.fromkeys(str(g) for g in given))
    if not given:
        raise InputError(f"chain definition: empty {what} list (omit it to mean all)")
    unknown = [g for g in given if g not in known]
    if unknown:
        head = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
        raise InputError(f"unknown {what} {unknown[0]!r} in dataset {dataset!r} (known: {head})")
    return given


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
        (:func:`cepii_distances`; the rule is in the module docstring).
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
    km_source, km_file, km_sha = _km_options(km_source, cepii_file, cepii_measure, km_fallback)
    ensure_chain_tables(con)
    _check_dataset(con, dataset)
    countries = _dataset_labels(con, dataset, "countries")
    sectors = _dataset_labels(con, dataset, "sectors")
    spec = ChainSpec(
        dataset,
        name,
        _check_labels(producers_countries, countries, "producing country", dataset),
        _check_labels(producers_sectors, sectors, "producing sector", dataset),
        _check_labels(destinations, countries, "destination country", dataset),
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


def _km_options(
    km_source: str,
    cepii_file: str | os.PathLike | None,
    cepii_measure: str | None,
    km_fallback: str | None,
) -> tuple[str, str | None, str | None]:
    """Check the distance options; ``(km_source as stored, absolute file, its sha256)``."""
    source, _, measure = str(km_source).partition(":")
    if source not in KM_SOURCES or (measure and source != "cepii"):
        raise InputError(
            f"unknown km_source {km_source!r}; known: {', '.join(KM_SOURCES)} "
            f"(cepii also as cepii:<measure>)"
        )
    if source != "cepii":
        if cepii_file is not None or cepii_measure is not None or km_fallback is not None:
            raise InputError(
                f"cepii_file, cepii_measure and km_fallback need km_source 'cepii', "
                f"not {km_source!r}"
            )
        return source, None, None
    if measure and cepii_measure and measure != cepii_measure:
        raise InputError(f"km_source {km_source!r} and cepii_measure {cepii_measure!r} differ")
    measure = measure or cepii_measure or "dist"
    if measure not in CEPII_MEASURES:
        raise InputError(f"unknown CEPII measure {measure!r}; known: {', '.join(CEPII_MEASURES)}")
    if km_fallback is not None and km_fallback not in KM_FALLBACKS:
        raise InputError(f"unknown km_fallback {km_fallback!r}; known: {', '.join(KM_FALLBACKS)}")
    if cepii_file is None:
        raise InputError("km_source 'cepii' needs the CEPII distance file (cepii_file)")
    path = Path(cepii_file).expanduser().resolve()
    if not path.is_file():
        raise InputError(f"{path}: CEPII distance file not found")
    return f"cepii:{measure}", str(path), source_sha256(path)


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


# ------------------------------------------------------------------------------- geography


@lru_cache(maxsize=1)
def _natural_earth() -> pd.DataFrame:
    path = datasets_dir() / "geo" / "ne_country_centroids.parquet"
    if not path.exists():
        raise InputError(f"{path}: Natural Earth centroids missing from the datasets directory")
    return pd.read_parquet(path)


@dataclass(frozen=True)
class _Points:
    """Natural Earth points of a table's countries: one per country, many for RoW."""

    iso: tuple[str, ...]  # (m,) ISO3 code of each point
    lon: np.ndarray  # (m,)
    lat: np.ndarray  # (m,)
    group: np.ndarray  # (m,) position of the table country the point belongs to
    weight: np.ndarray  # (m,) 1 for a country, gdp_md_est for a RoW member
    continent: list[str]  # (G,) continent of each table country, "RoW" for the aggregate
    point_continent: list[str]  # (m,) Natural Earth continent of every point


def _ne_points(countries: Sequence[str]) -> _Points:
    """The points of the Natural Earth rule (see :func:`country_geography`)."""
    ne = _natural_earth()
    iso = [ISO_ALIASES.get(c, c) for c in countries]
    by_iso = ne.set_index("iso3")
    members = set(iso)
    lon: list[float] = []
    lat: list[float] = []
    group: list[int] = []
    weight: list[float] = []
    continent: list[str] = []
    point_continent: list[str] = []
    codes: list[str] = []
    for g, code in enumerate(iso):
        if code in REST_OF_WORLD:
            rest = ne[
                ~ne["iso3"].isin(members)
                & ~ne["continent"].isin(_NOT_COUNTRIES)
                & (ne["gdp_md_est"].fillna(0.0) > 0)
            ]
            if rest.empty:
                raise InputError(f"country {countries[g]!r}: no Natural Earth country left for RoW")
            lon += rest["centroid_main_lon"].tolist()
            lat += rest["centroid_main_lat"].tolist()
            weight += rest["gdp_md_est"].tolist()
            group += [g] * len(rest)
            codes += rest["iso3"].tolist()
            point_continent += rest["continent"].astype(str).tolist()
            continent.append("RoW")
        elif code in by_iso.index:
            r = by_iso.loc[code]
            lon.append(float(r["centroid_main_lon"]))
            lat.append(float(r["centroid_main_lat"]))
            weight.append(1.0)
            group.append(g)
            codes.append(code)
            continent.append(str(r["continent"]))
            point_continent.append(str(r["continent"]))
        else:
            raise InputError(
                f"country {countries[g]!r} has no Natural Earth centroid "
                "(not an ISO3 code or RoW); define the chain with km_source 'none'"
            )
    return _Points(
        tuple(codes),
        np.array(lon),
        np.array(lat),
        np.array(group, dtype=np.intp),
        np.array(weight),
        continent,
        point_continent,
    )


def country_geography(countries: Sequence[str]) -> CountryGeo:
    """Distances (km), continents and plotting points of a table's countries.

    Rule (module docstring): a country is its Natural Earth main-polygon centroid; ``RoW`` is
    the GDP-weighted (``gdp_md_est``) set of Natural Earth countries not in the table, and
    its distance to a country the weighted mean great-circle distance; its continent is
    ``"RoW"`` and its continent mix (``continent_share``) its members' GDP shares. Distances
    are haversine on the IUGG mean sphere (:mod:`gvc.kernels.geo`).

    Parameters
    ----------
    countries : table country codes (ISO3, ``ROM`` accepted for Romania, ``RoW``/``ROW``).

    Returns
    -------
    CountryGeo

    Raises
    ------
    InputError
        a code is neither an ISO3 code of the Natural Earth file nor the rest of the world.

    Examples
    --------
    >>> g = country_geography(["FRA", "DEU", "RoW"])
    >>> g.continent
    ('Europe', 'Europe', 'RoW')
    >>> bool(0 < g.km[0, 1] < 1000 and g.km[0, 2] > g.km[0, 1])
    True
    """
    pts = _ne_points(countries)
    lon_a, lat_a, w, grp, continent = pts.lon, pts.lat, pts.weight, pts.group, pts.continent
    G = len(countries)
    km = group_distance_matrix(lon_a, lat_a, grp, w, n_groups=G)
    # plotting point of a group: direction of the weighted mean of its unit vectors
    ll, pp = np.radians(lon_a), np.radians(lat_a)
    xyz = np.stack([np.cos(pp) * np.cos(ll), np.cos(pp) * np.sin(ll), np.sin(pp)], axis=1)
    S = np.zeros((G, len(grp)))
    S[grp, np.arange(len(grp))] = w
    m = S @ xyz
    plon = np.degrees(np.arctan2(m[:, 1], m[:, 0]))
    plat = np.degrees(np.arctan2(m[:, 2], np.hypot(m[:, 0], m[:, 1])))
    _, pcode = np.unique(np.array(pts.point_continent), return_inverse=True)
    share = np.zeros((G, int(pcode.max()) + 1))
    np.add.at(share, (grp, pcode), w)
    share /= share.sum(axis=1, keepdims=True)
    return CountryGeo(tuple(countries), km, tuple(continent), share, plon, plat)


# ------------------------------------------------------------------------------- CEPII GeoDist


@lru_cache(maxsize=4)
def _read_cepii(path: str, sha256: str, measure: str) -> tuple[dict[str, int], np.ndarray]:
    """CEPII codes -> positions and the (K, K) matrix of ``measure`` (NaN where missing).

    ``sha256`` is only part of the cache key (a changed file is read again).
    """
    del sha256
    p = Path(path)
    try:
        if p.suffix.lower() in {".parquet", ".pq"}:
            df = pd.read_parquet(p)
        elif p.suffix.lower() in {".csv", ".txt"}:
            with open(p, "rb") as f:
                head = f.readline().decode("utf-8", "replace")
            sep = ";" if head.count(";") > head.count(",") else ","  # European CSV exports
            df = pd.read_csv(p, sep=sep, dtype={"iso_o": str, "iso_d": str})
        else:
            raise InputError(f"{p}: CEPII distances must be a .csv or .parquet file")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad input file
        raise InputError(f"{p}: cannot read the CEPII distance file ({exc})") from exc
    df.columns = [str(c).strip().lower() for c in df.columns]
    lacking = [c for c in ("iso_o", "iso_d", measure) if c not in df.columns]
    if lacking:
        raise InputError(
            f"{p}: not a CEPII dist_cepii file, column {lacking[0]!r} missing "
            f"(need iso_o, iso_d, {measure})"
        )
    o = df["iso_o"].astype(str).str.strip().str.upper()
    d = df["iso_d"].astype(str).str.strip().str.upper()
    val = pd.to_numeric(df[measure], errors="coerce").to_numpy(dtype=np.float64)
    if np.any(val < 0):
        k = int(np.flatnonzero(val < 0)[0])
        raise InputError(f"{p}: negative {measure} for {o.iloc[k]} -> {d.iloc[k]}")
    pair = o + "/" + d
    if pair.duplicated().any():
        raise InputError(f"{p}: pair {pair[pair.duplicated()].iloc[0]} appears twice")
    codes = {c: k for k, c in enumerate(sorted(set(o) | set(d)))}
    M = np.full((len(codes), len(codes)), np.nan)
    M[o.map(codes).to_numpy(), d.map(codes).to_numpy()] = val
    M = np.where(np.isnan(M), M.T, M)  # GeoDist is symmetric; one direction is enough
    return codes, M


def cepii_distances(
    countries: Sequence[str],
    path: str | os.PathLike,
    measure: str = "dist",
    *,
    fallback: str | None = None,
) -> np.ndarray:
    """Distances (km) between a table's countries from CEPII GeoDist ``dist_cepii``.

    ``km[g, h]`` is the file's ``measure`` from ``iso_o = g`` to ``iso_d = h`` (the reverse
    pair when only that one is given), with zero diagonal (domestic legs cross no border).
    Codes are mapped explicitly: table code -> ISO3 (:data:`ISO_ALIASES`, WIOD's ``ROM``) ->
    GeoDist code (:data:`CEPII_CODES`, e.g. ``ROU`` -> ``ROM``). ``RoW`` follows the Natural
    Earth rule of :func:`country_geography` with CEPII distances: its members are the Natural
    Earth countries not in the table, weighted by ``gdp_md_est``, and

    ``km[g, RoW] = sum_p w_p d_CEPII(g, p) / sum_p w_p``

    (:func:`gvc.kernels.geo.aggregate_distance_matrix`). Members the file has no distance for
    (not in GeoDist, e.g. Serbia, or ``distw`` missing, e.g. Macao) are left out of RoW and the
    weights renormalised (logged with their GDP share); with ``fallback='natural_earth'`` they
    keep their great-circle distance instead.

    Parameters
    ----------
    countries : table country codes.
    path : the user's GeoDist ``dist_cepii`` as CSV or Parquet (columns ``iso_o, iso_d`` and
        the measure, km).
    measure : ``dist`` (main cities), ``distcap`` (capitals), ``distw`` or ``distwces``
        (population-weighted; Mayer & Zignago 2011).
    fallback : ``None`` (a missing pair of table countries is an error) or ``natural_earth``
        (great-circle km between Natural Earth centroids for that pair).

    Returns
    -------
    km : (G, G) array, zero diagonal.

    Raises
    ------
    InputError
        unreadable file, missing column, negative distance, a pair of table countries without
        a distance (no fallback), a code without a Natural Earth centroid, or an empty RoW.

    References
    ----------
    Mayer, T. & Zignago, S. (2011). Notes on CEPII's distances measures: the GeoDist database.
    CEPII Working Paper 2011-25.
    """
    if measure not in CEPII_MEASURES:
        raise InputError(f"unknown CEPII measure {measure!r}; known: {', '.join(CEPII_MEASURES)}")
    if fallback is not None and fallback not in KM_FALLBACKS:
        raise InputError(f"unknown km_fallback {fallback!r}; known: {', '.join(KM_FALLBACKS)}")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: CEPII distance file not found")
    codes, M = _read_cepii(str(path), source_sha256(path), measure)
    pts = _ne_points(countries)
    G = len(countries)
    cep = [CEPII_CODES.get(c, c) for c in pts.iso]
    idx = np.array([codes.get(c, -1) for c in cep], dtype=np.intp)
    P = np.where((idx[:, None] >= 0) & (idx[None, :] >= 0), M[idx[:, None], idx[None, :]], np.nan)
    grp = pts.group
    is_row = np.array([pts.continent[g] == "RoW" for g in grp])
    missing = np.isnan(P) & (grp[:, None] != grp[None, :])
    weight = pts.weight.copy()
    if fallback == "natural_earth":
        P = np.where(missing, distance_matrix(pts.lon, pts.lat), P)
        pairs = missing & ~is_row[:, None] & ~is_row[None, :]
        if pairs.any() or (missing & is_row[:, None]).any():
            log.warning(
                "%s: %s missing for %d ordered pairs of table countries and %d RoW members; "
                "Natural Earth great-circle km used",
                path,
                measure,
                int(pairs.sum()),
                int((missing & is_row[:, None]).any(axis=1).sum()),
            )
    else:
        pairs = np.argwhere(missing & ~is_row[:, None] & ~is_row[None, :])
        if len(pairs):
            a, b = pairs[0]
            ca, cb = countries[grp[a]], countries[grp[b]]
            raise InputError(
                f"{path}: no CEPII {measure} distance for {ca} -> {cb} (file codes "
                f"{cep[a]} -> {cep[b]}); add the pair or use km_fallback natural_earth"
            )
        drop = is_row & (missing.any(axis=1) | missing.any(axis=0))
        if drop.any():
            for g in np.unique(grp[drop]):
                in_g = grp == g
                share = weight[drop & in_g].sum() / weight[in_g].sum()
                if share >= 1.0:
                    raise InputError(
                        f"{path}: no {measure} distance for any member of {countries[g]}"
                    )
                log.warning(
                    "%s: %d members of %s (%.2f %% of its GDP weight) have no %s distance and "
                    "are left out of it",
                    path,
                    int((drop & in_g).sum()),
                    countries[g],
                    100 * share,
                    measure,
                )
            weight[drop] = 0.0
            P = np.where(drop[:, None] | drop[None, :], 0.0, P)
    return aggregate_distance_matrix(P, grp, weight, n_groups=G)


def chain_geography_of(spec: ChainSpec, countries: Sequence[str]) -> CountryGeo | None:
    """The geography a chain's ``km_source`` asks for; ``None`` for ``'none'``.

    ``natural_earth``: :func:`country_geography`. ``cepii:<measure>``: the same continents and
    map points, with ``km`` from :func:`cepii_distances` on ``spec.km_file``.

    Raises
    ------
    InputError
        the CEPII file is gone or its sha256 differs from the one recorded when the chain was
        defined (redefine the chain), or what :func:`cepii_distances` raises.
    """
    if spec.km_source == "none":
        return None
    geo = country_geography(countries)
    if spec.km_source == "natural_earth":
        return geo
    source, _, measure = spec.km_source.partition(":")
    if source != "cepii" or spec.km_file is None:
        raise InputError(f"chain {spec.name!r}: unknown km_source {spec.km_source!r}")
    path = Path(spec.km_file)
    if not path.is_file():
        raise InputError(f"{path}: CEPII distance file of chain {spec.name!r} not found")
    if spec.km_file_sha256 and source_sha256(path) != spec.km_file_sha256:
        raise InputError(
            f"{path}: file changed since chain {spec.name!r} was defined (sha256 differs); "
            "define the chain again"
        )
    km = cepii_distances(countries, path, measure, fallback=spec.km_fallback)
    return dataclasses.replace(geo, km=km)


# ------------------------------------------------------------------------------- computation


def chain_final_demand(table: IOTable, spec: ChainSpec) -> tuple[np.ndarray, np.ndarray]:
    """The chain's final demand ``y`` (n, R), one column per destination, and their countries.

    ``y[i, r] = Y[i, dest_r]`` (categories summed) for producing nodes ``i``, 0 elsewhere.

    Raises
    ------
    InputError
        a code of the definition is not in the table.
    """
    G, N = table.G, table.N
    cpos = {c: k for k, c in enumerate(table.countries)}
    spos = {s: k for k, s in enumerate(table.sectors)}

    def positions(x: tuple[str, ...] | None, pos: dict[str, int], what: str) -> np.ndarray:
        if x is None:
            return np.arange(len(pos))
        missing = [c for c in x if c not in pos]
        if missing:
            raise InputError(f"chain {spec.name!r}: {what} {missing[0]!r} is not in the table")
        return np.array([pos[c] for c in x], dtype=np.intp)

    pc = np.zeros(G, dtype=bool)
    pc[positions(spec.producers_countries, cpos, "producing country")] = True
    ps = np.zeros(N, dtype=bool)
    ps[positions(spec.producers_sectors, spos, "producing sector")] = True
    mask = (pc[:, None] & ps[None, :]).reshape(-1)
    dest = positions(spec.destinations, cpos, "destination country")
    y = table.Y[:, dest] * mask[:, None]
    return y, dest


def _path_text(nodes: Sequence[int], dest: int, countries: Sequence[str], sectors: Sequence[str]):
    N = len(sectors)
    cs = [countries[j // N] for j in nodes]
    ss = [sectors[j % N] for j in nodes]
    text = " -> ".join(f"{c}/{s}" for c, s in zip(cs, ss, strict=True)) + f" -> [{countries[dest]}]"
    return text, cs, ss


def chain_year(
    table: IOTable,
    spec: ChainSpec,
    *,
    derived: Derived | None = None,
    geo: CountryGeo | None = None,
    k: int = 20,
    share_threshold: float = 0.005,
) -> dict[str, pd.DataFrame]:
    """Geography of one chain on one table: ``{chain_geography, chain_totals, chain_paths}``.

    Frames carry labels and no ``dataset``/``year``/``chain`` columns (the writer adds them).
    Formulas: :func:`gvc.kernels.crossings.chain_moments` (per origin and totals),
    :func:`gvc.kernels.paths.top_paths` (``k`` paths), production length as in the module
    docstring.

    Parameters
    ----------
    table : the input-output table.
    spec : the chain definition.
    derived : the table's :class:`Derived` cache (reuses its ``B``).
    geo : the table's geography (default: :func:`chain_geography_of` for ``spec.km_source``;
        ``None`` there for ``'none'``).
    k : number of structural paths.
    share_threshold : origin-country share for ``countries_over``.

    Returns
    -------
    dict of pandas DataFrames.
    """
    d = derived or Derived(table)
    G, N, n = table.G, table.N, table.n
    if geo is None:
        geo = chain_geography_of(spec, table.countries)
    km = None if geo is None else geo.km
    cont = None if geo is None else geo.continent_share
    y, dest = chain_final_demand(table, spec)
    c = np.repeat(np.arange(G), N)
    A, B, v = d.A, d.B, d.v
    m = chain_moments(
        A,
        B,
        v,
        y,
        c,
        dest_countries=dest,
        km=km,
        continent_of_country=cont,
        share_threshold=share_threshold,
    )
    nan = np.full(n, np.nan)
    va = m["va"]
    keep = np.flatnonzero((va != 0) & np.isfinite(m["crossings_mean"]))
    node_c, node_s = np.divmod(np.arange(n), N)
    geo_df = pd.DataFrame(
        {
            "origin_country": np.array(table.countries, dtype=object)[node_c[keep]],
            "origin_sector": np.array(table.sectors, dtype=object)[node_s[keep]],
            "value_added": va[keep],
            "crossings_mean": m["crossings_mean"][keep],
            "crossings_var": m["crossings_var"][keep],
            "returns_mean": m["returns_mean"][keep],
            "intercontinental_mean": m.get("intercontinental_mean", nan)[keep],
            "km_mean": m.get("km_mean", nan)[keep],
            "countries_visited_mean": m["countries_visited_mean"][keep],
        }
    )

    # production length of the chain's y by destination country (n, G)
    va_tot = float(va.sum())
    Yc = np.zeros((n, G))
    np.add.at(Yc.T, dest, y.T)
    pl = production_length(table.Z, Yc, table.x, table.va, G, N, B=B)
    V = sum(pl[f"Vv_{p}"] for p in ("D", "RT", "GVC_S", "GVC_C")).sum()
    X_dom = (
        pl["Xv_D"].sum()
        + pl["Xv_RT"].sum()
        + (pl["PLv_GVC_S_D"] * pl["Vv_GVC_S"]).sum()
        + (pl["PLv_GVC_C_D"] * pl["Vv_GVC_C"]).sum()
    )
    X_bor = (pl["CBv_GVC_S"] * pl["Vv_GVC_S"]).sum() + (pl["CBv_GVC_C"] * pl["Vv_GVC_C"]).sum()
    X_for = (pl["PLv_GVC_S_F"] * pl["Vv_GVC_S"]).sum() + (pl["PLv_GVC_C_F"] * pl["Vv_GVC_C"]).sum()

    def val(key: str) -> float:
        return float(m[key]) if key in m else np.nan

    totals = pd.DataFrame(
        [
            {
                "value_added": va_tot,
                "crossings_mean": val("chain_crossings_mean"),
                "crossings_var": val("chain_crossings_var"),
                "returns_mean": val("chain_returns_mean"),
                "intercontinental_mean": val("chain_intercontinental_mean"),
                "km_mean": val("chain_km_mean"),
                "countries_visited_mean": val("chain_countries_visited_mean"),
                "countries_effective": val("countries_effective"),
                "countries_over": int(m["countries_over"]),
                "production_length": (X_dom + X_bor + X_for) / V if V else np.nan,
                "pl_domestic": X_dom / V if V else np.nan,
                "pl_border": X_bor / V if V else np.nan,
                "pl_foreign": X_for / V if V else np.nan,
            }
        ]
    )

    paths = (
        top_paths(A, v, y, k, dest_countries=dest, country_of_node=c, km=km, B=B, min_value=0.0)
        if va_tot > 0
        else []
    )
    rows = []
    for rank, p in enumerate(paths, start=1):
        text, cs, ss = _path_text(p.nodes, int(dest[p.column]), table.countries, table.sectors)
        rows.append(
            {
                "rank": rank,
                "path": text,
                "value": p.value,
                "share": p.value / va_tot if va_tot else np.nan,
                "crossings": p.crossings,
                "km": p.km,
                "countries": cs,
                "sectors": ss,
                "destination": table.countries[int(dest[p.column])],
            }
        )
    paths_df = pd.DataFrame(
        rows,
        columns=[
            "rank",
            "path",
            "value",
            "share",
            "crossings",
            "km",
            "countries",
            "sectors",
            "destination",
        ],
    )
    return {"chain_geography": geo_df, "chain_totals": totals, "chain_paths": paths_df}


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
    _check_dataset(con, dataset)
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
