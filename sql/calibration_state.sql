-- Stored and merged states on calibrated designs (SPEC §9): svy_accum / svy_merge and the svy_state
-- readers give the numbers of svy_mean / svy_total / svy_prop on the calibrated design, the state
-- survives its text and binary forms, corrupt bytes are 22P03, and states of different calibrations
-- do not merge.  Quantiles on calibrated designs: the second half.
SET extra_float_digits = 0;

CREATE TABLE cs AS
SELECT i AS id, 'S' || (i % 3) AS stratum, i % 24 AS psu, 0.5 + (i % 7) * 0.5 AS w,
       CASE WHEN i % 17 = 0 THEN NULL ELSE ((i * 7919) % 1000)::float8 / 10 END AS y,
       (i * 31) % 7 < 3 AS bo,
       (ARRAY['AT', 'BE', 'CZ'])[1 + (i / 2) % 3] AS country, (ARRAY['officer', 'chief'])[1 + (i / 5) % 2] AS role,
       ((i * 37) % 41)::float8 AS years
FROM generate_series(1, 6000) i;
ANALYZE cs;
-- populations stored in a table (short varlena headers, as most stored values)
CREATE TABLE cspop AS SELECT
    '{"country": {"AT": 9000, "BE": 8000, "CZ": 7000}, "role": {"officer": 20000, "chief": 4000}}'::svy_population AS pr,
    '{"country": {"AT": 9000, "BE": 8000, "CZ": 7000}, "years": 480000}'::svy_population AS pl,
    '{"country": {"AT": 9000, "BE": 8000, "CZ": 7000}}'::svy_population AS pc;
-- the designs, as views of the rows
CREATE VIEW cal AS
SELECT c.*,
       svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pr FROM cspop), ARRAY[country, role],
                     method => 'rake') AS d_rake,
       svy_calibrate(svy_design(w, strata => stratum), (SELECT pl FROM cspop), ARRAY[country], ARRAY[years]) AS d_linear,
       svy_calibrate(svy_design(w, psu => psu), (SELECT pc FROM cspop), ARRAY[country], method => 'poststratify') AS d_post,
       svy_calibrate(svy_design(w, psu => psu), (SELECT pr FROM cspop), ARRAY[country, role], method => 'raking') AS d_raking
FROM cs c;

-- ---------------------------------------------------------------- the state reads as the estimator
CREATE FUNCTION same(a svy_estimate, b svy_estimate) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN abs(a.estimate - b.estimate) <= 1e-12 * abs(b.estimate) AND abs(a.std_error - b.std_error) <= 1e-12 * b.std_error
       AND abs(a.ci_lower - b.ci_lower) <= 1e-12 * abs(b.ci_lower) AND abs(a.ci_upper - b.ci_upper) <= 1e-12 * abs(b.ci_upper)
       AND a.df = b.df AND a.n = b.n AND abs(a.deff - b.deff) <= 1e-10 * b.deff;
SELECT same(svy_mean(s_rake), m_rake) AS rake_mean, same(svy_total(s_rake), t_rake) AS rake_total,
       same(svy_mean(s_linear, 0.9), m_linear) AS linear_mean_90, same(svy_mean(s_post), m_post) AS post_mean,
       same(svy_prop(s_bo, 'korn-graubard'), p_raking) AS raking_prop
FROM (SELECT svy_accum(y, d_rake) AS s_rake, svy_mean(y, d_rake) AS m_rake, svy_total(y, d_rake) AS t_rake,
             svy_accum(y, d_linear) AS s_linear, svy_mean(y, d_linear, 0.9) AS m_linear,
             svy_accum(y, d_post) AS s_post, svy_mean(y, d_post) AS m_post,
             svy_accum(bo, d_raking) AS s_bo, svy_prop(bo, d_raking, 'korn-graubard') AS p_raking
      FROM cal) s;
