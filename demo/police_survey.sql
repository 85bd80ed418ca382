-- ===========================================================================
-- demo/police_survey.sql - the bundled demo survey (synthetic, deterministic)
--
-- A cross-national online questionnaire of police officers about how they deal
-- with online child sexual abuse (OCSA) cases: confidence, training, procedures,
-- cooperation, and the training they still need.
--
-- Design: 8 countries; within each country, regions are the strata and police
-- forces the primary sampling units (PSUs); officers are sampled within forces
-- and carry a design weight (officers in the force / respondents in the force,
-- calibrated so that the weights of a country add up to its officers in
-- demo.population). Force numbers restart in every region (force 1 of Bayern is
-- not force 1 of Berlin), so PSUs are identified by (stratum, force) - R's
-- nest = TRUE. Ireland's "Dublin" region has a single force: a stratum with a
-- single PSU ("lonely PSU"), so reports must set survey.lonely_psu.
--
-- Everything is generated here from setseed() and generate_series(): no
-- external data, same rows on every run and platform. The numbers are invented;
-- the effects built in (see the parameter tables below) are:
--   * needs_more_training differs strongly between countries;
--   * confidence, adequacy of training and cooperation with industry differ
--     between countries and roles;
--   * clarity of procedures differs a little; cross-border cooperation does
--     not differ between countries at all;
--   * Ireland has very few trainers (a country x role cell under 10 respondents
--     that survey.min_cell_n = 10 suppresses).
--
-- Creates: schema demo with
--   demo.population  (country, country_name, officers)
--   demo.officers_by_role (country, role, officers): the published table of
--                    officers by country x role (calibration margins)
--   demo.margins     view (variable, level, total): its country and role
--                    margins in the long form svy_population() reads
--   demo.responses   one row per respondent
--   demo.police      view = demo.responses + the design column
-- ===========================================================================

SET client_min_messages = warning;   -- quiet "already exists" / "does not exist"
CREATE EXTENSION IF NOT EXISTS survey;
DROP SCHEMA IF EXISTS demo CASCADE;
RESET client_min_messages;
CREATE SCHEMA demo;

-- ---------------------------------------------------------------------------
-- Parameters (temporary; only their effects remain in demo.responses)
-- ---------------------------------------------------------------------------

-- Per country: respondents wanted, and the country effects on the latent scales
-- (logit scale). a_needs: log-odds of needing more training; mu_*: shifts of the
-- Likert items; intensity: multiplies the chance of each kind of training;
-- p_trainer: share of trainers among respondents.
CREATE TEMP TABLE gen_country (
    country text, n_resp int, a_needs float8, mu_confidence float8,
    mu_training float8, mu_procedures float8, mu_industry float8,
    intensity float8, p_trainer float8);
INSERT INTO gen_country VALUES
    ('DE', 520,  0.20,  0.30,  0.20,  0.30,  0.20, 1.00, 0.09),
    ('FR', 450,  0.85,  0.00, -0.20,  0.20, -0.20, 0.90, 0.09),
    ('IT', 420,  1.25, -0.30, -0.50,  0.10, -0.60, 0.75, 0.09),
    ('ES', 400,  0.95,  0.00, -0.30,  0.20, -0.20, 0.85, 0.09),
    ('NL', 300, -0.20,  0.50,  0.50,  0.30,  0.80, 1.15, 0.09),
    ('PL', 380,  1.50, -0.50, -0.70,  0.10, -0.50, 0.70, 0.09),
    ('SE', 280, -0.40,  0.60,  0.60,  0.30,  0.60, 1.20, 0.09),
    ('IE', 200,  0.40,  0.10,  0.00,  0.20,  0.30, 0.95, 0.03);

