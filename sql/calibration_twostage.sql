-- Calibration of two-stage designs (SPEC §9 + §12, issue 10): svy_calibrate over svy_design(..., psu2, fpc2).
-- The g-weights are those of one stage; the variance residualises every row's score against the calibration,
-- then takes R's multistage variance of the residualised scores (first stage with fpc, second stage within
-- PSUs with fpc2).  R's numbers: test/oracle (cases KT*, test/oracle/extra/make_calib_twostage.R).  Here: the
-- variance by hand, its special cases, parallel = serial = merged states, lonely second-stage units, the
-- state's forms, and what is refused.
SET extra_float_digits = 0;
-- 3 strata x 4 PSUs (of 10) x 5 second-stage units (of 12), 12 rows per unit
CREATE TABLE c2 AS
SELECT i AS id, 'S' || (i % 3) AS st, (i / 3) % 4 AS psu, (i / 12) % 5 AS ssu,
       10.0::float8 AS n1, 12.0::float8 AS n2, 1.5 + (i % 7) * 0.5 AS w,
       ((i * 7919) % 1000) / 10.0 AS y, (i * 31) % 7 < 3 AS b,
       (ARRAY['AT', 'BE', 'CZ'])[1 + (i / 2) % 3] AS country, (ARRAY['r1', 'r2'])[1 + (i / 5) % 2] AS role,
       ((i * 37) % 11)::float8 AS years
FROM generate_series(0, 719) i;
ANALYZE c2;
CREATE TABLE c2pop AS
SELECT '{"country": {"AT": 950, "BE": 1000, "CZ": 1050}}'::svy_population AS ps,
       '{"country": {"AT": 950, "BE": 1000, "CZ": 1050}, "role": {"r1": 1400, "r2": 1600}}'::svy_population AS rk,
       '{"country": {"AT": 950, "BE": 1000, "CZ": 1050}, "years": 15500}'::svy_population AS lin;
CREATE VIEW c2d AS
SELECT c.*,
       svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2),
                     (SELECT ps FROM c2pop), ARRAY[country], NULL, 'poststratify') AS d_ps,
       svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2),
                     (SELECT rk FROM c2pop), ARRAY[country, role], NULL, 'rake', maxit => 100, epsilon => 1e-10) AS d_rake,
       svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2),
                     (SELECT rk FROM c2pop), ARRAY[country, role], NULL, 'raking') AS d_raking,
       svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2),
                     (SELECT lin FROM c2pop), ARRAY[country], ARRAY[years], 'linear') AS d_lin,
       -- the same calibration of the first stage alone
       svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1),
                     (SELECT ps FROM c2pop), ARRAY[country], NULL, 'poststratify') AS d_ps1,
       svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1),
                     (SELECT lin FROM c2pop), ARRAY[country], ARRAY[years], 'linear') AS d_lin1
FROM c2 c;

-- ---------------------------------------------------------------- the weights: those of one stage
SELECT count(*) AS rows, count(*) FILTER (WHERE abs(w2 - w1) > 1e-12 * abs(w1)) AS differ,
       round(sum(w2)::numeric, 6) AS sum_w
FROM (SELECT svy_weight(d_lin) OVER () AS w2, svy_weight(d_lin1) OVER () AS w1 FROM c2d) s;
SELECT country, round(sum(wr)::numeric, 6) AS rake, round(sum(wg)::numeric, 6) AS raking
FROM (SELECT country, svy_weight(d_rake) OVER () AS wr, svy_weight(d_raking) OVER () AS wg FROM c2d) s
GROUP BY country ORDER BY country;
SELECT svy_weights_summary(d_ps)::text = svy_weights_summary(d_ps1)::text AS summary_as_one_stage FROM c2d;

-- ---------------------------------------------------------------- the variance by hand (poststratification)
-- R's postStratify residual of a total: z = W (y - the W-weighted mean of y in the row's cell), W the
-- calibrated weight; then stage 1 over the PSU totals of z, plus per PSU (n_h / N_h) times the one-stage
-- variance of its units' totals of z (fpc2)
WITH r AS (SELECT st, psu, ssu, y, country, svy_weight(d_ps) OVER () AS cw FROM c2d),
z AS (SELECT st, psu, ssu, cw * (y - sum(cw * y) OVER (PARTITION BY country) / sum(cw) OVER (PARTITION BY country)) AS z FROM r),
u AS (SELECT st, psu, ssu, sum(z) AS t FROM z GROUP BY 1, 2, 3),
p AS (SELECT st, psu, sum(t) AS t, count(*) AS m, sum(t * t) - sum(t) ^ 2 / count(*) AS ss2 FROM u GROUP BY 1, 2),
s AS (SELECT st, count(*) AS n, sum(t * t) - sum(t) ^ 2 / count(*) AS ss1,
             sum((1 - m / 12.0) * m / (m - 1) * ss2) AS v2 FROM p GROUP BY 1),
