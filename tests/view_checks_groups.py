"""Value checks of the grouping views (see view_checks.py).

Two groupings are run on the small store (:data:`small_real_store.GROUPINGS`): ``singles``
(every country its own economy) must give the ungrouped quantities written out or computed in
numpy by :mod:`view_checks`; ``atlantic`` (DEU + USA one economy) must satisfy, on every row,
the identities of each family with the economy's exports written out in numpy (sales of a
node to countries outside its economy), and its TiVA value-added terms and final-demand flows
written out from ``V B``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from small_real_store import COUNTRIES, DATASET, GROUPINGS, SECTORS, YEARS
from view_checks import (
    BM_VARIANTS,
    NINE,
    Ctx,
    Ref,
    bm_terms,
    checks,
    close,
    grid,
    kww_terms,
    tiva_expected,
    wwz_terms,
)


def _rows(ctx: Ctx, view: str, grouping: str, year: int) -> pd.DataFrame:
    df = ctx.sql(
        f"SELECT * FROM {view} WHERE dataset = ? AND grouping = ? AND year = ?",
        DATASET,
        grouping,
        year,
    )
    assert len(df), (view, grouping, year)
    return df


def economies(grouping: str) -> tuple[list[str], np.ndarray]:
    """Economy names (sorted as stored: groups, then the countries left alone) and each
    country's economy position."""
    groups = GROUPINGS[grouping]
    of = {c: g for g, ms in groups.items() for c in ms}
    names = sorted({of.get(c, c) for c in COUNTRIES})
    return names, np.array([names.index(of.get(c, c)) for c in COUNTRIES])


