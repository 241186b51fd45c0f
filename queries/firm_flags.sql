-- name: firm_flags
-- kind: view
-- depends_on: firm_schema
-- grain: network, year, cluster, flag
-- doc: Flags of every firm cluster and year from the rules of gvc/firms/defaults.toml merged
-- doc: with a user file ('gvc firms run --rules FILE'; the rules used are in firms.runs):
-- doc: registry_focal, closed_national_chain, scattered, below_critical_mass,
-- doc: incomplete_triple_helix. Each row keeps the metrics and thresholds it was judged on.
-- column network: firm network name
-- column year: year of the transactions
-- column cluster: cluster name
-- column flag: rule name (section of gvc/firms/defaults.toml)
-- column flagged: true when the rule's conditions hold
-- column score: continuous score in [0, 1], higher = more of the property; NULL when not evaluated
-- column reasons: each metric compared with its threshold, or why the row was not evaluated
-- column metrics: JSON object of the metric values the rule read
-- column thresholds: JSON object of the rule's parameters
-- column computed_at: when the flags were computed (UTC)
CREATE OR REPLACE VIEW firm_flags AS
SELECT f.network, f.year, c.cluster, f.flag, f.flagged, f.score, f.reasons, f.metrics,
    f.thresholds, f.computed_at
FROM firms.flags f
JOIN firms.clusters c ON c.network = f.network AND c.cluster_idx = f.cluster_idx
