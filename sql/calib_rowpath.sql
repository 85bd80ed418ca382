-- The row path of calibrated designs (issue 10, performance): svy_calibrate's
-- level index and the accumulator's row caches must not change a result.
SET extra_float_digits = 0;

-- 1. Level lookup: every level of a 300-level variable (names of many
--    lengths, shared prefixes and suffixes, an 8-byte boundary, non-ASCII)
--    maps to its own position in the population (the cell code of a single
--    categorical variable is the level's index).
CREATE TEMP TABLE lv AS
SELECT i, CASE i % 5 WHEN 0 THEN 'lvl' || i WHEN 1 THEN repeat('x', i % 23) || i
                     WHEN 2 THEN i || '-suffix' WHEN 3 THEN 'é' || i || 'ü'
                     ELSE lpad(i::text, 8, '0') END AS level
FROM generate_series(1, 300) i;
SELECT count(DISTINCT level) AS distinct_levels FROM lv;
CREATE TEMP TABLE lvpop AS
SELECT svy_population('v', level, 10 ORDER BY i) AS pop FROM lv;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE substring(svy_calibrate(svy_design(1.0), (SELECT pop FROM lvpop),
                                                       ARRAY[level], method => 'poststratify')::text
                                          FROM 'cell=(\d+) ')::int = i - 1) AS at_their_index
FROM lv;
-- a name that differs from a level only after its first bytes, or only in length
SELECT svy_calibrate(svy_design(1.0), (SELECT pop FROM lvpop), ARRAY['lvl1000'], method => 'poststratify');
SELECT svy_calibrate(svy_design(1.0), (SELECT pop FROM lvpop), ARRAY['0000000'], method => 'poststratify');
-- levels of every length up to 40 bytes that differ in one byte only, at any
-- position (the index compares a level's bytes as words: up to 24 bytes as
-- three words, longer ones byte by byte too): each at its own index, and a
-- name one byte off a level, at any position, is not in the population
CREATE TEMP TABLE lw AS
SELECT row_number() OVER (ORDER BY len, pos) AS i, len, pos,
       CASE WHEN pos < 0 THEN repeat('a', len) ELSE overlay(repeat('a', len) PLACING 'b' FROM pos + 1) END AS level,
       CASE WHEN pos < 0 THEN repeat('a', len - 1) || 'c' ELSE overlay(repeat('a', len) PLACING 'c' FROM pos + 1) END AS other
FROM generate_series(1, 40) len, generate_series(-1, 39) pos WHERE pos < len;
CREATE TEMP TABLE lwpop AS SELECT svy_population('v', level, 10 ORDER BY i) AS pop FROM lw;
SELECT count(*) AS levels, count(DISTINCT level) AS distinct_levels,
       count(*) FILTER (WHERE substring(svy_calibrate(svy_design(1.0), (SELECT pop FROM lwpop),
                                                       ARRAY[level], method => 'poststratify')::text
                                          FROM 'cell=(\d+) ')::int = i - 1) AS at_their_index
FROM lw;
DO $$
DECLARE
    r record;
    missing int := 0;
BEGIN
    FOR r IN SELECT other FROM lw LOOP
        BEGIN
            PERFORM svy_calibrate(svy_design(1.0), (SELECT pop FROM lwpop), ARRAY[r.other], method => 'poststratify');
        EXCEPTION WHEN invalid_parameter_value THEN
            missing := missing + (strpos(SQLERRM, '"' || r.other || '"') > 0)::int;
        END;
    END LOOP;
    RAISE NOTICE 'one byte off a level: % of % not in the population, named', missing, (SELECT count(*) FROM lw);
END $$;
-- the empty level (its words are those of an empty slot), repeated and
-- alternating rows (the slot found last is tried first), and absent
CREATE TEMP TABLE lepop AS
SELECT svy_population('v', l, 10) FILTER (WHERE l <> 'b') AS with_empty,
       svy_population('v', l, 10) FILTER (WHERE l <> '') AS without_empty
FROM unnest(ARRAY['', 'a', 'b']) AS l;
SELECT string_agg(substring(svy_calibrate(svy_design(1.0), (SELECT with_empty FROM lepop), ARRAY[l],
                                          method => 'poststratify')::text FROM 'cell=(\d+) '), ',' ORDER BY o) AS cells
FROM unnest(ARRAY['', 'a', '', '', 'a', 'a', '']) WITH ORDINALITY AS u(l, o);
SELECT count(svy_calibrate(svy_design(1.0), (SELECT with_empty FROM lepop), ARRAY[l], method => 'poststratify'))
FROM unnest(ARRAY['a', '', 'b']) AS l;
SELECT count(svy_calibrate(svy_design(1.0), (SELECT without_empty FROM lepop), ARRAY[l], method => 'poststratify'))
FROM unnest(ARRAY['a', 'b', 'a', '']) AS l;

