\i ../review6/setup.sql
-- the aggregates' own per-row options changing late (level, method), y of each type, on calibrated designs
\set C 'svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => ''rake'')'
SELECT svy_mean(y, :C, 0.9)::text FROM ck;
SELECT svy_mean(y, :C, CASE WHEN id = 1999 THEN 0.9 ELSE 0.95 END)::text FROM ck;
SELECT svy_mean(y, :C, CASE WHEN id = 0 THEN NULL ELSE 0.9 END)::text FROM ck;
SELECT svy_mean(y, :C, CASE WHEN id = 1999 THEN NULL ELSE 0.9 END)::text FROM ck;
SELECT svy_mean(y, :C, CASE WHEN id = 1999 THEN 1.5 ELSE 0.9 END)::text FROM ck;
SELECT svy_mean(y, :C, CASE WHEN id = 1999 THEN 'NaN' ELSE 0.9 END)::text FROM ck;
SELECT svy_prop(b, :C, CASE WHEN id = 1999 THEN 'beta' ELSE 'logit' END)::text FROM ck;
SELECT svy_prop(b, :C, CASE WHEN id = 1999 THEN 'nonsense' ELSE 'logit' END)::text FROM ck;
SELECT svy_prop(b, :C, CASE WHEN id = 1999 THEN NULL ELSE 'beta' END)::text FROM ck;
SELECT svy_prop(b, :C, 'logit', CASE WHEN id = 1999 THEN 0.8 ELSE 0.9 END)::text FROM ck;
SELECT svy_prop(b, :C, CASE WHEN id % 2 = 0 THEN 'xlogit' ELSE 'beta' END)::text FROM ck;
SELECT svy_ratio(y, x + 1, :C, CASE WHEN id = 1999 THEN 0.8 ELSE 0.9 END)::text FROM ck;
SELECT svy_mean(g::likert(1, 4), :C)::text FROM ck;
SELECT svy_mean(CASE WHEN id = 1999 THEN NULL ELSE g END::likert(1, 4), :C)::text FROM ck;
SELECT svy_total(y, :C, 0.99)::text FROM ck;
-- correlated populations: a subquery rescanned per outer row, the population changing between rescans
SELECT k, (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), pp.p, ARRAY[country, role], method => 'rake'))::text FROM ck)
FROM (SELECT 0 AS k, rake AS p FROM ckpop UNION ALL SELECT 1, rake2 FROM ckpop UNION ALL SELECT 2, rake FROM ckpop UNION ALL SELECT 3, lin FROM ckpop) pp ORDER BY k;
SELECT k, (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), pp.t::svy_population, ARRAY[country, role], method => 'rake'))::text FROM ck)
FROM (SELECT 0 AS k, rake::text AS t FROM ckpop UNION ALL SELECT 1, rake2::text FROM ckpop UNION ALL SELECT 2, rake::text FROM ckpop) pp ORDER BY k;
SELECT k, (SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), pp.t::svy_population, 'rake', NULL, NULL, NULL, -1, country, role))::text FROM ck)
FROM (SELECT 0 AS k, rake::text AS t FROM ckpop UNION ALL SELECT 1, rake2::text FROM ckpop UNION ALL SELECT 2, rake::text FROM ckpop) pp ORDER BY k;
SELECT k, (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => m))::text FROM ck)
FROM (VALUES (0, 'rake'), (1, 'raking'), (2, 'rake'), (3, 'linear')) v(k, m) ORDER BY k;
SELECT k, (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'raking', bounds => bd))::text FROM ck)
FROM (VALUES (0, '{0.5,3}'::float8[]), (1, NULL), (2, '{0.5,3}')) v(k, bd) ORDER BY k;
SELECT k, (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, CASE WHEN id = 1999 AND k = 1 THEN 'x' ELSE role END], method => 'rake'))::text FROM ck)
FROM generate_series(0, 2) k ORDER BY k;
