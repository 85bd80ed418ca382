-- svy_calibrate(svy_design(...), ...) written as a survey aggregate's
-- argument (issue 10, performance): both calls build their values in one
-- buffer each, the base design without its stratum label (printed from the
-- row's stratum when the aggregate meets a new stratum), the accumulator
-- reads the base in place and compares the population bytes only when the
-- buffer's are new.  Every query shape below must give what the same rows
-- give from calibrated values stored in a table (a new value per row, every
-- label inside), and every message must name its stratum or level.
SET extra_float_digits = 0;
CREATE TEMP TABLE ck AS
SELECT i AS id, 0.5 + (i * 7919 % 13) / 4.0 AS w, ((i * 37) % 101)::float8 AS y, (i * 31) % 7 < 3 AS b,
       1 + (i / 3) % 4 AS g,
       (ARRAY['Metropolitan Police North', 'Metropolitan Police South', 'E000000001', 'Zürich Ōsaka', 'Kent',
              'Zürich Ōsaka 東京 straße: a name longer than sixty-four bytes in UTF-8 A'])[1 + i % 6] AS st,
       'p' || (i / 6) % 5 AS ps,
       (ARRAY['investigator', 'first responder', 'forensic examiner', 'manager'])[1 + (i / 7) % 4] AS role,
       (ARRAY['AT', 'BE', 'CZ'])[1 + (i / 11) % 3] AS country,
       ((i * 13) % 17)::float8 AS x
FROM generate_series(0, 1199) AS i;
CREATE TEMP TABLE ckpop AS
SELECT svy_population(v, l, t) FILTER (WHERE v <> 'x') AS rake, svy_population(v, l, t) AS lin,
       svy_population(v, l, t * 1.5) FILTER (WHERE v <> 'x') AS rake2
FROM (SELECT 'country' AS v, c AS l, 420.0 + 20 * i AS t
      FROM unnest(ARRAY['AT', 'BE', 'CZ']) WITH ORDINALITY AS u(c, i)
      UNION ALL
      SELECT 'role', r, (ARRAY[330.0, 340.0, 350.0, 360.0])[i]
      FROM unnest(ARRAY['investigator', 'first responder', 'forensic examiner', 'manager']) WITH ORDINALITY AS u(r, i)
      UNION ALL
      SELECT 'x', NULL, 11000.0) m;
-- the stored values: raked on (stratum, PSU); linear on strata by role without PSUs; a two-stage base
CREATE TEMP TABLE ckd AS
SELECT id, w, y, b, g, st, ps, role, country, x,
       svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') AS dr,
       svy_calibrate(svy_design(w, role), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]) AS dl,
       svy_calibrate(svy_design(w, st, ps, 1000, id, 50), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]) AS d2
FROM ck;
SELECT count(DISTINCT st) AS strata, count(DISTINCT (st, ps)) AS psus, count(DISTINCT dr::text) AS distinct_stored
FROM ckd;

-- 1. Two calibrated aggregates with different designs in one query, the
--    same design in two aggregates (shared and separate transitions), a
--    two-stage base; each as from the stored values (the state's text has
--    every stratum's label)
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                  method => 'rake'))::text = (SELECT svy_accum(y, dr)::text FROM ckd) AS raked_same,
       svy_accum(y, svy_calibrate(svy_design(w, role), (SELECT lin FROM ckpop), ARRAY[country, role],
                                  ARRAY[x]))::text = (SELECT svy_accum(y, dl)::text FROM ckd) AS linear_same,
       svy_accum(y, svy_calibrate(svy_design(w, st, ps, 1000, id, 50), (SELECT lin FROM ckpop), ARRAY[country, role],
                                  ARRAY[x]))::text = (SELECT svy_accum(y, d2)::text FROM ckd) AS two_stage_same,
       svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                 method => 'rake'))::text = (SELECT svy_mean(y, dr)::text FROM ckd) AS mean_same,
       svy_total(y, svy_calibrate(svy_design(w, role), (SELECT lin FROM ckpop), ARRAY[country, role],
                                  ARRAY[x]))::text = (SELECT svy_total(y, dl)::text FROM ckd) AS total_same
