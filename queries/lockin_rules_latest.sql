-- name: lockin_rules_latest
-- kind: view
-- depends_on: lockin_schema
-- grain: dataset
-- doc: The lock-in rules (TOML, defaults merged with the user file) and clusters (JSON) of the latest flag computation of each dataset, so every row of lockin_flags is reproducible: save rules_toml to a file and run 'gvc flags --rules FILE'. Full history in the table lockin_rules(dataset, computed_at, rules_toml, clusters) (see lockin_schema).
-- column computed_at: UTC time of the computation (equals lockin_flags.computed_at)
-- column rules_toml: the complete rule set used, as TOML
-- column clusters: JSON object cluster -> [[country, sector], ...] used for closed_cluster
CREATE OR REPLACE VIEW lockin_rules_latest AS
SELECT dataset, computed_at, rules_toml, clusters
FROM lockin_rules
QUALIFY row_number() OVER (PARTITION BY dataset ORDER BY computed_at DESC) = 1
