-- name: lockin_schema
-- kind: table
-- grain: dataset (and year, node for facts.lockin_flags)
-- doc: The lock-in tables: clusters (user clusters, INSERT rows or 'gvc flags --clusters FILE'),
-- doc: facts.lockin_flags (written by 'gvc flags', view lockin_flags) and lockin_rules (the rule
-- doc: set and clusters of every computation). Created if missing.
CREATE TABLE IF NOT EXISTS clusters (
    dataset VARCHAR NOT NULL, cluster VARCHAR NOT NULL, country VARCHAR NOT NULL,
    sector VARCHAR NOT NULL, PRIMARY KEY (dataset, cluster, country, sector));

CREATE TABLE IF NOT EXISTS facts.lockin_flags (
    dataset VARCHAR NOT NULL, year SMALLINT NOT NULL, node INTEGER NOT NULL, cluster VARCHAR,
    flag VARCHAR NOT NULL, flagged BOOLEAN NOT NULL, score DOUBLE, reasons VARCHAR,
    metrics JSON, thresholds JSON, computed_at TIMESTAMP NOT NULL);

CREATE TABLE IF NOT EXISTS lockin_rules (
    dataset VARCHAR NOT NULL, computed_at TIMESTAMP NOT NULL, rules_toml VARCHAR NOT NULL,
    clusters JSON, PRIMARY KEY (dataset, computed_at));
