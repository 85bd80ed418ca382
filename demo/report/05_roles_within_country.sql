-- Title: 5. Indicators by role within country (domain estimation, cells under 10 suppressed)
--
-- Role cuts across police forces, so it is a domain, not a stratum: each
-- estimate uses the whole country's design (all its regions and forces) with
-- svy_subset(design, role = ...) marking the officers of one role - R's
-- subset(design, role == ...). A WHERE role = ... would drop the other roles'
-- PSUs from the variance and understate the uncertainty.
--
-- survey.min_cell_n = 10: an estimate from fewer than 10 respondents is
-- returned with NULL numbers (the n stays), shown as "hidden (n<10)".
-- reliability is the NCHS status of each estimate (ok / flag / suppress):
-- role-within-country cells are small, and many of them should not be
-- published on their own. The numbers of a suppressed estimate are left
-- blank; the reasons columns say why it is flagged or suppressed.
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)
SET survey.min_cell_n = 10;

SELECT e.country,
       e.role,
       e.respondents,
       CASE WHEN rc.status <> 'suppress' THEN round(100 * (e.confident).estimate::numeric, 1) END AS confident_pct,
       CASE WHEN rc.status <> 'suppress' THEN round(100 * (e.confident).ci_lower::numeric, 1) END AS confident_ci_low,
       CASE WHEN rc.status <> 'suppress' THEN round(100 * (e.confident).ci_upper::numeric, 1) END AS confident_ci_high,
       CASE WHEN (e.confident).estimate IS NULL THEN 'hidden (n<10)' ELSE rc.status END AS confident_reliability,
       CASE WHEN (e.confident).estimate IS NULL THEN 'fewer than 10 respondents'
            ELSE array_to_string(rc.reasons, ', ') END AS confident_reasons,
       CASE WHEN rn.status <> 'suppress' THEN round(100 * (e.needs).estimate::numeric, 1) END AS needs_training_pct,
       CASE WHEN rn.status <> 'suppress' THEN round(100 * (e.needs).ci_lower::numeric, 1) END AS needs_training_ci_low,
       CASE WHEN rn.status <> 'suppress' THEN round(100 * (e.needs).ci_upper::numeric, 1) END AS needs_training_ci_high,
       CASE WHEN (e.needs).estimate IS NULL THEN 'hidden (n<10)' ELSE rn.status END AS needs_training_reliability,
       CASE WHEN (e.needs).estimate IS NULL THEN 'fewer than 10 respondents'
            ELSE array_to_string(rn.reasons, ', ') END AS needs_training_reasons
FROM (SELECT p.country, r.role,
             count(*) FILTER (WHERE p.role = r.role)                               AS respondents,
             svy_prop(top_box(p.q_confidence), svy_subset(p.design, p.role = r.role)) AS confident,
             svy_prop(p.needs_more_training,   svy_subset(p.design, p.role = r.role)) AS needs
      FROM demo.police p
      CROSS JOIN unnest(enum_range(NULL::demo.police_role)) AS r(role)
      GROUP BY p.country, r.role) e
LEFT JOIN LATERAL svy_reliability(e.confident) AS rc ON (e.confident).estimate IS NOT NULL
LEFT JOIN LATERAL svy_reliability(e.needs) AS rn ON (e.needs).estimate IS NOT NULL
ORDER BY e.country, e.role;

RESET survey.min_cell_n;
