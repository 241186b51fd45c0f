"""Group-aware kernels (a group of countries as one economy) against independent references.

* every country its own economy = the ungrouped kernels, every term, to 1e-10;
* a group of one country = that country's own result;
* identities: terms sum to the group's gross exports to non-members, computed here straight
  from Z and Y (trade between members is domestic: not an export);
* members that trade nothing with each other: the terms that theory says are member sums
  (those built from local inverses, direct flows and where final goods are absorbed) equal
  the sum of the members' own results; those that involve value added travelling between
  members through third countries (B^{ab}) do not;
* "compute on the aggregated table": gross flows agree on any table; every value-added term
  agrees when the members' input structures are identical (exact aggregation) and not in
  general (docs/groups.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from gvc.groups.aggregate import aggregate_table
from gvc.indicators.derived import Derived
from gvc.kernels.borin_mancini import bm, bm_aggregate
from gvc.kernels.grouped_decompositions import grouped_bm, grouped_kww, grouped_wwz
from gvc.kernels.grouped_tiva import grouped_participation, grouped_tiva
from gvc.kernels.kww import KWW_TERMS, kww
from gvc.kernels.participation import koopman_participation, wwyz_participation
from gvc.kernels.partition import Partition, economies
from gvc.kernels.tiva import tiva_indicators
from gvc.kernels.wwz import wwz
from gvc.table import IOTable

G, N = 5, 3
COUNTRIES = ["a", "b", "c", "d", "e"]
VARIANTS = [
    (a, p)
    for a in ("source", "sink")
    for p in ("world", "exporter", "sector", "bilateral", "bilateral_sector")
]


def table(seed: int, *, cut: tuple[str, str] | None = None) -> IOTable:
    """A random balanced table; ``cut`` removes all direct trade between two countries."""
    rng = np.random.default_rng(seed)
    n = G * N
    Z = rng.random((n, n)) * rng.integers(0, 2, (n, n))
    Yd = rng.random((n, G)) * 4 + 0.5
    if cut:
        i, j = (COUNTRIES.index(c) for c in cut)
        for s, r in ((i, j), (j, i)):
            Z[s * N : (s + 1) * N, r * N : (r + 1) * N] = 0.0
            Yd[s * N : (s + 1) * N, r] = 0.0
    x = Z.sum(1) + Yd.sum(1)
    return IOTable(tuple(COUNTRIES), ("k1", "k2", "k3"), ("F",), Z, Yd, x, x - Z.sum(0))


def ec_of(t: IOTable, groups: dict, reuse_L: bool = True):
    d = Derived(t)
    part = Partition.from_groups(t.countries, groups, t.N)
    return economies(t.Z, t.Y, t.x, t.va, part, B=d.B, L=d.L if reuse_L else None)


def direct_exports(t: IOTable, part: Partition) -> np.ndarray:
    """(n, U) sales of every node to other economies, from Z and Y only."""
    n = t.n
    out = np.zeros((n, part.U))
    for i in range(n):
        for j in range(n):
            if part.unit[i] != part.unit[j]:
                out[i, part.unit[j]] += t.Z[i, j]
        for c in range(t.G):
            if part.unit[i] != part.of_country[c]:
                out[i, part.of_country[c]] += t.Y[i, c]
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_singletons_equal_the_ungrouped_kernels(seed):
    t = table(seed)
    ec = ec_of(t, {})
    args = (t.Z, t.Y, t.x, t.va, t.G, t.N)
    W = grouped_wwz(ec)
    for k, v in wwz(*args).items():
        np.testing.assert_allclose(W[k], v, atol=1e-10, err_msg=k)
    K = grouped_kww(ec, W)
    for k, v in kww(*args).items():
        np.testing.assert_allclose(K[k], v, atol=1e-10, err_msg=k)
    for a, p in VARIANTS:
        got = grouped_bm(ec, approach=a, perspective=p)
        for k, v in bm(*args, approach=a, perspective=p).items():
            np.testing.assert_allclose(got[k], v, atol=1e-10, err_msg=f"{a} {p} {k}")
    T = grouped_tiva(ec)
    for k, v in tiva_indicators(*args).items():
        np.testing.assert_allclose(T[k], v, atol=1e-10, err_msg=k)
    P = grouped_participation(ec)
    for k, v in wwyz_participation(*args).items():
        np.testing.assert_allclose(P[k.replace("_country", "_economy")], v, atol=1e-10)
    for k, v in koopman_participation(*args).items():
        np.testing.assert_allclose(P["koopman_" + k.replace("_country", "_economy")], v, atol=1e-10)


def test_group_of_one_country_is_the_country():
    t = table(2)
    one = ec_of(t, {"B": ["b"]}, reuse_L=False)  # the group's local inverse computed afresh
    ref = ec_of(t, {})
    assert one.part.names == ("a", "B", "c", "d", "e")
    for k, v in grouped_wwz(ref).items():
        np.testing.assert_allclose(grouped_wwz(one)[k], v, atol=1e-10)
    for a, p in VARIANTS:
        got, want = (
            grouped_bm(one, approach=a, perspective=p),
            grouped_bm(ref, approach=a, perspective=p),
        )
        for k in want:
            np.testing.assert_allclose(got[k], want[k], atol=1e-10)
    for k, v in grouped_tiva(ref).items():
        np.testing.assert_allclose(grouped_tiva(one)[k], v, atol=1e-10)


@pytest.mark.parametrize("seed", [3, 4])
def test_identities_hold_for_a_group(seed):
    t = table(seed)
    ec = ec_of(t, {"AB": ["a", "b"], "DE": ["d", "e"]})
    part = ec.part
    assert part.names == ("AB", "c", "DE")
    E = direct_exports(t, part)
    W = grouped_wwz(ec)
    np.testing.assert_allclose(sum(W.values()), E, rtol=1e-10, atol=1e-10)
    K = grouped_kww(ec, W)
    np.testing.assert_allclose(sum(K[k] for k in KWW_TERMS), part.H.T @ E.sum(1), rtol=1e-10)
    # members' mutual trade is not an export of the group
    ungrouped = direct_exports(t, Partition.singletons(t.countries, t.N))
    ab = part.members[0]
    intra = (
        t.Z[np.ix_(ab, ab)].sum()
        - sum(t.Z[np.ix_(ix, ix)].sum() for ix in (np.arange(0, 3), np.arange(3, 6)))
        + t.Y[ab][:, :2].sum()
        - t.Y[:3, 0].sum()
        - t.Y[3:6, 1].sum()
    )
    assert K["DVA"][0] + K["FVA"][0] + K["PDC"][0] == pytest.approx(
        ungrouped[ab].sum() - intra, rel=1e-10
    )
    for a, p in VARIANTS:
        b_ = grouped_bm(ec, approach=a, perspective=p)
        np.testing.assert_allclose(b_["GEXP"], E, rtol=1e-12, atol=1e-12)
        for whole, parts in (
            ("GEXP", ("DC", "FC")),
            ("DC", ("DVA", "DDC")),
            ("FC", ("FVA", "FDC")),
            ("DVA", ("VAX", "REF")),
            ("GVC", ("GVCB", "GVCF")),
        ):
            np.testing.assert_allclose(b_[parts[0]] + b_[parts[1]], b_[whole], atol=1e-9)
        assert not b_["GEXP"][part.own].any()
    T = grouped_tiva(ec)
    np.testing.assert_allclose(T["EXGR"], E.sum(1), rtol=1e-12)
    np.testing.assert_allclose(T["EXGR_DVA"] + T["EXGR_FVA"], T["EXGR"], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(
        T["EXGR_DDC"] + T["EXGR_IDC"] + T["EXGR_RIM"], T["EXGR_DVA"], atol=1e-10
    )
    np.testing.assert_allclose(T["BALVAFD"], -T["BALVAFD"].T)
    P = grouped_participation(ec)
    fwd = sum(P[f"V_{k}_f"] for k in ("D", "RT", "GVC_S", "GVC_C"))
    bwd = sum(P[f"V_{k}_b"] for k in ("D", "RT", "GVC_S", "GVC_C"))
    np.testing.assert_allclose(fwd, t.va, rtol=1e-10)
    np.testing.assert_allclose(bwd, t.Y.sum(1), rtol=1e-10)


# terms that theory makes member sums when members have no direct trade: built from local
# inverses (block diagonal by member), direct flows, and whether final goods stay home
SUMS = {
    "wwz": ("DVA_INT",),
    "bm": ("GEXP", "DVA", "DAVAX", "GVC", "GVCF", "GVCB"),
    "tiva": ("EXGR", "EXGR_INT", "EXGR_FNL", "EXGR_DDC", "EXGR_IDC"),
    "wwyz": tuple(f"V_{k}_{s}" for k in ("D", "RT", "GVC_S", "GVC_C") for s in "fb"),
}
# and terms that differ: member b's value added reaches a's exports through third countries
DIFFER = {"wwz": ("DVA_FIN", "OVA_FIN"), "bm": ("DC", "FC"), "tiva": ("EXGR_DVA", "EXGR_FVA")}


def test_members_without_mutual_trade_sum_where_theory_says_so():
    t = table(5, cut=("a", "b"))
    grp = ec_of(t, {"AB": ["a", "b"]})
    one = ec_of(t, {})
    rows = grp.part.members[0]
    non = [one.part.names.index(c) for c in ("c", "d", "e")]
    gnon = [grp.part.names.index(c) for c in ("c", "d", "e")]
    families = {
        "wwz": (grouped_wwz(grp), grouped_wwz(one)),
        "bm": (
            grouped_bm(grp, approach="source", perspective="exporter"),
            grouped_bm(one, approach="source", perspective="exporter"),
        ),
    }
    for fam, (g, o) in families.items():
        for k in SUMS[fam]:
            np.testing.assert_allclose(g[k][rows][:, gnon], o[k][rows][:, non], atol=1e-10)
        for k in DIFFER[fam]:
            assert not np.allclose(g[k][rows][:, gnon], o[k][rows][:, non], atol=1e-6), k
    gt, ot = grouped_tiva(grp), grouped_tiva(one)
    for k in SUMS["tiva"]:
        np.testing.assert_allclose(gt[k][rows], ot[k][rows], atol=1e-10)
    for k in DIFFER["tiva"]:
        assert not np.allclose(gt[k][rows], ot[k][rows], atol=1e-6), k
    gp, op = grouped_participation(grp), grouped_participation(one)
    for k in SUMS["wwyz"]:
        np.testing.assert_allclose(gp[k], op[k], atol=1e-10)


def identical_members(seed: int) -> IOTable:
    """A table whose countries a and b have the same input coefficient columns, sector by
    sector (so merging them aggregates exactly), built as Z = A diag(x), x = B Y 1."""
    rng = np.random.default_rng(seed)
    n = G * N
    A = rng.random((n, n)) / (2.5 * n)
    A[:, N : 2 * N] = A[:, 0:N]
    Yd = rng.random((n, G)) * 4 + 0.5
    x = np.linalg.solve(np.eye(n) - A, Yd.sum(1))
    Z = A * x[None, :]
    return IOTable(tuple(COUNTRIES), ("k1", "k2", "k3"), ("F",), Z, Yd, x, x - Z.sum(0))


@pytest.mark.parametrize("exact", [False, True])
def test_aggregated_table_agrees_on_flows_and_only_exactly_on_value_added(exact):
    t = identical_members(6) if exact else table(6)
    grp = ec_of(t, {"AB": ["a", "b"]})
    agg = aggregate_table(t, ["AB", "AB", "c", "d", "e"])
    args = (agg.Z, agg.Y, agg.x, agg.va, agg.G, agg.N)
    S = np.kron(
        np.array([[1, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]), np.eye(N)
    )  # node -> aggregated node
    gb = grouped_bm(grp, approach="source", perspective="exporter")
    ab = bm(*args, approach="source", perspective="exporter")
    np.testing.assert_allclose(S @ gb["GEXP"], ab["GEXP"], rtol=1e-12, atol=1e-12)  # always
    K, Ka = grouped_kww(grp, grouped_wwz(grp)), kww(*args)
    va_terms = ("DVA_FIN", "DVA_INT", "FVA_FIN", "DDC")
    if exact:
        for k in KWW_TERMS:
            np.testing.assert_allclose(K[k], Ka[k], rtol=1e-9, atol=1e-9, err_msg=k)
        for a, p in VARIANTS:
            g = {k: v.sum(1) for k, v in grouped_bm(grp, approach=a, perspective=p).items()}
            want = bm_aggregate(bm(*args, approach=a, perspective=p), 4, N, "sector")
            same = all(np.allclose(S @ g[k], want[k], rtol=1e-9, atol=1e-9) for k in g)
            # node perimeters: merging a's and b's sector k changes the perimeter itself
            assert same == (p not in ("sector", "bilateral_sector")), (a, p)
        T, Ta = grouped_tiva(grp), tiva_indicators(*args)
        for k in ("EXGR", "EXGR_DVA", "EXGR_FVA", "EXGR_RIM", "EXGR_DVAFX"):
            np.testing.assert_allclose(S @ T[k], Ta[k], rtol=1e-9, err_msg=k)
        for k in ("EXGR_DDC", "EXGR_IDC"):  # "the exporting industry itself" is a node
            assert not np.allclose(S @ T[k], Ta[k], rtol=1e-6), k
    else:
        assert not any(np.allclose(K[k], Ka[k], rtol=1e-6) for k in va_terms)
