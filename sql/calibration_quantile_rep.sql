-- Quantiles of calibrated replicate designs (SPEC §9; calib_quantile.c, calib_rep.c, quantile_store.c):
-- svy_quantile(y, svy_calibrate(svy_repdesign(...), ...), p).  R's numbers are in oracle.sql (kind
-- calib_rep: cases KQR*, test/oracle/extra/make_calib_quantile_rep.R); this file checks behaviour,
-- invariants, parallel = serial = merged states, and bad input.
SET extra_float_digits = 0;

-- 60 rows in 6 clusters; a JK1 design dropping one cluster per replicate (multiplier 6/5)
CREATE TABLE qr AS
SELECT i AS id, 1 + (i - 1) / 10 AS psu, 10.0 + (i % 4) * 5 AS w,
       (ARRAY['a', 'b', 'c'])[1 + i % 3] AS g, (ARRAY['x', 'y'])[1 + (i / 3) % 2] AS h,
       ((i * 37) % 23)::float8 AS y, 1.0 + ((i * 13) % 17)::float8 AS v,
       CASE WHEN (i - 1) / 10 = 0 AND i % 2 = 0 THEN 'z' ELSE 'q' END AS lone
FROM generate_series(1, 60) i;
CREATE FUNCTION jkq(w float8, psu int) RETURNS svy_design LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN svy_repdesign(w, ARRAY(SELECT CASE WHEN r = psu THEN 0 ELSE w * 1.2 END FROM generate_series(1, 6) r), 'JK1');
CREATE TABLE qp AS SELECT
    '{"g": {"a": 300, "b": 320, "c": 280}}'::svy_population AS pg,
    '{"g": {"a": 300, "b": 320, "c": 280}, "h": {"x": 500, "y": 400}}'::svy_population AS pgh,
    '{"g": {"a": 300, "b": 320, "c": 280}, "v": 8200}'::svy_population AS pgv,
    '{"lone": {"q": 700, "z": 200}}'::svy_population AS plone;
CREATE FUNCTION qest(e svy_estimate) RETURNS text LANGUAGE sql IMMUTABLE
RETURN format('%s [%s, %s] se %s df %s n %s', round(e.estimate::numeric, 8), round(e.ci_lower::numeric, 8),
              round(e.ci_upper::numeric, 8), round(e.std_error::numeric, 8), e.df, e.n);

-- every method, the two interval types of replicate designs
SELECT m.method, i.interval,
       qest(svy_quantile(y, svy_calibrate(jkq(w, psu), m.pop, m.lev, m.x, method => m.method, bounds => m.bounds),
                         0.5, 0.95, 'math', i.interval)) AS median
FROM qr, qp, LATERAL (VALUES
    ('poststratify', pg, ARRAY[g], NULL::float8[], NULL::float8[]),
    ('rake', pgh, ARRAY[g, h], NULL, NULL),
    ('linear', pgv, ARRAY[g], ARRAY[v], NULL),
    ('raking', pgh, ARRAY[g, h], NULL, NULL),
    ('logit', pgh, ARRAY[g, h], NULL, ARRAY[0.5, 2.5])) m(method, pop, lev, x, bounds),
    unnest(ARRAY['mean', 'quantile']) i(interval)
GROUP BY m.method, i.interval ORDER BY m.method, i.interval;

-- R's replicate quantile ignores beta, xlogit and asin: Woodruff's "mean" interval
SELECT i.interval,
       qest(svy_quantile(y, svy_calibrate(jkq(w, psu), pgv, ARRAY[g], ARRAY[v]), 0.25, 0.95, 'math', i.interval)) AS q25
FROM qr, qp, unnest(ARRAY['mean', 'beta', 'xlogit', 'asin']) i(interval)
GROUP BY i.interval ORDER BY i.interval;

-- the estimate is the quantile of the full sample's calibrated weights, as on the linearization design
SELECT p, abs((r).estimate - (t).estimate) <= 1e-12 * abs((t).estimate) AS same_estimate, (r).df AS rep_df, (t).df AS taylor_df
FROM (SELECT p, svy_quantile(y, svy_calibrate(jkq(w, psu), pgv, ARRAY[g], ARRAY[v]), p, 0.95, 'hf7') AS r,
             svy_quantile(y, svy_calibrate(svy_design(w, psu => psu), pgv, ARRAY[g], ARRAY[v]), p, 0.95, 'hf7') AS t
      FROM qr, qp, unnest(ARRAY[0.1, 0.5, 0.9]) p GROUP BY p) s ORDER BY p;

