-- name: audit_wwz_sums
-- kind: audit
-- depends_on: nodes, countries
-- grain: dataset, year, exporter, export_sector, importer
-- doc: Must return zero rows. For every exporting sector and importer the 16 WWZ terms sum to gross exports, and DVA_FIN + OVA_FIN + MVA_FIN to final exports (1e-6 relative).
CREATE OR REPLACE VIEW audit_wwz_sums AS
WITH w AS (
    SELECT dataset, year, export_node, importer_pos, sum(value) AS terms,
           sum(value) FILTER (WHERE term IN ('DVA_FIN', 'OVA_FIN', 'MVA_FIN')) AS final_terms
    FROM facts.decomp_wwz GROUP BY ALL
), bad AS (
    SELECT g.dataset, g.year, g.export_node, g.importer_pos,
           g.intermediate + g.final AS total, g.final,
           coalesce(w.terms, 0) AS terms, coalesce(w.final_terms, 0) AS final_terms
    FROM facts.gross_exports g
    JOIN ledger r ON r.dataset = g.dataset AND r.year = g.year AND list_contains(r.tables, 'decomp_wwz')
    LEFT JOIN w ON w.dataset = g.dataset AND w.year = g.year AND w.export_node = g.export_node
        AND w.importer_pos = g.importer_pos
    WHERE abs(coalesce(w.terms, 0) - (g.intermediate + g.final))
              > 1e-6 * greatest(abs(g.intermediate + g.final), 1.0)
       OR abs(coalesce(w.final_terms, 0) - g.final) > 1e-6 * greatest(abs(g.final), 1.0)
)
SELECT b.dataset, b.year, n.country AS exporter, n.sector AS export_sector,
       c.country AS importer, b.total, b.final, b.terms, b.final_terms
FROM bad b
JOIN nodes n ON n.dataset = b.dataset AND n.node = b.export_node
JOIN countries c ON c.dataset = b.dataset AND c.position = b.importer_pos
