-- name: chain_tables
-- kind: macro
-- depends_on: chain_schema, chain_totals
-- grain: chain
-- doc: The chains defined for a dataset, with how many years (and which range) are computed.
-- doc: Usage: SELECT * FROM chain_tables('wiod2013'). Define a chain from SQL by inserting into
-- doc: chains (see chain_schema), then compute it with 'gvc chain run NAME --dataset D'.
CREATE OR REPLACE MACRO chain_tables(ds) AS TABLE
SELECT c.chain, c.producers_countries, c.producers_sectors, c.destinations, c.km_source,
       c.km_file, c.km_fallback, c.created_at, count(t.year) AS years_computed, min(t.year) AS first_year,
       max(t.year) AS last_year
FROM chains c
LEFT JOIN chain_totals t ON t.dataset = c.dataset AND t.chain = c.chain
WHERE c.dataset = ds
GROUP BY ALL
ORDER BY c.chain
