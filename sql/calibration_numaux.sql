-- raking and logit calibration with numeric auxiliaries (SPEC §9, issue 10): every distinct
-- auxiliary vector (the row's levels and numeric values) is a calibration cell of its own, so that
-- g = F(x'lambda) is exact for each row.  R's numbers: test/oracle (cases KN*, KNG*, from
-- test/oracle/extra/make_calib_numaux.R); here the calibration equations, the weights, parallel =
-- serial = merged states (Taylor and JK1 designs), PSUs vs rows as PSUs, the state's forms, and the errors.
SET extra_float_digits = 0;

CREATE TABLE nx AS
SELECT i AS id, 'S' || (i % 2) AS stratum, i % 20 AS psu, 1 + (i % 5) * 0.5 AS w,
       CASE WHEN i % 17 = 0 THEN NULL ELSE ((i * 7919) % 1000)::float8 / 10 END AS y,
       (i * 31) % 7 < 3 AS bo, (ARRAY['AT', 'BE', 'CZ'])[1 + (i / 2) % 3] AS country,
       ((i * 37) % 11)::float8 AS years
FROM generate_series(1, 3000) i;
ANALYZE nx;
CREATE TABLE nxpop AS SELECT '{"country": {"AT": 2600, "BE": 2400, "CZ": 2200}, "years": 39600}'::svy_population AS pop;
CREATE VIEW nxd AS
SELECT n.*,
       svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM nxpop), ARRAY[country],
                     ARRAY[years], method => 'raking') AS d_raking,
       svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM nxpop), ARRAY[country],
                     ARRAY[years], method => 'logit', bounds => ARRAY[0.8, 1.6]) AS d_logit,
       svy_calibrate(svy_design(w, strata => stratum), (SELECT pop FROM nxpop), ARRAY[country],
                     ARRAY[years], method => 'raking') AS d_rows,
       svy_calibrate(svy_design(w, strata => stratum, psu => id), (SELECT pop FROM nxpop), ARRAY[country],
                     ARRAY[years], method => 'raking') AS d_ids,
       svy_calibrate(svy_repdesign(w, ARRAY(SELECT CASE WHEN r = psu % 10 THEN 0 ELSE w * 10 / 9.0 END FROM generate_series(0, 9) r),
                                   'JK1'), (SELECT pop FROM nxpop), ARRAY[country], ARRAY[years], method => 'raking') AS d_rep
FROM nx n;

