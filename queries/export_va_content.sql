-- name: export_va_content
-- kind: view
-- depends_on: va_in_exports, gross_exports
-- grain: dataset, year, exporter
-- doc: Domestic and foreign value-added content of each country's gross exports (Hummels, Ishii and Yi 2001; KWW 2014 eq. 8; TiVA EXGR_DVA / EXGR_FVA with the Leontief (EXGR_BSCI) split). dva_share + fva_share = 1 when value added is the residual x - column sums of Z.
-- column exporter: exporting country
-- column gross_exports: total gross exports
-- column dva: domestic value added in gross exports
-- column fva: foreign value added in gross exports (vertical specialisation)
-- column dva_share: dva / gross_exports
-- column fva_share: fva / gross_exports
CREATE OR REPLACE VIEW export_va_content AS
WITH c AS (
    SELECT dataset, year, exporter,
           sum(value) FILTER (WHERE source_country = exporter) AS dva,
           sum(value) FILTER (WHERE source_country <> exporter) AS fva
    FROM va_in_exports GROUP BY ALL
), g AS (
    SELECT dataset, year, exporter, sum(total) AS gross_exports FROM gross_exports GROUP BY ALL
)
SELECT g.dataset, g.year, g.exporter, g.gross_exports,
       coalesce(c.dva, 0) AS dva, coalesce(c.fva, 0) AS fva,
       coalesce(c.dva, 0) / nullif(g.gross_exports, 0) AS dva_share,
       coalesce(c.fva, 0) / nullif(g.gross_exports, 0) AS fva_share
FROM g LEFT JOIN c USING (dataset, year, exporter)
