-- name: decomp_bm_exporter
-- kind: view
-- depends_on: decomp_bm
-- grain: dataset, year, exporter, approach, perspective, term
-- doc: Borin-Mancini terms at the exporter (country) level: decomp_bm summed over sectors and importers, world and exporter perspectives only (own-flow perspectives do not add up to a country measure). GVC participation shares: GVC / GEXP, backward GVCB / GEXP, forward GVCF / GEXP.
-- column exporter: exporting country
-- column approach: source or sink
-- column perspective: world or exporter
-- column term: Borin-Mancini term
-- column value: value (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW decomp_bm_exporter AS
SELECT dataset, year, exporter, approach, perspective, term, sum(value) AS value
FROM decomp_bm WHERE perspective IN ('world', 'exporter') GROUP BY ALL
