"""``gvc embeddedness`` and ``gvc flags``: embeddedness of cluster nodes and lock-in flags.

Each command parses its arguments, calls one public function of
:mod:`gvc.lockin` (its ``report`` module) and prints what it returns.
"""

from __future__ import annotations

import argparse

from gvc.commands.output import Progress, Report, add_output_options, emit, status


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``embeddedness`` and ``flags``."""
    s = sub.add_parser(
        "embeddedness",
        parents=[common],
        help="embeddedness of cluster nodes in GVCs (participation, centrality)",
        description="Compute the embeddedness step for the years that lack it, then report one "
        "year (the latest unless --year): nodes with the highest and lowest GVC participation, "
        "the most central nodes on foreign and domestic links, the most domestic ones. All "
        'measures: gvc sql "SELECT * FROM embeddedness_wide".',
    )
    s.add_argument("--dataset", required=True)
    s.add_argument("--year", type=int)
    s.add_argument("--country", help="only the sectors of this country")
    s.add_argument("--top", type=int, default=10, help="rows per section (default 10)")
    add_output_options(s)
    s.set_defaults(func=_embeddedness)

    s = sub.add_parser(
        "flags",
        parents=[common],
        help="lock-in flags: closed national chains, focal structures, declining integration",
        description="Apply the lock-in rules (gvc/lockin/defaults.toml, overridden by --rules) "
        "to every year of a dataset, store them (views lockin_flags, lockin_flag_counts, macros "
        "lockin_flagged, lockin_flag_changes) and print the flagged nodes with their reasons and "
        "how the flagged set changed over the years.",
    )
    s.add_argument("--dataset", required=True)
    s.add_argument("--rules", help="TOML file overriding any subset of the default rules")
    s.add_argument("--clusters", help="CSV (cluster,country,sector) or TOML file of user clusters")
    s.add_argument("--country", help="only this country in the report and charts")
    s.add_argument("--year", type=int, help="only this year in the list and the charts")
    s.add_argument("--plot", metavar="DIR", help="write one PNG chart per country to DIR")
    s.add_argument(
        "--all-years",
        action="store_true",
        help="list flagged rows of every year (default: "
        "the flagged rows of the latest year, and the changes over all years)",
    )
    add_output_options(s)
    s.set_defaults(func=_flags)


def _embeddedness(a: argparse.Namespace) -> int:
    from gvc.lockin.report import embeddedness_report

    rep = embeddedness_report(
        db=a.db,
        dataset=a.dataset,
        year=a.year,
        country=a.country,
        top=a.top,
        progress=Progress(),
    )
    where = f", {a.country}" if a.country else ""
    if rep.computed:
        status(f"computed embeddedness for {len(rep.computed)} years of {rep.dataset}")
    out = Report(
        title=f"Embeddedness of cluster nodes, {rep.dataset} {rep.year}{where} "
        f"({len(rep.nodes)} nodes)"
    )
    for k, (title, section) in enumerate(rep.sections.items()):
        out.add(f"section_{k + 1}", section.round(3) if a.format == "table" else section, title)
    emit(out, a.format, a.output)
    return 0


def _flags(a: argparse.Namespace) -> int:
    from gvc.lockin.report import flags_report

    rep = flags_report(
        db=a.db,
        dataset=a.dataset,
        rules=a.rules,
        clusters=a.clusters,
        country=a.country,
        year=a.year,
        plot_dir=a.plot,
        progress=Progress(),
    )
    flagged = rep.flagged
    where = f"{rep.dataset}{', ' + a.country if a.country else ''}"
    if not a.all_years and a.year is None and len(flagged):
        last = int(flagged["year"].max())
        flagged = flagged[flagged["year"] == last]
        heading = f"Flagged in {last} ({where}; --all-years for every year)"
    else:
        heading = f"Flagged ({where})"
    if flagged["cluster"].isna().all():
        flagged = flagged.drop(columns=["cluster"])
    counts = rep.changes.pivot(index="flag", columns="year", values="flagged").reset_index()
    counts.columns = [str(c) for c in counts.columns]
    ch = rep.changes[(rep.changes["entered"] > 0) | (rep.changes["left"] > 0)]
    out = Report()
    out.add("flagged", flagged, heading)
    out.add("counts", counts, "Flagged nodes by flag (rows) and year (columns)")
    out.add(
        "changes",
        ch.fillna({"entered_nodes": "", "left_nodes": ""}),
        "Changes of the flagged set since the previous year",
    )
    emit(out, a.format, a.output)
    for p in rep.plots:
        status(f"wrote {p}")
    return 0
