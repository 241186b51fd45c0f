"""Import-substitution points: batched outputs, the cluster after the change, lock-in flags.

For a chunk of points (clusters x theta) of an ``import_substitution`` definition: the unit
change of every cluster (:func:`gvc.kernels.substitution.substitution_change`), the outputs of
all points by one product ``B D`` (:func:`gvc.kernels.rank_update.column_update_grid`, clusters
of the same size batched together), and the cluster's embeddedness after the change
(:func:`gvc.kernels.cluster_update.cluster_metrics_after`) for ``theta = 0`` (the baseline,
by the same code path) and every theta. Lock-in flags:

* ``closed_cluster`` for every point, with the rule of :func:`gvc.lockin.closed_cluster_flags`
  (``intra_cluster_sales_share >= min_intra_cluster_share``, ``export_share <=
  max_export_share``, the backward metric ``<= max_backward``; score
  ``intra * (1 - max(export_share, backward))``) on the cluster measures before and after;
* the node flags ``closed_national_chain`` and ``focal_structure`` of the cluster's members
  (:func:`gvc.lockin.lockin_flags`: percentiles across countries, so every node's metrics of
  the changed table are needed) when ``node_flags`` (default: grids of at most
  :data:`~gvc.scenarios.compute.NODE_FLAGS_MAX_POINTS` points): the changed table is built
  with its inverse ``B1 = B + theta B D (I - theta M)^-1 B[J, :]`` (no new factorisation) and
  :func:`gvc.lockin.node_metrics_frame` runs on it.

Rules are the packaged defaults (``gvc/lockin_defaults.toml``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from gvc.indicators.derived import Derived
from gvc.kernels.cluster_update import CLUSTER_MEASURES, baseline, cluster_metrics_after
from gvc.kernels.leontief import domestic_blocks
from gvc.kernels.rank_update import column_update_grid
from gvc.kernels.substitution import substitution_change
from gvc.scenarios.compute import (
    CLUSTER_COLUMNS,
    FLAG_COLUMNS,
    NODE_FLAGS_MAX_POINTS,
    STORE_NODES_MAX_POINTS,
    Point,
    YearResult,
    _empty,
    _finite,
    _points_frame,
    level_frames,
)
from gvc.scenarios.definitions import ScenarioDef
from gvc.scenarios.targets import Cluster
from gvc.table import IOTable

NODE_FLAGS = ("closed_national_chain", "focal_structure")


def _cluster_positions(cl: Cluster, t: IOTable) -> tuple[int, np.ndarray]:
    cpos = {c: i for i, c in enumerate(t.countries)}
    spos = {s: i for i, s in enumerate(t.sectors)}
    country = cpos[cl.members[0][0]]
    if any(s is None for _, s in cl.members):
        return country, np.arange(t.N)
    return country, np.array([spos[s] for _, s in cl.members], dtype=np.intp)  # type: ignore[index]


def substitution_points(d: ScenarioDef, derived: Derived, points: Sequence[Point]) -> YearResult:
    """Compute the import-substitution ``points`` of ``d`` on one table (module docstring)."""
    t = derived.table
    G, N, n = t.G, t.N, t.n
    A, B, Y = derived.A, derived.B, derived.Y
    x0 = B @ Y.sum(axis=1)
    cpos = {c: i for i, c in enumerate(t.countries)}
    spos = {s: i for i, s in enumerate(t.sectors)}
    origins = _pos(d.params.get("origins"), cpos)
    products = _pos(d.params.get("products"), spos)
    final = d.params["final_imports"]

    clusters = list(dict.fromkeys(p.cluster for p in points))  # type: ignore[misc]
    thetas: np.ndarray = np.array(
        [0.0] + sorted({float(p.value) for p in points})  # type: ignore[arg-type]
    )
    tpos = {th: i for i, th in enumerate(thetas)}
    subs = {}
    for cl in clusters:
        country, secs = _cluster_positions(cl, t)  # type: ignore[arg-type]
        subs[cl] = substitution_change(
            A,
            Y,
            t.x,  # the table says which home industries exist (x > 0)
            G,
            N,
            country,
            secs,
            origins=origins,
            products=products,
            final_imports=final,
        )
    base = baseline(A, B, derived.L, domestic_blocks(A, G, N), derived.v, Y, x0, G, N)
    # per cluster: dx (T, n), cluster measures (T,) each, and the update pieces
    dx_of: dict[Any, np.ndarray] = {}
    cm_of: dict[Any, dict[str, np.ndarray]] = {}
    pieces: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
    by_k: dict[int, list[Any]] = {}
    for cl in clusters:
        by_k.setdefault(subs[cl].cols.size, []).append(cl)
    for group in by_k.values():
        cols = np.stack([subs[c].cols for c in group])
        D = np.stack([subs[c].D for c in group])
        dy = np.stack([subs[c].dy for c in group]) if final else None
        dx, parts = column_update_grid(B, x0, cols, D, thetas, dy=dy)
        countries = np.array([subs[c].country for c in group])
        _, cm = cluster_metrics_after(base, countries, cols, D, thetas, dx, parts, dY=dy)
        for s, c in enumerate(group):
            dx_of[c] = dx[s]
            cm_of[c] = {m: cm[m][s] for m in CLUSTER_MEASURES}
            pieces[c] = (parts["BD"][:, s, :], parts["M"][s])

    P = len(points)
    dX = np.zeros((P, n))
    dYs = np.zeros((P, n)) if final else None
    cluster_rows, rows, flag_parts = [], [], []
    rules = _rules()
    want_flags = d.params.get("node_flags", P <= NODE_FLAGS_MAX_POINTS)
    base_flags = _node_flags(derived, d, np.zeros(n), None, Y) if want_flags else None
    for i, p in enumerate(points):
        cl, th = p.cluster, float(p.value)  # type: ignore[arg-type]
        sub = subs[cl]
        ti = tpos[th]
        dX[i] = dx_of[cl][ti]
        if dYs is not None:
            dYs[i] = th * sub.dy
        cm = cm_of[cl]
        for m in CLUSTER_MEASURES:
            before, after = float(cm[m][0]), float(cm[m][ti])
            cluster_rows.append((p.label, cl.label, m, before, after, after - before))  # type: ignore[union-attr]
        flag_parts.append(_closed_cluster_row(p, cl, t.countries[sub.country], cm, ti, rules))
        if base_flags is not None:
            BD, M = pieces[cl]
            J = sub.cols
            k = J.size
            B1 = B + th * BD @ np.linalg.solve(np.eye(k) - th * M, B[J, :])
            A1 = A.copy()
            A1[:, J] += th * sub.D
            Y1 = Y.copy()
            Y1[:, sub.country] += th * sub.dy
            scen = _node_flags(derived, d, dX[i], (A1, B1), Y1)
            flag_parts.append(_merge_node_flags(p, cl, base_flags, scen, t, J))
        details = {
            "country": t.countries[sub.country],
            "sectors": [t.sectors[j % N] for j in sub.cols],
            "moved_inputs": th * float(sub.moved_inputs.sum()),
            "not_substituted_inputs": th * float(sub.left_inputs.sum()),
            "not_substituted_inputs_by_product": {
                t.sectors[q]: th * float(v) for q, v in enumerate(sub.left_inputs) if v
            },
        }
        if final:
            details["moved_final"] = th * float(sub.moved_final.sum())
            details["not_substituted_final"] = th * float(sub.left_final.sum())
        rows.append(
            {
                "point": p.label,
                "cluster": cl.label,  # type: ignore[union-attr]
                "value": th,
                "model": "leontief",
                "method": "smw",
                "rank": int(sub.cols.size),
                "details": details,
            }
        )
    labels = [p.label for p in points]
    store_nodes = d.params.get("store_nodes", P <= STORE_NODES_MAX_POINTS)
    nodes, countries = level_frames(derived, labels, x0, dX, dY=dYs, store_nodes=store_nodes)
    clusters_df = pd.DataFrame(cluster_rows, columns=CLUSTER_COLUMNS)
    flags = pd.concat(flag_parts, ignore_index=True) if flag_parts else _empty(FLAG_COLUMNS)
    return YearResult(nodes, countries, clusters_df, flags[FLAG_COLUMNS], _points_frame(rows))


def _pos(labels: list[str] | None, pos: dict[str, int]) -> np.ndarray | None:
    return None if labels is None else np.array([pos[x] for x in labels], dtype=np.intp)


def _rules() -> dict[str, Any]:
    from gvc.lockin import default_rules

    return default_rules()


def closed_cluster_verdict(
    intra: float, export: float, backward: float, p: dict[str, Any]
) -> tuple[bool, float, str]:
    """``(flagged, score, reasons)`` of the ``closed_cluster`` rule (as
    :func:`gvc.lockin.closed_cluster_flags`) on a cluster's measures."""
    flagged = bool(
        intra >= p["min_intra_cluster_share"]
        and export <= p["max_export_share"]
        and backward <= p["max_backward"]
    )
    vals = [intra, export, backward]
    score = (
        math.nan
        if any(math.isnan(v) for v in vals)
        else float(np.clip(intra * (1 - max(export, backward)), 0.0, 1.0))
    )
    reasons = "; ".join(
        [
            f"intra_cluster_sales_share {intra:.3g} "
            f"{'>=' if intra >= p['min_intra_cluster_share'] else '<'} "
            f"{p['min_intra_cluster_share']:.3g}",
            f"export_share {export:.3g} {'<=' if export <= p['max_export_share'] else '>'} "
            f"{p['max_export_share']:.3g}",
            f"{p['backward_metric']} {backward:.3g} "
            f"{'<=' if backward <= p['max_backward'] else '>'} {p['max_backward']:.3g}",
        ]
    )
    return flagged, score, reasons


