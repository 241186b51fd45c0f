-- name: audit_kww_sums
-- kind: audit
-- depends_on: decomp_kww, gross_exports
-- grain: dataset, year, exporter
-- doc: Must return zero rows. The nine KWW terms of each exporter sum to its gross exports (1e-6 relative).
CREATE OR REPLACE VIEW audit_kww_sums AS
WITH k AS (
    SELECT dataset, year, exporter, sum(value) AS terms FROM decomp_kww
    WHERE term IN ('DVA_FIN', 'DVA_INT', 'DVA_INTrex', 'RDV_FIN', 'RDV_INT', 'DDC',
                   'FVA_FIN', 'FVA_INT', 'FDC')
    GROUP BY ALL
), g AS (
    SELECT dataset, year, exporter, sum(total) AS gross_exports FROM gross_exports GROUP BY ALL
)
SELECT g.*, coalesce(k.terms, 0) AS terms
FROM g
JOIN ledger r ON r.dataset = g.dataset AND r.year = g.year AND list_contains(r.tables, 'decomp_kww')
LEFT JOIN k ON k.dataset = g.dataset AND k.year = g.year AND k.exporter = g.exporter
WHERE abs(coalesce(k.terms, 0) - g.gross_exports) > 1e-6 * greatest(abs(g.gross_exports), 1.0)
