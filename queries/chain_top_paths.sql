-- name: chain_top_paths
-- kind: macro
-- depends_on: chain_tables, chain_schema, chain_geography, chain_totals, chain_paths
-- grain: rank
-- doc: The k largest structural paths of one computed chain and year (value added at the first
-- doc: stage, carried to the final buyer in brackets). Usage:
-- doc: SELECT * FROM chain_top_paths('wiod2013', 'ict_usa', 2011, 5)
CREATE OR REPLACE MACRO chain_top_paths(ds, chain_name, yr, k) AS TABLE
SELECT rank, path, value, share, crossings, km
FROM chain_paths
WHERE dataset = ds AND chain = chain_name AND year = yr AND rank <= k
ORDER BY rank
