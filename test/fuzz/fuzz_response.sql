--
-- Random-mutation robustness test for the likert and choices types.
--
-- Text input: mutates valid literals at random (insert, replace, delete,
-- truncate, duplicate) and feeds them to likert_in / choices_in (directly,
-- with and without a type modifier) inside a subtransaction.  Every
-- rejection must carry an expected SQLSTATE; every accepted literal must
-- round-trip (out -> in -> out gives the same text and the same binary).
--
-- Binary receive: writes random and mutated byte strings as the single field
-- of a binary COPY file (a bytea field's COPY payload is its raw bytes) and
-- COPYs that file into a likert / choices column, so likert_recv /
-- choices_recv see exactly those bytes.  Every accepted value must send back
-- the same bytes.  The file lives in the data directory (needs superuser).
--
-- Included by sql/response_fuzz.sql (pg_regress, 10,000 literals per type
-- and kind).  For a longer run against a database with the extension:
--     test/fuzz/run.sh 200000
-- Only deterministic facts are printed (setseed fixes the sequence).
--
\if :{?fuzz_iterations}
\else
\set fuzz_iterations 10000
\endif
SELECT set_config('survey_fuzz.iterations', :'fuzz_iterations', false) IS NOT NULL AS configured;
SELECT set_config('survey_fuzz.file',
                  current_setting('data_directory') || '/survey_fuzz_' || pg_backend_pid() || '.bin',
                  false) IS NOT NULL AS configured;
SELECT setseed(0.20250611);

CREATE TEMP TABLE fuzz_result (type text, kind text, tried int, accepted int, rejected int,
                               failures int, unexpected text);

-- one random mutation step applied 1..3 times
CREATE FUNCTION pg_temp.fuzz_mutate(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    alphabet text := '0123456789012345/..--++ {},{}dkDKrefusednaskippedno_answerxX' || chr(9) || chr(10) || 'é٣１';
    n int := 1 + floor(random() * 3)::int;
    op int;
    pos int;
    c text;
BEGIN
    FOR i IN 1..n LOOP
        op := floor(random() * 5)::int;
        pos := floor(random() * (length(s) + 1))::int;
        IF random() < 0.75 THEN
            c := substr(alphabet, 1 + floor(random() * length(alphabet))::int, 1);
        ELSE
            c := chr(1 + floor(random() * 255)::int);
        END IF;
        IF op = 0 THEN
            s := left(s, pos) || c || substr(s, pos + 1);            -- insert
        ELSIF op = 1 AND length(s) > 0 THEN
            pos := least(pos, length(s) - 1);
            s := left(s, pos) || c || substr(s, pos + 2);            -- replace
        ELSIF op = 2 THEN
            s := left(s, pos);                                       -- truncate
        ELSIF op = 3 THEN
            s := left(s, pos) || substr(s, pos + 2);                 -- delete
        ELSE
            s := left(s, pos) || substr(s, pos + 1, 1 + floor(random() * 4)::int)
                 || substr(s, pos + 1);                              -- duplicate
        END IF;
    END LOOP;
    RETURN s;
END $$;

CREATE FUNCTION pg_temp.fuzz_bytes(n int) RETURNS bytea LANGUAGE sql AS $$
    SELECT coalesce(decode(string_agg(lpad(to_hex(floor(random() * 256)::int), 2, '0'), ''), 'hex'),
                    ''::bytea)
    FROM generate_series(1, n)
$$;

-- mutate a valid binary value: replace/insert/delete a byte, truncate, or
-- replace it by random bytes of a random length
CREATE FUNCTION pg_temp.fuzz_mutate_bytes(b bytea) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
    op int := floor(random() * 6)::int;
    pos int := floor(random() * greatest(length(b), 1))::int;
BEGIN
    IF op <= 1 AND length(b) > 0 THEN
        RETURN set_byte(b, pos, floor(random() * 256)::int);
    ELSIF op = 2 AND length(b) > 0 THEN
        -- small changes keep values near the valid ones
        RETURN set_byte(b, pos, (get_byte(b, pos) + (floor(random() * 7)::int - 3) + 256) % 256);
    ELSIF op = 3 THEN
        RETURN substr(b, 1, pos) || pg_temp.fuzz_bytes(1) || substr(b, pos + 1);
    ELSIF op = 4 THEN
        RETURN substr(b, 1, floor(random() * (length(b) + 1))::int);
    END IF;
    RETURN pg_temp.fuzz_bytes(floor(random() * 12)::int);
END $$;

-- expected rejection codes: 22P02 invalid text, 22003 out of range,
-- 22P03 invalid or short binary value, 42804 scale mismatch (never 08P01)
CREATE FUNCTION pg_temp.fuzz_expected(state text) RETURNS boolean LANGUAGE sql AS $$
    SELECT state IN ('22P02', '22003', '22P03', '42804')
$$;

------------------------------------------------------------------------------
-- likert text input
------------------------------------------------------------------------------
DO $$
DECLARE
    bases text[] := ARRAY['3/5', '1/5', '5/5', 'dk/5', 'refused/0..10', '-3/-3..3', '7/0..10',
                          'no_answer/7', '100/-100..100', '-100/-100..100', '4', 'skipped',
                          'NA/2', ' 2 / 1..3 ', '10/0..10', '0/-1..1'];
    iters int := current_setting('survey_fuzz.iterations')::int;
    tm5 int := likert_typmod_in('{5}'::cstring[]);
    lit text;
    v likert;
    typmod int;
    acc int := 0;
    rej int := 0;
    bad int := 0;
    unexpected text := '';
BEGIN
    FOR i IN 1..iters LOOP
        lit := pg_temp.fuzz_mutate(bases[1 + floor(random() * array_length(bases, 1))::int]);
        typmod := CASE WHEN i % 2 = 0 THEN tm5 ELSE -1 END;
        BEGIN
            v := likert_in(lit::cstring, 0, typmod);
            acc := acc + 1;
            -- round trip: out -> in (same typmod) -> out, and binary identity
            IF likert_out(likert_in(likert_out(v), 0, typmod))::text <> likert_out(v)::text
               OR likert_send(likert_in(likert_out(v), 0, typmod)) <> likert_send(v)
               OR likert_in(likert_out(v), 0, -1) <> v THEN
                bad := bad + 1;
                RAISE WARNING 'likert round trip failed for %', quote_literal(lit);
            END IF;
        EXCEPTION WHEN others THEN
            rej := rej + 1;
            IF NOT pg_temp.fuzz_expected(SQLSTATE) THEN
                bad := bad + 1;
                unexpected := unexpected || SQLSTATE || ' ';
            END IF;
        END;
    END LOOP;
    INSERT INTO fuzz_result VALUES ('likert', 'text', iters, acc, rej, bad, unexpected);
END $$;

------------------------------------------------------------------------------
-- choices text input
------------------------------------------------------------------------------
DO $$
DECLARE
    bases text[] := ARRAY['{1,3,5}', '{}', '{64}', '{1,64}', '{ 2 , 7 }', 'refused', 'dk',
                          'no_answer', '{32,33,34}', '{10,20,30,40,50,60}', 'SKIPPED', 'na'];
    iters int := current_setting('survey_fuzz.iterations')::int;
    lit text;
    v choices;
    acc int := 0;
    rej int := 0;
    bad int := 0;
    unexpected text := '';
BEGIN
    FOR i IN 1..iters LOOP
        lit := pg_temp.fuzz_mutate(bases[1 + floor(random() * array_length(bases, 1))::int]);
        BEGIN
            v := choices_in(lit::cstring);
            acc := acc + 1;
            IF choices_out(choices_in(choices_out(v)))::text <> choices_out(v)::text
               OR choices_send(choices_in(choices_out(v))) <> choices_send(v)
               OR choices_in(choices_out(v)) <> v THEN
                bad := bad + 1;
                RAISE WARNING 'choices round trip failed for %', quote_literal(lit);
            END IF;
        EXCEPTION WHEN others THEN
            rej := rej + 1;
            IF NOT pg_temp.fuzz_expected(SQLSTATE) THEN
                bad := bad + 1;
                unexpected := unexpected || SQLSTATE || ' ';
            END IF;
        END;
    END LOOP;
    INSERT INTO fuzz_result VALUES ('choices', 'text', iters, acc, rej, bad, unexpected);
END $$;

------------------------------------------------------------------------------
-- binary receive through binary COPY files
------------------------------------------------------------------------------
CREATE TEMP TABLE fuzz_bytes_in (id int, b bytea);
CREATE TEMP TABLE fuzz_likert_in (id int, q likert);
CREATE TEMP TABLE fuzz_likert5_in (id int, q likert(5));
CREATE TEMP TABLE fuzz_choices_in (id int, c choices);

-- a procedure, so that it can commit every few hundred rounds (thousands of
-- subtransactions in one transaction make every COPY slow)
CREATE PROCEDURE pg_temp.fuzz_recv(type text, target text, iters int) LANGUAGE plpgsql AS $$
DECLARE
    f text := current_setting('survey_fuzz.file');
    valid bytea[];
    b bytea;
    mismatches int;
    acc int := 0;
    rej int := 0;
    bad int := 0;
    unexpected text := '';
BEGIN
    IF type = 'likert' THEN
        valid := ARRAY(SELECT likert_send(x::likert) FROM unnest(ARRAY['3/5', 'dk/5', '0/0..10',
                       'refused/0..10', '-3/-3..3', 'no_answer/2', '100/-100..100', '4', 'na']) x);
    ELSE
        valid := ARRAY(SELECT choices_send(x::choices) FROM unnest(ARRAY['{1,3,5}', '{}', '{64}',
                       '{1,64}', 'refused', 'dk', 'no_answer', '{32,33}']) x);
    END IF;
    TRUNCATE fuzz_bytes_in;
    FOR i IN 1..iters LOOP
        b := pg_temp.fuzz_mutate_bytes(valid[1 + floor(random() * array_length(valid, 1))::int]);
        INSERT INTO fuzz_bytes_in VALUES (i, b);
        EXECUTE format('COPY (SELECT %s::int, %L::bytea) TO %L WITH (FORMAT binary)', i, b, f);
        BEGIN
            EXECUTE format('COPY %I FROM %L WITH (FORMAT binary)', target, f);
            acc := acc + 1;
        EXCEPTION WHEN others THEN
            rej := rej + 1;
            IF NOT pg_temp.fuzz_expected(SQLSTATE) THEN
                bad := bad + 1;
                unexpected := unexpected || SQLSTATE || ' ';
            END IF;
        END;
        IF i % 250 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
    -- every accepted value sends back exactly the bytes it was received from
    -- (except that an unscaled likert received into a likert(k) column takes
    -- the column's scale: then only the reason and value bytes must agree)
    IF type = 'likert' THEN
        EXECUTE format('SELECT count(*) FROM %I t JOIN fuzz_bytes_in USING (id)
                        WHERE likert_send(t.q) <> b
                          AND NOT (substr(b, 1, 2) = ''\x0000''::bytea
                                   AND substr(likert_send(t.q), 3) = substr(b, 3))', target)
            INTO STRICT mismatches;
    ELSE
        EXECUTE format('SELECT count(*) FROM %I t JOIN fuzz_bytes_in USING (id) WHERE choices_send(t.c) <> b', target)
            INTO STRICT mismatches;
    END IF;
    bad := bad + mismatches;
    INSERT INTO fuzz_result VALUES (type, 'binary ' || target, iters, acc, rej, bad, unexpected);
END $$;

CALL pg_temp.fuzz_recv('likert', 'fuzz_likert_in', current_setting('survey_fuzz.iterations')::int);
CALL pg_temp.fuzz_recv('choices', 'fuzz_choices_in', current_setting('survey_fuzz.iterations')::int);
-- receive with a type modifier (COPY passes the column's): fewer rounds
CALL pg_temp.fuzz_recv('likert', 'fuzz_likert5_in', current_setting('survey_fuzz.iterations')::int / 5);

-- received values behave: they print, re-parse and sort without error
SELECT count(*) = count(q::text::likert) AS likert_reparse FROM fuzz_likert_in;
SELECT count(*) = count(q::text::likert(5)) AS likert5_reparse FROM fuzz_likert5_in;
SELECT count(*) = count(c::text::choices) AS choices_reparse FROM fuzz_choices_in;
SELECT count(DISTINCT q) > 0 AS likert5_sorts FROM fuzz_likert5_in;
SELECT count(DISTINCT c) > 0 AS choices_sorts FROM fuzz_choices_in;

-- the server is still alive and every rejection was an expected one
SELECT type, kind, tried, accepted > 0 AS some_accepted, rejected > 0 AS some_rejected,
       accepted + rejected = tried AS all_counted, failures, unexpected
FROM fuzz_result ORDER BY type, kind;

-- leave an empty file behind
SELECT current_setting('survey_fuzz.file') AS fuzz_file \gset
COPY (SELECT 1 WHERE false) TO :'fuzz_file';
DROP TABLE fuzz_result, fuzz_bytes_in, fuzz_likert_in, fuzz_likert5_in, fuzz_choices_in;
