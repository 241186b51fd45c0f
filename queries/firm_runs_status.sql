-- name: firm_runs_status
-- kind: view
-- depends_on: firm_schema, firm_inputs_fingerprint, firm_io_fingerprint
-- grain: network
-- doc: The latest results of every firm network, from the results ledger (result firm_clusters,
-- doc: dataset firms:<network>): when they were computed, from which input files and country x
-- doc: industry tables, with which rules, and whether they are current. Re-ingesting a network or
-- doc: replacing one of those tables deletes its results (no row here until the next run).
-- column network: firm network name
-- column computed_at: when the latest results were computed (UTC)
-- column inputs: the input files' sha256 by kind at that run (JSON)
-- column io_dataset: country x industry dataset the embeddedness came from (NULL: not linked)
-- column io_years: years of that dataset used (JSON list)
-- column gvc_version: gvc version of the run
-- column inputs_changed: true when the network's input files differ from those of the run
-- column rules: the full rule set used (JSON)
-- column version_changed: true when another gvc version computed them
-- column stale: inputs_changed or version_changed
CREATE OR REPLACE VIEW firm_runs_status AS
WITH meta AS (SELECT value AS gvc_version FROM gvc_meta WHERE key = 'gvc_version'),
runs AS (
    SELECT substr(l.dataset, 7) AS network, l.computed_at, l.input_sha256, l.gvc_version,
        json_extract(l.options, '$.inputs') AS inputs,
        json_extract_string(l.options, '$.io_dataset') AS io_dataset,
        json_extract(l.options, '$.io_years') AS io_years,
        json_extract(l.options, '$.rules') AS rules
    FROM ledger l
    WHERE l.kind = 'firms' AND l.result = 'firm_clusters'
),
checked AS (
    SELECT r.*,
        r.input_sha256 IS DISTINCT FROM (
            SELECT fingerprint FROM firm_inputs_fingerprint(r.network)) AS inputs_changed,
        r.gvc_version IS DISTINCT FROM (SELECT gvc_version FROM meta) AS version_changed
    FROM runs r
)
SELECT network, computed_at, inputs, io_dataset, io_years, rules, gvc_version, inputs_changed,
    version_changed, inputs_changed OR version_changed AS stale
FROM checked
