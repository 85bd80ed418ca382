-- svy_glm (SPEC §10): design-based GLMs as R's svyglm.  The numbers against R are in the oracle test
-- (kit and test/oracle/extra/cases_glm.csv); this file checks the SQL surface, partial aggregation,
-- the svy_model type and every bad input.
SET extra_float_digits = 0;
\set officers off
\i sql/include/officers.sql
CREATE VIEW offd AS
SELECT o.*, svy_design(w, strata => country, psu => force) AS d,
       ARRAY[1, years] || svy_dummies(country, ARRAY['AT','DE','FR','PL'])
                       || svy_dummies(role, ARRAY['patrol','detective','command']) AS x
FROM off o;
\set terms '''{(Intercept),years,DE,FR,PL,detective,command}'''

-- the three call forms; default family gaussian, default names x1, x2, ...
SELECT term, round(estimate::numeric, 6) AS est, round(std_error::numeric, 6) AS se, df
FROM (SELECT svy_glm(courses, ARRAY[1, years], d) AS m FROM offd) s, svy_coef(m);
SELECT term, round(estimate::numeric, 6) AS est, round(std_error::numeric, 6) AS se,
       round(ci_lower::numeric, 6) AS lo, round(ci_upper::numeric, 6) AS hi,
       round(statistic::numeric, 4) AS t, df, round(p_value::numeric, 6) AS p
FROM (SELECT svy_glm(trained, x, d, 'quasibinomial', :terms) AS m FROM offd) s, svy_coef(m);
-- odds ratios: exp of the estimate and limits, SE on the link scale; level 0.9
SELECT a.term, abs(b.estimate - exp(a.estimate)) < 1e-12 AS or_ok, b.std_error = a.std_error AS se_link,
       abs(b.ci_lower - exp(a.estimate - qt90 * a.std_error)) < 1e-12 AS lo_ok
FROM (SELECT svy_glm(trained, x, d, 'binomial', :terms) AS m FROM offd) s,
     svy_coef(m) a JOIN svy_coef(m, 0.9, true) b USING (term),
     LATERAL (SELECT (b.ci_upper / b.estimate) AS r) r0,
     LATERAL (SELECT ln(r0.r) / a.std_error AS qt90) q
WHERE a.term IN ('DE', 'command');
-- binomial = quasibinomial, poisson = quasipoisson (the sandwich ignores the dispersion)
SELECT (SELECT array_agg(round(estimate::numeric, 10) ORDER BY term) FROM svy_coef(a)) =
       (SELECT array_agg(round(estimate::numeric, 10) ORDER BY term) FROM svy_coef(b)) AS same
FROM (SELECT svy_glm(courses, x, d, 'poisson', :terms) AS a, svy_glm(courses, x, d, 'quasipoisson', :terms) AS b
      FROM offd) s;
-- Wald tests (regTermTest): F and Chisq; svy_vcov
SELECT round(statistic::numeric, 6), ndf, ddf, round(p_value::numeric, 8)
FROM (SELECT svy_glm(trained, x, d, 'quasibinomial', :terms) AS m FROM offd) s,
     svy_wald(m, ARRAY['DE','FR','PL']);
SELECT round(statistic::numeric, 6), ndf, ddf, round(p_value::numeric, 8)
FROM (SELECT svy_glm(trained, x, d, 'quasibinomial', :terms) AS m FROM offd) s,
     svy_wald(m, ARRAY['DE','FR','PL'], 'Chisq');
-- one term: F = t^2
SELECT abs(w.statistic - c.statistic ^ 2) < 1e-9 * w.statistic AS f_is_t2, abs(w.p_value - c.p_value) < 1e-12 AS same_p
FROM (SELECT svy_glm(trained, x, d, 'quasibinomial', :terms) AS m FROM offd) s,
     svy_wald(m, ARRAY['years']) w, svy_coef(m) c WHERE c.term = 'years';
SELECT array_dims(v), abs(sqrt(v[2][2]) - (SELECT std_error FROM svy_coef(m) WHERE term = 'years')) < 1e-15 AS se_ok,
       v[2][3] = v[3][2] AS symmetric
