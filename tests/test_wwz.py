"""Tests of the Wang-Wei-Zhu (2013) 16-term decomposition (gvc.kernels.wwz).

Reference: R decompr 6.8.0 on the real lrwiod2000 table and on decompr's own 3x3 `leather`
example (tests/reference/decompr, README there). Tolerance: rtol = 1e-9 and, for cells near
zero, atol = 1e-9 * max |term| over the whole array of that term.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DECOMPR, LEATHER, load_leather, permute_countries, random_table
from hypothesis import given, settings
from hypothesis import strategies as st

from gvc.errors import InputError
from gvc.kernels.blocks import bilateral_exports
from gvc.kernels.leontief import input_coefficients, leontief_inverse, local_inverses
from gvc.kernels.wwz import (
    REEXPORT_SPLIT_TERMS,
    WWZ_FINAL_TERMS,
    WWZ_TERMS,
    wwz,
    wwz_reexport_split,
)
from gvc.table import IOTable


def _run(t: IOTable, **kw) -> dict[str, np.ndarray]:
    return wwz(t.Z, t.Y, t.x, t.va, t.G, t.N, **kw)


def _assert_terms(ours: dict[str, np.ndarray], ref: pd.DataFrame, G: int, N: int) -> None:
    # decompr rows are (exporting country, exporting industry, importing country), exporter
    # node major: reshaping a column to (n, G) gives our layout.
    for k in WWZ_TERMS:
        r = ref[k].to_numpy(dtype=np.float64).reshape(G * N, G)
        atol = 1e-9 * float(np.abs(r).max())
        np.testing.assert_allclose(ours[k], r, rtol=1e-9, atol=atol, err_msg=k)


@pytest.mark.reference
def test_lrwiod2000_all_16_terms_match_decompr(lrwiod2000: IOTable) -> None:
    t = lrwiod2000
    ref = pd.read_parquet(DECOMPR / "lrwiod2000_2000_wwz_decompr.parquet")
    assert len(ref) == t.n * t.G == 15_548
    # the row order really is exporter country x industry x importer, in table order
    assert list(ref["Exporting_Country"].iloc[:: t.N * t.G]) == list(t.countries)
    assert list(ref["Exporting_Industry"].iloc[: t.N * t.G : t.G]) == list(t.sectors)
    assert list(ref["Importing_Country"].iloc[: t.G]) == list(t.countries)
    _assert_terms(_run(t), ref, t.G, t.N)


@pytest.mark.reference
def test_leather_matches_decompr() -> None:
    Z, Y, x, va, G, N, _, _ = load_leather()
    ref = pd.read_csv(LEATHER / "output" / "wwz.csv")
    assert len(ref) == G * N * G
    _assert_terms(wwz(Z, Y, x, va, G, N), ref, G, N)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    G=st.integers(2, 5),
    N=st.integers(1, 4),
    trade=st.floats(0.05, 1.0),
)
def test_terms_add_up_to_final_and_intermediate_exports(
    seed: int, G: int, N: int, trade: float
) -> None:
    t = random_table(seed, G=G, N=N, trade=trade)
    T = _run(t)
    E_int, E_fin = bilateral_exports(t.Z, t.Y, G, N)
    scale = float((E_int + E_fin).max())
    fin = sum(T[k] for k in WWZ_FINAL_TERMS)
    rest = sum(T[k] for k in WWZ_TERMS if k not in WWZ_FINAL_TERMS)
    np.testing.assert_allclose(fin, E_fin, rtol=1e-10, atol=1e-12 * scale)
    np.testing.assert_allclose(rest, E_int, rtol=1e-10, atol=1e-12 * scale)
    own = np.repeat(np.arange(G), N)[:, None] == np.arange(G)[None, :]
    for k in WWZ_TERMS:
        assert T[k].shape == (G * N, G)
        assert np.all(T[k][own] == 0.0), k
        assert T[k].min() >= -1e-12 * scale, k  # every WWZ term is non-negative


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), G=st.integers(2, 5), N=st.integers(1, 3))
def test_invariant_under_permuting_countries(seed: int, G: int, N: int) -> None:
    t = random_table(seed, G=G, N=N)
    perm = np.random.default_rng(seed).permutation(G)
    permuted, nodes = permute_countries(t.Z, t.Y, t.x, t.va, N, perm)
    T = _run(t)
    Tp = wwz(*permuted, G, N)
    for k in WWZ_TERMS:
        np.testing.assert_allclose(Tp[k], T[k][np.ix_(nodes, perm)], rtol=1e-9, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), G=st.integers(2, 5), N=st.integers(1, 3))
def test_reexport_split_sums_over_third_country(seed: int, G: int, N: int) -> None:
    t = random_table(seed, G=G, N=N)
    T = _run(t)
    S = wwz_reexport_split(t.Z, t.Y, t.x, t.va, G, N)
    assert set(S) == set(REEXPORT_SPLIT_TERMS)
    c = np.repeat(np.arange(G), N)
    idx = np.arange(G)
    for k, v in S.items():
        assert v.shape == (G * N, G, G)
        np.testing.assert_allclose(v.sum(axis=2), T[k], rtol=1e-12, atol=1e-14 * T[k].max())
        # the third country is neither the exporter nor the direct importer
        assert np.all(v[np.arange(G * N), :, c] == 0.0), k
        assert np.all(v[:, idx, idx] == 0.0), k


def test_reexport_split_closed_form_three_countries() -> None:
    # One sector, three countries: DVA_INTrexF of 0 via importer 1 and third country 2 is
    # (v0 L00) * A01 * B11 * Y12, written out from the matrices.
    Z = np.array([[1.0, 2.0, 0.5], [1.0, 1.0, 2.0], [2.0, 1.0, 1.0]])
    Y = np.array([[5.0, 1.0, 1.0], [1.0, 6.0, 2.0], [2.0, 1.0, 5.0]])
    x = Z.sum(1) + Y.sum(1)
    A = Z / x[None, :]
    B = np.linalg.inv(np.eye(3) - A)
    v = 1.0 - A.sum(0)
    S = wwz_reexport_split(Z, Y, x, x - Z.sum(0), 3, 1)
    vl0 = v[0] / (1.0 - A[0, 0])
    np.testing.assert_allclose(S["DVA_INTrexF"][0, 1, 2], vl0 * A[0, 1] * B[1, 1] * Y[1, 2])
    np.testing.assert_allclose(S["DVA_INTrexI1"][0, 1, 2], vl0 * A[0, 1] * B[1, 2] * Y[2, 2])
    np.testing.assert_allclose(
        S["DVA_INTrexI2"][0, 1, 2], vl0 * A[0, 1] * B[1, 2] * Y[2, 1]
    )  # u != s, t leaves u = r = 1 only
    np.testing.assert_allclose(S["RDV_FIN2"][0, 1, 2], vl0 * A[0, 1] * B[1, 2] * Y[2, 0])
    np.testing.assert_allclose(S["OVA_FIN"][0, 1, 2], v[2] * B[2, 0] * Y[0, 1])


def test_no_trade_gives_zero_exports_and_terms() -> None:
    t = random_table(3, G=3, N=2, trade=0.0)
    own = np.repeat(np.arange(3), 2)[:, None] == np.arange(3)[None, :]
    Y = np.where(own, t.Y, 0.0)
    x = t.Z.sum(1) + Y.sum(1)
    assert np.all(np.where(own.repeat(2, axis=1), 0.0, t.Z) == 0.0)  # block-diagonal Z
    T = wwz(t.Z, Y, x, x - t.Z.sum(0), 3, 2)
    for k in WWZ_TERMS:
        assert np.all(T[k] == 0.0), k


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), G=st.integers(2, 5), N=st.integers(1, 3))
def test_no_intermediate_trade_exports_are_all_domestic_final(seed: int, G: int, N: int) -> None:
    # With foreign Z blocks zero, B is block diagonal and B = L: all exports are final goods,
    # DVA_FIN = (V^s L^ss)' # Y^sr = Y^sr (columns of V L sum to 1), every other term is 0.
    t = random_table(seed, G=G, N=N, trade=0.0)
    T = _run(t)
    _, E_fin = bilateral_exports(t.Z, t.Y, G, N)
    np.testing.assert_allclose(T["DVA_FIN"], E_fin, rtol=1e-12, atol=1e-12 * E_fin.max())
    for k in WWZ_TERMS:
        if k != "DVA_FIN":
            assert np.abs(T[k]).max() <= 1e-13 * E_fin.max(), k


def test_precomputed_inverses_give_same_terms() -> None:
    t = random_table(7, G=4, N=3)
    A = input_coefficients(t.Z, t.x)
    T0 = _run(t)
    T1 = _run(t, B=leontief_inverse(A), L=local_inverses(A, t.G, t.N))
    for k in WWZ_TERMS:
        np.testing.assert_array_equal(T0[k], T1[k])


def test_bad_shapes_raise() -> None:
    t = random_table(1, G=3, N=2)
    with pytest.raises(InputError):
        wwz(t.Z, t.Y_detail, t.x, t.va, t.G, t.N)
    with pytest.raises(InputError):
        wwz(t.Z, t.Y, t.x, t.va, t.G, t.N, B=np.eye(3))
