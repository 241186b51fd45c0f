"""Lock-in flags of every node-year of a dataset, from the stored embeddedness (issue 5).

:func:`compute_flags` reads the node metrics of all years (the ``declining_integration`` rule
compares years), applies the node rules (:mod:`gvc.lockin.node_rules`) and the cluster rule
(:mod:`gvc.lockin.cluster_rules`) and writes the result with :func:`gvc.lockin.store.write_flags`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd

from gvc.lockin.cluster_rules import closed_cluster_flags
from gvc.lockin.flag_table import FLAG_COLUMNS
from gvc.lockin.node_rules import lockin_flags
from gvc.lockin.rules import load_rules
from gvc.lockin.store import (
    Progress,
    check_dataset,
    embeddedness_frame,
    ensure_embeddedness,
    write_flags,
)

log = logging.getLogger(__name__)


def compute_flags(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    *,
    rules: str | os.PathLike | Mapping[str, Any] | None = None,
    clusters: str | os.PathLike | Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Lock-in flags of every node-year of ``dataset``, written to the store.

    Computes the missing embeddedness years, reads the node metrics of all years (the
    ``declining_integration`` rule compares years), applies
    :func:`~gvc.lockin.node_rules.lockin_flags` with the packaged defaults merged with
    ``rules`` (a TOML path or a mapping, :func:`~gvc.lockin.rules.load_rules`) and, for every
    cluster of the ``clusters`` table of the dataset (after loading ``clusters``, a CSV/TOML
    path or mapping, into it, :func:`gvc.clusters.store_clusters`),
    :func:`~gvc.lockin.cluster_rules.closed_cluster_flags`. In one transaction the dataset's
    rows of ``facts.lockin_flags`` are replaced and the rules used (as TOML) and the clusters
    are appended to ``lockin_rules`` (:func:`~gvc.lockin.store.write_flags`).

    Returns
    -------
    Frame with :data:`~gvc.lockin.flag_table.FLAG_COLUMNS`.

    Raises
    ------
    SchemaError
        unknown dataset. InputError: bad rules file, bad cluster file or unknown members.
    """
    from gvc.clusters import load_clusters, read_clusters, store_clusters
    from gvc.indicators.inputs import read_iotable
    from gvc.store import list_tables

    check_dataset(con, dataset)
    merged = load_rules(rules)  # bad rules fail before anything is computed
    if clusters is not None:
        spec = clusters if isinstance(clusters, Mapping) else load_clusters(clusters)
        store_clusters(con, dataset, spec)
    ensure_embeddedness(con, dataset, progress=progress)
    if progress:
        progress(f"{dataset} flags: node rules", 0, 3)
    cols = (
        "pure_domestic_share",
        "gvc_backward",
        "gvc_forward",
        "domestic_input_hhi",
        "top_domestic_supplier_share",
        "domestic_input_share",
        "top_domestic_supplier_pos",
    )
    metrics = embeddedness_frame(con, dataset, measures=cols).drop(columns=["node"])
    flags = lockin_flags(metrics, merged)
    members = read_clusters(con, dataset)
    parts = [flags]
    if members and progress:
        progress(f"{dataset} flags: cluster rules", 1, 3)
    if members:
        for _, year in list_tables(con, dataset):
            table = read_iotable(con, dataset, year)
            gb = metrics.loc[metrics["year"] == year].sort_values(["country", "sector"])
            back = _node_order(gb, table)["gvc_backward"].to_numpy()
            parts.append(
                closed_cluster_flags(
                    table, members, dataset=dataset, year=year, rules=merged, gvc_backward=back
                )
            )
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)[FLAG_COLUMNS]
    if progress:
        progress(f"{dataset} flags: write", 2, 3)
    write_flags(con, dataset, out, merged, members)
    if progress:
        progress("done", 3, 3)
    log.info("%s: %d flag rows, %d flagged", dataset, len(out), int(out["flagged"].sum()))
    return out


def _node_order(frame: pd.DataFrame, table: Any) -> pd.DataFrame:
    """Rows of ``frame`` (one year) in the table's node order."""
    c, s = table.node_labels()
    key = pd.DataFrame({"country": c, "sector": s})
    return key.merge(frame, on=["country", "sector"], how="left")


def ensure_flags(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    *,
    rules: str | os.PathLike | Mapping[str, Any] | None = None,
    clusters: str | os.PathLike | Mapping[str, Any] | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> dict[int, int]:
    """The step ``flags`` of ``gvc run`` and pipelines: compute the flags of ``dataset`` unless
    every year's are fresh in the ledger for these rules and clusters.

    ``rules`` None: the rules of the dataset's latest flag computation, else the defaults
    (:func:`~gvc.lockin.store.flags_rules_used`); the clusters are those of the store's
    ``clusters`` table (after storing ``clusters`` when given). Returns rows written per year
    (empty when up to date).
    """
    from gvc.catalog import ledger
    from gvc.clusters import load_clusters, read_clusters, store_clusters
    from gvc.lockin.store import flag_options, flags_rules_used
    from gvc.store import list_tables

    check_dataset(con, dataset)
    if rules is None:
        try:
            merged = flags_rules_used(con, dataset)
        except Exception:  # noqa: BLE001 - no earlier computation: the defaults
            merged = load_rules(None)
    else:
        merged = load_rules(rules)
    if clusters is not None:
        spec = clusters if isinstance(clusters, Mapping) else load_clusters(clusters)
        store_clusters(con, dataset, spec)
    ensure_embeddedness(con, dataset, progress=progress)
    h = ledger.options_hash(flag_options(merged, read_clusters(con, dataset)))
    years = [y for _, y in list_tables(con, dataset)]
    if not force and all(ledger.status(con, dataset, y, "flags", h) == "fresh" for y in years):
        log.info("%s: flags up to date", dataset)
        return {}
    compute_flags(con, dataset, rules=merged)
    return {e.year: e.rows for e in ledger.entries(con, dataset, result="flags")}
