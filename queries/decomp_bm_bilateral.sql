-- name: decomp_bm_bilateral
-- kind: view
-- depends_on: decomp_bm
-- grain: dataset, year, exporter, importer, approach, perspective, term
-- doc: Borin-Mancini terms of each country's exports to each partner: decomp_bm summed over exporting sectors, for the world, exporter and bilateral perspectives (the bilateral perspective is the bilateral perimeter, Stata icio perspective(bilateral)). Example: SELECT * FROM decomp_bm_bilateral WHERE exporter = 'MEX' AND importer = 'USA' AND perspective = 'bilateral'
-- column exporter: exporting country
-- column importer: importing country
-- column approach: source or sink
-- column perspective: world, exporter or bilateral
-- column term: Borin-Mancini term
-- column value: value (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW decomp_bm_bilateral AS
SELECT dataset, year, exporter, importer, approach, perspective, term, sum(value) AS value
FROM decomp_bm WHERE perspective IN ('world', 'exporter', 'bilateral') GROUP BY ALL
