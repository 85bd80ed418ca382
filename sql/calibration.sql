-- Calibration (SPEC §9): svy_population, svy_calibrate, the linear estimators
-- on calibrated designs, svy_weight and svy_weights_summary.  Numbers against
-- R are in oracle.sql (kinds calib_*, cases K*, calweights); this file checks
-- behaviour, edge cases and errors (R's numbers for the small table t come
-- from test/unit/calib_oracle.R).
SET extra_float_digits = 0;

-- ---------------------------------------------------------------- svy_population
CREATE TABLE pop (variable text, level text, total float8);
INSERT INTO pop VALUES ('a', '1', 40), ('a', '2', 30), ('a', '3', 30),
                       ('b', '0', 45), ('b', '1', 55), ('v', NULL, 320);
-- variables in the order of their first row, levels in row order
SELECT svy_population(variable, level, total) FROM pop;
SELECT svy_population(variable, level, total ORDER BY variable DESC, level DESC) FROM pop;
-- text round trip, names with quotes, backslashes and spaces
SELECT p, p::text::svy_population::text = p::text AS round_trip
FROM (SELECT '{"x y": {"a\"b": 1.5, "c\\d": 0}, "n": 1e300}'::svy_population AS p) s;
SELECT ' { "a" : { "1" : 2 } , "z" : 3 } '::svy_population;
-- binary round trip (COPY binary) and the value's identity
SELECT format('/tmp/survey_calibration_%s.bin', current_setting('port')) AS popfile \gset
CREATE TABLE pops (p svy_population);
INSERT INTO pops SELECT svy_population(variable, level, total) FROM pop;
COPY pops TO :'popfile' (FORMAT binary);
CREATE TABLE pops2 (p svy_population);
COPY pops2 FROM :'popfile' (FORMAT binary);
SELECT a.p::text = b.p::text AS binary_round_trip FROM pops a, pops2 b;
-- receive validates: a bytea column's binary form is the raw bytes the receive function gets
CREATE TABLE raw (b bytea);
CREATE FUNCTION recv_test(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE raw; TRUNCATE pops2;
    INSERT INTO raw VALUES (bytes);
    EXECUTE format('COPY raw TO %L (FORMAT binary)', current_setting('test.popfile'));
    EXECUTE format('COPY pops2 FROM %L (FORMAT binary)', current_setting('test.popfile'));
    RETURN (SELECT p::text FROM pops2);
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT set_config('test.popfile', :'popfile', false) IS NOT NULL AS set;
-- a valid value: version 1, 1 variable "a" with 1 level "x" = 2
SELECT recv_test(decode('000000010000000161000000000178004000000000000000', 'hex'));
SELECT recv_test(decode('00000001000000016100000000017800400000000000000000', 'hex'));  -- trailing byte
SELECT recv_test(decode('000000020000000161000000000178004000000000000000', 'hex'));       -- version
SELECT recv_test(decode('00000001000000016100000000017800c000000000000000', 'hex'));       -- total -2
SELECT recv_test(decode('000000010000000161000000000178007ff8000000000000', 'hex'));       -- NaN
SELECT recv_test(decode('00000001000000016100000000027800400000000000000078004000000000000000', 'hex'));  -- level twice
SELECT recv_test(decode('000000017fffffff6100', 'hex'));                                            -- count beyond the bytes
SELECT recv_test(decode('000000010000000161000000000578004000000000000000', 'hex'));       -- levels beyond the bytes
SELECT recv_test(decode('00000001000000016100000000004000000000000000', 'hex'));                     -- no levels
SELECT recv_test(decode('00000001000000026100ffffffff40000000000000006100ffffffff4000000000000000', 'hex')); -- variable twice
SELECT recv_test(decode('0000000100000001000000000178004000000000000000', 'hex'));         -- empty name
-- errors of the aggregate and of the text form
SELECT svy_population(v, l, t) FROM (VALUES ('a', 'x', 1.0), ('a', 'x', 2.0)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES ('a', 'x', NULL::float8)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES ('a', 'x', -1.0)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES ('a', 'x', 'NaN'::float8)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES ('a', NULL, 'Infinity'::float8)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES ('a', 'x', 1.0), ('a', NULL, 2.0)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES ('a', NULL, 1.0), ('a', 'x', 2.0)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES ('a', NULL, 1.0), ('a', NULL, 2.0)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES (NULL, 'x', 1.0)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES ('', 'x', 1.0)) s(v, l, t);
SELECT svy_population(v, l, t) FROM (VALUES ('a', 'x', 1.0)) s(v, l, t) WHERE false;
SELECT '{"a": {}}'::svy_population;
SELECT '{"a": 1, "a": 2}'::svy_population;
SELECT '{"a": {"x": 1, "x": 2}}'::svy_population;
SELECT '{}'::svy_population;
SELECT '{"a": {"x": 1}'::svy_population;
SELECT '{"a": -1}'::svy_population;
SELECT '{"a": nan}'::svy_population;
SELECT '{"a": 1} x'::svy_population;
SELECT '{a: 1}'::svy_population;

-- ---------------------------------------------------------------- estimates (R: test/unit/calib_oracle.R)
CREATE TABLE t AS SELECT * FROM (VALUES
 (1,'1','0',5,2.5,1.2),(2,'1','1',7,3.1,3.4),(3,'1','0',6,1.2,2.2),(4,'1','1',8,4.4,5.1),
 (5,'2','1',9,5.0,0.7),(6,'2','0',4,2.2,2.8),(7,'2','0',6,3.3,3.3),(8,'2','1',10,1.8,4.0),
 (9,'3','0',8,2.9,6.1),(10,'3','1',9,4.1,2.2),(11,'3','1',7,3.6,1.9),(12,'3','1',11,2.0,3.0))
 v(id, a, b, d, v, y);
CREATE TABLE p AS
SELECT svy_population(variable, level, total) FILTER (WHERE variable = 'a') AS pa,
       svy_population(variable, level, total) FILTER (WHERE variable <> 'v') AS pab,
       svy_population(variable, level, total) AS pabv
FROM pop;
CREATE FUNCTION r9(x float8) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN round(x::numeric, 9);
-- R: postStratify 307.374308450171 (SE 45.8710797843690), rake 307.801007990362 (47.7454802331524),
-- raking mean 3.07841469240986 (0.490402841165304), linear with v 308.420355826500 (55.0950315994509),
-- logit with bounds (0.7, 2.1) 308.351635241116 (48.4058283094521)
SELECT r9((e).estimate) AS estimate, r9((e).std_error) AS se, (e).df, (e).n FROM (
    SELECT svy_total(y, svy_calibrate(svy_design(d), pa, ARRAY[a], method => 'poststratify')) AS e FROM t, p
    UNION ALL
    SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'rake')) FROM t, p
    UNION ALL
    SELECT svy_mean(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'raking')) FROM t, p
    UNION ALL
    SELECT svy_total(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v])) FROM t, p
    UNION ALL
    SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit', bounds => ARRAY[0.7, 2.1])) FROM t, p) s;
