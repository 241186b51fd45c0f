"""Structural decomposition: the 24-ordering average equals the Shapley formula over subsets,
terms sum to the change, and levels agree with the WWYZ participation kernel."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_tables import random_table

from gvc.errors import InputError
from gvc.indicators.derived import Derived
from gvc.kernels.leontief import domestic_blocks
from gvc.kernels.participation import wwyz_participation
from gvc.kernels.sda import (
    Year,
    level_structure,
    sda_participation,
    sda_va_flows,
    shapley_terms,
)


def _year(t) -> Year:
    d = Derived(t)
    return Year(d.v, d.A, d.B, d.L, domestic_blocks(d.A, t.G, t.N), d.Y)


def _two_years(seed: int, G: int = 3, N: int = 2):
    t0, _, _ = random_table(seed, G, N, zero_share=0.0, self_share=0.0)
    t1, _, _ = random_table(seed + 1000, G, N, zero_share=0.0, self_share=0.0)
    return t0, t1


def shapley_by_subsets(f, k: int) -> np.ndarray:
    """Independent reference: phi_i = sum_T |T|! (k-|T|-1)! / k! [f(T + i) - f(T)]."""
    out = []
    for i in range(k):
        others = [j for j in range(k) if j != i]
        tot = 0.0
        for r in range(k):
            for T in itertools.combinations(others, r):
                w = math.factorial(r) * math.factorial(k - r - 1) / math.factorial(k)
                m1 = tuple(j in T or j == i for j in range(k))
                m0 = tuple(j in T for j in range(k))
                tot = tot + w * (np.asarray(f(m1)) - np.asarray(f(m0)))
        out.append(tot)
    return np.array(out)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.5, 2.0), min_size=8, max_size=8))
def test_average_of_24_orderings_is_the_shapley_value(vals):
    a0, a1, b0, b1, c0, c1, d0, d1 = vals

    def f(m):
        a, b, c, d = (
            (a1 if m[0] else a0),
            (b1 if m[1] else b0),
            (c1 if m[2] else c0),
            (d1 if m[3] else d0),
        )
        return np.array([a * b * c * d + a * c, b / (1 + d)])

    terms = shapley_terms(f, 4)
    np.testing.assert_allclose(terms, shapley_by_subsets(f, 4), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(terms.sum(axis=0), f((1, 1, 1, 1)) - f((0, 0, 0, 0)), rtol=1e-12)


def test_polar_average_by_hand():
    def f(m):
        return np.array((2.0 if m[0] else 1.0) * (3.0 if m[1] else 1.0))

    # ordering a-b: a: 2-1 = 1, b: 6-2 = 4; ordering b-a: b: 3-1 = 2, a: 6-3 = 3
    np.testing.assert_allclose(shapley_terms(f, 2, "polar"), [2.0, 3.0])
    with pytest.raises(InputError, match="unknown SDA method"):
        shapley_terms(f, 2, "nope")


@pytest.mark.parametrize("level", ["destination", "world"])
@pytest.mark.parametrize("method", ["orderings", "polar"])
def test_va_flow_terms_sum_to_change(level, method):
    t0, t1 = _two_years(3)
    r = sda_va_flows(_year(t0), _year(t1), level=level, method=method)
    scale = max(np.abs(r["baseline"]).max(), np.abs(r["scenario"]).max())
    np.testing.assert_allclose(r["terms"].sum(axis=0), r["delta"], rtol=0, atol=1e-12 * scale)
    d0, d1 = Derived(t0), Derived(t1)
    np.testing.assert_allclose(r["baseline"], d0.v[:, None] * (d0.B @ d0.Y), rtol=1e-15)
    np.testing.assert_allclose(r["scenario"], d1.v[:, None] * (d1.B @ d1.Y), rtol=1e-15)


def test_same_year_twice_gives_zero_terms():
    t0, _ = _two_years(4)
    y = _year(t0)
    r = sda_va_flows(y, y)
    assert np.all(r["terms"] == 0.0) and np.all(r["delta"] == 0.0)
    p = sda_participation(y, y, t0.G, t0.N)
    assert all(np.all(v["terms"] == 0.0) for v in p.values())


def test_only_value_added_coefficients_change():
    t0, _ = _two_years(5)
    y0 = _year(t0)
    y1 = Year(y0.v * 1.1, y0.A, y0.B, y0.L, y0.Ad, y0.Y)
    r = sda_va_flows(y0, y1)
    assert np.all(r["terms"][1:] == 0.0)
    np.testing.assert_allclose(r["terms"][0], 0.1 * r["baseline"], rtol=1e-12)


def test_final_demand_level_and_structure_split():
    t0, _ = _two_years(6)
    y0 = _year(t0)
    # every destination's demand doubles, structure unchanged: all of it is the level term
    y1 = Year(y0.v, y0.A, y0.B, y0.L, y0.Ad, 2 * y0.Y)
    r = sda_va_flows(y0, y1)
    np.testing.assert_allclose(r["terms"][3], r["delta"], rtol=1e-12)
    np.testing.assert_allclose(r["terms"][2], 0.0, atol=1e-12 * np.abs(r["delta"]).max())
    S, lev = level_structure(y0.Y)
    np.testing.assert_allclose(S * lev[None, :], y0.Y, rtol=1e-15)
    with pytest.raises(InputError, match="sums to zero"):
        level_structure(np.zeros((2, 2)))


@pytest.mark.parametrize("level", ["destination", "world"])
def test_participation_terms_sum_and_match_wwyz(level):
    t0, t1 = _two_years(7, G=3, N=3)
    r = sda_participation(_year(t0), _year(t1), t0.G, t0.N, level=level)
    for key, v in r.items():
        scale = max(np.abs(v["baseline"]).max(), np.abs(v["scenario"]).max(), 1e-300)
        np.testing.assert_allclose(
            v["terms"].sum(axis=0), v["delta"], rtol=0, atol=1e-12 * scale, err_msg=key
        )
    for t, which in ((t0, "baseline"), (t1, "scenario")):
        w = wwyz_participation(t.Z, t.Y, t.x, t.va, t.G, t.N)
        for key in ("V_D", "V_RT", "V_GVC_S", "V_GVC_C"):
            np.testing.assert_allclose(r[key][which], w[f"{key}_f"], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(
            r["gvc_forward_rate"][which], w["GVCPt_f_country"], rtol=1e-10, atol=1e-12
        )
        np.testing.assert_allclose(
            r["gvc_backward_rate"][which], w["GVCPt_b_country"], rtol=1e-10, atol=1e-12
        )
