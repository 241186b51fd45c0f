"""gvc: global value chain flow modeller over a DuckDB store.

The names below load on first use (PEP 562), so ``import gvc`` and ``gvc --help`` stay light:

* :func:`~gvc.api.ingest`, :func:`~gvc.api.run`, :func:`~gvc.api.query`,
  :func:`~gvc.api.audit`, :func:`~gvc.api.decompose`, :func:`~gvc.api.to_pymrio`,
  :func:`~gvc.api.aggregate` (:mod:`gvc.api`); :func:`convert` (:mod:`gvc.currency`);
  :data:`DEFAULT_STEPS` (:mod:`gvc.indicators.registry`);
* packages: :mod:`gvc.catalog` (store schema, input tables, results ledger), :mod:`gvc.chains`,
  :mod:`gvc.groups` (concordances, aggregation, group-aware indicators),
  :mod:`gvc.lockin`, :mod:`gvc.pipeline`, :mod:`gvc.kernels` (numpy only), :mod:`gvc.readers`.

>>> import gvc  # doctest: +SKIP
>>> gvc.ingest("datasets/wiod2013")  # doctest: +SKIP
>>> gvc.run(dataset="wiod2013")  # doctest: +SKIP
>>> gvc.query("SELECT * FROM top_va_flows('wiod2013', 2011, 5)")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.3.0"

_API = ("aggregate", "audit", "decompose", "ingest", "query", "run", "to_pymrio")
_ELSEWHERE = {"convert": "gvc.currency"}
_SUBMODULES = (
    "api",
    "catalog",
    "chains",
    "groups",
    "indicators",
    "kernels",
    "lockin",
    "pipeline",
    "readers",
)

__all__ = [
    "DEFAULT_STEPS",
    "__version__",
    "aggregate",
    "audit",
    "convert",
    "decompose",
    "ingest",
    "query",
    "run",
    "to_pymrio",
]

if TYPE_CHECKING:  # pragma: no cover
    from gvc.api import aggregate, audit, decompose, ingest, query, run, to_pymrio
    from gvc.currency import convert
    from gvc.indicators.registry import DEFAULT_STEPS


def __getattr__(name: str) -> Any:
    """Load ``name`` on first use (PEP 562)."""
    if name in _API:
        value = getattr(importlib.import_module("gvc.api"), name)
    elif name in _ELSEWHERE:
        value = getattr(importlib.import_module(_ELSEWHERE[name]), name)
    elif name == "DEFAULT_STEPS":
        value = importlib.import_module("gvc.indicators.registry").DEFAULT_STEPS
    elif name in _SUBMODULES:
        value = importlib.import_module(f"gvc.{name}")
    else:
        raise AttributeError(f"module 'gvc' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(
        set(globals()) | set(_API) | set(_ELSEWHERE) | set(_SUBMODULES) | {"DEFAULT_STEPS"}
    )
