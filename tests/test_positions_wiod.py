"""Positions and final-product value chains on the embedded WIOD 2013 (1995, 2008, 2011).

Against published values (Antràs & Chor 2018 Table 1 and node values; Timmer et al. 2015
Tables 1 and 4, tests/reference/published/README.md) and against plain numpy written here.
Tolerances are explained in docs/positions.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE, WIOD2013
from numpy.testing import assert_allclose

import gvc
from gvc.catalog import open_store
from gvc.indicators.inputs import read_iotable
from gvc.kernels.leontief import input_coefficients
from gvc.kernels.positions import country_position_measures, position_measures

pytestmark = pytest.mark.reference

PUBLISHED = REFERENCE / "published"
YEARS = (1995, 2008, 2011)
LARGE = ("CHN", "USA", "KOR", "TWN", "MEX", "BRA")
MEASURE = {
    "F/GO": "final_use_share",
    "VA/GO": "value_added_share",
    "U": "upstreamness",
    "D": "downstreamness",
}
NODE_COLUMN = {"FGO": "final_use_share", "VAGO": "value_added_share", "U": "upstreamness"}
NODE_COLUMN["D"] = "downstreamness"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("wiod") / "w.duckdb"
    for y in YEARS:
        gvc.ingest(WIOD2013, db=path, dataset="wiod2013", year=y)
    gvc.run(
        db=path,
        dataset="wiod2013",
        steps=("positions", "positions_uncorrected", "final_output"),
    )
    return path


@pytest.fixture(scope="module")
def tables(db):
    with open_store(db) as con:
        return {y: read_iotable(con, "wiod2013", y) for y in YEARS}


def _inputs(t):
    F = t.F
    inv = [c for c in range(t.G * F) if t.fd_categories[c % F] == "INVEN"]
    return t.Y_detail.sum(axis=1), t.Y_detail[:, inv].sum(axis=1)


def _truncation_shift(t, level):
    """Change of every measure when each non-zero cell of the copy is raised by 1 (its largest
    possible loss to the integer truncation), inventories included (negative ones lowered)."""
    Z1 = t.Z + (t.Z > 0)
    Y1 = t.Y_detail + np.sign(t.Y_detail)
    x1 = Z1.sum(axis=1) + Y1.sum(axis=1)
    F = t.F
    inv = [c for c in range(t.G * F) if t.fd_categories[c % F] == "INVEN"]
    final0, inv0 = _inputs(t)
    final1, inv1 = Y1.sum(axis=1), Y1[:, inv].sum(axis=1)
    if level == "country":
        m0 = country_position_measures(t.Z, t.x, final0, inv0, t.G, t.N)
        m1 = country_position_measures(Z1, x1, final1, inv1, t.G, t.N)
    else:
        m0 = position_measures(input_coefficients(t.Z, t.x), t.x, final0, inv0)
        m1 = position_measures(input_coefficients(Z1, x1), x1, final1, inv1)
    return {k: np.abs(m1[k] - m0[k]) for k in m0}


# --- Antràs & Chor (2018) -------------------------------------------------------------------


def test_antras_chor_2018_table1(db, tables):
    pub = pd.read_csv(PUBLISHED / "antras_chor_2018_table1.csv")
    assert len(pub) == 80
    ours = gvc.query("SELECT * FROM positions_country WHERE dataset = 'wiod2013'", db=db)
    cor = ours[ours.variant == "inventory_corrected"].set_index(["year", "country"])
    unc = ours[ours.variant == "uncorrected"].set_index(["year", "country"])
    for year in (1995, 2011):
        t = tables[year]
        shift = _truncation_shift(t, "country")
        for r in pub[pub.year == year].itertuples():
            col = MEASURE[r.measure]
            got = cor.loc[(year, r.country), col]
            if r.country in LARGE:
                tol = 0.003  # issue 20: the large economies within 0.003 on every measure
            else:
                tol = 0.003 + shift[col][t.countries.index(r.country)]
            assert abs(got - r.value) <= tol, (year, r.measure, r.country, got, r.value, tol)
    # the correction is what makes the numbers agree: without it China is far off
    for year, value in ((1995, 2.535), (2011, 2.819)):
        assert abs(unc.loc[(year, "CHN"), "upstreamness"] - value) > 0.04


def test_world_final_use_share_as_published(db):
    w = gvc.query(
        "SELECT year, final_use_share, value_added_share, upstreamness, downstreamness "
        "FROM positions_world WHERE variant = 'inventory_corrected' ORDER BY year",
        db=db,
    ).set_index("year")
    # Antras & Chor (2018), p. 12: 0.526 (1995) and 0.486 (2011), three decimals
    assert abs(w.loc[1995, "final_use_share"] - 0.526) <= 0.0005
    assert abs(w.loc[2011, "final_use_share"] - 0.486) <= 0.0005
    # closed world (every country's correction is defined): F/GO = VA/GO, U = D
    for y in YEARS:
        assert_allclose(w.loc[y, "final_use_share"], w.loc[y, "value_added_share"], rtol=1e-12)
        assert_allclose(w.loc[y, "upstreamness"], w.loc[y, "downstreamness"], rtol=1e-12)


def test_published_node_values(db, tables):
    pub = pd.read_csv(PUBLISHED / "antras_chor_2018_nodes_1995_2011.csv")
    ours = gvc.query(
        "SELECT * FROM positions WHERE dataset = 'wiod2013' AND variant = 'inventory_corrected'",
        db=db,
    )
    for year in (1995, 2011):
        t = tables[year]
        final, inv = _inputs(t)
        m = ours[ours.year == year].merge(pub[pub.year == year], on=["country", "sector"])
        assert len(m) == t.n
        node = m.country.map({c: i for i, c in enumerate(t.countries)}) * t.N
        node = (node + m.sector.str[1:].astype(int) - 1).to_numpy()
        shift = _truncation_shift(t, "node")
        big = (m.output >= 50_000).to_numpy()  # USD million; 222 nodes in 1995, 471 in 2011
        assert big.sum() > 200
        for pcol, col in NODE_COLUMN.items():
            d = np.abs(m[col] - m[pcol]).to_numpy()
            assert np.all(d[big] <= 0.003 + shift[col][node[big]]), (year, col)
        # zero output here and no published F/GO: ours is the convention U = D = VA/GO = 1,
        # F/GO NULL; so are the published values, except U of two nodes (LUX c5 and c8 in 2011,
        # U = 1.096 and 3.024 with D = VA/GO = 1: not the zero-output case in the original)
        zero = m[m.FGO.isna() & (m.output == 0)]
        assert len(zero) >= 10
        assert (zero.upstreamness == 1).all() and (zero.downstreamness == 1).all()
        assert (zero.value_added_share == 1).all() and zero.final_use_share.isna().all()
        assert (zero.D == 1).all() and (zero.VAGO == 1).all()
        assert (zero.U != 1).sum() <= (2 if year == 2011 else 0), zero[zero.U != 1]
        # x - N <= 0 on a few tiny nodes of the truncated 1995 copy: left unscaled
        assert ((t.x > 0) & (t.x - inv <= 0)).sum() == (5 if year == 1995 else 0)


def test_positions_equal_plain_numpy_on_the_real_table(db, tables):
    t = tables[2011]
    G, N = t.G, t.N
    inv = t.Y_detail[:, [c for c in range(G * t.F) if t.fd_categories[c % t.F] == "INVEN"]]
    Nv = inv.sum(axis=1)
    F = t.Y_detail.sum(axis=1) - Nv
    got = gvc.query(
        "SELECT p.*, n.node FROM positions p JOIN nodes n USING (dataset, country, sector) "
        "WHERE year = 2011 ORDER BY variant, n.node",
        db=db,
    )
    S = np.kron(np.eye(G), np.ones((1, N)))  # sums the nodes of each country
    gotc = gvc.query(
        "SELECT p.* FROM positions_country p JOIN countries c USING (dataset, country) "
        "WHERE year = 2011 ORDER BY variant, c.position",
        db=db,
    )
    for variant, correct in (("inventory_corrected", True), ("uncorrected", False)):
        for Z, x, f, nv, frame in (
            (t.Z, t.x, F, Nv, got),
            (S @ t.Z @ S.T, S @ t.x, S @ F, S @ Nv, gotc),
        ):
            s = np.ones_like(x)
            if correct:
                ok = (x > 0) & (x - nv > 0)  # elsewhere the correction is undefined: s = 1
                s[ok] = x[ok] / (x[ok] - nv[ok])
                fs = f * s
            else:
                fs = f + nv
            pos = x > 0
            A = np.zeros_like(Z)
            A[:, pos] = (Z * s[:, None])[:, pos] / x[pos]
            Binv = np.linalg.inv(np.eye(len(x)) - A)
            U = np.ones_like(x)
            U[pos] = (Binv @ x)[pos] / x[pos]
            FGO = np.full_like(x, np.nan)
            FGO[pos] = fs[pos] / x[pos]
            row = frame[frame.variant == variant]
            assert_allclose(row.upstreamness, U, rtol=1e-10)
            assert_allclose(row.downstreamness, Binv.sum(axis=0), rtol=1e-10)
            assert_allclose(row.final_use_share, FGO, rtol=1e-10)
            assert_allclose(row.value_added_share, 1 - A.sum(axis=0), rtol=1e-10, atol=1e-14)


# --- final-product value chains ---------------------------------------------------------------


def test_value_added_over_all_origins_is_final_output(db, tables):
    df = gvc.query(
        "SELECT year, country, sector, sum(value_added) AS va, any_value(final_output) AS y "
        "FROM final_output_va GROUP BY ALL",
        db=db,
    )
    fo = gvc.query("SELECT year, country, sector, final_output FROM final_output_fva", db=db)
    m = fo.merge(df, on=["year", "country", "sector"], how="left").fillna(0.0)
    assert len(m) == len(YEARS) * tables[2011].n
    # identity v'B = 1' on a residual-VA table: sum over origins of v-hat B y-hat = y
    scale = np.abs(m.final_output).max()
    assert_allclose(m.va, m.final_output, rtol=1e-12, atol=1e-12 * scale)


def test_foreign_va_share_of_german_transport_equipment_explicit(db, tables):
    t = tables[2011]
    j = t.countries.index("DEU") * t.N + t.sectors.index("c15")
    A = input_coefficients(t.Z, t.x)
    b = np.linalg.solve(np.eye(t.n) - A, np.eye(t.n)[:, j])  # column j of B
    v = t.va / np.where(t.x > 0, t.x, 1)
    foreign = np.repeat(np.arange(t.G), t.N) != t.countries.index("DEU")
    y = t.Y_detail[j].sum()
    row = gvc.query(
        "SELECT * FROM final_output_fva WHERE year = 2011 AND country = 'DEU' AND sector = 'c15'",
        db=db,
    ).iloc[0]
    assert_allclose(row.final_output, y)
    assert_allclose(row.foreign_va_share, (v * b)[foreign].sum(), rtol=1e-10)
    assert_allclose(row.foreign_va, (v * b)[foreign].sum() * y, rtol=1e-10)
    assert_allclose(row.domestic_va + row.foreign_va, y, rtol=1e-12)


def test_gvc_income_and_product_groups(db, tables):
    t = tables[2011]
    with open_store(db) as con:
        members = con.execute(
            "SELECT sector, source FROM product_group_members "
            "WHERE dataset = 'wiod2013' AND product_group = 'manufactures' ORDER BY sector"
        ).df()
        # ISIC Rev.3 15-37 (section D) = WIOD 2013 c3 ... c16
        assert set(members.sector) == {f"c{k}" for k in range(3, 17)}
        assert set(members.source) == {"concordance wiod2013"}
        inc = con.execute("SELECT * FROM gvc_income('wiod2013', 'manufactures')").df()
        # a user group of one sector equals the sector as a group
        con.execute("INSERT INTO product_groups VALUES ('wiod2013', 'autos', 'c15')")
        a = con.execute("SELECT * FROM gvc_income('wiod2013', 'autos') ORDER BY ALL").df()
        b = con.execute("SELECT * FROM gvc_income('wiod2013', 'c15') ORDER BY ALL").df()
        grp = con.execute(
            "SELECT * FROM final_output_group('wiod2013', 'c15') WHERE year = 2011"
        ).df()
        con.execute("DELETE FROM product_groups")
    pd.testing.assert_frame_equal(a, b)
    # GVC income summed over countries = world final output of the group
    s = inc.groupby("year").agg(total=("gvc_income", "sum"), world=("world_final_output", "first"))
    assert_allclose(s.total, s.world, rtol=1e-12)
    manuf = np.tile(np.isin(np.arange(t.N), np.arange(2, 16)), t.G)
    assert_allclose(s.loc[2011, "world"], t.Y_detail[manuf].sum(), rtol=1e-12)
    # explicit GVC income of China from manufactures: sum_{i in CHN} sum_{j manuf} v_i B_ij y_j
    A = input_coefficients(t.Z, t.x)
    v = t.va / np.where(t.x > 0, t.x, 1)
    y = t.Y_detail.sum(axis=1)
    chn = np.repeat(np.arange(t.G), t.N) == t.countries.index("CHN")
    w = np.linalg.solve((np.eye(t.n) - A).T, np.where(chn, v, 0.0))  # (v # 1_CHN)' B
    got = inc[(inc.year == 2011) & (inc.country == "CHN")].gvc_income.iloc[0]
    assert_allclose(got, (w * y)[manuf].sum(), rtol=1e-10)
    # final_output_group shares sum to 1 per country of completion
    assert_allclose(grp.groupby("country").share.sum(), 1.0, rtol=1e-12)


def test_timmer_2015_german_cars_and_gvc_income(db):
    t1 = pd.read_csv(PUBLISHED / "timmer_2015_table1.csv").set_index("region")
    grp = gvc.query("SELECT * FROM final_output_group('wiod2013', 'c15')", db=db)
    deu = grp[grp.country == "DEU"].set_index(["year", "origin_country"]).share * 100
    east = ["CYP", "CZE", "EST", "HUN", "LTU", "LVA", "MLT", "POL", "SVK", "SVN"]
    eu = ["AUT", "BEL", "BGR", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL", "ITA", "LUX"]
    eu += ["NLD", "PRT", "ROM", "SWE"]
    regions = {
        "Germany": ["DEU"],
        "Eastern Europe": east,
        "Other European Union": eu,
        "NAFTA": ["USA", "CAN", "MEX"],
        "East Asia": ["CHN", "JPN", "KOR", "TWN"],
    }
    for year, col in ((1995, "share_1995"), (2008, "share_2008")):
        got = {r: deu.loc[year].reindex(c).sum() for r, c in regions.items()}
        got["Other"] = 100 - sum(got.values())
        for region, value in got.items():
            # within 1 percentage point (docs/positions.md: the paper's data vintage)
            assert abs(value - t1.loc[region, col]) <= 1.0, (year, region, value)
    t4 = pd.read_csv(PUBLISHED / "timmer_2015_table4.csv").set_index("country")
    inc = gvc.query("SELECT * FROM gvc_income('wiod2013', 'c15')", db=db)
    for year in (1995, 2008, 2011):
        got = inc[inc.year == year].set_index("country").share * 100
        diff = (got.reindex(t4.index) - t4[f"share_{year}"]).abs()
        assert diff.max() <= 1.5, (year, diff.idxmax(), diff.max())
        # the same two largest earners, in the same order
        top = t4[f"share_{year}"].sort_values(ascending=False).index[:2]
        assert list(got.reindex(t4.index).sort_values(ascending=False).index[:2]) == list(top)
