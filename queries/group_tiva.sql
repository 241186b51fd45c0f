-- name: group_tiva
-- kind: view
-- depends_on: nodes, sectors, group_schema
-- grain: dataset, year, grouping, economy, country, sector, partner, indicator
-- doc: OECD TiVA indicators under a grouping (step group:<name>), with economies for countries: by exporting or origin node (country, sector set; partner set for FD_VA, FFD_DVA, IMGR_DVA), by absorbing economy and source sector (DFD_FVA: country NULL) and by economy pair (BALVAFD: country and sector NULL). Definitions as in the tiva view.
-- column dataset: dataset name (as in tables.dataset)
-- column year: year of the input table
-- column grouping: grouping name (groupings.grouping)
-- column economy: economy of the node (exporting or origin), or the absorbing economy for DFD_FVA, the first economy for BALVAFD
-- column country: country of the node; NULL for economy-level indicators
-- column sector: sector of the node, or the source sector for DFD_FVA
-- column partner: partner economy (FD_VA, FFD_DVA: absorbing economy; IMGR_DVA: economy imported from; BALVAFD: second economy); NULL otherwise
-- column indicator: TiVA indicator code (EXGR, EXGR_DVA, EXGR_FVA, FD_VA, DFD_FVA, BALVAFD, ...)
-- column value: value (table unit, or a fraction for the ...SH shares)
CREATE OR REPLACE VIEW group_tiva AS
SELECT f.dataset, f.year, f.grouping, f.economy, n.country,
       coalesce(n.sector, s.sector) AS sector, f.partner, f.indicator, f.value
FROM facts.group_tiva f
LEFT JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
LEFT JOIN sectors s ON s.dataset = f.dataset AND s.position = f.sector_pos
