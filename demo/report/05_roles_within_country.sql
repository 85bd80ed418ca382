-- Title: 5. Indicators by role within country (domain estimation, cells under 10 suppressed)
--
-- Role cuts across police forces, so it is a domain, not a stratum: each
-- estimate uses the whole country's design (all its regions and forces) with
-- svy_subset(design, role = ...) marking the officers of one role - R's
-- subset(design, role == ...). A WHERE role = ... would drop the other roles'
-- PSUs from the variance and understate the uncertainty.
--
-- survey.min_cell_n = 10: an estimate from fewer than 10 respondents is
-- returned with NULL numbers (the n stays), here shown as "hidden (n<10)".
-- reliability is the NCHS status of each estimate (ok / flag / suppress):
-- role-within-country cells are small, and many of them should not be
-- published on their own.
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)
SET survey.min_cell_n = 10;

SELECT e.country,
       e.role,
       e.respondents,
       round(100 * (e.confident).estimate::numeric, 1) AS confident_pct,
       round(100 * (e.confident).ci_lower::numeric, 1) AS ci_low,
       round(100 * (e.confident).ci_upper::numeric, 1) AS ci_high,
       CASE WHEN (e.confident).estimate IS NULL THEN 'hidden (n<10)'
            ELSE (svy_reliability(e.confident)).status END AS reliability,
       round(100 * (e.needs).estimate::numeric, 1)     AS needs_training_pct,
       round(100 * (e.needs).ci_lower::numeric, 1)     AS ci_low,
       round(100 * (e.needs).ci_upper::numeric, 1)     AS ci_high,
       CASE WHEN (e.needs).estimate IS NULL THEN 'hidden (n<10)'
            ELSE (svy_reliability(e.needs)).status END AS reliability
FROM (SELECT p.country, r.role,
             count(*) FILTER (WHERE p.role = r.role)                               AS respondents,
             svy_prop(top_box(p.q_confidence), svy_subset(p.design, p.role = r.role)) AS confident,
             svy_prop(p.needs_more_training,   svy_subset(p.design, p.role = r.role)) AS needs
      FROM demo.police p
      CROSS JOIN unnest(enum_range(NULL::demo.police_role)) AS r(role)
      GROUP BY p.country, r.role) e
ORDER BY e.country, e.role;

RESET survey.min_cell_n;
