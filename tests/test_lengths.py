"""Production length (WWYZ 2017b), upstreamness (Antras et al. 2012), downstreamness (Fally)."""

from __future__ import annotations

import numpy as np
from conftest import permute_countries, random_table
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gvc.kernels.lengths import downstreamness, production_length, upstreamness
from gvc.kernels.leontief import input_coefficients, leontief_inverse
from gvc.kernels.participation import wwyz_participation

PARTS = ("D", "RT", "GVC_S", "GVC_C")


# --- closed forms ---------------------------------------------------------------------------


def test_upstreamness_fixed_point_by_hand():
    # U_i = 1 + sum_j (z_ij / x_i) U_j: node 1 sells half its output to node 0, node 0 sells
    # nothing to intermediates, so U_0 = 1 and U_1 = 1 + 0.5 * 1
    Z = np.array([[0.0, 0.0], [5.0, 0.0]])
    x = np.array([20.0, 10.0])
    assert_allclose(upstreamness(input_coefficients(Z, x), x), [1.0, 1.5])


def test_downstreamness_fixed_point_by_hand():
    # D_j = 1 + sum_i a_ij D_i: a_10 = 0.25 so D_0 = 1 + 0.25 * D_1 = 1.25, D_1 = 1
    A = np.array([[0.0, 0.0], [0.25, 0.0]])
    assert_allclose(downstreamness(A), [1.25, 1.0])


def test_closed_economy_is_all_domestic():
    Z = np.zeros((4, 4))
    Z[:2, :2] = [[2.0, 1.0], [3.0, 1.0]]
    Z[2:, 2:] = [[1.0, 4.0], [2.0, 2.0]]
    Y = np.array([[7.0, 0.0], [6.0, 0.0], [0.0, 5.0], [0.0, 9.0]])
    x = Z.sum(1) + Y.sum(1)
    pl = production_length(Z, Y, x, x - Z.sum(0), 2, 2)
    assert_allclose(pl["PLv"], pl["PLv_D"], rtol=1e-12)
    assert_allclose(pl["PLy"], pl["PLy_D"], rtol=1e-12)
    zero = ("PLv_RT", "PLv_GVC", "PLy_GVC", "Xv_GVC_S", "Xv_GVC_C", "Xy_RT", "CBv_GVC", "CBy_GVC")
    for k in zero:
        assert_allclose(pl[k], 0, atol=1e-12, err_msg=k)
    assert np.all(np.isnan(pl["GVCPs"]))


def test_three_country_chain_by_hand():
    # 0 -> 1 -> 2, consumed in 2: every node is one stage
    Z = np.array([[0.0, 10, 0], [0, 0, 15], [0, 0, 0]])
    Y = np.array([[0.0, 0, 0], [0, 0, 0], [0, 0, 20]])
    pl = production_length(Z, Y, np.array([10.0, 15, 20]), np.array([10.0, 5, 5]), 3, 1)
    # country 0's value added passes 3 stages: 1 at home, 2 abroad (complex GVC)
    assert_allclose(pl["PLv"], [3, 2, 1])
    assert_allclose(pl["PLv_GVC_C"], [3, 0, 0])
    assert_allclose(pl["PLv_GVC_C_D"], [1, 0, 0])
    # two border crossings and no domestic link abroad; country 1's chain crosses once
    assert_allclose(pl["CBv_GVC_C"], [2, 0, 0])
    assert_allclose(pl["PLv_GVC_C_F"], [0, 0, 0])
    assert_allclose(pl["CBv_GVC"], [2, 1, 0])
    assert_allclose(pl["PLv_GVC_F"], [0, 0, 0])
    assert_allclose(pl["PLv_GVC_S"], [0, 2, 0])
    assert_allclose(pl["PLv_GVC"], [3, 2, 0])
    assert_allclose(pl["PLv_D"], [0, 0, 1])
    # final good of country 2: 10 of VA with 3 stages, 5 with 2, 5 with 1
    assert_allclose(pl["PLy"], [0, 0, (30 + 10 + 5) / 20])
    assert_allclose(pl["PLy_GVC"], [0, 0, (30 + 10) / 15])
    assert_allclose(pl["PLy_GVC_D"], [0, 0, (10 + 5) / 15])  # stages in the VA's home country
    assert_allclose(pl["CBy_GVC"], [0, 0, (10 * 2 + 5 * 1) / 15])
    assert_allclose(pl["PLy_GVC_F"], [0, 0, 0], atol=1e-12)
    assert_allclose(pl["GVCPs"][0:2], [np.nan, np.nan])
    assert_allclose(pl["GVCPs"][2], np.nan)  # node 2 exports no value added into GVCs


