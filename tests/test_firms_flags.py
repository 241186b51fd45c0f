"""Each firm-cluster flag on networks built to have, and not to have, its property."""

from __future__ import annotations

import json

import pytest
from firmnet import KM_PER_DEGREE, build, firm_rows, flag

from gvc.catalog import open_store
from gvc.errors import InputError
from gvc.firms.rules import default_rules, load_rules


def _star(prefix: str, n_leaves: int = 4, **firm_cols):
    ids = [f"{prefix}H"] + [f"{prefix}L{k}" for k in range(n_leaves)]
    links = [(f"{prefix}L{k}", f"{prefix}H", 10.0) for k in range(n_leaves)]
    return ids, [(f, prefix) for f in ids], links


def test_registry_focal(tmp_path) -> None:
    ids, members, links = _star("STAR")
    # FULL: a complete graph, registry-compliant but not focal
    full = [f"F{k}" for k in range(4)]
    members += [(f, "FULL") for f in full]
    links += [(a, b, 5.0) for i, a in enumerate(full) for b in full[i + 1 :]]
    # LEAK: a star whose leaf sells 95 % outside: focal but not registry-compliant
    lid, lmem, llinks = _star("LEAK")
    members += lmem
    links += llinks + [("LEAKL0", "X", 190.0)]
    _, _, flags = build(tmp_path, firm_rows(ids + full + lid + ["X"]), members, links)
    star = flag(flags, "STAR", "registry_focal")
    assert star.flagged and star.score == pytest.approx(1.0)
    assert "anchor_share 1 >= 0.5" in star.reasons
    assert json.loads(star.metrics) == {
        "registry_pass_share": 1.0,
        "anchor_share": 1.0,
        "degree_centralisation": 1.0,
        "non_anchor_density": 0.0,
    }
    assert json.loads(star.thresholds)["min_pass_share"] == 1.0
    f = flag(flags, "FULL", "registry_focal")
    assert not f.flagged and "degree_centralisation 0 < 0.5" in f.reasons
    leak = flag(flags, "LEAK", "registry_focal")
    assert not leak.flagged and "registry_pass_share 0.75 < 1" in leak.reasons


def test_closed_national_chain(tmp_path) -> None:
    # CLOSED: A, B, C buy and sell only among themselves, at home, no exports.
    # OPEN: the same chain, but D buys from a foreign supplier F and E exports
    firms = firm_rows(
        ["A", "B", "C", "D", "E", "G", "F"],
        country=["AAA"] * 6 + ["BBB"],
        exports=[0, 0, 0, 0, 90.0, 0, 0],
    )
    members = [(f, "CLOSED") for f in "ABC"] + [(f, "OPEN") for f in "DEG"]
    links = [("A", "B", 10.0), ("B", "C", 10.0), ("C", "A", 10.0)]
    links += [("D", "E", 10.0), ("E", "G", 10.0), ("G", "D", 10.0), ("F", "D", 40.0)]
    _, _, flags = build(tmp_path, firms, members, links)
    c = flag(flags, "CLOSED", "closed_national_chain")
    assert c.flagged and c.score == pytest.approx(1.0)
    o = flag(flags, "OPEN", "closed_national_chain")
    assert not o.flagged
    assert "purchases_domestic_share 0.429 < 0.9" in o.reasons
    assert "export_share 0.3 > 0.1" in o.reasons


def test_scattered(tmp_path) -> None:
    # FAR: members 3 degrees apart (about 333 km); NEAR: 0.05 degrees (about 5.6 km)
    lon = [0.0, 3.0, 6.0, 0.0, 0.05, 0.1]
    firms = firm_rows(["a", "b", "c", "d", "e", "f"], lat=[0.0] * 6, lon=lon)
    members = [(f, "FAR") for f in "abc"] + [(f, "NEAR") for f in "def"]
    links = [("a", "b", 1.0), ("d", "e", 1.0)]
    _, diag, flags = build(tmp_path, firms, members, links)
    far = flag(flags, "FAR", "scattered")
    assert far.flagged and far.score == pytest.approx(2 / 3)
    assert f"mean_distance_km {2 * 3 * KM_PER_DEGREE / 3:.3g} > 100" in far.reasons
    assert not flag(flags, "NEAR", "scattered").flagged
    # "all": both conditions needed; far is also < 0.5 within the radius, so still flagged
    rules = {"scattered": {"combine": "all", "min_share_within_radius": 0.3}}
    _, _, flags = build(tmp_path, firms, members, links, rules=rules, network="t2")
    assert not flag(flags, "FAR", "scattered").flagged  # 1/3 within: not < 0.3


