-- Title: 1. Sample sizes per country and role
--
-- Respondents, strata (regions) and PSUs (police forces) per country, with the
-- respondents of each role, and the officers the weights stand for. A plain
-- count, no design needed. Small cells here are the ones that survey.min_cell_n
-- suppresses in table 5 (Ireland's trainers).
SELECT CASE WHEN grouping(r.country) = 1 THEN 'all' ELSE r.country END AS country,
       CASE WHEN grouping(r.country) = 1 THEN 'All countries'
            ELSE min(p.country_name) END                        AS name,
       count(DISTINCT (r.country, r.region))                    AS strata,
       count(DISTINCT (r.country, r.region, r.force_id))        AS forces,
       count(*)                                                 AS respondents,
       count(*) FILTER (WHERE r.role = 'investigator')          AS investigator,
       count(*) FILTER (WHERE r.role = 'first responder')       AS first_resp,
       count(*) FILTER (WHERE r.role = 'digital forensic examiner') AS forensic,
       count(*) FILTER (WHERE r.role = 'manager')               AS manager,
       count(*) FILTER (WHERE r.role = 'trainer')               AS trainer,
       round(sum(r.weight))                                     AS officers
FROM demo.responses r
JOIN demo.population p USING (country)
GROUP BY ROLLUP (r.country)
ORDER BY grouping(r.country), r.country;
