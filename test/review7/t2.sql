\i setup.sql
CREATE TEMP TABLE popt AS SELECT 1 AS k, rake AS p FROM ckpop UNION ALL SELECT 2, rake2 FROM ckpop;
-- prepared, generic plans, population as a parameter
SELECT rake::text AS pop1, rake2::text AS pop2 FROM ckpop \gset
SET plan_cache_mode = force_generic_plan;
PREPARE q(svy_population, int) AS
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), $1, ARRAY[country, role], method => 'rake'))::text FROM ck WHERE g <> $2;
EXECUTE q(:'pop1', 1);
EXECUTE q(:'pop2', 2);
EXECUTE q(:'pop1', 3);
EXECUTE q(:'pop1', 3);
EXECUTE q(NULL, 3);
PREPARE q2(text, int) AS
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => $1, maxit => $2))::text FROM ck;
EXECUTE q2('rake', 50);
EXECUTE q2('raking', 50);
EXECUTE q2('rake', 3);
EXECUTE q2('bogus', 3);
EXECUTE q2('rake', 50);
RESET plan_cache_mode;
-- PL/pgSQL loop, population changing between executions
DO $$
DECLARE r record; s text;
BEGIN
  FOR r IN SELECT * FROM popt ORDER BY k LOOP
    FOR i IN 1..2 LOOP
      SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), r.p, ARRAY[country, role], method => 'rake'))::text INTO s FROM ck WHERE id % (i + 1) = 0;
      RAISE NOTICE '% % %', r.k, i, md5(s);
    END LOOP;
  END LOOP;
END $$;
DO $$
DECLARE s text; p svy_population;
BEGIN
  FOR i IN 1..4 LOOP
    SELECT CASE WHEN i % 2 = 0 THEN rake ELSE rake2 END INTO p FROM ckpop;
    SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), p, ARRAY[country, role], method => 'rake'))::text INTO s FROM ck;
    RAISE NOTICE '% %', i, md5(s);
  END LOOP;
END $$;
-- cursors
BEGIN;
DECLARE cur CURSOR FOR SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck GROUP BY g ORDER BY g;
FETCH 1 FROM cur;
SELECT svy_accum(y, svy_calibrate(svy_design(w, role, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ck;
FETCH 2 FROM cur;
DECLARE cur2 CURSOR FOR SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
FETCH 1 FROM cur2;
FETCH 1 FROM cur;
COMMIT;
SET enable_hashagg = off;
BEGIN;
DECLARE cur3 CURSOR FOR SELECT g97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck GROUP BY g97 ORDER BY g97;
FETCH 2 FROM cur3;
SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake2 FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck GROUP BY g ORDER BY g;
FETCH 2 FROM cur3;
COMMIT;
RESET enable_hashagg;
-- EXPLAIN ANALYZE
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
-- joined population column, equal and different per row
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.p, ARRAY[country, role], method => 'rake'))::text FROM ck JOIN popt p ON p.k = 1;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.p, ARRAY[country, role], method => 'rake'))::text FROM ck JOIN popt p ON p.k = 1 + (ck.id / 1999);
SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.p, ARRAY[country, role], method => 'rake'))::text FROM ck JOIN popt p ON p.k = 1 + (g / 3) GROUP BY g ORDER BY g;
SET enable_hashagg = off;
SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.p, ARRAY[country, role], method => 'rake'))::text FROM ck JOIN popt p ON p.k = 1 + (g / 3) GROUP BY g ORDER BY g;
SELECT g, b, md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.p, ARRAY[country, role], method => 'rake'))::text) FROM ck JOIN popt p ON p.k = 1 + (g / 3) GROUP BY ROLLUP(g, b) ORDER BY g, b;
RESET enable_hashagg;
SELECT g, b, md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.p, ARRAY[country, role], method => 'rake'))::text) FROM ck JOIN popt p ON p.k = 1 + (g / 3) GROUP BY ROLLUP(g, b) ORDER BY g, b;
SELECT g, b, md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.p, ARRAY[country, role], method => 'rake'))::text) FROM ck JOIN popt p ON p.k = 1 + (g / 3) GROUP BY CUBE(g, b) ORDER BY g, b;
-- the same rows alternating two equal populations from two datums
CREATE TEMP TABLE popt2 AS SELECT k, p FROM popt WHERE k = 1 UNION ALL SELECT 3, p FROM popt WHERE k = 1;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.p, ARRAY[country, role], method => 'rake'))::text FROM ck JOIN popt2 p ON p.k = 1 + 2 * (ck.id % 2);
-- parallel
CREATE TABLE r6t AS SELECT * FROM ck;
CREATE TABLE r6pop AS SELECT * FROM ckpop;
ANALYZE r6t;
\i ../../sql/include/parallel_on.sql
EXPLAIN (COSTS OFF) SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake')) FROM r6t;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake'))::text FROM r6t;
SELECT g, svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake'))::text FROM r6t GROUP BY g ORDER BY g;
SET survey.lonely_psu = 'fail';
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st = 'K' THEN 'one' ELSE ps END), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake')) FROM r6t;
RESET survey.lonely_psu;
\i ../../sql/include/parallel_off.sql
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake'))::text FROM r6t;
DROP TABLE r6t, r6pop;
