"""Chain geography on real data against sums over all paths, and a mixed-continent region (RoW)
trading with itself, by hand.

The reference is :func:`path_sums.series_sums` (see its module docstring).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS, provenance
from numpy.testing import assert_allclose
from path_sums import TRUNCATION, series_sums

import gvc
from gvc import chains
from gvc.catalog import open_store
from gvc.chains import geography as geo
from gvc.indicators.derived import Derived
from gvc.indicators.inputs import read_iotable
from gvc.ingestion.load import load_table
from gvc.kernels.crossings import chain_moments
from gvc.table import IOTable

NE = pd.read_parquet(DATASETS / "geo" / "ne_country_centroids.parquet")


# ------------------------------------------------------------------- a real WIOD chain


@pytest.fixture(scope="module")
def wiod_ict_usa(tmp_path_factory):
    """WIOD 2011, products of c14 (electrical and optical equipment) bought in the USA."""
    db = tmp_path_factory.mktemp("chain") / "w.duckdb"
    gvc.ingest(DATASETS / "wiod2013", db=db, dataset="wiod2013", year=2011)
    chains.define(
        "ict",
        dataset="wiod2013",
        producers_sectors=["c14"],
        destinations=["USA"],
        paths=5,
        db=db,
    )
    chains.run("ict", dataset="wiod2013", db=db)
    with open_store(db, read_only=True) as con:
        table = read_iotable(con, "wiod2013", 2011)
    per_origin = gvc.query("SELECT * FROM chain_geography WHERE chain = 'ict'", db=db)
    totals = gvc.query("SELECT * FROM chain_totals WHERE chain = 'ict'", db=db).iloc[0]
    G, N = table.G, table.N
    usa = table.countries.index("USA")
    y = table.Y[:, usa] * np.tile(np.array(table.sectors) == "c14", G)
    g = geo.country_geography(table.countries)
    s = series_sums(Derived(table).A, y, usa, G, N, g.km, g.continent_share)
    v = table.va / np.where(table.x != 0, table.x, 1.0)
    return table, v, s, per_origin, totals


NUMERATORS = {
    "crossings_mean": "crossings",
    "returns_mean": "returns",
    "intercontinental_mean": "intercontinental",
    "km_mean": "km",
    "countries_visited_mean": "visited",
}


def test_series_converged(wiod_ict_usa):
    _, _, s, _, _ = wiod_ict_usa
    assert s["left"].max() <= TRUNCATION


@pytest.mark.parametrize("column", ["value_added", *NUMERATORS, "crossings_var"])
def test_wiod_chain_per_origin_equals_path_sums(wiod_ict_usa, column):
    table, v, s, got, _ = wiod_ict_usa
    node = {lab: i for i, lab in enumerate(zip(*table.node_labels(), strict=True))}
    idx = np.array([node[k] for k in zip(got["origin_country"], got["origin_sector"], strict=True)])
    va = v[idx] * s["value"][idx]
    assert_allclose(got["value_added"], va, rtol=1e-9, atol=1e-12 * np.abs(va).sum())
    if column == "value_added":
        # every origin with value in the chain is stored
        assert len(idx) == np.count_nonzero(v * s["value"])
        return
    # compare value-weighted sums (va_i x mean_i): stable where an origin's value is tiny
    if column == "crossings_var":
        got_sum = got["value_added"] * (got["crossings_var"] + got["crossings_mean"] ** 2)
        want = v[idx] * s["crossings2"][idx]
    else:
        got_sum = got["value_added"] * got[column]
        want = v[idx] * s[NUMERATORS[column]][idx]
    assert_allclose(got_sum, want, rtol=1e-8, atol=1e-10 * np.abs(want).sum(), err_msg=column)


def test_wiod_chain_totals_equal_path_sums(wiod_ict_usa):
    table, v, s, _, tot = wiod_ict_usa
    va = v @ s["value"]
    assert tot["value_added"] == pytest.approx(va, rel=1e-9)
    for column, key in NUMERATORS.items():
        assert tot[column] == pytest.approx((v @ s[key]) / va, rel=1e-8), column
    mean = (v @ s["crossings"]) / va
    assert tot["crossings_var"] == pytest.approx((v @ s["crossings2"]) / va - mean**2, rel=1e-8)
    # production stages (WWYZ 2017b): at home before the first crossing, crossings of
    # intermediate goods, and the rest (domestic links after the first crossing)
    stages, home, border = (v @ s[k] / va for k in ("stages", "stages_home", "border_links"))
    assert tot["production_length"] == pytest.approx(stages, rel=1e-8)
    assert tot["pl_domestic"] == pytest.approx(home, rel=1e-8)
    assert tot["pl_border"] == pytest.approx(border, rel=1e-8)
    assert tot["pl_foreign"] == pytest.approx(stages - home - border, rel=1e-8)
    # the figure quoted in the issue: 0.667 expected intercontinental legs per unit of value
    assert tot["intercontinental_mean"] == pytest.approx(0.6673, abs=5e-5)


# ------------------------------------------------------------------- RoW trading with itself


def test_mixed_continent_region_trading_with_itself_by_hand():
    """USA and an aggregate R whose members are 1/4 North American, 3/4 elsewhere.

    R/s1 sells inputs to R/s2 (a link inside R: never a border, so never intercontinental);
    R/s2 sells final goods to the USA (intercontinental with probability 3/4) and to R itself.
    """
    A = np.zeros((4, 4))  # nodes USA/s1, USA/s2, R/s1, R/s2
    A[2, 3] = 0.5
    y = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [2.0, 2.0]])  # R/s2: 2 to USA, 2 to R
    B = np.linalg.inv(np.eye(4) - A)
    v = 1.0 - A.sum(axis=0)
    shares = np.array([[1.0, 0.0], [0.25, 0.75]])
    c = np.repeat(np.arange(2), 2)
    m = chain_moments(A, B, v, y, c, dest_countries=[0, 1], continent_of_country=shares)
    # half of each origin's value goes to the USA (one border, 3/4 intercontinental), half
    # stays in R (no border)
    assert_allclose(m["intercontinental_mean"][2:], [3 / 8, 3 / 8], rtol=1e-14)
    assert_allclose(m["crossings_mean"][2:], [1 / 2, 1 / 2], rtol=1e-14)
    one = chain_moments(A, B, v, y[:, :1], c, dest_countries=[0], continent_of_country=shares)
    assert_allclose(one["intercontinental_mean"][2:], [3 / 4, 3 / 4], rtol=1e-14)
    home = chain_moments(A, B, v, y[:, 1:], c, dest_countries=[1], continent_of_country=shares)
    assert_allclose(home["intercontinental_mean"][2:], [0, 0], atol=1e-15)


def test_rest_of_world_trading_with_itself_in_the_store(tmp_path):
    """The same chain on the store path with the real RoW of a (USA, RoW) table: R/s1 -> R/s2
    inside RoW, then final goods to the USA. Only the final leg can cross continents, with
    probability 1 - (GDP share of North America among RoW's Natural Earth members)."""
    x = np.array([1.0, 1.0, 2.0, 4.0])
    Z = np.zeros((4, 4))
    Z[2, 3] = 2.0  # RoW/s1 -> RoW/s2 (a = 1/2)
    Yd = np.zeros((4, 2))
    Yd[0, 0] = Yd[1, 0] = 1.0  # the USA consumes its own goods
    Yd[3, 0] = 4.0  # RoW/s2's final goods, all to the USA
    t = IOTable(("USA", "RoW"), ("s1", "s2"), ("F",), Z, Yd, x, x - Z.sum(axis=0))
    db = tmp_path / "r.duckdb"
    with open_store(db) as con:
        load_table(con, t, dataset="t", year=2000, provenance=provenance(unit="USD million"))
    chains.define("row", dataset="t", producers_countries=["RoW"], paths=3, db=db)
    chains.run("row", dataset="t", db=db)
    got = gvc.query(
        "SELECT origin_sector, value_added, crossings_mean, intercontinental_mean "
        "FROM chain_geography WHERE chain = 'row' ORDER BY origin_sector",
        db=db,
    )
    rest = NE[
        (NE["iso3"] != "USA")
        & ~NE["continent"].isin(["Antarctica", "Seven seas (open ocean)"])
        & (NE["gdp_md_est"].fillna(0) > 0)
    ]
    p_na = rest.loc[rest["continent"] == "North America", "gdp_md_est"].sum()
    p_other = 1.0 - p_na / rest["gdp_md_est"].sum()
    assert 0.5 < p_other < 1.0
    assert got["origin_sector"].tolist() == ["s1", "s2"]
    assert_allclose(got["value_added"], [2.0, 2.0], rtol=1e-12)
    assert_allclose(got["crossings_mean"], [1.0, 1.0], rtol=1e-12)
    assert_allclose(got["intercontinental_mean"], [p_other, p_other], rtol=1e-12)
    tot = gvc.query("SELECT * FROM chain_report('t', 'row')", db=db).iloc[0]
    assert tot["intercontinental_mean"] == pytest.approx(p_other, rel=1e-12)
