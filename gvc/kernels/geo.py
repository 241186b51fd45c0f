"""Great-circle distances between countries, for the kilometres a value chain travels.

Distances are haversine great-circle distances on a sphere of the IUGG mean Earth radius
``R1 = 6371.0088 km`` (Moritz 2000, "Geodetic Reference System 1980", Journal of Geodesy 74,
128-133, R1 = (2a + b) / 3 of GRS80). The sphere errs by at most about 0.5 % against the
ellipsoid, well inside the uncertainty of representing a country by one point.

The caller chooses the points. The default in gvc is the Natural Earth centroid of a country's
largest polygon (``datasets/geo/ne_country_centroids.parquet``, columns ``centroid_main_lon`` /
``centroid_main_lat``; continents from its ``continent`` column). Table aggregates (``ROW``, or
any region that stands for several countries) follow one fixed rule, implemented by
:func:`group_distance_matrix`: an aggregate is the set of member countries' points, and its
distance to another table country is the **weighted mean** of the member-to-country great-circle
distances (weights chosen by the caller, e.g. Natural Earth ``gdp_md_est``, a proxy for where
the aggregate's output sits). Distances inside one table entity are zero: trade within an
aggregate is domestic in the table and never counted as a border crossing.
"""

from __future__ import annotations

import numpy as np

from gvc.errors import InputError

EARTH_RADIUS_KM = 6371.0088
"""IUGG mean Earth radius R1 of GRS80 in km (Moritz 2000)."""


