\i setup2.sql
-- the other calibrated aggregates (domains, quantiles, glm, tables) over many cells and PSUs
\set R '(SELECT rake FROM bigpop)'
\set L '(SELECT lin FROM bigpop)'
SELECT md5(svy_by(y, g53 % 7, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text) FROM big;
SELECT md5(svy_by(y, lb, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text) FROM big;
SELECT md5(svy_by(b, la, svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]))::text) FROM big;
SELECT svy_quantile(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'), 0.5)::text FROM big;
SELECT svy_quantiles(y, svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]), '{0.1,0.25,0.9}')::text FROM big;
SET work_mem = '64MB';
SELECT svy_glm(y, ARRAY[1, x, x2], svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT svy_glm(b::int::float8, ARRAY[1, x], svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]), 'binomial')::text FROM big;
RESET work_mem;
SELECT md5(svy_tab(g53 % 3, b, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text) FROM big;
SELECT md5(svy_dist(g53 % 5, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text) FROM big;
SELECT svy_ratio(y, x + 1, svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]))::text FROM big;
SELECT svy_mean(y, svy_subset(svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]), g53 % 2 = 0))::text FROM big;
SELECT md5(svy_by(y, g53 % 7, svy_calibrate(svy_design(w, st, ps, 1000, id % 3, 10), :L, ARRAY[la, lb], ARRAY[x]))::text) FROM big;
