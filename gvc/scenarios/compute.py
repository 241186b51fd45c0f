"""Compute a scenario for one table: points, units on an executor, result frames.

The baseline is the model solution of the same code path: ``x0 = B y`` (``B`` the table's one
Leontief inverse, cached in :class:`~gvc.indicators.derived.Derived`), or for the Ghosh
variants ``x0' = va' (I - A^G)^-1``; a scenario adds the change ``dx`` computed by the kernels
(:mod:`gvc.kernels.rank_update` and the scenario kernels), so a scenario that changes nothing
has deltas of exactly 0. Scenario value added is ``v # x1`` with the baseline value-added
coefficients ``v`` (Los, Timmer & de Vries 2016, eq. 1). Every result row has ``baseline``,
``scenario_value`` and ``delta = scenario_value - baseline`` (a loss is negative).

A grid's points are split into units run by an executor of :mod:`gvc.pipeline.executors`
(``local``: one unit in this process, so one inverse; ``local:N`` / ``dask``: one unit per
worker, each carrying the table and its inverse).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gvc.errors import GVCError, InputError
from gvc.indicators.derived import Derived
from gvc.kernels.extraction import extraction_change, ghosh_forward_extraction
from gvc.kernels.rank_update import LeontiefChange, leontief_update
from gvc.kernels.shocks import bloc_change, demand_shock_change, mixed_model, primary_input_shock
from gvc.scenarios.definitions import ScenarioDef
from gvc.scenarios.targets import Cluster, clusters_of

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

STORE_NODES_MAX_POINTS = 100
"""Grids with more points store node rows only when ``store_nodes = true``."""
NODE_FLAGS_MAX_POINTS = 20
"""Node lock-in flags (a full table per point) only up to this many points unless asked."""


@dataclass(frozen=True)
class Point:
    """One scenario of a definition: a target cluster and/or a theta / change value."""

    label: str
    cluster: Cluster | None
    value: float | None


@dataclass
class YearResult:
    """Result frames of one (scenario, year); every frame has a ``point`` column."""

    nodes: pd.DataFrame
    countries: pd.DataFrame
    clusters: pd.DataFrame
    flags: pd.DataFrame
    points: pd.DataFrame
    sda: pd.DataFrame | None = None
    notes: dict[str, Any] = field(default_factory=dict)


NODE_COLUMNS = ["point", "node", "measure", "baseline", "scenario_value", "delta"]
COUNTRY_COLUMNS = ["point", "country", "measure", "baseline", "scenario_value", "delta"]
CLUSTER_COLUMNS = ["point", "cluster", "measure", "baseline", "scenario_value", "delta"]
FLAG_COLUMNS = [
    "point",
    "cluster",
    "country",
    "sector",
    "flag",
    "baseline_flagged",
    "scenario_flagged",
    "baseline_score",
    "scenario_score",
    "scenario_reasons",
]
POINT_COLUMNS = ["point", "cluster", "value", "model", "method", "rank", "details"]


def points_of(d: ScenarioDef, countries: Sequence[str], sectors: Sequence[str]) -> list[Point]:
    """The grid points of ``d`` (clusters x values), labelled as in the definitions docstring."""
    if d.kind in ("bloc", "sda"):
        return [Point("", None, None)]
    clusters = clusters_of(d, countries, sectors)
    values: Sequence[float | None] = d.values or (None,)
    many_c, many_v = len(clusters) > 1, len(values) > 1
    out = []
    for cl in clusters:
        for val in values:
            label = (cl.label if many_c else "") + (f"@{val:g}" if many_v else "")
            out.append(Point(label, cl, val))
    return out


def members_mask(cluster: Cluster, countries: Sequence[str], sectors: Sequence[str]) -> np.ndarray:
    """(n,) bool mask of a cluster's nodes (a member with sector None = the whole country)."""
    G, N = len(countries), len(sectors)
    cpos = {c: i for i, c in enumerate(countries)}
    spos = {s: i for i, s in enumerate(sectors)}
    mask = np.zeros(G * N, dtype=bool)
    for c, s in cluster.members:
        if s is None:
            mask[cpos[c] * N : (cpos[c] + 1) * N] = True
        else:
            mask[cpos[c] * N + spos[s]] = True
    return mask


def _positions(labels: Sequence[str] | None, known: Sequence[str]) -> np.ndarray | None:
    if labels is None:
        return None
    pos = {c: i for i, c in enumerate(known)}
    return np.array([pos[x] for x in labels], dtype=np.intp)


# ----------------------------------------------------------------------------------- frames


