-- name: lockin_flagged
-- kind: macro
-- depends_on: lockin_flags
-- grain: year, sector, flag
-- doc: Flagged nodes of one country over time: lockin_flagged(dataset, country) returns year, sector, cluster, flag, score, reasons of every flagged row, in time order.
CREATE OR REPLACE MACRO lockin_flagged(ds, ctry) AS TABLE
SELECT year, sector, cluster, flag, score, reasons
FROM lockin_flags
WHERE dataset = ds AND country = ctry AND flagged
ORDER BY flag, sector, year
