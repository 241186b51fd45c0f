-- name: gross_exports
-- kind: view
-- depends_on: nodes, countries
-- grain: dataset, year, exporter, export_sector, importer
-- doc: Gross exports of each exporting node to each other country, split into intermediate (Z) and final (Y) sales.
-- column exporter: exporting country
-- column export_sector: exporting sector
-- column importer: importing country (never the exporter)
-- column intermediate: intermediate exports, sum over buying sectors of Z (in the dataset's unit, tables.unit)
-- column final: final-goods exports, sum over final-demand categories of Y (in the dataset's unit, tables.unit)
-- column total: intermediate + final (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW gross_exports AS
SELECT f.dataset, f.year, e.country AS exporter, e.sector AS export_sector,
       i.country AS importer, f.intermediate, f.final, f.intermediate + f.final AS total
FROM facts.gross_exports f
JOIN nodes e ON e.dataset = f.dataset AND e.node = f.export_node
JOIN countries i ON i.dataset = f.dataset AND i.position = f.importer_pos
