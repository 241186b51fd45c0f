-- name: final_output_fva
-- kind: view
-- depends_on: nodes
-- grain: dataset, year, country, sector
-- doc: Domestic and foreign value added in the final output of every country x sector and the foreign value-added share of final output (Los, Timmer & de Vries 2015; Timmer et al. 2014, foreign value-added content of production): foreign_va_share_j = sum over nodes i outside j's country of v_i B_ij, per unit of final output (so also defined where the final output is 0). Step final_output.
-- column dataset: dataset name
-- column year: table year
-- column country: country of completion
-- column sector: sector (product) of completion
-- column final_output: final output y_j, all final demand for the node's products (table unit)
-- column domestic_va: value added by the node's own country (any sector) in its final output (table unit)
-- column foreign_va: value added by all other countries in its final output (table unit)
-- column foreign_va_share: foreign value added per unit of final output (1 - domestic share on a residual-VA table); NULL where the node's gross output is 0
CREATE OR REPLACE VIEW final_output_fva AS
WITH w AS (
    SELECT dataset, year, node,
        max(value) FILTER (WHERE measure = 'final_output') AS final_output,
        max(value) FILTER (WHERE measure = 'domestic_va') AS domestic_va,
        max(value) FILTER (WHERE measure = 'foreign_va') AS foreign_va,
        max(value) FILTER (WHERE measure = 'foreign_va_share') AS foreign_va_share
    FROM facts.final_output_node
    GROUP BY dataset, year, node
)
SELECT w.dataset, w.year, n.country, n.sector, w.final_output, w.domestic_va, w.foreign_va,
    CASE WHEN isnan(w.foreign_va_share) THEN NULL ELSE w.foreign_va_share END
        AS foreign_va_share
FROM w
JOIN nodes n ON n.dataset = w.dataset AND n.node = w.node
