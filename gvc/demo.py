"""``gvc demo``: ingest the embedded WIOD 2013 tables, compute, audit, and report real results."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from gvc import api
from gvc.paths import datasets_dir

DEMO_COUNTRIES = ("CHN", "USA", "DEU", "JPN", "MEX", "KOR")


@dataclass
class DemoReport:
    """The tables ``gvc demo`` prints."""

    ingested: list[api.IngestResult]
    top_flows: pd.DataFrame
    dva_shares: pd.DataFrame
    audits: dict[str, int]


def demo(
    *,
    db: str | os.PathLike | None = None,
    years: tuple[int, ...] | None = None,
    progress: api.Progress | None = None,
) -> DemoReport:
    """Ingest ``datasets/wiod2013`` (all years, or ``years``), run the core step, audit, report.

    The report holds the ten largest bilateral value-added flows of the last year and the
    domestic value-added share of gross exports of a few countries in the first and last year.
    """
    path = datasets_dir() / "wiod2013"
    ingested: list[api.IngestResult] = []
    for y in years or (None,):
        ingested += api.ingest(path, db=db, dataset="wiod2013", year=y, progress=progress)
    for y in years or (None,):
        api.run(db=db, dataset="wiod2013", year=y, progress=progress)
    done = sorted({r.year for r in ingested})
    first, last = done[0], done[-1]
    top = api.query(
        "SELECT origin_country AS origin, dest_country AS destination, "
        "round(value / 1000, 1) AS value FROM top_va_flows('wiod2013', ?, 10)",
        [last],
        db=db,
    )
    # the header says the stored unit (millions of a currency, shown in billions)
    unit = api.query(
        "SELECT unit FROM tables WHERE dataset = 'wiod2013' AND year = ?", [last], db=db
    ).iloc[0, 0]
    currency = str(unit).split()[0] if unit else "unknown unit"
    top = top.rename(columns={"value": f"value added ({currency} bn)"})
    top.insert(0, "year", last)
    countries = ", ".join(f"'{c}'" for c in DEMO_COUNTRIES)
    shares = api.query(
        f"SELECT exporter, year, round(dva_share, 3) AS dva_share "
        f"FROM export_va_content WHERE dataset = 'wiod2013' AND year IN (?, ?) "
        f"AND exporter IN ({countries}) ORDER BY exporter, year",
        [first, last],
        db=db,
    )
    wide = shares.pivot(index="exporter", columns="year", values="dva_share")
    wide.columns = [f"DVA share of exports {c}" for c in wide.columns]
    wide = wide.reset_index()
    return DemoReport(ingested, top, wide, api.audit(db=db))
