-- name: group_schema
-- kind: table
-- grain: dataset, grouping, economy, country
-- doc: The grouping definitions (gvc group define; gvc.groups.store): which countries form
-- doc: one economy in a grouping (every country not listed stays its own economy). Results
-- doc: are the views group_kww, group_wwz, group_bm, group_tiva and group_participation, one
-- doc: ledger result group:<name> per dataset and year. Created if missing.
CREATE TABLE IF NOT EXISTS groupings (
    dataset VARCHAR NOT NULL,
    grouping VARCHAR NOT NULL,
    economy VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, grouping, country));
COMMENT ON COLUMN groupings.dataset IS 'dataset the grouping applies to';
COMMENT ON COLUMN groupings.grouping IS 'grouping name, unique within a dataset (step group:<name>)';
COMMENT ON COLUMN groupings.economy IS 'the merged economy (group name) the country belongs to';
COMMENT ON COLUMN groupings.country IS 'member country code (as in countries.country)';
COMMENT ON COLUMN groupings.created_at IS 'when the grouping was (re)defined (UTC)';
