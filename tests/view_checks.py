"""Value checks of every SQL object of ``queries/``, one checker per object name.

Each checker reads its view or macro from the small real store of
:mod:`small_real_store` (aggregated WIOD 2008-2009) and compares the values with the same
quantity computed in numpy from the table that was loaded: written out from the defining
formulas where they are short (value-added flows, TiVA, WWYZ parts, cluster links, chain
statistics by path sums), and otherwise from the public kernels (:mod:`gvc.kernels`), which
are themselves tested against R packages and hand counts. A checker compares whole arrays and
fails on a missing or an extra row, indicator or measure.

:data:`CHECKERS` maps every object name to its checker; ``tests/test_view_values.py`` fails
for an object of ``queries/`` without one.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from numpy.testing import assert_allclose
from small_real_store import COUNTRIES, DATASET, SECTORS, YEARS, SmallStore

from gvc.table import IOTable

RTOL = 1e-9


# ------------------------------------------------------------------------------ numpy side


@dataclass
class Ref:
    """Arrays of one year computed directly from the loaded table (no gvc code)."""

    t: IOTable

    def __post_init__(self) -> None:
        t = self.t
        self.G, self.N, self.n = t.G, t.N, t.n
        G, N, n = self.G, self.N, self.n
        self.c = np.repeat(np.arange(G), N)
        self.dom = self.c[:, None] == self.c[None, :]  # (n, n) same country
        self.own = self.c[:, None] == np.arange(G)[None, :]  # (n, G) node in country
        self.Z, self.x, self.va = t.Z, t.x, t.va
        self.Y = t.Y_detail.reshape(n, G, t.F).sum(axis=2)
        self.A = self.Z / self.x[None, :]
        self.B = np.linalg.inv(np.eye(n) - self.A)
        self.L = np.zeros((n, n))
        for s in range(G):
            b = slice(s * N, (s + 1) * N)
            self.L[b, b] = np.linalg.inv(np.eye(N) - self.A[b, b])
        self.AF = np.where(self.dom, 0.0, self.A)
        self.v = self.va / self.x
        Zc = self.Z.reshape(n, G, N).sum(axis=2)  # intermediate sales by buying country
        self.E_int = np.where(self.own, 0.0, Zc)
        self.E_fin = np.where(self.own, 0.0, self.Y)
        self.E = self.E_int + self.E_fin
        self.e = self.E.sum(axis=1)
        self.VBY = self.v[:, None] * (self.B @ self.Y)
        self.VBE = self.v[:, None] * self.B * self.e[None, :]
        self.y = self.Y.sum(axis=1)
        self.yD = self.Y[self.own]  # final goods sold at home

    def memo(self, key: tuple, fn: Callable[[], object]):
        """``fn()`` computed once per year (kernel results several checkers share)."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = fn()
        return cache[key]

    def by_country(self, a: np.ndarray) -> np.ndarray:
        """Sum the node rows of ``a`` into countries."""
        return a.reshape(self.G, self.N, *a.shape[1:]).sum(axis=1)


@dataclass
class Ctx:
    """What checkers get: the store, a read-only connection and the numpy side per year."""

    store: SmallStore
    con: duckdb.DuckDBPyConnection
    tmp: Path
    ref: dict[int, Ref] = field(default_factory=dict)

    def sql(self, sql: str, *params: object) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def node(self, df: pd.DataFrame, country: str = "country", sector: str = "sector"):
        """Node positions of the (country, sector) label columns of ``df``."""
        N = len(SECTORS)
        cpos = {c: i for i, c in enumerate(COUNTRIES)}
        spos = {s: i for i, s in enumerate(SECTORS)}
        return (df[country].map(cpos) * N + df[sector].map(spos)).to_numpy(dtype=np.int64)

    @staticmethod
    def cpos(col: pd.Series) -> np.ndarray:
        return col.map({c: i for i, c in enumerate(COUNTRIES)}).to_numpy(dtype=np.int64)

    variants: dict[str, duckdb.DuckDBPyConnection] = field(default_factory=dict)

    def variant(self, name: str) -> duckdb.DuckDBPyConnection:
        """A read-only copy of the store with the statements ``VARIANTS[name]`` applied:
        ``tampered`` (facts the audits must report) and ``edges`` (undefined ratios)."""
        if name not in self.variants:
            db = self.tmp / f"{name}.duckdb"
            shutil.copy(self.store.db, db)
            with duckdb.connect(str(db)) as con:
                for sql in VARIANTS[name]:
                    con.execute(sql)
            self.variants[name] = duckdb.connect(str(db), read_only=True)
        return self.variants[name]

    @property
    def tampered(self) -> duckdb.DuckDBPyConnection:
        return self.variant("tampered")

    @property
    def edges(self) -> duckdb.DuckDBPyConnection:
        return self.variant("edges")


