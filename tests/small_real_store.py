"""A small real table in a store with every result the SQL objects read (for
tests/test_view_values.py).

WIOD 2013 (``datasets/wiod2013``), years 2008 and 2009, aggregated to four regions (CHN, DEU,
USA and RoW = the other 37 countries and WIOD's rest of the world) and four sectors (``AtC``:
c1-c2 agriculture and mining; ``D``: c3-c16 manufacturing; ``EtF``: c17-c18 utilities and
construction; ``GtP``: c19-c35 services), all five final-demand categories. Output is rebalanced
as ``x = Z 1 + Y 1`` (the shipped integers are rounded) and ``va = x - 1'Z``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from conftest import WIOD2013, provenance

from gvc.table import IOTable

DATASET = "wiod_small"
YEARS = (2008, 2009)
COUNTRIES = ("CHN", "DEU", "USA", "RoW")
SECTORS = ("AtC", "D", "EtF", "GtP")
FD = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")
CHAINS = {
    # products of manufacturing bought in the USA, both years
    "manuf_usa": {"countries": None, "sectors": ("D",), "destination": "USA", "years": YEARS},
    # German and US products bought in China, 2008 only (a second chain: joins by chain name)
    # defined, never run: listed by chain_tables with no years
    "defined_only": {"countries": ("RoW",), "sectors": None, "destination": "DEU", "years": ()},
    "deu_usa_chn": {
        "countries": ("DEU", "USA"),
        "sectors": None,
        "destination": "CHN",
        "years": (2008,),
    },
}
CLUSTERS = {
    "transatlantic_manuf": [("DEU", "D"), ("USA", "D"), ("DEU", "EtF")],
    "china": [("CHN", "D"), ("CHN", "GtP")],
}
# a member inserted from SQL after the flags (clusters may name codes the table lacks)
NOT_A_NODE = ("china", "FRA", "D")
# groupings (gvc group define + run): every country its own economy, and DEU + USA as one
GROUPINGS = {
    "singles": {c: [c] for c in COUNTRIES},
    "atlantic": {"ATL": ["DEU", "USA"]},
}
# user product groups: a new one, and one replacing the sector of the same name
PRODUCT_GROUPS = {"goods": ["AtC", "D"], "GtP": ["EtF", "GtP"]}
# datasets beside DATASET (2009 only, core step): the table doubled in the same unit, and the
# table in another unit (compare_va_flows, require_same_unit)
# table in another unit (compare_va_flows, require_same_unit); the doubled one spells RoW "ROW"
# (a code found in one dataset only)
DOUBLED, OTHER_UNIT = "wiod_small_x2", "wiod_small_eur"
DOUBLED_COUNTRIES = ("CHN", "DEU", "USA", "ROW")
# scenarios (gvc scenario define + run), 2009; a grid of two changes, a substitution and an SDA
SCENARIOS = {
    "shock": {
        "kind": "demand_shock",
        "years": [2009],
        "country": "DEU",
        "sectors": ["D"],
        "change": [-0.3, 0.1],
    },
    "subst": {
        "kind": "import_substitution",
        "years": [2009],
        "country": "CHN",
        "sectors": ["D"],
        "theta": 1.0,
    },
    "sda": {"kind": "sda", "year_from": 2008, "year_to": 2009},
}
# a firm network (gvc firms ingest + run), 2009: two clusters sharing a university
FIRM_NETWORK = "small_net"
FIRMS = {
    "firm": ["a", "b", "c", "d", "u", "g", "h"],
    "country": ["DEU", "DEU", "USA", "DEU", "DEU", "DEU", "USA"],
    "type": ["firm", "firm", "firm", "state_corporation", "university", "public_body", "investor"],
    "sales": [100.0, 60.0, 40.0, 80.0, 5.0, 1.0, 3.0],
}
FIRM_MEMBERS = [
    ("a", "k1"),
    ("b", "k1"),
    ("u", "k1"),
    ("g", "k1"),
    ("c", "k2"),
    ("d", "k2"),
    ("u", "k2"),
    ("h", "k2"),  # no links at all
]
FIRM_LINKS = [
    ("a", "b", 30.0),
    ("b", "a", 10.0),
    ("b", "c", 20.0),
    ("c", "d", 15.0),
    ("d", "a", 25.0),
    ("u", "a", 2.0),
    ("a", "c", 5.0),
    ("g", "a", 0.0),  # a link of value 0: g has no sales
    ("a", "u", 3.0),  # a's second buyer inside k1
]
# a second network (its rows must not leak into the first one's objects)
OTHER_NETWORK = "other_net"
# lock-in rules that evaluate every flag on four regions and two years
RULES = {
    "closed_national_chain": {
        "min_countries": 3,
        "pure_domestic_share_percentile": 60.0,
        "backward_percentile": 40.0,
        "forward_percentile": 40.0,
    },
    "declining_integration": {"years": 1, "relative_decline": 0.05},
    "closed_cluster": {
        "min_intra_cluster_share": 0.05,
        "max_export_share": 0.2,
        "max_backward": 0.2,
    },
}


def _sector_group(code: str) -> int:
    k = int(code[1:])  # c1 ... c35
    return 0 if k <= 2 else 1 if k <= 16 else 2 if k <= 18 else 3


def aggregated_table(year: int) -> IOTable:
    """The year's WIOD table summed into :data:`COUNTRIES` x :data:`SECTORS`."""
    cells = pd.read_parquet(WIOD2013 / f"wiot_{year}.parquet")
    G, N, F = len(COUNTRIES), len(SECTORS), len(FD)

    def recode(col: str, fn) -> np.ndarray:
        # map the (few) categories, then index by the codes: no per-row Python
        cat = cells[col].astype("category").cat
        return np.array([fn(str(v)) for v in cat.categories], dtype=np.int64)[cat.codes]

    def region(c: str) -> int:
        return COUNTRIES.index(c) if c in COUNTRIES[:-1] else G - 1

    def item(code: str) -> int:  # final-demand category k as -1 - k, else the sector group
        return -1 - FD.index(code) if code in FD else _sector_group(code)

    row = recode("row_country", region) * N + recode("row_sector", _sector_group)
    col_c = recode("col_country", region)
    it = recode("col_item", item)
    value = cells["value"].to_numpy(dtype=np.float64)
    final = it < 0
    Z = np.zeros((G * N, G * N))
    Yd = np.zeros((G * N, G * F))
    np.add.at(Z, (row[~final], col_c[~final] * N + it[~final]), value[~final])
    np.add.at(Yd, (row[final], col_c[final] * F - 1 - it[final]), value[final])
    x = Z.sum(axis=1) + Yd.sum(axis=1)
    return IOTable(COUNTRIES, SECTORS, FD, Z, Yd, x, x - Z.sum(axis=0))