-- the numbers themselves (rake: PSUs and strata; linear: rows as PSUs, a numeric auxiliary)
SELECT round((e).estimate::numeric, 8) AS estimate, round((e).std_error::numeric, 8) AS std_error, (e).df, (e).n
FROM (SELECT svy_mean(svy_accum(y, d_rake)) AS e FROM cal
      UNION ALL SELECT svy_mean(svy_accum(y, d_linear)) FROM cal) s;

-- ---------------------------------------------------------------- rollups: states per group, merged
CREATE TABLE parts AS
SELECT psu, svy_accum(y, d_rake) AS s_rake, svy_accum(y, d_linear) AS s_linear,
       svy_accum(y, d_post) AS s_post, svy_accum(bo, d_raking) AS s_bo
FROM cal GROUP BY psu;
SELECT same(svy_mean(svy_merge(s_rake)), (SELECT svy_mean(y, d_rake) FROM cal)) AS rake,
       same(svy_mean(svy_merge(s_linear)), (SELECT svy_mean(y, d_linear) FROM cal)) AS linear,
       same(svy_total(svy_merge(s_post)), (SELECT svy_total(y, d_post) FROM cal)) AS post,
       same(svy_prop(svy_merge(s_bo)), (SELECT svy_prop(bo, d_raking) FROM cal)) AS raking
FROM parts;
-- merging in stages (states of merged states), in another order
SELECT same(svy_mean(svy_merge(m)), (SELECT svy_mean(y, d_rake) FROM cal)) AS staged
FROM (SELECT svy_merge(s_rake ORDER BY psu DESC) AS m FROM parts GROUP BY psu % 5) s;
-- an empty state merges as nothing
SELECT same(svy_mean(svy_merge(s)), (SELECT svy_mean(y, d_rake) FROM cal)) AS with_empty
FROM (SELECT s_rake AS s FROM parts UNION ALL SELECT svy_accum(y, d_rake) FROM cal WHERE false) u;

-- ---------------------------------------------------------------- text and binary forms
SELECT count(*) FILTER (WHERE s_rake::text::svy_state::text = s_rake::text
                          AND s_linear::text::svy_state::text = s_linear::text) AS text_round_trips, count(*)
FROM parts;
SELECT format('/tmp/survey_calibration_state_%s.bin', current_setting('port')) AS statefile \gset
COPY (SELECT psu, s_rake, s_linear FROM parts) TO :'statefile' (FORMAT binary);
CREATE TABLE parts2 (psu int, s_rake svy_state, s_linear svy_state);
COPY parts2 FROM :'statefile' (FORMAT binary);
SELECT count(*) FILTER (WHERE a.s_rake::text = b.s_rake::text AND a.s_linear::text = b.s_linear::text) AS binary_round_trips
FROM parts a JOIN parts2 b USING (psu);
-- a shared transition state: svy_mean's final does not change what svy_accum returns
SELECT (SELECT svy_accum(y, d_rake)::text FROM cal) = (SELECT svy_accum(y, d_rake)::text FROM (SELECT *, svy_mean(y, d_rake) OVER () FROM cal) s)
       AS accum_alone_same,
       (SELECT md5(svy_accum(y, d_rake)::text) FROM cal) = (SELECT md5(a::text) FROM (
            SELECT svy_mean(y, d_rake) AS m, svy_accum(y, d_rake) AS a FROM cal) s) AS shared_same;

-- ---------------------------------------------------------------- edge cases
-- no rows: a state with nothing; its readers give NULL numbers
SELECT (svy_mean(s)).*, (svy_mean(s::text::svy_state)).n AS n_after_text FROM (SELECT svy_accum(y, d_rake) AS s FROM cal WHERE false) x;
-- one row (poststratified to its own level): one PSU, as svy_mean; with a lonely-PSU rule, its numbers
SELECT svy_mean(svy_accum(y, svy_calibrate(svy_design(w), '{"country": {"AT": 50}}', ARRAY[country], method => 'poststratify')))
FROM cs WHERE id = 1;
SET survey.lonely_psu = 'certainty';
SELECT (svy_mean(s)).estimate, (svy_mean(s)).std_error, (svy_mean(s)).n, (svy_total(s)).estimate AS total
FROM (SELECT svy_accum(y, svy_calibrate(svy_design(w), '{"country": {"AT": 50}}', ARRAY[country], method => 'poststratify')) AS s
      FROM cs WHERE id = 1) x;
