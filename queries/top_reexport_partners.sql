-- name: top_reexport_partners
-- kind: macro
-- depends_on: decomp_wwz
-- grain: importer
-- doc: The k partners that re-export most of an exporter's domestic value added to third countries (WWZ DVA_INTrexI1 + DVA_INTrexF + DVA_INTrexI2). Usage: SELECT * FROM top_reexport_partners('wiod2013', 2011, 'DEU', 10)
CREATE OR REPLACE MACRO top_reexport_partners(ds, yr, ctry, k) AS TABLE
SELECT importer, sum(value) AS dva_reexported
FROM decomp_wwz
WHERE dataset = ds AND year = yr AND exporter = ctry
  AND term IN ('DVA_INTrexI1', 'DVA_INTrexF', 'DVA_INTrexI2')
GROUP BY importer
ORDER BY dva_reexported DESC
LIMIT k
