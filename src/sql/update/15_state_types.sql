-- ---------------------------------------------------------------------------
-- 0.1.0 -> 0.2.0: the aggregates get a concrete state type, svy_aggstate
-- (src/aggstate.c), instead of internal, so that Citus can push them down.
-- PostgreSQL cannot ALTER an aggregate's state type, and DROP + CREATE would
-- fail on every view that uses an aggregate (dashboards do).  So each 0.1.0
-- aggregate keeps its OID: its new definition is created under the same
-- name in the scratch schema survey_upgrade, copied into the old
-- aggregate's pg_aggregate row (with its dependencies on the support
-- functions), and the scratch aggregate and the old support functions are
-- dropped.  Views store only the aggregate's OID, so they keep working.
-- The catalog update needs a superuser, as ALTER EXTENSION survey UPDATE
-- does (the extension is not trusted).  svy_state values stored by 0.1.0
-- keep their format and read unchanged; svy_pool keeps its float8[] state.
-- The typed grouping overloads are new objects: 55_typed_groups.sql.
-- ---------------------------------------------------------------------------
CREATE SCHEMA survey_upgrade;

-- (the svy_aggstate type itself: 12_aggstate.sql, the install script's part)
CREATE FUNCTION svy_accum_float8_transfn(svy_aggstate, float8, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_float8_transfn(svy_aggstate, float8, svy_design, float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_bool_transfn(svy_aggstate, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_bool_transfn(svy_aggstate, boolean, svy_design, text) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_bool_transfn(svy_aggstate, boolean, svy_design, text, float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_ratio_transfn(svy_aggstate, float8, float8, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_ratio_transfn(svy_aggstate, float8, float8, svy_design, float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_mean_final(svy_aggstate) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_total_final(svy_aggstate) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_prop_final(svy_aggstate) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_ratio_final(svy_aggstate) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE survey_upgrade.svy_mean(y float8, d svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_mean(y float8, d svy_design, level float8) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_total(y float8, d svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_total_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_total(y float8, d svy_design, level float8) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_total_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_prop(y boolean, d svy_design) (
    SFUNC = svy_accum_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_prop_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_prop(y boolean, d svy_design, method text) (
    SFUNC = svy_accum_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_prop_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_prop(y boolean, d svy_design, method text, level float8) (
    SFUNC = svy_accum_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_prop_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_ratio(num float8, den float8, d svy_design) (
    SFUNC = svy_accum_ratio_transfn, STYPE = svy_aggstate, FINALFUNC = svy_ratio_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_ratio(num float8, den float8, d svy_design, level float8) (
    SFUNC = svy_accum_ratio_transfn, STYPE = svy_aggstate, FINALFUNC = svy_ratio_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_state_final(svy_aggstate) RETURNS svy_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_merge_transfn(svy_aggstate, svy_state) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE survey_upgrade.svy_accum(y float8, d svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_state_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_accum(y boolean, d svy_design) (
    SFUNC = svy_accum_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_state_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_merge(svy_state) (
    SFUNC = svy_merge_transfn, STYPE = svy_aggstate, FINALFUNC = svy_state_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_quantile_transfn(svy_aggstate, float8, svy_design, float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_transfn(svy_aggstate, float8, svy_design, float8, float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_transfn(svy_aggstate, float8, svy_design, float8, float8, text) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(svy_aggstate, float8, svy_design, float8[]) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(svy_aggstate, float8, svy_design, float8[], float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(svy_aggstate, float8, svy_design, float8[], float8, text) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_final(svy_aggstate) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_final(svy_aggstate) RETURNS svy_estimate[]
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE survey_upgrade.svy_quantile(y float8, d svy_design, p float8) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_quantile(y float8, d svy_design, p float8, level float8) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_quantile(y float8, d svy_design, p float8, level float8, qrule text) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantile(float8, svy_design, float8, float8, text) IS
    'weighted p-quantile with a Woodruff confidence interval (R svyquantile, interval.type = "mean"); qrule math (default), school, hf1-hf9';
CREATE AGGREGATE survey_upgrade.svy_quantiles(y float8, d svy_design, p float8[]) (
    SFUNC = svy_quantiles_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_quantiles(y float8, d svy_design, p float8[], level float8) (
    SFUNC = svy_quantiles_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_quantiles(y float8, d svy_design, p float8[], level float8, qrule text) (
    SFUNC = svy_quantiles_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantiles(float8, svy_design, float8[], float8, text) IS
    'svy_quantile for several probabilities at once: svy_estimate[] in the order of p';
CREATE FUNCTION svy_by_float8_transfn(svy_aggstate, float8, "any", svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_by_bool_transfn(svy_aggstate, boolean, "any", svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, "any", svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, "any", svy_design, boolean) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_choices_transfn(svy_aggstate, choices, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_tab_transfn(svy_aggstate, "any", "any", svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_domains_final(svy_aggstate) RETURNS svy_domains
    AS 'MODULE_PATHNAME', 'svy_multi_final' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_table_final(svy_aggstate) RETURNS svy_table
    AS 'MODULE_PATHNAME', 'svy_multi_final' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE survey_upgrade.svy_by(y float8, grp "any", d svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_by(y boolean, grp "any", d svy_design) (
    SFUNC = svy_by_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_dist(x "any", d svy_design) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_dist(x "any", d svy_design, with_missing boolean) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_choices(x choices, d svy_design) (
    SFUNC = svy_choices_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_tab(rowvar "any", colvar "any", d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_accum_likert_transfn(svy_aggstate, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_likert_transfn(svy_aggstate, likert, svy_design, float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE survey_upgrade.svy_mean(y likert, d svy_design) (
    SFUNC = svy_accum_likert_transfn, STYPE = svy_aggstate, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE survey_upgrade.svy_mean(y likert, d svy_design, level float8) (
    SFUNC = svy_accum_likert_transfn, STYPE = svy_aggstate, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);

-- Move each new definition into the 0.1.0 aggregate of the same signature.
DO $$
DECLARE
    a record;
BEGIN
    FOR a IN
        SELECT o.oid AS old_oid, n.oid AS new_oid
        FROM pg_proc n
        JOIN pg_proc o ON o.proname = n.proname AND o.proargtypes = n.proargtypes
                      AND o.pronamespace <> n.pronamespace
        JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = o.oid AND d.deptype = 'e'
                        AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'survey')
        WHERE n.pronamespace = 'survey_upgrade'::regnamespace AND n.prokind = 'a'
    LOOP
        UPDATE pg_catalog.pg_aggregate o
        SET aggkind = n.aggkind, aggnumdirectargs = n.aggnumdirectargs, aggtransfn = n.aggtransfn,
            aggfinalfn = n.aggfinalfn, aggcombinefn = n.aggcombinefn, aggserialfn = n.aggserialfn,
            aggdeserialfn = n.aggdeserialfn, aggmtransfn = n.aggmtransfn,
            aggminvtransfn = n.aggminvtransfn, aggmfinalfn = n.aggmfinalfn,
            aggfinalextra = n.aggfinalextra, aggmfinalextra = n.aggmfinalextra,
            aggfinalmodify = n.aggfinalmodify, aggmfinalmodify = n.aggmfinalmodify,
            aggsortop = n.aggsortop, aggtranstype = n.aggtranstype, aggtransspace = n.aggtransspace,
            aggmtranstype = n.aggmtranstype, aggmtransspace = n.aggmtransspace,
            agginitval = n.agginitval, aggminitval = n.aggminitval
        FROM pg_catalog.pg_aggregate n
        WHERE o.aggfnoid = a.old_oid AND n.aggfnoid = a.new_oid;
        DELETE FROM pg_catalog.pg_depend
        WHERE classid = 'pg_proc'::regclass AND objid = a.old_oid
          AND refclassid = 'pg_proc'::regclass AND deptype = 'n';
        INSERT INTO pg_catalog.pg_depend
        SELECT classid, a.old_oid, objsubid, refclassid, refobjid, refobjsubid, deptype
        FROM pg_catalog.pg_depend
        WHERE classid = 'pg_proc'::regclass AND objid = a.new_oid
          AND refclassid = 'pg_proc'::regclass AND deptype = 'n';
    END LOOP;
END $$;
DROP SCHEMA survey_upgrade CASCADE;

-- the 0.1.0 support functions, now used by nothing
DROP FUNCTION svy_accum_float8_transfn(internal, float8, svy_design);
DROP FUNCTION svy_accum_float8_transfn(internal, float8, svy_design, float8);
DROP FUNCTION svy_accum_bool_transfn(internal, boolean, svy_design);
DROP FUNCTION svy_accum_bool_transfn(internal, boolean, svy_design, text);
DROP FUNCTION svy_accum_bool_transfn(internal, boolean, svy_design, text, float8);
DROP FUNCTION svy_accum_ratio_transfn(internal, float8, float8, svy_design);
DROP FUNCTION svy_accum_ratio_transfn(internal, float8, float8, svy_design, float8);
DROP FUNCTION svy_accum_combine(internal, internal);
DROP FUNCTION svy_accum_serialfn(internal);
DROP FUNCTION svy_accum_deserialfn(bytea, internal);
DROP FUNCTION svy_mean_final(internal);
DROP FUNCTION svy_total_final(internal);
DROP FUNCTION svy_prop_final(internal);
DROP FUNCTION svy_ratio_final(internal);
DROP FUNCTION svy_state_final(internal);
DROP FUNCTION svy_merge_transfn(internal, svy_state);
DROP FUNCTION svy_quantile_transfn(internal, float8, svy_design, float8);
DROP FUNCTION svy_quantile_transfn(internal, float8, svy_design, float8, float8);
DROP FUNCTION svy_quantile_transfn(internal, float8, svy_design, float8, float8, text);
DROP FUNCTION svy_quantiles_transfn(internal, float8, svy_design, float8[]);
DROP FUNCTION svy_quantiles_transfn(internal, float8, svy_design, float8[], float8);
DROP FUNCTION svy_quantiles_transfn(internal, float8, svy_design, float8[], float8, text);
DROP FUNCTION svy_quantile_combine(internal, internal);
DROP FUNCTION svy_quantile_serialfn(internal);
DROP FUNCTION svy_quantile_deserialfn(bytea, internal);
DROP FUNCTION svy_quantile_final(internal);
DROP FUNCTION svy_quantiles_final(internal);
DROP FUNCTION svy_by_float8_transfn(internal, float8, "any", svy_design);
DROP FUNCTION svy_by_bool_transfn(internal, boolean, "any", svy_design);
DROP FUNCTION svy_dist_transfn(internal, "any", svy_design);
DROP FUNCTION svy_dist_transfn(internal, "any", svy_design, boolean);
DROP FUNCTION svy_choices_transfn(internal, choices, svy_design);
DROP FUNCTION svy_tab_transfn(internal, "any", "any", svy_design);
DROP FUNCTION svy_multi_combine(internal, internal);
DROP FUNCTION svy_multi_serialfn(internal);
DROP FUNCTION svy_multi_deserialfn(bytea, internal);
DROP FUNCTION svy_domains_final(internal);
DROP FUNCTION svy_table_final(internal);
DROP FUNCTION svy_accum_likert_transfn(internal, likert, svy_design);
DROP FUNCTION svy_accum_likert_transfn(internal, likert, svy_design, float8);
