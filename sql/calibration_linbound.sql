-- bounded calibration (SPEC §9, issue 10): svy_calibrate(..., method => 'linear', bounds => ARRAY[L, U]),
-- R's calibrate(calfun = "linear", bounds = c(L, U)): g = 1 + x'lambda clipped to [L, U], by Newton
-- steps (R's grake) in the solve of raking and logit, a calibration cell per distinct auxiliary vector;
-- and R's bounds with raking (exp(x'lambda) clipped).  R's numbers: test/oracle (cases KLB*, from
-- test/oracle/extra/make_calib_linbound.R); here the weights, parallel = serial = merged states (Taylor
-- and JK1 designs), the closed form when the bounds do not bind, the text form, and the errors.
SET extra_float_digits = 0;

CREATE TABLE lb AS
SELECT i AS id, 'S' || (i % 2) AS stratum, i % 20 AS psu, 1 + (i % 5) * 0.5 AS w,
       CASE WHEN i % 17 = 0 THEN NULL ELSE ((i * 7919) % 1000)::float8 / 10 END AS y,
       (i * 31) % 7 < 3 AS bo, (ARRAY['AT', 'BE', 'CZ'])[1 + (i / 2) % 3] AS country,
       (ARRAY['patrol', 'detective'])[1 + (i * 13 / 7) % 2] AS role, ((i * 37) % 11)::float8 AS years
FROM generate_series(1, 3000) i;
ANALYZE lb;
-- the population is 1.2 times the design weights; unbounded linear gives g in 0.665 .. 1.735 (categorical
-- margins only: 0.966 .. 1.435); raking meets the margins to R's relative misfit 1e-7
CREATE TABLE lbpop AS
SELECT '{"country": {"AT": 2600, "BE": 2400, "CZ": 2200}, "role": {"detective": 3200, "patrol": 4000}, "years": 39600}'::svy_population AS pop,
       '{"country": {"AT": 2600, "BE": 2400, "CZ": 2200}, "role": {"detective": 3200, "patrol": 4000}}'::svy_population AS pcat;
CREATE VIEW lbd AS
SELECT l.*,
       svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM lbpop), ARRAY[country, role],
                     ARRAY[years], bounds => ARRAY[0.8, 1.5]) AS d_lin,
       svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM lbpop), ARRAY[country, role],
                     ARRAY[years], bounds => ARRAY[0.95, 'Infinity']) AS d_low,
       svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pcat FROM lbpop), ARRAY[country, role],
                     bounds => ARRAY[0.97, 1.4]) AS d_cat,
       svy_calibrate(svy_design(w, strata => stratum), (SELECT pop FROM lbpop), ARRAY[country, role],
                     ARRAY[years], bounds => ARRAY[0.8, 1.5]) AS d_rows,
       svy_calibrate(svy_design(w, strata => stratum, psu => id), (SELECT pop FROM lbpop), ARRAY[country, role],
                     ARRAY[years], bounds => ARRAY[0.8, 1.5]) AS d_ids,
       svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM lbpop), ARRAY[country, role],
                     ARRAY[years], method => 'raking', bounds => ARRAY[0.8, 1.5]) AS d_rk,
       svy_calibrate(svy_repdesign(w, ARRAY(SELECT CASE WHEN r = psu % 10 THEN 0 ELSE w * 10 / 9.0 END FROM generate_series(0, 9) r),
                                   'JK1'), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years],
                     bounds => ARRAY[0.8, 1.6]) AS d_rep
FROM lb l;

-- ---------------------------------------------------------------- the weights meet the margins, g within the bounds
CREATE TABLE wts AS
SELECT id, country, role, years, w, svy_weight(d_lin) OVER () AS w_lin, svy_weight(d_low) OVER () AS w_low,
       svy_weight(d_cat) OVER () AS w_cat, svy_weight(d_rk) OVER () AS w_rk
