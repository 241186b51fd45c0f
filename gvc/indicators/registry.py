"""The steps ``gvc run`` can compute, and the fact tables each one writes.

A step is ``f(Derived) -> {table_name: pyarrow.Table}``; the tables carry integer node ids and
positions, never labels, and no ``dataset``/``year`` columns (the writer adds them). Later
indicator modules register here; nothing else needs to change for ``gvc run`` and the
pipelines to compute them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from gvc.errors import SchemaError
from gvc.indicators import core, decomposition, participation
from gvc.indicators.step import Step

#: modules that define ``STEPS: dict[str, Step]`` of their own (merged below)
EXTRA_STEP_MODULES: tuple[str, ...] = (
    "gvc.lockin.steps",
    "gvc.indicators.positions",
    "gvc.indicators.final_output",
)

#: Every step of ``gvc run`` by name (core ones here, then those of ``EXTRA_STEP_MODULES``).
STEPS: dict[str, Step] = {
    "core": Step(
        "core",
        core.compute_core,
        core.FACTS_DDL,
        "value-added flows (V B Y), value-added origin of exports by source country "
        "(V_c B E-hat), gross exports",
        options={"va_in_exports_grain": "source_country"},
    ),
    "va_in_exports_nodes": Step(
        "va_in_exports_nodes",
        core.compute_va_in_exports_nodes,
        core.NODES_DDL,
        "value-added origin of exports by source node x exporting node (V B E-hat; n x n rows: "
        "opt-in)",
    ),
    "wwz": Step(
        "wwz",
        decomposition.compute_wwz,
        {"decomp_wwz": decomposition.FACTS_DDL["decomp_wwz"]},
        "Wang-Wei-Zhu (2013) 16-term decomposition by exporting sector x importer",
    ),
    "kww": Step(
        "kww",
        decomposition.compute_kww,
        {"decomp_kww": decomposition.FACTS_DDL["decomp_kww"]},
        "Koopman-Wang-Wei (2014) 9-term decomposition by exporter (from the WWZ terms)",
    ),
    "wwz_third": Step(
        "wwz_third",
        decomposition.compute_wwz_third,
        {"decomp_wwz_third": decomposition.FACTS_DDL["decomp_wwz_third"]},
        "WWZ re-export and other-country terms split by third country (G times larger)",
    ),
    "bm": Step(
        "bm",
        decomposition.compute_bm,
        {"decomp_bm": decomposition.FACTS_DDL["decomp_bm"]},
        "Borin-Mancini (2019/2023): source/sink x world/exporter, bilateral x sector",
    ),
    "tiva": Step(
        "tiva",
        participation.compute_tiva,
        {k: v for k, v in participation.FACTS_DDL.items() if k.startswith("tiva")},
        "OECD TiVA core indicators by exporting node",
    ),
    "participation": Step(
        "participation",
        participation.compute_participation,
        {k: v for k, v in participation.FACTS_DDL.items() if k.startswith("gvc")},
        "GVC participation (WWYZ, Koopman), position, production length, up/downstreamness",
    ),
}

for _mod in EXTRA_STEP_MODULES:
    STEPS.update(importlib.import_module(_mod).STEPS)

DEFAULT_STEPS: tuple[str, ...] = ("core", "wwz", "kww", "bm", "tiva", "participation")
"""Steps of a plain ``gvc run``; ``wwz_third`` is on request (it is G times larger)."""


def resolve_steps(
    names: Iterable[str],
    *,
    con: Any = None,
    dataset: str | None = None,
    chains: Iterable[Mapping[str, Any]] = (),
    groups: Iterable[Mapping[str, Any]] = (),
) -> list[Step]:
    """The :class:`Step` objects for step names, in the given order, duplicates dropped.

    ``chain:<name>`` is the chain of that name, from ``chains`` (definition dicts, as in a
    pipeline file) or else from the store's ``chains`` table of ``dataset`` (``con`` given);
    ``chains`` alone means every chain of the dataset in the store. ``group:<name>`` and
    ``groups`` likewise, from ``groups`` (a pipeline file's ``[[group]]`` entries) or the
    store's ``groupings``.

    Raises
    ------
    SchemaError
        an unknown step name (the message lists the known ones) or chain.
    """
    given = {c["name"]: c for c in chains}
    out: dict[str, Step] = {}
    for name in names:
        if name in out:
            continue
        if name == "chains" or name.startswith("chain:"):
            from gvc.chains import chain_steps

            for step in chain_steps(name, given, con=con, dataset=dataset):
                out.setdefault(step.name, step)
            continue
        if name == "groups" or name.startswith("group:"):
            from gvc.groups.steps import group_steps

            given_groups = {g["name"]: g for g in groups}
            for step in group_steps(name, given_groups, con=con, dataset=dataset):
                out.setdefault(step.name, step)
            continue
        if name not in STEPS:
            raise SchemaError(
                f"unknown step {name!r}; known: {', '.join(STEPS)}, chain:<name>, chains, "
                "group:<name>, groups"
            )
        out[name] = STEPS[name]
    return list(out.values())


FAMILY_DDL_MODULES: tuple[str, ...] = (
    "gvc.chains.steps",
    "gvc.scenarios.tables",
    "gvc.groups.steps",
)
"""Modules whose ``FACTS_DDL`` holds the tables of results made per definition
(``chain:<name>``, ``scenario:<name>``, ``group:<name>``)."""


def all_facts_ddl() -> list[str]:
    """DDL of every fact table any step writes (created with the schema)."""
    out = [ddl for step in STEPS.values() for ddl in step.facts_ddl.values()]
    for mod in FAMILY_DDL_MODULES:
        out += list(importlib.import_module(mod).FACTS_DDL.values())
    return list(dict.fromkeys(out))