-- Regions (strata) and how many forces (PSUs) each has. Ireland's Dublin region
-- is a single force: a stratum with one PSU.
CREATE TEMP TABLE gen_region (country text, region text, n_forces int, size float8);
INSERT INTO gen_region VALUES
    ('DE', 'Bayern', 5, 1.0), ('DE', 'Nordrhein-Westfalen', 6, 1.0),
    ('DE', 'Niedersachsen', 4, 1.0), ('DE', 'Berlin', 3, 1.0),
    ('FR', 'Ile-de-France', 5, 1.0), ('FR', 'Auvergne-Rhone-Alpes', 4, 1.0),
    ('FR', 'Occitanie', 4, 1.0),
    ('IT', 'Nord', 5, 1.0), ('IT', 'Centro', 4, 1.0), ('IT', 'Sud', 5, 1.0),
    ('ES', 'Madrid', 4, 1.0), ('ES', 'Cataluna', 4, 1.0), ('ES', 'Andalucia', 5, 1.0),
    ('NL', 'Noord', 4, 1.0), ('NL', 'Zuid', 5, 1.0),
    ('PL', 'Mazowieckie', 5, 1.0), ('PL', 'Slaskie', 4, 1.0), ('PL', 'Malopolskie', 4, 1.0),
    ('SE', 'Stockholm', 4, 1.0), ('SE', 'Vast', 3, 1.0), ('SE', 'Syd', 3, 1.0),
    ('IE', 'Dublin', 1, 2.5), ('IE', 'Eastern', 3, 1.0), ('IE', 'Southern', 3, 1.0),
    ('IE', 'North-Western', 3, 1.0);

-- Per role: share of respondents (trainers: per country, above), role effects,
-- average years of service, chance of "not applicable" on the cooperation
-- items, and the base chance of each kind of training (options 1..6).
CREATE TEMP TABLE gen_role (
    role text, ord int, share float8, e_confidence float8, e_training float8,
    e_needs float8, e_industry float8, years float8, na_industry float8,
    na_crossborder float8, p1 float8, p2 float8, p3 float8, p4 float8,
    p5 float8, p6 float8);
INSERT INTO gen_role VALUES
    ('investigator',               1, 0.37,  0.30,  0.00,  0.00,  0.20, 14, 0.05, 0.04, 0.75, 0.50, 0.40, 0.18, 0.55, 0.25),
    ('first responder',            2, 0.31, -0.60, -0.30,  0.40, -0.30,  8, 0.35, 0.30, 0.55, 0.25, 0.10, 0.02, 0.35, 0.15),
    ('digital forensic examiner',  3, 0.14,  0.80,  0.20, -0.30,  0.50, 10, 0.05, 0.04, 0.70, 0.92, 0.45, 0.15, 0.45, 0.35),
    ('manager',                    4, 0.13,  0.00,  0.10, -0.20,  0.10, 22, 0.05, 0.04, 0.65, 0.30, 0.15, 0.05, 0.60, 0.20),
    ('trainer',                    5, 0.00,  0.50,  0.40, -0.60,  0.10, 18, 0.10, 0.15, 0.90, 0.70, 0.50, 0.25, 0.75, 0.40);

-- Same draws on every run.
DO $$ BEGIN PERFORM setseed(0.2024); END $$;

-- Forces (PSUs): a force-level effect (clustering), the force's officers and
-- the number of respondents it contributed. Force ids restart in each region.
CREATE TEMP TABLE gen_force AS
SELECT country, region, force_id,
       0.30 * ln(u1 / (1 - u1))                    AS force_effect,
       round(300 + 2700 * u2)                      AS officers,
       greatest(8, round(n_resp * size / units * (0.55 + 0.9 * u3)))::int AS n_resp
FROM (SELECT r.country, r.region, f AS force_id, r.size, c.n_resp, t.units,
             random() AS u1, random() AS u2, random() AS u3
      FROM gen_region r
      JOIN gen_country c USING (country)
      JOIN (SELECT country, sum(n_forces * size) AS units FROM gen_region GROUP BY country) t
           USING (country)
      CROSS JOIN LATERAL generate_series(1, r.n_forces) AS f
      ORDER BY r.country, r.region, f) s;

-- One row of uniform draws per respondent (drawn in a fixed order).
CREATE TEMP TABLE gen_draw AS
SELECT f.country, f.region, f.force_id, f.force_effect, f.officers, f.n_resp, j,
       random() AS u_role,  random() AS u_years, random() AS u_g,
       random() AS v1, random() AS m1, random() AS v2, random() AS m2,
       random() AS v3, random() AS m3, random() AS v4, random() AS m4,
       random() AS v5, random() AS m5,
       random() AS t1, random() AS t2, random() AS t3, random() AS t4,
       random() AS t5, random() AS t6, random() AS t_miss,
       random() AS u_needs, random() AS m_needs
