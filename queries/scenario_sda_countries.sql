-- name: scenario_sda_countries
-- kind: view
-- depends_on: scenario_schema, scenario_points, scenario_nodes, scenario_countries, scenario_clusters, scenario_flags, scenario_sda
-- grain: dataset, scenario, year_from, year_to, measure, country, destination
-- doc: Structural decomposition aggregated to countries: va_flows by origin and destination
-- doc: country, the WWYZ terms (V_D, V_RT, V_GVC_S, V_GVC_C) by origin country, the
-- doc: participation rates as computed by country. Sums of terms still add up to delta.
-- column dataset: dataset
-- column scenario: scenario name
-- column year_from: first year
-- column year_to: second year
-- column measure: va_flows, V_D, V_RT, V_GVC_S, V_GVC_C, gvc_forward_rate, gvc_backward_rate
-- column country: origin country (value added) or the country of a rate
-- column destination: destination country for va_flows, NULL otherwise
-- column baseline: value in year_from
-- column scenario_value: value in year_to
-- column delta: scenario_value - baseline
-- column va_coefficients: term of the value-added coefficients
-- column technology: term of technology (B, or A for participation)
-- column fd_structure: term of the final-demand structure
-- column fd_level: term of the final-demand level
CREATE OR REPLACE VIEW scenario_sda_countries AS
SELECT dataset, scenario, year_from, year_to, measure, country, destination,
    sum(baseline) AS baseline, sum(scenario_value) AS scenario_value, sum(delta) AS delta,
    sum(va_coefficients) AS va_coefficients, sum(technology) AS technology,
    sum(fd_structure) AS fd_structure, sum(fd_level) AS fd_level
FROM scenario_sda
GROUP BY dataset, scenario, year_from, year_to, measure, country, destination
