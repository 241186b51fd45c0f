"""Harmonisation options: ``gvc ingest --balance ...`` and a pipeline file's
``[source.harmonise]`` name the same stored table (same identity), and each option counts."""

from __future__ import annotations

import dataclasses
import typing

import duckdb
import pytest
from fixtures.pipeline.helpers import cli_main, copy_years

from gvc import __version__
from gvc.commands.ingest_options import add_harmonise_options
from gvc.ingestion.harmonise import HarmoniseOptions
from gvc.pipeline import load_config
from gvc.pipeline.plan import units

YEAR = 2009
OPTIONS = {"balance": "none", "negative_inventories": "move", "value_added": "residual"}


def _stored_identity(db) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT table_sha256 FROM tables").fetchone()[0]
    finally:
        con.close()


def _pipeline_identity(tmp_path, data, harmonise: dict) -> str:
    lines = ['steps = ["core"]', "", "[output]", 'db = "p.duckdb"', "", "[[source]]"]
    lines += [f'path = "{data}"', 'dataset = "wiod2013"', f"years = [{YEAR}]", ""]
    if harmonise:
        lines.append("[source.harmonise]")
        for k, v in harmonise.items():
            lines.append(f"{k} = {str(v).lower() if isinstance(v, bool) else repr(v)}")
    p = tmp_path / "pipeline.toml"
    p.write_text("\n".join(lines).replace("'", '"') + "\n")
    (unit,) = units(load_config(p), __version__)
    return unit.table_sha256


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return copy_years(tmp_path_factory.mktemp("data"), (YEAR,))


@pytest.mark.parametrize(
    "cli, harmonise",
    [
        ([], {}),
        (
            ["--balance", "none", "--negative-inventories", "move", "--value-added", "residual"],
            OPTIONS,
        ),
        (["--no-fold-processing-trade"], {"fold_processing_trade": False}),
    ],
)
def test_cli_and_pipeline_give_one_identity(tmp_path, data, cli, harmonise):
    db = tmp_path / "cli.duckdb"
    rc = cli_main(
        ["ingest", str(data), "--db", str(db), "--dataset", "wiod2013", "--year", str(YEAR), *cli]
    )
    assert rc == 0
    assert _stored_identity(db) == _pipeline_identity(tmp_path, data, harmonise)


def test_options_change_the_identity(tmp_path, data):
    default = _pipeline_identity(tmp_path, data, {})
    seen = {default}
    for k, v in OPTIONS.items():
        ident = _pipeline_identity(tmp_path, data, {k: v})
        assert ident not in seen, k
        seen.add(ident)


def test_choices_come_from_the_declared_values():
    import argparse

    p = argparse.ArgumentParser()
    add_harmonise_options(p)
    actions = {a.dest: a for a in p._actions}
    hints = typing.get_type_hints(HarmoniseOptions)
    for f in dataclasses.fields(HarmoniseOptions):
        if f.name == "unit":  # a value, not a switch: gvc ingest --unit
            assert "harmonise_unit" not in actions
            continue
        act = actions[f"harmonise_{f.name}"]
        allowed = typing.get_args(hints[f.name])
        if allowed:
            assert act.choices == list(allowed)
        else:
            assert isinstance(act, argparse.BooleanOptionalAction)


def test_bad_value_is_refused_by_argparse(tmp_path, data, capsys):
    with pytest.raises(SystemExit) as e:
        cli_main(["ingest", str(data), "--db", str(tmp_path / "x.duckdb"), "--balance", "cols"])
    assert e.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
