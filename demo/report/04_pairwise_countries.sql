-- Title: 4. Pairwise country differences: % needing more training (Holm-adjusted)
--
-- Every pair of countries: difference in percentage points (country_a minus
-- country_b), its 95 % CI, the t test p-value, and the p-value adjusted for
-- the 28 comparisons by Holm's method. svy_by estimates all countries in one
-- pass over the full design, with their covariances; svy_pairwise reads them.
-- Judge significance by p_holm, not p_value: with 28 tests some unadjusted
-- p-values fall below 0.05 by chance alone.
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)

SELECT pw.level_a                                AS country_a,
       pw.level_b                                AS country_b,
       round(100 * pw.difference::numeric, 1)    AS diff_pts,
       round(100 * pw.ci_lower::numeric, 1)      AS ci_low,
       round(100 * pw.ci_upper::numeric, 1)      AS ci_high,
       round(pw.statistic::numeric, 2)           AS t,
       CASE WHEN pw.p_value < 0.0001 THEN '<0.0001'
            ELSE to_char(pw.p_value, 'FM0.0000') END    AS p_value,
       CASE WHEN pw.p_adjusted < 0.0001 THEN '<0.0001'
            ELSE to_char(pw.p_adjusted, 'FM0.0000') END AS p_holm,
       CASE WHEN pw.p_adjusted < 0.05 THEN '*' ELSE '' END AS sig
FROM (SELECT svy_by(needs_more_training, country, design) AS by_country
      FROM demo.police) s
CROSS JOIN LATERAL svy_pairwise(s.by_country, adjust => 'holm') AS pw
ORDER BY pw.level_a, pw.level_b;
