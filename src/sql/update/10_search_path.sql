-- likert_from_code had a SQL body parsed at call time under the caller's
-- search_path (a hijack, and a failure when the schema is not on the path).
-- Its SQL-standard body is bound here, once.
CREATE OR REPLACE FUNCTION likert_from_code(
    code integer, lo integer, hi integer,
    missing_codes jsonb DEFAULT '{"-1": "dk", "-2": "refused", "-3": "na"}',
    null_as text DEFAULT 'skipped')
RETURNS likert
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN code IS NULL THEN
        CASE WHEN null_as IS NULL THEN NULL
             ELSE CAST(concat(null_as, '/', lo, '..', hi) AS likert) END
    WHEN missing_codes ? CAST(code AS text) THEN
        CAST(concat(missing_codes ->> CAST(code AS text), '/', lo, '..', hi) AS likert)
    ELSE CAST(concat(code, '/', lo, '..', hi) AS likert)
END;
