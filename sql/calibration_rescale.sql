-- svy_calibrate method 'rescale' (SPEC §9 extension, oracle README §7.14): poststratify's weights
-- w N_g / sum_g w, the factor a fixed constant, so every statistic is the plain one of a design with
-- the rescaled weights.  The numbers against R are in the oracle test (kind calib_rescale, cases
-- KS*, test/oracle/extra/make_calib_rescale.R); this file checks that identity on each consumer,
-- the replicate designs, parallel = serial, and the errors.
SET extra_float_digits = 0;
-- 480 officers: 4 countries (strata) x 6 forces (PSUs), roles across them; deterministic
CREATE TABLE rs_off AS
SELECT i, (ARRAY['AT','DE','FR','PL'])[1 + i % 4] AS country, 1 + (i / 4) % 6 AS force,
       (ARRAY['patrol','detective','command'])[1 + (i * 7) % 3] AS role,
       ((i * 37) % 30)::float8 AS years, 1.0 + (i % 5) * 0.25 AS w,
       (i * 7919) % 100 < 25 + 10 * (i % 4) + (i * 37) % 30 AS trained,
       ((i * 31) % 7)::float8 AS courses
FROM generate_series(0, 479) AS i;
CREATE TABLE rs_pop AS
SELECT '{"role": {"patrol": 9000, "detective": 3000, "command": 2000}}'::svy_population AS pr;
-- the rescaled weights by hand: w N_role / (sum of w in the role)
CREATE VIEW rs_v AS
SELECT o.*, o.w * n.total / sum(o.w) OVER (PARTITION BY o.role) AS wr, p.pr
FROM rs_off o JOIN (VALUES ('patrol', 9000.0), ('detective', 3000.0), ('command', 2000.0)) n(role, total)
     USING (role), rs_pop p;
