-- name: scenario_schema
-- kind: table
-- grain: dataset, scenario (and year, point for the results)
-- doc: The what-if scenario tables (gvc.scenarios; 'gvc scenario define|run|report|list'):
-- doc: scenarios (definitions, their TOML and sha256 hash), scenario_runs (one row per computed
-- doc: scenario and year: the definition hash and the input table's sha256 the results were
-- doc: computed from), scenario_points (the grid points), scenario_nodes, scenario_countries,
-- doc: scenario_clusters, scenario_flags (baseline, scenario value and delta = scenario minus
-- doc: baseline) and scenario_sda (structural decomposition terms). All writes go through
-- doc: gvc.scenarios.store, one transaction per scenario and year.
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
CREATE TABLE IF NOT EXISTS scenario_runs (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    base_year SMALLINT,
    definition_hash VARCHAR NOT NULL,
    definition_json JSON NOT NULL,
    input_sha256 VARCHAR NOT NULL,
    base_input_sha256 VARCHAR,
    gvc_version VARCHAR NOT NULL,
    executor VARCHAR NOT NULL,
    points INTEGER NOT NULL,
    seconds DOUBLE NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, scenario, year));
COMMENT ON COLUMN scenario_runs.dataset IS 'dataset';
COMMENT ON COLUMN scenario_runs.scenario IS 'scenario name';
COMMENT ON COLUMN scenario_runs.year IS 'year of the table the scenario was applied to (sda: the later year)';
COMMENT ON COLUMN scenario_runs.base_year IS 'sda: the earlier year; NULL for other kinds';
COMMENT ON COLUMN scenario_runs.definition_hash IS 'hash of the definition the results were computed from';
COMMENT ON COLUMN scenario_runs.definition_json IS 'that definition, as canonical JSON';
COMMENT ON COLUMN scenario_runs.input_sha256 IS 'tables.file_sha256 of the input table (dataset, year) when computed';
COMMENT ON COLUMN scenario_runs.base_input_sha256 IS 'sda: tables.file_sha256 of the base_year table';
COMMENT ON COLUMN scenario_runs.gvc_version IS 'gvc version that computed the results';
COMMENT ON COLUMN scenario_runs.executor IS 'executor spec the points ran on (local, local:N, dask...)';
COMMENT ON COLUMN scenario_runs.points IS 'number of grid points computed';
COMMENT ON COLUMN scenario_runs.seconds IS 'wall time of the computation, seconds';
COMMENT ON COLUMN scenario_runs.computed_at IS 'when the results were written (UTC)';
CREATE TABLE IF NOT EXISTS scenario_points (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    point VARCHAR NOT NULL,
    cluster VARCHAR,
    value DOUBLE,
    model VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    rank INTEGER NOT NULL,
    details JSON);
COMMENT ON COLUMN scenario_points.dataset IS 'dataset';
COMMENT ON COLUMN scenario_points.scenario IS 'scenario name';
COMMENT ON COLUMN scenario_points.year IS 'year of the table';
COMMENT ON COLUMN scenario_points.point IS 'grid point label: <cluster> and/or @<theta or change>; empty for a single scenario';
COMMENT ON COLUMN scenario_points.cluster IS 'label of the target node set of the point (NULL for bloc)';
COMMENT ON COLUMN scenario_points.value IS 'theta (import substitution) or relative change (shocks, mixed) of the point';
COMMENT ON COLUMN scenario_points.model IS 'leontief (quantity model), ghosh (supply model) or mixed (outputs of the target fixed)';
COMMENT ON COLUMN scenario_points.method IS 'smw (Sherman-Morrison-Woodbury update of the baseline inverse), fresh (new LU of I - A1) or direct';
COMMENT ON COLUMN scenario_points.rank IS 'rank of the change to A (changed columns + rows)';
COMMENT ON COLUMN scenario_points.details IS 'JSON: per kind, e.g. moved and not_substituted inputs (value at baseline output times theta), cut flows';
CREATE TABLE IF NOT EXISTS scenario_nodes (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    point VARCHAR NOT NULL,
    node INTEGER NOT NULL,
    measure VARCHAR NOT NULL,
    baseline DOUBLE,
    scenario_value DOUBLE,
    delta DOUBLE);
COMMENT ON COLUMN scenario_nodes.dataset IS 'dataset';
COMMENT ON COLUMN scenario_nodes.scenario IS 'scenario name';
COMMENT ON COLUMN scenario_nodes.year IS 'year of the table';
COMMENT ON COLUMN scenario_nodes.point IS 'grid point label (scenario_points.point)';
COMMENT ON COLUMN scenario_nodes.node IS 'node id (nodes.node)';
COMMENT ON COLUMN scenario_nodes.measure IS 'output (x), value_added (v x at baseline coefficients v) or final_demand (y, where the scenario changes it)';
COMMENT ON COLUMN scenario_nodes.baseline IS 'baseline model value (x0 = B y; Ghosh kinds: va'' (I - A^G)^-1), table units';
COMMENT ON COLUMN scenario_nodes.scenario_value IS 'value in the scenario, table units';
COMMENT ON COLUMN scenario_nodes.delta IS 'scenario_value - baseline (a loss is negative)';
CREATE TABLE IF NOT EXISTS scenario_countries (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    point VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    baseline DOUBLE,
    scenario_value DOUBLE,
    delta DOUBLE);