-- the calibrated weights reproduce the population: the total of a calibration variable has SE ~ 0
SELECT r9((e).estimate) AS total_v, (e).std_error < 1e-7 * (e).estimate AS se_zero
FROM (SELECT svy_total(v, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v])) AS e FROM t, p) s;
SELECT r9((e).estimate) AS count_a2, (e).std_error < 1e-9 AS se_zero
FROM (SELECT svy_total((a = '2')::int::float8, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'raking')) AS e
      FROM t, p) s;
-- an outcome far from 0 (shifted by 1e7, float spacing 2e-9): the same standard errors and
-- estimates, with and without PSUs
SELECT abs((s1).std_error - (o1).std_error) < 1e-8 * (s1).std_error AS rows_same_se,
       abs((s2).std_error - (o2).std_error) < 1e-8 * (s2).std_error AS psu_same_se,
       abs((o2).estimate - 1e7 - (s2).estimate) < 1e-8 AS same_estimate
FROM (SELECT svy_mean(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v])) AS s1,
             svy_mean(y + 1e7, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v])) AS o1,
             svy_mean(y, svy_calibrate(svy_design(d, psu => id % 5), pab, ARRAY[a, b], method => 'rake')) AS s2,
             svy_mean(y + 1e7, svy_calibrate(svy_design(d, psu => id % 5), pab, ARRAY[a, b], method => 'rake')) AS o2
      FROM t, p) x;
