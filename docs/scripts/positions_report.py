"""Every number and the chart of docs/positions.md, from the embedded WIOD 2013.

    python docs/scripts/positions_report.py [--db /tmp/positions.duckdb]

Ingests 1995, 2008 and 2011, runs the steps positions, positions_uncorrected and
final_output, and prints the tables of docs/positions.md as Markdown; writes
docs/img/final_output_deu_c15.png.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from test_positions_wiod import LARGE, MEASURE, _truncation_shift  # noqa: E402

import gvc  # noqa: E402
from gvc.catalog import open_store  # noqa: E402
from gvc.indicators.inputs import read_iotable  # noqa: E402
from gvc.kernels.positions import country_position_measures  # noqa: E402

PUBLISHED = ROOT / "tests" / "reference" / "published"
YEARS = (1995, 2008, 2011)


def md(df: pd.DataFrame, floatfmt: str = ".3f") -> str:
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        cells = [format(v, floatfmt) if isinstance(v, float) else str(v) for v in row]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", default=str(Path(tempfile.mkdtemp()) / "positions.duckdb"))
    a = p.parse_args()
    db = a.db
    for y in YEARS:
        gvc.ingest(ROOT / "datasets" / "wiod2013", db=db, dataset="wiod2013", year=y)
    gvc.run(db=db, dataset="wiod2013", steps=("positions", "positions_uncorrected", "final_output"))
    with open_store(db) as con:
        tables = {y: read_iotable(con, "wiod2013", y) for y in YEARS}

    # --- Antras & Chor (2018) Table 1 ----------------------------------------------------------
    pub = pd.read_csv(PUBLISHED / "antras_chor_2018_table1.csv")
    pc = gvc.query("SELECT * FROM positions_country", db=db)
    cor = pc[pc.variant == "inventory_corrected"].set_index(["year", "country"])
    unc = pc[pc.variant == "uncorrected"].set_index(["year", "country"])
    rows = []
    for year in (1995, 2011):
        shift = _truncation_shift(tables[year], "country")
        ranks = {c: cor.loc[year, c].rank() for c in MEASURE.values()}
        for r in pub[pub.year == year].itertuples():
            col = MEASURE[r.measure]
            ours = cor.loc[(year, r.country), col]
            s = shift[col][tables[year].countries.index(r.country)]
            tol = 0.003 if r.country in LARGE else 0.003 + s
            rows.append(
                {
                    "measure": r.measure,
                    "year": year,
                    "rank": r.rank,
                    "country": r.country,
                    "published": r.value,
                    "gvc": ours,
                    "diff": ours - r.value,
                    "our rank": int(ranks[col].loc[r.country]),
                    "uncorrected": unc.loc[(year, r.country), col],
                    "truncation sensitivity": s,
                    "tolerance": tol,
                    "ok": "yes" if abs(ours - r.value) <= tol else "NO",
                }
            )
    t1 = pd.DataFrame(rows)
    print("## Table 1\n")
    print(md(t1, ".4f"))
    big = t1[t1.country.isin(LARGE)]
    print(
        f"\nlarge six: {len(big)} values, max |diff| {big['diff'].abs().max():.4f}; "
        f"all 80: median |diff| {t1['diff'].abs().median():.4f}, "
        f"max {t1['diff'].abs().max():.4f}; uncorrected median |diff| "
        f"{(t1.uncorrected - t1.published).abs().median():.4f}"
    )
    # every non-zero cell raised by its expected truncation loss (0.5; negative ones lowered)
    half = []
    for year in (1995, 2011):
        t = tables[year]
        Z, Yd = t.Z + 0.5 * (t.Z > 0), t.Y_detail + 0.5 * np.sign(t.Y_detail)
        inv = [c for c in range(t.G * t.F) if t.fd_categories[c % t.F] == "INVEN"]
        m = country_position_measures(
            Z, Z.sum(axis=1) + Yd.sum(axis=1), Yd.sum(axis=1), Yd[:, inv].sum(axis=1), t.G, t.N
        )
        for r in pub[pub.year == year].itertuples():
            half.append(m[MEASURE[r.measure]][t.countries.index(r.country)] - r.value)
    print(
        f"mean |diff| {t1['diff'].abs().mean():.4f}; with every non-zero cell + 0.5: "
        f"{np.abs(half).mean():.4f}"
    )
    for year in (1995, 2011):
        for m, col in MEASURE.items():
            s = cor.loc[year, col].sort_values()
            print(f"{m} {year}: bottom {list(s.index[:5])} top {list(s.index[-5:])}")

    # --- world values and correlations ---------------------------------------------------------
    w = gvc.query("SELECT * FROM positions_world ORDER BY variant, year", db=db)
    print("\n## World\n")
    print(md(w.drop(columns=["dataset"]), ".4f"))
    print("\ncorrelations across the 41 countries (corrected):")
    for year in (1995, 2011):
        c = cor.loc[year]
        print(
            year,
            f"F/GO-VA/GO {c.final_use_share.corr(c.value_added_share):.3f}",
            f"U-D {c.upstreamness.corr(c.downstreamness):.3f}",
        )

    # --- node values ---------------------------------------------------------------------------
    nodes = pd.read_csv(PUBLISHED / "antras_chor_2018_nodes_1995_2011.csv")
    pn = gvc.query("SELECT * FROM positions WHERE variant = 'inventory_corrected'", db=db)
    print("\n## Node values: median and max |gvc - published| by output class\n")
    rows = []
    for year in (1995, 2011):
        m = pn[pn.year == year].merge(nodes[nodes.year == year], on=["country", "sector"])
        m = m[m.output > 0]
        for lo, hi in ((0, 1_000), (1_000, 10_000), (10_000, 50_000), (50_000, np.inf)):
            g = m[(m.output >= lo) & (m.output < hi)]
            row = {"year": year, "output (USD m)": f"{lo:,}-{hi:,}", "nodes": len(g)}
            for pcol, col in (("FGO", "final_use_share"), ("VAGO", "value_added_share")):
                row[pcol] = f"{(g[col] - g[pcol]).abs().median():.4f} / {(g[col] - g[pcol]).abs().max():.3f}"
            for pcol, col in (("U", "upstreamness"), ("D", "downstreamness")):
                row[pcol] = f"{(g[col] - g[pcol]).abs().median():.4f} / {(g[col] - g[pcol]).abs().max():.3f}"
            rows.append(row)
    print(md(pd.DataFrame(rows)))

    # --- German transport equipment ------------------------------------------------------------
    grp = gvc.query("SELECT * FROM final_output_group('wiod2013', 'c15')", db=db)
    deu = grp[grp.country == "DEU"]
    print("\n## DEU c15 final output by origin country\n")
    out = []
    for year in YEARS:
        d = deu[deu.year == year].sort_values("value_added", ascending=False)
        print(f"{year}: final output {d.final_output.iloc[0]:,.0f} USD million")
        out.append(d.set_index("origin_country").share.rename(year))
    shares = pd.concat(out, axis=1).fillna(0.0) * 100
    top = shares[1995].nlargest(11).index.union(shares[2011].nlargest(11).index)
    tab = shares.loc[top].sort_values(2011, ascending=False)
    tab.loc["others"] = 100 - tab.sum()
    tab["change 1995-2011"] = tab[2011] - tab[1995]
    print(md(tab.reset_index().rename(columns={"index": "origin"}), ".2f"))
    fva = gvc.query(
        "SELECT year, foreign_va_share FROM final_output_fva "
        "WHERE country = 'DEU' AND sector = 'c15' ORDER BY year",
        db=db,
    )
    print("\nforeign VA share of DEU c15 final output:", fva.to_dict("records"))

    t1t = pd.read_csv(PUBLISHED / "timmer_2015_table1.csv").set_index("region")
    east = ["CYP", "CZE", "EST", "HUN", "LTU", "LVA", "MLT", "POL", "SVK", "SVN"]
    eu = ["AUT", "BEL", "BGR", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL", "ITA", "LUX"]
    eu += ["NLD", "PRT", "ROM", "SWE"]
    regions = {
        "Germany": ["DEU"],
        "Eastern Europe": east,
        "Other European Union": eu,
        "NAFTA": ["USA", "CAN", "MEX"],
        "East Asia": ["CHN", "JPN", "KOR", "TWN"],
    }
    rows = []
    for region, members in regions.items():
        rows.append(
            {
                "region": region,
                "published 1995": t1t.loc[region, "share_1995"],
                "gvc 1995": shares.reindex(members)[1995].sum(),
                "published 2008": t1t.loc[region, "share_2008"],
                "gvc 2008": shares.reindex(members)[2008].sum(),
                "gvc 2011": shares.reindex(members)[2011].sum(),
            }
        )
    r = pd.DataFrame(rows)
    other = {"region": "Other"} | {c: 100 - r[c].sum() for c in r.columns[1:]}
    r = pd.concat([r, pd.DataFrame([other])])
    print("\n## Timmer et al. (2015) Table 1\n")
    print(md(r, ".1f"))

    t4 = pd.read_csv(PUBLISHED / "timmer_2015_table4.csv").set_index("country")
    inc = gvc.query("SELECT * FROM gvc_income('wiod2013', 'c15')", db=db)
    rows = []
    for c in t4.index:
        row = {"country": c}
        for y in YEARS:
            g = inc[(inc.year == y) & (inc.country == c)].share
            row[f"published {y}"] = t4.loc[c, f"share_{y}"]
            row[f"gvc {y}"] = 100 * g.iloc[0]
        rows.append(row)
    t4c = pd.DataFrame(rows)
    print("\n## Timmer et al. (2015) Table 4\n")
    print(md(t4c, ".2f"))
    for y in YEARS:
        print(y, "max |diff|", (t4c[f"gvc {y}"] - t4c[f"published {y}"]).abs().max().round(2))

    man = gvc.query("SELECT * FROM gvc_income('wiod2013', 'manufactures')", db=db)
    print("\n## GVC income from manufactures, top 10 in 2011\n")
    m = man.pivot(index="country", columns="year", values="share") * 100
    print(md(m.sort_values(2011, ascending=False).head(10).reset_index(), ".2f"))
    print(
        "world final output of manufactures:",
        man.groupby("year").world_final_output.first().round(0).to_dict(),
    )

    _chart(shares, ROOT / "docs" / "img" / "final_output_deu_c15.png")


def _chart(shares: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    foreign = shares.drop(index="DEU")
    top = foreign[1995].nlargest(10).index.union(foreign[2011].nlargest(10).index)
    f = foreign.loc[top].sort_values(2011)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 5.5), gridspec_kw={"width_ratios": [1, 3]})
    dom = shares.loc["DEU", [1995, 2011]]
    ax0.bar(["1995", "2011"], dom, color=["#9ecae1", "#3182bd"])
    ax0.bar(["1995", "2011"], 100 - dom, bottom=dom, color="#dddddd")
    for i, v in enumerate(dom):
        ax0.text(i, v / 2, f"DEU\n{v:.1f}%", ha="center", va="center")
        ax0.text(i, v + (100 - v) / 2, f"foreign\n{100 - v:.1f}%", ha="center", va="center")
    ax0.set_ylabel("% of final output")
    ax0.set_ylim(0, 100)
    yy = np.arange(len(f))
    ax1.barh(yy - 0.2, f[1995], height=0.4, label="1995", color="#9ecae1")
    ax1.barh(yy + 0.2, f[2011], height=0.4, label="2011", color="#3182bd")
    ax1.set_yticks(yy, f.index)
    ax1.set_xlabel("% of final output (foreign origins)")
    ax1.legend(loc="lower right")
    fig.suptitle(
        "Value added by origin country in the final output of German transport equipment (c15),"
        " WIOD 2013"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