FROM ck;
-- the array form (a text[] column: svy_calibrate itself, not its planned form), a replicate base
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), levs,
                                  method => 'rake'))::text = (SELECT svy_accum(y, dr)::text FROM ckd) AS array_form_same,
       svy_mean(y, svy_calibrate(svy_repdesign(w, ARRAY[w, w * 1.1, w * 0.9], 'bootstrap'), (SELECT lin FROM ckpop),
                                 ARRAY[country, role], ARRAY[x]))::text =
       (SELECT svy_mean(y, d)::text
        FROM (SELECT y, svy_calibrate(svy_repdesign(w, ARRAY[w, w * 1.1, w * 0.9], 'bootstrap'), (SELECT lin FROM ckpop),
                                      ARRAY[country, role], ARRAY[x]) AS d FROM ck ORDER BY id OFFSET 0) s) AS replicate_same
FROM (SELECT *, ARRAY[country, role] AS levs FROM ck) c;

-- 2. ORDER BY inside the aggregate (sorted copies of the values, labels
--    kept; DISTINCT needs an equality of svy_design, which has none), groups,
--    grouping sets (one evaluation per phase)
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                  method => 'rake') ORDER BY id DESC)::text =
       (SELECT svy_accum(y, dr ORDER BY id DESC)::text FROM ckd) AS order_by_same,
       svy_accum(y, svy_calibrate(svy_design(w, role), (SELECT lin FROM ckpop), ARRAY[country, role],
                                  ARRAY[x]) ORDER BY role, id)::text =
       (SELECT svy_accum(y, dl ORDER BY role, id)::text FROM ckd) AS order_by_other_same
FROM ck;
SELECT svy_accum(DISTINCT y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                           method => 'rake')) FROM ck;
SELECT a.g, a.s = s.s AS same_state
FROM (SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                           method => 'rake'))::text AS s FROM ck GROUP BY ROLLUP (g)) a
JOIN (SELECT g, svy_accum(y, dr)::text AS s FROM ckd GROUP BY ROLLUP (g)) s ON a.g IS NOT DISTINCT FROM s.g
ORDER BY a.g;
SELECT count(*) AS sets, count(*) FILTER (WHERE a.s = s.s) AS same
FROM (SELECT g, b, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                              method => 'rake'))::text AS s FROM ck GROUP BY CUBE (g, b)) a
JOIN (SELECT g, b, svy_accum(y, dr)::text AS s FROM ckd GROUP BY CUBE (g, b)) s
  ON a.g IS NOT DISTINCT FROM s.g AND a.b IS NOT DISTINCT FROM s.b;

-- 3. svy_by, svy_tab, svy_quantile and svy_glm on the inline calibrated
--    design, as on the stored values
SELECT svy_by(y, g, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                  method => 'rake'))::text = (SELECT svy_by(y, g, dr)::text FROM ckd) AS by_same,
       svy_tab(country, b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                         method => 'rake'))::text = (SELECT svy_tab(country, b, dr)::text FROM ckd) AS tab_same,
       svy_quantile(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                     method => 'rake'), 0.5)::text =
       (SELECT svy_quantile(y, dr, 0.5)::text FROM ckd) AS quantile_same,
       svy_glm(y, ARRAY[1, x], svy_calibrate(svy_design(w, role), (SELECT lin FROM ckpop), ARRAY[country, role],
                                             ARRAY[x]))::text = (SELECT svy_glm(y, ARRAY[1, x], dl)::text FROM ckd) AS glm_same
FROM ck;

-- 4. Messages name their stratum: a lonely PSU in a stratum met after the
--    first row (plain, per group, sorted, svy_by, svy_quantile, svy_glm,
--    the long name clipped), an fpc that changes within a stratum
SET survey.lonely_psu = 'fail';
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st = 'Zürich Ōsaka' THEN 'one' ELSE ps END),
                                 (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
SELECT g, svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st = 'E000000001' THEN 'one' ELSE ps END),
                                    (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))
