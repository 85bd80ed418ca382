-- Title: 6. Kinds of training received (multi-select, all countries)
--
-- Share of officers who received each kind of training ("select all that
-- apply": the shares add up to more than 100 %), with 95 % CIs, over all
-- countries (weights make this the officer population of the 8 countries),
-- and the lowest and highest country. Respondents who refused or did not know
-- are left out. svy_choices estimates every option in one pass; svy_groups
-- reads one row per option; the labels come from a VALUES list.
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)

WITH labels(option, label) AS (
    VALUES (1, 'basic OCSA awareness'),
           (2, 'digital evidence handling'),
           (3, 'victim identification'),
           (4, 'online undercover'),
           (5, 'legal framework'),
           (6, 'wellbeing / trauma support')),
overall AS (
    SELECT g.*
    FROM (SELECT svy_choices(training_received, design) AS shares FROM demo.police) s
    CROSS JOIN LATERAL svy_groups(s.shares) AS g),
by_country AS (
    SELECT s.country, g.level, round(100 * g.estimate::numeric, 1) AS pct
    FROM (SELECT country, svy_choices(training_received, design) AS shares
          FROM demo.police GROUP BY country) s
    CROSS JOIN LATERAL svy_groups(s.shares) AS g),
range AS (
    SELECT level,
           (array_agg(country || ' ' || pct ORDER BY pct, country))[1]           AS lowest,
           (array_agg(country || ' ' || pct ORDER BY pct DESC, country))[1]      AS highest
    FROM by_country GROUP BY level)
SELECT l.option,
       l.label,
       round(100 * o.estimate::numeric, 1)  AS pct,
       round(100 * o.ci_lower::numeric, 1)  AS ci_low,
       round(100 * o.ci_upper::numeric, 1)  AS ci_high,
       round(o.deff::numeric, 2)            AS deff,
       r.lowest,
       r.highest
FROM labels l
JOIN overall o ON o.level = l.option::text
JOIN range r   ON r.level = l.option::text
ORDER BY l.option;