VARIANTS: dict[str, list[str]] = {}
"""Store copies the checkers read besides the store itself (filled by the checker modules)."""

_W = "dataset = 'wiod_small' AND year = 2009"
EDGES = [
    # vax: a pair with value-added flows but no gross exports, and the other way round
    f"DELETE FROM facts.gross_exports WHERE {_W} AND importer_pos = 0 AND export_node >= 8 "
    "AND export_node < 12",
    f"DELETE FROM facts.va_flows WHERE {_W} AND dest_country_pos = 2 AND origin_node >= 4 "
    "AND origin_node < 8",
    # country_decomposition: nine terms that sum to zero
    "UPDATE facts.decomp_kww SET value = CASE term WHEN 'DVA_FIN' THEN 5 WHEN 'DVA_INT' THEN -5 "
    "WHEN 'DVA_INTrex' THEN 0 WHEN 'RDV_FIN' THEN 0 WHEN 'RDV_INT' THEN 0 WHEN 'DDC' THEN 0 "
    f"WHEN 'FVA_FIN' THEN 0 WHEN 'FVA_INT' THEN 0 WHEN 'FDC' THEN 0 ELSE value END "
    f"WHERE {_W} AND exporter_pos = 3",
    # chain_origins: an origin country whose value added sums to zero (1 - 1)
    "UPDATE facts.chain_geography SET value_added = CASE origin_sector WHEN 'AtC' THEN 1 "
    f"WHEN 'D' THEN -1 ELSE 0 END WHERE {_W} AND chain = 'manuf_usa' AND origin_country = 'DEU'",
    # export_va_content: RoW's gross exports sum to zero (1 - 1), its DVA does not
    "UPDATE facts.export_va SET gross_exports = CASE export_node WHEN 12 THEN 1 WHEN 13 "
    f"THEN -1 ELSE 0 END WHERE {_W} AND export_node >= 12",
    # embeddedness_wide: a node without a largest domestic supplier
    f"UPDATE facts.embeddedness SET value = NULL WHERE {_W} AND node = 0 "
    "AND measure = 'top_domestic_supplier_pos'",
    # cluster_embeddedness: weights summing to zero (china), NULL values (DEU/D) ...
    "UPDATE facts.embeddedness SET value = CASE node WHEN 1 THEN 1 ELSE -1 END "
    f"WHERE {_W} AND measure = 'output' AND node IN (1, 3)",
    f"UPDATE facts.embeddedness SET value = NULL WHERE {_W} AND node = 5 "
    "AND measure IN ('fva_share', 'value_added')",
    # ... china's intermediate sales sum to zero (10 to a member, -10 outside) and the
    # transatlantic members' intermediate inputs too (10 from DEU/D, -10 from USA/AtC)
    f"DELETE FROM facts.intermediate WHERE {_W} AND row_node IN (1, 3) "
    "AND NOT (row_node = 1 AND col_node IN (0, 3))",
    f"DELETE FROM facts.intermediate WHERE {_W} AND col_node IN (5, 6, 9) "
    "AND NOT (col_node = 9 AND row_node IN (5, 8))",
    "UPDATE facts.intermediate SET value = CASE WHEN col_node = 3 OR row_node = 5 THEN 10 "
    f"ELSE -10 END WHERE {_W} AND ((row_node = 1 AND col_node IN (0, 3)) "
    "OR (col_node = 9 AND row_node IN (5, 8)))",
]
"""Changes that make ratios undefined (zero denominators, NULL values): the views must give
NULL there, as their docs say."""
VARIANTS["edges"] = EDGES


