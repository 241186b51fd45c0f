-- name: results
-- kind: view
-- depends_on: tables
-- grain: dataset, year, result
-- doc: Every stored result (one row of the results ledger) with whether it is current: computed
-- doc: from the stored input table (same identity) by the gvc version that last opened the store
-- doc: for writing. Options and definitions are checked by the commands that read a result
-- doc: (a chain redefined, other lock-in rules): see options_hash. Replacing a table deletes the
-- doc: results computed from it, so a result is stale here only after a gvc upgrade or a change
-- doc: made behind gvc's back.
-- column dataset: dataset name
-- column year: year of the input table
-- column result: result name: a step (core, wwz, ...), chain:<name>, flags, scenario:<name>
-- column kind: step, chain, flags or scenario
-- column tables: fact tables holding its rows (facts.<name>; views of the same names)
-- column depends_on_years: years whose input it read
-- column rows: rows written, all its tables together
-- column seconds: compute time in seconds (not counting the write)
-- column producer: what wrote it: run, pipeline:<run id>, flags, scenario (<executor>)
-- column gvc_version: gvc version that computed it
-- column computed_at: when it was written (UTC)
-- column options_hash: sha256 of its options or definition
-- column input_current: computed from the table now stored (same table_sha256)
-- column version_current: computed by the gvc version that last opened the store for writing
-- column fresh: input_current and version_current
CREATE OR REPLACE VIEW results AS
WITH meta AS (SELECT value AS gvc_version FROM gvc_meta WHERE key = 'gvc_version'),
r AS (
    SELECT l.dataset, l.year, l.result, l.kind, l.tables, l.depends_on_years, l.rows, l.seconds,
        l.producer, l.gvc_version, l.computed_at, l.options_hash,
        coalesce(l.input_sha256 = coalesce(t.table_sha256, t.file_sha256), false)
            AS input_current,
        coalesce(l.gvc_version = m.gvc_version, false) AS version_current
    FROM ledger l
    LEFT JOIN tables t ON t.dataset = l.dataset AND t.year = l.year
    CROSS JOIN meta m
)
SELECT *, input_current AND version_current AS fresh FROM r
