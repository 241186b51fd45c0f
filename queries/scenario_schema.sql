-- name: scenario_schema
-- kind: table
-- grain: dataset, scenario (and year, point for the results)
-- doc: The what-if scenario tables (gvc.scenarios; 'gvc scenario define|run|report|list'):
-- doc: the definitions (their TOML and sha256 hash). The results are the views scenario_points,
-- doc: scenario_nodes, scenario_countries, scenario_clusters, scenario_flags and scenario_sda over
-- doc: facts.*, one ledger result scenario:<name> per dataset and year (scenario_status). All
-- doc: writes go through gvc.scenarios.store, one transaction per scenario and year.
CREATE TABLE IF NOT EXISTS scenarios (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    description VARCHAR,
    years SMALLINT[],
    definition_toml VARCHAR NOT NULL,
    definition_json JSON NOT NULL,
    definition_hash VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, scenario));
COMMENT ON COLUMN scenarios.dataset IS 'dataset the scenario applies to';
COMMENT ON COLUMN scenarios.scenario IS 'scenario name, unique within a dataset';
COMMENT ON COLUMN scenarios.kind IS 'extraction, import_substitution, demand_shock, primary_input_shock, mixed, bloc or sda';
COMMENT ON COLUMN scenarios.description IS 'free text from the definition';
COMMENT ON COLUMN scenarios.years IS 'years the definition names; NULL = every stored year';
COMMENT ON COLUMN scenarios.definition_toml IS 'the validated definition as TOML (gvc scenario define --file reads the same format)';
COMMENT ON COLUMN scenarios.definition_json IS 'the validated definition as canonical JSON';
COMMENT ON COLUMN scenarios.definition_hash IS 'sha256 of the canonical JSON of kind and parameters (gvc.scenarios.definitions.definition_hash)';
COMMENT ON COLUMN scenarios.created_at IS 'when the definition was stored (UTC)';
