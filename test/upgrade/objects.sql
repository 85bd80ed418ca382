-- The SQL surface of the extension "survey" in the current database, one
-- sorted line per object and property: membership, functions with their
-- signature, result, markings and body or C symbol, types with their
-- support functions, operators, casts, aggregates, operator classes and
-- families, comments.  Used by test_upgrade.sh to compare an updated
-- database with a fresh install.
WITH ext AS (SELECT oid, extnamespace FROM pg_extension WHERE extname = 'survey'),
member AS (SELECT d.classid, d.objid FROM pg_depend d, ext
           WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'),
fn AS (SELECT p.* FROM pg_proc p JOIN member m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid)
SELECT line FROM (
    SELECT 'member ' || pg_describe_object(classid, objid, 0) AS line FROM member
    UNION ALL
    SELECT format('function %s(%s) -> %s kind=%s volatile=%s strict=%s parallel=%s secdef=%s leakproof=%s lang=%s cost=%s rows=%s config=%s body=%s',
                  p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
                  p.prokind, p.provolatile, p.proisstrict, p.proparallel, p.prosecdef, p.proleakproof,
                  l.lanname, p.procost, p.prorows, p.proconfig,
                  CASE WHEN l.lanname = 'c' THEN p.prosrc || ' ' || p.probin
                       WHEN p.prokind = 'a' THEN ''
                       ELSE md5(regexp_replace(pg_get_functiondef(p.oid), '\s+', ' ', 'g')) END)
    FROM fn p JOIN pg_language l ON l.oid = p.prolang
    UNION ALL
    SELECT format('type %s type=%s len=%s byval=%s align=%s storage=%s category=%s in=%s out=%s recv=%s send=%s modin=%s modout=%s analyze=%s subscript=%s',
                  t.typname, t.typtype, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory,
                  t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout,
                  t.typanalyze, t.typsubscript)
    FROM pg_type t JOIN member m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
    UNION ALL
    SELECT format('column %s.%s %s', t.typname, a.attname, format_type(a.atttypid, a.atttypmod))
    FROM pg_type t JOIN member m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
         JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0
    UNION ALL
    SELECT format('operator %s(%s, %s) -> %s code=%s com=%s neg=%s rest=%s join=%s hash=%s merge=%s',
                  o.oprname, o.oprleft::regtype, o.oprright::regtype, o.oprresult::regtype, o.oprcode,
                  o.oprcom::regoperator, o.oprnegate::regoperator, o.oprrest, o.oprjoin,
                  o.oprcanhash, o.oprcanmerge)
    FROM pg_operator o JOIN member m ON m.classid = 'pg_operator'::regclass AND m.objid = o.oid
    UNION ALL
    SELECT format('cast (%s AS %s) func=%s context=%s method=%s', c.castsource::regtype, c.casttarget::regtype,
                  c.castfunc::regprocedure, c.castcontext, c.castmethod)
    FROM pg_cast c JOIN member m ON m.classid = 'pg_cast'::regclass AND m.objid = c.oid
    UNION ALL
    SELECT format('aggregate %s kind=%s trans=%s final=%s combine=%s serial=%s deserial=%s mtrans=%s minv=%s mfinal=%s extra=%s modify=%s sortop=%s stype=%s init=%s',
                  a.aggfnoid::regprocedure, a.aggkind, a.aggtransfn, a.aggfinalfn, a.aggcombinefn,
                  a.aggserialfn, a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn,
                  a.aggfinalextra, a.aggfinalmodify, a.aggsortop::regoperator, a.aggtranstype::regtype,
                  a.agginitval)
    FROM pg_aggregate a JOIN fn p ON p.oid = a.aggfnoid
    UNION ALL
    SELECT format('opclass %s %s for %s default=%s family=%s', am.amname, c.opcname, c.opcintype::regtype,
                  c.opcdefault, f.opfname)
    FROM pg_opclass c JOIN member m ON m.classid = 'pg_opclass'::regclass AND m.objid = c.oid
         JOIN pg_am am ON am.oid = c.opcmethod JOIN pg_opfamily f ON f.oid = c.opcfamily
    UNION ALL
    SELECT format('opfamily %s %s op %s %s(%s, %s) purpose=%s', am.amname, f.opfname, o.amopstrategy,
                  o.amopopr::regoperator, o.amoplefttype::regtype, o.amoprighttype::regtype, o.amoppurpose)
    FROM pg_opfamily f JOIN member m ON m.classid = 'pg_opfamily'::regclass AND m.objid = f.oid
         JOIN pg_am am ON am.oid = f.opfmethod JOIN pg_amop o ON o.amopfamily = f.oid
    UNION ALL
    SELECT format('opfamily %s %s proc %s %s(%s, %s)', am.amname, f.opfname, p.amprocnum,
                  p.amproc::regprocedure, p.amproclefttype::regtype, p.amprocrighttype::regtype)
    FROM pg_opfamily f JOIN member m ON m.classid = 'pg_opfamily'::regclass AND m.objid = f.oid
         JOIN pg_am am ON am.oid = f.opfmethod JOIN pg_amproc p ON p.amprocfamily = f.oid
    UNION ALL
    SELECT format('comment %s: %s', pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description)
    FROM pg_description d JOIN member m ON m.classid = d.classoid AND m.objid = d.objoid
) x ORDER BY line;
