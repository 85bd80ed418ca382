-- svy_calibrate's planner support (issue 10, performance): a call whose
-- levels (and x) are ARRAY[...] expressions is planned as svy_calibrate_elems
-- with the elements as separate arguments.  Same numbers, same errors as the
-- array form (reached here through a subquery or a text[] column, which the
-- planner leaves alone); views keep the call as written.
SET extra_float_digits = 0;
CREATE TABLE pf AS
SELECT i, (i % 4)::text AS country, ((i / 7) % 3)::text AS role, (i % 4)::varchar AS vcountry,
       ARRAY[(i % 4)::text, ((i / 7) % 3)::text] AS levs, i % 5 AS s, (i / 5) % 12 AS p,
       (0.5 + ((i * 7919) % 1000) / 400.0)::float8 AS w, ((i * 104729) % 7) < 3 AS y,
       ((i * 31) % 101) / 10.0 AS x, ((i * 17) % 13)::float8 AS x2
FROM generate_series(0, 599) i;
CREATE TABLE pfpop AS
SELECT svy_population(v, l, t) FILTER (WHERE v IN ('country', 'role')) AS rake,
       svy_population(v, l, t) FILTER (WHERE v = 'country') AS post,
       svy_population(v, l, t) AS lin
FROM (SELECT 'country' AS v, c::text AS l, 260.0 + 10 * c AS t FROM generate_series(0, 3) c
      UNION ALL SELECT 'role', r::text, 300.0 + 60 * r + 20 * (r / 2) FROM generate_series(0, 2) r
      UNION ALL SELECT 'x', NULL, 6000.0 UNION ALL SELECT 'x2', NULL, 6400.0) m;

-- 1. The plan: the internal call, the elements as arguments (x NULL: nx -1);
--    d written as svy_design(...): its arguments first, one call
--    (svy_calibrate_design); any other d: svy_calibrate_elems
EXPLAIN (VERBOSE, COSTS OFF)
SELECT svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT rake FROM pfpop),
                                 ARRAY[country, role], method => 'rake')) FROM pf;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT svy_mean(x, svy_calibrate(svy_design(w), (SELECT lin FROM pfpop), ARRAY[country, role],
                                 ARRAY[x, x2])) FROM pf;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT svy_prop(y, svy_calibrate(svy_repdesign(w, ARRAY[w, w], 'JK1'), (SELECT rake FROM pfpop),
                                 ARRAY[country, role], method => 'rake')) FROM pf;
-- not rewritten: a text[] column, an array from a subquery, a constant array
EXPLAIN (VERBOSE, COSTS OFF)
SELECT svy_prop(y, svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), levs, method => 'rake')) FROM pf;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT svy_prop(y, svy_calibrate(svy_design(w), (SELECT lin FROM pfpop), ARRAY[country, role],
                                 (SELECT ARRAY[x, x2]))) FROM pf;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT svy_calibrate(svy_design(1.0), (SELECT post FROM pfpop), ARRAY['1'], method => 'poststratify');

-- 2. Same numbers: each method, with and without PSUs, as ARRAY[...] and as
--    the array form (subquery, text[] column); every digit of the text form
CREATE FUNCTION pf_same(rewritten text, arrays text) RETURNS text LANGUAGE sql
RETURN CASE WHEN rewritten = arrays THEN 'same' ELSE rewritten || ' <> ' || arrays END;
SELECT pf_same(svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT rake FROM pfpop),
                                          ARRAY[country, role], method => 'rake'))::text,
               svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT rake FROM pfpop),
                                          levs, method => 'rake'))::text) AS rake,
       pf_same(svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT lin FROM pfpop),
                                          ARRAY[country, role], ARRAY[x, x2]))::text,
               svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT lin FROM pfpop),
                                          levs, (SELECT ARRAY[x, x2])))::text) AS linear,
       pf_same(svy_mean(x, svy_calibrate(svy_design(w, strata => s), (SELECT post FROM pfpop),
                                          ARRAY[vcountry], method => 'poststratify'))::text,
               svy_mean(x, svy_calibrate(svy_design(w, strata => s), (SELECT post FROM pfpop),
                                          (SELECT ARRAY[country]), method => 'poststratify'))::text) AS poststratify,
       pf_same(svy_total(x, svy_calibrate(svy_design(w, psu => p), (SELECT rake FROM pfpop),
                                           ARRAY[country, role], method => 'raking', maxit => 30,
                                           epsilon => 1e-9))::text,
               svy_total(x, svy_calibrate(svy_design(w, psu => p), (SELECT rake FROM pfpop),
                                           levs, method => 'raking', maxit => 30, epsilon => 1e-9))::text) AS raking,
       pf_same(svy_mean(x, svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), ARRAY[country, role],
                                          method => 'logit', bounds => ARRAY[0.2, 5.0]))::text,
               svy_mean(x, svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), levs,
                                          method => 'logit', bounds => ARRAY[0.2, 5.0]))::text) AS logit
