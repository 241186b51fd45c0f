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
from gvc.errors import EXIT_CODES, GVCError, InputError


class _Progress:
    """A one-line progress display on an interactive stderr; silent otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()

    def __call__(self, label: str, k: int, n: int) -> None:
        if not self.tty:
            return
        width = 30
        filled = int(width * k / max(n, 1))
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if k >= n else ""
        sys.stderr.write(f"\r[{bar}] {k}/{n} {label:<24}{end}")
        sys.stderr.flush()


def _print_frame(df, fmt: str = "table", output: str | None = None) -> None:
    import pandas as pd

    if fmt == "parquet":
        if not output:
            raise InputError("--format parquet needs --output FILE")
        import pyarrow as pa
        import pyarrow.parquet as pq

        tmp = Path(output).with_suffix(Path(output).suffix + ".tmp")
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp)
        tmp.replace(output)
        print(f"wrote {len(df)} rows to {output}")
        return
    if fmt == "csv":
        text = df.to_csv(index=False)
    elif fmt == "json":
        text = df.to_json(orient="records", date_format="iso")
    else:
        with pd.option_context("display.max_rows", 200, "display.width", 200):
            text = df.to_string(index=False) if len(df) else "(no rows)"
    if output:
        tmp = Path(output).with_suffix(Path(output).suffix + ".tmp")
        tmp.write_text(text + ("\n" if not text.endswith("\n") else ""))
        tmp.replace(output)
    else:
        print(text, end="" if text.endswith("\n") else "\n")


def cmd_ingest(a: argparse.Namespace) -> int:
    from gvc import api

    res = api.ingest(
        a.path,
        db=a.db,
        format=a.format,
        dataset=a.dataset,
        year=a.year,
        replace=a.replace,
        progress=_Progress(),
        unit=a.unit,
    )
    for r in res:
        note = f"; {len(r.warnings)} warnings recorded" if r.warnings else ""
        print(f"{r.status:8s} {r.dataset} {r.year}  ({r.source}{note})")
    if any(r.warnings for r in res):
        print(
            "warnings and harmonisation steps: "
            'gvc sql "SELECT year, warnings, harmonisation FROM tables"'
        )
    return 0


def cmd_run(a: argparse.Namespace) -> int:
    from gvc import api

    steps = tuple(a.steps.split(",")) if a.steps else api.DEFAULT_STEPS
    done = api.run(
        db=a.db, dataset=a.dataset, year=a.year, steps=steps, progress=_Progress(), force=a.force
    )
    for d, y, tables in done:
        if not tables:
            print(f"up to date {d} {y}")
            continue
        print(f"computed {d} {y}: " + ", ".join(f"{t} ({n:,} rows)" for t, n in tables.items()))
    return 0


def cmd_sql(a: argparse.Namespace) -> int:
    from gvc import api

    _print_frame(api.query(a.query, db=a.db), a.format, a.output)
    return 0


def cmd_audit(a: argparse.Namespace) -> int:
    from gvc import api

    res = api.audit(db=a.db)
    for name, count in res.items():
        print(f"{'ok  ' if count == 0 else 'FAIL'} {name}: {count} violating rows")
    api.audit(db=a.db, raise_on_violation=True)
    return 0


def cmd_tables(a: argparse.Namespace) -> int:
    from gvc import api

    _print_frame(
        api.query(
            "SELECT dataset, year, format, unit, unit_as_published, n_countries, n_sectors, "
            "value_added_definition, left(file_sha256, 12) AS sha256, source FROM tables "
            "ORDER BY dataset, year",
            db=a.db,
        ),
        a.format,
    )
    return 0


def cmd_demo(a: argparse.Namespace) -> int:
    from gvc.demo import demo

    years = tuple(a.year) if a.year else None
    rep = demo(db=a.db, years=years, progress=_Progress())
    loaded = sum(r.status != "skipped" for r in rep.ingested)
    print(
        f"WIOD 2013 release, {len(rep.ingested)} tables ({loaded} newly ingested) "
        f"in {a.db or 'gvc.duckdb'}\n"
    )
    print("Largest bilateral value-added flows (value added of origin absorbed in destination):")
    _print_frame(rep.top_flows)
    print("\nDomestic value-added share of gross exports (V B E-hat):")
    _print_frame(rep.dva_shares)
    print("\nAudits: " + ", ".join(f"{k}={v}" for k, v in rep.audits.items()))
    print('\nQuery it: gvc sql "SELECT * FROM vax WHERE year = 2011 ORDER BY vax DESC LIMIT 10"')
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

    s = sub.add_parser("ingest", parents=[common], help="read an IO table into the store")
    s.add_argument("path", help="file or directory")
    from gvc.readers import FORMATS

    s.add_argument("--format", default="auto", choices=FORMATS)
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
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("run", parents=[common], help="compute indicators for stored tables")
    s.add_argument("--dataset")
    s.add_argument("--year", type=int)
    s.add_argument(
        "--steps",
        help="comma-separated steps (default: core,wwz,kww,bm,tiva,participation; "
        "also wwz_third and the embeddedness steps)",
    )
    s.add_argument("--force", action="store_true", help="recompute steps that are up to date")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("sql", parents=[common], help="run a SQL query on the store")
    s.add_argument("query")
    s.add_argument("--format", default="table", choices=["table", "csv", "json", "parquet"])
    s.add_argument("--output", "-o", help="write to this file (needed for parquet)")
    s.set_defaults(func=cmd_sql)

    s = sub.add_parser(
        "audit", parents=[common], help="run the audit queries (exit 6 on violation)"
    )
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("tables", parents=[common], help="list the ingested tables")
    s.add_argument("--format", default="table", choices=["table", "csv", "json"])
    s.set_defaults(func=cmd_tables)

    s = sub.add_parser("demo", parents=[common], help="ingest the embedded WIOD 2013 and report")
    s.add_argument("--year", type=int, action="append", help="only these years (repeatable)")
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
