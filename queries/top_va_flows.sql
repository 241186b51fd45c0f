-- name: top_va_flows
-- kind: macro
-- depends_on: va_flows
-- grain: origin_country, dest_country
-- doc: The k largest bilateral value-added flows between different countries for one dataset and year. Usage: SELECT * FROM top_va_flows('wiod2013', 2011, 10)
CREATE OR REPLACE MACRO top_va_flows(ds, yr, k) AS TABLE
SELECT origin_country, dest_country, sum(value) AS value
FROM va_flows
WHERE dataset = ds AND year = yr AND origin_country <> dest_country
GROUP BY ALL
ORDER BY value DESC
LIMIT k
