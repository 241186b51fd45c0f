-- name: va_in_exports_nodes
-- kind: view
-- depends_on: nodes
-- grain: dataset, year, source_country, source_sector, exporter, export_sector
-- doc: Where the value in each exporting node's gross exports was created, by source node: v-hat B E-hat (Koopman, Wang and Wei 2014, eqs. 7-8; R decompr leontief(post = "exports")). n x n rows a year, so only where the opt-in step va_in_exports_nodes ran (gvc run --steps va_in_exports_nodes); for a few exporters gvc.indicators.core.va_in_exports_detail computes the same rows on demand. Summed over source sectors it is va_in_exports.
-- column source_country: country where the value added was created
-- column source_sector: sector where the value added was created
-- column exporter: exporting country
-- column export_sector: exporting sector
-- column value: value added embodied in the exports (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW va_in_exports_nodes AS
SELECT f.dataset, f.year, s.country AS source_country, s.sector AS source_sector,
       e.country AS exporter, e.sector AS export_sector, f.value
FROM facts.va_in_exports f
JOIN nodes s ON s.dataset = f.dataset AND s.node = f.source_node
JOIN nodes e ON e.dataset = f.dataset AND e.node = f.export_node
