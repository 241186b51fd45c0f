"""Value checks of the ledger, unit, position, final-output and product-group objects (see
view_checks.py).

Positions and final-product value chains are written out in numpy from their defining
formulas (Antras & Chor 2018 with the net-inventory correction of Antras et al. 2012;
Timmer et al. 2014, 2015: ``v-hat B y-hat``); the ledger view against a pandas join of the
ledger and the tables, on the store and on a copy with one input replaced behind gvc's back and
one result written by another version; the shipped product groups against the ISIC codes in
``datasets/classifications``.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
from small_real_store import (
    COUNTRIES,
    DATASET,
    DOUBLED,
    DOUBLED_COUNTRIES,
    OTHER_UNIT,
    PRODUCT_GROUPS,
    SECTORS,
    YEARS,
)
from view_checks import VARIANTS, Ctx, Ref, checks, close, grid, per_year

from gvc.paths import datasets_dir

# ------------------------------------------------------------------------------ ledger, units

VARIANTS.setdefault("stale", []).extend(
    [
        # an input changed behind gvc's back, and a result written by another gvc version
        f"UPDATE tables SET table_sha256 = 'f' || table_sha256[2:] WHERE dataset = '{DATASET}' "
        "AND year = 2008",
        f"UPDATE ledger SET gvc_version = '0.0.1' WHERE dataset = '{DATASET}' AND year = 2009 "
        "AND result = 'kww'",
    ]
)


def _results_expected(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    led = con.execute("SELECT * FROM ledger").df()
    tab = con.execute("SELECT dataset, year, table_sha256, file_sha256 FROM tables").df()
    version = con.execute("SELECT value FROM gvc_meta WHERE key = 'gvc_version'").fetchone()[0]
    q = led.merge(tab, on=["dataset", "year"], how="left")
    ident = q["table_sha256"].fillna(q["file_sha256"])
    q["input_current"] = (q["input_sha256"] == ident).fillna(False)
    q["version_current"] = q["gvc_version"] == version
    q["fresh"] = q["input_current"] & q["version_current"]
    return q


@checks("results")
def _results(ctx: Ctx) -> None:
    for con, stale in ((ctx.con, set()), (ctx.variant("stale"), {"2008", "kww 2009"})):
        got = con.execute("SELECT * FROM results ORDER BY dataset, year, result").df()
        want = _results_expected(con).sort_values(["dataset", "year", "result"])
        want = want.reset_index(drop=True)
        assert len(got) == len(want)
        for col in ("dataset", "year", "result", "kind", "rows", "producer", "options_hash"):
            assert got[col].tolist() == want[col].tolist(), col
        for col in ("input_current", "version_current", "fresh"):
            assert got[col].astype(bool).tolist() == want[col].astype(bool).tolist(), col
        bad = got[~got["fresh"].astype(bool) & (got["dataset"] == DATASET)]
        labels = {
            str(y) if not v else f"{r} {y}"
            for r, y, v in zip(bad["result"], bad["year"], bad["input_current"], strict=True)
        }
        assert labels == stale, labels
    # every result of the small store is there: steps, chains, groupings, scenarios, flags
    kinds = set(ctx.sql("SELECT DISTINCT kind FROM results")["kind"])
    assert {"step", "chain", "group", "scenario", "flags"} <= kinds, kinds


@checks("require_same_unit")
def _require_same_unit(ctx: Ctx) -> None:
    got = ctx.sql("SELECT require_same_unit(?, ?, 2009) AS ok", DATASET, DOUBLED)
    assert got["ok"].tolist() == [True]
    for other, year, words in (
        (
            OTHER_UNIT,
            2009,
            ["different units", f"{DATASET} in USD million", f"{OTHER_UNIT} in EUR million"],
        ),
        (DOUBLED, 2008, [f"no table for dataset {DOUBLED} year 2008"]),
    ):
        try:
            ctx.sql("SELECT require_same_unit(?, ?, ?) AS ok", DATASET, other, year)
        except duckdb.Error as e:
            assert all(w in str(e) for w in words), str(e)
        else:
            raise AssertionError(f"require_same_unit accepted {other} {year}")


@checks("compare_va_flows")
def _compare_va_flows(ctx: Ctx) -> None:
    r = ctx.ref[2009]
    F = r.by_country(r.VBY)  # [origin, destination], own absorption included
    got = ctx.sql("SELECT * FROM compare_va_flows(?, ?, 2009)", DATASET, DOUBLED)
    # matched on codes: RoW only in DATASET, ROW (the same region) only in DOUBLED
    a = {(COUNTRIES[i], COUNTRIES[j]): F[i, j] for i in range(r.G) for j in range(r.G)}
    b = {
        (DOUBLED_COUNTRIES[i], DOUBLED_COUNTRIES[j]): 2 * F[i, j]
        for i in range(r.G)
        for j in range(r.G)
    }
    keys = sorted(set(a) | set(b))
    assert list(zip(got["origin_country"], got["dest_country"], strict=True)) == keys
    want_a = np.array([a.get(k, np.nan) for k in keys])
    want_b = np.array([b.get(k, np.nan) for k in keys])
    close(got["value_a"], want_a, "value_a")
    close(got["value_b"], want_b, "value_b (doubled table)")
    close(got["difference"], want_a - want_b, "difference (NULL where one side is missing)")
    assert (got["unit"] == "USD million").all()
    try:
        ctx.sql("SELECT * FROM compare_va_flows(?, ?, 2009)", DATASET, OTHER_UNIT)
    except duckdb.Error as e:
        assert "different units" in str(e)
    else:
        raise AssertionError("compare_va_flows compared USD with EUR")


# ------------------------------------------------------------------------------ positions


def inventories(r: Ref) -> np.ndarray:
    """Net inventory change of each row (final-demand category INVEN, every destination)."""
    k = r.t.fd_categories.index("INVEN")
    return r.t.Y_detail.reshape(r.n, r.G, r.t.F)[:, :, k].sum(axis=1)


def positions_expected(Z, x, final, inv) -> dict[str, np.ndarray]:
    """U, D, F/GO, VA/GO (Antras & Chor 2018, eqs. 5-8) of a table, corrected for net
    inventories when ``inv`` is given: row i scaled by x_i / (x_i - N_i)."""
    s = np.ones_like(x) if inv is None else x / (x - inv)
    A = s[:, None] * Z / x[None, :]
    Bt = np.linalg.inv(np.eye(len(x)) - A)
    F = final if inv is None else s * (final - inv)
    return {
        "upstreamness": Bt @ x / x,
        "downstreamness": Bt.sum(axis=0),
        "final_use_share": F / x,
        "value_added_share": 1.0 - A.sum(axis=0),
    }


VARIANT_INV = {"inventory_corrected": True, "uncorrected": False}


@checks("positions")
def _positions(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "positions").items():
        assert set(df["variant"]) == set(VARIANT_INV)
        for variant, corrected in VARIANT_INV.items():
            d = df[df["variant"] == variant]
            assert len(d) == r.n
            i = ctx.node(d)
            want = positions_expected(r.Z, r.x, r.y, inventories(r) if corrected else None)
            for k, w in want.items():
                close(grid((r.n,), (i,), d[k]), w, f"{variant} {k}")
            close(grid((r.n,), (i,), d["output"]), r.x, "output")


def country_positions(r: Ref, corrected: bool) -> dict[str, np.ndarray]:
    Zc = r.Z.reshape(r.G, r.N, r.G, r.N).sum(axis=(1, 3))
    xc = r.by_country(r.x)
    return positions_expected(
        Zc, xc, r.by_country(r.y), r.by_country(inventories(r)) if corrected else None
    )


@checks("positions_country")
def _positions_country(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "positions_country").items():
        for variant, corrected in VARIANT_INV.items():
            d = df[df["variant"] == variant]
            i = ctx.cpos(d["country"])
            for k, w in country_positions(r, corrected).items():
                close(grid((r.G,), (i,), d[k]), w, f"{variant} {k}")
            close(grid((r.G,), (i,), d["output"]), r.by_country(r.x), "output")


@checks("positions_world")
def _positions_world(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "positions_world").items():
        assert len(df) == 2
        xc = r.by_country(r.x)
        for variant, corrected in VARIANT_INV.items():
            row = df[df["variant"] == variant].iloc[0]
            for k, w in country_positions(r, corrected).items():
                close([row[k]], [w @ xc / xc.sum()], f"{variant} world {k}")
            close([row["output"]], [xc.sum()], "world output")
            # on a closed world table world F/GO = world VA/GO (Miller & Temurshoev 2017)
            close([row["final_use_share"]], [row["value_added_share"]], "F/GO = VA/GO", 1e-9)


# ------------------------------------------------------------------------------ final output


def final_output_chains(r: Ref) -> np.ndarray:
    """``v-hat B y-hat`` with ``y = Y 1``: value added of node i in the final output of j."""
    return r.v[:, None] * r.B * r.y[None, :]


@checks("final_output_va_nodes")
def _final_output_va_nodes(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "final_output_va_nodes").items():
        idx = (ctx.node(df, "origin_country", "origin_sector"), ctx.node(df))
        close(grid((r.n, r.n), idx, df["value_added"]), final_output_chains(r), "v B y")


@checks("final_output_va")
def _final_output_va(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "final_output_va").items():
        M = r.by_country(final_output_chains(r))  # [origin country, node]
        assert (df["value_added"] != 0).all()
        idx = (ctx.cpos(df["origin_country"]), ctx.node(df))
        close(grid(M.shape, idx, df["value_added"]), M, "value_added")
        i = ctx.node(df)
        close(df["final_output"], r.y[i], "final_output")
        close(df["share"], M[idx] / r.y[i], "share")
        close(M.sum(axis=0), r.y, "over all origins = final output (residual value added)")


@checks("final_output_fva")
def _final_output_fva(ctx: Ctx) -> None:
    for _, (df, r) in per_year(ctx, "final_output_fva").items():
        M = final_output_chains(r)
        i = ctx.node(df)
        assert sorted(i) == list(range(r.n))
        dom = np.where(r.dom, M, 0.0).sum(axis=0)
        close(df["final_output"], r.y[i], "final_output")
        close(df["domestic_va"], dom[i], "domestic_va")
        close(df["foreign_va"], (M.sum(axis=0) - dom)[i], "foreign_va")
        share = np.where(r.dom, 0.0, r.v[:, None] * r.B).sum(axis=0)
        close(df["foreign_va_share"], share[i], "foreign_va_share")


def _group_sectors(group: str) -> list[str]:
    return PRODUCT_GROUPS.get(group, [group])


@checks("final_output_group")
def _final_output_group(ctx: Ctx) -> None:
    for group in ("goods", "GtP", "D"):
        got = ctx.sql("SELECT * FROM final_output_group(?, ?)", DATASET, group)
        keep = np.isin(np.arange(len(SECTORS)), [SECTORS.index(s) for s in _group_sectors(group)])
        for y in YEARS:
            r = ctx.ref[y]
            d = got[got["year"] == y]
            sel = np.tile(keep, r.G)
            M = r.by_country(final_output_chains(r) * sel[None, :])  # [origin, node]
            Mc = M.reshape(r.G, r.G, r.N).sum(axis=2)  # [origin, completing country]
            fo = r.by_country(r.y * sel)
            idx = (ctx.cpos(d["origin_country"]), ctx.cpos(d["country"]))
            close(grid(Mc.shape, idx, d["value_added"]), Mc, f"{group} {y} value_added")
            close(d["final_output"], fo[idx[1]], f"{group} {y} final_output")
            close(d["share"], Mc[idx] / fo[idx[1]], f"{group} {y} share")
            # ordered by country, then value added descending
            for _, dc in d.groupby("country"):
                assert dc["value_added"].is_monotonic_decreasing
        assert got["year"].is_monotonic_increasing


@checks("gvc_income")
def _gvc_income(ctx: Ctx) -> None:
    for group in ("goods", "GtP", "D"):
        got = ctx.sql("SELECT * FROM gvc_income(?, ?)", DATASET, group)
        keep = np.isin(np.arange(len(SECTORS)), [SECTORS.index(s) for s in _group_sectors(group)])
        for y in YEARS:
            r = ctx.ref[y]
            d = got[got["year"] == y]
            sel = np.tile(keep, r.G)
            income = r.by_country((final_output_chains(r) * sel[None, :]).sum(axis=1))
            world = (r.y * sel).sum()
            c = ctx.cpos(d["country"])
            close(grid((r.G,), (c,), d["gvc_income"]), income, f"{group} {y} gvc_income")
            close(d["world_final_output"], np.full(len(d), world), "world_final_output")
            close(d["share"], income[c] / world, f"{group} {y} share")
            assert d["share"].is_monotonic_decreasing
            close([income.sum()], [world], "incomes add up to world final output")


# ------------------------------------------------------------------------------ product groups


@checks("product_groups")
def _product_groups(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM product_groups")
    got = sorted(zip(df["dataset"], df["product_group"], df["sector"], strict=True))
    want = sorted((DATASET, g, s) for g, ms in PRODUCT_GROUPS.items() for s in ms)
    assert got == want


def _division(code: str) -> int | None:
    """First ISIC division of a sector code (``15t16``, ``C10-C12``, ``D10T12``, ``C31_32``)."""
    m = re.match(r"^[A-Z]?(\d{2})", code)
    return int(m.group(1)) if m else None


def concordance_expected() -> set[tuple[str, str, str]]:
    """Manufactures: ISIC Rev.3 divisions 15-37 / Rev.4 10-33; transport equipment: Rev.3
    34-35 / Rev.4 29-30 (Timmer et al. 2014, 2015), from the classification files."""
    cl = datasets_dir() / "classifications"
    codes = {
        "wiod2013": pd.read_parquet(cl / "wiod2013_sectors_35.parquet"),
        "wiod2016": pd.read_parquet(cl / "wiod2016_codes.parquet"),
        "icio2021": pd.read_parquet(cl / "icio_industries_45.parquet"),
        "icio2023": pd.read_parquet(cl / "icio_industries_45.parquet"),
        "figaro": pd.read_parquet(cl / "figaro_industries_simple.parquet"),
    }
    out = set()
    for name, df in codes.items():
        if name == "wiod2013":
            pairs = zip(df["code"], df["isic_rev3"].map(_division), strict=True)
            man, trans = range(15, 38), range(34, 36)
        else:
            col = {"icio2021": "code_icio2021", "icio2023": "code_icio2023"}.get(name, "code")
            if name == "wiod2016":
                df = df[df["kind"] == "industry"]
            pairs = ((c, _division(c)) for c in df[col])
            man, trans = range(10, 34), range(29, 31)
        for code, div in pairs:
            if div in man:
                out.add((name, "manufactures", code))
            if div in trans:
                out.add((name, "transport_equipment", code))
    return out


@checks("product_group_concordance")
def _product_group_concordance(ctx: Ctx) -> None:
    df = ctx.sql("SELECT * FROM product_group_concordance")
    got = set(zip(df["classification"], df["product_group"], df["sector"], strict=True))
    assert len(got) == len(df)
    want = concordance_expected()
    assert got == want, (sorted(got - want), sorted(want - got))


VARIANTS["sector_codes"] = [
    # the sector lists of two more datasets: all of WIOD 2013's codes (the shipped WIOD 2013
    # groups apply), and part of them (no shipped group applies: c15 alone is not enough for
    # manufactures, but is transport_equipment), with a user group replacing manufactures
    "INSERT INTO sectors SELECT 'codes_all', 'c' || i, i - 1, NULL FROM range(1, 36) t(i)",
    "INSERT INTO sectors SELECT 'codes_part', 'c' || i, i - 12, NULL FROM range(12, 20) t(i)",
    "INSERT INTO product_groups VALUES ('codes_all', 'manufactures', 'c3')",
    # one manufacturing code: as many hits as transport_equipment has codes, and no group
    "INSERT INTO sectors VALUES ('codes_one', 'c1', 0, NULL), ('codes_one', 'c3', 1, NULL)",
]


def product_group_members_expected(con: duckdb.DuckDBPyConnection) -> set[tuple]:
    sectors = con.execute("SELECT dataset, sector FROM sectors").df()
    conc = con.execute("SELECT * FROM product_group_concordance").df()
    user = con.execute("SELECT * FROM product_groups").df()
    want = set()
    for ds, d in sectors.groupby("dataset"):
        have = set(d["sector"])
        u = user[user["dataset"] == ds]
        names = set(u["product_group"])
        pairs = zip(u["product_group"], u["sector"], strict=True)
        want |= {(ds, g, s, "product_groups") for g, s in pairs}
        for (cl, g), c in conc.groupby(["classification", "product_group"]):
            if set(c["sector"]) <= have and g not in names:
                want |= {(ds, g, s, f"concordance {cl}") for s in c["sector"]}
        want |= {(ds, s, s, "sector") for s in have if s not in names}
    return want


@checks("product_group_members")
def _product_group_members(ctx: Ctx) -> None:
    for con in (ctx.con, ctx.variant("sector_codes")):
        df = con.execute("SELECT * FROM product_group_members").df()
        got = set(zip(df["dataset"], df["product_group"], df["sector"], df["source"], strict=True))
        want = product_group_members_expected(con)
        assert len(got) == len(df) and got == want, (sorted(got - want), sorted(want - got))
    # the copy: WIOD 2013 transport equipment applies to both, manufactures to neither
    # (codes_part lacks codes, codes_all has a user group of that name)
    got = (
        ctx.variant("sector_codes")
        .execute(
            "SELECT dataset, product_group, count(*) AS n FROM product_group_members "
            "WHERE source LIKE 'concordance%' GROUP BY ALL ORDER BY ALL"
        )
        .fetchall()
    )
    assert got == [
        ("codes_all", "transport_equipment", 1),
        ("codes_part", "transport_equipment", 1),
    ]