-- No residualisation: the calibrated replicate design is the uncalibrated replicate design whose full-sample
-- and replicate weights are the calibrated ones (R's calibrate() on an svyrep.design).  Post-stratification
-- in SQL: replicate r's weight w_r N_g / W_rg; estimate, both intervals, df and n agree, also in a domain.
CREATE TABLE qr_cal AS
WITH rep AS (SELECT id, r, CASE WHEN r = psu THEN 0 ELSE w * 1.2 END AS wr FROM qr, generate_series(1, 6) r),
     tot AS (SELECT g, r, sum(wr) AS wg FROM rep JOIN qr USING (id) GROUP BY g, r),
     full_tot AS (SELECT g, sum(w) AS wg FROM qr GROUP BY g),
     pop(g, n) AS (VALUES ('a', 300.0), ('b', 320.0), ('c', 280.0))
SELECT qr.*, qr.w * pop.n / f.wg AS wc,
       ARRAY(SELECT rep.wr * pop.n / tot.wg FROM rep JOIN tot ON tot.r = rep.r AND tot.g = qr.g
             WHERE rep.id = qr.id ORDER BY rep.r) AS rwc
FROM qr JOIN pop USING (g) JOIN full_tot f USING (g);
SELECT p, i.interval, dom,
       abs((c).estimate - (u).estimate) <= 1e-9 * abs((u).estimate) AS estimate,
       abs((c).ci_lower - (u).ci_lower) <= 1e-9 * abs((u).ci_lower) AS lower,
       (c).ci_upper IS NOT DISTINCT FROM (u).ci_upper OR abs((c).ci_upper - (u).ci_upper) <= 1e-9 * abs((u).ci_upper) AS upper,
       (c).df = (u).df AS df, (c).n = (u).n AS n
FROM (SELECT p, i.interval, dom,
             svy_quantile(y, svy_subset(svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify'), dom OR h = 'x'),
                          p, 0.95, 'school', i.interval) AS c,
             svy_quantile(y, svy_subset(svy_repdesign(wc, rwc, 'JK1'), dom OR h = 'x'), p, 0.95, 'school', i.interval) AS u
      FROM qr_cal, qp, unnest(ARRAY[0.25, 0.5, 0.75]) p, unnest(ARRAY['mean', 'quantile']) i(interval),
           unnest(ARRAY[true, false]) dom
      GROUP BY p, i.interval, dom) s, LATERAL (SELECT s.interval) i
ORDER BY p, i.interval, dom DESC;

-- rescale calibrates no replicate: every replicate keeps the full sample's factors (the plain replicate
-- design of the rescaled weights)
SELECT i.interval, (c).estimate = (u).estimate AS estimate,
       abs((c).ci_lower - (u).ci_lower) <= 1e-12 * abs((u).ci_lower) AND abs((c).ci_upper - (u).ci_upper) <= 1e-12 * abs((u).ci_upper) AS ci,
       (c).df = (u).df AND (c).n = (u).n AS df_n
FROM unnest(ARRAY['mean', 'quantile']) i(interval),
     LATERAL (SELECT svy_quantile(y, svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'rescale'), 0.5, 0.95, 'math', i.interval) AS c,
                     svy_quantile(y, svy_repdesign(wc, ARRAY(SELECT CASE WHEN r = psu THEN 0 ELSE wc * 1.2 END FROM generate_series(1, 6) r), 'JK1'),
                                  0.5, 0.95, 'math', i.interval) AS u
              FROM qr_cal, qp) s
ORDER BY i.interval;

