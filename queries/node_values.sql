-- name: node_values
-- kind: view
-- depends_on: nodes
-- grain: dataset, year, country, sector
-- doc: Gross output and value added of every cluster node (country x sector) as ingested (after harmonisation).
-- column dataset: dataset name given at ingest
-- column year: table year
-- column country: country (or region) code as in the source table
-- column sector: sector code as in the source table
-- column output: gross output x (in the dataset's unit, tables.unit, e.g. USD million)
-- column value_added: value added (in the dataset's unit, tables.unit); its definition (file row or residual x - column sums of Z) is in tables.value_added_definition
CREATE OR REPLACE VIEW node_values AS
SELECT f.dataset, f.year, n.country, n.sector, f.output, f.value_added
FROM facts.node_values f
JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
