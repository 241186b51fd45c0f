"""The flag table every lock-in rule returns: its columns, and the helpers that build its rows.

A flag row says which node (or cluster member) a rule looked at, whether it is flagged, a score,
a readable ``reasons`` string (``"name 0.93 >= p80 (0.81)"``: the operator shows whether the
condition holds) and the metric values and thresholds behind the verdict as JSON objects.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from gvc.errors import InputError

KEYS = ["dataset", "year", "country", "sector"]
FLAG_COLUMNS = [
    "dataset",
    "year",
    "country",
    "sector",
    "cluster",
    "flag",
    "flagged",
    "score",
    "reasons",
    "metrics",
    "thresholds",
]
"""Columns of every flag table: one row per node (or cluster member) and flag. ``cluster`` is
the cluster name for ``closed_cluster`` rows and None otherwise; ``metrics`` and ``thresholds``
are JSON objects (NaN written as null)."""

NODE_FLAGS = ("closed_national_chain", "focal_structure", "declining_integration")


def check_frame(df: pd.DataFrame, cols: Iterable[str], what: str) -> None:
    """Raise :class:`InputError` naming the ``cols`` that ``df`` lacks."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(f"{what} lacks columns {missing}")


def pct(q: float) -> str:
    """A percentile for a reason string: ``80.0 -> "80"``."""
    return f"{q:g}"


def cmp(name: str, value: float, high: bool, thr: float, label: str | None) -> str:
    """``"name 0.93 >= p80 (0.81)"``; the operator shows whether the condition holds."""
    if pd.isna(value) or pd.isna(thr):
        return f"{name} {value:.3g} (no threshold)" if pd.notna(value) else f"{name} missing"
    if high:
        op = ">=" if value >= thr else "<"
    else:
        op = "<=" if value <= thr else ">"
    t = f"{label} ({thr:.3g})" if label else f"{thr:.3g}"
    return f"{name} {value:.3g} {op} {t}"


def num(v: Any) -> float | None:
    """``v`` as a float, None for NaN (JSON null)."""
    f = float(v)
    return None if math.isnan(f) else f


def to_json(d: Mapping[str, Any]) -> str:
    """``d`` as a JSON object with sorted keys, NaN written as null."""
    clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}
    return json.dumps(clean, sort_keys=True)


def flag_rows(
    df: pd.DataFrame,
    flag: str,
    flagged: pd.Series,
    score: pd.Series,
    reasons: list[str],
    metric_cols: list[str],
    thresholds: list[dict[str, Any]],
) -> pd.DataFrame:
    """Rows of :data:`FLAG_COLUMNS` for one node rule: one per row of ``df`` (``cluster`` None),
    the ``metric_cols`` of ``df`` and the ``thresholds`` as JSON."""
    vals = df[metric_cols].astype(float).to_numpy()
    metrics_json = [to_json(dict(zip(metric_cols, map(float, row), strict=True))) for row in vals]
    return pd.DataFrame(
        {
            "dataset": df["dataset"].to_numpy(),
            "year": df["year"].to_numpy(),
            "country": df["country"].to_numpy(),
            "sector": df["sector"].to_numpy(),
            "cluster": None,
            "flag": flag,
            "flagged": flagged.fillna(False).astype(bool).to_numpy(),
            "score": score.astype(float).to_numpy(),
            "reasons": reasons,
            "metrics": metrics_json,
            "thresholds": [to_json(t) for t in thresholds],
        }
    )
