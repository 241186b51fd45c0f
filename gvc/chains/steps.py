"""Chains as steps: ``chain:<name>`` computes one chain for one table, like any other step.

A chain's results for one ``(dataset, year)`` are one ledger result ``chain:<name>`` (kind
``chain``, scope ``{"chain": name}``) in the fact tables :data:`FACTS_DDL` (views
``chain_geography``, ``chain_totals``, ``chain_paths``), with the definition's
:meth:`~gvc.chains.definitions.ChainSpec.options` as its options: redefining a chain makes its
old results stale, replacing a table deletes them. So a chain runs wherever steps run: ``gvc
run --steps chain:ict_usa`` (or ``chains``: every chain of the dataset), ``gvc chain run``,
and pipelines, whose ``[[chain]]`` entries give the definitions (:func:`chain_definition`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from gvc.chains.definitions import ChainSpec, check_km_options
from gvc.errors import InputError, SchemaError
from gvc.indicators.derived import Derived
from gvc.indicators.step import Step

FACTS_DDL = {
    "chain_geography": """CREATE TABLE IF NOT EXISTS facts.chain_geography (
    dataset VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    chain VARCHAR NOT NULL,
    origin_country VARCHAR NOT NULL,
    origin_sector VARCHAR NOT NULL,
    value_added DOUBLE NOT NULL,
    crossings_mean DOUBLE,
    crossings_var DOUBLE,
    returns_mean DOUBLE,
    intercontinental_mean DOUBLE,
    km_mean DOUBLE,
    countries_visited_mean DOUBLE)""",
    "chain_totals": """CREATE TABLE IF NOT EXISTS facts.chain_totals (
    dataset VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    chain VARCHAR NOT NULL,
    value_added DOUBLE NOT NULL,
    crossings_mean DOUBLE,
    crossings_var DOUBLE,
    returns_mean DOUBLE,
    intercontinental_mean DOUBLE,
    km_mean DOUBLE,
    countries_visited_mean DOUBLE,
    countries_effective DOUBLE,
    countries_over INTEGER,
    production_length DOUBLE,
    pl_domestic DOUBLE,
    pl_border DOUBLE,
    pl_foreign DOUBLE)""",
    "chain_paths": """CREATE TABLE IF NOT EXISTS facts.chain_paths (
    dataset VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    chain VARCHAR NOT NULL,
    rank SMALLINT NOT NULL,
    path VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    share DOUBLE,
    crossings SMALLINT,
    km DOUBLE,
    countries VARCHAR[] NOT NULL,
    sectors VARCHAR[] NOT NULL,
    destination VARCHAR NOT NULL)""",
}
"""The chain result tables (views of the same names in ``queries/``, with column comments)."""


def chain_definition(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A checked, complete chain definition from a pipeline file's ``[[chain]]`` entry.

    Keys: ``name``, optional ``dataset`` (only that dataset's units), ``producers_countries``,
    ``producers_sectors``, ``destinations`` (lists; absent = all), ``km_source``,
    ``cepii_file`` (absolute), ``cepii_measure``, ``km_fallback``, ``paths`` (default 20). The
    CEPII file is hashed now; codes are checked against the dataset when a unit runs.

    Raises
    ------
    InputError
        bad distance options, a missing CEPII file, ``paths`` not a positive integer.

    >>> chain_definition({"name": "ict", "producers_sectors": ["c14"]})["km_source"]
    'natural_earth'
    """
    km_source, km_file, km_sha = check_km_options(
        entry.get("km_source", "natural_earth"),
        entry.get("cepii_file"),
        entry.get("cepii_measure"),
        entry.get("km_fallback"),
    )
    paths = entry.get("paths", 20)
    if not isinstance(paths, int) or isinstance(paths, bool) or paths < 1:
        raise InputError(f"chain {entry.get('name')!r}: paths must be a positive integer")
    return {
        "name": entry["name"],
        "dataset": entry.get("dataset"),
        "producers_countries": entry.get("producers_countries"),
        "producers_sectors": entry.get("producers_sectors"),
        "destinations": entry.get("destinations"),
        "km_source": km_source,
        "km_file": km_file,
        "km_file_sha256": km_sha,
        "km_fallback": entry.get("km_fallback"),
        "paths": paths,
    }


def spec_from_definition(defn: Mapping[str, Any], dataset: str) -> ChainSpec:
    """The :class:`ChainSpec` of a definition dict for ``dataset``."""

    def tup(x: Any) -> tuple[str, ...] | None:
        return None if x is None else tuple(str(c) for c in x)

    return ChainSpec(
        dataset,
        str(defn["name"]),
        tup(defn.get("producers_countries")),
        tup(defn.get("producers_sectors")),
        tup(defn.get("destinations")),
        defn.get("km_source", "natural_earth"),
        defn.get("km_file"),
        defn.get("km_file_sha256"),
        defn.get("km_fallback"),
        int(defn.get("paths", 20)),
    )


def chain_step(spec: ChainSpec) -> Step:
    """The step ``chain:<name>`` computing ``spec`` on a table
    (:func:`gvc.chains.compute.chain_year` with the table's shared inverse)."""

    def compute(d: Derived) -> dict[str, pa.Table]:
        from gvc.chains.compute import chain_year

        frames = chain_year(d.table, spec, derived=d, k=spec.paths)
        return {
            name: pa.Table.from_pandas(frame, preserve_index=False)
            for name, frame in frames.items()
        }

    return Step(
        f"chain:{spec.name}",
        compute,
        dict(FACTS_DDL),
        f"value chain {spec.name}: {spec.describe()}",
        options=spec.options(),
        scope={"chain": spec.name},
        kind="chain",
    )


def chain_steps(
    name: str,
    given: Mapping[str, Mapping[str, Any]],
    *,
    con: Any = None,
    dataset: str | None = None,
) -> list[Step]:
    """The steps a step name ``chain:<name>`` or ``chains`` stands for.

    ``given`` holds definitions by name (a pipeline file's ``[[chain]]`` entries); a chain not
    given is read from the store's ``chains`` table of ``dataset``. ``chains`` means every
    given chain (for ``dataset``, when an entry names one) and every stored chain.

    Raises
    ------
    SchemaError
        a chain that is neither given nor defined in the store.
    """
    from gvc.chains.store import get_chain, list_chains

    def usable(defn: Mapping[str, Any]) -> bool:
        return dataset is None or defn.get("dataset") in (None, dataset)

    if name == "chains":
        out = [
            chain_step(spec_from_definition(d, dataset or "")) for d in given.values() if usable(d)
        ]
        if con is not None and dataset is not None:
            out += [
                chain_step(get_chain(con, dataset, c))
                for c in list_chains(con, dataset)
                if c not in given
            ]
        return out
    chain = name.removeprefix("chain:")
    if chain in given:
        return (
            [chain_step(spec_from_definition(given[chain], dataset or ""))]
            if usable(given[chain])
            else []
        )
    if con is None or dataset is None:
        raise SchemaError(f"step {name!r}: chain {chain!r} is not defined")
    return [chain_step(get_chain(con, dataset, chain))]


def definitions(specs: Iterable[ChainSpec]) -> dict[str, dict[str, Any]]:
    """Definition dicts by name (the inverse of :func:`spec_from_definition`)."""
    return {
        s.name: {"name": s.name, "dataset": s.dataset, "km_file": s.km_file, **s.options()}
        for s in specs
    }