-- every CI method of svy_prop takes estimate, SE and df from the calibrated linear core
SELECT m, r9((e).estimate) AS p, r9((e).std_error) AS se, r9((e).ci_lower) AS lo, r9((e).ci_upper) AS hi
FROM unnest(ARRAY['logit', 'xlogit', 'wilson', 'korn-graubard', 'asin', 'likelihood', 'wald']) m,
     LATERAL (SELECT svy_prop(y > 3, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'rake'), m) AS e
              FROM t, p) s;
SELECT r9((svy_ratio(y, v, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v]))).estimate) AS ratio,
       r9((svy_ratio(y, v, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v]))).std_error) AS ratio_se
FROM t, p;
-- domains keep every row in the calibration: a NULL outcome is the same domain as svy_subset
SELECT r9((n).estimate) = r9((s).estimate) AND r9((n).std_error) = r9((s).std_error) AND (n).df = (s).df
       AND (n).n = (s).n AS null_outcome_is_subset, (n).n, r9((n).estimate) AS domain_mean
FROM (SELECT svy_mean(CASE WHEN b = '1' THEN y END, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'rake')) AS n,
             svy_mean(y, svy_subset(svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'rake'), b = '1')) AS s
      FROM t, p) x;
-- ... and differs from calibrating the domain's rows alone
SELECT r9((svy_mean(y, svy_calibrate(svy_design(d), pa, ARRAY[a], method => 'poststratify'))).std_error) AS se_own_rows
FROM t, p WHERE b = '1';
-- an empty domain: NULL numbers, n = 0
SELECT (e).estimate, (e).std_error, (e).n
FROM (SELECT svy_mean(y, svy_subset(svy_calibrate(svy_design(d), pa, ARRAY[a], method => 'poststratify'), false)) AS e
      FROM t, p) s;
-- no rows: NULL numbers
SELECT (svy_mean(y, svy_calibrate(svy_design(d), pa, ARRAY[a], method => 'poststratify'))).* FROM t, p WHERE false;
-- zero design weights: rows stay, weight 0
SELECT r9((e).estimate) AS estimate, (e).n
FROM (SELECT svy_total(y, svy_calibrate(svy_design(CASE WHEN id = 1 THEN 0 ELSE d END), pa, ARRAY[a],
                                        method => 'poststratify')) AS e FROM t, p) s;
-- PSUs and strata: df as the base design
SELECT (e).df, (b).df, r9((e).estimate) AS estimate
FROM (SELECT svy_mean(y, svy_calibrate(svy_design(d, strata => a, psu => id % 2), pab, ARRAY[a, b], method => 'linear')) AS e,
             svy_mean(y, svy_design(d, strata => a, psu => id % 2)) AS b FROM t, p) s;
-- rake's stopping rule: one sweep is not converged (a WARNING as R's); epsilon < 1 is relative
SELECT r9((svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'rake', maxit => 1, epsilon => 1e-12))).estimate)
FROM t, p;
SELECT r9((svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'rake', maxit => 100, epsilon => 1e-12))).estimate)
FROM t, p;
-- raking that cannot converge in one Newton step
SELECT r9((svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'raking', maxit => 1))).estimate)
FROM t, p;

