-- name: audit_wwz_sums
-- kind: audit
-- depends_on: decomp_wwz, gross_exports
-- grain: dataset, year, exporter, export_sector, importer
-- doc: Must return zero rows. For every exporting sector and importer the 16 WWZ terms sum to gross exports, and DVA_FIN + OVA_FIN + MVA_FIN to final exports (1e-6 relative).
CREATE OR REPLACE VIEW audit_wwz_sums AS
WITH w AS (
    SELECT dataset, year, exporter, export_sector, importer, sum(value) AS terms,
           sum(value) FILTER (WHERE term IN ('DVA_FIN', 'OVA_FIN', 'MVA_FIN')) AS final_terms
    FROM decomp_wwz GROUP BY ALL
)
SELECT g.dataset, g.year, g.exporter, g.export_sector, g.importer, g.total, g.final,
       coalesce(w.terms, 0) AS terms, coalesce(w.final_terms, 0) AS final_terms
FROM gross_exports g
JOIN results_log r ON r.dataset = g.dataset AND r.year = g.year AND r.result = 'decomp_wwz'
LEFT JOIN w ON w.dataset = g.dataset AND w.year = g.year AND w.exporter = g.exporter
    AND w.export_sector = g.export_sector AND w.importer = g.importer
WHERE abs(coalesce(w.terms, 0) - g.total) > 1e-6 * greatest(abs(g.total), 1.0)
   OR abs(coalesce(w.final_terms, 0) - g.final) > 1e-6 * greatest(abs(g.final), 1.0)
