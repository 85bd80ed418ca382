--
-- Deterministic robustness test of the stored-state and result types:
-- svy_state (a Taylor design with strata and PSUs, one without PSUs, a
-- replicate design, calibrated designs with and without PSUs), svy_domains
-- and svy_table.
--
-- Every truncation and :fuzz_flips bit flips (at positions spread over the
-- value) of each real value go through text input; every truncation and
-- every other flip also through binary COPY (the bytes as the field of a
-- binary COPY file, read by the type's receive function).  Every input must
-- either be rejected with 22P03 / 22P02 or give a value whose readers work
-- (svy_mean, svy_total, svy_merge with the intact state; svy_groups,
-- svy_pairwise, svy_contrast; svy_cells, svy_chisq).  A reader may still
-- reject a value with a data error (22000 range: say a flipped fpc below the
-- number of PSUs), never with an internal error, and the server must never
-- crash.  Printed: inputs fuzzed and errors by SQLSTATE.
--
-- Included by sql/state_fuzz.sql (pg_regress).  Longer run:
--     test/fuzz/run_states.sh 3000     (bit flips per value)
-- The COPY file lives in the data directory (needs superuser).
--
\if :{?fuzz_flips}
\else
\set fuzz_flips 200
\endif
SELECT set_config('survey_fuzz.flips', :'fuzz_flips', false) IS NOT NULL AS configured;
SELECT set_config('survey_fuzz.file',
                  current_setting('data_directory') || '/survey_state_fuzz_' || pg_backend_pid() || '.bin',
                  false) IS NOT NULL AS configured;

-- a small survey: 3 strata x 3 PSUs, 3 groups, 2 x 3 table, 4 replicates
CREATE TEMP TABLE fz AS
SELECT i, (i % 3)::text AS g, (i % 2)::text AS h, i::float8 AS y,
       svy_design(1 + i % 4, strata => 'S' || i % 3, psu => i % 9) AS dp,
       svy_design(1 + i % 4, strata => 'S' || i % 3) AS ds,
       svy_repdesign(1 + i % 4, ARRAY[1 + i % 2, 2 - i % 2, 1 + i % 3, 0.5]::float8[], 'JK1') AS dr,
       svy_calibrate(svy_design(1 + i % 4, psu => i % 3), '{"h": {"0": 60, "1": 60}}', ARRAY[(i % 2)::text],
                     method => 'poststratify') AS dc,
       svy_calibrate(svy_design(1 + i % 4), '{"h": {"0": 60, "1": 60}, "v": 2500}', ARRAY[(i % 2)::text],
                     ARRAY[i::float8]) AS dl
FROM generate_series(1, 36) i;

CREATE TEMP TABLE fuzz_base (name text, type text, b bytea);
INSERT INTO fuzz_base
SELECT 'state_psu', 'svy_state', decode(substr(svy_accum(y, dp)::text, 3), 'hex') FROM fz
UNION ALL
SELECT 'state_strata', 'svy_state', decode(substr(svy_accum(y > 10, ds)::text, 3), 'hex') FROM fz
UNION ALL
SELECT 'state_rep', 'svy_state', decode(substr(svy_accum(y, dr)::text, 3), 'hex') FROM fz
UNION ALL
SELECT 'state_calib_psu', 'svy_state', decode(substr(svy_accum(y, dc)::text, 3), 'hex') FROM fz WHERE i <= 12
UNION ALL
SELECT 'state_calib_rows', 'svy_state', decode(substr(svy_accum(y > 6, dl)::text, 3), 'hex') FROM fz WHERE i <= 12
UNION ALL
SELECT 'domains', 'svy_domains', decode(substr(svy_by(y, g, dp)::text, 3), 'hex') FROM fz
UNION ALL
SELECT 'domains_rep', 'svy_domains', decode(substr(svy_by(y > 10, g, dr)::text, 3), 'hex') FROM fz
UNION ALL
SELECT 'table', 'svy_table', decode(substr(svy_tab(g, h, dp)::text, 3), 'hex') FROM fz;
SELECT name, type, length(b) > 100 AS real_size FROM fuzz_base ORDER BY name;

-- the intact values' text and binary forms round-trip
CREATE TEMP TABLE fuzz_copy_state (v svy_state);
CREATE TEMP TABLE fuzz_copy_domains (v svy_domains);
CREATE TEMP TABLE fuzz_copy_table (v svy_table);

-- the mutations: every truncation, then bit flips spread over the value
CREATE TEMP TABLE fuzz_case (name text, type text, kind text, n int, b bytea);
INSERT INTO fuzz_case
SELECT name, type, 'truncation', n, substr(b, 1, n)
FROM fuzz_base, generate_series(0, length(b) - 1) n;
INSERT INTO fuzz_case
SELECT name, type, 'bit flip', f,
       set_bit(b, pos, 1 - get_bit(b, pos))
FROM fuzz_base, generate_series(1, current_setting('survey_fuzz.flips')::int) f,
     LATERAL (SELECT ((f::bigint * 7919 + f / 8) % (8 * length(b)))::int AS pos) p;

CREATE TEMP TABLE fuzz_log (name text, path text, stage text, state text);

-- The readers of a value: each must work or raise a data error.
CREATE FUNCTION pg_temp.fuzz_read(type text, lit text, name text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    q text[];
    r text;
BEGIN
    IF type = 'svy_state' THEN
        q := ARRAY['SELECT svy_mean(%1$L::svy_state)::text',
                   'SELECT svy_total(%1$L::svy_state, 0.9)::text',
                   'SELECT svy_mean(svy_merge(v))::text FROM (VALUES (%1$L::svy_state), (%1$L::svy_state),
                        ((SELECT %2$L::svy_state))) x(v)'];
    ELSIF type = 'svy_domains' THEN
        q := ARRAY['SELECT string_agg(t::text, '','') FROM svy_groups(%1$L::svy_domains) t',
                   'SELECT string_agg(t::text, '','') FROM svy_groups(%1$L::svy_domains, ''total'') t',
                   'SELECT string_agg(t::text, '','') FROM svy_pairwise(%1$L::svy_domains) t',
                   'SELECT svy_contrast(%1$L::svy_domains, ''{1,-1,0}'')::text'];
    ELSE
        q := ARRAY['SELECT string_agg(t::text, '','') FROM svy_cells(%1$L::svy_table) t',
                   'SELECT string_agg(t::text, '','') FROM svy_cells(%1$L::svy_table, ''cell'') t',
                   'SELECT svy_chisq(%1$L::svy_table)::text',
                   'SELECT svy_chisq(%1$L::svy_table, ''Wald'')::text',
                   'SELECT svy_chisq(%1$L::svy_table, ''saddlepoint'')::text'];
    END IF;
    FOR i IN 1..array_length(q, 1) LOOP
        BEGIN
            EXECUTE format(q[i], lit,
                           (SELECT '\x' || encode(b, 'hex') FROM fuzz_base WHERE fuzz_base.name = 'state_psu'))
                INTO r;
            INSERT INTO fuzz_log VALUES (name, 'reader', 'ok', NULL);
        EXCEPTION WHEN others THEN
            INSERT INTO fuzz_log VALUES (name, 'reader', 'error', SQLSTATE);
        END;
    END LOOP;
END $$;

-- text input of every case, readers of every accepted value
CREATE PROCEDURE pg_temp.fuzz_text() LANGUAGE plpgsql AS $$
DECLARE
    c record;
    lit text;
    k int := 0;
BEGIN
    FOR c IN SELECT * FROM fuzz_case ORDER BY name, kind, n LOOP
        lit := '\x' || encode(c.b, 'hex');
        BEGIN
            EXECUTE format('SELECT %L::%s::text', lit, c.type) INTO lit;
            INSERT INTO fuzz_log VALUES (c.name, 'text', 'accepted', NULL);
            PERFORM pg_temp.fuzz_read(c.type, lit, c.name);
        EXCEPTION WHEN others THEN
            INSERT INTO fuzz_log VALUES (c.name, 'text', 'rejected', SQLSTATE);
        END;
        k := k + 1;
        IF k % 200 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END $$;
CALL pg_temp.fuzz_text();

-- binary COPY of every truncation and every other flip: the receive functions
CREATE PROCEDURE pg_temp.fuzz_copy() LANGUAGE plpgsql AS $$
DECLARE
    f text := current_setting('survey_fuzz.file');
    c record;
    target text;
    k int := 0;
BEGIN
    FOR c IN SELECT * FROM fuzz_case WHERE kind = 'truncation' OR n % 2 = 0 ORDER BY name, kind, n LOOP
        target := 'fuzz_copy_' || CASE c.type WHEN 'svy_state' THEN 'state'
                                              WHEN 'svy_domains' THEN 'domains' ELSE 'table' END;
        EXECUTE format('COPY (SELECT %L::bytea) TO %L WITH (FORMAT binary)', c.b, f);
        BEGIN
            EXECUTE format('COPY %I FROM %L WITH (FORMAT binary)', target, f);
            INSERT INTO fuzz_log VALUES (c.name, 'binary', 'accepted', NULL);
        EXCEPTION WHEN others THEN
            INSERT INTO fuzz_log VALUES (c.name, 'binary', 'rejected', SQLSTATE);
        END;
        k := k + 1;
        IF k % 200 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END $$;
CALL pg_temp.fuzz_copy();
DO $$ BEGIN EXECUTE format('COPY (SELECT 1 WHERE false) TO %L', current_setting('survey_fuzz.file')); END $$;

-- what ran: inputs by path, outcome and SQLSTATE
SELECT path, stage, state, count(*) FROM fuzz_log GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
-- per value
SELECT name, count(*) FILTER (WHERE path <> 'reader') AS inputs,
       count(*) FILTER (WHERE stage = 'accepted') AS accepted,
       count(*) FILTER (WHERE path = 'reader') AS reader_calls
FROM fuzz_log GROUP BY name ORDER BY name;
-- the checks: inputs fail only as invalid data, readers only with data errors
SELECT count(*) AS unexpected_input_errors FROM fuzz_log
WHERE stage = 'rejected' AND state NOT IN ('22P03', '22P02');
SELECT count(*) AS unexpected_reader_errors FROM fuzz_log
WHERE stage = 'error' AND state NOT LIKE '22%';
-- every binary-COPYed value writes back a value of the same text form as
-- the text input of the same bytes would
SELECT (SELECT count(*) FROM fuzz_copy_state) + (SELECT count(*) FROM fuzz_copy_domains)
       + (SELECT count(*) FROM fuzz_copy_table)
     = (SELECT count(*) FROM fuzz_log WHERE path = 'binary' AND stage = 'accepted') AS copies_stored;
SELECT count(*) AS copy_round_trip_failures FROM (
    SELECT v::text FROM fuzz_copy_state WHERE v::text::svy_state::text <> v::text
    UNION ALL SELECT v::text FROM fuzz_copy_domains WHERE v::text::svy_domains::text <> v::text
    UNION ALL SELECT v::text FROM fuzz_copy_table WHERE v::text::svy_table::text <> v::text) x;
