-- name: decomp_wwz_third
-- kind: view
-- depends_on: nodes, countries
-- grain: dataset, year, exporter, export_sector, importer, third_country, term
-- doc: WWZ terms that sum over a third country, split by that country (computed by 'gvc run --steps wwz_third'): DVA_INTrexI1, DVA_INTrexF, DVA_INTrexI2, RDV_FIN2 (the third country absorbs, re-exports or ships back) and OVA_FIN, OVA_INT, ODC (the third country is the source of the value added). Summed over third_country each equals the decomp_wwz term.
-- column exporter: exporting country
-- column export_sector: exporting sector
-- column importer: direct importing country
-- column third_country: the third country (role depends on the term, see doc)
-- column term: WWZ term name
-- column value: value (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW decomp_wwz_third AS
SELECT f.dataset, f.year, e.country AS exporter, e.sector AS export_sector,
       i.country AS importer, t.country AS third_country, f.term, f.value
FROM facts.decomp_wwz_third f
JOIN nodes e ON e.dataset = f.dataset AND e.node = f.export_node
JOIN countries i ON i.dataset = f.dataset AND i.position = f.importer_pos
JOIN countries t ON t.dataset = f.dataset AND t.position = f.third_pos
