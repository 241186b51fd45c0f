-- name: decomp_bm
-- kind: view
-- depends_on: nodes, countries
-- grain: dataset, year, exporter, export_sector, importer, approach, perspective, term
-- doc: Borin and Mancini (2019 WB PRWP 8804; 2023 ESR) decomposition of every bilateral sector export flow, approach source or sink, perspective world or exporter: GEXP = DC + FC, DC = DVA + DDC, FC = FVA + FDC, DVA = VAX + REF, GVC = GVCB + GVCF = GEXP - DAVAX. Coarser perimeters (exporter, sector, bilateral) are sums of these rows. Zero terms are omitted.
-- column exporter: exporting country
-- column export_sector: exporting sector
-- column importer: importing country
-- column approach: source or sink (where value added is counted along the chain)
-- column perspective: world or exporter (which double counting is removed)
-- column term: Borin-Mancini term name
-- column value: value (table unit)
CREATE OR REPLACE VIEW decomp_bm AS
SELECT f.dataset, f.year, e.country AS exporter, e.sector AS export_sector,
       i.country AS importer, f.approach, f.perspective, f.term, f.value
FROM facts.decomp_bm f
JOIN nodes e ON e.dataset = f.dataset AND e.node = f.export_node
JOIN countries i ON i.dataset = f.dataset AND i.position = f.importer_pos
