-- Title: 7. Pooled estimates: population-weighted and equal-country
--
-- The 8 country estimates combined with svy_pool (countries are independent
-- samples):
--   population-weighted: each country weighted by its officers
--                        (demo.population) - "the average officer";
--   equal-country:       each country counts once - "the average country"
--                        (as the OECD average).
-- For comparison, "one design, all rows" estimates the population-weighted
-- figure directly from all respondents. Its point estimate is close to the
-- population-weighted pool (each country's weights add up to its officers;
-- they differ a little where countries have different shares of missing
-- answers); its SE is larger because the design does not know that the
-- weights were calibrated to the country totals, which svy_pool takes as known.
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)

WITH by_country AS (
    SELECT country,
           svy_prop(top_box(q_confidence), design)        AS confident,
           svy_prop(top_box(q_training_adequacy), design) AS trained,
           svy_prop(needs_more_training, design)          AS needs_training
    FROM demo.police
    GROUP BY country),
all_rows AS (
    SELECT svy_prop(top_box(q_confidence), design)        AS confident,
           svy_prop(top_box(q_training_adequacy), design) AS trained,
           svy_prop(needs_more_training, design)          AS needs_training
    FROM demo.police),
pooled AS (
    SELECT svy_pool(b.confident, p.officers)      AS confident_pop,
           svy_pool(b.confident, 1)               AS confident_eq,
           svy_pool(b.trained, p.officers)        AS trained_pop,
           svy_pool(b.trained, 1)                 AS trained_eq,
           svy_pool(b.needs_training, p.officers) AS needs_pop,
           svy_pool(b.needs_training, 1)          AS needs_eq
    FROM by_country b
    JOIN demo.population p USING (country))
SELECT v.indicator,
       v.pooling,
       round(100 * (v.e).estimate::numeric, 1)  AS pct,
       round(100 * (v.e).ci_lower::numeric, 1)  AS ci_low,
       round(100 * (v.e).ci_upper::numeric, 1)  AS ci_high,
       round(100 * (v.e).std_error::numeric, 2) AS se_pts,
       round((v.e).df::numeric, 1)              AS df
FROM pooled, all_rows a
CROSS JOIN LATERAL (VALUES
    (1, 'confident (top-2)',         'population-weighted', pooled.confident_pop),
    (1, 'confident (top-2)',         'equal-country',       pooled.confident_eq),
    (1, 'confident (top-2)',         'one design, all rows', a.confident),
    (2, 'training adequate (top-2)', 'population-weighted', pooled.trained_pop),
    (2, 'training adequate (top-2)', 'equal-country',       pooled.trained_eq),
    (2, 'training adequate (top-2)', 'one design, all rows', a.trained),
    (3, 'needs more training',       'population-weighted', pooled.needs_pop),
    (3, 'needs more training',       'equal-country',       pooled.needs_eq),
    (3, 'needs more training',       'one design, all rows', a.needs_training)
) AS v(ord, indicator, pooling, e)
ORDER BY v.ord;
