"""Every write of the firm-network layer to the store, each call one transaction.

* :func:`write_inputs`: a network's validated staging tables (:mod:`gvc.firms.inputs`) replace
  its input rows (``firms.firms``, ``firms.clusters``, ``firms.memberships``,
  ``firms.transactions``, ``firms.concordance``) and its file records (``firms.inputs``:
  path, sha256, rows).
* :func:`write_results`: cluster diagnostics and flags replace the network's previous ones
  as ONE entry of the results ledger (:mod:`gvc.catalog.ledger`; dataset
  ``firms:<network>``, year 0, result ``firm_clusters``, kind ``firms``, scope ``{"network":
  name}``), which records what they were computed from: the fingerprint of the input files
  (macro ``firm_inputs_fingerprint``) as the input identity, the full rule set and the
  country x industry tables used for embeddedness as options (and those tables as
  dependencies), the gvc version. Re-ingesting the network (:func:`write_inputs`) or replacing
  one of those tables deletes the results in the same transaction; the view
  ``firm_runs_status`` reads the ledger.

Tables are created by ``queries/firm_schema.sql``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from gvc.catalog import ledger
from gvc.firms.inputs import STAGE, Staged
from gvc.store import run_sql, transaction

log = logging.getLogger(__name__)

_TABLES = ("firms", "clusters", "memberships", "concordance", "inputs")
"""Input tables keyed by the network name; ``firms.transactions`` is keyed by its id."""


def now_utc() -> dt.datetime:
    """The timestamp stored with inputs and results (UTC, naive)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def write_inputs(
    con: duckdb.DuckDBPyConnection,
    network: str,
    staged: Mapping[str, Staged],
    *,
    before_commit: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Replace the inputs of ``network`` by the staged files, in one transaction.

    The transactions are read from their file by the insert itself (one pass); the table's
    constraints reject unknown firms (NULL ids), self-loops and negative or non-finite values
    with a :class:`~gvc.errors.QueryError`. ``before_commit`` runs inside the transaction
    after the inserts (the checks across rows); an exception from it rolls everything back.

    Returns the rows stored per table. Results computed from the network's former inputs are
    deleted in the same transaction (nothing is served from old inputs).
    """
    now = now_utc()
    f, m = (STAGE.format(k) for k in ("firms", "members"))
    with transaction(con):
        run_sql(
            con,
            "INSERT INTO firms.networks SELECT ?, coalesce(max(network_id) + 1, 0) "
            "FROM firms.networks ON CONFLICT DO NOTHING",
            [network],
            obj="firms.networks",
        )
        nid = run_sql(
            con, "SELECT network_id FROM firms.networks WHERE network = ?", [network]
        ).fetchall()[0][0]
        ledger.remove_result(con, ledger_dataset(network), 0, RESULT)
        for table in _TABLES:
            run_sql(con, f"DELETE FROM firms.{table} WHERE network = ?", [network], obj=table)
        run_sql(
            con, "DELETE FROM firms.transactions WHERE network_id = ?", [nid], obj="transactions"
        )
        run_sql(
            con,
            "INSERT INTO firms.firms SELECT ?, i.firm_idx, i.label, f.year, "
            "coalesce(f.type, 'firm'), f.country, f.region, f.lat, f.lon, f.classification, "
            "f.industry, f.sales, f.employment, f.exports, f.imports, f.source_row "
            f"FROM {f} f JOIN _gvc_firm_ids i ON i.id = f.firm",
            [network],
            obj="firms.firms",
        )
        run_sql(
            con,
            "INSERT INTO firms.clusters SELECT ?, (row_number() OVER (ORDER BY first) - 1)::INT, "
            f"cluster FROM (SELECT cluster, min(source_row) AS first FROM {m} GROUP BY cluster)",
            [network],
            obj="firms.clusters",
        )
        run_sql(
            con,
            "INSERT INTO firms.memberships SELECT ?, c.cluster_idx, m.firm_idx, m.year, "
            f"m.source_row FROM {m} m JOIN firms.clusters c ON c.network = ? "
            "AND c.cluster = m.cluster",
            [network, network],
            obj="firms.memberships",
        )
        links = staged["transactions"]
        run_sql(
            con,
            f"INSERT INTO firms.transactions SELECT ?, year, supplier, buyer, value FROM "
            f"({links.select})",
            [nid, *links.params],
            obj="firms.transactions",
        )
        if "concordance" in staged:
            run_sql(
                con,
                "INSERT INTO firms.concordance SELECT ?, classification, industry, sector "
                f"FROM {STAGE.format('concordance')} ORDER BY source_row",
                [network],
                obj="firms.concordance",
            )
        if before_commit is not None:
            before_commit()
        n_links = run_sql(
            con, "SELECT count(*) FROM firms.transactions WHERE network_id = ?", [nid]
        ).fetchall()[0][0]
        for kind, s in staged.items():
            run_sql(
                con,
                "INSERT INTO firms.inputs VALUES (?, ?, ?, ?, ?, ?)",
                [network, kind, str(s.path), s.sha256, s.rows if s.rows >= 0 else n_links, now],
                obj="firms.inputs",
            )
        counts = {
            table: int(
                run_sql(
                    con, f"SELECT count(*) FROM firms.{table} WHERE network = ?", [network]
                ).fetchall()[0][0]
            )
            for table in _TABLES
        }
        counts["transactions"] = int(n_links)
    log.info("network %s: stored %s", network, counts)
    return counts


RESULT = "firm_clusters"
"""The ledger result of a network's diagnostics and flags."""


def ledger_dataset(network: str) -> str:
    """The ledger's dataset key of a firm network (``firms:<network>``)."""
    return f"firms:{network}"


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, network: str) -> str | None:
    """The current fingerprint of the network's input files (None without inputs)."""
    row = run_sql(
        con, "SELECT fingerprint FROM firm_inputs_fingerprint(?)", [network], obj="firms.inputs"
    ).fetchall()
    return str(row[0][0]) if row and row[0][0] is not None else None