def test_border_crossing_then_domestic_stage_abroad_by_hand():
    # nodes (country, sector): 0=(0,0), 1=(0,1), 2=(1,0), 3=(1,1)
    # (0,0) -> (1,0) -> (1,1) -> consumed in country 1; (0,1) only sells final goods at home
    Z = np.zeros((4, 4))
    Z[0, 2], Z[2, 3] = 10.0, 15.0
    Y = np.array([[0.0, 0], [5, 0], [0, 0], [0, 20]])
    x = np.array([10.0, 5, 15, 20])
    pl = production_length(Z, Y, x, np.array([10.0, 5, 5, 5]), 2, 2)
    # node 0's value added: 1 stage at home, 1 crossing, 1 domestic link in country 1 (simple)
    assert_allclose(pl["PLv_GVC_S"], [3, 0, 0, 0])
    assert_allclose(pl["PLv_GVC_S_D"], [1, 0, 0, 0])
    assert_allclose(pl["CBv_GVC_S"], [1, 0, 0, 0])
    assert_allclose(pl["PLv_GVC_S_F"], [1, 0, 0, 0])
    assert_allclose(pl["Vv_GVC_C"], 0, atol=1e-12)
    assert_allclose(pl["PLv_D"], [0, 1, 2, 1])
    # node 3's final good: 10 of VA from node 0 is the only GVC part, 3 stages, 1 crossing
    assert_allclose(pl["PLy_GVC"], [0, 0, 0, 3])
    assert_allclose(pl["PLy_GVC_D"], [0, 0, 0, 1])
    assert_allclose(pl["CBy_GVC"], [0, 0, 0, 1])
    assert_allclose(pl["PLy_GVC_F"], [0, 0, 0, 1])


def test_value_that_comes_home_crosses_twice_by_hand():
    # (0,0) -> (1,0) -> (0,1) -> consumed in country 0; (1,1) only sells final goods at home
    Z = np.zeros((4, 4))
    Z[0, 2], Z[2, 1] = 10.0, 15.0
    Y = np.array([[0.0, 0], [20, 0], [0, 0], [0, 5]])
    x = np.array([10.0, 20, 15, 5])
    pl = production_length(Z, Y, x, np.array([10.0, 5, 5, 5]), 2, 2)
    # node 0: complex GVC, 1 stage at home + 2 crossings, no domestic link after the first
    assert_allclose(pl["PLv_GVC_C"], [3, 0, 0, 0])
    assert_allclose(pl["PLv_GVC_C_D"], [1, 0, 0, 0])
    assert_allclose(pl["CBv_GVC_C"], [2, 0, 0, 0])
    assert_allclose(pl["PLv_GVC_C_F"], 0, atol=1e-12)
    # node 2 (country 1) exports to country 0, which consumes: simple GVC, one crossing
    assert_allclose(pl["PLv_GVC_S"], [0, 0, 2, 0])
    assert_allclose(pl["CBv_GVC_S"], [0, 0, 1, 0])
    # node 1's final good (20): VA 10 from node 0 (3 stages, 2 crossings, complex), 5 from
    # node 2 (2 stages, 1 crossing, simple), 5 its own (pure domestic)
    assert_allclose(pl["PLy_GVC"][1], (30 + 10) / 15)
    assert_allclose(pl["CBy_GVC"][1], (10 * 2 + 5 * 1) / 15)
    assert_allclose(pl["CBy_GVC_S"][1], 1)
    assert_allclose(pl["CBy_GVC_C"][1], 2)
    assert_allclose(pl["PLy_GVC_D"][1], 1)
    assert_allclose(pl["PLy_GVC_F"][1], 0, atol=1e-12)


def test_traditional_trade_is_one_stage_per_node_without_inputs():
    Z = np.zeros((2, 2))
    Y = np.array([[6.0, 4.0], [1.0, 8.0]])
    x = Y.sum(1)
    pl = production_length(Z, Y, x, x, 2, 1)
    assert_allclose(pl["PLv_RT"], [1, 1])
    assert_allclose(pl["PLv_D"], [1, 1])


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    G=st.integers(2, 4),
    N=st.integers(1, 3),
    trade=st.sampled_from([0.05, 0.3, 1.0]),
)
def test_total_length_is_upstreamness_and_downstreamness(seed, G, N, trade):
    t = random_table(seed, G=G, N=N, trade=trade)
    A = input_coefficients(t.Z, t.x)
    B = leontief_inverse(A)
    pl = production_length(t.Z, t.Y, t.x, t.va, G, N, B=B)
    # PLv = x-hat^-1 B x (Antras et al.) and the Ghosh row sums; PLy = 1'B (Fally)
    U = upstreamness(A, t.x, B=B)
    assert_allclose(pl["PLv"], U, rtol=1e-9)
    ghosh = (B * t.x[None, :]) / t.x[:, None]
    assert_allclose(U, ghosh.sum(axis=1), rtol=1e-9)
    delta = A * t.x[None, :] / t.x[:, None]
    assert_allclose(U, np.linalg.solve(np.eye(G * N) - delta, np.ones(G * N)), rtol=1e-9)
    assert_allclose(pl["PLy"], downstreamness(A, B=B), rtol=1e-9)
    assert_allclose(downstreamness(A), np.linalg.solve(np.eye(G * N) - A.T, np.ones(G * N)))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), G=st.integers(2, 4), N=st.integers(1, 3))
