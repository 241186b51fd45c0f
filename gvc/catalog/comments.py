"""A comment on every column of every table and view of a store (``COMMENT ON COLUMN``).

Views get theirs from the ``-- column x:`` lines of their ``queries/*.sql`` header
(:func:`gvc.sql.register_queries`). This module covers the rest, in this order, for every
column still without a comment after the views are registered:

1. :data:`COLUMN_COMMENTS`: the table's own column (``schema.table.column`` or
   ``table.column``);
2. the column of the same name in the view that presents the table (``facts.gross_exports``
   -> view ``gross_exports``, ``firms.clusters`` -> ``firm_clusters``, ...);
3. :data:`GLOSSARY`: key columns that mean the same everywhere (``dataset``, ``year``,
   ``node``, ``country_pos``, ...);
4. the comment of a view column of the same name, where all views agree on one text.

``tests/test_column_comments.py`` checks that nothing is left without a comment.
"""

from __future__ import annotations

import duckdb

from gvc.store import run_sql

#: key columns with one meaning in every table and view
GLOSSARY = {
    "dataset": "dataset name given at ingest (tables.dataset)",
    "year": "year of the input table (tables.year)",
    "node": "node id: position of the country x sector in the table, country-major (nodes.node)",
    "row_node": "selling node (nodes.node)",
    "col_node": "buying node (nodes.node)",
    "origin_node": "node where the value added is created (nodes.node)",
    "source_node": "node whose value added is embodied in the exports (nodes.node)",
    "export_node": "exporting node (nodes.node)",
    "country_pos": "position of the country (countries.position)",
    "sector_pos": "position of the sector (sectors.position)",
    "importer_pos": "position of the importing country (countries.position)",
    "exporter_pos": "position of the exporting country (countries.position)",
    "partner_pos": "position of the partner country (countries.position)",
    "third_pos": "position of the third country the value passes through (countries.position)",
    "col_country_pos": "position of the country whose final demand buys (countries.position)",
    "dest_country_pos": "position of the country whose final demand absorbs the value added "
    "(countries.position)",
    "origin_country_pos": "position of the country where the value added is created "
    "(countries.position)",
    "category_pos": "position of the final-demand category (fd_categories.position)",
    "position": "position in the table's order (0-based)",
    "name": "descriptive name, where the source gives one",
    "measure": "measure name (see the view that presents this table)",
    "term": "decomposition term name (see the view that presents this table)",
    "indicator": "indicator code (see the view that presents this table)",
    "variant": "inventory_corrected or uncorrected (see view positions)",
    "grouping": "grouping name (groupings.grouping)",
    "economy": "economy: a group name or a country code",
    "network": "firm network name given at ingest",
    "network_id": "numeric id of the firm network (firms.networks.network_id)",
    "cluster_idx": "numeric id of the cluster within its network (firms.clusters.cluster_idx)",
    "firm_idx": "numeric id of the firm within its network (firms.firms.firm_idx)",
    "source_row": "line of the input file the row came from (for messages)",
    "computed_at": "when the row was written (UTC)",
    "ingested_at": "when the input was ingested (UTC)",
    "created_at": "when the definition was stored (UTC)",
    "key": "setting name",
    "country": "country code (countries.country)",
    "sector": "sector code (sectors.sector)",
    "exporter": "exporting country",
    "importer": "importing country",
    "export_sector": "exporting sector",
    "flag": "rule name",
    "cluster": "cluster name",
}

