-- Title: 2. Key indicators per country (95 % CI, reliability)
--
-- Per country: % confident handling OCSA cases (top-2 box: 4 or 5 on 1..5),
-- % rating their training adequate (top-2 box; asked only of officers who had
-- training), % saying they need more training. Don't know / refused / not
-- applicable answers are left out of each percentage (top_box() is NULL for
-- them, and svy_prop skips NULLs).
--
-- GROUP BY country is right here: countries are separate strata, so each
-- country's rows form a complete design of their own.
-- CIs: logit method (R's svyciprop default), Student t with the design df.
-- reliability: NCHS Data Presentation Standards for Proportions (2017):
-- ok / flag (e.g. df < 8) / suppress (e.g. n_eff < 30, CI too wide). The
-- numbers of a suppressed estimate are left blank; reasons says why.
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)

SELECT i.indicator,
       c.country,
       CASE WHEN r.status <> 'suppress' THEN round(100 * (i.e).estimate::numeric, 1) END AS pct,
       CASE WHEN r.status <> 'suppress' THEN round(100 * (i.e).ci_lower::numeric, 1) END AS ci_low,
       CASE WHEN r.status <> 'suppress' THEN round(100 * (i.e).ci_upper::numeric, 1) END AS ci_high,
       (i.e).n                                  AS n,
       (i.e).df                                 AS df,
       CASE WHEN r.status <> 'suppress' THEN round((i.e).deff::numeric, 2) END AS deff,
       r.status                                 AS reliability,
       array_to_string(r.reasons, ', ')         AS reasons
FROM (SELECT country,
             svy_prop(top_box(q_confidence), design)        AS confident,
             svy_prop(top_box(q_training_adequacy), design) AS trained,
             svy_prop(needs_more_training, design)          AS needs_training
      FROM demo.police
      GROUP BY country) c
CROSS JOIN LATERAL (VALUES (1, 'confident (top-2)',          c.confident),
                           (2, 'training adequate (top-2)',  c.trained),
                           (3, 'needs more training',        c.needs_training)
                   ) AS i(ord, indicator, e)
CROSS JOIN LATERAL svy_reliability(i.e) AS r
ORDER BY i.ord, c.country;
