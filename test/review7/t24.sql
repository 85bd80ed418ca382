\i ../review6/setup.sql
-- running window frames: the final function between rows of one state
\set C 'svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => ''rake'')'
\set L 'svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x])'
SELECT id / 400 AS grp, svy_mean(y, :C) OVER (ORDER BY id / 400 RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::text FROM ck WHERE id % 400 = 0 OR true ORDER BY id LIMIT 0;
SELECT DISTINCT id / 400 AS grp, svy_mean(y, :C) OVER (ORDER BY id / 400 RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::text FROM ck ORDER BY 1;
SELECT DISTINCT id / 400 AS grp, svy_mean(y, :L) OVER (ORDER BY id / 400 RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::text FROM ck ORDER BY 1;
SELECT DISTINCT id / 400 AS grp, md5(svy_accum(y, :C) OVER (ORDER BY id / 400 RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::text) FROM ck ORDER BY 1;
SELECT DISTINCT id / 400 AS grp, svy_quantile(y, :C, 0.5) OVER (ORDER BY id / 400 RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::text FROM ck ORDER BY 1;
SELECT DISTINCT id / 400 AS grp, svy_prop(b, :C) OVER (ORDER BY id / 400 RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::text FROM ck ORDER BY 1;
-- a moving frame (inverse transition if any; else restarted)
SELECT DISTINCT id / 400 AS grp, svy_mean(y, :C) OVER (ORDER BY id / 400 RANGE BETWEEN 1 PRECEDING AND CURRENT ROW)::text FROM ck ORDER BY 1;
-- rollup / cube with many groups
SELECT md5(string_agg(coalesce(g::text, '-') || coalesce(b::text, '-') || s, '|' ORDER BY g, b)) FROM (SELECT g, b, svy_mean(y, :C)::text s FROM ck GROUP BY ROLLUP (g, b)) z;
SELECT md5(string_agg(coalesce(g97::text, '-') || coalesce(st, '-') || coalesce(s, 'ERR'), '|' ORDER BY g97, st)) FROM (SELECT g97 % 2 g97, left(st, 8) st, svy_total(y, :L)::text s FROM ck GROUP BY CUBE (g97 % 2, left(st, 8))) z;
-- a cursor fetched in parts, mixed with another query in between
BEGIN;
DECLARE cu CURSOR FOR SELECT g97, svy_mean(y, :C)::text FROM ck GROUP BY g97 ORDER BY g97;
FETCH 3 FROM cu;
SELECT svy_mean(y, :C)::text FROM ck;
FETCH 3 FROM cu;
DECLARE cu2 CURSOR FOR SELECT svy_mean(y, :C)::text, svy_total(y, :L)::text FROM ck;
FETCH ALL FROM cu2;
FETCH 2 FROM cu;
COMMIT;
-- PL/pgSQL: a loop with the population changing, options as variables, errors caught and the next run fine
CREATE TEMP TABLE outp (i int, s text);
DO $$
DECLARE p svy_population; r text; m text;
BEGIN
  FOR i IN 1..6 LOOP
    p := CASE WHEN i % 2 = 0 THEN (SELECT rake FROM ckpop) ELSE (SELECT rake2 FROM ckpop) END;
    m := CASE WHEN i % 3 = 0 THEN 'raking' ELSE 'rake' END;
    BEGIN
      SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), p, ARRAY[country, CASE WHEN i = 5 AND id = 1999 THEN 'x' ELSE role END], method => m))::text INTO r FROM ck;
    EXCEPTION WHEN OTHERS THEN r := SQLERRM;
    END;
    INSERT INTO outp VALUES (i, r);
  END LOOP;
END $$;
SELECT * FROM outp ORDER BY i;
-- prepared statements, generic plans, population and method as parameters
SELECT rake AS pop1, rake2 AS pop2, lin AS popl FROM ckpop \gset
SET plan_cache_mode = force_generic_plan;
PREPARE q(svy_population, text) AS SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), $1, ARRAY[country, role], method => $2))::text FROM ck;
EXECUTE q(:'pop1', 'rake');
EXECUTE q(:'pop2', 'rake');
EXECUTE q(:'pop1', 'raking');
EXECUTE q(:'popl', 'rake');
EXECUTE q(:'pop1', 'rake');
PREPARE q2(svy_population) AS SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), $1, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
EXECUTE q2(:'pop1');
EXECUTE q2(:'pop2');
EXECUTE q2(NULL);
EXECUTE q2(:'pop1');
RESET plan_cache_mode;
-- populations from a table column: a join, per-row pointers, short headers
CREATE TEMP TABLE pops AS SELECT 0 AS k, rake AS p FROM ckpop UNION ALL SELECT 1, rake2 FROM ckpop UNION ALL SELECT 2, rake FROM ckpop;
SELECT k, svy_mean(y, svy_calibrate(svy_design(w, st, ps), p, ARRAY[country, role], method => 'rake'))::text FROM ck JOIN pops ON k = id % 3 GROUP BY k ORDER BY k;
SELECT k % 2, svy_mean(y, svy_calibrate(svy_design(w, st, ps), p, ARRAY[country, role], method => 'rake'))::text FROM ck JOIN pops ON k = id % 3 GROUP BY k % 2 ORDER BY 1;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), p, ARRAY[country, role], method => 'rake'))::text FROM ck JOIN pops ON k = (id % 2) * 2;
SET enable_hashjoin = off; SET enable_mergejoin = off;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), p, ARRAY[country, role], method => 'rake'))::text FROM ck JOIN pops ON k = (id % 2) * 2;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), p, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck JOIN pops ON k = (id % 2) * 2;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), p, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck JOIN pops ON k = (id / 1000) * 2;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), p, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck JOIN pops ON k = (id / 1999);
RESET enable_hashjoin; RESET enable_mergejoin;
-- a population rebuilt per row (text in): the same address each row, maybe another value
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop)::text::svy_population, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), CASE WHEN id = 1999 THEN (SELECT rake2 FROM ckpop)::text ELSE (SELECT rake FROM ckpop)::text END::svy_population, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), CASE WHEN id = 1999 THEN (SELECT rake2 FROM ckpop)::text ELSE (SELECT rake FROM ckpop)::text END::svy_population, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
