-- name: positions
-- kind: view
-- depends_on: nodes
-- grain: dataset, year, country, sector, variant
-- doc: Position of every node in value chains as Antras & Chor (2018, NBER WP 24185, eqs. 5-8) publish it: upstreamness U = x-hat^-1 (I - A)^-1 x (distance from final use; Antras, Chor, Fally & Hillberry 2012), downstreamness D' = 1'(I - A)^-1 (embodied stages; Fally 2012, Miller & Temurshoev 2017), F/GO and VA/GO. Variant inventory_corrected (step positions, the published convention): every intermediate and non-inventory final sale of row i scaled by x_i / (x_i - N_i), N_i the row's net inventory change (Antras et al. 2012); variant uncorrected: step positions_uncorrected (opt-in). Zero-output nodes: U = D = VA/GO = 1, F/GO NULL (the authors' convention). Country level: positions_country.
-- column dataset: dataset name
-- column year: table year
-- column country: country of the node
-- column sector: sector of the node
-- column variant: inventory_corrected (Antras et al. 2012 net-inventory correction; written by step positions wherever the table has an inventory category) or uncorrected (step positions_uncorrected, or step positions on a table without an inventory category)
-- column upstreamness: U, average number of stages before the node's output reaches final use (>= 1)
-- column downstreamness: D, average number of production stages embodied in the node's output, counted from primary inputs (>= 1)
-- column final_use_share: F/GO, share of gross output sold to final use (inventory changes excluded when corrected); NULL where output is 0
-- column value_added_share: VA/GO, 1 minus the (corrected) intermediate input coefficients' column sum: primary inputs per unit of output
-- column output: gross output of the node (table unit)
CREATE OR REPLACE VIEW positions AS
WITH f AS (
    SELECT dataset, year, node, variant, measure, value FROM facts.position_node
    UNION ALL
    SELECT dataset, year, node, variant, measure, value FROM facts.position_node_uncorrected
), w AS (
    SELECT dataset, year, node, variant,
        max(value) FILTER (WHERE measure = 'upstreamness') AS upstreamness,
        max(value) FILTER (WHERE measure = 'downstreamness') AS downstreamness,
        max(value) FILTER (WHERE measure = 'final_use_share') AS final_use_share,
        max(value) FILTER (WHERE measure = 'value_added_share') AS value_added_share
    FROM f
    GROUP BY dataset, year, node, variant
)
SELECT w.dataset, w.year, n.country, n.sector, w.variant, w.upstreamness, w.downstreamness,
    CASE WHEN isnan(w.final_use_share) THEN NULL ELSE w.final_use_share END AS final_use_share,
    w.value_added_share, nv.output
FROM w
JOIN nodes n ON n.dataset = w.dataset AND n.node = w.node
LEFT JOIN facts.node_values nv ON nv.dataset = w.dataset AND nv.year = w.year AND nv.node = w.node
