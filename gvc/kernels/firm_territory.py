"""Territory of firm clusters: the members' spherical centre and their distances to it.

Arrays only. Member rows come sorted by group, as in :mod:`gvc.kernels.firm_network`.
Positions are longitudes and latitudes in degrees; distances are great-circle distances by
the haversine formula on the sphere of radius ``R1 = 6371.0088 km``
(:func:`gvc.kernels.geo.haversine_km`, :data:`gvc.kernels.geo.EARTH_RADIUS_KM`).

The centre of a group is the weighted mean of its members' positions taken as 3-D unit
vectors and projected back to the sphere (the normalised weighted vector mean; Fisher, Lewis
& Embleton 1987, sec. 3.2.1, the "mean direction"). Unlike an average of latitudes and
longitudes it is correct across the antimeridian and near the poles.

References
----------
Fisher, N. I., Lewis, T. & Embleton, B. J. J. (1987), Statistical Analysis of Spherical Data,
Cambridge UP.
"""

from __future__ import annotations

import numpy as np

from gvc.kernels.geo import EARTH_RADIUS_KM, haversine_km


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """``u = (cos(lat) cos(lon), cos(lat) sin(lon), sin(lat))`` for degrees, shape (m, 3).

    >>> np.round(unit_vectors(np.array([90.0]), np.array([0.0])), 12)
    array([[0., 1., 0.]])
    """
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    c = np.cos(phi)
    return np.stack([c * np.cos(lam), c * np.sin(lam), np.sin(phi)], axis=1)


def spherical_centre(
    lon: np.ndarray,
    lat: np.ndarray,
    weight: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted spherical centre of each group's located members.

    ``c_g = sum_{m in g} w_m u_m``, centre = ``c_g / |c_g|`` back to degrees:
    ``lat = atan2(c_z, hypot(c_x, c_y))``, ``lon = atan2(c_y, c_x)``. Members with a
    non-finite position or weight take no part. NaN where the weights sum to 0 or the
    weighted vectors cancel (``|c_g| <= 1e-12 sum w``: antipodal members, no defined centre).

    Parameters
    ----------
    lon, lat : (M,) degrees (NaN: not located).
    weight : (M,) non-negative weights (sales).
    groups : (M,) group of each member row; n_groups : number of groups.

    Returns
    -------
    centre_lon, centre_lat : (n_groups,) degrees.

    Examples
    --------
    Two equal members on the equator at 0 and 90 degrees east: the centre is at 45 east.
    Weighted 1 : 3 the weighted vector is (1, 3, 0), so the centre is at atan2(3, 1) =
    71.57 degrees east:

    >>> lon, lat = np.array([0.0, 90.0]), np.array([0.0, 0.0])
    >>> spherical_centre(lon, lat, np.array([1.0, 1.0]), np.array([0, 0]), 1)
    (array([45.]), array([0.]))
    >>> np.round(spherical_centre(lon, lat, np.array([1.0, 3.0]), np.array([0, 0]), 1)[0], 2)
    array([71.57])
    """
    w = np.asarray(weight, dtype=np.float64)
    u = unit_vectors(lon, lat)
    ok = np.isfinite(u).all(axis=1) & np.isfinite(w)
    w = np.where(ok, w, 0.0)
    u = np.where(ok[:, None], u, 0.0)
    g = np.asarray(groups, dtype=np.int64)
    c = np.stack([np.bincount(g, weights=w * u[:, k], minlength=n_groups) for k in range(3)], 1)
    wsum = np.bincount(g, weights=w, minlength=n_groups)
    norm = np.linalg.norm(c, axis=1)
    good = (wsum > 0) & (norm > 1e-12 * wsum)
    lat_c = np.full(n_groups, np.nan)
    lon_c = np.full(n_groups, np.nan)
    lat_c[good] = np.degrees(np.arctan2(c[good, 2], np.hypot(c[good, 0], c[good, 1])))
    lon_c[good] = np.degrees(np.arctan2(c[good, 1], c[good, 0]))
    return lon_c, lat_c


def distance_summary(
    lon: np.ndarray,
    lat: np.ndarray,
    centre_lon: np.ndarray,
    centre_lat: np.ndarray,
    groups: np.ndarray,
    starts: np.ndarray,
    radius_km: float,
) -> dict[str, np.ndarray]:
    """Members' great-circle distances to their group's centre, summarised per group.

    ``d_m = haversine(member m, centre of its group)`` (km, R = 6371.0088). Per group, over
    the located members (finite position; the centre defined)::

        mean_distance_km    = mean d_m
        max_distance_km     = max d_m
        share_within_radius = #{m: d_m <= radius_km} / #located

    Returns
    -------
    dict with ``distance`` (M,) and the three (n_groups,) summaries plus ``located``
    (n_groups,) counts; summaries are NaN for a group without a located member or centre.

    Examples
    --------
    Three members on the equator at 0, 1 and -1 degrees of longitude around a centre at 0:
    111.195 km is one degree of the sphere of radius 6371.0088 km.

    >>> s = distance_summary(np.array([0.0, 1.0, -1.0]), np.zeros(3), np.array([0.0]),
    ...                      np.array([0.0]), np.zeros(3, int), np.array([0]), 50.0)
    >>> np.round(s["mean_distance_km"], 3), np.round(s["max_distance_km"], 3)
    (array([74.13]), array([111.195]))
    >>> s["share_within_radius"]
    array([0.33333333])
    """
    g = np.asarray(groups, dtype=np.int64)
    n_groups = len(starts)
    d = haversine_km(lon, lat, centre_lon[g], centre_lat[g], radius_km=EARTH_RADIUS_KM)
    ok = np.isfinite(d)
    located = np.bincount(g, weights=ok, minlength=n_groups)
    total = np.bincount(g, weights=np.where(ok, d, 0.0), minlength=n_groups)
    within = np.bincount(g, weights=ok & (d <= radius_km), minlength=n_groups)
    dmax = np.maximum.reduceat(np.where(ok, d, -np.inf), starts)
    has = located > 0
    mean = np.full(n_groups, np.nan)
    share = np.full(n_groups, np.nan)
    mean[has] = total[has] / located[has]
    share[has] = within[has] / located[has]
    return {
        "distance": d,
        "located": located.astype(np.int64),
        "mean_distance_km": mean,
        "max_distance_km": np.where(has, dmax, np.nan),
        "share_within_radius": share,
    }
