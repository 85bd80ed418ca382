\i setup.sql
SET work_mem = '64kB';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT g97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck GROUP BY g97;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT g97, g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text s FROM ck GROUP BY GROUPING SETS ((g97), (g), (b), ());
SET survey.lonely_psu = 'fail';
SELECT g97, svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st = 'K' AND g97 > 50 THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck GROUP BY g97;
SELECT g97, b, svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st LIKE 'Metro%' AND g97 > 90 THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck GROUP BY GROUPING SETS ((g97), (b));
RESET survey.lonely_psu;
RESET work_mem;
-- HAVING with the same aggregate, DISTINCT ON, two different calibrates of the same design expression text
SELECT g, svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck GROUP BY g
HAVING (svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))).estimate > 0 AND svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake2 FROM ckpop), ARRAY[country, role], method => 'rake'))::text <> '' ORDER BY g;
-- calibrated and uncalibrated designs on the same strata in one query, nested in expressions
SELECT svy_accum(y, svy_design(w, st, ps))::text = svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text, svy_accum(y, svy_design(w, st, ps))::text FROM ck;
-- a subquery with OFFSET 0 (values with labels) vs flattened
SELECT svy_accum(y, svy_calibrate(d, (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM (SELECT *, svy_design(w, st, ps) d FROM ck OFFSET 0) s;
SELECT svy_accum(y, svy_calibrate(d, (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text, svy_accum(y, svy_calibrate(d, (SELECT rake2 FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM (SELECT *, svy_design(w, st, ps) d FROM ck) s;
SELECT svy_accum(y, cd)::text FROM (SELECT *, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') cd FROM ck) s WHERE cd IS NOT NULL;
-- stored designs (labels inside) calibrated inline, with labels of different lengths
CREATE TEMP TABLE ckdes AS SELECT *, svy_design(w, st, ps) AS d, svy_design(w, st) AS d1 FROM ck;
SELECT svy_accum(y, svy_calibrate(d, (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ckdes;
SELECT svy_accum(y, svy_calibrate(d1, (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ckdes;
SELECT svy_accum(y, svy_calibrate(CASE WHEN id % 2 = 0 THEN d ELSE svy_design(w, st, ps) END, (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ckdes;
SELECT svy_accum(y, svy_calibrate(CASE WHEN id % 3 = 0 THEN d1 ELSE svy_design(w, st) END, (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ckdes;
-- other forms: text[] column levels, svy_design with fpc, strata of other types
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps, 5000), (SELECT rake FROM ckpop), levs, method => 'rake'))::text FROM (SELECT *, ARRAY[country, role] levs FROM ck) c;
SELECT svy_accum(y, svy_calibrate(svy_design(w, g97, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st::varchar, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st::bytea, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_accum(y, svy_calibrate(svy_design(w, NULLIF(st, ''), ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st || '', ps || ''), (SELECT rake FROM ckpop), ARRAY[country::varchar, role::name], method => 'rake'))::text FROM ck;
SET survey.lonely_psu = 'fail';
SELECT svy_prop(b, svy_calibrate(svy_design(w, st::bytea, CASE WHEN st LIKE 'Zü%' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, (g97 * 1.5)::numeric, CASE WHEN g97 = 80 THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
RESET survey.lonely_psu;
-- window frames that shrink (moving aggregates) and partition boundaries
SELECT g, md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) OVER (PARTITION BY g ORDER BY id)::text) FROM ck WHERE id % 100 = 1 ORDER BY g, id;
-- a SQL function called per row (nested executors)
CREATE FUNCTION r6f(int) RETURNS text LANGUAGE sql STABLE AS $$ SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text) FROM ck WHERE g = $1 $$;
SELECT g, r6f(g), svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake2 FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck GROUP BY g ORDER BY g;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st || r6f(1 + id % 4 / 4), ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck WHERE id < 50;
DROP FUNCTION r6f(int);
