-- name: firm_schema
-- kind: table
-- grain: network (and firm, cluster, year, link as each table says)
-- doc: The firm-network tables (schema firms): inputs as ingested by 'gvc firms ingest'
-- doc: (firms, clusters, memberships, transactions, concordance, inputs with each file's
-- doc: sha256) and the results of 'gvc firms run' (cluster_diagnostics, flags; each run one entry of the results ledger). Firms
-- doc: and clusters are dense integers per network (firm_idx, cluster_idx); the views
-- doc: firm_clusters, firm_flags, firm_members carry the labels. firms.transactions, the big
-- doc: table, keys the network by firms.networks.network_id (an integer is cheaper to store
-- doc: in every row than the name). A link is identified by (network_id, supplier, buyer,
-- doc: year), unique (checked at ingest); the constraints of
-- doc: firms.transactions reject unknown firms, self-loops and negative values. Written only
-- doc: by gvc/firms/store.py, each call one transaction. Created if missing.
CREATE SCHEMA IF NOT EXISTS firms;

CREATE TABLE IF NOT EXISTS firms.inputs (
    network VARCHAR NOT NULL, kind VARCHAR NOT NULL, path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL, rows BIGINT NOT NULL, ingested_at TIMESTAMP NOT NULL,
    PRIMARY KEY (network, kind));

CREATE TABLE IF NOT EXISTS firms.firms (
    network VARCHAR NOT NULL, firm_idx INTEGER NOT NULL, firm VARCHAR NOT NULL, year SMALLINT,
    type VARCHAR NOT NULL, country VARCHAR NOT NULL, region VARCHAR, lat DOUBLE, lon DOUBLE,
    classification VARCHAR, industry VARCHAR, sales DOUBLE, employment DOUBLE, exports DOUBLE,
    imports DOUBLE, source_row BIGINT NOT NULL);

CREATE TABLE IF NOT EXISTS firms.clusters (
    network VARCHAR NOT NULL, cluster_idx INTEGER NOT NULL, cluster VARCHAR NOT NULL,
    PRIMARY KEY (network, cluster_idx));

CREATE TABLE IF NOT EXISTS firms.memberships (
    network VARCHAR NOT NULL, cluster_idx INTEGER NOT NULL, firm_idx INTEGER NOT NULL,
    year SMALLINT, source_row BIGINT NOT NULL);

CREATE TABLE IF NOT EXISTS firms.networks (
    network VARCHAR NOT NULL PRIMARY KEY, network_id INTEGER NOT NULL UNIQUE);

CREATE TABLE IF NOT EXISTS firms.transactions (
    network_id INTEGER NOT NULL, year SMALLINT NOT NULL, supplier INTEGER NOT NULL,
    buyer INTEGER NOT NULL, value DOUBLE NOT NULL,
    CHECK (supplier <> buyer), CHECK (isfinite(value) AND value >= 0));

CREATE TABLE IF NOT EXISTS firms.concordance (
    network VARCHAR NOT NULL, classification VARCHAR, industry VARCHAR NOT NULL,
    sector VARCHAR NOT NULL);

CREATE TABLE IF NOT EXISTS firms.cluster_diagnostics (
    network VARCHAR NOT NULL, year SMALLINT NOT NULL, cluster_idx INTEGER NOT NULL,
    members INTEGER, firms INTEGER,
    members_with_sales INTEGER, members_without_sales INTEGER, members_passing INTEGER,
    registry_threshold DOUBLE, registry_pass_share DOUBLE, registry_all_pass BOOLEAN,
    intra_sales_share DOUBLE,
    intra_links BIGINT, intra_value DOUBLE, anchor VARCHAR, anchor_strength DOUBLE,
    anchor_share DOUBLE, anchor_type VARCHAR, linked_pairs BIGINT,
    degree_centralisation DOUBLE, non_anchor_density DOUBLE,
    members_located INTEGER, centre_lat DOUBLE, centre_lon DOUBLE, mean_distance_km DOUBLE,
    max_distance_km DOUBLE, radius_km DOUBLE, share_within_radius DOUBLE, regions INTEGER,
    countries INTEGER,
    purchases DOUBLE, purchases_inside_share DOUBLE, purchases_same_region_share DOUBLE,
    purchases_same_country_share DOUBLE, purchases_abroad_share DOUBLE,
    purchases_domestic_share DOUBLE, sales DOUBLE, exports DOUBLE, export_share DOUBLE,
    core_industries VARCHAR, core_firms INTEGER, related_firms INTEGER,
    critical_mass_firms INTEGER, industries INTEGER,
    members_business INTEGER, members_science INTEGER, members_government INTEGER,
    strands_present INTEGER, triple_helix BOOLEAN, share_business_science DOUBLE,
    share_business_government DOUBLE, share_science_government DOUBLE, strands_linked INTEGER,
    io_dataset VARCHAR, io_year SMALLINT, members_linked INTEGER, linked_sales_share DOUBLE,
    gvc_forward DOUBLE, gvc_backward DOUBLE, fva_share DOUBLE, upstreamness DOUBLE,
    crossings_mean DOUBLE,
    computed_at TIMESTAMP NOT NULL);

CREATE TABLE IF NOT EXISTS firms.flags (
    network VARCHAR NOT NULL, year SMALLINT NOT NULL, cluster_idx INTEGER NOT NULL,
    flag VARCHAR NOT NULL, flagged BOOLEAN NOT NULL, score DOUBLE, reasons VARCHAR,
    metrics JSON, thresholds JSON, computed_at TIMESTAMP NOT NULL);

