"""Load the SQL objects of ``queries/`` and register them in a store, in dependency order.

Each file holds one object, named after the file, with a header of ``-- key: value`` lines::

    -- name: vax
    -- kind: view            (view | macro | audit | table)
    -- depends_on: va_flows
    -- grain: dataset, year, exporter, importer
    -- doc: Value-added exports (Johnson & Noguera 2012) ...
    -- column exporter: country whose value added is exported

Audits are views that must return zero rows; ``gvc audit`` runs every one. A ``table`` file
holds ``CREATE TABLE IF NOT EXISTS`` statements (with their own column comments) for tables
that views or macros read; dependants name it in ``depends_on`` so it runs first. Column lines
become ``COMMENT ON COLUMN`` so the meanings show in any DuckDB client's catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb

from gvc.errors import QueryError
from gvc.paths import queries_dir

_HEADER = re.compile(r"^--\s*([A-Za-z_]+)(?:\s+([A-Za-z_0-9]+))?\s*:\s*(.*)$")


@dataclass(frozen=True)
class SqlObject:
    """One view, table macro or audit read from ``queries/<name>.sql``."""

    name: str
    kind: str
    depends_on: tuple[str, ...]
    doc: str
    grain: str
    body: str
    path: Path
    columns: dict[str, str] = field(default_factory=dict)


def parse_sql_file(path: Path) -> SqlObject:
    """Parse the header and body of one query file."""
    meta: dict[str, str] = {}
    columns: dict[str, str] = {}
    body_lines: list[str] = []
    in_header = True
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line) if in_header else None
        if m:
            key, arg, value = m.group(1).lower(), m.group(2), m.group(3).strip()
            if key == "column" and arg:
                columns[arg] = value
            elif key in meta and key == "doc":
                meta[key] += " " + value
            else:
                meta[key] = value
            continue
        if in_header and line.startswith("--"):
            continue
        in_header = False
        body_lines.append(line)
    name = meta.get("name", path.stem)
    if name != path.stem:
        raise QueryError(f"header name {name!r} differs from file name", obj=str(path))
    kind = meta.get("kind", "view")
    if kind not in {"view", "macro", "audit", "table"}:
        raise QueryError(f"unknown kind {kind!r}", obj=str(path))
    deps = tuple(d.strip() for d in meta.get("depends_on", "").split(",") if d.strip())
    return SqlObject(
        name=name,
        kind=kind,
        depends_on=deps,
        doc=meta.get("doc", ""),
        grain=meta.get("grain", ""),
        body="\n".join(body_lines).strip().rstrip(";"),
        path=path,
        columns=columns,
    )


@lru_cache(maxsize=4)
def load_queries(directory: Path | None = None) -> tuple[SqlObject, ...]:
    """All SQL objects, topologically sorted so each comes after what it depends on."""
    d = directory or queries_dir()
    objs = {o.name: o for o in (parse_sql_file(p) for p in sorted(d.glob("*.sql")))}
    order: list[SqlObject] = []
    state: dict[str, int] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise QueryError(f"dependency cycle: {' -> '.join(chain + (name,))}", obj=name)
        state[name] = 1
        for dep in objs[name].depends_on:
            if dep in objs:
                visit(dep, chain + (name,))
        state[name] = 2
        order.append(objs[name])

    for name in sorted(objs):
        visit(name, ())
    return tuple(order)


def register_queries(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create or replace every view/macro/audit of ``queries/`` in ``con``; returns the names."""
    from gvc.store import run_sql

    names = []
    for obj in load_queries():
        run_sql(con, obj.body, obj=f"queries/{obj.path.name}")
        if obj.kind in {"view", "audit"}:
            if obj.doc:
                run_sql(con, f"COMMENT ON VIEW {obj.name} IS {_quote(obj.doc)}", obj=obj.name)
            for col, text in obj.columns.items():
                run_sql(
                    con,
                    f"COMMENT ON COLUMN {obj.name}.{col} IS {_quote(text)}",
                    obj=obj.name,
                )
        names.append(obj.name)
    return names


def audits() -> list[SqlObject]:
    """The audit objects (views that must return zero rows)."""
    return [o for o in load_queries() if o.kind == "audit"]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
