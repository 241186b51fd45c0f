"""The store's schema: base tables, the results ledger, every step's fact tables, the SQL objects.

Physical layout (one DuckDB file, default ``gvc.duckdb``; ``GVC_DB`` or ``--db`` to change):

* ``main.gvc_meta``: schema and gvc version of the file;
* ``main.tables``: provenance, one row per ingested ``(dataset, year)``, with the input's
  identity ``table_sha256`` (:func:`gvc.catalog.tables.table_identity`);
* ``main.countries``, ``main.sectors``, ``main.fd_categories``, ``main.nodes``: dimensions
  per dataset, with array positions (node ``= country_pos * N + sector_pos``);
* ``facts.*``: long columnar fact tables keyed by ``dataset, year`` and integer node ids
  (inputs ``intermediate``, ``final_demand``, ``node_values``; every result table);
* ``main.ledger``: one row per stored result (:mod:`gvc.catalog.ledger`);
* the views, macros and audits of ``queries/`` (labelled, what economists query).

:func:`setup` is what :func:`gvc.catalog.connect` hands to :func:`gvc.store.connect`: on a
writable connection it creates what is missing (idempotent) and migrates an older store; on a
read-only one it checks the file is a gvc store of this schema version.
"""

from __future__ import annotations

import logging

import duckdb

from gvc.errors import SchemaError
from gvc.store import fetch_one, run_sql, transaction

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""2: results ledger and input identity (gvc 0.3); 1: ``results_log`` (gvc 0.1-0.2)."""

INPUT_FACTS = ("intermediate", "final_demand", "node_values")
"""The fact tables that hold a table's inputs (everything else in ``facts`` is a result)."""

BASE_DDL = [
    "CREATE SCHEMA IF NOT EXISTS facts",
    """CREATE TABLE IF NOT EXISTS gvc_meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS tables (
        dataset VARCHAR NOT NULL,
        year SMALLINT NOT NULL,
        source VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        edition VARCHAR,
        file_sha256 VARCHAR NOT NULL,
        unit VARCHAR,
        value_added_definition VARCHAR NOT NULL,
        output_definition VARCHAR NOT NULL,
        harmonisation JSON,
        warnings JSON,
        n_countries INTEGER NOT NULL,
        n_sectors INTEGER NOT NULL,
        n_fd_categories INTEGER NOT NULL,
        gvc_version VARCHAR NOT NULL,
        ingested_at TIMESTAMP NOT NULL,
        PRIMARY KEY (dataset, year))""",
    "ALTER TABLE tables ADD COLUMN IF NOT EXISTS table_sha256 VARCHAR",
    "ALTER TABLE tables ADD COLUMN IF NOT EXISTS options JSON",
    # units (issue 19): the unit as the file gave it and the factor that scaled it to the
    # stored ``unit`` (e.g. USD thousand -> USD million: 0.001); NULL for older stores' tables
    "ALTER TABLE tables ADD COLUMN IF NOT EXISTS unit_as_published VARCHAR",
    "ALTER TABLE tables ADD COLUMN IF NOT EXISTS unit_factor DOUBLE",
    """CREATE TABLE IF NOT EXISTS countries (
        dataset VARCHAR NOT NULL, country VARCHAR NOT NULL, position INTEGER NOT NULL,
        name VARCHAR, PRIMARY KEY (dataset, country))""",
    """CREATE TABLE IF NOT EXISTS sectors (
        dataset VARCHAR NOT NULL, sector VARCHAR NOT NULL, position INTEGER NOT NULL,
        name VARCHAR, PRIMARY KEY (dataset, sector))""",
    """CREATE TABLE IF NOT EXISTS fd_categories (
        dataset VARCHAR NOT NULL, category VARCHAR NOT NULL, position INTEGER NOT NULL,
        name VARCHAR, PRIMARY KEY (dataset, category))""",
    """CREATE TABLE IF NOT EXISTS nodes (
        dataset VARCHAR NOT NULL, node INTEGER NOT NULL, country VARCHAR NOT NULL,
        sector VARCHAR NOT NULL, country_pos INTEGER NOT NULL, sector_pos INTEGER NOT NULL,
        PRIMARY KEY (dataset, node))""",
    """CREATE TABLE IF NOT EXISTS facts.intermediate (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, row_node INTEGER NOT NULL,
        col_node INTEGER NOT NULL, value DOUBLE NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS facts.final_demand (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, row_node INTEGER NOT NULL,
        col_country_pos INTEGER NOT NULL, category_pos INTEGER NOT NULL, value DOUBLE NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS facts.node_values (
        dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL,
        output DOUBLE NOT NULL, value_added DOUBLE NOT NULL)""",
]

LEDGER_DDL = """CREATE TABLE IF NOT EXISTS ledger (
    dataset VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    result VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    tables VARCHAR[] NOT NULL,
    scope JSON,
    input_sha256 VARCHAR NOT NULL,
    depends_on_years SMALLINT[] NOT NULL,
    options_hash VARCHAR NOT NULL,
    options JSON,
    gvc_version VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    seconds DOUBLE,
    producer VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, year, result))"""

LEDGER_ALTER = "ALTER TABLE ledger ADD COLUMN IF NOT EXISTS depends_on_tables VARCHAR[]"

