"""Scenarios on the embedded WIOD 2013 tables against the explicit route (modify, solve
afresh), within 1e-9 relative plus 1e-11 of the largest baseline level."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import WIOD2013
from scenario_tables import (
    assert_close,
    coefficients,
    explicit_extraction,
    explicit_substitution,
    ghosh_allocation,
    solve,
)

from gvc.indicators.derived import Derived
from gvc.ingestion.harmonise import harmonise
from gvc.kernels.blocks import country_of
from gvc.kernels.crossings import chain_moments
from gvc.lockin import node_metrics
from gvc.readers import read
from gvc.scenarios import compute as C
from gvc.scenarios.definitions import parse


def _table(year: int):
    return harmonise(read(WIOD2013, year=year)[0])[0]


@pytest.fixture(scope="module")
def wiod():
    t = _table(2011)
    d = Derived(t)
    _ = d.B
    return t, d


def _nodes(t, country: str, sectors=None) -> list[int]:
    c = t.countries.index(country)
    secs = range(t.N) if sectors is None else [t.sectors.index(s) for s in sectors]
    return [c * t.N + k for k in secs]


def _frames(d, derived):
    t = derived.table
    return C.compute_points(d, derived, C.points_of(d, t.countries, t.sectors))


def _level(frame, measure):
    """Rows of one measure in table order (nodes by id, countries by their frame order,
    which is the table's)."""
    f = frame[frame["measure"] == measure]
    return f.sort_values("node", kind="stable") if "node" in f else f


def test_rus_c14_import_substitution(wiod):
    t, derived = wiod
    d = parse(
        {
            "name": "r",
            "dataset": "wiod2013",
            "kind": "import_substitution",
            "country": "RUS",
            "sectors": ["c14"],
            "theta": 1.0,
            "node_flags": False,
        }
    )
    res = _frames(d, derived)
    home = t.countries.index("RUS")
    A1, Y1 = explicit_substitution(t, home, [t.sectors.index("c14")], 1.0)
    x1 = solve(A1, Y1.sum(axis=1))
    x0 = solve(coefficients(t), t.Y.sum(axis=1))
    out = _level(res.nodes, "output")
    assert_close(out["scenario_value"].to_numpy(), x1, x0)
    assert_close(out["delta"].to_numpy(), x1 - x0, x0)
    v = derived.v
    cva = _level(res.countries, "value_added")
    want = (v * (x1 - x0)).reshape(t.G, t.N).sum(axis=1)
    assert_close(cva["delta"].to_numpy(), want, v * x0)
    gain = cva[cva["country"] == "RUS"]["delta"].sum()
    losses = cva[cva["country"] != "RUS"]["delta"].sum()
    assert gain > 0 and abs(gain + losses) <= 1e-12 * (v * x0).sum()
    # the cluster after the change, against node_metrics / chain_moments on the changed table
    J = _nodes(t, "RUS", ["c14"])
    va1 = v * x1
    m = node_metrics(A1 * x1[None, :], Y1, x1, va1, t.G, t.N)
    cl = res.clusters.set_index("measure")["scenario_value"]
    for k in ("gvc_forward", "gvc_backward", "pure_domestic_share", "export_share"):
        assert cl[k] == pytest.approx(m[k][J][0], rel=1e-9, abs=1e-11), k
    ch = chain_moments(
        A1,
        np.linalg.inv(np.eye(t.n) - A1),
        v,
        Y1,
        country_of(t.G, t.N),
        dest_countries=np.arange(t.G),
    )
    assert cl["crossings_mean"] == pytest.approx(ch["crossings_mean"][J][0], rel=1e-9)
    assert cl["foreign_input_share"] == pytest.approx(0.0, abs=1e-15)


def test_twn_c14_demand_and_primary_input_shocks(wiod):
    t, derived = wiod
    J = _nodes(t, "TWN", ["c14"])
    x0 = solve(coefficients(t), t.Y.sum(axis=1))
    d = parse(
        {
            "name": "d",
            "dataset": "wiod2013",
            "kind": "demand_shock",
            "country": "TWN",
            "sectors": ["c14"],
            "change": -0.3,
        }
    )
    out = _level(_frames(d, derived).nodes, "output")
    y1 = t.Y.sum(axis=1).copy()
    y1[J] *= 0.7
    assert_close(out["scenario_value"].to_numpy(), solve(coefficients(t), y1), x0)
    d = parse(
        {
            "name": "s",
            "dataset": "wiod2013",
            "kind": "primary_input_shock",
            "country": "TWN",
            "sectors": ["c14"],
            "change": -0.3,
        }
    )
    out = _level(_frames(d, derived).nodes, "output")
    G = np.linalg.inv(np.eye(t.n) - ghosh_allocation(t))
    va1 = t.va.copy()
    va1[J] *= 0.7
    want0, want1 = t.va @ G, va1 @ G
    assert_close(out["baseline"].to_numpy(), want0, want0)
    assert_close(out["delta"].to_numpy(), want1 - want0, want0)


@pytest.mark.slow
@pytest.mark.parametrize(
    "variant",
    [
        "backward_full",
        "backward_keep_within",
        "forward_leontief",
        "total_cut_links",
        "total_isolate",
        "total_delete",
        "cross_border_exports",
        "cross_border_imports",
        "cross_border_both",
    ],
)
def test_extraction_variants_on_wiod(wiod, variant):
    t, derived = wiod
    d = parse(
        {
            "name": "e",
            "dataset": "wiod2013",
            "kind": "extraction",
            "variant": variant,
            "nodes": [["RUS", "c14"], ["RUS", "c15"], ["TWN", "c14"]],
            "final_imports": True,
        }
    )
    out = _level(_frames(d, derived).nodes, "output")
    S = set(_nodes(t, "RUS", ["c14", "c15"]) + _nodes(t, "TWN", ["c14"]))
    A1, Y1 = explicit_extraction(t, S, variant, final_imports=True)
    x0 = solve(coefficients(t), t.Y.sum(axis=1))
    assert_close(out["scenario_value"].to_numpy(), solve(A1, Y1.sum(axis=1)), x0)


@pytest.mark.slow
def test_ltv_gdp_star_and_bloc_on_wiod(wiod):
    t, derived = wiod
    N = t.N
    s = t.countries.index("RUS")
    d = parse(
        {
            "name": "x",
            "dataset": "wiod2013",
            "kind": "extraction",
            "variant": "cross_border_exports",
            "country": "RUS",
        }
    )
    cva = _frames(d, derived).countries.set_index(["measure", "country"])
    blk = slice(s * N, (s + 1) * N)
    A = derived.A
    gdp_star = derived.v[blk] @ np.linalg.solve(np.eye(N) - A[blk, blk], derived.Y[blk, s])
    assert cva.loc[("value_added", "RUS"), "scenario_value"] == pytest.approx(gdp_star, rel=1e-12)
    for final in (False, True):
        bloc = parse(
            {
                "name": "b",
                "dataset": "wiod2013",
                "kind": "bloc",
                "bloc_a": ["RUS"],
                "final_trade": final,
            }
        )
        cb = parse(
            {
                "name": "c",
                "dataset": "wiod2013",
                "kind": "extraction",
                "variant": "cross_border_both",
                "country": "RUS",
                "final_exports": final,
                "final_imports": final,
            }
        )
        a = _level(_frames(bloc, derived).nodes, "output")["scenario_value"].to_numpy()
        b = _level(_frames(cb, derived).nodes, "output")["scenario_value"].to_numpy()
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * b.max())


