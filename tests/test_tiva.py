"""TiVA indicators: R gvc 6.4.0 on decompr's leather table, closed forms, identities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DECOMPR, LEATHER, permute_countries, random_table
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gvc.kernels.blocks import sum_by_country_rows
from gvc.kernels.leontief import input_coefficients, leontief_inverse
from gvc.kernels.tiva import new_rca, tiva_indicators

RTOL = 1e-10


def out(name: str) -> pd.DataFrame:
    return pd.read_csv(LEATHER / "output" / name)


@pytest.fixture(scope="module")
def leather_tiva(leather) -> dict[str, np.ndarray]:
    return tiva_indicators(*leather)


# --- reference: R gvc 6.4.0 on the leather table -------------------------------------------


@pytest.mark.reference
def test_fva_is_gvc_i2e(leather_tiva):
    assert_allclose(leather_tiva["EXGR_FVA"], out("gvc_i2e.csv")["i2e"], rtol=RTOL)


@pytest.mark.reference
def test_dvafx_is_gvc_e2r(leather_tiva):
    assert_allclose(leather_tiva["EXGR_DVAFX"], out("gvc_e2r.csv")["e2r"], rtol=RTOL)


@pytest.mark.reference
def test_ffd_dva_row_sums_are_gvc_ffddva(leather_tiva):
    assert_allclose(leather_tiva["FFD_DVA"].sum(axis=1), out("gvc_ffddva.csv")["ffddva"], rtol=RTOL)


@pytest.mark.reference
def test_dfd_fva_is_gvc_dfdfva(leather_tiva):
    # gvc lists importing country x source industry, the (G, N) layout flattened
    assert_allclose(leather_tiva["DFD_FVA"].ravel(), out("gvc_dfdfva.csv")["dfdfva"], rtol=RTOL)


@pytest.mark.reference
def test_dxd_dva_is_gvc_dfddva(leather_tiva):
    assert_allclose(leather_tiva["DXD_DVA"], out("gvc_dfddva.csv")["dfddva"], rtol=RTOL)


@pytest.mark.reference
def test_new_rca_is_gvc_nrca(leather):
    assert_allclose(new_rca(*leather), out("gvc_nrca.csv")["nrca"], rtol=RTOL)


@pytest.mark.reference
def test_fd_va_is_decompr_leontief_final_demand(leather_tiva):
    ref = out("leontief_final_demand.csv")["Final_Demand"].to_numpy().reshape(9, 3)
    assert_allclose(leather_tiva["FD_VA"], ref, rtol=RTOL)


@pytest.mark.reference
def test_country_totals_against_decompr_kww(leather, leather_tiva):
    kww = out("kww.csv")
    G, N = leather[4], leather[5]

    def by_country(a: np.ndarray) -> np.ndarray:
        return sum_by_country_rows(a[:, None], G, N)[:, 0]

    fva = kww["FVA_FIN"] + kww["FVA_INT"] + kww["FDC"]
    assert_allclose(by_country(leather_tiva["EXGR_FVA"]), fva, rtol=RTOL)
    dva = kww[["DVA_FIN", "DVA_INT", "DVA_INTrex", "RDV_FIN", "RDV_INT", "DDC"]].sum(axis=1)
    assert_allclose(by_country(leather_tiva["EXGR_DVA"]), dva, rtol=RTOL)
    # domestic VA that comes back home in gross imports = KWW's returned DVA plus its DDC
    returned = kww["RDV_FIN"] + kww["RDV_INT"] + kww["DDC"]
    assert_allclose(leather_tiva["IMGR_DVA"].reshape(G, -1).sum(axis=1), returned, rtol=RTOL)


@pytest.mark.reference
def test_exports_match_decompr_vectors(leather_tiva):
    assert_allclose(leather_tiva["EXGR"], out("vectors.csv")["exports_E"], rtol=RTOL)


def test_precomputed_inverse_gives_same_result(leather, leather_tiva):
    Z, Y, x, va, G, N = leather
    B = leontief_inverse(input_coefficients(Z, x))
    again = tiva_indicators(Z, Y, x, va, G, N, B=B)
    for k, v in leather_tiva.items():
        assert_allclose(again[k], v, rtol=1e-13, atol=1e-13, err_msg=k)


# --- closed forms ---------------------------------------------------------------------------


def test_closed_economy_has_no_trade_in_value_added():
    # two countries with dense domestic blocks and no trade at all
    Z = np.zeros((4, 4))
    Z[:2, :2] = [[2.0, 1.0], [3.0, 1.0]]
    Z[2:, 2:] = [[1.0, 4.0], [2.0, 2.0]]
    Y = np.array([[7.0, 0.0], [6.0, 0.0], [0.0, 5.0], [0.0, 9.0]])
    x = Z.sum(1) + Y.sum(1)
    t = tiva_indicators(Z, Y, x, x - Z.sum(0), 2, 2)
    for k in ("EXGR", "EXGR_DVA", "EXGR_FVA", "EXGR_DVAFX", "FFD_DVA", "DFD_FVA", "BALVAFD"):
        assert_allclose(t[k], 0, atol=1e-12, err_msg=k)
    assert_allclose(t["DXD_DVA"], x - Z.sum(0), rtol=1e-12)


def test_three_country_chain_by_hand():
    # 0 -> 1 -> 2, consumed in 2: va 10, 5, 5; outputs 10, 15, 20
    Z = np.array([[0.0, 10, 0], [0, 0, 15], [0, 0, 0]])
    Y = np.array([[0.0, 0, 0], [0, 0, 0], [0, 0, 20]])
    t = tiva_indicators(Z, Y, np.array([10.0, 15, 20]), np.array([10.0, 5, 5]), 3, 1)
    assert_allclose(t["EXGR"], [10, 15, 0])
    assert_allclose(t["EXGR_DVA"], [10, 5, 0])
    assert_allclose(t["EXGR_FVA"], [0, 10, 0])
    assert_allclose(t["EXGR_FVASH"], [0, 2 / 3, 0])
    # country 0's 10 rides in country 1's exports; country 1's 5 in nobody's
    assert_allclose(t["EXGR_DVAFX"], [10, 0, 0])
    assert_allclose(t["FFD_DVA"], [[0, 0, 10], [0, 0, 5], [0, 0, 0]])
    assert_allclose(t["DFD_FVA"], [[0], [0], [15]])
    assert_allclose(t["BALVAFD"], [[0, 0, 10], [0, 0, 5], [-10, -5, 0]])
    assert_allclose(t["EXGR_RIM"], 0, atol=1e-12)
    assert_allclose(t["IMGR_DVA"], 0, atol=1e-12)


def test_round_trip_is_re_imported():
    # country 0 exports 10 of intermediates to 1; 1 adds 10 and sells final goods back to 0
    Z = np.array([[0.0, 10.0], [0.0, 0.0]])
    Y = np.array([[0.0, 0.0], [20.0, 0.0]])
    t = tiva_indicators(Z, Y, np.array([10.0, 20.0]), np.array([10.0, 10.0]), 2, 1)
    assert_allclose(t["IMGR_DVA"], [[0, 10], [0, 0]])
    assert_allclose(t["EXGR_FVA"], [0, 10])
    assert_allclose(t["FFD_DVA"], [[0, 0], [20 - 10, 0]])  # 1's own 10 absorbed in 0
    assert_allclose(t["DXD_DVA"], [10, 0])


def test_direct_and_indirect_domestic_content_by_hand():
    # one country-pair, two domestic industries: industry 0 sells 5 to industry 1,
    # industry 1 exports 20; value added 5 and 15
    Z = np.zeros((4, 4))
    Z[0, 1] = 5.0
    Y = np.zeros((4, 2))
    Y[1, 1] = 20.0
    Y[2, 1] = Y[3, 1] = 1.0
    x = Z.sum(1) + Y.sum(1)
    t = tiva_indicators(Z, Y, x, x - Z.sum(0), 2, 2)
    assert_allclose(t["EXGR_DDC"], [0, 15, 0, 0])
    assert_allclose(t["EXGR_IDC"], [0, 5, 0, 0])
    assert_allclose(t["EXGR_RIM"], 0, atol=1e-12)


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), G=st.integers(2, 4), N=st.integers(1, 3))
def test_identities_on_random_tables(seed, G, N):
    tab = random_table(seed, G=G, N=N)
    t = tiva_indicators(tab.Z, tab.Y, tab.x, tab.va, G, N)
    scale = float(tab.x.max())
    atol = 1e-9 * scale
    assert_allclose(t["EXGR"], t["EXGR_DVA"] + t["EXGR_FVA"], atol=atol)
    assert_allclose(t["EXGR_DVA"], t["EXGR_DDC"] + t["EXGR_IDC"] + t["EXGR_RIM"], atol=atol)
    assert_allclose(t["EXGR"], t["EXGR_INT"] + t["EXGR_FNL"], atol=atol)
    assert_allclose(t["FD_VA"].sum(axis=1), tab.va, atol=atol)
    own = np.repeat(np.arange(G), N)[:, None] == np.arange(G)[None, :]
    assert_allclose(t["FFD_DVA"].sum(axis=1) + t["DXD_DVA"], tab.va, atol=atol)
    assert np.all(t["FFD_DVA"][own] == 0)
    assert_allclose(t["BALVAFD"], -t["BALVAFD"].T, atol=atol)
    # country balance: VA sent abroad minus foreign VA absorbed at home
    ffd = sum_by_country_rows(t["FFD_DVA"], G, N).sum(axis=1)
    assert_allclose(t["BALVAFD"].sum(axis=1), ffd - t["DFD_FVA"].sum(axis=1), atol=atol)
    # every term is a non-negative amount of value added
    for k in ("EXGR_DVA", "EXGR_DDC", "EXGR_IDC", "EXGR_RIM", "EXGR_FVA", "EXGR_DVAFX"):
        assert t[k].min() >= -atol, k
    # world totals: DVA in foreign exports = FVA in exports (same flows, seen from each end)
    assert_allclose(t["EXGR_DVAFX"].sum(), t["EXGR_FVA"].sum(), rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_invariant_under_permuting_countries(seed):

    G, N = 3, 2
    tab = random_table(seed, G=G, N=N)
    perm = np.array([2, 0, 1])
    permuted, nodes = permute_countries(tab.Z, tab.Y, tab.x, tab.va, N, perm)
    t = tiva_indicators(tab.Z, tab.Y, tab.x, tab.va, G, N)
    p = tiva_indicators(*permuted, G, N)
    for k in ("EXGR_DVA", "EXGR_FVA", "EXGR_DVAFX", "EXGR_RIM"):
        assert_allclose(p[k], t[k][nodes], rtol=1e-9, atol=1e-9, err_msg=k)
    assert_allclose(p["BALVAFD"], t["BALVAFD"][np.ix_(perm, perm)], rtol=1e-9, atol=1e-9)


@pytest.mark.reference
def test_dva_fva_on_real_lrwiod2000_against_decompr(lrwiod2000):
    t = lrwiod2000
    tv = tiva_indicators(t.Z, t.Y, t.x, t.va, t.G, t.N)
    origin = pd.read_parquet(DECOMPR / "lrwiod2000_2000_va_origin_of_exports_decompr.parquet")
    vbe = origin.pivot(
        index="source_country", columns="exporting_country", values="va_in_gross_exports"
    ).loc[list(t.countries), list(t.countries)]
    dva = sum_by_country_rows(tv["EXGR_DVA"][:, None], t.G, t.N)[:, 0]
    fva = sum_by_country_rows(tv["EXGR_FVA"][:, None], t.G, t.N)[:, 0]
    assert_allclose(dva, np.diag(vbe), rtol=1e-10)
    assert_allclose(fva, vbe.sum(axis=0) - np.diag(vbe), rtol=1e-10)
    # domestic VA in foreign exports, by origin country: the off-diagonal row sums
    dvafx = sum_by_country_rows(tv["EXGR_DVAFX"][:, None], t.G, t.N)[:, 0]
    assert_allclose(dvafx, vbe.sum(axis=1) - np.diag(vbe), rtol=1e-10)
