"""Value checks of the scenario objects (see view_checks.py).

The small store runs :data:`small_real_store.SCENARIOS` on 2009: a final-demand shock of
DEU/D (a grid of two changes), China's manufacturing buying all its imported intermediate
inputs at home, and a structural decomposition 2008 -> 2009. Each is recomputed here in numpy
from its definition: ``x1 = B y1`` with DEU/D's final-demand rows scaled by ``1 + change``;
``x1 = (I - A1)^-1 y`` with CHN/D's imported input coefficients moved onto the home row of the
same product; the SDA's levels are the WWYZ forward parts and ``V B Y`` of each year. Audits:
zero rows on the store, exactly the tampered rows on a copy.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
from small_real_store import COUNTRIES, DATASET, SCENARIOS, SECTORS
from view_checks import VARIANTS, Ctx, Ref, checks, close, grid, wwyz_expected

_S = f"dataset = '{DATASET}'"
VARIANTS["scenario_tampered"] = [
    f"UPDATE facts.scenario_sda SET technology = technology + 1000 WHERE {_S} "
    "AND measure = 'V_D' AND node = 5",
    f"UPDATE facts.scenario_countries SET delta = delta + 1000000 WHERE {_S} "
    "AND scenario = 'subst' AND country = 'CHN' AND measure = 'value_added'",
]
VARIANTS.setdefault("stale", []).append(
    f"UPDATE scenarios SET definition_hash = 'x' WHERE {_S} AND scenario = 'subst'"
)

DEU_D = COUNTRIES.index("DEU") * len(SECTORS) + SECTORS.index("D")
CHN = COUNTRIES.index("CHN")
CHN_D = CHN * len(SECTORS) + SECTORS.index("D")


def shocked(r: Ref, change: float) -> dict[str, np.ndarray]:
    y1 = r.y.copy()
    y1[DEU_D] *= 1 + change
    x1 = r.B @ y1
    return {"output": (r.x, x1), "value_added": (r.va, r.v * x1), "final_demand": (r.y, y1)}


def substituted_A(r: Ref) -> np.ndarray:
    """A with CHN/D's imported inputs bought at home: column CHN/D's foreign rows summed
    onto the Chinese row of the same product."""
    A1 = r.A.copy()
    col = A1[:, CHN_D].reshape(r.G, r.N)
    home = col.sum(axis=0)
    col[:] = 0.0
    col[CHN] = home
    A1[:, CHN_D] = col.ravel()
    return A1


def substituted(r: Ref) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    x1 = np.linalg.solve(np.eye(r.n) - substituted_A(r), r.y)
    return {"output": (r.x, x1), "value_added": (r.va, r.v * x1)}


def scenario_levels(ctx: Ctx) -> dict[tuple[str, str], dict[str, tuple[np.ndarray, np.ndarray]]]:
    r = ctx.ref[2009]
    out = {("shock", f"@{c}"): shocked(r, c) for c in SCENARIOS["shock"]["change"]}
    out[("subst", "")] = substituted(r)
    return out


@checks("scenario_schema")
def _scenario_schema(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM scenarios WHERE dataset = ?", DATASET).set_index("scenario")
    assert set(df.index) == set(SCENARIOS)
    for name, spec in SCENARIOS.items():
        row = df.loc[name]
        assert row["kind"] == spec["kind"]
        doc = json.loads(row["definition_json"])
        assert doc["name"] == name and doc["kind"] == spec["kind"]
        assert re.fullmatch(r"[0-9a-f]{64}", row["definition_hash"])
        assert f'kind = "{spec["kind"]}"' in row["definition_toml"]


@checks("scenario_points")
def _scenario_points(ctx: Ctx) -> None:
    df = ctx.sql(
        "SELECT * FROM scenario_points WHERE dataset = ? ORDER BY scenario, value", DATASET
    )
    got = list(zip(df["scenario"], df["point"], df["cluster"], df["value"], strict=True))
    assert got == [
        ("shock", "@-0.3", "DEU:D", -0.3),
        ("shock", "@0.1", "DEU:D", 0.1),
        ("subst", "", "CHN:D", 1.0),
    ], got
    assert (df["year"] == 2009).all()
    r = ctx.ref[2009]
    details = json.loads(df[df["scenario"] == "subst"]["details"].iloc[0])
    imported = r.Z[r.c != CHN, CHN_D].sum()
    close([details["moved_inputs"], details["not_substituted_inputs"]], [imported, 0.0], "moved")


def _node_rows(ctx: Ctx, view: str) -> pd.DataFrame:
    df = ctx.sql(f"SELECT * FROM {view} WHERE dataset = ?", DATASET)
    assert set(df["year"]) == {2009}
    return df


@checks("scenario_nodes")
def _scenario_nodes(ctx: Ctx) -> None:
    df = _node_rows(ctx, "scenario_nodes")
    levels = scenario_levels(ctx)
    assert set(zip(df["scenario"], df["point"], strict=True)) == set(levels)
    for (name, point), ms in levels.items():
        d0 = df[(df["scenario"] == name) & (df["point"] == point)]
        assert set(d0["measure"]) == set(ms)
        for m, (base, new) in ms.items():
            d = d0[d0["measure"] == m]
            i = d["node"].to_numpy(dtype=np.int64)
            assert sorted(i) == list(range(len(base)))
            close(d["baseline"], base[i], f"{name}{point} {m} baseline")
            close(d["scenario_value"], new[i], f"{name}{point} {m} scenario_value")
            close(d["delta"], (new - base)[i], f"{name}{point} {m} delta")


@checks("scenario_node_deltas")
def _scenario_node_deltas(ctx: Ctx) -> None:
    df = _node_rows(ctx, "scenario_node_deltas")
    for (name, point), ms in scenario_levels(ctx).items():
        for m, (base, new) in ms.items():
            d = df[(df["scenario"] == name) & (df["point"] == point) & (df["measure"] == m)]
            i = ctx.node(d)
            close(grid((len(base),), (i,), d["delta"]), new - base, f"{name}{point} {m}")
            close(d["pct_change"], 100 * (new - base)[i] / base[i], f"{name}{point} {m} pct")


def _by_country(r: Ref, a: np.ndarray) -> np.ndarray:
    return a.reshape(r.G, r.N).sum(axis=1)


def _check_countries(ctx: Ctx, df: pd.DataFrame, pct: bool) -> None:
    r = ctx.ref[2009]
    for (name, point), ms in scenario_levels(ctx).items():
        d0 = df[(df["scenario"] == name) & (df["point"] == point)]
        assert set(d0["measure"]) == set(ms)
        for m, (base, new) in ms.items():
            d = d0[d0["measure"] == m]
            b, s = _by_country(r, base), _by_country(r, new)
            c = ctx.cpos(d["country"])
            close(grid((r.G,), (c,), d["baseline"]), b, f"{name}{point} {m} baseline")
            close(grid((r.G,), (c,), d["scenario_value"]), s, f"{name}{point} {m} value")
            close(d["delta"], (s - b)[c], f"{name}{point} {m} delta")
            if pct:
                close(d["pct_change"], 100 * (s - b)[c] / b[c], f"{name}{point} {m} pct")


@checks("scenario_countries")
def _scenario_countries(ctx: Ctx) -> None:
    _check_countries(ctx, _node_rows(ctx, "scenario_countries"), pct=False)
    # import substitution keeps the column sums of A: world value added is conserved
    r = ctx.ref[2009]
    base, new = substituted(r)["value_added"]
    close([new.sum()], [base.sum()], "world value added conserved")


@checks("scenario_country_deltas")
def _scenario_country_deltas(ctx: Ctx) -> None:
    df = _node_rows(ctx, "scenario_country_deltas")
    kinds = dict(zip(df["scenario"], df["kind"], strict=False))
    assert kinds == {n: SCENARIOS[n]["kind"] for n in ("shock", "subst")}
    _check_countries(ctx, df, pct=True)


@checks("scenario_gains_losses")
def _scenario_gains_losses(ctx: Ctx) -> None:
    r = ctx.ref[2009]
    for (name, point), ms in scenario_levels(ctx).items():
        got = ctx.sql("SELECT * FROM scenario_gains_losses(?, ?, 2009, ?)", DATASET, name, point)
        base, new = (_by_country(r, a) for a in ms["value_added"])
        delta = new - base
        order = np.argsort(-delta, kind="stable")
        assert got["country"].tolist() == [COUNTRIES[k] for k in order], (name, point)
        close(got["delta"], delta[order], f"{name}{point} delta")
        close(got["baseline"], base[order], "baseline")
        close(got["scenario_value"], new[order], "scenario_value")
        close(got["pct_change"], 100 * delta[order] / base[order], "pct_change")
        losses = np.minimum(delta, 0).sum()
        share = np.where(delta < 0, delta / losses if losses else np.nan, np.nan)
        close(got["share_of_losses"], share[order], f"{name}{point} share_of_losses")


def cluster_values(r: Ref, A: np.ndarray) -> dict[str, float]:
    """Output, value added, gross exports and the shares that follow, of cluster CHN/D, on
    the table with coefficients ``A`` and the same final demand."""
    x = np.linalg.solve(np.eye(r.n) - A, r.y)
    Z = A * x[None, :]
    foreign = r.c != CHN
    exports = Z[CHN_D, foreign].sum() + r.E_fin[CHN_D].sum()
    return {
        "output": x[CHN_D],
        "value_added": r.v[CHN_D] * x[CHN_D],
        "gross_exports": exports,
        "export_share": exports / x[CHN_D],
        "foreign_input_share": Z[foreign, CHN_D].sum() / Z[:, CHN_D].sum(),
    }


@checks("scenario_clusters")
def _scenario_clusters(ctx: Ctx) -> None:
    df = _node_rows(ctx, "scenario_clusters")
    assert set(df["scenario"]) == {"subst"} and set(df["cluster"]) == {"CHN:D"}
    r = ctx.ref[2009]
    before, after = cluster_values(r, r.A), cluster_values(r, substituted_A(r))
    d = df.set_index("measure")
    for k in before:
        close([d.loc[k, "baseline"], d.loc[k, "scenario_value"]], [before[k], after[k]], k)
        close([d.loc[k, "delta"]], [after[k] - before[k]], f"{k} delta", rtol=1e-8)
    close(d["delta"], d["scenario_value"] - d["baseline"], "delta = scenario - baseline")


@checks("scenario_flags")
def _scenario_flags(ctx: Ctx) -> None:
    df = _node_rows(ctx, "scenario_flags")
    got = {(f, None if pd.isna(s) else s) for f, s in zip(df["flag"], df["sector"], strict=True)}
    assert got == {
        ("closed_cluster", None),
        ("closed_national_chain", "D"),
        ("focal_structure", "D"),
    }, got
    assert (df["country"] == "CHN").all() and (df["cluster"] == "CHN:D").all()
    # the metrics a closed-cluster reason cites are the cluster's values after the change
    clusters = ctx.sql("SELECT measure, scenario_value FROM scenario_clusters")
    after = dict(zip(clusters["measure"], clusters["scenario_value"], strict=True))
    reasons = df[df["flag"] == "closed_cluster"]["scenario_reasons"].iloc[0]
    cited = re.findall(r"([a-z_]+) (-?[0-9.e+-]+) (?:>=|<=|>|<)", reasons)
    assert cited
    for metric, value in cited:
        close([float(value)], [after[metric]], metric, rtol=5e-3)


def sda_levels(ctx: Ctx) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each SDA measure in 2008 and 2009."""
    out: dict[str, list[np.ndarray]] = {}
    for y in (2008, 2009):
        r = ctx.ref[y]
        w = wwyz_expected(r)
        lv = {k: w[f"{k}_f"] for k in ("V_D", "V_RT", "V_GVC_S", "V_GVC_C")}
        lv["va_flows"] = r.VBY
        gvc_f = w["V_GVC_S_f"] + w["V_GVC_C_f"]
        gvc_b = w["V_GVC_S_b"] + w["V_GVC_C_b"]
        lv["gvc_forward_rate"] = _by_country(r, gvc_f) / _by_country(r, r.va)
        lv["gvc_backward_rate"] = _by_country(r, gvc_b) / _by_country(r, r.y)
        for k, a in lv.items():
            out.setdefault(k, []).append(a)
    return {k: (a, b) for k, (a, b) in out.items()}


