"""Tests of the Borin-Mancini decomposition (gvc.kernels.borin_mancini).

Four kinds:

- closed-form tables whose terms are counted by hand (no trade, no intermediate trade, a
  two-country ping-pong, a three-country re-export chain);
- properties on random productive tables (Hypothesis): the accounting identities, additivity
  across perimeters, Johnson-Noguera VAX, source = sink at the country perimeter;
- differential: each formula against a literal loop implementation in this file that builds
  the extraction inverse ``(I - A^(s))^-1`` by explicit inversion (no Schur update);
- reference: the real lrwiod2000 table against R decompr 6.8.0 KWW. Only identities that hold
  exactly are tested (Borin & Mancini 2019 relate KWW to their world perspective):
  DC = DVA_FIN + DVA_INT + DVA_INTrex + RDV_FIN + RDV_INT + DDC; VAX = DVA_FIN + DVA_INT +
  DVA_INTrex; REF = RDV_FIN + RDV_INT; DDC = KWW DDC; FC = FVA_FIN + FVA_INT + FDC;
  GEXP = sum of the nine. KWW's FVA_FIN + FVA_INT (foreign content of exports the direct
  importer absorbs) is a lower bound of the world/sink FVA, which adds the importer's own VA
  that it re-exports to be absorbed by its importers; only the inequality is tested.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE, random_table
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gvc.errors import InputError
from gvc.kernels.borin_mancini import (
    OWN_FLOW,
    TERMS,
    bm,
    bm_aggregate,
    extraction_inverse_columns,
)

VARIANTS = [(a, p) for a in ("source", "sink") for p in ("world", "exporter")]
# own-flow perimeters have one variant (source = sink); closed forms cover them too
ALL_VARIANTS = VARIANTS + [("source", p) for p in OWN_FLOW]
DOMESTIC = ("DC", "DVA", "DDC", "VAX", "REF", "DAVAX")


def _arrays(t):
    return t.Z, t.Y, t.x, t.va, t.G, t.N


def _country(terms, G, N):
    return bm_aggregate(terms, G, N, "exporter")


# ---------------------------------------------------------------- independent helpers


def _gross_exports(Z, Y, G, N):
    """(n, G) gross exports written out cell by cell."""
    n = G * N
    E = np.zeros((n, G))
    for i in range(n):
        s = i // N
        for r in range(G):
            if r != s:
                E[i, r] = Z[i, r * N : (r + 1) * N].sum() + Y[i, r]
    return E


def _jn_vax(Z, Y, x, va, G, N):
    """Johnson-Noguera VA exports: VA of s absorbed in r != s, from V B Y."""
    A = Z / x[None, :]
    B = np.linalg.inv(np.eye(G * N) - A)
    VBY = (va / x)[:, None] * (B @ Y)
    out = np.zeros(G)
    for s in range(G):
        rows = VBY[s * N : (s + 1) * N]
        out[s] = rows.sum() - rows[:, s].sum()
    return out


def _literal(Z, Y, x, va, G, N):
    """Borin-Mancini FVA/DVA/REF written with explicit extraction inverses, loops over s, r."""
    n = G * N
    A = Z / x[None, :]
    v = va / x
    B = np.linalg.inv(np.eye(n) - A)
    E = _gross_exports(Z, Y, G, N)
    blk = [slice(s * N, (s + 1) * N) for s in range(G)]
    L = [np.linalg.inv(np.eye(N) - A[b, b]) for b in blk]
    out = {k: np.zeros((n, G)) for k in ("FVA_es", "FVA_ek", "FVA_ws", "FVA_wk", "DVAk", "REFk")}
    DAE = np.zeros((n, G))
    for s in range(G):
        for r in range(G):
            if r != s:
                DAE[blk[s], r] = Y[blk[s], r] + A[blk[s], blk[r]] @ L[r] @ Y[blk[r], r]
    for s in range(G):
        bs = blk[s]
        As = A.copy()
        for r in range(G):
            if r != s:
                As[bs, blk[r]] = 0.0
        Bs = np.linalg.inv(np.eye(n) - As)
        es = E[bs].sum(axis=1)
        vdom = v[bs] @ B[bs, bs]
        vfor = sum(v[blk[t]] @ B[blk[t], bs] for t in range(G) if t != s)
        fcoef = sum(v[blk[t]] @ Bs[blk[t], bs] for t in range(G) if t != s)
        wcoef = sum(v[blk[t]] @ L[t] @ A[blk[t], bs] @ L[s] for t in range(G) if t != s)
        xt = x - Bs[:, bs] @ es
        xh = Bs @ Y[:, s]
        for r in range(G):
            if r == s:
                continue
            br = blk[r]
            phi = Y[bs, r] + A[bs, br] @ xt[br]
            out["FVA_es"][bs, r] = fcoef * E[bs, r]
            out["FVA_ws"][bs, r] = wcoef * E[bs, r]
            out["FVA_ek"][bs, r] = vfor * phi
            out["DVAk"][bs, r] = vdom * phi
            out["REFk"][bs, r] = vdom * (A[bs, br] @ xh[br])
            dae_r = DAE[br].sum(axis=1)
            vr = v[br] @ B[br, bs]
            out["FVA_wk"][bs, r] = vfor * DAE[bs, r] + vr * (A[bs, br] @ L[r] @ dae_r)
    return out


# ---------------------------------------------------------------- closed form


def _ping_pong():
    # country 0: x=20, buys 10 from 1, VA 10, sells 4 (intermediate) + 16 (final) to 1;
    # country 1: x=10, buys 4 from 0, VA 6, sells all 10 to 0 as intermediates.
    Z = np.array([[0.0, 4.0], [10.0, 0.0]])
    Y = np.array([[0.0, 16.0], [0.0, 0.0]])
    x = np.array([20.0, 10.0])
    return Z, Y, x, x - Z.sum(axis=0)


# Counted by hand: B = [[1.25, .5], [.625, 1.25]], v = [.5, .6]. Every unit of VA of either
# country is exported once by its origin (DVA = VA) and once more by the other (FVA = VA);
# 8 of country 0's VA 10 is in its final exports without having left it (DAVAX); all final
# demand is in country 1, so country 1's VA is all reflected.
PING_PONG = {
    "GEXP": [20.0, 10.0],
    "DC": [12.5, 7.5],
    "FC": [7.5, 2.5],
    "DVA": [10.0, 6.0],
    "DDC": [2.5, 1.5],
    "FVA": [6.0, 2.0],
    "FDC": [1.5, 0.5],
    "DAVAX": [8.0, 0.0],
    "VAX": [10.0, 0.0],
    "REF": [0.0, 6.0],
    "GVC": [12.0, 10.0],
    "GVCB": [10.0, 4.0],
    "GVCF": [2.0, 6.0],
}


@pytest.mark.parametrize("approach,perspective", ALL_VARIANTS)
def test_ping_pong_by_hand(approach, perspective):
    Z, Y, x, va = _ping_pong()
    c = _country(bm(Z, Y, x, va, 2, 1, approach=approach, perspective=perspective), 2, 1)
    for k, want in PING_PONG.items():
        assert_allclose(c[k], want, rtol=1e-12, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("approach,perspective", ALL_VARIANTS)
def test_reexport_chain_by_hand(approach, perspective):
    # 0 -> 1 (intermediate, 10) -> 2 (final, 30); country 2 only consumes. Border crossings:
    # VA of 0 crosses twice (DVA of 0, FVA of 1), VA of 1 (20) once (DAVAX of 1).
    Z = np.zeros((3, 3))
    Z[0, 1] = 10.0
    Y = np.zeros((3, 3))
    Y[1, 2] = 30.0
    Y[2, 2] = 5.0
    x = np.array([10.0, 30.0, 5.0])
    va = x - Z.sum(axis=0)
    c = _country(bm(Z, Y, x, va, 3, 1, approach=approach, perspective=perspective), 3, 1)
    want = {
        "GEXP": [10, 30, 0],
        "DVA": [10, 20, 0],
        "VAX": [10, 20, 0],
        "REF": [0, 0, 0],
        "DDC": [0, 0, 0],
        "FVA": [0, 10, 0],
        "FDC": [0, 0, 0],
        "DAVAX": [0, 20, 0],
        "GVC": [10, 10, 0],
        "GVCF": [10, 0, 0],
        "GVCB": [0, 10, 0],
    }
    for k, w in want.items():
        assert_allclose(c[k], w, atol=1e-12, err_msg=k)
    # bilateral: 0's VA is counted on the 0->1 flow, 1's on the 1->2 flow
    b = bm_aggregate(
        bm(Z, Y, x, va, 3, 1, approach=approach, perspective=perspective), 3, 1, "bilateral"
    )
    assert_allclose(b["DVA"], [[0, 10, 0], [0, 0, 20], [0, 0, 0]], atol=1e-12)


@pytest.mark.parametrize("approach,perspective", ALL_VARIANTS)
def test_no_trade_is_zero(approach, perspective):
    t = random_table(3, G=3, N=2, trade=0.0)
    Y = t.Y * np.kron(np.eye(3), np.ones((2, 1)))  # domestic final demand only
    x = Y.sum(axis=1) + t.Z.sum(axis=1)
    terms = bm(t.Z, Y, x, x - t.Z.sum(axis=0), 3, 2, approach=approach, perspective=perspective)
    for k in TERMS:
        assert_allclose(terms[k], 0.0, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("approach,perspective", ALL_VARIANTS)
def test_no_intermediate_trade(approach, perspective):
    t = random_table(5, G=3, N=2, trade=0.0)  # foreign blocks of Z are zero, final exports not
    Z, Y, x, va, G, N = _arrays(t)
    terms = bm(Z, Y, x, va, G, N, approach=approach, perspective=perspective)
    Efin = _gross_exports(np.zeros_like(Z), Y, G, N)
    for k in ("GEXP", "DC", "DVA", "DAVAX", "VAX"):
        assert_allclose(terms[k], Efin, rtol=1e-12, atol=1e-9, err_msg=k)
    for k in ("FC", "FVA", "FDC", "DDC", "REF", "GVC", "GVCB", "GVCF"):
        assert_allclose(terms[k], 0.0, atol=1e-9, err_msg=k)


# ---------------------------------------------------------------- properties

# random_table gives positive final demand, so every term is an amount of VA
tables = st.builds(
    random_table,
    seed=st.integers(0, 2**31 - 1),
    G=st.integers(2, 4),
    N=st.integers(1, 3),
    F=st.just(2),
    trade=st.floats(0.05, 1.0),
)


@settings(max_examples=30, deadline=None)
@given(t=tables, variant=st.sampled_from(VARIANTS))
def test_identities_and_additivity(t, variant):
    Z, Y, x, va, G, N = _arrays(t)
    approach, perspective = variant
    terms = bm(Z, Y, x, va, G, N, approach=approach, perspective=perspective)
    scale = float(Z.sum() + Y.sum())
    tol = dict(rtol=1e-10, atol=1e-10 * scale)
    E = _gross_exports(Z, Y, G, N)
    assert_allclose(terms["GEXP"], E, **tol)
    assert_allclose(terms["GEXP"], terms["DC"] + terms["FC"], **tol)
    assert_allclose(terms["DC"], terms["DVA"] + terms["DDC"], **tol)
    assert_allclose(terms["FC"], terms["FVA"] + terms["FDC"], **tol)
    assert_allclose(terms["DVA"], terms["VAX"] + terms["REF"], **tol)
    assert_allclose(terms["GVC"], terms["GVCB"] + terms["GVCF"], **tol)
    assert_allclose(terms["GVC"], terms["GEXP"] - terms["DAVAX"], **tol)
    own = np.repeat(np.arange(G), N)[:, None] == np.arange(G)[None, :]
    for k in TERMS:
        assert np.all(terms[k][own] == 0.0), k
        assert terms[k].min() >= -1e-9 * scale, k  # every term is a non-negative amount
    # bilateral-sector -> sector -> country and bilateral -> country
    sec = bm_aggregate(terms, G, N, "sector")
    bil = bm_aggregate(terms, G, N, "bilateral")
    cty = bm_aggregate(terms, G, N, "exporter")
    for k in TERMS:
        assert_allclose(sec[k], terms[k].sum(axis=1), **tol)
        assert_allclose(cty[k], sec[k].reshape(G, N).sum(axis=1), **tol)
        assert_allclose(cty[k], bil[k].sum(axis=1), **tol)
    assert_allclose(cty["VAX"], _jn_vax(Z, Y, x, va, G, N), **tol)


@settings(max_examples=25, deadline=None)
@given(t=tables)
def test_approaches_agree_where_they_should(t):
    Z, Y, x, va, G, N = _arrays(t)
    r = {v: bm(Z, Y, x, va, G, N, approach=v[0], perspective=v[1]) for v in VARIANTS}
    c = {v: _country(r[v], G, N) for v in VARIANTS}
    tol = dict(rtol=1e-9, atol=1e-9 * float(Z.sum() + Y.sum()))
    src, snk = r[("source", "world")], r[("sink", "world")]
    # domestic side identical in both perspectives; DC, FC, DAVAX, GVC invariant everywhere
    for a in ("source", "sink"):
        for k in DOMESTIC:
            assert_allclose(r[(a, "world")][k], r[(a, "exporter")][k], **tol)
    for k in ("GEXP", "DC", "FC", "DAVAX", "GVC"):
        assert_allclose(src[k], snk[k], **tol)
    # source = sink at the country perimeter: all terms in the exporter perspective
    for k in TERMS:
        assert_allclose(c[("source", "exporter")][k], c[("sink", "exporter")][k], **tol)
    # world perspective: FVA per country differs, the world total does not
    assert_allclose(c[("source", "world")]["FVA"].sum(), c[("sink", "world")]["FVA"].sum(), **tol)
    # perimeter-free reference: exporter FVA counts once what the world FVA may count later
    assert np.all(c[("source", "exporter")]["FVA"] >= c[("source", "world")]["FVA"] - tol["atol"])


@settings(max_examples=25, deadline=None)
@given(t=tables)
def test_against_literal_extraction_inverses(t):
    Z, Y, x, va, G, N = _arrays(t)
    lit = _literal(Z, Y, x, va, G, N)
    tol = dict(rtol=1e-9, atol=1e-10 * float(Z.sum() + Y.sum()))
    got = {v: bm(Z, Y, x, va, G, N, approach=v[0], perspective=v[1]) for v in VARIANTS}
    assert_allclose(got[("source", "exporter")]["FVA"], lit["FVA_es"], **tol)
    assert_allclose(got[("sink", "exporter")]["FVA"], lit["FVA_ek"], **tol)
    assert_allclose(got[("source", "world")]["FVA"], lit["FVA_ws"], **tol)
    assert_allclose(got[("sink", "world")]["FVA"], lit["FVA_wk"], **tol)
    assert_allclose(got[("sink", "exporter")]["DVA"], lit["DVAk"], **tol)
    assert_allclose(got[("sink", "exporter")]["REF"], lit["REFk"], **tol)


def _literal_own_flow(Z, Y, x, perspective, G, N):
    """DVA*, FVA* per flow from an explicit inverse of I - A with the perimeter's links removed."""
    n = G * N
    A = Z / x[None, :]
    v = (x - Z.sum(axis=0)) / x
    E = _gross_exports(Z, Y, G, N)
    out = {"DVA": np.zeros((n, G)), "FVA": np.zeros((n, G))}
    for i in range(n):
        s = i // N
        bs = slice(s * N, (s + 1) * N)
        for r in range(G):
            if r == s:
                continue
            Ap = A.copy()
            if perspective == "sector":  # every intermediate export of node i
                for j in range(G):
                    if j != s:
                        Ap[i, j * N : (j + 1) * N] = 0.0
            elif perspective == "bilateral_sector":  # node i's intermediate exports to r
                Ap[i, r * N : (r + 1) * N] = 0.0
            else:  # all of s's intermediate exports to r
                Ap[bs, r * N : (r + 1) * N] = 0.0
            col = v * np.linalg.inv(np.eye(n) - Ap)[:, i]
            out["DVA"][i, r] = col[bs].sum() * E[i, r]
            out["FVA"][i, r] = (col.sum() - col[bs].sum()) * E[i, r]
    return out