def write_results(
    con: duckdb.DuckDBPyConnection,
    network: str,
    diagnostics: pa.Table,
    flags: pa.Table,
    *,
    rules: Mapping[str, Any],
    io_dataset: str | None,
    io_years: Sequence[int],
    seconds: float | None = None,
    computed_at: dt.datetime | None = None,
) -> dt.datetime:
    """Replace the diagnostics and flags of ``network``, recorded in the results ledger, in
    one transaction.

    ``diagnostics`` has the columns of ``firms.cluster_diagnostics`` less ``network`` and
    ``computed_at``; ``flags`` those of ``firms.flags`` likewise. Returns the run's timestamp.
    """
    now = computed_at or now_utc()
    years = sorted(int(y) for y in io_years)
    with transaction(con):
        fingerprint = inputs_fingerprint(con, network)
        if fingerprint is None:
            from gvc.errors import SchemaError

            raise SchemaError(f"firm network {network!r} has no inputs; run 'gvc firms ingest'")
        tables = {
            "firms.cluster_diagnostics": _with(diagnostics, network, now),
            "firms.flags": _with(flags, network, now),
        }
        inputs = dict(
            run_sql(
                con,
                "SELECT kind, sha256 FROM firms.inputs WHERE network = ? ORDER BY kind",
                [network],
            ).fetchall()
        )
        ledger.write_result(
            con,
            ledger_dataset(network),
            0,
            result=RESULT,
            kind="firms",
            tables=tables,
            options={
                "rules": {k: dict(v) for k, v in rules.items()},
                "inputs": inputs,
                "io_dataset": io_dataset,
                "io_years": years,
            },
            scope={"network": network},
            depends_on_tables=[(io_dataset, y) for y in years] if io_dataset else None,
            seconds=seconds,
            producer="firms",
            input_sha256=fingerprint,
        )
    log.info(
        "network %s: %d diagnostic rows, %d flag rows",
        network,
        diagnostics.num_rows,
        flags.num_rows,
    )
    return now


def _with(data: pa.Table, network: str, now: dt.datetime) -> pa.Table:
    n = data.num_rows
    return data.append_column("network", pa.array([network] * n, pa.string())).append_column(
        "computed_at", pa.array([now] * n, pa.timestamp("us"))
    )


def require_fresh(con: duckdb.DuckDBPyConnection, network: str) -> None:
    """Raise :class:`~gvc.errors.SchemaError` unless the network's results are current
    (computed from its present inputs, by this gvc version)."""
    ledger.require_fresh(
        con,
        ledger_dataset(network),
        [0],
        RESULT,
        None,
        f"run 'gvc firms run --network {network}'",
        current_input=inputs_fingerprint(con, network) or "",
    )
