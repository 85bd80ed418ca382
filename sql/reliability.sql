-- Reliability (issue 15, items 4-7): long computations take a cancel,
-- state sizes beyond work_mem scale fail early, options are compared by
-- value, overflow is an error, and parallel = serial = merged to 1e-12.
SET extra_float_digits = 0;

-- ---------- cancellation ----------
-- Each query below runs for seconds to minutes in full; the timeout must
-- stop it within the statement, not after it finishes.  (Before the fix:
-- svy_chisq Wald ran ~30 s, svy_cells ~12 s, svy_pairwise ~6 s regardless.)
CREATE TABLE relb_tab AS
SELECT svy_tab(i % 40, (i / 40) % 50, svy_design(1 + (i % 7)::float8, psu => i % 500)) AS t
FROM generate_series(0, 19999) i;
CREATE TABLE relb_dom AS
SELECT svy_by((i % 13)::float8, i % 1000, svy_design(1.0, psu => i % 1500)) AS t
FROM generate_series(0, 5999) i;
SET statement_timeout = '300ms';
SELECT (svy_chisq(t, 'F')).p_value FROM relb_tab;
SELECT (svy_chisq(t, 'Wald')).p_value FROM relb_tab;
SELECT (svy_chisq(t, 'saddlepoint')).p_value FROM relb_tab;
SELECT count(*) FROM relb_tab, svy_cells(t, 'cell');
SELECT count(*) FROM relb_dom, svy_pairwise(t);
RESET statement_timeout;
DROP TABLE relb_tab, relb_dom;

