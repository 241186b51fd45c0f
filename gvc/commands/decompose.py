"""``gvc decompose``: compute (if needed) and print a gross-export decomposition."""

from __future__ import annotations

import argparse

from gvc.commands.output import add_output_options, emit


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "decompose",
        parents=[common],
        help="gross-export decomposition (KWW, WWZ, Borin-Mancini) of one exporter",
        description="Compute the decomposition for the stored tables that lack it, then print "
        "it for one exporter (all years unless --year).",
    )
    s.add_argument("--method", required=True, choices=["kww", "wwz", "bm"])
    s.add_argument("--dataset", required=True)
    s.add_argument("--exporter", required=True, help="exporting country code")
    s.add_argument("--year", type=int)
    s.add_argument("--importer", help="only this importer (wwz, bm)")
    s.add_argument("--by-sector", action="store_true", help="keep the exporting sector (wwz, bm)")
    s.add_argument("--approach", default="source", choices=["source", "sink"], help="bm only")
    s.add_argument(
        "--perspective",
        default="world",
        choices=["world", "exporter", "sector", "bilateral", "bilateral_sector"],
        help="bm only: the perimeter within which double counting is removed (sector, bilateral "
        "and bilateral_sector are own-flow perimeters, where source and sink coincide)",
    )
    add_output_options(s, parquet=True)
    s.set_defaults(func=_run)


def _run(a: argparse.Namespace) -> int:
    from gvc.api import decompose

    df = decompose(
        a.method,
        db=a.db,
        dataset=a.dataset,
        exporter=a.exporter,
        year=a.year,
        importer=a.importer,
        by_sector=a.by_sector,
        approach=a.approach,
        perspective=a.perspective,
    )
    emit(df, a.format, a.output)
    return 0
