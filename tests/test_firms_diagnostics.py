"""Cluster diagnostics through ingest and run, on constructed networks with hand-known values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from firmnet import KM_PER_DEGREE, build, firm_rows, one

from gvc.catalog import open_store


def test_star_versus_complete_graph(tmp_path) -> None:
    # STAR: leaves L1..L4 each sell 10 to the hub H. FULL: C1..C4, each pair linked once
    # (i -> j for i < j, value 5): every member has strength 15, so C1 (first in the file)
    # is the anchor
    ids = ["H", "L1", "L2", "L3", "L4", "C1", "C2", "C3", "C4"]
    members = [("H", "STAR")] + [(f"L{k}", "STAR") for k in range(1, 5)]
    members += [(f"C{k}", "FULL") for k in range(1, 5)]
    links = [(f"L{k}", "H", 10.0) for k in range(1, 5)]
    links += [(f"C{i}", f"C{j}", 5.0) for i in range(1, 5) for j in range(i + 1, 5)]
    _, diag, _ = build(tmp_path, firm_rows(ids), members, links)
    star, full = one(diag, "STAR"), one(diag, "FULL")
    assert star.anchor == "H" and star.anchor_share == 1.0 and star.anchor_strength == 40.0
    assert star.degree_centralisation == 1.0 and star.non_anchor_density == 0.0
    assert star.linked_pairs == 4 and star.intra_links == 4 and star.intra_value == 40.0
    assert full.anchor == "C1" and full.anchor_share == pytest.approx(0.5)
    assert full.degree_centralisation == 0.0 and full.non_anchor_density == 1.0
    assert full.linked_pairs == 6
    # every member sells only inside: all pass; H and C4 have no sales
    assert star.members_without_sales == 1 and star.registry_pass_share == 1.0
    assert full.members_without_sales == 1 and bool(full.registry_all_pass)


def test_registry_member_at_exactly_20_percent(tmp_path) -> None:
    # A sells 20 to member B and 80 outside: exactly 20 %, passes. C sells 2.15 to B and 8.6
    # outside: 2.15 / 10.75 < 0.2 in floating point, but 2.15 >= 0.2 * 10.75: passes. D sells
    # 19.99 to B of 100: fails. E sells nothing: reported, left out. B sells 10 to A.
    ids = ["A", "B", "C", "D", "E", "X"]
    members = [(f, "K") for f in "ABCDE"]
    links = [
        ("A", "B", 20.0),
        ("A", "X", 80.0),
        ("C", "B", 2.15),
        ("C", "X", 8.6),
        ("D", "B", 19.99),
        ("D", "X", 80.01),
        ("B", "A", 10.0),
    ]
    db, diag, _ = build(tmp_path, firm_rows(ids), members, links)
    k = one(diag, "K")
    assert k.members == 5 and k.members_with_sales == 4 and k.members_without_sales == 1
    assert k.members_passing == 3
    assert k.registry_pass_share == pytest.approx(0.75)
    assert not k.registry_all_pass
    assert k.registry_threshold == 0.2
    intra = 20.0 + 2.15 + 19.99 + 10.0
    assert k.intra_sales_share == pytest.approx(intra / (100 + 10.75 + 100 + 10))
    # the SQL macro agrees member by member (an independent implementation)
    with open_store(db) as con:
        reg = con.execute("SELECT * FROM firm_registry('t', 2020, 0.2) ORDER BY firm").df()
    assert reg["passes"].tolist() == [True, True, True, False, False]
    assert reg["has_sales"].tolist() == [True, True, True, True, False]


def test_threshold_from_rules(tmp_path) -> None:
    members = [("A", "K"), ("B", "K")]
    links = [("A", "B", 20.0), ("A", "X", 80.0), ("B", "A", 1.0)]
    rules = {"diagnostics": {"registry_threshold": 0.25}}
    _, diag, _ = build(tmp_path, firm_rows(["A", "B", "X"]), members, links, rules=rules)
    k = one(diag, "K")
    assert k.registry_threshold == 0.25 and k.members_passing == 1


def test_territory_members_on_the_equator(tmp_path) -> None:
    # equal sales at longitude 0, +1, -1 on the equator; a fourth member without position
    firms = firm_rows(["M0", "M1", "M2", "M3"])
    firms["lat"] = [0.0, 0.0, 0.0, None]
    firms["lon"] = [0.0, 1.0, -1.0, None]
    firms["region"] = ["R1", "R1", "R2", None]
    members = [(f, "GEO") for f in firms["firm"]]
    _, diag, _ = build(tmp_path, firms, members, [("M0", "M1", 1.0)])
    k = one(diag, "GEO")
    assert k.members_located == 3
    assert k.centre_lat == pytest.approx(0.0, abs=1e-12)
    assert k.centre_lon == pytest.approx(0.0, abs=1e-12)
    assert k.mean_distance_km == pytest.approx(2 * KM_PER_DEGREE / 3, rel=1e-12)
    assert k.max_distance_km == pytest.approx(KM_PER_DEGREE, rel=1e-12)
    assert k.share_within_radius == pytest.approx(1 / 3)
    assert k.regions == 2 and k.countries == 1 and k.radius_km == 50.0


def test_territory_sales_weights_and_radius(tmp_path) -> None:
    # sales 300 at longitude 0 and 100 at longitude 1: centre at atan2(sin 1, 3 + cos 1)
    firms = firm_rows(["A", "B"], lat=[0.0, 0.0], lon=[0.0, 1.0], sales=[300.0, 100.0])
    rules = {"diagnostics": {"radius_km": 100.0}}
    _, diag, _ = build(tmp_path, firms, [("A", "K"), ("B", "K")], [("A", "B", 1.0)], rules=rules)
    k = one(diag, "K")
    t = np.radians(1.0)
    lon_c = np.degrees(np.arctan2(np.sin(t), 3 + np.cos(t)))
    assert k.centre_lon == pytest.approx(lon_c, rel=1e-12)
    assert k.mean_distance_km == pytest.approx(KM_PER_DEGREE / 2, rel=1e-12)
    assert k.share_within_radius == 1.0  # both within 100 km of the centre


def test_openness_shares(tmp_path) -> None:
    # members A (AAA, R1) and B (AAA, R1) of K buy: A from B 10 (inside), from S1 (AAA, R1)
    # 20 (same region), from S2 (AAA, R2) 30 (other region), from F (BBB) 15 (abroad);
    # B imports 25 (firm table). P = 100. Sales 200 + 100, exports 30.
    firms = firm_rows(
        ["A", "B", "S1", "S2", "F"],
        country=["AAA", "AAA", "AAA", "AAA", "BBB"],
        region=["R1", "R1", "R1", "R2", "R1"],
        sales=[200.0, 100.0, 1.0, 1.0, 1.0],
        exports=[30.0, 0.0, 0.0, 0.0, 0.0],
        imports=[0.0, 25.0, 0.0, 0.0, 0.0],
    )
    links = [("B", "A", 10.0), ("S1", "A", 20.0), ("S2", "A", 30.0), ("F", "A", 15.0)]
    _, diag, _ = build(tmp_path, firms, [("A", "K"), ("B", "K")], links)
    k = one(diag, "K")
    assert k.purchases == 100.0
    got = [
        k.purchases_inside_share,
        k.purchases_same_region_share,
        k.purchases_same_country_share,
        k.purchases_abroad_share,
    ]
    np.testing.assert_allclose(got, [0.10, 0.20, 0.30, 0.40])
    assert k.purchases_domestic_share == pytest.approx(0.6)
    assert k.export_share == pytest.approx(30 / 300)
    assert k.sales == 300.0 and k.exports == 30.0


def test_inside_purchases_from_a_member_abroad_count_as_inside(tmp_path) -> None:
    firms = firm_rows(["A", "B"], country=["AAA", "BBB"])
    _, diag, _ = build(tmp_path, firms, [("A", "K"), ("B", "K")], [("B", "A", 4.0)])
    k = one(diag, "K")
    assert k.purchases_inside_share == 1.0 and k.purchases_abroad_share == 0.0
    assert k.purchases_domestic_share == 0.0 and k.countries == 2


def test_critical_mass_and_triple_helix(tmp_path) -> None:
    # firms: 6 in industry c1 (core), 1 in c2 linked to a c1 firm (related: 1/8 < 0.2, not
    # core), 1 in c3 unlinked; a university U linked to the state corporation S
    # (business-science); a public body P linked to U (science-government), none with business
    firms = firm_rows(
        ["S", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "U", "P"],
        industry=["c1"] * 6 + ["c2", "c3", "e1", "g1"],
        type=["state_corporation"] + ["firm"] * 7 + ["university", "public_body"],
        employment=[5000.0] + [10.0] * 9,
    )
    members = [(f, "K") for f in firms["firm"]]
    links = [("F7", "S", 30.0), ("F2", "S", 10.0), ("U", "S", 5.0), ("P", "U", 5.0)]
    _, diag, _ = build(tmp_path, firms, members, links)
    k = one(diag, "K")
    assert k.firms == 8 and k.core_industries == "c1"
    assert (k.core_firms, k.related_firms, k.critical_mass_firms) == (6, 1, 7)
    assert k.industries == 3
    assert (k.members_business, k.members_science, k.members_government) == (8, 1, 1)
    assert k.strands_present == 3 and bool(k.triple_helix)
    assert k.share_business_science == pytest.approx(5 / 50)
    assert k.share_business_government == 0.0
    assert k.share_science_government == pytest.approx(5 / 50)
    assert k.strands_linked == 3
    assert k.anchor == "S" and k.anchor_type == "state_corporation"
    # a fifth of the member firms makes an industry core (>=): c2 with 2 of 10 firms
    rules = {"diagnostics": {"core_industry_share": 0.125}}
    _, diag, _ = build(tmp_path, firms, members, links, rules=rules)
    assert one(diag, "K").core_industries == "c1, c2, c3"


def test_anchor_type_large_firm_and_university(tmp_path) -> None:
    firms = firm_rows(
        ["A", "B", "U", "V"],
        type=["firm", "firm", "university", "firm"],
        employment=[250.0, 10, 10, 10],
    )
    members = [("A", "K1"), ("B", "K1"), ("U", "K2"), ("V", "K2")]
    _, diag, _ = build(tmp_path, firms, members, [("B", "A", 1.0), ("V", "U", 1.0)])
    assert one(diag, "K1").anchor_type == "large_firm"  # 250 employees: large (>= 250)
    assert one(diag, "K2").anchor_type == "university"


def test_overlapping_clusters_and_years(tmp_path) -> None:
    # B belongs to K1 and K2; the link A -> B is intra in K1, B -> C in K2; year 2021 adds
    # D to K1 (a dated membership) and a link D -> A
    firms = firm_rows(["A", "B", "C", "D"])
    members = pd.DataFrame(
        {
            "member": ["A", "B", "B", "C", "D"],
            "cluster": ["K1", "K1", "K2", "K2", "K1"],
            "year": [None, None, None, None, 2021],
        }
    )
    links = pd.DataFrame(
        {
            "supplier": ["A", "B", "A", "B", "D"],
            "buyer": ["B", "C", "B", "C", "A"],
            "value": [10.0, 5.0, 10.0, 5.0, 7.0],
            "year": [2020, 2020, 2021, 2021, 2021],
        }
    )
    _, diag, _ = build(tmp_path, firms, members, links, year=None)
    assert set(zip(diag.cluster, diag.year, strict=True)) == {
        ("K1", 2020),
        ("K2", 2020),
        ("K1", 2021),
        ("K2", 2021),
    }
    assert one(diag, "K1", 2020).members == 2 and one(diag, "K1", 2021).members == 3
    assert one(diag, "K1", 2020).intra_value == 10.0
    assert one(diag, "K1", 2021).intra_value == 17.0
    assert one(diag, "K2", 2020).intra_value == 5.0
    # B sells 5 to C: its share is 0 in K1 and 1 in K2
    assert one(diag, "K1", 2020).members_passing == 1  # A passes, B does not
    assert one(diag, "K2", 2020).members_passing == 1


def test_dated_firm_rows(tmp_path) -> None:
    # firm A moves from (0, 0) in 2020 to (0, 2) in 2021; B has one row for every year
    firms = pd.DataFrame(
        {
            "firm": ["A", "A", "B"],
            "country": "AAA",
            "lat": [0.0, 0.0, 0.0],
            "lon": [0.0, 2.0, 0.0],
            "sales": [1.0, 1.0, 1.0],
            "year": [2020, 2021, None],
        }
    )
    links = pd.DataFrame(
        {"supplier": ["A", "A"], "buyer": ["B", "B"], "value": [1.0, 1.0], "year": [2020, 2021]}
    )
    _, diag, _ = build(tmp_path, firms, [("A", "K"), ("B", "K")], links, year=None)
    assert one(diag, "K", 2020).max_distance_km == pytest.approx(0.0, abs=1e-9)
    assert one(diag, "K", 2021).max_distance_km == pytest.approx(KM_PER_DEGREE, rel=1e-12)


def test_cluster_without_intra_links(tmp_path) -> None:
    _, diag, flags = build(
        tmp_path, firm_rows(["A", "B", "C"]), [("A", "K"), ("B", "K")], [("A", "C", 1.0)]
    )
    k = one(diag, "K")
    assert k.anchor is None and np.isnan(k.anchor_share) and np.isnan(k.non_anchor_density)
    assert k.intra_value == 0.0 and k.registry_pass_share == 0.0
    f = flags[(flags.cluster == "K") & (flags.flag == "registry_focal")].iloc[0]
    assert not f.flagged and f.reasons.startswith("not evaluated")


def test_plain_sql_registry_and_anchor_shares_agree_on_a_synthetic_network(tmp_path) -> None:
    """Differential: the benchmark's plain DuckDB SQL and the kernel path, cluster by cluster."""
    import importlib.util

    from conftest import ROOT, random_table

    spec = importlib.util.spec_from_file_location(
        "bench_firms", ROOT / "benchmarks" / "bench_firms.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    from gvc.firms.synthetic import generate_network

    net = generate_network(
        random_table(4, G=3, N=4), n_firms=1500, n_clusters=10, links=15000, seed=2
    )
    files = net.write(tmp_path / "net")
    db, diag, _ = build(
        tmp_path,
        net.firms.to_pandas().drop(columns=["sector"]),
        net.members.to_pandas(),
        net.transactions.to_pandas(),
        year=None,
    )
    import duckdb

    con = duckdb.connect()
    peer = con.execute(
        bench.PLAIN_SQL.format(tx=files["transactions"], members=files["members"], threshold=0.2)
    ).df()
    m = diag.merge(peer, on="cluster", suffixes=("", "_sql"))
    assert len(m) == len(diag) == 10
    np.testing.assert_allclose(m["registry_pass_share"], m["pass_share"], rtol=1e-12)
    np.testing.assert_allclose(m["anchor_share"], m["anchor_share_sql"], rtol=1e-12)
