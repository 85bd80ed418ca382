SET extra_float_digits = 0;
-- many distinct text PSUs and strata (identity cache growth and its limit), long and short
CREATE TEMP TABLE mp AS
SELECT i AS id, 1 + i % 5 AS w, (i % 23)::float8 AS y,
       'stratum-' || (i % 40) AS st,
       CASE WHEN i % 3 = 0 THEN 'p' || (i / 2) WHEN i % 3 = 1 THEN 'a much longer PSU name of more than 24 bytes ' || (i / 2) ELSE lpad((i / 2)::text, 20, 'x') END AS ps,
       'L' || (i % 1500) AS lev, 'M' || lpad((i % 7)::text, 30, '0') AS lev2
FROM generate_series(0, 39999) i;
SELECT md5(svy_accum(y, svy_design(w, st, ps))::text), svy_mean(y, svy_design(w, st, ps)) FROM mp;
SELECT md5(svy_accum(y, svy_design(w, ps, st))::text) FROM mp;
-- a population with 1500 levels of one variable, 7 long of another
CREATE TEMP TABLE mpop AS
SELECT svy_population(v, l, t) AS p FROM (
  SELECT 'lev' AS v, 'L' || k AS l, (SELECT count(*) FROM mp WHERE lev = 'L' || k) * 2.5 AS t FROM generate_series(0, 1499) k
  UNION ALL SELECT 'lev2', 'M' || lpad(k::text, 30, '0'), (SELECT count(*) FROM mp WHERE lev2 = 'M' || lpad(k::text, 30, '0')) * 2.5 FROM generate_series(0, 6) k) z;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT p FROM mpop), ARRAY[lev, lev2], method => 'rake'))::text FROM mp;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT p FROM mpop), ARRAY[lev, lev2], method => 'rake'))::text) FROM mp;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT p FROM mpop), ARRAY[CASE WHEN id = 39000 THEN 'L15000' ELSE lev END, lev2], method => 'rake'))::text FROM mp;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT p FROM mpop), ARRAY[lev, CASE WHEN id = 39000 THEN 'M' || lpad('7', 30, '0') ELSE lev2 END], method => 'rake'))::text FROM mp;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT p FROM mpop), ARRAY[lev, CASE WHEN id = 39000 THEN 'N' || lpad('1', 30, '0') ELSE lev2 END], method => 'rake'))::text FROM mp;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT p FROM mpop), ARRAY[lev, CASE WHEN id = 39000 THEN 'M' || lpad('1', 29, '0') || '1' ELSE lev2 END], method => 'rake'))::text FROM mp;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT p FROM mpop), ARRAY[lev, CASE WHEN id = 39000 THEN '' ELSE lev2 END], method => 'rake'))::text FROM mp;