FROM pf;
-- values outside an aggregate, a window (svy_weight), svy_by and a replicate base
SELECT count(*) FILTER (WHERE a::text = b::text) AS same_values, count(*) AS rows
FROM (SELECT svy_calibrate(svy_design(w, psu => p), (SELECT lin FROM pfpop), ARRAY[country, role], ARRAY[x, x2]) AS a,
             svy_calibrate(svy_design(w, psu => p), (SELECT lin FROM pfpop), levs, (SELECT ARRAY[x, x2])) AS b
      FROM pf) v;
SELECT count(*) FILTER (WHERE a = b) AS same_weights, count(*) AS rows
FROM (SELECT svy_weight(svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), ARRAY[country, role],
                                      method => 'rake')) OVER () AS a,
             svy_weight(svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), levs, method => 'rake')) OVER () AS b
      FROM pf) v;
SELECT pf_same(svy_by(y, role, svy_calibrate(svy_design(w, psu => p), (SELECT post FROM pfpop), ARRAY[country],
                                             method => 'poststratify'))::text,
               svy_by(y, role, svy_calibrate(svy_design(w, psu => p), (SELECT post FROM pfpop), levs[1:1],
                                             method => 'poststratify'))::text) AS svy_by,
       pf_same(svy_mean(x, svy_calibrate(svy_repdesign(w, ARRAY[w, w * 1.1, w * 0.9], 'bootstrap'),
                                          (SELECT rake FROM pfpop), ARRAY[country, role], method => 'rake'))::text,
               svy_mean(x, svy_calibrate(svy_repdesign(w, ARRAY[w, w * 1.1, w * 0.9], 'bootstrap'),
                                          (SELECT rake FROM pfpop), levs, method => 'rake'))::text) AS replicate
FROM pf;
-- a two-stage base
SELECT pf_same(svy_mean(x, svy_calibrate(svy_design(w, psu => p, psu2 => i, fpc => 40, fpc2 => 100), (SELECT rake FROM pfpop),
                                          ARRAY[country, role], method => 'rake'))::text,
               svy_mean(x, svy_calibrate(svy_design(w, psu => p, psu2 => i, fpc => 40, fpc2 => 100), (SELECT rake FROM pfpop),
                                          levs, method => 'rake'))::text) AS two_stage,
       pf_same(svy_mean(x, svy_calibrate(svy_design(w, psu => p), (SELECT lin FROM pfpop), ARRAY[country, role],
                                          ARRAY[x, x2], bounds => ARRAY[0.5, 3.0]))::text,
               svy_mean(x, svy_calibrate(svy_design(w, psu => p), (SELECT lin FROM pfpop), levs,
                                          (SELECT ARRAY[x, x2]), bounds => ARRAY[0.5, 3.0]))::text) AS bounded_linear
FROM pf;
-- a prepared statement: parameters as elements
PREPARE pfq(text, text) AS
SELECT svy_calibrate(svy_design(2.0), (SELECT rake FROM pfpop), ARRAY[$1, $2], method => 'rake')::text =
       svy_calibrate(svy_design(2.0), (SELECT rake FROM pfpop), (SELECT ARRAY[$1, $2]), method => 'rake')::text AS same;
EXECUTE pfq('3', '2');

-- 3. Parallel partial aggregation: the rewritten call in the workers; parallel = serial
\i sql/include/plan_has.sql
\i sql/include/parallel_on.sql
SELECT plan_has($$SELECT svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT lin FROM pfpop),
                                  ARRAY[country, role], ARRAY[x, x2])) FROM pf$$, 'Partial Aggregate') AS partial;