def _closed_cluster_row(
    p: Point, cl: Any, country: str, cm: dict[str, np.ndarray], ti: int, rules: dict[str, Any]
) -> pd.DataFrame:
    pc = rules["closed_cluster"]
    back = pc["backward_metric"]
    out = []
    for t in (0, ti):
        out.append(
            closed_cluster_verdict(
                float(cm["intra_cluster_sales_share"][t]),
                float(cm["export_share"][t]),
                float(cm[back][t]),
                pc,
            )
        )
    (bf, bs, _), (sf, ss, sr) = out
    return pd.DataFrame(
        [
            {
                "point": p.label,
                "cluster": cl.label,
                "country": country,
                "sector": None,
                "flag": "closed_cluster",
                "baseline_flagged": bf,
                "scenario_flagged": sf,
                "baseline_score": _finite(bs),
                "scenario_score": _finite(ss),
                "scenario_reasons": sr,
            }
        ]
    )


def _node_flags(
    derived: Derived,
    d: ScenarioDef,
    dx: np.ndarray,
    changed: tuple[np.ndarray, np.ndarray] | None,
    Y1: np.ndarray,
) -> pd.DataFrame:
    """Node flags of the model table ``(A1 x1-hat, Y1, x1, v # x1)``, ``x1 = x0 + dx``."""
    from gvc.lockin import lockin_flags, node_metrics_frame

    t = derived.table
    A1, B1 = changed if changed is not None else (derived.A, derived.B)
    x1 = derived.B @ derived.Y.sum(axis=1) + dx
    table = IOTable(t.countries, t.sectors, ("total",), A1 * x1[None, :], Y1, x1, derived.v * x1)
    metrics = node_metrics_frame(table, dataset=d.dataset, year=0, B=B1)
    return lockin_flags(metrics, _rules(), flags=NODE_FLAGS)


def _merge_node_flags(
    p: Point, cl: Any, base: pd.DataFrame, scen: pd.DataFrame, t: IOTable, J: np.ndarray
) -> pd.DataFrame:
    keys = ["country", "sector", "flag"]
    members = pd.DataFrame(
        {"country": [t.countries[j // t.N] for j in J], "sector": [t.sectors[j % t.N] for j in J]}
    )
    b = members.merge(base, on=["country", "sector"])[keys + ["flagged", "score"]]
    s = members.merge(scen, on=["country", "sector"])[keys + ["flagged", "score", "reasons"]]
    m = b.merge(s, on=keys, suffixes=("_b", "_s"))
    return pd.DataFrame(
        {
            "point": p.label,
            "cluster": cl.label,
            "country": m["country"],
            "sector": m["sector"],
            "flag": m["flag"],
            "baseline_flagged": m["flagged_b"].astype(bool),
            "scenario_flagged": m["flagged_s"].astype(bool),
            "baseline_score": m["score_b"].astype(float),
            "scenario_score": m["score_s"].astype(float),
            "scenario_reasons": m["reasons"],
        }
    )
