-- name: audit_scenario_va_conserved
-- kind: audit
-- depends_on: scenario_schema, scenario_points, scenario_nodes, scenario_countries, scenario_clusters, scenario_flags, scenario_sda, tables
-- grain: dataset, scenario, year, point
-- doc: Must return zero rows. Import substitution keeps the column sums of A, so on a table
-- doc: whose value added is the residual x - 1'Z, world value added is conserved: the country
-- doc: value-added deltas sum to zero (to 1e-9 of world value added).
-- column dataset: dataset
-- column scenario: scenario name
-- column year: year of the table
-- column point: grid point label
-- column world_delta: sum of the value-added deltas over countries
-- column world_value_added: baseline world value added
CREATE OR REPLACE VIEW audit_scenario_va_conserved AS
SELECT c.dataset, c.scenario, c.year, c.point, sum(c.delta) AS world_delta,
    sum(c.baseline) AS world_value_added
FROM scenario_countries c
JOIN scenarios s ON s.dataset = c.dataset AND s.scenario = c.scenario
JOIN tables t ON t.dataset = c.dataset AND t.year = c.year
WHERE s.kind = 'import_substitution' AND c.measure = 'value_added'
    AND t.value_added_definition LIKE 'residual%'
GROUP BY ALL
HAVING abs(sum(c.delta)) > 1e-9 * abs(sum(c.baseline))
