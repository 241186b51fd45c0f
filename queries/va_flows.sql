-- name: va_flows
-- kind: view
-- depends_on: nodes, countries
-- grain: dataset, year, origin_country, origin_sector, dest_country
-- doc: Value added created in (origin_country, origin_sector) and absorbed in the final demand of dest_country: V B Y (Johnson and Noguera 2012, eq. 5; TiVA FD_VA). Summed over destinations it equals the node's value added on a row-balanced table.
-- column origin_country: country where the value added is created
-- column origin_sector: sector where the value added is created
-- column dest_country: country whose final demand absorbs it
-- column value: value added (in the dataset's unit, tables.unit)
CREATE OR REPLACE VIEW va_flows AS
SELECT f.dataset, f.year, o.country AS origin_country, o.sector AS origin_sector,
       d.country AS dest_country, f.value
FROM facts.va_flows f
JOIN nodes o ON o.dataset = f.dataset AND o.node = f.origin_node
JOIN countries d ON d.dataset = f.dataset AND d.position = f.dest_country_pos
