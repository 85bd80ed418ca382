-- Domains (svy_by), distributions (svy_dist), multi-select shares
-- (svy_choices) and tables (svy_tab) with their readers.  Numbers against
-- R are in oracle.sql; this file checks behaviour, edge cases and errors.
SET extra_float_digits = 0;

CREATE TYPE region AS ENUM ('north', 'south', 'east', 'west');
CREATE TABLE d AS
SELECT i AS id,
       'S' || (i % 4) AS stratum,
       (i / 4) % 6 AS psu,
       1.0 + (i % 5) * 0.5 AS w,
       ((i * 37) % 101)::float8 AS y,
       (i * 13) % 7 < 3 AS b,
       (ARRAY['AT','BE','CZ'])[1 + i % 3] AS country,
       (ARRAY['north','south','east']::region[])[1 + (i / 3) % 3] AS reg,
       (((i * 7) % 5) + 1)::likert(5) AS q,
       CASE WHEN i % 11 = 0 THEN 'dk'::likert(5) WHEN i % 17 = 0 THEN NULL
            ELSE (((i * 3) % 4) + 1)::likert(5) END AS q2,
       CASE WHEN i % 9 = 0 THEN 'refused'::choices
            ELSE choices(ARRAY[1 + i % 3, 1 + (i / 2) % 4]) END AS c
FROM generate_series(0, 239) i;

-- svy_by: one row per group in the group type's order, each group its own df
SELECT level, round(estimate::numeric, 8) AS estimate, round(std_error::numeric, 8) AS se,
       round(ci_lower::numeric, 6) AS lo, round(ci_upper::numeric, 6) AS hi, df, n,
       round(deff::numeric, 6) AS deff
FROM svy_groups((SELECT svy_by(y, country, svy_design(w, strata => stratum, psu => psu)) FROM d));
-- a group of domain means equals the same domain through svy_subset
SELECT round(g.std_error::numeric, 10) = round((e).std_error::numeric, 10) AS same_se, g.df = (e).df AS same_df
FROM svy_groups((SELECT svy_by(y, country, svy_design(w, strata => stratum, psu => psu)) FROM d)) g,
     (SELECT svy_mean(y, svy_subset(svy_design(w, strata => stratum, psu => psu), country = 'BE')) AS e FROM d) s
WHERE g.level = 'BE';
-- totals, proportions with a CI method, level
SELECT level, round(estimate::numeric, 4) AS total, round(std_error::numeric, 4) AS se
FROM svy_groups((SELECT svy_by(y, country, svy_design(w, psu => psu)) FROM d), 'total');
SELECT level, round(estimate::numeric, 8) AS p, round(ci_lower::numeric, 8) AS lo, round(ci_upper::numeric, 8) AS hi
FROM svy_groups((SELECT svy_by(b, reg, svy_design(w, strata => stratum, psu => psu)) FROM d),
                method => 'korn-graubard', level => 0.9);
-- a group that exists in only one stratum; NULL groups and NULL outcomes are outside every group
SELECT level, n, df FROM svy_groups((
    SELECT svy_by(CASE WHEN id % 10 = 0 THEN NULL ELSE y END,
                  CASE WHEN stratum = 'S3' AND psu < 2 THEN 'only-S3' WHEN id % 7 = 0 THEN NULL ELSE country END,
                  svy_design(w, strata => stratum, psu => psu)) FROM d));

-- svy_pairwise: every pair in group order, the full covariance, Holm by default
SELECT level_a, level_b, round(difference::numeric, 8) AS diff, round(std_error::numeric, 8) AS se,
       round(statistic::numeric, 6) AS t, df, round(p_value::numeric, 8) AS p, round(p_adjusted::numeric, 8) AS p_holm
FROM svy_pairwise((SELECT svy_by(y, country, svy_design(w, psu => psu)) FROM d));
SELECT level_a, level_b, round(p_adjusted::numeric, 8) AS p_bonferroni
FROM svy_pairwise((SELECT svy_by(y, country, svy_design(w, psu => psu)) FROM d), 'bonferroni');
-- groups that are whole strata are independent: pairwise = svy_diff of separate estimates
SELECT round(p.difference::numeric, 10) = round(x.difference::numeric, 10) AS same_difference,
       round(p.std_error::numeric, 10) = round(x.std_error::numeric, 10) AS same_se
FROM svy_pairwise((SELECT svy_by(y, stratum, svy_design(w, strata => stratum, psu => psu)) FROM d)) p,
     LATERAL (SELECT (svy_diff(a, b)).* FROM
              (SELECT svy_mean(y, svy_design(w, strata => stratum, psu => psu)) AS a FROM d WHERE stratum = 'S0') ea,
              (SELECT svy_mean(y, svy_design(w, strata => stratum, psu => psu)) AS b FROM d WHERE stratum = 'S1') eb) x
WHERE p.level_a = 'S0' AND p.level_b = 'S1';

