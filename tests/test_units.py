"""Units and currencies (issue 19): declared or read, scaled to the store's convention and
recorded, shown, never mixed silently; an explicit conversion with the user's rates."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import errors_only
from fixtures.layouts import random_spec, write_long

import gvc
from gvc.cli import main
from gvc.errors import InputError, QueryError, SchemaError
from gvc.readers import read
from gvc.units import CURRENCIES, Unit, parse_unit, to_store

YEAR = 2010


def snapshot(db) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            f"{s}.{t}"
            for s, t in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL"
            ).fetchall()
        ]
        return {n: con.execute(f"SELECT count(*) FROM {n}").fetchall()[0][0] for n in names}
    finally:
        con.close()


@pytest.fixture(scope="module")
def spec():
    return random_spec(["AAA", "BBB", "CCC"], ["s1", "s2"], ["HH", "GOV"], seed=5, year=YEAR)


def long_dir(path, spec, unit: str | None):
    d = write_long(path, spec, unit or "USD million")
    if unit is None:
        (d / "unit.txt").unlink()
    return d


# ---------------------------------------------------------------- the documented set


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("USD million", Unit("USD", 6)),
        ("EUR million", Unit("EUR", 6)),
        ("USD thousand", Unit("USD", 3)),
        ("GBP million", Unit("GBP", 6)),
        ("M.EUR", Unit("EUR", 6)),  # EXIOBASE unit.txt
        ("Mill USD", Unit("USD", 6)),  # pymrio's EXIOBASE mock
        ("'000 US$", Unit("USD", 3)),  # GLORIA as pymrio records it
        ("current 000 US$", Unit("USD", 3)),  # Eora as MARIO records it
        ("In millions of US$", Unit("USD", 6)),  # ADB title line
        ("MIO_EUR", Unit("EUR", 6)),  # Eurostat
        ("JPY billion", Unit("JPY", 9)),
    ],
)
def test_parse_unit(text, unit):
    assert parse_unit(text) == unit


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("USD", "no scale"),
        ("million", "no currency"),
        ("XYZ million", "unknown word"),
        ("USD EUR million", "several currencies"),
        ("", "empty unit"),
    ],
)
def test_parse_unit_refuses(text, why):
    with pytest.raises(InputError, match=why) as e:
        parse_unit(text, "f.csv: unit")
    assert "\n" not in str(e.value) and str(e.value).startswith("f.csv: unit")


def test_store_convention_is_millions():
    assert to_store(Unit("USD", 3)) == (Unit("USD", 6), 0.001)
    assert to_store(Unit("EUR", 6)) == (Unit("EUR", 6), 1.0)
    assert to_store(Unit("JPY", 9)) == (Unit("JPY", 6), 1000.0)
    assert len(set(CURRENCIES)) == len(CURRENCIES)


# ---------------------------------------------------------------- long layout, two units


def test_same_table_in_two_declared_units(tmp_path, spec):
    """Ingested once as USD million (unit.txt) and once as USD thousand (--unit): the stored
    unit, the scaling and the values."""
    db = tmp_path / "s.duckdb"
    gvc.ingest(long_dir(tmp_path / "a", spec, "USD million"), db=db, dataset="as_million")
    gvc.ingest(
        long_dir(tmp_path / "b", spec, None), db=db, dataset="as_thousand", unit="USD thousand"
    )
    t = gvc.query(
        "SELECT dataset, unit, unit_as_published, unit_factor, harmonisation FROM tables "
        "ORDER BY dataset",
        db=db,
    )
    assert t["unit"].tolist() == ["USD million", "USD million"]
    assert t["unit_as_published"].tolist() == ["USD million", "USD thousand"]
    assert t["unit_factor"].tolist() == [1.0, 0.001]
    steps = {s["step"]: s for s in json.loads(t["harmonisation"].iloc[1])}
    assert steps["unit"]["detail"].startswith(
        "USD thousand (declared 'USD thousand') -> USD million: every value multiplied by 0.001"
    )
    v = gvc.query(
        "SELECT a.value AS a, b.value AS b FROM io_cells a JOIN io_cells b USING "
        "(year, row_country, row_sector, col_country, col_item) "
        "WHERE a.dataset = 'as_million' AND b.dataset = 'as_thousand'",
        db=db,
    )
    assert len(v) == spec.n * spec.n + spec.n * spec.G * spec.F
    np.testing.assert_array_equal(v["b"].to_numpy(), v["a"].to_numpy() * 0.001)
    x = gvc.query(
        "SELECT dataset, sum(output) AS x FROM node_values GROUP BY dataset ORDER BY dataset",
        db=db,
    )["x"].to_numpy()
    assert x[1] == pytest.approx(x[0] * 0.001, rel=1e-14)
    assert x[0] == pytest.approx(spec.x.sum(), rel=1e-14)


def test_unit_column_in_the_long_file(tmp_path, spec):
    d = long_dir(tmp_path / "a", spec, None)
    f = d / f"wiot_{YEAR}.parquet"
    cells = pd.read_parquet(f)
    cells.assign(unit="EUR million").to_parquet(f)
    (raw,) = read(d)
    assert raw.unit == "EUR million"
    cells.assign(unit=np.where(cells.index % 2, "EUR million", "USD million")).to_parquet(f)
    with pytest.raises(InputError, match="column unit must hold one unit") as e:
        read(d)
    assert "\n" not in str(e.value)
    cells.assign(unit="EUR million").to_parquet(f)
    (d / "unit.txt").write_text("USD million\n")
    with pytest.raises(InputError, match="state different units"):
        read(d)


def test_long_table_without_unit_is_refused_and_store_unchanged(tmp_path, spec, capsys):
    db = tmp_path / "s.duckdb"
    gvc.ingest(long_dir(tmp_path / "ok", spec, "USD million"), db=db, dataset="ok")
    before = snapshot(db)
    rc = main(["ingest", str(long_dir(tmp_path / "nounit", spec, None)), "--db", str(db)])
    err = errors_only(capsys.readouterr().err)
    assert rc == 2 and len(err.splitlines()) == 1
    assert "does not state its unit" in err and "--unit" in err and "unit.txt" in err
    assert snapshot(db) == before


def test_declared_unit_must_agree_with_the_file(tmp_path, spec):
    d = long_dir(tmp_path / "a", spec, "EUR million")
    with pytest.raises(InputError, match="unit is EUR million .* but USD million was declared"):
        gvc.ingest(d, db=tmp_path / "s.duckdb", unit="USD million")
    with pytest.raises(InputError, match="'dollars' is not a unit gvc knows"):
        gvc.ingest(d, db=tmp_path / "s.duckdb", unit="dollars")


def test_gvc_tables_shows_the_unit(tmp_path, spec, capsys):
    db = tmp_path / "s.duckdb"
    gvc.ingest(long_dir(tmp_path / "a", spec, None), db=db, dataset="k", unit="USD thousand")
    assert main(["tables", "--db", str(db), "--format", "csv"]) == 0
    out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert out.loc[0, "unit"] == "USD million" and out.loc[0, "unit_as_published"] == (
        "USD thousand"
    )


def test_pipeline_source_unit_key(tmp_path):
    from gvc.pipeline.config import load_config

    (tmp_path / "data").mkdir()
    p = tmp_path / "p.toml"
    p.write_text('[[source]]\npath = "data"\ndataset = "d"\nunit = "EUR million"\n')
    cfg = load_config(p)
    assert cfg.sources[0].options.unit == "EUR million"
    p.write_text('[[source]]\npath = "data"\ndataset = "d"\nunit = "EUROS"\n')
    with pytest.raises(InputError, match=r"p.toml: \[\[source\]\] #1: unit: 'EUROS'"):
        load_config(p)


def test_old_store_gets_the_unit_columns(tmp_path):
    """A store made before units were kept: connecting adds the columns, rows stay."""
    from gvc.catalog import connect

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE tables (dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, source VARCHAR "
        "NOT NULL, format VARCHAR NOT NULL, edition VARCHAR, file_sha256 VARCHAR NOT NULL, unit "
        "VARCHAR, value_added_definition VARCHAR NOT NULL, output_definition VARCHAR NOT NULL, "
        "harmonisation JSON, warnings JSON, n_countries INTEGER NOT NULL, n_sectors INTEGER NOT "
        "NULL, n_fd_categories INTEGER NOT NULL, gvc_version VARCHAR NOT NULL, ingested_at "
        "TIMESTAMP NOT NULL, PRIMARY KEY (dataset, year))"
    )
    con.execute(
        "INSERT INTO tables VALUES ('w', 2000, 's', 'long', NULL, 'abc', 'USD million', 'v', "
        "'o', '[]', '[]', 1, 1, 1, '0.2.0', now())"
    )
    con.close()
    con = connect(db)
    row = con.execute("SELECT unit, unit_as_published, unit_factor FROM tables").fetchall()
    con.close()
    assert row == [("USD million", None, None)]


# ---------------------------------------------------------------- no silent mixing


@pytest.fixture(scope="module")
def two_currencies(tmp_path_factory, spec):
    """The same economy stored in USD million and (at 1.25 USD per EUR) in EUR million."""
    d = tmp_path_factory.mktemp("cur")
    db = d / "s.duckdb"
    gvc.ingest(write_long(d / "usd", spec, "USD million"), db=db, dataset="usd")
    eur = random_spec(["AAA", "BBB", "CCC"], ["s1", "s2"], ["HH", "GOV"], seed=5, year=YEAR)
    eur.Z, eur.Y = spec.Z / 1.25, spec.Y / 1.25
    gvc.ingest(write_long(d / "eur", eur, "EUR million"), db=db, dataset="eur")
    gvc.run(db=db, steps=["core"])
    rates = d / "rates.csv"
    rates.write_text("year,currency,rate\n2009,EUR,1.39\n2010,EUR,1.25\n")
    return db, rates


def test_comparison_of_eur_and_usd_is_refused(two_currencies):
    db, _ = two_currencies
    with pytest.raises(
        QueryError,
        match=r"different units \(eur in EUR million, usd in USD "
        r"million\): convert one first",
    ) as e:
        gvc.query("SELECT * FROM compare_va_flows('usd', 'eur', 2010)", db=db)
    assert "\n" not in str(e.value)
    with pytest.raises(QueryError, match="no table for dataset nope"):
        gvc.query("SELECT * FROM compare_va_flows('usd', 'nope', 2010)", db=db)
    # unit-free shares compare without conversion
    s = gvc.query(
        "SELECT dataset, dva_share FROM export_va_content ORDER BY dataset, exporter", db=db
    )
    np.testing.assert_allclose(
        s[s.dataset == "eur"]["dva_share"].to_numpy(),
        s[s.dataset == "usd"]["dva_share"].to_numpy(),
        rtol=1e-12,
    )


def test_after_conversion_the_comparison_runs_and_records_the_rates(two_currencies, capsys):
    db, rates = two_currencies
    assert (
        main(["convert", "--db", str(db), "--dataset", "eur", "--to", "USD", "--rates", str(rates)])
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[1].split() == [
        "loaded",
        "eur_usd",
        "2010",
        "EUR",
        "million",
        "USD",
        "million",
        "1.25",
    ]
    t = gvc.query(
        "SELECT unit, unit_as_published, unit_factor, harmonisation FROM tables "
        "WHERE dataset = 'eur_usd'",
        db=db,
    )
    assert (t.loc[0, "unit"], t.loc[0, "unit_as_published"]) == ("USD million", "EUR million")
    assert t.loc[0, "unit_factor"] == 1.25
    step = json.loads(t.loc[0, "harmonisation"])[-1]
    assert step["step"] == "convert_currency" and step["rate"] == 1.25
    assert str(rates) in step["rates_file"] and "1.25 USD per EUR" in step["detail"]
    gvc.run(db=db, dataset="eur_usd", steps=["core"])
    cmp = gvc.query("SELECT * FROM compare_va_flows('usd', 'eur_usd', 2010)", db=db)
    assert len(cmp) == 9 and (cmp["unit"] == "USD million").all()
    np.testing.assert_allclose(cmp["value_a"], cmp["value_b"], rtol=1e-12)


def test_convert_errors(two_currencies, tmp_path):
    db, rates = two_currencies
    with pytest.raises(InputError, match="already in USD million"):
        gvc.convert(dataset="usd", to="USD", rates=rates, db=db, new_dataset="x")
    bad = tmp_path / "r.csv"
    bad.write_text("year,currency,rate\n2009,EUR,1.39\n")
    with pytest.raises(InputError, match="r.csv: no rate for EUR in 2010"):
        gvc.convert(dataset="eur", to="USD", rates=bad, db=db, new_dataset="y")
    bad.write_text("year,currency,rate\n2010,EUR,-1\n")
    with pytest.raises(InputError, match="r.csv: line 2: rate -1.0 is not a positive number"):
        gvc.convert(dataset="eur", to="USD", rates=bad, db=db, new_dataset="y")
    with pytest.raises(SchemaError, match="no table for dataset 'nope'"):
        gvc.convert(dataset="nope", to="USD", rates=rates, db=db)
