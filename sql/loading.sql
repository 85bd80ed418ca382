--
-- loading: getting questionnaire exports in (SPEC section 11, docs/loading.md)
-- and the first-use traps of issue 12.
--

-------------------------------------------------------------------------------
-- likert_from_label
-------------------------------------------------------------------------------
CREATE TEMP TABLE agree (labels text[]);
INSERT INTO agree VALUES ('{Strongly disagree,Disagree,Neither agree nor disagree,Agree,Strongly agree}');

-- every label, trimmed; NULL stays NULL; listed labels become missing reasons
SELECT l AS label, likert_from_label(l, a.labels, '{"Don''t know": "dk", "Prefer not to say": "refused", "": "no_answer"}') AS q
FROM agree a, unnest(ARRAY['Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree',
                           'Strongly agree', '  Agree ', E'Agree\t', 'Don''t know', ' Prefer not to say',
                           '', '   ', NULL]) WITH ORDINALITY AS u(l, i)
ORDER BY i;
-- the result carries the scale; it fits a likert(5) column, not a likert(7) one
CREATE TEMP TABLE lk5 (q likert(5));
INSERT INTO lk5 SELECT likert_from_label('Agree', labels) FROM agree;
SELECT q FROM lk5;
CREATE TEMP TABLE lk7 (q likert(7));
INSERT INTO lk7 SELECT likert_from_label('Agree', labels) FROM agree;
-- lo: 0..10 scales (an 11-point recommendation item exported as its labels)
SELECT likert_from_label('Extremely likely', '{Not at all likely,1,2,3,4,5,6,7,8,9,Extremely likely}', NULL, 0),
       likert_from_label('3', '{Not at all likely,1,2,3,4,5,6,7,8,9,Extremely likely}', NULL, 0),
       likert_from_label('Neutral', '{Negative,Neutral,Positive}', NULL, -1);

-- errors: an unknown label names itself and lists the valid ones (case matters)
SELECT likert_from_label('agree', labels) FROM agree;
SELECT likert_from_label('Dont know', labels, '{"Don''t know": "dk"}') FROM agree;
SELECT likert_from_label('', labels) FROM agree;
SELECT likert_from_label('Agree', '{Yes}');
SELECT likert_from_label('Agree', '{A,B,A }');
SELECT likert_from_label('Agree', '{A,NULL}');
SELECT likert_from_label('Agree', '{{A,B},{C,D}}');
SELECT likert_from_label('Agree', '{Agree,Disagree}', '{"Agree": "dk"}');
SELECT likert_from_label('Agree', '{Agree,Disagree}', '{"x": "unknown"}');
SELECT likert_from_label('Agree', '{Agree,Disagree}', '{"x": 1}');
SELECT likert_from_label('Agree', '{Agree,Disagree}', '["dk"]');
SELECT likert_from_label('Agree', '{Agree,Disagree}', NULL, 100);
SELECT likert_from_label('Agree', '{Agree,Disagree}', NULL, NULL);
SELECT likert_from_label('Agree', NULL);
-- a per-row labels column (no caching across different arguments)
SELECT likert_from_label(l, labs)
FROM (VALUES ('b', '{a,b,c}'::text[]), ('b', '{b,a}'), ('x', '{x,y,z,w}')) v(l, labs);

-------------------------------------------------------------------------------
-- choices_from_text and choices_from_flags
-------------------------------------------------------------------------------
SELECT t, choices_from_text(t, ';', '{Firearms,First aid,Cybercrime}') AS x
FROM unnest(ARRAY['Firearms;Cybercrime', ' First aid ; Firearms ', 'Cybercrime', '', ';', 'Firearms;;',
                  'Firearms;Firearms', NULL]) WITH ORDINALITY AS u(t, i)
ORDER BY i;
-- multi-character separators; without labels the parts are option numbers
SELECT choices_from_text('A || C', '||', '{A,B,C}'), choices_from_text('1,3, 64', ','),
       choices_from_text('', ','), choices_from_text('Basic awareness,Digital evidence', ',',
                                                     '{Basic awareness,Digital evidence}');
