-- ---------------------------------------------------------------------------
-- Quantiles with Woodruff confidence intervals (src/quantile.c)
-- ---------------------------------------------------------------------------

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

CREATE AGGREGATE svy_quantile(y float8, d svy_design, p float8) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_quantile(y float8, d svy_design, p float8, level float8) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_quantile(y float8, d svy_design, p float8, level float8, qrule text) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantile(float8, svy_design, float8, float8, text) IS
    'weighted p-quantile with a Woodruff confidence interval (R svyquantile, interval.type = "mean"); qrule math (default), school, hf1-hf9';

-- One estimate per probability, in the order given:
--   SELECT u.p, (u.e).* FROM (SELECT svy_quantiles(y, d, '{0.1,0.5,0.9}') AS a FROM t) s,
--          unnest('{0.1,0.5,0.9}'::float8[], s.a) AS u(p, e);
CREATE AGGREGATE svy_quantiles(y float8, d svy_design, p float8[]) (
    SFUNC = svy_quantiles_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_quantiles(y float8, d svy_design, p float8[], level float8) (
    SFUNC = svy_quantiles_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_quantiles(y float8, d svy_design, p float8[], level float8, qrule text) (
    SFUNC = svy_quantiles_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantiles(float8, svy_design, float8[], float8, text) IS
    'svy_quantile for several probabilities at once: svy_estimate[] in the order of p';
