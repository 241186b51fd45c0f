"""The scenario result tables (``facts.scenario_*``; views of the same names in ``queries/``).

One ledger result ``scenario:<name>`` per ``(dataset, year)`` (kind ``scenario``, scope
``{"scenario": name}``) owns its rows in these tables; written by
:func:`gvc.scenarios.store.write_year`.
"""

FACTS_DDL = {
    "scenario_points": """CREATE TABLE IF NOT EXISTS facts.scenario_points (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    point VARCHAR NOT NULL,
    cluster VARCHAR,
    value DOUBLE,
    model VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    rank INTEGER NOT NULL,
    details JSON)""",
    "scenario_nodes": """CREATE TABLE IF NOT EXISTS facts.scenario_nodes (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    point VARCHAR NOT NULL,
    node INTEGER NOT NULL,
    measure VARCHAR NOT NULL,
    baseline DOUBLE,
    scenario_value DOUBLE,
    delta DOUBLE)""",
    "scenario_countries": """CREATE TABLE IF NOT EXISTS facts.scenario_countries (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    point VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    baseline DOUBLE,
    scenario_value DOUBLE,
    delta DOUBLE)""",
    "scenario_clusters": """CREATE TABLE IF NOT EXISTS facts.scenario_clusters (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    point VARCHAR NOT NULL,
    cluster VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    baseline DOUBLE,
    scenario_value DOUBLE,
    delta DOUBLE)""",
    "scenario_flags": """CREATE TABLE IF NOT EXISTS facts.scenario_flags (
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
    scenario_reasons VARCHAR)""",
    "scenario_sda": """CREATE TABLE IF NOT EXISTS facts.scenario_sda (
    dataset VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
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
    fd_level DOUBLE)""",
}
"""DDL of the result tables (the store creates them with every step's fact tables)."""
