"""The cluster lock-in rule: user-defined clusters that trade mostly inside themselves.

:func:`closed_cluster_flags` computes :func:`gvc.kernels.node_metrics.cluster_metrics` for every
cluster (a named set of country-sector nodes, :mod:`gvc.clusters`) and applies the
``closed_cluster`` rule of ``gvc/lockin/defaults.toml``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.kernels.blocks import total_exports
from gvc.kernels.node_metrics import cluster_metrics, node_metrics
from gvc.lockin.flag_table import FLAG_COLUMNS, cmp, to_json
from gvc.lockin.rules import default_rules, load_rules
from gvc.table import IOTable


def closed_cluster_flags(
    table: IOTable,
    clusters: Mapping[str, Iterable[tuple[str, str]]],
    *,
    dataset: str,
    year: int,
    rules: Mapping[str, Any] | None = None,
    B: np.ndarray | None = None,
    gvc_backward: np.ndarray | None = None,
) -> pd.DataFrame:
    """Flag user-defined clusters that trade mostly inside themselves with weak links abroad.

    A cluster is flagged ``closed_cluster`` when ``intra_cluster_sales_share >=
    min_intra_cluster_share`` (the "cluster registry" criterion of issue 5) and
    ``export_share <= max_export_share`` and its ``backward_metric`` (``gvc_backward`` or
    ``foreign_input_share``, :func:`cluster_metrics`) ``<= max_backward``. Score:
    ``intra_cluster_sales_share * (1 - max(export_share, backward))``, in [0, 1], higher =
    more closed.

    Parameters
    ----------
    table : the table of ``dataset, year``.
    clusters : ``name -> [(country, sector), ...]`` member labels.
    dataset, year : labels written to the output.
    rules : nested rules (merged onto the defaults).
    B : optional precomputed global inverse, reused for ``gvc_backward``.
    gvc_backward : optional (n,) node backward participation already computed
        (:func:`node_metrics`), used instead of computing it again.

    Returns
    -------
    Frame with :data:`FLAG_COLUMNS`: one row per cluster member (same verdict for all
    members), ``cluster`` = the cluster name.

    Raises
    ------
    InputError
        unknown member labels or an empty cluster.
    """
    r = load_rules(overrides=rules) if rules is not None else default_rules()
    p = r["closed_cluster"]
    if not p["enabled"]:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    G, N = table.G, table.N
    Y = table.Y
    exports = total_exports(table.Z, Y, G, N)
    gb = gvc_backward
    if p["backward_metric"] == "gvc_backward" and gb is None:
        gb = node_metrics(table.Z, Y, table.x, table.va, G, N, B=B, exports=exports)["gvc_backward"]
    cpos = {s: i for i, s in enumerate(table.countries)}
    spos = {s: i for i, s in enumerate(table.sectors)}
    rows = []
    for name, members in clusters.items():
        mask = np.zeros(G * N, dtype=bool)
        labels = list(members)
        for country, sector in labels:
            if country not in cpos or sector not in spos:
                raise InputError(f"cluster {name!r}: unknown node {country}/{sector}")
            mask[cpos[country] * N + spos[sector]] = True
        if not mask.any():
            raise InputError(f"cluster {name!r} has no members")
        cm = cluster_metrics(table.Z, table.x, table.va, exports, mask, G=G, N=N, gvc_backward=gb)
        intra, exp, back = (
            cm["intra_cluster_sales_share"],
            cm["export_share"],
            cm[p["backward_metric"]],
        )
        flagged = bool(
            intra >= p["min_intra_cluster_share"]
            and exp <= p["max_export_share"]
            and back <= p["max_backward"]
        )
        vals = [intra, exp, back]
        score = (
            math.nan
            if any(math.isnan(v) for v in vals)
            else float(np.clip(intra * (1 - max(exp, back)), 0.0, 1.0))
        )
        reasons = "; ".join(
            [
                cmp("intra_cluster_sales_share", intra, True, p["min_intra_cluster_share"], None),
                cmp("export_share", exp, False, p["max_export_share"], None),
                cmp(p["backward_metric"], back, False, p["max_backward"], None),
            ]
        )
        metrics_json = to_json(cm)
        thr_json = to_json({k: v for k, v in p.items() if k != "enabled"})
        for i in np.flatnonzero(mask):
            rows.append(
                {
                    "dataset": dataset,
                    "year": int(year),
                    "country": table.countries[i // N],
                    "sector": table.sectors[i % N],
                    "cluster": name,
                    "flag": "closed_cluster",
                    "flagged": flagged,
                    "score": score,
                    "reasons": reasons,
                    "metrics": metrics_json,
                    "thresholds": thr_json,
                }
            )
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)
