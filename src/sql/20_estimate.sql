-- ---------------------------------------------------------------------------
-- Estimates of means, totals, proportions and ratios (src/estimate.c)
-- ---------------------------------------------------------------------------

CREATE TYPE svy_estimate AS (
    estimate  float8,
    std_error float8,
    ci_lower  float8,
    ci_upper  float8,
    df        float8,
    n         bigint,
    n_eff     float8,
    deff      float8
);
COMMENT ON TYPE svy_estimate IS 'a survey estimate with its standard error, confidence interval, df, n, effective n and design effect';

-- transition functions shared by all linear estimators (state: svy_aggstate)
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

CREATE AGGREGATE svy_mean(y float8, d svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_mean(y float8, d svy_design, level float8) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_total(y float8, d svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_total_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_total(y float8, d svy_design, level float8) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_total_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_prop(y boolean, d svy_design) (
    SFUNC = svy_accum_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_prop_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_prop(y boolean, d svy_design, method text) (
    SFUNC = svy_accum_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_prop_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_prop(y boolean, d svy_design, method text, level float8) (
    SFUNC = svy_accum_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_prop_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_ratio(num float8, den float8, d svy_design) (
    SFUNC = svy_accum_ratio_transfn, STYPE = svy_aggstate, FINALFUNC = svy_ratio_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_ratio(num float8, den float8, d svy_design, level float8) (
    SFUNC = svy_accum_ratio_transfn, STYPE = svy_aggstate, FINALFUNC = svy_ratio_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);

-- ---------------------------------------------------------------------------
-- svy_state: storable, mergeable partial aggregates (SPEC section 8)
-- ---------------------------------------------------------------------------

CREATE TYPE svy_state;
CREATE FUNCTION svy_state_in(cstring) RETURNS svy_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_state_out(svy_state) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_state_recv(internal) RETURNS svy_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_state_send(svy_state) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE svy_state (
    INPUT = svy_state_in, OUTPUT = svy_state_out,
    RECEIVE = svy_state_recv, SEND = svy_state_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended
);
COMMENT ON TYPE svy_state IS 'a storable, mergeable partial survey aggregate (versioned, endian-independent)';

CREATE FUNCTION svy_state_final(svy_aggstate) RETURNS svy_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_merge_transfn(svy_aggstate, svy_state) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE svy_accum(y float8, d svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_state_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_accum(y boolean, d svy_design) (
    SFUNC = svy_accum_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_state_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_merge(svy_state) (
    SFUNC = svy_merge_transfn, STYPE = svy_aggstate, FINALFUNC = svy_state_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);

-- STABLE, not IMMUTABLE: survey.lonely_psu and survey.min_cell_n shape the result.
CREATE FUNCTION svy_mean(s svy_state, level float8 DEFAULT 0.95) RETURNS svy_estimate
    AS 'MODULE_PATHNAME', 'svy_state_mean' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_total(s svy_state, level float8 DEFAULT 0.95) RETURNS svy_estimate
    AS 'MODULE_PATHNAME', 'svy_state_total' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_prop(s svy_state, method text DEFAULT 'logit', level float8 DEFAULT 0.95)
    RETURNS svy_estimate
    AS 'MODULE_PATHNAME', 'svy_state_prop' LANGUAGE C STABLE STRICT PARALLEL SAFE;