v AS (SELECT sum((1 - n / 10.0) * n / (n - 1) * ss1 + n / 10.0 * v2) AS v FROM s)
SELECT abs((svy_total(y, d_ps)).std_error - sqrt(v)) < 1e-9 * sqrt(v) AS total_se_by_hand,
       (svy_total(y, d_ps)).std_error > (svy_total(y, d_ps1)).std_error AS stage2_adds
FROM c2d, v GROUP BY v;
-- without a first-stage fpc the second stage adds nothing (as R): the first stage's calibrated design
SELECT abs((svy_mean(y, svy_calibrate(svy_design(w, strata => st, psu => psu, psu2 => ssu, fpc2 => n2),
                                      (SELECT lin FROM c2pop), ARRAY[country], ARRAY[years], 'linear'))).std_error
           - (svy_mean(y, svy_calibrate(svy_design(w, strata => st, psu => psu), (SELECT lin FROM c2pop),
                                        ARRAY[country], ARRAY[years], 'linear'))).std_error) < 1e-12 AS no_fpc_one_stage
FROM c2;
-- every unit of each PSU sampled (fpc2 = 5 units, or the fraction 1): no second stage
SELECT abs((svy_mean(y, svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => 5),
                                      (SELECT lin FROM c2pop), ARRAY[country], ARRAY[years], 'linear'))).std_error
           - (svy_mean(y, d_lin1)).std_error) < 1e-9 AS census_stage2,
       abs((svy_mean(y, svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => 1),
                                      (SELECT lin FROM c2pop), ARRAY[country], ARRAY[years], 'linear'))).std_error
           - (svy_mean(y, d_lin1)).std_error) < 1e-9 AS census_fraction
FROM c2d;

-- ---------------------------------------------------------------- the estimates; parallel = serial = merged
CREATE FUNCTION c2_same(a svy_estimate, b svy_estimate) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN abs(a.estimate - b.estimate) <= 1e-11 * abs(b.estimate) AND abs(a.std_error - b.std_error) <= 1e-9 * b.std_error
       AND a.df = b.df AND a.n = b.n;
CREATE FUNCTION c2_run() RETURNS TABLE (what text, e svy_estimate) LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT 'ps mean', svy_mean(y, d_ps) FROM c2d
    UNION ALL SELECT 'ps total', svy_total(y, d_ps) FROM c2d
    UNION ALL SELECT 'rake prop', svy_prop(b, d_rake) FROM c2d
    UNION ALL SELECT 'raking ratio', svy_ratio(y, years + 1, d_raking) FROM c2d
    UNION ALL SELECT 'linear mean', svy_mean(y, d_lin) FROM c2d
    UNION ALL SELECT 'linear domain total', svy_total(y, svy_subset(d_lin, role = 'r1')) FROM c2d
    UNION ALL SELECT 'ps quantile', svy_quantile(y, d_ps, 0.5) FROM c2d
    UNION ALL SELECT 'linear domain quantile', svy_quantile(y, svy_subset(d_lin, role = 'r1'), 0.25, 0.95, 'hf7', 'xlogit')
              FROM c2d;
END;
SELECT what, round((e).estimate::numeric, 6) AS estimate, round((e).std_error::numeric, 6) AS std_error, (e).df, (e).n
FROM c2_run() ORDER BY what;
CREATE TABLE serial AS SELECT * FROM c2_run();
-- the domain aggregates and tables, as (what, estimate, std_error) rows
CREATE FUNCTION c2_run2() RETURNS TABLE (what text, estimate float8, std_error float8) LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT 'by ' || g.level, g.estimate, g.std_error FROM (SELECT svy_by(y, role, d_ps) AS t FROM c2d) s, svy_groups(s.t) g
    UNION ALL SELECT 'by domain ' || g.level, g.estimate, g.std_error
              FROM (SELECT svy_by(y, country, svy_subset(d_raking, role = 'r2')) AS t FROM c2d) s, svy_groups(s.t) g
    UNION ALL SELECT 'dist ' || g.level, g.estimate, g.std_error FROM (SELECT svy_dist(role, d_lin) AS t FROM c2d) s, svy_groups(s.t) g
    UNION ALL SELECT 'chisq', c.statistic, c.p_value FROM (SELECT svy_tab(role, b::text, d_rake) AS t FROM c2d) s, svy_chisq(s.t) c
    UNION ALL SELECT 'glm ' || c.term, c.estimate, c.std_error FROM (SELECT svy_glm(y, ARRAY[1, years], d_lin) AS m FROM c2d) s,
              svy_coef(s.m) c;
