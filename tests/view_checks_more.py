"""Value checks of the embeddedness, cluster, lock-in and chain objects (see view_checks.py).

Lock-in flags are recomputed here from their rule text (gvc/lockin_defaults.toml merged with
:data:`small_real_store.RULES`) on metrics written out in numpy; chain statistics come from
sums over all paths (:mod:`path_sums`) and an explicit enumeration of the largest paths.
"""

from __future__ import annotations

import json
import math
import tomllib

import numpy as np
import pandas as pd
from path_sums import series_sums
from small_real_store import (
    CHAINS,
    CLUSTERS,
    COUNTRIES,
    DATASET,
    NOT_A_NODE,
    RULES,
    SECTORS,
    YEARS,
)
from view_checks import Ctx, Ref, checks, close, per_year, wwyz_expected

# ------------------------------------------------------------------------------ embeddedness


def supplier_shares(r: Ref) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """HHI, top share and top sector of each node's domestic suppliers other than itself."""
    hhi, top, pos = np.full(r.n, np.nan), np.full(r.n, np.nan), np.full(r.n, np.nan)
    for j in range(r.n):
        sup = [i for i in range(r.n) if r.c[i] == r.c[j] and i != j]
        z = r.Z[sup, j]
        if z.sum() > 0:
            s = z / z.sum()
            hhi[j], top[j], pos[j] = (s**2).sum(), s.max(), sup[int(s.argmax())] % r.N
    return hhi, top, pos


def all_destinations_paths(ctx: Ctx, r: Ref) -> dict[str, np.ndarray]:
    """Path sums of all final demand (every destination), per origin node."""
    from gvc.chains.geography import country_geography

    geo = country_geography(COUNTRIES)
    parts = [
        series_sums(r.A, r.Y[:, d], d, r.G, r.N, geo.km, geo.continent_share) for d in range(r.G)
    ]
    return {k: sum(p[k] for p in parts) for k in ("value", "crossings", "returns", "visited")}


def embeddedness_expected(ctx: Ctx, r: Ref) -> tuple[dict[str, np.ndarray], set[str]]:
    """Every stored measure (public functions), and which of them are written out here."""
    return r.memo(("embeddedness",), lambda: _embeddedness_expected(ctx, r))


def _embeddedness_expected(ctx: Ctx, r: Ref) -> tuple[dict[str, np.ndarray], set[str]]:
    from gvc.indicators.derived import Derived
    from gvc.kernels.network import SCOPES
    from gvc.lockin import betweenness_centrality
    from gvc.lockin.measures import BETWEENNESS_MIN_SHARE
    from gvc.lockin.steps import embeddedness_measures

    out = dict(embeddedness_measures(Derived(r.t)))
    for s in SCOPES:
        out[f"znet_betweenness_{s}"] = betweenness_centrality(
            r.Z, r.G, r.N, scope=s, min_share=BETWEENNESS_MIN_SHARE
        )
    w = wwyz_expected(r)
    hhi, top, pos = supplier_shares(r)
    p = all_destinations_paths(ctx, r)
    dom_in = np.where(r.dom, r.Z, 0.0)
    fva = np.where(r.dom, 0.0, r.v[:, None] * r.B).sum(axis=0) * r.e
    direct = {
        "output": r.x,
        "value_added": r.va,
        "gross_exports": r.e,
        "final_goods": r.y,
        "intermediate_inputs": r.Z.sum(axis=0),
        "intermediate_sales": r.Z.sum(axis=1),
        "export_share": r.e / r.x,
        "domestic_input_share": dom_in.sum(axis=0) / r.Z.sum(axis=0),
        "domestic_sales_share": dom_in.sum(axis=1) / r.Z.sum(axis=1),
        "fva_share": fva / r.e,
        "gvc_forward": (w["V_GVC_S_f"] + w["V_GVC_C_f"]) / r.va,
        "gvc_backward": (r.v @ r.L @ r.AF @ r.B),
        "pure_domestic_share": w["V_D_f"] / r.va,
        "traditional_trade_share": w["V_RT_f"] / r.va,
        "domestic_input_hhi": hhi,
        "top_domestic_supplier_share": top,
        "top_domestic_supplier_pos": pos,
        "crossings_mean": p["crossings"] / p["value"],
        "returns_mean": p["returns"] / p["value"],
        "countries_visited_mean": p["visited"] / p["value"],
    }
    assert set(direct) <= set(out)
    out.update(direct)
    return out, set(direct)


