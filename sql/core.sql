-- Core: svy_design call forms, linearized estimators, errors, edge cases,
-- parallel aggregation and svy_state.  Numbers against R are in oracle.sql.
SET extra_float_digits = 0;

-- A deterministic survey: 4 strata x 5 PSUs, PSU ids repeat across strata.
CREATE TABLE s AS
SELECT i AS id,
       'S' || (i % 4) AS stratum,
       (i / 4) % 5 AS psu,
       1.0 + (i % 7) * 0.25 AS w,
       ((i * 37) % 101)::float8 AS y,
       ((i * 13) % 5 = 0) AS b,
       1.0 + (i % 3) AS x
FROM generate_series(0, 199) i;

-- every call form
SELECT (svy_mean(y, svy_design(w))).estimate IS NOT NULL AS weighted_only FROM s;
SELECT round((svy_mean(y, svy_design(w, strata => stratum))).std_error::numeric, 8) FROM s;
SELECT round((svy_mean(y, svy_design(w, psu => psu))).std_error::numeric, 8) FROM s;
SELECT round((svy_mean(y, svy_design(w, strata => stratum, psu => psu))).std_error::numeric, 8),
       (svy_mean(y, svy_design(w, strata => stratum, psu => psu))).df FROM s;
-- fpc as population PSUs and as a fraction give the same answer
SELECT round((svy_mean(y, svy_design(w, strata => stratum, psu => psu, fpc => 50))).std_error::numeric, 8) AS popsize,
       round((svy_mean(y, svy_design(w, strata => stratum, psu => psu, fpc => 0.1))).std_error::numeric, 8) AS fraction
FROM s;
-- strata and PSUs of other types, of different types from each other
SELECT round((svy_mean(y, svy_design(w, strata => (id % 4)::bigint, psu => psu::text))).std_error::numeric, 8) FROM s;
-- an untyped literal is a text stratum
SELECT (svy_mean(y, svy_design(w, strata => 'all', psu => psu))).df AS literal_stratum FROM s;
-- PSUs are nested in strata: ids repeating across strata are different PSUs
SELECT (svy_total(y, svy_design(w, strata => stratum, psu => psu))).df AS nested_df FROM s;
SELECT (svy_total(y, svy_design(w, psu => stratum || '/' || psu))).df AS unique_ids_df FROM s;

-- flat columns from GROUP BY
SELECT stratum, round(estimate::numeric, 10) AS estimate, round(std_error::numeric, 10) AS std_error,
       round(ci_lower::numeric, 10) AS ci_lower, round(ci_upper::numeric, 10) AS ci_upper,
       df, n, round(n_eff::numeric, 8) AS n_eff, round(deff::numeric, 8) AS deff
FROM (SELECT stratum, (svy_prop(b, svy_design(w, psu => psu))).* FROM s GROUP BY stratum) e ORDER BY 1;

-- every CI method; level; aliases
SELECT m, round(e.estimate::numeric, 8) AS p, round(e.ci_lower::numeric, 8) AS lo,
       round(e.ci_upper::numeric, 8) AS hi
FROM unnest(ARRAY['logit','xlogit','wilson','korn-graubard','beta','asin','likelihood','wald','mean']) m,
     LATERAL (SELECT (svy_prop(b, svy_design(w, strata => stratum, psu => psu), m, 0.9)).* FROM s) e;
SELECT (svy_prop(b, svy_design(w), 'LOGIT')).estimate IS NOT NULL AS case_insensitive FROM s;

-- proportions exactly 0 and 1: SE 0; limits where the method defines them, else NULL
SELECT m, e.estimate, e.std_error, e.ci_lower, round(e.ci_upper::numeric, 8) AS ci_upper
FROM unnest(ARRAY['logit','xlogit','wilson','korn-graubard','asin','likelihood','wald']) m,
     LATERAL (SELECT (svy_prop(y > 1000, svy_design(w, strata => stratum, psu => psu), m)).* FROM s) e;
SELECT m, e.estimate, e.std_error, round(e.ci_lower::numeric, 8) AS ci_lower, e.ci_upper
FROM unnest(ARRAY['logit','korn-graubard','wilson','wald']) m,
     LATERAL (SELECT (svy_prop(y >= 0, svy_design(w, strata => stratum, psu => psu), m)).* FROM s) e;

-- ratio; a NULL numerator or denominator takes the row out of the domain
SELECT round((svy_ratio(y, x, svy_design(w, strata => stratum, psu => psu))).estimate::numeric, 8),
       (svy_ratio(CASE WHEN id % 10 = 0 THEN NULL ELSE y END, x, svy_design(w))).n FROM s;

-- a ratio to a zero total is undefined: NULL numbers, not infinity
SELECT (svy_ratio(y, 0, svy_design(w))).* FROM s;
-- domains: svy_subset keeps the design (df counts only domain PSUs) ...
SELECT (svy_mean(y, svy_subset(svy_design(w, strata => stratum, psu => psu), stratum = 'S1'))).*
FROM s;
-- ... and a NULL outcome is outside the domain too
SELECT (svy_mean(CASE WHEN stratum = 'S1' THEN y END, svy_design(w, strata => stratum, psu => psu))).*
FROM s;
-- NULL condition: outside the domain
SELECT (svy_total(y, svy_subset(svy_design(w), NULL))).n FROM s;

