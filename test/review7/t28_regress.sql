SET client_min_messages = warning;
-- svy_calibrate's per-row fast paths (issue 10, session 7): the ready call
-- site of svy_calibrate_elems (the row writes only its cell and x into the
-- buffer) and the calibrated accumulator's cell and (unit, cell) caches
-- (sized only on a miss).  Each query gives what the slow paths give: values
-- stored in a table, states merged from parts built one PSU at a time, or
-- the errors of the first row.  From the differential review test/review7.
SET extra_float_digits = 0;
-- 1,230 cells (41 x 30 levels, 0 to 40 bytes, UTF-8), 300 PSUs of 20 rows
-- in 10 strata, each PSU's rows spread over many cells
CREATE TEMP TABLE fb AS
SELECT i AS id, 0.5 + (i * 7919 % 13) / 4.0 AS w, ((i * 37) % 101)::float8 AS y, (i * 31) % 7 < 3 AS b,
       'S' || (i % 10) AS st, (i / 10) % 30 AS ps, repeat('l', (i * 17) % 41) AS la,
       CASE WHEN (i * 23) % 30 < 15 THEN 'ü' || ((i * 23) % 30)
            ELSE repeat('Ω', 20 + (i * 23) % 30) || ((i * 23) % 30) END AS lb,
       ((i * 13) % 17)::float8 AS x
FROM generate_series(0, 5999) AS i;
CREATE TEMP TABLE fbpop AS
SELECT svy_population(v, l, t) FILTER (WHERE v <> 'x') AS rake, svy_population(v, l, t) AS lin,
       svy_population(v, l, t * 2) FILTER (WHERE v <> 'x') AS rake2
FROM (SELECT 'a' AS v, repeat('l', n) AS l, 300.0 + (n - 20) AS t FROM generate_series(0, 40) n
      UNION ALL
      SELECT 'b', CASE WHEN n < 15 THEN 'ü' || n ELSE repeat('Ω', 20 + n) || n END, 12300.0 / 30 + (n - 14.5)
      FROM generate_series(0, 29) n
      UNION ALL SELECT 'x', NULL, 8.0 * 12300) m;
SELECT count(DISTINCT (st, ps)) AS psus, count(DISTINCT (la, lb)) AS cells FROM fb;

