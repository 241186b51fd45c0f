"""Lock-in metrics and flag rules on constructed tables whose answer is known.

Tables are built from coefficients: ``x = (I - A)^-1 Y 1``, ``Z = A x^``, ``va = x - 1'Z``,
so they are exactly balanced and the openness of every node is set by hand.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import (
    openness_table,
    permute_countries,
    random_table,
    table_from_coefficients,
    table_from_flows,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from gvc.errors import InputError
from gvc.lockin import (
    FLAG_COLUMNS,
    centrality_frame,
    closed_cluster_flags,
    cluster_metrics,
    load_rules,
    lockin_flags,
    node_metrics,
    node_metrics_frame,
)
from gvc.table import IOTable

# ----------------------------------------------------------------------------------------------
# table builders


def frame(table: IOTable, year: int = 2000) -> pd.DataFrame:
    return node_metrics_frame(table, dataset="test", year=year)


def row(flags: pd.DataFrame, flag: str, country: str, sector: str) -> pd.Series:
    sel = flags[(flags.flag == flag) & (flags.country == country) & (flags.sector == sector)]
    assert len(sel) == 1
    return sel.iloc[0]


# ----------------------------------------------------------------------------------------------
# node metrics: closed forms and identities


def test_closed_economy_is_pure_domestic() -> None:
    G, N = 2, 2
    A = np.zeros((4, 4))
    A[:2, :2] = [[0.2, 0.1], [0.3, 0.1]]
    A[2:, 2:] = [[0.1, 0.4], [0.2, 0.2]]
    Y = np.array([[10.0, 0], [5, 0], [0, 7], [0, 3]])
    m = node_metrics(*_arrays(table_from_coefficients(A, Y, G, N)))
    np.testing.assert_allclose(m["pure_domestic_share"], 1.0, rtol=1e-12)
    for k in ("gvc_forward", "gvc_backward", "traditional_trade_share", "export_share"):
        np.testing.assert_allclose(m[k], 0.0, atol=1e-14)
    np.testing.assert_allclose(m["domestic_input_share"], 1.0)
    np.testing.assert_allclose(m["domestic_sales_share"], 1.0)


def test_two_country_one_sector_by_hand() -> None:
    # A = [[a, b], [c, d]]; G = 2, N = 1, so L = diag(1/(1-a), 1/(1-d)), A^F = [[0, b], [c, 0]]
    a, b, c, d = 0.2, 0.1, 0.3, 0.25
    A = np.array([[a, b], [c, d]])
    Y = np.array([[40.0, 10.0], [5.0, 60.0]])
    t = table_from_coefficients(A, Y, 2, 1)
    m = node_metrics(*_arrays(t))
    x = t.x
    # forward: (v^ L A^F B y)_0 / va_0 = L_00 b x_1 / x_0 (since B y = x, va = v x)
    np.testing.assert_allclose(
        m["gvc_forward"], [b * x[1] / ((1 - a) * x[0]), c * x[0] / ((1 - d) * x[1])]
    )
    # pure domestic: L_00 y^D_0 / x_0
    np.testing.assert_allclose(
        m["pure_domestic_share"], [40 / ((1 - a) * x[0]), 60 / ((1 - d) * x[1])]
    )
    # backward: v'L A^F = [v_1 c / (1-d), v_0 b / (1-a)], times B (2x2 inverse by hand)
    v = 1 - A.sum(axis=0)
    det = (1 - a) * (1 - d) - b * c
    Bh = np.array([[1 - d, b], [c, 1 - a]]) / det
    u = np.array([v[1] * c / (1 - d), v[0] * b / (1 - a)])
    np.testing.assert_allclose(m["gvc_backward"], u @ Bh)
    np.testing.assert_allclose(m["export_share"], [(b * x[1] + 10) / x[0], (c * x[0] + 5) / x[1]])


def test_domestic_supplier_concentration_by_hand() -> None:
    # one country, node 2 buys 3 from node 0, 1 from node 1, 5 from itself (own use ignored)
    Z = np.zeros((3, 3))
    Z[0, 2], Z[1, 2], Z[2, 2] = 3.0, 1.0, 5.0
    Z[0, 1] = 2.0
    t = table_from_flows(Z, np.full((3, 1), 10.0), 1, 3)
    m = node_metrics(*_arrays(t))
    assert np.isnan(m["domestic_input_hhi"][0])  # node 0 has no suppliers
    np.testing.assert_allclose(m["domestic_input_hhi"][1:], [1.0, 0.75**2 + 0.25**2])
    np.testing.assert_allclose(m["top_domestic_supplier_share"][1:], [1.0, 0.75])
    np.testing.assert_array_equal(m["top_domestic_supplier"], [-1, 0, 0])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), G=st.integers(1, 4), N=st.integers(1, 3))
def test_decompositions_add_up_and_B_is_optional(seed: int, G: int, N: int) -> None:
    t = random_table(seed, G, N)
    m = node_metrics(*_arrays(t))
    total = m["pure_domestic_share"] + m["traditional_trade_share"] + m["gvc_forward"]
    np.testing.assert_allclose(total, 1.0, rtol=1e-9)
    np.testing.assert_allclose(m["gvc_backward"] + m["domestic_va_content"], 1.0, rtol=1e-9)
    A = t.Z / t.x[None, :]
    B = np.linalg.inv(np.eye(t.n) - A)
    mb = node_metrics(*_arrays(t), B=B)
    for k in m:
        np.testing.assert_allclose(mb[k], m[k], rtol=1e-9, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), perm_seed=st.integers(0, 100))
def test_metrics_invariant_under_permuting_countries(seed: int, perm_seed: int) -> None:
    G, N = 3, 2
    t = random_table(seed, G, N)
    perm = np.random.default_rng(perm_seed).permutation(G)
    permuted, idx = permute_countries(t.Z, t.Y, t.x, t.va, N, perm)
    m = node_metrics(*_arrays(t))
    mp = node_metrics(*permuted, G, N)
    for k in m:
        np.testing.assert_allclose(mp[k], m[k][idx], rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------------------------
# closed national chain


def test_autarkic_sector_is_closed_and_export_platform_is_not() -> None:
    G, N = 6, 2
    open_ = np.full(G * N, 0.5)
    open_[0::N] = [0.0, 0.4, 0.5, 0.6, 0.8, 1.0]  # sector S0: C0 autarkic ... C5 export platform
    t = openness_table(open_, G, N)
    f = frame(t)
    s0 = f[f.sector == "S0"].set_index("country")
    assert s0.loc["C0", "export_share"] == 0.0 and s0.loc["C0", "domestic_input_share"] == 1.0
    flags = lockin_flags(f)
    closed = flags[flags.flag == "closed_national_chain"]
    # with six countries the linear p80 (p20) is the 5th (2nd) order statistic, so the two most
    # closed countries of S0 qualify: autarkic C0 and C1 (openness 0.4)
    got = closed[closed.flagged][["country", "sector"]].values.tolist()
    assert got == [["C0", "S0"], ["C1", "S0"]]
    r = row(flags, "closed_national_chain", "C0", "S0")
    assert r.reasons.startswith("pure_domestic_share ")
    assert ">= p80 of sector S0" in r.reasons and "gvc_backward" in r.reasons
    assert r.score == pytest.approx(1.0)  # first on all three ranks
    platform = row(flags, "closed_national_chain", "C5", "S0")
    # the platform exports final goods, so its VA is mostly traditional trade: it is the least
    # domestic and the most backward-integrated of S0, but not the most forward-integrated
    assert not platform.flagged
    assert platform.score == pytest.approx(closed[closed.sector == "S0"].score.min())


def test_percentile_thresholds_exactly_as_documented() -> None:
    # five countries; linear-interpolation p80 of (0.1, 0.2, 0.3, 0.4, 0.5) is 0.42
    m = pd.DataFrame(
        {
            "dataset": "d",
            "year": 2000,
            "country": list("ABCDE"),
            "sector": "s",
            "pure_domestic_share": [0.1, 0.2, 0.3, 0.4, 0.5],
            "gvc_backward": [0.5, 0.4, 0.3, 0.2, 0.1],
            "gvc_forward": [0.5, 0.4, 0.3, 0.2, 0.1],
        }
    )
    f = lockin_flags(m, flags=["closed_national_chain"])
    assert f.flagged.tolist() == [False, False, False, False, True]
    thr = json.loads(f.thresholds.iloc[4])
    assert thr["pure_domestic_share_min"] == pytest.approx(0.42)
    assert thr["gvc_backward_max"] == pytest.approx(0.18)
    assert f.reasons.iloc[4] == (
        "pure_domestic_share 0.5 >= p80 of sector s (0.42); gvc_backward 0.1 <= p20 (0.18); "
        "gvc_forward 0.1 <= p20 (0.18)"
    )
    # p60 -> 0.34 (D = 0.4 passes); p40 for the low side -> 0.26 (D = 0.2 passes)
    rules = {
        "closed_national_chain": {
            "pure_domestic_share_percentile": 60,
            "backward_percentile": 40,
            "forward_percentile": 40,
        }
    }
    assert lockin_flags(m, rules, flags=["closed_national_chain"]).flagged.tolist() == [
        False,
        False,
        False,
        True,
        True,
    ]
    # the absolute floor: E's 0.5 is below a floor of 0.6
    floor = {"closed_national_chain": {"min_pure_domestic_share": 0.6}}
    assert not lockin_flags(m, floor, flags=["closed_national_chain"]).flagged.any()
    # too few countries: not evaluated
    few = lockin_flags(m.iloc[:4], flags=["closed_national_chain"])
    assert not few.flagged.any() and few.score.isna().all()
    assert few.reasons.iloc[0].startswith("not evaluated: only 4 countries")


# ----------------------------------------------------------------------------------------------
# focal structure


def test_hub_and_spoke_is_focal_and_diversified_is_not() -> None:
    G, N = 2, 6
    n = G * N
    A = np.full((n, n), 0.005)  # a little trade everywhere
    hub = np.full((N, N), 0.01)  # C0: every sector buys mostly from S0
    hub[0, :] = 0.3
    hub[:, 0] = 0.05
    A[:N, :N] = hub
    A[N:, N:] = 0.06  # C1: every sector buys equally from the five others
    A[np.diag_indices(n)] = 0.05
    c = np.repeat(np.arange(G), N)
    Y = np.where(c[:, None] == np.arange(G)[None, :], 100.0, 5.0)
    flags = lockin_flags(frame(table_from_coefficients(A, Y, G, N)), flags=["focal_structure"])
    got = flags[flags.flagged][["country", "sector"]].values.tolist()
    assert got == [["C0", f"S{k}"] for k in range(1, N)]
    r = row(flags, "focal_structure", "C0", "S3")
    assert "(supplier S0)" in r.reasons and r.score > 0.7
    div = row(flags, "focal_structure", "C1", "S3")
    assert div.score == pytest.approx(0.2)  # five equal suppliers
    assert "domestic_input_hhi 0.2 < 0.25" in div.reasons


def test_focal_threshold_edges() -> None:
    m = pd.DataFrame(
        {
            "dataset": "d",
            "year": 2000,
            "country": ["A", "B"],
            "sector": "s",
            "domestic_input_hhi": [0.3, 0.3],
            "top_domestic_supplier_share": [0.4, 0.4],
            "domestic_input_share": [0.9, 0.4],
        }
    )

    def flagged(**focal: object) -> list[bool]:
        res = lockin_flags(m, {"focal_structure": focal}, flags=["focal_structure"])
        return res.flagged.tolist()

    assert flagged(hhi_threshold=0.3) == [True, False]  # at the threshold; B too import-heavy
    assert flagged(hhi_threshold=0.3001) == [False, False]
    assert flagged(hhi_threshold=0.3001, top_supplier_share_threshold=0.4) == [True, False]
    assert flagged(hhi_threshold=0.3, combine="all") == [False, False]
    assert flagged(hhi_threshold=0.3, min_domestic_input_share=0.0) == [True, True]


# ----------------------------------------------------------------------------------------------
# declining integration


def test_falling_participation_is_declining() -> None:
    G, N = 3, 2
    years = range(2000, 2011)
    frames = []
    for k, y in enumerate(years):
        open_ = np.full(G * N, 0.8)
        open_[N] = 1.0 - 0.07 * k  # C1/S0 closes: 1.0 in 2000 -> 0.3 in 2010
        frames.append(frame(openness_table(open_, G, N), y))
    flags = lockin_flags(pd.concat(frames, ignore_index=True), flags=["declining_integration"])
    got = flags[flags.flagged]
    assert set(got.country + "/" + got.sector) == {"C1/S0"}
    assert set(got.year) >= {2009, 2010}
    early = flags[flags.year < 2005]
    assert not early.flagged.any() and early.score.isna().all()
    assert early.reasons.iloc[0] == "not evaluated: no participation for base year 1995"


def test_decline_threshold_edges() -> None:
    # participation 0.5 -> 0.375: a fall of exactly 25%
    m = pd.DataFrame(
        {
            "dataset": "d",
            "year": [2000, 2005],
            "country": "A",
            "sector": "s",
            "gvc_backward": [0.25, 0.25],
            "gvc_forward": [0.25, 0.125],
        }
    )
    f = lockin_flags(m, flags=["declining_integration"])
    assert f.flagged.tolist() == [False, True]
    assert f.score.iloc[1] == 0.25
    assert (
        f.reasons.iloc[1]
        == "participation 0.375 in 2005 vs 0.5 in 2000: relative fall 0.25 >= 0.25"
    )
    strict = {"declining_integration": {"relative_decline": 0.26}}
    assert lockin_flags(m, strict, flags=["declining_integration"]).flagged.tolist() == [
        False,
        False,
    ]
    longer = {"declining_integration": {"years": 4}}  # no 2001 row: not evaluated
    assert not lockin_flags(m, longer, flags=["declining_integration"]).flagged.any()


# ----------------------------------------------------------------------------------------------
# closed clusters


def cluster_table(intra: float, foreign_final: float = 0.0) -> IOTable:
    """C0/S0 and C0/S1 each sell 10 of intermediates, ``10 * intra`` of it to each other."""
    G, N = 2, 4
    Z = np.zeros((8, 8))
    Z[0, 1] = Z[1, 0] = 10 * intra
    Z[0, 2] = Z[1, 3] = 10 * (1 - intra)
    Z[2, 3] = Z[4, 5] = Z[6, 7] = 4.0  # others trade at home too
    Y = np.zeros((8, 2))
    Y[:4, 0], Y[4:, 1] = 50.0, 50.0
    Y[:2, 1] = foreign_final
    return table_from_flows(Z, Y, G, N)


CLUSTER = {"leather": [("C0", "S0"), ("C0", "S1")]}


def test_closed_cluster_30_percent_flagged_10_percent_not() -> None:
    f30 = closed_cluster_flags(cluster_table(0.3), CLUSTER, dataset="d", year=2000)
    f10 = closed_cluster_flags(cluster_table(0.1), CLUSTER, dataset="d", year=2000)
    assert list(f30.columns) == FLAG_COLUMNS
    assert f30.flagged.tolist() == [True, True] and f10.flagged.tolist() == [False, False]
    assert f30.country.tolist() == ["C0", "C0"] and f30.sector.tolist() == ["S0", "S1"]
    assert f30.cluster.unique().tolist() == ["leather"]
    metrics = json.loads(f30.metrics.iloc[0])
    assert metrics["intra_cluster_sales_share"] == pytest.approx(0.3)
    assert metrics["export_share"] == 0.0 and metrics["gvc_backward"] == 0.0
    assert f30.reasons.iloc[0].startswith(
        "intra_cluster_sales_share 0.3 >= 0.2; export_share 0 <= 0.1"
    )
    assert "intra_cluster_sales_share 0.1 < 0.2" in f10.reasons.iloc[0]
    assert f30.score.iloc[0] == pytest.approx(0.3)


def test_open_cluster_and_threshold_edges() -> None:
    # same 30% intra-cluster sales, but half the output goes abroad as final goods
    f = closed_cluster_flags(cluster_table(0.3, 60.0), CLUSTER, dataset="d", year=2000)
    assert not f.flagged.any() and "export_share 0.5 > 0.1" in f.reasons.iloc[0]
    t = cluster_table(0.3)

    def flagged(**p: object) -> bool:
        res = closed_cluster_flags(t, CLUSTER, dataset="d", year=2000, rules={"closed_cluster": p})
        return bool(res.flagged.iloc[0])

    assert flagged(min_intra_cluster_share=0.3)
    assert not flagged(min_intra_cluster_share=0.3001)
    assert flagged(backward_metric="foreign_input_share")
    with pytest.raises(InputError):
        closed_cluster_flags(t, {"x": [("C9", "S0")]}, dataset="d", year=2000)


def test_cluster_metrics_foreign_inputs() -> None:
    t = cluster_table(0.3)
    Z = t.Z.copy()
    Z[4, 0] = 5.0  # C1/S4 sells 5 to member C0/S0: imported inputs 5 of the members' 11
    m = cluster_metrics(Z, t.x, t.va, np.zeros(8), np.isin(np.arange(8), [0, 1]), G=2, N=4)
    assert m["foreign_input_share"] == pytest.approx(5 / 11)
    assert m["intra_cluster_input_share"] == pytest.approx(6 / 11)
    assert np.isnan(m["gvc_backward"])


# ----------------------------------------------------------------------------------------------
# rules configuration


def test_user_toml_deep_merges(tmp_path) -> None:
    p = tmp_path / "rules.toml"
    p.write_text("[focal_structure]\nhhi_threshold = 1\n")
    r = load_rules(p)
    assert r["focal_structure"]["hhi_threshold"] == 1.0
    assert r["focal_structure"]["top_supplier_share_threshold"] == 0.5  # default kept
    assert r["closed_national_chain"]["pure_domestic_share_percentile"] == 80.0
    with pytest.raises(InputError, match="unknown lock-in rule key 'focal_structure.hhi'"):
        load_rules({"focal_structure": {"hhi": 0.3}})
    with pytest.raises(InputError, match="must be float"):
        load_rules({"focal_structure": {"hhi_threshold": "high"}})
    p.write_text("[focal_structure\n")
    with pytest.raises(InputError, match="cannot read"):
        load_rules(p)


def test_disabled_rule_and_missing_columns() -> None:
    m = pd.DataFrame({"dataset": "d", "year": [2000], "country": "A", "sector": "s"})
    with pytest.raises(InputError, match="lacks columns"):
        lockin_flags(m)
    off = {f: {"enabled": False} for f in ("closed_national_chain", "declining_integration")}
    with pytest.raises(InputError, match="domestic_input_hhi"):
        lockin_flags(m, off)
    with pytest.raises(InputError, match="duplicate"):
        lockin_flags(pd.concat([m, m]), off)


# ----------------------------------------------------------------------------------------------
# the real 2000 table


def test_flags_on_lrwiod2000_are_consistent_with_their_thresholds(lrwiod2000: IOTable) -> None:
    f = lockin_flags(frame(lrwiod2000))
    assert list(f.columns) == FLAG_COLUMNS
    assert len(f) == 3 * 26 * 23 and f.reasons.str.len().gt(0).all()
    closed = f[f.flag == "closed_national_chain"]
    m = pd.DataFrame(closed.metrics.map(json.loads).tolist())
    t = pd.DataFrame(closed.thresholds.map(json.loads).tolist())
    expect = (
        (m.pure_domestic_share >= t.pure_domestic_share_min)
        & (m.gvc_backward <= t.gvc_backward_max)
        & (m.gvc_forward <= t.gvc_forward_max)
    )
    np.testing.assert_array_equal(closed.flagged.to_numpy(), expect.to_numpy())
    assert closed.score.between(0.0, 1.0).all()
    focal = f[f.flag == "focal_structure"]
    assert focal.flagged.any() and not focal.flagged.all()
    assert not f[f.flag == "declining_integration"].flagged.any()  # one year: nothing to compare


def test_centrality_frame_columns() -> None:
    t = random_table(4, 3, 2)
    f = centrality_frame(t, dataset="d", year=2001, betweenness_min_share=0.0)
    assert f.shape == (6, 4 + 5 * 3 + 3)
    np.testing.assert_allclose(f["in_strength_foreign"] + f["in_strength_domestic"], t.Z.sum(0))
    assert (f["betweenness_full"] >= 0).all()


def _arrays(t: IOTable) -> tuple:
    return t.Z, t.Y, t.x, t.va, t.G, t.N
