-- The demo survey and its report (tools/demo.sh): every number of the report
-- is checked here. Loads demo/police_survey.sql and runs demo/report/*.sql.
\getenv abs_srcdir PG_ABS_SRCDIR
\set ECHO none
\i :abs_srcdir/demo/police_survey.sql
\set ECHO all

-- the generated data: sizes, design, missing answers
SELECT count(*) AS respondents,
       count(DISTINCT country) AS countries,
       count(DISTINCT (country, region)) AS strata,
       count(DISTINCT (country, region, force_id)) AS forces,
       round(sum(weight)) AS officers
FROM demo.responses;
-- force ids repeat across regions (PSUs nested in strata)
SELECT count(DISTINCT force_id) AS distinct_force_ids FROM demo.responses;
-- the single-PSU stratum
SELECT country || '/' || region AS stratum, count(DISTINCT force_id) AS forces
FROM demo.responses GROUP BY 1 HAVING count(DISTINCT force_id) = 1;
-- the small country x role cell
SELECT country, role, count(*) FROM demo.responses
GROUP BY country, role HAVING count(*) < 10;
-- missing reasons of the Likert items and the multi-select
SELECT coalesce(missing_reason(q_confidence), 'valid') AS confidence,
       count(*) FROM demo.responses GROUP BY 1 ORDER BY 1;
SELECT coalesce(missing_reason(q_training_adequacy), 'valid') AS training_adequacy,
       count(*) FROM demo.responses GROUP BY 1 ORDER BY 1;
SELECT coalesce(missing_reason(q_crossborder_cooperation), 'valid') AS crossborder,
       count(*) FROM demo.responses GROUP BY 1 ORDER BY 1;
SELECT training_received::text IN ('refused', 'dk') AS missing, count(*)
FROM demo.responses GROUP BY 1 ORDER BY 1;
SELECT needs_more_training, count(*) FROM demo.responses GROUP BY 1 ORDER BY 1;
-- the published officers by country x role add up to each country's officers,
-- and the margins (demo.margins) to the same total for country and for role
SELECT count(*) AS countries_off FROM (
    SELECT country FROM demo.officers_by_role o JOIN demo.population p USING (country)
    GROUP BY country, p.officers HAVING sum(o.officers) <> p.officers) x;
SELECT variable, count(*) AS levels, sum(total) AS officers FROM demo.margins GROUP BY 1 ORDER BY 1;
-- with the default survey.lonely_psu = fail the single-PSU stratum is an error
SELECT (svy_prop(needs_more_training, design)).estimate FROM demo.police;

-- the report
\i :abs_srcdir/demo/report/01_sample_sizes.sql
\i :abs_srcdir/demo/report/02_indicators_by_country.sql
\i :abs_srcdir/demo/report/03_country_tests.sql
\i :abs_srcdir/demo/report/04_pairwise_countries.sql
\i :abs_srcdir/demo/report/05_roles_within_country.sql
\i :abs_srcdir/demo/report/06_training_received.sql
\i :abs_srcdir/demo/report/07_pooled.sql
\i :abs_srcdir/demo/report/08_adjusted.sql
\i :abs_srcdir/demo/report/09_calibrated.sql
-- the forest plot's data
\i :abs_srcdir/demo/forest_plot.sql

RESET survey.lonely_psu;
