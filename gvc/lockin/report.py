"""What ``gvc embeddedness`` and ``gvc flags`` report: the dataclasses and their builders.

:func:`embeddedness_report` computes the missing embeddedness years and ranks the nodes of one
year; :func:`flags_report` computes the flags of a dataset and gathers the flagged rows, the
changes over the years, the counts and (optionally) one chart per country. Store access goes
through :mod:`gvc.lockin.store`, charts through :mod:`gvc.lockin.plots`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from gvc.lockin.flags import compute_flags
from gvc.lockin.measures import WIDE_MEASURES
from gvc.lockin.store import (
    Progress,
    check_dataset,
    embeddedness_frame,
    ensure_embeddedness,
    flag_changes,
    flag_counts,
    flagged_nodes,
    flagged_rows,
    latest_year,
)


@dataclass
class EmbeddednessReport:
    """What ``gvc embeddedness`` prints: the year shown and ranked node tables."""

    dataset: str
    year: int
    country: str | None
    computed: list[int]
    nodes: pd.DataFrame
    sections: dict[str, pd.DataFrame] = field(default_factory=dict)


def embeddedness_report(
    *,
    db: str | os.PathLike | None = None,
    dataset: str,
    year: int | None = None,
    country: str | None = None,
    top: int = 10,
    progress: Progress | None = None,
) -> EmbeddednessReport:
    """Compute missing embeddedness years, then rank the nodes of one year (default: latest).

    Sections: highest and lowest GVC participation (``gvc_backward + gvc_forward``), most
    central nodes on foreign and on domestic links (PageRank of the intermediate-flow network),
    the nodes with the highest pure-domestic share. With ``country`` only its sectors.
    """
    from gvc.catalog import open_store

    with open_store(db) as con:
        check_dataset(con, dataset, country, year)
        computed = ensure_embeddedness(con, dataset, year, progress=progress)
        if year is None:
            year = latest_year(con, dataset)
        cols = (*WIDE_MEASURES, "top_domestic_supplier_pos")
        nodes = embeddedness_frame(con, dataset, year=year, country=country, measures=cols)
    nodes = nodes.drop(columns=["node", "dataset"])
    nodes.insert(4, "participation", nodes["gvc_backward"] + nodes["gvc_forward"])
    show = [
        "country",
        "sector",
        "participation",
        "gvc_backward",
        "gvc_forward",
        "bm_gvcb_share",
        "bm_gvcf_share",
        "pure_domestic_share",
        "export_share",
        "crossings_mean",
    ]
    cent = [
        "country",
        "sector",
        "znet_pagerank_full",
        "znet_pagerank_foreign",
        "znet_pagerank_domestic",
        "vanet_pagerank_foreign",
        "export_share",
    ]
    rep = EmbeddednessReport(dataset, year, country, computed, nodes)
    rep.sections = {
        "highest GVC participation (WWYZ backward + forward)": nodes.nlargest(top, "participation")[
            show
        ],
        "lowest GVC participation (nodes with exports)": nodes[nodes["export_share"] > 0].nsmallest(
            top, "participation"
        )[show],
        "most central on foreign links (PageRank, intermediate flows)": nodes.nlargest(
            top, "znet_pagerank_foreign"
        )[cent],
        "most central on domestic links (PageRank, intermediate flows)": nodes.nlargest(
            top, "znet_pagerank_domestic"
        )[cent],
        "highest pure-domestic value-added share (V_D / va)": nodes.nlargest(
            top, "pure_domestic_share"
        )[show],
    }
    return rep


@dataclass
class FlagsReport:
    """What ``gvc flags`` prints: flagged rows, year-on-year changes, counts, chart paths."""

    dataset: str
    flagged: pd.DataFrame
    changes: pd.DataFrame
    counts: pd.DataFrame
    plots: list[Path] = field(default_factory=list)


def flags_report(
    *,
    db: str | os.PathLike | None = None,
    dataset: str,
    rules: str | os.PathLike | None = None,
    clusters: str | os.PathLike | None = None,
    country: str | None = None,
    year: int | None = None,
    plot_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> FlagsReport:
    """Compute the flags of ``dataset`` (:func:`compute_flags`) and report them.

    ``flagged``: flagged rows (optionally one country / year) with reasons and score;
    ``changes``: per flag and year the number flagged and the nodes that entered or left the
    flagged set since the previous year (view ``lockin_flag_changes``); ``counts``: flagged
    nodes by flag and year. With ``plot_dir`` one PNG per country (or the one ``country``):
    participation against pure-domestic share, latest year (or ``year``), flagged nodes
    highlighted (:func:`gvc.lockin.plots.plot_country`).
    """
    from gvc.catalog import open_store

    with open_store(db) as con:
        check_dataset(con, dataset, country, year)
        compute_flags(con, dataset, rules=rules, clusters=clusters, progress=progress)
        flagged = flagged_rows(con, dataset, country=country, year=year)
        changes = flag_changes(con, dataset, country)
        counts = flag_counts(con, dataset, year)
        rep = FlagsReport(dataset, flagged, changes, counts)
        if plot_dir is not None:
            rep.plots = _plots(con, dataset, country, year, Path(plot_dir))
    return rep


def _plots(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    country: str | None,
    year: int | None,
    out: Path,
) -> list[Path]:
    from gvc.lockin.plots import plot_country

    if year is None:
        year = latest_year(con, dataset)
    nodes = embeddedness_frame(
        con,
        dataset,
        year=year,
        country=country,
        measures=("pure_domestic_share", "gvc_backward", "gvc_forward"),
    )
    flags = flagged_nodes(con, dataset, year)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for c in sorted(nodes["country"].unique()):
        sub = nodes[nodes["country"] == c]
        paths.append(
            plot_country(
                sub,
                flags[flags["country"] == c],
                country=c,
                year=year,
                dataset=dataset,
                path=out / f"lockin_{dataset}_{c}_{year}.png",
            )
        )
    return paths
