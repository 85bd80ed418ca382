-- svy_diff, svy_pool, svy_reliability (src/compare.c).
-- Reference numbers were computed by hand in R (see the comments).
\pset null NULL
SET extra_float_digits = 0;

CREATE TEMP TABLE est (country text, e svy_estimate, pop float8);
INSERT INTO est VALUES
  ('A', ROW(0.62, 0.03, NULL, NULL, 40, 1200, NULL, NULL)::svy_estimate, 5e6),
  ('B', ROW(0.55, 0.04, NULL, NULL, 25,  800, NULL, NULL)::svy_estimate, 2e6),
  ('C', ROW(0.70, 0.05, NULL, NULL, 12,  300, NULL, NULL)::svy_estimate, 1e6);

-- ---------- svy_diff ----------
-- R: v = .03^2 + .04^2; df = v^2 / (.03^4/40 + .04^4/25) = 50.9580105992662;
-- t = 1.4; p = 2 pt(-1.4, df) = 0.167572406036673;
-- CI = 0.07 -/+ qt(.975, df) * 0.05 = (-0.0303811968154069, 0.170381196815407)
SELECT round(d.difference::numeric, 12) AS difference,
       round(d.std_error::numeric, 12) AS std_error,
       abs(d.df - 50.9580105992662) < 1e-9 AS df_ok,
       round(d.statistic::numeric, 12) AS statistic,
       abs(d.p_value - 0.167572406036673) < 1e-12 AS p_ok,
       abs(d.ci_lower - -0.0303811968154069) < 1e-12 AND abs(d.ci_upper - 0.170381196815407) < 1e-12 AS ci_ok
FROM (SELECT (svy_diff(a.e, b.e)).* FROM est a, est b WHERE a.country = 'A' AND b.country = 'B') d;
-- level: lower 90% limit 0.07 - qt(.95, df) * 0.05 = -0.0137655244258222
SELECT abs((svy_diff(a.e, b.e, 0.90)).ci_lower - -0.0137655244258222) < 1e-12 AS ci90_ok
FROM est a, est b WHERE a.country = 'A' AND b.country = 'B';
-- antisymmetric
SELECT (svy_diff(a.e, b.e)).difference = -(svy_diff(b.e, a.e)).difference AS antisymmetric,
       (svy_diff(a.e, b.e)).p_value = (svy_diff(b.e, a.e)).p_value AS same_p
FROM est a, est b WHERE a.country = 'A' AND b.country = 'C';
-- a NULL df is a normal reference: df = v^2 / (.04^4/25) = 61.03515625
SELECT (svy_diff(ROW(0.62, 0.03, NULL, NULL, NULL, 1200, NULL, NULL)::svy_estimate, b.e)).df
FROM est b WHERE b.country = 'B';
-- both df NULL: normal; p = 2 pnorm(-1.4)
SELECT round((svy_diff(ROW(0.62, 0.03, NULL, NULL, NULL, 1, NULL, NULL)::svy_estimate,
                       ROW(0.55, 0.04, NULL, NULL, NULL, 1, NULL, NULL)::svy_estimate)).p_value::numeric, 12) AS p_normal;
-- a missing estimate (empty domain) gives NULL numbers, not an error
SELECT (svy_diff(ROW(NULL, NULL, NULL, NULL, 40, 0, NULL, NULL)::svy_estimate, b.e)).*
FROM est b WHERE b.country = 'B';
-- no sampling error: the interval is the point, no test
SELECT (svy_diff(ROW(3, 0, NULL, NULL, 10, 5, NULL, NULL)::svy_estimate,
                 ROW(1, 0, NULL, NULL, 10, 5, NULL, NULL)::svy_estimate)).*;
-- STRICT: a NULL estimate row gives NULL
SELECT svy_diff(NULL, e) IS NULL AS null_in_null_out FROM est WHERE country = 'A';
-- errors
SELECT svy_diff(e, e, 1.5) FROM est WHERE country = 'A';
SELECT svy_diff(e, e, 0) FROM est WHERE country = 'A';
SELECT svy_diff(ROW(0.5, -0.1, NULL, NULL, 10, 5, NULL, NULL)::svy_estimate, e) FROM est WHERE country = 'A';
SELECT svy_diff(ROW(0.5, 0.1, NULL, NULL, 0, 5, NULL, NULL)::svy_estimate, e) FROM est WHERE country = 'A';

-- ---------- svy_pool ----------
-- equal-country: a = 1/3; est = 0.623333333333333, se = 0.0235702260395516,
-- df = 38.851045093113, CI (0.575652206255794, 0.671014460410872)
SELECT round(p.estimate::numeric, 12) AS estimate,
       round(p.std_error::numeric, 12) AS std_error,
       abs(p.df - 38.851045093113) < 1e-9 AS df_ok,
       abs(p.ci_lower - 0.575652206255794) < 1e-12 AND abs(p.ci_upper - 0.671014460410872) < 1e-12 AS ci_ok,
       p.n, p.n_eff, p.deff
