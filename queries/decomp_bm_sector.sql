-- name: decomp_bm_sector
-- kind: view
-- depends_on: decomp_bm
-- grain: dataset, year, exporter, export_sector, approach, perspective, term
-- doc: Borin-Mancini terms of each exporting sector's total exports: decomp_bm summed over importers, for the world, exporter and sector perspectives (the sector perspective is the sectoral perimeter, Stata icio perspective(sectexp)). Example: SELECT * FROM decomp_bm_sector WHERE exporter = 'CHN' AND year = 2011 AND perspective = 'sector' AND term = 'DVA'
-- column exporter: exporting country
-- column export_sector: exporting sector
-- column approach: source or sink
-- column perspective: world, exporter or sector
-- column term: Borin-Mancini term
-- column value: value (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW decomp_bm_sector AS
SELECT dataset, year, exporter, export_sector, approach, perspective, term, sum(value) AS value
FROM decomp_bm WHERE perspective IN ('world', 'exporter', 'sector') GROUP BY ALL
