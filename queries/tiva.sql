-- name: tiva
-- kind: view
-- depends_on: nodes, countries
-- grain: dataset, year, country, sector, partner, indicator
-- doc: OECD TiVA core indicators by exporting (or value-added origin) node, with TiVA's names: EXGR, EXGR_INT, EXGR_FNL, EXGR_DVA = EXGR_DDC + EXGR_IDC + EXGR_RIM, EXGR_FVA, EXGR_DVASH, EXGR_FVASH (fractions), EXGR_DVAFX, EXGR_DVAFXSH, DXD_DVA; and by partner country FD_VA, FFD_DVA, IMGR_DVA. Definitions follow the formulas of R exvatools make_exvadec_oecd (see gvc/kernels/tiva.py).
-- column country: exporting or origin country
-- column sector: exporting or origin sector
-- column partner: partner country for FD_VA, FFD_DVA, IMGR_DVA; NULL otherwise
-- column indicator: TiVA indicator code
-- column value: value (in the dataset's unit, tables.unit; a unit-free fraction for *SH indicators; NULL where undefined)
CREATE OR REPLACE VIEW tiva AS
SELECT f.dataset, f.year, n.country, n.sector, NULL::VARCHAR AS partner, f.indicator, f.value
FROM facts.tiva_node f
JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
UNION ALL
SELECT f.dataset, f.year, n.country, n.sector, p.country, f.indicator, f.value
FROM facts.tiva_node_partner f
JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
JOIN countries p ON p.dataset = f.dataset AND p.position = f.partner_pos