@settings(max_examples=20, deadline=None)
@given(t=tables, perspective=st.sampled_from(OWN_FLOW))
def test_own_flow_perimeters(t, perspective):
    """Own-flow perspectives: explicit perimeter inverses, identities, nesting of perimeters."""
    Z, Y, x, va, G, N = _arrays(t)
    scale = float(Z.sum() + Y.sum())
    tol = dict(rtol=1e-9, atol=1e-10 * scale)
    got = bm(Z, Y, x, va, G, N, perspective=perspective)
    lit = _literal_own_flow(Z, Y, x, perspective, G, N)
    assert_allclose(got["DVA"], lit["DVA"], **tol)
    assert_allclose(got["FVA"], lit["FVA"], **tol)
    # source = sink: the approach is irrelevant at an own-flow perimeter
    other = bm(Z, Y, x, va, G, N, approach="sink", perspective=perspective)
    for k in TERMS:
        assert_allclose(other[k], got[k], rtol=1e-14, atol=0.0)
        assert got[k].min() >= -1e-9 * scale, k
    assert_allclose(got["GEXP"], got["DC"] + got["FC"], **tol)
    assert_allclose(got["DC"], got["DVA"] + got["DDC"], **tol)
    assert_allclose(got["FC"], got["FVA"] + got["FDC"], **tol)
    assert_allclose(got["DVA"], got["VAX"] + got["REF"], **tol)
    # nested perimeters count less as double counting: exporter <= own flow <= bilateral-sector
    exp = bm(Z, Y, x, va, G, N, perspective="exporter")
    bsec = bm(Z, Y, x, va, G, N, perspective="bilateral_sector")
    for k in ("DVA", "FVA"):
        assert np.all(got[k] >= exp[k] - tol["atol"]), k
        assert np.all(bsec[k] >= got[k] - tol["atol"]), k
    assert np.all(got["DC"] >= got["DVA"] - tol["atol"])
    # where the flow ends up does not depend on the perimeter: same VAX share as source DVA
    share = np.divide(exp["VAX"], exp["DVA"], out=np.zeros_like(exp["VAX"]), where=exp["DVA"] > 0)
    assert_allclose(got["VAX"], share * got["DVA"], **tol)


