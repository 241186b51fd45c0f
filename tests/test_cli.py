"""The gvc command line end to end on the embedded WIOD data and on bad input."""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import DATASETS, errors_only, random_table

from gvc.cli import main

WIOD = DATASETS / "wiod2013"


def _snapshot(db):
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
def wiod_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "gvc.duckdb"
    assert (
        main(["ingest", str(WIOD), "--dataset", "wiod2013", "--year", "2011", "--db", str(db)]) == 0
    )
    assert main(["run", "--db", str(db), "--steps", "core,kww"]) == 0
    return db


def test_sql_formats(wiod_db, capsys, tmp_path):
    q = "SELECT exporter, round(dva_share, 6) AS s FROM export_va_content ORDER BY exporter LIMIT 3"
    assert main(["sql", q, "--db", str(wiod_db), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "exporter,s" and len(out) == 4
    assert main(["sql", q, "--db", str(wiod_db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["exporter"] for r in rows] == ["AUS", "AUT", "BEL"]
    target = tmp_path / "x.parquet"
    assert main(["sql", q, "--db", str(wiod_db), "--format", "parquet", "-o", str(target)]) == 0
    assert pq.read_table(target).num_rows == 3


def test_audit_passes_and_tables_lists(wiod_db, capsys):
    assert main(["audit", "--db", str(wiod_db)]) == 0
    assert "FAIL" not in capsys.readouterr().out
    assert main(["tables", "--db", str(wiod_db)]) == 0
    assert "wiod2013" in capsys.readouterr().out


def test_ingest_twice_is_noop(wiod_db, capsys):
    before = _snapshot(wiod_db)
    assert (
        main(["ingest", str(WIOD), "--dataset", "wiod2013", "--year", "2011", "--db", str(wiod_db)])
        == 0
    )
    assert "skipped" in capsys.readouterr().out
    assert _snapshot(wiod_db) == before


def test_run_again_is_up_to_date(wiod_db, capsys):
    assert main(["run", "--db", str(wiod_db), "--steps", "core"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_audit_detects_tampering(tmp_path, capsys, wiod_db):
    db = tmp_path / "t.duckdb"
    shutil.copy(wiod_db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE facts.va_flows SET value = value * 2 WHERE origin_node = 0")
    con.close()
    assert main(["audit", "--db", str(db)]) == 6
    got = capsys.readouterr()
    assert "audit_va_flows_sum" in got.err
    row = [line for line in got.out.splitlines() if "audit_va_flows_sum" in line][0]
    assert row.split()[-1] == "FAIL" and int(row.split()[1]) > 0
    # the same as one JSON document
    assert main(["audit", "--db", str(db), "--format", "json"]) == 6
    doc = json.loads(capsys.readouterr().out)
    assert {d["audit"]: d["status"] for d in doc}["audit_va_flows_sum"] == "FAIL"


def _bad_long_file(tmp_path, mutate):
    """A clean long file (random productive table, 4 countries x 3 sectors), then mutated."""
    t = random_table(11, G=4, N=3, F=2)
    c, s = t.node_labels()
    Z = pd.DataFrame(
        t.Z, index=pd.MultiIndex.from_arrays([c, s]), columns=pd.MultiIndex.from_arrays([c, s])
    )
    Y = pd.DataFrame(
        t.Y_detail,
        index=Z.index,
        columns=pd.MultiIndex.from_product([t.countries, t.fd_categories]),
    )
    df = pd.concat([Z.stack([0, 1], future_stack=True), Y.stack([0, 1], future_stack=True)])
    df = (
        df.rename("value")
        .rename_axis(["row_country", "row_sector", "col_country", "col_item"])
        .reset_index()
    )
    df.insert(0, "year", 1995)
    df = mutate(df)
    path = tmp_path / "bad_1995.parquet"
    df.to_parquet(path)
    return path


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.assign(value=d["value"].where(d.index != 5, -50.0)), "negative"),
        (lambda d: d.assign(value=d["value"].where(d.index != 5, float("nan"))), "NaN"),
        (lambda d: pd.concat([d, d.iloc[[7]]]), "duplicate"),
        (lambda d: d.assign(row_country=d["row_country"].where(d.index != 3, "XXX")), "XXX"),
        (lambda d: d.assign(col_country=d["col_country"].where(d.index != 3, "YYY")), "YYY"),
    ],
    ids=["negative", "nan", "duplicate", "unknown-row-country", "unknown-col-country"],
)
def test_bad_input_one_line_error_and_store_unchanged(tmp_path, capsys, wiod_db, mutate, message):
    db = tmp_path / "s.duckdb"
    shutil.copy(wiod_db, db)
    before = _snapshot(db)
    path = _bad_long_file(tmp_path, mutate)
    rc = main(["ingest", str(path), "--dataset", "bad", "--db", str(db), "--unit", "USD million"])
    err = errors_only(capsys.readouterr().err)
    assert rc == 2, err
    assert len(err.splitlines()) == 1 and err.startswith("gvc: error:")
    assert message.lower() in err.lower(), err
    assert _snapshot(db) == before


def test_truncated_and_empty_files(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    data = (WIOD / "wiot_1995.parquet").read_bytes()
    trunc = tmp_path / "trunc_1995.parquet"
    trunc.write_bytes(data[: len(data) // 2])
    empty = tmp_path / "empty_1995.csv"
    empty.write_text("")
    for path in (trunc, empty):
        rc = main(["ingest", str(path), "--db", str(db)])
        err = errors_only(capsys.readouterr().err)
        assert rc == 2 and len(err.splitlines()) == 1 and str(path.name) in err, err


def test_wrong_format_flag(tmp_path, capsys):
    rc = main(
        [
            "ingest",
            str(WIOD / "wiot_1995.parquet"),
            "--format",
            "oecd-icio",
            "--db",
            str(tmp_path / "s.duckdb"),
        ]
    )
    err = errors_only(capsys.readouterr().err)
    assert rc == 2 and len(err.splitlines()) == 1, err


def test_unbalanced_directory_table(tmp_path, capsys):
    """A table whose given output differs from its row sums beyond tolerance is refused."""
    d = tmp_path / "wiod"
    d.mkdir()
    shutil.copy(WIOD / "wiot_2011.parquet", d)
    out = pq.read_table(WIOD / "output.parquet").to_pandas()
    out = out[out["year"] == 2011].copy()
    out["output"] = out["output"].astype("float64")
    out.loc[out.index[10], "output"] = out["output"].iloc[10] * 1.5 + 1000
    out.to_parquet(d / "output.parquet")
    db = tmp_path / "s.duckdb"
    rc = main(["ingest", str(d), "--db", str(db)])
    err = errors_only(capsys.readouterr().err)
    assert rc == 2 and "balance" in err and len(err.splitlines()) == 1, err
    assert not db.exists() or _snapshot(db).get("main.tables", 0) == 0


def test_missing_file_and_store(tmp_path, capsys):
    from gvc.catalog import connect

    connect(tmp_path / "s.duckdb").close()
    assert main(["ingest", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "s.duckdb")]) == 2
    assert main(["sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb")]) == 3
    assert main(["sql", "SELECT * FROM no_such_view", "--db", str(tmp_path / "s.duckdb")]) == 4
    errs = errors_only(capsys.readouterr().err).splitlines()
    assert len(errs) == 3 and all(e.startswith("gvc: error:") for e in errs)


def test_debug_shows_traceback(tmp_path):
    from gvc.errors import InputError

    with pytest.raises(InputError):
        main(["ingest", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "s.duckdb"), "--debug"])


def test_singular_table_is_numerical_error(tmp_path, capsys):
    # one sector whose only input is its whole own output: I - A is singular
    rows = [
        (2000, "AAA", "s1", "AAA", "s1", 10.0),
        (2000, "AAA", "s2", "AAA", "s2", 1.0),
        (2000, "AAA", "s2", "AAA", "FD", 9.0),
    ]
    df = pd.DataFrame(
        rows, columns=["year", "row_country", "row_sector", "col_country", "col_item", "value"]
    )
    path = tmp_path / "sing_2000.csv"
    df.to_csv(path, index=False)
    db = tmp_path / "s.duckdb"
    assert main(["ingest", str(path), "--db", str(db), "--unit", "USD million"]) == 0
    rc = main(["run", "--db", str(db), "--steps", "core"])
    err = errors_only(capsys.readouterr().err)
    assert rc == 5 and "singular" in err, err


def test_ingest_is_one_transaction_across_years(tmp_path, capsys):
    """A directory whose second year is bad: the good year is not left behind either."""
    d = tmp_path / "two"
    d.mkdir()
    shutil.copy(WIOD / "wiot_2010.parquet", d)
    shutil.copy(WIOD / "unit.txt", d)
    bad = pq.read_table(WIOD / "wiot_2011.parquet").to_pandas()
    for c in ("row_country", "row_sector", "col_country", "col_item"):
        bad[c] = bad[c].astype(str)
    bad["value"] = bad["value"].astype("float64")
    bad.loc[bad.index[0], "value"] = -5.0  # a negative intermediate flow (AUS c1 -> AUS c1)
    bad.to_parquet(d / "wiot_2011.parquet")
    db = tmp_path / "s.duckdb"
    rc = main(["ingest", str(d), "--db", str(db)])
    err = errors_only(capsys.readouterr().err)
    assert rc == 2 and "negative" in err and len(err.splitlines()) == 1, err
    snap = _snapshot(db)
    assert snap["main.tables"] == 0 and snap["facts.intermediate"] == 0


def test_python_api_query_pandas_and_arrow(wiod_db):
    import pyarrow as pa

    import gvc

    sql = "SELECT exporter, dva FROM export_va_content WHERE year = 2011 ORDER BY exporter"
    df = gvc.query(sql, db=wiod_db)
    tab = gvc.query(sql, db=wiod_db, as_="arrow")
    assert isinstance(tab, pa.Table) and tab.num_rows == len(df) == 41
    assert tab.column("dva").to_pylist() == df["dva"].tolist()


# ---------------------------------------------------------------- one output contract


def _leaf_parsers(parser, path=()):
    import argparse

    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, p in subs[0].choices.items():
        yield from _leaf_parsers(p, (*path, name))


def test_every_command_that_prints_results_takes_format_and_output():
    from gvc.cli import build_parser
    from gvc.commands.output import FORMATS

    for path, p in _leaf_parsers(build_parser()):
        opts = {o: a for a in p._actions for o in a.option_strings}
        assert "-o" in opts and "--output" in opts, path
        fmt = opts["--output-format"] if path == ("ingest",) else opts["--format"]
        assert set(FORMATS) <= set(fmt.choices), path


def test_sql_from_file_and_stdin_one_json_document(wiod_db, tmp_path, capsys, monkeypatch):
    import io

    q = tmp_path / "q.sql"
    q.write_text("SELECT exporter, vax FROM vax WHERE year = 2011\nORDER BY vax DESC LIMIT 2;\n")
    assert main(["sql", "-f", str(q), "--db", str(wiod_db), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [set(r) for r in doc] == [{"exporter", "vax"}] * 2
    monkeypatch.setattr("sys.stdin", io.StringIO(q.read_text()))
    assert main(["sql", "-", "--db", str(wiod_db), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "exporter,vax"
    assert main(["sql", "", "--db", str(wiod_db)]) == 2
    assert errors_only(capsys.readouterr().err).startswith("gvc: error: empty query")
    out = tmp_path / "r.json"
    assert (
        main(["sql", "-f", str(q), "--db", str(wiod_db), "--format", "json", "-o", str(out)]) == 0
    )
    got = capsys.readouterr()
    assert got.out == "" and f"wrote {out}" in got.err and len(json.loads(out.read_text())) == 2


def test_run_report_and_years_repeatable(wiod_db, capsys):
    assert main(["run", "--db", str(wiod_db), "--steps", "core", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"dataset": "wiod2013", "year": 2011, "status": "up to date", "table": None, "rows": None}
    ]
    assert main(["run", "--db", str(wiod_db), "--year", "2010", "--year", "2011"]) == 3
    assert "no table for 2010" in errors_only(capsys.readouterr().err)
