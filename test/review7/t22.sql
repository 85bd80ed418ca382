\i setup2.sql
\set R '(SELECT rake FROM bigpop)'
\set L '(SELECT lin FROM bigpop)'
\set L2 '(SELECT lin2 FROM bigpop)'
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT svy_total(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text) FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]))::text FROM big;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]))::text) FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :L2, ARRAY[la, lb], ARRAY[x, x2], method => 'raking', bounds => '{0.3,3}'))::text FROM big;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), :L2, ARRAY[la, lb], ARRAY[x, x2], method => 'raking', bounds => '{0.3,3}'))::text) FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'logit', bounds => '{0.3,3}'))::text FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w, NULL::text, ps), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, fpc => 5000), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, psu2 => id % 3), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, id), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, id % 7), :R, ARRAY[la, lb], method => 'rake'))::text FROM big;
-- rows ordered so that each PSU's rows come together / interleaved / reversed
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake') ORDER BY ps, id)::text FROM big;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake') ORDER BY lb, la, id)::text) FROM big;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake') ORDER BY (id * 7919) % 20000)::text) FROM big;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]) ORDER BY (id * 7919) % 20000)::text) FROM big;
-- domains and subsets
SELECT svy_mean(y, svy_subset(svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'), id % 3 = 0))::text FROM big;
SELECT md5(string_agg(s, '|' ORDER BY g53)) FROM (SELECT g53, svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text s FROM big GROUP BY g53) z;
SELECT md5(string_agg(s, '|' ORDER BY g53)) FROM (SELECT g53, svy_accum(y, svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]))::text s FROM big GROUP BY g53) z;
SET work_mem = '64kB'; SET enable_sort = off;
SELECT md5(string_agg(s, '|' ORDER BY g53, ps)) FROM (SELECT g53, ps % 50 ps, svy_accum(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text s FROM big GROUP BY g53, ps % 50) z;
RESET work_mem; RESET enable_sort;
-- the cells of a prop by group
SELECT md5(string_agg(s, '|' ORDER BY g)) FROM (SELECT g53 % 2 AS g, svy_prop(b, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))::text s FROM big GROUP BY g53 % 2) z;
-- merged states (stored, svy_merge / combine)
CREATE TEMP TABLE parts AS SELECT g53 % 4 AS part, svy_accum(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake')) a FROM big GROUP BY g53 % 4;
SELECT md5(svy_merge(a ORDER BY part)::text) FROM parts;
SELECT md5(svy_merge(a ORDER BY part DESC)::text) FROM parts;
