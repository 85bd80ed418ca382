\i setup.sql
CREATE TABLE r6t AS SELECT * FROM ck;
CREATE TABLE r6pop AS SELECT * FROM ckpop;
ANALYZE r6t;
\i ../../sql/include/parallel_on.sql
SET parallel_leader_participation = on;
SELECT g, round(((svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake'))).std_error)::numeric, 10) FROM r6t GROUP BY g ORDER BY g;
SELECT round(((svy_total(y, svy_calibrate(svy_design(w, st, ps, 1000, id, 50), (SELECT lin FROM r6pop), ARRAY[country, role], ARRAY[x]))).std_error)::numeric, 6) FROM r6t;
SET survey.lonely_psu = 'fail';
SELECT svy_by(y, g, svy_calibrate(svy_design(w, st, CASE WHEN st LIKE 'long%' THEN 'one' ELSE ps END), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake')) FROM r6t;
SELECT g, svy_mean(y, svy_calibrate(svy_design(w, st, CASE WHEN st = '' THEN 'one' ELSE ps END), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake')) FROM r6t GROUP BY g;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, CASE WHEN id = 1777 THEN 999 ELSE 1000 END), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake')) FROM r6t;
RESET survey.lonely_psu;
\i ../../sql/include/parallel_off.sql
DROP TABLE r6t, r6pop;
