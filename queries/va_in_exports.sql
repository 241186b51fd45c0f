-- name: va_in_exports
-- kind: view
-- depends_on: nodes, countries
-- grain: dataset, year, source_country, exporter, export_sector
-- doc: Where the value in each exporting node's gross exports was created, by source country: V_c B E-hat (Koopman, Wang and Wei 2014, eqs. 7-8; TiVA EXGR_BSCI; R decompr leontief(post = "exports") summed over source sectors). Summed over sources it equals the node's gross exports when value added is the residual x - column sums of Z. Written by the core step (G x n rows a year); the detail by source sector is the view va_in_exports_nodes (opt-in step va_in_exports_nodes) or gvc.indicators.core.va_in_exports_detail (on demand).
-- column source_country: country where the value added was created
-- column exporter: exporting country
-- column export_sector: exporting sector
-- column value: value added embodied in the exports (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW va_in_exports AS
SELECT f.dataset, f.year, c.country AS source_country,
       e.country AS exporter, e.sector AS export_sector, f.value
FROM facts.va_in_exports_country f
JOIN countries c ON c.dataset = f.dataset AND c.position = f.source_country_pos
JOIN nodes e ON e.dataset = f.dataset AND e.node = f.export_node
