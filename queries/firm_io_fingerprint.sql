-- name: firm_io_fingerprint
-- kind: macro
-- depends_on: firm_schema
-- grain: one row
-- doc: Fingerprint of the country x industry tables a firm-network run linked to: sha256 of
-- doc: the sorted 'year:file_sha256' list of the dataset's tables in the given years (the
-- doc: embeddedness measures are computed from them). Usage:
-- doc: SELECT * FROM firm_io_fingerprint('wiod2013', [2011])
-- column fingerprint: sha256 of the comma-joined year:file_sha256 pairs, ordered by year (NULL when none)
CREATE OR REPLACE MACRO firm_io_fingerprint(ds, yrs) AS TABLE
SELECT sha256(string_agg(year::VARCHAR || ':' || file_sha256, ',' ORDER BY year)) AS fingerprint
FROM tables
WHERE dataset = ds AND list_contains(yrs, year)
HAVING count(*) > 0