-- ---------------------------------------------------------------- weights out
SELECT id, r9(svy_weight(svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v])) OVER ()) AS w_linear,
       r9(svy_weight(svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'rake')) OVER ()) AS w_rake,
       svy_weight(svy_design(d)) OVER () AS w_base
FROM t, p ORDER BY id;
-- each partition is calibrated on its own rows, whatever the frame
SELECT b, r9(sum(w)) AS sum_w FROM (
    SELECT b, svy_weight(svy_calibrate(svy_design(d), pa, ARRAY[a], method => 'poststratify'))
              OVER (PARTITION BY b ORDER BY id ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS w
    FROM t, p) s GROUP BY b ORDER BY b;
SELECT n, r9(sum_w) AS sum_w, r9(min_w) AS min_w, r9(max_w) AS max_w, r9(cv) AS cv, r9(kish_deff) AS kish,
       r9(g_min) AS g_min, r9(g_max) AS g_max, n_negative, iterations, converged
FROM (SELECT (svy_weights_summary(svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'rake'))).* FROM t, p) s;
-- logit keeps g inside its bounds; bounds that cannot be met: R's pseudo-inverse steps run until g overflows
-- (R: a NaN misfit, an error), an error here too
SELECT r9(g_min) AS g_min, r9(g_max) AS g_max, iterations, converged
FROM (SELECT (svy_weights_summary(svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit', bounds => ARRAY[0.7, 2.0]))).* FROM t, p) s;
SELECT r9(g_min) >= 0.95 AND r9(g_max) <= 1.05 AS inside, converged
FROM (SELECT (svy_weights_summary(svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit', bounds => ARRAY[0.95, 1.05]))).* FROM t, p) s;
-- with a numeric auxiliary the weight range needs the rows (NULL; use svy_weight); g from v's range
SELECT n, r9(sum_w) AS sum_w, min_w, max_w, r9(kish_deff) AS kish, r9(g_min) AS g_min, r9(g_max) AS g_max, n_negative
FROM (SELECT (svy_weights_summary(svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v]))).* FROM t, p) s;
SELECT r9(min(w)) AS min_w, r9(max(w)) AS max_w, r9(min(w / d)) AS g_min, r9(max(w / d)) AS g_max
FROM (SELECT d, svy_weight(svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v])) OVER () AS w FROM t, p) s;
SELECT (svy_weights_summary(svy_design(d))).* FROM t;
-- a NULL design is an error, as in the aggregates
SELECT svy_weight(CASE WHEN id > 1 THEN svy_design(d) END) OVER () FROM t;
SELECT svy_weights_summary(CASE WHEN id > 1 THEN svy_design(d) END) FROM t;
-- lonely PSUs follow survey.lonely_psu on calibrated designs too
SELECT svy_mean(y, svy_calibrate(svy_design(d, strata => a, psu => CASE WHEN a = '3' THEN 0 ELSE id END), pab, ARRAY[a, b], method => 'rake'))
FROM t, p;
SET survey.lonely_psu = 'certainty';
SELECT r9((svy_mean(y, svy_calibrate(svy_design(d, strata => a, psu => CASE WHEN a = '3' THEN 0 ELSE id END), pab, ARRAY[a, b], method => 'rake'))).std_error)
FROM t, p;
RESET survey.lonely_psu;
SELECT (svy_weights_summary(d)).* FROM (SELECT svy_design(1.0) d) s WHERE false;
-- linear calibration can give negative weights: counted
CREATE TABLE neg AS SELECT * FROM (VALUES (1, 1.0, 1.0), (2, 1.0, 2.0), (3, 1.0, 10.0), (4, 1.0, 11.0)) v(id, d, x);
SELECT r9(svy_weight(svy_calibrate(svy_design(d), '{"n": {"all": 4}, "x": 2}', ARRAY['all'], ARRAY[x])) OVER ()) AS w
FROM neg ORDER BY id;
SELECT n_negative, r9(min_w) IS NULL AS min_unknown
FROM (SELECT (svy_weights_summary(svy_calibrate(svy_design(d), '{"n": {"all": 4}, "x": 2}', ARRAY['all'], ARRAY[x]))).* FROM neg) s;
-- categorical margins only: the weight range and the negative weights come from the cell sums
SELECT n_negative, r9(min_w) AS min_w, r9(g_min) AS g_min FROM (SELECT (svy_weights_summary(svy_calibrate(svy_design(d),
    '{"g": {"lo": 1, "hi": 3}, "h": {"u": 0.1, "v": 3.9}}', ARRAY[g, h]))).*
    FROM (VALUES (1.0, 'lo', 'u'), (1.0, 'hi', 'v'), (1.0, 'hi', 'u'), (1.0, 'lo', 'v')) s(d, g, h)) x;

-- ---------------------------------------------------------------- bad input
SELECT svy_total(y, svy_calibrate(svy_design(d), pa, ARRAY['9'], method => 'poststratify')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, NULL], method => 'rake')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a], method => 'rake')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, NULL, method => 'rake')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[[a, b]], method => 'rake')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v, v])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[NULL::float8])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY['NaN'::float8])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v], method => 'rake')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v], method => 'poststratify')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'poststratify')) FROM t, p;
-- raking and logit with a numeric auxiliary (calibration_numaux): R's calibrate() gives 309.407547793656, SE 56.5502421007258 (test/unit calib_oracle.R)
SELECT svy_total(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v], method => 'raking')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'Rake')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'truncated')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'rake', bounds => ARRAY[0.5, 2])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit')) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit', bounds => ARRAY[1, 2])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit', bounds => ARRAY[0.5, 'Infinity'])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit', bounds => ARRAY[0.5, 2, 3])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit', bounds => ARRAY[0.5, NULL])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pabv, ARRAY[a, b], ARRAY[v], method => 'logit', bounds => ARRAY[0.5, 2])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit',
                                  bounds => CASE WHEN id < 5 THEN ARRAY[0.5, 2] ELSE ARRAY[0.6, 2] END)) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => NULL)) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], maxit => 0)) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], epsilon => -1)) FROM t, p;