@pytest.mark.slow
def test_sda_2010_2011_terms_sum_exactly():
    from gvc.kernels.participation import wwyz_participation
    from gvc.scenarios.compute_sda import compute_sda

    t0, t1 = _table(2010), _table(2011)
    d = parse(
        {"name": "sda", "dataset": "wiod2013", "kind": "sda", "year_from": 2010, "year_to": 2011}
    )
    out = compute_sda(d, Derived(t0), Derived(t1))
    terms = out[["va_coefficients", "technology", "fd_structure", "fd_level"]].sum(axis=1)
    scale = (
        np.maximum(out["baseline"].abs(), out["scenario_value"].abs())
        .groupby(out["measure"])
        .transform("max")
    )
    assert (np.abs(terms - out["delta"]) <= 1e-12 * scale).all()
    w = wwyz_participation(t1.Z, t1.Y, t1.x, t1.va, t1.G, t1.N)
    got = out[out["measure"] == "V_GVC_C"]["scenario_value"].to_numpy()
    np.testing.assert_allclose(got, w["V_GVC_C_f"], rtol=1e-10, atol=1e-6)


@pytest.mark.slow
def test_mixed_model_and_bloc_on_wiod(wiod):
    from scenario_tables import explicit_bloc

    t, derived = wiod
    A = coefficients(t)
    y = t.Y.sum(axis=1)
    x0 = solve(A, y)
    d = parse(
        {
            "name": "m",
            "dataset": "wiod2013",
            "kind": "mixed",
            "country": "TWN",
            "sectors": ["c14"],
            "change": -0.3,
        }
    )
    out = _level(_frames(d, derived).nodes, "output")
    X = np.zeros(t.n, dtype=bool)
    X[_nodes(t, "TWN", ["c14"])] = True
    E = ~X
    want = np.empty(t.n)
    want[X] = 0.7 * x0[X]
    want[E] = np.linalg.solve(np.eye(E.sum()) - A[np.ix_(E, E)], y[E] + A[np.ix_(E, X)] @ want[X])
    assert_close(out["scenario_value"].to_numpy(), want, x0)
    d = parse(
        {
            "name": "b",
            "dataset": "wiod2013",
            "kind": "bloc",
            "bloc_a": ["CHN"],
            "bloc_b": ["USA"],
            "final_trade": True,
            "resource_at_home": True,
        }
    )
    out = _level(_frames(d, derived).nodes, "output")
    c, u = t.countries.index("CHN"), t.countries.index("USA")
    A1, Y1 = explicit_bloc(t, {c}, {u}, final_trade=True, resource=True)
    assert_close(out["scenario_value"].to_numpy(), solve(A1, Y1.sum(axis=1)), x0)
