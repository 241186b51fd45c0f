"""Leontief kernels against published national results, closed forms and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE, random_table
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gvc.errors import NumericalError
from gvc.kernels.leontief import (
    input_coefficients,
    leontief_inverse,
    leontief_solve,
    local_inverses,
    value_added_coefficients,
)

NATIONAL = REFERENCE / "national_io"


def _uk_block(uk: pd.DataFrame, indicator: str) -> tuple[np.ndarray, list[str]]:
    b = uk[uk["indicator"] == indicator]
    # product codes are the columns; rows below the block (taxes, VA, totals) are dropped
    codes = [c for c in dict.fromkeys(b["uk_col"]) if c != "Total"]
    b = b[b["uk_row"].isin(codes) & b["uk_col"].isin(codes)]
    m = b.pivot_table(index="uk_row", columns="uk_col", values="values", aggfunc="sum")
    m = m.reindex(index=codes, columns=codes).fillna(0.0)
    return m.to_numpy(), codes


@pytest.mark.reference
def test_uk_2010_ons_leontief_inverse_reproduced():
    """ONS UK IOATs 2010: inverting I - A from the published coefficients gives the published
    Leontief inverse, and its column sums the published Type I output multipliers."""
    uk = pd.read_parquet(NATIONAL / "uk_2010.parquet")
    A, codes = _uk_block(uk, "Matrix of coefficients (product by product)")
    L_pub, codes2 = _uk_block(uk, "Leontief Inverse (product by product)")
    assert codes == codes2 and len(codes) == 127
    L = leontief_inverse(A)
    assert_allclose(L, L_pub, rtol=0, atol=1e-12)
    mult = pd.read_parquet(NATIONAL / "uk_test_results.parquet")["Output multiplier"].to_numpy()
    assert_allclose(L.sum(axis=0), mult, rtol=1e-12)


@pytest.mark.reference
def test_germany_1995_output_multipliers_eurostat_manual():
    """Eurostat Manual (2008) ch. 15, Germany 1995: published output multipliers (4 decimals)."""
    de = pd.read_parquet(NATIONAL / "germany_1995.parquet")
    groups = [
        "agriculture_group",
        "industry_group",
        "construction",
        "trade_group",
        "business_services_group",
        "other_services_group",
    ]
    z = de[de["iotables_row"].isin(groups) & de["iotables_col"].isin(groups)]
    Z = z.pivot_table(index="iotables_row", columns="iotables_col", values="values")
    Z = Z.reindex(index=groups, columns=groups).to_numpy()
    out = de[(de["iotables_row"] == "output") & de["iotables_col"].isin(groups)]
    if out.empty:  # the output row is labelled by its code in some copies
        out = de[(de["prod_na"] == "P1") & de["iotables_col"].isin(groups)]
    x = out.set_index("iotables_col")["values"].reindex(groups).to_numpy()
    L = leontief_inverse(input_coefficients(Z, x))
    pub = pd.read_parquet(NATIONAL / "published_multipliers_eurostat_manual.parquet")
    pub = pub[pub["table"] == "germany_1995"].set_index("sector")["published_value"]
    assert_allclose(L.sum(axis=0), pub.reindex(groups).to_numpy(), atol=5e-5)
    assert_allclose(np.diag(L)[:3], [1.0339, 1.4292, 1.0289], atol=5e-5)  # Beutel, Table 15.10


def test_zero_output_sector_gets_zero_coefficients():
    Z = np.array([[1.0, 0.0], [2.0, 0.0]])
    A = input_coefficients(Z, np.array([10.0, 0.0]))
    assert_allclose(A, [[0.1, 0.0], [0.2, 0.0]])
    assert_allclose(
        value_added_coefficients(np.array([7.0, 0.0]), np.array([10.0, 0.0])), [0.7, 0.0]
    )


def test_singular_raises_numerical_error():
    A = np.array([[1.0, 0.0], [0.0, 0.5]])  # sector 0 uses its own whole output
    with pytest.raises(NumericalError, match="singular"):
        leontief_inverse(A)


def test_non_productive_raises():
    A = np.array([[0.6, 0.9], [0.9, 0.6]])  # spectral radius 1.5
    with pytest.raises(NumericalError, match="not productive"):
        leontief_inverse(A)


def test_one_sector_closed_form():
    # b = 1 / (1 - a)
    assert_allclose(leontief_inverse(np.array([[0.2]])), [[1.25]])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 3))
def test_inverse_properties(seed, G, N):
    t = random_table(seed, G, N)
    A = input_coefficients(t.Z, t.x)
    B = leontief_inverse(A)
    assert_allclose(B @ (np.eye(t.n) - A), np.eye(t.n), atol=1e-10)
    assert (B >= -1e-12).all()
    # x = B y on a balanced table
    assert_allclose(B @ t.Y_detail.sum(axis=1), t.x, rtol=1e-10)
    assert_allclose(leontief_solve(A, t.Y_detail.sum(axis=1)), t.x, rtol=1e-10)
    # 1' v-hat B = 1' when va is the residual x - 1'Z
    v = value_added_coefficients(t.va, t.x)
    assert_allclose(v @ B, np.ones(t.n), rtol=1e-10)
    # local inverses invert each domestic block
    L = local_inverses(A, G, N)
    for s in range(G):
        blk = A[s * N : (s + 1) * N, s * N : (s + 1) * N]
        assert_allclose(L[s] @ (np.eye(N) - blk), np.eye(N), atol=1e-10)
