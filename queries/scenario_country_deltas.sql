-- name: scenario_country_deltas
-- kind: view
-- depends_on: scenario_schema, scenario_points, scenario_nodes, scenario_countries, scenario_clusters, scenario_flags, scenario_sda
-- grain: dataset, scenario, year, point, country, measure
-- doc: Scenario results by country (output, value added at baseline value-added coefficients,
-- doc: final demand) with the relative change; delta = scenario_value - baseline, so a loss is
-- doc: negative. For import substitution the home country's value-added gain equals the sum of
-- doc: the partners' losses (world value added is conserved).
-- column dataset: dataset
-- column scenario: scenario name
-- column kind: scenario kind
-- column year: year of the table
-- column point: grid point label ('' for a single scenario)
-- column country: country code
-- column measure: output, value_added or final_demand
-- column baseline: baseline model value, table units
-- column scenario_value: value in the scenario, table units
-- column delta: scenario_value - baseline
-- column pct_change: 100 * delta / baseline (NULL when the baseline is 0)
CREATE OR REPLACE VIEW scenario_country_deltas AS
SELECT c.dataset, c.scenario, s.kind, c.year, c.point, c.country, c.measure, c.baseline,
    c.scenario_value, c.delta, 100 * c.delta / nullif(c.baseline, 0) AS pct_change
FROM scenario_countries c
LEFT JOIN scenarios s ON s.dataset = c.dataset AND s.scenario = c.scenario
