-- name: audit_scenario_sda_sums
-- kind: audit
-- depends_on: scenario_schema, scenario_points, scenario_nodes, scenario_countries, scenario_clusters, scenario_flags, scenario_sda
-- grain: dataset, scenario, measure, node, country, destination
-- doc: Must return zero rows. The four structural-decomposition terms add up to the change
-- doc: (scenario_value - baseline), to 1e-9 of the larger level plus 1e-9.
-- column dataset: dataset
-- column scenario: scenario name
-- column measure: measure decomposed
-- column node: origin node id (NULL for country rates)
-- column country: country of the row
-- column destination: destination country (va_flows) or NULL
-- column delta: scenario_value - baseline
-- column terms: va_coefficients + technology + fd_structure + fd_level
CREATE OR REPLACE VIEW audit_scenario_sda_sums AS
SELECT dataset, scenario, measure, node, country, destination, delta,
    va_coefficients + technology + fd_structure + fd_level AS terms
FROM scenario_sda
WHERE abs(va_coefficients + technology + fd_structure + fd_level - delta)
    > 1e-9 * greatest(abs(baseline), abs(scenario_value)) + 1e-9