def level_frames(
    d: Derived,
    labels: Sequence[str],
    x0: np.ndarray,
    dX: np.ndarray,
    *,
    dY: np.ndarray | None = None,
    store_nodes: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and country rows of outputs and value added for P points.

    ``x0`` (n,) baseline outputs, ``dX`` (P, n) changes; value added is ``v # x`` at the
    baseline coefficients. ``dY`` (P, n) adds ``final_demand`` rows (total final demand of
    each node's products, ``y = Y 1``). Country rows are sums over the country's nodes; every
    delta is scenario minus baseline of the value stored.
    """
    t = d.table
    G, N, n = t.G, t.N, t.n
    P = dX.shape[0]
    v = d.v
    X1 = x0[None, :] + dX
    levels = {"output": (np.broadcast_to(x0, (P, n)), X1)}
    levels["value_added"] = (np.broadcast_to(v * x0, (P, n)), v[None, :] * X1)
    if dY is not None:
        y0 = d.Y.sum(axis=1)
        levels["final_demand"] = (np.broadcast_to(y0, (P, n)), y0[None, :] + dY)
    pts = np.asarray(labels, dtype=object)
    node_parts, country_parts = [], []
    countries = np.array(t.countries, dtype=object)
    for measure, (b, s) in levels.items():
        if store_nodes:
            node_parts.append(
                pd.DataFrame(
                    {
                        "point": np.repeat(pts, n),
                        "node": np.tile(np.arange(n, dtype=np.int32), P),
                        "measure": measure,
                        "baseline": b.ravel(),
                        "scenario_value": s.ravel(),
                        "delta": (s - b).ravel(),
                    }
                )
            )
        bc = b.reshape(P, G, N).sum(axis=2)
        sc = s.reshape(P, G, N).sum(axis=2)
        country_parts.append(
            pd.DataFrame(
                {
                    "point": np.repeat(pts, G),
                    "country": np.tile(countries, P),
                    "measure": measure,
                    "baseline": bc.ravel(),
                    "scenario_value": sc.ravel(),
                    "delta": (sc - bc).ravel(),
                }
            )
        )
    nodes = pd.concat(node_parts, ignore_index=True) if node_parts else _empty(NODE_COLUMNS)
    return nodes, pd.concat(country_parts, ignore_index=True)


def _empty(cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def _points_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    for r in rows:
        r["details"] = json.dumps(r.get("details") or {}, sort_keys=True, default=_json_default)
    return pd.DataFrame(rows, columns=POINT_COLUMNS)


def _json_default(o: Any) -> Any:
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(type(o).__name__)


def _finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


# ------------------------------------------------------------------------------ the kinds


def compute_points(d: ScenarioDef, derived: Derived, points: Sequence[Point]) -> YearResult:
    """Compute ``points`` of ``d`` (not ``sda``) on one table: the unit an executor runs."""
    if d.kind == "import_substitution":
        from gvc.scenarios.compute_substitution import substitution_points

        return substitution_points(d, derived, points)
    t = derived.table
    G, N, n = t.G, t.N, t.n
    A, B, Y = derived.A, derived.B, derived.Y
    x0_leontief = B @ Y.sum(axis=1)
    rows: list[dict[str, Any]] = []
    dX = np.zeros((len(points), n))
    dYs = np.zeros((len(points), n))
    any_dy = False
    x0 = x0_leontief
    for i, p in enumerate(points):
        model = "leontief"
        details: dict[str, Any] = {}
        change: LeontiefChange | None = None
        if d.kind == "extraction":
            mask = members_mask(p.cluster, t.countries, t.sectors)  # type: ignore[arg-type]
            variant = d.params["variant"]
            details["members"] = int(mask.sum())
            if variant == "forward_ghosh":
                model = "ghosh"
                x0, dx = ghosh_forward_extraction(A, B, t.x, t.va, mask)
                rows.append(_row(p, model, "smw", int(mask.sum()), details))
                dX[i] = dx
                continue
            change = extraction_change(
                A,
                Y,
                mask,
                variant,
                G,
                N,
                final_exports=d.params["final_exports"],
                final_imports=d.params["final_imports"],
            )
        elif d.kind == "demand_shock":
            mask = members_mask(p.cluster, t.countries, t.sectors)  # type: ignore[arg-type]
            dest = _positions(d.params.get("destinations"), t.countries)
            change = demand_shock_change(Y, mask, float(p.value), dest)  # type: ignore[arg-type]
        elif d.kind == "primary_input_shock":
            mask = members_mask(p.cluster, t.countries, t.sectors)  # type: ignore[arg-type]
            model = "ghosh"
            x0, dx = primary_input_shock(B, t.x, t.va, mask, float(p.value))  # type: ignore[arg-type]
            details["value_added_shock"] = float(p.value * t.va[mask].sum())  # type: ignore[operator]
            rows.append(_row(p, model, "direct", 0, details))
            dX[i] = dx
            continue
        elif d.kind == "mixed":
            mask = members_mask(p.cluster, t.countries, t.sectors)  # type: ignore[arg-type]
            model = "mixed"
            dx, dy = mixed_model(B, x0_leontief, mask, float(p.value))  # type: ignore[arg-type]
            dX[i], dYs[i] = dx, dy
            any_dy = True
            details["final_demand_change_of_fixed"] = float(dy.sum())
            rows.append(_row(p, model, "direct", int(mask.sum()), details))
            continue
        elif d.kind == "bloc":
            a = _positions(d.params["bloc_a"], t.countries)
            b_lab = d.params["bloc_b"] or [c for c in t.countries if c not in d.params["bloc_a"]]
            b = _positions(b_lab, t.countries)
            change = bloc_change(
                A,
                Y,
                t.x,
                G,
                N,
                a,  # type: ignore[arg-type]
                b,  # type: ignore[arg-type]
                final_trade=d.params["final_trade"],
                resource_at_home=d.params["resource_at_home"],
            )
            details.update(change.notes)
        else:  # pragma: no cover - parse() rejects unknown kinds
            raise InputError(f"unknown scenario kind {d.kind!r}")
        res = leontief_update(A, B, x0_leontief, change)
        dX[i] = res.dx
        if np.any(change.dy != 0):
            dYs[i] = change.dy
            any_dy = True
        rows.append(_row(p, model, res.method, res.rank, details))
    labels = [p.label for p in points]
    store_nodes = d.params.get("store_nodes", len(points) <= STORE_NODES_MAX_POINTS)
    nodes, countries = level_frames(
        derived, labels, x0, dX, dY=dYs if any_dy else None, store_nodes=store_nodes
    )
    return YearResult(
        nodes, countries, _empty(CLUSTER_COLUMNS), _empty(FLAG_COLUMNS), _points_frame(rows)
    )


def _row(p: Point, model: str, method: str, rank: int, details: dict[str, Any]) -> dict:
    return {
        "point": p.label,
        "cluster": p.cluster.label if p.cluster else None,
        "value": p.value,
        "model": model,
        "method": method,
        "rank": rank,
        "details": details,
    }


# ------------------------------------------------------------------------ units, executors


def run_unit(d: ScenarioDef, derived: Derived, points: Sequence[Point]) -> YearResult:
    """What one executor task runs (a top-level function, so process pools can pickle it)."""
    return compute_points(d, derived, points)


def compute_year(
    d: ScenarioDef,
    derived: Derived,
    *,
    executor: str = "local",
    progress: Progress | None = None,
) -> YearResult:
    """All points of ``d`` on one table, split into units on ``executor``.

    ``local`` runs one unit (every point batched together, the table's one inverse);
    ``local:N`` and ``dask[:...]`` split the points into as many units as workers, each
    carrying the table and its already computed inverse.

    Raises
    ------
    InputError
        unknown labels in the definition, a bad executor spec.
    GVCError
        whatever a unit raised (re-raised as is).
    """
    from gvc.pipeline.executors import make_executor

    if d.kind == "sda":
        raise InputError("sda needs two years: use compute_sda")
    t = derived.table
    pts = points_of(d, t.countries, t.sectors)
    _ = derived.B  # computed once here, shipped with every unit
    ex = make_executor(executor)
    try:
        chunks = _chunks(pts, max(1, min(ex.max_in_flight, len(pts))))
        handles = {ex.submit(run_unit, d, derived, c): i for i, c in enumerate(chunks)}
        parts: dict[int, YearResult] = {}
        pending = list(handles)
        while pending:
            for h, res in ex.wait_any(pending):
                pending.remove(h)
                if isinstance(res, BaseException):
                    if isinstance(res, GVCError):
                        raise res
                    raise GVCError(f"scenario {d.name!r}: a unit failed: {res!r}") from res
                parts[handles[h]] = res
                if progress:
                    progress(d.name, len(parts), len(chunks))
    finally:
        ex.close()
    ordered = [parts[i] for i in range(len(chunks))]
    return concat_results(ordered)


def _chunks(pts: list[Point], k: int) -> list[list[Point]]:
    size = math.ceil(len(pts) / k)
    return [pts[i : i + size] for i in range(0, len(pts), size)]


def concat_results(parts: Sequence[YearResult]) -> YearResult:
    """One result from the results of several units (points are disjoint)."""

    def cat(frames: list[pd.DataFrame]) -> pd.DataFrame:
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else _empty([])

    out = YearResult(
        cat([p.nodes for p in parts]) if parts else _empty(NODE_COLUMNS),
        cat([p.countries for p in parts]),
        cat([p.clusters for p in parts]),
        cat([p.flags for p in parts]),
        cat([p.points for p in parts]),
    )
    for frame, cols in (
        ("nodes", NODE_COLUMNS),
        ("countries", COUNTRY_COLUMNS),
        ("clusters", CLUSTER_COLUMNS),
        ("flags", FLAG_COLUMNS),
        ("points", POINT_COLUMNS),
    ):
        if getattr(out, frame).empty:
            setattr(out, frame, _empty(cols))
    return out