FROM ck GROUP BY g ORDER BY g;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st = 'Kent' THEN 'one' ELSE ps END),
                                 (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') ORDER BY id DESC)
FROM ck;
SELECT svy_by(y, g, svy_calibrate(svy_design(w, st, CASE WHEN st = 'Metropolitan Police South' THEN 'one' ELSE ps END),
                                  (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x])) FROM ck;
SELECT svy_quantile(y, svy_calibrate(svy_design(w, st, CASE WHEN st = 'Kent' THEN 'one' ELSE ps END),
                                     (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]), 0.5) FROM ck;
SELECT svy_glm(y, ARRAY[1, x], svy_calibrate(svy_design(w, st, CASE WHEN st LIKE 'Zürich Ōsaka 東京%' THEN 'one' ELSE ps END),
                                             (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x])) FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, CASE WHEN id = 1003 THEN 99 ELSE 1000 END),
                                 (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM ck;
-- two calibrated aggregates with different strata: each names its own
SELECT svy_mean(y, svy_calibrate(svy_design(w, role, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                 method => 'rake')) IS NOT NULL AS first,
       svy_mean(y, svy_calibrate(svy_design(w, st, CASE WHEN st = 'Kent' THEN 'one' ELSE ps END),
                                 (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) IS NOT NULL AS second
FROM ck;
SELECT svy_mean(y, svy_calibrate(svy_design(w, role, CASE WHEN role = 'forensic examiner' THEN 'one' ELSE ps END),
                                 (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) IS NOT NULL AS first,
       svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                 method => 'rake')) IS NOT NULL AS second
FROM ck;
RESET survey.lonely_psu;
-- a level missing from the population, after the first row: named
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop),
                                 ARRAY[country, CASE WHEN id = 700 THEN 'chief constable' ELSE role END],
                                 method => 'rake')) FROM ck;

-- 5. The population from a joined table: equal populations in other datums
--    give the same state; one that changes from row to row is refused
--    (a lateral subquery keeps the rows in id order)
CREATE TEMP TABLE ckgpop AS
SELECT g, (SELECT rake FROM ckpop) AS same_pop,
       CASE WHEN g = 3 THEN (SELECT rake2 FROM ckpop) ELSE (SELECT rake FROM ckpop) END AS other_pop
FROM generate_series(1, 4) AS g;
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.same_pop, ARRAY[country, role], method => 'rake'))::text =
       (SELECT svy_accum(y, dr)::text FROM ckd) AS joined_same
FROM (SELECT * FROM ck ORDER BY id OFFSET 0) c,
     LATERAL (SELECT same_pop FROM ckgpop p WHERE p.g = c.g OFFSET 0) p;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), p.other_pop, ARRAY[country, role], method => 'rake'))
FROM (SELECT * FROM ck ORDER BY id OFFSET 0) c,
     LATERAL (SELECT other_pop FROM ckgpop p WHERE p.g = c.g OFFSET 0) p;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), p.other_pop, ARRAY[country, role], method => 'rake'))
FROM ck c JOIN ckgpop p USING (g);
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), CASE WHEN id < 600 THEN (SELECT rake FROM ckpop)
                                                             ELSE (SELECT lin FROM ckpop) END,
                                 ARRAY[country, role], CASE WHEN id < 600 THEN NULL ELSE ARRAY[x] END))
FROM ck;
-- options that are not constants, changing after many rows in the buffer
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                 method => 'rake', epsilon => CASE WHEN id = 900 THEN 1e-8 ELSE 1e-7 END))
FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                 method => CASE WHEN id = 900 THEN 'raking' ELSE 'rake' END))
FROM ck;

-- 6. Parallel partial aggregation (workers build their own buffers; merged
--    states): parallel = serial, and the lonely-PSU message names its stratum
CREATE TABLE calib_consumed_t AS SELECT * FROM ck;
CREATE TABLE calib_consumed_pop AS SELECT * FROM ckpop;
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has($$SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM calib_consumed_pop),
                                                   ARRAY[country, role], method => 'rake')) FROM calib_consumed_t$$,
                'Partial Aggregate') AS partial;
CREATE TEMP TABLE ckpar AS
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM calib_consumed_pop), ARRAY[country, role],
                                 method => 'rake')) AS rake,
       svy_mean(y, svy_calibrate(svy_design(w, role), (SELECT lin FROM calib_consumed_pop), ARRAY[country, role],
                                 ARRAY[x])) AS lin
FROM calib_consumed_t;
SET survey.lonely_psu = 'fail';
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, CASE WHEN st = 'Zürich Ōsaka' THEN 'one' ELSE ps END),
                                 (SELECT rake FROM calib_consumed_pop), ARRAY[country, role], method => 'rake'))
