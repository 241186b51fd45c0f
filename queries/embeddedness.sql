-- name: embeddedness
-- kind: view
-- depends_on: nodes
-- grain: dataset, year, country, sector, measure
-- doc: Embeddedness of every cluster node (country x sector) in global value chains (issue 5): trade-based participation (Borin-Mancini GVCB/GVCF shares of gross exports, TiVA FVA share), production-based participation (WWYZ 2017a gvc_forward, gvc_backward), pure-domestic VA share, export share, domestic shares of intermediate inputs and sales, domestic supplier concentration, mean border crossings of the node's value added, and centralities on the intermediate-flow (znet_*) and value-added (vanet_*) networks over full, foreign and domestic links. Step 'embeddedness' (betweenness: opt-in step 'embeddedness_betweenness'); definitions in gvc/kernels/embeddedness.py and the view embeddedness_measures.
-- column country: country of the node
-- column sector: sector of the node
-- column measure: measure name (see embeddedness_measures)
-- column value: value (unit-free share, count or centrality, or in the dataset's unit, tables.unit; NULL where undefined, e.g. a share of zero exports)
CREATE OR REPLACE VIEW embeddedness AS
SELECT f.dataset, f.year, n.country, n.sector, f.measure, f.value
FROM (
    SELECT dataset, year, node, measure, value FROM facts.embeddedness
    UNION ALL
    SELECT dataset, year, node, measure, value FROM facts.embeddedness_betweenness
) f
JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