RESET survey.lonely_psu;
-- NULL outcomes are out of the domain but in the calibration; all NULL: no estimate, the same as svy_mean
SELECT same(svy_mean(svy_accum(y, d_linear)), svy_mean(y, d_linear)) AS null_rows,
       (svy_mean(svy_accum(NULL::float8, d_linear))).n AS all_null_n,
       (svy_mean(svy_accum(NULL::float8, d_linear))).estimate AS all_null_estimate
FROM cal;

-- ---------------------------------------------------------------- states that do not merge
SELECT svy_merge(s) FROM (SELECT svy_accum(y, d_rake) AS s FROM cal UNION ALL SELECT svy_accum(y, d_raking) FROM cal) u;
SELECT svy_merge(s) FROM (SELECT svy_accum(y, d_post) AS s FROM cal
                          UNION ALL SELECT svy_accum(y, svy_calibrate(svy_design(w, psu => psu), '{"country": {"AT": 1, "BE": 8000, "CZ": 7000}}', ARRAY[country], method => 'poststratify')) FROM cs) u;
SELECT svy_merge(s) FROM (SELECT svy_accum(y, d_post) AS s FROM cal UNION ALL SELECT svy_accum(y, svy_design(w, psu => psu)) FROM cs) u;
SELECT svy_merge(s) FROM (SELECT svy_accum(y, svy_design(w, psu => psu)) AS s FROM cs UNION ALL SELECT svy_accum(y, d_post) FROM cal) u;
SELECT svy_merge(s) FROM (SELECT svy_accum(y, d_post) AS s FROM cal UNION ALL SELECT svy_accum(bo, d_post) FROM cal) u;
SELECT svy_prop(svy_accum(y, d_post)) FROM cal;

-- ---------------------------------------------------------------- corrupt bytes: 22P03
CREATE FUNCTION state_in(hex text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT (svy_mean(hex::svy_state)).n::text);
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE TABLE one AS SELECT svy_accum(y, d_post)::text AS h, svy_accum(y, d_linear)::text AS hl FROM cal WHERE psu IN (0, 2, 4);
-- the calibration part starts with the marker byte 01 and the magic "CAL2"
SELECT state_in(h) AS valid,
       state_in(left(h, -2)) AS truncated,
       state_in(h || '00') AS trailing,
       state_in(replace(h, '0143414c32', '0243414c32')) AS marker,
       state_in(replace(h, '0143414c32', '0143414c31')) AS magic,
       state_in(replace(h, '0143414c32', '00')) AS no_calibration
FROM one;
-- the method byte after the magic; the population (the bytes of "country" and a level)
SELECT state_in(regexp_replace(h, '43414c3201', '43414c3209')) AS method,
       state_in(replace(h, encode('country', 'hex') || '00', encode('country', 'hex') || '01')) AS population_name,
       state_in(replace(h, encode('AT', 'hex') || '00', encode('BE', 'hex') || '00')) AS population_level_twice
FROM one;
-- the PSU cells must cover the base state's PSUs: two PSUs with one cell each, the last cell
-- (5 keys and 7 sums: 96 bytes) dropped and the count before the cells made 1
CREATE TABLE two AS
SELECT svy_accum(y, svy_calibrate(svy_design(w, psu => psu), '{"country": {"AT": 100}}', ARRAY[country], method => 'poststratify'))::text AS h
FROM cs WHERE psu < 2 AND country = 'AT';
SELECT state_in(h) AS valid, substr(h, length(h) - 2 * 192 - 7, 8) AS cell_count,
       state_in(overlay(left(h, -192) PLACING '00000001' FROM length(h) - 2 * 192 - 7 FOR 8)) AS psu_without_cells,
       state_in(overlay(h PLACING '00000003' FROM length(h) - 2 * 192 - 7 FOR 8)) AS count_beyond_bytes
FROM two;

