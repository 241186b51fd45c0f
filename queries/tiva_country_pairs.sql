-- name: tiva_country_pairs
-- kind: view
-- depends_on: countries, sectors
-- grain: dataset, year, country, partner_or_sector, indicator
-- doc: Country-level TiVA indicators: BALVAFD (balance of value added embodied in final demand, country vs partner; antisymmetric) and DFD_FVA (foreign value added in the country's final demand, by source industry: partner_or_sector is then a sector code).
-- column country: reporting country
-- column partner_or_sector: partner country (BALVAFD) or source sector (DFD_FVA)
-- column indicator: TiVA indicator code
-- column value: value (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW tiva_country_pairs AS
SELECT f.dataset, f.year, c.country, p.country AS partner_or_sector, f.indicator, f.value
FROM facts.tiva_country_pair f
JOIN countries c ON c.dataset = f.dataset AND c.position = f.country_pos
JOIN countries p ON p.dataset = f.dataset AND p.position = f.partner_pos
UNION ALL
SELECT f.dataset, f.year, c.country, s.sector, f.indicator, f.value
FROM facts.tiva_country_sector f
JOIN countries c ON c.dataset = f.dataset AND c.position = f.country_pos
JOIN sectors s ON s.dataset = f.dataset AND s.position = f.sector_pos
