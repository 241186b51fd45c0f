-- name: cluster_embeddedness
-- kind: view
-- depends_on: cluster_members, embeddedness_measures, embeddedness
-- grain: dataset, year, cluster, measure
-- doc: Embeddedness measures aggregated to each user-defined cluster: levels and additive centralities (strengths, PageRank) are summed; shares and other centralities are means weighted by the measure named in embeddedness_measures.weight (gross exports for trade shares, value added for forward/pure-domestic shares and border crossings, output for export share and gvc_backward, intermediate inputs or sales for the domestic shares); plus the cluster's own linkages from the intermediate flows: intra_cluster_sales_share (members' intermediate sales bought by members, the 'cluster registry' criterion), intra_cluster_input_share, foreign_input_share (as gvc.lockin.cluster_metrics).
-- column cluster: cluster name
-- column measure: measure name (embeddedness_measures, or intra_cluster_sales_share, intra_cluster_input_share, foreign_input_share)
-- column value: aggregated value (NULL where no member has one)
-- column members: members with a value
CREATE OR REPLACE VIEW cluster_embeddedness AS
WITH m AS (
    SELECT c.dataset, c.cluster, c.node FROM cluster_members c WHERE c.node IS NOT NULL
),
e AS (
    SELECT f.dataset, f.year, f.node, f.measure, f.value FROM facts.embeddedness f
    UNION ALL
    SELECT f.dataset, f.year, f.node, f.measure, f.value FROM facts.embeddedness_betweenness f
),
v AS (
    SELECT m.cluster, e.*, d.aggregation, w.value AS weight
    FROM m
    JOIN e ON e.dataset = m.dataset AND e.node = m.node
    JOIN embeddedness_measures d ON d.measure = e.measure
    LEFT JOIN facts.embeddedness w
        ON w.dataset = e.dataset AND w.year = e.year AND w.node = e.node AND w.measure = d.weight
    WHERE d.aggregation <> 'none'
),
agg AS (
    SELECT dataset, year, cluster, measure,
        CASE WHEN any_value(aggregation) = 'sum' THEN sum(value)
             ELSE sum(value * weight) FILTER (WHERE value IS NOT NULL AND weight IS NOT NULL)
                  / nullif(sum(weight) FILTER (WHERE value IS NOT NULL AND weight IS NOT NULL), 0)
        END AS value,
        count(value) AS members
    FROM v GROUP BY dataset, year, cluster, measure
),
z AS (
    SELECT i.dataset, i.year, k.cluster, i.value,
        r.node IS NOT NULL AS from_member, c.node IS NOT NULL AS to_member,
        nr.country_pos <> nc.country_pos AS cross_border
    FROM (SELECT DISTINCT dataset, cluster FROM m) k
    JOIN facts.intermediate i ON i.dataset = k.dataset
    LEFT JOIN m r ON r.dataset = k.dataset AND r.cluster = k.cluster AND r.node = i.row_node
    LEFT JOIN m c ON c.dataset = k.dataset AND c.cluster = k.cluster AND c.node = i.col_node
    JOIN nodes nr ON nr.dataset = i.dataset AND nr.node = i.row_node
    JOIN nodes nc ON nc.dataset = i.dataset AND nc.node = i.col_node
    WHERE r.node IS NOT NULL OR c.node IS NOT NULL
),
links AS (
    SELECT z.dataset, z.year, z.cluster,
        sum(value) FILTER (WHERE from_member AND to_member)
            / nullif(sum(value) FILTER (WHERE from_member), 0) AS intra_cluster_sales_share,
        sum(value) FILTER (WHERE from_member AND to_member)
            / nullif(sum(value) FILTER (WHERE to_member), 0) AS intra_cluster_input_share,
        sum(value) FILTER (WHERE to_member AND cross_border)
            / nullif(sum(value) FILTER (WHERE to_member), 0) AS foreign_input_share,
        any_value(s.members) AS members
    FROM z
    JOIN (SELECT dataset, cluster, count(*) AS members FROM m GROUP BY ALL) s
        ON s.dataset = z.dataset AND s.cluster = z.cluster
    GROUP BY z.dataset, z.year, z.cluster
)
SELECT dataset, year, cluster, measure, value, members FROM agg
UNION ALL
SELECT dataset, year, cluster, measure, value, members
FROM links UNPIVOT INCLUDE NULLS (value FOR measure IN (
    intra_cluster_sales_share, intra_cluster_input_share, foreign_input_share))