-- edge cases
SELECT (svy_mean(y, svy_design(w))).* FROM s WHERE false;                    -- no rows
SELECT (svy_mean(y, svy_design(w))).* FROM s WHERE id = 7;                   -- one row: df 0, no CI
SELECT (svy_mean(NULL::float8, svy_design(w))).* FROM s;                     -- all outcomes NULL
SELECT (svy_mean(y, svy_design(CASE WHEN id < 10 THEN 0 ELSE w END))).n,    -- zero weights:
       (svy_mean(y, svy_design(CASE WHEN id < 10 THEN 0 ELSE w END))).df     -- not in n nor df
FROM s;
SET survey.lonely_psu = 'remove';
SELECT (svy_mean(y, svy_design(w, psu => 1))).* FROM s;                      -- one PSU in total

-- lonely PSUs: every mode
CREATE TABLE lonely AS SELECT * FROM s WHERE NOT (stratum = 'S3' AND psu > 0);
SET survey.lonely_psu = 'remove';
SELECT round((svy_mean(y, svy_design(w, strata => stratum, psu => psu))).std_error::numeric, 8) AS remove,
       (svy_mean(y, svy_design(w, strata => stratum, psu => psu))).df FROM lonely;
SET survey.lonely_psu = 'certainty';
SELECT round((svy_mean(y, svy_design(w, strata => stratum, psu => psu))).std_error::numeric, 8) AS certainty FROM lonely;
SET survey.lonely_psu = 'adjust';
SELECT round((svy_mean(y, svy_design(w, strata => stratum, psu => psu))).std_error::numeric, 8) AS adjust,
       round((svy_total(y, svy_design(w, strata => stratum, psu => psu))).std_error::numeric, 6) AS adjust_total
FROM lonely;
SET survey.lonely_psu = 'average';
SELECT round((svy_mean(y, svy_design(w, strata => stratum, psu => psu))).std_error::numeric, 8) AS average FROM lonely;
RESET survey.lonely_psu;
SHOW survey.lonely_psu;
SELECT svy_mean(y, svy_design(w, strata => stratum, psu => psu)) FROM lonely;
-- a certainty stratum (fpc = its PSUs) is never lonely
SELECT (svy_mean(y, svy_design(w, strata => stratum, psu => psu,
                               fpc => CASE WHEN stratum = 'S3' THEN 1 ELSE 10 END))).df FROM lonely;
SET survey.lonely_psu = 'sometimes';

-- bad input: clear errors
SELECT svy_design(NULL::float8);
SELECT svy_design(-1::float8);
SELECT svy_design('NaN'::float8);
SELECT svy_design('Infinity'::float8);
SELECT svy_design(1, strata => NULL::text) IS NOT NULL AS absent_strata_is_fine;
SELECT svy_mean(y, svy_design(w, strata => CASE WHEN id = 5 THEN NULL ELSE stratum END)) FROM s;
SELECT svy_mean(y, svy_design(w, psu => CASE WHEN id = 5 THEN NULL ELSE psu END)) FROM s;
SELECT svy_design(1, fpc => 0);
SELECT svy_design(1, fpc => 'NaN');
SELECT svy_mean(y, svy_design(w, strata => stratum, psu => psu, fpc => 3)) FROM s;
SELECT svy_mean(y, svy_design(w, strata => stratum, fpc => CASE WHEN id = 4 THEN 60 ELSE 50 END)) FROM s;
SELECT svy_mean(y, CASE WHEN id = 3 THEN svy_design(w) ELSE svy_design(w, psu => psu) END) FROM s;
SELECT svy_mean(y, CASE WHEN id = 3 THEN svy_design(w) ELSE svy_repdesign(w, ARRAY[w, w], 'JK1') END) FROM s;
SELECT svy_mean(y, NULL) FROM s;
SELECT svy_prop(b, svy_design(w), 'exact') FROM s;
SELECT svy_mean(y, svy_design(w), 1.5) FROM s;
SELECT svy_mean(y, svy_design(w), 0) FROM s;
SELECT svy_mean(y, svy_design(w), CASE WHEN id = 3 THEN 0.9 ELSE 0.95 END) FROM s;
SELECT svy_mean(CASE WHEN id = 3 THEN 'NaN' ELSE y END, svy_design(w)) FROM s;
SELECT svy_mean(CASE WHEN id = 3 THEN '-Infinity' ELSE y END, svy_design(w)) FROM s;
SELECT svy_mean(y, svy_design(w, strata => point(1, 1))) FROM s;
SELECT 'taylor w=1 fpc=0 flags=0 sid=0 pid=0 label='::svy_design;

-- huge values stay finite where they should
SELECT (svy_total(y * 1e150, svy_design(w))).estimate > 1e150 AS big_total FROM s;

-- text form of a design round-trips
SELECT svy_design(2.5, strata => 'North'::text, psu => 7, fpc => 40)::text::svy_design::text =
       svy_design(2.5, strata => 'North'::text, psu => 7, fpc => 40)::text AS design_round_trip;

