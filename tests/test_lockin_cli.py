"""``gvc embeddedness`` and ``gvc flags``: readable reports, exit 0; one line and non-zero exit
codes for an unknown dataset, country or a bad rules file."""

from __future__ import annotations

import pytest
from conftest import errors_only, provenance, random_table, register_command

from gvc.catalog import open_store
from gvc.cli import main
from gvc.ingestion.load import load_table

PROV = provenance("random")


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    # gvc.commands.MODULES lists the registered command groups; make sure ours is in it
    register_command(monkeypatch, "gvc.commands.lockin")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    p = tmp_path_factory.mktemp("cli") / "s.duckdb"
    with open_store(p) as con:
        for k, year in enumerate((2000, 2001)):
            load_table(
                con,
                random_table(20 + k, G=5, N=3),
                dataset="rnd",
                year=year,
                provenance={**PROV, "file_sha256": f"{year:064d}"},
            )
    return str(p)


def test_embeddedness_report(db, capsys) -> None:
    assert main(["embeddedness", "--db", db, "--dataset", "rnd", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "Embeddedness of cluster nodes, rnd 2001 (15 nodes)" in out
    assert "highest GVC participation" in out and "most central on foreign links" in out
    assert (
        main(["embeddedness", "--db", db, "--dataset", "rnd", "--country", "C1", "--year", "2000"])
        == 0
    )
    out = capsys.readouterr().out
    assert "rnd 2000, C1 (3 nodes)" in out


def test_flags_report_and_plot(db, tmp_path, capsys) -> None:
    rules = tmp_path / "r.toml"
    rules.write_text("[focal_structure]\nhhi_threshold = 0.01\n")  # every node is focal
    rc = main(
        [
            "flags",
            "--db",
            db,
            "--dataset",
            "rnd",
            "--rules",
            str(rules),
            "--plot",
            str(tmp_path / "png"),
            "--country",
            "C0",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert "Flagged in 2001" in out and "focal_structure" in out and "domestic_input_hhi" in out
    assert "Flagged nodes by flag (rows) and year (columns)" in out
    png = tmp_path / "png" / "lockin_rnd_C0_2001.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["flags", "--dataset", "nope"], 3, "'nope' is not in the store"),
        (["embeddedness", "--dataset", "nope"], 3, "'nope' is not in the store"),
        (["flags", "--dataset", "rnd", "--country", "XX"], 2, "'XX' is not a country"),
        (["embeddedness", "--dataset", "rnd", "--country", "XX"], 2, "'XX' is not a country"),
    ],
)
def test_errors_are_one_line(db, capsys, args, code, words) -> None:
    assert main([*args, "--db", db]) == code
    err = errors_only(capsys.readouterr().err)
    assert words in err and len(err.splitlines()) == 1


def test_bad_rules_file_is_one_line(db, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[focal_structure]\nhhi_threshold = 'high'\n")
    assert main(["flags", "--db", db, "--dataset", "rnd", "--rules", str(bad)]) == 2
    err = errors_only(capsys.readouterr().err)
    assert "bad.toml" in err and "hhi_threshold" in err and len(err.splitlines()) == 1
    broken = tmp_path / "broken.toml"
    broken.write_text("[focal_structure\n")
    assert main(["flags", "--db", db, "--dataset", "rnd", "--rules", str(broken)]) == 2
    assert "broken.toml" in capsys.readouterr().err
