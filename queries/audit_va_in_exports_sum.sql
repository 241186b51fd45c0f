-- name: audit_va_in_exports_sum
-- kind: audit
-- depends_on: nodes, tables
-- grain: dataset, year, exporter, export_sector
-- doc: Must return zero rows. The value-added sources of each node's exports by country (V_c B E-hat, facts.va_in_exports_country) sum to its gross exports (1' V B = 1') when value added is the residual x - column sums of Z; when it is the file's value-added row (net taxes excluded) they may not exceed gross exports. Tolerance 1e-6 relative.
CREATE OR REPLACE VIEW audit_va_in_exports_sum AS
WITH s AS (
    SELECT dataset, year, export_node, sum(value) AS sources
    FROM facts.va_in_exports_country GROUP BY ALL
), g AS (
    SELECT dataset, year, export_node, sum(intermediate + final) AS gross_exports
    FROM facts.gross_exports GROUP BY ALL
)
SELECT g.dataset, g.year, n.country AS exporter, n.sector AS export_sector, g.gross_exports,
       coalesce(s.sources, 0) AS sources, t.value_added_definition
FROM g
JOIN tables t ON t.dataset = g.dataset AND t.year = g.year
JOIN ledger r ON r.dataset = g.dataset AND r.year = g.year AND list_contains(r.tables, 'va_in_exports_country')
JOIN nodes n ON n.dataset = g.dataset AND n.node = g.export_node
LEFT JOIN s ON s.dataset = g.dataset AND s.year = g.year AND s.export_node = g.export_node
WHERE CASE WHEN t.value_added_definition LIKE 'residual%'
           THEN abs(coalesce(s.sources, 0) - g.gross_exports) > 1e-6 * greatest(abs(g.gross_exports), 1.0)
           ELSE coalesce(s.sources, 0) - g.gross_exports > 1e-6 * greatest(abs(g.gross_exports), 1.0)
      END
