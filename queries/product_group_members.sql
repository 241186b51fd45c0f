-- name: product_group_members
-- kind: view
-- depends_on: sectors, product_groups, product_group_concordance
-- grain: dataset, product_group, sector
-- doc: The sectors of every product group of every dataset, for the macros final_output_group and gvc_income: the user's groups (table product_groups), the shipped concordance groups whose codes the dataset has (product_group_concordance: manufactures, transport_equipment), and every sector as a group of its own (named by its code). A user group replaces a concordance group or sector of the same name.
-- column dataset: dataset name
-- column product_group: group name
-- column sector: sector code of the dataset in the group
-- column source: where the group comes from: product_groups, concordance <classification>, or sector
CREATE OR REPLACE VIEW product_group_members AS
WITH size AS (
    SELECT classification, product_group, count(*) AS k
    FROM product_group_concordance
    GROUP BY classification, product_group
), hit AS (
    SELECT s.dataset, c.classification, c.product_group, count(*) AS k
    FROM product_group_concordance c
    JOIN sectors s ON s.sector = c.sector
    GROUP BY s.dataset, c.classification, c.product_group
), applies AS (
    SELECT h.dataset, h.classification, h.product_group
    FROM hit h
    JOIN size z ON z.classification = h.classification AND z.product_group = h.product_group
    WHERE h.k = z.k
)
SELECT dataset, product_group, sector, 'product_groups' AS source FROM product_groups
UNION ALL
SELECT a.dataset, a.product_group, c.sector, 'concordance ' || a.classification AS source
FROM applies a
JOIN product_group_concordance c
    ON c.classification = a.classification AND c.product_group = a.product_group
WHERE NOT EXISTS (
    SELECT 1 FROM product_groups u
    WHERE u.dataset = a.dataset AND u.product_group = a.product_group)
UNION ALL
SELECT s.dataset, s.sector AS product_group, s.sector, 'sector' AS source
FROM sectors s
WHERE NOT EXISTS (
    SELECT 1 FROM product_groups u WHERE u.dataset = s.dataset AND u.product_group = s.sector)