def test_segments_add_up_and_match_participation(seed, G, N):
    t = random_table(seed, G=G, N=N)
    B = leontief_inverse(input_coefficients(t.Z, t.x))
    pl = production_length(t.Z, t.Y, t.x, t.va, G, N, B=B)
    p = wwyz_participation(t.Z, t.Y, t.x, t.va, G, N, B=B)
    atol = 1e-9 * float(t.x.max())
    for s, total_x, total_v in (
        ("v", t.va * (B @ t.x) / t.x, t.va),  # V-hat B B Y row sums, V-hat B Y row sums
        ("y", (t.va / t.x) @ B @ B * t.Y.sum(1), t.Y.sum(1)),
    ):
        side = "f" if s == "v" else "b"
        assert_allclose(sum(pl[f"X{s}_{k}"] for k in PARTS), total_x, atol=atol)
        assert_allclose(sum(pl[f"V{s}_{k}"] for k in PARTS), total_v, atol=atol)
        for k in PARTS:
            assert_allclose(pl[f"V{s}_{k}"], p[f"V_{k}_{side}"], atol=atol, err_msg=k)
            # each stage counts at least once: output induced >= value added
            assert np.all(pl[f"X{s}_{k}"] >= pl[f"V{s}_{k}"] - atol), k
        for part in ("GVC", "GVC_S", "GVC_C"):
            # WWYZ (2017b): domestic segment + border crossings + foreign segment
            assert_allclose(
                pl[f"PL{s}_{part}"],
                pl[f"PL{s}_{part}_D"] + pl[f"CB{s}_{part}"] + pl[f"PL{s}_{part}_F"],
                rtol=1e-9,
                err_msg=part,
            )
        # a GVC chain has at least one stage before the first border and one crossing; a simple
        # chain crosses exactly once
        on = pl[f"V{s}_GVC_S"] + pl[f"V{s}_GVC_C"] > atol
        assert np.all(pl[f"PL{s}_GVC_D"][on] >= 1 - 1e-9)
        assert np.all(pl[f"CB{s}_GVC"][on] >= 1 - 1e-9)
        assert np.all(pl[f"PL{s}_GVC_F"] >= -1e-9)
        simple = pl[f"V{s}_GVC_S"] > atol
        assert_allclose(pl[f"CB{s}_GVC_S"][simple], 1, rtol=1e-9)
        cplx = pl[f"V{s}_GVC_C"] > atol
        assert np.all(pl[f"CB{s}_GVC_C"][cplx] >= 1 - 1e-9)
    ok = ~np.isnan(pl["GVCPs"])
    assert_allclose(pl["GVCPs"][ok], (pl["PLv_GVC"] / pl["PLy_GVC"])[ok])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_invariant_under_permuting_countries(seed):
    G, N = 3, 2
    t = random_table(seed, G=G, N=N)
    perm = np.array([1, 2, 0])
    permuted, nodes = permute_countries(t.Z, t.Y, t.x, t.va, N, perm)
    a = production_length(t.Z, t.Y, t.x, t.va, G, N)
    b = production_length(*permuted, G, N)
    for k in ("PLv", "PLv_GVC_C_F", "PLy_GVC_S_D", "GVCPs"):
        assert_allclose(b[k], a[k][nodes], rtol=1e-9, err_msg=k)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    G=st.integers(2, 4),
    N=st.integers(1, 3),
    trade=st.sampled_from([0.05, 0.3, 1.0]),
)
def test_border_crossings_count_foreign_links(seed, G, N, trade):
    # Independent of the kernel's block helpers: weight every foreign link by t, so
    # v # (I - A^D - t A^F)^-1 y is a sum over chains of t^(crossings) and its t-derivative at
    # t = 1 counts the crossings; the three segments must add up to v # (B B - L L) y.
    t = random_table(seed, G=G, N=N, trade=trade)
    n = G * N
    A = input_coefficients(t.Z, t.x)
    same = np.kron(np.eye(G), np.ones((N, N))).astype(bool)
    Ad, Af = np.where(same, A, 0.0), np.where(same, 0.0, A)
    v, y = t.va / t.x, t.Y.sum(axis=1)
    B = np.linalg.inv(np.eye(n) - A)
    Ld = np.linalg.inv(np.eye(n) - Ad)
    pl = production_length(t.Z, t.Y, t.x, t.va, G, N, B=B)

    def weighted(tt: float) -> np.ndarray:
        return np.linalg.inv(np.eye(n) - Ad - tt * Af)

    h = 1e-5
    dB = (weighted(1 + h) - weighted(1 - h)) / (2 * h)
    v_gvc = v * (Ld @ Af @ B @ y)
    atol = 1e-6 * float(t.x.max())
    assert_allclose(pl["CBv_GVC"] * v_gvc, v * (dB @ y), rtol=1e-6, atol=atol)
    y_gvc = (v @ Ld @ Af @ B) * y
    assert_allclose(pl["CBy_GVC"] * y_gvc, (v @ dB) * y, rtol=1e-6, atol=atol)
    # domestic links after the first crossing: v # L A^F B A^D B y (dense, by hand)
    assert_allclose(pl["PLv_GVC_F"] * v_gvc, v * (Ld @ Af @ B @ Ad @ B @ y), rtol=1e-9, atol=1e-9)
    # the three segments exhaust the GVC part's induced output
    x_gvc = v * ((B @ B - Ld @ Ld) @ y)
    seg = pl["PLv_GVC_D"] + pl["CBv_GVC"] + pl["PLv_GVC_F"]
    assert_allclose(seg * v_gvc, x_gvc, rtol=1e-9, atol=1e-9 * float(t.x.max()))


