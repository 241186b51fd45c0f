-- name: firm_runs_status
-- kind: view
-- depends_on: firm_schema, firm_inputs_fingerprint, firm_io_fingerprint
-- grain: network
-- doc: The latest 'gvc firms run' of each network and whether its stored results (views
-- doc: firm_clusters, firm_flags) are still current: stale when an input file was ingested
-- doc: again with other content, or a country x industry table used for embeddedness changed,
-- doc: since the run.
-- column network: firm network name
-- column computed_at: when the latest results were computed (UTC)
-- column inputs: the input files' sha256 by kind at that run (JSON)
-- column io_dataset: country x industry dataset the embeddedness came from (NULL: not linked)
-- column io_years: years of that dataset used (JSON list)
-- column gvc_version: gvc version of the run
-- column inputs_changed: true when the network's input files differ from those of the run
-- column io_changed: true when the dataset's tables of those years differ from those of the run
-- column stale: inputs_changed or io_changed
CREATE OR REPLACE VIEW firm_runs_status AS
WITH latest AS (
    SELECT * FROM firms.runs
    QUALIFY row_number() OVER (PARTITION BY network ORDER BY computed_at DESC) = 1
),
checked AS (
    SELECT l.*,
        l.inputs_fingerprint IS DISTINCT FROM (
            SELECT fingerprint FROM firm_inputs_fingerprint(l.network)) AS inputs_changed,
        l.io_dataset IS NOT NULL AND l.io_fingerprint IS DISTINCT FROM (
            SELECT fingerprint FROM firm_io_fingerprint(l.io_dataset,
                l.io_years::INTEGER[])) AS io_changed
    FROM latest l
)
SELECT network, computed_at, inputs, io_dataset, io_years, gvc_version, inputs_changed,
    io_changed, inputs_changed OR io_changed AS stale
FROM checked
