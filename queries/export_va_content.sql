-- name: export_va_content
-- kind: view
-- depends_on: nodes
-- grain: dataset, year, exporter
-- doc: Domestic and foreign value-added content of each country's gross exports (Hummels, Ishii and Yi 2001; KWW 2014 eq. 8; TiVA EXGR_DVA / EXGR_FVA with the Leontief (EXGR_BSCI) split): column sums of the domestic and foreign blocks of V B E-hat. dva_share + fva_share = 1 when value added is the residual x - column sums of Z.
-- column exporter: exporting country
-- column gross_exports: total gross exports (in the dataset's unit, tables.unit)
-- column dva: domestic value added in gross exports (in the dataset's unit, tables.unit)
-- column fva: foreign value added in gross exports (vertical specialisation; in the dataset's unit, tables.unit)
-- column dva_share: dva / gross_exports (unit-free share)
-- column fva_share: fva / gross_exports (unit-free share)
CREATE OR REPLACE VIEW export_va_content AS
SELECT f.dataset, f.year, n.country AS exporter, sum(f.gross_exports) AS gross_exports,
       sum(f.dva) AS dva, sum(f.fva) AS fva,
       sum(f.dva) / nullif(sum(f.gross_exports), 0) AS dva_share,
       sum(f.fva) / nullif(sum(f.gross_exports), 0) AS fva_share
FROM facts.export_va f
JOIN nodes n ON n.dataset = f.dataset AND n.node = f.export_node
GROUP BY f.dataset, f.year, n.country