-- ---------------------------------------------------------------- parallel = serial = merged
CREATE FUNCTION runs() RETURNS TABLE (what text, e svy_estimate) LANGUAGE sql STABLE BEGIN ATOMIC
    SELECT 'rake', svy_mean(y, d_rake) FROM cal
    UNION ALL SELECT 'rake state', svy_mean(svy_accum(y, d_rake)) FROM cal
    UNION ALL SELECT 'linear state', svy_total(svy_accum(y, d_linear)) FROM cal
    UNION ALL SELECT 'raking state', svy_prop(svy_accum(bo, d_raking)) FROM cal;
END;
CREATE TABLE serial AS SELECT * FROM runs();
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has('SELECT svy_accum(y, d_rake) FROM cal', 'Partial Aggregate') AS partial_accum,
       plan_has('SELECT svy_merge(s_rake) FROM parts', 'Partial Aggregate') AS partial_merge;
CREATE TABLE par AS SELECT * FROM runs();
CREATE TABLE par_merged AS SELECT svy_mean(svy_merge(s_rake)) AS e FROM parts;
\i sql/include/parallel_off.sql
SELECT s.what, same(p.e, s.e) AS parallel_same FROM serial s JOIN par p USING (what) ORDER BY s.what;
SELECT same(m.e, s.e) AS merged_same FROM par_merged m, serial s WHERE s.what = 'rake';


-- ---------------------------------------------------------------- calibrated replicate designs
-- (calib_rep.c): the state carries every replicate's calibration sums; merged = direct
CREATE FUNCTION jk(w float8, psu int) RETURNS svy_design LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN svy_repdesign(w, ARRAY(SELECT CASE WHEN r = psu % 6 THEN 0 ELSE w * 1.2 END FROM generate_series(0, 5) r), 'JK1');
CREATE VIEW calr AS
SELECT c.*,
       svy_calibrate(jk(w, psu), (SELECT pl FROM cspop), ARRAY[country], ARRAY[years]) AS r_linear,
       svy_calibrate(jk(w, psu), (SELECT pr FROM cspop), ARRAY[country, role], method => 'rake', epsilon => 1e-9, maxit => 50) AS r_rake
FROM cs c WHERE id <= 600;
CREATE TABLE rparts AS
SELECT psu, svy_accum(y, r_linear) AS s_linear, svy_accum(bo, r_rake) AS s_rake FROM calr GROUP BY psu;
SELECT same(svy_mean(svy_merge(s_linear)), (SELECT svy_mean(y, r_linear) FROM calr)) AS linear_mean,
       same(svy_total(svy_merge(s_linear)), (SELECT svy_total(y, r_linear) FROM calr)) AS linear_total,
       same(svy_prop(svy_merge(s_rake), 'wald'), (SELECT svy_prop(bo, r_rake, 'wald') FROM calr)) AS rake_prop,
       count(*) FILTER (WHERE s_linear::text::svy_state::text = s_linear::text) = count(*) AS text_round_trips
FROM rparts;
SELECT svy_merge(s) FROM (SELECT s_linear AS s FROM rparts UNION ALL SELECT svy_accum(y, d_linear) FROM cal) u;

-- ================================================================ quantiles on calibrated designs
-- (R's numbers: oracle cases KQ001.., test/oracle/extra/make_calib_quantile.R)
CREATE FUNCTION qsame(a svy_estimate, b svy_estimate) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN a.estimate = b.estimate AND abs(a.std_error - b.std_error) <= 1e-12 * b.std_error
       AND a.ci_lower IS NOT DISTINCT FROM b.ci_lower AND a.ci_upper IS NOT DISTINCT FROM b.ci_upper
       AND a.df = b.df AND a.n = b.n;
CREATE VIEW calq AS
SELECT c.*,
       svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pl FROM cspop), ARRAY[country], ARRAY[years])
           AS d_linear_psu,
       svy_calibrate(svy_design(w, strata => stratum), (SELECT pr FROM cspop), ARRAY[country, role], method => 'rake')
           AS d_rake_rows
