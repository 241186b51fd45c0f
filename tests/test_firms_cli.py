"""``gvc firms ingest|run|report|demo`` and the staleness of stored results."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from firmnet import firm_rows, write

from gvc.catalog import open_store
from gvc.cli import main


@pytest.fixture
def files(tmp_path):
    firms = firm_rows(
        ["H", "A", "B", "C"], lat=[0.0, 0.1, 0.2, 0.0], lon=[0.0, 0.0, 0.1, 0.3], industry="c1"
    )
    members = pd.DataFrame({"member": ["H", "A", "B", "C"], "cluster": "K"})
    links = pd.DataFrame({"supplier": ["A", "B", "C"], "buyer": "H", "value": [1.0, 2.0, 3.0]})
    return {
        "firms": write(tmp_path, "firms", firms),
        "members": write(tmp_path, "members", members),
        "transactions": write(tmp_path, "transactions", links),
    }


def _ingest(db, f, capsys=None) -> int:
    return main(
        [
            "firms",
            "ingest",
            "--db",
            str(db),
            "--network",
            "n",
            "--firms",
            str(f["firms"]),
            "--members",
            str(f["members"]),
            "--transactions",
            str(f["transactions"]),
            "--year",
            "2020",
        ]
    )


def test_ingest_run_report(tmp_path, files, capsys) -> None:
    db = tmp_path / "s.duckdb"
    assert _ingest(db, files) == 0
    got = capsys.readouterr()
    assert "stored network n" in got.err and "firms     4" in got.out
    assert main(["firms", "run", "--db", str(db), "--network", "n", "--format", "json"]) == 0
    got = capsys.readouterr()
    assert "computed network n: 1 clusters, years 2020" in got.err
    assert {r["flag"]: r["flagged"] for r in json.loads(got.out)}["registry_focal"] == 1
    plots = tmp_path / "charts"
    assert (
        main(
            [
                "firms",
                "report",
                "--db",
                str(db),
                "--network",
                "n",
                "--cluster",
                "K",
                "--plot",
                str(plots),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Firm network n, 2020 (1 clusters" in out
    assert "anchor_share" in out and "registry_focal" in out
    png = plots / "firms_n_K_2020.png"
    assert png.is_file() and png.read_bytes()[:4] == b"\x89PNG"


def test_bad_input_exit_code_and_one_line(tmp_path, files, capsys) -> None:
    pd.DataFrame({"supplier": ["A", "A"], "buyer": ["H", "A"], "value": [1.0, 1.0]}).to_csv(
        files["transactions"], index=False
    )
    assert _ingest(tmp_path / "s.duckdb", files) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.endswith("transactions.csv: line 3: self-loop: supplier and buyer are both 'A'")


def test_unknown_network(tmp_path, capsys) -> None:
    assert main(["firms", "run", "--db", str(tmp_path / "s.duckdb"), "--network", "x"]) == 3
    assert "firm network 'x' is not in the store" in capsys.readouterr().err


def test_results_never_outlive_their_inputs(tmp_path, files, capsys) -> None:
    db = tmp_path / "s.duckdb"
    _ingest(db, files)
    main(["firms", "run", "--db", str(db), "--network", "n"])
    with open_store(db) as con:
        assert not con.execute("SELECT stale FROM firm_runs_status").fetchall()[0][0]
        e = con.execute("SELECT kind, tables FROM ledger WHERE dataset = 'firms:n'").fetchall()
    assert e == [("firms", ["firms.cluster_diagnostics", "firms.flags"])]
    links = pd.DataFrame({"supplier": ["A", "B"], "buyer": "H", "value": [1.0, 9.0]})
    links.to_csv(files["transactions"], index=False)
    _ingest(db, files)  # same file name, other content: the results go in the same transaction
    with open_store(db) as con:
        assert con.execute("SELECT count(*) FROM firm_runs_status").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM firm_clusters").fetchone()[0] == 0
    capsys.readouterr()
    assert main(["firms", "report", "--db", str(db), "--network", "n"]) == 3
    assert "firm_clusters of 'firms:n' is not up to date (0 missing)" in capsys.readouterr().err
    main(["firms", "run", "--db", str(db), "--network", "n"])
    with open_store(db) as con:
        assert not con.execute("SELECT stale FROM firm_runs_status").fetchall()[0][0]


@pytest.mark.slow
def test_demo(tmp_path, capsys) -> None:
    rc = main(
        [
            "firms",
            "demo",
            "--db",
            str(tmp_path / "s.duckdb"),
            "--dir",
            str(tmp_path / "d"),
            "--firms",
            "3000",
            "--clusters",
            "8",
            "--links",
            "30000",
        ]
    )
    assert rc == 0
    got = capsys.readouterr()
    assert "synthetic network 'demo' from WIOD 2013 2011" in got.err
    assert "Firm network demo, 2011" in got.out
    with open_store(tmp_path / "s.duckdb") as con:
        k = con.execute(
            "SELECT count(*), count(gvc_backward) FROM firm_clusters WHERE network = 'demo'"
        ).fetchall()[0]
    assert k[0] == 8 and k[1] == 8
