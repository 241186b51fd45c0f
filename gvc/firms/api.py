"""The public operations on firm networks; each CLI command calls one of them.

* :func:`ingest_network`: read, validate and store a network's files (one transaction).
* :func:`run_network`: compute the cluster diagnostics and flags of a stored network and store
  them with what they were computed from (one transaction).

Reports and charts: :mod:`gvc.firms.report`; the synthetic demo: :mod:`gvc.firms.demo`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

log = logging.getLogger(__name__)


@dataclass
class IngestSummary:
    """What :func:`ingest_network` stored: rows per table and the files' sha256."""

    network: str
    rows: dict[str, int]
    sha256: dict[str, str]
    seconds: float


@dataclass
class RunSummary:
    """What :func:`run_network` computed."""

    network: str
    years: list[int]
    clusters: int
    flagged: dict[str, int]
    io_dataset: str | None
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def ingest_network(
    *,
    db: str | os.PathLike | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    network: str,
    firms: str | os.PathLike,
    members: str | os.PathLike,
    transactions: str | os.PathLike,
    concordance: str | os.PathLike | None = None,
    year: int | None = None,
) -> IngestSummary:
    """Validate a network's files and store them under ``network`` (replacing it).

    Parameters
    ----------
    db / con : the store (path, or an open connection).
    network : name of the network in the store.
    firms, members, transactions, concordance : files (:mod:`gvc.firms.inputs`).
    year : year of transactions whose file has no ``year`` column.

    Raises
    ------
    InputError
        the first problem in the files, naming file and row; nothing is stored.
    """
    from gvc.errors import QueryError
    from gvc.firms.inputs import drop_staging, stage_inputs
    from gvc.firms.links import check_links, explain_links
    from gvc.firms.store import write_inputs

    t0 = time.perf_counter()
    with _connection(db, con) as c:
        try:
            staged = stage_inputs(
                c,
                firms=firms,
                members=members,
                transactions=transactions,
                concordance=concordance,
                year=year,
            )
            links, firm_file = staged["transactions"], staged["firms"]
            try:
                rows = write_inputs(
                    c,
                    network,
                    staged,
                    before_commit=lambda: check_links(c, network, links, firm_file),
                )
            except QueryError as exc:
                if isinstance(exc.__cause__, duckdb.ConstraintException):
                    explain_links(c, links, firm_file)  # raises InputError naming the row
                raise
        finally:
            drop_staging(c)
    return IngestSummary(
        network, rows, {k: s.sha256 for k, s in staged.items()}, time.perf_counter() - t0
    )


def run_network(
    *,
    db: str | os.PathLike | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    network: str,
    dataset: str | None = None,
    rules: str | os.PathLike | Mapping[str, Any] | None = None,
) -> RunSummary:
    """Compute and store the diagnostics and flags of every cluster-year of ``network``.

    With ``dataset`` (a country x industry table in the store) the clusters also inherit the
    embeddedness of their firms' nodes (:mod:`gvc.firms.embed`; the steps ``embeddedness``
    and ``participation`` are computed first for the table years that lack them).

    Raises
    ------
    SchemaError
        unknown network or dataset. InputError: bad rules.
    """
    from gvc.firms.diagnostics import diagnostics_table
    from gvc.firms.embed import inherited_measures
    from gvc.firms.flags import evaluate_flags
    from gvc.firms.network import load_network
    from gvc.firms.rules import load_rules
    from gvc.firms.store import write_results

    merged = load_rules(rules)  # bad rules fail before anything is read
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    with _connection(db, con) as c:
        a = load_network(c, network)
        timings["read"] = time.perf_counter() - t0
        emb, io_year = None, None
        if dataset is not None:
            t = time.perf_counter()
            emb, io_year = inherited_measures(c, a, dataset)
            timings["embeddedness"] = time.perf_counter() - t
        t = time.perf_counter()
        params = merged["diagnostics"]
        table = diagnostics_table(
            c, a, params, embeddedness=emb, io_dataset=dataset, io_year=io_year
        )
        timings["diagnostics"] = time.perf_counter() - t
        t = time.perf_counter()
        flags = evaluate_flags(_columns(table), merged)
        timings["flags"] = time.perf_counter() - t
        t = time.perf_counter()
        write_results(
            c,
            network,
            table,
            flags,
            rules=merged,
            io_dataset=dataset,
            io_years=sorted({int(y) for y in io_year}) if io_year is not None else [],
        )
        timings["write"] = time.perf_counter() - t
    f = flags.select(["flag", "flagged"]).to_pandas()
    counts = f.groupby("flag", sort=False)["flagged"].sum().astype(int).to_dict()
    return RunSummary(
        network,
        [int(y) for y in a.years],
        len(a.cluster_labels),
        counts,
        dataset,
        time.perf_counter() - t0,
        timings,
    )


def _columns(table: pa.Table) -> dict[str, Any]:
    """Numeric columns of the diagnostics table as float arrays (NULL -> NaN) for the rules."""
    import numpy as np

    out: dict[str, Any] = {}
    for name in table.column_names:
        col = table[name]
        if pa.types.is_string(col.type) or pa.types.is_null(col.type):
            continue
        out[name] = np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64)
    return out


class _connection:
    """Use ``con`` if given, else open (and close) the store at ``db``."""

    def __init__(self, db: str | os.PathLike | None, con: duckdb.DuckDBPyConnection | None):
        self.db, self.con, self.own = db, con, con is None

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            from gvc.catalog import connect

            self.con = connect(self.db)
        return self.con

    def __exit__(self, *exc: object) -> None:
        if self.own and self.con is not None:
            self.con.close()
