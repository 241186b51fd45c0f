-- name: chain_schema
-- kind: table
-- grain: dataset, chain (and year for the results)
-- doc: The value-chain tables: chains (definitions; INSERT rows here to define a chain from SQL:
-- doc: INSERT INTO chains (dataset, chain, producers_countries, producers_sectors, destinations)
-- doc: VALUES ('wiod2013', 'ict_usa', NULL, ['c14'], ['USA']), NULL = all), chain_geography,
-- doc: chain_totals and chain_paths (written by 'gvc chain run'). Created if missing; the ALTERs
-- doc: add the CEPII columns to stores made before them.
CREATE TABLE IF NOT EXISTS chains (
    dataset VARCHAR NOT NULL,
    chain VARCHAR NOT NULL,
    producers_countries VARCHAR[],
    producers_sectors VARCHAR[],
    destinations VARCHAR[],
    km_source VARCHAR NOT NULL DEFAULT 'natural_earth',
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (dataset, chain));
COMMENT ON COLUMN chains.chain IS 'chain name, unique within a dataset';
COMMENT ON COLUMN chains.producers_countries IS 'countries whose products the chain buys; NULL = all';
COMMENT ON COLUMN chains.producers_sectors IS 'sectors whose products the chain buys; NULL = all';
COMMENT ON COLUMN chains.destinations IS 'countries whose final demand absorbs the chain; NULL = all';
ALTER TABLE chains ADD COLUMN IF NOT EXISTS km_file VARCHAR;
ALTER TABLE chains ADD COLUMN IF NOT EXISTS km_file_sha256 VARCHAR;
ALTER TABLE chains ADD COLUMN IF NOT EXISTS km_fallback VARCHAR;
COMMENT ON COLUMN chains.km_source IS 'distances: natural_earth (centroids of the largest polygon, RoW = GDP-weighted non-members), cepii:<measure> (the user''s CEPII GeoDist file, measure dist, distcap, distw or distwces) or none';
COMMENT ON COLUMN chains.km_file IS 'absolute path of the CEPII GeoDist distance file (cepii:<measure> only)';
COMMENT ON COLUMN chains.km_file_sha256 IS 'sha256 of km_file when the chain was defined; a run refuses a changed file';
COMMENT ON COLUMN chains.km_fallback IS 'natural_earth: great-circle km for country pairs missing from km_file; NULL: a missing pair is an error';
CREATE TABLE IF NOT EXISTS chain_geography (
    dataset VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    chain VARCHAR NOT NULL,
    origin_country VARCHAR NOT NULL,
    origin_sector VARCHAR NOT NULL,
    value_added DOUBLE NOT NULL,
    crossings_mean DOUBLE,
    crossings_var DOUBLE,
    returns_mean DOUBLE,
    intercontinental_mean DOUBLE,
    km_mean DOUBLE,
    countries_visited_mean DOUBLE);
COMMENT ON COLUMN chain_geography.origin_country IS 'country where the value added is created';
COMMENT ON COLUMN chain_geography.origin_sector IS 'sector where the value added is created';
COMMENT ON COLUMN chain_geography.value_added IS 'value added of the origin absorbed in the chain, v_i (B y)_i, in the unit of the dataset (tables.unit)';
COMMENT ON COLUMN chain_geography.crossings_mean IS 'expected international border crossings per unit of this value added, final leg included (B A^F B y + B y^x) / B y';
COMMENT ON COLUMN chain_geography.crossings_var IS 'variance of the number of border crossings (second factorial moment 2 B A^F B A^F B y ...)';
COMMENT ON COLUMN chain_geography.returns_mean IS 'expected number of times the value re-enters its country of origin';
COMMENT ON COLUMN chain_geography.intercontinental_mean IS 'expected crossings between continents (a leg to or from RoW weighted by the GDP share of RoW members on another continent)';
COMMENT ON COLUMN chain_geography.km_mean IS 'expected km (great-circle, or CEPII per chains.km_source) along the cross-border legs, final leg included';
COMMENT ON COLUMN chain_geography.countries_visited_mean IS 'expected number of distinct countries the value passes through, origin and final buyer included';
CREATE TABLE IF NOT EXISTS chain_totals (
    dataset VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    chain VARCHAR NOT NULL,
    value_added DOUBLE NOT NULL,
    crossings_mean DOUBLE,
    crossings_var DOUBLE,
    returns_mean DOUBLE,
    intercontinental_mean DOUBLE,
    km_mean DOUBLE,
    countries_visited_mean DOUBLE,
    countries_effective DOUBLE,
    countries_over INTEGER,
    production_length DOUBLE,
    pl_domestic DOUBLE,
    pl_border DOUBLE,
    pl_foreign DOUBLE);
COMMENT ON COLUMN chain_totals.value_added IS 'value added absorbed in the chain, = final demand of the chain (v B y summed), in the unit of the dataset (tables.unit)';
COMMENT ON COLUMN chain_totals.crossings_mean IS 'value-added weighted mean of chain_geography.crossings_mean';
COMMENT ON COLUMN chain_totals.crossings_var IS 'variance of border crossings over all the chain''s value added (mixture over origins)';
COMMENT ON COLUMN chain_totals.countries_effective IS 'exp of the entropy of the value-added shares by origin country';
COMMENT ON COLUMN chain_totals.countries_over IS 'origin countries with at least 0.5 % of the chain''s value added';
COMMENT ON COLUMN chain_totals.production_length IS 'production stages, v B B y / v B y (Wang, Wei, Yu & Zhu 2017b) for the chain''s y';
COMMENT ON COLUMN chain_totals.pl_domestic IS 'stages in the origin country before the value first leaves it (WWYZ domestic segment)';
COMMENT ON COLUMN chain_totals.pl_border IS 'WWYZ border-crossing segment: intermediate border crossings per unit of value added (crossings_mean without the final sale)';
COMMENT ON COLUMN chain_totals.pl_foreign IS 'WWYZ foreign segment: domestic links after the first border crossing; pl_domestic + pl_border + pl_foreign = production_length';
CREATE TABLE IF NOT EXISTS chain_paths (
    dataset VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    chain VARCHAR NOT NULL,
    rank SMALLINT NOT NULL,
    path VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    share DOUBLE,
    crossings SMALLINT,
    km DOUBLE,
    countries VARCHAR[] NOT NULL,
    sectors VARCHAR[] NOT NULL,
    destination VARCHAR NOT NULL);
COMMENT ON COLUMN chain_paths.rank IS '1 = largest structural path of the chain';
COMMENT ON COLUMN chain_paths.path IS 'country/sector stages from value added to the final buyer [country]';
COMMENT ON COLUMN chain_paths.value IS 'value added carried by this one path, v_i a_ij ... y_kr, in the unit of the dataset (tables.unit)';
COMMENT ON COLUMN chain_paths.share IS 'value / chain value added';
COMMENT ON COLUMN chain_paths.crossings IS 'border crossings along the path, final sale included';
COMMENT ON COLUMN chain_paths.km IS 'great-circle km of the cross-border legs, final sale included';
COMMENT ON COLUMN chain_paths.countries IS 'country of each stage, in order';
COMMENT ON COLUMN chain_paths.sectors IS 'sector of each stage, in order';
COMMENT ON COLUMN chain_paths.destination IS 'country of the final buyer';
