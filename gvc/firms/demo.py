"""``gvc firms demo``: a synthetic firm network on the embedded WIOD 2013, end to end.

1. Ingest the WIOD 2013 table of one year (default 2011) from ``datasets/wiod2013`` as
   dataset ``wiod2013`` (skipped when already in the store).
2. Generate a synthetic network for a few European countries from that table
   (:func:`gvc.firms.synthetic.generate_network`): firms carry ISIC Rev. 3 codes (the
   ``isic_rev3`` column of ``datasets/classifications/wiod2013_sectors_35.parquet``), 30 % of
   the trade firms carry the section code ``G`` that the concordance maps to the three WIOD
   trade sectors c19-c21; universities and research centres come from c32 (education),
   public bodies from c31 (public administration); firms sit around the Natural Earth
   centroids of their countries (``datasets/geo``).
3. Write the files (Parquet) to a directory, ingest them as network ``demo``, run the
   diagnostics and flags linked to ``wiod2013`` and report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gvc.firms.api import IngestSummary, RunSummary
from gvc.firms.report import FirmsReport

DEMO_COUNTRIES = ("DEU", "FRA", "ITA", "POL", "CZE", "RUS")
COARSE = {"G": ("c19", "c20", "c21")}
"""ISIC Rev. 3 section G (divisions 50-52) = WIOD 2013 sectors c19, c20, c21."""


@dataclass
class FirmsDemo:
    """What the demo did and the report it printed."""

    directory: Path
    files: dict[str, Path]
    ingest: IngestSummary
    run: RunSummary
    report: FirmsReport
    truth: pd.DataFrame


def firms_demo(
    *,
    db: str | os.PathLike | None = None,
    directory: str | os.PathLike = "firms_demo",
    year: int = 2011,
    countries: tuple[str, ...] = DEMO_COUNTRIES,
    n_firms: int = 20_000,
    n_clusters: int = 40,
    links: int = 200_000,
    seed: int = 18,
    plot_dir: str | os.PathLike | None = None,
) -> FirmsDemo:
    """Run the demo (see module doc); returns what it did and the report of ``year``."""
    from gvc import api
    from gvc.catalog import open_store
    from gvc.firms.api import ingest_network, run_network
    from gvc.firms.report import firms_report
    from gvc.firms.synthetic import generate_network
    from gvc.indicators.inputs import read_iotable
    from gvc.paths import datasets_dir

    api.ingest(datasets_dir() / "wiod2013", db=db, dataset="wiod2013", year=year)
    with open_store(db) as con:
        table = read_iotable(con, "wiod2013", year)
    sectors = pd.read_parquet(datasets_dir() / "classifications" / "wiod2013_sectors_35.parquet")
    net = generate_network(
        table,
        countries=countries,
        year=year,
        n_firms=n_firms,
        n_clusters=n_clusters,
        links=links,
        seed=seed,
        science_sector="c32",
        government_sector="c31",
        classification="isic_rev3",
        industry_codes=dict(zip(sectors["code"], sectors["isic_rev3"], strict=True)),
        coarse_codes=COARSE,
        positions=country_positions(countries),
    )
    d = Path(directory)
    files = net.write(d)
    ing = ingest_network(
        db=db,
        network="demo",
        firms=files["firms"],
        members=files["members"],
        transactions=files["transactions"],
        concordance=files["concordance"],
    )
    run = run_network(db=db, network="demo", dataset="wiod2013")
    rep = firms_report(db=db, network="demo", plot_dir=plot_dir)
    return FirmsDemo(d, files, ing, run, rep, net.clusters.to_pandas())


def country_positions(countries: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """``{country: (lon, lat)}`` of Natural Earth's main-polygon centroids (``ROM`` = ROU)."""
    from gvc.paths import datasets_dir

    geo = pd.read_parquet(datasets_dir() / "geo" / "ne_country_centroids.parquet")
    pos = dict(
        zip(
            geo["iso3"],
            zip(geo["centroid_main_lon"], geo["centroid_main_lat"], strict=True),
            strict=True,
        )
    )
    alias = {"ROM": "ROU"}
    return {c: pos[alias.get(c, c)] for c in countries if alias.get(c, c) in pos}
