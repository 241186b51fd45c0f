-- name: final_output_group
-- kind: macro
-- depends_on: product_group_members, nodes, countries
-- grain: year, origin_country, country
-- doc: Value added by each origin country in the final output of a product group completed in each country (Timmer et al. 2014, 2015: e.g. the value chain of German transport equipment). Usage: SELECT * FROM final_output_group('wiod2013', 'manufactures') WHERE country = 'DEU' AND year = 2011; group = a name in product_group_members (user group, shipped concordance group or a single sector code such as 'c15'). Needs step final_output.
-- column year: table year
-- column origin_country: country where the value is added
-- column country: country of completion of the group's final products
-- column value_added: value added by origin_country in that final output (table unit)
-- column final_output: final output of the group's products completed in country (table unit)
-- column share: value_added / final_output (NULL where the final output is 0)
CREATE OR REPLACE MACRO final_output_group(ds, grp) AS TABLE
WITH m AS (
    SELECT sector FROM product_group_members WHERE dataset = ds AND product_group = grp
), va AS (
    SELECT f.year, oc.country AS origin_country, n.country, sum(f.value) AS value_added
    FROM facts.final_output_va f
    JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
    JOIN countries oc ON oc.dataset = f.dataset AND oc.position = f.origin_country_pos
    WHERE f.dataset = ds AND n.sector IN (SELECT sector FROM m)
    GROUP BY f.year, oc.country, n.country
), fo AS (
    SELECT f.year, n.country, sum(f.value) AS final_output
    FROM facts.final_output_node f
    JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
    WHERE f.dataset = ds AND f.measure = 'final_output' AND n.sector IN (SELECT sector FROM m)
    GROUP BY f.year, n.country
)
SELECT va.year, va.origin_country, va.country, va.value_added, fo.final_output,
    CASE WHEN fo.final_output <> 0 THEN va.value_added / fo.final_output END AS share
FROM va
JOIN fo ON fo.year = va.year AND fo.country = va.country
ORDER BY va.year, va.country, va.value_added DESC