-- ---------------------------------------------------------------- the weights meet the margins
CREATE TABLE wts AS
SELECT id, country, years, w, svy_weight(d_raking) OVER () AS w_raking, svy_weight(d_logit) OVER () AS w_logit
FROM nxd;
SELECT country, round(sum(w_raking)::numeric, 6) AS raking, round(sum(w_logit)::numeric, 6) AS logit
FROM wts GROUP BY country ORDER BY country;
SELECT round(sum(w_raking * years)::numeric, 6) AS raking_years, round(sum(w_logit * years)::numeric, 6) AS logit_years
FROM wts;
-- raking: g = exp(x'lambda), one factor per (country, years); logit: g inside the bounds
SELECT count(DISTINCT (country, years)) AS cells, count(DISTINCT round((w_raking / w)::numeric, 10)) AS raking_factors,
       min(w_logit / w) >= 0.8 AND max(w_logit / w) <= 1.6 AS logit_in_bounds,
       round(min(w_logit / w)::numeric, 6) AS logit_g_min, round(max(w_logit / w)::numeric, 6) AS logit_g_max
FROM wts;
-- svy_weights_summary: the ranges are exact (a factor per cell), as the weights themselves
SELECT s.n, round(s.sum_w::numeric, 6) AS sum_w, abs(s.min_w - mn) < 1e-9 AS min_w, abs(s.max_w - mx) < 1e-9 AS max_w,
       abs(s.g_min - gmn) < 1e-9 AS g_min, abs(s.g_max - gmx) < 1e-9 AS g_max, s.n_negative, s.iterations, s.converged
FROM (SELECT (svy_weights_summary(d_logit)).* FROM nxd) s,
     (SELECT min(w_logit) AS mn, max(w_logit) AS mx, min(w_logit / w) AS gmn, max(w_logit / w) AS gmx FROM wts) w;

-- ---------------------------------------------------------------- the estimates (also of the calibrated JK1 design: every replicate raked)
CREATE FUNCTION same(a svy_estimate, b svy_estimate) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN abs(a.estimate - b.estimate) <= 1e-11 * abs(b.estimate) AND abs(a.std_error - b.std_error) <= 1e-9 * b.std_error
       AND a.df = b.df AND a.n = b.n;
SELECT 'raking mean' AS what, round((e).estimate::numeric, 8) AS estimate, round((e).std_error::numeric, 8) AS std_error, (e).df, (e).n
FROM (SELECT svy_mean(y, d_raking) AS e FROM nxd) s
UNION ALL SELECT 'logit total', round((e).estimate::numeric, 6), round((e).std_error::numeric, 6), (e).df, (e).n
FROM (SELECT svy_total(y, d_logit) AS e FROM nxd) s
UNION ALL SELECT 'raking prop', round((e).estimate::numeric, 8), round((e).std_error::numeric, 8), (e).df, (e).n
FROM (SELECT svy_prop(bo, d_raking) AS e FROM nxd) s
UNION ALL SELECT 'logit ratio', round((e).estimate::numeric, 8), round((e).std_error::numeric, 8), (e).df, (e).n
FROM (SELECT svy_ratio(y, years + 1, d_logit) AS e FROM nxd) s
UNION ALL SELECT 'replicate mean', round((e).estimate::numeric, 8), round((e).std_error::numeric, 8), (e).df, (e).n
FROM (SELECT svy_mean(y, d_rep) AS e FROM nxd) s;
-- the estimate is the calibrated weights' (svy_weight)
SELECT round((SELECT (svy_total(y, d_raking)).estimate FROM nxd)::numeric, 6) =
       round((SELECT sum(w_raking * y) FROM wts JOIN nx USING (id))::numeric, 6) AS total_is_weighted_sum;
-- a design without PSUs (rows as PSUs, kept per stratum x cell) = the same rows as their own PSUs
SELECT same(svy_mean(y, d_rows), svy_mean(y, d_ids)) AS mean, same(svy_total(y, d_rows), svy_total(y, d_ids)) AS total,
       same(svy_prop(bo, d_rows), svy_prop(bo, d_ids)) AS prop,
       same(svy_mean(y, svy_subset(d_rows, country = 'BE')), svy_mean(y, svy_subset(d_ids, country = 'BE'))) AS domain
FROM nxd;
-- -0 and 0: one value (one cell), one weight
SELECT v, round(svy_weight(svy_calibrate(svy_design(1.0), '{"c": {"a": 4}, "v": 2}', ARRAY['a'], ARRAY[v],
                                         method => 'raking')) OVER ()::numeric, 10) AS weight
FROM (VALUES (0.0::float8), ('-0'::float8), (1.0), (2.0)) t(v);

-- ---------------------------------------------------------------- parallel = serial = merged
CREATE FUNCTION nx_run() RETURNS TABLE (what text, e svy_estimate) LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT 'raking mean', svy_mean(y, d_raking) FROM nxd
    UNION ALL SELECT 'raking total', svy_total(y, d_raking) FROM nxd
    UNION ALL SELECT 'logit prop', svy_prop(bo, d_logit) FROM nxd
    UNION ALL SELECT 'logit ratio', svy_ratio(y, years + 1, d_logit) FROM nxd
    UNION ALL SELECT 'rows mean', svy_mean(y, d_rows) FROM nxd
    UNION ALL SELECT 'domain mean', svy_mean(y, svy_subset(d_raking, country = 'AT')) FROM nxd
    UNION ALL SELECT 'replicate mean', svy_mean(y, d_rep) FROM nxd
    UNION ALL SELECT 'replicate prop', svy_prop(bo, svy_subset(d_rep, country = 'BE')) FROM nxd;
END;
-- the domain and regression aggregates: their rows as (what, estimate, std_error)
CREATE FUNCTION nx_run2() RETURNS TABLE (what text, estimate float8, std_error float8) LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT 'by ' || g.level, g.estimate, g.std_error FROM (SELECT svy_by(y, country, d_raking) AS t FROM nxd) s, svy_groups(s.t) g
    UNION ALL SELECT 'dist ' || g.level, g.estimate, g.std_error FROM (SELECT svy_dist(country, d_logit) AS t FROM nxd) s, svy_groups(s.t) g
    UNION ALL SELECT 'chisq', c.statistic, c.p_value FROM (SELECT svy_tab(country, bo::text, d_raking) AS t FROM nxd) s, svy_chisq(s.t) c
    UNION ALL SELECT 'glm ' || c.term, c.estimate, c.std_error FROM (SELECT svy_glm(y, ARRAY[1, years], d_logit) AS m FROM nxd) s, svy_coef(s.m) c
    UNION ALL SELECT 'quantile', (q).estimate, (q).std_error FROM (SELECT svy_quantile(y, d_raking, 0.5) AS q FROM nxd) s
    UNION ALL SELECT 'rows quantile', (q).ci_lower, (q).std_error FROM (SELECT svy_quantile(y, d_rows, 0.4, 0.95, 'hf7') AS q FROM nxd) s
    UNION ALL SELECT 'replicate by ' || g.level, g.estimate, g.std_error FROM (SELECT svy_by(y, country, d_rep) AS t FROM nxd) s, svy_groups(s.t) g
    UNION ALL SELECT 'replicate glm ' || c.term, c.estimate, c.std_error FROM (SELECT svy_glm(y, ARRAY[1, years], d_rep) AS m FROM nxd) s, svy_coef(s.m) c;
END;
CREATE TABLE serial AS SELECT * FROM nx_run();
CREATE TABLE serial2 AS SELECT * FROM nx_run2();
CREATE TABLE merged AS
SELECT 'raking mean' AS what, svy_mean(svy_merge(s)) AS e FROM (SELECT svy_accum(y, d_raking) AS s FROM nxd GROUP BY psu) p
UNION ALL SELECT 'logit prop', svy_prop(svy_merge(s)) FROM (SELECT svy_accum(bo, d_logit) AS s FROM nxd GROUP BY psu % 3) p
UNION ALL SELECT 'rows mean', svy_mean(svy_merge(s::text::svy_state)) FROM (SELECT svy_accum(y, d_rows) AS s FROM nxd GROUP BY id % 7) p
UNION ALL SELECT 'replicate mean', svy_mean(svy_merge(s)) FROM (SELECT svy_accum(y, d_rep) AS s FROM nxd GROUP BY country) p;
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has('SELECT svy_mean(y, d_raking) FROM nxd', 'Partial Aggregate') AS partial_mean,
       plan_has('SELECT svy_weights_summary(d_logit) FROM nxd', 'Partial Aggregate') AS partial_summary;
CREATE TABLE parallel AS SELECT * FROM nx_run();
CREATE TABLE parallel2 AS SELECT * FROM nx_run2();
RESET ALL;
SET extra_float_digits = 0;
SELECT s.what, same(p.e, s.e) AS parallel_same, m.e IS NULL OR same(m.e, s.e) AS merged_same
FROM serial s JOIN parallel p USING (what) LEFT JOIN merged m USING (what) ORDER BY s.what;
SELECT count(*) AS merged_cases FROM merged;
SELECT s.what, abs(p.estimate - s.estimate) <= 1e-10 * abs(s.estimate) AND abs(p.std_error - s.std_error) <= 1e-9 * abs(s.std_error)
           AS parallel_same
FROM serial2 s JOIN parallel2 p USING (what) ORDER BY s.what;

-- ---------------------------------------------------------------- domains, tables, quantiles, glm
SELECT g.level, round(g.estimate::numeric, 8) AS estimate, round(g.std_error::numeric, 8) AS std_error, g.df
FROM svy_groups((SELECT svy_by(y, country, d_raking) FROM nxd)) g ORDER BY g.level;
SELECT round(statistic::numeric, 8) AS statistic, round(ndf::numeric, 8) AS ndf, round(ddf::numeric, 8) AS ddf,
       round(p_value::numeric, 8) AS p_value
FROM svy_chisq((SELECT svy_tab(country, bo::text, d_logit) FROM nxd));
SELECT round((q).estimate::numeric, 6) AS median, round((q).std_error::numeric, 6) AS std_error
FROM (SELECT svy_quantile(y, d_raking, 0.5) AS q FROM nxd) s;
SELECT term, round(estimate::numeric, 8) AS estimate, round(std_error::numeric, 8) AS std_error, df
FROM (SELECT svy_glm(y, ARRAY[1, years], d_logit) AS m FROM nxd) s, svy_coef(m);
-- quantiles with numeric auxiliaries on a design without PSUs: every row its own PSU (as R's ids = ~1 and
-- ids = ~id agree; oracle cases KQ041..KQ046), so the numbers are those of psu => id, every interval and a domain
CREATE FUNCTION qnear(a svy_estimate, b svy_estimate) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN a.estimate = b.estimate AND abs(a.std_error - b.std_error) <= 1e-9 * b.std_error
       AND abs(a.ci_lower - b.ci_lower) <= 1e-9 * abs(b.ci_lower) AND abs(a.ci_upper - b.ci_upper) <= 1e-9 * abs(b.ci_upper)
       AND a.df = b.df AND a.n = b.n;
SELECT i, qnear(r, d) AS rows_are_psus, (r).std_error > 0 AS has_se
FROM (SELECT 'mean' AS i, svy_quantile(y, d_rows, 0.5) AS r, svy_quantile(y, d_ids, 0.5) AS d FROM nxd
      UNION ALL SELECT 'xlogit hf7', svy_quantile(y, d_rows, 0.3, 0.9, 'hf7', 'xlogit'), svy_quantile(y, d_ids, 0.3, 0.9, 'hf7', 'xlogit') FROM nxd
      UNION ALL SELECT 'beta school', svy_quantile(y, d_rows, 0.8, 0.95, 'school', 'beta'), svy_quantile(y, d_ids, 0.8, 0.95, 'school', 'beta') FROM nxd
      UNION ALL SELECT 'score', svy_quantile(y, d_rows, 0.5, 0.95, 'math', 'score'), svy_quantile(y, d_ids, 0.5, 0.95, 'math', 'score') FROM nxd WHERE y IS NOT NULL
      UNION ALL SELECT 'domain', svy_quantile(y, svy_subset(d_rows, country = 'BE'), 0.5), svy_quantile(y, svy_subset(d_ids, country = 'BE'), 0.5) FROM nxd) s
ORDER BY i;
-- rows with PSUs and rows without, in either order: one design or an error
SELECT svy_quantile(y, CASE WHEN id <= 100 THEN d_ids ELSE d_rows END, 0.5) FROM nxd;
SELECT svy_quantile(y, CASE WHEN id <= 100 THEN d_rows ELSE d_ids END, 0.5) FROM nxd;

-- ---------------------------------------------------------------- the state's forms
CREATE TABLE st AS
SELECT svy_accum(y, svy_calibrate(svy_design(w, psu => psu % 4), '{"country": {"AT": 8, "BE": 12, "CZ": 8}, "years": 140}',
                                  ARRAY[country], ARRAY[years], method => 'logit', bounds => ARRAY[0.5, 2])) AS s
FROM nx WHERE id <= 12;
SELECT s::text::svy_state::text = s::text AS text_round_trip, same(svy_mean(s::text::svy_state), svy_mean(s)) AS reads_same FROM st;
-- every byte flipped or cut: an error of class 22 (or a valid state), never another, never a crash
\i sql/include/sfuzz.sql
SET client_min_messages = error;	-- mutated controls: convergence warnings
SELECT f.* FROM st, sfuzz(s::text) f;
RESET client_min_messages;

-- ---------------------------------------------------------------- errors and warnings
-- NULL and NaN auxiliaries
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM nxpop), ARRAY[country], ARRAY[NULLIF(years, 3)],
                                 method => 'raking')) FROM nx;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM nxpop), ARRAY[country],
                                 ARRAY[CASE WHEN id = 5 THEN 'NaN' ELSE years END], method => 'raking')) FROM nx;
