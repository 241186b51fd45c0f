"""The firm-cluster kernels on arrays whose answers are known by hand."""

from __future__ import annotations

import numpy as np
import pytest
from firmnet import KM_PER_DEGREE

from gvc.errors import InputError
from gvc.kernels import firm_composition as fc
from gvc.kernels import firm_network as fn
from gvc.kernels import firm_territory as ft


def test_star_and_complete_graph_centralisation_and_density() -> None:
    # group 0: a star on 5 members (row 0 the hub); group 1: a complete graph on 4
    g = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1])
    starts = fn.group_starts(g, 2)
    ms = np.array([1, 2, 3, 4, 5, 5, 5, 6, 6, 7])
    mb = np.array([0, 0, 0, 0, 6, 7, 8, 7, 8, 8])
    lo, hi = fn.undirected_pairs(ms, mb, 9)
    deg = fn.degrees(lo, hi, 9)
    assert deg.tolist() == [4, 1, 1, 1, 1, 3, 3, 3, 3]
    n = np.bincount(g)
    c = fn.freeman_centralisation(deg, g, starts, n)
    np.testing.assert_allclose(c, [1.0, 0.0])
    pairs = np.bincount(g[lo], minlength=2)
    # anchors: the hub (degree 4) and the first member of the complete graph (degree 3)
    dens = fn.non_anchor_density(pairs, deg[[0, 5]], n, np.array([True, True]))
    np.testing.assert_allclose(dens, [0.0, 1.0])


def test_reciprocal_and_repeated_links_are_one_pair() -> None:
    lo, hi = fn.undirected_pairs(np.array([0, 1, 0, 2]), np.array([1, 0, 1, 2]), 3)
    assert list(zip(lo.tolist(), hi.tolist(), strict=True)) == [(0, 1)]  # 2 -> 2 dropped
    assert fn.degrees(lo, hi, 3).tolist() == [1, 1, 0]


def test_centralisation_of_a_path_and_small_groups() -> None:
    # path a - b - c - d: degrees 1 2 2 1, C = (1 + 0 + 0 + 1) / (3 * 2) = 1/3
    g = np.zeros(4, dtype=int)
    c = fn.freeman_centralisation(np.array([1, 2, 2, 1]), g, np.array([0]), np.array([4]))
    np.testing.assert_allclose(c, [1 / 3])
    # fewer than 3 members: undefined
    c2 = fn.freeman_centralisation(np.array([1, 1]), np.zeros(2, int), np.array([0]), [2])
    assert np.isnan(c2[0])


def test_registry_rule_at_exactly_the_threshold() -> None:
    intra = np.array([20.0, 19.99, 2.15, 0.0])
    total = np.array([100.0, 100.0, 10.75, 0.0])
    share, passes, has = fn.registry_rule(intra, total, 0.2)
    assert passes.tolist() == [True, False, True, False]
    assert has.tolist() == [True, True, True, False]
    # 2.15 / 10.75 rounds below 0.2, which is why the rule compares the product
    assert share[2] < 0.2
    assert np.isnan(share[3])


def test_intra_links_with_overlapping_clusters() -> None:
    # firms 0..3; cluster A (group 0) = {0, 1, 2}, cluster B (group 1) = {1, 2, 3}
    member_key = np.array([0, 1, 2, 1, 2, 3])
    member_group = np.array([0, 0, 0, 1, 1, 1])
    s = np.array([0, 1, 2, 3, 0])
    b = np.array([1, 2, 3, 0, 3])
    link, ms, mb = fn.intra_links(s, b, member_key, member_group, 4)
    got = sorted(zip(link.tolist(), member_group[ms].tolist(), strict=True))
    # 0->1 in A; 1->2 in A and B; 2->3 in B; 3->0 and 0->3 in none
    assert got == [(0, 0), (1, 0), (1, 1), (2, 1)]
    assert (member_key[ms] == s[link]).all() and (member_key[mb] == b[link]).all()
    assert (member_group[ms] == member_group[mb]).all()


def test_intra_links_years_are_separate_keys() -> None:
    # 2 firms, 2 years; both members only in year 1: keys = year * 2 + firm
    link, _, _ = fn.intra_links(
        np.array([0, 2]), np.array([1, 3]), np.array([2, 3]), np.array([0, 0]), 4
    )
    assert link.tolist() == [1]


def test_group_argmax_ties_go_to_the_first_row() -> None:
    g = np.array([0, 0, 0, 1, 1])
    a = fn.group_argmax(np.array([5.0, 7.0, 7.0, 0.0, 0.0]), g, fn.group_starts(g, 2))
    assert a.tolist() == [1, 3]


def test_group_starts_rejects_unsorted_or_empty_groups() -> None:
    with pytest.raises(InputError):
        fn.group_starts(np.array([1, 0]), 2)
    with pytest.raises(InputError):
        fn.group_starts(np.array([0, 0]), 2)


def test_duplicate_pairs() -> None:
    assert not fn.duplicate_pairs(np.array([0, 0, 1]), np.array([1, 2, 1]), 2, 3)
    assert fn.duplicate_pairs(np.array([0, 1, 0]), np.array([2, 1, 2]), 2, 3)