def _by_node(ctx: Ctx, d: pd.DataFrame, n: int) -> np.ndarray:
    got = np.full(n, np.nan)
    got[ctx.node(d)] = d["value"].to_numpy(dtype=np.float64)
    return got


@checks("embeddedness")
def _embeddedness(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "embeddedness").items():
        want, _ = embeddedness_expected(ctx, r)
        assert set(df["measure"]) == set(want)
        for k, a in want.items():
            close(_by_node(ctx, df[df["measure"] == k], r.n), a, k, rtol=1e-8)


@checks("embeddedness_measures")
def _embeddedness_measures(ctx: Ctx) -> None:
    from gvc.lockin.measures import MEASURES

    df = ctx.sql("SELECT * FROM embeddedness_measures")
    got = {
        row.measure: (row.aggregation, None if _null(row.weight) else row.weight, row.doc)
        for row in df.itertuples(index=False)
    }
    assert got == {k: (m.aggregation, m.weight, m.doc) for k, m in MEASURES.items()}


@checks("embeddedness_wide")
def _embeddedness_wide(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "embeddedness_wide").items():
        want, _ = embeddedness_expected(ctx, r)
        assert len(df) == r.n
        i = ctx.node(df)
        measures = [c for c in df.columns if c not in ("dataset", "year", "country", "sector")]
        assert {"participation", "top_domestic_supplier"} <= set(measures)
        for k in measures:
            if k == "participation":
                exp = want["gvc_backward"] + want["gvc_forward"]
            elif k == "top_domestic_supplier":
                pos = want["top_domestic_supplier_pos"][i]
                labels = [None if np.isnan(p) else SECTORS[int(p)] for p in pos]
                assert df[k].where(df[k].notna(), None).tolist() == labels
                continue
            else:
                exp = want[k]
            got = np.full(r.n, np.nan)
            got[i] = df[k].to_numpy(dtype=np.float64)
            close(got, exp, k, rtol=1e-8)
    # edges: node 0 (CHN/AtC) without a largest domestic supplier keeps its row
    got = ctx.edges.execute(
        "SELECT country, sector, top_domestic_supplier FROM embeddedness_wide "
        "WHERE dataset = ? AND year = 2009",
        [DATASET],
    ).df()
    assert len(got) == len(COUNTRIES) * len(SECTORS)
    none = got[got["top_domestic_supplier"].isna()]
    assert list(zip(none["country"], none["sector"], strict=True)) == [("CHN", "AtC")]


# ------------------------------------------------------------------------------ clusters


def _null(x) -> bool:
    """A SQL NULL as pandas returns it (None, NaN or NA; a list is never null)."""
    return not isinstance(x, list | np.ndarray) and bool(pd.isna(x))


def _members(name: str) -> np.ndarray:
    N = len(SECTORS)
    return np.array([COUNTRIES.index(c) * N + SECTORS.index(s) for c, s in CLUSTERS[name]])


