"""Natural Earth geography of a table's countries: distances, continents and map points.

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

:func:`natural_earth_points` gives the points of this rule (one per country, the members for
RoW); :mod:`gvc.chains.cepii` uses them for RoW with CEPII distances.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.kernels.geo import group_distance_matrix
from gvc.paths import datasets_dir

ISO_ALIASES = {"ROM": "ROU"}
"""Table codes that differ from the ISO3 code of the same country (WIOD 2013 writes ROM)."""
REST_OF_WORLD = frozenset({"ROW", "RoW", "row"})
_NOT_COUNTRIES = frozenset({"Antarctica", "Seven seas (open ocean)"})


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


@lru_cache(maxsize=1)
def natural_earth() -> pd.DataFrame:
    """The Natural Earth country centroids (``iso3, continent, gdp_md_est, centroid_main_lon,
    centroid_main_lat``, ...), read once.

    Raises
    ------
    InputError
        the file is missing from the datasets directory.
    """
    path = datasets_dir() / "geo" / "ne_country_centroids.parquet"
    if not path.exists():
        raise InputError(f"{path}: Natural Earth centroids missing from the datasets directory")
    return pd.read_parquet(path)


@dataclass(frozen=True)
class NaturalEarthPoints:
    """Natural Earth points of a table's countries: one per country, many for RoW."""

    iso: tuple[str, ...]  # (m,) ISO3 code of each point
    lon: np.ndarray  # (m,)
    lat: np.ndarray  # (m,)
    group: np.ndarray  # (m,) position of the table country the point belongs to
    weight: np.ndarray  # (m,) 1 for a country, gdp_md_est for a RoW member
    continent: list[str]  # (G,) continent of each table country, "RoW" for the aggregate
    point_continent: list[str]  # (m,) Natural Earth continent of every point


def natural_earth_points(countries: Sequence[str]) -> NaturalEarthPoints:
    """The points of the Natural Earth rule (see :func:`country_geography`).

    Raises
    ------
    InputError
        a code is neither an ISO3 code of the Natural Earth file nor RoW, or RoW is empty.
    """
    ne = natural_earth()
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
    return NaturalEarthPoints(
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
    pts = natural_earth_points(countries)
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
