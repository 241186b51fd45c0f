"""Figures (matplotlib, Agg backend): top paths of a value chain on a world frame, and years.

Only drawing lives here; the numbers come from :func:`gvc.chains.reporting.report`. The map
is a plain longitude/latitude (equirectangular) frame: Natural Earth country centroids as grey
points, the table's countries as labelled points, and every cross-border leg of a path as a
great-circle arc (points interpolated along the great circle by spherical linear
interpolation), line width proportional to the path's value. Domestic stages have no arc:
a path that never leaves one country is a ring around that country's point.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gvc.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from gvc.chains.reporting import ChainReport

log = logging.getLogger(__name__)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def great_circle(
    lon1: float, lat1: float, lon2: float, lat2: float, n: int = 64
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points along the shorter great-circle arc, with NaN breaks at the date line.

    Spherical linear interpolation ``p(t) = (sin((1-t) w) p1 + sin(t w) p2) / sin w`` of the
    unit vectors ``p1, p2`` (angle ``w``); a segment whose longitude jumps by more than 180
    degrees is split by a NaN so the line does not cross the whole map.

    Examples
    --------
    >>> lon, lat = great_circle(0.0, 0.0, 90.0, 0.0, n=3)
    >>> np.round(lon, 6).tolist(), np.round(lat, 6).tolist()
    ([0.0, 45.0, 90.0], [0.0, 0.0, 0.0])
    """

    def vec(lon: float, lat: float) -> np.ndarray:
        la, ph = np.radians(lon), np.radians(lat)
        return np.array([np.cos(ph) * np.cos(la), np.cos(ph) * np.sin(la), np.sin(ph)])

    p1, p2 = vec(lon1, lat1), vec(lon2, lat2)
    w = float(np.arccos(np.clip(p1 @ p2, -1.0, 1.0)))
    t = np.linspace(0.0, 1.0, n)[:, None]
    if w < 1e-9:
        pts = np.repeat(p1[None], n, axis=0)
    else:
        pts = (np.sin((1 - t) * w) * p1 + np.sin(t * w) * p2) / np.sin(w)
    lon = np.degrees(np.arctan2(pts[:, 1], pts[:, 0]))
    lat = np.degrees(np.arcsin(np.clip(pts[:, 2], -1.0, 1.0)))
    jumps = np.flatnonzero(np.abs(np.diff(lon)) > 180.0)
    if len(jumps):
        lon = np.insert(lon, jumps + 1, np.nan)
        lat = np.insert(lat, jumps + 1, np.nan)
    return lon, lat


def draw_paths_map(ax, rep: ChainReport, year: int, top: int = 10) -> None:
    """Draw the ``top`` paths of ``year`` on ``ax`` (see the module docstring)."""
    paths = rep.paths[(rep.paths["year"] == year) & (rep.paths["rank"] <= top)]
    pts = rep.points.set_index("country")
    ax.scatter(rep.world["lon"], rep.world["lat"], s=4, color="0.82", zorder=1, linewidths=0)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 85)
    ax.set_aspect("equal")
    ax.set_xticks(range(-180, 181, 60))
    ax.set_yticks(range(-60, 91, 30))
    ax.grid(color="0.92", lw=0.6)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    if paths.empty or pts.empty:
        ax.text(0, 0, "no paths (or no coordinates)", ha="center")
        return
    vmax = float(paths["value"].max())
    colors = _pyplot().get_cmap("tab10")
    used: set[str] = set()
    for i, r in enumerate(paths.itertuples(index=False)):
        col = colors(i % 10)
        lw = 0.8 + 6.0 * r.value / vmax
        stops: list[str] = []  # consecutive distinct countries along the path
        for c in [*r.countries, r.destination]:
            if not stops or stops[-1] != c:
                stops.append(c)
        used.update(stops)
        label = f"{r.rank}. {100 * r.share:.1f} %  {r.path}"
        if len(stops) == 1:
            p = pts.loc[stops[0]]
            ax.scatter(
                p.lon,
                p.lat,
                s=60 + 500 * r.value / vmax,
                facecolors="none",
                edgecolors=[col],
                linewidths=1.5,
                zorder=3,
                label=label,
            )
            continue
        for k, (a, b) in enumerate(zip(stops[:-1], stops[1:], strict=True)):
            pa, pb = pts.loc[a], pts.loc[b]
            lon, lat = great_circle(pa.lon, pa.lat, pb.lon, pb.lat)
            final = k == len(stops) - 2 and r.countries[-1] != r.destination
            ax.plot(
                lon,
                lat,
                color=col,
                lw=lw,
                alpha=0.8,
                solid_capstyle="round",
                zorder=2,
                ls=(0, (4, 2)) if final else "-",
                label=label if k == 0 else None,
            )
        o = pts.loc[stops[0]]
        ax.scatter(o.lon, o.lat, s=18, color=col, zorder=4)
    sel = pts.loc[sorted(used)]
    ax.scatter(sel["lon"], sel["lat"], s=14, color="k", zorder=5)
    for c, p in sel.iterrows():
        ax.annotate(
            c, (p.lon, p.lat), xytext=(3, 3), textcoords="offset points", fontsize=8, zorder=6
        )
    leg = ax.legend(
        loc="lower left",
        fontsize=7,
        frameon=True,
        framealpha=0.9,
        title="path: value-added share  (dashed: final sale)",
        title_fontsize=7,
    )
    for h in leg.legend_handles:  # rings keep their path's colour, not their map size
        if hasattr(h, "set_sizes"):
            h.set_sizes([40])