SELECT choices_from_text('Firearms;Knives', ';', '{Firearms,First aid,Cybercrime}');
SELECT choices_from_text('Firearms,First aid', ';', '{Firearms,First aid,Cybercrime}');
SELECT choices_from_text('1,65', ',');
SELECT choices_from_text('1,x', ',');
SELECT choices_from_text('A', '', '{A}');
SELECT choices_from_text('A', NULL, '{A}');
SELECT choices_from_text('A', ',', (SELECT array_agg('o' || i) FROM generate_series(1, 65) i));

SELECT choices_from_flags(true, false, true) AS a, choices_from_flags(NULL, true) AS b,
       choices_from_flags(false, false) AS c, choices_from_flags(NULL, NULL) AS d,
       choices_from_flags(VARIADIC '{}'::boolean[]) AS e, choices_from_flags(VARIADIC NULL::boolean[]) AS f,
       choices_from_flags('Y' = 'Y', NULL = 'Y', 'Y' = 'Y') AS y_blank;
SELECT choices_from_flags(VARIADIC array_fill(true, ARRAY[64])) = (SELECT array_agg(i) FROM generate_series(1, 64) i)::choices AS all_64;
SELECT choices_from_flags(VARIADIC array_fill(true, ARRAY[65]));
SELECT choices_from_flags(VARIADIC '{{t,f},{f,t}}'::boolean[]);

-------------------------------------------------------------------------------
-- Traps of the first hour (issue 12)
-------------------------------------------------------------------------------
CREATE TEMP TABLE t AS
SELECT i, (ARRAY['DE', 'FR', 'IT'])[1 + i % 3] AS country, (i / 3) % 4 AS psu,
       1.0 + (i % 7) * 0.25 AS w,
       (CASE WHEN i % 11 = 0 THEN 'dk' WHEN i % 13 = 0 THEN 'refused' WHEN i % 29 = 0 THEN NULL
             ELSE (1 + (i * 7) % 5)::text END)::likert(5) AS q,
       CASE WHEN i % 17 = 0 THEN 'skipped'::choices
            ELSE choices_from_flags((i * 4) % 5 < 2, (i * 5) % 7 < 3, (i * 6) % 5 < 1, false) END AS x
FROM generate_series(1, 240) i;
CREATE TEMP VIEW v AS SELECT t.*, svy_design(w, strata => country, psu => psu) AS design FROM t;

-- likert compared with an integer: NULL for a missing reason; with a text
-- literal: the total order, in which missing reasons sort after 5
SELECT q, q >= 4 AS ge_4, q = 5 AS eq_5, 4 <= q AS four_le, q < 3 AS lt_3, q <> 3 AS ne_3,
       q IN (4, 5) AS in_45, q >= '4' AS ge_text_4
FROM (VALUES ('1/5'::likert), ('4/5'), ('5/5'), ('dk/5'), ('refused/5'), ('no_answer/5'), ('4'), (NULL)) v(q);
SELECT count(*) FILTER (WHERE q >= 4) AS agree_int, count(*) FILTER (WHERE top_box(q)) AS top_box,
       count(*) FILTER (WHERE q >= '4') AS agree_text_with_missing,
       count(*) FILTER (WHERE q >= 4 IS NULL) AS unknown
FROM t;
-- svy_prop(q >= 4) leaves missing reasons out of the domain, as top_box does
SELECT (svy_prop(q >= 4, design)).estimate = (svy_prop(top_box(q), design)).estimate AS same_as_top_box,
       (svy_prop(q >= 4, design)).n = (svy_prop(top_box(q), design)).n AS same_n,
       (svy_prop(q >= '4', design)).n > (svy_prop(q >= 4, design)).n AS text_literal_counts_missing
FROM v;
-- the integer operators are not the index's: an index scan still uses the total order
CREATE INDEX t_q ON t (q);
SET enable_seqscan = off;
SELECT count(*) FROM t WHERE q >= '4/5';
SELECT count(*) FROM t WHERE q >= 4;
RESET enable_seqscan;

-- a total order, and a hash consistent with it, for any mix: unscaled values
-- with two scales (3 = 3/5 = 3/0..10; the scale takes no part)
CREATE TEMP TABLE mix (id serial, u likert);
INSERT INTO mix (u) SELECT v::likert FROM unnest(ARRAY['3', '3/5', '3/0..10', '4', '4/5', '10/0..10', 'dk', 'dk/5',
    'dk/0..10', 'refused/5', '1/3', '2/3', '3/3', '-3/-3..3', '0/-3..3', '0/0..10', '5/5', 'no_answer']) v,
    generate_series(1, 3);