@dataclass(frozen=True)
class SmallStore:
    """The store and what went into it: ``tables[year]`` is the table as loaded."""

    db: Path
    tables: dict[int, IOTable]
    flags: pd.DataFrame  # what the flag computation returned (gvc.lockin.FLAG_COLUMNS)


def build_store(directory: Path) -> SmallStore:
    """Load the two years, run every step, define and run the chain, compute the flags."""
    import gvc
    from gvc import chains, scenarios
    from gvc.catalog import open_store
    from gvc.groups import store as gvc_groups
    from gvc.indicators.registry import STEPS
    from gvc.ingestion.load import load_table
    from gvc.lockin import load_rules
    from gvc.lockin.flags import compute_flags

    db = directory / "small.duckdb"
    tables = {y: aggregated_table(y) for y in YEARS}
    with open_store(db) as con:
        for y, t in tables.items():
            load_table(
                con,
                t,
                dataset=DATASET,
                year=y,
                provenance=provenance("wiod2013 aggregated", unit="USD million"),
            )
    gvc.run(db=db, dataset=DATASET, steps=list(STEPS))
    for name, spec in CHAINS.items():
        chains.define(
            name,
            dataset=DATASET,
            producers_countries=spec["countries"],
            producers_sectors=spec["sectors"],
            destinations=[spec["destination"]],
            paths=10,
            db=db,
        )
        if spec["years"]:
            chains.run(name, dataset=DATASET, years=list(spec["years"]), db=db)
    for name, groups in GROUPINGS.items():
        gvc_groups.define(name, dataset=DATASET, groups=groups, db=db)
        gvc_groups.run(name, dataset=DATASET, db=db)
    t9 = tables[2009]
    doubled = IOTable(
        DOUBLED_COUNTRIES,
        t9.sectors,
        t9.fd_categories,
        2 * t9.Z,
        2 * t9.Y_detail,
        2 * t9.x,
        2 * t9.va,
    )
    with open_store(db) as con:
        for ds, t, unit in ((DOUBLED, doubled, "USD million"), (OTHER_UNIT, t9, "EUR million")):
            load_table(
                con,
                t,
                dataset=ds,
                year=2009,
                provenance=provenance("wiod2013 aggregated", unit=unit),
            )
        con.executemany(
            "INSERT INTO product_groups VALUES (?, ?, ?)",
            [[DATASET, g, s] for g, members in PRODUCT_GROUPS.items() for s in members],
        )
    for ds in (DOUBLED, OTHER_UNIT):
        gvc.run(db=db, dataset=ds, steps=["core"])
    for name, spec in SCENARIOS.items():
        scenarios.define({"name": name, "dataset": DATASET, **spec}, db=db)
        scenarios.run(name, dataset=DATASET, db=db)
    from firmnet import build, firm_rows

    build(
        directory,
        firm_rows(FIRMS["firm"], **{k: v for k, v in FIRMS.items() if k != "firm"}),
        FIRM_MEMBERS,
        FIRM_LINKS,
        network=FIRM_NETWORK,
        year=2009,
        db=db,
    )
    (directory / OTHER_NETWORK).mkdir()
    build(
        directory / OTHER_NETWORK,
        firm_rows(["a", "b", "c"], country="USA"),
        [("a", "k1"), ("b", "k1"), ("c", "k1")],
        [("a", "b", 7.0), ("b", "c", 9.0), ("c", "a", 4.0)],
        network=OTHER_NETWORK,
        year=2009,
        db=db,
    )
    with open_store(db) as con:
        flags = compute_flags(con, DATASET, rules=load_rules(overrides=RULES), clusters=CLUSTERS)
        con.execute("INSERT INTO clusters VALUES (?, ?, ?, ?)", [DATASET, *NOT_A_NODE])
    return SmallStore(db, tables, flags)