FROM lbd;
SELECT country, round(sum(w_lin)::numeric, 6) AS lin, round(sum(w_low)::numeric, 6) AS low,
       round(sum(w_cat)::numeric, 6) AS cat, round(sum(w_rk)::numeric, 3) AS rk
FROM wts GROUP BY country ORDER BY country;
SELECT role, round(sum(w_lin)::numeric, 6) AS lin, round(sum(w_low)::numeric, 6) AS low,
       round(sum(w_cat)::numeric, 6) AS cat, round(sum(w_rk)::numeric, 3) AS rk
FROM wts GROUP BY role ORDER BY role;
SELECT round(sum(w_lin * years)::numeric, 6) AS lin_years, round(sum(w_low * years)::numeric, 6) AS low_years,
       round(sum(w_rk * years)::numeric, 2) AS rk_years FROM wts;
-- g within the bounds, pinned at both (rows at L and at U), one factor per (country, role, years)
SELECT round(min(w_lin / w)::numeric, 12) AS lin_g_min, round(max(w_lin / w)::numeric, 12) AS lin_g_max,
       count(*) FILTER (WHERE abs(w_lin / w - 0.8) < 1e-12) AS at_lower, count(*) FILTER (WHERE abs(w_lin / w - 1.5) < 1e-12) AS at_upper,
       round(min(w_low / w)::numeric, 12) AS low_g_min, round(max(w_low / w)::numeric, 6) AS low_g_max,
       round(min(w_cat / w)::numeric, 12) AS cat_g_min, round(max(w_cat / w)::numeric, 12) AS cat_g_max,
       round(min(w_rk / w)::numeric, 12) AS rk_g_min, round(max(w_rk / w)::numeric, 12) AS rk_g_max,
       count(DISTINCT (country, role, years)) AS cells, count(DISTINCT round((w_lin / w)::numeric, 10)) <= count(DISTINCT (country, role, years)) AS factor_per_cell
FROM wts;
-- svy_weights_summary: exact ranges (a factor per cell), Newton iterations, converged
SELECT what, s.n, round(s.sum_w::numeric, 3) AS sum_w, round(s.g_min::numeric, 12) AS g_min, round(s.g_max::numeric, 6) AS g_max,
       s.n_negative, s.iterations, s.converged
FROM (SELECT 'lin' AS what, svy_weights_summary(d_lin) AS s FROM lbd
      UNION ALL SELECT 'low', svy_weights_summary(d_low) FROM lbd
      UNION ALL SELECT 'cat', svy_weights_summary(d_cat) FROM lbd
      UNION ALL SELECT 'rk', svy_weights_summary(d_rk) FROM lbd
      UNION ALL SELECT 'rep', svy_weights_summary(d_rep) FROM lbd) t, LATERAL (SELECT (t.s).*) s ORDER BY what;
SELECT abs(s.min_w - mn) < 1e-9 AS min_w, abs(s.max_w - mx) < 1e-9 AS max_w
FROM (SELECT (svy_weights_summary(d_lin)).* FROM lbd) s, (SELECT min(w_lin) AS mn, max(w_lin) AS mx FROM wts) w;

-- ---------------------------------------------------------------- bounds that do not bind: the closed form (R takes grake's path, same numbers)
CREATE FUNCTION same(a svy_estimate, b svy_estimate) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN abs(a.estimate - b.estimate) <= 1e-11 * abs(b.estimate) AND abs(a.std_error - b.std_error) <= 1e-9 * b.std_error
       AND a.df = b.df AND a.n = b.n;
SELECT same(svy_mean(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM lbpop), ARRAY[country, role],
                                      ARRAY[years], bounds => ARRAY[0.5, 2])),
            svy_mean(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM lbpop), ARRAY[country, role],
                                      ARRAY[years]))) AS wide_is_closed_form,
       same(svy_total(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM lbpop), ARRAY[country, role],
                                       ARRAY[years], bounds => ARRAY['-Infinity', 'Infinity']::float8[])),
            svy_total(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM lbpop), ARRAY[country, role],
                                       ARRAY[years]))) AS infinite_is_closed_form
