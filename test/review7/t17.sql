\i setup.sql
CREATE TEMP TABLE ckx AS SELECT *, (SELECT string_agg(md5(st || k::text), '' ) FROM generate_series(1, 120) k) AS lst,
   'PSU ' || (SELECT string_agg(md5(ps || k::text), '') FROM generate_series(1, 100) k) AS lps FROM ck;
SELECT pg_column_size(lst), octet_length(lst) FROM ckx LIMIT 1;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, lst, lps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text) FROM ckx;
SELECT md5(svy_by(y, lst, svy_calibrate(svy_design(w, lst, lps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text) FROM ckx;
SET survey.lonely_psu = 'fail';
SELECT svy_mean(y, svy_calibrate(svy_design(w, lst, CASE WHEN st = 'K' THEN 'one' ELSE lps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ckx;
SELECT svy_mean(y, svy_design(w, lst, CASE WHEN st = 'E000000001' THEN 'one' ELSE lps END)) FROM ckx;
RESET survey.lonely_psu;
