-- name: group_bm
-- kind: view
-- depends_on: nodes, group_schema
-- grain: dataset, year, grouping, exporter, export_country, export_sector, importer, approach, perspective, term
-- doc: Borin and Mancini (2019, 2023) terms by exporting node and importing economy under a grouping (step group:<name>), the variants of decomp_bm (source/sink x world/exporter, and the own-flow perspectives sector, bilateral, bilateral_sector under approach source), with each group one economy. GEXP = DC + FC, DC = DVA + DDC, FC = FVA + FDC per flow. Zero terms are omitted.
-- column dataset: dataset name (as in tables.dataset)
-- column year: year of the input table
-- column grouping: grouping name (groupings.grouping)
-- column exporter: exporting economy: a group name or a country code
-- column export_country: country of the exporting node (a member of exporter)
-- column export_sector: sector of the exporting node
-- column importer: importing economy: a group name or a country code
-- column approach: source or sink (own-flow perspectives: source)
-- column perspective: world, exporter, sector, bilateral or bilateral_sector
-- column term: Borin-Mancini term (GEXP, DC, FC, DVA, DDC, FVA, FDC, DAVAX, VAX, REF, GVC, GVCB, GVCF)
-- column value: value (table unit)
CREATE OR REPLACE VIEW group_bm AS
SELECT f.dataset, f.year, f.grouping, f.exporter, e.country AS export_country,
       e.sector AS export_sector, f.importer, f.approach, f.perspective, f.term, f.value
FROM facts.group_bm f
JOIN nodes e ON e.dataset = f.dataset AND e.node = f.export_node
