-- svy_quantile / svy_quantiles: R's interval.type as a sixth argument
-- (mean, beta, xlogit, asin, score, quantile) and qrule shahvaish.  The
-- transition functions of the existing aggregates are unchanged (same C
-- symbols); the state format of parallel workers changed with the library.
CREATE FUNCTION svy_quantile_transfn(internal, float8, svy_design, float8, float8, text, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(internal, float8, svy_design, float8[], float8, text, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON AGGREGATE svy_quantile(float8, svy_design, float8, float8, text) IS
    'weighted p-quantile with a Woodruff confidence interval (R svyquantile, interval.type = "mean"); qrule math (default), school, shahvaish, hf1-hf9';
CREATE AGGREGATE svy_quantile(y float8, d svy_design, p float8, level float8, qrule text, "interval" text) (
    SFUNC = svy_quantile_transfn, STYPE = internal, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_quantile_combine, SERIALFUNC = svy_quantile_serialfn,
    DESERIALFUNC = svy_quantile_deserialfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantile(float8, svy_design, float8, float8, text, text) IS
    'weighted p-quantile with the confidence interval of R svyquantile interval.type: mean (Woodruff, default), beta, xlogit, asin, score; quantile (replicate designs)';
CREATE AGGREGATE svy_quantiles(y float8, d svy_design, p float8[], level float8, qrule text, "interval" text) (
    SFUNC = svy_quantiles_transfn, STYPE = internal, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_quantile_combine, SERIALFUNC = svy_quantile_serialfn,
    DESERIALFUNC = svy_quantile_deserialfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantiles(float8, svy_design, float8[], float8, text, text) IS
    'svy_quantiles with the interval type of svy_quantile';
