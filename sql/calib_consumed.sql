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
