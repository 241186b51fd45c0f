"""Charts of lock-in flags (matplotlib, Agg backend: no display needed).

* :func:`plot_country`: one point per sector of a country, GVC participation (WWYZ
  ``gvc_backward + gvc_forward``) against the pure-domestic value-added share (``V_D / va``),
  flagged sectors highlighted by flag and labelled.
* :func:`plot_flag_counts`: flagged nodes by flag and year.

Files are written atomically (temporary file, then rename).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

FLAG_STYLE: dict[str, tuple[str, str]] = {
    "closed_national_chain": ("#c0392b", "o"),
    "focal_structure": ("#e67e22", "s"),
    "declining_integration": ("#8e44ad", "v"),
    "closed_cluster": ("#16a085", "D"),
}
"""Colour and marker of each flag."""


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: str | os.PathLike) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
    tmp.replace(p)
    log.info("wrote %s", p)
    return p


def plot_country(
    nodes: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    country: str,
    year: int,
    dataset: str,
    path: str | os.PathLike,
) -> Path:
    """Participation against pure-domestic share for the sectors of one country, one year.

    Parameters
    ----------
    nodes : rows of one country and year with ``sector, pure_domestic_share, gvc_backward,
        gvc_forward``.
    flags : flagged rows ``sector, flag`` of that country and year (may be empty).
    country, year, dataset : for the title.
    path : PNG to write.

    Returns
    -------
    The path written.
    """
    plt = _figure()
    d = nodes.assign(participation=nodes["gvc_backward"] + nodes["gvc_forward"])
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    ax.scatter(
        d["pure_domestic_share"],
        d["participation"],
        s=28,
        c="#95a5a6",
        label="not flagged",
        zorder=2,
    )
    by_sector = flags.groupby("sector")["flag"].apply(list).to_dict() if len(flags) else {}
    seen: set[str] = set()
    for _, r in d.iterrows():
        fl = by_sector.get(r["sector"])
        if not fl:
            continue
        for k, f in enumerate(sorted(fl)):
            colour, marker = FLAG_STYLE.get(f, ("black", "x"))
            ax.scatter(
                r["pure_domestic_share"],
                r["participation"],
                s=90 - 25 * k,
                c=colour,
                marker=marker,
                edgecolors="black",
                linewidths=0.5,
                zorder=3,
                label=None if f in seen else f.replace("_", " "),
            )
            seen.add(f)
        ax.annotate(
            str(r["sector"]),
            (r["pure_domestic_share"], r["participation"]),
            xytext=(5, 4),
            textcoords="offset points",
            fontsize=8,
            zorder=4,
        )
    ax.set_xlabel("pure-domestic share of value added (WWYZ V_D / va)")
    ax.set_ylabel("GVC participation (WWYZ backward + forward)")
    ax.set_title(f"{country} {year} ({dataset}): sectors, lock-in flags highlighted")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8, frameon=False)
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)


def plot_flag_counts(counts: pd.DataFrame, *, dataset: str, path: str | os.PathLike) -> Path:
    """Flagged nodes by flag and year (``counts``: ``year, flag, flagged_nodes``)."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for flag, g in counts.groupby("flag"):
        colour, marker = FLAG_STYLE.get(str(flag), ("black", "x"))
        g = g.sort_values("year")
        ax.plot(
            g["year"],
            g["flagged_nodes"],
            marker=marker,
            color=colour,
            label=str(flag).replace("_", " "),
        )
    ax.set_xlabel("year")
    ax.set_ylabel("flagged country-sectors")
    ax.set_title(f"Lock-in flags by year ({dataset})")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)