CREATE TEMP TABLE par AS
SELECT svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT lin FROM pfpop),
                                 ARRAY[country, role], ARRAY[x, x2]))::text AS lin FROM pf;
\i sql/include/parallel_off.sql
-- (the workers' share of the rows varies: the last digits may differ)
SELECT abs((p).estimate - (s).estimate) < 1e-12 * abs((s).estimate)
       AND abs((p).std_error - (s).std_error) < 1e-10 * (s).std_error AS parallel_serial
FROM (SELECT lin::svy_estimate AS p FROM par) a,
     (SELECT svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT lin FROM pfpop),
                                       ARRAY[country, role], ARRAY[x, x2])) AS s FROM pf) b;

-- 4. A view keeps the call as written
CREATE VIEW pfv AS
SELECT svy_prop(y, svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), ARRAY[country, role], method => 'rake')) AS r
FROM pf;
SELECT pg_get_viewdef('pfv');
SELECT pf_same((SELECT r::text FROM pfv), (SELECT svy_prop(y, svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), levs,
                                                                          method => 'rake'))::text FROM pf)) AS view_result;

-- 5. One buffer per call site (svy_calib_consumed): the population bytes of
--    a row are copied again when its datum is not the previous row's.  Two
--    populations by a correlated subquery (the datum may come back at the
--    same address with other bytes), rows of both groups interleaved by a
--    hashed GROUP BY: each group equals its own query; mixed in one
--    aggregate, still the error.
CREATE TABLE pfpops AS
SELECT g, svy_population(v, l, t * (1 + g)) AS pop
FROM (VALUES (0), (1)) gs(g),
     (SELECT 'country' AS v, c::text AS l, 260.0 + 10 * c AS t FROM generate_series(0, 3) c
      UNION ALL SELECT 'role', r::text, 300.0 + 60 * r + 20 * (r / 2) FROM generate_series(0, 2) r) m
GROUP BY g;
SET enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT (i / 3) % 2 AS g, svy_total(x, svy_calibrate(svy_design(w, psu => p), (SELECT pop FROM pfpops WHERE g = (i / 3) % 2),
                                             ARRAY[country, role], method => 'rake'))
FROM pf GROUP BY (i / 3) % 2;
CREATE TEMP TABLE grouped AS
SELECT (i / 3) % 2 AS g, svy_total(x, svy_calibrate(svy_design(w, psu => p), (SELECT pop FROM pfpops WHERE g = (i / 3) % 2),
                                             ARRAY[country, role], method => 'rake'))::text AS r
FROM pf GROUP BY (i / 3) % 2;
RESET enable_sort;
-- each group on its own (separate call sites: a buffer of their own)
CREATE TEMP TABLE own AS
SELECT 0 AS g, svy_total(x, svy_calibrate(svy_design(w, psu => p), (SELECT pop FROM pfpops WHERE g = 0),
                                          levs, method => 'rake'))::text AS r
FROM pf WHERE (i / 3) % 2 = 0
UNION ALL
SELECT 1, svy_total(x, svy_calibrate(svy_design(w, psu => p), (SELECT pop FROM pfpops WHERE g = 1),
                                     levs, method => 'rake'))::text
FROM pf WHERE (i / 3) % 2 = 1;
SELECT g, round((grouped.r::svy_estimate).estimate::numeric, 6) AS total, pf_same(grouped.r, own.r) AS own_query
FROM grouped JOIN own USING (g) ORDER BY g;
SELECT (svy_prop(y, svy_calibrate(svy_design(w), (SELECT pop FROM pfpops WHERE g = (i / 3) % 2), ARRAY[country, role],
                                  method => 'rake'))).estimate IS NULL
FROM pf;

-- 6. Errors: the same in both forms (SQLSTATE, message, detail, hint)
CREATE FUNCTION pf_err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hnt text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            hnt = PG_EXCEPTION_HINT;
    RETURN concat_ws(' | ', st, msg, nullif(det, ''), nullif(hnt, ''));
