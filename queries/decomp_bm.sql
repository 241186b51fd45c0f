-- name: decomp_bm
-- kind: view
-- depends_on: nodes, countries
-- grain: dataset, year, exporter, export_sector, importer, approach, perspective, term
-- doc: Borin and Mancini (2019 WB PRWP 8804; 2023 ESR) decomposition of every bilateral sector export flow, approach source or sink in the world and exporter perspectives; own-flow perspectives sector, bilateral and bilateral_sector (perimeter = the flow itself; source and sink coincide, stored once under approach source): GEXP = DC + FC, DC = DVA + DDC, FC = FVA + FDC, DVA = VAX + REF, GVC = GVCB + GVCF = GEXP - DAVAX. Coarser levels are sums of these rows (views decomp_bm_exporter, decomp_bm_sector, decomp_bm_bilateral); an own-flow perspective is meaningful summed within its perimeter only. Zero terms are omitted.
-- column exporter: exporting country
-- column export_sector: exporting sector
-- column importer: importing country
-- column approach: source or sink (where value added is counted along the chain); source for the own-flow perspectives
-- column perspective: world, exporter, sector, bilateral or bilateral_sector (the perimeter within which double counting is removed)
-- column term: Borin-Mancini term name
-- column value: value (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW decomp_bm AS
SELECT f.dataset, f.year, e.country AS exporter, e.sector AS export_sector,
       i.country AS importer, f.approach, f.perspective, f.term, f.value
FROM facts.decomp_bm f
JOIN nodes e ON e.dataset = f.dataset AND e.node = f.export_node
JOIN countries i ON i.dataset = f.dataset AND i.position = f.importer_pos