FROM cal c;
-- the estimate is the quantile of the calibrated weights (svy_weight); the interval is not that
-- of a design with those weights: the share's SE knows the calibration
CREATE TABLE cw AS
SELECT id, y, stratum, psu, svy_weight(d_rake) OVER () AS w_rake, svy_weight(d_linear_psu) OVER () AS w_linear
FROM calq;
SELECT p, (c).estimate = (u).estimate AS same_estimate, (c).std_error <> (u).std_error AS se_not_naive,
       (c).df = (u).df AS same_df, (c).n = (u).n AS same_n
FROM (SELECT p, svy_quantile(y, d_rake, p) AS c FROM calq, unnest(ARRAY[0.1, 0.5, 0.9]) p GROUP BY p) a
JOIN (SELECT p, svy_quantile(y, svy_design(w_rake, strata => stratum, psu => psu), p) AS u
      FROM cw, unnest(ARRAY[0.1, 0.5, 0.9]) p GROUP BY p) b USING (p) ORDER BY p;
SELECT p, (c).estimate = (u).estimate AS same_estimate
FROM (SELECT p, svy_quantile(y, d_linear_psu, p, 0.95, 'hf7') AS c FROM calq, unnest(ARRAY[0.25, 0.75]) p GROUP BY p) a
JOIN (SELECT p, svy_quantile(y, svy_design(w_linear, strata => stratum, psu => psu), p, 0.95, 'hf7') AS u
      FROM cw, unnest(ARRAY[0.25, 0.75]) p GROUP BY p) b USING (p) ORDER BY p;
-- the numbers: every design kind, rule and interval
SELECT what, (e).estimate, round((e).std_error::numeric, 8) AS std_error, (e).ci_lower, (e).ci_upper, (e).df, (e).n
FROM (SELECT 'rake psu' AS what, svy_quantile(y, d_rake, 0.5) AS e FROM calq
      UNION ALL SELECT 'linear psu school xlogit', svy_quantile(y, d_linear_psu, 0.25, 0.9, 'school', 'xlogit') FROM calq
      UNION ALL SELECT 'rake rows beta', svy_quantile(y, d_rake_rows, 0.5, 0.95, 'math', 'beta') FROM calq
      UNION ALL SELECT 'poststratify asin', svy_quantile(y, d_post, 0.75, 0.95, 'hf8', 'asin') FROM calq
      UNION ALL SELECT 'raking score', svy_quantile(y, d_raking, 0.5, 0.95, 'math', 'score') FROM calq WHERE y IS NOT NULL
      UNION ALL SELECT 'raking domain', svy_quantile(y, svy_subset(d_raking, role = 'chief'), 0.5) FROM calq) s;
-- svy_quantiles = svy_quantile for each probability
SELECT bool_and(qsame(q[i], (SELECT svy_quantile(y, d_linear_psu, (ARRAY[0.1, 0.5, 0.9])[i], 0.95, 'shahvaish') FROM calq)))
       AS quantiles_same
FROM (SELECT svy_quantiles(y, d_linear_psu, ARRAY[0.1, 0.5, 0.9], 0.95, 'shahvaish') AS q FROM calq) s, generate_series(1, 3) i;
-- NULL outcomes: out of the domain, in the calibration (= the domain of the rows with a value)
SELECT qsame(svy_quantile(y, d_rake, 0.5), svy_quantile(y, svy_subset(d_rake, y IS NOT NULL), 0.5)) AS null_is_domain FROM calq;
-- no rows; all outcomes NULL; one row
SELECT (svy_quantile(y, d_rake, 0.5)).* FROM calq WHERE false;
SELECT (svy_quantile(NULL::float8, d_rake, 0.5)).* FROM calq;
SET survey.lonely_psu = 'certainty';
SELECT (svy_quantile(y, svy_calibrate(svy_design(w), '{"country": {"AT": 50}}', ARRAY[country], method => 'poststratify'), 0.5)).*
FROM cs WHERE id = 1;
RESET survey.lonely_psu;
-- a running window: finals between rows, each = the aggregate over the rows so far
WITH w AS (SELECT id, svy_quantile(y, d_rake, 0.5) OVER (ORDER BY greatest(id, 30)) AS q FROM calq WHERE id <= 200)
SELECT count(*) FILTER (WHERE qsame(q, (SELECT svy_quantile(y, d_rake, 0.5) FROM calq c
                                         WHERE greatest(c.id, 30) <= greatest(w.id, 30)))) AS same, count(*)
