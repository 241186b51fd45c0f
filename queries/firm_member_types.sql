-- name: firm_member_types
-- kind: view
-- depends_on: firm_members
-- grain: network, cluster, year, type
-- doc: Members of each firm cluster by type and triple-helix strand (firm, state_corporation,
-- doc: investor: business; university, research_centre: science; public_body: government).
-- column network: firm network name
-- column cluster: cluster name
-- column year: year of the membership or firm row (NULL: every year)
-- column type: member type
-- column strand: its triple-helix strand
-- column members: members of that type
CREATE OR REPLACE VIEW firm_member_types AS
SELECT network, cluster, year, type, strand, count(*) AS members
FROM firm_members
GROUP BY network, cluster, year, type, strand