SELECT svy_total(y, svy_calibrate(NULL, pab, ARRAY[a, b])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), NULL, ARRAY[a, b])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_repdesign(d, ARRAY[d, d], 'JK1'), pab, ARRAY[a, b])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_calibrate(svy_design(d), pab, ARRAY[a, b]), pab, ARRAY[a, b])) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_subset(svy_design(d), b = '1'), pab, ARRAY[a, b])) FROM t, p;
-- a population level without sample rows; singular equations; the calibration of other rows
SELECT svy_total(y, svy_calibrate(svy_design(d), pa, ARRAY[a], method => 'poststratify')) FROM t, p WHERE a <> '2';
SELECT svy_total(y, svy_calibrate(svy_design(d), '{"a": {"1": 40, "2": 30, "3": 30}, "x": 100, "x2": 200}',
                                  ARRAY[a], ARRAY[v, 2 * v])) FROM t;
SELECT svy_total(y, svy_calibrate(svy_design(d), '{"a": {"1": 40, "2": 30, "3": 30}, "b": {"0": 45, "1": 55}}',
                                  ARRAY[a, CASE WHEN a = '1' THEN '0' ELSE '1' END], method => 'linear')) FROM t WHERE a <> '3';
SELECT svy_total(y, svy_calibrate(svy_design(d), CASE WHEN id < 6 THEN pab ELSE pabv END, ARRAY[a, b], ARRAY[]::float8[]))
FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => CASE WHEN id < 6 THEN 'rake' ELSE 'linear' END))
FROM t, p;
SELECT svy_total(y, CASE WHEN id < 6 THEN svy_design(d) ELSE svy_calibrate(svy_design(d), pab, ARRAY[a, b]) END) FROM t, p;
SELECT svy_total(y, CASE WHEN id > 6 THEN svy_design(d) ELSE svy_calibrate(svy_design(d), pab, ARRAY[a, b]) END) FROM t, p;
SELECT svy_total(y, svy_calibrate(svy_design(d, psu => CASE WHEN id < 6 THEN id END), pab, ARRAY[a, b])) FROM t, p;
-- margins that disagree on the population total
SELECT svy_total(y, svy_calibrate(svy_design(d), '{"a": {"1": 40, "2": 30, "3": 30}, "b": {"0": 45, "1": 56}}', ARRAY[a, b])) FROM t;
-- rows in a level whose population count is 0: rake and poststratify cannot weight them (R errors)
SELECT svy_total(y, svy_calibrate(svy_design(d), '{"a": {"1": 40, "2": 0, "3": 30}}', ARRAY[a], method => 'poststratify')) FROM t;
SELECT r9((svy_total(y, svy_calibrate(svy_design(d), '{"a": {"1": 40, "2": 0, "3": 30}}', ARRAY[a]))).estimate) AS linear_ok FROM t;
-- the domain aggregates too (more in sql/calibration_domain.sql)
SELECT level, round(estimate::numeric, 9) AS estimate, round(std_error::numeric, 9) AS se
FROM svy_groups((SELECT svy_by(y, b, svy_calibrate(svy_design(d), pab, ARRAY[a, b])) FROM t, p));
-- the text form of a calibrated design reads back (pg_dump of a table of designs)
SELECT svy_calibrate(svy_design(d, strata => a), pabv, ARRAY[a, b], ARRAY[v])::text FROM t, p WHERE id = 1;
SELECT x::svy_design::text = x AS logit_round_trip
FROM (SELECT svy_calibrate(svy_design(d), pab, ARRAY[a, b], method => 'logit', bounds => ARRAY[0.7, 2.1])::text AS x
      FROM t, p WHERE id = 1) s;
