-- name: group_wwz
-- kind: view
-- depends_on: nodes, group_schema
-- grain: dataset, year, grouping, exporter, export_country, export_sector, importer, term
-- doc: Wang, Wei and Zhu (2013) sixteen terms by exporting node and importing economy under a grouping (step group:<name>): groups are one economy each, trade between members is domestic. Terms of a node to an importer sum to its gross exports to that economy. Zero terms are omitted.
-- column dataset: dataset name (as in tables.dataset)
-- column year: year of the input table
-- column grouping: grouping name (groupings.grouping)
-- column exporter: exporting economy: a group name or a country code
-- column export_country: country of the exporting node (a member of exporter)
-- column export_sector: sector of the exporting node
-- column importer: importing economy: a group name or a country code
-- column term: WWZ term name (as in decomp_wwz)
-- column value: value (table unit)
CREATE OR REPLACE VIEW group_wwz AS
SELECT f.dataset, f.year, f.grouping, f.exporter, e.country AS export_country,
       e.sector AS export_sector, f.importer, f.term, f.value
FROM facts.group_wwz f
JOIN nodes e ON e.dataset = f.dataset AND e.node = f.export_node