END;
SELECT what, round(estimate::numeric, 6) AS estimate, round(std_error::numeric, 6) AS std_error FROM c2_run2() ORDER BY what;
CREATE TABLE serial2 AS SELECT * FROM c2_run2();
CREATE TABLE merged AS
SELECT 'ps mean' AS what, svy_mean(svy_merge(s)) AS e FROM (SELECT svy_accum(y, d_ps) AS s FROM c2d GROUP BY ssu) p
UNION ALL SELECT 'rake prop', svy_prop(svy_merge(s)) FROM (SELECT svy_accum(b, d_rake) AS s FROM c2d GROUP BY id % 7) p
UNION ALL SELECT 'ps total', svy_total(svy_merge(s::text::svy_state)) FROM (SELECT svy_accum(y, d_ps) AS s FROM c2d GROUP BY st) p
UNION ALL SELECT 'linear mean', svy_mean(svy_merge(s::text::svy_state)) FROM (SELECT svy_accum(y, d_lin) AS s FROM c2d GROUP BY psu, ssu) p;
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has('SELECT svy_mean(y, d_ps) FROM c2d', 'Partial Aggregate') AS partial_mean,
       plan_has('SELECT svy_weights_summary(d_lin) FROM c2d', 'Partial Aggregate') AS partial_summary;
CREATE TABLE parallel AS SELECT * FROM c2_run();
CREATE TABLE parallel2 AS SELECT * FROM c2_run2();
CREATE TABLE parallel_summary AS SELECT (svy_weights_summary(d_rake)).* FROM c2d;
\i sql/include/parallel_off.sql
SET extra_float_digits = 0;
SELECT s.what, c2_same(p.e, s.e) AS parallel_same, m.e IS NULL OR c2_same(m.e, s.e) AS merged_same
FROM serial s JOIN parallel p USING (what) LEFT JOIN merged m USING (what) ORDER BY s.what;
SELECT count(*) AS merged_cases FROM merged;
SELECT s.what, abs(p.estimate - s.estimate) <= 1e-10 * abs(s.estimate) AND abs(p.std_error - s.std_error) <= 1e-9 * abs(s.std_error)
           AS parallel_same
FROM serial2 s JOIN parallel2 p USING (what) ORDER BY s.what;
-- the second stage adds to the groups' and the coefficients' variance too (the first stage alone: d_ps1, d_lin1)
SELECT bool_and(a.std_error > b.std_error AND abs(a.estimate - b.estimate) <= 1e-12 * abs(b.estimate)) AS stage2_adds
FROM svy_groups((SELECT svy_by(y, role, d_ps) FROM c2d)) a JOIN svy_groups((SELECT svy_by(y, role, d_ps1) FROM c2d)) b USING (level);
SELECT bool_and(a.std_error > b.std_error AND abs(a.estimate - b.estimate) <= 1e-12 * abs(b.estimate)) AS glm_stage2_adds
FROM svy_coef((SELECT svy_glm(y, ARRAY[1, years], d_lin) FROM c2d)) a
JOIN svy_coef((SELECT svy_glm(y, ARRAY[1, years], d_lin1) FROM c2d)) b USING (term);
SELECT p.n = s.n AND abs(p.sum_w - s.sum_w) < 1e-9 * s.sum_w AND p.iterations = s.iterations AS summary_parallel_same
FROM parallel_summary p, (SELECT (svy_weights_summary(d_rake)).* FROM c2d) s;

-- ---------------------------------------------------------------- the forms of the design and of the state
SELECT bool_and(d_lin::text::svy_design::text = d_lin::text) AS design_text_round_trip,
       c2_same(svy_mean(y, d_lin::text::svy_design), svy_mean(y, d_lin)) AS design_reads_same
FROM c2d;
CREATE TABLE st AS
SELECT svy_accum(y, svy_calibrate(svy_design(w, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2),
                                  '{"country": {"AT": 30, "BE": 30, "CZ": 30}, "years": 500}', ARRAY[country], ARRAY[years],
                                  'linear')) AS s