def test_below_critical_mass(tmp_path) -> None:
    # BIG: 100 member firms of one industry; SMALL: 3
    big = [f"b{k}" for k in range(100)]
    small = ["s0", "s1", "s2"]
    firms = firm_rows(big + small, industry="c1")
    members = [(f, "BIG") for f in big] + [(f, "SMALL") for f in small]
    links = [(big[k], big[k + 1], 1.0) for k in range(99)] + [("s0", "s1", 1.0)]
    _, diag, flags = build(tmp_path, firms, members, links)
    assert not flag(flags, "BIG", "below_critical_mass").flagged  # 100 is not < 100
    s = flag(flags, "SMALL", "below_critical_mass")
    assert s.flagged and s.score == pytest.approx(0.97)
    rules = {"below_critical_mass": {"critical_mass": 3}}
    _, _, flags = build(tmp_path, firms, members, links, rules=rules, network="t2")
    assert not flag(flags, "SMALL", "below_critical_mass").flagged


def test_incomplete_triple_helix(tmp_path) -> None:
    # FULL: business, science and government members linked to each other; BIZ: firms only;
    # APART: all three strands present, the public body trades with nobody in the cluster
    firms = firm_rows(
        ["f1", "u1", "p1", "f2", "f3", "f4", "u4", "p4"],
        type=[
            "firm",
            "university",
            "public_body",
            "firm",
            "firm",
            "firm",
            "research_centre",
            "public_body",
        ],
    )
    members = [("f1", "FULL"), ("u1", "FULL"), ("p1", "FULL"), ("f2", "BIZ"), ("f3", "BIZ")]
    members += [("f4", "APART"), ("u4", "APART"), ("p4", "APART")]
    links = [("u1", "f1", 1.0), ("p1", "u1", 1.0), ("f2", "f3", 1.0), ("u4", "f4", 1.0)]
    _, _, flags = build(tmp_path, firms, members, links)
    assert not flag(flags, "FULL", "incomplete_triple_helix").flagged
    biz = flag(flags, "BIZ", "incomplete_triple_helix")
    assert biz.flagged and biz.score == pytest.approx(1.0)
    apart = flag(flags, "APART", "incomplete_triple_helix")
    assert apart.flagged and "strands_linked 2 < 3" in apart.reasons


def test_rules_file_and_stored_rules(tmp_path) -> None:
    p = tmp_path / "r.toml"
    p.write_text("[below_critical_mass]\ncritical_mass = 2\n[scattered]\nenabled = false\n")
    db, _, flags = build(
        tmp_path,
        firm_rows(["A", "B"], industry="c1"),
        [("A", "K"), ("B", "K")],
        [("A", "B", 1.0)],
        rules=p,
    )
    assert "scattered" not in set(flags["flag"])
    assert not flag(flags, "K", "below_critical_mass").flagged
    with open_store(db) as con:
        stored = con.execute(
            "SELECT options->'$.rules' FROM ledger WHERE kind = 'firms'"
        ).fetchall()[0][0]
    r = json.loads(stored)
    assert r["below_critical_mass"]["critical_mass"] == 2 and not r["scattered"]["enabled"]
    assert r["diagnostics"] == default_rules()["diagnostics"]


def test_bad_rules(tmp_path) -> None:
    p = tmp_path / "r.toml"
    p.write_text("[scattered]\nmax_mean_distanse_km = 10.0\n")
    with pytest.raises(InputError, match=r"r.toml: unknown firm rule key 'scattered.max_mean"):
        load_rules(p)
    with pytest.raises(InputError, match="must be float"):
        load_rules(overrides={"diagnostics": {"radius_km": "far"}})
    with pytest.raises(InputError, match="scattered.combine' must be one of 'any', 'all'"):
        load_rules(overrides={"scattered": {"combine": "some"}})
    with pytest.raises(InputError, match="unknown firm rule key 'nope'"):
        load_rules(overrides={"nope": {}})
    p.write_text("[scattered\n")
    with pytest.raises(InputError, match="cannot read firm rules file"):
        load_rules(p)