_COMMENTS = {
    "tables.table_sha256": "identity of the harmonised input: sha256 of the file's sha256, the "
    "harmonisation options and the declared unit; every result in the ledger names it",
    "tables.options": "harmonisation options the table was read with (JSON)",
    "tables.unit_as_published": "unit the file stated (in gvc's spelling; the file's own words "
    "are in tables.harmonisation) or that was declared with --unit",
    "tables.unit_factor": "factor that scaled the published values to tables.unit",
    "ledger.result": "result name: a step (core, wwz, ...), chain:<name>, flags, ...",
    "ledger.kind": "step (computed from one table), chain, flags (from stored results), ...",
    "ledger.tables": "the fact tables holding this result's rows (facts.<name>)",
    "ledger.scope": "extra key columns that pick this result's rows in those tables, e.g. "
    '{"chain": "ict_usa"}; NULL: all rows of (dataset, year)',
    "ledger.input_sha256": "tables.table_sha256 of the input it was computed from",
    "ledger.depends_on_years": "years of the dataset whose input it used (replacing one of "
    "them deletes this result in the same transaction)",
    "ledger.depends_on_tables": "dataset/year input tables of other datasets it read "
    "(replacing one of them deletes this result)",
    "ledger.options_hash": "sha256 of the options or definition it was computed with",
    "ledger.options": "those options or that definition (JSON)",
    "ledger.gvc_version": "gvc version that computed it (another version recomputes it)",
    "ledger.rows": "rows written, all its tables together",
    "ledger.seconds": "compute time of the result (not counting the write)",
    "ledger.producer": "what wrote it: run, pipeline:<run id>, chain, flags ...",
    "ledger.computed_at": "when it was written (UTC)",
}


def facts_ddl() -> list[str]:
    """DDL of every result fact table of the registered steps (the store itself knows none)."""
    from gvc.indicators.registry import all_facts_ddl

    return all_facts_ddl()


def setup(con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
    """Create (writable) or check (read-only) the schema; register the SQL objects.

    Raises
    ------
    SchemaError
        read-only and the file is not a gvc store of this schema version (a store made by an
        older gvc is upgraded by opening it once writable, e.g. ``gvc run``).
    """
    if read_only:
        _check_version(con)
        return
    from gvc import __version__
    from gvc.sql import register_queries

    with transaction(con):
        old = _stored_version(con)
        for stmt in BASE_DDL + [LEDGER_DDL, LEDGER_ALTER] + facts_ddl():
            run_sql(con, stmt, obj="schema")
        if old is not None and old < SCHEMA_VERSION:
            _migrate(con, old)
        elif old is not None and old > SCHEMA_VERSION:
            raise SchemaError(
                f"the store has schema version {old}, newer than this gvc ({__version__}, "
                f"schema {SCHEMA_VERSION}); upgrade gvc"
            )
        run_sql(
            con,
            "INSERT OR REPLACE INTO gvc_meta VALUES ('schema_version', ?), ('gvc_version', ?)",
            [str(SCHEMA_VERSION), __version__],
            obj="schema",
        )
        register_queries(con)
        for col, text in _COMMENTS.items():
            run_sql(con, f"COMMENT ON COLUMN {col} IS '{text.replace(chr(39), chr(39) * 2)}'")


def _stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    has_meta = fetch_one(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = "
        "'gvc_meta'",
    )
    if not has_meta or not has_meta[0]:
        return None
    row = fetch_one(con, "SELECT value FROM gvc_meta WHERE key = 'schema_version'")
    return int(row[0]) if row else None


def _check_version(con: duckdb.DuckDBPyConnection) -> None:
    v = _stored_version(con)
    if v is None:
        raise SchemaError("not a gvc store (no gvc_meta table); run 'gvc ingest' first")
    if v != SCHEMA_VERSION:
        raise SchemaError(
            f"the store has schema version {v}, this gvc expects {SCHEMA_VERSION}; "
            + (
                "open it once for writing (e.g. 'gvc run') to upgrade it"
                if v < SCHEMA_VERSION
                else "upgrade gvc"
            )
        )


def _migrate(con: duckdb.DuckDBPyConnection, old: int) -> None:
    """Schema 1 -> 2: results carried no input identity, so none can be trusted: delete every
    stored result (inputs stay), drop ``results_log`` / ``pipeline_state``, and give each
    table its identity (the file's sha256, the only identity schema 1 recorded)."""
    log.warning(
        "upgrading a store of schema %d to %d: stored results are deleted and will be "
        "recomputed by the next 'gvc run' (inputs are kept)",
        old,
        SCHEMA_VERSION,
    )
    facts = [
        r[0]
        for r in run_sql(
            con, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'facts'"
        ).fetchall()
    ]
    for name in facts:
        if name not in INPUT_FACTS:
            run_sql(con, f"DELETE FROM facts.{name}", obj="migration")
    for name in ("chain_geography", "chain_totals", "chain_paths"):
        exists = fetch_one(
            con,
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
            [name],
        )
        if exists and exists[0]:
            run_sql(con, f"DELETE FROM main.{name}", obj="migration")
    run_sql(con, "DROP TABLE IF EXISTS results_log", obj="migration")
    run_sql(con, "DROP TABLE IF EXISTS pipeline_state", obj="migration")
    run_sql(
        con,
        "UPDATE tables SET table_sha256 = file_sha256 WHERE table_sha256 IS NULL",
        obj="migration",
    )
