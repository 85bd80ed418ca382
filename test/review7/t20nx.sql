\i ../review6/setup.sql
\set P '(SELECT rake FROM ckpop)'
\set L '(SELECT lin FROM ckpop)'
-- nx changing between rows of one call site: the base (f79dafe) crashes on the third (the fixed crash)
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, CASE WHEN id = 1500 THEN 1 ELSE -1 END, country, role))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, CASE WHEN id = 1500 THEN 2 ELSE 1 END, country, role, x))::text FROM ck;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :L, 'linear', NULL, NULL, NULL, CASE WHEN id = 1500 THEN 0 ELSE 1 END, country, role, x))::text FROM ck;
