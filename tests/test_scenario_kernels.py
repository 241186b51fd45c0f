"""Scenario kernels against the explicit route (modify A, Y or the allocation matrix, solve
afresh) on random tables with zero-output nodes, self-only nodes and closed economies, and the
closed forms of issue 17."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_tables import (
    assert_close,
    coefficients,
    explicit_bloc,
    explicit_extraction,
    explicit_substitution,
    ghosh_allocation,
    ghosh_outputs,
    random_table,
    solve,
    tables,
)

from gvc.errors import InputError, NumericalError
from gvc.indicators.derived import Derived
from gvc.kernels.blocks import country_of, total_exports
from gvc.kernels.cluster_update import baseline, cluster_metrics_after
from gvc.kernels.crossings import chain_moments
from gvc.kernels.extraction import (
    LEONTIEF_VARIANTS,
    extraction_change,
    ghosh_forward_extraction,
)
from gvc.kernels.leontief import domestic_blocks
from gvc.kernels.rank_update import LeontiefChange, column_update_grid, leontief_update
from gvc.kernels.shocks import bloc_change, demand_shock_change, mixed_model, primary_input_shock
from gvc.kernels.substitution import substitution_change
from gvc.lockin import cluster_metrics, node_metrics


def _subset(rng: np.random.Generator, n: int) -> np.ndarray:
    S = rng.uniform(size=n) < 0.4
    if not S.any():
        S[rng.integers(n)] = True
    return S


# ---------------------------------------------------------------------------- extraction


@pytest.mark.parametrize("variant", LEONTIEF_VARIANTS)
@settings(max_examples=25, deadline=None)
@given(tables(), st.booleans(), st.booleans())
def test_leontief_extractions_equal_explicit_route(variant, tb, fx, fm):
    t, _, _, rng = tb
    d = Derived(t)
    S = _subset(rng, t.n)
    x0 = d.B @ d.Y.sum(axis=1)
    ch = extraction_change(d.A, d.Y, S, variant, t.G, t.N, final_exports=fx, final_imports=fm)
    A1, Y1 = explicit_extraction(
        t, set(np.flatnonzero(S)), variant, final_exports=fx, final_imports=fm
    )
    want = solve(A1, Y1.sum(axis=1))
    for max_rank in (None, 0):  # the update, and the fresh factorisation
        res = leontief_update(d.A, d.B, x0, ch, max_rank=max_rank)
        assert_close(x0 + res.dx, want, x0)
        assert_close(res.dx, want - x0, x0)
        assert_close(d.v * (x0 + res.dx), d.v * want, d.v * x0)


@settings(max_examples=40, deadline=None)
@given(tables())
def test_ghosh_forward_extraction_equals_explicit_route(tb):
    t, _, _, rng = tb
    d = Derived(t)
    S = _subset(rng, t.n)
    x0, dx = ghosh_forward_extraction(d.A, d.B, t.x, t.va, S)
    Bg = ghosh_allocation(t)
    want0 = ghosh_outputs(Bg, t.va)
    Bg1 = Bg.copy()
    Bg1[S, :] = 0.0
    want1 = ghosh_outputs(Bg1, t.va)
    assert_close(x0, want0, want0)
    assert_close(dx, want1 - want0, want0)


@pytest.mark.parametrize("seed", range(5))
def test_cross_border_both_removes_each_final_sale_once(seed):
    """S has sector 0 in two countries: country 0's final sales of sector 0 to country 1 are
    both exports of S and final imports of S's products: removed once."""
    t, _, _ = random_table(seed, 3, 2, zero_share=0.0, self_share=0.0)
    d = Derived(t)
    S = np.array([True, False, True, False, False, True])
    x0 = d.B @ d.Y.sum(axis=1)
    ch = extraction_change(d.A, d.Y, S, "cross_border_both", 3, 2, final_imports=True)
    A1, Y1 = explicit_extraction(t, {0, 2, 5}, "cross_border_both", final_imports=True)
    assert_close(x0 + leontief_update(d.A, d.B, x0, ch).dx, solve(A1, Y1.sum(axis=1)), x0)
    np.testing.assert_allclose(ch.dy, Y1.sum(axis=1) - t.Y.sum(axis=1), rtol=1e-15)


