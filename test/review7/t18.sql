\i setup.sql
SELECT s.st, md5((SELECT svy_accum(y, svy_calibrate(svy_design(w, s.st || ck.role, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck)) FROM (SELECT DISTINCT st FROM ck) s ORDER BY 1;
SET survey.lonely_psu = 'fail';
SELECT s.st, (SELECT svy_mean(y, svy_calibrate(svy_design(w, s.st || ck.role, CASE WHEN ck.role = 'manager' AND s.st = 'K' THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck) FROM (SELECT DISTINCT st FROM ck WHERE length(st) < 30) s ORDER BY 1;
SELECT s.st, (SELECT svy_mean(y, svy_calibrate(svy_design(w, s.st, CASE WHEN ck.role = 'manager' AND ck.st = s.st THEN 'one' ELSE ps END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck) FROM (SELECT DISTINCT st FROM ck WHERE length(st) < 30) s ORDER BY 1;