-- 1. The caches against states merged from parts of 20 rows (one PSU, or
--    rows of one stratum without PSUs: few entries, no set conflicts)
CREATE TEMP TABLE fbparts AS
SELECT st, ps,
       svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake')) AS r,
       svy_accum(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM fbpop), ARRAY[la, lb], ARRAY[x])) AS l,
       svy_accum(y, svy_calibrate(svy_design(w, st, ps, 1000, (id / 300) % 3, 10), (SELECT lin FROM fbpop), ARRAY[la, lb], ARRAY[x])) AS l2,
       svy_accum(y, svy_calibrate(svy_design(w, st), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake')) AS rs,
       svy_accum(y, svy_calibrate(svy_design(w), (SELECT lin FROM fbpop), ARRAY[la, lb], ARRAY[x])) AS l0
FROM fb GROUP BY st, ps;
CREATE TEMP TABLE fbmerged AS
SELECT 'rake' AS k, (svy_mean(svy_merge(r ORDER BY st, ps))).* FROM fbparts
UNION ALL SELECT 'linear', (svy_mean(svy_merge(l ORDER BY ps DESC, st))).* FROM fbparts
UNION ALL SELECT 'two-stage', (svy_total(svy_merge(l2 ORDER BY st, ps))).* FROM fbparts
UNION ALL SELECT 'rake, strata, no PSUs', (svy_mean(svy_merge(rs ORDER BY st, ps))).* FROM fbparts
UNION ALL SELECT 'linear, no strata or PSUs', (svy_mean(svy_merge(l0 ORDER BY st, ps))).* FROM fbparts;
CREATE TEMP TABLE fbdirect AS
SELECT 'rake' AS k, (svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake'))).* FROM fb
UNION ALL SELECT 'linear', (svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT lin FROM fbpop), ARRAY[la, lb], ARRAY[x]))).* FROM fb
UNION ALL SELECT 'two-stage', (svy_total(y, svy_calibrate(svy_design(w, st, ps, 1000, (id / 300) % 3, 10), (SELECT lin FROM fbpop), ARRAY[la, lb], ARRAY[x]))).* FROM fb
UNION ALL SELECT 'rake, strata, no PSUs', (svy_mean(y, svy_calibrate(svy_design(w, st), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake'))).* FROM fb
UNION ALL SELECT 'linear, no strata or PSUs', (svy_mean(y, svy_calibrate(svy_design(w), (SELECT lin FROM fbpop), ARRAY[la, lb], ARRAY[x]))).* FROM fb;
SELECT k, round(d.estimate::numeric, 6) AS estimate, round(d.std_error::numeric, 6) AS std_error, d.df,
       abs(d.estimate - m.estimate) <= 1e-9 * abs(d.estimate) AS same_estimate,
       abs(d.std_error - m.std_error) <= 1e-9 * d.std_error AS same_se, d.df = m.df AS same_df
FROM fbdirect d JOIN fbmerged m USING (k) ORDER BY k;
-- rows of a PSU not together (each row a miss of the last PSU's slot pair)
SELECT abs((svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake')
                      ORDER BY (id * 7919) % 6000)).std_error - (SELECT std_error FROM fbdirect WHERE k = 'rake'))
       <= 1e-9 * (SELECT std_error FROM fbdirect WHERE k = 'rake') AS shuffled_same
FROM fb;

-- 2. Stored values (a new value per row, every label inside) against the
--    buffer; bases whose stratum label fits the header's padding (0 to 4
--    bytes: the ready shape's size) mixed with longer ones
CREATE TEMP TABLE fbd AS
SELECT id, y, b, svy_calibrate(svy_design(w, left(lb, id % 6), ps), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake') AS d
FROM fb;
SELECT svy_accum(y, svy_calibrate(CASE WHEN id % 7 = 0 THEN svy_design(w, left(lb, id % 6), ps)
                                       ELSE svy_design(w, left(lb, id % 6), ps) END,
                                  (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake'))::text =
       (SELECT svy_accum(y, d)::text FROM fbd) AS short_labels_same
FROM fb;
SELECT svy_accum(y, svy_calibrate(svy_design(w, left(lb, id % 6), ps), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake'))::text =
       (SELECT svy_accum(y, d)::text FROM fbd) AS built_same
FROM fb;

-- 3. Populations: rebuilt per row (the same address each row, maybe
--    another value), from a join's rows, switching at the last row
CREATE TEMP TABLE fbs AS
SELECT id, y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake') AS d FROM fb;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM fbpop)::text::svy_population, ARRAY[la, lb], method => 'rake'))::text =
       (SELECT svy_mean(y, d)::text FROM fbs) AS rebuilt_same
FROM fb;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps),
                                 (CASE WHEN id = 5999 THEN (SELECT rake2 FROM fbpop) ELSE (SELECT rake FROM fbpop) END)::text::svy_population,
                                 ARRAY[la, lb], method => 'rake'))
FROM fb;
CREATE TEMP TABLE fbpops AS SELECT 0 AS k, rake AS p FROM fbpop UNION ALL SELECT 1, rake2 FROM fbpop UNION ALL SELECT 2, rake FROM fbpop;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), p, ARRAY[la, lb], method => 'rake'))::text =
       (SELECT svy_mean(y, d)::text FROM fbs) AS joined_same
FROM fb JOIN fbpops ON k = (id % 2) * 2;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), p, ARRAY[la, lb], method => 'rake'))
FROM fb JOIN fbpops ON k = id / 5999;
RESET enable_hashjoin;
RESET enable_mergejoin;

