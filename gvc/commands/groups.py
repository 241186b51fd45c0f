"""``gvc aggregate`` (a new dataset from a stored one and concordances) and ``gvc group``
(define, run, list and report groupings: group-aware KWW, WWZ, BM, TiVA, participation).

Each subcommand parses arguments and calls one function of :mod:`gvc.groups`.
"""

from __future__ import annotations

import argparse

from gvc.commands.output import Progress, add_output_options, emit, frame, status
from gvc.errors import InputError


def _groups(specs: list[str] | None) -> dict[str, list[str]] | None:
    """``["EU=AUT,BEL", "NA=USA,CAN"]`` -> ``{"EU": ["AUT", "BEL"], ...}``."""
    if not specs:
        return None
    out: dict[str, list[str]] = {}
    for s in specs:
        name, sep, members = s.partition("=")
        codes = [c.strip() for c in members.split(",") if c.strip()]
        if not sep or not name.strip() or not codes:
            raise InputError(f"--group {s!r}: write NAME=CODE,CODE,...")
        out[name.strip()] = codes
    return out


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``gvc aggregate`` and ``gvc group define|run|list|report``."""
    s = sub.add_parser(
        "aggregate",
        parents=[common],
        help="make an aggregated dataset (country groups, sector aggregates)",
        description="Aggregate every year of a stored dataset with a country and/or sector "
        "concordance (a shipped name such as eu27_2020_wiod2013 or tiva_aggregates_icio2023, "
        "or a .toml/.csv file) into a new dataset, with provenance in tables.",
    )
    s.add_argument("--dataset", required=True, help="the stored parent dataset")
    s.add_argument("--countries", help="country concordance (name or file)")
    s.add_argument("--sectors", help="sector concordance (name or file)")
    s.add_argument("--to", dest="new_dataset", help="new dataset name (default derived)")
    s.add_argument("--year", type=int, action="append", help="only these years (repeatable)")
    s.add_argument(
        "--replace", action="store_true", help="overwrite an ingested dataset of that name"
    )
    add_output_options(s)
    s.set_defaults(func=_aggregate)

    p = sub.add_parser(
        "group",
        help="group-aware indicators: a group of countries as one economy",
        description="A grouping merges countries into economies (trade inside a group is "
        "domestic) for KWW, WWZ, Borin-Mancini, TiVA and participation; results in the views "
        "group_kww, group_wwz, group_bm, group_tiva, group_participation.",
    )
    gsub = p.add_subparsers(dest="group_command", required=True, metavar="SUBCOMMAND")
    s = gsub.add_parser("define", parents=[common], help="define (or redefine) a grouping")
    s.add_argument("name")
    s.add_argument("--dataset", required=True)
    s.add_argument("--concordance", help="country concordance (name or file), e.g. regions_icio")
    s.add_argument(
        "--group", action="append", metavar="NAME=CODES", help="a group, e.g. EU=AUT,BEL (repeat)"
    )
    add_output_options(s)
    s.set_defaults(func=_define)

    s = gsub.add_parser("run", parents=[common], help="compute a grouping for stored years")
    s.add_argument("name")
    s.add_argument("--dataset", required=True)
    s.add_argument("--year", type=int, action="append", help="only these years (repeatable)")
    s.add_argument("--force", action="store_true", help="recompute years that are up to date")
    add_output_options(s)
    s.set_defaults(func=_run)

    s = gsub.add_parser("list", parents=[common], help="the groupings of a dataset")
    s.add_argument("--dataset", required=True)
    add_output_options(s)
    s.set_defaults(func=_list)

    s = gsub.add_parser("report", parents=[common], help="KWW terms of a grouping's groups")
    s.add_argument("name")
    s.add_argument("--dataset", required=True)
    s.add_argument("--year", type=int, action="append", help="only these years (repeatable)")
    add_output_options(s)
    s.set_defaults(func=_report)


def _aggregate(a: argparse.Namespace) -> int:
    from gvc.groups.derive import aggregate

    res = aggregate(
        a.dataset,
        countries=a.countries,
        sectors=a.sectors,
        new_dataset=a.new_dataset,
        years=a.year,
        replace=a.replace,
        db=a.db,
    )
    for w in dict.fromkeys(w for r in res for w in r.warnings):
        status(f"warning: {w}")
    emit(
        frame(
            [(r.status, r.dataset, r.year, r.parent, r.countries, r.sectors) for r in res],
            ["status", "dataset", "year", "parent", "countries", "sectors"],
        ),
        a.format,
        a.output,
    )
    return 0


def _define(a: argparse.Namespace) -> int:
    from gvc.groups.store import define

    defn = define(
        a.name, dataset=a.dataset, concordance=a.concordance, groups=_groups(a.group), db=a.db
    )
    status(
        f"grouping {a.name!r} of {a.dataset!r} defined; compute it: gvc group run {a.name} "
        f"--dataset {a.dataset}"
    )
    emit(
        frame([(g, len(m), ",".join(m)) for g, m in defn.items()], ["economy", "n", "members"]),
        a.format,
        a.output,
    )
    return 0


def _run(a: argparse.Namespace) -> int:
    from gvc.groups.store import run

    done = run(a.name, dataset=a.dataset, years=a.year, force=a.force, db=a.db, progress=Progress())
    rows = [(d, y, "computed" if t else "up to date", sum(t.values())) for d, y, t in done]
    emit(frame(rows, ["dataset", "year", "status", "rows"]), a.format, a.output)
    return 0


def _list(a: argparse.Namespace) -> int:
    from gvc.groups.store import groupings

    emit(groupings(a.dataset, db=a.db), a.format, a.output)
    return 0


def _report(a: argparse.Namespace) -> int:
    from gvc.groups.store import report

    emit(report(a.name, dataset=a.dataset, years=a.year, db=a.db), a.format, a.output)
    return 0
