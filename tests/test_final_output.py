"""Final-product value chains (Timmer et al. 2014, 2015; Los, Timmer & de Vries 2015).

Hand-computed chains, identities on random tables, the store path. The real-table and
published-value checks are in test_positions_wiod.py.
"""

from __future__ import annotations

import numpy as np
from conftest import permute_countries, provenance, random_table, table_from_flows
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gvc.catalog import open_store
from gvc.indicators.derived import Derived
from gvc.indicators.final_output import final_output_arrays
from gvc.kernels.final_output import (
    final_output_va_by_country,
    final_output_va_by_node,
    foreign_va_share,
    gvc_income,
)
from gvc.kernels.leontief import input_coefficients, leontief_inverse, value_added_coefficients


def _chain():
    # 3 countries, 1 sector: 0 -> 1 -> 2, all consumed in 2; node 1 also sells 5 final goods
    Z = np.array([[0.0, 10, 0], [0, 0, 15], [0, 0, 0]])
    Y = np.array([[0.0, 0, 0], [0, 5, 0], [0, 0, 20]])
    return table_from_flows(Z, Y, 3, 1)


def test_three_country_chain_by_hand():
    t = _chain()
    d = Derived(t)
    K, node = final_output_arrays(d)
    # x = (10, 20, 20); node 1 uses 10 of inputs for 20 of output, node 2 15 for 20.
    # final output of node 2 (20): its own VA 5, node 1's VA in the 15 it sold: 10 * 15/20 =
    # 7.5, node 0's: 10 * 15/20 = 7.5. Final output of node 1 (5): 2.5 own, 2.5 from node 0.
    assert_allclose(K, [[0, 2.5, 7.5], [0, 2.5, 7.5], [0, 0, 5]])
    assert_allclose(node["final_output"], [0, 5, 20])
    assert_allclose(node["domestic_va"], [0, 2.5, 5])
    assert_allclose(node["foreign_va"], [0, 2.5, 15])
    # per unit of final output, defined for node 0 too (it makes no final goods): 0
    assert_allclose(node["foreign_va_share"], [0, 0.5, 0.75])
    # GVC income from the final goods of nodes 1 and 2 (all of them): the VA of each country
    assert_allclose(gvc_income(K, np.array([False, True, True])), t.va)
    assert_allclose(gvc_income(K, np.array([False, False, True])), [7.5, 7.5, 5])


def test_zero_output_node_has_no_foreign_share():
    Z = np.zeros((4, 4))
    Z[0, 2] = 3.0
    Y = np.array([[1.0, 0], [0, 0], [0, 4], [0, 6]])
    t = table_from_flows(Z, Y, 2, 2)  # node 1 (country 0, sector 1) produces nothing
    A = input_coefficients(t.Z, t.x)
    share = foreign_va_share(value_added_coefficients(t.va, t.x), leontief_inverse(A), t.x, 2, 2)
    assert np.isnan(share[1]) and not np.isnan(share[[0, 2, 3]]).any()
    # node 2 buys 3 of node 0's output (all value added) per 4 of output; nodes 0, 3 buy nothing
    assert_allclose(share[[0, 2, 3]], [0, 3 / 4, 0])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), G=st.integers(2, 4), N=st.integers(1, 3))
def test_identities_on_random_tables(seed, G, N):
    t = random_table(seed, G=G, N=N)
    A = input_coefficients(t.Z, t.x)
    B = leontief_inverse(A)
    v = value_added_coefficients(t.va, t.x)
    y = t.Y_detail.sum(axis=1)
    K = final_output_va_by_country(v, B, y, G, N)
    full = final_output_va_by_node(v, B, y)
    # columns: VA over all origins = final output; rows: VA of each node = its value added
    assert_allclose(K.sum(axis=0), y, rtol=1e-12)
    assert_allclose(full.sum(axis=1), t.va, rtol=1e-10)
    assert_allclose(full.reshape(G, N, G * N).sum(axis=1), K, rtol=1e-12)
    # foreign share = 1 - domestic share, against an explicit loop over origin nodes
    share = foreign_va_share(v, B, t.x, G, N)
    c = np.repeat(np.arange(G), N)
    explicit = [sum(v[i] * B[i, j] for i in range(G * N) if c[i] != c[j]) for j in range(G * N)]
    assert_allclose(share, explicit, rtol=1e-10)
    assert_allclose(share, 1 - K[c, np.arange(G * N)] / y, rtol=1e-9, atol=1e-12)
    # GVC income over countries = world final output of the group
    grp = np.random.default_rng(seed).random(G * N) < 0.5
    assert_allclose(gvc_income(K, grp).sum(), y[grp].sum(), rtol=1e-12)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), perm_seed=st.integers(0, 100))
