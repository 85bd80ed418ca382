-- ---------------------------------------------------------------------------
-- Comparing, pooling and judging estimates (src/compare.c)
-- ---------------------------------------------------------------------------

CREATE TYPE svy_difference AS (
    difference float8,
    std_error  float8,
    ci_lower   float8,
    ci_upper   float8,
    statistic  float8,
    df         float8,
    p_value    float8
);
COMMENT ON TYPE svy_difference IS 'difference of two independent estimates with its SE, CI, t statistic, Welch-Satterthwaite df and p-value';

CREATE FUNCTION svy_diff(a svy_estimate, b svy_estimate, level float8 DEFAULT 0.95)
    RETURNS svy_difference
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION svy_diff(svy_estimate, svy_estimate, float8) IS
    'a - b for estimates from independent samples: var = var_a + var_b, Welch-Satterthwaite df, t test';

-- svy_pool: state is a float8[] of sums (see src/compare.c)
CREATE FUNCTION svy_pool_transfn(float8[], svy_estimate, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_pool_transfn(float8[], svy_estimate, float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_pool_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_pool_final(float8[]) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE svy_pool(e svy_estimate, weight float8) (
    SFUNC = svy_pool_transfn, STYPE = float8[], FINALFUNC = svy_pool_final,
    COMBINEFUNC = svy_pool_combine, INITCOND = '{0,0,0,0,0,0,NaN}', PARALLEL = SAFE);
CREATE AGGREGATE svy_pool(e svy_estimate, weight float8, level float8) (
    SFUNC = svy_pool_transfn, STYPE = float8[], FINALFUNC = svy_pool_final,
    COMBINEFUNC = svy_pool_combine, INITCOND = '{0,0,0,0,0,0,NaN}', PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_pool(svy_estimate, float8) IS
    'weighted average of independent estimates (population-weighted or equal-country), SE = sqrt(sum a_i^2 se_i^2), Welch-Satterthwaite df';
COMMENT ON AGGREGATE svy_pool(svy_estimate, float8, float8) IS
    'weighted average of independent estimates with a confidence level';

CREATE TYPE svy_reliability_result AS (
    status  text,
    reasons text[]
);
COMMENT ON TYPE svy_reliability_result IS 'ok, flag or suppress, with the reasons';

CREATE FUNCTION svy_reliability(e svy_estimate, standard text DEFAULT 'nchs')
    RETURNS svy_reliability_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION svy_reliability(svy_estimate, text) IS
    'presentation status of a proportion by the NCHS Data Presentation Standards for Proportions (2017)';

-- A presentation helper: svy_format(e, 'percent', 1) = '48.5 (43.3–53.8)'.
CREATE FUNCTION svy_format(e svy_estimate, style text DEFAULT 'percent', digits integer DEFAULT 1)
    RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION svy_format(svy_estimate, text, integer) IS
    'an estimate and its CI as report text: style percent (x 100) or number, rounded to digits decimals; NULL when the estimate is NULL';