-- survey.min_cell_n: estimates from fewer rows have NULL numbers, n stays
SET survey.min_cell_n = 30;
SELECT stratum, (svy_mean(y, svy_design(w))).estimate IS NULL AS suppressed,
       (svy_mean(y, svy_design(w))).n
FROM s WHERE id < 220 AND (stratum <> 'S0' OR id < 100) GROUP BY stratum ORDER BY 1;
RESET survey.min_cell_n;

-- svy_state: partial states merged equal the estimate on all rows
CREATE TABLE parts AS
SELECT stratum AS part, svy_accum(y, svy_design(w, strata => stratum, psu => psu)) AS st,
       svy_accum(b, svy_design(w, strata => stratum, psu => psu)) AS bst
FROM s GROUP BY stratum;
WITH merged AS (SELECT svy_merge(st) AS st, svy_merge(bst) AS bst FROM parts),
     direct AS (SELECT svy_mean(y, svy_design(w, strata => stratum, psu => psu)) AS m,
                       svy_total(y, svy_design(w, strata => stratum, psu => psu)) AS t,
                       svy_prop(b, svy_design(w, strata => stratum, psu => psu), 'wilson') AS p FROM s)
SELECT abs((svy_mean(st)).estimate - (m).estimate) < 1e-9 * abs((m).estimate) AS mean_same,
       abs((svy_mean(st)).std_error - (m).std_error) < 1e-9 * (m).std_error AS se_same,
       abs((svy_total(st)).std_error - (t).std_error) < 1e-9 * (t).std_error AS total_same,
       abs((svy_prop(bst, 'wilson')).ci_lower - (p).ci_lower) < 1e-9 AS prop_same,
       (svy_mean(st)).df = (m).df AS df_same
FROM merged, direct;
-- its text form round-trips; corrupt states are rejected
SELECT (svy_mean(st::text::svy_state)).estimate = (svy_mean(st)).estimate AS text_round_trip
FROM parts WHERE part = 'S1';
\getenv abs_builddir PG_ABS_BUILDDIR
\set state_file :abs_builddir '/results/survey_states.bin'
\set copy_out '\\copy parts TO ' :'state_file' ' (FORMAT binary)'
\set copy_in '\\copy parts2 FROM ' :'state_file' ' (FORMAT binary)'
:copy_out
CREATE TABLE parts2 (LIKE parts);
:copy_in
SELECT (svy_mean(svy_merge(st))).std_error = (SELECT (svy_mean(svy_merge(st))).std_error FROM parts)
       AS binary_round_trip FROM parts2;
SELECT '\x09'::svy_state;
SELECT '\x0101'::svy_state;
SELECT 'abc'::svy_state;
SELECT svy_prop(st) FROM parts LIMIT 1;
SELECT svy_merge(st) FROM (SELECT st FROM parts UNION ALL SELECT bst FROM parts) u;

-- parallel aggregation gives the serial answer
CREATE TABLE big AS
SELECT i AS id, 'S' || (i % 8) AS stratum, (i / 8) % 40 AS psu,
       0.5 + (i % 13) * 0.25 AS w, ((i * 7919) % 1000)::float8 AS y, (i * 31) % 7 < 3 AS b,
       (i % 5)::text AS g
FROM generate_series(1, 200000) i;
ANALYZE big;
CREATE TABLE serial AS
SELECT svy_mean(y, svy_design(w, strata => stratum, psu => psu)) AS m,
       svy_prop(b, svy_design(w, strata => stratum), 'korn-graubard') AS p,
       svy_ratio(y, w, svy_design(w, psu => psu)) AS r
FROM big;
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has($q$CREATE TABLE parallel AS
SELECT svy_mean(y, svy_design(w, strata => stratum, psu => psu)) AS m,
       svy_prop(b, svy_design(w, strata => stratum), 'korn-graubard') AS p,
       svy_ratio(y, w, svy_design(w, psu => psu)) AS r
FROM big$q$, 'Partial Aggregate') AS partial_aggregate;
CREATE TABLE parallel AS
SELECT svy_mean(y, svy_design(w, strata => stratum, psu => psu)) AS m,
       svy_prop(b, svy_design(w, strata => stratum), 'korn-graubard') AS p,
       svy_ratio(y, w, svy_design(w, psu => psu)) AS r
FROM big;
SELECT abs((p.m).estimate - (s.m).estimate) < 1e-12 * (s.m).estimate AS mean_same,
       abs((p.m).std_error - (s.m).std_error) < 1e-12 * (s.m).std_error AS mean_se_same,
       (p.m).df = (s.m).df AND (p.m).n = (s.m).n AS df_n_same,
       abs((p.p).ci_upper - (s.p).ci_upper) < 1e-12 * (s.p).ci_upper AS prop_ci_same,
       abs((p.r).std_error - (s.r).std_error) < 1e-12 * (s.r).std_error AS ratio_se_same
FROM parallel p, serial s;
RESET ALL;
DROP FUNCTION plan_has(text, text);
DROP TABLE s, lonely, parts, parts2, big, serial, parallel;