def test_invariant_under_permuting_countries(seed, perm_seed):
    t = random_table(seed, G=3, N=2)
    perm = np.random.default_rng(perm_seed).permutation(3)

    def measures(Z, Y, x, va):
        B = leontief_inverse(input_coefficients(Z, x))
        v = value_added_coefficients(va, x)
        K = final_output_va_by_country(v, B, Y.sum(axis=1), 3, 2)
        return K, foreign_va_share(v, B, x, 3, 2)

    K, share = measures(t.Z, t.Y, t.x, t.va)
    permuted, nodes = permute_countries(t.Z, t.Y, t.x, t.va, 2, perm)
    Kp, sharep = measures(*permuted)
    assert_allclose(Kp, K[np.ix_(perm, nodes)], rtol=1e-10)
    assert_allclose(sharep, share[nodes], rtol=1e-10)


def test_store_views_steps_and_product_groups(tmp_path):
    from gvc.indicators.run import run
    from gvc.ingestion.load import load_table

    t = random_table(3, G=3, N=2)
    with open_store(tmp_path / "s.duckdb") as con:
        load_table(con, t, dataset="r", year=2000, provenance=provenance())
        run(con, "r", steps=("final_output", "final_output_nodes"))
        va = con.execute("SELECT * FROM final_output_va ORDER BY ALL").df()
        nodes = con.execute(
            "SELECT origin_country, country, sector, sum(value_added) AS va "
            "FROM final_output_va_nodes GROUP BY ALL ORDER BY ALL"
        ).df()
        fva = con.execute("SELECT * FROM final_output_fva ORDER BY country, sector").df()
        groups = con.execute(
            "SELECT DISTINCT product_group, source FROM product_group_members"
        ).df()
        by_sector = con.execute("SELECT * FROM gvc_income('r', 'S1') ORDER BY country").df()
        con.execute("INSERT INTO product_groups VALUES ('r', 'S1', 'S0'), ('r', 'S1', 'S1')")
        everything = con.execute("SELECT * FROM gvc_income('r', 'S1') ORDER BY country").df()
        grp = con.execute("SELECT * FROM final_output_group('r', 'S1')").df()
    d = Derived(t)
    K, node = final_output_arrays(d)
    assert_allclose(va.value_added, nodes.va, rtol=1e-10)
    assert_allclose(
        va.set_index(["origin_country", "country", "sector"]).value_added.sort_index(),
        _long(K, t),
        rtol=1e-12,
    )
    assert_allclose(fva.foreign_va_share, node["foreign_va_share"], rtol=1e-12)
    assert_allclose(fva.final_output, t.Y_detail.sum(axis=1))
    # no concordance group applies to sectors S0, S1: each sector is a group
    assert set(groups.source) == {"sector"} and set(groups.product_group) == {"S0", "S1"}
    s1 = np.tile([False, True], 3)
    assert_allclose(by_sector.gvc_income, gvc_income(K, s1), rtol=1e-12)
    # the user group 'S1' (both sectors) replaces the sector group: the countries' whole VA
    assert_allclose(everything.gvc_income, t.va.reshape(3, 2).sum(axis=1), rtol=1e-10)
    assert_allclose(grp.groupby("country").share.sum(), 1.0, rtol=1e-12)


def _long(K, t):
    import pandas as pd

    countries, sectors = t.node_labels()
    idx = pd.MultiIndex.from_arrays(
        [
            np.repeat(np.array(t.countries, dtype=object), t.n),
            np.tile(countries, t.G),
            np.tile(sectors, t.G),
        ],
        names=["origin_country", "country", "sector"],
    )
    return pd.Series(K.ravel(), index=idx).sort_index()