FROM c2 WHERE psu < 2 AND ssu < 2 AND id % 8 < 3;
SELECT s::text::svy_state::text = s::text AS text_round_trip, c2_same(svy_mean(s::text::svy_state), svy_mean(s)) AS reads_same FROM st;
-- every byte flipped or cut: an error of class 22 (or a valid state), never another, never a crash
\i sql/include/sfuzz.sql
SET client_min_messages = error;
SELECT f.* FROM st, sfuzz(s::text) f;
RESET client_min_messages;
-- the raw state (svy_aggstate, as Citus's workers ship it): every byte overwritten and every truncation,
-- errors, never a crash
CREATE AGGREGATE c2_mean_state(float8, svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
\i sql/include/fuzz.sql
SELECT svy_mean_final(c2_mean_state(y, d)) = svy_mean(y, d) AS raw_state_reads_same,
       fuzz(c2_mean_state(y, d), 'svy_mean_final') AS raw_state_fuzz
FROM (SELECT y, svy_calibrate(svy_design(w, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2),
                              '{"country": {"AT": 30, "BE": 30, "CZ": 30}, "years": 500}', ARRAY[country], ARRAY[years],
                              'linear') AS d
      FROM c2 WHERE psu < 2 AND ssu < 2 AND id % 8 < 3) r;
-- rows with and without a second stage in one aggregate
SELECT svy_mean(svy_merge(s)) FROM (
    SELECT svy_accum(y, svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2),
                                      (SELECT ps FROM c2pop), ARRAY[country], NULL, 'poststratify')) AS s FROM c2 WHERE psu = 0
    UNION ALL
    SELECT svy_accum(y, svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1),
                                      (SELECT ps FROM c2pop), ARRAY[country], NULL, 'poststratify')) FROM c2 WHERE psu > 0) p;

-- ---------------------------------------------------------------- lonely second-stage units, fpc2 errors
-- PSU 0 of S0 keeps unit 0 only: each lonely rule on the residualised scores
CREATE VIEW c2l AS
SELECT c.*, svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2),
                          (SELECT ps FROM c2pop), ARRAY[country], NULL, 'poststratify') AS d
FROM c2 c WHERE NOT (st = 'S0' AND psu = 0 AND ssu > 0);
SELECT svy_mean(y, d) FROM c2l;
SET survey.lonely_psu = 'remove';
SELECT round((e).estimate::numeric, 6) AS estimate, round((e).std_error::numeric, 6) AS std_error FROM (SELECT svy_mean(y, d) AS e FROM c2l) s;
SET survey.lonely_psu = 'certainty';
SELECT round((e).estimate::numeric, 6) AS estimate, round((e).std_error::numeric, 6) AS std_error FROM (SELECT svy_mean(y, d) AS e FROM c2l) s;
SET survey.lonely_psu = 'adjust';
SELECT round((e).estimate::numeric, 6) AS estimate, round((e).std_error::numeric, 6) AS std_error FROM (SELECT svy_mean(y, d) AS e FROM c2l) s;
-- average: no other PSU's second stage to average over (R: NaN), a NULL standard error
SET survey.lonely_psu = 'average';
SELECT round((e).estimate::numeric, 6) AS estimate, round((e).std_error::numeric, 6) AS std_error FROM (SELECT svy_mean(y, d) AS e FROM c2l) s;
RESET survey.lonely_psu;
-- fpc2 below a PSU's sampled units (5)
SELECT svy_mean(y, svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => 4),
                                 (SELECT ps FROM c2pop), ARRAY[country], NULL, 'poststratify')) FROM c2;
-- fpc2 differing within a PSU
SELECT svy_mean(y, svy_calibrate(svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu,
                                            fpc2 => CASE WHEN id = 100 THEN 13 ELSE n2 END),
                                 (SELECT ps FROM c2pop), ARRAY[country], NULL, 'poststratify')) FROM c2;

-- without a first-stage fpc the second stage adds nothing: the domain aggregates give the ultimate cluster's
SELECT count(*) AS groups FROM svy_groups((SELECT svy_by(y, role, svy_calibrate(
    svy_design(w, strata => st, psu => psu, psu2 => ssu, fpc2 => n2), (SELECT ps FROM c2pop), ARRAY[country], NULL,
    'poststratify')) FROM c2));

DROP AGGREGATE c2_mean_state(float8, svy_design);
DROP FUNCTION c2_run(), c2_run2(), plan_has(text, text), sfuzz(text), fuzz(svy_aggstate, text), c2_same(svy_estimate, svy_estimate);
DROP VIEW c2d, c2l;
DROP TABLE c2, c2pop, serial, parallel, serial2, parallel2, parallel_summary, merged, st;
