"""``gvc firms ingest|run|report|demo``: clusters of firms (issue 18).

Each subcommand parses its arguments, calls one public function of :mod:`gvc.firms` and
prints what it returns.
"""

from __future__ import annotations

import argparse

from gvc.commands.output import Report, add_output_options, emit, frame, status


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``firms`` and its subcommands."""
    p = sub.add_parser(
        "firms",
        help="clusters of firms: registry rule, focal structure, territory, openness, flags",
        description="Firm-level cluster diagnostics linked to the country x industry value "
        "chains. Files: a firm table, a membership table, a transaction table (CSV or "
        "Parquet) and optionally a concordance of industry codes to the table's sectors; "
        "see docs/firms.md.",
    )
    fs = p.add_subparsers(dest="firms_command", required=True, metavar="SUBCOMMAND")

    s = fs.add_parser(
        "ingest",
        parents=[common],
        help="validate and store a firm network (one transaction)",
        description="Read the files, check them (unknown firms, negative values, self-loops, "
        "duplicate links, coordinates out of range: one error naming file and row) and store "
        "them under --network, replacing it. Nothing is stored on any error.",
    )
    s.add_argument("--network", required=True, help="name of the network in the store")
    s.add_argument(
        "--firms",
        required=True,
        help="firm file: firm, country, region, lat, lon, "
        "classification, industry, sales, employment, exports, imports, year, type",
    )
    s.add_argument("--members", required=True, help="membership file: member, cluster, year")
    s.add_argument(
        "--transactions", required=True, help="transaction file: supplier, buyer, value, year"
    )
    s.add_argument("--concordance", help="classification, industry, sector (the table's codes)")
    s.add_argument("--year", type=int, help="year of transactions without a year column")
    add_output_options(s)
    s.set_defaults(func=_ingest)

    s = fs.add_parser(
        "run",
        parents=[common],
        help="compute the diagnostics and flags of every cluster and year",
        description="Compute every diagnostic of every cluster and year of a stored network, "
        "apply the flag rules (gvc/firms/defaults.toml, overridden by --rules) and store both "
        "(views firm_clusters, firm_flags) with the input hashes and rules used.",
    )
    s.add_argument("--network", required=True)
    s.add_argument("--dataset", help="country x industry dataset to inherit embeddedness from")
    s.add_argument("--rules", help="TOML file overriding any subset of the default rules")
    add_output_options(s)
    s.set_defaults(func=_run)

    s = fs.add_parser(
        "report",
        parents=[common],
        help="print the diagnostics and flags of a network; charts with --plot",
        description="Flag counts, the largest clusters, the flagged clusters with their "
        'reasons, and with --cluster one cluster in full. All columns: gvc sql "SELECT * FROM '
        'firm_clusters".',
    )
    s.add_argument("--network", required=True)
    s.add_argument("--year", type=int, help="default: the latest")
    s.add_argument("--cluster", help="show this cluster's every diagnostic and flag")
    s.add_argument("--top", type=int, default=15, help="clusters in the overview (default 15)")
    s.add_argument(
        "--plot",
        metavar="DIR",
        help="write a chart per cluster (--cluster, else "
        "the flagged ones, at most --max-plots) to DIR",
    )
    s.add_argument("--max-plots", type=int, default=20)
    add_output_options(s)
    s.set_defaults(func=_report)

    s = fs.add_parser(
        "demo",
        parents=[common],
        help="synthetic firm network on the embedded WIOD 2013, end to end",
        description="Ingest WIOD 2013 (one year), generate a synthetic firm network from it "
        "whose links sum back to the table, write its files to --dir, ingest, run (linked to "
        "wiod2013) and report.",
    )
    s.add_argument("--dir", default="firms_demo", help="where the files go (default firms_demo)")
    s.add_argument("--year", type=int, default=2011)
    s.add_argument("--firms", type=int, default=20_000, help="about how many firms")
    s.add_argument("--clusters", type=int, default=40)
    s.add_argument("--links", type=int, default=200_000, help="about how many links")
    s.add_argument("--seed", type=int, default=18)
    s.add_argument("--plot", metavar="DIR", help="charts of the flagged clusters to DIR")
    add_output_options(s)
    s.set_defaults(func=_demo)


def _ingest(a: argparse.Namespace) -> int:
    from gvc.firms.api import ingest_network

    r = ingest_network(
        db=a.db,
        network=a.network,
        firms=a.firms,
        members=a.members,
        transactions=a.transactions,
        concordance=a.concordance,
        year=a.year,
    )
    status(f"stored network {r.network} ({r.seconds:.1f} s)")
    emit(
        frame([(r.network, k, v) for k, v in r.rows.items()], ["network", "table", "rows"]),
        a.format,
        a.output,
    )
    return 0


def _run(a: argparse.Namespace) -> int:
    from gvc.firms.api import run_network

    r = run_network(db=a.db, network=a.network, dataset=a.dataset, rules=a.rules)
    linked = f", embeddedness from {r.io_dataset}" if r.io_dataset else ""
    status(
        f"computed network {r.network}: {r.clusters} clusters, years "
        f"{', '.join(map(str, r.years))}{linked} ({r.seconds:.1f} s); see: gvc firms report "
        f"--network {r.network}"
    )
    emit(
        frame([(r.network, k, v) for k, v in r.flagged.items()], ["network", "flag", "flagged"]),
        a.format,
        a.output,
    )
    return 0


def _report(a: argparse.Namespace) -> int:
    from gvc.firms.report import firms_report

    rep = firms_report(
        db=a.db,
        network=a.network,
        year=a.year,
        cluster=a.cluster,
        top=a.top,
        plot_dir=a.plot,
        max_plots=a.max_plots,
    )
    emit(_report_of(rep, a.format), a.format, a.output)
    for p in rep.plots:
        status(f"wrote {p}")
    return 0


def _demo(a: argparse.Namespace) -> int:
    from gvc.firms.demo import firms_demo

    d = firms_demo(
        db=a.db,
        directory=a.dir,
        year=a.year,
        n_firms=a.firms,
        n_clusters=a.clusters,
        links=a.links,
        seed=a.seed,
        plot_dir=a.plot,
    )
    rows = d.ingest.rows
    status(
        f"synthetic network 'demo' from WIOD 2013 {a.year}: {rows['firms']:,} firms, "
        f"{rows['clusters']} clusters, {rows['transactions']:,} links; files in {d.directory}; "
        f"its design (truth): {d.files['clusters']}"
    )
    emit(_report_of(d.report, a.format), a.format, a.output)
    for p in d.report.plots:
        status(f"wrote {p}")
    return 0


def _report_of(rep, fmt: str) -> Report:
    out = Report(
        title=f"Firm network {rep.network}, {rep.year} ({rep.n_clusters} clusters; computed "
        f"{rep.status['computed_at']:%Y-%m-%d %H:%M} UTC)"
    )
    out.add("counts", rep.counts, "Flagged clusters by flag")
    out.add(
        "clusters",
        rep.clusters.round(3) if fmt == "table" else rep.clusters,
        f"Largest clusters ({len(rep.clusters)} of {rep.n_clusters})",
    )
    out.add("flagged", rep.flagged, "Flagged")
    if rep.detail is not None:
        out.add("detail", rep.detail, "Cluster diagnostics")
        out.add("cluster_flags", rep.cluster_flags, "Its flags")
    return out