FROM w;
-- raking that does not converge warns once, though the final solves the calibration for the
-- distribution and for each share the score interval's search evaluates
SELECT (svy_quantile(y, svy_calibrate(svy_design(w, psu => psu), (SELECT pr FROM cspop), ARRAY[country, role], method => 'rake',
                                      maxit => 1, epsilon => 1e-12), 0.5, 0.95, 'math', 'score')).estimate
FROM cs WHERE y IS NOT NULL;
-- a numeric auxiliary on a design without PSUs: every row its own PSU, the same design as psu => id
-- (R: ids = ~1 and ids = ~id agree; oracle cases KQ041..KQ046)
SELECT p, (r).estimate = (d).estimate AND abs((r).std_error - (d).std_error) <= 1e-9 * (d).std_error
          AND abs((r).ci_lower - (d).ci_lower) <= 1e-9 * abs((d).ci_lower)
          AND abs((r).ci_upper - (d).ci_upper) <= 1e-9 * abs((d).ci_upper) AND (r).df = (d).df AND (r).n = (d).n
          AS rows_are_psus
FROM (SELECT p, svy_quantile(y, d_linear, p, 0.9, 'hf8', 'xlogit') AS r,
             svy_quantile(y, svy_calibrate(svy_design(w, strata => stratum, psu => id), (SELECT pl FROM cspop),
                                           ARRAY[country], ARRAY[years]), p, 0.9, 'hf8', 'xlogit') AS d
      FROM calq, unnest(ARRAY[0.1, 0.5]) p GROUP BY p) s ORDER BY p;
-- the score interval on a domain searches over the values of every row (R's x: oracle cases KQ047..KQ051),
-- a NULL outcome's row with the value 0 (R's na.rm on a calibrated design: KQ053, KQ054)
SELECT (q).estimate, (q).ci_lower, (q).ci_upper, (q).df, (q).n
FROM (SELECT svy_quantile(y, svy_subset(d_raking, role = 'chief'), 0.5, 0.95, 'math', 'score') AS q FROM calq
      WHERE y IS NOT NULL) s;
SELECT (q).estimate, (q).ci_lower, (q).ci_upper, (q).df, (q).n
FROM (SELECT svy_quantile(y, svy_subset(d_raking, role = 'chief'), 0.5, 0.95, 'math', 'score') AS q FROM calq) s;
-- ... the search of the same rows with 0 for NULL, out of the domain (out-of-domain rows count by their value)
SELECT (a).ci_lower = (b).ci_lower AND (a).ci_upper = (b).ci_upper AND (a).estimate = (b).estimate AS null_rows_count_as_0
FROM (SELECT svy_quantile(y, d_raking, 0.3, 0.95, 'math', 'score') AS a FROM calq) x,
     (SELECT svy_quantile(coalesce(y, 0), svy_subset(d_raking, y IS NOT NULL), 0.3, 0.95, 'math', 'score') AS b
      FROM calq) z;
-- the rows that cannot share an aggregate
SELECT svy_quantile(y, CASE WHEN id < 100 THEN d_post ELSE d_raking END, 0.5) FROM calq;
SELECT svy_quantile(y, CASE WHEN id > 100 THEN d_post ELSE svy_design(w, psu => psu) END, 0.5) FROM calq;

