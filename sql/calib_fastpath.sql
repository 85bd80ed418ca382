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

-- 7. svy_calibrate(svy_design(...), ...) is one call (svy_calibrate_design)
--    whose ready site builds the base design in place, and the accumulator
--    finds a row's PSU, cell and sums in one probe (the rowcache): against
--    stored values (a new value per row: the general paths), with text
--    strata and PSUs, an fpc, zero weights, NULL outcomes, PSUs first seen
--    late and rows in another order
CREATE TEMP TABLE fc AS
SELECT i AS id, CASE WHEN i % 11 = 0 THEN 0.0 ELSE 0.5 + (i * 7919 % 13) / 4.0 END AS w,
       CASE WHEN i % 17 = 0 THEN NULL ELSE ((i * 37) % 101)::float8 END AS y,
       'force ' || (i % 6) AS st, 'E0' || lpad(((i / 6) % 40 + 40 * (i / 4000))::text, 7, '0') AS ps,
       400.0 + 10 * (i % 6) AS f, (i * 31) % 4 AS la, 'r' || ((i / 7) % 3) AS lb, ((i * 13) % 17)::float8 AS x
FROM generate_series(0, 7999) AS i;
CREATE TEMP TABLE fcpop AS
SELECT svy_population(v, l, t) FILTER (WHERE v <> 'x') AS rake, svy_population(v, l, t) AS lin
FROM (SELECT 'a' AS v, n::text AS l, 2000.0 + 50 * n AS t FROM generate_series(0, 3) n
      UNION ALL SELECT 'b', 'r' || n, 2700.0 + 100 * least(n, 1) FROM generate_series(0, 2) n
      UNION ALL SELECT 'x', NULL, 8.2 * 8300) m;
CREATE TEMP TABLE fcstored AS
SELECT id, y,
       svy_calibrate(svy_design(w, st, ps, f), (SELECT rake FROM fcpop), ARRAY[la::text, lb], method => 'rake') AS r,
       svy_calibrate(svy_design(w, st, ps, f), (SELECT lin FROM fcpop), ARRAY[la::text, lb], ARRAY[x]) AS l
FROM fc;
SELECT (SELECT svy_mean(y, r)::text FROM fcstored) =
       svy_mean(y, svy_calibrate(svy_design(w, st, ps, f), (SELECT rake FROM fcpop), ARRAY[la::text, lb], method => 'rake'))::text
       AS rake_same,
       (SELECT svy_total(y, l)::text FROM fcstored) =
       svy_total(y, svy_calibrate(svy_design(w, st, ps, f), (SELECT lin FROM fcpop), ARRAY[la::text, lb], ARRAY[x]))::text
       AS linear_same
FROM fc;
-- in another order, and merged from parts (each a parallel worker's or a
-- node's share): the same up to rounding
CREATE FUNCTION fc_close(a svy_estimate, b svy_estimate) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN abs(a.estimate - b.estimate) <= 1e-12 * abs(b.estimate) AND abs(a.std_error - b.std_error) <= 1e-9 * b.std_error
       AND a.df = b.df AND a.n = b.n;
SELECT fc_close(svy_mean(y, svy_calibrate(svy_design(w, st, ps, f), (SELECT rake FROM fcpop), ARRAY[la::text, lb],
                                          method => 'rake') ORDER BY (id * 7919) % 8000),
                (SELECT svy_mean(y, r) FROM fcstored)) AS shuffled_close
FROM fc;
SELECT fc_close(svy_mean(svy_merge(p ORDER BY k)), (SELECT svy_mean(y, r) FROM fcstored)) AS merged_close
FROM (SELECT id % 3 AS k, svy_accum(y, svy_calibrate(svy_design(w, st, ps, f), (SELECT rake FROM fcpop),
                                                       ARRAY[la::text, lb], method => 'rake')) AS p
      FROM fc GROUP BY id % 3) parts;
-- a row the fast paths pass to the general ones at the last row: its error
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, CASE WHEN id = 7999 THEN 401.0 ELSE f END), (SELECT rake FROM fcpop),
                                 ARRAY[la::text, lb], method => 'rake')) FROM fc;