-- 2. The (PSU, cell) caches: PSU order correlated with the cells (every
--    512th PSU in the same cell: the pattern that defeats a plain masked
--    slot), and the same rows in reverse order, give the same numbers.
CREATE TEMP TABLE cr AS
SELECT i, (i % 8)::text AS country, ((i / 1600) % 4)::text AS role, i % 32 AS s, (i / 32) % 50 AS p,
       0.5 + ((i * 7919) % 1000) / 400.0 AS w, ((i * 104729) % 7) < 3 AS y,
       ((i * 31) % 101) / 10.0 AS x
FROM generate_series(0, 19199) i;
CREATE TEMP TABLE crpop AS
SELECT svy_population(v, l, t) AS pop, svy_population(v, l, t) FILTER (WHERE v <> 'x') AS rakepop
FROM (SELECT 'country' AS v, c::text AS l, 2600.0 + 100 * c AS t FROM generate_series(0, 7) c
      UNION ALL SELECT 'role', r::text, 4400.0 + 1000 * r FROM generate_series(0, 3) r
      UNION ALL SELECT 'x', NULL, 160000.0) m;
WITH a AS (
    SELECT svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT rakepop FROM crpop),
                                     ARRAY[country, role], method => 'rake') ORDER BY i) AS fwd,
           svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT rakepop FROM crpop),
                                     ARRAY[country, role], method => 'rake') ORDER BY i DESC) AS rev,
           svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT pop FROM crpop),
                                     ARRAY[country, role], ARRAY[x]) ORDER BY i) AS lfwd,
           svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT pop FROM crpop),
                                     ARRAY[country, role], ARRAY[x]) ORDER BY i DESC) AS lrev
    FROM cr)
SELECT round((fwd).estimate::numeric, 10) AS rake_p, round((fwd).std_error::numeric, 10) AS rake_se,
       abs((fwd).estimate - (rev).estimate) < 1e-12 * abs((fwd).estimate)
       AND abs((fwd).std_error - (rev).std_error) < 1e-9 * (fwd).std_error AS rake_same,
       round((lfwd).estimate::numeric, 10) AS linear_p, round((lfwd).std_error::numeric, 10) AS linear_se,
       abs((lfwd).estimate - (lrev).estimate) < 1e-12 * abs((lfwd).estimate)
       AND abs((lfwd).std_error - (lrev).std_error) < 1e-9 * (lfwd).std_error AS linear_same
FROM a;
-- the same without PSUs (rows cached by stratum)
WITH a AS (
    SELECT svy_prop(y, svy_calibrate(svy_design(w, strata => s), (SELECT rakepop FROM crpop),
                                     ARRAY[country, role], method => 'rake') ORDER BY i) AS fwd,
           svy_prop(y, svy_calibrate(svy_design(w, strata => s), (SELECT rakepop FROM crpop),
                                     ARRAY[country, role], method => 'rake') ORDER BY i DESC) AS rev
    FROM cr)
SELECT round((fwd).std_error::numeric, 10) AS rake_se_no_psu,
       abs((fwd).std_error - (rev).std_error) < 1e-9 * (fwd).std_error AS same
FROM a;

-- 3. Parallel partial aggregation: states with 32 cells are merged and
--    deserialized (the cell arrays grow while cells arrive); parallel =
--    serial.
CREATE TABLE calib_rowpath_t AS SELECT * FROM cr;
CREATE TABLE calib_rowpath_pop AS SELECT * FROM crpop;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT pop FROM calib_rowpath_pop),
                                 ARRAY[country, role], ARRAY[x])) FROM calib_rowpath_t;
CREATE TEMP TABLE par AS
SELECT svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT pop FROM calib_rowpath_pop),
                                 ARRAY[country, role], ARRAY[x])) AS lin,
       svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT rakepop FROM calib_rowpath_pop),
                                 ARRAY[country, role], method => 'rake')) AS rake
FROM calib_rowpath_t;
SET max_parallel_workers_per_gather = 0;
SELECT abs((p.lin).estimate - (s.lin).estimate) < 1e-12 AND abs((p.lin).std_error - (s.lin).std_error) < 1e-12 AS linear_same,
       abs((p.rake).estimate - (s.rake).estimate) < 1e-12 AND abs((p.rake).std_error - (s.rake).std_error) < 1e-12 AS rake_same
FROM par p,
     (SELECT svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT pop FROM calib_rowpath_pop),
                                       ARRAY[country, role], ARRAY[x])) AS lin,
             svy_prop(y, svy_calibrate(svy_design(w, strata => s, psu => p), (SELECT rakepop FROM calib_rowpath_pop),
                                       ARRAY[country, role], method => 'rake')) AS rake
      FROM calib_rowpath_t) s;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE calib_rowpath_t, calib_rowpath_pop;