FROM (SELECT * FROM gen_force ORDER BY country, region, force_id) f
CROSS JOIN LATERAL generate_series(1, f.n_resp) AS j;

-- Role of each respondent (cumulative shares; the trainers' share is per country).
CREATE TEMP TABLE gen_person AS
SELECT d.*, c.*, ro.*,
       0.6 * ln(d.u_g / (1 - d.u_g)) AS general   -- a respondent's general disposition
FROM gen_draw d
JOIN (SELECT country AS c_country, a_needs, mu_confidence, mu_training, mu_procedures,
             mu_industry, intensity, p_trainer FROM gen_country) c ON c.c_country = d.country
JOIN LATERAL (
    SELECT g.*
    FROM (SELECT gr.*,
                 sum(CASE WHEN gr.role = 'trainer' THEN c.p_trainer
                          ELSE gr.share * (1 - c.p_trainer) / 0.95 END)
                     OVER (ORDER BY gr.ord) AS upto
          FROM gen_role gr) g
    WHERE d.u_role < g.upto OR g.ord = 5
    ORDER BY g.ord LIMIT 1) ro ON true;

-- Kinds of training received (multi-select), as a set of option numbers.
CREATE TEMP TABLE gen_training AS
SELECT p.*,
       (t1 < least(0.97, p1 * intensity))::int + (t2 < least(0.97, p2 * intensity))::int
     + (t3 < least(0.97, p3 * intensity))::int + (t4 < least(0.97, p4 * intensity))::int
     + (t5 < least(0.97, p5 * intensity))::int + (t6 < least(0.97, p6 * intensity))::int AS n_kinds,
       CASE WHEN t_miss < 0.020 THEN 'refused'
            WHEN t_miss < 0.028 THEN 'dk'
            ELSE '{' || concat_ws(',',
                    CASE WHEN t1 < least(0.97, p1 * intensity) THEN '1' END,
                    CASE WHEN t2 < least(0.97, p2 * intensity) THEN '2' END,
                    CASE WHEN t3 < least(0.97, p3 * intensity) THEN '3' END,
                    CASE WHEN t4 < least(0.97, p4 * intensity) THEN '4' END,
                    CASE WHEN t5 < least(0.97, p5 * intensity) THEN '5' END,
                    CASE WHEN t6 < least(0.97, p6 * intensity) THEN '6' END) || '}'
       END AS training_text
FROM gen_person p;

-- A Likert answer from a latent score: logistic noise, cut into 1..5.
CREATE FUNCTION pg_temp.gen_likert(latent float8, v float8) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN z < -1.8 THEN 1 WHEN z < -0.6 THEN 2 WHEN z < 0.6 THEN 3
                WHEN z < 1.8 THEN 4 ELSE 5 END
    FROM (SELECT latent + ln(v / (1 - v)) AS z) s
$$;

-- The answer code as a questionnaire export has it: 1..5, or -1 don't know,
-- -2 refused, -3 not applicable, NULL = routed past (skipped).
CREATE FUNCTION pg_temp.gen_code(answer int, m float8, p_refused float8, p_dk float8,
                                 p_na float8, p_skipped float8) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN m < p_refused THEN -2
                WHEN m < p_refused + p_dk THEN -1
                WHEN m < p_refused + p_dk + p_na THEN -3
                WHEN m < p_refused + p_dk + p_na + p_skipped THEN NULL
                ELSE answer END
$$;

-- ---------------------------------------------------------------------------
-- demo.population: officers in scope per country (for pooled estimates)
-- ---------------------------------------------------------------------------
CREATE TABLE demo.population (
    country      text PRIMARY KEY,
    country_name text NOT NULL,
    officers     integer NOT NULL
);
COMMENT ON TABLE demo.population IS 'police officers in scope of the demo survey, per country (invented round figures)';
INSERT INTO demo.population VALUES
    ('DE', 'Germany',     333000),
    ('FR', 'France',      250000),
    ('IT', 'Italy',       310000),
    ('ES', 'Spain',       246000),
    ('NL', 'Netherlands',  52000),
    ('PL', 'Poland',      101000),
    ('SE', 'Sweden',       34000),
    ('IE', 'Ireland',      14500);

-- ---------------------------------------------------------------------------
-- demo.responses
-- ---------------------------------------------------------------------------
CREATE TYPE demo.police_role AS ENUM
    ('investigator', 'first responder', 'digital forensic examiner', 'manager', 'trainer');

-- ---------------------------------------------------------------------------
-- demo.officers_by_role: officers by country and role, as a police statistics
-- office publishes them (invented; each country's row adds up to
-- demo.population). An online questionnaire reaches specialists more easily
-- than first responders, so the sample's role mix differs from this table:
-- the calibrated report table rakes the weights to its margins.
-- ---------------------------------------------------------------------------
CREATE TABLE demo.officers_by_role (
    country  text NOT NULL REFERENCES demo.population,
    role     demo.police_role NOT NULL,
    officers integer NOT NULL,
    PRIMARY KEY (country, role)
);
COMMENT ON TABLE demo.officers_by_role IS 'police officers in scope per country and role (invented published figures; margins for calibration)';
INSERT INTO demo.officers_by_role VALUES
    ('DE', 'investigator',  93200), ('DE', 'first responder', 160000), ('DE', 'digital forensic examiner', 26600),
    ('DE', 'manager',       36600), ('DE', 'trainer',          16600),
    ('FR', 'investigator',  67500), ('FR', 'first responder', 122500), ('FR', 'digital forensic examiner', 17500),
    ('FR', 'manager',       30000), ('FR', 'trainer',          12500),
    ('IT', 'investigator',  80600), ('IT', 'first responder', 155000), ('IT', 'digital forensic examiner', 18600),
    ('IT', 'manager',       37200), ('IT', 'trainer',          18600),
    ('ES', 'investigator',  66400), ('ES', 'first responder', 123000), ('ES', 'digital forensic examiner', 17200),
    ('ES', 'manager',       27100), ('ES', 'trainer',          12300),
    ('NL', 'investigator',  15100), ('NL', 'first responder',  23900), ('NL', 'digital forensic examiner',  4700),
    ('NL', 'manager',        5700), ('NL', 'trainer',           2600),
    ('PL', 'investigator',  26300), ('PL', 'first responder',  51500), ('PL', 'digital forensic examiner',  7100),
    ('PL', 'manager',       11100), ('PL', 'trainer',           5000),
    ('SE', 'investigator',   9900), ('SE', 'first responder',  15900), ('SE', 'digital forensic examiner',  3100),
    ('SE', 'manager',        3400), ('SE', 'trainer',           1700),
    ('IE', 'investigator',   3920), ('IE', 'first responder',   7520), ('IE', 'digital forensic examiner',  1020),
    ('IE', 'manager',        1600), ('IE', 'trainer',            440);

-- The margins of that table in the long form of svy_population(variable,
-- level, total): country first, then role (svy_calibrate's levels array
-- follows this order).
CREATE VIEW demo.margins AS
SELECT 'country' AS variable, country AS level, sum(officers)::float8 AS total
FROM demo.officers_by_role GROUP BY country
UNION ALL
SELECT 'role', role::text, sum(officers)::float8
FROM demo.officers_by_role GROUP BY role;
COMMENT ON VIEW demo.margins IS 'calibration margins: officers by country and by role (from demo.officers_by_role)';

CREATE TABLE demo.responses (
    respondent_id         integer PRIMARY KEY,
    country               text NOT NULL REFERENCES demo.population,
    region                text NOT NULL,
    force_id              integer NOT NULL,
    weight                float8 NOT NULL,
    role                  demo.police_role NOT NULL,
    years_of_service      integer NOT NULL,
    q_confidence          likert(5),
    q_training_adequacy   likert(5),
    q_procedures_clarity  likert(5),
    q_industry_cooperation    likert(5),
    q_crossborder_cooperation likert(5),
    training_received     choices,
    needs_more_training   boolean
);

COMMENT ON TABLE demo.responses IS 'synthetic cross-national police survey on online child sexual abuse (OCSA) cases; see docs/demo.md';
COMMENT ON COLUMN demo.responses.region IS 'stratum within country';
COMMENT ON COLUMN demo.responses.force_id IS 'police force = PSU; numbered within region (ids repeat across regions)';
COMMENT ON COLUMN demo.responses.weight IS 'design weight; sums to demo.population.officers per country';
COMMENT ON COLUMN demo.responses.q_confidence IS 'How confident are you in handling OCSA cases? 1 = not at all .. 5 = very';
COMMENT ON COLUMN demo.responses.q_training_adequacy IS 'How adequate was the training you received for OCSA cases? (asked only of those who received training)';
COMMENT ON COLUMN demo.responses.q_procedures_clarity IS 'How clear are the procedures you must follow in OCSA cases?';
COMMENT ON COLUMN demo.responses.q_industry_cooperation IS 'How well does cooperation with industry (platforms, ISPs) work?';
COMMENT ON COLUMN demo.responses.q_crossborder_cooperation IS 'How well does cross-border police cooperation work?';
COMMENT ON COLUMN demo.responses.training_received IS 'kinds of training received: 1 basic OCSA awareness, 2 digital evidence handling, 3 victim identification, 4 online undercover, 5 legal framework, 6 wellbeing/trauma support';
COMMENT ON COLUMN demo.responses.needs_more_training IS 'Do you need more training to handle OCSA cases? (NULL = no answer)';

INSERT INTO demo.responses
SELECT row_number() OVER (ORDER BY country, region, force_id, j)::int,
       country, region, force_id,
       officers / n_resp * (CASE role WHEN 'first responder' THEN 1.3 WHEN 'manager' THEN 0.8 ELSE 1.0 END),
       role::demo.police_role,
       greatest(1, least(40, round(years * (0.35 + 1.3 * u_years))))::int,
       likert_from_code(pg_temp.gen_code(
           pg_temp.gen_likert(mu_confidence + e_confidence + force_effect + general + 0.12 * n_kinds - 0.3, v1),
           m1, 0.010, 0.020, 0, 0.005), 1, 5),
       likert_from_code(CASE WHEN training_text = '{}' THEN NULL ELSE pg_temp.gen_code(
           pg_temp.gen_likert(mu_training + e_training + force_effect + general + 0.15 * n_kinds - 0.5, v2),
           m2, 0.010, 0.030, 0, 0) END, 1, 5),
       likert_from_code(pg_temp.gen_code(
           pg_temp.gen_likert(mu_procedures + 0.5 * force_effect + general, v3),
           m3, 0.010, 0.050, 0, 0.005), 1, 5),
       likert_from_code(pg_temp.gen_code(
           pg_temp.gen_likert(mu_industry + e_industry + force_effect + 0.5 * general - 0.2, v4),
           m4, 0.010, 0.090, na_industry, 0.005), 1, 5),
       likert_from_code(pg_temp.gen_code(
           pg_temp.gen_likert(0.10 + force_effect + 0.5 * general, v5),
           m5, 0.010, 0.100, na_crossborder, 0.005), 1, 5),
       training_text::choices,
       CASE WHEN m_needs < 0.02 THEN NULL
            ELSE u_needs < 1 / (1 + exp(-(a_needs + e_needs + 0.5 * force_effect
                                          - 0.25 * (n_kinds - 2)))) END
FROM gen_training;

-- Calibrate the weights so that each country's weights add up to its officers.
UPDATE demo.responses r
SET weight = r.weight * p.officers / t.total
FROM demo.population p,
     (SELECT country, sum(weight) AS total FROM demo.responses GROUP BY country) t
WHERE p.country = r.country AND t.country = r.country;

DROP TABLE gen_country, gen_region, gen_role, gen_force, gen_draw, gen_person, gen_training;
ANALYZE demo.responses;

-- ---------------------------------------------------------------------------
-- demo.police: the responses with their design (countries x regions = strata,
-- forces = PSUs nested in strata)
-- ---------------------------------------------------------------------------
CREATE VIEW demo.police AS
SELECT r.*,
       svy_design(r.weight, strata => r.country || '/' || r.region, psu => r.force_id) AS design
FROM demo.responses r;
COMMENT ON VIEW demo.police IS 'demo.responses with its survey design: strata = country/region, PSU = police force';