SELECT svy_mean(y, svy_calibrate(svy_design(CASE WHEN id = 7999 THEN NULL ELSE w END, st, ps, f), (SELECT rake FROM fcpop),
                                 ARRAY[la::text, lb], method => 'rake')) FROM fc;
SELECT svy_mean(y, svy_calibrate(svy_design(CASE WHEN id = 7999 THEN -1 ELSE w END, st, ps, f), (SELECT rake FROM fcpop),
                                 ARRAY[la::text, lb], method => 'rake')) FROM fc;
SELECT svy_mean(y, svy_calibrate(svy_design(w, CASE WHEN id = 7999 THEN NULL ELSE st END, ps, f), (SELECT rake FROM fcpop),
                                 ARRAY[la::text, lb], method => 'rake')) FROM fc;
SELECT svy_mean(CASE WHEN id = 7999 THEN 'NaN' ELSE y END,
                svy_calibrate(svy_design(w, st, ps, f), (SELECT rake FROM fcpop), ARRAY[la::text, lb], method => 'rake')) FROM fc;
SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps, f), (SELECT lin FROM fcpop), ARRAY[la::text, lb],
                                 ARRAY[CASE WHEN id = 7999 THEN 'Infinity' ELSE x END])) FROM fc;
-- a stratum first met at the last row (its label left out of the value) is named in an error
SELECT svy_mean(y, svy_calibrate(svy_design(w, CASE WHEN id = 7999 THEN 'late force' ELSE st END, ps, f),
                                 (SELECT rake FROM fcpop), ARRAY[la::text, lb], method => 'rake')) FROM fc;
-- more (PSU, cell) entries than the rowcache holds (2^18 slots, 4 an entry): the rest take the general path
SELECT (SELECT svy_total(1.0, svy_calibrate(svy_design(1.0, psu => i), (SELECT rake FROM fcpop),
                                             ARRAY[(i % 4)::text, 'r' || (i % 3)], method => 'rake'))::text
        FROM generate_series(1, 70000) i) =
       (SELECT svy_total(1.0, d)::text
        FROM (SELECT svy_calibrate(svy_design(1.0, psu => i), (SELECT rake FROM fcpop),
                                   ARRAY[(i % 4)::text, 'r' || (i % 3)], method => 'rake') AS d
              FROM generate_series(1, 70000) i OFFSET 0) v) AS many_entries_same;
DROP TABLE fc, fcpop, fcstored;
DROP FUNCTION fc_close(svy_estimate, svy_estimate);

-- 8. Each shape of a ready call site's row (one to three margins, none to
--    two numeric variables: the common ones unrolled, the others looped)
--    against stored values
CREATE TEMP TABLE fs AS
SELECT i AS id, 1 + (i % 7) / 3.0 AS w, ((i * 37) % 101)::float8 AS y, 'S' || (i % 5) AS st, i / 10 AS ps,
       'a' || (i % 4) AS la, 'b' || ((i * 7) % 3) AS lb, 'c' || ((i * 11) % 5) AS lc,
       ((i * 13) % 17)::float8 AS x, ((i * 5) % 11)::float8 AS z
FROM generate_series(0, 1999) AS i;
CREATE TEMP TABLE fspop AS
SELECT svy_population(v, l, t) FILTER (WHERE v IN ('a')) AS a, svy_population(v, l, t) FILTER (WHERE v IN ('a', 'x')) AS ax,
       svy_population(v, l, t) FILTER (WHERE v IN ('a', 'b', 'x', 'z')) AS abxz,
       svy_population(v, l, t) FILTER (WHERE v IN ('a', 'b', 'c')) AS abc,
       svy_population(v, l, t) FILTER (WHERE v IN ('a', 'b', 'c', 'x')) AS abcx
FROM (SELECT 'a' AS v, la AS l, 1.1 * sum(w) AS t FROM fs GROUP BY la
      UNION ALL SELECT 'b', lb, 1.1 * sum(w) + 3 * ((lb = 'b0')::int - (lb = 'b1')::int) FROM fs GROUP BY lb
      UNION ALL SELECT 'c', lc, 1.1 * sum(w) + 2 * ((lc = 'c2')::int - (lc = 'c1')::int) FROM fs GROUP BY lc
      UNION ALL SELECT 'x', NULL, 1.2 * sum(w * x) FROM fs
      UNION ALL SELECT 'z', NULL, 1.05 * sum(w * z) FROM fs) m;
