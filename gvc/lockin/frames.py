"""Node metrics and centralities of an :class:`~gvc.table.IOTable` as labelled pandas frames.

The adapters between the array kernels (:mod:`gvc.kernels.node_metrics`,
:mod:`gvc.kernels.network`, :mod:`gvc.kernels.betweenness`) and the rules, which read frames
keyed by ``dataset, year, country, sector``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from gvc.kernels.betweenness import betweenness_centrality
from gvc.kernels.network import SCOPES, centralities
from gvc.kernels.node_metrics import node_metrics
from gvc.table import IOTable


def node_metrics_frame(
    table: IOTable, *, dataset: str, year: int, B: np.ndarray | None = None
) -> pd.DataFrame:
    """:func:`node_metrics` of an :class:`~gvc.table.IOTable` as a long frame.

    Columns ``dataset, year, country, sector`` and one column per metric;
    ``top_domestic_supplier`` holds the supplier's sector label (None when there is none).
    """
    m = node_metrics(table.Z, table.Y, table.x, table.va, table.G, table.N, B=B)
    countries, sectors = table.node_labels()
    sec = np.array(table.sectors, dtype=object)
    idx = m.pop("top_domestic_supplier")
    top = np.where(idx >= 0, sec[np.maximum(idx, 0)], None)
    frame = pd.DataFrame(
        {"dataset": dataset, "year": int(year), "country": countries, "sector": sectors}
    )
    for k, val in m.items():
        frame[k] = val
    frame["top_domestic_supplier"] = top
    return frame


def centrality_frame(
    table: IOTable,
    *,
    dataset: str,
    year: int,
    betweenness_min_share: float | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Node centralities of the intermediate-flow graph ``W = Z`` (seller -> buyer) as a frame.

    Columns ``dataset, year, country, sector`` and ``<measure>_<scope>`` from
    :func:`gvc.kernels.network.centralities` (keyword arguments are passed on); with
    ``betweenness_min_share`` set, also ``betweenness_<scope>`` from
    :func:`betweenness_centrality` (``neglog_share`` lengths, edges below that sales share
    dropped). Join it to :func:`node_metrics_frame` on the four keys to give the rules more
    metrics (Criscuolo & Timmis 2018: foreign vs domestic centrality).
    """
    res = centralities(table.Z, table.G, table.N, **kwargs)
    countries, sectors = table.node_labels()
    out = pd.DataFrame(
        {"dataset": dataset, "year": int(year), "country": countries, "sector": sectors}
    )
    for key, val in res.items():
        out[key] = val
    if betweenness_min_share is not None:
        for scope in kwargs.get("scopes", SCOPES):
            out[f"betweenness_{scope}"] = betweenness_centrality(
                table.Z, table.G, table.N, scope=scope, min_share=betweenness_min_share
            )
    return out
