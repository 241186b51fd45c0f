"""Value chains: border crossings, returns, km, countries, production length and top paths.

A **chain** is the final demand for the products of a set of producing nodes (countries and/or
sectors, either may be "all"), absorbed in a set of destination countries (or all). Define it
once, compute it for the stored years, report and plot it::

    >>> from gvc import chains                                                  # doctest: +SKIP
    >>> chains.define("ict_usa", dataset="wiod2013", producers_sectors=["c14"],
    ...               destinations=["USA"], db="gvc.duckdb")                    # doctest: +SKIP
    >>> chains.run("ict_usa", dataset="wiod2013", db="gvc.duckdb")              # doctest: +SKIP
    >>> rep = chains.report("ict_usa", dataset="wiod2013", db="gvc.duckdb")     # doctest: +SKIP
    >>> print(chains.format_report(rep))                                        # doctest: +SKIP

From SQL: ``SELECT * FROM chain_report('wiod2013', 'ict_usa')``,
``chain_top_paths(ds, chain, year, k)``, ``chain_origins(ds, chain, year)``; the tables are in
``queries/chain_schema.sql`` and docs/chains.md.

Modules (one job each; this facade only re-exports, loading them on first use):

* :mod:`~gvc.chains.definitions`: :class:`ChainSpec`, the checks of a definition and the
  geography its ``km_source`` asks for (:func:`chain_geography_of`);
* :mod:`~gvc.chains.geography`: Natural Earth distances, continents and map points
  (:func:`country_geography`, :class:`CountryGeo`);
* :mod:`~gvc.chains.cepii`: CEPII GeoDist distances (:func:`cepii_distances`);
* :mod:`~gvc.chains.compute`: the chain's final demand and one table's result frames
  (:func:`chain_final_demand`, :func:`chain_year`), arrays in, frames out, no store; the maths
  is in :mod:`gvc.kernels.crossings`, :mod:`gvc.kernels.paths` and
  :mod:`gvc.kernels.chain_segments`;
* :mod:`~gvc.chains.steps`: a chain as the step ``chain:<name>`` (its fact tables, options
  and scope for the results ledger), and pipeline-file definitions;
* :mod:`~gvc.chains.store`: every store read and write (definitions, :func:`compute_chain`
  through :func:`gvc.indicators.run.run`, reading fresh results back);
* :mod:`~gvc.chains.api`: the functions on a store path that ``gvc chain`` calls
  (:func:`define`, :func:`run`, :func:`chain_names`);
* :mod:`~gvc.chains.reporting`: :class:`ChainReport`, :func:`report`, :func:`format_report`;
* :mod:`~gvc.chains.plots`: the chain's picture (:func:`plot`, matplotlib).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "define": "api",
    "run": "api",
    "chain_names": "api",
    "Progress": "api",
    "Db": "api",
    "ChainReport": "reporting",
    "report": "reporting",
    "format_report": "reporting",
    "plot": "plots",
    "ChainSpec": "definitions",
    "KM_SOURCES": "definitions",
    "chain_geography_of": "definitions",
    "CountryGeo": "geography",
    "country_geography": "geography",
    "ISO_ALIASES": "geography",
    "REST_OF_WORLD": "geography",
    "cepii_distances": "cepii",
    "CEPII_MEASURES": "cepii",
    "CEPII_CODES": "cepii",
    "KM_FALLBACKS": "cepii",
    "chain_final_demand": "compute",
    "chain_year": "compute",
    "RESULT_TABLES": "store",
    "ensure_chain_tables": "store",
    "define_chain": "store",
    "get_chain": "store",
    "compute_chain": "store",
    "read_chain_results": "store",
    "list_chains": "store",
    "chain_step": "steps",
    "chain_steps": "steps",
    "chain_definition": "steps",
    "spec_from_definition": "steps",
    "FACTS_DDL": "steps",
}

__all__ = [
    "CEPII_CODES",
    "CEPII_MEASURES",
    "ChainReport",
    "ChainSpec",
    "CountryGeo",
    "Db",
    "ISO_ALIASES",
    "KM_FALLBACKS",
    "KM_SOURCES",
    "Progress",
    "REST_OF_WORLD",
    "RESULT_TABLES",
    "cepii_distances",
    "chain_final_demand",
    "chain_geography_of",
    "chain_names",
    "chain_year",
    "compute_chain",
    "country_geography",
    "define",
    "define_chain",
    "ensure_chain_tables",
    "format_report",
    "get_chain",
    "plot",
    "report",
    "run",
    "FACTS_DDL",
    "chain_definition",
    "chain_step",
    "chain_steps",
    "list_chains",
    "read_chain_results",
    "spec_from_definition",
]

if TYPE_CHECKING:  # pragma: no cover
    from gvc.chains.api import Db, Progress, chain_names, define, run
    from gvc.chains.cepii import CEPII_CODES, CEPII_MEASURES, KM_FALLBACKS, cepii_distances
    from gvc.chains.compute import chain_final_demand, chain_year
    from gvc.chains.definitions import KM_SOURCES, ChainSpec, chain_geography_of
    from gvc.chains.geography import ISO_ALIASES, REST_OF_WORLD, CountryGeo, country_geography
    from gvc.chains.plots import plot
    from gvc.chains.reporting import ChainReport, format_report, report
    from gvc.chains.steps import (
        FACTS_DDL,
        chain_definition,
        chain_step,
        chain_steps,
        spec_from_definition,
    )
    from gvc.chains.store import (
        RESULT_TABLES,
        compute_chain,
        define_chain,
        ensure_chain_tables,
        get_chain,
        list_chains,
        read_chain_results,
    )


def __getattr__(name: str) -> Any:
    """Load the module that defines ``name`` on first use (PEP 562)."""
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'gvc.chains' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"gvc.chains.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