ANALYZE mix;
SELECT '3'::likert = '3/5' AND '3/5'::likert = '3/0..10' AND '3'::likert = '3/0..10' AS transitive,
       likert_hash('3') = likert_hash('3/5') AND likert_hash('3/5') = likert_hash('3/0..10') AS hash_agrees,
       likert_hash_extended('dk', 7) = likert_hash_extended('dk/0..10', 7) AS hash_extended_agrees;
-- every pair ordered consistently: cmp antisymmetric and transitive over the whole mix
SELECT count(*) AS antisymmetry_violations FROM mix a, mix b WHERE likert_cmp(a.u, b.u) <> -likert_cmp(b.u, a.u);
SELECT count(*) AS transitivity_violations
FROM (SELECT DISTINCT u::text AS s, u FROM mix) a, (SELECT DISTINCT u::text AS s, u FROM mix) b,
     (SELECT DISTINCT u::text AS s, u FROM mix) c
WHERE likert_cmp(a.u, b.u) <= 0 AND likert_cmp(b.u, c.u) <= 0 AND likert_cmp(a.u, c.u) > 0;
-- hash join, merge join and nested loop give the same rows
CREATE TEMP TABLE join_results (method text, a int, b int);
SET enable_hashjoin = on; SET enable_mergejoin = off; SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM mix a JOIN mix b ON a.u = b.u;
INSERT INTO join_results SELECT 'hash', a.id, b.id FROM mix a JOIN mix b ON a.u = b.u;
SET enable_hashjoin = off; SET enable_mergejoin = on;
EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM mix a JOIN mix b ON a.u = b.u;
INSERT INTO join_results SELECT 'merge', a.id, b.id FROM mix a JOIN mix b ON a.u = b.u;
SET enable_mergejoin = off; SET enable_nestloop = on;
EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM mix a JOIN mix b ON a.u = b.u;
INSERT INTO join_results SELECT 'nestloop', a.id, b.id FROM mix a JOIN mix b ON a.u = b.u;
RESET enable_hashjoin; RESET enable_mergejoin; RESET enable_nestloop;
SELECT method, count(*) FROM join_results GROUP BY method ORDER BY method;
SELECT count(*) AS rows_not_in_every_method
FROM (SELECT a, b FROM join_results GROUP BY a, b HAVING count(DISTINCT method) <> 3) d;
-- DISTINCT and GROUP BY through hashing and through sorting agree; min and max
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT u, count(*) FROM mix GROUP BY u;
CREATE TEMP TABLE by_hash AS SELECT likert_cmp(u, '0') AS k, u::int AS v, missing_reason(u) AS r, count(*) AS n FROM mix GROUP BY u;
CREATE TEMP TABLE distinct_hash AS SELECT DISTINCT u FROM mix;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT u, count(*) FROM mix GROUP BY u;
CREATE TEMP TABLE by_sort AS SELECT likert_cmp(u, '0') AS k, u::int AS v, missing_reason(u) AS r, count(*) AS n FROM mix GROUP BY u;
CREATE TEMP TABLE distinct_sort AS SELECT DISTINCT u FROM mix;
RESET enable_hashagg;
SELECT (SELECT count(*) FROM by_hash) AS groups_hash, (SELECT count(*) FROM by_sort) AS groups_sort,
       NOT EXISTS (SELECT v, r, n FROM by_hash EXCEPT SELECT v, r, n FROM by_sort) AS same_groups,
       (SELECT count(*) FROM distinct_hash) AS distinct_hash, (SELECT count(*) FROM distinct_sort) AS distinct_sort;
SELECT v, r, n FROM by_sort ORDER BY v, r;
SELECT min(u)::int AS min_value, missing_reason(max(u)) AS max_reason FROM mix;
-- min and max through the index (their SORTOP) agree with the aggregates' own comparison
CREATE INDEX mix_u ON mix (u);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT min(u) FROM mix;
SELECT min(u)::int AS min_index, missing_reason(max(u)) AS max_index FROM mix;
-- every value is >= the lowest answer (missing reasons sort last): an index range scan sees all rows
SELECT count(*) AS index_scan_rows, count(DISTINCT u) AS distinct_values FROM mix WHERE u >= '-100';
RESET enable_seqscan;

