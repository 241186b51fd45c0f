-- name: audit_bm_identities
-- kind: audit
-- depends_on: decomp_bm, gross_exports
-- grain: dataset, year, exporter, export_sector, importer, approach, perspective
-- doc: Must return zero rows. Borin-Mancini identities on every flow and variant: GEXP = gross exports = DC + FC, DC = DVA + DDC, FC = FVA + FDC, DVA = VAX + REF, GVC = GVCB + GVCF = GEXP - DAVAX (1e-6 relative).
CREATE OR REPLACE VIEW audit_bm_identities AS
WITH p AS (
    PIVOT (SELECT dataset, year, exporter, export_sector, importer, approach, perspective,
                  term, value FROM decomp_bm)
    ON term IN ('GEXP', 'DC', 'FC', 'DVA', 'DDC', 'FVA', 'FDC', 'DAVAX', 'VAX', 'REF',
                'GVC', 'GVCB', 'GVCF')
    USING sum(value)
), q AS (
    SELECT p.*, g.total,
           greatest(abs(g.total), 1.0) * 1e-6 AS tol
    FROM p JOIN gross_exports g USING (dataset, year, exporter, export_sector, importer)
)
SELECT * FROM q
WHERE abs(coalesce("GEXP", 0) - total) > tol
   OR abs(coalesce("DC", 0) + coalesce("FC", 0) - coalesce("GEXP", 0)) > tol
   OR abs(coalesce("DVA", 0) + coalesce("DDC", 0) - coalesce("DC", 0)) > tol
   OR abs(coalesce("FVA", 0) + coalesce("FDC", 0) - coalesce("FC", 0)) > tol
   OR abs(coalesce("VAX", 0) + coalesce("REF", 0) - coalesce("DVA", 0)) > tol
   OR abs(coalesce("GVCB", 0) + coalesce("GVCF", 0) - coalesce("GVC", 0)) > tol
   OR abs(coalesce("GEXP", 0) - coalesce("DAVAX", 0) - coalesce("GVC", 0)) > tol
