"""Decompositions through the whole path (ingest, run, SQL views, ``gvc decompose``) on the real
2000 table: KWW and WWZ against R decompr 6.8.0, Borin-Mancini SQL views against the numpy
kernel on the same table, TiVA and participation views against direct numpy formulas, the
audits, and the command line."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE, errors_only, load_lrwiod2000
from numpy.testing import assert_allclose

import gvc
from gvc.cli import main
from gvc.errors import InputError
from gvc.ingestion.harmonise import HarmoniseOptions
from gvc.kernels.borin_mancini import bm, bm_aggregate
from gvc.kernels.wwz import WWZ_TERMS

DECOMPR = REFERENCE / "decompr"
Q = "WHERE dataset = 'lrwiod2000' AND year = 2000"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("decomp") / "s.duckdb"
    # decompr uses the table's gross output as given (balance="none") and va = x - 1'Z
    opts = HarmoniseOptions(balance="none", value_added="residual")
    gvc.ingest(REFERENCE / "lrwiod2000", db=db, dataset="lrwiod2000", options=opts)
    gvc.run(
        db=db, dataset="lrwiod2000", steps=["core", "wwz", "kww", "bm", "tiva", "participation"]
    )
    return db


@pytest.mark.reference
def test_decomp_kww_view_equals_decompr(store):
    ref = pd.read_parquet(DECOMPR / "lrwiod2000_2000_kww_decompr.parquet")
    got = gvc.query(f"SELECT exporter, term, value FROM decomp_kww {Q}", db=store)
    got = got.pivot(index="exporter", columns="term", values="value").loc[ref["Country"]]
    for term in ref.columns[1:]:
        r = ref[term].to_numpy()
        # decompr forms FDC as a residual that absorbs the table's 4e-10 imbalance (test_kww.py)
        assert_allclose(
            got[term].to_numpy(), r, rtol=1e-9, atol=1e-9 * np.abs(r).max(), err_msg=term
        )


@pytest.mark.reference
def test_decomp_wwz_view_equals_decompr(store):
    ref = pd.read_parquet(DECOMPR / "lrwiod2000_2000_wwz_decompr.parquet")
    ref = ref[ref["Exporting_Country"] != ref["Importing_Country"]]
    got = gvc.query(
        f"SELECT exporter, export_sector, importer, term, value FROM decomp_wwz {Q}", db=store
    )
    wide = got.pivot_table(
        index=["exporter", "export_sector", "importer"], columns="term", values="value"
    )
    keys = ["Exporting_Country", "Exporting_Industry", "Importing_Country"]
    wide = wide.reindex(pd.MultiIndex.from_frame(ref[keys])).fillna(0.0)  # zero cells omitted
    scale = float(ref["texp"].abs().max())
    for term in WWZ_TERMS:
        assert_allclose(
            wide[term].to_numpy(), ref[term].to_numpy(), rtol=1e-9, atol=1e-9 * scale, err_msg=term
        )


def _kernel_bm(perspective, approach="source"):
    t = load_lrwiod2000()
    return bm(
        t.Z, t.Y, t.x, t.x - t.Z.sum(axis=0), t.G, t.N, approach=approach, perspective=perspective
    ), t


@pytest.mark.parametrize(
    "perspective,view,level",
    [
        ("exporter", "decomp_bm_exporter", "exporter"),
        ("world", "decomp_bm_exporter", "exporter"),
        ("sector", "decomp_bm_sector", "sector"),
        ("bilateral", "decomp_bm_bilateral", "bilateral"),
    ],
)
def test_bm_views_equal_kernel(store, perspective, view, level):
    """The SQL path (store, long table, view sums) equals the numpy kernel summed in numpy."""
    terms, t = _kernel_bm(perspective)
    want = bm_aggregate(terms, t.G, t.N, level)
    got = gvc.query(
        f"SELECT * FROM {view} {Q} AND approach = 'source' AND perspective = '{perspective}'",
        db=store,
    )
    keys = {
        "exporter": ["exporter"],
        "sector": ["exporter", "export_sector"],
        "bilateral": ["exporter", "importer"],
    }[level]
    wide = got.pivot_table(index=keys, columns="term", values="value", aggfunc="sum")
    if level == "exporter":
        idx = pd.Index(t.countries)
    elif level == "sector":
        idx = pd.MultiIndex.from_product([t.countries, t.sectors])
    else:
        idx = pd.MultiIndex.from_product([t.countries, t.countries])
    wide = wide.reindex(idx).fillna(0.0)
    for k, a in want.items():
        assert_allclose(wide[k].to_numpy(), a.ravel(), rtol=1e-9, atol=1e-6, err_msg=k)


def test_bm_views_keep_only_meaningful_sums(store):
    got = gvc.query(
        "SELECT DISTINCT 'exporter' AS v, perspective FROM decomp_bm_exporter UNION ALL "
        "SELECT DISTINCT 'sector', perspective FROM decomp_bm_sector UNION ALL "
        "SELECT DISTINCT 'bilateral', perspective FROM decomp_bm_bilateral",
        db=store,
    )
    have = {v: set(g["perspective"]) for v, g in got.groupby("v")}
    assert have == {
        "exporter": {"world", "exporter"},
        "sector": {"world", "exporter", "sector"},
        "bilateral": {"world", "exporter", "bilateral"},
    }
    variants = gvc.query("SELECT DISTINCT approach, perspective FROM decomp_bm", db=store)
    assert len(variants) == 7


def test_audits_pass(store):
    res = gvc.audit(db=store, raise_on_violation=False)
    for name in ("audit_bm_identities", "audit_kww_sums", "audit_wwz_sums"):
        assert res[name] == 0, name


def test_decompose_api_bm_bilateral_perimeter(store):
    def mex(**kw):
        return gvc.decompose("bm", db=store, dataset="lrwiod2000", exporter="MEX", **kw)

    df = mex(perspective="bilateral", importer="USA")
    terms, t = _kernel_bm("bilateral")
    want = bm_aggregate(terms, t.G, t.N, "bilateral")
    s, r = t.countries.index("MEX"), t.countries.index("USA")
    assert len(df) == 1
    for k in ("GEXP", "DVA", "FVA", "VAX"):
        assert df[k].iloc[0] == pytest.approx(want[k][s, r], rel=1e-9)
    # the approach is irrelevant at an own-flow perimeter
    pd.testing.assert_frame_equal(df, mex(perspective="bilateral", importer="USA", approach="sink"))
    sec = mex(perspective="sector")
    assert list(sec.columns[:2]) == ["year", "export_sector"] and len(sec) == t.N
    with pytest.raises(InputError, match="perspective"):
        mex(perspective="importer")


def _cli_decompose(store, *args):
    return main(["decompose", "--db", str(store), "--dataset", "lrwiod2000", *args])


def test_cli_decompose_kww_and_errors(store, capsys):
    assert _cli_decompose(store, "--method", "kww", "--exporter", "CHN", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    ref = pd.read_parquet(DECOMPR / "lrwiod2000_2000_kww_decompr.parquet").set_index("Country")
    assert rows[0]["DVA_FIN"] == pytest.approx(ref.loc["CHN", "DVA_FIN"], rel=1e-9)
    rc = _cli_decompose(
        store,
        "--method",
        "bm",
        "--exporter",
        "CHN",
        "--perspective",
        "bilateral_sector",
        "--format",
        "csv",
    )
    assert rc == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    t = load_lrwiod2000()
    assert {"importer", "export_sector", "DVA"} <= set(df.columns)
    assert np.all(df["DVA"] <= df["DC"] * (1 + 1e-12))
    assert len(df) <= (t.G - 1) * t.N
    assert _cli_decompose(store, "--method", "bm", "--exporter", "XXX") == 2
    err = errors_only(capsys.readouterr().err)
    assert "XXX" in err and len(err.splitlines()) == 1


def _node_frame(store, view, col, names):
    got = gvc.query(
        f"SELECT country, sector, {col}, value FROM {view} {Q} AND {col} IN "
        f"({', '.join(repr(x) for x in names)})",
        db=store,
    )
    t = load_lrwiod2000()
    idx = pd.MultiIndex.from_product([t.countries, t.sectors])
    wide = got.pivot_table(index=["country", "sector"], columns=col, values="value")
    return wide.reindex(idx), t


def test_participation_view_against_direct_formulas(store):
    wide, t = _node_frame(
        store,
        "gvc_participation",
        "measure",
        ["upstreamness", "downstreamness", "V_D_f", "V_RT_f", "V_GVC_S_f", "V_GVC_C_f", "va"],
    )
    A = t.Z / t.x[None, :]
    B = np.linalg.inv(np.eye(t.n) - A)
    # Antras et al. (2012) upstreamness x^-1 B x; Fally (2012) downstreamness 1'B
    assert_allclose(wide["upstreamness"].to_numpy(), B @ t.x / t.x, rtol=1e-10)
    assert_allclose(wide["downstreamness"].to_numpy(), B.sum(axis=0), rtol=1e-10)
    # WWYZ (2017a): the four forward parts add up to each node's value added
    parts = wide[["V_D_f", "V_RT_f", "V_GVC_S_f", "V_GVC_C_f"]].fillna(0.0).sum(axis=1)
    va = t.x - t.Z.sum(axis=0)
    assert_allclose(parts.to_numpy(), va, rtol=1e-9, atol=1e-9 * va.max())
    assert_allclose(wide["va"].to_numpy(), va, rtol=1e-12)


def test_tiva_view_against_direct_formulas(store):
    wide, t = _node_frame(store, "tiva", "indicator", ["EXGR", "EXGR_DVA", "EXGR_FVA"])
    wide = wide.fillna(0.0)
    A = t.Z / t.x[None, :]
    B = np.linalg.inv(np.eye(t.n) - A)
    v = (t.x - t.Z.sum(axis=0)) / t.x
    c = np.repeat(np.arange(t.G), t.N)
    own = c[:, None] == c[None, :]
    e = (
        np.where(own[:, :: t.N], 0.0, t.Y)
        + np.where(own, 0.0, t.Z) @ np.kron(np.eye(t.G), np.ones((t.N, 1)))
    ).sum(axis=1)
    VB = v[:, None] * B
    dom = np.where(own, VB, 0.0).sum(axis=0)  # domestic VA multiplier of each exporting node
    assert_allclose(wide["EXGR"].to_numpy(), e, rtol=1e-10, atol=1e-9)
    assert_allclose(wide["EXGR_DVA"].to_numpy(), dom * e, rtol=1e-9, atol=1e-9 * e.max())
    assert_allclose(wide["EXGR_FVA"].to_numpy(), (1.0 - dom) * e, rtol=1e-9, atol=1e-9 * e.max())