#: columns of stored tables with no view of the same meaning
COLUMN_COMMENTS = {
    # main.tables: one row per ingested (dataset, year)
    "tables.source": "file or directory the table was read from",
    "tables.format": "input layout the reader used (gvc ingest --format)",
    "tables.edition": "edition or release of the database, where the file says it",
    "tables.file_sha256": "sha256 of the input file(s) as read",
    "tables.unit": "unit of every stored value of this table (millions of a currency, "
    "e.g. USD million)",
    "tables.n_countries": "number of countries after harmonisation",
    "tables.n_sectors": "number of sectors",
    "tables.n_fd_categories": "number of final-demand categories",
    "tables.output_definition": "where gross output came from: the file's output row or the "
    "row sums Z 1 + Y 1",
    "tables.value_added_definition": "value added as published (row) or as the residual x - 1'Z",
    "tables.harmonisation": "the harmonisation steps applied, in order, with what each changed "
    "(JSON)",
    "tables.warnings": "validation warnings of the table (JSON list of lines)",
    "tables.gvc_version": "gvc version that ingested the table",
    "countries.country": "country code as in the file (after folding CN1/CN2, MX1/MX2)",
    "sectors.sector": "sector code as in the file",
    "fd_categories.category": "final-demand category code as in the file",
    "nodes.country": "country of the node",
    "nodes.sector": "sector of the node",
    "gvc_meta.value": "setting value (schema_version, gvc_version of the last writer)",
    "facts.intermediate.value": "intermediate flow Z: sales of row_node to col_node, table "
    "units (tables.unit)",
    "facts.final_demand.value": "final demand Y: sales of row_node to the category of the "
    "buying country, table units (tables.unit)",
    "facts.node_values.output": "gross output x of the node, table units (tables.unit)",
    "facts.node_values.value_added": "value added of the node, table units (tables.unit)",
    "facts.va_flows.value": "value added of origin_node absorbed in the final demand of "
    "dest_country_pos (V B Y), table units",
    "facts.va_in_exports.value": "value added of source_node in the gross exports of "
    "export_node (V B E-hat), table units",
    "facts.va_in_exports_country.source_country_pos": "position of the country where the "
    "value added was created (countries.position)",
    "facts.va_in_exports_country.value": "value added of source_country_pos in the gross "
    "exports of export_node (V_c B E-hat, TiVA EXGR_BSCI), table units",
    "facts.final_output_va.value": "value added of origin_country_pos in the final output of "
    "node, table units",
    "facts.final_output_va_nodes.value": "value added of origin_node in the final output of "
    "node, table units",
    "chains.dataset": "dataset the chain is defined on",
    "chains.created_at": "when the chain was (re)defined (UTC)",
    "lockin_rules.dataset": "dataset the rules were applied to",
    "lockin_rules.clusters": "JSON object cluster -> [[country, sector], ...] used for "
    "closed_cluster",
    "lockin_rules.computed_at": "when the flags were computed with these rules (UTC)",
    "firms.inputs.kind": "which input: firms, transactions, memberships or concordance",
    "firms.inputs.path": "file it was read from",
    "firms.inputs.sha256": "sha256 of that file",
    "firms.inputs.rows": "rows read from it",
    "firms.transactions.supplier": "selling firm (firms.firms.firm_idx)",
    "firms.transactions.buyer": "buying firm (firms.firms.firm_idx)",
    "firms.transactions.value": "value of the sales of supplier to buyer, in the firm files' unit",
    "firms.concordance.classification": "industry classification of the firm codes",
    "firms.concordance.industry": "industry code of the firm files",
    "firms.concordance.sector": "sector of the IO dataset it maps to",
    "firms.clusters.cluster": "cluster name as in the membership file",
    "firms.firms.firm": "firm id as in the firm file",
    "facts.final_output_node.value": "value of the measure for the node (see view "
    "final_output_va), table units or a share",
    "facts.position_node_uncorrected.variant": "uncorrected: without the net-inventory "
    "correction (see view positions)",
    "facts.position_country_uncorrected.variant": "uncorrected: without the net-inventory "
    "correction (see view positions_country)",
    "facts.position_node.value": "value of the position measure for the node (see view "
    "positions; net-inventory corrected)",
    "facts.position_node_uncorrected.value": "value of the position measure for the node "
    "(see view positions; without the net-inventory correction)",
    "facts.position_country.value": "value of the position measure for the country (see view "
    "positions_country; net-inventory corrected)",
    "facts.position_country_uncorrected.value": "value of the position measure for the "
    "country (see view positions_country; without the net-inventory correction)",
    # audits: the rows that break an identity, with the sides compared
    **{
        f"audit_bm_identities.{k}": f"Borin-Mancini term {k.upper()} of the flow, summed "
        "over its sources (table units)"
        for k in ("gexp", "dc", "fc", "ddc", "fdc", "davax", "ref", "gvc", "gvcb", "gvcf")
    },
    "audit_bm_identities.approach": "source or sink",
    "audit_bm_identities.perspective": "world, exporter, sector, bilateral or bilateral_sector",
    "audit_kww_sums.gross_exports": "gross exports of the exporter (table units)",
    "audit_va_flows_sum.value_added": "value added of the node (facts.node_values, table units)",
    "audit_va_flows_sum.flows": "its value-added flows summed over destinations (table units)",
    "audit_va_in_exports_sum.gross_exports": "gross exports of the node (table units)",
    "audit_va_in_exports_sum.sources": "value-added sources of those exports summed over "
    "source nodes (table units)",
    "audit_va_in_exports_sum.value_added_definition": "tables.value_added_definition: "
    "residual (sources must equal exports) or the file's row (may fall short)",
    "audit_wwz_sums.final_terms": "DVA_FIN + OVA_FIN + MVA_FIN (must equal final exports)",
}

