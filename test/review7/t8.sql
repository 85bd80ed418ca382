\i setup.sql
SELECT rake::text AS poptext FROM ckpop \gset
SELECT svy_accum(y, svy_calibrate(svy_design(w, 'north', ps), :'poptext', ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_accum(y, svy_calibrate(svy_design(w, 'north'::text || '', ps), :'poptext'::svy_population, ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_merge(s)::text FROM (SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) s FROM ck GROUP BY g) z;
SELECT svy_mean(svy_merge(s))::text FROM (SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) s FROM ck GROUP BY g ORDER BY g) z;
SET survey.lonely_psu = 'fail';
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, 1000, CASE WHEN st = 'K' THEN 'ssu' ELSE id::text END, 50), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x])) FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, CASE WHEN st = 'Zürich Ōsaka' AND id > 1500 THEN 999 ELSE 1000 END), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x])) FROM ck;
SELECT svy_dist(country, svy_calibrate(svy_design(w, st, CASE WHEN st LIKE 'long%' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
SELECT svy_tab(country, b, svy_calibrate(svy_design(w, st, CASE WHEN st = '' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
SELECT svy_quantile(y, svy_calibrate(svy_design(w, st, CASE WHEN st = 'E000000001' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'), 0.5) FROM ck;
RESET survey.lonely_psu;
SET survey.lonely_psu = 'average';
SELECT svy_dist(country, svy_calibrate(svy_design(w, st, CASE WHEN st LIKE 'long%' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_quantile(y, svy_calibrate(svy_design(w, st, CASE WHEN st = 'E000000001' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'), 0.5)::text FROM ck;
SELECT svy_glm(y, ARRAY[1, x], svy_calibrate(svy_design(w, st, CASE WHEN st = 'E000000001' THEN 'one' ELSE ps END), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ck;
RESET survey.lonely_psu;
BEGIN;
DECLARE sc SCROLL CURSOR FOR SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck GROUP BY g ORDER BY g;
FETCH 2 FROM sc; FETCH BACKWARD 1 FROM sc; FETCH ALL FROM sc;
COMMIT;
-- x of varying length, NULL x, NULL levels
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], CASE WHEN id = 1200 THEN ARRAY[x, x] ELSE ARRAY[x] END)) FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], CASE WHEN id = 1200 THEN NULL ELSE ARRAY[x] END)) FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, CASE WHEN id = 1200 THEN NULL ELSE role END], ARRAY[x])) FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[CASE WHEN id = 1200 THEN 'NaN' ELSE x END])) FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(CASE WHEN id = 1200 THEN 0 ELSE w END, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(CASE WHEN id = 1200 THEN -1 ELSE w END, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ck;
SELECT svy_mean(CASE WHEN id % 10 = 0 THEN NULL ELSE y END, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text FROM ck;
-- mixed: calibrated and uncalibrated rows in one aggregate
SELECT svy_mean(y, CASE WHEN id = 1200 THEN svy_design(w, st, ps) ELSE svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]) END) FROM ck;
SELECT svy_mean(y, CASE WHEN id = 0 THEN svy_design(w, st, ps) ELSE svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]) END) FROM ck;
-- a different design kind mid-way
SELECT svy_mean(y, svy_calibrate(CASE WHEN id = 1200 THEN svy_design(w, st) ELSE svy_design(w, st, ps) END, (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x])) FROM ck;
SELECT svy_mean(y, svy_calibrate(CASE WHEN id = 1200 THEN svy_repdesign(w, ARRAY[w, w], 'bootstrap') ELSE svy_design(w, st, ps) END, (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x])) FROM ck;
