-- name: chain_report
-- kind: macro
-- depends_on: chain_tables, chain_schema, chain_geography, chain_totals, chain_paths
-- grain: year
-- doc: Per-year totals of one computed value chain: value added, mean and sd of border
-- doc: crossings, returns, intercontinental legs, km, countries visited / effective / over 0.5 %,
-- doc: production length and its segments. Usage: SELECT * FROM chain_report('wiod2013', 'ict_usa')
CREATE OR REPLACE MACRO chain_report(ds, chain_name) AS TABLE
SELECT year, value_added, crossings_mean, sqrt(greatest(crossings_var, 0)) AS crossings_sd,
       returns_mean, intercontinental_mean, km_mean, countries_visited_mean,
       countries_effective, countries_over, production_length, pl_domestic, pl_border,
       pl_foreign
FROM chain_totals
WHERE dataset = ds AND chain = chain_name
ORDER BY year
