"""One Markdown page per ``gvc`` command, generated from the argparse parser.

``docs/conf.py`` calls :func:`write_cli_pages` at the start of every build, so the pages always
match ``gvc.cli.build_parser()``: a new command, option or help text appears with no edit here.
Sub-commands (``gvc chain define``, ``gvc pipeline run`` ...) are sections of their command's
page. Pages go to ``docs/_generated/cli/`` (not committed).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

WIDTH = "88"  # argparse wraps help text to $COLUMNS; fixed so pages do not depend on a terminal


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """``(name, one-line help, parser)`` of each sub-command, in the order they were added."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((name, helps.get(name, ""), sub))
    return out


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _argument(action: argparse.Action) -> str:
    if action.option_strings:
        names = ", ".join(f"`{s}`" for s in action.option_strings)
        if action.nargs != 0:
            metavar = action.metavar or (
                "{" + ",".join(map(str, action.choices)) + "}" if action.choices else action.dest
            )
            names += f" `{str(metavar).upper() if not action.choices else metavar}`"
        return names
    return f"`{action.metavar or action.dest}`"


def _arguments_table(parser: argparse.ArgumentParser) -> list[str]:
    rows = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        what = action.help or ""
        if action.help == argparse.SUPPRESS:
            continue
        if action.choices and action.option_strings:
            what += f" (one of {', '.join(f'`{c}`' for c in action.choices)})"
        default = action.default
        shown = (
            ""
            if default in (None, False, argparse.SUPPRESS) or action.nargs == 0
            else f"`{default}`"
        )
        required = "yes" if action.required or not action.option_strings else ""
        rows.append(f"| {_argument(action)} | {required} | {shown} | {_cell(what)} |")
    if not rows:
        return []
    return ["| argument | required | default | meaning |", "|---|---|---|---|", *rows, ""]


def _epilog(parser: argparse.ArgumentParser) -> str:
    """The epilog as ``--help`` prints it (through the parser's own formatter: ``gvc run``'s
    fills in the list of steps)."""
    formatter = parser._get_formatter()
    formatter.add_text(parser.epilog)
    return formatter.format_help().strip("\n")


def _section(parser: argparse.ArgumentParser, title: str, help_line: str, level: int) -> list[str]:
    lines = [f"{'#' * level} {title}", ""]
    if help_line:
        lines += [help_line[:1].upper() + help_line[1:] + ".", ""]
    if parser.description:
        lines += [" ".join(parser.description.split()), ""]
    lines += ["```text", parser.format_usage().strip(), "```", ""]
    lines += _arguments_table(parser)
    if parser.epilog:
        lines += ["```text", _epilog(parser), "```", ""]
    for name, sub_help, sub in _subcommands(parser):
        lines += _section(sub, f"{title} {name}", sub_help, level + 1)
    return lines


def cli_pages(parser: argparse.ArgumentParser) -> dict[str, str]:
    """``{file name: Markdown}``: ``index.md`` and one page per top-level command."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        pages: dict[str, str] = {}
        index = [
            "# Command line",
            "",
            "Generated from the argument parser (`gvc.cli.build_parser()`) at every build of this",
            "site; `gvc COMMAND --help` prints the same. `python -m gvc` is the same as `gvc`.",
            "",
            "```text",
            parser.format_usage().strip(),
            "```",
            "",
            "| command | what it does |",
            "|---|---|",
        ]
        names = []
        for name, help_line, sub in _subcommands(parser):
            names.append(name)
            pages[f"{name}.md"] = "\n".join(_section(sub, f"gvc {name}", help_line, 1))
            index.append(f"| [`gvc {name}`]({name}.md) | {_cell(help_line)} |")
        index += ["", "```text", _epilog(parser), "```", ""]
        index += ["```{toctree}", ":hidden:", "", *names, "```", ""]
        pages["index.md"] = "\n".join(index)
        return pages
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def write_if_changed(path: Path, text: str) -> None:
    """Write only a changed page, so an incremental build does not redo unchanged ones."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_cli_pages(out: Path) -> list[str]:
    """Write the pages under ``out``; returns their file names."""
    from gvc.cli import build_parser

    pages = cli_pages(build_parser())
    for old in out.glob("*.md"):
        if old.name not in pages:
            old.unlink()
    for name, text in pages.items():
        write_if_changed(out / name, text)
    return sorted(pages)
