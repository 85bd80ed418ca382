\i ../review6/setup.sql
-- svy_calibrate_elems called directly, odd argument lists, inside an aggregate (consumed) and not
\set P '(SELECT rake FROM ckpop)'
\set L '(SELECT lin FROM ckpop)'
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1)) FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, role, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, role::varchar))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, 'manager'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, VARIADIC ARRAY[country, role]))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, 1000, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -2, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, 0, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, 1, country, role, x))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, 1, country, role, x::float4))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, -1, country, role))::text FROM ck;
-- NULL nx, at the first row and later
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, CASE WHEN id = 0 THEN NULL ELSE -1 END, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, CASE WHEN id = 1500 THEN NULL ELSE -1 END, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, CASE WHEN id = 1500 THEN 0 ELSE -1 END, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, CASE WHEN id % 2 = 0 THEN 0 ELSE -1 END, country, role))::text FROM ck;
-- NULL levels / x / design / population at row 1 vs later; levels not in the population; NaN / infinite x
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, CASE WHEN id = 1999 THEN NULL ELSE country END, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, CASE WHEN id = 1999 THEN NULL ELSE role END))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, CASE WHEN id = 1999 THEN 'nobody' ELSE role END))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, CASE WHEN id = 1999 THEN 'manager ' ELSE role END))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, CASE WHEN id = 1999 THEN '' ELSE role END))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, 1, country, role, CASE WHEN id = 1999 THEN NULL ELSE x END))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, 1, country, role, CASE WHEN id = 1999 THEN 'NaN' ELSE x END))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, 1, country, role, CASE WHEN id = 1999 THEN '-Infinity' ELSE x END))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, 1, CASE WHEN id = 1999 THEN 'XX' ELSE country END, role, CASE WHEN id = 1999 THEN 'NaN' ELSE x END))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 1999 THEN NULL ELSE svy_design(w, st, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), CASE WHEN id = 1999 THEN NULL ELSE (SELECT rake FROM ckpop) END, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), CASE WHEN id = 1999 THEN (SELECT lin FROM ckpop) ELSE (SELECT rake FROM ckpop) END, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), CASE WHEN id = 1999 THEN (SELECT rake2 FROM ckpop) ELSE (SELECT rake FROM ckpop) END, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), CASE WHEN id % 500 = 499 THEN (SELECT rake2 FROM ckpop) ELSE (SELECT rake FROM ckpop) END, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
-- options as columns, changing per row
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, CASE WHEN id = 1999 THEN 'raking' ELSE 'rake' END, NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, CASE WHEN id = 1999 THEN 'linear' ELSE 'rake' END, NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, CASE WHEN id = 1999 THEN NULL ELSE 'rake' END, NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, CASE WHEN id = 1999 THEN 5 ELSE NULL END, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, CASE WHEN id = 1999 THEN 1e-9 ELSE NULL END, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'raking', CASE WHEN id = 1999 THEN '{0.5,2}'::float8[] ELSE NULL END, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'raking', CASE WHEN id < 1999 THEN '{0.5,2}'::float8[] ELSE NULL END, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'raking', '{0.5,2}', 50, 1e-8, -1, country, role))::text FROM ck;
-- base designs not of the ready shape after many that are
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 1999 THEN svy_subset(svy_design(w, st, ps), true) ELSE svy_design(w, st, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 1999 THEN svy_subset(svy_design(w, st, ps), false) ELSE svy_design(w, st, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 1999 THEN svy_design(w, st, ps, fpc => 100) ELSE svy_design(w, st, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 1999 THEN svy_design(w, st, ps, psu2 => id) ELSE svy_design(w, st, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 1999 THEN svy_design(w, st) ELSE svy_design(w, st, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 1999 THEN svy_design(w) ELSE svy_design(w, st, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 1999 THEN svy_repdesign(w, ARRAY[w, w*2], 'JK1') ELSE svy_design(w, st, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 1999 THEN svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') ELSE svy_design(w, st, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id % 3 = 0 THEN svy_design(w, st, ps) ELSE svy_design(w, role, ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id % 2 = 0 THEN svy_design(w, 'K', ps) ELSE svy_design(w, 'K', ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id % 2 = 0 THEN svy_design(w, '', ps) ELSE svy_design(w, 'ABCD', ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
SELECT md5(svy_accum(y, svy_calibrate_elems(CASE WHEN id % 2 = 0 THEN svy_design(w, left(st, id % 9), ps) ELSE svy_design(w, left(st, 4), ps) END, :P, 'rake', NULL, NULL, NULL, -1, country, role))::text) FROM ck;
SELECT md5(svy_accum(y, svy_calibrate_elems(svy_design(w, left(st, id % 41), ps), :P, 'rake', NULL, NULL, NULL, -1, country, role))::text) FROM ck;
SELECT md5(svy_accum(y, svy_calibrate_elems(svy_subset(svy_design(w, st, ps), id % 3 = 0), :P, 'rake', NULL, NULL, NULL, -1, country, role))::text) FROM ck;
SELECT md5(svy_accum(y, svy_subset(svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, role), id % 3 = 0))::text) FROM ck;
-- not consumed: values out of the aggregate
SELECT svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, role)::text FROM ck WHERE id < 3;
SELECT count(DISTINCT svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, country, role)::text) FROM ck;
SELECT md5(string_agg(svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, 1, country, role, x)::text, '|' ORDER BY id)) FROM ck;
SELECT svy_mean(y, d) FROM (SELECT y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM ckpop), 'rake', NULL, NULL, NULL, -1, country, role) d FROM ck OFFSET 0) z;
SELECT svy_mean(y, d ORDER BY id DESC)::text FROM (SELECT id, y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM ckpop), 'rake', NULL, NULL, NULL, -1, country, role) d FROM ck) z;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM ckpop), 'rake', NULL, NULL, NULL, -1, country, role) ORDER BY id DESC)::text FROM ck;
SELECT svy_mean(DISTINCT y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM ckpop), 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck;
