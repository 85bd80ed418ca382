-- Data for the forest plot (demo/forest_plot.py): per-country estimates of two
-- indicators with 95 % CIs and NCHS reliability status, plus the pooled
-- population-weighted and equal-country estimates. One row per point, in
-- percent. Countries are ordered by the first panel's estimate.
--   psql -X -q --csv -f demo/forest_plot.sql | python3 demo/forest_plot.py out.svg
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)

WITH by_country AS (
    SELECT r.country, p.country_name, p.officers,
           svy_prop(r.needs_more_training, r.design)   AS needs,
           svy_prop(top_box(r.q_confidence), r.design) AS confident
    FROM demo.police r
    JOIN demo.population p USING (country)
    GROUP BY r.country, p.country_name, p.officers),
long AS (
    SELECT b.country, b.country_name, b.officers, v.panel_no, v.panel, v.e,
           rank() OVER (ORDER BY (b.needs).estimate DESC, b.country) AS row_no
    FROM by_country b
    CROSS JOIN LATERAL (VALUES
        (1, 'Needs more training', b.needs),
        (2, 'Confident handling OCSA cases (top-2 box)', b.confident)) AS v(panel_no, panel, e)),
points AS (
    SELECT panel_no, panel, row_no, country_name || ' (' || country || ')' AS label,
           'country' AS kind, e, (svy_reliability(e)).status AS status
    FROM long
    UNION ALL
    SELECT panel_no, panel, 100, 'Pooled, population-weighted', 'pooled',
           svy_pool(e, officers), NULL
    FROM long GROUP BY panel_no, panel
    UNION ALL
    SELECT panel_no, panel, 101, 'Pooled, equal-country', 'pooled',
           svy_pool(e, 1), NULL
    FROM long GROUP BY panel_no, panel)
SELECT panel, label, kind,
       round(100 * (e).estimate::numeric, 2) AS estimate,
       round(100 * (e).ci_lower::numeric, 2) AS ci_lower,
       round(100 * (e).ci_upper::numeric, 2) AS ci_upper,
       coalesce(status, '')                  AS status
FROM points
ORDER BY panel_no, row_no;
