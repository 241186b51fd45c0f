-- name: firm_flag_counts
-- kind: view
-- depends_on: firm_schema
-- grain: network, year, flag
-- doc: Flagged firm clusters by network, year and flag.
-- column network: firm network name
-- column year: year of the transactions
-- column flag: rule name
-- column flagged: clusters flagged
-- column evaluated: clusters the rule could evaluate (its metrics defined)
-- column clusters: clusters with members that year
CREATE OR REPLACE VIEW firm_flag_counts AS
SELECT network, year, flag, count(*) FILTER (WHERE flagged) AS flagged,
    count(score) AS evaluated, count(*) AS clusters
FROM firms.flags
GROUP BY network, year, flag
