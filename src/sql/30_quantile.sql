-- ---------------------------------------------------------------------------
-- Quantiles with Woodruff (and R's other) confidence intervals (src/quantile.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION svy_quantile_transfn(svy_aggstate, float8, svy_design, float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_transfn(svy_aggstate, float8, svy_design, float8, float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_transfn(svy_aggstate, float8, svy_design, float8, float8, text) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_transfn(svy_aggstate, float8, svy_design, float8, float8, text, text) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(svy_aggstate, float8, svy_design, float8[]) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(svy_aggstate, float8, svy_design, float8[], float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(svy_aggstate, float8, svy_design, float8[], float8, text) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(svy_aggstate, float8, svy_design, float8[], float8, text, text) RETURNS svy_aggstate
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
    'weighted p-quantile with a Woodruff confidence interval (R svyquantile, interval.type = "mean"); qrule math (default), school, shahvaish, hf1-hf9';
CREATE AGGREGATE svy_quantile(y float8, d svy_design, p float8, level float8, qrule text, "interval" text) (
    SFUNC = svy_quantile_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantile(float8, svy_design, float8, float8, text, text) IS
    'weighted p-quantile with the confidence interval of R svyquantile interval.type: mean (Woodruff, default), beta, xlogit, asin, score; quantile (replicate designs)';

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
CREATE AGGREGATE svy_quantiles(y float8, d svy_design, p float8[], level float8, qrule text, "interval" text) (
    SFUNC = svy_quantiles_transfn, STYPE = svy_aggstate, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantiles(float8, svy_design, float8[], float8, text, text) IS
    'svy_quantiles with the interval type of svy_quantile';

-- The rows of svy_quantiles, one per probability (a set-returning reader):
--   SELECT q.* FROM (SELECT svy_quantiles(y, d, '{0.25,0.5,0.75}') AS a FROM t) s,
--          svy_quantile_rows(s.a, '{0.25,0.5,0.75}') q;
CREATE FUNCTION svy_quantile_rows(estimates svy_estimate[], probabilities float8[])
    RETURNS TABLE (p float8, estimate float8, std_error float8, ci_lower float8,
                   ci_upper float8, df float8, n bigint, deff float8)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT u.p, u.estimate, u.std_error, u.ci_lower, u.ci_upper, u.df, u.n, u.deff
    FROM unnest(probabilities, estimates) WITH ORDINALITY
         AS u(p, estimate, std_error, ci_lower, ci_upper, df, n, n_eff, deff, i)
    ORDER BY u.i;
END;
COMMENT ON FUNCTION svy_quantile_rows(svy_estimate[], float8[]) IS
    'one row per probability of an svy_quantiles result, in the reader column order';
