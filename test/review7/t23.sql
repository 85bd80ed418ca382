\i ../review6/setup.sql
-- per-row variation inside calibrated aggregates: outcomes, weights, subsets, strata, mixing
\set C 'svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => ''rake'')'
\set CW 'svy_calibrate(svy_design(CASE WHEN id = 1999 THEN 0 ELSE w END, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => ''rake'')'
SELECT svy_mean(CASE WHEN id = 0 THEN NULL ELSE y END, :C)::text FROM ck;
SELECT svy_mean(CASE WHEN id = 1999 THEN NULL ELSE y END, :C)::text FROM ck;
SELECT svy_mean(CASE WHEN id % 2 = 0 THEN NULL ELSE y END, :C)::text FROM ck;
SELECT svy_mean(CASE WHEN id = 1999 THEN 'NaN' ELSE y END, :C)::text FROM ck;
SELECT svy_mean(CASE WHEN id = 1999 THEN 'Infinity' ELSE y END, :C)::text FROM ck;
SELECT svy_mean(CASE WHEN id = 1999 THEN 1e300 ELSE y END, :C)::text FROM ck;
SELECT svy_mean(CASE WHEN id = 1999 THEN 1e200 ELSE y END, :C)::text FROM ck;
SELECT svy_mean(CASE WHEN id = 1999 THEN -1e300 ELSE y + 1e300 END, :C)::text FROM ck;
SELECT svy_total(y + 1e15, :C)::text FROM ck;
SELECT svy_mean(y, :CW)::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(CASE WHEN id = 1999 THEN -1 ELSE w END, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(CASE WHEN id = 1999 THEN 'NaN' ELSE w END, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(CASE WHEN id = 1999 THEN NULL ELSE w END, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, CASE WHEN id = 1999 THEN NULL ELSE st END, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, CASE WHEN id = 1999 THEN NULL ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, CASE WHEN id = 1999 THEN 'K' ELSE st END, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, fpc => CASE WHEN id = 1999 THEN 50 ELSE 100 END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, fpc => CASE WHEN id = 1999 THEN NULL ELSE 100 END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, fpc => CASE WHEN id = 1999 THEN 1 ELSE 100 END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck;
-- subsets toggling, all out, first out, last in
SELECT svy_mean(y, svy_subset(:C, id % 2 = 0))::text FROM ck;
SELECT svy_mean(y, svy_subset(:C, id = 1999))::text FROM ck;
SELECT svy_mean(y, svy_subset(:C, id = 0))::text FROM ck;
SELECT svy_mean(y, svy_subset(:C, false))::text FROM ck;
SELECT svy_mean(y, svy_subset(:C, NULL))::text FROM ck;
SELECT svy_mean(y, svy_subset(:C, id > 0))::text FROM ck;
SELECT svy_prop(b, svy_subset(:C, id % 3 = 1))::text FROM ck;
SELECT svy_prop(CASE WHEN id = 1999 THEN NULL ELSE b END, :C)::text FROM ck;
SELECT svy_prop(b, :C, 'logit')::text FROM ck;
SELECT svy_prop(b, :C, 'beta')::text FROM ck;
SELECT svy_ratio(y, x + 1, :C)::text FROM ck;
SELECT svy_ratio(y, CASE WHEN id = 1999 THEN 0 ELSE x END, :C)::text FROM ck;
SELECT svy_ratio(y, CASE WHEN id = 1999 THEN NULL ELSE x + 1 END, :C)::text FROM ck;
SELECT svy_quantile(y, :C, 0.5)::text FROM ck;
SELECT svy_quantiles(y, :C, '{0.1,0.5,0.9}')::text FROM ck;
SELECT svy_by(y, g, :C)::text FROM ck;
SELECT svy_by(y, role, :C)::text FROM ck;
SELECT svy_by(b, st, :C)::text FROM ck;
SELECT svy_tab(g, country, :C)::text FROM ck;
SELECT svy_dist(role, :C)::text FROM ck;
SELECT svy_glm(y, ARRAY[1, x], :C)::text FROM ck;
-- calibrated and not in one aggregate, two calibrations in one aggregate
SELECT svy_mean(y, CASE WHEN id = 1999 THEN svy_design(w, st, ps) ELSE :C END)::text FROM ck;
SELECT svy_mean(y, CASE WHEN id = 0 THEN svy_design(w, st, ps) ELSE :C END)::text FROM ck;
SELECT svy_mean(y, CASE WHEN id = 1999 THEN svy_calibrate(svy_design(w, st, ps), (SELECT rake2 FROM ckpop), ARRAY[country, role], method => 'rake') ELSE :C END)::text FROM ck;
SELECT svy_mean(y, CASE WHEN id % 2 = 0 THEN svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') ELSE :C END)::text FROM ck;
SELECT svy_mean(y, CASE WHEN id = 1999 THEN svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'raking') ELSE :C END)::text FROM ck;
SELECT svy_mean(y, CASE WHEN id = 1999 THEN svy_calibrate(svy_design(w, st), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') ELSE :C END)::text FROM ck;
SELECT svy_mean(y, CASE WHEN id = 1999 THEN svy_calibrate(svy_repdesign(w, ARRAY[w, w], 'JK1'), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') ELSE :C END)::text FROM ck;
-- the same call site text in two aggregates and FILTERs, stored values mixed with built ones
SELECT svy_mean(y, :C) FILTER (WHERE id % 2 = 0)::text, svy_mean(y, :C) FILTER (WHERE id % 2 = 1)::text, svy_total(y, :C)::text FROM ck;
CREATE TEMP TABLE cst AS SELECT id, y, :C AS d FROM ck;
SELECT svy_mean(y, d)::text FROM cst;
SELECT svy_mean(c.y, CASE WHEN c.id % 2 = 0 THEN s.d ELSE svy_calibrate(svy_design(c.w, c.st, c.ps), (SELECT rake FROM ckpop), ARRAY[c.country, c.role], method => 'rake') END)::text FROM ck c JOIN cst s USING (id);
SELECT svy_mean(c.y, CASE WHEN c.id = 1999 THEN s.d ELSE svy_calibrate(svy_design(c.w, c.st, c.ps), (SELECT rake FROM ckpop), ARRAY[c.country, c.role], method => 'rake') END)::text FROM ck c JOIN cst s USING (id);
SELECT md5(svy_accum(y, d)::text) = md5(svy_accum(y, d ORDER BY id DESC)::text) FROM cst;
