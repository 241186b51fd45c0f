-- name: positions_country
-- kind: view
-- depends_on: countries, nodes
-- grain: dataset, year, country, variant
-- doc: Country-level U, D, F/GO and VA/GO as in Antras & Chor (2018) Table 1: computed on the world table collapsed to countries (flows, final sales, inventories and output summed over industries), with the net-inventory correction based on each country's aggregate inventories (variant inventory_corrected, step positions) or without (variant uncorrected). Not the output-weighted means of the node values for U and D (they coincide for F/GO and VA/GO only without the correction). World values: positions_world.
-- column dataset: dataset name
-- column year: table year
-- column country: country
-- column variant: inventory_corrected or uncorrected (see view positions)
-- column upstreamness: U of the country on the collapsed table
-- column downstreamness: D of the country on the collapsed table
-- column final_use_share: F/GO of the country; NULL where its output is 0
-- column value_added_share: VA/GO of the country
-- column output: gross output of the country (table unit)
CREATE OR REPLACE VIEW positions_country AS
WITH f AS (
    SELECT dataset, year, country_pos, variant, measure, value FROM facts.position_country
    UNION ALL
    SELECT dataset, year, country_pos, variant, measure, value
    FROM facts.position_country_uncorrected
), w AS (
    SELECT dataset, year, country_pos, variant,
        max(value) FILTER (WHERE measure = 'upstreamness') AS upstreamness,
        max(value) FILTER (WHERE measure = 'downstreamness') AS downstreamness,
        max(value) FILTER (WHERE measure = 'final_use_share') AS final_use_share,
        max(value) FILTER (WHERE measure = 'value_added_share') AS value_added_share
    FROM f
    GROUP BY dataset, year, country_pos, variant
), o AS (
    SELECT nv.dataset, nv.year, n.country_pos, sum(nv.output) AS output
    FROM facts.node_values nv
    JOIN nodes n ON n.dataset = nv.dataset AND n.node = nv.node
    GROUP BY nv.dataset, nv.year, n.country_pos
)
SELECT w.dataset, w.year, c.country, w.variant, w.upstreamness, w.downstreamness,
    CASE WHEN isnan(w.final_use_share) THEN NULL ELSE w.final_use_share END AS final_use_share,
    w.value_added_share, o.output
FROM w
JOIN countries c ON c.dataset = w.dataset AND c.position = w.country_pos
LEFT JOIN o ON o.dataset = w.dataset AND o.year = w.year AND o.country_pos = w.country_pos
