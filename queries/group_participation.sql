-- name: group_participation
-- kind: view
-- depends_on: nodes, group_schema
-- grain: dataset, year, grouping, economy, country, sector, measure
-- doc: GVC participation under a grouping (step group:<name>): Wang, Wei, Yu and Zhu (2017a) production-based terms and participation, Koopman et al. (2010) participation and position (koopman_*), per node (country and sector set) and per economy (country and sector NULL), with each group one economy (its final goods absorbed inside the group count as domestic).
-- column dataset: dataset name (as in tables.dataset)
-- column year: year of the input table
-- column grouping: grouping name (groupings.grouping)
-- column economy: economy: a group name or a country code
-- column country: country of the node; NULL for economy-level measures
-- column sector: sector of the node; NULL for economy-level measures
-- column measure: measure name (V_D_f ... GVCPt_b_C, koopman_IV, koopman_participation, ...)
-- column value: value (table unit, or a ratio for participation, position)
CREATE OR REPLACE VIEW group_participation AS
SELECT f.dataset, f.year, f.grouping, f.economy, n.country, n.sector, f.measure, f.value
FROM facts.group_participation f
LEFT JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