CREATE TABLE stored AS
SELECT y, svy_subset(svy_calibrate(svy_design(d, psu => id % 4), pabv, ARRAY[a, b], ARRAY[v]), b = '1') AS d FROM t, p;
SELECT r9((svy_total(y, d::text::svy_design)).std_error) = r9((svy_total(y, d)).std_error) AS same_se,
       bool_and(d::text::svy_design::text = d::text) AS same_text
FROM stored;
-- bad calibrated text: each part is checked
CREATE FUNCTION design_in_test(s text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN s::svy_design::text;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT design_in_test(replace(d::text, 'cell=0 ', 'cell=6 ')) AS cell_outside,
       design_in_test(replace(d::text, 'method=linear', 'method=poststratify')) AS method_misfit,
       design_in_test(replace(d::text, 'method=linear', 'method=logit')) AS unknown_method,
       design_in_test(regexp_replace(d::text, 'x=\{[^}]*\}', 'x={}')) AS x_missing,
       design_in_test(regexp_replace(d::text, 'x=\{[^}]*\}', 'x={NaN}')) AS x_nan,
       design_in_test(regexp_replace(d::text, 'pop=(\S*)\S\S ', 'pop=\1 ')) AS pop_cut,
       design_in_test(regexp_replace(d::text, 'maxit=0', 'maxit=-1')) AS maxit_negative,
       design_in_test(regexp_replace(d::text, ' taylor .*$', ' replicate type=JK1 w=1 scale=1 rho=0 flags=0 rw={1,1}')) AS replicate_base
FROM stored LIMIT 1;
DROP TABLE stored;
DROP FUNCTION design_in_test(text);

-- ---------------------------------------------------------------- parallel = serial
CREATE TABLE big AS
SELECT i AS id, 'S' || (i % 5) AS stratum, (i / 5) % 60 AS psu, 0.5 + (i % 13) * 0.25 AS w,
       ((i * 7919) % 1000)::float8 AS y, (i * 31) % 7 < 3 AS bo,
       (ARRAY['AT', 'BE', 'CZ', 'DE'])[1 + i % 4] AS country, (ARRAY['officer', 'sergeant', 'chief'])[1 + (i / 3) % 3] AS role,
       ((i * 37) % 41)::float8 AS years
FROM generate_series(1, 60000) i;
ANALYZE big;
CREATE TABLE bigpop AS SELECT
    '{"country": {"AT": 90000, "BE": 80000, "CZ": 70000, "DE": 160000}, "role": {"officer": 300000, "sergeant": 80000, "chief": 20000}}'::svy_population AS pr,
    '{"country": {"AT": 90000, "BE": 80000, "CZ": 70000, "DE": 160000}, "years": 7600000}'::svy_population AS pl;
CREATE FUNCTION calib_run() RETURNS TABLE (what text, estimate float8, std_error float8, df float8, n bigint)
LANGUAGE sql STABLE BEGIN ATOMIC
    SELECT 'rake psu', (e).estimate, (e).std_error, (e).df, (e).n FROM (
        SELECT svy_mean(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pr FROM bigpop), ARRAY[country, role], method => 'rake')) AS e
        FROM big) s
    UNION ALL
    SELECT 'linear rows', (e).estimate, (e).std_error, (e).df, (e).n FROM (
        SELECT svy_prop(bo, svy_calibrate(svy_design(w, strata => stratum), (SELECT pl FROM bigpop), ARRAY[country], ARRAY[years])) AS e
        FROM big) s
    UNION ALL
    SELECT 'raking ratio', (e).estimate, (e).std_error, (e).df, (e).n FROM (
        SELECT svy_ratio(y, years, svy_subset(svy_calibrate(svy_design(w, psu => psu), (SELECT pr FROM bigpop), ARRAY[country, role], method => 'raking'), country <> 'AT')) AS e
        FROM big) s
    UNION ALL
    SELECT 'weights', s.sum_w, s.kish_deff, s.g_max, s.n FROM (
        SELECT (svy_weights_summary(svy_calibrate(svy_design(w, psu => psu), (SELECT pr FROM bigpop), ARRAY[country, role], method => 'raking'))).*
        FROM big) s;
