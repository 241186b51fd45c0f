"""Value checks of the firm-cluster objects (see view_checks.py).

The small store holds a hand-made firm network (:data:`small_real_store.FIRMS`, members and
links), run with the default rules of ``gvc/firms/defaults.toml``. Each checker recomputes its
object with pandas from those inputs: memberships joined with firm attributes, the registry rule
member by member, the link-count and value diagnostics of each cluster, every flag from its
rule text, the fingerprints with hashlib.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
from small_real_store import DATASET, FIRM_LINKS, FIRM_MEMBERS, FIRM_NETWORK, FIRMS, YEARS
from view_checks import VARIANTS, Ctx, checks, close

VARIANTS.setdefault("stale", []).append(
    f"UPDATE firms.inputs SET sha256 = 'x' WHERE network = '{FIRM_NETWORK}' AND kind = 'members'"
)
STRAND = {"university": "science", "research_centre": "science", "public_body": "government"}


def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    firms = pd.DataFrame(FIRMS)
    firms["strand"] = firms["type"].map(STRAND).fillna("business")
    members = pd.DataFrame(FIRM_MEMBERS, columns=["firm", "cluster"])
    links = pd.DataFrame(FIRM_LINKS, columns=["supplier", "buyer", "value"])
    return firms, members, links


def registry(threshold: float) -> pd.DataFrame:
    firms, members, links = frames()
    sold = links.groupby("supplier")["value"].sum()
    rows = []
    for firm, cluster in FIRM_MEMBERS:
        inside = set(members[members["cluster"] == cluster]["firm"])
        mine = links[links["supplier"] == firm]
        intra = mine[mine["buyer"].isin(inside)]["value"].sum()
        total = sold.get(firm, 0.0)
        rows.append((cluster, firm, intra, total, total > 0 and intra >= threshold * total))
    return pd.DataFrame(rows, columns=["cluster", "firm", "intra", "total", "passes"])


@checks("firm_schema")
def _firm_schema(ctx: Ctx) -> None:
    inp = ctx.sql("SELECT * FROM firms.inputs WHERE network = ? ORDER BY kind", FIRM_NETWORK)
    assert inp["kind"].tolist() == ["firms", "members", "transactions"]
    for row in inp.itertuples(index=False):
        with open(row.path, "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == row.sha256, row.kind
    assert inp["rows"].tolist() == [len(FIRMS["firm"]), len(FIRM_MEMBERS), len(FIRM_LINKS)]
    tx = ctx.sql(
        "SELECT sum(value) AS v, count(*) AS n FROM firms.transactions JOIN firms.networks "
        "USING (network_id) WHERE network = ?",
        FIRM_NETWORK,
    )
    close([tx["v"].iloc[0]], [sum(v for _, _, v in FIRM_LINKS)], "transactions")


@checks("firm_inputs_fingerprint")
def _firm_inputs_fingerprint(ctx: Ctx) -> None:
    inp = ctx.sql("SELECT kind, sha256 FROM firms.inputs WHERE network = ?", FIRM_NETWORK)
    text = ",".join(f"{k}:{s}" for k, s in sorted(zip(inp["kind"], inp["sha256"], strict=True)))
    got = ctx.sql("SELECT * FROM firm_inputs_fingerprint(?)", FIRM_NETWORK)
    assert got["fingerprint"].tolist() == [hashlib.sha256(text.encode()).hexdigest()]
    assert len(ctx.sql("SELECT * FROM firm_inputs_fingerprint('no such network')")) == 0


@checks("firm_io_fingerprint")
def _firm_io_fingerprint(ctx: Ctx) -> None:
    t = ctx.sql("SELECT year, file_sha256 FROM tables WHERE dataset = ? ORDER BY year", DATASET)
    text = ",".join(f"{y}:{s}" for y, s in zip(t["year"], t["file_sha256"], strict=True))
    got = ctx.sql("SELECT * FROM firm_io_fingerprint(?, ?)", DATASET, list(YEARS))
    assert got["fingerprint"].tolist() == [hashlib.sha256(text.encode()).hexdigest()]
    assert len(ctx.sql("SELECT * FROM firm_io_fingerprint(?, [1900])", DATASET)) == 0


@checks("firm_members")
def _firm_members(ctx: Ctx) -> None:
    firms, members, _ = frames()
    want = members.merge(firms, on="firm").sort_values(["cluster", "firm"])
    got = ctx.sql(
        "SELECT * FROM firm_members WHERE network = ? ORDER BY cluster, firm", FIRM_NETWORK
    )
    for col in ("cluster", "firm", "type", "strand", "country"):
        assert got[col].tolist() == want[col].tolist(), col
    close(got["sales"], want["sales"], "sales")
    assert (got["year"] == 2009).all()


@checks("firm_member_types")
def _firm_member_types(ctx: Ctx) -> None:
    firms, members, _ = frames()
    want = members.merge(firms, on="firm").groupby(["cluster", "type", "strand"]).size()
    got = ctx.sql("SELECT * FROM firm_member_types WHERE network = ?", FIRM_NETWORK)
    got = got.set_index(["cluster", "type", "strand"])["members"].sort_index()
    assert got.to_dict() == want.sort_index().to_dict()


@checks("firm_registry")
def _firm_registry(ctx: Ctx) -> None:
    for threshold in (0.2, 0.75, 1.0):
        want = registry(threshold).sort_values(["cluster", "firm"]).reset_index(drop=True)
        got = ctx.sql(
            "SELECT * FROM firm_registry(?, 2009, ?) ORDER BY cluster, firm",
            FIRM_NETWORK,
            threshold,
        )
        assert got["firm"].tolist() == want["firm"].tolist()
        close(got["intra_sales"], want["intra"], "intra_sales")
        close(got["total_sales"], want["total"], "total_sales")
        share = np.where(
            want["total"] > 0, want["intra"] / want["total"].where(want["total"] > 0), np.nan
        )
        close(got["share"], share, "share")
        assert got["passes"].tolist() == want["passes"].tolist(), threshold
        assert got["has_sales"].tolist() == (want["total"] > 0).tolist()
    # members without sales (g: one link of value 0; h: none) have an undefined share: NULL
    got = ctx.sql(
        "SELECT firm, share IS NULL AS undefined FROM firm_registry(?, 2009, 0.2)", FIRM_NETWORK
    )
    assert sorted(got[got["undefined"]]["firm"]) == ["g", "h"]


def clusters_expected() -> dict[str, dict[str, float]]:
    firms, members, links = frames()
    reg = registry(0.2)
    out = {}
    for cluster, m in members.groupby("cluster"):
        inside = set(m["firm"])
        mf = firms[firms["firm"].isin(inside)]
        intra = links[links["supplier"].isin(inside) & links["buyer"].isin(inside)]
        sold = links[links["supplier"].isin(inside)]["value"].sum()
        bought = links[links["buyer"].isin(inside)]
        strength = (
            pd.concat(
                [intra.groupby("supplier")["value"].sum(), intra.groupby("buyer")["value"].sum()]
            )
            .groupby(level=0)
            .sum()
        )
        r = reg[reg["cluster"] == cluster]
        with_sales = int((r["total"] > 0).sum())
        out[cluster] = {
            "members": len(inside),
            # firms: types firm and state_corporation (docs/firms.md, critical mass)
            "firms": int(mf["type"].isin(["firm", "state_corporation"]).sum()),
            "members_with_sales": with_sales,
            "members_without_sales": len(inside) - with_sales,
            "members_passing": int(r["passes"].sum()),
            "registry_pass_share": r["passes"].sum() / with_sales,
            "intra_links": len(intra),
            "intra_value": intra["value"].sum(),
            "intra_sales_share": intra["value"].sum() / sold,
            "anchor_strength": strength.max(),
            "purchases": bought["value"].sum(),
            "purchases_inside_share": intra["value"].sum() / bought["value"].sum(),
            "sales": mf["sales"].sum(),
            "countries": mf["country"].nunique(),
            "members_business": int((mf["strand"] == "business").sum()),
            "members_science": int((mf["strand"] == "science").sum()),
            "members_government": int((mf["strand"] == "government").sum()),
            "strands_present": mf["strand"].nunique(),
        }
        out[cluster]["anchor"] = strength.idxmax()
    return out


@checks("firm_clusters")
def _firm_clusters(ctx: Ctx) -> None:
    got = ctx.sql("SELECT * FROM firm_clusters WHERE network = ?", FIRM_NETWORK)
    got = got.set_index("cluster")
    want = clusters_expected()
    assert set(got.index) == set(want) and (got["year"] == 2009).all()
    for cluster, w in want.items():
        for k, v in w.items():
            if isinstance(v, str):
                assert got.loc[cluster, k] == v, (cluster, k)
            else:
                close([got.loc[cluster, k]], [v], f"{cluster} {k}")


RULES = {
    # defaults of gvc/firms/defaults.toml, written out
    "registry_focal": lambda m: (
        m["registry_pass_share"] >= 1.0
        and m["anchor_share"] >= 0.5
        and m["degree_centralisation"] >= 0.5
        and m["non_anchor_density"] <= 0.1
    ),
    "closed_national_chain": lambda m: (
        m["purchases_domestic_share"] >= 0.9
        and m["export_share"] <= 0.1
        and m["purchases_inside_share"] >= 0.5
        and m["intra_sales_share"] >= 0.5
    ),
    "scattered": lambda m: None,  # no member located: not evaluated
    "below_critical_mass": lambda m: m["critical_mass_firms"] < 100,
    "incomplete_triple_helix": lambda m: m["strands_linked"] < 3,
}


@checks("firm_flags")
def _firm_flags(ctx: Ctx) -> None:
    got = ctx.sql("SELECT * FROM firm_flags WHERE network = ?", FIRM_NETWORK)
    diag = ctx.sql("SELECT * FROM firm_clusters WHERE network = ?", FIRM_NETWORK)
    diag = diag.set_index("cluster")
    assert len(got) == len(RULES) * len(diag)
    for row in got.itertuples(index=False):
        metrics = json.loads(row.metrics)
        for k, v in metrics.items():  # judged on the cluster's diagnostics
            close([np.nan if v is None else v], [diag.loc[row.cluster, k]], f"{row.flag} {k}")
        want = RULES[row.flag](metrics)
        assert bool(row.flagged) == bool(want), (row.cluster, row.flag)
        assert pd.isna(row.score) == (want is None), (row.cluster, row.flag)


@checks("firm_flag_counts")
def _firm_flag_counts(ctx: Ctx) -> None:
    flags = ctx.sql("SELECT * FROM firm_flags WHERE network = ?", FIRM_NETWORK)
    want = flags.groupby("flag").agg(
        flagged=("flagged", "sum"), evaluated=("score", "count"), clusters=("cluster", "size")
    )
    got = ctx.sql("SELECT * FROM firm_flag_counts WHERE network = ?", FIRM_NETWORK)
    got = got.set_index("flag")[["flagged", "evaluated", "clusters"]].sort_index()
    assert got.astype(int).to_dict() == want.sort_index().astype(int).to_dict()


@checks("firm_runs_status")
def _firm_runs_status(ctx: Ctx) -> None:
    inp = ctx.sql("SELECT kind, sha256 FROM firms.inputs WHERE network = ?", FIRM_NETWORK)
    for con, changed in ((ctx.con, False), (ctx.variant("stale"), True)):
        got = con.execute("SELECT * FROM firm_runs_status WHERE network = ?", [FIRM_NETWORK]).df()
        assert len(got) == 1
        row = got.iloc[0]
        assert json.loads(row["inputs"]) == dict(zip(inp["kind"], inp["sha256"], strict=True))
        assert (bool(row["inputs_changed"]), bool(row["version_changed"]), bool(row["stale"])) == (
            changed,
            False,
            changed,
        )
        assert json.loads(row["rules"])["registry_focal"]["min_pass_share"] == 1.0
