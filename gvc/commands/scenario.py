"""``gvc scenario``: define, run, report and list what-if scenarios.

Each subcommand parses arguments and calls one function of :mod:`gvc.scenarios`.
"""

from __future__ import annotations

import argparse
import tomllib
from typing import Any

from gvc.commands.output import Progress, Report, add_output_options, emit, frame, status
from gvc.errors import InputError


def _param(text: str) -> tuple[str, Any]:
    """``key=value``; the value is read as a TOML value (``0.5``, ``true``, ``["c14"]``), or
    as a plain string when it is not one (``RUS``)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise InputError(f"--param {text!r}: expected key=value")
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value
    return key.strip(), parsed


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``gvc scenario define|run|report|list``."""
    p = sub.add_parser(
        "scenario",
        help="what-if scenarios: extraction, import substitution, shocks, decomposition",
        description="A scenario is a stored definition (TOML file or --param key=value) "
        "applied to the tables of a dataset; results are deltas against the baseline. "
        "See docs/scenarios.md.",
    )
    ssub = p.add_subparsers(dest="scenario_command", required=True, metavar="SUBCOMMAND")

    s = ssub.add_parser("define", parents=[common], help="define (or redefine) a scenario")
    s.add_argument("name", nargs="?", help="scenario name (default: the file's name key)")
    s.add_argument("--dataset", help="dataset (default: the file's dataset key)")
    s.add_argument("--file", help="TOML definition file")
    s.add_argument(
        "--kind",
        help="extraction, import_substitution, demand_shock, primary_input_shock, mixed, "
        "bloc or sda (without --file)",
    )
    s.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a definition key, e.g. --param country=RUS --param 'sectors=[\"c14\"]' "
        "(repeatable; overrides the file)",
    )
    add_output_options(s)
    s.set_defaults(func=_define)

    s = ssub.add_parser("run", parents=[common], help="compute a defined scenario")
    s.add_argument("name")
    s.add_argument("--dataset", required=True)
    s.add_argument("--year", type=int, action="append", help="only these years (repeatable)")
    s.add_argument(
        "--executor",
        default="local",
        help="local (default), local:N, dask, dask:N or dask:ADDRESS for the grid's units",
    )
    add_output_options(s)
    s.set_defaults(func=_run)

    s = ssub.add_parser("report", parents=[common], help="print a scenario's results")
    s.add_argument("name")
    s.add_argument("--dataset", required=True)
    s.add_argument("--year", type=int, help="year (default: the latest computed)")
    s.add_argument("--point", help="grid point label (default: a summary of all points)")
    s.add_argument("--top", type=int, default=10, help="countries listed (default 10)")
    s.add_argument("--plot", help="write the gains-and-losses chart to this .png/.svg/.pdf")
    add_output_options(s)
    s.set_defaults(func=_report)

    s = ssub.add_parser("list", parents=[common], help="the scenarios defined for a dataset")
    s.add_argument("--dataset", required=True)
    add_output_options(s)
    s.set_defaults(func=_list)


def _define(a: argparse.Namespace) -> int:
    from gvc import scenarios

    params = dict(_param(t) for t in a.param)
    for key, val in (("name", a.name), ("dataset", a.dataset), ("kind", a.kind)):
        if val is not None:
            params[key] = val
    if a.file:
        d = scenarios.define(a.file, db=a.db, **params)
    else:
        d = scenarios.define(params, db=a.db)
    status(f"defined scenario {d.name} ({d.kind}) on {d.dataset}; definition hash {d.hash[:12]}")
    emit(
        frame([(d.name, d.dataset, d.kind, d.hash)], ["scenario", "dataset", "kind", "hash"]),
        a.format,
        a.output,
    )
    return 0


def _run(a: argparse.Namespace) -> int:
    from gvc import scenarios

    done = scenarios.run(
        a.name,
        dataset=a.dataset,
        years=a.year,
        executor=a.executor,
        db=a.db,
        progress=Progress(),
    )
    rows = [(a.name, year, t, n) for year, counts in done for t, n in counts.items() if n]
    emit(frame(rows, ["scenario", "year", "table", "rows"]), a.format, a.output)
    return 0


def _report(a: argparse.Namespace) -> int:
    from gvc import scenarios

    rep = scenarios.report(a.name, dataset=a.dataset, year=a.year, db=a.db)
    out = Report(text=scenarios.format_report(rep, point=a.point, top=a.top))
    out.add("points", rep.points).add("countries", rep.countries).add("clusters", rep.clusters)
    out.add("flags", rep.flags)
    if len(rep.sda):
        out.add("sda", rep.sda)
    emit(out, a.format, a.output)
    if a.plot:
        path = scenarios.plot(rep, a.plot, point=a.point, top=a.top)
        status(f"wrote {path}")
    return 0


def _list(a: argparse.Namespace) -> int:
    from gvc import scenarios

    emit(scenarios.list_scenarios(dataset=a.dataset, db=a.db), a.format, a.output)
    return 0
