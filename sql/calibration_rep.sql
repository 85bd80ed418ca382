-- Calibration of replicate designs (SPEC §9, calib_rep.c): svy_calibrate(<replicate design>, ...).
-- R's numbers are in oracle.sql (kind calib_rep: cases KR*, P0206 and their calweights); this file checks
-- behaviour, invariants, parallel = serial = merged states, and bad input.
SET extra_float_digits = 0;

-- 60 rows in 6 clusters; a JK1 design dropping one cluster per replicate (multiplier 6/5)
CREATE TABLE rt AS
SELECT i AS id, 1 + (i - 1) / 10 AS psu, 10.0 + (i % 4) * 5 AS w,
       (ARRAY['a', 'b', 'c'])[1 + i % 3] AS g, (ARRAY['x', 'y'])[1 + (i / 3) % 2] AS h,
       ((i * 37) % 23)::float8 AS y, (i * 7) % 5 < 2 AS bo, 1.0 + ((i * 13) % 17)::float8 AS v,
       CASE WHEN (i - 1) / 10 = 0 AND i % 2 = 0 THEN 'z' ELSE 'q' END AS lone
FROM generate_series(1, 60) i;
CREATE FUNCTION jk(w float8, psu int) RETURNS svy_design LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN svy_repdesign(w, ARRAY(SELECT CASE WHEN r = psu THEN 0 ELSE w * 1.2 END FROM generate_series(1, 6) r), 'JK1');
CREATE TABLE cp AS SELECT
    '{"g": {"a": 300, "b": 320, "c": 280}}'::svy_population AS pg,
    '{"g": {"a": 300, "b": 320, "c": 280}, "h": {"x": 500, "y": 400}}'::svy_population AS pgh,
    '{"g": {"a": 300, "b": 320, "c": 280}, "v": 8200}'::svy_population AS pgv,
    '{"lone": {"q": 700, "z": 200}}'::svy_population AS plone,
    '{"lone": {"q": 700, "z": 200}, "v": 8200}'::svy_population AS plonev;
CREATE FUNCTION est(e svy_estimate) RETURNS text LANGUAGE sql IMMUTABLE
RETURN format('%s se %s df %s n %s', round(e.estimate::numeric, 8), round(e.std_error::numeric, 8), e.df, e.n);

-- the linear estimators with each method
SELECT m.method,
       est(svy_mean(y, svy_calibrate(jk(w, psu), m.pop, m.lev, m.x, method => m.method, maxit => m.maxit, bounds => m.bounds))) AS mean,
       est(svy_total(y, svy_calibrate(jk(w, psu), m.pop, m.lev, m.x, method => m.method, maxit => m.maxit, bounds => m.bounds))) AS total,
       est(svy_prop(bo, svy_calibrate(jk(w, psu), m.pop, m.lev, m.x, method => m.method, maxit => m.maxit, bounds => m.bounds))) AS prop,
       est(svy_ratio(y, v, svy_calibrate(jk(w, psu), m.pop, m.lev, m.x, method => m.method, maxit => m.maxit, bounds => m.bounds))) AS ratio
FROM rt, cp, LATERAL (VALUES
    ('poststratify', pg, ARRAY[g], NULL::float8[], NULL::int, NULL::float8[]),
    ('rake', pgh, ARRAY[g, h], NULL, NULL, NULL),
    ('rake', pgh, ARRAY[g, h], NULL, 1, NULL),
    ('linear', pgv, ARRAY[g], ARRAY[v], NULL, NULL),
    ('raking', pgh, ARRAY[g, h], NULL, NULL, NULL),
    ('logit', pgh, ARRAY[g, h], NULL, NULL, ARRAY[0.5, 2.5])) m(method, pop, lev, x, maxit, bounds)
GROUP BY m.method, m.maxit ORDER BY m.method, m.maxit;

