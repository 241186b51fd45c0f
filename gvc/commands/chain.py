"""``gvc chain``: define, run, list and report value chains (border crossings, km, paths).

Each subcommand parses arguments and calls one function of :mod:`gvc.chains`.
"""

from __future__ import annotations

import argparse

from gvc.commands.output import Progress, Report, add_output_options, emit, frame, status


def _codes(text: str | None) -> list[str] | None:
    """``"USA,CHN"`` -> ``["USA", "CHN"]``; ``None`` or ``"all"`` -> ``None`` (all)."""
    if text is None or text.strip().lower() == "all":
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``gvc chain define|run|report|list``."""
    p = sub.add_parser(
        "chain",
        help="value chains: border crossings, km, countries and top paths",
        description="A chain is the final demand for the products of some producing countries "
        "and sectors, absorbed in some destination countries. Define it once, run it, report.",
    )
    csub = p.add_subparsers(dest="chain_command", required=True, metavar="SUBCOMMAND")

    s = csub.add_parser("define", parents=[common], help="define (or redefine) a chain")
    s.add_argument("name")
    s.add_argument("--dataset", required=True)
    s.add_argument("--producers-countries", help="comma-separated country codes, or all (default)")
    s.add_argument("--producers-sectors", help="comma-separated sector codes, or all (default)")
    s.add_argument("--destinations", help="comma-separated country codes, or all (default)")
    s.add_argument(
        "--km-source",
        default="natural_earth",
        choices=["natural_earth", "none", "cepii"],
        help="distances: Natural Earth centroids (default), none, or your CEPII GeoDist file",
    )
    s.add_argument("--cepii-file", help="CEPII dist_cepii file (.csv or .parquet), for cepii")
    s.add_argument(
        "--cepii-measure",
        choices=["dist", "distcap", "distw", "distwces"],
        help="CEPII distance measure (default dist)",
    )
    s.add_argument(
        "--km-fallback",
        choices=["natural_earth"],
        help="great-circle km for country pairs the CEPII file lacks (default: error)",
    )
    s.add_argument("--paths", type=int, default=20, help="structural paths to keep (default 20)")
    add_output_options(s)
    s.set_defaults(func=_define)

    s = csub.add_parser("run", parents=[common], help="compute a defined chain for stored years")
    s.add_argument("name")
    s.add_argument("--dataset", required=True)
    s.add_argument("--year", type=int, action="append", help="only these years (repeatable)")
    s.add_argument("--force", action="store_true", help="recompute years that are up to date")
    add_output_options(s)
    s.set_defaults(func=_run)

    s = csub.add_parser(
        "report", parents=[common], help="print a chain's results; --plot a picture"
    )
    s.add_argument("name")
    s.add_argument("--dataset", required=True)
    s.add_argument(
        "--year", type=int, help="only this year (default: all years; paths of the latest)"
    )
    s.add_argument("--top", type=int, default=5, help="paths listed (default 5)")
    s.add_argument("--plot", help="write a picture to this .png/.svg/.pdf file")
    s.add_argument("--plot-kind", default="both", choices=["both", "map", "years"])
    add_output_options(s)
    s.set_defaults(func=_report)

    s = csub.add_parser("list", parents=[common], help="the chains defined for a dataset")
    s.add_argument("--dataset", required=True)
    add_output_options(s)
    s.set_defaults(func=_list)


def _define(a: argparse.Namespace) -> int:
    from gvc import chains

    spec = chains.define(
        a.name,
        dataset=a.dataset,
        producers_countries=_codes(a.producers_countries),
        producers_sectors=_codes(a.producers_sectors),
        destinations=_codes(a.destinations),
        km_source=a.km_source,
        cepii_file=a.cepii_file,
        cepii_measure=a.cepii_measure,
        km_fallback=a.km_fallback,
        paths=a.paths,
        db=a.db,
    )
    status(f"defined chain {spec.name} ({spec.dataset}): {spec.describe()}")
    emit(
        frame(
            [
                (
                    spec.name,
                    spec.dataset,
                    spec.describe(),
                    spec.km_source,
                    spec.km_file,
                    spec.km_file_sha256,
                    spec.km_fallback,
                    spec.paths,
                )
            ],
            [
                "chain",
                "dataset",
                "definition",
                "km_source",
                "km_file",
                "km_file_sha256",
                "km_fallback",
                "paths",
            ],
        ),
        a.format,
        a.output,
    )
    return 0


def _run(a: argparse.Namespace) -> int:
    from gvc import chains

    done = chains.run(
        a.name, dataset=a.dataset, years=a.year, force=a.force, db=a.db, progress=Progress()
    )
    rows: list[tuple[object, ...]] = []
    for year, counts in done:
        if not counts:
            rows.append((a.name, year, "up to date", None, None))
        for t, n in counts.items():
            rows.append((a.name, year, "computed", t, n))
    emit(frame(rows, ["chain", "year", "status", "table", "rows"]), a.format, a.output)
    return 0


def _report(a: argparse.Namespace) -> int:
    from gvc import chains

    rep = chains.report(a.name, dataset=a.dataset, year=a.year, db=a.db)
    out = Report(text=chains.format_report(rep, year=a.year, top=a.top))
    out.add("totals", rep.totals).add("paths", rep.paths)
    emit(out, a.format, a.output)
    if a.plot:
        path = chains.plot(rep, a.plot, year=a.year, kind=a.plot_kind)
        status(f"wrote {path}")
    return 0


def _list(a: argparse.Namespace) -> int:
    from gvc import chains

    names = chains.chain_names(a.dataset, db=a.db)
    emit(frame([(n,) for n in names], ["chain"]), a.format, a.output)
    return 0
