"""``gvc convert``: store a dataset converted to another currency with the user's rates."""

from __future__ import annotations

import argparse

from gvc.commands.output import add_output_options, emit, frame


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "convert",
        parents=[common],
        help="store a dataset converted to another currency (exchange rates from a CSV file)",
        description="Multiply every value of a stored dataset by the exchange rate of its year "
        "and store the result as a new dataset; the rates file and each rate are recorded in "
        "tables.harmonisation. Rates file: CSV with columns year, currency, rate (units of the "
        "target currency per unit of currency). See docs/units.md.",
    )
    s.add_argument("--dataset", required=True, help="stored dataset to convert")
    s.add_argument("--to", required=True, help="target currency, e.g. USD")
    s.add_argument("--rates", required=True, help="CSV file: year, currency, rate")
    s.add_argument("--new-dataset", help="name of the result (default: <dataset>_<to>)")
    s.add_argument("--year", type=int, help="only this year")
    s.add_argument("--replace", action="store_true", help="overwrite earlier conversions")
    add_output_options(s)
    s.set_defaults(func=_run)


def _run(a: argparse.Namespace) -> int:
    from gvc.currency import convert

    res = convert(
        dataset=a.dataset,
        to=a.to,
        rates=a.rates,
        db=a.db,
        new_dataset=a.new_dataset,
        year=a.year,
        replace=a.replace,
    )
    emit(
        frame(
            [(r.status, r.dataset, r.year, r.unit_from, r.unit_to, r.rate) for r in res],
            ["status", "dataset", "year", "unit_from", "unit_to", "rate"],
        ),
        a.format,
        a.output,
    )
    return 0