-- svy_quantiles = svy_quantile per probability; every rule
SELECT r.rule,
       (SELECT bool_and(abs(a.estimate - b.estimate) <= 1e-12 * abs(b.estimate)
                        AND abs(a.ci_lower - b.ci_lower) <= 1e-12 * abs(b.ci_lower)
                        AND abs(a.ci_upper - b.ci_upper) <= 1e-12 * abs(b.ci_upper))
        FROM unnest(s.qs) WITH ORDINALITY a(estimate, std_error, ci_lower, ci_upper, df, n, n_eff, deff, k)
        JOIN (VALUES (1, s.q1), (2, s.q2)) b0(k, e) ON b0.k = a.k, LATERAL (SELECT (b0.e).*) b) AS same,
       round((s.q1).estimate::numeric, 8) AS q25, round((s.q2).estimate::numeric, 8) AS q75
FROM unnest(ARRAY['math', 'school', 'hf3', 'hf5', 'hf7', 'hf9', 'shahvaish']) r(rule),
     LATERAL (SELECT svy_quantiles(y, svy_calibrate(jkq(w, psu), pgh, ARRAY[g, h], method => 'rake'), ARRAY[0.25, 0.75], 0.9, r.rule, 'quantile') AS qs,
                     svy_quantile(y, svy_calibrate(jkq(w, psu), pgh, ARRAY[g, h], method => 'rake'), 0.25, 0.9, r.rule, 'quantile') AS q1,
                     svy_quantile(y, svy_calibrate(jkq(w, psu), pgh, ARRAY[g, h], method => 'rake'), 0.75, 0.9, r.rule, 'quantile') AS q2
              FROM qr, qp) s
ORDER BY r.rule;

-- mse and rscales of the base
SELECT qest(svy_quantile(y, svy_calibrate(svy_repdesign(w, ARRAY(SELECT CASE WHEN r = psu THEN 0 ELSE w * 1.2 END FROM generate_series(1, 6) r), 'JK1', mse => true),
                                         pg, ARRAY[g], method => 'poststratify'), 0.5, 0.95, 'math', 'quantile')) AS mse,
       qest(svy_quantile(y, svy_calibrate(svy_repdesign(w, ARRAY(SELECT CASE WHEN r = psu THEN 0 ELSE w * 1.2 END FROM generate_series(1, 6) r), 'other', scale => 1, rscales => ARRAY[0.1, 0.2, 0.3, 0.1, 0.1, 0.1]),
                                         pg, ARRAY[g], method => 'poststratify'), 0.5)) AS rscales
FROM qr, qp;