-- every replicate is calibrated to the population: totals of the auxiliaries are exact, with SE 0
SELECT est(svy_total(1.0, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify'))) AS ps_count,
       est(svy_total((g = 'a')::int::float8, svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'rake', epsilon => 1e-12, maxit => 200))) AS rake_level_a,
       est(svy_total(v, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v]))) AS linear_v,
       est(svy_total((h = 'y')::int::float8, svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'raking'))) AS raking_level_y
FROM rt, cp;
-- the full sample is the linearization design's calibration: the same estimates, other SEs
SELECT abs((r).estimate - (t).estimate) < 1e-12 * abs((t).estimate) AS same_estimate,
       (r).std_error <> (t).std_error AS other_se, (r).df AS rep_df, (t).df AS taylor_df
FROM (SELECT svy_mean(y, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) AS r,
             svy_mean(y, svy_calibrate(svy_design(w, psu => psu), pgv, ARRAY[g], ARRAY[v])) AS t
      FROM rt, cp) s;
-- R's degf: the rank of the calibrated replicate weights - 1 (5 here); raking and logit keep the base's
SELECT (svy_mean(y, jk(w, psu))).df AS base,
       (svy_mean(y, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify'))).df AS poststratify,
       (svy_mean(y, svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'raking'))).df AS raking
FROM rt, cp;

-- svy_prop: every CI method
SELECT m, est(svy_prop(bo, svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'rake'), m)) AS prop,
       round((svy_prop(bo, svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'rake'), m)).ci_lower::numeric, 8) AS lo,
       round((svy_prop(bo, svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'rake'), m)).ci_upper::numeric, 8) AS hi
FROM rt, cp, unnest(ARRAY['logit', 'xlogit', 'wilson', 'korn-graubard', 'asin', 'likelihood', 'wald']) m
GROUP BY m ORDER BY m;

-- mse and rscales of the base
SELECT est(svy_mean(y, svy_calibrate(svy_repdesign(w, ARRAY(SELECT CASE WHEN r = psu THEN 0 ELSE w * 1.2 END FROM generate_series(1, 6) r), 'JK1', mse => true), pg, ARRAY[g], method => 'poststratify'))) AS mse,
       est(svy_mean(y, svy_calibrate(svy_repdesign(w, ARRAY(SELECT CASE WHEN r = psu THEN 0 ELSE w * 1.2 END FROM generate_series(1, 6) r), 'other', scale => 1, rscales => ARRAY[0.1, 0.2, 0.3, 0.1, 0.1, 0.1]), pg, ARRAY[g], method => 'poststratify'))) AS rscales
FROM rt, cp;

-- domains and NULL outcomes: the rows stay in the calibration
SELECT est(svy_mean(y, svy_subset(svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v]), h = 'x'))) AS subset_x,
       est(svy_mean(CASE WHEN h = 'x' THEN y END, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v]))) AS null_outside_x
FROM rt, cp;
SELECT est(svy_mean(NULL::float8, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify'))) AS all_null FROM rt, cp;

-- weights out: the full sample's calibrated weights, as for the linearization design
SELECT count(*) AS rows,
       bool_and(abs(r - t) < 1e-12 * abs(t)) AS same_weights,
       round(sum(r)::numeric, 9) AS sum_w
FROM (SELECT svy_weight(svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) OVER () AS r,
             svy_weight(svy_calibrate(svy_design(w, psu => psu), pgv, ARRAY[g], ARRAY[v])) OVER () AS t
      FROM rt, cp) s;
SELECT n, round(sum_w::numeric, 9) AS sum_w, round(g_min::numeric, 9) AS g_min, round(g_max::numeric, 9) AS g_max,
       iterations, converged
FROM (SELECT (svy_weights_summary(svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'rake'))).* FROM rt, cp) s;

-- ---------------------------------------------------------------- merged states = the aggregate
CREATE AGGREGATE mean_state(float8, svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
SELECT abs((svy_mean_final(svy_aggstate_combine(a.m, b.m))).std_error - (SELECT (svy_mean(y, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v]))).std_error FROM rt, cp)) < 1e-10 AS halves_same,
       svy_mean_final(a.m::text::svy_aggstate) = (SELECT svy_mean(y, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) FROM rt, cp WHERE id % 2 = 0) AS text_round_trip,
       a.m::text::svy_aggstate::text = a.m::text AS text_stable