-- likert wherever a numeric outcome or a category is accepted
SELECT g.level, round(g.estimate::numeric, 10) AS mean, g.n,
       abs(g.std_error - f.std_error) < 1e-12 AS same_se_as_float8
FROM (SELECT svy_by(q, country, design) AS d, svy_by(q::float8, country, design) AS f FROM v) s,
     svy_groups(s.d) g JOIN svy_groups(s.f) f USING (level)
ORDER BY g.level;
-- (the implicit cast to float8: a missing reason is NULL, outside the domain)
SELECT (svy_total(q, design)).estimate = (svy_total(q::float8, design)).estimate AS total_same,
       (svy_total(q, design, 0.9)).ci_lower = (svy_total(q::float8, design, 0.9)).ci_lower AS total_level_same,
       (svy_quantile(q, design, 0.5)).estimate AS median,
       (svy_quantile(q, design, 0.5)).n = count(q) FILTER (WHERE NOT is_missing(q)) AS median_n_valid,
       (svy_ratio(q, w, design)).estimate = (svy_ratio(q::float8, w, design)).estimate AS ratio_same,
       (svy_mean(svy_accum(q, design))).estimate = (svy_mean(q, design)).estimate AS state_same,
       (svy_prop(q = 5, design)).n AS prop_n
FROM v;
SELECT q, q + 1 AS plus_one, q >= 4.5 AS ge_4_5, sum(w) FROM t WHERE i <= 13 GROUP BY q ORDER BY q;
SELECT level, round(estimate::numeric, 6) AS share FROM svy_groups((SELECT svy_by(q >= 4, country, design) FROM v));
SELECT row_level, col_level, round(estimate::numeric, 6) AS share, n
FROM svy_cells((SELECT svy_tab(country, q, design) FROM v)) WHERE col_level IN ('4', '5');
-- svy_prop wants a yes/no question: a likert is not one
SELECT svy_prop(q, design) FROM v;

-- a multi-select answer is not a category
SELECT svy_tab(country, x, design) FROM v;
SELECT svy_tab(x, country, design) FROM v;
SELECT svy_dist(x, design) FROM v;
SELECT svy_by(w, x, design) FROM v;

-- the per-option cross-national table: one svy_domains per option, all
-- options in one query (rows x options); each option's shares by country are
-- those of svy_choices within that country
CREATE TEMP TABLE per_option AS
SELECT s.k, g.level AS country, g.estimate, g.std_error, g.df, g.n
FROM (SELECT k, svy_by(has_choice(x, k), country, design) AS d
      FROM v, generate_series(1, 3) AS k GROUP BY k) s,
     svy_groups(s.d) g;
SELECT k, country, round(estimate::numeric, 6) AS share, n FROM per_option ORDER BY k, country;
SELECT p.k, p.country,
       abs(p.estimate - c.estimate) < 1e-12 AS same_estimate,
       abs(p.std_error - c.std_error) < 1e-12 AS same_se,
       p.df = c.df AS same_df
FROM per_option p
JOIN LATERAL (SELECT g.* FROM (SELECT svy_choices(x, svy_subset(design, country = p.country), '{A,B,C}') AS d
                               FROM v) s, svy_groups(s.d) g) c ON c.level = (ARRAY['A', 'B', 'C'])[p.k]
ORDER BY p.k, p.country;
-- and the countries compared per option (they share no PSU: independent)
SELECT s.k, w.level_a, w.level_b, round(w.difference::numeric, 6) AS difference
FROM (SELECT k, svy_by(has_choice(x, k), country, design) AS d
      FROM v, generate_series(1, 3) AS k GROUP BY k) s,
     svy_pairwise(s.d, 'none') w
WHERE s.k = 1;

-- svy_choices with option labels: levels read as words, every labelled option listed
SELECT level, round(estimate::numeric, 6) AS share, n
FROM svy_groups((SELECT svy_choices(x, design, '{Firearms,First aid,Cybercrime,Negotiation}') FROM v));
SELECT level FROM svy_groups((SELECT svy_choices(x, design) FROM v));
-- nobody answered: no rows (as svy_dist); respondents who chose nothing: every label, 0
SELECT g.* FROM svy_groups((SELECT svy_choices(x, svy_design(1.0), '{A,B}')
                            FROM (VALUES ('skipped'::choices), ('dk')) v(x))) g;