def haversine_km(
    lon1: np.ndarray | float,
    lat1: np.ndarray | float,
    lon2: np.ndarray | float,
    lat2: np.ndarray | float,
    *,
    radius_km: float = EARTH_RADIUS_KM,
) -> np.ndarray:
    """Great-circle distance by the haversine formula, element-wise with broadcasting.

    ``h = sin^2((phi2 - phi1) / 2) + cos(phi1) cos(phi2) sin^2((lambda2 - lambda1) / 2)``,
    ``d = 2 R asin(sqrt(h))`` (Sinnott 1984, "Virtues of the haversine", Sky and Telescope 68(2),
    p. 159). Well conditioned for small distances, unlike the spherical law of cosines; next to
    antipodes it loses about sqrt(machine epsilon) of the angle (up to 0.19 m measured).

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : arrays (broadcastable) of longitudes and latitudes in degrees.
    radius_km : sphere radius in km.

    Returns
    -------
    d : array of distances in km.

    References
    ----------
    Sinnott, R. W. (1984). Virtues of the haversine. Sky and Telescope 68(2), 159.

    Examples
    --------
    A quarter of the equator:

    >>> round(float(haversine_km(0.0, 0.0, 90.0, 0.0)), 4)
    10007.5572
    """
    lam1, phi1, lam2, phi2 = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2)
    )
    h = (
        np.sin((phi2 - phi1) / 2.0) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    )
    return 2.0 * radius_km * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distance_matrix(
    lon: np.ndarray, lat: np.ndarray, *, radius_km: float = EARTH_RADIUS_KM
) -> np.ndarray:
    """Pairwise great-circle distances ``D[p, q]`` between points, by :func:`haversine_km`.

    Parameters
    ----------
    lon, lat : (m,) arrays, degrees.
    radius_km : sphere radius in km.

    Returns
    -------
    D : (m, m) symmetric array in km with a zero diagonal.

    Examples
    --------
    >>> D = distance_matrix(np.array([0.0, 0.0, 180.0]), np.array([0.0, 90.0, 0.0]))
    >>> np.round(D / EARTH_RADIUS_KM, 6)
    array([[0.      , 1.570796, 3.141593],
           [1.570796, 0.      , 1.570796],
           [3.141593, 1.570796, 0.      ]])
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    D = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :], radius_km=radius_km)
    np.fill_diagonal(D, 0.0)
    return D


def group_distance_matrix(
    lon: np.ndarray,
    lat: np.ndarray,
    group: np.ndarray,
    weight: np.ndarray | None = None,
    *,
    n_groups: int | None = None,
    radius_km: float = EARTH_RADIUS_KM,
) -> np.ndarray:
    """Distances between table entities, each a weighted set of points (countries or aggregates).

    ``D[g, h] = sum_{p in g, q in h} w_p w_q d(p, q) / (W_g W_h)`` for ``g != h`` and
    ``D[g, g] = 0``, with ``d`` the haversine distance and ``W_g`` the weight total of ``g``.
    A table country is a group of one point, so its rows are plain great-circle distances; an
    aggregate such as ``ROW`` is the set of its member countries and gets the weighted mean
    distance (the documented rule of this module).

    Parameters
    ----------
    lon, lat : (m,) point coordinates, degrees.
    group : (m,) int, the table entity (0 .. n_groups - 1) each point belongs to.
    weight : (m,) non-negative weights (default 1); every group needs a positive total.
    n_groups : number of entities (default ``group.max() + 1``).
    radius_km : sphere radius in km.

    Returns
    -------
    D : (n_groups, n_groups) symmetric array in km, zero diagonal.

    Examples
    --------
    Entity 1 is an aggregate of two points on the equator at 90 and 270 degrees east; both are
    a quarter circle away from the north pole (entity 0):

    >>> D = group_distance_matrix(np.array([0.0, 90.0, -90.0]), np.array([90.0, 0.0, 0.0]),
    ...                           np.array([0, 1, 1]))
    >>> np.round(D / EARTH_RADIUS_KM, 6)
    array([[0.      , 1.570796],
           [1.570796, 0.      ]])
    """
    D = aggregate_distance_matrix(
        distance_matrix(lon, lat, radius_km=radius_km), group, weight, n_groups=n_groups
    )
    return (D + D.T) / 2.0


def aggregate_distance_matrix(
    P: np.ndarray,
    group: np.ndarray,
    weight: np.ndarray | None = None,
    *,
    n_groups: int | None = None,
) -> np.ndarray:
    """Weighted mean of given point-to-point distances between groups of points.

    ``D[g, h] = sum_{p in g, q in h} w_p w_q P[p, q] / (W_g W_h)`` for ``g != h`` and
    ``D[g, g] = 0``, ``W_g`` the weight total of group ``g``. Same rule as
    :func:`group_distance_matrix`, for distances that come from a table (e.g. CEPII GeoDist)
    rather than from coordinates; ``P`` may be asymmetric (``P[p, q]``: from ``p`` to ``q``),
    and so is ``D``. Entries of ``P`` inside one group are ignored.

    Parameters
    ----------
    P : (m, m) distances between points (km); must be finite between points of different groups.
    group : (m,) int, the entity (0 .. n_groups - 1) of each point.
    weight : (m,) non-negative weights (default 1); every group needs a positive total.
    n_groups : number of entities (default ``group.max() + 1``).

    Returns
    -------
    D : (n_groups, n_groups) array, zero diagonal.

    Raises
    ------
    InputError
        a group without positive weight, or a non-finite distance between groups.

    Examples
    --------
    Entity 1 is two points, 100 and 300 km from entity 0, weighted 3 : 1:

    >>> P = np.array([[0.0, 100.0, 300.0], [100.0, 0.0, 5.0], [300.0, 5.0, 0.0]])
    >>> aggregate_distance_matrix(P, np.array([0, 1, 1]), np.array([1.0, 3.0, 1.0]))
    array([[  0., 150.],
           [150.,   0.]])
    """
    P = np.asarray(P, dtype=np.float64)
    group = np.asarray(group, dtype=np.intp)
    m = group.shape[0]
    if P.shape != (m, m):
        raise InputError(f"distances must be ({m}, {m}), got {P.shape}")
    w = np.ones(m) if weight is None else np.asarray(weight, dtype=np.float64)
    n_groups = int(group.max()) + 1 if n_groups is None else n_groups
    S = np.zeros((n_groups, m))
    S[group, np.arange(m)] = w
    tot = S.sum(axis=1)
    if np.any(tot <= 0):
        raise InputError("every group needs at least one point with positive weight")
    S /= tot[:, None]
    inside = group[:, None] == group[None, :]
    if not np.all(np.isfinite(P[~inside])):
        raise InputError("distances between points of different groups must be finite")
    D = S @ np.where(inside, 0.0, P) @ S.T
    np.fill_diagonal(D, 0.0)
    return D