END $$;
CREATE FUNCTION pf_both(d text, pop text, lev text, x text, rest text DEFAULT '') RETURNS TABLE (form text, error text)
LANGUAGE sql
BEGIN ATOMIC
SELECT 'ARRAY[...]', pf_err(format('SELECT count(svy_calibrate(%s, %s, ARRAY[%s], %s%s)) FROM pf WHERE i < 20',
                                     d, pop, lev, CASE WHEN x IS NULL THEN 'NULL' ELSE 'ARRAY[' || x || ']::float8[]' END, rest))
UNION ALL
SELECT 'array', pf_err(format('SELECT count(svy_calibrate(%s, %s, (SELECT ARRAY[%s]::text[]), %s%s)) FROM pf WHERE i < 20',
                                d, pop, lev, CASE WHEN x IS NULL THEN 'NULL' ELSE '(SELECT ARRAY[' || x || ']::float8[])' END, rest));
END;
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, NULL', NULL, ', method => ''rake''');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country', NULL, ', method => ''rake''');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, role, role', NULL, ', method => ''rake''');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, ''9''', NULL, ', method => ''rake''');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, role', 'x', ', method => ''rake''');
SELECT * FROM pf_both('svy_design(w)', '(SELECT lin FROM pfpop)', 'country, role', NULL);
SELECT * FROM pf_both('svy_design(w)', '(SELECT lin FROM pfpop)', 'country, role', 'x');
SELECT * FROM pf_both('svy_design(w)', '(SELECT lin FROM pfpop)', 'country, role', 'x, NULL');
SELECT * FROM pf_both('svy_design(w)', '(SELECT lin FROM pfpop)', 'country, role', 'x, ''NaN''');
SELECT * FROM pf_both('svy_design(w)', '(SELECT lin FROM pfpop)', 'country, role', 'x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x, x2, x');
SELECT * FROM pf_both('svy_design(w)', 'NULL', 'country, role', NULL);
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => NULL');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => ''rakes''');
SELECT * FROM pf_both('svy_design(w)', '(SELECT lin FROM pfpop)', 'country, role', 'x, x2', ', method => ''rake''');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => ''logit''');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => ''logit'', bounds => ARRAY[1.5, 2]');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => ''rake'', bounds => ARRAY[0.5, 2]');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => ''rake'', maxit => 0');
SELECT * FROM pf_both('svy_design(w)', '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => ''rake'', epsilon => -1');
SELECT * FROM pf_both('svy_subset(svy_design(w), y)', '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => ''rake''');
SELECT * FROM pf_both('svy_calibrate(svy_design(w), (SELECT post FROM pfpop), ARRAY[country], method => ''poststratify'')',
                      '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => ''rake''');
SELECT * FROM pf_both('NULL', '(SELECT rake FROM pfpop)', 'country, role', NULL, ', method => ''rake''');

-- method, bounds, maxit and epsilon given as constants are checked at a call's
-- first row; any other expression at every row (a PL/pgSQL variable too)
SELECT pf_err($$SELECT count(svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), ARRAY[country, role],
                                           method => CASE WHEN i < 300 THEN 'rake' ELSE 'rakes' END)) FROM pf$$);
SELECT pf_err($$SELECT count(svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), ARRAY[country, role],
                                           method => 'rake', maxit => CASE WHEN i < 300 THEN 5 ELSE 0 END)) FROM pf$$);
SELECT pf_err($$SELECT count(svy_calibrate(svy_design(w), (SELECT rake FROM pfpop), ARRAY[country, role],
                                           method => 'rake', epsilon => (299 - i) / 1000.0)) FROM pf$$);
CREATE FUNCTION pf_method(m text, pop svy_population) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN substring(svy_calibrate(svy_design(1.0), pop, ARRAY['1', '1'], method => m)::text FROM 'method=\S+');
END $$;
SELECT m, pf_method(m, (SELECT rake FROM pfpop)) FROM unnest(ARRAY['rake', 'raking', 'linear', 'rake']) m;

-- 7. svy_calibrate_elems called directly: only the planner's form
SELECT svy_calibrate_elems(svy_design(1.0), (SELECT post FROM pfpop), 'poststratify', NULL, NULL, NULL, -1, '1'::text)::text =
       svy_calibrate(svy_design(1.0), (SELECT post FROM pfpop), ARRAY['1'], method => 'poststratify')::text AS same;
