SET extra_float_digits = 0;
-- long levels: compressed in the table (inline), TOASTed populations, 1-byte headers; mixed at row 1 / row 1999
CREATE TEMP TABLE lv AS
SELECT i AS id, 0.5 + (i * 7919 % 13) / 4.0 AS w, ((i * 37) % 101)::float8 AS y, i % 40 AS ps, 'S' || (i % 4) AS st,
       CASE (i * 7) % 4 WHEN 0 THEN repeat('z', 3000) || '0' WHEN 1 THEN repeat('z', 3000) || '1'
                        WHEN 2 THEN 'short' ELSE '' END AS lev,
       CASE (i * 11) % 3 WHEN 0 THEN 'ü' WHEN 1 THEN repeat('ab', 70) ELSE md5(i::text) END AS lev2
FROM generate_series(0, 1999) i;
UPDATE lv SET lev2 = 'h' || (id % 2) WHERE lev2 NOT IN ('ü', repeat('ab', 70));
CREATE TEMP TABLE lvpop AS
SELECT svy_population(v, l, t) AS p, svy_population(v, l, t) FILTER (WHERE v = 'lev') AS p1
FROM (SELECT 'lev' AS v, l, 500.0 AS t FROM unnest(ARRAY[repeat('z', 3000) || '0', repeat('z', 3000) || '1', 'short', '']) l
      UNION ALL SELECT 'lev2', l, t FROM unnest(ARRAY['ü', repeat('ab', 70), 'h0', 'h1'], ARRAY[700.0, 700, 300, 300]) AS u(l, t)) m;
SELECT pg_column_size(p), pg_column_size(p1) FROM lvpop;
\set P '(SELECT p FROM lvpop)'
\set P1 '(SELECT p1 FROM lvpop)'
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[lev, lev2], method => 'rake'))::text FROM lv;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :P1, ARRAY[lev], method => 'poststratify'))::text FROM lv;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[lev, lev2], method => 'rake'))::text) FROM lv;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[lev, lev2], method => 'rake') ORDER BY lev, id)::text) FROM lv;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[lev, lev2], method => 'rake') ORDER BY lev DESC, id)::text) FROM lv;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[lev, CASE WHEN id = 1999 THEN repeat('ab', 71) ELSE lev2 END], method => 'rake'))::text FROM lv;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[CASE WHEN id = 1999 THEN repeat('z', 3000) || '2' ELSE lev END, lev2], method => 'rake'))::text FROM lv;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[CASE WHEN id = 1999 THEN NULL ELSE lev END, lev2], method => 'rake'))::text FROM lv;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, lev, lev2))::text FROM lv;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, CASE WHEN id = 1999 THEN 'zz' ELSE lev END, lev2))::text FROM lv;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), :P, 'rake', NULL, NULL, NULL, -1, lev, CASE WHEN id = 1999 THEN NULL ELSE lev2 END))::text FROM lv;
-- the population from a join (TOASTed in the table, detoasted per row)
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), p, ARRAY[lev, lev2], method => 'rake'))::text FROM lv, lvpop;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), p, 'rake', NULL, NULL, NULL, -1, lev, lev2))::text FROM lv, lvpop;
-- levels as varchar / char / name columns (cast to text in ARRAY)
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[lev::varchar, lev2::varchar(200)], method => 'rake'))::text FROM lv;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[lev::text, lev2::char(4)::text], method => 'rake'))::text FROM lv;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :P, ARRAY[lev, lev2]::text[], method => 'rake'))::text FROM lv;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :P, string_to_array(lev || ',' || lev2, ','), method => 'rake'))::text FROM lv;
