-- name: gvc_income
-- kind: macro
-- depends_on: product_group_members, nodes, countries
-- grain: year, country
-- doc: GVC income of every country from a product group (Timmer, Los, Stehrer & de Vries 2013; Timmer et al. 2014; Timmer et al. 2015, Table 4): the value added by the country (any sector) in the final output of the group's products completed anywhere in the world, and its share of the world final output of the group. Usage: SELECT * FROM gvc_income('wiod2013', 'manufactures') WHERE year = 2011 ORDER BY share DESC; group as in final_output_group. Needs step final_output.
-- column year: table year
-- column country: country earning the value added
-- column gvc_income: value added by the country in the world final output of the group (table unit)
-- column world_final_output: world final output of the group's products (table unit)
-- column share: gvc_income / world_final_output
CREATE OR REPLACE MACRO gvc_income(ds, grp) AS TABLE
WITH m AS (
    SELECT sector FROM product_group_members WHERE dataset = ds AND product_group = grp
), inc AS (
    SELECT f.year, f.origin_country_pos, sum(f.value) AS gvc_income
    FROM facts.final_output_va f
    JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
    WHERE f.dataset = ds AND n.sector IN (SELECT sector FROM m)
    GROUP BY f.year, f.origin_country_pos
), w AS (
    SELECT f.year, sum(f.value) AS world_final_output
    FROM facts.final_output_node f
    JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
    WHERE f.dataset = ds AND f.measure = 'final_output' AND n.sector IN (SELECT sector FROM m)
    GROUP BY f.year
)
SELECT inc.year, c.country, inc.gvc_income, w.world_final_output,
    CASE WHEN w.world_final_output <> 0 THEN inc.gvc_income / w.world_final_output END AS share
FROM inc
JOIN w ON w.year = inc.year
JOIN countries c ON c.dataset = ds AND c.position = inc.origin_country_pos
ORDER BY inc.year, share DESC
