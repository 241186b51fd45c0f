-- name: io_cells
-- kind: view
-- depends_on: nodes, countries, fd_categories
-- grain: dataset, year, row_country, row_sector, col_country, col_item
-- doc: The harmonised input-output table in the common long layout: intermediate cells (col_item = buying sector) and final-demand cells (col_item = final-demand category of col_country). Zero cells are omitted.
-- column row_country: selling (producing) country
-- column row_sector: selling (producing) sector
-- column col_country: buying country (intermediate use or final demand)
-- column col_item: buying sector code (intermediate use) or final-demand category code
-- column is_final: true for final-demand cells
-- column value: flow in the dataset's unit (tables.unit, e.g. USD million)
CREATE OR REPLACE VIEW io_cells AS
SELECT z.dataset, z.year, r.country AS row_country, r.sector AS row_sector,
       c.country AS col_country, c.sector AS col_item, false AS is_final, z.value
FROM facts.intermediate z
JOIN nodes r ON r.dataset = z.dataset AND r.node = z.row_node
JOIN nodes c ON c.dataset = z.dataset AND c.node = z.col_node
UNION ALL
SELECT y.dataset, y.year, r.country, r.sector, k.country, f.category, true, y.value
FROM facts.final_demand y
JOIN nodes r ON r.dataset = y.dataset AND r.node = y.row_node
JOIN countries k ON k.dataset = y.dataset AND k.position = y.col_country_pos
JOIN fd_categories f ON f.dataset = y.dataset AND f.position = y.category_pos
