-- svy_quantile / svy_quantiles: R's interval.type as a sixth argument
-- (mean, beta, xlogit, asin, score, quantile) and qrule shahvaish.
CREATE FUNCTION svy_quantile_transfn(svy_aggstate, float8, svy_design, float8, float8, text, text) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(svy_aggstate, float8, svy_design, float8[], float8, text, text) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON AGGREGATE svy_quantile(float8, svy_design, float8, float8, text) IS
    'weighted p-quantile with a Woodruff confidence interval (R svyquantile, interval.type = "mean"); qrule math (default), school, shahvaish, hf1-hf9';
CREATE AGGREGATE svy_quantile(y float8, d svy_design, p float8, level float8, qrule text, "interval" text) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantile(float8, svy_design, float8, float8, text, text) IS
    'weighted p-quantile with the confidence interval of R svyquantile interval.type: mean (Woodruff, default), beta, xlogit, asin, score; quantile (replicate designs)';
CREATE AGGREGATE svy_quantiles(y float8, d svy_design, p float8[], level float8, qrule text, "interval" text) (
    SFUNC = svy_quantiles_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantiles(float8, svy_design, float8[], float8, text, text) IS
    'svy_quantiles with the interval type of svy_quantile';
