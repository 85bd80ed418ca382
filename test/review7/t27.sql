\i ../review6/setup.sql
-- replicate, two-stage, fpc, lonely PSUs, calibrated; the same call site mixing shapes
\set R '(SELECT rake FROM ckpop)'
\set L '(SELECT lin FROM ckpop)'
SELECT svy_mean(y, svy_calibrate(svy_repdesign(w, ARRAY[w * (1 + (id % 3)), w * (1 + (id % 5)) / 2, w], 'JK1'), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_repdesign(w, ARRAY[w * (1 + (id % 3)), w * (1 + (id % 5)) / 2, w], 'JK1'), :L, ARRAY[country, role], ARRAY[x]))::text FROM ck;
SELECT md5(svy_accum(y, svy_calibrate(svy_repdesign(w, ARRAY[w * (1 + (id % 3)), w * (1 + (id % 5)) / 2, w], 'bootstrap'), :R, ARRAY[country, role], method => 'rake'))::text) FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, 1000, id, 50), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, 1000, id % 4), :L, ARRAY[country, role], ARRAY[x]))::text FROM ck;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps, 1000, id % 4), :L, ARRAY[country, role], ARRAY[x]))::text) FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, 0.1), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
-- lonely PSUs: strata with one PSU
SELECT svy_mean(y, svy_calibrate(svy_design(w, st || (id % 50 = 0)::text, CASE WHEN id % 50 = 0 THEN 'only' ELSE ps END), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SET survey.lonely_psu = 'adjust';
SELECT svy_mean(y, svy_calibrate(svy_design(w, st || (id % 50 = 0)::text, CASE WHEN id % 50 = 0 THEN 'only' ELSE ps END), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SET survey.lonely_psu = 'remove';
SELECT svy_mean(y, svy_calibrate(svy_design(w, st || (id % 50 = 0)::text, CASE WHEN id % 50 = 0 THEN 'only' ELSE ps END), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SET survey.lonely_psu = 'certainty';
SELECT svy_mean(y, svy_calibrate(svy_design(w, st || (id % 50 = 0)::text, CASE WHEN id % 50 = 0 THEN 'only' ELSE ps END), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SET survey.lonely_psu = 'average';
SELECT svy_mean(y, svy_calibrate(svy_design(w, st || (id % 50 = 0)::text, CASE WHEN id % 50 = 0 THEN 'only' ELSE ps END), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
RESET survey.lonely_psu;
-- PSU ids of many types and lengths, the same PSU value in several strata
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, id % 3), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, (id % 3)::numeric / 3), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, repeat('p', id % 41)), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, repeat('p', 3000) || (id % 5)), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, id % 7, ps), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, (id % 7)::bigint, ps), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, NULL::int, ps), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, psu => ps), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
-- zero weights everywhere in a cell, one row per PSU, one PSU
SELECT svy_mean(y, svy_calibrate(svy_design(CASE WHEN role = 'manager' AND country = 'AT' THEN 0 ELSE w END, st, ps), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, 'one', 'one'), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, id), :R, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[country, role], method => 'rake'))::text FROM ck WHERE id < 50;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[country, role], method => 'rake'))::text FROM ck WHERE false;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[country, role], method => 'rake'))::text FROM ck WHERE id = 7;