FROM lb;
SELECT s.iterations, s.converged
FROM (SELECT (svy_weights_summary(svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years],
                                                bounds => ARRAY[0.5, 2]))).* FROM lb) s;

-- ---------------------------------------------------------------- the estimates
SELECT what, round((e).estimate::numeric, 8) AS estimate, round((e).std_error::numeric, 8) AS std_error, (e).df, (e).n
FROM (SELECT 'lin mean' AS what, svy_mean(y, d_lin) AS e FROM lbd
      UNION ALL SELECT 'low total', svy_total(y, d_low) FROM lbd
      UNION ALL SELECT 'cat prop', svy_prop(bo, d_cat) FROM lbd
      UNION ALL SELECT 'rk ratio', svy_ratio(y, years + 1, d_rk) FROM lbd
      UNION ALL SELECT 'rep mean', svy_mean(y, d_rep) FROM lbd) t ORDER BY what;
-- the estimate is the calibrated weights' (svy_weight)
SELECT round((SELECT (svy_total(y, d_lin)).estimate FROM lbd)::numeric, 6) =
       round((SELECT sum(w_lin * y) FROM wts JOIN lb USING (id))::numeric, 6) AS total_is_weighted_sum;
-- a design without PSUs (rows as PSUs, kept per stratum x cell) = the same rows as their own PSUs
SELECT same(svy_mean(y, d_rows), svy_mean(y, d_ids)) AS mean, same(svy_prop(bo, d_rows), svy_prop(bo, d_ids)) AS prop,
       same(svy_mean(y, svy_subset(d_rows, country = 'BE')), svy_mean(y, svy_subset(d_ids, country = 'BE'))) AS domain
FROM lbd;

-- ---------------------------------------------------------------- parallel = serial = merged
CREATE FUNCTION lb_run() RETURNS TABLE (what text, e svy_estimate) LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT 'lin mean', svy_mean(y, d_lin) FROM lbd
    UNION ALL SELECT 'lin total', svy_total(y, d_lin) FROM lbd
    UNION ALL SELECT 'low prop', svy_prop(bo, d_low) FROM lbd
    UNION ALL SELECT 'cat mean', svy_mean(y, d_cat) FROM lbd
    UNION ALL SELECT 'rows mean', svy_mean(y, d_rows) FROM lbd
    UNION ALL SELECT 'rk mean', svy_mean(y, d_rk) FROM lbd
    UNION ALL SELECT 'domain mean', svy_mean(y, svy_subset(d_lin, country = 'AT')) FROM lbd
    UNION ALL SELECT 'replicate mean', svy_mean(y, d_rep) FROM lbd
    UNION ALL SELECT 'replicate prop', svy_prop(bo, svy_subset(d_rep, country = 'BE')) FROM lbd;
END;
-- the domain and regression aggregates: their rows as (what, estimate, std_error)
CREATE FUNCTION lb_run2() RETURNS TABLE (what text, estimate float8, std_error float8) LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT 'by ' || g.level, g.estimate, g.std_error FROM (SELECT svy_by(y, country, d_lin) AS t FROM lbd) s, svy_groups(s.t) g
    UNION ALL SELECT 'dist ' || g.level, g.estimate, g.std_error FROM (SELECT svy_dist(role, d_cat) AS t FROM lbd) s, svy_groups(s.t) g
    UNION ALL SELECT 'chisq', c.statistic, c.p_value FROM (SELECT svy_tab(country, bo::text, d_lin) AS t FROM lbd) s, svy_chisq(s.t) c
    UNION ALL SELECT 'glm ' || c.term, c.estimate, c.std_error FROM (SELECT svy_glm(y, ARRAY[1, years], d_lin) AS m FROM lbd) s, svy_coef(s.m) c
    UNION ALL SELECT 'quantile', (q).estimate, (q).std_error FROM (SELECT svy_quantile(y, d_lin, 0.5) AS q FROM lbd) s
    UNION ALL SELECT 'replicate by ' || g.level, g.estimate, g.std_error FROM (SELECT svy_by(y, country, d_rep) AS t FROM lbd) s, svy_groups(s.t) g
    UNION ALL SELECT 'replicate glm ' || c.term, c.estimate, c.std_error FROM (SELECT svy_glm(y, ARRAY[1, years], d_rep) AS m FROM lbd) s, svy_coef(s.m) c;
