-- svy_glm on calibrated designs (SPEC §9 + §10, R's svyglm on postStratify / rake / calibrate designs).
-- The numbers against R are in the oracle test (kit cases on apiclus1_ps_stype and apiclus1_cal_linear,
-- test/oracle/extra/cases_glm_calib.csv); this file checks identities that tie the fit to the calibrated
-- linear estimators, partial aggregation, domains, state merging and the errors.
SET extra_float_digits = 0;
\set officers gc_off
\i sql/include/officers.sql
-- officers by country and by role, and the total of years of service
CREATE TABLE gc_margins (variable text, level text, total float8);
INSERT INTO gc_margins VALUES ('country', 'AT', 2000), ('country', 'DE', 5000), ('country', 'FR', 4500),
    ('country', 'PL', 2500), ('role', 'patrol', 9000), ('role', 'detective', 3000), ('role', 'command', 2000);
CREATE TABLE gc_pops AS
SELECT (SELECT svy_population(variable, level, total) FROM gc_margins WHERE variable = 'country') AS pc,
       (SELECT svy_population(variable, level, total) FROM gc_margins) AS pcr,
       (SELECT svy_population(variable, level, total) FROM
          (SELECT * FROM gc_margins WHERE variable = 'role' UNION ALL SELECT 'years', NULL, 200000) m) AS pry;
CREATE VIEW gc_offc AS
SELECT o.*, svy_calibrate(svy_design(w, strata => country, psu => force), pc, ARRAY[country], method => 'poststratify') AS dps,
       svy_calibrate(svy_design(w, strata => country, psu => force), pcr, ARRAY[country, role], method => 'rake') AS drake,
       svy_calibrate(svy_design(w, strata => country, psu => force), pcr, ARRAY[country, role], method => 'raking') AS draking,
       svy_calibrate(svy_design(w, strata => country, psu => force), pry, ARRAY[role], ARRAY[years::float8]) AS dlin,
       svy_calibrate(svy_design(w, strata => country), pcr, ARRAY[country, role], method => 'rake') AS dnopsu,
       svy_calibrate(svy_design(w), pry, ARRAY[role], ARRAY[years::float8]) AS dnopsulin,
       ARRAY[1, years] || svy_dummies(country, ARRAY['AT','DE','FR','PL'])
                       || svy_dummies(role, ARRAY['patrol','detective','command']) AS x
FROM gc_off o, gc_pops;
\set terms '''{(Intercept),years,DE,FR,PL,detective,command}'''

-- a model: coefficients, SEs and df (df = design df + 1 - p: 24 PSUs - 4 strata + 1 - 7).  R:
--   d <- svydesign(ids = ~force, strata = ~country, weights = ~w, data = off, nest = TRUE)
--   r <- rake(d, list(~country, ~role), <the margins>)
--   svyglm(trained ~ years + country + role, design = r, family = quasibinomial())
-- gives -0.96944249 0.03790030 0.36785702 0.75369733 1.22822380 0.04999683 0.11987367,
-- SE 0.17381747 0.01078771 0.14767919 0.20086750 0.14007377 0.09606834 0.12092843, df 14
SELECT term, round(estimate::numeric, 6) AS est, round(std_error::numeric, 6) AS se, df
FROM (SELECT svy_glm(trained, x, drake, 'quasibinomial', :terms) AS m FROM gc_offc) s, svy_coef(m);

-- gaussian with the intercept alone is the calibrated mean: the same estimate, SE and df as svy_mean on
-- every calibration method, with and without PSUs, and in a domain (the residualised variance of both)
SELECT which, abs(c.estimate - (e).estimate) < 1e-10 * abs((e).estimate) AS same_estimate,
       abs(c.std_error - (e).std_error) < 1e-9 * (e).std_error AS same_se, c.df = (e).df AS same_df
FROM (SELECT svy_glm(courses, ARRAY[1.0], dps) AS m1, svy_mean(courses, dps) AS e1,
             svy_glm(courses, ARRAY[1.0], drake) AS m2, svy_mean(courses, drake) AS e2,
             svy_glm(courses, ARRAY[1.0], draking) AS m3, svy_mean(courses, draking) AS e3,
             svy_glm(courses, ARRAY[1.0], dlin) AS m4, svy_mean(courses, dlin) AS e4,
             svy_glm(courses, ARRAY[1.0], dnopsu) AS m5, svy_mean(courses, dnopsu) AS e5,
             svy_glm(courses, ARRAY[1.0], dnopsulin) AS m6, svy_mean(courses, dnopsulin) AS e6,
             svy_glm(courses, ARRAY[1.0], svy_subset(drake, role = 'command')) AS m7,
             svy_mean(courses, svy_subset(drake, role = 'command')) AS e7,
             svy_glm(courses, ARRAY[1.0], svy_subset(dnopsulin, years < 10)) AS m8,
             svy_mean(courses, svy_subset(dnopsulin, years < 10)) AS e8 FROM gc_offc) s,
     LATERAL (VALUES ('poststratify', m1, e1), ('rake', m2, e2), ('raking', m3, e3), ('linear', m4, e4),
                     ('rake, no PSUs', m5, e5), ('linear, no PSUs', m6, e6), ('rake, domain', m7, e7),
                     ('linear, no PSUs, domain', m8, e8)) v(which, m, e),
     svy_coef(v.m) c
ORDER BY which;
-- the calibration changes the SE (it is not the plain Taylor SE of the calibrated weights)
SELECT c.std_error < u.std_error AS calibration_reduces_se
FROM (SELECT svy_glm(courses, ARRAY[1.0], dps) AS a,
             svy_glm(courses, ARRAY[1.0], svy_design(w * 14000.0 / 600.0, strata => country, psu => force)) AS b
      FROM gc_offc) s, svy_coef(a) c, svy_coef(b) u;

-- domains: rows out of the domain stay in the calibration (as R).  A NULL outcome and a NULL predictor
-- give the same model; svy_subset the same up to R's rescaling (R's prior weights are w / mean(w) over
-- the design's rows, where svy_subset's rows weigh 0 and rows with a NULL outcome do not, which moves
-- IRLS's start and stopping point: see the oracle cases GC*); calibrating only the domain's rows differs
CREATE TEMP TABLE gc_dom AS
SELECT svy_glm(trained, x, svy_subset(drake, years >= 5), 'quasibinomial') AS a,
       svy_glm(CASE WHEN years >= 5 THEN trained END, x, drake, 'quasibinomial') AS b,
       svy_glm(trained, CASE WHEN years >= 5 THEN x ELSE x[1:6] || NULL::float8 END, drake, 'quasibinomial') AS c,
       (SELECT svy_glm(trained, x, drake, 'quasibinomial') FROM gc_offc WHERE years >= 5) AS own
FROM gc_offc;
SELECT bool_and(abs(a.estimate - b.estimate) < 1e-9 * abs(a.estimate) AND abs(a.std_error - b.std_error) < 1e-6 * a.std_error
                AND a.df = b.df) AS subset_as_null_outcome,
       bool_and(b.estimate = c.estimate AND b.std_error = c.std_error AND b.df = c.df) AS null_x_is_null_y,
       bool_and(abs(a.std_error - o.std_error) > 1e-3 * a.std_error) AS own_calibration_differs
FROM gc_dom, svy_coef(gc_dom.a) a JOIN svy_coef(gc_dom.b) b USING (term) JOIN svy_coef(gc_dom.c) c USING (term)
     JOIN svy_coef(gc_dom.own) o USING (term);
-- an empty domain: no model
SELECT svy_glm(trained, x, svy_subset(drake, false), 'quasibinomial') IS NULL AS empty FROM gc_offc;

-- GROUP BY a country, each with its own population of roles: calibrated per group
CREATE TABLE gc_roles AS
SELECT c.country, r.role, 1000.0 * (1 + ascii(c.country) % 3) * (CASE r.role WHEN 'patrol' THEN 3 ELSE 1 END) AS total
FROM (VALUES ('AT'), ('DE'), ('FR'), ('PL')) c(country), (VALUES ('patrol'), ('detective'), ('command')) r(role);
SELECT o.country, count(*) AS terms, bool_and(std_error > 0) AS se_positive
FROM (SELECT o.country, svy_glm(trained, ARRAY[1, years] || svy_dummies(role, ARRAY['patrol','detective','command']),
                        svy_calibrate(svy_design(w, psu => force), p.pop, ARRAY[role], method => 'poststratify'),
                        'quasibinomial') AS m
      FROM gc_off o JOIN (SELECT country, svy_population('role', role, total) AS pop FROM gc_roles GROUP BY country) p
           USING (country)
      GROUP BY o.country) o, svy_coef(o.m)
GROUP BY o.country ORDER BY o.country;

-- parallel = serial (forced partial aggregation: serialize / deserialize / combine)
CREATE TABLE gc_offbigc AS
SELECT trained, courses, years,
       svy_calibrate(svy_design(w, strata => country, psu => force * 100 + k), pcr, ARRAY[country, role], method => 'rake') AS drake,
       svy_calibrate(svy_design(w, strata => country, psu => force * 100 + k), pry, ARRAY[role], ARRAY[years::float8]) AS dlin,
       svy_calibrate(svy_design(w, strata => country), pcr, ARRAY[country, role], method => 'raking') AS dnopsu,
       -- a calibrated replicate design: JK1 with 10 groups of officers (i * 7) % 10
       svy_calibrate(svy_repdesign(w, ARRAY(SELECT CASE WHEN (i * 7) % 10 = r THEN 0 ELSE w * 10 / 9 END FROM generate_series(0, 9) r), 'JK1'),
                     pcr, ARRAY[country, role], method => 'rake') AS drep,
       ARRAY[1, years] || svy_dummies(country, ARRAY['AT','DE','FR','PL']) AS x
FROM gc_off, generate_series(1, 20) AS k, gc_pops;
CREATE TEMP TABLE gc_serial AS
SELECT svy_glm(trained, x, drake, 'quasibinomial') AS a, svy_glm(courses, x, dlin, 'quasipoisson') AS b,
       svy_glm(courses, x, dnopsu) AS c, svy_glm(CASE WHEN years > 3 THEN trained END, x, dnopsu, 'binomial') AS d,
       svy_glm(trained, x, drep, 'quasibinomial') AS e
FROM gc_offbigc;
\i sql/include/parallel_on.sql
EXPLAIN (COSTS OFF) SELECT svy_glm(trained, x, drake, 'quasibinomial') FROM gc_offbigc;
EXPLAIN (COSTS OFF) SELECT svy_glm(trained, x, drep, 'quasibinomial') FROM gc_offbigc;
CREATE TEMP TABLE gc_par AS
SELECT svy_glm(trained, x, drake, 'quasibinomial') AS a, svy_glm(courses, x, dlin, 'quasipoisson') AS b,
       svy_glm(courses, x, dnopsu) AS c, svy_glm(CASE WHEN years > 3 THEN trained END, x, dnopsu, 'binomial') AS d,
       svy_glm(trained, x, drep, 'quasibinomial') AS e
FROM gc_offbigc;
RESET ALL;
SET extra_float_digits = 0;
SELECT which, bool_and(abs(p.estimate - s.estimate) <= 1e-9 * abs(s.estimate)) AS same_estimate,
       bool_and(abs(p.std_error - s.std_error) <= 1e-9 * s.std_error) AS same_se, bool_and(p.df = s.df) AS same_df
FROM gc_serial, gc_par,
     LATERAL (VALUES ('a', gc_serial.a, gc_par.a), ('b', gc_serial.b, gc_par.b), ('c', gc_serial.c, gc_par.c), ('d', gc_serial.d, gc_par.d),
             ('e', gc_serial.e, gc_par.e)) v(which, sm, pm),
     svy_coef(v.sm) s JOIN svy_coef(v.pm) p USING (term)
GROUP BY which ORDER BY which;

-- a numeric auxiliary of linear calibration keeps a cell per distinct value (per PSU): bounded by work_mem
SET work_mem = '64kB';
SELECT svy_glm(courses, ARRAY[1, years], dlin) FROM gc_offbigc;
RESET work_mem;

-- states of parts that split PSUs, merged = the aggregate; the text form of a state round-trips
CREATE AGGREGATE glm_state(float8, float8[], svy_design, text) (
    SFUNC = svy_glm_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE TEMP TABLE gc_parts AS
SELECT (i / 7) % 2 AS part, glm_state(trained, x, drake, 'quasibinomial') AS st,
       glm_state(CASE WHEN years > 3 THEN courses END, x, dnopsulin, 'poisson') AS st2
FROM gc_offc GROUP BY 1;
SELECT bool_and(abs(mc.estimate - w.estimate) <= 1e-9 * abs(w.estimate)) AS merged_estimate,
       bool_and(abs(mc.std_error - w.std_error) <= 1e-9 * w.std_error) AS merged_se,
       bool_and(t.estimate = h.estimate AND t.std_error = h.std_error) AS text_roundtrip
FROM gc_parts a, gc_parts b, (SELECT svy_glm(trained, x, drake, 'quasibinomial') AS m FROM gc_offc) whole,
     svy_coef(svy_glm_final(svy_aggstate_combine(a.st, b.st))) mc
     JOIN svy_coef(whole.m) w USING (term)
     JOIN svy_coef(svy_glm_final(a.st::text::svy_aggstate)) t USING (term)
     JOIN svy_coef(svy_glm_final(a.st)) h USING (term)
WHERE a.part = 0 AND b.part = 1;
SELECT bool_and(abs(mc.estimate - w.estimate) <= 1e-9 * abs(w.estimate)) AS merged_estimate,
       bool_and(abs(mc.std_error - w.std_error) <= 1e-9 * w.std_error) AS merged_se,
       bool_and(t.estimate = h.estimate AND t.std_error = h.std_error) AS text_roundtrip
FROM gc_parts a, gc_parts b,
     (SELECT svy_glm(CASE WHEN years > 3 THEN courses END, x, dnopsulin, 'poisson') AS m FROM gc_offc) whole,
     svy_coef(svy_glm_final(svy_aggstate_combine(a.st2, b.st2))) mc
     JOIN svy_coef(whole.m) w USING (term)
     JOIN svy_coef(svy_glm_final(a.st2::text::svy_aggstate)) t USING (term)
     JOIN svy_coef(svy_glm_final(a.st2)) h USING (term)
WHERE a.part = 0 AND b.part = 1;
-- merging a calibrated with an uncalibrated state, or states with different populations
SELECT svy_glm_final(svy_aggstate_combine(a.st, u.st))
FROM gc_parts a, (SELECT glm_state(trained, x, svy_design(w, strata => country, psu => force), 'quasibinomial') AS st
               FROM gc_offc) u WHERE a.part = 0;
SELECT svy_glm_final(svy_aggstate_combine(a.st, u.st))
FROM gc_parts a, (SELECT glm_state(trained, x, svy_calibrate(svy_design(w, strata => country, psu => force), (SELECT pc FROM gc_pops),
                                                          ARRAY[country], method => 'poststratify'), 'quasibinomial') AS st
               FROM gc_offc) u WHERE a.part = 0;
-- a truncated state
SELECT svy_glm_final(substr(a.st::text, 1, length(a.st::text) - 8)::svy_aggstate) FROM gc_parts a WHERE a.part = 0;
-- corrupt states (every truncation, byte changes all over): a clean error or a model, never a crash
CREATE TEMP TABLE gc_fuzz AS
SELECT decode(glm_state(trained, ARRAY[1, years], dnopsulin, 'quasibinomial')::text, 'base64') AS b
FROM gc_offc WHERE i < 40;
DO $$
DECLARE
    b bytea := (SELECT b FROM gc_fuzz);
    v bytea;
    codes text[] := '{}';
    ok int := 0;
BEGIN
    FOR k IN 0 .. length(b) * 2 BY 5 LOOP
        IF k < length(b) THEN
            v := substr(b, 1, k);
        ELSE
            v := set_byte(b, (k - length(b)) % length(b), (get_byte(b, (k - length(b)) % length(b)) + 1 + k % 200) % 256);
        END IF;
        BEGIN
            PERFORM svy_glm_final(translate(encode(v, 'base64'), E'\n', '')::svy_aggstate);
            ok := ok + 1;
        EXCEPTION WHEN OTHERS THEN
            IF NOT SQLSTATE = ANY (codes) THEN codes := codes || SQLSTATE; END IF;
        END;
    END LOOP;
    RAISE NOTICE 'fuzz: some variants read: %, error codes %', ok > 0, (SELECT array_agg(c ORDER BY c) FROM unnest(codes) c);
END $$;
DROP AGGREGATE glm_state(float8, float8[], svy_design, text);

-- errors: calibrated and uncalibrated rows in one aggregate (either order), different populations
SELECT svy_glm(trained, x, CASE WHEN i < 100 THEN drake ELSE svy_design(w, strata => country, psu => force) END)
FROM gc_offc;
SELECT svy_glm(trained, x, CASE WHEN i >= 100 THEN drake ELSE svy_design(w, strata => country, psu => force) END)
FROM gc_offc;
SELECT svy_glm(trained, x, CASE WHEN i < 100 THEN drake ELSE draking END) FROM gc_offc;
SELECT svy_glm(trained, x, CASE WHEN i < 100 THEN dps ELSE svy_calibrate(svy_design(w, strata => country, psu => force),
               (SELECT svy_population(variable, level, total * 2) FROM gc_margins WHERE variable = 'country'),
               ARRAY[country], method => 'poststratify') END) FROM gc_offc;
-- linear calibration with negative weights (R's glm refuses them)
SELECT svy_glm(trained, ARRAY[1.0, years], svy_calibrate(svy_design(w, psu => force),
               (SELECT svy_population(v, l, t) FROM (VALUES ('role', 'patrol', 9000.0), ('role', 'detective', 3000.0),
                                                            ('role', 'command', 2000.0), ('years', NULL, 400000.0)) m(v, l, t)),
               ARRAY[role], ARRAY[years::float8]), 'quasibinomial') FROM gc_off;
-- a population level without sample rows in the fit's aggregate
SELECT svy_glm(trained, x, drake) FROM gc_offc WHERE role <> 'command';
-- a two-stage design with a first-stage fpc: R's multistage variance, whose lonely second-stage units
-- follow survey.lonely_psu (here fail: a PSU with a single sampled unit is an error)
SELECT svy_glm(trained, x, svy_calibrate(svy_design(w, strata => country, psu => force, fpc => 12, psu2 => i % 4, fpc2 => 40),
                                         (SELECT pc FROM gc_pops), ARRAY[country], method => 'poststratify')) FROM gc_offc;
-- the design df limits the coefficients as without calibration
SELECT svy_glm(trained, x, svy_calibrate(svy_design(w, psu => force), (SELECT pc FROM gc_pops), ARRAY[country], method => 'poststratify'))
FROM gc_offc WHERE force <= 3;
