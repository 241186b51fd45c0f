-- name: final_output_va_nodes
-- kind: view
-- depends_on: nodes
-- grain: dataset, year, origin_country, origin_sector, country, sector
-- doc: The full node-by-node final-product value chains v-hat B y-hat (Timmer et al. 2015, Figure 3): value added by each origin country x sector in the final output of each country x sector. Opt-in step final_output_nodes (n x n rows a year; the default grain, by origin country, is view final_output_va).
-- column dataset: dataset name
-- column year: table year
-- column origin_country: country where the value is added
-- column origin_sector: sector where the value is added
-- column country: country of completion of the final product
-- column sector: sector (product) of completion
-- column value_added: value added by origin_country x origin_sector in the final output of country x sector (table unit)
CREATE OR REPLACE VIEW final_output_va_nodes AS
SELECT f.dataset, f.year, o.country AS origin_country, o.sector AS origin_sector,
    n.country, n.sector, f.value AS value_added
FROM facts.final_output_va_nodes f
JOIN nodes o ON o.dataset = f.dataset AND o.node = f.origin_node
JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
