-- name: chain_origins
-- kind: macro
-- depends_on: chain_tables, chain_schema, chain_geography, chain_totals, chain_paths
-- grain: origin_country
-- doc: Value added of one computed chain and year by origin country, with its share and the
-- doc: value-added weighted means of crossings and km of that country's value.
-- doc: Usage: SELECT * FROM chain_origins('wiod2013', 'ict_usa', 2011) LIMIT 10
CREATE OR REPLACE MACRO chain_origins(ds, chain_name, yr) AS TABLE
SELECT origin_country,
       sum(value_added) AS value_added,
       sum(value_added) / sum(sum(value_added)) OVER () AS share,
       sum(value_added * crossings_mean) / nullif(sum(value_added), 0) AS crossings_mean,
       sum(value_added * km_mean) / nullif(sum(value_added), 0) AS km_mean
FROM chain_geography
WHERE dataset = ds AND chain = chain_name AND year = yr
GROUP BY origin_country
ORDER BY value_added DESC
