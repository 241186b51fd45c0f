"""The steps ``gvc run`` can compute, and the fact tables each one writes.

A step is ``f(Derived) -> {table_name: pyarrow.Table}``; the tables carry integer node ids and
positions, never labels, and no ``dataset``/``year`` columns (the writer adds them). Later
indicator modules register here; nothing else needs to change for ``gvc run`` and the
pipelines to compute them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from gvc.indicators import core
from gvc.indicators.derived import Derived


@dataclass(frozen=True)
class Step:
    """A named computation and the ``facts.<table>`` DDL of each table it writes."""

    name: str
    compute: Callable[[Derived], dict[str, pa.Table]]
    facts_ddl: dict[str, str]
    doc: str


STEPS: dict[str, Step] = {
    "core": Step(
        "core",
        core.compute_core,
        core.FACTS_DDL,
        "value-added flows (V B Y), value-added origin of exports (V B E-hat), gross exports",
    ),
}

DEFAULT_STEPS: tuple[str, ...] = ("core",)


def all_facts_ddl() -> list[str]:
    """DDL of every fact table any step writes (created with the schema)."""
    return [ddl for step in STEPS.values() for ddl in step.facts_ddl.values()]