def grid(shape: tuple[int, ...], index: tuple[np.ndarray, ...], values) -> np.ndarray:
    """A dense array with ``values`` at ``index`` (zero elsewhere; duplicates fail)."""
    out = np.zeros(shape)
    flat = np.ravel_multi_index(index, shape)
    assert len(np.unique(flat)) == len(flat), "duplicate rows"
    out.ravel()[flat] = np.asarray(values, dtype=np.float64)
    return out


def close(got, want, what: str, rtol: float = RTOL) -> None:
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    scale = float(np.nanmax(np.abs(want))) if want.size and np.isfinite(want).any() else 1.0
    assert_allclose(got, want, rtol=rtol, atol=rtol * scale, equal_nan=True, err_msg=what)


CHECKERS: dict[str, Callable[[Ctx], None]] = {}


def checks(*names: str):
    def deco(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        for name in names:
            # a second import of the same file (pytest's doctest collection) re-registers
            old = CHECKERS.get(name)
            assert old is None or old.__code__.co_filename == fn.__code__.co_filename, name
            CHECKERS[name] = fn
        return fn

    return deco


def per_year(ctx: Ctx, view: str, where: str = "") -> dict[int, tuple[pd.DataFrame, Ref]]:
    """The view's rows of the dataset, by year, with that year's numpy side."""
    df = ctx.sql(f"SELECT * FROM {view} WHERE dataset = ? {where}", DATASET)
    assert set(df["year"]) == set(YEARS), (view, sorted(set(df["year"])))
    return {y: (df[df["year"] == y].reset_index(drop=True), ctx.ref[y]) for y in YEARS}


# ------------------------------------------------------------------------------ the table


@checks("io_cells")
def _io_cells(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "io_cells").items():
        assert (df["value"] != 0).all()  # zero cells omitted
        z = df[~df["is_final"]]
        rows = ctx.node(z, "row_country", "row_sector")
        cols = ctx.node(z, "col_country", "col_item")
        close(grid((r.n, r.n), (rows, cols), z["value"]), r.Z, "Z")
        f = df[df["is_final"]]
        fpos = f["col_item"].map({k: i for i, k in enumerate(r.t.fd_categories)})
        col = ctx.cpos(f["col_country"]) * r.t.F + fpos.to_numpy(dtype=np.int64)
        rows = ctx.node(f, "row_country", "row_sector")
        close(grid(r.t.Y_detail.shape, (rows, col), f["value"]), r.t.Y_detail, "Y")


@checks("node_values")
def _node_values(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "node_values").items():
        assert len(df) == r.n
        i = ctx.node(df)
        close(grid((r.n,), (i,), df["output"]), r.x, "output")
        close(grid((r.n,), (i,), df["value_added"]), r.va, "value_added")


# ------------------------------------------------------------------------------ core flows


@checks("gross_exports")
def _gross_exports(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "gross_exports").items():
        assert (df["exporter"] != df["importer"]).all()
        idx = (ctx.node(df, "exporter", "export_sector"), ctx.cpos(df["importer"]))
        close(grid((r.n, r.G), idx, df["intermediate"]), r.E_int, "intermediate")
        close(grid((r.n, r.G), idx, df["final"]), r.E_fin, "final")
        close(grid((r.n, r.G), idx, df["total"]), r.E, "total")


@checks("va_flows")
def _va_flows(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "va_flows").items():
        idx = (ctx.node(df, "origin_country", "origin_sector"), ctx.cpos(df["dest_country"]))
        close(grid((r.n, r.G), idx, df["value"]), r.VBY, "V B Y")


@checks("va_in_exports")
def _va_in_exports(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "va_in_exports").items():
        idx = (ctx.cpos(df["source_country"]), ctx.node(df, "exporter", "export_sector"))
        # V_c B E-hat: the node-by-node V B E-hat summed over each country's source sectors
        by_country = r.VBE.reshape(r.G, r.n // r.G, r.n).sum(axis=1)
        close(grid((r.G, r.n), idx, df["value"]), by_country, "V_c B E-hat")


@checks("va_in_exports_nodes")
def _va_in_exports_nodes(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "va_in_exports_nodes").items():
        idx = (
            ctx.node(df, "source_country", "source_sector"),
            ctx.node(df, "exporter", "export_sector"),
        )
        close(grid((r.n, r.n), idx, df["value"]), r.VBE, "V B E-hat")


def _vax_rows(df: pd.DataFrame, ctx: Ctx, F: np.ndarray, E: np.ndarray) -> None:
    G = len(COUNTRIES)
    assert len(df) == G * (G - 1) and (df["exporter"] != df["importer"]).all()
    idx = (ctx.cpos(df["exporter"]), ctx.cpos(df["importer"]))
    close(grid((G, G), idx, df["vax"]), F, "vax")
    close(grid((G, G), idx, df["gross_exports"]), E, "gross_exports")
    ratio = np.full_like(F, np.nan)  # NULL without gross exports
    np.divide(F, E, out=ratio, where=E > 0)
    np.fill_diagonal(ratio, 0.0)
    close(grid((G, G), idx, df["vax_ratio"]), ratio, "vax_ratio")


@checks("vax")
def _vax(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "vax").items():
        _vax_rows(df, ctx, r.by_country(r.VBY) * (1 - np.eye(r.G)), r.by_country(r.E))
    # edges (2009): no gross exports USA -> CHN, no value-added flows DEU -> USA
    r = ctx.ref[2009]
    df = ctx.edges.execute("SELECT * FROM vax WHERE dataset = ? AND year = 2009", [DATASET]).df()
    F = r.by_country(r.VBY) * (1 - np.eye(r.G))
    E = r.by_country(r.E)
    F[1, 2] = 0.0
    E[2, 0] = 0.0
    _vax_rows(df, ctx, F, E)


@checks("export_va_content")
def _export_va_content(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "export_va_content").items():
        s = ctx.cpos(df["exporter"])
        by = r.by_country(r.VBE).reshape(r.G, r.G, r.N).sum(axis=2)  # [source, exporter]
        dva, ex = np.diag(by), r.by_country(r.e)
        close(df["dva"], dva[s], "dva")
        close(df["fva"], (by.sum(axis=0) - dva)[s], "fva")
        close(df["gross_exports"], ex[s], "gross_exports")
        close(df["dva_share"], (dva / ex)[s], "dva_share")
        close(df["fva_share"], 1 - (dva / ex)[s], "fva_share")
    # edges: RoW's gross exports sum to zero: its shares are undefined (NULL)
    got = ctx.edges.execute(
        "SELECT dva, dva_share IS NULL AS d, fva_share IS NULL AS f FROM export_va_content "
        "WHERE dataset = ? AND year = 2009 AND exporter = 'RoW'",
        [DATASET],
    ).df()
    assert len(got) == 1 and got["dva"].iloc[0] != 0 and got["d"].iloc[0] and got["f"].iloc[0]


# ------------------------------------------------------------------------------ TiVA


def tiva_expected(r: Ref) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """OECD TiVA indicators written out from their definitions (gvc/kernels/tiva.py)."""
    VB = r.v[:, None] * r.B
    VL = r.v[:, None] * r.L  # L block diagonal: domestic only
    dom_mult = np.where(r.dom, VB, 0.0).sum(axis=0)
    e = r.e
    dva = dom_mult * e
    fva = np.where(r.dom, 0.0, VB).sum(axis=0) * e
    ddc = np.diag(VL) * e
    idc = (VL.sum(axis=0) - np.diag(VL)) * e
    rim = np.where(r.dom, VB - VL, 0.0).sum(axis=0) * e
    dvafx = np.where(r.dom, 0.0, VB * e[None, :]).sum(axis=1)

    def share(a):
        return np.divide(a, e, out=np.zeros_like(a), where=e != 0)

    imgr = np.zeros((r.n, r.G))
    for i in range(r.n):
        for p in range(r.G):
            if p != r.c[i]:
                blk = slice(p * r.N, (p + 1) * r.N)
                imgr[i, p] = r.v[i] * r.B[i, blk] @ r.E[blk, r.c[i]]
    node = {
        "EXGR": e,
        "EXGR_INT": r.E_int.sum(axis=1),
        "EXGR_FNL": r.E_fin.sum(axis=1),
        "EXGR_DVA": dva,
        "EXGR_DDC": ddc,
        "EXGR_IDC": idc,
        "EXGR_RIM": rim,
        "EXGR_FVA": fva,
        "EXGR_DVASH": share(dva),
        "EXGR_FVASH": share(fva),
        "EXGR_DVAFX": dvafx,
        "EXGR_DVAFXSH": share(dvafx),
        "DXD_DVA": r.VBY[r.own],
    }
    partner = {
        "FD_VA": r.VBY,
        "FFD_DVA": np.where(r.own, 0.0, r.VBY),
        "IMGR_DVA": imgr,
    }
    return node, partner


@checks("tiva")
def _tiva(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "tiva").items():
        node, partner = tiva_expected(r)
        assert set(df["indicator"]) == set(node) | set(partner)
        for k, want in node.items():
            d = df[df["indicator"] == k]
            assert d["partner"].isna().all() and len(d) == r.n, k
            close(grid((r.n,), (ctx.node(d),), d["value"]), want, k)
        for k, want in partner.items():
            d = df[df["indicator"] == k]
            idx = (ctx.node(d), ctx.cpos(d["partner"]))
            close(grid((r.n, r.G), idx, d["value"]), want, k)


@checks("tiva_country_pairs")
def _tiva_country_pairs(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "tiva_country_pairs").items():
        assert set(df["indicator"]) == {"BALVAFD", "DFD_FVA"}
        F = r.by_country(r.VBY) * (1 - np.eye(r.G))  # [origin, absorber], foreign only
        bal = df[df["indicator"] == "BALVAFD"]
        idx = (ctx.cpos(bal["country"]), ctx.cpos(bal["partner_or_sector"]))
        # row = reporting country: its VA absorbed in the partner less the partner's in it
        close(grid((r.G, r.G), idx, bal["value"]), F - F.T, "BALVAFD")
        d = df[df["indicator"] == "DFD_FVA"]
        spos = d["partner_or_sector"].map({s: i for i, s in enumerate(SECTORS)})
        idx = (ctx.cpos(d["country"]), spos.to_numpy(dtype=np.int64))
        # foreign VA in country a's final demand, by source industry k: sum over p != a
        want = np.zeros((r.G, r.N))
        for a in range(r.G):
            for p in range(r.G):
                if p != a:
                    want[a] += r.VBY[p * r.N : (p + 1) * r.N, a]
        close(grid((r.G, r.N), idx, d["value"]), want, "DFD_FVA")


# ------------------------------------------------------------------------------ participation


def wwyz_expected(r: Ref) -> dict[str, np.ndarray]:
    """WWYZ (2017a) forward and backward parts written out (gvc/kernels/participation.py)."""
    yF = r.y - r.yD
    Ly_D = r.L @ r.yD
    vL = r.v @ r.L
    vLAF = vL @ r.AF
    out = {
        "V_D_f": r.v * Ly_D,
        "V_RT_f": r.v * (r.L @ yF),
        "V_GVC_S_f": r.v * (r.L @ r.AF @ Ly_D),
        "V_GVC_C_f": r.v * (r.L @ r.AF @ (r.B @ r.y - Ly_D)),
        "V_D_b": vL * r.yD,
        "V_RT_b": vL * yF,
        "V_GVC_S_b": (vLAF @ r.L) * r.yD,
        "V_GVC_C_b": (vLAF @ r.B) * r.y - (vLAF @ r.L) * r.yD,
        "va": r.va,
        "y": r.y,
    }
    gvc_f = out["V_GVC_S_f"] + out["V_GVC_C_f"]
    gvc_b = out["V_GVC_S_b"] + out["V_GVC_C_b"]
    out["GVCPt_f"] = gvc_f / r.va
    out["GVCPt_b"] = gvc_b / r.y
    out["upstreamness"] = (r.B @ r.x) / r.x
    out["downstreamness"] = r.B.sum(axis=0)
    out["koopman_E"] = r.e
    out["koopman_FV"] = np.where(r.dom, 0.0, r.v[:, None] * r.B).sum(axis=0) * r.e
    return out


def participation_kernels(r: Ref) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Every node and country measure from the public kernels, named as stored."""
    from gvc.kernels.lengths import downstreamness, production_length, upstreamness
    from gvc.kernels.participation import koopman_participation, wwyz_participation

    args = (r.Z, r.Y, r.x, r.va, r.G, r.N)
    node: dict[str, np.ndarray] = {}
    country: dict[str, np.ndarray] = {}
    for prefix, res in (
        ("", wwyz_participation(*args)),
        ("koopman_", koopman_participation(*args)),
        ("", production_length(*args)),
    ):
        for k, a in res.items():
            if np.shape(a) == (r.n,):
                node[prefix + k] = a
            elif np.shape(a) == (r.G,):
                country[prefix + k.removesuffix("_country")] = a
    node["upstreamness"] = upstreamness(r.A, r.x)
    node["downstreamness"] = downstreamness(r.A)
    return node, country


@checks("gvc_participation")
def _gvc_participation(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "gvc_participation").items():
        node, _ = participation_kernels(r)
        direct = wwyz_expected(r)
        # production length of all value added equals upstreamness; by final good, 1'B
        direct["PLv"] = direct["upstreamness"]
        direct["PLy"] = direct["downstreamness"]
        assert set(df["measure"]) == set(node) and set(direct) <= set(node)
        for k in node:
            d = df[df["measure"] == k]
            got = np.full(r.n, np.nan)
            got[ctx.node(d)] = d["value"].to_numpy(dtype=np.float64)
            close(got, direct.get(k, node[k]), k)


@checks("gvc_participation_country")
def _gvc_participation_country(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "gvc_participation_country").items():
        _, country = participation_kernels(r)
        w = wwyz_expected(r)
        direct = {
            "GVCPt_f": r.by_country(w["V_GVC_S_f"] + w["V_GVC_C_f"]) / r.by_country(r.va),
            "GVCPt_b": r.by_country(w["V_GVC_S_b"] + w["V_GVC_C_b"]) / r.by_country(r.y),
            "koopman_E": r.by_country(r.e),
            "koopman_FV": r.by_country(w["koopman_FV"]),
        }
        assert set(df["measure"]) == set(country) and set(direct) <= set(country)
        for k in country:
            d = df[df["measure"] == k]
            close(grid((r.G,), (ctx.cpos(d["country"]),), d["value"]), direct.get(k, country[k]), k)


# ------------------------------------------------------------------------------ decompositions


def wwz_terms(r: Ref) -> dict[str, np.ndarray]:
    from gvc.kernels.wwz import wwz

    return r.memo(("wwz",), lambda: wwz(r.Z, r.Y, r.x, r.va, r.G, r.N))


def kww_terms(r: Ref) -> dict[str, np.ndarray]:
    from gvc.kernels.kww import kww

    return r.memo(("kww",), lambda: kww(r.Z, r.Y, r.x, r.va, r.G, r.N))


def kww_direct(r: Ref) -> dict[str, np.ndarray]:
    """KWW DVA_FIN and FVA_FIN by exporter, written out: ``V^s B^{ss} Y^{sr}`` and
    ``sum_{t != s} V^t B^{ts} Y^{sr}`` summed over ``r != s``."""
    VB = r.v[:, None] * r.B
    dom = np.where(r.dom, VB, 0.0).sum(axis=0)  # domestic VA multiplier by exporting node
    return {
        "DVA_FIN": r.by_country(dom * r.E_fin.sum(axis=1)),
        "FVA_FIN": r.by_country((1 - dom) * r.E_fin.sum(axis=1)),
    }


NINE = (
    "DVA_FIN",
    "DVA_INT",
    "DVA_INTrex",
    "RDV_FIN",
    "RDV_INT",
    "DDC",
    "FVA_FIN",
    "FVA_INT",
    "FDC",
)


@checks("decomp_kww")
def _decomp_kww(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "decomp_kww").items():
        want = kww_terms(r)
        assert set(df["term"]) == set(want)
        got = {
            k: grid((r.G,), (ctx.cpos(d["exporter"]),), d["value"]) for k, d in df.groupby("term")
        }
        for k, a in want.items():
            close(got[k], a, k)
        close(sum(got[k] for k in NINE), r.by_country(r.e), "nine terms = gross exports")
        for k, a in kww_direct(r).items():
            close(got[k], a, k)


@checks("decomp_wwz")
def _decomp_wwz(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "decomp_wwz").items():
        want = wwz_terms(r)
        got = {}
        for k, d in df.groupby("term"):
            idx = (ctx.node(d, "exporter", "export_sector"), ctx.cpos(d["importer"]))
            got[k] = grid((r.n, r.G), idx, d["value"])
        assert set(got) <= set(want)
        for k, a in want.items():
            close(got.get(k, np.zeros_like(a)), a, k)
        close(sum(got.values()), r.E, "16 terms = bilateral gross exports")
        dom = np.where(r.dom, r.v[:, None] * r.B, 0.0).sum(axis=0)
        close(got["DVA_FIN"], dom[:, None] * r.E_fin, "DVA_FIN = V^s B^ss Y^sr")


@checks("decomp_wwz_third")
def _decomp_wwz_third(ctx: Ctx) -> None:
    from gvc.kernels.wwz import REEXPORT_SPLIT_TERMS, wwz_reexport_split

    for _, (df, r) in per_year(ctx, "decomp_wwz_third").items():
        split = wwz_reexport_split(r.Z, r.Y, r.x, r.va, r.G, r.N)
        whole = wwz_terms(r)
        assert set(df["term"]) == set(REEXPORT_SPLIT_TERMS)
        for k, d in df.groupby("term"):
            idx = (
                ctx.node(d, "exporter", "export_sector"),
                ctx.cpos(d["importer"]),
                ctx.cpos(d["third_country"]),
            )
            got = grid((r.n, r.G, r.G), idx, d["value"])
            close(got, split[k], k)
            close(got.sum(axis=2), whole[k], f"{k} summed over third countries")


BM_VARIANTS = {
    ("source", "world"),
    ("sink", "world"),
    ("source", "exporter"),
    ("sink", "exporter"),
    ("source", "sector"),
    ("source", "bilateral"),
    ("source", "bilateral_sector"),
}


def bm_terms(r: Ref, approach: str, perspective: str) -> dict[str, np.ndarray]:
    from gvc.kernels.borin_mancini import bm

    return r.memo(
        ("bm", approach, perspective),
        lambda: bm(r.Z, r.Y, r.x, r.va, r.G, r.N, approach=approach, perspective=perspective),
    )


@checks("decomp_bm")
def _decomp_bm(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "decomp_bm").items():
        assert set(zip(df["approach"], df["perspective"], strict=True)) == BM_VARIANTS
        for (a, p), dv in df.groupby(["approach", "perspective"]):
            want = bm_terms(r, a, p)
            got = {}
            for k, d in dv.groupby("term"):
                idx = (ctx.node(d, "exporter", "export_sector"), ctx.cpos(d["importer"]))
                got[k] = grid((r.n, r.G), idx, d["value"])
            assert set(got) <= set(want), (a, p)
            for k, w in want.items():
                close(got.get(k, np.zeros_like(w)), w, f"{a}/{p}/{k}")
            close(got["GEXP"], r.E, f"{a}/{p}: GEXP = bilateral gross exports")


def _bm_level(ctx: Ctx, view: str, keys: list[str], perspectives: set[str]) -> None:
    for _, (df, r) in per_year(ctx, view).items():
        have = set(zip(df["approach"], df["perspective"], strict=True))
        assert have == {v for v in BM_VARIANTS if v[1] in perspectives}, (view, have)
        for (a, p), dv in df.groupby(["approach", "perspective"]):
            for k, w in bm_terms(r, a, p).items():
                d = dv[dv["term"] == k]
                if keys == ["exporter"]:
                    got = grid((r.G,), (ctx.cpos(d["exporter"]),), d["value"])
                    want = r.by_country(w.sum(axis=1))
                elif keys == ["exporter", "export_sector"]:
                    got = grid((r.n,), (ctx.node(d, "exporter", "export_sector"),), d["value"])
                    want = w.sum(axis=1)
                else:
                    idx = (ctx.cpos(d["exporter"]), ctx.cpos(d["importer"]))
                    got = grid((r.G, r.G), idx, d["value"])
                    want = r.by_country(w)
                close(got, want, f"{view} {a}/{p}/{k}")


@checks("decomp_bm_exporter")
def _decomp_bm_exporter(ctx: Ctx) -> None:
    _bm_level(ctx, "decomp_bm_exporter", ["exporter"], {"world", "exporter"})


@checks("decomp_bm_sector")
def _decomp_bm_sector(ctx: Ctx) -> None:
    _bm_level(
        ctx, "decomp_bm_sector", ["exporter", "export_sector"], {"world", "exporter", "sector"}
    )


@checks("decomp_bm_bilateral")
def _decomp_bm_bilateral(ctx: Ctx) -> None:
    _bm_level(
        ctx, "decomp_bm_bilateral", ["exporter", "importer"], {"world", "exporter", "bilateral"}
    )


@checks("country_decomposition")
def _country_decomposition(ctx: Ctx) -> None:
    for s, country in enumerate(COUNTRIES):
        df = ctx.sql("SELECT * FROM country_decomposition(?, ?)", DATASET, country)
        assert df["year"].tolist() == sorted(df["year"])  # ordered by year, then term
        assert sorted(set(df["year"])) == list(YEARS)
        for y in YEARS:
            r = ctx.ref[y]
            d = df[df["year"] == y]
            want = kww_terms(r)
            assert d["term"].tolist() == sorted(want)
            ex = r.by_country(r.e)[s]
            close(d["value"], [want[k][s] for k in d["term"]], f"{country} {y} value")
            close(d["share"], [want[k][s] / ex for k in d["term"]], f"{country} {y} share")
    # edges: RoW's nine terms sum to zero in 2009 (5 - 5): every share is undefined (NULL)
    df = ctx.edges.execute(
        "SELECT term, value, share IS NULL AS undefined FROM country_decomposition(?, 'RoW') "
        "WHERE year = 2009",
        [DATASET],
    ).df()
    assert df["undefined"].all()
    nine = dict(zip(df["term"], df["value"], strict=True))
    assert (nine["DVA_FIN"], nine["DVA_INT"]) == (5.0, -5.0)


@checks("top_va_flows")
def _top_va_flows(ctx: Ctx) -> None:
    for y in YEARS:
        r = ctx.ref[y]
        F = r.by_country(r.VBY)
        pairs = [(F[a, b], a, b) for a in range(r.G) for b in range(r.G) if a != b]
        want = sorted(pairs, reverse=True)[:5]
        df = ctx.sql("SELECT * FROM top_va_flows(?, ?, 5)", DATASET, y)
        assert list(zip(df["origin_country"], df["dest_country"], strict=True)) == [
            (COUNTRIES[a], COUNTRIES[b]) for _, a, b in want
        ]
        close(df["value"], [v for v, _, _ in want], f"top_va_flows {y}")


@checks("top_reexport_partners")
def _top_reexport_partners(ctx: Ctx) -> None:
    for y in YEARS:
        r = ctx.ref[y]
        w = wwz_terms(r)
        rex = r.by_country(w["DVA_INTrexI1"] + w["DVA_INTrexF"] + w["DVA_INTrexI2"])
        for s, country in enumerate(COUNTRIES):
            df = ctx.sql("SELECT * FROM top_reexport_partners(?, ?, ?, 2)", DATASET, y, country)
            order = [p for p in np.argsort(-rex[s], kind="stable") if p != s][:2]
            assert df["importer"].tolist() == [COUNTRIES[p] for p in order], (y, country)
            close(df["dva_reexported"], rex[s, order], f"{country} {y}")


def _checkers_of_other_objects() -> None:
    """Embeddedness, lock-in, clusters and chains: :mod:`view_checks_more`; the audits:
    :mod:`view_checks_audits`."""
    import view_checks_audits  # noqa: F401  (registers into CHECKERS)
    import view_checks_firms  # noqa: F401
    import view_checks_groups  # noqa: F401
    import view_checks_main  # noqa: F401
    import view_checks_more  # noqa: F401
    import view_checks_scenarios  # noqa: F401


_checkers_of_other_objects()