FROM calib_consumed_t;
RESET survey.lonely_psu;
\i sql/include/parallel_off.sql
SELECT abs((p.rake).estimate - (s.rake).estimate) < 1e-12 AND abs((p.rake).std_error - (s.rake).std_error) < 1e-12
       AS rake_same,
       abs((p.lin).estimate - (s.lin).estimate) < 1e-9 AND abs((p.lin).std_error - (s.lin).std_error) < 1e-9
       AS linear_same
FROM ckpar p,
     (SELECT svy_prop(b, dr) AS rake, svy_mean(y, dl) AS lin FROM ckd) s;
DROP TABLE calib_consumed_t, calib_consumed_pop;
DROP FUNCTION plan_has(text, text);

-- 7. More executor shapes (review6), each against the stored values: hash
--    aggregation spilling to disk (groups re-read from their batches), a
--    cursor read in parts with another calibrated query in between, the same
--    statement run again with another population (PL/pgSQL, a generic plan's
--    parameter), a window aggregate and a correlated subquery (rescans)
CREATE TEMP TABLE ckd2 AS
SELECT id, y, g, id % 97 AS g97,
       svy_calibrate(svy_design(w, st, ps), (SELECT rake2 FROM ckpop), ARRAY[country, role], method => 'rake') AS dr2
FROM ck;
CREATE FUNCTION ck_spills(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    IF l ~ 'Batches: ([2-9]|\d\d)' THEN RETURN true; END IF;
  END LOOP;
  RETURN false;
END $$;
SET work_mem = '64kB';
SET enable_sort = off;
SELECT ck_spills($$SELECT id % 97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop),
                   ARRAY[country, role], method => 'rake')) FROM ck GROUP BY id % 97$$) AS spills;
CREATE TEMP TABLE ckspill AS
SELECT id % 97 AS g97, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                                  method => 'rake'))::text AS s
FROM ck GROUP BY id % 97;
-- the stored values' states in the same plans (rows in the same order in each group)
CREATE TEMP TABLE ckspill_stored AS SELECT id % 97 AS g97, svy_accum(y, dr)::text AS s FROM ckd GROUP BY id % 97;
RESET enable_sort;
RESET work_mem;
SELECT count(*) AS groups, count(*) FILTER (WHERE a.s = s.s) AS same
FROM ckspill a JOIN ckspill_stored s USING (g97);
BEGIN;
DECLARE ckcur CURSOR FOR
SELECT a.g, a.s = (SELECT svy_accum(y, dr)::text FROM ckd WHERE ckd.g = a.g) AS same
FROM (SELECT g, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                           method => 'rake'))::text AS s
      FROM ck GROUP BY g) a
ORDER BY g;
FETCH 2 FROM ckcur;
SELECT svy_accum(y, svy_calibrate(svy_design(w, role, ps), (SELECT rake2 FROM ckpop), ARRAY[country, role],
                                  method => 'rake'))::text = (SELECT svy_accum(y, svy_calibrate(svy_design(w, role, ps),
                                  (SELECT rake2 FROM ckpop), ARRAY[country, role], method => 'rake'))::text
                                  FROM (SELECT * FROM ck ORDER BY id OFFSET 0) c) AS between_same
FROM ck;
FETCH ALL FROM ckcur;
COMMIT;
DO $$
DECLARE
  s text;
  same boolean;
BEGIN
  FOR i IN 1..4 LOOP
    SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), CASE WHEN i % 2 = 1 THEN p.rake ELSE p.rake2 END,
                                      ARRAY[country, role], method => 'rake'))::text INTO s
    FROM ck, ckpop p WHERE ck.id % 3 <> i % 3;
    IF i % 2 = 1 THEN
      SELECT s = svy_accum(y, dr)::text INTO same FROM ckd WHERE id % 3 <> i % 3;
    ELSE
      SELECT s = svy_accum(y, dr2)::text INTO same FROM ckd2 WHERE id % 3 <> i % 3;
    END IF;
    RAISE NOTICE 'run %: %', i, same;
  END LOOP;
