-- (sql/include/fuzz.sql) fuzz(state, finish): every byte of the state's binary form overwritten with 0, 127
-- and 255, and every truncation, read as text and finished by the function named finish: errors, never a
-- crash ('survived' when something was rejected)
CREATE FUNCTION fuzz(state svy_aggstate, finish text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    b bytea := svy_aggstate_send(state);
    failed int := 0;
    v int;
BEGIN
    FOR i IN 0 .. length(b) - 1 LOOP
        FOREACH v IN ARRAY ARRAY[0, 127, 255] LOOP
            BEGIN
                EXECUTE format('SELECT %s(%L::svy_aggstate)', finish,
                               translate(encode(set_byte(b, i, v), 'base64'), E'\n', ''));
            EXCEPTION WHEN OTHERS THEN
                failed := failed + 1;
            END;
        END LOOP;
        BEGIN
            EXECUTE format('SELECT %s(%L::svy_aggstate)', finish,
                           translate(encode(substr(b, 1, i), 'base64'), E'\n', ''));
        EXCEPTION WHEN OTHERS THEN
            failed := failed + 1;
        END;
    END LOOP;
    RETURN CASE WHEN failed > 0 THEN 'survived' ELSE 'nothing rejected' END;
END $$;