FROM (SELECT m, svy_vcov(m) AS v FROM (SELECT svy_glm(trained, x, d, 'quasibinomial', :terms) AS m FROM offd) s) t;

-- domains: svy_subset, NULL outcome and NULL predictor are the same domain; an empty domain gives NULL
CREATE TEMP TABLE dom AS
SELECT svy_glm(trained, x, svy_subset(d, years >= 5), 'quasibinomial') AS a,
       svy_glm(CASE WHEN years >= 5 THEN trained END, x, d, 'quasibinomial') AS b,
       svy_glm(trained, CASE WHEN years >= 5 THEN x ELSE x[1:6] || NULL::float8 END, d, 'quasibinomial') AS c
FROM offd;
SELECT term, round(estimate::numeric, 8) AS est, round(std_error::numeric, 8) AS se, df FROM dom, svy_coef(a)
WHERE term IN ('x1', 'x2', 'x6');
SELECT a::text = b::text AS null_outcome_same, a::text = c::text AS null_x_same FROM dom;
SELECT svy_glm(trained, x, svy_subset(d, false), 'quasibinomial') IS NULL AS empty_domain FROM offd;
SELECT svy_glm(trained, x, d) IS NULL AS no_rows FROM offd WHERE false;
-- a level that never occurs in the domain makes its dummy column 0: singular, the term is named
SELECT svy_glm(trained, x, svy_subset(d, role <> 'command'), 'quasibinomial', :terms) FROM offd;

-- the svy_model type: lossless text I/O, validated input
CREATE TEMP TABLE models AS
SELECT svy_glm(trained, x, d, 'quasibinomial', :terms) AS m FROM offd;
SELECT m::text::svy_model::text = m::text AS text_roundtrip,
       (SELECT array_agg(estimate) FROM svy_coef(m::text::svy_model)) = (SELECT array_agg(estimate) FROM svy_coef(m)) AS exact
FROM models;
SELECT length(m::text) FROM models;
SELECT 'nothex'::svy_model;
SELECT '\xzz'::svy_model;
SELECT '\x00'::svy_model;
SELECT ('\x02' || substr(m::text, 5))::svy_model FROM models;                 -- unknown version
SELECT substr(m::text, 1, length(m::text) - 16)::svy_model FROM models;      -- truncated
SELECT (m::text || '00')::svy_model FROM models;                             -- trailing byte
SELECT overlay(m::text placing '09' from 5 for 2)::svy_model FROM models;    -- unknown family
SELECT overlay(m::text placing 'ffffffff' from 7 for 8)::svy_model FROM models; -- negative coefficient count

-- replicate designs: JK1 over the forces, refits per replicate
CREATE TEMP VIEW offrep AS
SELECT o.*, svy_repdesign(w, (SELECT array_agg(CASE WHEN k = f THEN 0 ELSE w * 24.0 / 23 END ORDER BY k)
                               FROM generate_series(1, 24) AS k,
                                    LATERAL (SELECT (o.force - 1) * 4 + array_position(ARRAY['AT','DE','FR','PL'], o.country) AS f) ff),
                          'JK1') AS rd
FROM offd o;
SELECT term, round(estimate::numeric, 8) AS est, round(std_error::numeric, 6) AS se, df
FROM (SELECT svy_glm(trained, x, rd, 'quasibinomial', :terms) AS m FROM offrep) s, svy_coef(m)
WHERE term IN ('(Intercept)', 'years', 'command');

-- lonely PSUs: a stratum with one PSU fails under "fail" (naming it), works under the other rules
CREATE TEMP VIEW lonely AS
SELECT trained, ARRAY[1, years] AS x,
       svy_design(w, strata => country, psu => CASE WHEN country = 'PL' THEN 1 ELSE force END) AS d FROM off;
SELECT svy_glm(trained, x, d, 'quasibinomial') FROM lonely;
SET survey.lonely_psu = 'adjust';
SELECT term, round(std_error::numeric, 8) FROM (SELECT svy_glm(trained, x, d, 'quasibinomial') AS m FROM lonely) s, svy_coef(m);
SET survey.lonely_psu = 'remove';
SELECT term, round(std_error::numeric, 8) FROM (SELECT svy_glm(trained, x, d, 'quasibinomial') AS m FROM lonely) s, svy_coef(m);
RESET survey.lonely_psu;

