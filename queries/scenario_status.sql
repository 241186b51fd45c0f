-- name: scenario_status
-- kind: view
-- depends_on: scenario_schema, tables
-- grain: dataset, scenario, year
-- doc: Every computed scenario and year with whether its results are current: the definition
-- doc: they were computed from (scenario_runs.definition_hash) is the stored one, and the input
-- doc: table is the one they were computed from (tables.file_sha256; for sda both years).
-- column dataset: dataset
-- column scenario: scenario name
-- column kind: scenario kind
-- column year: year of the table (sda: the later year)
-- column base_year: sda: the earlier year; NULL otherwise
-- column points: grid points computed
-- column computed_at: when the results were written (UTC)
-- column definition_current: the stored definition has the hash the results were computed from
-- column input_current: the input table(s) still have the sha256 the results were computed from
-- column fresh: definition_current and input_current
CREATE OR REPLACE VIEW scenario_status AS
SELECT r.dataset, r.scenario, s.kind, r.year, r.base_year, r.points, r.computed_at,
    coalesce(s.definition_hash = r.definition_hash, false) AS definition_current,
    coalesce(t.file_sha256 = r.input_sha256, false)
        AND (r.base_year IS NULL OR coalesce(tb.file_sha256 = r.base_input_sha256, false))
        AS input_current,
    definition_current AND input_current AS fresh
FROM scenario_runs r
LEFT JOIN scenarios s ON s.dataset = r.dataset AND s.scenario = r.scenario
LEFT JOIN tables t ON t.dataset = r.dataset AND t.year = r.year
LEFT JOIN tables tb ON tb.dataset = r.dataset AND tb.year = r.base_year
