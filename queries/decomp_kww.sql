-- name: decomp_kww
-- kind: view
-- depends_on: countries
-- grain: dataset, year, exporter, term
-- doc: Koopman, Wang and Wei (2014, AER) decomposition of each country's gross exports: nine terms DVA_FIN, DVA_INT, DVA_INTrex, RDV_FIN, RDV_INT, DDC, FVA_FIN, FVA_INT, FDC (they sum to gross exports) and the groups VAX, DVA, RDV, FVA, PDC.
-- column exporter: exporting country
-- column term: KWW term or group name
-- column value: value (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW decomp_kww AS
SELECT f.dataset, f.year, c.country AS exporter, f.term, f.value
FROM facts.decomp_kww f
JOIN countries c ON c.dataset = f.dataset AND c.position = f.exporter_pos
