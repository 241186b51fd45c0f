-- name: firm_registry
-- kind: macro
-- depends_on: firm_schema
-- grain: cluster, firm
-- doc: The registry rule member by member, in plain SQL over the stored transactions:
-- doc: firm_registry(network, year, threshold) gives each member's intermediate sales to other
-- doc: members of the cluster, all its intermediate sales, the share and whether it passes
-- doc: (intra >= threshold * total, so exactly the threshold passes; members without sales do
-- doc: not count). Usage: SELECT * FROM firm_registry('demo', 2011, 0.2) WHERE NOT passes
-- column cluster: cluster name
-- column firm: member id as in the firm file
-- column intra_sales: the member's sales to other members of the cluster
-- column total_sales: all its intermediate sales (transactions)
-- column share: intra_sales / total_sales (NULL without sales)
-- column has_sales: total_sales > 0 (members without sales are left out of the rule)
-- column passes: has_sales and intra_sales >= threshold * total_sales
CREATE OR REPLACE MACRO firm_registry(net, yr, threshold) AS TABLE
WITH m AS (
    SELECT DISTINCT cluster_idx, firm_idx FROM firms.memberships
    WHERE network = net AND (year IS NULL OR year = yr)
),
t AS (
    SELECT supplier, buyer, value FROM firms.transactions
    WHERE network_id = (SELECT network_id FROM firms.networks WHERE network = net) AND year = yr
),
sold AS (SELECT supplier AS firm_idx, sum(value) AS total FROM t GROUP BY supplier),
ts AS MATERIALIZED (
    SELECT m.cluster_idx, t.supplier, t.buyer, t.value FROM t JOIN m ON m.firm_idx = t.supplier
),
intra AS (
    SELECT ts.cluster_idx, ts.supplier AS firm_idx, sum(ts.value) AS intra
    FROM ts JOIN m ON m.firm_idx = ts.buyer AND m.cluster_idx = ts.cluster_idx
    GROUP BY ts.cluster_idx, ts.supplier
),
labels AS (SELECT DISTINCT firm_idx, firm FROM firms.firms WHERE network = net)
SELECT c.cluster, l.firm, coalesce(i.intra, 0.0) AS intra_sales,
    coalesce(s.total, 0.0) AS total_sales,
    CASE WHEN s.total > 0 THEN coalesce(i.intra, 0.0) / s.total END AS share,
    coalesce(s.total, 0.0) > 0 AS has_sales,
    coalesce(s.total, 0.0) > 0 AND coalesce(i.intra, 0.0) >= threshold * s.total AS passes
FROM m
JOIN firms.clusters c ON c.network = net AND c.cluster_idx = m.cluster_idx
JOIN labels l ON l.firm_idx = m.firm_idx
LEFT JOIN sold s ON s.firm_idx = m.firm_idx
LEFT JOIN intra i ON i.cluster_idx = m.cluster_idx AND i.firm_idx = m.firm_idx
