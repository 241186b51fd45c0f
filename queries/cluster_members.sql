-- name: cluster_members
-- kind: view
-- depends_on: nodes, lockin_schema
-- grain: dataset, cluster, country, sector
-- doc: Members of the user-defined clusters (table clusters(dataset, cluster, country, sector): INSERT rows there, or load a CSV/TOML file with 'gvc flags --clusters FILE', gvc.clusters.store_clusters) with their node ids; member = NULL node means the country/sector is not a node of the dataset.
-- column cluster: cluster name
-- column node: node id (NULL: not a node of the dataset)
CREATE OR REPLACE VIEW cluster_members AS
SELECT c.dataset, c.cluster, c.country, c.sector, n.node
FROM clusters c
LEFT JOIN nodes n ON n.dataset = c.dataset AND n.country = c.country AND n.sector = c.sector
