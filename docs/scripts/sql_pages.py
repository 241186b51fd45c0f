"""The SQL reference page: every view, macro, audit and table of ``queries/``, from its header.

``docs/conf.py`` calls :func:`write_sql_pages` at the start of every build, so the page lists
exactly the files the wheel ships (``gvc/_queries/``) with the meaning of every column.
"""

from __future__ import annotations

from pathlib import Path

from cli_pages import write_if_changed

KIND_ORDER = ("view", "macro", "audit", "table")


def _cell(text: str) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def sql_page() -> str:
    from gvc.sql import load_queries

    objs = sorted(
        load_queries(),
        key=lambda o: (KIND_ORDER.index(o.kind) if o.kind in KIND_ORDER else 9, o.name),
    )
    lines = [
        "# SQL views, macros and audits",
        "",
        "Generated at every build from the headers of the files in `queries/` (one object per",
        "file, shipped in the wheel as `gvc/_queries/`). Every store registers them; in any",
        "DuckDB client the column meanings are also in",
        "`SELECT * FROM duckdb_columns() WHERE comment IS NOT NULL`, and `gvc tables --objects`",
        f"lists them. {len(objs)} objects.",
        "",
        "| object | kind | grain | what |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| [`{o.name}`](#{o.name}) | {o.kind} | {_cell(o.grain)} | {_cell(o.doc)} |" for o in objs
    ]
    lines.append("")
    for o in objs:
        lines += [f"## {o.name}", "", f"*{o.kind}*. {_cell(o.doc)}", ""]
        if o.grain:
            lines += [f"Grain: {_cell(o.grain)}.", ""]
        if o.depends_on:
            lines += ["Depends on: " + ", ".join(f"`{d}`" for d in o.depends_on) + ".", ""]
        if o.columns:
            lines += ["| column | meaning |", "|---|---|"]
            lines += [f"| `{c}` | {_cell(m)} |" for c, m in o.columns.items()]
            lines.append("")
    return "\n".join(lines)


def write_sql_pages(out: Path) -> list[str]:
    write_if_changed(out / "index.md", sql_page())
    return ["index.md"]
