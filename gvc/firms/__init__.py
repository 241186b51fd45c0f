"""Clusters of firms: firm-level cluster diagnostics linked to the country x industry chains.

A firm network (firms, cluster memberships, firm-to-firm transactions, optionally a
concordance of industry codes to the table's sectors) is ingested into the store, and every
cluster and year gets the diagnostics of issue 18 (registry rule, focal structure, territory,
openness, critical mass and triple helix, embeddedness inherited from the country x industry
nodes) and rule-based flags. Modules, one job each:

* :mod:`~gvc.firms.inputs`: read and validate the files into staging tables;
  :mod:`~gvc.firms.links`: the transaction file (read by the insert, checked across rows);
* :mod:`~gvc.firms.store`: every write to the store (inputs, results, run records);
* :mod:`~gvc.firms.network`: a stored network as arrays for the kernels;
* :mod:`~gvc.firms.diagnostics`, :mod:`~gvc.firms.embed`: the diagnostics (maths in
  :mod:`gvc.kernels.firm_network`, :mod:`gvc.kernels.firm_composition` and
  :mod:`gvc.kernels.firm_territory`);
* :mod:`~gvc.firms.rules`, :mod:`~gvc.firms.flags`: TOML rules and the flag engine;
* :mod:`~gvc.firms.synthetic` (draws in :mod:`~gvc.firms.synthetic_draws`): synthetic
  networks derived from a country x industry table;
* :mod:`~gvc.firms.report`, :mod:`~gvc.firms.plots`, :mod:`~gvc.firms.demo`: what the CLI
  prints and draws;
* :mod:`~gvc.firms.api`: the public operations (``ingest_network``, ``run_network``).

Names below load on first use, so ``import gvc.firms`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "ingest_network": "gvc.firms.api",
    "run_network": "gvc.firms.api",
    "firms_report": "gvc.firms.report",
    "firms_demo": "gvc.firms.demo",
    "generate_network": "gvc.firms.synthetic",
    "load_rules": "gvc.firms.rules",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return getattr(importlib.import_module(_NAMES[name]), name)
    raise AttributeError(f"module 'gvc.firms' has no attribute {name!r}")