-- svy_contrast: a difference equals svy_pairwise's; any linear combination; errors
SELECT round(c.estimate::numeric, 10) = round(p.difference::numeric, 10) AS same_difference,
       round(c.std_error::numeric, 10) = round(p.std_error::numeric, 10) AS same_se, c.df = p.df AS same_df
FROM (SELECT (svy_contrast(svy_by(y, country, svy_design(w, psu => psu)), ARRAY[1, 0, -1])).* FROM d) c,
     svy_pairwise((SELECT svy_by(y, country, svy_design(w, psu => psu)) FROM d)) p
WHERE p.level_a = 'AT' AND p.level_b = 'CZ';
SELECT round(estimate::numeric, 8) AS avg_at_be_minus_cz, round(std_error::numeric, 8) AS se, n
FROM (SELECT (svy_contrast(svy_by(y, country, svy_design(w, strata => stratum, psu => psu)),
                           ARRAY[0.5, 0.5, -1])).* FROM d) c;
SELECT svy_contrast(svy_by(y, country, svy_design(w)), ARRAY[1, -1]) FROM d;
SELECT svy_contrast(svy_by(y, country, svy_design(w)), ARRAY[1, NULL, -1]) FROM d;
SELECT svy_contrast(svy_by(y, country, svy_design(w)), ARRAY[1, 'NaN', -1]::float8[]) FROM d;

-- svy_dist of a likert item: every scale point, also those nobody chose
SELECT level, round(estimate::numeric, 8) AS share, n
FROM svy_groups((SELECT svy_dist(q2, svy_design(w, strata => stratum, psu => psu)) FROM d));
-- with the missing reasons as categories
SELECT level, round(estimate::numeric, 8) AS share, n
FROM svy_groups((SELECT svy_dist(q2, svy_design(w, strata => stratum, psu => psu), true) FROM d));
-- an enum lists every label in its order; shares sum to 1
SELECT level, round(estimate::numeric, 8) AS share, n
FROM svy_groups((SELECT svy_dist(reg, svy_design(w, psu => psu)) FROM d));
SELECT round(sum(estimate)::numeric, 12) AS total_share
FROM svy_groups((SELECT svy_dist(country, svy_design(w, psu => psu)) FROM d));
-- the mean score of a likert item over valid answers
SELECT round((svy_mean(q2, svy_design(w, strata => stratum, psu => psu))).estimate::numeric, 8) AS mean_score,
       (svy_mean(q2, svy_design(w, strata => stratum, psu => psu))).n FROM d;
SELECT round((svy_prop(top_box(q2), svy_design(w, strata => stratum, psu => psu))).estimate::numeric, 8) AS top2 FROM d;

-- svy_choices: share of respondents choosing each option, pairwise comparisons of options
SELECT level, round(estimate::numeric, 8) AS share, round(std_error::numeric, 8) AS se, n
FROM svy_groups((SELECT svy_choices(c, svy_design(w, strata => stratum, psu => psu)) FROM d));
SELECT level_a, level_b, round(difference::numeric, 8) AS diff, round(p_adjusted::numeric, 6) AS p_holm
FROM svy_pairwise((SELECT svy_choices(c, svy_design(w, strata => stratum, psu => psu)) FROM d));

-- svy_tab, svy_cells in every margin, svy_chisq with every statistic
SELECT row_level, col_level, n, round(estimate::numeric, 8) AS pct, round(std_error::numeric, 8) AS se,
       round(ci_lower::numeric, 6) AS lo, round(ci_upper::numeric, 6) AS hi, df
FROM svy_cells((SELECT svy_tab(country, b, svy_design(w, strata => stratum, psu => psu)) FROM d));
SELECT row_level, col_level, round(estimate::numeric, 8) AS col_pct
FROM svy_cells((SELECT svy_tab(country, b, svy_design(w, strata => stratum, psu => psu)) FROM d), 'col');
SELECT round(sum(estimate)::numeric, 12) AS cells_sum_to_one
FROM svy_cells((SELECT svy_tab(country, b, svy_design(w, strata => stratum, psu => psu)) FROM d), 'cell');
SELECT row_level, col_level, round(estimate::numeric, 4) AS total
FROM svy_cells((SELECT svy_tab(country, b, svy_design(w, strata => stratum, psu => psu)) FROM d), 'total');
SELECT s AS statistic, round(t.statistic::numeric, 8) AS value, round(t.ndf::numeric, 6) AS ndf,
       round(t.ddf::numeric, 6) AS ddf, round(t.p_value::numeric, 8) AS p, t.method
FROM unnest(ARRAY['F', 'Chisq', 'Wald', 'adjWald', 'saddlepoint']) s,
     LATERAL svy_chisq((SELECT svy_tab(country, reg, svy_design(w, strata => stratum, psu => psu)) FROM d), s) t;
