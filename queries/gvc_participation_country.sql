-- name: gvc_participation_country
-- kind: view
-- depends_on: countries
-- grain: dataset, year, country, measure
-- doc: Country-level participation measures: WWYZ (2017a) GVCPt_f, GVCPt_b and Koopman et al. (2010) koopman_IV, koopman_FV, koopman_E, koopman_participation, koopman_position.
-- column country: country
-- column measure: measure name
-- column value: value
CREATE OR REPLACE VIEW gvc_participation_country AS
SELECT f.dataset, f.year, c.country, f.measure, f.value
FROM facts.gvc_country f
JOIN countries c ON c.dataset = f.dataset AND c.position = f.country_pos
