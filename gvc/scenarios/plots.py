"""Charts of scenario results (matplotlib, Agg backend; files written atomically).

* :func:`plot_gains_losses`: value-added change by country of one scenario point, the largest
  gains and losses as horizontal bars (gains green, losses red), the rest summed in one bar;
  for import substitution the home country is marked.
* :func:`plot_sda`: the four structural-decomposition terms of the change in value added by
  origin country (stacked bars, the total change as a dot).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.scenarios.reporting import ScenarioReport, gains_losses

log = logging.getLogger(__name__)

GAIN, LOSS, REST = "#2e8b57", "#c0392b", "#95a5a6"
FACTOR_COLOURS = {
    "va_coefficients": "#8e44ad",
    "technology": "#2980b9",
    "fd_structure": "#e67e22",
    "fd_level": "#27ae60",
}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: str | os.PathLike) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fmt = p.suffix.lstrip(".").lower() or "png"
    tmp = p.with_name(p.name + ".tmp")
    fig.savefig(tmp, dpi=110, bbox_inches="tight", format=fmt)
    tmp.replace(p)
    log.info("wrote %s", p)
    return p


def plot_report(
    rep: ScenarioReport, path: str | os.PathLike, *, point: str | None = None, top: int = 12
) -> Path:
    """:func:`plot_sda` for an sda report, else :func:`plot_gains_losses`."""
    if rep.definition.kind == "sda":
        return plot_sda(rep, path, top=top)
    return plot_gains_losses(rep, path, point=point, top=top)


def plot_gains_losses(
    rep: ScenarioReport, path: str | os.PathLike, *, point: str | None = None, top: int = 12
) -> Path:
    """Bars of the value-added change by country (``top`` gains and ``top`` losses)."""
    pts = list(rep.points["point"])
    p = point if point is not None else (pts[0] if pts else "")
    if p not in pts:
        raise InputError(f"scenario {rep.definition.name!r} has no point {p!r}")
    gl = gains_losses(rep, p)
    row = rep.points[rep.points["point"] == p].iloc[0]
    det = json.loads(row["details"]) if isinstance(row["details"], str) else {}
    home = det.get("country")
    gains = gl[gl["delta"] > 0].head(top)
    losses = gl[gl["delta"] < 0].tail(top)
    rest = gl.drop(gains.index.union(losses.index))
    bars = pd.concat([gains, losses])
    labels = list(bars["country"])
    values = list(bars["delta"])
    colours = [GAIN if v > 0 else LOSS for v in values]
    if len(rest) and rest["delta"].abs().sum() > 0:
        labels.append(f"{len(rest)} others")
        values.append(float(rest["delta"].sum()))
        colours.append(REST)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(labels) + 1.6))
    ypos = np.arange(len(labels))[::-1]
    ax.barh(ypos, values, color=colours)
    ax.set_yticks(ypos, [f"{c} (home)" if c == home else c for c in labels])
    ax.axvline(0, color="black", lw=0.8)
    span = max(abs(v) for v in values) if values else 1.0
    for y, v in zip(ypos, values, strict=True):
        ax.text(
            v + (0.01 if v >= 0 else -0.01) * span,
            y,
            f"{v:,.0f}",
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=8,
        )
    lo, hi = min(0.0, *values), max(0.0, *values)
    ax.set_xlim(lo - (0.22 * span if lo < 0 else 0.04 * span), hi + 0.22 * span)
    _thousands(ax)
    d = rep.definition
    what = f" {p}" if p else ""
    ax.set_title(f"{d.name}{what}: change in value added by country, {d.dataset} {rep.year}")
    world = round(float(gl["delta"].sum())) or 0  # no "-0"
    ax.set_xlabel(f"scenario minus baseline, {rep_unit(rep)}; world change {world:,.0f}")
    return _save(fig, path)


def plot_sda(rep: ScenarioReport, path: str | os.PathLike, *, top: int = 12) -> Path:
    """Stacked bars of the four SDA terms of the change in value added, by origin country."""
    s = rep.sda
    terms = list(FACTOR_COLOURS)
    va = s[s["measure"] == "va_flows"]
    if va.empty:
        raise InputError("this SDA scenario has no va_flows measure to plot")
    by = va.groupby("country")[["delta", *terms]].sum()
    by = by.reindex(by["delta"].abs().sort_values(ascending=False).index).head(top)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 0.36 * len(by) + 1.8))
    ypos = np.arange(len(by))[::-1]
    pos_left = np.zeros(len(by))
    neg_left = np.zeros(len(by))
    for t in terms:
        v = by[t].to_numpy()
        left = np.where(v >= 0, pos_left, neg_left)
        ax.barh(ypos, v, left=left, color=FACTOR_COLOURS[t], label=t.replace("_", " "))
        pos_left += np.where(v >= 0, v, 0)
        neg_left += np.where(v < 0, v, 0)
    ax.plot(by["delta"].to_numpy(), ypos, "kD", ms=4, label="total change")
    ax.set_yticks(ypos, list(by.index))
    ax.axvline(0, color="black", lw=0.8)
    d = rep.definition
    ax.set_title(
        f"{d.name}: change in value added by origin, {rep.base_year}-{rep.year} "
        f"({d.params['method']}, level {d.params['level']})"
    )
    ax.set_xlabel(f"change, {rep_unit(rep)}")
    _thousands(ax)
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, path)


def _thousands(ax) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def rep_unit(rep: ScenarioReport) -> str:
    """The table's unit for axis labels ("table units" when the store does not say)."""
    return getattr(rep, "unit", None) or "table units"