SELECT (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT a FROM fspop), ARRAY[la]))::text FROM fs) =
       (SELECT svy_mean(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT a FROM fspop), ARRAY[la]) AS d
                                          FROM fs OFFSET 0) v) AS one_margin,
       (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT ax FROM fspop), ARRAY[la], ARRAY[x]))::text FROM fs) =
       (SELECT svy_mean(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT ax FROM fspop), ARRAY[la], ARRAY[x]) AS d
                                          FROM fs OFFSET 0) v) AS one_margin_x,
       (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT abxz FROM fspop), ARRAY[la, lb], ARRAY[x, z]))::text FROM fs) =
       (SELECT svy_mean(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT abxz FROM fspop), ARRAY[la, lb], ARRAY[x, z]) AS d
                                          FROM fs OFFSET 0) v) AS two_margins_xz,
       (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT abc FROM fspop), ARRAY[la, lb, lc], method => 'rake'))::text FROM fs) =
       (SELECT svy_mean(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT abc FROM fspop), ARRAY[la, lb, lc], method => 'rake') AS d
                                          FROM fs OFFSET 0) v) AS three_margins,
       (SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT abcx FROM fspop), ARRAY[la, lb, lc], ARRAY[x]))::text FROM fs) =
       (SELECT svy_mean(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, st, ps), (SELECT abcx FROM fspop), ARRAY[la, lb, lc], ARRAY[x]) AS d
                                          FROM fs OFFSET 0) v) AS three_margins_x;
-- and their estimates (the stored side's equality above is what checks them)
SELECT round(e.estimate::numeric, 8) AS estimate, round(e.std_error::numeric, 8) AS std_error
FROM (SELECT (svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT ax FROM fspop), ARRAY[la], ARRAY[x]))).* FROM fs
      UNION ALL SELECT (svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT abxz FROM fspop), ARRAY[la, lb], ARRAY[x, z]))).* FROM fs
      UNION ALL SELECT (svy_mean(y, svy_calibrate(svy_design(w, st, ps), (SELECT abcx FROM fspop), ARRAY[la, lb, lc], ARRAY[x]))).* FROM fs) e;
DROP TABLE fs, fspop;

-- 9. A rowcache row whose PSU entry lacks one of the row's flags sets it:
--    PSU 0's first rows have weight 0, the next comes after 240 new PSUs
--    (the base's PSU table grows past 256 entries and moves them, the
--    rowcache not yet) and takes the rowcache path; it must mark the PSU as
--    holding a row of non-zero weight (the degrees of freedom count it: 240
--    with the mark, 239 without)
CREATE TEMP TABLE fm AS
SELECT 0 AS id, 0 AS ps, 0.0::float8 AS w, 1.0::float8 AS y, 'a' AS l
UNION ALL SELECT i, i, 1.0, (i % 3)::float8, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END FROM generate_series(1, 240) i
UNION ALL SELECT 241, 0, 0.0, 1.0, 'a'
UNION ALL SELECT 242, 0, 2.0, 2.0, 'a';
CREATE TEMP TABLE fmpop AS
SELECT svy_population(v, l, t) AS p FROM (VALUES ('l', 'a', 130.0), ('l', 'b', 125.0)) m(v, l, t);
SELECT (SELECT (svy_mean(y, svy_calibrate(svy_design(w, psu => ps), (SELECT p FROM fmpop), ARRAY[l], method => 'rake'))).df
        FROM (SELECT * FROM fm ORDER BY id) o) AS direct_df,
       (SELECT svy_mean(y, d)::text FROM (SELECT y, svy_calibrate(svy_design(w, psu => ps), (SELECT p FROM fmpop), ARRAY[l], method => 'rake') AS d
                                          FROM fm ORDER BY id OFFSET 0) v) =
       (SELECT svy_mean(y, svy_calibrate(svy_design(w, psu => ps), (SELECT p FROM fmpop), ARRAY[l], method => 'rake'))::text
        FROM (SELECT * FROM fm ORDER BY id) o) AS same;
DROP TABLE fm, fmpop;
