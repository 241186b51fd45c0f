"""The documentation machinery: every code block of the README and docs/ is run or skipped with
a reason; the example checker catches a changed number; the CLI pages cover every command; the
docstring adapter keeps numpydoc from misreading gvc's parameter lines. (Running all examples
takes minutes: .ci/run does it, `python docs/scripts/check_examples.py`.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "docs" / "scripts"))

import check_examples as ce  # noqa: E402
from cli_pages import cli_pages  # noqa: E402
from docstrings import adapt  # noqa: E402

import gvc  # noqa: E402


@pytest.mark.parametrize("page", ce.pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_block_runs_or_is_skipped_with_a_reason(page: Path) -> None:
    blocks = ce.parse(page)
    assert ce.problems(blocks) == []
    for b in blocks:
        if b.marker == "skip":
            assert b.arg.strip(), b.where


def test_the_readme_demo_output_is_checked() -> None:
    (demo,) = [b for b in ce.parse(ROOT / "README.md") if b.arg.startswith("of gvc demo")]
    assert demo.marker == "output" and "Largest bilateral value-added flows" in demo.text


def test_unlabelled_commands_and_bad_markers_are_refused(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("Text\n\n```\ngvc run --dataset x\n```\n")
    assert "looks like code" in ce.problems(ce.parse(page))[0]
    page.write_text("<!-- check: skip -->\n```bash\ngvc run\n```\n")
    with pytest.raises(ValueError, match="needs a reason"):
        ce.parse(page)
    page.write_text("<!-- check: sometimes -->\n```bash\ngvc run\n```\n")
    with pytest.raises(ValueError, match="unknown check marker"):
        ce.parse(page)


def test_console_blocks_split_into_commands_and_outputs() -> None:
    text = "$ gvc sql 'SELECT 1' \\\n    --format csv\n1\n2\n$ true\n"
    assert ce.console_steps(text) == [
        ("gvc sql 'SELECT 1' \n    --format csv", "1\n2"),
        ("true", ""),
    ]


def test_compare_catches_a_changed_number_and_allows_ellipsis() -> None:
    shown = " 2011    RoW         USA                 460.1\n"
    assert ce.compare(shown, shown + "\n")
    assert ce.compare(shown, " 2011    RoW         USA                 460.1   \n")
    assert not ce.compare(shown, " 2011    RoW         USA                 460.2\n")
    assert ce.compare("loaded ...\ndone\n", "loaded wiod2013 2011 (x)\ndone\n")
    assert not ce.compare("done\n", "done\nextra line\n")


def test_the_checker_runs_a_page_and_fails_on_drift(tmp_path: Path) -> None:
    py = sys.executable
    page = tmp_path / "page.md"
    page.write_text(
        f"```console\n$ {py} -m gvc --version\ngvc {gvc.__version__}\n```\n\n"
        "```python\nprint(6 * 7)\n```\n\n<!-- check: output -->\n```\n42\n```\n\n"
        "```pycon\n>>> 1 + 1\n2\n```\n\n"
        "<!-- check: output of echo 3 -->\n```\n3\n```\n"
    )
    written = page.read_text()
    work = tmp_path / "work"
    work.mkdir()
    runner = ce.Runner(work)
    runner.run_page(page)
    assert runner.report.failures == []
    assert (runner.report.ran, runner.report.compared) == (4, 4)

    page.write_text(page.read_text().replace("42", "43").replace(gvc.__version__, "9.9.9"))
    runner = ce.Runner(work)
    runner.run_page(page)
    assert len(runner.report.failures) == 2
    assert "printed other output" in runner.report.failures[0]
    assert "shown output differs" in runner.report.failures[1]

    # --update puts what was printed back in the page; the page then passes as before
    drifted = page.read_text()
    runner = ce.Runner(work, update=True)
    runner.run_page(page)
    assert len(runner.report.failures) == 2
    fixed = page.read_text()
    assert fixed != drifted and "43" not in fixed and "9.9.9" not in fixed
    assert fixed.replace("\n\n", "\n") == written.replace("\n\n", "\n")
    runner = ce.Runner(work)
    runner.run_page(page)
    assert runner.report.failures == []


def test_cli_pages_cover_every_command_and_subcommand() -> None:
    from gvc.cli import build_parser

    pages = cli_pages(build_parser())
    commands = ["ingest", "run", "sql", "audit", "tables", "demo", "decompose", "chain", "pipeline"]
    for name in commands:
        assert f"{name}.md" in pages and f"[`gvc {name}`]({name}.md)" in pages["index.md"]
    assert "## gvc chain define" in pages["chain.md"]
    assert "## gvc pipeline run" in pages["pipeline.md"]
    assert "| `--db` `DB` |" in pages["run.md"]
    assert "core" in pages["run.md"]  # the step list of the epilog


def test_docstring_adapter_moves_shapes_out_of_the_type_slot() -> None:
    lines = [
        "Sum.",
        "",
        "Parameters",
        "----------",
        "Z : (n, n) intermediate flows,",
        "    country-major.",
        "G, N : number of countries and sectors.",
        "",
        "Returns",
        "-------",
        "dict with (n,) ``IV, FV`` and",
        "(G,) ``IV_country``.",
    ]
    assert adapt(lines) == [
        "Sum.",
        "",
        "Parameters",
        "----------",
        "Z",
        "    (n, n) intermediate flows,",
        "    country-major.",
        "G, N",
        "    number of countries and sectors.",
        "",
        "Returns",
        "-------",
        "dict with (n,) ``IV, FV`` and (G,) ``IV_country``.",
    ]
    assert (
        adapt(["References", "----------", "A (2014)."], module=True)[0] == ".. rubric:: References"
    )