-- likert rows: unchosen scale points are listed by svy_cells and left out of the test
SELECT count(*) AS cells FROM svy_cells((SELECT svy_tab(country, q2, svy_design(w, psu => psu)) FROM d));
SELECT round(p_value::numeric, 8) AS p FROM svy_chisq((SELECT svy_tab(country, q2, svy_design(w, psu => psu)) FROM d));

-- errors
SELECT svy_chisq((SELECT svy_tab(country, 'one'::text, svy_design(w)) FROM d));
SELECT svy_chisq((SELECT svy_tab(country, b, svy_design(w)) FROM d), 'G');
SELECT svy_chisq((SELECT svy_tab(country, b, svy_design(w)) FROM d), 'lincom');
SELECT * FROM svy_cells((SELECT svy_tab(country, b, svy_design(w)) FROM d), 'diagonal');
SELECT * FROM svy_pairwise((SELECT svy_by(y, country, svy_design(w)) FROM d), 'tukey');
SELECT * FROM svy_groups((SELECT svy_by(y, country, svy_design(w)) FROM d), 'median');
SELECT * FROM svy_groups((SELECT svy_by(y, country, svy_design(w)) FROM d), method => 'exact');
SELECT svy_by(y, id, svy_design(w)) IS NOT NULL FROM generate_series(1, 1001) id, d WHERE d.id = 0;
SELECT svy_tab(id, id % 3, svy_design(1.0)) FROM generate_series(1, 700) id;
SELECT svy_dist(point(id, 1), svy_design(1.0)) FROM generate_series(1, 3) id;
SELECT svy_by(y, country, NULL) FROM d;
SELECT svy_dist(q, svy_design(1.0)) FROM (SELECT '3'::likert(5) AS q UNION ALL SELECT '3'::likert(7)) x;
SELECT svy_dist(q, svy_design(1.0)) FROM (SELECT '2'::likert(5) AS q UNION ALL SELECT '3'::likert(0, 4)) x;
SELECT level, n FROM svy_groups((SELECT svy_by(y, 'everyone', svy_design(w)) FROM d));
SELECT 'x'::svy_domains;
-- empty input and an empty domain
SELECT svy_by(y, country, svy_design(w)) IS NULL AS no_rows FROM d WHERE false;
SELECT count(*) AS groups FROM svy_groups((SELECT svy_by(y, country, svy_subset(svy_design(w), false)) FROM d));
-- survey.min_cell_n suppresses small groups in every reader
SET survey.min_cell_n = 70;
SELECT level, estimate IS NULL AS suppressed, n
FROM svy_groups((SELECT svy_by(y, CASE WHEN id < 100 THEN country ELSE 'big' END, svy_design(w)) FROM d));
RESET survey.min_cell_n;
-- the text form is lossless: \x and the versioned binary form in hexadecimal
-- (full round-trip tests of every type: sql/state_fuzz.sql, test/dump)
SELECT left(v::text, 12) AS head, v::text::svy_domains::text = v::text AS round_trip
FROM (SELECT svy_by(y, country, svy_design(w, psu => psu)) v FROM d) x;

-- parallel aggregation gives the serial answer
CREATE TABLE dbig AS
SELECT i AS id, 'S' || (i % 8) AS stratum, (i / 8) % 40 AS psu, 0.5 + (i % 13) * 0.25 AS w,
       ((i * 7919) % 1000)::float8 AS y, (i * 31) % 7 < 3 AS b, (ARRAY['AT','BE','CZ','DE'])[1 + i % 4] AS country
FROM generate_series(1, 200000) i;
ANALYZE dbig;
CREATE TABLE dserial AS
SELECT g.* FROM svy_groups((SELECT svy_by(y, country, svy_design(w, strata => stratum, psu => psu)) FROM dbig)) g;
CREATE TABLE dserial_tab AS
SELECT (svy_chisq(svy_tab(country, b, svy_design(w, psu => psu)))).* FROM dbig;
\i sql/include/parallel_on.sql
EXPLAIN (COSTS OFF) SELECT svy_by(y, country, svy_design(w, strata => stratum, psu => psu)) FROM dbig;
CREATE TABLE dparallel AS
SELECT svy_by(y, country, svy_design(w, strata => stratum, psu => psu)) AS b,
       svy_tab(country, b, svy_design(w, psu => psu)) AS t FROM dbig;
RESET ALL;
SELECT s.level, abs(p.estimate - s.estimate) < 1e-12 * abs(s.estimate) AS same_estimate,
       abs(p.std_error - s.std_error) < 1e-12 * s.std_error AS same_se, p.df = s.df AS same_df
FROM dserial s JOIN (SELECT g.* FROM dparallel, svy_groups(b) g) p USING (level) ORDER BY 1;
SELECT abs(p.statistic - s.statistic) < 1e-12 * s.statistic AS same_statistic,
       abs(p.p_value - s.p_value) < 1e-12 * s.p_value AS same_p
FROM dserial_tab s, (SELECT (svy_chisq(t)).* FROM dparallel) p;

DROP TABLE d, dbig, dserial, dserial_tab, dparallel;
DROP TYPE region;