def _sda_grid(ctx: Ctx, d: pd.DataFrame, col: str, shape) -> np.ndarray:
    if len(shape) == 2:
        return grid(shape, (d["node"].to_numpy(dtype=np.int64), ctx.cpos(d["destination"])), d[col])
    if d["node"].notna().all():
        return grid(shape, (d["node"].to_numpy(dtype=np.int64),), d[col])
    return grid(shape, (ctx.cpos(d["country"]),), d[col])


@checks("scenario_sda")
def _scenario_sda(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM scenario_sda WHERE dataset = ?", DATASET)
    assert (df["year_from"] == 2008).all() and (df["year_to"] == 2009).all()
    levels = sda_levels(ctx)
    assert set(df["measure"]) == set(levels)
    for m, (a, b) in levels.items():
        d = df[df["measure"] == m]
        close(_sda_grid(ctx, d, "baseline", a.shape), a, f"{m} 2008")
        close(_sda_grid(ctx, d, "scenario_value", a.shape), b, f"{m} 2009")
        close(_sda_grid(ctx, d, "delta", a.shape), b - a, f"{m} delta")
        terms = d[["va_coefficients", "technology", "fd_structure", "fd_level"]].sum(axis=1)
        close(terms, d["delta"], f"{m}: four terms = change", rtol=1e-8)


@checks("scenario_sda_countries")
def _scenario_sda_countries(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM scenario_sda_countries WHERE dataset = ?", DATASET)
    raw = ctx.sql("SELECT * FROM scenario_sda WHERE dataset = ?", DATASET)
    keys = ["measure", "country", "destination"]
    cols = [
        "baseline",
        "scenario_value",
        "delta",
        "va_coefficients",
        "technology",
        "fd_structure",
        "fd_level",
    ]
    want = raw.groupby(keys, dropna=False, as_index=False)[cols].sum()
    got = df.sort_values(keys).reset_index(drop=True)
    want = want.sort_values(keys).reset_index(drop=True)
    assert len(got) == len(want)
    for c in cols:
        close(got[c], want[c], c)
    # va_flows by origin and destination country against V B Y of each year
    r8, r9 = ctx.ref[2008], ctx.ref[2009]
    d = got[got["measure"] == "va_flows"]
    idx = (ctx.cpos(d["country"]), ctx.cpos(d["destination"]))
    close(grid((r9.G, r9.G), idx, d["baseline"]), r8.by_country(r8.VBY), "va_flows 2008")
    close(grid((r9.G, r9.G), idx, d["scenario_value"]), r9.by_country(r9.VBY), "va_flows 2009")


@checks("scenario_status")
def _scenario_status(ctx: Ctx) -> None:
    for con, stale in ((ctx.con, set()), (ctx.variant("stale"), {"subst"})):
        df = con.execute("SELECT * FROM scenario_status WHERE dataset = ?", [DATASET]).df()
        got = {
            (s, k, y, None if pd.isna(b) else b, p)
            for s, k, y, b, p in zip(
                df["scenario"], df["kind"], df["year"], df["base_year"], df["points"], strict=True
            )
        }
        assert got == {
            ("shock", "demand_shock", 2009, None, 2),
            ("subst", "import_substitution", 2009, None, 1),
            ("sda", "sda", 2009, 2008, 0),
        }, got  # an SDA has no grid points
        assert set(df[~df["definition_current"].astype(bool)]["scenario"]) == stale
        assert df["input_current"].all() and df["version_current"].all()
        assert (df["fresh"] == df["definition_current"]).all()


def _audit_rows(ctx: Ctx, name: str):
    assert ctx.sql(f"SELECT count(*) AS n FROM {name}")["n"].iloc[0] == 0, name
    return ctx.variant("scenario_tampered").execute(f"SELECT * FROM {name}").df()


@checks("audit_scenario_sda_sums")
def _audit_scenario_sda_sums(ctx: Ctx) -> None:
    got = _audit_rows(ctx, "audit_scenario_sda_sums")
    raw = ctx.sql(
        "SELECT * FROM scenario_sda WHERE dataset = ? AND measure = 'V_D' AND node = 5", DATASET
    ).iloc[0]
    assert len(got) == 1 and got["measure"].iloc[0] == "V_D" and got["node"].iloc[0] == 5
    close([got["delta"].iloc[0], got["terms"].iloc[0]], [raw["delta"], raw["delta"] + 1000], "sda")


@checks("audit_scenario_va_conserved")
def _audit_scenario_va_conserved(ctx: Ctx) -> None:
    got = _audit_rows(ctx, "audit_scenario_va_conserved")
    r = ctx.ref[2009]
    base, new = substituted(r)["value_added"]
    assert got[["scenario", "year", "point"]].values.tolist() == [["subst", 2009, ""]]
    close([got["world_delta"].iloc[0]], [new.sum() - base.sum() + 1e6], "world_delta", 1e-6)
    close([got["world_value_added"].iloc[0]], [base.sum()], "world_value_added")