SELECT svy_calibrate_elems(svy_design(1.0), (SELECT post FROM pfpop), 'poststratify', NULL, NULL, NULL, -1, 1);
SELECT svy_calibrate_elems(svy_design(1.0), (SELECT post FROM pfpop), 'poststratify', NULL, NULL, NULL, -1, VARIADIC ARRAY['1']);
SELECT svy_calibrate_elems(svy_design(1.0), (SELECT lin FROM pfpop), 'linear', NULL, NULL, NULL, 2, '1'::text, '2'::text, 1.5::float8, 2::float8)::text =
       svy_calibrate(svy_design(1.0), (SELECT lin FROM pfpop), ARRAY['1', '2'], ARRAY[1.5, 2])::text AS same;
SELECT svy_calibrate_elems(svy_design(1.0), (SELECT lin FROM pfpop), 'linear', NULL, NULL, NULL, 2, '1'::text, '2'::text, 1.5, 2);
SELECT svy_calibrate_elems(svy_design(1.0), (SELECT lin FROM pfpop), 'linear', NULL, NULL, NULL, 3, '1'::text, '2'::text, 1.5::float8, 2::float8);
SELECT svy_calibrate_elems(svy_design(1.0), (SELECT lin FROM pfpop), 'linear', NULL, NULL, NULL, NULL, '1'::text);
SELECT svy_calibrate_elems(svy_design(1.0), (SELECT lin FROM pfpop), 'linear', NULL, NULL, NULL, -2, '1'::text);
SELECT svy_calibrate_design(1.0, NULL::int, NULL::int, NULL, NULL::int, NULL, (SELECT lin FROM pfpop), 'linear',
                            NULL, NULL, NULL, 2, '1'::text, '2'::text, 1.5::float8, 2::float8)::text =
       svy_calibrate(svy_design(1.0), (SELECT lin FROM pfpop), ARRAY['1', '2'], ARRAY[1.5, 2])::text AS same;
SELECT svy_calibrate_design(1.0, 1, 2, NULL, NULL::int, NULL, (SELECT post FROM pfpop), 'poststratify',
                            NULL, NULL, NULL, -1, '1'::text)::text =
       svy_calibrate(svy_design(1.0, 1, 2), (SELECT post FROM pfpop), ARRAY['1'], method => 'poststratify')::text AS same;
SELECT svy_calibrate_design(1.0, NULL::int, NULL::int, NULL, NULL::int, NULL, (SELECT post FROM pfpop), 'poststratify',
                            NULL, NULL, NULL, -1, 1);
SELECT svy_calibrate_design(1.0, NULL::int, NULL::int, NULL, NULL::int, NULL, (SELECT post FROM pfpop), 'poststratify',
                            NULL, NULL, NULL, -1, VARIADIC ARRAY['1']);
SELECT svy_calibrate_design(1.0, NULL::int, NULL::int, NULL, NULL::int, NULL, (SELECT lin FROM pfpop), 'linear',
                            NULL, NULL, NULL, 3, '1'::text, '2'::text, 1.5::float8, 2::float8);
SELECT svy_calibrate_design(NULL, NULL::int, NULL::int, NULL, NULL::int, NULL, (SELECT post FROM pfpop), 'poststratify',
                            NULL, NULL, NULL, -1, '1'::text);
SELECT svy_calibrate_design(1.0, NULL::int, NULL::int, NULL, NULL::int, NULL, NULL, 'poststratify',
                            NULL, NULL, NULL, -1, '1'::text);
-- nx changing from row to row: the arguments' types are checked again (a float8 is no level)
SELECT svy_calibrate_elems(svy_design(1.0), (SELECT lin FROM pfpop), 'linear', NULL, NULL, NULL,
                           CASE WHEN i = 1 THEN 2 ELSE 1 END, '1'::text, '2'::text, 1.5::float8, 2::float8) IS NOT NULL
FROM generate_series(1, 2) AS i;

DROP VIEW pfv;
DROP TABLE pf, pfpop, pfpops;
DROP FUNCTION pf_method(text, svy_population), pf_same(text, text), pf_err(text), pf_both(text, text, text, text, text), plan_has(text, text);