END;
CREATE TABLE serial AS SELECT * FROM calib_run();
SELECT what, round(estimate::numeric, 6) AS estimate, round(std_error::numeric, 6) AS std_error, df, n FROM serial;
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has($q$SELECT svy_mean(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pr FROM bigpop), ARRAY[country, role], method => 'rake'))
    FROM big$q$, 'Partial Aggregate') AS partial_mean,
       plan_has($q$SELECT svy_weights_summary(svy_calibrate(svy_design(w, psu => psu), (SELECT pr FROM bigpop), ARRAY[country, role], method => 'raking'))
    FROM big$q$, 'Partial Aggregate') AS partial_summary;
CREATE TABLE parallel AS SELECT * FROM calib_run();
SELECT s.what, abs(p.estimate - s.estimate) <= 1e-9 * abs(s.estimate) AS estimate_same,
       abs(p.std_error - s.std_error) <= 1e-9 * abs(s.std_error) AS se_same, p.df = s.df AND p.n = s.n AS df_n_same
FROM serial s JOIN parallel p USING (what) ORDER BY s.what;
RESET ALL;
SET extra_float_digits = 0;
-- the state is independent of the row count: per PSU x cell sums
SELECT count(DISTINCT (psu, stratum, country, role)) AS psu_cells FROM big;
-- the solver's equations grow with the square of the levels: too many levels fail at the
-- first row (54000), before the scan, not as an allocation failure after it
SET work_mem = '1MB';
SELECT svy_mean(g, svy_calibrate(svy_design(1.0), (SELECT svy_population('v', l::text, 1) FROM generate_series(1, 1500) l),
                                 ARRAY[(g % 1500 + 1)::text], method => 'poststratify'))
FROM generate_series(1, 100000) g;
RESET work_mem;
DROP FUNCTION calib_run(), plan_has(text, text), recv_test(bytea), r9(float8);
DROP TABLE big, bigpop, serial, parallel, neg, t, p, pop, pops, pops2, raw;
