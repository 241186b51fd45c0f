-- name: vax
-- kind: view
-- depends_on: va_flows, gross_exports
-- grain: dataset, year, exporter, importer
-- doc: Value-added exports (Johnson and Noguera 2012): value added of the exporter absorbed in the importer's final demand, with bilateral gross exports and the VAX ratio.
-- column exporter: country whose value added is exported
-- column importer: country whose final demand absorbs it
-- column vax: value-added exports (in the dataset's unit, tables.unit)
-- column gross_exports: bilateral gross exports exporter -> importer (in the dataset's unit, tables.unit)
-- column vax_ratio: vax / gross_exports (unit-free; NULL when there are no gross exports)
CREATE OR REPLACE VIEW vax AS
WITH v AS (
    SELECT dataset, year, origin_country AS exporter, dest_country AS importer, sum(value) AS vax
    FROM va_flows WHERE origin_country <> dest_country
    GROUP BY ALL
), g AS (
    SELECT dataset, year, exporter, importer, sum(total) AS gross_exports
    FROM gross_exports GROUP BY ALL
)
SELECT coalesce(v.dataset, g.dataset) AS dataset, coalesce(v.year, g.year) AS year,
       coalesce(v.exporter, g.exporter) AS exporter, coalesce(v.importer, g.importer) AS importer,
       coalesce(v.vax, 0) AS vax, coalesce(g.gross_exports, 0) AS gross_exports,
       v.vax / nullif(g.gross_exports, 0) AS vax_ratio
FROM v FULL JOIN g USING (dataset, year, exporter, importer)
