-- name: country_decomposition
-- kind: macro
-- depends_on: decomp_kww
-- grain: year, term
-- doc: A country's KWW decomposition over the years, with each term's share of gross exports. Usage: SELECT * FROM country_decomposition('wiod2013', 'CHN')
CREATE OR REPLACE MACRO country_decomposition(ds, ctry) AS TABLE
WITH k AS (SELECT * FROM decomp_kww WHERE dataset = ds AND exporter = ctry),
tot AS (
    SELECT year, sum(value) AS gross_exports FROM k
    WHERE term IN ('DVA_FIN', 'DVA_INT', 'DVA_INTrex', 'RDV_FIN', 'RDV_INT', 'DDC',
                   'FVA_FIN', 'FVA_INT', 'FDC')
    GROUP BY year
)
SELECT k.year, k.term, k.value, k.value / nullif(tot.gross_exports, 0) AS share
FROM k JOIN tot USING (year)
ORDER BY k.year, k.term
