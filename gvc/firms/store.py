"""Every write of the firm-network layer to the store, each call one transaction.

* :func:`write_inputs`: a network's validated staging tables (:mod:`gvc.firms.inputs`) replace
  its input rows (``firms.firms``, ``firms.clusters``, ``firms.memberships``,
  ``firms.transactions``, ``firms.concordance``) and its file records (``firms.inputs``:
  path, sha256, rows).
* :func:`write_results`: cluster diagnostics and flags replace the network's previous ones,
  and a ``firms.runs`` row records what they were computed from: the input files' sha256
  (and their fingerprint, macro ``firm_inputs_fingerprint``), the country x industry tables
  used for embeddedness (``firm_io_fingerprint``), the full rule set as TOML and the gvc
  version. The view ``firm_runs_status`` compares them with the store's current inputs, so a
  re-ingested network or table shows its results as stale.

Tables are created by ``queries/firm_schema.sql``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping, Sequence

import duckdb
import pyarrow as pa

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

    Returns the rows stored per table. Results computed before stay, and show as stale in
    ``firm_runs_status`` until the next run.
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


def write_results(
    con: duckdb.DuckDBPyConnection,
    network: str,
    diagnostics: pa.Table,
    flags: pa.Table,
    *,
    rules_toml: str,
    io_dataset: str | None,
    io_years: Sequence[int],
    computed_at: dt.datetime | None = None,
) -> dt.datetime:
    """Replace the diagnostics and flags of ``network`` and record the run, in one transaction.

    ``diagnostics`` has the columns of ``firms.cluster_diagnostics`` less ``network`` and
    ``computed_at``; ``flags`` those of ``firms.flags`` likewise. Returns the run's timestamp.
    """
    from gvc import __version__

    now = computed_at or now_utc()
    with transaction(con):
        for table, data in (("cluster_diagnostics", diagnostics), ("flags", flags)):
            run_sql(con, f"DELETE FROM firms.{table} WHERE network = ?", [network], obj=table)
            con.register("_gvc_firm_rows", data)
            try:
                cols = ", ".join(f'"{c}"' for c in data.column_names)
                run_sql(
                    con,
                    f"INSERT INTO firms.{table} (network, {cols}, computed_at) "
                    f"SELECT ?, {cols}, ? FROM _gvc_firm_rows",
                    [network, now],
                    obj=f"firms.{table}",
                )
            finally:
                con.unregister("_gvc_firm_rows")
        inputs = dict(
            run_sql(
                con,
                "SELECT kind, sha256 FROM firms.inputs WHERE network = ? ORDER BY kind",
                [network],
            ).fetchall()
        )
        run_sql(
            con,
            "INSERT INTO firms.runs SELECT ?, ?, ?::JSON, "
            "(SELECT fingerprint FROM firm_inputs_fingerprint(?)), ?, ?::JSON, "
            "(SELECT fingerprint FROM firm_io_fingerprint(?, ?)), ?, ?",
            [
                network,
                now,
                json.dumps(inputs, sort_keys=True),
                network,
                io_dataset,
                json.dumps(sorted(int(y) for y in io_years)),
                io_dataset,
                sorted(int(y) for y in io_years),
                rules_toml,
                __version__,
            ],
            obj="firms.runs",
        )
    log.info(
        "network %s: %d diagnostic rows, %d flag rows",
        network,
        diagnostics.num_rows,
        flags.num_rows,
    )
    return now
