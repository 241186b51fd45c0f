-- name: embeddedness_wide
-- kind: view
-- depends_on: nodes, sectors
-- grain: dataset, year, country, sector
-- doc: The common embeddedness measures of every node as columns (one row per node and year), with participation = gvc_backward + gvc_forward (WWYZ 2017a, the sum the declining_integration rule compares) and the label of the largest domestic supplier. Long form and all measures: view embeddedness.
-- column participation: gvc_backward + gvc_forward
-- column top_domestic_supplier: sector of the largest domestic supplier (other than the node itself)
-- column gvc_backward: see embeddedness_measures
-- column gvc_forward: see embeddedness_measures
-- column bm_gvcb_share: see embeddedness_measures
-- column bm_gvcf_share: see embeddedness_measures
-- column fva_share: see embeddedness_measures
-- column pure_domestic_share: see embeddedness_measures
-- column export_share: see embeddedness_measures
-- column domestic_input_share: see embeddedness_measures
-- column domestic_sales_share: see embeddedness_measures
-- column domestic_input_hhi: see embeddedness_measures
-- column top_domestic_supplier_share: see embeddedness_measures
-- column crossings_mean: see embeddedness_measures
-- column znet_pagerank_full: see embeddedness_measures
-- column znet_pagerank_foreign: see embeddedness_measures
-- column znet_pagerank_domestic: see embeddedness_measures
-- column vanet_pagerank_full: see embeddedness_measures
-- column vanet_pagerank_foreign: see embeddedness_measures
-- column vanet_pagerank_domestic: see embeddedness_measures
CREATE OR REPLACE VIEW embeddedness_wide AS
WITH w AS (
    SELECT f.dataset, f.year, f.node,
    max(f.value) FILTER (WHERE f.measure = 'gvc_backward') AS gvc_backward,
        max(f.value) FILTER (WHERE f.measure = 'gvc_forward') AS gvc_forward,
        max(f.value) FILTER (WHERE f.measure = 'bm_gvcb_share') AS bm_gvcb_share,
        max(f.value) FILTER (WHERE f.measure = 'bm_gvcf_share') AS bm_gvcf_share,
        max(f.value) FILTER (WHERE f.measure = 'fva_share') AS fva_share,
        max(f.value) FILTER (WHERE f.measure = 'pure_domestic_share') AS pure_domestic_share,
        max(f.value) FILTER (WHERE f.measure = 'export_share') AS export_share,
        max(f.value) FILTER (WHERE f.measure = 'domestic_input_share') AS domestic_input_share,
        max(f.value) FILTER (WHERE f.measure = 'domestic_sales_share') AS domestic_sales_share,
        max(f.value) FILTER (WHERE f.measure = 'domestic_input_hhi') AS domestic_input_hhi,
        max(f.value) FILTER (WHERE f.measure = 'top_domestic_supplier_share') AS top_domestic_supplier_share,
        max(f.value) FILTER (WHERE f.measure = 'crossings_mean') AS crossings_mean,
        max(f.value) FILTER (WHERE f.measure = 'znet_pagerank_full') AS znet_pagerank_full,
        max(f.value) FILTER (WHERE f.measure = 'znet_pagerank_foreign') AS znet_pagerank_foreign,
        max(f.value) FILTER (WHERE f.measure = 'znet_pagerank_domestic') AS znet_pagerank_domestic,
        max(f.value) FILTER (WHERE f.measure = 'vanet_pagerank_full') AS vanet_pagerank_full,
        max(f.value) FILTER (WHERE f.measure = 'vanet_pagerank_foreign') AS vanet_pagerank_foreign,
        max(f.value) FILTER (WHERE f.measure = 'vanet_pagerank_domestic') AS vanet_pagerank_domestic,
        max(f.value) FILTER (WHERE f.measure = 'top_domestic_supplier_pos') AS top_pos
    FROM facts.embeddedness f
    GROUP BY f.dataset, f.year, f.node
)
SELECT w.dataset, w.year, n.country, n.sector,
    w.gvc_backward + w.gvc_forward AS participation,
    w.* EXCLUDE (dataset, year, node, top_pos),
    s.sector AS top_domestic_supplier
FROM w
JOIN nodes n ON n.dataset = w.dataset AND n.node = w.node
LEFT JOIN sectors s ON s.dataset = w.dataset AND s.position = CAST(w.top_pos AS INTEGER)
