-- svy_design gains psu2 and fpc2 (two-stage designs, SPEC section 12).
--
-- Users' views call svy_design(...), so the function is changed in place
-- rather than dropped (DROP fails on dependent views) or overloaded (a
-- second svy_design with the same leading parameters makes every call
-- without psu2 ambiguous).  The new signature is taken from a scratch
-- function created with it: same OID afterwards, so dependent views keep
-- working (the C function treats arguments a stored four-argument call does
-- not pass as absent), and the result is the object a fresh install creates.
CREATE FUNCTION svy_design_twostage_scratch(weight float8, strata "any" DEFAULT NULL,
                           psu "any" DEFAULT NULL, fpc float8 DEFAULT NULL,
                           psu2 "any" DEFAULT NULL, fpc2 float8 DEFAULT NULL)
    RETURNS svy_design
    AS 'MODULE_PATHNAME', 'svy_design_make' LANGUAGE C IMMUTABLE PARALLEL SAFE;

UPDATE pg_catalog.pg_proc AS p
   SET pronargs = n.pronargs,
       proargtypes = n.proargtypes,
       proargnames = n.proargnames,
       pronargdefaults = n.pronargdefaults,
       proargdefaults = n.proargdefaults
  FROM pg_catalog.pg_proc AS n
 WHERE p.oid = 'svy_design(float8, "any", "any", float8)'::pg_catalog.regprocedure
   AND n.oid = 'svy_design_twostage_scratch(float8, "any", "any", float8, "any", float8)'::pg_catalog.regprocedure;

DROP FUNCTION svy_design_twostage_scratch(float8, "any", "any", float8, "any", float8);

COMMENT ON FUNCTION svy_design(float8, "any", "any", float8, "any", float8) IS
    'linearization design: weight, optional strata, PSU (nested in strata) and fpc (population PSUs, or a fraction <= 1); psu2 and fpc2 for a second sampling stage within PSUs';
