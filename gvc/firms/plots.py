"""A chart per firm cluster: a map of its members with the intra-cluster links (matplotlib,
Agg backend).

Members are drawn at their position relative to the cluster's centre (km east and north,
an equirectangular projection at the centre's latitude, good for the tens to hundreds of km
of a cluster), coloured by triple-helix strand and sized by sales; the anchor is a star;
intra-cluster links are lines whose width grows with their value; the dashed circle is the
radius of ``share_within_radius``. Files are written atomically (temporary file, rename).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from gvc.kernels.geo import EARTH_RADIUS_KM
from gvc.store import run_sql

log = logging.getLogger(__name__)

STRAND_COLOURS = {"business": "#2c7fb8", "science": "#31a354", "government": "#d95f0e"}
KM_PER_DEGREE = EARTH_RADIUS_KM * np.pi / 180.0
MAX_LINKS = 3000
"""Largest links drawn per chart (the rest would only darken the picture)."""


def plot_clusters(
    con: duckdb.DuckDBPyConnection,
    network: str,
    year: int,
    clusters: Sequence[str],
    out: Path,
) -> list[Path]:
    """One PNG per cluster in ``clusters`` (``<out>/firms_<network>_<cluster>_<year>.png``)."""
    if not clusters:
        return []
    con.register("_gvc_plot", pd.DataFrame({"cluster": list(clusters)}))
    try:
        members = run_sql(
            con,
            "WITH k AS (SELECT c.cluster_idx, c.cluster FROM firms.clusters c JOIN _gvc_plot p "
            "ON p.cluster = c.cluster WHERE c.network = ?), "
            "m AS (SELECT DISTINCT k.cluster, m.firm_idx FROM firms.memberships m JOIN k "
            "ON k.cluster_idx = m.cluster_idx WHERE m.network = ? AND "
            "(m.year IS NULL OR m.year = ?)), "
            "f AS (SELECT firm_idx, firm, type, lat, lon, sales FROM firms.firms WHERE "
            "network = ? AND (year IS NULL OR year = ?) QUALIFY row_number() OVER "
            "(PARTITION BY firm_idx ORDER BY year NULLS LAST) = 1) "
            "SELECT m.cluster, f.* FROM m JOIN f USING (firm_idx)",
            [network, network, year, network, year],
            obj="firm chart members",
        ).df()
        con.register("_gvc_plot_members", members[["cluster", "firm_idx"]])
        links = run_sql(
            con,
            "SELECT s.cluster, t.supplier, t.buyer, t.value FROM firms.transactions t "
            "JOIN _gvc_plot_members s ON s.firm_idx = t.supplier "
            "JOIN _gvc_plot_members b ON b.firm_idx = t.buyer AND b.cluster = s.cluster "
            "WHERE t.network_id = (SELECT network_id FROM firms.networks WHERE network = ?) "
            "AND t.year = ?",
            [network, year],
            obj="firm chart links",
        ).df()
        diag = run_sql(
            con,
            "SELECT * FROM firm_clusters WHERE network = ? AND year = ? AND "
            "cluster IN (SELECT cluster FROM _gvc_plot)",
            [network, year],
        ).df()
        flags = run_sql(
            con,
            "SELECT cluster, flag FROM firm_flags WHERE network = ? AND year = ? AND flagged "
            "AND cluster IN (SELECT cluster FROM _gvc_plot)",
            [network, year],
        ).df()
    finally:
        con.unregister("_gvc_plot")
        try:
            con.unregister("_gvc_plot_members")
        except duckdb.Error:
            pass
    paths = []
    for name in clusters:  # one chart file per cluster
        d = diag[diag["cluster"] == name]
        if d.empty:
            continue
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
        paths.append(
            plot_cluster(
                members[members["cluster"] == name],
                links[links["cluster"] == name],
                d.iloc[0],
                flags.loc[flags["cluster"] == name, "flag"].tolist(),
                path=out / f"firms_{network}_{safe}_{year}.png",
            )
        )
    return paths


def plot_cluster(
    members: pd.DataFrame,
    links: pd.DataFrame,
    diag: pd.Series,
    flags: Sequence[str],
    *,
    path: str | os.PathLike,
) -> Path:
    """Draw one cluster (see module doc).

    Parameters
    ----------
    members : ``firm_idx, firm, type, lat, lon, sales`` of the members.
    links : ``supplier, buyer, value`` of its intra-cluster links (firm_idx).
    diag : its row of ``firm_clusters``.
    flags : the flags it carries.
    path : PNG to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lat0 = diag["centre_lat"] if pd.notna(diag["centre_lat"]) else members["lat"].mean()
    lon0 = diag["centre_lon"] if pd.notna(diag["centre_lon"]) else members["lon"].mean()
    lat0 = 0.0 if pd.isna(lat0) else float(lat0)
    lon0 = 0.0 if pd.isna(lon0) else float(lon0)
    m = members.dropna(subset=["lat", "lon"]).copy()
    m["x"] = ((m["lon"] - lon0 + 180.0) % 360.0 - 180.0) * np.cos(np.radians(lat0)) * KM_PER_DEGREE
    m["y"] = (m["lat"] - lat0) * KM_PER_DEGREE
    m["strand"] = np.select(
        [m["type"].isin(["university", "research_centre"]), m["type"] == "public_body"],
        ["science", "government"],
        "business",
    )
    xy = m.set_index("firm_idx")[["x", "y"]]
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    lk = links[links["supplier"].isin(xy.index) & links["buyer"].isin(xy.index)]
    lk = lk.nlargest(MAX_LINKS, "value")
    if len(lk):
        a, b = xy.loc[lk["supplier"]].to_numpy(), xy.loc[lk["buyer"]].to_numpy()
        w = 0.3 + 2.7 * lk["value"].to_numpy() / lk["value"].max()
        from matplotlib.collections import LineCollection

        ax.add_collection(
            LineCollection(
                np.stack([a, b], axis=1),  # type: ignore[arg-type]
                linewidths=w,
                colors="#7f8c8d",
                alpha=0.35,
            )
        )
    size = 12 + 250 * np.sqrt(m["sales"].fillna(0) / max(m["sales"].max(), 1e-12))
    for strand, colour in STRAND_COLOURS.items():
        s = m["strand"] == strand
        if s.any():
            ax.scatter(
                m.loc[s, "x"],
                m.loc[s, "y"],
                s=size[s],
                c=colour,
                alpha=0.8,
                edgecolors="white",
                linewidths=0.5,
                label=f"{strand} ({int(s.sum())})",
            )
    anchor = m[m["firm"].astype(str) == str(diag["anchor"])]
    if len(anchor):
        ax.scatter(
            anchor["x"],
            anchor["y"],
            marker="*",
            s=420,
            c="#f1c40f",
            edgecolors="black",
            linewidths=1.0,
            label=f"anchor ({diag['anchor_type']})",
            zorder=5,
        )
    r = float(diag["radius_km"])
    t = np.linspace(0, 2 * np.pi, 200)
    ax.plot(r * np.cos(t), r * np.sin(t), ls="--", c="#34495e", lw=1, label=f"{r:g} km")
    ax.plot([0], [0], marker="+", ms=14, c="black")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("km east of the cluster centre")
    ax.set_ylabel("km north of the cluster centre")
    what = ", ".join(flags) if flags else "no flag"
    ax.set_title(f"{diag['cluster']} ({diag['network']}, {int(diag['year'])}): {what}", fontsize=10)
    text = "\n".join(
        f"{k} {_num(diag[c])}"
        for k, c in (
            ("members", "members"),
            ("registry pass share", "registry_pass_share"),
            ("anchor share", "anchor_share"),
            ("centralisation", "degree_centralisation"),
            ("non-anchor density", "non_anchor_density"),
            ("mean distance km", "mean_distance_km"),
            ("bought inside", "purchases_inside_share"),
            ("bought abroad", "purchases_abroad_share"),
            ("export share", "export_share"),
        )
    )
    ax.text(
        0.01,
        0.99,
        text,
        transform=ax.transAxes,
        va="top",
        fontsize=8,
        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "#bdc3c7"},
    )
    ax.legend(loc="lower right", fontsize=8)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    fig.savefig(tmp, dpi=100, bbox_inches="tight", format="png")
    plt.close(fig)
    tmp.replace(p)
    log.info("wrote %s", p)
    return p


def _num(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return "-"
    if isinstance(v, float | np.floating):
        return f"{v:.3g}"
    return str(v)
