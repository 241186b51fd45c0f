-- name: firm_members
-- kind: view
-- depends_on: firm_schema
-- grain: network, cluster, firm, year
-- doc: Cluster members with their firm attributes: one row per membership and firm row that
-- doc: holds in the membership's year (a membership or firm row without a year holds in every
-- doc: year). Types and their triple-helix strand: firm, state_corporation, investor
-- doc: (business); university, research_centre (science); public_body (government).
-- column network: firm network name
-- column cluster: cluster name
-- column firm: member id as in the firm file
-- column year: year of the membership or of the firm row (NULL: every year)
-- column type: member type
-- column strand: triple-helix strand of the type (business, science, government)
-- column country: country of the member
-- column region: region of the member (NULL: none given)
-- column lat: latitude, degrees
-- column lon: longitude, degrees
-- column classification: industry classification of the code
-- column industry: industry code
-- column sales: sales (firm file)
-- column employment: employees (firm file)
-- column exports: exports (firm file)
-- column imports: purchases from suppliers outside the transaction table (firm file)
CREATE OR REPLACE VIEW firm_members AS
SELECT m.network, c.cluster, f.firm, coalesce(m.year, f.year) AS year, f.type,
    CASE WHEN f.type IN ('university', 'research_centre') THEN 'science'
         WHEN f.type = 'public_body' THEN 'government' ELSE 'business' END AS strand,
    f.country, f.region, f.lat, f.lon, f.classification, f.industry, f.sales, f.employment,
    f.exports, f.imports
FROM firms.memberships m
JOIN firms.clusters c ON c.network = m.network AND c.cluster_idx = m.cluster_idx
JOIN firms.firms f ON f.network = m.network AND f.firm_idx = m.firm_idx
    AND (m.year IS NULL OR f.year IS NULL OR f.year = m.year)