FROM (SELECT (svy_pool(e, 1)).* FROM est) p;
-- population-weighted: est = 0.6125, se = 0.0221500564333367, df = 66.5492969629746,
-- CI (0.56828279770958, 0.65671720229042)
SELECT round(p.estimate::numeric, 12) AS estimate,
       round(p.std_error::numeric, 12) AS std_error,
       abs(p.df - 66.5492969629746) < 1e-9 AS df_ok,
       abs(p.ci_lower - 0.56828279770958) < 1e-12 AND abs(p.ci_upper - 0.65671720229042) < 1e-12 AS ci_ok,
       p.n
FROM (SELECT (svy_pool(e, pop)).* FROM est) p;
-- level argument: a wider interval at 0.99
SELECT (svy_pool(e, pop, 0.99)).ci_lower < (svy_pool(e, pop)).ci_lower AS wider FROM est;
-- a single component is itself (df and CI unchanged)
SELECT (svy_pool(e, 7)).estimate, (svy_pool(e, 7)).std_error, (svy_pool(e, 7)).df FROM est WHERE country = 'B';
-- per group, and the combine function gives the same as one pass
SELECT country IN ('A', 'B') AS grp, round((svy_pool(e, pop)).estimate::numeric, 12)
FROM est GROUP BY 1 ORDER BY 1;
SELECT round((svy_pool_final(svy_pool_combine(
         svy_pool_transfn(svy_pool_transfn('{0,0,0,0,0,0,NaN}', a.e, a.pop), b.e, b.pop),
         svy_pool_transfn('{0,0,0,0,0,0,NaN}', c.e, c.pop)))).estimate::numeric, 12) AS combined
FROM est a, est b, est c WHERE a.country = 'A' AND b.country = 'B' AND c.country = 'C';
-- NULL rows (NULL estimate row or NULL weight) are skipped; no rows gives NULL
SELECT (svy_pool(e, w)).estimate
FROM (VALUES (ROW(0.5, 0.1, NULL, NULL, 10, 5, NULL, NULL)::svy_estimate, 1.0::float8),
             (NULL::svy_estimate, 1.0), (ROW(0.9, 0.1, NULL, NULL, 10, 5, NULL, NULL)::svy_estimate, NULL)) v(e, w);
SELECT svy_pool(e, pop) IS NULL AS empty FROM est WHERE false;
-- n NULL in a component makes the pooled n NULL; NULL df counts as infinite
SELECT (svy_pool(e, 1)).n, (svy_pool(e, 1)).df
FROM (VALUES (ROW(0.5, 0.1, NULL, NULL, NULL, NULL, NULL, NULL)::svy_estimate),
             (ROW(0.6, 0.1, NULL, NULL, NULL, 3, NULL, NULL)::svy_estimate)) v(e);
-- errors
SELECT svy_pool(e, -1) FROM est;
SELECT svy_pool(e, 0) FROM est;
SELECT svy_pool(e, 'Infinity') FROM est;
SELECT svy_pool(e, 'NaN') FROM est;
SELECT svy_pool(e, pop, 1) FROM est;
SELECT svy_pool(e, 1, l) FROM (VALUES (ROW(0.5, 0.1, NULL, NULL, 10, 5, NULL, NULL)::svy_estimate, 0.9::float8),
                                      (ROW(0.6, 0.1, NULL, NULL, 10, 5, NULL, NULL)::svy_estimate, 0.95)) v(e, l);
SELECT svy_pool(e, 1) FROM (VALUES (ROW(0.5, 0.1, NULL, NULL, 10, 5, NULL, NULL)::svy_estimate),
                                   (ROW(NULL, NULL, NULL, NULL, 10, 0, NULL, NULL)::svy_estimate)) v(e);
SELECT svy_pool(e, 1) FROM (VALUES (ROW(0.5, 'NaN', NULL, NULL, 10, 5, NULL, NULL)::svy_estimate)) v(e);
SELECT svy_pool(e, 1) FROM (VALUES (ROW(0.5, 0.1, NULL, NULL, -2, 5, NULL, NULL)::svy_estimate)) v(e);