SELECT g.level, g.estimate, g.n FROM svy_groups((SELECT svy_choices(x, svy_design(1.0), '{A,B}')
                                                 FROM (VALUES ('{}'::choices), ('dk')) v(x))) g;
SELECT svy_choices(x, design, '{Firearms,First aid}') FROM v;
SELECT svy_choices(x, design, '{A,B,A,D}') FROM v;
SELECT svy_choices(x, design, NULL) FROM v;
SELECT svy_choices(x, design, '{}') FROM v;
SELECT svy_choices(x, design, CASE WHEN i < 100 THEN '{A,B,C}' ELSE '{A,B,D}' END::text[]) FROM v;
-- partial aggregation carries the labels: parallel = serial
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;

CREATE TABLE loading_par AS SELECT t.*, i % 5 AS part FROM t, generate_series(1, 20) AS r(j);
ANALYZE loading_par;
EXPLAIN (COSTS OFF)
SELECT svy_choices(x, svy_design(w, strata => country, psu => psu), '{A,B,C,D}') FROM loading_par;
-- (results kept in psql variables: CREATE TABLE AS would not run in parallel)
SELECT array_agg(g.estimate ORDER BY g.level) AS par_choices_est, array_agg(g.std_error ORDER BY g.level) AS par_choices_se
FROM svy_groups((SELECT svy_choices(x, svy_design(w, strata => country, psu => psu), '{A,B,C,D}')
                 FROM loading_par)) g \gset
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS options,
       bool_and(abs(g.estimate - p.e) <= 1e-12 AND abs(g.std_error - p.se) <= 1e-12 * p.se) AS choices_parallel_same
FROM svy_groups((SELECT svy_choices(x, svy_design(w, strata => country, psu => psu), '{A,B,C,D}')
                 FROM loading_par)) WITH ORDINALITY AS g
JOIN unnest(:'par_choices_est'::float8[], :'par_choices_se'::float8[]) WITH ORDINALITY AS p(e, se, ordinality)
     USING (ordinality);
-- likert outcomes of svy_by and svy_total in parallel: the same numbers
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT svy_by(q, country, svy_design(w, strata => country, psu => psu)) FROM loading_par;
SELECT array_agg(g.estimate ORDER BY g.level) AS par_by_est, array_agg(g.std_error ORDER BY g.level) AS par_by_se
FROM svy_groups((SELECT svy_by(q, country, svy_design(w, strata => country, psu => psu))
                 FROM loading_par)) g \gset
SELECT (svy_total(q, svy_design(w, strata => country, psu => psu))).estimate AS par_total_est,
       (svy_total(q, svy_design(w, strata => country, psu => psu))).std_error AS par_total_se
FROM loading_par \gset
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS groups,
       bool_and(abs(g.estimate - p.e) <= 1e-12 * p.e AND abs(g.std_error - p.se) <= 1e-9 * p.se) AS by_parallel_same
FROM svy_groups((SELECT svy_by(q, country, svy_design(w, strata => country, psu => psu))
                 FROM loading_par)) WITH ORDINALITY AS g
JOIN unnest(:'par_by_est'::float8[], :'par_by_se'::float8[]) WITH ORDINALITY AS p(e, se, ordinality)
     USING (ordinality);
SELECT abs((svy_total(q, d)).estimate - :par_total_est) < 1e-9 * abs(:par_total_est) AS total_parallel_same,
       abs((svy_total(q, d)).std_error - :par_total_se) < 1e-9 * :par_total_se AS total_se_parallel_same
FROM (SELECT q, svy_design(w, strata => country, psu => psu) AS d FROM loading_par) s;
SET max_parallel_workers_per_gather = 2;
SELECT svy_choices(x, svy_design(w, strata => country, psu => psu),
                   CASE WHEN part = 0 THEN '{A,B,C,D}' ELSE '{A,B,C,E}' END::text[]) FROM loading_par;
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size; RESET parallel_leader_participation;
DROP TABLE loading_par;

-------------------------------------------------------------------------------
-- svy_format: report text
-------------------------------------------------------------------------------
SELECT svy_format(e) AS default_style, svy_format(e, 'percent', 1) AS percent_1,
       svy_format(e, 'percent', 0) AS percent_0, svy_format(e, 'number', 3) AS number_3
