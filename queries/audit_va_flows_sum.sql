-- name: audit_va_flows_sum
-- kind: audit
-- depends_on: va_flows, node_values
-- grain: dataset, year, country, sector
-- doc: Must return zero rows. Value added of every node summed over destinations equals the node's value added (V B Y 1 = va on a row-balanced table), to 1e-6 relative.
CREATE OR REPLACE VIEW audit_va_flows_sum AS
WITH s AS (
    SELECT dataset, year, origin_country AS country, origin_sector AS sector, sum(value) AS flows
    FROM va_flows GROUP BY ALL
)
SELECT n.dataset, n.year, n.country, n.sector, n.value_added, coalesce(s.flows, 0) AS flows
FROM node_values n
JOIN results_log r ON r.dataset = n.dataset AND r.year = n.year AND r.result = 'va_flows'
LEFT JOIN s ON s.dataset = n.dataset AND s.year = n.year AND s.country = n.country
    AND s.sector = n.sector
WHERE abs(coalesce(s.flows, 0) - n.value_added) > 1e-6 * greatest(abs(n.value_added), 1.0)
