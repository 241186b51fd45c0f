-- name: audit_va_flows_sum
-- kind: audit
-- depends_on: nodes
-- grain: dataset, year, country, sector
-- doc: Must return zero rows. Value added of every node summed over destinations equals the node's value added (V B Y 1 = va on a row-balanced table), to 1e-6 relative.
CREATE OR REPLACE VIEW audit_va_flows_sum AS
WITH s AS (
    SELECT dataset, year, origin_node AS node, sum(value) AS flows
    FROM facts.va_flows GROUP BY ALL
)
SELECT v.dataset, v.year, n.country, n.sector, v.value_added, coalesce(s.flows, 0) AS flows
FROM facts.node_values v
JOIN ledger r ON r.dataset = v.dataset AND r.year = v.year AND list_contains(r.tables, 'va_flows')
JOIN nodes n ON n.dataset = v.dataset AND n.node = v.node
LEFT JOIN s ON s.dataset = v.dataset AND s.year = v.year AND s.node = v.node
WHERE abs(coalesce(s.flows, 0) - v.value_added) > 1e-6 * greatest(abs(v.value_added), 1.0)
