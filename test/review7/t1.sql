\i setup.sql
-- basic, several aggregates, shared transitions
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')),
       svy_total(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')),
       svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')),
       svy_mean(y, svy_calibrate(svy_design(w, role, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x])) FROM ck;
-- many groups, hash agg spilling
SET work_mem = '64kB';
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT g97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck GROUP BY g97;
SELECT md5(string_agg(s, '|' ORDER BY g97)) FROM (SELECT g97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text s FROM ck GROUP BY g97) z;
SELECT g97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text s FROM ck GROUP BY g97 ORDER BY g97 LIMIT 3;
SELECT md5(string_agg(s, '|' ORDER BY g97, g)) FROM (SELECT g97, g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text s FROM ck GROUP BY GROUPING SETS ((g97), (g), ())) z;
RESET enable_sort;
SELECT md5(string_agg(s, '|' ORDER BY g97, g)) FROM (SELECT g97, g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text s FROM ck GROUP BY GROUPING SETS ((g97), (g), (b), ())) z;
RESET work_mem;
-- FILTER, ORDER BY, CTE, union all, lateral, correlated subquery
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FILTER (WHERE g <> 2)::text FROM ck;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') ORDER BY st DESC, id)::text FROM ck;
WITH c AS MATERIALIZED (SELECT * FROM ck WHERE id % 3 <> 0)
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM c;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck
UNION ALL
SELECT svy_accum(y, svy_calibrate(svy_design(w, role, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT gg, l.s FROM generate_series(1, 4) gg, LATERAL (SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text s FROM ck WHERE ck.g = gg) l;
SELECT gg, (SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck WHERE ck.g = gg) FROM generate_series(1, 4) gg;
SELECT gg, (SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck WHERE ck.g = gg AND ck.st = s.st) FROM generate_series(1, 4) gg, (SELECT DISTINCT st FROM ck) s ORDER BY 1, 2;
-- window aggregates
SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) OVER (PARTITION BY g)::text FROM ck WHERE id % 200 = 0 ORDER BY g, id;
SELECT id, md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) OVER (ORDER BY id ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)::text) FROM ck WHERE id < 30 ORDER BY id;
-- svy_by / tab / quantile / glm / dist
SELECT svy_by(y, g, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_by(y, st, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_tab(country, st, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_quantile(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'), 0.25)::text FROM ck;
SELECT svy_glm(y, ARRAY[1, x], svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ck;
-- replicate and two-stage
SELECT svy_mean(y, svy_calibrate(svy_repdesign(w, ARRAY[w, w * 1.1, w * 0.9], 'bootstrap'), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ck;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps, 1000, id, 50), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ck;
-- lonely psu messages
SET survey.lonely_psu = 'fail';
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st LIKE 'long%' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st = '' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
SELECT g97, svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st = 'K' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck GROUP BY g97;
SELECT svy_by(y, g, svy_calibrate(svy_design(w, st, CASE WHEN st LIKE 'Zürich Ōsaka 東%' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
SET survey.lonely_psu = 'adjust';
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, CASE WHEN st LIKE 'long%' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SET survey.lonely_psu = 'certainty';
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, CASE WHEN st LIKE 'long%' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
RESET survey.lonely_psu;
-- population from a join, NULL, changing options
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), CASE WHEN id < 1500 THEN (SELECT rake FROM ckpop) ELSE (SELECT rake2 FROM ckpop) END, ARRAY[country, role], method => 'rake')) FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), CASE WHEN id <> 1500 THEN (SELECT rake FROM ckpop) END, ARRAY[country, role], method => 'rake')) FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake', maxit => CASE WHEN id = 1700 THEN 51 ELSE 50 END)) FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x], method => 'linear', bounds => CASE WHEN id = 1700 THEN ARRAY[0.5, 2] ELSE ARRAY[0.4, 2] END)) FROM ck;