-- parallel = serial (forced partial aggregation, serialize/deserialize/combine): PSU design, a design
-- without PSUs, gaussian, a replicate design, a two-stage design
CREATE TABLE offbig AS SELECT o.*, k FROM off o, generate_series(1, 40) AS k;
CREATE VIEW offbigd AS
SELECT trained, courses, years, svy_design(w, strata => country, psu => force * 100 + k) AS d,
       svy_design(w, strata => country) AS dn,
       svy_design(w, strata => country, psu => force, fpc => 10, psu2 => k, fpc2 => 100) AS d2,
       svy_repdesign(w, ARRAY[w * (0.5 + ((k * 3 + force * 1 + i) % 7) / 6.0), w * (0.5 + ((k * 5 + force * 2 + i) % 7) / 6.0), w * (0.5 + ((k * 7 + force * 3 + i) % 7) / 6.0),
                              w * (0.5 + ((k * 11 + force * 4 + i) % 7) / 6.0), w * (0.5 + ((k * 13 + force * 5 + i) % 7) / 6.0), w * (0.5 + ((k * 17 + force * 6 + i) % 7) / 6.0),
                              w * (0.5 + ((k * 19 + force * 7 + i) % 7) / 6.0), w * (0.5 + ((k * 23 + force * 8 + i) % 7) / 6.0)], 'other') AS dr,
       ARRAY[1, years] || svy_dummies(country, ARRAY['AT','DE','FR','PL']) AS x FROM offbig;
CREATE TEMP TABLE serial AS
SELECT svy_glm(trained, x, d, 'quasibinomial') AS a, svy_glm(courses, x, dn, 'quasipoisson') AS b,
       svy_glm(courses, x, d) AS c, svy_glm(trained, x, dr, 'quasibinomial') AS r,
       svy_glm(trained, x, d2, 'quasibinomial') AS t FROM offbigd;
\i sql/include/parallel_on.sql
EXPLAIN (COSTS OFF) SELECT svy_glm(trained, x, d, 'quasibinomial'), svy_glm(trained, x, dr, 'quasibinomial') FROM offbigd;
EXPLAIN (COSTS OFF) SELECT svy_glm(trained, x, d2, 'quasibinomial') FROM offbigd;
CREATE TEMP TABLE par AS
SELECT svy_glm(trained, x, d, 'quasibinomial') AS a, svy_glm(courses, x, dn, 'quasipoisson') AS b,
       svy_glm(courses, x, d) AS c, svy_glm(trained, x, dr, 'quasibinomial') AS r,
       svy_glm(trained, x, d2, 'quasibinomial') AS t FROM offbigd;
RESET ALL;
SET extra_float_digits = 0;
SELECT which, bool_and(abs(p.estimate - s.estimate) <= 1e-9 * abs(s.estimate)) AS same_estimate,
       bool_and(abs(p.std_error - s.std_error) <= 1e-9 * s.std_error) AS same_se, bool_and(p.df = s.df) AS same_df
FROM serial, par,
     LATERAL (VALUES ('a', serial.a, par.a), ('b', serial.b, par.b), ('c', serial.c, par.c), ('r', serial.r, par.r),
             ('t', serial.t, par.t)) v(which, sm, pm),
     svy_coef(v.sm) s JOIN svy_coef(v.pm) p USING (term)
GROUP BY which ORDER BY which;

