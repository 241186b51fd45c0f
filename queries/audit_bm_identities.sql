-- name: audit_bm_identities
-- kind: audit
-- depends_on: nodes, countries
-- grain: dataset, year, exporter, export_sector, importer, approach, perspective
-- doc: Must return zero rows. Borin-Mancini identities on every flow and variant: GEXP = gross exports = DC + FC, DC = DVA + DDC, FC = FVA + FDC, DVA = VAX + REF, GVC = GVCB + GVCF = GEXP - DAVAX (1e-6 relative).
CREATE OR REPLACE VIEW audit_bm_identities AS
WITH p AS (
    SELECT dataset, year, export_node, importer_pos, approach, perspective,
           coalesce(sum(value) FILTER (WHERE term = 'GEXP'), 0) AS gexp,
           coalesce(sum(value) FILTER (WHERE term = 'DC'), 0) AS dc,
           coalesce(sum(value) FILTER (WHERE term = 'FC'), 0) AS fc,
           coalesce(sum(value) FILTER (WHERE term = 'DVA'), 0) AS dva,
           coalesce(sum(value) FILTER (WHERE term = 'DDC'), 0) AS ddc,
           coalesce(sum(value) FILTER (WHERE term = 'FVA'), 0) AS fva,
           coalesce(sum(value) FILTER (WHERE term = 'FDC'), 0) AS fdc,
           coalesce(sum(value) FILTER (WHERE term = 'DAVAX'), 0) AS davax,
           coalesce(sum(value) FILTER (WHERE term = 'VAX'), 0) AS vax,
           coalesce(sum(value) FILTER (WHERE term = 'REF'), 0) AS ref,
           coalesce(sum(value) FILTER (WHERE term = 'GVC'), 0) AS gvc,
           coalesce(sum(value) FILTER (WHERE term = 'GVCB'), 0) AS gvcb,
           coalesce(sum(value) FILTER (WHERE term = 'GVCF'), 0) AS gvcf
    FROM facts.decomp_bm GROUP BY ALL
), q AS (
    SELECT p.*, g.intermediate + g.final AS total,
           1e-6 * greatest(abs(g.intermediate + g.final), 1.0) AS tol
    FROM p JOIN facts.gross_exports g ON g.dataset = p.dataset AND g.year = p.year
        AND g.export_node = p.export_node AND g.importer_pos = p.importer_pos
), bad AS (
    SELECT * FROM q
    WHERE abs(gexp - total) > tol OR abs(dc + fc - gexp) > tol OR abs(dva + ddc - dc) > tol
       OR abs(fva + fdc - fc) > tol OR abs(vax + ref - dva) > tol
       OR abs(gvcb + gvcf - gvc) > tol OR abs(gexp - davax - gvc) > tol
)
SELECT b.dataset, b.year, n.country AS exporter, n.sector AS export_sector,
       c.country AS importer, b.approach, b.perspective, b.total, b.gexp, b.dc, b.fc, b.dva,
       b.ddc, b.fva, b.fdc, b.davax, b.vax, b.ref, b.gvc, b.gvcb, b.gvcf
FROM bad b
JOIN nodes n ON n.dataset = b.dataset AND n.node = b.export_node
JOIN countries c ON c.dataset = b.dataset AND c.position = b.importer_pos
