"""Groupings and aggregated datasets in the store: definitions, the ledger, views, provenance
and identity, CLI. Reference numbers come from the ungrouped steps and the input flows, never
from the grouped code itself."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import random_table
from fixtures.pipeline.helpers import cli_main

import gvc
from gvc.catalog import ledger, open_store
from gvc.errors import InputError, SchemaError
from gvc.groups import store as groups

YEARS = (2001, 2002)
GROUP = {"G01": ["C0", "C1"]}


def write_long(table, path):
    Z, Yd = table.Z, table.Y_detail
    c, s = table.node_labels()
    rows = []
    for i in range(table.n):
        for j in range(table.n):
            rows.append((c[i], s[i], c[j], s[j], Z[i, j]))
        for k in range(table.G * table.F):
            rows.append(
                (
                    c[i],
                    s[i],
                    table.countries[k // table.F],
                    table.fd_categories[k % table.F],
                    Yd[i, k],
                )
            )
    pd.DataFrame(
        rows, columns=["row_country", "row_sector", "col_country", "col_item", "value"]
    ).to_parquet(path)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("toy")
    for k, y in enumerate(YEARS):
        write_long(random_table(10 + k, G=5, N=3, F=2), d / f"wiot_{y}.parquet")
    (d / "unit.txt").write_text("USD million\n")
    return d


@pytest.fixture
def db(tmp_path, data):
    db = tmp_path / "s.duckdb"
    gvc.ingest(data, db=db, dataset="toy")
    return db


def q(db, sql):
    return gvc.query(sql, db=db)


def test_group_results_sum_to_exports_to_non_members(db):
    groups.define("g", dataset="toy", groups=GROUP, db=db)
    gvc.run(db=db, dataset="toy", steps=("core", "group:g"))
    with open_store(db, read_only=True) as con:
        e = ledger.entries(con, "toy", 2001, "group:g")[0]
    assert e.kind == "group" and e.scope == {"grouping": "g"}
    kww = q(
        db,
        "SELECT year, sum(value) v FROM group_kww WHERE exporter = 'G01' AND term IN "
        "('DVA_FIN','DVA_INT','DVA_INTrex','RDV_FIN','RDV_INT','DDC','FVA_FIN','FVA_INT',"
        "'FDC') GROUP BY 1 ORDER BY 1",
    )
    ge = q(
        db,
        "SELECT year, sum(total) v FROM gross_exports WHERE exporter IN ('C0','C1') "
        "AND importer NOT IN ('C0','C1') GROUP BY 1 ORDER BY 1",
    )
    np.testing.assert_allclose(kww.v, ge.v, rtol=1e-10)
    # every view answers, with labels
    for view in ("group_wwz", "group_bm", "group_tiva", "group_participation"):
        assert len(q(db, f"SELECT * FROM {view} WHERE grouping = 'g'")) > 0
    wwz = q(
        db,
        "SELECT importer, sum(value) v FROM group_wwz WHERE exporter = 'G01' AND "
        "year = 2001 GROUP BY 1 ORDER BY 1",
    )
    assert set(wwz.importer) == {"C2", "C3", "C4"}
    tiva = q(
        db,
        "SELECT sum(value) v FROM group_tiva WHERE economy = 'G01' AND year = 2001 "
        "AND indicator = 'EXGR'",
    )
    assert tiva.v[0] == pytest.approx(ge.v[0], rel=1e-10)


def test_group_of_one_country_equals_the_country(db):
    groups.define("one", dataset="toy", groups={"X2": ["C2"]}, db=db)
    gvc.run(db=db, dataset="toy", steps=("kww", "bm", "group:one"))
    a = q(db, "SELECT year, term, value FROM group_kww WHERE exporter = 'X2' ORDER BY 1, 2")
    b = q(db, "SELECT year, term, value FROM decomp_kww WHERE exporter = 'C2' ORDER BY 1, 2")
    np.testing.assert_allclose(a.value, b.value, rtol=1e-10, atol=1e-9)
    a = q(
        db,
        "SELECT year, export_sector, replace(importer, 'X2', 'C2') imp, approach, "
        "perspective, term, value FROM group_bm WHERE exporter = 'X2' ORDER BY ALL",
    )
    b = q(
        db,
        "SELECT year, export_sector, importer imp, approach, perspective, term, value "
        "FROM decomp_bm WHERE exporter = 'C2' ORDER BY ALL",
    )
    assert len(a) == len(b)
    np.testing.assert_allclose(a.value, b.value, rtol=1e-9, atol=1e-9)


def test_redefining_or_replacing_makes_results_go(db, data, tmp_path):
    groups.define("g", dataset="toy", groups=GROUP, db=db)
    groups.run("g", dataset="toy", db=db)
    assert len(groups.report("g", dataset="toy", db=db)) == 2
    # redefinition deletes the old results; the report refuses instead of printing them
    groups.define("g", dataset="toy", groups={"G01": ["C0", "C1", "C3"]}, db=db)
    with pytest.raises(SchemaError, match="not up to date"):
        groups.report("g", dataset="toy", db=db)
    groups.run("g", dataset="toy", years=[2001], db=db)
    assert list(groups.report("g", dataset="toy", years=[2001], db=db).year) == [2001]
    # replacing the input table deletes what was computed from it
    gvc.ingest(data, db=db, dataset="toy", year=2001, replace=True, options=_balance_none())
    with open_store(db, read_only=True) as con:
        assert ledger.status(con, "toy", 2001, "group:g") == "missing"
    assert q(db, "SELECT count(*) n FROM group_kww WHERE year = 2001").n[0] == 0


def _balance_none():
    from gvc.ingestion.harmonise import HarmoniseOptions

    return HarmoniseOptions(balance="none")


def test_definition_errors(db):
    with pytest.raises(InputError, match="no member"):
        groups.define("bad", dataset="toy", groups={"Z": ["XX"]}, db=db)
    with pytest.raises(InputError, match="in groups"):
        groups.define("bad", dataset="toy", groups={"A": ["C0"], "B": ["C0", "C1"]}, db=db)
    with pytest.raises(InputError, match="named like a country"):
        groups.define("bad", dataset="toy", groups={"C4": ["C0", "C1"]}, db=db)
    with pytest.raises(SchemaError, match="not defined"):
        gvc.run(db=db, dataset="toy", steps=("group:nope",))


def test_aggregate_provenance_identity_and_sums(db, data, tmp_path):
    conc = tmp_path / "pair.toml"
    conc.write_text('[concordance]\ndimension = "country"\n[groups]\nC01 = ["C0", "C1"]\n')
    secs = tmp_path / "secs.csv"
    secs.write_text("code,group\nS0,S01\nS1,S01\n")
    res = gvc.aggregate("toy", countries=conc, sectors=secs, new_dataset="agg", db=db)
    assert [(r.status, r.countries, r.sectors) for r in res] == [("loaded", 4, 2)] * 2
    t = q(db, "SELECT * FROM tables WHERE dataset = 'agg' ORDER BY year")
    assert set(t.format) == {"aggregate"}
    assert "aggregate of toy 2001" in t.source[0] and "pair.toml" in t.source[0]
    steps = json.loads(t.harmonisation[0])
    assert steps[0]["step"] == "aggregate" and "C01 = C0+C1" in steps[0]["detail"]
    assert q(
        db, "SELECT country FROM countries WHERE dataset = 'agg' ORDER BY position"
    ).country.tolist() == ["C01", "C2", "C3", "C4"]
    # flows are sums of the parent's
    for table in ("intermediate", "final_demand"):
        s = q(
            db,
            f"SELECT dataset, sum(value) v FROM facts.{table} WHERE year = 2001 "
            "GROUP BY 1 ORDER BY 1",
        )
        assert s.v[0] == pytest.approx(s.v[1], rel=1e-12)
    ident = dict(zip(t.year, t.table_sha256, strict=True))
    # unchanged parent and concordance: skipped
    again = gvc.aggregate("toy", countries=conc, sectors=secs, new_dataset="agg", db=db)
    assert {r.status for r in again} == {"skipped"}
    # a changed concordance: a new identity, replaced
    conc.write_text(
        '[concordance]\ndimension = "country"\n[groups]\nC01 = ["C0", "C1"]\nC34 = ["C3", "C4"]\n'
    )
    with pytest.raises(InputError, match="differ"):  # other countries: another dataset name
        gvc.aggregate("toy", countries=conc, sectors=secs, new_dataset="agg", db=db)
    conc.write_text('[concordance]\ndimension = "country"\n[groups]\nC01 = ["C1", "C0"]\n')
    assert {
        r.status
        for r in gvc.aggregate("toy", countries=conc, sectors=secs, new_dataset="agg", db=db)
    } == {"skipped"}
    # a changed parent input: a new identity for that year only
    gvc.ingest(data, db=db, dataset="toy", year=2002, replace=True, options=_balance_none())
    res = gvc.aggregate("toy", countries=conc, sectors=secs, new_dataset="agg", db=db)
    assert {r.year: r.status for r in res} == {2001: "skipped", 2002: "replaced"}
    t2 = q(db, "SELECT year, table_sha256 FROM tables WHERE dataset = 'agg' ORDER BY year")
    assert t2.table_sha256[0] == ident[2001] and t2.table_sha256[1] != ident[2002]
    # an ingested dataset is not overwritten by an aggregate
    gvc.ingest(data, db=db, dataset="toy2")
    with pytest.raises(InputError, match="ingested table"):
        gvc.aggregate("toy", countries=conc, new_dataset="toy2", db=db)


def test_shipped_concordance_skips_codes_the_table_lacks(db):
    # regions_icio lists USA, CAN ... which the toy table lacks: an error, not a silent skip
    with pytest.raises(InputError, match="none of its codes"):
        gvc.aggregate("toy", countries="regions_icio", db=db)


def test_cli(db, capsys, tmp_path):
    assert (
        cli_main(
            ["group", "define", "g", "--dataset", "toy", "--group", "G01=C0,C1", "--db", str(db)]
        )
        == 0
    )
    assert cli_main(["group", "run", "g", "--dataset", "toy", "--db", str(db)]) == 0
    capsys.readouterr()
    assert (
        cli_main(["group", "report", "g", "--dataset", "toy", "--db", str(db), "--format", "json"])
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [r["economy"] for r in rows] == ["G01", "G01"]
    assert cli_main(["group", "define", "h", "--dataset", "toy", "--db", str(db)]) == 2
    conc = tmp_path / "c.csv"
    conc.write_text("dimension,code,group\ncountry,C3,C34\ncountry,C4,C34\n")
    assert (
        cli_main(
            [
                "aggregate",
                "--dataset",
                "toy",
                "--countries",
                str(conc),
                "--db",
                str(db),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "status,dataset,year,parent,countries,sectors"
    assert "loaded,toy_c,2001,toy,4,3" in out
