-- name: decomp_wwz
-- kind: view
-- depends_on: nodes, countries
-- grain: dataset, year, exporter, export_sector, importer, term
-- doc: Wang, Wei and Zhu (2013, NBER WP 19677) sixteen-term decomposition of bilateral gross exports by exporting sector: DVA_FIN, DVA_INT, DVA_INTrexI1, DVA_INTrexF, DVA_INTrexI2, RDV_INT, RDV_FIN, RDV_FIN2, OVA_FIN, MVA_FIN, OVA_INT, MVA_INT, DDC_FIN, DDC_INT, ODC, MDC. Terms sum to gross exports; DVA_FIN + OVA_FIN + MVA_FIN = final exports. Zero terms are omitted.
-- column exporter: exporting country
-- column export_sector: exporting sector
-- column importer: direct importing country
-- column term: WWZ term name (paper's names)
-- column value: value (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW decomp_wwz AS
SELECT f.dataset, f.year, e.country AS exporter, e.sector AS export_sector,
       i.country AS importer, f.term, f.value
FROM facts.decomp_wwz f
JOIN nodes e ON e.dataset = f.dataset AND e.node = f.export_node
JOIN countries i ON i.dataset = f.dataset AND i.position = f.importer_pos
