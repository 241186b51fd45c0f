"""What ``gvc firms report`` prints: flag counts, an overview of the clusters, the flagged
clusters with their reasons, one cluster in full, and (optionally) a chart per cluster.

Reads the views ``firm_clusters``, ``firm_flags``, ``firm_flag_counts`` and
``firm_runs_status``; writes nothing to the store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gvc.errors import InputError

OVERVIEW = (
    "cluster",
    "members",
    "registry_pass_share",
    "anchor_share",
    "degree_centralisation",
    "non_anchor_density",
    "mean_distance_km",
    "share_within_radius",
    "purchases_inside_share",
    "purchases_abroad_share",
    "export_share",
    "critical_mass_firms",
    "strands_linked",
    "gvc_backward",
)
"""Columns of the overview table (all columns: ``SELECT * FROM firm_clusters``)."""


@dataclass
class FirmsReport:
    """The tables of one report."""

    network: str
    year: int
    years: list[int]
    status: dict
    counts: pd.DataFrame
    clusters: pd.DataFrame
    flagged: pd.DataFrame
    n_clusters: int
    detail: pd.DataFrame | None = None
    cluster_flags: pd.DataFrame | None = None
    plots: list[Path] = field(default_factory=list)


def firms_report(
    *,
    db: str | os.PathLike | None = None,
    network: str,
    year: int | None = None,
    cluster: str | None = None,
    top: int = 15,
    plot_dir: str | os.PathLike | None = None,
    max_plots: int = 20,
) -> FirmsReport:
    """Report the stored diagnostics and flags of ``network`` for one year (default: latest).

    ``clusters`` lists the ``top`` largest clusters (by members); ``flagged`` every flagged
    cluster-flag with its reasons; with ``cluster`` also that cluster's every diagnostic and
    flag. With ``plot_dir`` one PNG per cluster: the ``cluster`` asked for, else the flagged
    clusters of the year (at most ``max_plots``, largest first).

    Raises
    ------
    SchemaError
        the network has no results (run ``gvc firms run``). InputError: unknown year or
        cluster.
    """
    from gvc.catalog import open_store
    from gvc.store import run_sql

    with open_store(db) as con:
        from gvc.firms.store import require_fresh

        require_fresh(con, network)  # missing or not current: refused, never old numbers
        st = run_sql(
            con, "SELECT * FROM firm_runs_status WHERE network = ?", [network], obj="firm_runs"
        ).df()
        years = [
            int(r[0])
            for r in run_sql(
                con,
                "SELECT DISTINCT year FROM firm_clusters WHERE network = ? ORDER BY 1",
                [network],
            ).fetchall()
        ]
        if year is None:
            year = years[-1]
        elif year not in years:
            raise InputError(f"network {network!r} has no clusters in {year} (years: {years})")
        par = [network, year]
        counts = run_sql(
            con,
            "SELECT flag, flagged, evaluated, clusters FROM firm_flag_counts "
            "WHERE network = ? AND year = ? ORDER BY flag",
            par,
        ).df()
        allc = run_sql(con, "SELECT * FROM firm_clusters WHERE network = ? AND year = ?", par).df()
        flagged = run_sql(
            con,
            "SELECT cluster, flag, round(score, 3) AS score, reasons FROM firm_flags "
            "WHERE network = ? AND year = ? AND flagged ORDER BY flag, score DESC, cluster",
            par,
        ).df()
        rep = FirmsReport(
            network=network,
            year=year,
            years=years,
            status=st.iloc[0].to_dict(),
            counts=counts,
            clusters=allc.sort_values(["members", "cluster"], ascending=[False, True])
            .head(top)[[c for c in OVERVIEW if c in allc]]
            .reset_index(drop=True),
            flagged=flagged,
            n_clusters=len(allc),
        )
        if cluster is not None:
            one = allc[allc["cluster"] == cluster]
            if one.empty:
                raise InputError(f"network {network!r} has no cluster {cluster!r} in {year}")
            rep.detail = one.drop(columns=["network"]).T.reset_index()
            rep.detail.columns = ["diagnostic", "value"]
            rep.cluster_flags = run_sql(
                con,
                "SELECT flag, flagged, round(score, 3) AS score, reasons FROM firm_flags "
                "WHERE network = ? AND year = ? AND cluster = ? ORDER BY flag",
                [*par, cluster],
            ).df()
        if plot_dir is not None:
            from gvc.firms.plots import plot_clusters

            if cluster is not None:
                names = [cluster]
            else:
                big = allc.set_index("cluster")["members"]
                names = (
                    big.loc[sorted(set(flagged["cluster"]))]
                    .sort_values(ascending=False)
                    .index[:max_plots]
                    .tolist()
                )
            rep.plots = plot_clusters(con, network, year, names, Path(plot_dir))
    return rep