def _adb_lengths(t):
    """WWYZ (2017b) lengths written densely, term by term as the ADB's public implementation
    (ksreyes/mrio-processing, codes/06-production-lengths.py) defines them: n x n matrices,
    row sums for forward (v) lengths, column sums for backward (y) lengths, divided by the
    table's value added and final goods."""
    G, N = t.G, t.N
    n = G * N
    A = t.Z / t.x[None, :]
    same = np.kron(np.eye(G), np.ones((N, N))) > 0
    AD, AF = np.where(same, A, 0.0), np.where(same, 0.0, A)
    B = np.linalg.inv(np.eye(n) - A)
    L = np.linalg.inv(np.eye(n) - AD)
    V = np.diag(t.va / t.x)
    y = t.Y.sum(axis=1)
    yD = (t.Y * np.kron(np.eye(G), np.ones((N, 1)))).sum(axis=1)
    Yh, YDh, YFh = np.diag(y), np.diag(yD), np.diag(y - yD)
    X = V @ B @ B @ Yh
    XD, VD = V @ L @ L @ YDh, V @ L @ YDh
    XRT, VRT = V @ L @ L @ YFh, V @ L @ YFh
    VG = V @ L @ AF @ B @ Yh
    seg = {
        "GVC_D": V @ L @ L @ AF @ B @ Yh,
        "GVC": V @ B @ AF @ B @ Yh,  # border crossings
        "GVC_F": V @ L @ AF @ B @ AD @ B @ Yh,
    }
    out = {}
    for side, ax, total in (("v", 1, t.va), ("y", 0, y)):
        out[f"PL{side}"] = X.sum(axis=ax) / total
        out[f"PL{side}_D"] = XD.sum(axis=ax) / VD.sum(axis=ax)
        out[f"PL{side}_RT"] = XRT.sum(axis=ax) / VRT.sum(axis=ax)
        out[f"PL{side}_GVC_D"] = seg["GVC_D"].sum(axis=ax) / VG.sum(axis=ax)
        out[f"CB{side}_GVC"] = seg["GVC"].sum(axis=ax) / VG.sum(axis=ax)
        out[f"PL{side}_GVC_F"] = seg["GVC_F"].sum(axis=ax) / VG.sum(axis=ax)
        out[f"PL{side}_GVC"] = (
            out[f"PL{side}_GVC_D"] + out[f"CB{side}_GVC"] + out[f"PL{side}_GVC_F"]
        )
    out["GVCPs"] = out["PLv_GVC"] / out["PLy_GVC"]
    return out


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), G=st.integers(2, 4), N=st.integers(1, 3))
def test_against_adb_dense_formulas(seed, G, N):
    """Differential: every length and segment against the ADB's dense definitions."""
    t = random_table(seed, G=G, N=N, trade=0.3)  # positive y^D and y^F, so no 0/0
    got = production_length(t.Z, t.Y, t.x, t.va, G, N)
    for k, want in _adb_lengths(t).items():
        assert_allclose(got[k], want, rtol=1e-9, err_msg=k)
