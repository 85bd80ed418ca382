-- svy_quantile / svy_quantiles: Woodruff intervals as R's svyquantile(..., ci = TRUE) (survey 4.1.1).
-- R's values for every qrule come from test/quantile/make_quantile.R (r_quantiles.csv); the R oracle cases
-- (kit and test/oracle/extra) are checked in sql/replicate.sql.
\getenv abs_srcdir PG_ABS_SRCDIR
\set qdir :abs_srcdir '/test/quantile'
SET extra_float_digits = 0;

CREATE TEMP TABLE qd (id int, st text, psu int, w float8, y float8, k int);
-- read on the client side (\copy takes its arguments literally: built in a variable)
\set cmd '\\copy qd FROM ''' :qdir '/qdata.csv'' (FORMAT csv, HEADER true)'
:cmd
CREATE TEMP TABLE rq (design text, variable text, qrule text, p float8, estimate float8, ci_lower float8,
                      ci_upper float8, se float8);
\set cmd '\\copy rq FROM ''' :qdir '/r_quantiles.csv'' (FORMAT csv, HEADER true)'
:cmd

CREATE TEMP VIEW qv AS
SELECT qd.*, svy_design(w, strata => st, psu => psu) AS dpsu, svy_design(w, strata => st) AS dnopsu FROM qd;

-- every rule, both designs, y (continuous, ties of unequal weight) and k (5 points)
CREATE TEMP TABLE got AS
SELECT r.design, r.variable, r.qrule, r.p, (e).*
FROM rq r,
     LATERAL (SELECT CASE WHEN r.design = 'psu'
                          THEN svy_quantile(CASE r.variable WHEN 'y' THEN y ELSE k END, dpsu, r.p, 0.95, r.qrule)
                          ELSE svy_quantile(CASE r.variable WHEN 'y' THEN y ELSE k END, dnopsu, r.p, 0.95, r.qrule)
                     END AS e FROM qv) s;

-- math, school, hf3: exactly R.  hf4-hf9 interpolate between per-row plotting positions; tied rows of
-- different weights make R depend on row order (docs/quantiles.md), so they are compared where R's
-- answer does not depend on it: the 5-point item k has ties of unequal weights too, y as well -> listed.
SELECT g.design, g.variable, g.qrule, g.p,
       g.estimate = r.estimate AS est_ok,
       g.ci_lower IS NOT DISTINCT FROM r.ci_lower AS lo_ok,
       g.ci_upper IS NOT DISTINCT FROM r.ci_upper AS hi_ok,
       abs(g.std_error - r.se) <= 1e-9 * abs(r.se) AS se_ok
FROM got g JOIN rq r USING (design, variable, qrule, p)
WHERE g.qrule IN ('math', 'school', 'hf3')
  AND NOT (g.estimate = r.estimate AND g.ci_lower IS NOT DISTINCT FROM r.ci_lower
           AND g.ci_upper IS NOT DISTINCT FROM r.ci_upper AND abs(g.std_error - r.se) <= 1e-9 * abs(r.se))
ORDER BY 1, 2, 3, 4;
SELECT count(*) AS exact_rule_rows FROM got WHERE qrule IN ('math', 'school', 'hf3');

-- hf4-hf9: how many agree with R to 1e-9 (the rest differ only through ties of unequal weight)
SELECT g.qrule, count(*) AS rows,
       count(*) FILTER (WHERE abs(g.estimate - r.estimate) <= 1e-9 * abs(r.estimate)) AS estimate_agrees
FROM got g JOIN rq r USING (design, variable, qrule, p)
WHERE g.qrule NOT IN ('math', 'school', 'hf3')
GROUP BY 1 ORDER BY 1;

-- df, n: 11 PSUs... R's degf: 12 PSUs - 3 strata = 9; rows without PSUs: 58 - 3
SELECT (svy_quantile(y, dpsu, 0.5)).df AS df_psu, (svy_quantile(y, dnopsu, 0.5)).df AS df_nopsu,
       (svy_quantile(y, dpsu, 0.5)).n AS n FROM qv;

-- the multi-p form equals the single-p calls
SELECT u.p, (s.a[u.i]).estimate, (s.a[u.i]).ci_lower, (s.a[u.i]).ci_upper,
       round((s.a[u.i]).std_error::numeric, 10) AS se, (s.a[u.i]).df, (s.a[u.i]).n,
       s.a[u.i] = (SELECT svy_quantile(y, dpsu, u.p, 0.9, 'school') FROM qv) AS same_as_single
FROM (SELECT svy_quantiles(y, dpsu, '{0.1,0.25,0.5,0.75,0.9}', 0.9, 'school') AS a FROM qv) s,
     unnest('{0.1,0.25,0.5,0.75,0.9}'::float8[]) WITH ORDINALITY AS u(p, i);

