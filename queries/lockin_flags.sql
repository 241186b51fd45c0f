-- name: lockin_flags
-- kind: view
-- depends_on: nodes, lockin_schema
-- grain: dataset, year, country, sector, cluster, flag
-- doc: Lock-in flags of every node-year (closed_national_chain, focal_structure, declining_integration) and of the members of user clusters (closed_cluster), from the rules of gvc/lockin/defaults.toml merged with a user file ('gvc flags --rules FILE'; the rules used are in lockin_rules). Each row keeps the metric values and thresholds it was judged on and a continuous score beside the yes/no. Written by gvc.lockin.compute_flags, which replaces a dataset's rows in one transaction.
-- column cluster: cluster name for closed_cluster rows, NULL for node flags
-- column flag: rule name (gvc/lockin/defaults.toml section)
-- column flagged: true when the rule's conditions all hold
-- column score: continuous score in [0, 1] (higher = more locked in; NULL when not evaluated)
-- column reasons: readable comparison of each metric with its threshold, or why the row was not evaluated
-- column metrics: JSON object of the metric values the rule read
-- column thresholds: JSON object of the thresholds (absolute values after percentiles)
-- column computed_at: when the flags were computed (UTC); the rules are in lockin_rules at the same time
CREATE OR REPLACE VIEW lockin_flags AS
SELECT f.dataset, f.year, n.country, n.sector, f.cluster, f.flag, f.flagged,
    nullif(f.score, 'NaN'::DOUBLE) AS score,  -- the writer stores "not evaluated" as NaN
    f.reasons, f.metrics, f.thresholds, f.computed_at
FROM facts.lockin_flags f
JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