def econ_exports(r: Ref, grouping: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(names, economy of each node, (n, U) gross exports of each node to each economy)."""
    names, ce = economies(grouping)
    U = len(names)
    S = np.zeros((r.G, U))
    S[np.arange(r.G), ce] = 1.0
    ne = ce[r.c]
    gross = (r.E_int + r.E_fin) @ S  # includes sales to own-economy partners: drop them
    gross[np.arange(r.n), ne] = 0.0
    return names, ne, gross


def _epos(names: list[str], col: pd.Series) -> np.ndarray:
    return col.map({e: i for i, e in enumerate(names)}).to_numpy(dtype=np.int64)


@checks("group_schema")
def _group_schema(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM groupings WHERE dataset = ?", DATASET)
    got = {(g, e, c) for g, e, c in zip(df["grouping"], df["economy"], df["country"], strict=True)}
    want = {(g, e, c) for g, gs in GROUPINGS.items() for e, ms in gs.items() for c in ms}
    assert got == want
    assert df["created_at"].notna().all()


@checks("group_kww")
def _group_kww(ctx: Ctx) -> None:
    for y in YEARS:
        r = ctx.ref[y]
        df = _rows(ctx, "group_kww", "singles", y)
        want = kww_terms(r)
        assert set(df["term"]) == set(want)
        for k, w in want.items():
            d = df[df["term"] == k]
            close(grid((r.G,), (ctx.cpos(d["exporter"]),), d["value"]), w, f"singles {k}")
        names, ne, gross = econ_exports(r, "atlantic")
        df = _rows(ctx, "group_kww", "atlantic", y)
        nine = df[df["term"].isin(NINE)].groupby("exporter")["value"].sum()
        want_e = np.bincount(ne, weights=gross.sum(axis=1), minlength=len(names))
        close(nine.reindex(names).to_numpy(), want_e, "atlantic: nine terms = exports")
        # DVA_FIN: value added of the exporting economy in its final-goods exports
        VB = r.v[:, None] * r.B
        same = ne[:, None] == ne[None, :]
        fin = r.E_fin.copy()
        fin[:, [COUNTRIES.index(c) for c in GROUPINGS["atlantic"]["ATL"]]] *= ~np.isin(
            r.c, [COUNTRIES.index(c) for c in GROUPINGS["atlantic"]["ATL"]]
        )[:, None]
        dva_fin = np.where(same, VB, 0.0).sum(axis=0) * fin.sum(axis=1)
        d = df[df["term"] == "DVA_FIN"].set_index("exporter")["value"]
        close(
            d.reindex(names).to_numpy(),
            np.bincount(ne, weights=dva_fin, minlength=len(names)),
            "atlantic DVA_FIN",
        )


def _node_econ(ctx: Ctx, df: pd.DataFrame, names: list[str], shape) -> dict[str, np.ndarray]:
    out = {}
    for k, d in df.groupby("term"):
        idx = (ctx.node(d, "export_country", "export_sector"), _epos(names, d["importer"]))
        out[k] = grid(shape, idx, d["value"])
    return out


@checks("group_wwz")
def _group_wwz(ctx: Ctx) -> None:
    for y in YEARS:
        r = ctx.ref[y]
        got = _node_econ(ctx, _rows(ctx, "group_wwz", "singles", y), list(COUNTRIES), (r.n, r.G))
        for k, w in wwz_terms(r).items():
            close(got.get(k, np.zeros_like(w)), w, f"singles {k}")
        names, ne, gross = econ_exports(r, "atlantic")
        df = _rows(ctx, "group_wwz", "atlantic", y)
        assert (
            df["exporter"] == np.array(names)[ne[ctx.node(df, "export_country", "export_sector")]]
        ).all()
        got = _node_econ(ctx, df, names, gross.shape)
        close(sum(got.values()), gross, "atlantic: 16 terms = exports to each economy")


@checks("group_bm")
def _group_bm(ctx: Ctx) -> None:
    for y in YEARS:
        r = ctx.ref[y]
        df = _rows(ctx, "group_bm", "singles", y)
        assert set(zip(df["approach"], df["perspective"], strict=True)) == BM_VARIANTS
        for (a, p), dv in df.groupby(["approach", "perspective"]):
            got = _node_econ(ctx, dv, list(COUNTRIES), (r.n, r.G))
            for k, w in bm_terms(r, a, p).items():
                close(got.get(k, np.zeros_like(w)), w, f"singles {a}/{p}/{k}")
        names, ne, gross = econ_exports(r, "atlantic")
        df = _rows(ctx, "group_bm", "atlantic", y)
        for (a, p), dv in df.groupby(["approach", "perspective"]):
            g = _node_econ(ctx, dv, names, gross.shape)
            z = np.zeros_like(gross)
            close(g["GEXP"], gross, f"atlantic {a}/{p} GEXP = exports")
            close(g.get("DC", z) + g.get("FC", z), gross, f"atlantic {a}/{p} DC + FC")
            close(g.get("DVA", z) + g.get("DDC", z), g.get("DC", z), f"atlantic {a}/{p} DC")
            close(g.get("FVA", z) + g.get("FDC", z), g.get("FC", z), f"atlantic {a}/{p} FC")


def _tiva_got(ctx: Ctx, df: pd.DataFrame, names: list[str], r: Ref) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for k, d in df.groupby("indicator"):
        if k == "BALVAFD":
            idx = (_epos(names, d["economy"]), _epos(names, d["partner"]))
            out[k] = grid((len(names),) * 2, idx, d["value"])
        elif k == "DFD_FVA":
            spos = d["sector"].map({s: i for i, s in enumerate(SECTORS)}).to_numpy(dtype=np.int64)
            out[k] = grid((len(names), r.N), (_epos(names, d["economy"]), spos), d["value"])
        elif d["partner"].notna().all():
            idx = (ctx.node(d), _epos(names, d["partner"]))
            out[k] = grid((r.n, len(names)), idx, d["value"])
        else:
            assert d["partner"].isna().all(), k
            out[k] = grid((r.n,), (ctx.node(d),), d["value"])
    return out


@checks("group_tiva")
def _group_tiva(ctx: Ctx) -> None:
    for y in YEARS:
        r = ctx.ref[y]
        got = _tiva_got(ctx, _rows(ctx, "group_tiva", "singles", y), list(COUNTRIES), r)
        node, partner = tiva_expected(r)
        F = r.by_country(r.VBY) * (1 - np.eye(r.G))
        for k, w in {**node, **partner, "BALVAFD": F - F.T}.items():
            close(got[k], w, f"singles {k}")
        names, ne, gross = econ_exports(r, "atlantic")
        got = _tiva_got(ctx, _rows(ctx, "group_tiva", "atlantic", y), names, r)
        e = gross.sum(axis=1)
        VB = r.v[:, None] * r.B
        same = ne[:, None] == ne[None, :]
        U = len(names)
        S = np.zeros((r.G, U))
        S[np.arange(r.G), economies("atlantic")[1]] = 1.0
        fd = r.VBY @ S  # value added of each node absorbed in each economy
        Fe = np.zeros((U, U))
        np.add.at(Fe, ne, fd)
        np.fill_diagonal(Fe, 0.0)
        want = {
            "EXGR": e,
            "EXGR_DVA": np.where(same, VB, 0.0).sum(axis=0) * e,
            "EXGR_FVA": np.where(same, 0.0, VB).sum(axis=0) * e,
            "FD_VA": fd,
            "FFD_DVA": np.where(ne[:, None] == np.arange(U)[None, :], 0.0, fd),
            "BALVAFD": Fe - Fe.T,
        }
        for k, w in want.items():
            close(got[k], w, f"atlantic {k}")
        close(got["EXGR_DDC"] + got["EXGR_IDC"] + got["EXGR_RIM"], got["EXGR_DVA"], "DVA split")


@checks("group_participation")
def _group_participation(ctx: Ctx) -> None:
    from view_checks import participation_kernels, wwyz_expected

    for y in YEARS:
        r = ctx.ref[y]
        df = _rows(ctx, "group_participation", "singles", y)
        node, country = participation_kernels(r)
        w = wwyz_expected(r)
        nd = df[df["country"].notna()]
        for k, d in nd.groupby("measure"):
            want = w[k] if k in w and k not in ("upstreamness", "downstreamness") else node[k]
            close(grid((r.n,), (ctx.node(d),), d["value"]), want, f"singles {k}")
        ec = df[df["country"].isna()]
        for k, d in ec.groupby("measure"):
            close(grid((r.G,), (ctx.cpos(d["economy"]),), d["value"]), country[k], f"singles {k}")
        names, ne, gross = econ_exports(r, "atlantic")
        df = _rows(ctx, "group_participation", "atlantic", y)
        nd = df[df["country"].notna()]
        for k, want in (("va", r.va), ("y", r.y), ("koopman_E", gross.sum(axis=1))):
            d = nd[nd["measure"] == k]
            close(grid((r.n,), (ctx.node(d),), d["value"]), want, f"atlantic {k}")
        parts = ("V_D_f", "V_RT_f", "V_GVC_S_f", "V_GVC_C_f")
        tot = sum(
            grid((r.n,), (ctx.node(d),), d["value"]) for k, d in nd.groupby("measure") if k in parts
        )
        close(tot, r.va, "atlantic: forward parts sum to value added")
