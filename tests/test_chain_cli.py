"""``gvc chain define|run|report|list`` on a constructed store: output, picture, error lines."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import provenance, register_command

from gvc.catalog import open_store
from gvc.cli import main
from gvc.ingestion.load import load_table
from gvc.table import IOTable

PROV = provenance()


@pytest.fixture(autouse=True)
def _chain_registered(monkeypatch):
    # until gvc.commands.MODULES lists the chain group, register it for these tests
    register_command(monkeypatch, "gvc.commands.chain")


@pytest.fixture
def db(tmp_path):
    """USA -> CHN -> USA, two years: USA value assembled in CHN and consumed in USA."""
    x = np.array([0.5, 1.0])
    Z = np.zeros((2, 2))
    Z[0, 1] = 0.5
    Yd = np.zeros((2, 2))
    Yd[1, 0] = 1.0
    t = IOTable(("USA", "CHN"), ("c14",), ("F",), Z, Yd, x, x - Z.sum(axis=0))
    path = tmp_path / "c.duckdb"
    with open_store(path) as con:
        for year in (2000, 2001):
            load_table(con, t, dataset="t", year=year, provenance=PROV)
    return str(path)


def test_define_run_report_plot(db, tmp_path, capsys):
    assert (
        main(
            [
                "chain",
                "define",
                "loop",
                "--dataset",
                "t",
                "--producers-sectors",
                "c14",
                "--destinations",
                "USA",
                "--db",
                db,
            ]
        )
        == 0
    )
    got = capsys.readouterr()
    assert "defined chain loop" in got.err and "products of c14" in got.out
    assert main(["chain", "run", "loop", "--dataset", "t", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "2000" in out and "2001" in out
    png = tmp_path / "loop.png"
    assert main(["chain", "report", "loop", "--dataset", "t", "--db", db, "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    # half the value added is USA's, travels USA -> CHN -> USA: 2 crossings; CHN's: 1
    assert "USA/c14 -> CHN/c14 -> [USA]" in out and "CHN/c14 -> [USA]" in out
    assert "1.500 (0.500)" in out  # mean 1.5, sd 0.5 crossings
    # length: USA's value 2 stages (home, then one intermediate crossing), CHN's 1 stage at home
    assert "length = dom + border + for" in out and "1.50 = 1.00 + 0.50 + 0.00" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    svg = tmp_path / "years.svg"
    assert (
        main(
            [
                "chain",
                "report",
                "loop",
                "--dataset",
                "t",
                "--db",
                db,
                "--year",
                "2001",
                "--plot",
                str(svg),
                "--plot-kind",
                "years",
            ]
        )
        == 0
    )
    assert svg.read_text().lstrip().startswith("<?xml")
    assert main(["chain", "list", "--dataset", "t", "--db", db]) == 0
    assert capsys.readouterr().out.strip().endswith("loop")


@pytest.mark.parametrize(
    "argv, code, words",
    [
        (["chain", "report", "nope", "--dataset", "t"], 3, "no chain 'nope'"),
        (["chain", "run", "nope", "--dataset", "t"], 3, "no chain 'nope'"),
        (["chain", "define", "x", "--dataset", "zz"], 3, "dataset 'zz'"),
        (["chain", "define", "x", "--dataset", "t", "--destinations", "XXX"], 2, "'XXX'"),
        (
            ["chain", "define", "x", "--dataset", "t", "--producers-countries", "USA,FRA"],
            2,
            "'FRA'",
        ),
    ],
)
def test_errors_are_one_line_with_exit_code(db, capsys, argv, code, words):
    assert main([*argv, "--db", db]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gvc: error:") and words in err


def test_report_before_run_says_what_to_do(db, capsys):
    assert main(["chain", "define", "loop", "--dataset", "t", "--db", db]) == 0
    assert main(["chain", "report", "loop", "--dataset", "t", "--db", db]) == 3
    assert "gvc chain run loop" in capsys.readouterr().err
