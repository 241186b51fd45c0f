"""Chain geography on real data against sums over all paths, and a mixed-continent region (RoW)
trading with itself, by hand.

The reference sums every path ``i -> j_1 -> ... -> j_m -> final buyer`` of a chain by its
length ``m``, with no Leontief inverse and none of the closed forms of
:mod:`gvc.kernels.crossings`: the power series ``sum_m A^m y`` carried backwards from the final
buyer with masks (Hadamard weights) for each statistic. With ``h_m = A^m y`` the value of the
paths of ``m`` links starting at each node, and ``S_m`` the same paths weighted by a
link-additive count (link weight ``w``, final-leg weight ``f``), a path of ``m + 1`` links from
``j`` is a link ``j -> k`` followed by a path of ``m`` links from ``k``, so

    h_{m+1} = A h_m,    S_{m+1} = A S_m + (A o w) h_m,
    S2_{m+1} = A S2_m + 2 (A o w) S_m + (A o w^2) h_m     (sum of count squared)

starting from ``h_0 = y``, ``S_0 = y o f``, ``S2_0 = y o f^2``. Returns need the origin's
country ``s``: one column per ``s`` (links into ``s`` from abroad). Countries visited: the
value of ``i`` whose path avoids country ``c`` is the same series with ``c``'s nodes removed
(one column per ``c``), and ``E[#countries] = sum_c P(visit c)``. The series stops when the
value still to come, ``(B A^{M+1} |y|)_i``, is below 1e-10 of ``(B |y|)_i`` for every origin
(the inverse ``B`` is used for this stopping rule only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.linalg
from conftest import DATASETS, provenance
from numpy.testing import assert_allclose

import gvc
from gvc import chains
from gvc.indicators import geography as geo
from gvc.indicators.derived import Derived
from gvc.indicators.inputs import read_iotable
from gvc.ingestion.load import load_table
from gvc.kernels.crossings import chain_moments
from gvc.store import open_store
from gvc.table import IOTable

TRUNCATION = 1e-10
NE = pd.read_parquet(DATASETS / "geo" / "ne_country_centroids.parquet")


def series_sums(
    A: np.ndarray,
    y: np.ndarray,
    dest: int,
    G: int,
    N: int,
    km: np.ndarray,
    cont: np.ndarray,
) -> dict[str, np.ndarray]:
    """Sums over all paths from each origin node into one destination, by path length.

    ``y`` (n,) the chain's final demand bought in country ``dest``; ``km`` (G, G);
    ``cont`` (G, K) continent shares. Returns (n,) sums: ``value`` (of the paths, i.e.
    ``(B y)_i``), ``crossings``, ``crossings2`` (count squared), ``intercontinental``, ``km``,
    ``returns``, ``visited`` (number of distinct countries, origin and buyer included) and the
    truncation ``left`` (value not summed, relative to ``(B |y|)_i``).
    """
    n = G * N
    c = np.repeat(np.arange(G), N)
    foreign = 1.0 - np.eye(G)
    # country-pair link weights: a border; a border between continents (two independent draws
    # of the members of each side; never inside one table country); km of a border
    w_ic = (1.0 - cont @ cont.T) * foreign
    w_km = km * foreign
    # final-leg weights into the destination
    f_cross = foreign[c, dest]
    f_ic = w_ic[c, dest]
    f_km = w_km[c, dest]
    own = c[:, None] == np.arange(G)[None, :]  # [j, s]: node j lies in country s
    A_by_block = A.reshape(n, G, N).transpose(1, 0, 2)  # [s, j, k in s]

    # columns: |value|, value, S, S2, intercontinental, km, returns (G), avoid (G)
    M = np.zeros((n, 6 + 2 * G))
    M[:, 0], M[:, 1] = np.abs(y), y
    M[:, 2], M[:, 3] = y * f_cross, y * f_cross**2
    M[:, 4], M[:, 5] = y * f_ic, y * f_km
    M[:, 6 + dest] = np.where(c != dest, y, 0.0)  # the final sale comes home to s = dest
    V = M[:, 6 + G :]
    V[:] = np.where(own, 0.0, y[:, None])  # paths avoiding c: no node of c ...
    V[:, dest] = 0.0  # ... and not bought in c
    total = M.copy()

    lu = scipy.linalg.lu_factor(np.eye(n) - A)  # for the stopping rule only
    scale = scipy.linalg.lu_solve(lu, np.abs(y))
    live = scale > 0
    for _ in range(10_000):
        # P[j, s, :] = sum_{k in s} a_jk (h_k, S_k): links from j into country s
        hs = M[:, 1:3].reshape(G, N, 2)
        P = np.matmul(A_by_block, hs).transpose(1, 0, 2)  # (n, G, 2)
        cross = np.einsum("js,jsq->jq", foreign[c], P)  # (A o w) (h, S) for borders
        M = A @ M
        M[:, 3] += 2.0 * cross[:, 1] + cross[:, 0]  # w = w^2 for a 0/1 weight
        M[:, 2] += cross[:, 0]
        M[:, 4] += np.einsum("js,js->j", w_ic[c], P[:, :, 0])
        M[:, 5] += np.einsum("js,js->j", w_km[c], P[:, :, 0])
        M[:, 6 : 6 + G] += np.where(own, 0.0, P[:, :, 0])  # into s from abroad
        M[:, 6 + G :][own] = 0.0
        total += M
        left = scipy.linalg.lu_solve(lu, M[:, 0])
        if np.all(left[live] <= TRUNCATION * scale[live]):
            break
    else:  # pragma: no cover - the tables here are productive
        raise AssertionError("power series did not converge")
    avoid = total[:, 6 + G :]
    return {
        "value": total[:, 1],
        "crossings": total[:, 2],
        "crossings2": total[:, 3],
        "intercontinental": total[:, 4],
        "km": total[:, 5],
        "returns": total[np.arange(n), 6 + c],
        # every country is visited unless avoided; the origin's own country always is
        "visited": G * total[:, 1] - (avoid.sum(axis=1) - avoid[np.arange(n), c]),
        "left": np.where(live, left / np.where(live, scale, 1.0), 0.0),
    }


# ------------------------------------------------------------------- a real WIOD chain


@pytest.fixture(scope="module")
def wiod_ict_usa(tmp_path_factory):
    """WIOD 2011, products of c14 (electrical and optical equipment) bought in the USA."""
    db = tmp_path_factory.mktemp("chain") / "w.duckdb"
    gvc.ingest(DATASETS / "wiod2013", db=db, dataset="wiod2013", year=2011)
    chains.define("ict", dataset="wiod2013", producers_sectors=["c14"], destinations=["USA"], db=db)
    chains.run("ict", dataset="wiod2013", db=db, k=5)
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
        load_table(con, t, dataset="t", year=2000, provenance=provenance())
    chains.define("row", dataset="t", producers_countries=["RoW"], db=db)
    chains.run("row", dataset="t", db=db, k=3)
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
