-- svy_aggstate: the concrete, expanded transition state of every survey
-- aggregate (src/aggstate.c).  Parallel plans combine flattened states
-- without serial functions; the text and binary forms round-trip exactly;
-- bad states fail clearly; typed grouping overloads resolve.
SET extra_float_digits = 0;

-- no aggregate of the extension keeps an internal state or needs serial functions,
-- except svy_population: its value depends on the order of its rows, so it has no
-- combine function and never runs in parallel (a population table is small)
SELECT p.proname, count(*) AS internal_states
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.proname LIKE 'svy\_%' AND (a.aggtranstype = 'internal'::regtype OR a.aggserialfn <> 0)
GROUP BY 1;
SELECT DISTINCT a.aggtranstype::regtype AS stype, a.aggcombinefn
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.proname LIKE 'svy\_%' ORDER BY 1;

CREATE TYPE colour AS ENUM ('red', 'green', 'blue');
CREATE TABLE st AS
SELECT i AS id, 'S' || (i % 5) AS h, (i / 5) % 40 AS psu, 1.0 + (i % 7) * 0.25 AS w,
       ((i * 37) % 1001)::float8 / 10 AS y, (i * 13) % 7 < 3 AS b,
       (ARRAY['AT','BE','CZ','DE'])[1 + i % 4] AS country,
       ((i % 3) + 1)::smallint AS small, (ARRAY['red','green','blue']::colour[])[1 + i % 3] AS col,
       (((i * 7) % 5) + 1)::likert(5) AS q, ('2024-01-0' || (1 + i % 3))::date AS day
FROM generate_series(0, 39999) i;
ANALYZE st;

-- parallel = serial: the partial states are flattened into the partial
-- tuples and combined by svy_aggstate_combine
CREATE FUNCTION plan_of(q text) RETURNS SETOF text LANGUAGE plpgsql AS
$$ BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q; END $$;
CREATE TABLE serial AS
SELECT (svy_mean(y, svy_design(w, h, psu))).std_error AS mean_se,
       (svy_prop(b, svy_design(w, h, psu))).std_error AS prop_se,
       (svy_quantile(y, svy_design(w, h, psu), 0.5)).ci_upper AS q_hi,
       svy_by(y, country, svy_design(w, h, psu))::text AS by_text,
       svy_tab(country, q, svy_design(w, h, psu))::text AS tab_text
