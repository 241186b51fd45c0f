-- name: lockin_flag_counts
-- kind: view
-- depends_on: lockin_flags
-- grain: dataset, year, flag
-- doc: Number of flagged nodes (and of evaluated nodes) by flag and year.
-- column flagged_nodes: rows with flagged = true
-- column evaluated_nodes: rows with a score (the rule could be evaluated)
CREATE OR REPLACE VIEW lockin_flag_counts AS
SELECT dataset, year, flag, count(*) FILTER (WHERE flagged) AS flagged_nodes,
    count(score) AS evaluated_nodes
FROM lockin_flags
GROUP BY dataset, year, flag
