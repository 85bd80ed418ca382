-- (sql/include/sfuzz.sql) sfuzz(h): the svy_state text form h with every byte flipped (255 - b) and every
-- truncation, each read and finished by svy_mean: the outcomes counted ('class 22' for an error of that class,
-- 'ok' for a mutation that is still a valid state; any other SQLSTATE by name)
CREATE FUNCTION sfuzz(h text) RETURNS TABLE (outcome text, n bigint) LANGUAGE plpgsql AS $$
DECLARE
    r text[] := '{}';
    b bytea := decode(substr(h, 3), 'hex');	-- the text form: \\x and hex
BEGIN
    FOR i IN 0 .. length(b) - 1 LOOP
        BEGIN
            PERFORM svy_mean(('\\x' || encode(set_byte(b, i, 255 - get_byte(b, i)), 'hex'))::svy_state);
            r := r || 'ok'::text;
        EXCEPTION WHEN OTHERS THEN
            r := r || CASE WHEN SQLSTATE LIKE '22%' THEN 'class 22' ELSE SQLSTATE END;
        END;
        BEGIN
            PERFORM svy_mean(('\\x' || encode(substr(b, 1, i), 'hex'))::svy_state);
            r := r || 'ok'::text;
        EXCEPTION WHEN OTHERS THEN
            r := r || CASE WHEN SQLSTATE LIKE '22%' THEN 'class 22' ELSE SQLSTATE END;
        END;
    END LOOP;
    RETURN QUERY SELECT o, count(*) FROM unnest(r) o GROUP BY o ORDER BY o;
END $$;