FROM (SELECT mean_state(y, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) AS m FROM rt, cp WHERE id % 2 = 0) a,
     (SELECT mean_state(y, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) AS m FROM rt, cp WHERE id % 2 = 1) b;
-- halves that cut across cells and clusters, different shifts: the same numbers to rounding
SELECT abs((c).estimate - (w).estimate) < 1e-12 * abs((w).estimate) AS estimate_same,
       abs((c).std_error - (w).std_error) < 1e-10 * (w).std_error AS se_same, (c).df = (w).df AS df_same
FROM (SELECT svy_mean_final(svy_aggstate_combine(a.m, b.m)) AS c
      FROM (SELECT mean_state(y, svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'rake')) AS m FROM rt, cp WHERE id > 37) a,
           (SELECT mean_state(y, svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'rake')) AS m FROM rt, cp WHERE id <= 37) b) x,
     (SELECT svy_mean(y, svy_calibrate(jk(w, psu), pgh, ARRAY[g, h], method => 'rake')) AS w FROM rt, cp) y;
-- a calibrated replicate state does not merge with another design's
SELECT svy_mean_final(svy_aggstate_combine(a.m, b.m))
FROM (SELECT mean_state(y, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify')) AS m FROM rt, cp) a,
     (SELECT mean_state(y, svy_calibrate(svy_repdesign(w, ARRAY[w, w, w], 'bootstrap'), pg, ARRAY[g], method => 'poststratify')) AS m FROM rt, cp) b;
SELECT svy_mean_final(svy_aggstate_combine(a.m, b.m))
FROM (SELECT mean_state(y, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify')) AS m FROM rt, cp) a,
     (SELECT mean_state(y, svy_calibrate(svy_design(w), pg, ARRAY[g], method => 'poststratify')) AS m FROM rt, cp) b;
SELECT svy_mean_final(svy_aggstate_combine(a.m, b.m))
FROM (SELECT mean_state(y, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify')) AS m FROM rt, cp) a,
     (SELECT mean_state(y, jk(w, psu)) AS m FROM rt, cp) b;
-- corrupt states: every byte overwritten and every truncation is an error or a number, never a crash
\i sql/include/fuzz.sql
SELECT fuzz(mean_state(y, svy_calibrate(svy_repdesign(w, ARRAY[w, 2 * w, 0], 'bootstrap'), pgv, ARRAY[g], ARRAY[v])), 'svy_mean_final')
FROM rt, cp WHERE id <= 12;
-- the replicate part of a state: a count that does not match the design, truncated
SELECT svy_mean_final(translate(encode(substr(svy_aggstate_send(m), 1, length(svy_aggstate_send(m)) - 8), 'base64'), E'\n', '')::svy_aggstate)
FROM (SELECT mean_state(y, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify')) AS m FROM rt, cp) s;

-- ---------------------------------------------------------------- parallel = serial
CREATE TABLE big AS
SELECT i AS id, 1 + i % 40 AS psu, 0.5 + (i % 7) * 0.25 AS w, (ARRAY['a', 'b', 'c'])[1 + i % 3] AS g,
       (ARRAY['x', 'y'])[1 + (i / 3) % 2] AS h, ((i * 7919) % 1000)::float8 AS y, (i * 31) % 7 < 3 AS bo,
       ((i * 37) % 41)::float8 AS v
FROM generate_series(1, 40000) i;
ANALYZE big;
CREATE FUNCTION boot(w float8, psu int) RETURNS svy_design LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN svy_repdesign(w, ARRAY(SELECT w * abs(hashint4(psu * 100 + r) % 3) FROM generate_series(1, 20) r), 'bootstrap');
CREATE TABLE bigpop AS SELECT
    '{"g": {"a": 30000, "b": 32000, "c": 28000}, "h": {"x": 50000, "y": 40000}}'::svy_population AS pgh,
    '{"g": {"a": 30000, "b": 32000, "c": 28000}, "v": 1800000}'::svy_population AS pgv;
CREATE FUNCTION rep_run() RETURNS TABLE (what text, estimate float8, std_error float8, df float8, n bigint)
LANGUAGE sql STABLE BEGIN ATOMIC
    SELECT 'rake mean', (e).estimate, (e).std_error, (e).df, (e).n FROM (
        SELECT svy_mean(y, svy_calibrate(boot(w, psu), (SELECT pgh FROM bigpop), ARRAY[g, h], method => 'rake')) AS e
        FROM big) s
    UNION ALL
    SELECT 'linear prop', (e).estimate, (e).std_error, (e).df, (e).n FROM (
        SELECT svy_prop(bo, svy_calibrate(boot(w, psu), (SELECT pgv FROM bigpop), ARRAY[g], ARRAY[v])) AS e
        FROM big) s
    UNION ALL
    SELECT 'raking domain ratio', (e).estimate, (e).std_error, (e).df, (e).n FROM (
        SELECT svy_ratio(y, v, svy_subset(svy_calibrate(boot(w, psu), (SELECT pgh FROM bigpop), ARRAY[g, h], method => 'raking'), h = 'x')) AS e
        FROM big) s
    UNION ALL
    SELECT 'by linear ' || g.level, g.estimate, g.std_error, g.df, g.n FROM (
        SELECT svy_by(y, h, svy_calibrate(boot(w, psu), (SELECT pgv FROM bigpop), ARRAY[g], ARRAY[v])) AS t
        FROM big) s, svy_groups(s.t) g
    UNION ALL
    SELECT 'tab rake chisq', c.statistic, c.p_value, c.ddf, NULL FROM (
        SELECT svy_tab(g, bo, svy_calibrate(boot(w, psu), (SELECT pgh FROM bigpop), ARRAY[g, h], method => 'rake')) AS t
        FROM big) s, svy_chisq(s.t) c
    UNION ALL
    SELECT 'weights', s.sum_w, s.kish_deff, s.g_max, s.n FROM (
        SELECT (svy_weights_summary(svy_calibrate(boot(w, psu), (SELECT pgh FROM bigpop), ARRAY[g, h], method => 'rake'))).*
        FROM big) s;
END;
CREATE TABLE serial AS SELECT * FROM rep_run();
SELECT what, round(estimate::numeric, 6) AS estimate, round(std_error::numeric, 6) AS std_error, df, n FROM serial ORDER BY what;
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has($q$SELECT svy_mean(y, svy_calibrate(boot(w, psu), (SELECT pgh FROM bigpop), ARRAY[g, h], method => 'rake'))
    FROM big$q$, 'Partial Aggregate') AS partial_mean;
CREATE TABLE parallel AS SELECT * FROM rep_run();
SELECT s.what, abs(p.estimate - s.estimate) <= 1e-12 * abs(s.estimate) AS estimate_same,
       abs(p.std_error - s.std_error) <= 1e-9 * abs(s.std_error) AS se_same,
       p.df = s.df AND p.n IS NOT DISTINCT FROM s.n AS df_n_same
FROM serial s JOIN parallel p USING (what) ORDER BY s.what;
RESET ALL;
SET extra_float_digits = 0;
-- the state grows with replicates x cells, not with rows
SELECT length(svy_aggstate_send(a.m)) AS bytes_20000_rows, length(svy_aggstate_send(b.m)) AS bytes_40000_rows
FROM (SELECT mean_state(y, svy_calibrate(boot(w, psu), pgh, ARRAY[g, h], method => 'rake')) AS m FROM big, bigpop WHERE id <= 20000) a,
     (SELECT mean_state(y, svy_calibrate(boot(w, psu), pgh, ARRAY[g, h], method => 'rake')) AS m FROM big, bigpop) b;

-- ---------------------------------------------------------------- edge cases and bad input
-- empty input, one row
SELECT est(svy_mean(y, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify'))) AS empty FROM rt, cp WHERE false;
SELECT est(svy_mean(y, svy_calibrate(svy_repdesign(w, ARRAY[w, 2 * w], 'bootstrap'), '{"g": {"a": 300}}', ARRAY[g], method => 'poststratify'))) AS one_row,
       est(svy_total(y, svy_calibrate(svy_repdesign(w, ARRAY[w, 2 * w], 'bootstrap'), '{"v": 50}', NULL, ARRAY[v]))) AS one_row_linear
FROM rt WHERE id = 3;
-- one row in a JK1 design: the replicate that drops it has no weight to calibrate
SELECT svy_mean(y, svy_calibrate(jk(w, psu), '{"g": {"a": 300}}', ARRAY[g], method => 'poststratify')) FROM rt WHERE id = 3;
-- a replicate without weight in a population level: R's replicate weights become NaN (postStratify fails)
SELECT svy_mean(y, svy_calibrate(jk(w, psu), plone, ARRAY[lone], method => 'poststratify')) FROM rt, cp;
SELECT svy_mean(y, svy_calibrate(jk(w, psu), plone, ARRAY[lone], method => 'rake')) FROM rt, cp;
-- linear: the replicate's equations are singular (R's solve() fails)
SELECT svy_mean(y, svy_calibrate(jk(w, psu), plonev, ARRAY[lone], ARRAY[v])) FROM rt, cp;
-- the full sample is still fine for the weights
SELECT round(sum(x)::numeric, 9) AS sum_w FROM (SELECT svy_weight(svy_calibrate(jk(w, psu), plone, ARRAY[lone], method => 'poststratify')) OVER () AS x FROM rt, cp) s;
-- logit and raking: a replicate that cannot be calibrated is an error naming it
SELECT svy_mean(y, svy_calibrate(jk(w, psu), plone, ARRAY[lone], method => 'logit', bounds => ARRAY[0.5, 2.5])) FROM rt, cp;
SELECT svy_mean(y, svy_calibrate(jk(w, psu), plone, ARRAY[lone], method => 'raking')) FROM rt, cp;
-- replicate designs with different numbers of replicates in one aggregate
SELECT svy_mean(y, svy_calibrate(CASE WHEN id < 30 THEN jk(w, psu) ELSE svy_repdesign(w, ARRAY[w, w], 'bootstrap') END,
                                 pg, ARRAY[g], method => 'poststratify')) FROM rt, cp;
-- calibrated and uncalibrated rows, replicate and linearization rows
SELECT svy_mean(y, CASE WHEN id < 30 THEN svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify') ELSE jk(w, psu) END) FROM rt, cp;
SELECT svy_mean(y, CASE WHEN id > 30 THEN svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify') ELSE jk(w, psu) END) FROM rt, cp;
SELECT svy_mean(y, svy_calibrate(CASE WHEN id < 30 THEN jk(w, psu) ELSE svy_design(w) END, pg, ARRAY[g], method => 'poststratify')) FROM rt, cp;
SELECT svy_weights_summary(CASE WHEN id < 30 THEN svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify') ELSE jk(w, psu) END) FROM rt, cp;
-- the text form of a calibrated replicate design round-trips
SELECT d::text::svy_design::text = d::text AS text_round_trip, left(d::text, 40) AS head
FROM (SELECT svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v]) AS d FROM rt, cp WHERE id = 1) s;
-- svy_accum stores a calibrated replicate state: svy_mean and svy_total of it are the direct ones
SELECT svy_mean(svy_accum(y, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])))
     = svy_mean(y, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) AS same_mean,
       svy_total(svy_accum(y, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v]))::text::svy_state)
     = svy_total(y, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) AS same_total_text
FROM rt, cp;

-- svy_glm refits every calibrated replicate (R's numbers: oracle.sql, cases GR*): an intercept-only
-- gaussian model is the calibrated mean, its variance that of the calibrated replicates' means
SELECT m.method, round(c.estimate::numeric, 8) AS beta, round(c.std_error::numeric, 8) AS se, c.df,
       abs(c.estimate - e.estimate) <= 1e-9 * abs(e.estimate) AS same_as_mean,
       abs(c.std_error - e.std_error) <= 1e-9 * e.std_error AS same_se
FROM (SELECT m.method,
             svy_glm(y, ARRAY[1.0::float8], svy_calibrate(jk(w, psu), m.pop, m.lev, m.x, method => m.method), 'gaussian') AS model,
             svy_mean(y, svy_calibrate(jk(w, psu), m.pop, m.lev, m.x, method => m.method)) AS e
      FROM rt, cp, LATERAL (VALUES ('poststratify', pg, ARRAY[g], NULL::float8[]), ('linear', pgv, ARRAY[g], ARRAY[v]),
                                   ('rake', pgh, ARRAY[g, h], NULL::float8[])) m(method, pop, lev, x)
      GROUP BY m.method) m, svy_coef(m.model) c, LATERAL (SELECT (m.e).*) e
ORDER BY m.method;

-- domain statistics calibrate every replicate too (R's numbers: oracle.sql, cases KDR*): an svy_by
-- group is the calibrated mean of its domain, its df the rank of its rows' calibrated replicate weights
SELECT g.level, round(g.estimate::numeric, 8) AS estimate, round(g.std_error::numeric, 8) AS se, g.df, g.n,
       abs(g.estimate - (e).estimate) <= 1e-12 * abs((e).estimate) AS same_as_mean,
       abs(g.std_error - (e).std_error) <= 1e-9 * (e).std_error AS same_se,
       abs(g.deff - (e).deff) <= 1e-9 * (e).deff AS same_deff, g.df = (e).df AS same_df
FROM (SELECT svy_by(y, h, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) AS t,
             svy_mean(y, svy_subset(svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v]), h = 'x')) AS x,
             svy_mean(y, svy_subset(svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v]), h = 'y')) AS y
      FROM rt, cp) s, svy_groups(s.t) g, LATERAL (SELECT CASE g.level WHEN 'x' THEN s.x ELSE s.y END) e(e)
ORDER BY g.level;
-- a group of few rows of one cluster (z): df from its own rows, below the design's (5), as its domain's
SELECT g.level, g.df, g.n, g.df = m.df AS same_df_as_subset
FROM (SELECT svy_by(y, lone, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify')) AS t FROM rt, cp) s,
     svy_groups(s.t) g,
     LATERAL (SELECT (svy_mean(y, svy_subset(svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify'), lone = g.level))).df
              FROM rt, cp) m(df)
ORDER BY g.level;
-- svy_dist levels are the calibrated svy_prop of each level
SELECT l.level, round(l.estimate::numeric, 8) AS estimate, round(l.std_error::numeric, 8) AS se, l.df,
       abs(l.std_error - (p).std_error) <= 1e-9 * (p).std_error AS same_se_as_prop
FROM (SELECT svy_dist(h, svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) AS t,
             svy_prop(h = 'x', svy_calibrate(jk(w, psu), pgv, ARRAY[g], ARRAY[v])) AS p
      FROM rt, cp) s, svy_groups(s.t) l ORDER BY l.level;
SELECT round(c.statistic::numeric, 8) AS statistic, round(c.ndf::numeric, 8) AS ndf, round(c.ddf::numeric, 8) AS ddf,
       round(c.p_value::numeric, 8) AS p_value
FROM (SELECT svy_tab(g, h, svy_calibrate(jk(w, psu), pg, ARRAY[g], method => 'poststratify')) AS t FROM rt, cp) s,
     svy_chisq(s.t) c;

DROP FUNCTION rep_run(), plan_has(text, text), fuzz(svy_aggstate, text), est(svy_estimate), jk(float8, int), boot(float8, int);
DROP AGGREGATE mean_state(float8, svy_design);
DROP TABLE rt, cp, big, bigpop, serial, parallel;