FROM (VALUES (ROW(0.485, 0.01, 0.4334, 0.5381, 20, 100, 50, 1.2)::svy_estimate),
             (ROW(0.99996, 0.0, 0.9995, 1.0, 20, 100, NULL, NULL)::svy_estimate),
             (ROW(-0.00001, 0.1, -0.2, 0.2, 20, 100, NULL, NULL)::svy_estimate),
             (ROW(1234.5678, 10, NULL, NULL, NULL, 3, NULL, NULL)::svy_estimate),
             (ROW(NULL, NULL, NULL, NULL, 20, 3, NULL, NULL)::svy_estimate),
             (NULL::svy_estimate)) v(e);
SELECT svy_format(svy_prop(q >= 4, design), 'percent', 1) FROM v;
SELECT svy_format(svy_mean(q, design), 'number', 2) FROM v;
SELECT svy_format(ROW(1, 0, 0, 2, 1, 1, 1, 1)::svy_estimate, 'percentage', 1);
SELECT svy_format(ROW(1, 0, 0, 2, 1, 1, 1, 1)::svy_estimate, 'number', -1);
SELECT svy_format(ROW(1, 0, 0, 2, 1, 1, 1, 1)::svy_estimate, 'number', 11);
-- cells that survey.min_cell_n suppresses come out NULL
SET survey.min_cell_n = 70;
SELECT level, n, svy_format(ROW(estimate, std_error, ci_lower, ci_upper, df, n, NULL, deff)::svy_estimate) AS shown
FROM svy_groups((SELECT svy_by(q >= 4, country, design) FROM v));
RESET survey.min_cell_n;

-------------------------------------------------------------------------------
-- svy_quantiles as rows, and one column order for every reader
-------------------------------------------------------------------------------
SELECT q.p, q.estimate, q.n
FROM (SELECT svy_quantiles(w, design, '{0.25,0.5,0.75}') AS a FROM v) s,
     svy_quantile_rows(s.a, '{0.25,0.5,0.75}') q;
SELECT q.estimate = (SELECT (svy_quantile(w, design, 0.5)).estimate FROM v) AS median_same
FROM (SELECT svy_quantiles(w, design, '{0.5}') AS a FROM v) s, svy_quantile_rows(s.a, '{0.5}') q;
SELECT p.proname, array_to_string(p.proargnames[p.pronargs + 1:], ', ') AS columns
FROM pg_proc p
WHERE p.proname IN ('svy_groups', 'svy_cells', 'svy_quantile_rows') ORDER BY 1;
SELECT attname FROM pg_attribute WHERE attrelid = 'svy_estimate'::regclass AND attnum > 0 ORDER BY attnum;

-------------------------------------------------------------------------------
-- The recipes of docs/loading.md, on the sample exports in demo/exports/
-- (loaded from the client side with \copy, as the docs do)
-------------------------------------------------------------------------------
\getenv abs_srcdir PG_ABS_SRCDIR
CREATE SCHEMA load;
CREATE TABLE load.responses (
    source               text,
    respondent_id        text,
    country              text,
    region               text,
    force_id             integer,
    weight               float8,
    q_confidence         likert(5),
    training_received    choices,
    needs_more_training  boolean,
    recommend            likert(0, 10),
    PRIMARY KEY (source, respondent_id)
);

-- LimeSurvey: "Full answers", question codes as headings; multi-select as Y/blank columns
CREATE TABLE load.lime_raw (
    id integer, submitdate timestamp, lastpage integer, startlanguage text,
    country text, region text, force integer, weight float8, confidence text,
    training_sq001 text, training_sq002 text, training_sq003 text, needs text);
\set copycmd '\\copy load.lime_raw FROM ''' :abs_srcdir '/demo/exports/limesurvey.csv'' WITH (FORMAT csv, HEADER)'
:copycmd
-- empty fields arrive as NULL
SELECT id, submitdate IS NULL AS incomplete, confidence, training_sq001 AS sq001, training_sq003 AS sq003
FROM load.lime_raw ORDER BY id;
INSERT INTO load.responses
SELECT 'limesurvey', id, country, region, force, weight,
       CASE WHEN submitdate IS NULL THEN 'skipped'
            ELSE likert_from_label(coalesce(confidence, ''),
                     '{Not at all confident,Slightly confident,Moderately confident,Very confident,Completely confident}',
                     '{"Don''t know": "dk", "No answer": "no_answer", "": "no_answer"}') END,
       CASE WHEN submitdate IS NULL THEN 'skipped'
            ELSE choices_from_flags(coalesce(training_sq001 = 'Y', false), coalesce(training_sq002 = 'Y', false),
                                    coalesce(training_sq003 = 'Y', false)) END,
       CASE needs WHEN 'Yes' THEN true WHEN 'No' THEN false END,
       NULL
