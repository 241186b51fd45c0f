-- name: compare_va_flows
-- kind: macro
-- depends_on: va_flows, require_same_unit
-- grain: origin_country, dest_country
-- doc: Bilateral value-added flows (V B Y, see va_flows) of two datasets side by side for one year, matched on the country codes. Refused with an error when the datasets are stored in different units (require_same_unit): convert one first with gvc convert. A country code found in one dataset only gives NULL on the other side. Usage: SELECT * FROM compare_va_flows('icio2023', 'icio2023_eur', 2019)
-- column origin_country: country where the value added is created
-- column dest_country: country whose final demand absorbs it
-- column value_a: value added flow in dataset ds_a (in the datasets' common unit, tables.unit)
-- column value_b: value added flow in dataset ds_b (in the datasets' common unit, tables.unit)
-- column difference: value_a - value_b (in the datasets' common unit, tables.unit)
-- column unit: the common unit of both datasets (tables.unit)
CREATE OR REPLACE MACRO compare_va_flows(ds_a, ds_b, yr) AS TABLE
WITH guard AS (
    SELECT require_same_unit(ds_a, ds_b, yr) AS ok,
           (SELECT unit FROM tables WHERE dataset = ds_a AND year = yr) AS unit
), a AS (
    SELECT origin_country, dest_country, sum(value) AS value
    FROM va_flows WHERE dataset = ds_a AND year = yr GROUP BY ALL
), b AS (
    SELECT origin_country, dest_country, sum(value) AS value
    FROM va_flows WHERE dataset = ds_b AND year = yr GROUP BY ALL
)
SELECT origin_country, dest_country, a.value AS value_a, b.value AS value_b,
       a.value - b.value AS difference, guard.unit
FROM guard, a FULL JOIN b USING (origin_country, dest_country)
WHERE guard.ok
ORDER BY origin_country, dest_country
