\i setup.sql
CREATE TABLE r6t AS SELECT * FROM ck;
CREATE TABLE r6pop AS SELECT * FROM ckpop;
ANALYZE r6t;
\i ../../sql/include/parallel_on.sql
SELECT g, svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake'))::text FROM r6t GROUP BY g ORDER BY g;
SELECT g, svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake'))::text FROM r6t GROUP BY g ORDER BY g;
SELECT g, svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake'))::text FROM r6t GROUP BY g ORDER BY g;
SELECT g, svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM r6pop), ARRAY[country, role], method => 'rake'))::text FROM r6t GROUP BY g ORDER BY g;
DROP TABLE r6t, r6pop;