END;
CREATE TABLE serial AS SELECT * FROM lb_run();
CREATE TABLE serial2 AS SELECT * FROM lb_run2();
CREATE TABLE merged AS
SELECT 'lin mean' AS what, svy_mean(svy_merge(s)) AS e FROM (SELECT svy_accum(y, d_lin) AS s FROM lbd GROUP BY psu) p
UNION ALL SELECT 'low prop', svy_prop(svy_merge(s)) FROM (SELECT svy_accum(bo, d_low) AS s FROM lbd GROUP BY psu % 3) p
UNION ALL SELECT 'rows mean', svy_mean(svy_merge(s::text::svy_state)) FROM (SELECT svy_accum(y, d_rows) AS s FROM lbd GROUP BY id % 7) p
UNION ALL SELECT 'rk mean', svy_mean(svy_merge(s)) FROM (SELECT svy_accum(y, d_rk) AS s FROM lbd GROUP BY role) p
UNION ALL SELECT 'replicate mean', svy_mean(svy_merge(s)) FROM (SELECT svy_accum(y, d_rep) AS s FROM lbd GROUP BY country) p;
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has('SELECT svy_mean(y, d_lin) FROM lbd', 'Partial Aggregate') AS partial_mean,
       plan_has('SELECT svy_weights_summary(d_lin) FROM lbd', 'Partial Aggregate') AS partial_summary;
CREATE TABLE parallel AS SELECT * FROM lb_run();
CREATE TABLE parallel2 AS SELECT * FROM lb_run2();
\i sql/include/parallel_off.sql
SELECT s.what, same(p.e, s.e) AS parallel_same, m.e IS NULL OR same(m.e, s.e) AS merged_same
FROM serial s JOIN parallel p USING (what) LEFT JOIN merged m USING (what) ORDER BY s.what;
SELECT count(*) AS merged_cases FROM merged;
SELECT s.what, abs(p.estimate - s.estimate) <= 1e-10 * abs(s.estimate) AND abs(p.std_error - s.std_error) <= 1e-9 * abs(s.std_error)
           AS parallel_same
FROM serial2 s JOIN parallel2 p USING (what) ORDER BY s.what;
SELECT what, round(estimate::numeric, 8) AS estimate, round(std_error::numeric, 8) AS std_error FROM serial2 ORDER BY what;

-- ---------------------------------------------------------------- the text form keeps the bounds (an infinite one too)
SELECT (regexp_match(d_low::text, 'bounds=\{[^}]*\}'))[1] AS low, (regexp_match(d_lin::text, 'bounds=\{[^}]*\}'))[1] AS lin,
       d_low::text::svy_design::text = d_low::text AS low_round_trip, d_rk::text::svy_design::text = d_rk::text AS rk_round_trip,
       (regexp_match(svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years],
                                   bounds => ARRAY['-Infinity', 'Infinity']::float8[])::text, 'bounds=\{[^}]*\}'))[1] AS none
FROM lbd WHERE id = 1;
SELECT same(svy_mean(y, d_low::text::svy_design), svy_mean(y, d_low)) AS reads_same FROM lbd;
-- a text form with bad bounds
SELECT regexp_replace(d_lin::text, 'bounds=\{[^}]*\}', 'bounds={1.5,0.8}')::svy_design FROM lbd WHERE id = 1;
SELECT regexp_replace(d_lin::text, 'bounds=\{[^}]*\}', 'bounds={NaN,2}')::svy_design FROM lbd WHERE id = 1;
SELECT regexp_replace(d_lin::text, 'bounds=\{[^}]*\}', 'bounds={-Infinity,Infinity}')::svy_design FROM lbd WHERE id = 1;
SELECT regexp_replace(regexp_replace(d_lin::text, 'bounds=\{[^}]*\}', 'bounds={0.5,Infinity}'), 'method=linear', 'method=logit')::svy_design
FROM lbd WHERE id = 1;

