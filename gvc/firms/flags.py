"""Flags of firm clusters: a small rule engine over the cluster diagnostics.

Each rule (:data:`RULES`) is a list of conditions ``metric op threshold`` on columns of
``firms.cluster_diagnostics``, combined with *all* (or *any*, where its TOML section has a
``combine`` key), and a continuous score in [0, 1] (higher = more of the property).
Thresholds come from ``gvc/firms/defaults.toml`` merged with a user file
(:func:`gvc.firms.rules.load_rules`). Every cluster-year gets one row per enabled rule with
``flagged``, ``score``, ``reasons`` (each comparison written out, e.g.
``anchor_share 0.91 >= 0.5``), ``metrics`` (JSON of the values read) and ``thresholds``
(JSON of the rule's section). A cluster whose metrics are undefined (NaN) for a rule is
``flagged = false`` with no score and says which metric is missing.

Rules (defaults in brackets):

* ``registry_focal``: ``registry_pass_share >= min_pass_share`` [1.0] and
  ``anchor_share >= min_anchor_share`` [0.5] and ``degree_centralisation >=
  min_centralisation`` [0.5] and ``non_anchor_density <= max_non_anchor_density`` [0.1].
  Score: ``(anchor_share + degree_centralisation + 1 - non_anchor_density) / 3``.
* ``closed_national_chain``: ``purchases_domestic_share >= min_domestic_purchase_share``
  [0.9], ``export_share <= max_export_share`` [0.1], ``purchases_inside_share >=
  min_inside_purchase_share`` [0.5], ``intra_sales_share >= min_intra_sales_share`` [0.5].
  Score: the mean of ``purchases_domestic_share, 1 - export_share, purchases_inside_share,
  intra_sales_share``.
* ``scattered``: ``mean_distance_km > max_mean_distance_km`` [100] *any/all*
  ``share_within_radius < min_share_within_radius`` [0.5]. Score: ``1 - share_within_radius``.
* ``below_critical_mass``: ``critical_mass_firms < critical_mass`` [100]. Score:
  ``max(0, 1 - critical_mass_firms / critical_mass)``.
* ``incomplete_triple_helix``: ``strands_linked < required_strands`` [3]. Score:
  ``1 - strands_linked / 3``.

Vectorised over clusters: conditions, scores, reasons and JSON are built column-wise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

FLAG_COLUMNS = (
    "year",
    "cluster_idx",
    "flag",
    "flagged",
    "score",
    "reasons",
    "metrics",
    "thresholds",
)
"""Columns of ``firms.flags`` besides ``network`` and ``computed_at``."""

Arrays = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Condition:
    """``metric op rules[section][threshold]``; ``op`` one of ``>=, <=, >, <``."""

    metric: str
    op: str
    threshold: str


@dataclass(frozen=True)
class FlagRule:
    """A named flag: its conditions, how they combine and its score."""

    name: str
    doc: str
    conditions: tuple[Condition, ...]
    score: Callable[[Arrays, Mapping[str, Any]], np.ndarray]
    combine_key: str | None = None  # section key holding "any" / "all"; None: all


def _mean(*cols: np.ndarray) -> np.ndarray:
    return np.clip(np.mean(np.stack(cols), axis=0), 0.0, 1.0)


RULES: tuple[FlagRule, ...] = (
    FlagRule(
        "registry_focal",
        "registry-compliant but focal: one anchor, few links among the other members",
        (
            Condition("registry_pass_share", ">=", "min_pass_share"),
            Condition("anchor_share", ">=", "min_anchor_share"),
            Condition("degree_centralisation", ">=", "min_centralisation"),
            Condition("non_anchor_density", "<=", "max_non_anchor_density"),
        ),
        lambda m, p: _mean(
            m["anchor_share"], m["degree_centralisation"], 1.0 - m["non_anchor_density"]
        ),
    ),
    FlagRule(
        "closed_national_chain",
        "closed national chain at firm level: inputs and sales domestic and inside the cluster",
        (
            Condition("purchases_domestic_share", ">=", "min_domestic_purchase_share"),
            Condition("export_share", "<=", "max_export_share"),
            Condition("purchases_inside_share", ">=", "min_inside_purchase_share"),
            Condition("intra_sales_share", ">=", "min_intra_sales_share"),
        ),
        lambda m, p: _mean(
            m["purchases_domestic_share"],
            1.0 - m["export_share"],
            m["purchases_inside_share"],
            m["intra_sales_share"],
        ),
    ),
    FlagRule(
        "scattered",
        "scattered: members far from the cluster centre",
        (
            Condition("mean_distance_km", ">", "max_mean_distance_km"),
            Condition("share_within_radius", "<", "min_share_within_radius"),
        ),
        lambda m, p: np.clip(1.0 - m["share_within_radius"], 0.0, 1.0),
        combine_key="combine",
    ),
    FlagRule(
        "below_critical_mass",
        "below critical mass: too few member firms in core and related industries",
        (Condition("critical_mass_firms", "<", "critical_mass"),),
        lambda m, p: np.clip(1.0 - m["critical_mass_firms"] / float(p["critical_mass"]), 0, 1),
    ),
    FlagRule(
        "incomplete_triple_helix",
        "incomplete triple helix: a strand missing or not linked to the others",
        (Condition("strands_linked", "<", "required_strands"),),
        lambda m, p: np.clip(1.0 - m["strands_linked"] / 3.0, 0.0, 1.0),
    ),
)
"""The flag rules, in the order of ``gvc/firms/defaults.toml``."""

_OPS: dict[str, tuple[Callable[[np.ndarray, float], np.ndarray], str]] = {
    ">=": (np.greater_equal, "<"),
    "<=": (np.less_equal, ">"),
    ">": (np.greater, "<="),
    "<": (np.less, ">="),
}


def _fmt(x: np.ndarray) -> np.ndarray:
    return np.char.mod("%.3g", np.asarray(x, dtype=np.float64))


def evaluate_rule(rule: FlagRule, m: Arrays, section: Mapping[str, Any]) -> dict[str, Any]:
    """One rule on every cluster-year: ``flagged``, ``score``, ``reasons``, ``metrics``.

    ``m`` maps metric names to (n,) arrays; ``section`` is the rule's TOML section.

    Examples
    --------
    >>> r = evaluate_rule(RULES[3], {"critical_mass_firms": np.array([99.0, 100.0, np.nan])},
    ...                   {"enabled": True, "critical_mass": 100})
    >>> r["flagged"].tolist(), r["reasons"].tolist()
    ([True, False, False], ['critical_mass_firms 99 < 100', 'critical_mass_firms 100 >= 100', \
'not evaluated: critical_mass_firms undefined'])
    """
    vals = {c.metric: np.asarray(m[c.metric], dtype=np.float64) for c in rule.conditions}
    n = len(next(iter(vals.values())))
    defined = np.ones(n, dtype=bool)
    missing = np.full(n, "", dtype=object)
    held = []
    parts = []
    for c in rule.conditions:  # a rule's few conditions, each vectorised over clusters
        v = vals[c.metric]
        thr = float(section[c.threshold])
        fn, negated = _OPS[c.op]
        ok = np.isfinite(v)
        defined &= ok
        missing = np.where(ok, missing, missing + ", " + c.metric)
        h = ok & fn(np.where(ok, v, 0.0), thr)
        held.append(h)
        shown = np.where(h, c.op, negated)
        parts.append(
            np.char.add(
                np.char.add(f"{c.metric} ", _fmt(v)),
                np.char.add(np.char.add(" ", shown.astype(str)), f" {thr:.3g}"),
            )
        )
    combine = section.get(rule.combine_key, "all") if rule.combine_key else "all"
    stacked = np.stack(held)
    flagged = defined & (stacked.any(axis=0) if combine == "any" else stacked.all(axis=0))
    reasons = parts[0].astype(object)
    for p in parts[1:]:
        reasons = reasons + "; " + p.astype(object)
    not_eval = np.char.add("not evaluated: ", np.char.lstrip(missing.astype(str), ", "))
    reasons = np.where(defined, reasons, np.char.add(not_eval, " undefined").astype(object))
    score = np.where(defined, rule.score({**m, **vals}, section), np.nan)
    metrics = pd.DataFrame(vals).to_json(orient="records", lines=True).splitlines()
    return {"flagged": flagged, "score": score, "reasons": reasons, "metrics": metrics}


def evaluate_flags(diagnostics: Arrays, rules: Mapping[str, Mapping[str, Any]]) -> pa.Table:
    """Every enabled rule on every cluster-year of ``diagnostics`` (:data:`FLAG_COLUMNS`).

    ``diagnostics`` maps column names to (n,) arrays, among them ``year`` and
    ``cluster_idx`` (e.g. :func:`gvc.firms.diagnostics.cluster_diagnostics`).
    """
    import json

    parts = []
    n = len(diagnostics["year"])
    for rule in RULES:  # the five rules, each vectorised over clusters
        section = rules[rule.name]
        if not section.get("enabled", True):
            continue
        r = evaluate_rule(rule, diagnostics, section)
        thr = json.dumps({k: v for k, v in section.items() if k != "enabled"}, sort_keys=True)
        parts.append(
            pa.table(
                {
                    "year": pa.array(np.asarray(diagnostics["year"], dtype=np.int16)),
                    "cluster_idx": pa.array(np.asarray(diagnostics["cluster_idx"], dtype=np.int32)),
                    "flag": pa.array([rule.name] * n, pa.string()),
                    "flagged": pa.array(r["flagged"].astype(bool)),
                    "score": pa.array(r["score"].astype(np.float64), from_pandas=True),
                    "reasons": pa.array(r["reasons"].tolist(), pa.string()),
                    "metrics": pa.array(r["metrics"], pa.string()),
                    "thresholds": pa.array([thr] * n, pa.string()),
                }
            )
        )
    if not parts:
        return pa.table({c: pa.array([], t) for c, t in zip(FLAG_COLUMNS, _TYPES, strict=True)})
    return pa.concat_tables(parts)


_TYPES = (
    pa.int16(),
    pa.int32(),
    pa.string(),
    pa.bool_(),
    pa.float64(),
    pa.string(),
    pa.string(),
    pa.string(),
)
