--
-- search_path safety: the install script's SQL-language functions are bound
-- when the extension is created, so objects that another role puts on the
-- caller's search_path never run, and the functions work with the
-- extension's schema off the path (pg_restore runs with an empty one).
--
SELECT p.proname, p.prosqlbody IS NOT NULL AS bound_at_creation
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'survey'
WHERE p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'sql')
ORDER BY 1;

-- a hostile schema: an operator ||(text, integer) that beats the built-in
-- anytextcat, and a domain named likert
CREATE SCHEMA evil;
CREATE FUNCTION evil.cat(text, integer) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'hijacked: evil code ran'; END $$;
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = integer, FUNCTION = evil.cat);
CREATE DOMAIN evil.likert AS text CHECK (false);
CREATE FUNCTION evil.concat(text, text, integer, text, integer) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'hijacked: evil code ran'; END $$;

SET search_path = evil, public;
-- the traps are armed: unbound calls resolve to evil's objects
SELECT 'x' || 1;
SELECT concat('x'::text, '/', 1, '..', 2);
SELECT '3/5'::likert;
SELECT likert_from_code(3, 1, 5), likert_from_code(-1, 1, 5), likert_from_code(NULL, 1, 5);
SET search_path = public, evil;
SELECT likert_from_code(3, 1, 5), likert_from_code(-2, 1, 5);

-- the extension's schema off the search_path
RESET search_path;
CREATE SCHEMA ext;
ALTER EXTENSION survey SET SCHEMA ext;
SET search_path = evil;
SELECT ext.likert_from_code(3, 1, 5), ext.likert_from_code(-1, 1, 5, '{"-1": "dk"}');
SET search_path = '';
SELECT ext.likert_from_code(5, 1, 5) AS empty_path;
RESET search_path;
ALTER EXTENSION survey SET SCHEMA public;
DROP SCHEMA ext;
DROP SCHEMA evil CASCADE;