-- the smallest value alone carries more than p of the weight: R returns the second smallest value
CREATE TEMP TABLE heavy (y float8, w float8);
INSERT INTO heavy VALUES (1, 10), (2, 1), (3, 1), (4, 1);
SELECT (svy_quantile(y, svy_design(w), 0.1)).estimate AS math,
       (svy_quantile(y, svy_design(w), 0.1, 0.95, 'school')).estimate AS school,
       (svy_quantile(y, svy_design(w), 0.1, 0.95, 'hf3')).estimate AS hf3,
       (svy_quantile(y, svy_design(w), 0.1, 0.95, 'hf4')).estimate AS hf4   -- R: -7.7
FROM heavy;
-- ... unless that value is tied: then "x_2" is the same value
INSERT INTO heavy VALUES (1, 0.5);
SELECT (svy_quantile(y, svy_design(w), 0.1)).estimate AS math_tied FROM heavy;

-- p = 0 and p = 1; limits whose P leaves [0, 1] are NULL, and then so is the SE
-- (R: p 0 -> 30 [NaN, 39] se NaN (30 is x_2: R's quirk), 0.02 -> 30 [NaN, 39], 1 -> 70 [70, 70] se 0)
SELECT p, (e).estimate, (e).ci_lower, (e).ci_upper, (e).std_error
FROM (SELECT p, svy_quantile(y, dpsu, p) AS e FROM qv, (VALUES (0.0), (0.02), (1.0)) v(p) GROUP BY p) s
ORDER BY p;

-- domains: svy_subset keeps the design (its PSUs count for the variance, not for df)
-- (R, subset(design, st != "c"): 50 [49, 56] se 1.430374)
SELECT (svy_quantile(y, svy_subset(dpsu, st <> 'c'), 0.5)).*, (svy_mean(y, svy_subset(dpsu, st <> 'c'))).df
FROM qv;
-- an empty domain: NULL numbers, n = 0
SELECT (svy_quantile(y, svy_subset(dpsu, false), 0.5)).* FROM qv;
-- no rows at all
SELECT (svy_quantile(y, svy_design(1.0), 0.5)).* FROM qd WHERE false;
-- zero weights are dropped, as R does
SELECT (svy_quantile(y, svy_design(CASE WHEN id % 7 = 0 THEN 0 ELSE w END, strata => st, psu => psu), 0.5)).n
FROM qd;

-- GROUP BY strata (countries as strata): one call per group
SELECT st, (svy_quantile(y, dpsu, 0.5)).* FROM qv GROUP BY st ORDER BY st;

-- parallel plans (partial aggregation, serialization, combine) give the same answer
CREATE TABLE big AS
SELECT g AS id, (g % 40) AS st, (g % 400) AS psu, 1 + (g % 13) / 4.0 AS w, ((g * 7919) % 1000) / 10.0 AS y,
       1 + (g * 31) % 5 AS k
FROM generate_series(1, 60000) g;
ALTER TABLE big SET (parallel_workers = 4);
CREATE TABLE qserial AS
SELECT svy_quantile(y, svy_design(w, strata => st, psu => psu), 0.5) AS a,
       svy_quantile(k, svy_design(w, strata => st), 0.25, 0.9, 'school') AS b,
       svy_quantiles(y, svy_design(w), '{0.1,0.9}', 0.95, 'hf7') AS c,
       svy_quantile(y, svy_design(w, strata => st, psu => psu), 0.5, 0.95, 'math', 'score') AS d,
       svy_quantiles(y, svy_design(w), '{0.1,0.9}', 0.95, 'shahvaish', 'xlogit') AS e,
       svy_quantile(y, svy_design(CASE WHEN id % 50 = 0 THEN 0 ELSE w END, strata => st, psu => psu), 0.5, 0.95,
                    'math', 'score') AS f
FROM big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 4;
EXPLAIN (COSTS OFF)
SELECT svy_quantile(y, svy_design(w, strata => st, psu => psu), 0.5) FROM big;
CREATE FUNCTION pg_temp.same(a svy_estimate, b svy_estimate) RETURNS boolean LANGUAGE sql AS $$
    SELECT a.estimate = b.estimate AND a.ci_lower IS NOT DISTINCT FROM b.ci_lower
       AND a.ci_upper IS NOT DISTINCT FROM b.ci_upper AND a.df = b.df AND a.n = b.n
       AND abs(a.std_error - b.std_error) <= 1e-12 * abs(a.std_error) $$;
SELECT pg_temp.same(q.a, p.a) AS a_same, pg_temp.same(q.b, p.b) AS b_same,
       pg_temp.same(q.c[1], p.c[1]) AND pg_temp.same(q.c[2], p.c[2]) AS c_same,
       pg_temp.same(q.d, p.d) AS d_same,
       pg_temp.same(q.e[1], p.e[1]) AND pg_temp.same(q.e[2], p.e[2]) AS e_same, pg_temp.same(q.f, p.f) AS f_same
FROM qserial q,
     (SELECT svy_quantile(y, svy_design(w, strata => st, psu => psu), 0.5) AS a,
             svy_quantile(k, svy_design(w, strata => st), 0.25, 0.9, 'school') AS b,
             svy_quantiles(y, svy_design(w), '{0.1,0.9}', 0.95, 'hf7') AS c,
             svy_quantile(y, svy_design(w, strata => st, psu => psu), 0.5, 0.95, 'math', 'score') AS d,
             svy_quantiles(y, svy_design(w), '{0.1,0.9}', 0.95, 'shahvaish', 'xlogit') AS e,
             svy_quantile(y, svy_design(CASE WHEN id % 50 = 0 THEN 0 ELSE w END, strata => st, psu => psu), 0.5, 0.95,
                          'math', 'score') AS f
      FROM big) p;
SELECT (d).estimate, (d).ci_lower, (d).ci_upper, (e[2]).estimate, (e[2]).ci_lower, (e[2]).ci_upper
FROM qserial;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE qserial;
DROP TABLE big;

-- many rows: the cells are compacted (a 5-point item: a few per PSU or stratum) or, for a
-- continuous outcome, sorted once (in each parallel worker); serial and parallel plans agree
CREATE TABLE bigc AS
SELECT g AS id, (g % 20) AS st, (g % 300) AS psu, 1 + (g % 17) / 8.0 AS w, 1 + (g * 31) % 5 AS k,
       ((g::bigint * 7919) % 100003) / 7.0 - 5000 AS y,
       ARRAY[CASE WHEN g % 2 = 0 THEN 1.5 ELSE 0.5 END, CASE WHEN g % 4 < 2 THEN 1.5 ELSE 0.5 END,
             CASE WHEN g % 8 < 4 THEN 1.5 ELSE 0.5 END, CASE WHEN g % 16 < 8 THEN 1.5 ELSE 0.5 END]::float8[]
           AS f,
       -- extremes across the sign (keys far apart, -0 as 0, subnormals) and ties
       CASE g % 9 WHEN 0 THEN -1e300 WHEN 1 THEN -5e-324 WHEN 2 THEN '-0'::float8 WHEN 3 THEN 0
                  WHEN 4 THEN 5e-324 WHEN 5 THEN 1e300 ELSE ((g::bigint * 7919) % 100003) / 7.0 - 5000 END AS z
FROM generate_series(1, 200000) g;
ALTER TABLE bigc SET (parallel_workers = 3);
CREATE TEMP VIEW bigq AS
SELECT svy_quantile(k, svy_design(w, strata => st, psu => psu), 0.5) AS a,
       svy_quantile(y, svy_design(w, strata => st, psu => psu), 0.3) AS b,
       svy_quantiles(k, svy_design(w, strata => st), '{0.25,0.9}', 0.9, 'school') AS c,
       svy_quantiles(y, svy_design(w, strata => st), '{0.25,0.9}', 0.9, 'hf7') AS d,
       svy_quantile(k, svy_repdesign(w, array[w * f[1], w * f[2], w * f[3], w * f[4]], 'Fay', rho => 0.5), 0.5) AS e,
       svy_quantile(y, svy_repdesign(w, array[w * f[1], w * f[2], w * f[3], w * f[4]], 'Fay', rho => 0.5), 0.7) AS f,
       svy_quantiles(z, svy_design(w, strata => st, psu => psu), '{0.05,0.2,0.3,0.4,0.5,0.6,0.7,0.95}') AS g,
       svy_quantiles(y, svy_repdesign(w, array[w * f[1], w * f[2], w * f[3], w * f[4]], 'Fay', rho => 0.5),
                     '{0.3,0.7}', 0.95, 'hf7', 'quantile') AS h,
       count(*) AS rows
FROM bigc;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE qserial2 AS SELECT * FROM bigq;
SELECT (a).estimate AS a, (a).n, (c[2]).estimate AS c2, (e).estimate AS e, rows FROM qserial2;
SELECT i, (g[i]).estimate, (g[i]).ci_lower, (g[i]).ci_upper FROM qserial2, generate_series(1, 8) i;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 3;
EXPLAIN (COSTS OFF) SELECT * FROM bigq;
SELECT pg_temp.same(q.a, p.a) AS a_same, pg_temp.same(q.b, p.b) AS b_same,
       pg_temp.same(q.c[1], p.c[1]) AND pg_temp.same(q.c[2], p.c[2]) AS c_same,
       pg_temp.same(q.d[1], p.d[1]) AND pg_temp.same(q.d[2], p.d[2]) AS d_same,
       pg_temp.same(q.e, p.e) AS e_same, pg_temp.same(q.f, p.f) AS f_same,
       (SELECT bool_and(pg_temp.same(q.g[i], p.g[i])) FROM generate_series(1, 8) i) AS g_same,
       pg_temp.same(q.h[1], p.h[1]) AND pg_temp.same(q.h[2], p.h[2]) AS h_same
FROM qserial2 q, bigq p;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP VIEW bigq;
DROP TABLE qserial2;
DROP TABLE bigc;

-- bad input
SELECT svy_quantile(y, dpsu, 1.5) FROM qv;
SELECT svy_quantile(y, dpsu, -0.1) FROM qv;
SELECT svy_quantile(y, dpsu, 'NaN') FROM qv;
SELECT svy_quantile(y, dpsu, NULL) FROM qv;
SELECT svy_quantile(y, dpsu, 0.5, 0.95, 'median') FROM qv;
SELECT svy_quantile(y, dpsu, 0.5, 1.5) FROM qv;
SELECT svy_quantile(y, dpsu, 0.5 + (id % 2) / 10.0) FROM qv;
SELECT svy_quantiles(y, dpsu, '{0.5,NULL}') FROM qv;
SELECT svy_quantiles(y, dpsu, '{}') FROM qv;
SELECT svy_quantile(CASE WHEN id = 5 THEN 'Infinity' ELSE y END, dpsu, 0.5) FROM qv;
SELECT svy_quantile(y, NULL::svy_design, 0.5) FROM qv;
SELECT svy_quantile(y, CASE WHEN id < 30 THEN dpsu ELSE dnopsu END, 0.5) FROM qv;
-- interval types, equal weights (ties of equal weight: hf7 is R's exactly; many more R cases in
-- test/oracle/extra/make_corners.R).  R: 50.5; mean, beta, xlogit, asin [49, 54] se 1.10513983781197;
-- score [48.6379310344828, 54.7241379310345] se 1.34522194050906
SELECT i AS "interval", (e).estimate, (e).ci_lower, (e).ci_upper, (e).std_error
FROM unnest(ARRAY['mean', 'beta', 'xlogit', 'asin', 'score']) AS i,
     LATERAL (SELECT svy_quantile(y, svy_design(1.0, strata => st, psu => psu), 0.5, 0.95, 'hf7', i) AS e
              FROM qd) s ORDER BY 1;
-- a NULL interval is the default (mean), as a NULL rule is math
SELECT pg_temp.same(svy_quantile(y, dpsu, 0.3, 0.95, 'math', NULL), svy_quantile(y, dpsu, 0.3)) FROM qv;
-- replicate designs: R ignores beta, xlogit and asin (mean); quantile = replicate quantiles
SELECT i AS "interval", (e).estimate, (e).ci_lower, (e).ci_upper, (e).std_error
FROM unnest(ARRAY['mean', 'beta', 'quantile']) AS i,
     LATERAL (SELECT svy_quantile(y, svy_repdesign(w, ARRAY[w * (1 + (id % 2)), w * (2 - (id % 2)),
                                                          w * (id % 3) / 2.0], 'bootstrap'),
                                  0.5, 0.95, 'hf7', i) AS e FROM qd) s ORDER BY 1;
SELECT svy_quantile(y, dpsu, 0.5, 0.95, 'math', 'woodruff') FROM qv;
SELECT svy_quantile(y, dpsu, 0.5, 0.95, 'math', 'quantile') FROM qv;
SELECT svy_quantile(y, svy_repdesign(w, ARRAY[w, w], 'bootstrap'), 0.5, 0.95, 'math', 'score') FROM qd;
SELECT svy_quantile(y, dpsu, 0.5, 0.95, 'math', CASE WHEN id < 10 THEN 'beta' ELSE 'mean' END) FROM qv;
-- the score test has no sign change in the range of the values: an error, as R's uniroot
SELECT svy_quantile(y, dpsu, 0.999, 0.95, 'math', 'score') FROM qv;
SELECT svy_quantile(y, svy_design(w), 0.5, 0.95, 'math', 'score') FROM qd WHERE id <= 2;
-- survey.lonely_psu applies as to the linear estimators
SELECT svy_quantile(y, svy_design(w, strata => st, psu => CASE WHEN st = 'a' THEN 1 ELSE psu END), 0.5) FROM qd;
SET survey.lonely_psu = 'remove';
SELECT (svy_quantile(y, svy_design(w, strata => st, psu => CASE WHEN st = 'a' THEN 1 ELSE psu END), 0.5)).df
FROM qd;
RESET survey.lonely_psu;