def test_extraction_inverse_columns_match_explicit_inverse():
    t = random_table(11, G=4, N=3, trade=0.6)
    A = t.Z / t.x[None, :]
    G, N, n = 4, 3, 12
    got = extraction_inverse_columns(A, G, N)
    for s in range(G):
        As = A.copy()
        mask = np.ones(n, bool)
        mask[s * N : (s + 1) * N] = False
        As[s * N : (s + 1) * N, mask] = 0.0
        want = np.linalg.inv(np.eye(n) - As)[:, s * N : (s + 1) * N]
        assert_allclose(got[:, s * N : (s + 1) * N], want, rtol=1e-12, atol=1e-14)


def test_precomputed_inverse_is_used():
    Z, Y, x, va = _ping_pong()
    B = np.linalg.inv(np.eye(2) - Z / x[None, :])
    a = bm(Z, Y, x, va, 2, 1, B=B)
    b = bm(Z, Y, x, va, 2, 1)
    for k in TERMS:
        assert_allclose(a[k], b[k], rtol=1e-14, atol=1e-14)


def test_bad_arguments():
    Z, Y, x, va = _ping_pong()
    with pytest.raises(InputError, match="approach"):
        bm(Z, Y, x, va, 2, 1, approach="both")
    with pytest.raises(InputError, match="perspective"):
        bm(Z, Y, x, va, 2, 1, perspective="importer")
    with pytest.raises(InputError, match="expected"):
        bm(Z, Y[:, :1], x, va, 2, 1)
    with pytest.raises(InputError, match="perimeter"):
        bm_aggregate(bm(Z, Y, x, va, 2, 1), 2, 1, "world")


