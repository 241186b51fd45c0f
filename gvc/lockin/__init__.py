"""Embeddedness of cluster nodes in global value chains, and lock-in flags (GitHub issue 5).

A *cluster node* is a country x sector. The question policy asks is whether a node is embedded
in global value chains or locked into a closed national chain (import-substitution programmes
build "complete, technologically independent" domestic chains around one anchor firm). Step
``embeddedness`` stores one row per node, year and measure; the flag rules read those measures
and store every flag with its score, reasons, metric values and thresholds.

This package is a facade: every public name below is loaded on first use (PEP 562), so
``import gvc.lockin`` costs nothing. The maths lives in the kernels:
:mod:`gvc.kernels.node_metrics` (node and cluster metrics), :mod:`gvc.kernels.embeddedness`
(every embeddedness measure), :mod:`gvc.kernels.betweenness`. Modules, one job each:

- ``rules``: rule files (generic loader checked when read, deep merge, TOML writer) and the
  lock-in rule set; ``defaults.toml`` its documented defaults.
- ``flag_table``: the columns of every flag table and the helpers that build its rows.
- ``node_rules``: closed national chain, focal structure, declining integration.
- ``cluster_rules``: closed user-defined clusters.
- ``frames``: node metrics and centralities of an IOTable as labelled frames.
- ``measures``: the registry of embeddedness measures and how each aggregates to a cluster.
- ``steps``: steps ``embeddedness`` and ``embeddedness_betweenness`` (Derived -> Arrow).
- ``store``: every read and write of the store for embeddedness and flags.
- ``flags``: :func:`compute_flags`, the flags of a dataset from the store.
- ``report``: what ``gvc embeddedness`` and ``gvc flags`` print.
- ``plots``: charts of the flags (matplotlib).

References
----------
Wang, Z., Wei, S.-J., Yu, X. & Zhu, K. (2017a), "Measures of participation in global value
chains and global business cycles", NBER Working Paper 23222 (production decompositions).
Borin, A. & Mancini, M. (2019), World Bank Policy Research WP 8804.
Criscuolo, C. & Timmis, J. (2018), "GVC centrality and productivity", OECD Productivity WP 14.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_NAMES: dict[str, str] = {
    # kernels
    "node_metrics": "gvc.kernels.node_metrics",
    "cluster_metrics": "gvc.kernels.node_metrics",
    "betweenness_centrality": "gvc.kernels.betweenness",
    "va_network": "gvc.kernels.embeddedness",
    # rules
    "load_rules": "gvc.lockin.rules",
    "load_rules_file": "gvc.lockin.rules",
    "default_rules": "gvc.lockin.rules",
    "rules_toml": "gvc.lockin.rules",
    "FLAG_COLUMNS": "gvc.lockin.flag_table",
    "NODE_FLAGS": "gvc.lockin.flag_table",
    "KEYS": "gvc.lockin.flag_table",
    "lockin_flags": "gvc.lockin.node_rules",
    "closed_cluster_flags": "gvc.lockin.cluster_rules",
    "node_metrics_frame": "gvc.lockin.frames",
    "centrality_frame": "gvc.lockin.frames",
    # embeddedness
    "Measure": "gvc.lockin.measures",
    "MEASURES": "gvc.lockin.measures",
    "WIDE_MEASURES": "gvc.lockin.measures",
    "BETWEENNESS_MIN_SHARE": "gvc.lockin.measures",
    "embeddedness_measures": "gvc.lockin.steps",
    "compute_embeddedness": "gvc.lockin.steps",
    "ensure_embeddedness": "gvc.lockin.store",
    "embeddedness_frame": "gvc.lockin.store",
    "flags_rules_used": "gvc.lockin.store",
    "compute_flags": "gvc.lockin.flags",
    "ensure_flags": "gvc.lockin.flags",
    "embeddedness_report": "gvc.lockin.report",
    "flags_report": "gvc.lockin.report",
    "EmbeddednessReport": "gvc.lockin.report",
    "FlagsReport": "gvc.lockin.report",
}

__all__ = [
    "BETWEENNESS_MIN_SHARE",
    "EmbeddednessReport",
    "FLAG_COLUMNS",
    "FlagsReport",
    "KEYS",
    "MEASURES",
    "Measure",
    "NODE_FLAGS",
    "WIDE_MEASURES",
    "betweenness_centrality",
    "centrality_frame",
    "closed_cluster_flags",
    "cluster_metrics",
    "compute_embeddedness",
    "compute_flags",
    "ensure_flags",
    "default_rules",
    "embeddedness_frame",
    "embeddedness_measures",
    "embeddedness_report",
    "ensure_embeddedness",
    "flags_report",
    "flags_rules_used",
    "load_rules",
    "load_rules_file",
    "lockin_flags",
    "node_metrics",
    "node_metrics_frame",
    "rules_toml",
    "va_network",
]

if TYPE_CHECKING:
    from gvc.kernels.betweenness import betweenness_centrality
    from gvc.kernels.embeddedness import va_network
    from gvc.kernels.node_metrics import cluster_metrics, node_metrics
    from gvc.lockin.cluster_rules import closed_cluster_flags
    from gvc.lockin.flag_table import FLAG_COLUMNS, KEYS, NODE_FLAGS
    from gvc.lockin.flags import compute_flags, ensure_flags
    from gvc.lockin.frames import centrality_frame, node_metrics_frame
    from gvc.lockin.measures import BETWEENNESS_MIN_SHARE, MEASURES, WIDE_MEASURES, Measure
    from gvc.lockin.node_rules import lockin_flags
    from gvc.lockin.report import (
        EmbeddednessReport,
        FlagsReport,
        embeddedness_report,
        flags_report,
    )
    from gvc.lockin.rules import default_rules, load_rules, load_rules_file, rules_toml
    from gvc.lockin.steps import compute_embeddedness, embeddedness_measures
    from gvc.lockin.store import embeddedness_frame, ensure_embeddedness, flags_rules_used


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NAMES))