FROM load.lime_raw;

-- Qualtrics: three heading rows; multi-select as comma-separated choice texts
CREATE TABLE load.qualtrics_raw (
    startdate text, enddate text, status text, progress text, finished text, responseid text,
    country text, region text, force text, weight text, q1 text, q2 text, q3 text);
\set copycmd '\\copy load.qualtrics_raw FROM ''' :abs_srcdir '/demo/exports/qualtrics.csv'' WITH (FORMAT csv, HEADER)'
:copycmd
DELETE FROM load.qualtrics_raw WHERE responseid !~ '^R_';   -- heading rows 2 and 3
INSERT INTO load.responses
SELECT 'qualtrics', responseid, country, region, force::integer, weight::float8,
       coalesce(likert_from_label(q1,
                    '{Not at all confident,Slightly confident,Moderately confident,Very confident,Completely confident}',
                    '{"Don''t know": "dk", "Prefer not to say": "refused"}'),
                CASE WHEN finished = 'True' THEN 'no_answer' ELSE 'skipped' END::likert),
       coalesce(choices_from_text(replace(q2, 'None of these', ''), ',',
                                  '{Basic awareness,Digital evidence,Victim identification}'),
                CASE WHEN finished = 'True' THEN 'no_answer' ELSE 'skipped' END::choices),
       NULL,
       coalesce(q3::integer::likert(0, 10), CASE WHEN finished = 'True' THEN 'no_answer' ELSE 'skipped' END::likert)
FROM load.qualtrics_raw;

-- SurveyMonkey: two heading rows; multi-select as one column per option holding its text
CREATE TABLE load.monkey_raw (
    respondent_id text, collector_id text, start_date text, end_date text,
    country text, region text, force integer, weight float8, confidence text,
    training_1 text, training_2 text, training_3 text, needs text);
\set copycmd '\\copy load.monkey_raw FROM ''' :abs_srcdir '/demo/exports/surveymonkey.csv'' WITH (FORMAT csv, HEADER, FORCE_NOT_NULL (confidence))'
:copycmd
DELETE FROM load.monkey_raw WHERE respondent_id IS NULL;     -- heading row 2
INSERT INTO load.responses
SELECT 'surveymonkey', respondent_id, country, region, force, weight,
       likert_from_label(confidence,
           '{Not at all confident,Slightly confident,Moderately confident,Very confident,Completely confident}',
           '{"Don''t know": "dk", "": "no_answer"}'),
       coalesce(choices_from_text(nullif(concat_ws(';', training_1, training_2, training_3), ''), ';',
                                  '{Basic awareness,Digital evidence,Victim identification}'),
                'no_answer'),
       CASE needs WHEN 'Yes' THEN true WHEN 'No' THEN false END,
       NULL
FROM load.monkey_raw;

SELECT source, respondent_id, q_confidence, training_received, needs_more_training, recommend
FROM load.responses ORDER BY source, respondent_id;

-- from there on, the analysis of the demo report
CREATE VIEW load.survey AS
SELECT r.*, svy_design(weight, strata => country || '/' || region, psu => force_id) AS design
FROM load.responses r;
SET survey.lonely_psu = 'adjust';
SELECT g.level, round(g.estimate::numeric, 4) AS share, g.n
FROM svy_groups((SELECT svy_dist(q_confidence, design, true) FROM load.survey)) g;
SELECT g.level, round(g.estimate::numeric, 4) AS share, g.n
FROM svy_groups((SELECT svy_choices(training_received, design,
                                    '{Basic awareness,Digital evidence,Victim identification}')
                 FROM load.survey)) g;
SELECT country, svy_format(svy_prop(q_confidence >= 4, design), 'percent', 1) AS confident
FROM load.survey GROUP BY country ORDER BY country;
RESET survey.lonely_psu;

-- a label the recipe does not know stops the load and names it
SELECT likert_from_label(confidence, '{Not at all confident,Slightly confident,Moderately confident,Very confident,Completely confident}')
FROM load.lime_raw;
DROP SCHEMA load CASCADE;
