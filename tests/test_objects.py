"""Discoverability: `gvc run --help` lists every step from the registry, `gvc tables --objects`
lists the SQL objects, and every indicator docstring names its formula and paper."""

from __future__ import annotations

import pytest

from gvc.catalog.objects import sql_objects, steps
from gvc.cli import main
from gvc.indicators.registry import DEFAULT_STEPS, STEPS


def test_run_help_lists_every_step_with_its_tables(capsys):
    with pytest.raises(SystemExit) as e:
        main(["run", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for name, step in STEPS.items():
        mark = "*" if name in DEFAULT_STEPS else " "
        assert f"  {mark} {name}\n" in out, name
        for table in step.facts_ddl:
            assert f"facts.{table}" in out, table
    assert "positions, positions_country, positions_world" in out


def test_steps_name_the_views_that_read_them():
    by_name = {s["name"]: s for s in steps()}
    assert set(by_name) == set(STEPS)
    assert {"final_output_va", "final_output_fva", "gvc_income", "final_output_group"} <= set(
        by_name["final_output"]["views"]
    )
    assert "positions_world" in by_name["positions"]["views"]  # through positions_country
    assert by_name["core"]["default"] and not by_name["final_output_nodes"]["default"]


def test_tables_objects_lists_views_and_macros(capsys, tmp_path):
    assert main(["tables", "--objects", "--format", "csv", "--db", str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("name,kind,grain,doc")
    assert "\npositions_country,view," in out and "\ngvc_income,macro," in out
    df = sql_objects(short=True)
    assert (df.doc.str.len() <= 80).all() and {"view", "macro", "audit"} <= set(df.kind)


@pytest.mark.parametrize(
    "func",
    [
        "gvc.kernels.positions.position_measures",
        "gvc.kernels.positions.country_position_measures",
        "gvc.kernels.positions.inventory_scale",
        "gvc.kernels.final_output.final_output_va_by_country",
        "gvc.kernels.final_output.final_output_va_by_node",
        "gvc.kernels.final_output.foreign_va_share",
        "gvc.kernels.final_output.gvc_income",
    ],
)
def test_indicator_docstrings_state_formula_and_paper(func):
    import importlib

    mod, name = func.rsplit(".", 1)
    doc = getattr(importlib.import_module(mod), name).__doc__
    assert "References" in doc and any(y in doc for y in ("2012", "2013", "2014", "2015", "2018"))
    assert "``" in doc.split("Parameters")[0] or ">>>" in doc  # a formula before the parameters