-- the raw transition state (as Citus ships it): its text form, and every byte overwritten or cut:
-- an error of class 22 (22P03 mostly), never another, never a crash
CREATE AGGREGATE quantile_state(float8, svy_design, float8) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE TABLE qstates AS
SELECT quantile_state(y, d_linear_psu, 0.5) AS ql, quantile_state(y, d_rake_rows, 0.5) AS qr
FROM calq WHERE id <= 20;
SELECT qsame(svy_quantile_final(ql::text::svy_aggstate), (SELECT svy_quantile(y, d_linear_psu, 0.5) FROM calq WHERE id <= 20))
           AS linear_same,
       qsame(svy_quantile_final(qr::text::svy_aggstate), (SELECT svy_quantile(y, d_rake_rows, 0.5) FROM calq WHERE id <= 20))
           AS rake_rows_same
FROM qstates;
CREATE FUNCTION qfuzz(state svy_aggstate) RETURNS TABLE (outcome text, n bigint) LANGUAGE plpgsql AS $$
DECLARE
    b bytea := svy_aggstate_send(state);
    r text[] := '{}';
BEGIN
    FOR i IN 0 .. length(b) - 1 LOOP
        BEGIN
            PERFORM svy_quantile_final(translate(encode(set_byte(b, i, 255 - get_byte(b, i)), 'base64'), E'\n', '')::svy_aggstate);
            r := r || 'ok'::text;
        EXCEPTION WHEN OTHERS THEN
            r := r || CASE WHEN SQLSTATE LIKE '22%' THEN 'class 22' ELSE SQLSTATE END;
        END;
        BEGIN
            PERFORM svy_quantile_final(translate(encode(substr(b, 1, i), 'base64'), E'\n', '')::svy_aggstate);
            r := r || 'ok'::text;
        EXCEPTION WHEN OTHERS THEN
            r := r || CASE WHEN SQLSTATE LIKE '22%' THEN 'class 22' ELSE SQLSTATE END;
        END;
    END LOOP;
    RETURN QUERY SELECT o, count(*) FROM unnest(r) o GROUP BY o ORDER BY o;
END $$;
SET client_min_messages = error;	-- mutated controls: rake warnings
SELECT 'linear psu' AS state, f.* FROM qstates, qfuzz(ql) f
UNION ALL SELECT 'rake rows', f.* FROM qstates, qfuzz(qr) f;
RESET client_min_messages;

-- parallel = serial (the state carries the calibration sums and the cells of the units)
CREATE FUNCTION qruns() RETURNS TABLE (what text, e svy_estimate) LANGUAGE sql STABLE BEGIN ATOMIC
    SELECT 'rake', svy_quantile(y, d_rake, 0.5) FROM calq
    UNION ALL SELECT 'linear psu', svy_quantile(y, d_linear_psu, 0.9, 0.95, 'hf7', 'beta') FROM calq
    UNION ALL SELECT 'rake rows', svy_quantile(y, d_rake_rows, 0.25) FROM calq
    UNION ALL SELECT 'raking domain', svy_quantile(y, svy_subset(d_raking, role = 'chief'), 0.75) FROM calq
    UNION ALL SELECT 'raking domain score', svy_quantile(y, svy_subset(d_raking, role = 'chief'), 0.5, 0.95, 'math', 'score')
              FROM calq WHERE y IS NOT NULL
    UNION ALL SELECT 'linear rows', svy_quantile(y, d_linear, 0.5, 0.95, 'math', 'xlogit') FROM calq;
END;
CREATE TABLE qserial AS SELECT * FROM qruns();
\i sql/include/parallel_on.sql
SELECT plan_has('SELECT svy_quantile(y, d_linear_psu, 0.5) FROM calq', 'Partial Aggregate') AS partial_quantile;
CREATE TABLE qpar AS SELECT * FROM qruns();
\i sql/include/parallel_off.sql
SELECT s.what, qsame(p.e, s.e) AS parallel_same FROM qserial s JOIN qpar p USING (what) ORDER BY s.what;

DROP AGGREGATE quantile_state(float8, svy_design, float8);
DROP VIEW calr;
DROP FUNCTION jk(float8, int);
DROP FUNCTION runs(), qruns(), plan_has(text, text), state_in(text), qsame(svy_estimate, svy_estimate), qfuzz(svy_aggstate);
DROP TABLE serial, par, par_merged, one, two, parts, parts2, rparts, cw, qserial, qpar, qstates;
