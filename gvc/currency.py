"""Currency conversion of a stored dataset: an explicit step, with the user's exchange rates.

gvc never mixes currencies silently: a dataset stored in ``EUR million`` stays in EUR, and the
SQL macros that compare two datasets refuse different units (``require_same_unit``). To compare
FIGARO (EUR) with ICIO (USD), convert one of them: :func:`convert` reads every stored year of
``dataset``, multiplies every value (``Z``, ``Y``, output, value added) by the rate of its year
and stores the result as a new dataset, recording the rate and the rates file (path and
sha256) in ``tables.harmonisation`` (step ``convert_currency``), the source unit in
``tables.unit_as_published`` and the rate in ``tables.unit_factor``.

The rates file is a CSV with columns ``year, currency, rate``: ``rate`` is the number of units
of the target currency one unit of ``currency`` buys in ``year`` (e.g. ``2019,EUR,1.1195`` to
convert to USD: 1 EUR = 1.1195 USD, a yearly average the user chooses and names). Shares and
ratios are unit-free: a conversion leaves them unchanged, which the tests check.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gvc.errors import InputError, SchemaError
from gvc.units import CURRENCIES, parse_unit

log = logging.getLogger(__name__)

RATE_COLUMNS = ("year", "currency", "rate")


@dataclass(frozen=True)
class ConvertResult:
    """What :func:`convert` did with one year."""

    dataset: str
    year: int
    status: str  # loaded | replaced | skipped
    unit_from: str
    unit_to: str
    rate: float


def read_rates(path: str | os.PathLike) -> dict[tuple[int, str], float]:
    """``{(year, currency): rate}`` from a CSV with columns ``year, currency, rate``.

    Raises
    ------
    InputError
        missing file or column, a currency outside :data:`gvc.units.CURRENCIES`, a rate that
        is not a positive number, a (year, currency) given twice. One line naming the line.
    """
    import csv

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such rates file")
    with open(p, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in RATE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                f"{p}: line 1: missing column(s) {', '.join(missing)} "
                "(expected year, currency, rate)"
            )
        out: dict[tuple[int, str], float] = {}
        for row in reader:
            line = reader.line_num
            try:
                year = int(str(row["year"]).strip())
                rate = float(str(row["rate"]).strip())
            except ValueError:
                raise InputError(f"{p}: line {line}: year and rate must be numbers") from None
            cur = str(row["currency"]).strip().upper()
            if cur not in CURRENCIES:
                raise InputError(
                    f"{p}: line {line}: currency {cur!r} is not an ISO code gvc "
                    "knows (docs/units.md)"
                )
            if not np.isfinite(rate) or rate <= 0:
                raise InputError(f"{p}: line {line}: rate {rate} is not a positive number")
            if (year, cur) in out:
                raise InputError(f"{p}: line {line}: a second rate for {cur} in {year}")
            out[(year, cur)] = rate
    if not out:
        raise InputError(f"{p}: no rates")
    return out


def convert(
    *,
    dataset: str,
    to: str,
    rates: str | os.PathLike,
    db: str | os.PathLike | None = None,
    new_dataset: str | None = None,
    year: int | None = None,
    replace: bool = False,
) -> list[ConvertResult]:
    """Store ``dataset`` converted to currency ``to`` as ``new_dataset`` (one transaction).

    Parameters
    ----------
    dataset : a stored dataset.
    to : the target currency (ISO code, e.g. ``"USD"``).
    rates : CSV ``year, currency, rate`` (units of ``to`` per unit of ``currency``).
    db : the store.
    new_dataset : name of the converted dataset; default ``<dataset>_<to lower case>``.
    year : only this year (default: every stored year of ``dataset``).
    replace : overwrite years of ``new_dataset`` converted before with other rates.

    Returns
    -------
    one :class:`ConvertResult` a year.

    Raises
    ------
    InputError
        bad rates file, no rate for a year, a dataset already in ``to``, an unknown unit.
    SchemaError
        ``dataset`` (or ``year``) is not in the store.
    """
    from gvc.catalog import open_store
    from gvc.indicators.inputs import read_iotable
    from gvc.ingestion.load import load_table
    from gvc.store import run_sql, transaction

    target = to.strip().upper()
    if target not in CURRENCIES:
        raise InputError(f"--to {to!r}: not an ISO currency code gvc knows (docs/units.md)")
    table_of_rates = read_rates(rates)
    rates_path = Path(rates)
    rates_sha = hashlib.sha256(rates_path.read_bytes()).hexdigest()
    name = new_dataset or f"{dataset}_{target.lower()}"
    if name == dataset:
        raise InputError(f"--new-dataset must differ from the source dataset {dataset!r}")
    out: list[ConvertResult] = []
    with open_store(db) as con:
        sql = (
            "SELECT year, unit, coalesce(table_sha256, file_sha256), edition, "
            "value_added_definition, output_definition, harmonisation, warnings "
            "FROM tables WHERE dataset = ?"
        )
        params: list = [dataset]
        if year is not None:
            sql += " AND year = ?"
            params.append(int(year))
        rows = run_sql(con, sql + " ORDER BY year", params, obj="tables").fetchall()
        if not rows:
            raise SchemaError(
                f"no table for dataset {dataset!r}"
                + (f" year {year}" if year else "")
                + " in the store"
            )
        names = _names(con, dataset)
        with transaction(con):
            for y, unit, sha, edition, va_def, out_def, harm, warns in rows:
                if unit is None:
                    raise InputError(
                        f"{dataset} {y}: the stored unit is unknown (ingested before units were "
                        "recorded): re-ingest it with its unit first"
                    )
                src = parse_unit(unit, f"{dataset} {y}: tables.unit")
                if src.currency == target:
                    raise InputError(f"{dataset} {y} is already in {unit}: nothing to convert")
                key = (int(y), src.currency)
                if key not in table_of_rates:
                    raise InputError(
                        f"{rates_path}: no rate for {src.currency} in {y} (needed to convert "
                        f"{dataset} {y} to {target})"
                    )
                rate = table_of_rates[key]
                t = read_iotable(con, dataset, int(y))
                t = type(t)(
                    t.countries,
                    t.sectors,
                    t.fd_categories,
                    t.Z * rate,
                    t.Y_detail * rate,
                    t.x * rate,
                    t.va * rate,
                )
                new_unit = f"{target} {str(src).split(' ', 1)[1]}"
                step = {
                    "step": "convert_currency",
                    "detail": (
                        f"{unit} -> {new_unit}: every value multiplied by {rate:g} {target} per "
                        f"{src.currency} ({y}; rates file {rates_path}, sha256 {rates_sha[:12]})"
                    ),
                    "cells_changed": int(np.count_nonzero(t.Z) + np.count_nonzero(t.Y_detail)),
                    "rate": rate,
                    "rates_file": str(rates_path),
                    "rates_sha256": rates_sha,
                    "source_dataset": dataset,
                }
                provenance = {
                    "source": f"{dataset} {y} (gvc store), converted to {target}",
                    "format": "convert",
                    "edition": edition,
                    "file_sha256": hashlib.sha256(f"{sha}|{target}|{rate!r}".encode()).hexdigest(),
                    "unit": new_unit,
                    "unit_as_published": unit,
                    "unit_factor": rate,
                    "value_added_definition": va_def,
                    "output_definition": out_def,
                    "harmonisation": json.loads(harm or "[]") + [step],
                    "warnings": json.loads(warns or "[]"),
                }
                status = load_table(
                    con,
                    t,
                    dataset=name,
                    year=int(y),
                    provenance=provenance,
                    replace=replace,
                    names=names,
                )
                log.info("%s %s -> %s %s: %s", dataset, y, name, y, step["detail"])
                out.append(ConvertResult(name, int(y), status, unit, new_unit, rate))
    return out


def _names(con, dataset: str) -> dict[str, dict[str, str]]:
    from gvc.store import run_sql

    out: dict[str, dict[str, str]] = {}
    for dim, col in (
        ("countries", "country"),
        ("sectors", "sector"),
        ("fd_categories", "category"),
    ):
        rows = run_sql(
            con, f"SELECT {col}, name FROM {dim} WHERE dataset = ?", [dataset]
        ).fetchall()
        out[dim] = {r[0]: r[1] for r in rows if r[1] is not None}
    return out
