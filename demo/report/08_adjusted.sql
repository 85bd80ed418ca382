-- Title: 8. Received training, adjusted for role and years of service
--
-- Do officers in one country receive less training than in another only
-- because the countries' samples differ in roles and experience? A
-- survey-weighted logistic regression (R: svyglm(family = quasibinomial))
-- of "received any OCSA training" on country + role + years of service:
-- odds ratios against Germany (DE) and against investigators, with 95 %
-- design-based CIs (t with the model's residual df), then the Wald F test
-- that all country coefficients are zero (R: regTermTest). Respondents who
-- refused or did not know leave the fit but stay in the design.
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)

CREATE TEMP TABLE adjusted AS
SELECT svy_glm((cardinality(training_received) > 0)::int::float8,
               ARRAY[1, years_of_service]
                   || svy_dummies(country, ARRAY['DE','ES','FR','IE','IT','NL','PL','SE'])
                   || svy_dummies(role, enum_range(NULL::demo.police_role)),
               design, 'quasibinomial',
               ARRAY['(Intercept)', 'years of service',
                     'ES', 'FR', 'IE', 'IT', 'NL', 'PL', 'SE',
                     'first responder', 'digital forensic examiner', 'manager', 'trainer']) AS model
FROM demo.police;

-- one table (so that it exports as one CSV): the odds ratios, then the Wald
-- F test that all country coefficients are 0
SELECT c.term,
       round(c.estimate::numeric, 2)  AS odds_ratio,
       round(c.ci_lower::numeric, 2)  AS ci_low,
       round(c.ci_upper::numeric, 2)  AS ci_high,
       round(c.p_value::numeric, 4)   AS p_value,
       c.df
FROM adjusted, svy_coef(model, exponentiate => true) AS c
WHERE c.term <> '(Intercept)'
UNION ALL
SELECT format('country, jointly: Wald F = %s on %s and %s df', round(w.statistic::numeric, 2), w.ndf, w.ddf),
       NULL, NULL, NULL, round(w.p_value::numeric, 4), w.ddf
FROM adjusted, svy_wald(model, ARRAY['ES', 'FR', 'IE', 'IT', 'NL', 'PL', 'SE']) AS w;

DROP TABLE adjusted;
