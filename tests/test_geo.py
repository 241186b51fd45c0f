"""Tests for gvc.kernels.geo: haversine against other great-circle formulas and CEPII GeoDist."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gvc.kernels.geo import (
    EARTH_RADIUS_KM,
    distance_matrix,
    group_distance_matrix,
    haversine_km,
)

ROOT = Path(__file__).resolve().parents[1]
NE = ROOT / "datasets" / "geo" / "ne_country_centroids.parquet"
CEPII = ROOT.parent / "shared" / "data" / "geo"


def unit_vectors(lon, lat):
    lam, phi = np.radians(lon), np.radians(lat)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], -1)


def vector_km(lon1, lat1, lon2, lat2):
    """Central angle as atan2(|u x w|, u . w) of unit vectors: accurate at every distance."""
    u, w = unit_vectors(lon1, lat1), unit_vectors(lon2, lat2)
    return EARTH_RADIUS_KM * np.arctan2(np.linalg.norm(np.cross(u, w), axis=-1), (u * w).sum(-1))


def cosine_law_km(lon1, lat1, lon2, lat2):
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    cos_d = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return EARTH_RADIUS_KM * np.arccos(np.clip(cos_d, -1.0, 1.0))


coords = st.tuples(st.floats(-180, 180), st.floats(-90, 90))


@settings(max_examples=50, deadline=None)
@given(coords, coords)
def test_haversine_matches_vector_formula(p, q):
    # haversine loses ~sqrt(eps) of the angle next to antipodes (< 0.2 m measured): 1 m slack
    assert_allclose(haversine_km(*p, *q), vector_km(*p, *q), rtol=1e-9, atol=1e-3)


def test_haversine_matches_cosine_law_away_from_zero_and_antipodes():
    rng = np.random.default_rng(0)
    lon1, lon2 = rng.uniform(-180, 180, (2, 1000))
    lat1, lat2 = rng.uniform(-89, 89, (2, 1000))
    d = haversine_km(lon1, lat1, lon2, lat2)
    ok = (d > 10) & (d < np.pi * EARTH_RADIUS_KM - 10)
    assert_allclose(d[ok], cosine_law_km(lon1, lat1, lon2, lat2)[ok], rtol=1e-9)


def test_closed_form_distances():
    quarter = np.pi / 2 * EARTH_RADIUS_KM
    assert_allclose(haversine_km(0, 0, 0, 90), quarter, rtol=1e-15)
    assert_allclose(haversine_km(10, 0, -170, 0), 2 * quarter, rtol=1e-15)
    assert_allclose(haversine_km(0, 45, 0, 46), np.pi / 180 * EARTH_RADIUS_KM, rtol=1e-12)
    assert haversine_km(33.3, -12.0, 33.3, -12.0) == 0.0


def test_group_distances_singletons_and_weighted_aggregate():
    lon = np.array([0.0, 30.0, 60.0, 90.0, -45.0])
    lat = np.array([0.0, 10.0, -20.0, 40.0, 5.0])
    P = distance_matrix(lon, lat)
    assert_allclose(P, P.T)
    assert_allclose(group_distance_matrix(lon, lat, np.arange(5)), P, rtol=1e-14)
    # entities 0, 1 are countries; entity 2 aggregates points 2, 3, 4 with weights 1, 2, 5
    w = np.array([1.0, 1.0, 1.0, 2.0, 5.0])
    D = group_distance_matrix(lon, lat, np.array([0, 1, 2, 2, 2]), w)
    want02 = (P[0, 2] * 1 + P[0, 3] * 2 + P[0, 4] * 5) / 8
    assert_allclose(D[0, 2], want02, rtol=1e-14)
    assert_allclose(D[2, 0], want02, rtol=1e-14)
    assert_allclose(D[0, 1], P[0, 1], rtol=1e-14)
    assert D[2, 2] == 0.0


def test_natural_earth_centroids_with_rest_of_world():
    ne = pd.read_parquet(NE)
    table = ["DEU", "FRA", "USA", "CHN", "JPN"]
    grp = np.where(
        ne["iso3"].isin(table), ne["iso3"].map({c: i for i, c in enumerate(table)}), len(table)
    ).astype(int)
    w = ne["gdp_md_est"].clip(lower=0).fillna(0).to_numpy() + 1e-9
    D = group_distance_matrix(
        ne["centroid_main_lon"].to_numpy(), ne["centroid_main_lat"].to_numpy(), grp, w
    )
    assert D.shape == (6, 6) and np.all(np.isfinite(D))
    sub = ne.set_index("iso3").loc[table]
    P = distance_matrix(sub["centroid_main_lon"].to_numpy(), sub["centroid_main_lat"].to_numpy())
    assert_allclose(D[:5, :5], P, rtol=1e-12)
    # RoW is as far as the GDP-weighted mean of its members, between the extremes
    row = ~ne["iso3"].isin(table).to_numpy()
    d_deu = haversine_km(
        sub.loc["DEU", "centroid_main_lon"],
        sub.loc["DEU", "centroid_main_lat"],
        ne["centroid_main_lon"][row],
        ne["centroid_main_lat"][row],
    )
    assert_allclose(D[0, 5], np.average(d_deu, weights=w[row]), rtol=1e-12)


@pytest.mark.reference
@pytest.mark.skipif(not (CEPII / "cepii_dist.parquet").exists(), reason="CEPII data not present")
def test_proportional_to_cepii_geodist():
    """CEPII GeoDist ``dist`` (Mayer & Zignago 2011) is a great-circle distance between main
    cities; on CEPII's own coordinates ours differs from it by one constant factor (CEPII uses a
    different Earth radius), to within coordinate rounding."""
    geo = pd.read_parquet(CEPII / "cepii_geo.parquet")
    dist = pd.read_parquet(CEPII / "cepii_dist.parquet")
    city = geo[geo["maincity"] == 1].drop_duplicates("iso3").set_index("iso3")
    d = dist[
        dist["iso_o"].isin(city.index)
        & dist["iso_d"].isin(city.index)
        & (dist["iso_o"] != dist["iso_d"])
    ]
    o, t = city.loc[d["iso_o"]], city.loc[d["iso_d"]]
    ours = haversine_km(
        o["lon"].to_numpy(), o["lat"].to_numpy(), t["lon"].to_numpy(), t["lat"].to_numpy()
    )
    ratio = ours / d["dist"].to_numpy()
    assert len(ratio) > 40_000
    assert_allclose(ratio, np.median(ratio), rtol=5e-5)
