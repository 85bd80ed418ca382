-- ALTER EXTENSION survey UPDATE from 0.1.0.  svy_design gained psu2 and fpc2 in 0.2.0; the upgrade changes
-- the function in place (same OID), so a view built on the 0.1.0 svy_design keeps working, and the
-- upgraded extension has the objects of a fresh install.  Runs in two scratch databases.
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS survey_upgrade_old;
DROP DATABASE IF EXISTS survey_upgrade_new;
CREATE DATABASE survey_upgrade_old;
CREATE DATABASE survey_upgrade_new;
RESET client_min_messages;

-- the objects of the extension, with everything a signature change could alter
\set objects 'SELECT pg_describe_object(d.classid, d.objid, d.objsubid) || coalesce('' ('' || pg_get_function_arguments(p.oid) || '') -> '' || pg_get_function_result(p.oid) || '' '' || p.provolatile::text || p.proparallel::text || p.proisstrict::text || '' '' || p.prosrc || '' '' || coalesce(obj_description(p.oid, ''pg_proc''), ''''), '''') AS object FROM pg_depend d LEFT JOIN pg_proc p ON d.classid = ''pg_proc''::regclass AND p.oid = d.objid WHERE d.refclassid = ''pg_extension''::regclass AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = ''survey'') AND d.deptype = ''e'''

\c survey_upgrade_old
SET extra_float_digits = 0;
CREATE EXTENSION survey VERSION '0.1.0';
CREATE TABLE t AS
SELECT i AS id, 'S' || (i % 2) AS s, i % 6 AS p, (i / 6) % 3 AS u, 10.0::float8 AS f, 8.0::float8 AS f2,
       1.0 + i % 3 AS w, (i * 37 % 11)::float8 AS y
FROM generate_series(1, 60) i;
-- a user's view on the 0.1.0 svy_design (positional and named arguments)
CREATE VIEW v AS
SELECT svy_mean(y, svy_design(w, s, p, f)) AS positional, svy_total(y, svy_design(w, psu => p)) AS named
FROM t;
SELECT * FROM v;
ALTER EXTENSION survey UPDATE TO '0.2.0';
SELECT extversion FROM pg_extension WHERE extname = 'survey';
-- the view still works, with the same numbers, and is the same view
SELECT * FROM v;
SELECT pg_get_viewdef('v');
-- the new arguments, and calls without them (not ambiguous)
SELECT (svy_mean(y, svy_design(w, strata => s, psu => p, fpc => f, psu2 => u, fpc2 => f2))).std_error
       > (svy_mean(y, svy_design(w, strata => s, psu => p, fpc => f))).std_error AS two_stage_works,
       (svy_mean(y, svy_design(w, s, p, f))).std_error = ((SELECT positional FROM v)).std_error AS same_call
FROM t;
SELECT string_agg(object, E'\n' ORDER BY object) AS upgraded FROM (:objects) o \gset

\c survey_upgrade_new
CREATE EXTENSION survey;
-- objects of the upgrade that a fresh install lacks, and the reverse: none
SELECT 'only upgraded: ' || object FROM unnest(string_to_array(:'upgraded', E'\n')) AS object
EXCEPT SELECT 'only upgraded: ' || object FROM (:objects) o
UNION ALL
(SELECT 'only fresh: ' || object FROM (:objects) o
 EXCEPT SELECT 'only fresh: ' || object FROM unnest(string_to_array(:'upgraded', E'\n')) AS object);
SELECT count(*) > 100 AS objects_compared FROM (:objects) o;

\c :regress_db
DROP DATABASE survey_upgrade_old;
DROP DATABASE survey_upgrade_new;