-- 4. A long level (compressed in the table: not read in place) at the last row
CREATE TEMP TABLE fblong AS
SELECT id, w, y, ps, CASE WHEN id % 2 = 0 THEN repeat('z', 3000) ELSE 'short' END AS lev FROM generate_series(0, 999) id
CROSS JOIN LATERAL (SELECT 1.0 + id % 3 AS w, (id % 17)::float8 AS y, id % 20 AS ps) v;
CREATE TEMP TABLE fblongpop AS
SELECT svy_population('lev', l, 500) AS p FROM unnest(ARRAY[repeat('z', 3000), 'short']) l;
SELECT pg_column_size(lev) < 3000 AS compressed FROM fblong WHERE id = 0;
SELECT svy_mean(y, svy_calibrate(svy_design(w, psu => ps), (SELECT p FROM fblongpop), ARRAY[lev], method => 'poststratify')) =
       (SELECT svy_mean(y, d) FROM (SELECT y, svy_calibrate(svy_design(w, psu => ps), (SELECT p FROM fblongpop), ARRAY[lev],
                                                           method => 'poststratify') d FROM fblong OFFSET 0) s) AS long_same
FROM fblong;
SELECT svy_mean(y, svy_calibrate(svy_design(w, psu => ps), (SELECT p FROM fblongpop),
                                 ARRAY[CASE WHEN id = 999 THEN 'zz' ELSE lev END], method => 'poststratify'))
FROM fblong;

-- 5. svy_calibrate_elems called directly: arguments that change after the
--    call site is ready give the errors of a first row, never a crash
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT lin FROM fbpop), 'linear', NULL, NULL, NULL,
                                       CASE WHEN id = 5999 THEN 0 ELSE 1 END, la, lb, x)) FROM fb;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT lin FROM fbpop), 'linear', NULL, NULL, NULL,
                                       CASE WHEN id = 5999 THEN NULL ELSE 1 END, la, lb, x)) FROM fb;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM fbpop), 'rake', NULL, NULL, NULL,
                                       CASE WHEN id = 5999 THEN 0 ELSE -1 END, la, lb)) =
       (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake')) FROM fb)
       AS nx_0_same
FROM fb;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM fbpop),
                                       CASE WHEN id = 5999 THEN 'raking' ELSE 'rake' END, NULL, NULL, NULL, -1, la, lb)) FROM fb;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM fbpop), 'rake', NULL, NULL, NULL, -1, la, lb::varchar)) FROM fb;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM fbpop), 'rake', NULL, NULL, NULL, -1, VARIADIC ARRAY[la, lb])) FROM fb;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM fbpop), 'rake', NULL, NULL, NULL, 2147483647, la, lb)) FROM fb;
SELECT svy_mean(y, svy_calibrate_elems(svy_design(w, st, ps), (SELECT rake FROM fbpop), 'rake', NULL, NULL, NULL, -1, la, lb, lb)) FROM fb;
SELECT svy_mean(y, svy_calibrate_elems(CASE WHEN id = 5999 THEN svy_repdesign(w, ARRAY[w, w], 'JK1') ELSE svy_design(w, st, ps) END,
                                       (SELECT rake FROM fbpop), 'rake', NULL, NULL, NULL, -1, la, lb)) FROM fb;

-- 6. A running window frame: the result between rows of one state
SELECT DISTINCT id / 2000 AS part,
       round((svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake'))
              OVER (ORDER BY id / 2000)).std_error::numeric, 9) AS running_se
FROM fb ORDER BY 1;
SELECT k, round((svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT rake FROM fbpop), ARRAY[la, lb], method => 'rake'))).std_error::numeric, 9) AS se
FROM generate_series(0, 2) k JOIN fb ON id / 2000 <= k GROUP BY k ORDER BY k;
DROP TABLE fb, fbpop, fbparts, fbmerged, fbdirect, fbd, fbs, fbpops, fblong, fblongpop;