# ---------------------------------------------------------------- reference (decompr KWW)


@pytest.mark.reference
def test_world_perspective_vs_decompr_kww(lrwiod2000):
    t = lrwiod2000
    Z, Y, x, va, G, N = _arrays(t)
    kww = pd.read_parquet(REFERENCE / "decompr" / "lrwiod2000_2000_kww_decompr.parquet")
    assert list(kww["Country"].astype(str)) == list(t.countries)
    k = {c: kww[c].to_numpy() for c in kww.columns if c != "Country"}
    B = np.linalg.inv(np.eye(G * N) - Z / np.where(x > 0, x, 1.0)[None, :])
    got = {
        a: _country(bm(Z, Y, x, va, G, N, approach=a, perspective="world", B=B), G, N)
        for a in ("source", "sink")
    }
    tol = dict(rtol=1e-8, atol=1e-6)  # USD million; decompr's own adding-up error is 2e-15 rel
    for c in got.values():
        assert_allclose(c["GEXP"], sum(k.values()), **tol)
        assert_allclose(c["VAX"], k["DVA_FIN"] + k["DVA_INT"] + k["DVA_INTrex"], **tol)
        assert_allclose(c["REF"], k["RDV_FIN"] + k["RDV_INT"], **tol)
        assert_allclose(
            c["DVA"],
            k["DVA_FIN"] + k["DVA_INT"] + k["DVA_INTrex"] + k["RDV_FIN"] + k["RDV_INT"],
            **tol,
        )
        assert_allclose(c["DDC"], k["DDC"], **tol)
        assert_allclose(c["FC"], k["FVA_FIN"] + k["FVA_INT"] + k["FDC"], **tol)
    assert np.all(got["sink"]["FVA"] >= k["FVA_FIN"] + k["FVA_INT"] - 1e-6)