FROM st;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
SELECT count(*) > 0 AS partial_aggregate
FROM plan_of('SELECT svy_mean(y, svy_design(w, h, psu)), svy_by(y, country, svy_design(w, h, psu)),
                     svy_quantile(y, svy_design(w, h, psu), 0.5) FROM st') p
WHERE p LIKE '%Partial Aggregate%';
CREATE TABLE parallel AS
SELECT (svy_mean(y, svy_design(w, h, psu))).std_error AS mean_se,
       (svy_prop(b, svy_design(w, h, psu))).std_error AS prop_se,
       (svy_quantile(y, svy_design(w, h, psu), 0.5)).ci_upper AS q_hi,
       svy_by(y, country, svy_design(w, h, psu))::text AS by_text,
       svy_tab(country, q, svy_design(w, h, psu))::text AS tab_text
FROM st;
SELECT abs(s.mean_se - p.mean_se) < 1e-12 * s.mean_se AS mean_same,
       abs(s.prop_se - p.prop_se) < 1e-12 * s.prop_se AS prop_same,
       s.q_hi = p.q_hi AS quantile_same,
       length(s.by_text) > 0 AND length(s.tab_text) > 0 AS results
FROM serial s, parallel p;
RESET parallel_setup_cost; RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size; RESET max_parallel_workers_per_gather;

-- raw states, as Citus's workers produce them: an aggregate without final function
CREATE AGGREGATE mean_state(float8, svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE AGGREGATE quantile_state(float8, svy_design, float8) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE AGGREGATE by_state(float8, text, svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE AGGREGATE by_state_likert(float8, likert, svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE TABLE states AS
SELECT mean_state(y, svy_design(w, h, psu)) AS m,
       quantile_state(y, svy_design(w, h, psu), 0.5) AS qs,
       by_state(y, country, svy_design(w, h, psu)) AS bs,
       by_state_likert(y, q, svy_design(w, h, psu)) AS bl
FROM st;
-- text (base64) and binary forms: header format 1, kind, byte order
SELECT left(m::text, 4) AS mean_head, left(qs::text, 4) AS quantile_head,
       substr(svy_aggstate_send(m), 1, 2) AS mean_bytes, substr(svy_aggstate_send(bs), 1, 2) AS by_bytes
FROM states;
-- the text form round-trips exactly; finishing a stored state = the aggregate
SELECT svy_mean_final(m::text::svy_aggstate) = (SELECT svy_mean(y, svy_design(w, h, psu)) FROM st) AS mean_same,
       svy_quantile_final(qs::text::svy_aggstate) = (SELECT svy_quantile(y, svy_design(w, h, psu), 0.5) FROM st) AS quantile_same,
       svy_domains_final(bs::text::svy_aggstate)::text = (SELECT svy_by(y, country, svy_design(w, h, psu)) FROM st)::text AS by_same,
       svy_domains_final(bl::text::svy_aggstate)::text = (SELECT svy_by(y, q, svy_design(w, h, psu)) FROM st)::text AS by_likert_same,
       m::text::svy_aggstate::text = m::text AS text_stable
FROM states;
-- combining two halves = the whole
SELECT abs((c).estimate - (w).estimate) < 1e-12 * (w).estimate AS estimate_same,
       abs((c).std_error - (w).std_error) < 1e-12 * (w).std_error AS se_same,
       (c).n = (w).n AND (c).df = (w).df AS n_df_same
FROM (SELECT svy_mean_final(svy_aggstate_combine(a.m, b.m)) AS c
      FROM (SELECT mean_state(y, svy_design(w, h, psu)) AS m FROM st WHERE id % 2 = 0) a,
           (SELECT mean_state(y, svy_design(w, h, psu)) AS m FROM st WHERE id % 2 = 1) b) x,
     (SELECT svy_mean(y, svy_design(w, h, psu)) AS w FROM st) y;
SELECT svy_aggstate_combine(NULL, NULL) IS NULL AS null_null;
-- binary form: COPY BINARY out and in (svy_aggstate_send / svy_aggstate_recv)
CREATE TABLE states_bin (LIKE states);
DO $$
DECLARE f text := '/tmp/survey_aggstate_' || pg_backend_pid() || '.bin';
BEGIN
    EXECUTE format('COPY states TO %L (FORMAT binary)', f);
    EXECUTE format('COPY states_bin FROM PROGRAM %L (FORMAT binary)', 'cat ' || f || ' && rm -f ' || f);
END $$;
SELECT b.m::text = s.m::text AND b.qs::text = s.qs::text AND b.bs::text = s.bs::text
       AND b.bl::text = s.bl::text AS binary_round_trip
FROM states s, states_bin b;
-- states of two different designs do not merge
SELECT svy_mean_final(svy_aggstate_combine(states.m, r.m))
FROM states, (SELECT mean_state(y, svy_repdesign(w, ARRAY[w, 2 * w], 'bootstrap')) AS m FROM st) r;

-- bad states: clear errors, never a crash
SELECT svy_mean_final(qs) FROM states;
SELECT svy_quantile_final(bs) FROM states;
SELECT svy_aggstate_combine(m, qs) FROM states;
SELECT svy_aggstate_combine(bs, m) FROM states;
SELECT translate(encode(overlay(svy_aggstate_send(m) PLACING '\x02'::bytea FROM 1 FOR 1), 'base64'), E'\n', '')::svy_aggstate FROM states;
SELECT translate(encode(overlay(svy_aggstate_send(m) PLACING '\x09'::bytea FROM 2 FOR 1), 'base64'), E'\n', '')::svy_aggstate FROM states;
SELECT translate(encode(overlay(svy_aggstate_send(bs) PLACING '\x02'::bytea FROM 3 FOR 1), 'base64'), E'\n', '')::svy_aggstate FROM states;
SELECT translate(encode(overlay(svy_aggstate_send(m) PLACING '\x07'::bytea FROM 3 FOR 1), 'base64'), E'\n', '')::svy_aggstate FROM states;
SELECT translate(encode(svy_aggstate_send(m) || '\x00'::bytea, 'base64'), E'\n', '')::svy_aggstate FROM states;
SELECT translate(encode(substr(svy_aggstate_send(m), 1, 40), 'base64'), E'\n', '')::svy_aggstate FROM states;
SELECT translate(encode(substr(svy_aggstate_send(bs), 1, 60), 'base64'), E'\n', '')::svy_aggstate FROM states;
SELECT translate(encode(substr(svy_aggstate_send(qs), 1, 80), 'base64'), E'\n', '')::svy_aggstate FROM states;
-- every byte of small states of each kind overwritten, and every truncation: errors, never a crash
\i sql/include/fuzz.sql
SELECT fuzz(mean_state(y, svy_design(w, h, psu)), 'svy_mean_final') AS mean,
       fuzz(by_state(y, country, svy_design(w, h, psu)), 'svy_domains_final') AS by_text,
       fuzz(by_state_likert(y, q, svy_design(w, h)), 'svy_domains_final') AS by_likert,
       fuzz(quantile_state(y, svy_design(w, h, psu), 0.5), 'svy_quantile_final') AS quantile
FROM st WHERE id < 40;
SELECT 'AQE'::svy_aggstate;
SELECT ''::svy_aggstate;
SELECT 'not base64 at all!'::svy_aggstate;

-- typed grouping overloads: chosen for their types, the "any" forms for the rest
CREATE FUNCTION chosen(call text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE 'CREATE TEMP VIEW chosen_v AS SELECT ' || call || ' FROM st';
    SELECT string_agg(d.refobjid::regprocedure::text, ', ') INTO r
    FROM pg_depend d JOIN pg_rewrite w ON d.objid = w.oid
    JOIN pg_aggregate a ON a.aggfnoid = d.refobjid
    WHERE w.ev_class = 'chosen_v'::regclass AND d.refclassid = 'pg_proc'::regclass;
    DROP VIEW chosen_v;
    RETURN r;
END $$;
SELECT call, chosen(call)
FROM (VALUES ('svy_by(y, country, svy_design(w))'), ('svy_by(y, small, svy_design(w))'),
             ('svy_by(b, psu, svy_design(w))'), ('svy_by(y, psu::bigint, svy_design(w))'),
             ('svy_by(y, q, svy_design(w))'), ('svy_by(y, country::varchar, svy_design(w))'),
             ('svy_by(y, ''north'', svy_design(w))'), ('svy_by(y, col, svy_design(w))'),
             ('svy_by(y, day, svy_design(w))'), ('svy_by(y, y::numeric, svy_design(w))'),
             ('svy_dist(b, svy_design(w))'), ('svy_dist(q, svy_design(w), true)'),
             ('svy_dist(col, svy_design(w))'), ('svy_tab(country, q, svy_design(w))'),
             ('svy_tab(small, b, svy_design(w))'), ('svy_tab(col, q, svy_design(w))')) AS c(call);
SELECT g.level, round(g.estimate::numeric, 6) AS estimate, g.n
FROM svy_groups((SELECT svy_by(y, small, svy_design(w, h, psu)) FROM st)) g;
SELECT g.level, round(g.estimate::numeric, 6) AS estimate, g.n
FROM svy_groups((SELECT svy_by(y, col, svy_design(w, h, psu)) FROM st)) g;
SELECT svy_by(y, country::varchar, svy_design(w, h, psu))::text = svy_by(y, country, svy_design(w, h, psu))::text AS varchar_as_text
FROM st;
SELECT count(*) AS tab_cells FROM svy_cells((SELECT svy_tab(col, q, svy_design(w, h, psu)) FROM st));

DROP TABLE st, serial, parallel, states, states_bin;
DROP AGGREGATE mean_state(float8, svy_design), quantile_state(float8, svy_design, float8),
    by_state(float8, text, svy_design), by_state_likert(float8, likert, svy_design);
DROP FUNCTION plan_of(text), chosen(text), fuzz(svy_aggstate, text);
DROP TYPE colour;