def test_purchase_shares_sum_to_one_and_match_hand_values() -> None:
    # bought 60 in the transactions (40 from the same country, 30 of it the same region),
    # imports 40; inside the cluster 20, of it 15 same country, 10 same region
    s = fc.purchase_shares(np.array([60.0]), [40.0], [30.0], [40.0], [20.0], [15.0], [10.0])
    np.testing.assert_allclose(s, [[0.2, 0.2, 0.05, 0.55]])
    rng = np.random.default_rng(0)
    T = rng.uniform(10, 20, 50)
    C = T * rng.uniform(0, 1, 50)
    R = C * rng.uniform(0, 1, 50)
    W = R * rng.uniform(0, 1, 50)  # all inside purchases from the same region
    s = fc.purchase_shares(T, C, R, rng.uniform(0, 5, 50), W, W, W)
    np.testing.assert_allclose(s.sum(axis=1), 1.0)
    assert (s >= -1e-12).all()


def test_strands_present_and_linked() -> None:
    # business-science links only: government present but not linked
    pv = fc.strand_link_values(
        np.array([0, 1]), np.array([1, 0]), np.array([2.0, 3.0]), np.zeros(2, int), 1
    )
    np.testing.assert_allclose(pv, [[5.0, 0.0, 0.0]])
    assert fc.strands_linked(np.array([[True, True, True]]), pv).tolist() == [2]
    assert fc.strands_linked(np.array([[True, False, False]]), pv).tolist() == [1]


def test_core_and_related_industries() -> None:
    # group 0: industries 1 1 1 2 3 (+ a science member of industry 9, not a firm)
    # 2 is linked to a core member, 3 is not; group 1: two industries tie at the top
    ind = np.array([1, 1, 1, 2, 3, 9, 4, 5])
    firm = np.array([True, True, True, True, True, False, True, True])
    g = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    core, rel, pairs, n = fc.core_related_industries(
        ind, firm, g, 2, 0.5, np.array([3, 5]), np.array([0, 0])
    )
    assert core.tolist() == [True, True, True, False, False, False, True, True]
    assert rel.tolist() == [False, False, False, True, False, False, False, False]
    assert pairs.tolist() == [[0, 1], [1, 4], [1, 5]]
    assert n.tolist() == [3, 2]


def test_distinct_per_group() -> None:
    assert fn.distinct_per_group(np.array([0, 0, 1, 1]), np.array([3, 3, -1, 0]), 2).tolist() == [
        1,
        1,
    ]


# --------------------------------------------------------------------------------------------
# territory


def test_members_on_the_equator_at_known_distances() -> None:
    # equal sales at 0, +1 and -1 degrees: the centre is (0, 0) and the distances one degree
    lon, lat = np.array([0.0, 1.0, -1.0]), np.zeros(3)
    g = np.zeros(3, dtype=int)
    clon, clat = ft.spherical_centre(lon, lat, np.ones(3), g, 1)
    np.testing.assert_allclose([clon[0], clat[0]], [0.0, 0.0], atol=1e-12)
    s = ft.distance_summary(lon, lat, clon, clat, g, np.array([0]), 50.0)
    np.testing.assert_allclose(s["distance"], [0.0, KM_PER_DEGREE, KM_PER_DEGREE], rtol=1e-12)
    np.testing.assert_allclose(s["mean_distance_km"], [2 * KM_PER_DEGREE / 3])
    np.testing.assert_allclose(s["max_distance_km"], [KM_PER_DEGREE])
    np.testing.assert_allclose(s["share_within_radius"], [1 / 3])
    # the radius is inclusive: 111.2 km is within a radius of 111.2 km
    s2 = ft.distance_summary(lon, lat, clon, clat, g, np.array([0]), KM_PER_DEGREE * 1.0000001)
    np.testing.assert_allclose(s2["share_within_radius"], [1.0])


def test_centre_is_sales_weighted_on_the_sphere() -> None:
    # two members on the equator at 0 and 2 degrees: equal sales put the centre at 1 degree;
    # sales 1 : 3 pull it to atan2(3 sin 2, 1 + 3 cos 2) (the normalised weighted vector)
    lon, lat, g = np.array([0.0, 2.0]), np.zeros(2), np.zeros(2, dtype=int)
    c_eq = ft.spherical_centre(lon, lat, np.array([5.0, 5.0]), g, 1)[0]
    np.testing.assert_allclose(c_eq, [1.0])
    c_w = ft.spherical_centre(lon, lat, np.array([1.0, 3.0]), g, 1)[0]
    t = np.radians(2.0)
    np.testing.assert_allclose(c_w, [np.degrees(np.arctan2(3 * np.sin(t), 1 + 3 * np.cos(t)))])


def test_centre_across_the_antimeridian_and_at_the_pole() -> None:
    g = np.zeros(2, dtype=int)
    lon, _ = ft.spherical_centre(np.array([179.0, -179.0]), np.zeros(2), np.ones(2), g, 1)
    assert abs(abs(lon[0]) - 180.0) < 1e-9  # a mean of longitudes would say 0
    _, lat = ft.spherical_centre(np.array([0.0, 180.0]), np.array([80.0, 80.0]), np.ones(2), g, 1)
    np.testing.assert_allclose(lat, [90.0])


def test_undefined_centre() -> None:
    g = np.zeros(2, dtype=int)
    # antipodal members with equal weight; and members without sales
    lon, lat = ft.spherical_centre(np.array([0.0, 180.0]), np.zeros(2), np.ones(2), g, 1)
    assert np.isnan(lon[0]) and np.isnan(lat[0])
    lon, _ = ft.spherical_centre(np.array([0.0, 1.0]), np.zeros(2), np.zeros(2), g, 1)
    assert np.isnan(lon[0])
    s = ft.distance_summary(np.array([0.0, 1.0]), np.zeros(2), lon, lon, g, np.array([0]), 50.0)
    assert np.isnan(s["mean_distance_km"][0]) and s["located"][0] == 0