def test_ltv_gdp_star_comes_out_exactly():
    """Los, Timmer & de Vries (2016): with country s not exporting, its value added is
    GDP*_s = v_s (I - A^ss)^-1 y^ss (their eq. 9)."""
    t, _, _ = random_table(11, 4, 3)
    d = Derived(t)
    x0 = d.B @ d.Y.sum(axis=1)
    N = t.N
    for s in range(t.G):
        S = np.zeros(t.n, dtype=bool)
        S[s * N : (s + 1) * N] = True
        res = leontief_update(
            d.A, d.B, x0, extraction_change(d.A, d.Y, S, "cross_border_exports", t.G, t.N)
        )
        x1 = x0 + res.dx
        blk = slice(s * N, (s + 1) * N)
        Ass = d.A[blk, blk]
        gdp_star = d.v[blk] @ np.linalg.solve(np.eye(N) - Ass, d.Y[blk, s])
        assert (d.v[blk] * x1[blk]).sum() == pytest.approx(gdp_star, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(tables())
def test_self_only_node_cut_links_changes_nothing(tb):
    t, _, selfonly, _ = tb
    d = Derived(t)
    x0 = d.B @ d.Y.sum(axis=1)
    for i in selfonly:
        S = np.zeros(t.n, dtype=bool)
        S[i] = True
        res = leontief_update(
            d.A, d.B, x0, extraction_change(d.A, d.Y, S, "total_cut_links", t.G, t.N)
        )
        assert np.all(res.dx == 0.0)


def test_update_rejects_bad_change_and_singular_result():
    with pytest.raises(InputError, match="distinct"):
        LeontiefChange.make(2, cols=[0, 0], dcols=np.zeros((2, 2)))
    with pytest.raises(InputError, match="zero at"):
        LeontiefChange.make(2, cols=[0], dcols=np.zeros((2, 1)), rows=[0], drows=np.ones((1, 2)))
    A = np.array([[0.5]])
    B = np.array([[2.0]])
    ch = LeontiefChange.make(1, cols=[0], dcols=np.array([[0.5]]))  # a11 = 1: singular
    with pytest.raises(NumericalError):
        leontief_update(A, B, np.array([2.0]), ch)


# ------------------------------------------------------------------------ substitution


@settings(max_examples=40, deadline=None)
@given(tables(), st.floats(0.0, 1.0), st.booleans(), st.booleans(), st.booleans())
def test_substitution_equals_explicit_route(tb, theta, use_origins, use_products, final):
    t, _, _, rng = tb
    d = Derived(t)
    G, N = t.G, t.N
    home = int(rng.integers(G))
    sectors = sorted(set(rng.integers(N, size=int(rng.integers(1, N + 1))).tolist()))
    origins = set(rng.integers(G, size=2).tolist()) if use_origins else None
    products = set(rng.integers(N, size=2).tolist()) if use_products else None
    sub = substitution_change(
        d.A,
        d.Y,
        t.x,
        G,
        N,
        home,
        np.array(sectors),
        origins=None if origins is None else np.array(sorted(origins)),
        products=None if products is None else np.array(sorted(products)),
        final_imports=final,
    )
    x0 = d.B @ d.Y.sum(axis=1)
    thetas = np.array([0.0, theta])
    dx, _ = column_update_grid(
        d.B, x0, sub.cols[None], sub.D[None], thetas, dy=sub.dy[None] if final else None
    )
    assert np.all(dx[0, 0] == 0.0)  # theta = 0: exactly no change
    A1, Y1 = explicit_substitution(
        t, home, sectors, theta, origins=origins, products=products, final_imports=final
    )
    want = solve(A1, Y1.sum(axis=1))
    assert_close(x0 + dx[0, 1], want, x0)
    assert_close(d.v * dx[0, 1], d.v * (want - x0), d.v * x0)
    # column sums of A unchanged: world value added conserved (residual value added)
    np.testing.assert_allclose(sub.D.sum(axis=0), 0.0, atol=1e-15)
    world = (d.v * x0).sum()
    gain = (d.v * dx[0, 1])[home * N : (home + 1) * N].sum()
    others = (d.v * dx[0, 1]).sum() - gain
    assert abs(gain + others) <= 1e-12 * world


@settings(max_examples=25, deadline=None)
@given(tables(closed=True), st.floats(0.0, 1.0))
def test_substitution_in_closed_economy_changes_nothing(tb, theta):
    t, _, _, rng = tb
    d = Derived(t)
    sub = substitution_change(
        d.A, d.Y, t.x, t.G, t.N, int(rng.integers(t.G)), np.arange(t.N), final_imports=True
    )
    x0 = d.B @ d.Y.sum(axis=1)
    dx, _ = column_update_grid(
        d.B, x0, sub.cols[None], sub.D[None], np.array([theta]), dy=sub.dy[None]
    )
    assert np.all(dx == 0.0)


def test_substitution_leaves_products_without_home_output():
    # country 1 does not make sector 0 (zero output): its imports of sector 0 stay foreign
    t, _, _ = random_table(5, 2, 2, zero_share=0.0, self_share=0.0)
    A = coefficients(t)
    Y = t.Y.copy()
    A[2, :] = 0.0
    A[:, 2] = 0.0
    Y[2] = 0.0
    from scenario_tables import table_from

    t = table_from(A, Y, 2, 2, zero=[2])
    d = Derived(t)
    sub = substitution_change(d.A, d.Y, t.x, 2, 2, 1, np.array([1]))
    assert sub.left_inputs[0] == pytest.approx(d.A[0, 3] * t.x[3])
    assert sub.left_inputs[1] == 0.0
    assert sub.moved_inputs[1] == pytest.approx(d.A[1, 3] * t.x[3])
    assert sub.D[0, 0] == 0.0 and sub.D[1, 0] == pytest.approx(-d.A[1, 3])


# --------------------------------------------------------------- cluster after the change


@settings(max_examples=25, deadline=None)
@given(tables(max_G=3, max_N=3), st.floats(0.05, 1.0), st.booleans())
def test_cluster_measures_equal_explicit_table(tb, theta, final):
    t, _, _, rng = tb
    d = Derived(t)
    G, N, n = t.G, t.N, t.n
    home = int(rng.integers(G))
    secs = np.array(sorted(set(rng.integers(N, size=2).tolist())))
    sub = substitution_change(d.A, d.Y, t.x, G, N, home, secs, final_imports=final)
    x0 = d.B @ d.Y.sum(axis=1)
    thetas = np.array([0.0, theta])
    dy = sub.dy[None] if final else None
    dx, parts = column_update_grid(d.B, x0, sub.cols[None], sub.D[None], thetas, dy=dy)
    base = baseline(d.A, d.B, d.L, domestic_blocks(d.A, G, N), d.v, d.Y, x0, G, N)
    nodes, clusters = cluster_metrics_after(
        base, np.array([home]), sub.cols[None], sub.D[None], thetas, dx, parts, dY=dy
    )
    J = sub.cols
    mask = np.zeros(n, dtype=bool)
    mask[J] = True
    A1, Y1 = explicit_substitution(t, home, list(secs), theta, final_imports=final)
    for ti, (AA, YY) in enumerate(((coefficients(t), t.Y), (A1, Y1))):
        x1 = solve(AA, YY.sum(axis=1))
        Z1 = AA * x1[None, :]
        va1 = d.v * x1
        m = node_metrics(Z1, YY, x1, va1, G, N)
        ch = chain_moments(
            AA,
            np.linalg.inv(np.eye(n) - AA),
            d.v,
            YY,
            country_of(G, N),
            dest_countries=np.arange(G),
        )
        for k in (
            "gvc_forward",
            "gvc_backward",
            "pure_domestic_share",
            "traditional_trade_share",
            "export_share",
        ):
            np.testing.assert_allclose(nodes[k][0, ti], m[k][J], rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(
            nodes["crossings_mean"][0, ti], ch["crossings_mean"][J], rtol=1e-9, atol=1e-11
        )
        cm = cluster_metrics(
            Z1, x1, va1, total_exports(Z1, YY, G, N), mask, G=G, N=N, gvc_backward=m["gvc_backward"]
        )
        for k in (
            "intra_cluster_sales_share",
            "intra_cluster_input_share",
            "foreign_input_share",
            "export_share",
            "gvc_backward",
        ):
            np.testing.assert_allclose(clusters[k][0, ti], cm[k], rtol=1e-9, atol=1e-11)
        # value-added weighted means, as the cluster_embeddedness view aggregates
        w = va1[J]
        ok = ~np.isnan(m["gvc_forward"][J])
        if w[ok].sum() > 0:
            want = (m["gvc_forward"][J][ok] * w[ok]).sum() / w[ok].sum()
            assert clusters["gvc_forward"][0, ti] == pytest.approx(want, rel=1e-9, abs=1e-11)


# ----------------------------------------------------------------------------- shocks


@settings(max_examples=30, deadline=None)
@given(tables(), st.floats(-1.0, 1.0), st.booleans())
def test_demand_shock_equals_explicit_route(tb, phi, some_dest):
    t, _, _, rng = tb
    d = Derived(t)
    S = _subset(rng, t.n)
    dest = np.array(sorted(set(rng.integers(t.G, size=2).tolist()))) if some_dest else None
    ch = demand_shock_change(d.Y, S, phi, dest)
    x0 = d.B @ d.Y.sum(axis=1)
    res = leontief_update(d.A, d.B, x0, ch)
    y1 = t.Y.sum(axis=1).copy()
    cols = range(t.G) if dest is None else dest
    for i in np.flatnonzero(S):
        y1[i] += phi * sum(t.Y[i, r] for r in cols)
    want = solve(coefficients(t), y1)
    assert_close(x0 + res.dx, want, x0)


@settings(max_examples=30, deadline=None)
@given(tables(), st.floats(-1.0, 1.0))
def test_primary_input_shock_equals_explicit_ghosh(tb, phi):
    t, _, _, rng = tb
    d = Derived(t)
    S = _subset(rng, t.n)
    x0, dx = primary_input_shock(d.B, t.x, t.va, S, phi)
    Bg = ghosh_allocation(t)
    va1 = t.va.copy()
    va1[S] *= 1 + phi
    want0, want1 = ghosh_outputs(Bg, t.va), ghosh_outputs(Bg, va1)
    assert_close(x0, want0, want0)
    assert_close(x0 + dx, want1, want0)


@settings(max_examples=30, deadline=None)
@given(tables(), st.floats(-1.0, 0.5))
def test_mixed_model_equals_partitioned_solve(tb, phi):
    t, _, _, rng = tb
    d = Derived(t)
    X = _subset(rng, t.n)
    E = ~X
    x0 = d.B @ d.Y.sum(axis=1)
    dx, dy = mixed_model(d.B, x0, X, phi)
    A = coefficients(t)
    y = t.Y.sum(axis=1)
    xX = (1 + phi) * x0[X]
    want = np.zeros(t.n)
    want[X] = xX
    if E.any():
        AEE = A[np.ix_(E, E)]
        want[E] = np.linalg.solve(np.eye(E.sum()) - AEE, y[E] + A[np.ix_(E, X)] @ xX)
    assert_close(x0 + dx, want, x0)
    # the implied final demand of X closes the system: (I - A) x1 = y + dy
    np.testing.assert_allclose(
        (np.eye(t.n) - A) @ want, y + dy, rtol=1e-9, atol=1e-9 * np.abs(x0).max()
    )
    assert np.all(dy[E] == 0.0)


@settings(max_examples=30, deadline=None)
@given(tables(max_G=4), st.booleans(), st.booleans())
def test_bloc_equals_explicit_route(tb, final_trade, resource):
    t, _, _, rng = tb
    if t.G < 2:
        return
    d = Derived(t)
    perm = rng.permutation(t.G)
    k = int(rng.integers(1, t.G))
    P, Q = perm[:k], perm[k:]
    ch = bloc_change(
        d.A, d.Y, t.x, t.G, t.N, P, Q, final_trade=final_trade, resource_at_home=resource
    )
    x0 = d.B @ d.Y.sum(axis=1)
    res = leontief_update(d.A, d.B, x0, ch)
    A1, Y1 = explicit_bloc(
        t, set(P.tolist()), set(Q.tolist()), final_trade=final_trade, resource=resource
    )
    assert_close(x0 + res.dx, solve(A1, Y1.sum(axis=1)), x0)


@settings(max_examples=30, deadline=None)
@given(tables(max_G=4), st.booleans())
def test_one_country_bloc_equals_cross_border_both(tb, final):
    t, _, _, rng = tb
    if t.G < 2:
        return
    d = Derived(t)
    s = int(rng.integers(t.G))
    rest = np.array([r for r in range(t.G) if r != s])
    x0 = d.B @ d.Y.sum(axis=1)
    bloc = leontief_update(
        d.A, d.B, x0, bloc_change(d.A, d.Y, t.x, t.G, t.N, np.array([s]), rest, final_trade=final)
    )
    S = np.zeros(t.n, dtype=bool)
    S[s * t.N : (s + 1) * t.N] = True
    cb = leontief_update(
        d.A,
        d.B,
        x0,
        extraction_change(
            d.A, d.Y, S, "cross_border_both", t.G, t.N, final_exports=final, final_imports=final
        ),
    )
    np.testing.assert_allclose(bloc.dx, cb.dx, rtol=1e-12, atol=1e-12 * np.abs(x0).max())
