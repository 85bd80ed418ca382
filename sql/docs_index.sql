-- Every function, aggregate, type and setting of the extension has a docs
-- entry: its name appears in code format (`name`, `name(...)`) in docs/*.md.
-- Support functions (I/O, aggregate, operator, cast and opclass support) are
-- documented with the object they serve and are left out here.  A new
-- user-facing object without docs shows up below as a missing row.
\getenv abs_srcdir PG_ABS_SRCDIR
CREATE TEMP TABLE docs_text (line text);
-- \copy takes its arguments literally, so build the command in a variable;
-- csv with control characters as delimiter and quote reads each line whole.
\set copycmd '\\copy docs_text FROM PROGRAM ''cat "' :abs_srcdir '"/docs/*.md'' WITH (FORMAT csv, DELIMITER E''\\x01'', QUOTE E''\\x02'')'
:copycmd
SELECT count(*) > 500 AS docs_read FROM docs_text;

-- load the library, so that its settings are defined
SELECT svy_design(1.0) IS NOT NULL AS loaded;

CREATE TEMP VIEW survey_objects AS
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'survey'),
members AS (SELECT d.classid, d.objid FROM pg_depend d, ext
            WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e')
SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END AS kind, p.proname::text AS name
FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
WHERE p.proname !~ '_(in|out|recv|send|transfn|final|combine|serialfn|deserialfn|typmod_in|typmod_out|cmp|hash|hash_extended|sortsupport)$'
  AND NOT EXISTS (SELECT 1 FROM pg_operator o WHERE o.oprcode = p.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_cast c WHERE c.castfunc = p.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_amproc a WHERE a.amproc = p.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_aggregate a
                  WHERE p.oid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
                                  a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn))
UNION
SELECT 'type', t.typname::text
FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
WHERE t.typcategory <> 'A'
UNION
SELECT 'setting', name FROM pg_settings WHERE name LIKE 'survey.%';

-- enough objects found (guards against a catalog query that finds nothing)
SELECT kind, count(*) > 0 AS found FROM survey_objects GROUP BY kind ORDER BY kind;

-- the objects without a docs entry: must be none
SELECT kind, name AS undocumented
FROM survey_objects o
WHERE NOT EXISTS (SELECT 1 FROM docs_text
                  WHERE line ~ ('`' || regexp_replace(o.name, '([.])', '\\\1', 'g') || '($|[^A-Za-z0-9_])'))
ORDER BY kind, name;
