-- Title: 6. Kinds of training received (multi-select, all countries)
--
-- Share of officers who received each kind of training ("select all that
-- apply": the shares add up to more than 100 %), with 95 % CIs, over all
-- countries (weights make this the officer population of the 8 countries),
-- and the lowest and highest country. Respondents who refused or did not know
-- are left out. svy_choices estimates every option in one pass and names the
-- options by the labels it is given; svy_groups reads one row per option.
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)

WITH overall AS (
    SELECT g.*, g.ordinality AS option
    FROM (SELECT svy_choices(training_received, design,
                             '{basic OCSA awareness,digital evidence handling,victim identification,online undercover,legal framework,wellbeing / trauma support}')
                 AS shares
          FROM demo.police) s
    CROSS JOIN LATERAL svy_groups(s.shares) WITH ORDINALITY AS g),
by_country AS (
    SELECT s.country, g.level, round(100 * g.estimate::numeric, 1) AS pct
    FROM (SELECT country,
                 svy_choices(training_received, design,
                             '{basic OCSA awareness,digital evidence handling,victim identification,online undercover,legal framework,wellbeing / trauma support}')
                 AS shares
          FROM demo.police GROUP BY country) s
    CROSS JOIN LATERAL svy_groups(s.shares) AS g),
range AS (
    SELECT level,
           (array_agg(country || ' ' || pct ORDER BY pct, country))[1]           AS lowest,
           (array_agg(country || ' ' || pct ORDER BY pct DESC, country))[1]      AS highest
    FROM by_country GROUP BY level)
SELECT o.option,
       o.level                              AS label,
       round(100 * o.estimate::numeric, 1)  AS pct,
       round(100 * o.ci_lower::numeric, 1)  AS ci_low,
       round(100 * o.ci_upper::numeric, 1)  AS ci_high,
       round(o.deff::numeric, 2)            AS deff,
       r.lowest,
       r.highest
FROM overall o
JOIN range r USING (level)
ORDER BY o.option;