-- domains and NULL outcomes: the rows stay in the calibration; an empty domain gives NULL numbers
SELECT qest(svy_quantile(y, svy_subset(svy_calibrate(jkq(w, psu), pgv, ARRAY[g], ARRAY[v]), h = 'x'), 0.5)) AS subset_x,
       qest(svy_quantile(CASE WHEN h = 'x' THEN y END, svy_calibrate(jkq(w, psu), pgv, ARRAY[g], ARRAY[v]), 0.5)) AS null_outside_x,
       qest(svy_quantile(y, svy_subset(svy_calibrate(jkq(w, psu), pgv, ARRAY[g], ARRAY[v]), false), 0.5)) AS empty_domain,
       qest(svy_quantile(NULL::float8, svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify'), 0.5)) AS all_null
FROM qr, qp;
-- empty input, a domain of one row
SELECT qest(svy_quantile(y, svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify'), 0.5)) AS empty FROM qr, qp WHERE false;
SELECT qest(svy_quantile(y, svy_subset(svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify'), id = 7), 0.5, 0.95, 'math', 'quantile')) AS one_row_domain
FROM qr, qp;
-- rows of weight 0 (full sample and replicates) are in the calibration but not in the quantile
SELECT qest(svy_quantile(y, svy_calibrate(svy_repdesign(CASE WHEN id % 5 = 0 THEN 0 ELSE w END,
                                                        ARRAY(SELECT CASE WHEN r = psu OR id % 5 = 0 THEN 0 ELSE w * 1.2 END FROM generate_series(1, 6) r), 'JK1'),
                                          pg, ARRAY[g], method => 'poststratify'), 0.5, 0.95, 'math', 'quantile')) AS zero_weights
FROM qr, qp;

-- ---------------------------------------------------------------- parallel = serial = merged states
CREATE TABLE qbig AS
SELECT i AS id, 1 + i % 40 AS psu, 0.5 + (i % 7) * 0.25 AS w, (ARRAY['a', 'b', 'c'])[1 + i % 3] AS g,
       (ARRAY['x', 'y'])[1 + (i / 3) % 2] AS h, ((i * 7919) % 1000)::float8 AS y, ((i * 37) % 41)::float8 AS v,
       (i * 13) % 5 AS item
FROM generate_series(1, 20000) i;
ANALYZE qbig;
CREATE FUNCTION qboot(w float8, psu int) RETURNS svy_design LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN svy_repdesign(w, ARRAY(SELECT w * abs(hashint4(psu * 100 + r) % 3) FROM generate_series(1, 20) r), 'bootstrap');
CREATE TABLE qbigpop AS SELECT
    '{"g": {"a": 15000, "b": 16000, "c": 14000}, "h": {"x": 25000, "y": 20000}}'::svy_population AS pgh,
    '{"g": {"a": 15000, "b": 16000, "c": 14000}, "v": 900000}'::svy_population AS pgv;
CREATE FUNCTION qrep_run() RETURNS TABLE (what text, estimate float8, ci_lower float8, ci_upper float8, df float8, n bigint)
LANGUAGE sql STABLE BEGIN ATOMIC
    SELECT 'rake median quantile', (e).estimate, (e).ci_lower, (e).ci_upper, (e).df, (e).n FROM (
        SELECT svy_quantile(y, svy_calibrate(qboot(w, psu), (SELECT pgh FROM qbigpop), ARRAY[g, h], method => 'rake'), 0.5, 0.95, 'math', 'quantile') AS e
        FROM qbig) s
    UNION ALL
    SELECT 'linear q' || k, e.estimate, e.ci_lower, e.ci_upper, e.df, e.n FROM (
        SELECT svy_quantiles(y, svy_calibrate(qboot(w, psu), (SELECT pgv FROM qbigpop), ARRAY[g], ARRAY[v]), ARRAY[0.1, 0.5, 0.9]) AS a
        FROM qbig) s, unnest(s.a) WITH ORDINALITY e(estimate, std_error, ci_lower, ci_upper, df, n, n_eff, deff, k)
    UNION ALL
    SELECT 'raking domain item hf7', (e).estimate, (e).ci_lower, (e).ci_upper, (e).df, (e).n FROM (
        SELECT svy_quantile(item::float8, svy_subset(svy_calibrate(qboot(w, psu), (SELECT pgh FROM qbigpop), ARRAY[g, h], method => 'raking'), h = 'x'), 0.75, 0.95, 'hf7', 'quantile') AS e
        FROM qbig) s
    UNION ALL
    SELECT 'linear item school', (e).estimate, (e).ci_lower, (e).ci_upper, (e).df, (e).n FROM (
        SELECT svy_quantile(item::float8, svy_calibrate(qboot(w, psu), (SELECT pgv FROM qbigpop), ARRAY[g], ARRAY[v]), 0.5, 0.95, 'school') AS e
        FROM qbig) s;
END;
CREATE TABLE qserial AS SELECT * FROM qrep_run();
SELECT what, round(estimate::numeric, 6) AS estimate, round(ci_lower::numeric, 6) AS lower,
       round(ci_upper::numeric, 6) AS upper, df, n FROM qserial ORDER BY what;
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has($q$SELECT svy_quantile(y, svy_calibrate(qboot(w, psu), (SELECT pgh FROM qbigpop), ARRAY[g, h], method => 'rake'), 0.5)
    FROM qbig$q$, 'Partial Aggregate') AS partial_quantile;
CREATE TABLE qparallel AS SELECT * FROM qrep_run();
SELECT s.what, abs(p.estimate - s.estimate) <= 1e-12 * abs(s.estimate) AS estimate_same,
       abs(p.ci_lower - s.ci_lower) <= 1e-9 * abs(s.ci_lower) AND abs(p.ci_upper - s.ci_upper) <= 1e-9 * abs(s.ci_upper) AS ci_same,
       p.df = s.df AND p.n = s.n AS df_n_same
FROM qserial s JOIN qparallel p USING (what) ORDER BY s.what;
\i sql/include/parallel_off.sql

-- raw states (an aggregate without final function, as Citus's workers produce them): merged halves,
-- text round trip, and rows added after a merge = the aggregate over all rows
CREATE AGGREGATE qcal_state(float8, svy_design, float8, float8, text, text) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE FUNCTION qcal_d(w float8, psu int, g text, h text) RETURNS svy_design LANGUAGE sql IMMUTABLE
RETURN svy_calibrate(qboot(w, psu), '{"g": {"a": 15000, "b": 16000, "c": 14000}, "h": {"x": 25000, "y": 20000}}', ARRAY[g, h], method => 'rake');
SELECT x.what, abs((x.m).estimate - (a).estimate) <= 1e-12 * abs((a).estimate) AS estimate_same,
       abs((x.m).ci_lower - (a).ci_lower) <= 1e-9 * abs((a).ci_lower)
       AND abs((x.m).ci_upper - (a).ci_upper) <= 1e-9 * abs((a).ci_upper) AS ci_same,
       (x.m).df = (a).df AND (x.m).n = (a).n AS df_n_same
FROM (SELECT 'merged halves' AS what, svy_quantile_final(svy_aggstate_combine(s1.st, s2.st)) AS m
      FROM (SELECT qcal_state(item::float8, qcal_d(w, psu, g, h), 0.25, 0.95, 'math', 'quantile') AS st FROM qbig WHERE id % 2 = 0) s1,
           (SELECT qcal_state(item::float8, qcal_d(w, psu, g, h), 0.25, 0.95, 'math', 'quantile') AS st FROM qbig WHERE id % 2 = 1) s2
      UNION ALL
      SELECT 'text round trip', svy_quantile_final(svy_aggstate_combine(s2.st::text::svy_aggstate, s1.st::text::svy_aggstate))
      FROM (SELECT qcal_state(item::float8, qcal_d(w, psu, g, h), 0.25, 0.95, 'math', 'quantile') AS st FROM qbig WHERE id <= 7000) s1,
           (SELECT qcal_state(item::float8, qcal_d(w, psu, g, h), 0.25, 0.95, 'math', 'quantile') AS st FROM qbig WHERE id > 7000) s2
      UNION ALL
      SELECT 'a row after a merge', svy_quantile_final(svy_quantile_transfn(svy_aggstate_combine(s1.st, s2.st), item::float8,
                                                                            qcal_d(w, psu, g, h), 0.25, 0.95, 'math', 'quantile'))
      FROM (SELECT qcal_state(item::float8, qcal_d(w, psu, g, h), 0.25, 0.95, 'math', 'quantile') AS st FROM qbig WHERE id < 10000) s1,
           (SELECT qcal_state(item::float8, qcal_d(w, psu, g, h), 0.25, 0.95, 'math', 'quantile') AS st FROM qbig WHERE id > 10000) s2,
           qbig WHERE qbig.id = 10000) x,
     (SELECT svy_quantile(item::float8, qcal_d(w, psu, g, h), 0.25, 0.95, 'math', 'quantile') AS a FROM qbig) y
ORDER BY x.what;
-- the state grows with distinct values x calibration cells x replicates, not with rows
SELECT length(svy_aggstate_send(a.st)) = length(svy_aggstate_send(b.st)) AS same_size
FROM (SELECT qcal_state(item::float8, qcal_d(w, psu, g, h), 0.5, 0.95, 'math', 'mean') AS st FROM qbig WHERE id <= 10000) a,
     (SELECT qcal_state(item::float8, qcal_d(w, psu, g, h), 0.5, 0.95, 'math', 'mean') AS st FROM qbig) b;
-- a corrupted calibration unit in a replicate slot is rejected (the last 8 bytes: the last slot's unit)
SELECT svy_quantile_final(translate(encode(overlay(b PLACING '\x7ff8000000000000'::bytea FROM length(b) - 7 FOR 8), 'base64'), E'\n', '')::svy_aggstate)
FROM (SELECT svy_aggstate_send(qcal_state(item::float8, qcal_d(w, psu, g, h), 0.5, 0.95, 'math', 'mean')) AS b FROM qbig WHERE id <= 100) s;

-- every byte of a small state set to 0, 127 and 255, every truncation: errors or numbers, never a crash
\i sql/include/fuzz.sql
SET client_min_messages = error;
SELECT fuzz(qcal_state((i % 4)::float8, svy_calibrate(svy_repdesign(1.0 + i % 2, ARRAY[1.0 + i % 3, 2.0], 'bootstrap'),
                                                       '{"g": {"a": 10, "b": 12}, "v": 50}', ARRAY[CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END],
                                                       ARRAY[i::float8]), 0.5, 0.95, 'math', 'quantile'), 'svy_quantile_final') AS fuzz
FROM generate_series(1, 6) i;
RESET client_min_messages;

-- ---------------------------------------------------------------- bad input
-- a replicate without weight in a population level: R's replicate weights become NaN (postStratify fails)
SELECT svy_quantile(y, svy_calibrate(jkq(w, psu), plone, ARRAY[lone], method => 'poststratify'), 0.5) FROM qr, qp;
SELECT svy_quantile(y, svy_calibrate(jkq(w, psu), plone, ARRAY[lone], method => 'poststratify'), 0.5, 0.95, 'math', 'quantile') FROM qr, qp;
-- no score interval on replicate designs (R has none)
SELECT svy_quantile(y, svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify'), 0.5, 0.95, 'math', 'score') FROM qr, qp;
-- NULL or bad probabilities, arguments that change between rows
SELECT svy_quantile(y, svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify'), NULL) FROM qr, qp;
SELECT svy_quantiles(y, svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify'), ARRAY[0.5, 1.5]) FROM qr, qp;
SELECT svy_quantile(y, svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify'), 0.5, 0.95, CASE WHEN id < 30 THEN 'math' ELSE 'school' END) FROM qr, qp;
-- NULL level: the calibration's error
SELECT svy_quantile(y, svy_calibrate(jkq(w, psu), pg, ARRAY[CASE WHEN id = 5 THEN NULL ELSE g END], method => 'poststratify'), 0.5) FROM qr, qp;
-- calibrated and uncalibrated rows, replicate and linearization rows, different replicate designs
SELECT svy_quantile(y, CASE WHEN id < 30 THEN svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify') ELSE jkq(w, psu) END, 0.5) FROM qr, qp;
SELECT svy_quantile(y, CASE WHEN id > 30 THEN svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify') ELSE jkq(w, psu) END, 0.5) FROM qr, qp;
SELECT svy_quantile(y, svy_calibrate(CASE WHEN id < 30 THEN jkq(w, psu) ELSE svy_design(w, psu => psu) END, pg, ARRAY[g], method => 'poststratify'), 0.5) FROM qr, qp;
SELECT svy_quantile(y, svy_calibrate(CASE WHEN id < 30 THEN jkq(w, psu) ELSE svy_repdesign(w, ARRAY[w, w], 'bootstrap') END,
                                     pg, ARRAY[g], method => 'poststratify'), 0.5) FROM qr, qp;
-- states of a calibrated replicate design and of its base do not merge
SELECT svy_quantile_final(svy_aggstate_combine(a.st, b.st))
FROM (SELECT qcal_state(item::float8, qcal_d(w, psu, g, h), 0.5, 0.95, 'math', 'mean') AS st FROM qbig WHERE id <= 100) a,
     (SELECT qcal_state(item::float8, qboot(w, psu), 0.5, 0.95, 'math', 'mean') AS st FROM qbig WHERE id > 100 AND id <= 200) b;
-- a non-finite outcome
SELECT svy_quantile(CASE WHEN id = 9 THEN 'NaN' ELSE y END, svy_calibrate(jkq(w, psu), pg, ARRAY[g], method => 'poststratify'), 0.5) FROM qr, qp;

DROP AGGREGATE qcal_state(float8, svy_design, float8, float8, text, text);
DROP FUNCTION jkq(float8, int), qest(svy_estimate), qboot(float8, int), qrep_run(), plan_has(text, text), qcal_d(float8, int, text, text),
              fuzz(svy_aggstate, text);
DROP TABLE qr, qp, qr_cal, qbig, qbigpop, qserial, qparallel;