-- ---------- options must be the same on every row, compared by value ----------
-- (a per-row expression can hand over a different value at the same address;
-- before the fix the first row's option was used silently)
SELECT (svy_prop(y > 3, svy_design(1), lower(CASE WHEN y = 1 THEN 'WALD' ELSE 'ASIN' END))).ci_upper
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
SELECT (svy_quantile(y, svy_design(1), 0.5, 0.95, lower(CASE WHEN y = 1 THEN 'HF7' ELSE 'HF1' END))).estimate
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
SELECT svy_quantiles(y, svy_design(1), ARRAY[0.5, CASE WHEN y = 1 THEN 0.25 ELSE 0.75 END]::float8[])
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
SELECT (svy_mean(y, svy_design(1), CASE WHEN y = 1 THEN 0.9 ELSE 0.95 END)).ci_upper
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
-- a NULL option is its default, compared like any value: NULL and 0.9 (or wilson) differ whichever row
-- comes first (before: a NULL after the first row was skipped, a NULL first was the default)
SELECT (svy_mean(y, svy_design(1), CASE WHEN y = 1 THEN 0.9 END)).ci_upper
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
SELECT (svy_mean(y, svy_design(1), CASE WHEN y = 1 THEN NULL ELSE 0.9 END)).ci_upper
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
SELECT (svy_prop(y > 3, svy_design(1), CASE WHEN y = 1 THEN 'wilson' END)).ci_upper
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
SELECT (svy_prop(y > 3, svy_design(1), CASE WHEN y = 1 THEN NULL ELSE 'wilson' END)).ci_upper
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
-- NULL and the default's own value agree: the same interval as without the option
SELECT round((svy_mean(y, svy_design(1), CASE WHEN y = 1 THEN 0.95 END)).ci_upper::numeric, 10) =
       round((svy_mean(y, svy_design(1))).ci_upper::numeric, 10) AS same_mean,
       round((svy_prop(y > 3, svy_design(1), CASE WHEN y = 1 THEN NULL ELSE 'logit' END)).ci_upper::numeric, 10) =
       round((svy_prop(y > 3, svy_design(1))).ci_upper::numeric, 10) AS same_prop
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
-- the same value computed per row is fine
SELECT round((svy_prop(y > 3, svy_design(1), lower('WALD' || ''))).ci_upper::numeric, 10) AS upper
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;
SELECT round((svy_quantile(y, svy_design(1), 0.5, 0.95, lower('HF' || (6 + (y > 0)::int)))).estimate::numeric, 6) AS median
FROM (SELECT i::float8 y FROM generate_series(1, 10) i) v;

-- ---------- overflow is an error, never a finite wrong number or Infinity ----------
-- (before: a mean of 1 with SE 0; SE 0; -Infinity with SE 0)
SELECT svy_mean(y, svy_design(1e308)) FROM (VALUES (1::float8), (2), (3)) v(y);
SELECT svy_total(y, svy_design(1e308)) FROM (VALUES (1::float8), (2), (3)) v(y);
SELECT svy_mean(y, svy_design(1)) FROM (VALUES (1e200::float8), (-1e200), (1e200), (-1e200)) v(y);
SELECT svy_mean(y, svy_design(1)) FROM (VALUES (1e308::float8), (1e308), (-1e308)) v(y);
SELECT svy_mean(y, svy_design(1, psu => i)) FROM (VALUES (1e308::float8, 1), (1e308, 2), (-1e308, 3)) v(y, i);
SELECT svy_mean(y, svy_repdesign(1, ARRAY[1e308, 1e308], 'JK1')) FROM (VALUES (1e308::float8), (1e308)) v(y);
SELECT * FROM svy_groups((SELECT svy_by(y, g, svy_design(1)) FROM (VALUES (1e308::float8, 1), (1e308, 1), (-1e308, 1)) v(y, g)));
SELECT svy_quantile(y, svy_design(1e308), 0.5) FROM (VALUES (1::float8), (2), (3)) v(y);
SELECT * FROM svy_cells((SELECT svy_tab(i % 2, i % 3, svy_design(1e308)) FROM generate_series(1, 12) i));
-- large but within range (squares of weight times outcome near 1e300): fine
SELECT round(((svy_mean(y, svy_design(1e50))).estimate / 1e100)::numeric, 6) AS mean_over_1e100,
       round(((svy_mean(y, svy_design(1e50))).std_error / 1e100)::numeric, 6) AS se_over_1e100
FROM (VALUES (1e100::float8), (2e100), (3e100)) v(y);

-- ---------- weights: -0 is 0, subnormal weights are refused ----------
SELECT svy_mean(y, svy_design(CASE WHEN y = 1 THEN '-0'::float8 ELSE 1 END))
     = svy_mean(y, svy_design(CASE WHEN y = 1 THEN 0 ELSE 1 END)) AS minus_zero_is_zero
FROM (VALUES (1::float8), (2), (3), (5)) v(y);
SELECT svy_mean(y, svy_design(5e-324)) FROM (VALUES (1::float8), (2), (3)) v(y);
SELECT svy_mean(y, svy_repdesign(1, ARRAY[1, 1e-310], 'JK1')) FROM (VALUES (1::float8), (2), (3)) v(y);
SELECT (svy_mean(y, svy_design(2.2250738585072014e-308))).estimate AS smallest_normal_ok
FROM (VALUES (1::float8), (2), (3)) v(y);
-- replicate weights all 0: no replicate information, so no SE and no df (was df -1)
SELECT (e).estimate, (e).std_error, (e).df FROM (
  SELECT svy_mean(y, svy_repdesign(1, '{0,0,0}', 'JK1')) AS e FROM (VALUES (1::float8), (2), (3)) v(y)) x;
-- svy_by where a group's weights are all 0: estimate and SE both NULL (was SE 0)
SELECT level, estimate, std_error, n
FROM svy_groups((SELECT svy_by(y, g, svy_design(CASE WHEN g = 1 THEN 0 ELSE 1 END))
                 FROM (VALUES (1::float8, 1), (2, 1), (3, 2), (4, 2)) v(y, g)));
SELECT level_a, level_b, difference, std_error
FROM svy_pairwise((SELECT svy_by(y, g, svy_design(CASE WHEN g = 1 THEN 0 ELSE 1 END))
                   FROM (VALUES (1::float8, 1), (2, 1), (3, 2), (4, 2)) v(y, g)));

-- ---------- memory: replicate rank bases grow with the rank, within a limit ----------
-- svy_by kept a replicates x replicates basis per group (2,000 replicates:
-- 32 MB a group); now each holds one vector per independent row, and the
-- bases of one aggregate may hold at most 64 x work_mem.
CREATE TABLE relb_rep AS
SELECT i, (SELECT array_agg(CASE WHEN r = i % 1000 THEN 0 ELSE 1000.0 / 999 END ORDER BY r)
           FROM generate_series(0, 999) r) AS rw
FROM generate_series(0, 599) i;
SELECT count(*) AS groups, min(df) AS min_df, max(df) AS max_df
FROM svy_groups((SELECT svy_by(i::float8, i, svy_repdesign(1, rw, 'JK1')) FROM relb_rep));
SET work_mem = '64kB';
SELECT count(*) FROM svy_groups((SELECT svy_by(i::float8, i, svy_repdesign(1, rw, 'JK1')) FROM relb_rep));
SELECT (svy_mean(i::float8, svy_repdesign(1, rw, 'JK1'))).df FROM relb_rep;
RESET work_mem;
SELECT (svy_mean(i::float8, svy_repdesign(1, rw, 'JK1'))).df FROM relb_rep;
-- one row with 11,000 replicates (its basis was 0.97 GB, allocated up front)
SELECT (svy_mean(1.0::float8, svy_repdesign(1, array_fill(1.0::float8, ARRAY[11000]), 'bootstrap'))).estimate;
DROP TABLE relb_rep;

-- ---------- replicate sums are centred (state version 2); version 1 states still read ----------
-- a version-1 state of this query, written by survey 0.1.0:
SELECT abs((svy_mean(s)).std_error - (svy_mean('\x01020001000000033fe55555555555550000000000000000013fee6666666666660000000040120000000000004026e38e38e38e393ff00000000000004003e38e38e38e3d0000000000000000000000000000000040080000000000004008000000000000402500000000000001004045000000000000400c000000000000404e80000000000040160000000000004049c000000000004012000000000000000000023fd11acee560242a3fe9a8365810363f3fe11acee560242a3febee9056fb9c39bfdbee9056fb9c393fcbee9056fb9c39'::svy_state)).std_error)
       < 1e-12 * (svy_mean(s)).std_error AS v1_state_same_se,
       (svy_mean(s)).estimate = (svy_mean('\x01020001000000033fe55555555555550000000000000000013fee6666666666660000000040120000000000004026e38e38e38e393ff00000000000004003e38e38e38e3d0000000000000000000000000000000040080000000000004008000000000000402500000000000001004045000000000000400c000000000000404e80000000000040160000000000004049c000000000004012000000000000000000023fd11acee560242a3fe9a8365810363f3fe11acee560242a3febee9056fb9c39bfdbee9056fb9c393fcbee9056fb9c39'::svy_state)).estimate AS v1_state_same_estimate
FROM (SELECT svy_accum(y, svy_repdesign(w, ARRAY[w * m, w * (2 - m), w], 'JK1'))
      FROM (VALUES (10.5::float8, 1.0::float8, 0.5), (12.25, 2, 1.5), (11, 1.5, 0.0)) v(y, w, m)) x(s);

-- ---------- parallel = serial to 1e-12 relative, on means near 50 that differ by 0.002 ----------
-- (before: svy_by SE 2e-9 apart, svy_pairwise SE 2e-9 and differences 4e-11, replicate SE 7e-12,
-- replicate svy_by SE 3e-11)
CREATE TABLE relb_par AS
SELECT i AS id, 'S' || (i % 8) AS stratum, (i / 8) % 40 AS psu, 0.5 + (i % 13) * 0.25 AS w,
       50 + ((i * 7919) % 1000)::float8 / 1000 + (i % 4) * 0.002 AS y, (i * 31) % 7 < 3 AS b,
       (ARRAY['AT', 'BE', 'CZ', 'DE'])[1 + i % 4] AS country,
       (SELECT array_agg(CASE WHEN r = (i / 8) % 20 THEN 0 ELSE (0.5 + (i % 13) * 0.25) * 20.0 / 19 END ORDER BY r)
        FROM generate_series(0, 19) r) AS rw
FROM generate_series(1, 40000) i;
ANALYZE relb_par;
CREATE TABLE relb_serial AS
SELECT svy_by(y, country, svy_design(w, strata => stratum, psu => psu)) AS bt,
       svy_tab(country, b, svy_design(w, psu => psu)) AS t,
       svy_mean(y, svy_repdesign(w, rw, 'JK1')) AS rm,
       svy_by(y, country, svy_repdesign(w, rw, 'JK1')) AS rb
FROM relb_par;
\i sql/include/parallel_on.sql
EXPLAIN (COSTS OFF) SELECT svy_mean(y, svy_repdesign(w, rw, 'JK1')) FROM relb_par;
CREATE TABLE relb_parallel AS
SELECT svy_by(y, country, svy_design(w, strata => stratum, psu => psu)) AS bt,
       svy_tab(country, b, svy_design(w, psu => psu)) AS t,
       svy_mean(y, svy_repdesign(w, rw, 'JK1')) AS rm,
       svy_by(y, country, svy_repdesign(w, rw, 'JK1')) AS rb
FROM relb_par;
RESET ALL;
SELECT bool_and(abs(p.std_error - s.std_error) <= 1e-12 * s.std_error) AS by_se_same
FROM relb_serial, svy_groups(relb_serial.bt) s
JOIN (SELECT g.* FROM relb_parallel, svy_groups(relb_parallel.bt) g) p USING (level);
SELECT bool_and(abs(p.std_error - s.std_error) <= 1e-12 * s.std_error) AS pairwise_se_same,
       bool_and(abs(p.difference - s.difference) <= 1e-12 * abs(s.difference)) AS pairwise_difference_same
FROM relb_serial, svy_pairwise(relb_serial.bt) s
JOIN (SELECT g.* FROM relb_parallel, svy_pairwise(relb_parallel.bt) g) p USING (level_a, level_b);
SELECT bool_and(abs(p.std_error - s.std_error) <= 1e-12 * s.std_error) AS replicate_by_se_same,
       bool_and(abs(p.deff - s.deff) <= 1e-12 * s.deff) AS replicate_by_deff_same
FROM relb_serial, svy_groups(relb_serial.rb) s
JOIN (SELECT g.* FROM relb_parallel, svy_groups(relb_parallel.rb) g) p USING (level);
SELECT bool_and(abs(p.difference - s.difference) <= 1e-12 * abs(s.difference)) AS replicate_difference_same
FROM relb_serial, svy_pairwise(relb_serial.rb) s
JOIN (SELECT g.* FROM relb_parallel, svy_pairwise(relb_parallel.rb) g) p USING (level_a, level_b);
SELECT abs((svy_chisq(p.t)).p_value - (svy_chisq(s.t)).p_value) <= 1e-12 * (svy_chisq(s.t)).p_value AS chisq_p_same,
       abs((p.rm).std_error - (s.rm).std_error) <= 1e-12 * (s.rm).std_error AS replicate_se_same,
       abs((p.rm).deff - (s.rm).deff) <= 2e-12 * (s.rm).deff AS replicate_deff_same
FROM relb_serial s, relb_parallel p;
DROP TABLE relb_par, relb_serial, relb_parallel;

-- ---------- svy_by over many strata costs strata x (groups in the stratum)^2 ----------
-- 1,000 groups over 2,000 strata took 25-37 s (strata x groups^2); now ~1.5 s
SET statement_timeout = '15s';
SELECT count(*) AS groups, count(std_error) AS with_se
FROM svy_groups((SELECT svy_by(i::float8, i % 1000, svy_design(1.0, strata => i % 2000))
                 FROM generate_series(0, 3999) i));
SELECT count(*) AS groups, count(std_error) AS with_se
FROM svy_groups((SELECT svy_by(i::float8, i % 1000, svy_design(1.0, strata => i % 2000, psu => i))
                 FROM generate_series(0, 3999) i));
RESET statement_timeout;

-- ---------- designs without PSUs: cross-products per stratum x pair, within the limit ----------
-- (16,000 rows of many options, a stratum each, reached 1.5 GB)
SET work_mem = '64kB';
SELECT count(*) FROM svy_groups((SELECT svy_choices(choices(ARRAY(SELECT generate_series(1, 40))),
                                                    svy_design(1.0, strata => i))
                                 FROM generate_series(1, 200) i));
RESET work_mem;
-- the same variance with a PSU per row keeps per-row sums only
SELECT count(*) AS options, count(std_error) AS with_se
FROM svy_groups((SELECT svy_choices(choices(ARRAY(SELECT generate_series(1, 40))),
                                    svy_design(1.0, strata => i % 100, psu => i))
                 FROM generate_series(1, 200) i));
