"""The ``gvc`` command line. Each command calls one public function; no logic lives here.

Exit codes: see :data:`gvc.errors.EXIT_CODES` (0 ok, 1 internal error, 2 bad input,
3 missing data in the store, 4 query error, 5 numerical problem, 6 audit violation,
7 store locked).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from gvc import __version__
from gvc.commands.output import (
    FORMATS,
    Progress,
    Report,
    add_output_options,
    emit,
    frame,
    status,
)
from gvc.errors import EXIT_CODES, GVCError, InputError


def cmd_ingest(a: argparse.Namespace) -> int:
    from gvc import api
    from gvc.commands.ingest_options import harmonise_options

    res = api.ingest(
        a.path,
        db=a.db,
        format=a.format,
        dataset=a.dataset,
        year=a.year,
        replace=a.replace,
        options=harmonise_options(a),
        progress=Progress(),
        unit=a.unit,
    )
    for r in res:
        for w in r.warnings:
            status(f"warning: {r.dataset} {r.year}: {w}")
    if any(r.warnings for r in res):
        status(
            "warnings and harmonisation steps are kept in the store: "
            'gvc sql "SELECT year, warnings, harmonisation FROM tables"'
        )
    emit(
        frame(
            [(r.status, r.dataset, r.year, len(r.warnings), r.source) for r in res],
            ["status", "dataset", "year", "warnings", "source"],
        ),
        a.output_format,
        a.output,
    )
    return 0


def cmd_run(a: argparse.Namespace) -> int:
    from gvc import api

    steps = tuple(x.strip() for x in a.steps.split(",") if x.strip()) if a.steps else None
    done = api.run(
        db=a.db,
        dataset=a.dataset,
        year=a.year,
        steps=steps or api.DEFAULT_STEPS,
        progress=Progress(),
        force=a.force,
    )
    rows: list[tuple[object, ...]] = []
    for d, y, tables in done:
        if not tables:
            rows.append((d, y, "up to date", None, None))
        for t, n in tables.items():
            rows.append((d, y, "computed", t, n))
    emit(frame(rows, ["dataset", "year", "status", "table", "rows"]), a.format, a.output)
    return 0


def _query_text(a: argparse.Namespace) -> str:
    if a.file is not None:
        src = sys.stdin if a.file == "-" else None
        try:
            text = src.read() if src is not None else Path(a.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{a.file}: cannot read the query file ({exc.strerror})") from exc
    elif a.query == "-":
        text = sys.stdin.read()
    else:
        text = a.query or ""
    if not text.strip():
        raise InputError("empty query: give SQL as an argument, with -f FILE, or on stdin (-)")
    return text


def cmd_sql(a: argparse.Namespace) -> int:
    from gvc import api

    emit(api.query(_query_text(a), db=a.db), a.format, a.output)
    return 0


def cmd_audit(a: argparse.Namespace) -> int:
    from gvc import api

    res = api.audit(db=a.db)
    emit(
        frame(
            [(k, v, "ok" if v == 0 else "FAIL") for k, v in res.items()],
            ["audit", "violating_rows", "status"],
        ),
        a.format,
        a.output,
    )
    bad = [k for k, v in res.items() if v]
    if bad:
        status(f"gvc: audit violations: {', '.join(bad)}")
        return 6
    return 0


def cmd_tables(a: argparse.Namespace) -> int:
    from gvc import api

    if a.objects:
        from gvc.catalog.objects import sql_objects

        emit(sql_objects(short=a.format == "table"), a.format, a.output)
        return 0
    emit(
        api.query(
            "SELECT dataset, year, format, unit, unit_as_published, n_countries, n_sectors, "
            "value_added_definition, left(table_sha256, 12) AS table_sha256, source "
            "FROM tables ORDER BY dataset, year",
            db=a.db,
        ),
        a.format,
        a.output,
    )
    return 0


def cmd_demo(a: argparse.Namespace) -> int:
    from gvc.demo import demo

    years = tuple(a.year) if a.year else None
    rep = demo(db=a.db, years=years, progress=Progress())
    loaded = sum(r.status != "skipped" for r in rep.ingested)
    out = Report(
        title=f"WIOD 2013 release, {len(rep.ingested)} tables ({loaded} newly ingested) "
        f"in {a.db or 'gvc.duckdb'}",
        notes=[
            "Audits: " + ", ".join(f"{k}={v}" for k, v in rep.audits.items()),
            'Query it: gvc sql "SELECT * FROM vax WHERE year = 2011 ORDER BY vax DESC LIMIT 10"',
        ],
    )
    out.add(
        "top_flows",
        rep.top_flows,
        "Largest bilateral value-added flows (value added of origin absorbed in destination)",
    )
    out.add("dva_shares", rep.dva_shares, "Domestic value-added share of gross exports (V B E-hat)")
    emit(out, a.format, a.output)
    return 0 if not any(rep.audits.values()) else 6


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gvc",
        description="Global value chain flow modeller over a DuckDB store.",
        epilog="Exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()),
    )
    p.add_argument("--version", action="version", version=f"gvc {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB store (default: $GVC_DB or gvc.duckdb)")
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    common.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from gvc.readers import FORMATS as INPUT_FORMATS

    s = sub.add_parser(
        "ingest",
        parents=[common],
        help="read an IO table into the store",
        description="Read every year of a file or directory, harmonise, validate and load it "
        "in one transaction. --format names the INPUT layout; the loaded years are printed as "
        "a table (--output-format csv|json, -o FILE); warnings go to stderr.",
    )
    s.add_argument("path", help="file or directory")
    s.add_argument("--format", default="auto", choices=INPUT_FORMATS, help="input layout")
    s.add_argument("--dataset", help="dataset name (default: derived from the path)")
    s.add_argument(
        "--unit",
        help="unit of a table that does not state it (long layout), e.g. 'USD million', "
        "'EUR million', 'USD thousand'; see docs/units.md",
    )
    s.add_argument("--year", type=int, help="only this year")
    s.add_argument(
        "--replace", action="store_true", help="overwrite a year ingested from another file"
    )
    s.add_argument("--output-format", default="table", choices=FORMATS, help="report format")
    s.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    from gvc.commands.ingest_options import add_harmonise_options

    add_harmonise_options(s)
    s.set_defaults(func=cmd_ingest)

    from gvc.catalog.objects import STEPS_EPILOG, StepsHelpFormatter

    s = sub.add_parser(
        "run",
        parents=[common],
        help="compute indicators for stored tables",
        epilog=STEPS_EPILOG,
        formatter_class=StepsHelpFormatter,
    )
    s.add_argument("--dataset")
    s.add_argument("--year", type=int, action="append", help="only these years (repeatable)")
    s.add_argument(
        "--steps",
        help="comma-separated steps (default: the ones marked * below)",
    )
    s.add_argument("--force", action="store_true", help="recompute steps that are up to date")
    add_output_options(s)
    s.set_defaults(func=cmd_run)

    s = sub.add_parser(
        "sql",
        parents=[common],
        help="run a SQL query on the store (read-only)",
        description="Run one SQL query: the argument, -f FILE, or standard input (- or -f -).",
    )
    s.add_argument("query", nargs="?", help="the SQL text, or - to read it from stdin")
    s.add_argument("-f", "--file", help="read the query from FILE (- for stdin)")
    add_output_options(s, parquet=True)
    s.set_defaults(func=cmd_sql)

    s = sub.add_parser(
        "audit", parents=[common], help="run the audit queries (exit 6 on violation)"
    )
    add_output_options(s)
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("tables", parents=[common], help="list the ingested tables")
    s.add_argument(
        "--objects", action="store_true", help="list the SQL views, macros and audits instead"
    )
    add_output_options(s)
    s.set_defaults(func=cmd_tables)

    s = sub.add_parser("demo", parents=[common], help="ingest the embedded WIOD 2013 and report")
    s.add_argument("--year", type=int, action="append", help="only these years (repeatable)")
    add_output_options(s)
    s.set_defaults(func=cmd_demo)

    import importlib

    from gvc.commands import MODULES

    for mod in MODULES:
        importlib.import_module(mod).add_commands(sub, common)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    a = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if a.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(a.func(a) or 0)
    except GVCError as exc:
        if a.debug:
            raise
        print(f"gvc: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "gvc: interrupted; the store is unchanged for the step that was running",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the CLI must print one line, not a traceback
        if a.debug:
            raise
        print(
            f"gvc: internal error: {type(exc).__name__}: {exc} (run with --debug)", file=sys.stderr
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
