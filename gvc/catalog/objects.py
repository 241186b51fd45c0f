"""What gvc can compute and query, read from the step registry and ``queries/``.

* :func:`steps` / :func:`steps_help`: every step of ``gvc run`` with its doc, whether it is in
  the default run, the ``facts.*`` tables it writes and the views and macros that read them
  (found in the SQL files, so the list cannot drift from the code);
* :func:`sql_objects`: every view, macro, audit and table file of ``queries/`` with its kind,
  grain and doc (``gvc tables --objects``);
* :class:`StepsHelpFormatter`: fills the epilog of ``gvc run --help`` with :func:`steps_help`
  only when help is printed, so building the parser stays light.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from typing import Any

#: placeholder epilog that :class:`StepsHelpFormatter` replaces by the step list
STEPS_EPILOG = "@gvc-steps@"


def _readers(tables: list[str]) -> list[str]:
    """Views and macros that read ``facts.<table>`` for any of ``tables``, and their dependants."""
    from gvc.sql import load_queries

    objs = [o for o in load_queries() if o.kind in ("view", "macro")]
    pats = [re.compile(rf"\bfacts\.{re.escape(t)}\b") for t in tables]
    found = [o.name for o in objs if any(p.search(o.body) for p in pats)]
    changed = True
    while changed:
        more = [o.name for o in objs if o.name not in found and set(o.depends_on) & set(found)]
        found += more
        changed = bool(more)
    return found


def steps() -> list[dict[str, Any]]:
    """One dict per step: ``name, default, doc, tables (facts.*), views`` (readers)."""
    from gvc.indicators.registry import DEFAULT_STEPS, STEPS

    out = []
    for name, step in STEPS.items():
        tables = list(step.facts_ddl)
        out.append(
            {
                "name": name,
                "default": name in DEFAULT_STEPS,
                "doc": step.doc,
                "tables": [f"facts.{t}" for t in tables],
                "views": _readers(tables),
            }
        )
    return out


def steps_help(width: int = 100) -> str:
    """The step list printed by ``gvc run --help``."""
    lines = ["steps (* = in the default run; --steps a,b,c picks others):"]
    wrap = textwrap.TextWrapper(width=width, initial_indent="      ", subsequent_indent="      ")
    for s in steps():
        lines.append(f"  {'*' if s['default'] else ' '} {s['name']}")
        lines += wrap.wrap(s["doc"])
        lines += wrap.wrap("writes " + ", ".join(s["tables"]))
        if s["views"]:
            lines += wrap.wrap("query with " + ", ".join(s["views"]))
    from gvc.chains.steps import FACTS_DDL as CHAIN_TABLES

    lines.append("    chain:<name>, chains")
    lines += wrap.wrap(
        "a value chain defined with 'gvc chain define' (chains: every chain of the dataset); "
        "writes "
        + ", ".join(f"facts.{t}" for t in CHAIN_TABLES)
        + "; query with "
        + ", ".join(_readers(list(CHAIN_TABLES)))
    )
    from gvc.groups.steps import FACTS_DDL as GROUP_TABLES

    lines.append("    group:<name>, groups")
    lines += wrap.wrap(
        "a grouping defined with 'gvc group define' (groups of countries as one economy: KWW, "
        "WWZ, BM, TiVA, participation); writes "
        + ", ".join(f"facts.{t}" for t in GROUP_TABLES)
        + "; query with "
        + ", ".join(_readers(list(GROUP_TABLES)))
    )
    lines.append("    flags")
    lines += wrap.wrap(
        "lock-in flags of every year from the stored embeddedness (computed after the other "
        "steps; the rules of the dataset's latest 'gvc flags', else the defaults); writes "
        "facts.lockin_flags; query with " + ", ".join(_readers(["lockin_flags"]))
    )
    return "\n".join(lines)


def sql_objects(short: bool = False) -> Any:
    """Every object of ``queries/`` as a pandas DataFrame: ``name, kind, grain, doc``.

    ``short``: the doc's first sentence, cut at 80 characters (for a terminal).
    """
    import pandas as pd

    from gvc.sql import load_queries

    def brief(doc: str) -> str:
        first = re.split(r"(?<=[a-z0-9)])[.:] ", doc, maxsplit=1)[0]
        return first if len(first) <= 80 else first[:77] + "..."

    rows = [(o.name, o.kind, o.grain, brief(o.doc) if short else o.doc) for o in load_queries()]
    df = pd.DataFrame(rows, columns=["name", "kind", "grain", "doc"])
    order = {"view": 0, "macro": 1, "audit": 2, "table": 3}
    return df.sort_values(["kind", "name"], key=lambda c: c.map(order) if c.name == "kind" else c)


class StepsHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help formatter that replaces the epilog :data:`STEPS_EPILOG` by :func:`steps_help`."""

    def add_text(self, text: str | None) -> None:
        if text == STEPS_EPILOG:
            text = steps_help()
        super().add_text(text)
