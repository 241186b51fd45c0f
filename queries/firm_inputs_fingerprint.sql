-- name: firm_inputs_fingerprint
-- kind: macro
-- depends_on: firm_schema
-- grain: one row
-- doc: Fingerprint of a firm network's current input files: sha256 of the sorted
-- doc: 'kind:sha256' list of firms.inputs. Stored with each run (firms.runs) and recomputed by
-- doc: firm_runs_status: a different value means the inputs changed since the run. Usage:
-- doc: SELECT * FROM firm_inputs_fingerprint('demo')
-- column fingerprint: sha256 of the comma-joined kind:sha256 pairs, ordered by kind (NULL without inputs)
CREATE OR REPLACE MACRO firm_inputs_fingerprint(net) AS TABLE
SELECT sha256(string_agg(kind || ':' || sha256, ',' ORDER BY kind)) AS fingerprint
FROM firms.inputs
WHERE network = net
HAVING count(*) > 0
