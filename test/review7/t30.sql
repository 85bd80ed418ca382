\i ../review6/setup.sql
-- views, SQL functions (inlined or not), PL/pgSQL functions building the value, set-returning functions
CREATE TEMP VIEW cv AS SELECT id, y, b, g, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') AS d FROM ck;
SELECT svy_mean(y, d)::text FROM cv;
SELECT g, svy_mean(y, d)::text FROM cv GROUP BY g ORDER BY g;
SELECT svy_mean(y, d)::text FROM cv WHERE id % 3 <> 0;
SELECT svy_mean(y, svy_subset(d, id % 2 = 0))::text FROM cv;
CREATE FUNCTION pg_temp.cal(w float8, s text, p text, c text, r text) RETURNS svy_design
  RETURN svy_calibrate(svy_design(w, s, p), (SELECT rake FROM ckpop), ARRAY[c, r], method => 'rake');
CREATE FUNCTION pg_temp.cal2(w float8, s text, p text, c text, r text, pop svy_population) RETURNS svy_design
  IMMUTABLE RETURN svy_calibrate(svy_design(w, s, p), pop, ARRAY[c, r], method => 'rake');
CREATE FUNCTION pg_temp.cal3(w float8, s text, p text, c text, r text, pop svy_population) RETURNS svy_design
  LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN svy_calibrate(svy_design(w, s, p), pop, ARRAY[c, r], method => 'rake'); END $$;
SELECT svy_mean(y, pg_temp.cal(w, st, ps, country, role))::text FROM ck;
SELECT svy_mean(y, pg_temp.cal2(w, st, ps, country, role, (SELECT rake FROM ckpop)))::text FROM ck;
SELECT svy_mean(y, pg_temp.cal3(w, st, ps, country, role, (SELECT rake FROM ckpop)))::text FROM ck;
SELECT svy_mean(y, pg_temp.cal3(w, st, ps, CASE WHEN id = 1999 THEN 'XX' ELSE country END, role, (SELECT rake FROM ckpop)))::text FROM ck;
SELECT svy_mean(y, pg_temp.cal2(w, st, ps, country, role, CASE WHEN id = 1999 THEN (SELECT rake2 FROM ckpop) ELSE (SELECT rake FROM ckpop) END))::text FROM ck;
-- an SRF in the target list beside the aggregate's input
SELECT svy_mean(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') d, generate_series(1, 2) FROM ck) z;
SELECT svy_mean(y * k, svy_calibrate(svy_design(w, st || k, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text FROM ck, generate_series(1, 2) k;
-- a MATERIALIZED CTE of calibrated values, and a UNION of two call sites into one aggregate
WITH c AS MATERIALIZED (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') d FROM ck)
SELECT svy_mean(y, d)::text FROM c;
SELECT svy_mean(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') d FROM ck WHERE id % 2 = 0
                                  UNION ALL SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') FROM ck WHERE id % 2 = 1) u;
SELECT svy_mean(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') d FROM ck WHERE id % 2 = 0
                                  UNION ALL SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT rake2 FROM ckpop), ARRAY[country, role], method => 'rake') FROM ck WHERE id % 2 = 1) u;
