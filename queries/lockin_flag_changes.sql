-- name: lockin_flag_changes
-- kind: macro
-- depends_on: lockin_flags
-- grain: flag, year
-- doc: How the flagged set changed: lockin_flag_changes(dataset, country) gives, per flag and year, the number flagged and the nodes (country/sector, cluster members with [cluster]) that entered or left the flagged set since the previous year of the dataset; country NULL for all countries.
CREATE OR REPLACE MACRO lockin_flag_changes(ds, ctry) AS TABLE
WITH f AS (
    SELECT year, flag, country || '/' || sector || coalesce(' [' || cluster || ']', '') AS node,
        flagged
    FROM lockin_flags
    WHERE dataset = ds AND (ctry IS NULL OR country = ctry)
),
yrs AS (
    SELECT year, lag(year) OVER (ORDER BY year) AS prev
    FROM (SELECT DISTINCT year FROM lockin_flags WHERE dataset = ds)
),
cur AS (
    SELECT y.year, y.prev, fl.flag, f.node
    FROM yrs y CROSS JOIN (SELECT DISTINCT flag FROM f) fl
    LEFT JOIN f ON f.year = y.year AND f.flag = fl.flag AND f.flagged
),
pairs AS (
    SELECT c.year, c.flag, c.node AS now_node, p.node AS prev_node
    FROM cur c
    LEFT JOIN f p ON p.year = c.prev AND p.flag = c.flag AND p.node = c.node AND p.flagged
),
gone AS (
    SELECT y.year, p.flag, p.node
    FROM yrs y
    JOIN f p ON p.year = y.prev AND p.flagged
    LEFT JOIN f c ON c.year = y.year AND c.flag = p.flag AND c.node = p.node AND c.flagged
    WHERE c.node IS NULL
)
SELECT a.year, a.flag, a.flagged, a.entered, coalesce(g.n, 0) AS "left",
    a.entered_nodes, g.nodes AS left_nodes
FROM (
    SELECT c.year, c.flag, count(c.now_node) AS flagged,
        count(c.now_node) FILTER (WHERE c.prev_node IS NULL AND y.prev IS NOT NULL) AS entered,
        string_agg(c.now_node, ', ' ORDER BY c.now_node)
            FILTER (WHERE c.prev_node IS NULL AND y.prev IS NOT NULL) AS entered_nodes
    FROM pairs c JOIN yrs y ON y.year = c.year
    GROUP BY c.year, c.flag
) a
LEFT JOIN (
    SELECT year, flag, count(*) AS n, string_agg(node, ', ' ORDER BY node) AS nodes
    FROM gone GROUP BY year, flag
) g ON g.year = a.year AND g.flag = a.flag