-- ---------------------------------------------------------------- errors and warnings
-- bounds: lower < 1 < upper, two elements, no NULL or NaN; rake, poststratify and rescale take none
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => ARRAY[1, 2])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => ARRAY[0.5, 1])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => ARRAY[2, 0.5])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => ARRAY['NaN'::float8, 2])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => ARRAY['-Infinity', 0.9])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => ARRAY[0.5, 2, 3])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => ARRAY[0.5])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => ARRAY[0.5, NULL])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => '{{0.5, 2}}')) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], method => 'raking',
                                 bounds => ARRAY[1.1, 2])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], method => 'logit',
                                 bounds => ARRAY[0.5, 'Infinity'])) FROM lb;
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pcat FROM lbpop), ARRAY[country, role], method => 'rake',
                                 bounds => ARRAY[0.5, 2])) FROM lb;
-- rows of one aggregate with different bounds
SELECT svy_mean(y, svy_calibrate(svy_design(w), (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years],
                                 bounds => CASE WHEN id = 7 THEN ARRAY[0.5, 2] ELSE ARRAY[0.5, 3] END)) FROM lb;
-- bounds the weights cannot meet: R warns after maxit steps (and calibrate() then stops unless force = TRUE);
-- here the WARNING with iterations and misfit (R: eps=0.178605348662834, 0.0775102226260791), and the last
-- iteration's weights (R's pseudo-inverse steps; oracle case KLB_apiclus1_unmet: R's force = TRUE weights)
SELECT round((svy_mean(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM lbpop), ARRAY[country, role],
                                        ARRAY[years], bounds => ARRAY[0.9, 1.4]))).estimate::numeric, 4) AS estimate FROM lb;
SELECT round((svy_mean(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pop FROM lbpop), ARRAY[country, role],
                                        ARRAY[years], bounds => ARRAY[0.95, 1.35]))).estimate::numeric, 4) AS estimate FROM lb;
SELECT round((svy_mean(y, svy_calibrate(svy_design(w), (SELECT pcat FROM lbpop), ARRAY[country, role],
                                        bounds => ARRAY[0.5, 1.1]))).estimate::numeric, 4) AS estimate FROM lb;
-- a replicate that cannot meet the bounds: R's grake warns and goes on (the CONTEXT names the replicate);
-- the SE is R's (0.0369341845944573), the misfit R's (eps=0.0935766058485378)
\set SHOW_CONTEXT always
SELECT round((e).estimate::numeric, 9) AS estimate, round((e).std_error::numeric, 12) AS std_error, (e).df
FROM (SELECT svy_mean(y, svy_calibrate(svy_repdesign(w, ARRAY[w, CASE WHEN country = 'AT' THEN w * 0.5 ELSE w END], 'bootstrap'),
                                       (SELECT pop FROM lbpop), ARRAY[country, role], ARRAY[years], bounds => ARRAY[0.8, 1.6])) AS e
      FROM lb) s;
\set SHOW_CONTEXT errors
-- populations over 20 times the sample: R rescales the weights first and warns that the bounds apply after it
SELECT round((svy_mean(y, svy_calibrate(svy_design(1.0), '{"country": {"AT": 26000, "BE": 24000, "CZ": 22000}}', ARRAY[country],
                                        bounds => ARRAY[0.5, 2]))).estimate::numeric, 6) AS estimate FROM lb;

DROP FUNCTION lb_run(), lb_run2(), plan_has(text, text), same(svy_estimate, svy_estimate);
DROP VIEW lbd;
DROP TABLE lb, lbpop, wts, serial, parallel, merged, serial2, parallel2;
