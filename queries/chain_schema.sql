-- name: chain_schema
-- kind: table
-- grain: dataset, chain (and year for the results)
-- doc: The chain definitions (gvc chain define, or INSERT rows from SQL on a writable connection:
-- doc: INSERT INTO chains (dataset, chain, producers_countries, producers_sectors, destinations)
-- doc: VALUES ('wiod2013', 'ict_usa', NULL, ['c14'], ['USA']), NULL = all). Their results are the
-- doc: views chain_geography, chain_totals and chain_paths. Created if missing; the ALTERs add
-- doc: columns to stores made before them.
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
ALTER TABLE chains ADD COLUMN IF NOT EXISTS paths INTEGER DEFAULT 20;
COMMENT ON COLUMN chains.paths IS 'number of structural paths kept per year (chain_paths)';
