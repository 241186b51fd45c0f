-- name: positions_world
-- kind: view
-- depends_on: positions_country
-- grain: dataset, year, variant
-- doc: World averages of the country-level position measures, weighted by gross output (Antras & Chor 2018, section 2.3 and Figure 2: world F/GO 0.526 in 1995 and 0.486 in 2011 on WIOD 2013). On a closed world table world F/GO = world VA/GO and world U = world D (Miller & Temurshoev 2017, Proposition 1); measures of the complexity of world production, not of position.
-- column dataset: dataset name
-- column year: table year
-- column variant: inventory_corrected or uncorrected (see view positions)
-- column upstreamness: output-weighted mean of the countries' U
-- column downstreamness: output-weighted mean of the countries' D
-- column final_use_share: output-weighted mean of the countries' F/GO (countries with zero output left out)
-- column value_added_share: output-weighted mean of the countries' VA/GO
-- column output: world gross output (table unit)
CREATE OR REPLACE VIEW positions_world AS
SELECT dataset, year, variant,
    sum(upstreamness * output) / sum(output) AS upstreamness,
    sum(downstreamness * output) / sum(output) AS downstreamness,
    sum(final_use_share * output) / sum(output) FILTER (WHERE final_use_share IS NOT NULL)
        AS final_use_share,
    sum(value_added_share * output) / sum(output) AS value_added_share,
    sum(output) AS output
FROM positions_country
GROUP BY dataset, year, variant