def draw_years(axes, rep: ChainReport) -> None:
    """Three panels over the years: border crossings (mean, +- sd), km, countries."""
    t = rep.totals
    yr = t["year"].to_numpy()
    ax1, ax2, ax3 = axes
    sd = np.sqrt(np.clip(t["crossings_var"].to_numpy(dtype=float), 0, None))
    m = t["crossings_mean"].to_numpy(dtype=float)
    ax1.plot(yr, m, "o-", color="C0", ms=3, label="mean")
    ax1.fill_between(
        yr, np.clip(m - sd, 0, None), m + sd, color="C0", alpha=0.15, label="mean +- sd"
    )
    ax1.plot(yr, t["returns_mean"], "s-", color="C3", ms=3, label="returns home")
    ax1.set_title("border crossings per unit of value added", fontsize=9)
    ax1.legend(fontsize=7)
    ax2.plot(yr, t["km_mean"] / 1000.0, "o-", color="C2", ms=3)
    ax2.set_title("thousand km travelled across borders", fontsize=9)
    ax3.plot(yr, t["countries_effective"], "o-", color="C1", ms=3, label="effective (exp entropy)")
    ax3.plot(yr, t["countries_visited_mean"], "^-", color="C4", ms=3, label="visited (mean)")
    ax3.set_title("countries", fontsize=9)
    ax3.legend(fontsize=7)
    for ax in axes:
        ax.grid(color="0.9", lw=0.6)
        ax.set_xlabel("year")
        ax.set_ylim(bottom=0)


def plot_chain(
    rep: ChainReport,
    path: str | os.PathLike,
    *,
    year: int | None = None,
    kind: str = "both",
    top: int = 10,
) -> Path:
    """Save the chain's figure to ``path`` (format from the suffix), atomically.

    ``kind``: ``map`` (top paths of ``year``, default the latest), ``years`` (crossings, km and
    countries over the years) or ``both`` (map above, years below).
    """
    plt = _pyplot()
    out = Path(path)
    py = int(rep.totals["year"].max()) if year is None else year
    title = f"{rep.spec.name} ({rep.spec.dataset}): {rep.spec.describe()}"
    if kind == "map":
        fig, ax = plt.subplots(figsize=(12, 6.2))
        draw_paths_map(ax, rep, py, top)
        ax.set_title(f"{title}\ntop {top} structural paths, {py}", fontsize=10)
    elif kind == "years":
        fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
        draw_years(axes, rep)
        fig.suptitle(title, fontsize=10)
    else:
        fig = plt.figure(figsize=(13, 10))
        gs = fig.add_gridspec(2, 3, height_ratios=[2.2, 1.0])
        ax = fig.add_subplot(gs[0, :])
        draw_paths_map(ax, rep, py, top)
        ax.set_title(f"top {top} structural paths, {py}", fontsize=10)
        draw_years([fig.add_subplot(gs[1, k]) for k in range(3)], rep)
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    tmp = out.with_name(f".{out.stem}.tmp{out.suffix}")
    try:
        fig.savefig(tmp, dpi=110)
    finally:
        plt.close(fig)
    os.replace(tmp, out)
    log.info("wrote %s", out)
    return out


def plot(
    rep: ChainReport, path: str | os.PathLike, *, year: int | None = None, kind: str = "both"
) -> Path:
    """Write the chain's picture (PNG/SVG/PDF by suffix); see :func:`plot_chain`.

    Raises
    ------
    InputError
        ``kind`` is not ``both``, ``map`` or ``years``.
    """
    if kind not in {"both", "map", "years"}:
        raise InputError(f"unknown plot kind {kind!r}; use both, map or years")
    return plot_chain(rep, path, year=year, kind=kind)