#: stored tables presented by a view of another name
_VIEW_OF = {
    "firms.clusters": "firm_clusters",
    "firms.cluster_diagnostics": "firm_clusters",
    "firms.firms": "firm_members",
    "firms.memberships": "firm_members",
    "firms.flags": "firm_flags",
    "facts.embeddedness_betweenness": "embeddedness",
    "facts.decomp_kww": "decomp_kww",
    "facts.export_va": "export_va_content",
    "facts.gvc_node": "gvc_participation",
    "facts.gvc_country": "gvc_participation_country",
    "facts.tiva_node": "tiva",
    "facts.tiva_node_partner": "tiva",
    "facts.tiva_country_pair": "tiva_country_pairs",
    "facts.tiva_country_sector": "tiva",
    "facts.position_node": "positions",
    "facts.position_node_uncorrected": "positions",
    "facts.position_country": "positions_country",
    "facts.position_country_uncorrected": "positions_country",
    "facts.final_output_node": "final_output_va",
    "facts.scenario_sda": "scenario_sda",
    "facts.lockin_flags": "lockin_flags",
    "facts.scenario_nodes": "scenario_nodes",
    "facts.scenario_countries": "scenario_countries",
    "facts.scenario_clusters": "scenario_clusters",
    "facts.scenario_flags": "scenario_flags",
    "facts.scenario_points": "scenario_points",
    "facts.group_bm": "group_bm",
    "facts.group_kww": "group_kww",
    "facts.group_wwz": "group_wwz",
    "facts.group_tiva": "group_tiva",
    "facts.group_participation": "group_participation",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_columns(con: duckdb.DuckDBPyConnection) -> int:
    """Comment every column of the store's tables and views that has none; returns how many
    columns of stored tables (not views) it commented (the caller checkpoints then).

    Run after the schema and the views exist (:func:`gvc.catalog.schema.setup`): the view
    comments are one of its sources.
    """
    cols = run_sql(
        con,
        "SELECT c.schema_name, c.table_name, c.column_name, coalesce(c.comment, ''), "
        "v.view_name IS NOT NULL "
        "FROM duckdb_columns() c LEFT JOIN duckdb_views() v ON v.database_name = "
        "c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name "
        "WHERE c.database_name = current_database() AND c.schema_name IN ('main', 'facts', "
        "'firms') AND NOT coalesce(v.internal, false)",
        obj="comments",
    ).fetchall()
    in_view: dict[tuple[str, str], str] = {}
    by_name: dict[str, set[str]] = {}
    for schema, table, col, text, is_view in cols:
        if is_view and schema == "main" and text.strip():
            in_view[(table, col)] = text
            by_name.setdefault(col, set()).add(text)
    done = 0
    for schema, table, col, text, is_view in cols:
        if text.strip():
            continue
        qual = f"{schema}.{table}"
        base = table if schema == "main" else qual
        view = _VIEW_OF.get(qual, table)
        agreed = by_name.get(col, set())
        new = (
            COLUMN_COMMENTS.get(f"{base}.{col}")
            or (None if is_view and schema == "main" else in_view.get((view, col)))
            or GLOSSARY.get(col)
            or (next(iter(agreed)) if len(agreed) == 1 else None)
        )
        if new is None:
            continue
        target = f'{schema}.{table}."{col}"'
        run_sql(con, f"COMMENT ON COLUMN {target} IS {_quote(new)}", obj="comments")
        done += not is_view
    return done
