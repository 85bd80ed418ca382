-- ---------------------------------------------------------------------------
-- Regression: design-based GLMs (SPEC section 10, R's svyglm)
-- ---------------------------------------------------------------------------

CREATE TYPE svy_model;
CREATE FUNCTION svy_model_in(cstring) RETURNS svy_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_model_out(svy_model) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_model_recv(internal) RETURNS svy_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_model_send(svy_model) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE svy_model (
    INPUT = svy_model_in, OUTPUT = svy_model_out,
    RECEIVE = svy_model_recv, SEND = svy_model_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended
);
COMMENT ON TYPE svy_model IS 'a fitted design-based generalized linear model (svy_glm): coefficients, their design-based covariance, residual df';

-- One transition function for the three call forms (it reads PG_NARGS()).
CREATE FUNCTION svy_glm_transfn(svy_aggstate, float8, float8[], svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_glm_transfn(svy_aggstate, float8, float8[], svy_design, text) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_glm_transfn(svy_aggstate, float8, float8[], svy_design, text, text[]) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
-- STABLE: survey.lonely_psu and work_mem shape the result.
CREATE FUNCTION svy_glm_final(svy_aggstate) RETURNS svy_model
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE svy_glm(y float8, x float8[], d svy_design) (
    SFUNC = svy_glm_transfn, STYPE = svy_aggstate, FINALFUNC = svy_glm_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_glm(y float8, x float8[], d svy_design, family text) (
    SFUNC = svy_glm_transfn, STYPE = svy_aggstate, FINALFUNC = svy_glm_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_glm(y float8, x float8[], d svy_design, family text, terms text[]) (
    SFUNC = svy_glm_transfn, STYPE = svy_aggstate, FINALFUNC = svy_glm_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);

CREATE FUNCTION svy_coef(m svy_model, level float8 DEFAULT 0.95, exponentiate boolean DEFAULT false,
    OUT term text, OUT estimate float8, OUT std_error float8, OUT ci_lower float8, OUT ci_upper float8,
    OUT statistic float8, OUT df float8, OUT p_value float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;

CREATE FUNCTION svy_wald(m svy_model, terms text[], statistic text DEFAULT 'F',
    OUT statistic float8, OUT ndf float8, OUT ddf float8, OUT p_value float8)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION svy_vcov(m svy_model) RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Not STRICT: a NULL value gives NULL dummies (the row leaves the fit).
-- STABLE: equality of collatable types follows the collation.
CREATE FUNCTION svy_dummies(value anyelement, levels anyarray) RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
