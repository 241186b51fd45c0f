-- name: final_output_va
-- kind: view
-- depends_on: nodes, countries
-- grain: dataset, year, origin_country, country, sector
-- doc: Final-product value chains (Timmer, Erumban, Los, Stehrer & de Vries 2014; Los, Timmer & de Vries 2015; Timmer et al. 2015, eq. 1): value added by each origin country in the final output of each country x sector (the product's country of completion), S v-hat B y-hat with y = Y 1 all final demand for the node's products (every destination and category, inventories included). Over all origin countries the value added equals the final output on a table whose value added is the residual x - 1'Z. Step final_output; zero cells are not stored. Product groups: macros final_output_group and gvc_income.
-- column dataset: dataset name
-- column year: table year
-- column origin_country: country where the value is added (by any of its sectors)
-- column country: country of completion of the final product
-- column sector: sector (product) of completion
-- column value_added: value added by origin_country in the final output of country x sector (table unit)
-- column final_output: final output of country x sector, all final demand for its products (table unit)
-- column share: value_added / final_output (NULL where the final output is 0)
CREATE OR REPLACE VIEW final_output_va AS
SELECT f.dataset, f.year, oc.country AS origin_country, n.country, n.sector,
    f.value AS value_added, fo.value AS final_output,
    CASE WHEN fo.value <> 0 THEN f.value / fo.value END AS share
FROM facts.final_output_va f
JOIN countries oc ON oc.dataset = f.dataset AND oc.position = f.origin_country_pos
JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
LEFT JOIN facts.final_output_node fo
    ON fo.dataset = f.dataset AND fo.year = f.year AND fo.node = f.node
    AND fo.measure = 'final_output'