-- not converged at maxit: R's warning, the last iteration's weights
SELECT round((svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM nxpop), ARRAY[country], ARRAY[years],
                                        method => 'raking', maxit => 1))).estimate::numeric, 4) AS estimate FROM nx;
-- bounds that the weights cannot meet: the Newton steps overflow, an error
SELECT round((svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM nxpop), ARRAY[country], ARRAY[years],
                                        method => 'logit', bounds => ARRAY[0.99, 1.01]))).estimate::numeric, 4) AS estimate FROM nx;
-- a numeric total of 0 in the sample: R stops (sample total 0), here singular equations
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM nxpop), ARRAY[country], ARRAY[0.0],
                                 method => 'raking')) FROM nx;
-- a continuous auxiliary: the sums per distinct value outgrow the memory limit, with what to do
SET work_mem = '64kB';
SELECT svy_mean(g, svy_calibrate(svy_design(1.0), '{"c": {"a": 50000}, "v": 1e9}', ARRAY['a'], ARRAY[g / 7.0],
                                 method => 'raking')) FROM generate_series(1, 50000) g;
RESET work_mem;
-- a replicate that cannot be calibrated: which one (all its rows of country AT have weight 0)
SELECT svy_mean(y, svy_calibrate(svy_repdesign(w, ARRAY[w, CASE WHEN country = 'AT' THEN 0 ELSE w END], 'bootstrap'),
                                 (SELECT pop FROM nxpop), ARRAY[country], ARRAY[years], method => 'raking')) FROM nx;

DROP FUNCTION nx_run(), nx_run2(), plan_has(text, text), sfuzz(text), same(svy_estimate, svy_estimate);
DROP VIEW nxd;
DROP TABLE nx, nxpop, wts, serial, parallel, merged, serial2, parallel2, st;
