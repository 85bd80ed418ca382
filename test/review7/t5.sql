\i setup.sql
CREATE TEMP TABLE ck2 AS SELECT * FROM ck ORDER BY (id * 7919) % 2000;
SET work_mem = '64kB';
SET enable_sort = off;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT g97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck2 GROUP BY g97;
CREATE TEMP TABLE h1 AS SELECT g97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text s FROM ck2 GROUP BY g97;
CREATE TEMP TABLE h2 AS SELECT g97, id % 7 AS k, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text s FROM ck2 GROUP BY g97, id % 7;
SET survey.lonely_psu = 'fail';
SELECT g97, id % 7, svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st = 'Zürich Ōsaka' AND g97 = 96 AND id % 7 = 6 THEN 'one' ELSE ps END), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x])) FROM ck2 GROUP BY g97, id % 7;
RESET survey.lonely_psu;
RESET enable_sort; RESET work_mem;
SET enable_sort = off; SET work_mem = '64MB';
SELECT count(*), count(*) FILTER (WHERE h1.s = z.s) FROM h1 JOIN (SELECT g97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') )::text s FROM ck2 GROUP BY g97) z USING (g97);
SELECT count(*), count(*) FILTER (WHERE h2.s = z.s) FROM h2 JOIN (SELECT g97, id % 7 AS k, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]) )::text s FROM ck2 GROUP BY g97, id % 7) z USING (g97, k);
SELECT md5(string_agg(s, ',' ORDER BY g97)) FROM h1;
SELECT md5(string_agg(s, ',' ORDER BY g97, k)) FROM h2;