-- ---------- svy_reliability (NCHS 2017) ----------
-- Korn-Graubard 95% limits computed in R with n_eff * (qt(.025, n-1)/qt(.025, df))^2 capped at n
CREATE TEMP TABLE rel (name text, e svy_estimate);
INSERT INTO rel VALUES
  -- width 0.081, relative 16%: ok
  ('ok',          ROW(0.50, 0.02,  NULL, NULL, 100, 1000, NULL, NULL)),
  -- n_eff = 25 and width 0.417
  ('n_eff',       ROW(0.50, 0.10,  NULL, NULL,  50,  200, NULL, NULL)),
  -- n_eff = p(1-p)/se^2 = 2500 but only 20 rows: capped at n
  ('n_small',     ROW(0.50, 0.01,  NULL, NULL,  50,   20, NULL, NULL)),
  -- n_eff = 34.6, width 0.353
  ('wide',        ROW(0.50, 0.085, NULL, NULL,  50,  100, NULL, NULL)),
  -- width 0.133, relative width 166%
  ('relative',    ROW(0.08, 0.03,  NULL, NULL,  50,  400, NULL, NULL)),
  -- fine but only 5 df: review
  ('df',          ROW(0.50, 0.02,  NULL, NULL,   5, 1000, NULL, NULL)),
  -- p = 0.92: complement's relative width 166%: presented with a footnote
  ('complement',  ROW(0.92, 0.03,  NULL, NULL,  50,  400, NULL, NULL)),
  -- p = 0 with 200 rows: KG upper limit 1 - 0.025^(1/200) = 0.018: review
  ('p0',          ROW(0.00, 0.00,  NULL, NULL,  50,  200, NULL, NULL)),
  -- p = 1 with 40 rows: width 1 - 0.025^(1/40) = 0.088, relative 8.8%: review
  ('p1',          ROW(1.00, 0.00,  NULL, NULL,  50,   40, NULL, NULL)),
  -- p = 0 with 20 rows
  ('p0_small',    ROW(0.00, 0.00,  NULL, NULL,  50,   20, NULL, NULL)),
  -- suppression outranks review: n_eff < 30 and df < 8 gives only the suppress reasons
  ('both',        ROW(0.50, 0.10,  NULL, NULL,   3,  200, NULL, NULL)),
  -- an empty domain
  ('empty',       ROW(NULL, NULL,  NULL, NULL,  50,    0, NULL, NULL)),
  -- a NULL df is a normal reference
  ('df_null',     ROW(0.50, 0.02,  NULL, NULL, NULL, 1000, NULL, NULL));
SELECT name, (svy_reliability(e)).* FROM rel ORDER BY name;
SELECT (svy_reliability(e, 'NCHS')).status FROM rel WHERE name = 'ok';
SELECT svy_reliability(NULL) IS NULL AS null_in_null_out;
-- errors
SELECT svy_reliability(ROW(1.5, 0.1, NULL, NULL, 10, 100, NULL, NULL)::svy_estimate);
SELECT svy_reliability(e, 'who') FROM rel WHERE name = 'ok';

-- ---------- with the aggregates ----------
CREATE TEMP TABLE resp AS
SELECT g, ((i / 20) % 10 < CASE g WHEN 'x' THEN 6 ELSE 4 END) AS yes,
       svy_design(1.0 + (i % 3), strata => g, psu => i % 20) AS d
FROM generate_series(1, 2000) i, (VALUES ('x'), ('y')) v(g);
-- separate strata are independent samples: svy_diff of the two groups
SELECT round((svy_diff(x.e, y.e)).difference::numeric, 6) AS difference,
       (svy_diff(x.e, y.e)).df <= (x.e).df + (y.e).df AS df_within_bound
FROM (SELECT svy_prop(yes, d) AS e FROM resp WHERE g = 'x') x,
     (SELECT svy_prop(yes, d) AS e FROM resp WHERE g = 'y') y;
SELECT g, (svy_reliability(svy_prop(yes, d))).* FROM resp GROUP BY g ORDER BY g;
-- survey.min_cell_n applies to the pool's total n
SET survey.min_cell_n = 5000;
SELECT (svy_pool(e, 1)).* FROM est;
RESET survey.min_cell_n;
-- parallel plan: partial pools combined
-- (a plain table: temporary tables are never scanned in parallel)
CREATE TABLE many AS
SELECT i, ROW(0.5 + (i % 7) / 100.0, 0.01 + (i % 5) / 1000.0, NULL, NULL, 10 + i % 30, 100, NULL, NULL)::svy_estimate AS e
FROM generate_series(1, 20000) i;
SELECT 'serial' AS plan, round(p.estimate::numeric, 12) AS estimate, round(p.std_error::numeric, 12) AS std_error,
       round(p.df::numeric, 6) AS df, p.n
FROM (SELECT (svy_pool(e, 1 + i % 4)).* FROM many) p;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET force_parallel_mode = on;
EXPLAIN (COSTS OFF) SELECT svy_pool(e, 1 + i % 4) FROM many;
SELECT 'parallel' AS plan, round(p.estimate::numeric, 12) AS estimate, round(p.std_error::numeric, 12) AS std_error,
       round(p.df::numeric, 6) AS df, p.n
FROM (SELECT (svy_pool(e, 1 + i % 4)).* FROM many) p;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET force_parallel_mode;
DROP TABLE many;