@checks("cluster_members")
def _cluster_members(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM cluster_members WHERE dataset = ?", DATASET)
    got = {
        (r.cluster, r.country, r.sector, None if _null(r.node) else int(r.node))
        for r in df.itertuples(index=False)
    }
    want = {
        (k, c, s, COUNTRIES.index(c) * len(SECTORS) + SECTORS.index(s))
        for k, members in CLUSTERS.items()
        for c, s in members
    }
    assert got == want | {(*NOT_A_NODE, None)}  # a member that is no node: node NULL


LINKS = ("intra_cluster_sales_share", "intra_cluster_input_share", "foreign_input_share")


def _cluster_rows(df: pd.DataFrame, values: dict, Z: np.ndarray, r: Ref, what: str) -> None:
    """One year of cluster_embeddedness against the aggregation rules and the flows ``Z``."""
    from gvc.lockin.measures import MEASURES

    assert set(df["cluster"]) == set(CLUSTERS)
    aggregated = [k for k, spec in MEASURES.items() if spec.aggregation != "none"]
    for name in CLUSTERS:
        m = _members(name)
        d = df[df["cluster"] == name].set_index("measure")
        assert set(d.index) == set(aggregated) | set(LINKS), name
        for k in aggregated:
            spec = MEASURES[k]
            x = values[k][m]
            if spec.aggregation == "sum":
                want = np.nansum(x)
            else:
                w = values[spec.weight][m]
                ok = ~np.isnan(x) & ~np.isnan(w)
                want = (x[ok] * w[ok]).sum() / w[ok].sum() if w[ok].sum() else np.nan
            close([d.loc[k, "value"]], [want], f"{what} {name} {k}", rtol=1e-8)
            assert d.loc[k, "members"] == np.count_nonzero(~np.isnan(x)), (name, k)
        inside = np.zeros(r.n, dtype=bool)
        inside[m] = True
        intra = Z[np.ix_(inside, inside)].sum()
        sales, inputs = Z[inside].sum(), Z[:, inside].sum()
        foreign = sum(Z[i, j] for j in m for i in range(r.n) if r.c[i] != r.c[j])

        def ratio(a: float, b: float) -> float:
            return a / b if b else np.nan  # NULL for a zero denominator

        want = {
            "intra_cluster_sales_share": ratio(intra, sales),
            "intra_cluster_input_share": ratio(intra, inputs),
            "foreign_input_share": ratio(foreign, inputs),
        }
        for k, v in want.items():
            close([d.loc[k, "value"]], [v], f"{what} {name} {k}")
            assert d.loc[k, "members"] == len(m)


@checks("cluster_embeddedness")
def _cluster_embeddedness(ctx: Ctx) -> None:
    for y, (df, r) in per_year(ctx, "cluster_embeddedness").items():
        values, _ = embeddedness_expected(ctx, r)
        _cluster_rows(df, values, r.Z, r, str(y))
    # edges (view_checks.EDGES): weights that sum to zero, NULL values, intermediate sales
    # (china) and inputs (transatlantic) that sum to zero
    r = ctx.ref[2009]
    values = {k: v.copy() for k, v in embeddedness_expected(ctx, r)[0].items()}
    values["output"][[1, 3]] = [1.0, -1.0]
    values["fva_share"][5] = values["value_added"][5] = np.nan
    Z = r.Z.copy()
    Z[[1, 3], :] = 0.0
    Z[:, [5, 6, 9]] = 0.0
    Z[1, 3], Z[1, 0], Z[5, 9], Z[8, 9] = 10.0, -10.0, 10.0, -10.0
    df = ctx.edges.execute(
        "SELECT * FROM cluster_embeddedness WHERE dataset = ? AND year = 2009", [DATASET]
    ).df()
    _cluster_rows(df, values, Z, r, "edges")


# ------------------------------------------------------------------------------ lock-in


def rules() -> dict:
    from gvc.lockin import load_rules

    return load_rules(overrides=RULES)


def flags_expected(ctx: Ctx) -> pd.DataFrame:
    """``year, country, sector, cluster, flag, flagged`` recomputed from the rule text."""
    p = rules()
    rows = []
    metrics = {}
    for y in YEARS:
        r = ctx.ref[y]
        w = wwyz_expected(r)
        hhi, top, _ = supplier_shares(r)
        dis = np.where(r.dom, r.Z, 0.0).sum(axis=0) / r.Z.sum(axis=0)
        metrics[y] = {
            "pds": w["V_D_f"] / r.va,
            "back": r.v @ r.L @ r.AF @ r.B,
            "fwd": (w["V_GVC_S_f"] + w["V_GVC_C_f"]) / r.va,
        }
        f = p["focal_structure"]
        for i in range(r.n):
            cond = (hhi[i] >= f["hhi_threshold"], top[i] >= f["top_supplier_share_threshold"])
            hit = any(cond) if f["combine"] == "any" else all(cond)
            rows.append(
                (y, i, None, "focal_structure", hit and dis[i] >= f["min_domestic_input_share"])
            )
        # closed national chain: percentiles (linear) of the sector across the countries
        q = p["closed_national_chain"]
        m = metrics[y]
        for k in range(r.N):
            nodes = np.arange(r.G) * r.N + k
            hi = np.percentile(m["pds"][nodes], q["pure_domestic_share_percentile"])
            lo_b = np.percentile(m["back"][nodes], q["backward_percentile"])
            lo_f = np.percentile(m["fwd"][nodes], q["forward_percentile"])
            for i in nodes:
                hit = m["pds"][i] >= max(hi, q["min_pure_domestic_share"])
                hit = hit and m["back"][i] <= lo_b and m["fwd"][i] <= lo_f
                rows.append((y, i, None, "closed_national_chain", bool(hit)))
        # closed cluster: the cluster's metrics against the thresholds
        cc = p["closed_cluster"]
        for name in CLUSTERS:
            mem = _members(name)
            inside = np.zeros(r.n, dtype=bool)
            inside[mem] = True
            intra = r.Z[np.ix_(inside, inside)].sum() / r.Z[inside].sum()
            exp = r.e[mem].sum() / r.x[mem].sum()
            back = (r.x[mem] * m["back"][mem]).sum() / r.x[mem].sum()
            hit = (
                intra >= cc["min_intra_cluster_share"]
                and exp <= cc["max_export_share"]
                and back <= cc["max_backward"]
            )
            rows += [(y, i, name, "closed_cluster", bool(hit)) for i in mem]
    # declining integration: relative fall of backward + forward participation over the window
    d = p["declining_integration"]
    for y in YEARS:
        for i in range(ctx.ref[y].n):
            base = y - d["years"]
            hit = False
            if base in metrics:
                p0 = metrics[base]["back"][i] + metrics[base]["fwd"][i]
                p1 = metrics[y]["back"][i] + metrics[y]["fwd"][i]
                hit = p0 >= d["min_base_participation"] and (p0 - p1) / p0 >= d["relative_decline"]
            rows.append((y, i, None, "declining_integration", bool(hit)))
    out = pd.DataFrame(rows, columns=["year", "node", "cluster", "flag", "flagged"])
    out["country"] = [COUNTRIES[i // len(SECTORS)] for i in out["node"]]
    out["sector"] = [SECTORS[i % len(SECTORS)] for i in out["node"]]
    return out.drop(columns="node")


KEY = ["year", "country", "sector", "cluster", "flag"]


def _keyed(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["cluster"] = df["cluster"].where(df["cluster"].notna(), "")
    df["year"] = df["year"].astype(int)
    return df.set_index(KEY).sort_index()


@checks("lockin_flags")
def _lockin_flags(ctx: Ctx) -> None:
    got = _keyed(ctx.sql("SELECT * FROM lockin_flags WHERE dataset = ?", DATASET))
    want = _keyed(flags_expected(ctx))
    assert got.index.equals(want.index)
    assert got["flagged"].tolist() == want["flagged"].tolist()
    # the rows the Python computation returned (score, reasons, metrics, thresholds)
    py = _keyed(ctx.store.flags)
    assert got.index.equals(py.index)
    close(got["score"], py["score"], "score")
    assert got["reasons"].tolist() == py["reasons"].tolist()
    for col in ("metrics", "thresholds"):
        assert [json.loads(s) for s in got[col]] == [json.loads(s) for s in py[col]], col


def _flags(ctx: Ctx) -> pd.DataFrame:
    """The recomputed flags with the score the Python computation gave (cluster '' if none)."""
    f = _keyed(flags_expected(ctx))
    py = _keyed(ctx.store.flags)
    assert f.index.equals(py.index)
    f["score"] = py["score"].to_numpy(dtype=np.float64)
    return f.reset_index()


@checks("lockin_flag_counts")
def _lockin_flag_counts(ctx: Ctx) -> None:
    f = _flags(ctx)
    got = ctx.sql("SELECT * FROM lockin_flag_counts WHERE dataset = ?", DATASET)
    got = got.set_index(["year", "flag"]).sort_index()
    want = f.groupby(["year", "flag"]).agg(
        flagged_nodes=("flagged", "sum"), evaluated_nodes=("score", "count")
    )
    assert got.index.tolist() == want.index.tolist()
    assert got["flagged_nodes"].tolist() == want["flagged_nodes"].tolist()
    assert got["evaluated_nodes"].tolist() == want["evaluated_nodes"].tolist()
    assert want["flagged_nodes"].sum() > 0


@checks("lockin_flagged")
def _lockin_flagged(ctx: Ctx) -> None:
    f = _flags(ctx)
    for country in COUNTRIES:
        got = ctx.sql("SELECT * FROM lockin_flagged(?, ?)", DATASET, country)
        want = f[(f["country"] == country) & f["flagged"]].sort_values(["flag", "sector", "year"])
        assert list(zip(got["flag"], got["sector"], got["year"], strict=True)) == list(
            zip(want["flag"], want["sector"], want["year"], strict=True)
        ), country
        close(got["score"], want["score"], f"{country} score")


def _label(row) -> str:
    return f"{row.country}/{row.sector}" + (f" [{row.cluster}]" if row.cluster else "")


@checks("lockin_flag_changes")
def _lockin_flag_changes(ctx: Ctx) -> None:
    f = _flags(ctx)
    f["node"] = [_label(r) for r in f.itertuples(index=False)]
    for country in (None, *COUNTRIES):
        got = ctx.sql("SELECT * FROM lockin_flag_changes(?, ?)", DATASET, country)
        sub = f if country is None else f[f["country"] == country]
        rows = []
        for flag in sorted(set(sub["flag"])):
            prev = None
            for y in YEARS:
                now = set(sub[(sub["flag"] == flag) & (sub["year"] == y) & sub["flagged"]]["node"])
                entered = sorted(now - prev) if prev is not None else []
                left = sorted(prev - now) if prev is not None else []
                rows.append(
                    (
                        y,
                        flag,
                        len(now),
                        len(entered),
                        len(left),
                        ", ".join(entered) or None,
                        ", ".join(left) or None,
                    )
                )
                prev = now
        got_rows = sorted(
            (
                int(r.year),
                r.flag,
                int(r.flagged),
                int(r.entered),
                int(r.left),
                r.entered_nodes if isinstance(r.entered_nodes, str) else None,
                r.left_nodes if isinstance(r.left_nodes, str) else None,
            )
            for r in got.itertuples(index=False)
        )
        assert got_rows == sorted(rows), country
    assert any(r[3] or r[4] for r in rows)  # something entered or left the flagged sets


@checks("lockin_rules_latest")
def _lockin_rules_latest(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM lockin_rules_latest WHERE dataset = ?", DATASET)
    assert len(df) == 1
    assert tomllib.loads(df["rules_toml"].iloc[0]) == rules()
    clusters = json.loads(df["clusters"].iloc[0])
    assert {k: sorted(map(tuple, v)) for k, v in clusters.items()} == {
        k: sorted(v) for k, v in CLUSTERS.items()
    }
    stamp = ctx.sql("SELECT max(computed_at) AS t FROM lockin_flags WHERE dataset = ?", DATASET)
    assert df["computed_at"].iloc[0] == stamp["t"].iloc[0]


@checks("lockin_schema")
def _lockin_schema(ctx: Ctx) -> None:
    df = ctx.sql("SELECT cluster, country, sector FROM clusters WHERE dataset = ?", DATASET)
    got = {(r.cluster, r.country, r.sector) for r in df.itertuples(index=False)}
    assert got == {(k, c, s) for k, m in CLUSTERS.items() for c, s in m} | {NOT_A_NODE}
    n = ctx.sql("SELECT count(*) AS n FROM lockin_rules WHERE dataset = ?", DATASET)["n"].iloc[0]
    assert n == 1
    rows = ctx.sql("SELECT count(*) AS n FROM facts.lockin_flags WHERE dataset = ?", DATASET)
    assert rows["n"].iloc[0] == len(ctx.store.flags)


# ------------------------------------------------------------------------------ chains


def chain_paths(ctx: Ctx, r: Ref, name: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Path sums of a chain of :data:`CHAINS` and its final demand ``y`` (one destination)."""
    from gvc.chains.geography import country_geography

    spec = CHAINS[name]

    def key() -> tuple[dict[str, np.ndarray], np.ndarray]:
        geo = country_geography(COUNTRIES)
        dest = COUNTRIES.index(spec["destination"])
        node_c, node_s = np.divmod(np.arange(r.n), r.N)
        keep = np.ones(r.n, dtype=bool)
        if spec["countries"] is not None:
            keep &= np.isin(node_c, [COUNTRIES.index(c) for c in spec["countries"]])
        if spec["sectors"] is not None:
            keep &= np.isin(node_s, [SECTORS.index(k) for k in spec["sectors"]])
        y = np.where(keep, r.Y[:, dest], 0.0)
        return series_sums(r.A, y, dest, r.G, r.N, geo.km, geo.continent_share), y

    return r.memo(("chain", name), key)


def _list(x) -> list[str] | None:
    return None if _null(x) else list(x)


@checks("chain_schema")
def _chain_schema(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM chains WHERE dataset = ?", DATASET).set_index("chain")
    assert set(df.index) == set(CHAINS)
    for name, spec in CHAINS.items():
        row = df.loc[name]
        assert _list(row["producers_countries"]) == _list(spec["countries"]), name
        assert _list(row["producers_sectors"]) == _list(spec["sectors"]), name
        assert _list(row["destinations"]) == [spec["destination"]], name
        assert row["km_source"] == "natural_earth" and _null(row["km_file"])
        totals = ctx.sql(
            "SELECT year, value_added FROM chain_totals WHERE dataset = ? AND chain = ? "
            "ORDER BY year",
            DATASET,
            name,
        )
        assert totals["year"].tolist() == list(spec["years"]), name
        for y, va in zip(totals["year"], totals["value_added"], strict=True):
            r = ctx.ref[y]
            s, _ = chain_paths(ctx, r, name)
            close([va], [r.v @ s["value"]], f"{name} {y} value_added")
            n_geo = ctx.sql(
                "SELECT count(*) AS n FROM chain_geography WHERE dataset = ? AND chain = ? "
                "AND year = ?",
                DATASET,
                name,
                y,
            )["n"].iloc[0]
            assert n_geo == np.count_nonzero(r.v * s["value"]), (name, y)


@checks("chain_tables")
def _chain_tables(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM chain_tables(?)", DATASET)
    assert df["chain"].tolist() == sorted(CHAINS)
    for row in df.itertuples(index=False):
        spec = CHAINS[row.chain]
        years = spec["years"]
        first = None if _null(row.first_year) else row.first_year
        last = None if _null(row.last_year) else row.last_year
        assert (row.years_computed, first, last) == (
            len(years),
            min(years, default=None),
            max(years, default=None),
        ), row.chain
        assert _list(row.producers_countries) == _list(spec["countries"])
        assert _list(row.producers_sectors) == _list(spec["sectors"])
        assert _list(row.destinations) == [spec["destination"]]
        assert row.km_source == "natural_earth" and _null(row.km_file) and _null(row.km_fallback)


@checks("chain_origins")
def _chain_origins(ctx: Ctx) -> None:
    for name, spec in CHAINS.items():
        for y in spec["years"]:
            r = ctx.ref[y]
            s, _ = chain_paths(ctx, r, name)
            got = ctx.sql("SELECT * FROM chain_origins(?, ?, ?)", DATASET, name, y)
            va = r.by_country(r.v * s["value"])
            order = [k for k in np.argsort(-va, kind="stable") if va[k] != 0]
            assert got["origin_country"].tolist() == [COUNTRIES[k] for k in order], (name, y)
            close(got["value_added"], va[order], "value_added")
            close(got["share"], va[order] / va.sum(), "share")
            cross = r.by_country(r.v * s["crossings"]) / np.where(va != 0, va, 1.0)
            km = r.by_country(r.v * s["km"]) / np.where(va != 0, va, 1.0)
            close(got["crossings_mean"], cross[order], f"{name} {y} crossings")
            close(got["km_mean"], km[order], f"{name} {y} km")
    # edges: DEU's value added in the chain sums to zero (1 - 1): its means are undefined
    got = ctx.edges.execute(
        "SELECT origin_country, value_added, share, crossings_mean IS NULL AS c, "
        "km_mean IS NULL AS k FROM chain_origins(?, 'manuf_usa', 2009)",
        [DATASET],
    ).df()
    assert got["origin_country"].iloc[-1] == "DEU"
    last = got.iloc[-1]
    assert (last["value_added"], last["share"], last["c"], last["k"]) == (0.0, 0.0, True, True)
    assert not got["c"].iloc[:-1].any()


def chain_totals_expected(ctx: Ctx, r: Ref, name: str) -> dict[str, float]:
    """Every column of ``chain_totals`` for one chain-year, from the path sums."""
    s, _ = chain_paths(ctx, r, name)
    va_node = r.v * s["value"]
    va = va_node.sum()
    mean = {key: float(r.v @ s[key] / va) for key in s if key != "left"}
    p = r.by_country(va_node) / va
    return {
        "value_added": va,
        "crossings_mean": mean["crossings"],
        "crossings_var": mean["crossings2"] - mean["crossings"] ** 2,
        "returns_mean": mean["returns"],
        "intercontinental_mean": mean["intercontinental"],
        "km_mean": mean["km"],
        "countries_visited_mean": mean["visited"],
        "countries_effective": math.exp(-(p[p > 0] * np.log(p[p > 0])).sum()),
        "countries_over": int((p >= 0.005).sum()),
        "production_length": mean["stages"],
        "pl_domestic": mean["stages_home"],
        "pl_border": mean["border_links"],
        "pl_foreign": mean["stages"] - mean["stages_home"] - mean["border_links"],
    }


@checks("chain_totals")
def _chain_totals(ctx: Ctx) -> None:
    got = ctx.sql("SELECT * FROM chain_totals WHERE dataset = ? ORDER BY chain, year", DATASET)
    ran = [(n, y) for n in sorted(CHAINS) for y in CHAINS[n]["years"]]
    assert list(zip(got["chain"], got["year"], strict=True)) == ran
    for k, (name, y) in enumerate(ran):
        want = chain_totals_expected(ctx, ctx.ref[y], name)
        assert set(got.columns) == {"dataset", "chain", "year", *want}
        for col, w in want.items():
            close([got[col].iloc[k]], [w], f"{name} {y} {col}", rtol=1e-8)


@checks("chain_geography")
def _chain_geography(ctx: Ctx) -> None:
    means = {
        "crossings_mean": "crossings",
        "returns_mean": "returns",
        "intercontinental_mean": "intercontinental",
        "km_mean": "km",
        "countries_visited_mean": "visited",
    }
    for name, spec in CHAINS.items():
        for y in spec["years"]:
            r = ctx.ref[y]
            s, _ = chain_paths(ctx, r, name)
            got = ctx.sql(
                "SELECT * FROM chain_geography WHERE dataset = ? AND chain = ? AND year = ?",
                DATASET,
                name,
                y,
            )
            i = ctx.node(got, "origin_country", "origin_sector")
            va = r.v * s["value"]
            keep = va != 0
            assert sorted(i) == list(np.flatnonzero(keep)), (name, y)
            close(got["value_added"], va[i], f"{name} {y} value_added")
            for col, key in means.items():
                close(got[col], s[key][i] / s["value"][i], f"{name} {y} {col}", rtol=1e-8)
            m = s["crossings"][i] / s["value"][i]
            var = s["crossings2"][i] / s["value"][i] - m**2
            close(got["crossings_var"], var, f"{name} {y} crossings_var", rtol=1e-7)


@checks("chain_report")
def _chain_report(ctx: Ctx) -> None:
    for name, spec in CHAINS.items():
        got = ctx.sql("SELECT * FROM chain_report(?, ?)", DATASET, name)
        assert got["year"].tolist() == list(spec["years"]), name
        for k, y in enumerate(spec["years"]):
            want = chain_totals_expected(ctx, ctx.ref[y], name)
            want["crossings_sd"] = math.sqrt(want.pop("crossings_var"))
            assert set(got.columns) == {"year", *want}
            for col, w in want.items():
                close([got[col].iloc[k]], [w], f"{name} {y} {col}", rtol=1e-8)


def largest_paths(ctx: Ctx, r: Ref, name: str, k: int) -> list[tuple[float, tuple[int, ...]]]:
    """Every path worth at least 1e-4 of the chain, by depth-first search; the k largest."""
    s, y = chain_paths(ctx, r, name)
    total = r.v @ s["value"]
    cut = 1e-4 * total
    found = []
    stack = [(r.v[i], (i,)) for i in range(r.n)]
    while stack:
        p, path = stack.pop()
        j = path[-1]
        if p * y[j] >= cut:
            found.append((p * y[j], path))
        for m in range(r.n):
            q = p * r.A[j, m]
            if q * s["value"][m] >= cut:  # the completions of this prefix can reach the cut
                stack.append((q, (*path, m)))
    found.sort(key=lambda t: -t[0])
    assert len(found) > k
    return found[:k]


@checks("chain_top_paths")
def _chain_top_paths(ctx: Ctx) -> None:
    from gvc.chains.geography import country_geography

    km = country_geography(COUNTRIES).km
    for name, spec in CHAINS.items():
        dest = spec["destination"]
        for y in spec["years"]:
            r = ctx.ref[y]
            got = ctx.sql("SELECT * FROM chain_top_paths(?, ?, ?, 5)", DATASET, name, y)
            want = largest_paths(ctx, r, name, 5)
            total = r.v @ chain_paths(ctx, r, name)[0]["value"]
            assert got["rank"].tolist() == [1, 2, 3, 4, 5]
            texts, crossings, kms = [], [], []
            for _, path in want:
                stages = [f"{COUNTRIES[i // r.N]}/{SECTORS[i % r.N]}" for i in path]
                texts.append(" -> ".join(stages) + f" -> [{dest}]")
                cs = [COUNTRIES[i // r.N] for i in path] + [dest]
                legs = [(a, b) for a, b in zip(cs, cs[1:], strict=False) if a != b]
                crossings.append(len(legs))
                kms.append(sum(km[COUNTRIES.index(a), COUNTRIES.index(b)] for a, b in legs))
            assert got["path"].tolist() == texts, (name, y)
            close(got["value"], [v for v, _ in want], f"{name} {y} value")
            close(got["share"], [v / total for v, _ in want], f"{name} {y} share")
            assert got["crossings"].tolist() == crossings
            close(got["km"], kms, f"{name} {y} km")


@checks("chain_paths")
def _chain_paths_view(ctx: Ctx) -> None:
    from gvc.chains.geography import country_geography

    km = country_geography(COUNTRIES).km
    for name, spec in CHAINS.items():
        dest = spec["destination"]
        for y in spec["years"]:
            r = ctx.ref[y]
            got = ctx.sql(
                "SELECT * FROM chain_paths WHERE dataset = ? AND chain = ? AND year = ? "
                "ORDER BY rank",
                DATASET,
                name,
                y,
            )
            want = largest_paths(ctx, r, name, 10)  # the chain keeps paths=10
            total = r.v @ chain_paths(ctx, r, name)[0]["value"]
            assert got["rank"].tolist() == list(range(1, 11)), (name, y)
            assert (got["destination"] == dest).all()
            for row, (v, path) in zip(got.itertuples(index=False), want, strict=True):
                cs = [COUNTRIES[i // r.N] for i in path]
                assert list(row.countries) == cs and list(row.sectors) == [
                    SECTORS[i % r.N] for i in path
                ], (name, y, row.rank)
                stops = [*cs, dest]
                legs = [(a, b) for a, b in zip(stops, stops[1:], strict=False) if a != b]
                assert row.crossings == len(legs)
                close(
                    [row.km],
                    [sum(km[COUNTRIES.index(a), COUNTRIES.index(b)] for a, b in legs)],
                    "km",
                )
                close([row.value, row.share], [v, v / total], f"{name} {y} path {row.rank}")