COMMENT ON COLUMN scenario_countries.dataset IS 'dataset';
COMMENT ON COLUMN scenario_countries.scenario IS 'scenario name';
COMMENT ON COLUMN scenario_countries.year IS 'year of the table';
COMMENT ON COLUMN scenario_countries.point IS 'grid point label (scenario_points.point)';
COMMENT ON COLUMN scenario_countries.country IS 'country code';
COMMENT ON COLUMN scenario_countries.measure IS 'output, value_added (GDP at baseline value-added coefficients) or final_demand: sums over the country''s nodes';
COMMENT ON COLUMN scenario_countries.baseline IS 'baseline model value, table units';
COMMENT ON COLUMN scenario_countries.scenario_value IS 'value in the scenario, table units';
COMMENT ON COLUMN scenario_countries.delta IS 'scenario_value - baseline (gain > 0, loss < 0)';
CREATE TABLE IF NOT EXISTS scenario_clusters (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    point VARCHAR NOT NULL,
    cluster VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    baseline DOUBLE,
    scenario_value DOUBLE,
    delta DOUBLE);
COMMENT ON COLUMN scenario_clusters.dataset IS 'dataset';
COMMENT ON COLUMN scenario_clusters.scenario IS 'scenario name';
COMMENT ON COLUMN scenario_clusters.year IS 'year of the table';
COMMENT ON COLUMN scenario_clusters.point IS 'grid point label (scenario_points.point)';
COMMENT ON COLUMN scenario_clusters.cluster IS 'cluster label';
COMMENT ON COLUMN scenario_clusters.measure IS 'cluster embeddedness measure after the change (gvc.kernels.cluster_update.CLUSTER_MEASURES): output, value_added, gross_exports, gvc_forward, gvc_backward, pure_domestic_share, traditional_trade_share, crossings_mean, export_share, foreign_input_share, intra_cluster_sales_share, intra_cluster_input_share';
COMMENT ON COLUMN scenario_clusters.baseline IS 'value before the change (theta = 0, same code path)';
COMMENT ON COLUMN scenario_clusters.scenario_value IS 'value after the change';
COMMENT ON COLUMN scenario_clusters.delta IS 'scenario_value - baseline';
CREATE TABLE IF NOT EXISTS scenario_flags (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    point VARCHAR NOT NULL,
    cluster VARCHAR,
    country VARCHAR,
    sector VARCHAR,
    flag VARCHAR NOT NULL,
    baseline_flagged BOOLEAN,
    scenario_flagged BOOLEAN,
    baseline_score DOUBLE,
    scenario_score DOUBLE,
    scenario_reasons VARCHAR);
COMMENT ON COLUMN scenario_flags.dataset IS 'dataset';
COMMENT ON COLUMN scenario_flags.scenario IS 'scenario name';
COMMENT ON COLUMN scenario_flags.year IS 'year of the table';
COMMENT ON COLUMN scenario_flags.point IS 'grid point label (scenario_points.point)';
COMMENT ON COLUMN scenario_flags.cluster IS 'cluster label';
COMMENT ON COLUMN scenario_flags.country IS 'country of the cluster (closed_cluster) or of the member node';
COMMENT ON COLUMN scenario_flags.sector IS 'sector of the member node; NULL for the cluster flag closed_cluster';
COMMENT ON COLUMN scenario_flags.flag IS 'lock-in rule (gvc/lockin_defaults.toml): closed_cluster, closed_national_chain, focal_structure';
COMMENT ON COLUMN scenario_flags.baseline_flagged IS 'flag raised before the change';
COMMENT ON COLUMN scenario_flags.scenario_flagged IS 'flag raised after the change';
COMMENT ON COLUMN scenario_flags.baseline_score IS 'rule score before the change (NULL when not evaluated)';
COMMENT ON COLUMN scenario_flags.scenario_score IS 'rule score after the change';
COMMENT ON COLUMN scenario_flags.scenario_reasons IS 'readable comparison of the metrics with the thresholds after the change';
CREATE TABLE IF NOT EXISTS scenario_sda (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year_from SMALLINT NOT NULL,
    year_to SMALLINT NOT NULL,
    measure VARCHAR NOT NULL,
    node INTEGER,
    country VARCHAR,
    destination VARCHAR,
    baseline DOUBLE,
    scenario_value DOUBLE,
    delta DOUBLE,
    va_coefficients DOUBLE,
    technology DOUBLE,
    fd_structure DOUBLE,
    fd_level DOUBLE);
COMMENT ON COLUMN scenario_sda.dataset IS 'dataset';
COMMENT ON COLUMN scenario_sda.scenario IS 'scenario name';
COMMENT ON COLUMN scenario_sda.year_from IS 'first year (baseline)';
COMMENT ON COLUMN scenario_sda.year_to IS 'second year (scenario_value)';
COMMENT ON COLUMN scenario_sda.measure IS 'va_flows (node x destination), V_D, V_RT, V_GVC_S, V_GVC_C (WWYZ forward terms by node), gvc_forward_rate, gvc_backward_rate (by country)';
COMMENT ON COLUMN scenario_sda.node IS 'origin node id (NULL for country rates)';
COMMENT ON COLUMN scenario_sda.country IS 'country of the node, or the country of a rate';
COMMENT ON COLUMN scenario_sda.destination IS 'destination country of va_flows (NULL otherwise)';
COMMENT ON COLUMN scenario_sda.baseline IS 'value in year_from';
COMMENT ON COLUMN scenario_sda.scenario_value IS 'value in year_to';
COMMENT ON COLUMN scenario_sda.delta IS 'scenario_value - baseline = va_coefficients + technology + fd_structure + fd_level';
COMMENT ON COLUMN scenario_sda.va_coefficients IS 'term of the value-added coefficients v';
COMMENT ON COLUMN scenario_sda.technology IS 'term of technology (B for va_flows, A for participation)';
COMMENT ON COLUMN scenario_sda.fd_structure IS 'term of the final-demand structure (shares of each destination''s final demand, or of world final demand)';
COMMENT ON COLUMN scenario_sda.fd_level IS 'term of the final-demand level (per destination country, or world)'
