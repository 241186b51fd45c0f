-- name: require_same_unit
-- kind: macro
-- depends_on: tables
-- grain: one value
-- doc: Guard for macros that compare or combine two datasets: true when both (dataset, year) tables are stored in the same unit (tables.unit, e.g. USD million), otherwise a DuckDB error naming both units (convert one first: gvc convert). Values in different currencies are never mixed silently; unit-free shares and ratios need no guard. Usage: SELECT require_same_unit('wiod2013', 'figaro2024', 2011)
CREATE OR REPLACE MACRO require_same_unit(ds_a, ds_b, yr) AS (
    SELECT CASE
        WHEN count(*) FILTER (WHERE dataset = ds_a) = 0
            THEN error('no table for dataset ' || ds_a || ' year ' || yr || ' in the store')
        WHEN count(*) FILTER (WHERE dataset = ds_b) = 0
            THEN error('no table for dataset ' || ds_b || ' year ' || yr || ' in the store')
        WHEN count(DISTINCT unit) > 1 OR count(unit) < count(*)
            THEN error('datasets in different units ('
                || string_agg(dataset || ' in ' || coalesce(unit, 'an unknown unit'), ', '
                              ORDER BY dataset)
                || '): convert one first with gvc convert (docs/units.md)')
        ELSE true
    END
    FROM tables
    WHERE year = yr AND dataset IN (ds_a, ds_b)
)