END $$;
SELECT rake AS ck_rake, rake2 AS ck_rake2 FROM ckpop \gset
SET plan_cache_mode = force_generic_plan;
PREPARE ckq(svy_population, int) AS
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), $1, ARRAY[country, role], method => 'rake'))::text FROM ck
WHERE g <> $2;
EXECUTE ckq(:'ck_rake', 1) \gset ckexec_
SELECT :'ckexec_svy_accum' = svy_accum(y, dr)::text AS run1_same FROM ckd WHERE g <> 1;
EXECUTE ckq(:'ck_rake2', 2) \gset ckexec_
SELECT :'ckexec_svy_accum' = svy_accum(y, dr2)::text AS run2_same FROM ckd2 WHERE g <> 2;
EXECUTE ckq(:'ck_rake', 2) \gset ckexec_
SELECT :'ckexec_svy_accum' = svy_accum(y, dr)::text AS run3_same FROM ckd WHERE g <> 2;
EXECUTE ckq(NULL, 2);
DEALLOCATE ckq;
RESET plan_cache_mode;
SELECT count(*) AS rows, count(*) FILTER (WHERE a.s = s.s) AS same
FROM (SELECT id, svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                            method => 'rake')) OVER (PARTITION BY g ORDER BY id)::text AS s FROM ck) a
JOIN (SELECT id, svy_accum(y, dr) OVER (PARTITION BY g ORDER BY id)::text AS s FROM ckd) s USING (id)
WHERE a.id % 50 = 0;
SELECT gg, (SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop), ARRAY[country, role],
                                              method => 'rake'))::text FROM ck WHERE ck.g = gg) =
           (SELECT svy_accum(y, dr)::text FROM ckd WHERE ckd.g = gg) AS same
FROM generate_series(1, 4) AS gg;
DROP FUNCTION ck_spills(text);
DROP TABLE ckd2, ckspill, ckspill_stored;

-- 8. A ready call site (svy_calibrate_elems's row path once the buffer
--    holds the call's constants and population): rows that are not of its
--    shape after many that are (a stored base with its label, an
--    uncalibrated base of another size, a subset, a calibrated one), and
--    each error of a row's own values, as the first row gives them
CREATE TEMP TABLE ckb AS
SELECT id, svy_design(w, st, ps) AS db,
       svy_calibrate(svy_design(w, psu => ps), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') AS dc
FROM ck;
SELECT svy_accum(y, svy_calibrate(CASE WHEN id % 3 = 0 THEN db ELSE svy_design(w, st, ps) END,
                                  (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text =
       (SELECT svy_accum(y, dr)::text FROM ckd) AS mixed_bases_same
FROM ck JOIN ckb USING (id);
SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role], ARRAY[x]))::text =
       (SELECT svy_accum(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop),
                                                                  ARRAY[country, role], ARRAY[x]) AS d
                                            FROM ck OFFSET 0) s) AS linear_same
FROM ck;
-- (designs without strata have no label: their values are the buffer's size inside a CASE too)
SELECT svy_prop(b, svy_calibrate(svy_subset(svy_design(w, psu => ps), id <> 700), (SELECT rake FROM ckpop),
                                 ARRAY[country, role], method => 'rake')) FROM ck;
SELECT svy_prop(b, svy_calibrate(CASE WHEN id = 700 THEN dc ELSE svy_design(w, psu => ps) END, (SELECT rake FROM ckpop),
                                 ARRAY[country, role], method => 'rake')) FROM ck JOIN ckb USING (id);
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop),
                                 ARRAY[country, CASE WHEN id = 700 THEN NULL ELSE role END], method => 'rake')) FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM ckpop),
                                 ARRAY[CASE WHEN id = 700 THEN 'AU' ELSE country END, role], method => 'rake')) FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role],
                                 ARRAY[CASE WHEN id = 700 THEN 'NaN' ELSE x END])) FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM ckpop), ARRAY[country, role],
                                 ARRAY[CASE WHEN id = 700 THEN NULL ELSE x END])) FROM ck;
SELECT svy_prop(b, svy_calibrate(svy_design(w, st, ps), CASE WHEN id = 700 THEN NULL ELSE (SELECT rake FROM ckpop) END,
                                 ARRAY[country, role], method => 'rake')) FROM ck;
SELECT svy_prop(b, svy_calibrate(CASE WHEN id = 700 THEN NULL ELSE svy_design(w, st, ps) END, (SELECT rake FROM ckpop),
                                 ARRAY[country, role], method => 'rake')) FROM ck;
DROP TABLE ckb;
