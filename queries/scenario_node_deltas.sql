-- name: scenario_node_deltas
-- kind: view
-- depends_on: scenario_schema, scenario_points, scenario_nodes, scenario_countries, scenario_clusters, scenario_flags, scenario_sda, nodes
-- grain: dataset, scenario, year, point, country, sector, measure
-- doc: Scenario results by node with country and sector labels (rows exist for single
-- doc: scenarios and small grids; grids above 100 points store them only with store_nodes = true).
-- column dataset: dataset
-- column scenario: scenario name
-- column year: year of the table
-- column point: grid point label ('' for a single scenario)
-- column country: country of the node
-- column sector: sector of the node
-- column measure: output, value_added or final_demand
-- column baseline: baseline model value, table units
-- column scenario_value: value in the scenario, table units
-- column delta: scenario_value - baseline
-- column pct_change: 100 * delta / baseline (NULL when the baseline is 0)
CREATE OR REPLACE VIEW scenario_node_deltas AS
SELECT r.dataset, r.scenario, r.year, r.point, n.country, n.sector, r.measure, r.baseline,
    r.scenario_value, r.delta, 100 * r.delta / nullif(r.baseline, 0) AS pct_change
FROM scenario_nodes r
JOIN nodes n ON n.dataset = r.dataset AND n.node = r.node
