-- name: scenario_gains_losses
-- kind: macro
-- depends_on: scenario_schema, scenario_points, scenario_nodes, scenario_countries, scenario_clusters, scenario_flags, scenario_sda
-- grain: country
-- doc: Value-added gains and losses by country of one scenario point, largest gains first:
-- doc: SELECT * FROM scenario_gains_losses('wiod2013', 'rus_c14', 2011, '').
-- column country: country code
-- column baseline: baseline value added (GDP at baseline coefficients), table units
-- column scenario_value: value added in the scenario
-- column delta: scenario_value - baseline (gain > 0, loss < 0)
-- column pct_change: 100 * delta / baseline
-- column share_of_losses: the country's share of all losses (delta < 0 rows only)
CREATE OR REPLACE MACRO scenario_gains_losses(ds, scenario_name, yr, pt) AS TABLE
SELECT country, baseline, scenario_value, delta, 100 * delta / nullif(baseline, 0) AS pct_change,
    CASE WHEN delta < 0 THEN delta / nullif(sum(least(delta, 0)) OVER (), 0) END
        AS share_of_losses
FROM scenario_countries
WHERE dataset = ds AND scenario = scenario_name AND year = yr AND point = pt
    AND measure = 'value_added'
ORDER BY delta DESC
