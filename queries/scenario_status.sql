-- name: scenario_status
-- kind: view
-- depends_on: scenario_schema, scenario_points
-- grain: dataset, scenario, year
-- doc: Every computed scenario and year from the results ledger (result scenario:<name>), with
-- doc: whether its results are current: computed from the stored definition (hash) and from the
-- doc: stored input table, by this store's gvc version. Replacing an input table deletes the
-- doc: results that read it (both years for sda), so rows here are never from an old table.
-- column dataset: dataset
-- column scenario: scenario name
-- column kind: scenario kind
-- column year: year of the table (sda: the later year)
-- column base_year: sda: the earlier year; NULL otherwise
-- column points: grid points computed
-- column computed_at: when the results were written (UTC)
-- column definition_current: the stored definition has the hash the results were computed from
-- column input_current: the input table still has the identity the results were computed from
-- column version_current: computed by the gvc version that last opened the store for writing
-- column fresh: definition_current and input_current and version_current
CREATE OR REPLACE VIEW scenario_status AS
WITH pts AS (
    SELECT dataset, scenario, year, count(*) AS points FROM scenario_points GROUP BY ALL
), meta AS (
    SELECT value AS gvc_version FROM gvc_meta WHERE key = 'gvc_version'
), r AS (
    SELECT l.dataset, s.scenario, s.kind, l.year,
        CASE WHEN len(l.depends_on_years) > 1 THEN list_min(l.depends_on_years) END
            AS base_year,
        coalesce(p.points, 0) AS points,
        l.computed_at,
        coalesce(json_extract_string(l.options, '$.hash') = s.definition_hash, false)
            AS definition_current,
        coalesce(l.input_sha256 = coalesce(t.table_sha256, t.file_sha256), false)
            AS input_current,
        coalesce(l.gvc_version = m.gvc_version, false) AS version_current
    FROM ledger l
    JOIN scenarios s ON s.dataset = l.dataset AND l.result = 'scenario:' || s.scenario
    LEFT JOIN tables t ON t.dataset = l.dataset AND t.year = l.year
    LEFT JOIN pts p ON p.dataset = l.dataset AND p.scenario = s.scenario AND p.year = l.year
    CROSS JOIN meta m
)
SELECT *, definition_current AND input_current AND version_current AS fresh FROM r