-- two-stage designs (R's multistage; the R values are in the oracle, cases_glm2.csv): forces within
-- countries (12 per country), 4 teams of 5 officers within each force (10 per force)
CREATE VIEW offd2 AS
SELECT o.*, svy_design(w, strata => country, psu => force, fpc => 12, psu2 => (i / 24) % 4, fpc2 => 10) AS d2,
       svy_design(w, strata => country, psu => force, psu2 => (i / 24) % 4) AS d2nofpc,
       svy_design(w, strata => country, psu => force, fpc => 12) AS d1
FROM offd o;
-- the second stage adds to the first stage's (fpc-corrected) variance; without a first-stage fpc it adds
-- nothing (as R): then the numbers are those of the PSUs alone
SELECT a.term, a.estimate = b.estimate AS same_estimate, a.std_error > c.std_error AS stage2_adds,
       abs(b.std_error - u.std_error) < 1e-12 * u.std_error AS nofpc_is_first_stage,
       round(a.std_error::numeric, 8) AS se
FROM (SELECT svy_glm(trained, x, d2, 'quasibinomial', :terms) AS m2, svy_glm(trained, x, d2nofpc, 'quasibinomial', :terms) AS m0,
             svy_glm(trained, x, d1, 'quasibinomial', :terms) AS m1,
             svy_glm(trained, x, svy_design(w, strata => country, psu => force), 'quasibinomial', :terms) AS mu
      FROM offd2) s, svy_coef(m2) a JOIN svy_coef(m0) b USING (term) JOIN svy_coef(m1) c USING (term)
     JOIN svy_coef(mu) u USING (term)
WHERE a.term IN ('(Intercept)', 'years', 'DE', 'command');
-- a PSU with one second-stage unit: an error under "fail", none under "certainty" (it adds nothing)
CREATE TEMP VIEW lonely2 AS
SELECT trained, x, svy_design(w, strata => country, psu => force, fpc => 12,
                              psu2 => CASE WHEN force = 2 THEN 0 ELSE (i / 24) % 4 END, fpc2 => 10) AS d FROM offd;
SELECT svy_glm(trained, x, d, 'quasibinomial') FROM lonely2;
SET survey.lonely_psu = 'certainty';
SELECT term, round(std_error::numeric, 8) FROM (SELECT svy_glm(trained, x, d, 'quasibinomial', :terms) AS m FROM lonely2) s, svy_coef(m)
WHERE term IN ('(Intercept)', 'years');
RESET survey.lonely_psu;
-- fpc2 below the sampled second-stage units
SELECT svy_glm(trained, x, svy_design(w, strata => country, psu => force, fpc => 12, psu2 => (i / 24) % 4, fpc2 => 2)) FROM offd;
-- states merged from parts that split PSUs and their units = the aggregate; the text form round-trips
CREATE AGGREGATE glm_state(float8, float8[], svy_design, text) (
    SFUNC = svy_glm_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE TEMP TABLE parts AS
SELECT i % 5 % 2 AS part, glm_state(trained, x, d2, 'quasibinomial') AS st FROM offd2 GROUP BY 1;
SELECT bool_and(abs(mc.estimate - w.estimate) <= 1e-9 * abs(w.estimate)) AS merged_estimate,
       bool_and(abs(mc.std_error - w.std_error) <= 1e-9 * w.std_error) AS merged_se,
       bool_and(t.estimate = h.estimate AND t.std_error = h.std_error) AS text_roundtrip
FROM parts a, parts b, (SELECT svy_glm(trained, x, d2, 'quasibinomial') AS m FROM offd2) whole,
     svy_coef(svy_glm_final(svy_aggstate_combine(a.st, b.st))) mc
     JOIN svy_coef(whole.m) w USING (term)
     JOIN svy_coef(svy_glm_final(a.st::text::svy_aggstate)) t USING (term)
     JOIN svy_coef(svy_glm_final(a.st)) h USING (term)
WHERE a.part = 0 AND b.part = 1;
DROP AGGREGATE glm_state(float8, float8[], svy_design, text);

-- state size: one entry per distinct x row per PSU, bounded by work_mem
SET work_mem = '64kB';
SELECT svy_glm(courses, ARRAY[1, k * 100.0 + years], svy_design(w, strata => country, psu => force)) FROM offbig;
RESET work_mem;

-- 70000 distinct (x, y, weight), more than the 65536 kept: glm.fit's start from each x row's mean weight
-- per outcome 0 and 1
-- (docs/regression.md); R's svyglm on the same 70000 rows (strata i % 7, weight 1 + (i % 99991) / 99991):
-- coef -0.847050937963939 0.227958814969324 0.441215419696375 0.646211880315284 0.847125016153492
-- SE 0.0186491666273093 0.0258617701569245 0.0255364641074555 0.0253552432891069 0.0252969777347829
SELECT term, abs(estimate / r.est - 1) < 1e-9 AS est_1e9, abs(std_error / r.se - 1) < 1e-7 AS se_1e7
FROM (SELECT svy_glm(((i * 7919) % 100 < 30 + 5 * (i % 5))::int::float8, ARRAY[1::float8] || svy_dummies(i % 5, ARRAY[0,1,2,3,4]),
                     svy_design(1 + (i % 99991) / 99991.0, strata => i % 7), 'quasibinomial') AS m
      FROM generate_series(0, 69999) AS i) s, svy_coef(m) WITH ORDINALITY c(term, estimate, std_error, l, u, t, df, p, k)
JOIN (VALUES (1, -0.847050937963939, 0.0186491666273093), (2, 0.227958814969324, 0.0258617701569245),
             (3, 0.441215419696375, 0.0255364641074555), (4, 0.646211880315284, 0.0253552432891069),
             (5, 0.847125016153492, 0.0252969777347829)) AS r(k, est, se) USING (k);

-- svy_dummies: treatment coding, NULL in, NULL out
SELECT svy_dummies('b'::text, ARRAY['a','b','c']), svy_dummies(3, ARRAY[1,2,3]), svy_dummies(NULL::text, ARRAY['a','b']),
       svy_dummies('a'::text, ARRAY['a']);
-- equality of the type: numeric 1.0 = 1.00 (not the bytes), varchar, a collation
SELECT svy_dummies(1.0::numeric, ARRAY[2.00, 1.00]), svy_dummies('b'::varchar, ARRAY['a','b']::varchar[]),
       svy_dummies('B'::text COLLATE "C", ARRAY['a','B']), svy_dummies(true, ARRAY[false, true]);
-- many levels (the levels' hash table), levels that change from row to row (not a constant: compared per row)
SELECT bool_and(cardinality(a) = 49 AND coalesce(array_position(a, 1::float8), 0) = k - 1
                AND (SELECT sum(v) FROM unnest(a) v) = (k > 1)::int) AS ints_ok,
       bool_and(cardinality(b) = 49 AND coalesce(array_position(b, 1::float8), 0) = k - 1
                AND (SELECT sum(v) FROM unnest(b) v) = (k > 1)::int) AS texts_ok
FROM (SELECT k, svy_dummies(k, (SELECT array_agg(j ORDER BY j) FROM generate_series(1, 50) j)) AS a,
             svy_dummies('L' || k, (SELECT array_agg('L' || j ORDER BY j) FROM generate_series(1, 50) j)) AS b
      FROM generate_series(1, 50) k) s;
SELECT i, svy_dummies('b'::text, CASE WHEN i % 2 = 0 THEN ARRAY['a','b','c'] ELSE ARRAY['b','a','c'] END)
FROM generate_series(1, 4) i;
SELECT svy_dummies('z'::text, ARRAY['a','b']);
SELECT svy_dummies('a'::text, ARRAY['a','a']);
SELECT svy_dummies('a'::text, ARRAY['a',NULL]);
SELECT svy_dummies('a'::text, NULL::text[]);

-- bad input
SELECT svy_glm(trained, CASE WHEN i = 7 THEN ARRAY[1.0, 2.0] ELSE ARRAY[1.0] END, d) FROM offd;
SELECT svy_glm(trained, ARRAY[1, CASE WHEN i = 7 THEN 'NaN'::float8 ELSE years END], d) FROM offd;
SELECT svy_glm(trained, ARRAY[1, CASE WHEN i = 7 THEN 'Infinity'::float8 ELSE years END], d) FROM offd;
SELECT svy_glm(CASE WHEN i = 7 THEN '-Infinity' ELSE trained END, x, d) FROM offd;
SELECT svy_glm(CASE WHEN i = 7 THEN 0.5 ELSE trained END, x, d, 'binomial') FROM offd;
SELECT svy_glm(CASE WHEN i = 7 THEN 2 ELSE trained END, x, d, 'quasibinomial') FROM offd;
SELECT svy_glm(-courses, x, d, 'poisson') FROM offd;
SELECT svy_glm(trained, x, d, 'logistic') FROM offd;
SELECT svy_glm(trained, x, d, NULL) FROM offd;
SELECT svy_glm(trained, x, d, 'binomial', ARRAY['a','b']) FROM offd;
SELECT svy_glm(trained, x, d, 'binomial', ARRAY['a','b','c','d','e','f','a']) FROM offd;
SELECT svy_glm(trained, x, d, 'binomial', NULL) FROM offd;
SELECT svy_glm(trained, '{}'::float8[], d) FROM offd;
SELECT svy_glm(trained, ARRAY[[1, 2]]::float8[], d) FROM offd;
SELECT svy_glm(trained, x, NULL) FROM offd;
SELECT svy_glm(trained, x, d, CASE WHEN i = 7 THEN 'poisson' ELSE 'binomial' END) FROM offd;
-- per-row options: a NULL family on a later row is an error (it used to crash); names ignore case
SELECT svy_glm(trained, x, d, CASE WHEN i = 7 THEN NULL ELSE 'binomial' END) FROM offd;
SELECT svy_glm(trained, x, d, CASE WHEN i = 7 THEN 'Binomial' ELSE 'binomial' END, :terms)::text
     = svy_glm(trained, x, d, 'binomial', :terms)::text AS same_family FROM offd;
SELECT svy_glm(trained, x, d, 'binomial', CASE WHEN i = 7 THEN NULL ELSE :terms::text[] END) FROM offd;
SELECT svy_glm(trained, x, d, 'binomial', CASE WHEN i = 7 THEN '{a,b,c,d,e,f,g}' ELSE :terms::text[] END) FROM offd;
SELECT svy_glm(trained, x, d, 'binomial', CASE WHEN i = 7 THEN ARRAY['(Intercept)','years','DE','FR','PL','detective','command'] ELSE :terms::text[] END)::text
     = svy_glm(trained, x, d, 'binomial', :terms)::text AS same_terms FROM offd;
-- singular design matrix: the first aliased column is named
SELECT svy_glm(trained, x || (1 - x[3] - x[4] - x[5]), d, 'quasibinomial', :terms::text[] || 'AT'::text) FROM offd;
SELECT svy_glm(trained, ARRAY[1, years, 2 * years], d) FROM offd;
-- complete separation: fitted probabilities 0 or 1
SELECT svy_glm(CASE WHEN years >= 15 THEN 1 ELSE 0 END, ARRAY[1, years], d, 'binomial') FROM offd;
-- a level without events (quasi-complete separation): as in R, IRLS converges in deviance with a huge
-- negative intercept, and no error while the fitted probabilities stay above 1e-15 (docs/regression.md)
SELECT term, estimate < -15 AS huge_negative
FROM (SELECT svy_glm(CASE WHEN country = 'AT' THEN 0 ELSE trained END, x, d, 'quasibinomial', :terms) AS m
      FROM offd) s, svy_coef(m) WHERE term = '(Intercept)';
-- more coefficients than design df (4 strata x 6 PSUs: df 20)
SELECT svy_glm(trained, x || svy_dummies(force * 10 + (i % 3), (SELECT array_agg(DISTINCT force * 10 + (i % 3)) FROM off)), d)
FROM offd;
-- negative weights: the design refuses them; replicate weights too
SELECT svy_glm(trained, x, svy_design(-w)) FROM offd;
SELECT svy_glm(trained, x, svy_repdesign(w, ARRAY[w, -w], 'bootstrap'), 'quasibinomial') FROM offd;
-- svy_wald
SELECT * FROM models, svy_wald(m, ARRAY['Germany']);
SELECT * FROM models, svy_wald(m, ARRAY['DE','DE']);
SELECT * FROM models, svy_wald(m, '{}');
SELECT * FROM models, svy_wald(m, ARRAY['DE'], 'Wald');
SELECT * FROM models, svy_coef(m, 1.5);
