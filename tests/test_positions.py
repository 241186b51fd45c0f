"""Position measures as published (Antràs & Chor 2018): hand-computed cases, identities, store.

The real-table and published-value checks are in test_positions_wiod.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import provenance, random_table
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gvc.catalog import open_store
from gvc.indicators.derived import Derived
from gvc.indicators.positions import compute_positions, inventory_changes, position_arrays
from gvc.kernels.lengths import downstreamness, upstreamness
from gvc.kernels.leontief import input_coefficients, leontief_inverse
from gvc.kernels.positions import (
    country_position_measures,
    inventory_scale,
    position_measures,
)
from gvc.table import IOTable


def _two_node_chain() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # node 0 sells 6 to node 1, 2 to final users and puts 2 in inventories (x = 10);
    # node 1 sells its 10 to final users; node 2 has zero output
    Z = np.zeros((3, 3))
    Z[0, 1] = 6.0
    x = np.array([10.0, 10.0, 0.0])
    final = np.array([4.0, 10.0, 0.0])  # inventory change included
    inv = np.array([2.0, 0.0, 0.0])
    return Z, x, final, inv


def test_inventory_correction_by_hand():
    Z, x, final, inv = _two_node_chain()
    m = position_measures(input_coefficients(Z, x), x, final, inv)
    # s_0 = 10 / (10 - 2) = 1.25: z_01 -> 7.5, non-inventory final sales 2 -> 2.5
    assert_allclose(m["upstreamness"], [1 + 7.5 / 10, 1, 1])
    assert_allclose(m["final_use_share"][:2], [2.5 / 10, 1.0])
    assert_allclose(m["value_added_share"], [1, 1 - 7.5 / 10, 1])
    assert_allclose(m["downstreamness"], [1, 1 + 0.75, 1])
    # uncorrected: the inventory change counts as final use
    u = position_measures(input_coefficients(Z, x), x, final)
    assert_allclose(u["upstreamness"], [1.6, 1, 1])
    assert_allclose(u["final_use_share"][:2], [0.4, 1.0])
    assert_allclose(u["value_added_share"], [1, 0.4, 1])


def test_zero_output_convention():
    # U = D = VA/GO = 1, F/GO undefined (the authors' published convention), never 0
    Z, x, final, inv = _two_node_chain()
    for inventories in (inv, None):
        m = position_measures(input_coefficients(Z, x), x, final, inventories)
        assert m["upstreamness"][2] == 1 and m["downstreamness"][2] == 1
        assert m["value_added_share"][2] == 1 and np.isnan(m["final_use_share"][2])
    assert upstreamness(input_coefficients(Z, x), x)[2] == 1
    assert downstreamness(input_coefficients(Z, x))[2] == 1


def test_scale_left_at_one_where_everything_went_to_inventories():
    # x - N <= 0: the correction is undefined; the row is not scaled
    assert_allclose(
        inventory_scale(np.array([5.0, 4.0, 8.0]), np.array([5.0, 6.0, -2.0])), [1, 1, 0.8]
    )
    Z = np.zeros((2, 2))
    m = position_measures(Z, np.array([5.0, 3.0]), np.array([5.0, 3.0]), np.array([5.0, 0.0]))
    assert_allclose(m["upstreamness"], [1, 1])
    assert_allclose(m["final_use_share"], [0, 1])


def _four_node_table() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # countries A (nodes 0, 1) and B (nodes 2, 3), every node produces 10
    Z = np.zeros((4, 4))
    Z[0, 1], Z[0, 2], Z[3, 0], Z[2, 3], Z[1, 3] = 4.0, 2.0, 3.0, 5.0, 1.0
    final = np.array([4.0, 9.0, 5.0, 7.0])  # node 3: 5 to final users, 2 to inventories
    inv = np.array([0.0, 0.0, 0.0, 2.0])
    return Z, np.full(4, 10.0), final, inv


def test_country_collapse_by_hand():
    Z, x, final, inv = _four_node_table()
    m = country_position_measures(Z, x, final, inv, 2, 2)
    # collapsed: Z_AA = 4, Z_AB = 2 + 1 = 3, Z_BA = 3, Z_BB = 5, x = (20, 20), F = (13, 10),
    # N = (0, 2); corrected: s_B = 20 / 18, so Z_BA -> 10/3, Z_BB -> 50/9, F_B -> 100/9
    # A~ = [[1/5, 3/20], [1/6, 5/18]], det(I - A~) = 99.5/180, and with equal outputs
    # U = row sums and D = column sums of (I - A~)^-1
    assert_allclose(m["upstreamness"], [314 / 199, 348 / 199])
    assert_allclose(m["downstreamness"], [320 / 199, 342 / 199])
    assert_allclose(m["final_use_share"], [13 / 20, 5 / 9])
    assert_allclose(m["value_added_share"], [19 / 30, 103 / 180])
    # the world is closed: output-weighted means F/GO = VA/GO and U = D (Miller-Temurshoev)
    assert_allclose(np.mean(m["final_use_share"]), np.mean(m["value_added_share"]))
    assert_allclose(np.mean(m["upstreamness"]), np.mean(m["downstreamness"]))
    u = country_position_measures(Z, x, final, None, 2, 2)
    assert_allclose(u["final_use_share"], [13 / 20, 12 / 20])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), G=st.integers(2, 4), N=st.integers(1, 3))
def test_corrected_table_identities(seed, G, N):
    t = random_table(seed, G=G, N=N, F=2)
    # the second final-demand category plays inventories (small, either sign)
    rng = np.random.default_rng(seed)
    Yd = t.Y_detail.copy()
    Yd[:, 1::2] = rng.uniform(-0.3, 0.3, Yd[:, 1::2].shape) * Yd[:, 0::2]
    x = t.Z.sum(axis=1) + Yd.sum(axis=1)
    A = input_coefficients(t.Z, x)
    inv = Yd[:, 1::2].sum(axis=1)
    final = Yd.sum(axis=1)
    m = position_measures(A, x, final, inv)
    s = x / (x - inv)
    # each corrected row adds up to x again: x = Z~ 1 + F~
    assert_allclose((t.Z * s[:, None]).sum(axis=1) + m["final_use_share"] * x, x, rtol=1e-12)
    # U = 1 + Delta U and D = 1 + A~' D (Fally's recursions, Antras & Chor 2018 eqs. 6, 8)
    At = s[:, None] * A
    delta = At * x[None, :] / x[:, None]
    assert_allclose(m["upstreamness"], 1 + delta @ m["upstreamness"], rtol=1e-10)
    assert_allclose(m["downstreamness"], 1 + At.T @ m["downstreamness"], rtol=1e-10)
    # closed world: output-weighted means F/GO = VA/GO and U = D, node and country level
    for res, w in ((m, x), (country_position_measures(t.Z, x, final, inv, G, N), None)):
        w = x.reshape(G, N).sum(axis=1) if w is None else w
        assert_allclose(res["final_use_share"] @ w, res["value_added_share"] @ w, rtol=1e-10)
        assert_allclose(res["upstreamness"] @ w, res["downstreamness"] @ w, rtol=1e-10)
    # uncorrected node values are the plain ones; country F/GO, VA/GO are output-weighted
    # means of the node values (Antras & Chor 2018, eqs. 9-10)
    u = position_measures(A, x, final, B=leontief_inverse(A))
    assert_allclose(u["upstreamness"], upstreamness(A, x), rtol=1e-12)
    assert_allclose(u["downstreamness"], downstreamness(A), rtol=1e-12)
    uc = country_position_measures(t.Z, x, final, None, G, N)
    xc = x.reshape(G, N).sum(axis=1)
    for k in ("final_use_share", "value_added_share"):
        assert_allclose(uc[k], (u[k] * x).reshape(G, N).sum(axis=1) / xc, rtol=1e-12)


def _table(Z, x, final, inv, G, N) -> IOTable:
    Yd = np.zeros((G * N, G * 2))
    Yd[:, 0] = final - inv  # final use, bought by country 0
    Yd[:, 1] = inv  # inventories, INVEN of country 0
    return IOTable(
        tuple(f"C{g}" for g in range(G)),
        tuple(f"S{k}" for k in range(N)),
        ("CONS_h", "INVEN"),
        Z,
        Yd,
        x,
        x - Z.sum(axis=0),
    )


def test_step_records_variant_and_falls_back_without_inventory_category():
    Z, x, final, inv = _four_node_table()
    t = _table(Z, x, final, inv, 2, 2)
    assert_allclose(inventory_changes(t), inv)
    used, node, country = position_arrays(Derived(t))
    assert used == "inventory_corrected"
    assert_allclose(country["upstreamness"], [314 / 199, 348 / 199])
    no_inv = IOTable(t.countries, t.sectors, ("CONS_h", "GFCF"), t.Z, t.Y_detail, t.x, t.va)
    assert inventory_changes(no_inv) is None
    used, node, _ = position_arrays(Derived(no_inv))
    assert used == "uncorrected"
    tabs = compute_positions(Derived(no_inv))
    assert set(tabs["position_node"].column("variant").to_pylist()) == {"uncorrected"}
    with pytest.raises(ValueError, match="variant"):
        position_arrays(Derived(t), "nonsense")  # type: ignore[arg-type]


def test_store_views_give_both_variants_and_null_for_zero_output(tmp_path):
    from gvc.indicators.run import run
    from gvc.ingestion.load import load_table

    Z, x, final, inv = _four_node_table()
    Z5, x5 = np.zeros((6, 6)), np.zeros(6)
    idx = [0, 1, 3, 4]  # node 2 and 5 (sector S2 of each country) produce nothing
    Z5[np.ix_(idx, idx)], x5[idx] = Z, x
    f5, i5 = np.zeros(6), np.zeros(6)
    f5[idx], i5[idx] = final, inv
    t = _table(Z5, x5, f5, i5, 2, 3)
    with open_store(tmp_path / "s.duckdb") as con:
        load_table(con, t, dataset="toy", year=2000, provenance=provenance())
        run(con, "toy", steps=("positions", "positions_uncorrected"))
        c = con.execute(
            "SELECT country, variant, upstreamness, downstreamness, final_use_share, "
            "value_added_share, output FROM positions_country ORDER BY variant, country"
        ).df()
        n = con.execute(
            "SELECT * FROM positions WHERE sector = 'S2' AND variant = 'inventory_corrected'"
        ).df()
        w = con.execute("SELECT * FROM positions_world ORDER BY variant").df()
    cor = c[c.variant == "inventory_corrected"]
    assert_allclose(cor.upstreamness, [314 / 199, 348 / 199])
    assert_allclose(cor.value_added_share, [19 / 30, 103 / 180])
    assert_allclose(c[c.variant == "uncorrected"].final_use_share, [13 / 20, 12 / 20])
    assert_allclose(cor.output, [20, 20])
    # zero-output nodes: 1, 1, NULL, 1
    assert len(n) == 2 and (n.upstreamness == 1).all() and (n.downstreamness == 1).all()
    assert n.final_use_share.isna().all() and (n.value_added_share == 1).all()
    # world: output-weighted means of the country values (Antras & Chor 2018, p. 10)
    assert list(w.variant) == ["inventory_corrected", "uncorrected"]
    assert_allclose(w.final_use_share[0], (13 / 20 + 5 / 9) / 2)
    assert_allclose(w.upstreamness[0], (314 + 348) / 398)
    assert_allclose(w.upstreamness, w.downstreamness)