CREATE FUNCTION same(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN abs(a - b) <= 1e-9 * abs(b) + 1e-12;
CREATE FUNCTION same(a svy_estimate, b svy_estimate) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN same((a).estimate, (b).estimate) AND same((a).std_error, (b).std_error) AND (a).df = (b).df
       AND (a).n = (b).n AND coalesce(same((a).deff, (b).deff), (a).deff IS NULL AND (b).deff IS NULL);

-- rescale = the plain design with the rescaled weights: mean, total, prop, ratio, quantile, with
-- strata and PSUs, strata alone (each row its own PSU), and domains
SELECT which, same(r, p) AS same_as_plain, round((r).estimate::numeric, 6) AS estimate,
       round((r).std_error::numeric, 6) AS se, (r).df
FROM (SELECT 'mean psu' AS which,
             svy_mean(courses, svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale')) AS r,
             svy_mean(courses, svy_design(wr, strata => country, psu => force)) AS p FROM rs_v
      UNION ALL
      SELECT 'total rows', svy_total(years, svy_calibrate(svy_design(w, strata => country), pr, ARRAY[role], method => 'rescale')),
             svy_total(years, svy_design(wr, strata => country)) FROM rs_v
      UNION ALL
      SELECT 'prop psu', svy_prop(trained, svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale')),
             svy_prop(trained, svy_design(wr, strata => country, psu => force)) FROM rs_v
      UNION ALL
      SELECT 'ratio rows', svy_ratio(courses, years + 1, svy_calibrate(svy_design(w, strata => country), pr, ARRAY[role], method => 'rescale')),
             svy_ratio(courses, years + 1, svy_design(wr, strata => country)) FROM rs_v
      UNION ALL
      SELECT 'domain mean psu', svy_mean(courses, svy_subset(svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale'), country <> 'AT')),
             svy_mean(courses, svy_subset(svy_design(wr, strata => country, psu => force), country <> 'AT')) FROM rs_v
      UNION ALL
      SELECT 'quantile psu', svy_quantile(years, svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale'), 0.25),
             svy_quantile(years, svy_design(wr, strata => country, psu => force), 0.25) FROM rs_v
      UNION ALL
      SELECT 'quantile domain rows', svy_quantile(years, svy_subset(svy_calibrate(svy_design(w, strata => country), pr, ARRAY[role], method => 'rescale'), role <> 'patrol'), 0.5),
             svy_quantile(years, svy_subset(svy_design(wr, strata => country), role <> 'patrol'), 0.5) FROM rs_v
      UNION ALL
      -- beta and score use R's nrow(design): a domain of the plain design drops the other rows
      SELECT 'quantile domain beta psu', svy_quantile(years, svy_subset(svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale'), courses >= 2), 0.5, 0.95, 'math', 'beta'),
             svy_quantile(years, svy_subset(svy_design(wr, strata => country, psu => force), courses >= 2), 0.5, 0.95, 'math', 'beta') FROM rs_v
      UNION ALL
      SELECT 'quantile domain score psu', svy_quantile(years, svy_subset(svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale'), courses >= 2), 0.5, 0.95, 'math', 'score'),
             svy_quantile(years, svy_subset(svy_design(wr, strata => country, psu => force), courses >= 2), 0.5, 0.95, 'math', 'score') FROM rs_v) s
ORDER BY which;
-- the domain aggregates: svy_by, svy_dist (NULL answers are a domain) and svy_tab / svy_chisq
SELECT r.level, same(r.estimate, p.estimate) AND same(r.std_error, p.std_error) AND r.df = p.df
                AND r.n = p.n AND same(r.deff, p.deff) AS by_same
FROM (SELECT svy_by(courses, country, svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale')) AS br,
             svy_by(courses, country, svy_design(wr, strata => country, psu => force)) AS bp FROM rs_v) s,
     svy_groups(br) r, svy_groups(bp) p
WHERE r.level = p.level ORDER BY r.level;
SELECT r.level, same(r.estimate, p.estimate) AND same(r.std_error, p.std_error) AND r.df = p.df
                AND r.n = p.n AND same(r.deff, p.deff) AS dist_same
FROM (SELECT svy_dist(CASE WHEN i % 9 <> 0 THEN courses::int % 3 END, svy_calibrate(svy_design(w, psu => force), pr, ARRAY[role], method => 'rescale')) AS br,
             svy_dist(CASE WHEN i % 9 <> 0 THEN courses::int % 3 END, svy_design(wr, psu => force)) AS bp FROM rs_v) s,
     svy_groups(br) r, svy_groups(bp) p
WHERE r.level IS NOT DISTINCT FROM p.level ORDER BY r.level;
SELECT st, same((r).statistic, (p).statistic) AND same((r).p_value, (p).p_value) AND same((r).ndf, (p).ndf)
       AND coalesce(same((r).ddf, (p).ddf), (r).ddf IS NULL AND (p).ddf IS NULL) AS chisq_same
FROM (SELECT st, svy_chisq(svy_tab(trained, country, svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale')), st) AS r,
             svy_chisq(svy_tab(trained, country, svy_design(wr, strata => country, psu => force)), st) AS p
      FROM rs_v, unnest(ARRAY['F', 'Chisq', 'Wald']) st GROUP BY st
      UNION ALL
      SELECT 'F in a domain', svy_chisq(svy_tab(trained, role, svy_subset(svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale'), courses >= 2))),
             svy_chisq(svy_tab(trained, role, svy_subset(svy_design(wr, strata => country, psu => force), courses >= 2)))
      FROM rs_v) s
ORDER BY st;
-- ... the same estimates as poststratify; poststratify's residualised SE is smaller here
SELECT same((r).estimate, (p).estimate) AS same_estimate, (p).std_error < (r).std_error AS poststratify_se_smaller
FROM (SELECT svy_mean(courses, svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale')) AS r,
             svy_mean(courses, svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'poststratify')) AS p
      FROM rs_v) s;
-- the weights: svy_weight per row, and the summary (nothing iterated)
SELECT bool_and(same(svy_weight, wr)) AS weights_same, count(*) AS n
FROM (SELECT svy_weight(svy_calibrate(svy_design(w), pr, ARRAY[role], method => 'rescale')) OVER (), wr FROM rs_v) s;
SELECT n, round(sum_w::numeric, 6) AS sum_w, round(g_min::numeric, 9) AS g_min, round(g_max::numeric, 9) AS g_max,
       n_negative, iterations, converged
FROM (SELECT (svy_weights_summary(svy_calibrate(svy_design(w), pr, ARRAY[role], method => 'rescale'))).* FROM rs_v) s;
-- svy_glm: coefficients and sandwich SEs of the plain design with the rescaled weights, also in a
-- domain (R's prior weights are rescaled by their mean over the domain's rows, as the plain design's)
SELECT r.dom, r.term, same(r.estimate, p.estimate) AS same_estimate, same(r.std_error, p.std_error) AS same_se,
       r.df = p.df AS same_df
FROM (SELECT dom, svy_glm(trained::int::float8, ARRAY[1, years] || svy_dummies(country, ARRAY['AT','DE','FR','PL']),
                          svy_subset(svy_calibrate(svy_design(w, strata => country, psu => force), pr, ARRAY[role], method => 'rescale'), NOT dom OR courses >= 2),
                          'quasibinomial', '{(Intercept),years,DE,FR,PL}') AS mr,
             svy_glm(trained::int::float8, ARRAY[1, years] || svy_dummies(country, ARRAY['AT','DE','FR','PL']),
                     svy_subset(svy_design(wr, strata => country, psu => force), NOT dom OR courses >= 2), 'quasibinomial', '{(Intercept),years,DE,FR,PL}') AS mp
      FROM rs_v, (VALUES (true), (false)) v(dom) GROUP BY dom) s,
     LATERAL (SELECT s.dom, * FROM svy_coef(mr)) r, svy_coef(mp) p
WHERE r.term = p.term
ORDER BY r.dom, r.term;
-- the text form keeps the method
SELECT d::text ~ '^calibrated method=rescale ' AS text_form,
       same(svy_mean(courses, d::text::svy_design), svy_mean(courses, d)) AS round_trip
FROM (SELECT courses, svy_calibrate(svy_design(w, psu => force), pr, ARRAY[role], method => 'rescale') AS d FROM rs_v) s
GROUP BY 1;

-- replicate designs: every replicate keeps the full sample's factors (R: svrepdesign with the rescaled
-- weights and the base's multipliers), so rescale = the replicate design with rescaled replicate weights
SELECT which, same(r, p) AS same_as_plain, round((r).std_error::numeric, 6) AS se, (r).df
FROM (SELECT 'JK1 mean' AS which,
             svy_mean(courses, svy_calibrate(svy_repdesign(w, ARRAY(SELECT CASE WHEN f = force THEN 0 ELSE w * 1.2 END FROM generate_series(1, 6) f), 'JK1'),
                                             pr, ARRAY[role], method => 'rescale')) AS r,
             svy_mean(courses, svy_repdesign(wr, ARRAY(SELECT CASE WHEN f = force THEN 0 ELSE wr * 1.2 END FROM generate_series(1, 6) f), 'JK1')) AS p
      FROM rs_v
      UNION ALL
      SELECT 'bootstrap prop mse', svy_prop(trained, svy_calibrate(svy_repdesign(w, ARRAY[w * (1 + force % 2), w * (2 - force % 2), w * (force % 3)], 'bootstrap', mse => true),
                                                                 pr, ARRAY[role], method => 'rescale')),
             svy_prop(trained, svy_repdesign(wr, ARRAY[wr * (1 + force % 2), wr * (2 - force % 2), wr * (force % 3)], 'bootstrap', mse => true))
      FROM rs_v
      UNION ALL
      SELECT 'JK1 domain total', svy_total(years, svy_subset(svy_calibrate(svy_repdesign(w, ARRAY(SELECT CASE WHEN f = force THEN 0 ELSE w * 1.2 END FROM generate_series(1, 6) f), 'JK1'),
                                                                         pr, ARRAY[role], method => 'rescale'), role = 'patrol')),
             svy_total(years, svy_subset(svy_repdesign(wr, ARRAY(SELECT CASE WHEN f = force THEN 0 ELSE wr * 1.2 END FROM generate_series(1, 6) f), 'JK1'), role = 'patrol'))
      FROM rs_v) s
ORDER BY which;
-- a replicate with no weight in a level: rescale needs no replicate calibration, so no error
-- (poststratify fails there, as R's postStratify gives NaN weights)
SELECT round((svy_mean(courses, svy_calibrate(svy_repdesign(w, ARRAY[w, CASE WHEN role = 'command' THEN 0 ELSE w END], 'bootstrap'),
                                            pr, ARRAY[role], method => 'rescale'))).std_error::numeric, 6) AS se_rescale
FROM rs_v;
SELECT svy_mean(courses, svy_calibrate(svy_repdesign(w, ARRAY[w, CASE WHEN role = 'command' THEN 0 ELSE w END], 'bootstrap'),
                                       pr, ARRAY[role], method => 'poststratify')) FROM rs_v;

-- parallel = serial (partial aggregation, combine and serialization of the calibrated state)
CREATE TABLE rs_big AS
SELECT i, 'S' || (i % 5) AS stratum, (i / 5) % 40 AS psu, 0.5 + (i % 13) * 0.25 AS w,
       ((i * 7919) % 1000)::float8 AS y, (ARRAY['AT', 'BE', 'CZ', 'DE'])[1 + i % 4] AS country
FROM generate_series(1, 20000) i;
ANALYZE rs_big;
CREATE TABLE rs_bigpop AS SELECT '{"country": {"AT": 90000, "BE": 80000, "CZ": 70000, "DE": 160000}}'::svy_population AS pc;
CREATE FUNCTION rs_run() RETURNS TABLE (what text, estimate float8, std_error float8, df float8, n bigint)
LANGUAGE sql STABLE BEGIN ATOMIC
    SELECT 'mean psu', (e).estimate, (e).std_error, (e).df, (e).n FROM (
        SELECT svy_mean(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pc FROM rs_bigpop), ARRAY[country], method => 'rescale')) AS e
        FROM rs_big) s
    UNION ALL
    SELECT 'total rows', (e).estimate, (e).std_error, (e).df, (e).n FROM (
        SELECT svy_total(y, svy_calibrate(svy_design(w, strata => stratum), (SELECT pc FROM rs_bigpop), ARRAY[country], method => 'rescale')) AS e
        FROM rs_big) s
    UNION ALL
    SELECT 'weights', s.sum_w, s.kish_deff, s.iterations, s.n FROM (
        SELECT (svy_weights_summary(svy_calibrate(svy_design(w, psu => psu), (SELECT pc FROM rs_bigpop), ARRAY[country], method => 'rescale'))).*
        FROM rs_big) s;
END;
CREATE TABLE rs_serial AS SELECT * FROM rs_run();
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has($q$SELECT svy_mean(y, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pc FROM rs_bigpop), ARRAY[country], method => 'rescale'))
    FROM rs_big$q$, 'Partial Aggregate') AS partial_mean;
CREATE TABLE rs_parallel AS SELECT * FROM rs_run();
RESET ALL;
SET extra_float_digits = 0;
SELECT s.what, same(p.estimate, s.estimate) AS estimate_same, same(p.std_error, s.std_error) AS se_same,
       p.df = s.df AND p.n = s.n AS df_n_same
FROM rs_serial s JOIN rs_parallel p USING (what) ORDER BY s.what;

-- errors: one categorical variable, as poststratify
SELECT svy_mean(courses, svy_calibrate(svy_design(w), '{"role": {"patrol": 9000, "detective": 3000, "command": 2000}, "years": 200000}',
                                       ARRAY[role], ARRAY[years], method => 'rescale')) FROM rs_off;
SELECT svy_mean(courses, svy_calibrate(svy_design(w), '{"role": {"patrol": 9000, "detective": 3000, "command": 2000}, "country": {"AT": 1, "DE": 1, "FR": 1, "PL": 1}}',
                                       ARRAY[role, country], method => 'rescale')) FROM rs_off;
SELECT svy_mean(courses, svy_calibrate(svy_design(w), pr, ARRAY[role], method => 'rescale', bounds => ARRAY[0.5, 2])) FROM rs_v;
-- a level without rows, a level of population 0 with rows, a level whose weights sum to 0
SELECT svy_mean(courses, svy_calibrate(svy_design(w), '{"role": {"patrol": 9000, "detective": 3000, "command": 2000, "chief": 10}}',
                                       ARRAY[role], method => 'rescale')) FROM rs_off;
SELECT svy_mean(courses, svy_calibrate(svy_design(w), '{"role": {"patrol": 9000, "detective": 3000, "command": 0}}',
                                       ARRAY[role], method => 'rescale')) FROM rs_off;
SELECT svy_mean(courses, svy_calibrate(svy_design(CASE WHEN role = 'command' THEN 0 ELSE w END), pr, ARRAY[role], method => 'rescale')) FROM rs_v;
-- the text form checks the method against the population too
SELECT regexp_replace(svy_calibrate(svy_design(1.0), '{"role": {"patrol": 1}, "country": {"AT": 1}}', ARRAY['patrol', 'AT'],
                                    method => 'rake')::text, 'method=rake', 'method=rescale')::svy_design;
-- rows with different methods in one aggregate
SELECT svy_mean(courses, svy_calibrate(svy_design(w), pr, ARRAY[role], method => CASE WHEN i < 5 THEN 'rescale' ELSE 'poststratify' END)) FROM rs_v;

DROP FUNCTION rs_run(), plan_has(text, text), same(float8, float8), same(svy_estimate, svy_estimate);
DROP VIEW rs_v;
DROP TABLE rs_off, rs_pop, rs_big, rs_bigpop, rs_serial, rs_parallel;
