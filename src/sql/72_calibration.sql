-- ---------------------------------------------------------------------------
-- Calibration (SPEC §9): population margins (src/population.c) and
-- calibrated designs (src/calib_design.c, src/calib_accum.c).
-- ---------------------------------------------------------------------------

CREATE TYPE svy_population;

CREATE FUNCTION svy_population_in(cstring) RETURNS svy_population
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_population_out(svy_population) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_population_recv(internal) RETURNS svy_population
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_population_send(svy_population) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE svy_population (
    INPUT = svy_population_in,
    OUTPUT = svy_population_out,
    RECEIVE = svy_population_recv,
    SEND = svy_population_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE svy_population IS 'population margins for calibration: level counts of categorical variables, totals of numeric ones';

CREATE FUNCTION svy_population_transfn(internal, text, text, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_population_finalfn(internal) RETURNS svy_population
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- No combine function: variables keep the order of their first row, which
-- partial aggregation would not preserve (a population table is small).
CREATE AGGREGATE svy_population(variable text, level text, total float8) (
    SFUNC = svy_population_transfn, STYPE = internal, FINALFUNC = svy_population_finalfn,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_population(text, text, float8) IS
    'population margins from a long table: one row per (variable, level, total); level NULL for a numeric total';

-- svy_calibrate's planner support: a call with levels => ARRAY[...] (and x an
-- ARRAY[...] or NULL) is planned as svy_calibrate_elems with the elements as
-- separate arguments, so that no array is built per row (same checks and value);
-- with d written as svy_design(...), as svy_calibrate_design, which builds the
-- base design in the same call.
CREATE FUNCTION svy_calibrate_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_calibrate_elems(d svy_design, population svy_population, method text,
                                    bounds float8[], maxit integer, epsilon float8, nx integer,
                                    VARIADIC "any")
    RETURNS svy_design
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION svy_calibrate_elems(svy_design, svy_population, text, float8[], integer, float8, integer, "any") IS
    'internal: svy_calibrate with the levels, then the nx x values (-1: x NULL), as separate arguments; the planner writes it';
CREATE FUNCTION svy_calibrate_design(weight float8, strata "any", psu "any", fpc float8, psu2 "any",
                                     fpc2 float8, population svy_population, method text, bounds float8[],
                                     maxit integer, epsilon float8, nx integer, VARIADIC "any")
    RETURNS svy_design
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION svy_calibrate_design(float8, "any", "any", float8, "any", float8, svy_population, text, float8[], integer, float8, integer, "any") IS
    'internal: svy_calibrate_elems of svy_design(weight, strata, psu, fpc, psu2, fpc2) in one call; the planner writes it';

-- Not STRICT: NULL levels or x are errors, not a NULL design.
CREATE FUNCTION svy_calibrate(d svy_design, population svy_population, levels text[],
                              x float8[] DEFAULT NULL, method text DEFAULT 'linear',
                              bounds float8[] DEFAULT NULL, maxit integer DEFAULT NULL,
                              epsilon float8 DEFAULT NULL)
    RETURNS svy_design
    AS 'MODULE_PATHNAME', 'svy_calibrate_make' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT svy_calibrate_support;
COMMENT ON FUNCTION svy_calibrate(svy_design, svy_population, text[], float8[], text, float8[], integer, float8) IS
    'calibrated design: the rows of an aggregate are calibrated together to the population (poststratify, rake, linear, raking, logit, rescale)';

-- Weights out (src/calib_weights.c)
CREATE FUNCTION svy_weight(d svy_design) RETURNS float8
    AS 'MODULE_PATHNAME', 'svy_weight_window' LANGUAGE C WINDOW IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION svy_weight(svy_design) IS
    'window function: each row''s analysis weight, calibrated over the rows of its window partition';

CREATE TYPE svy_weights_summary AS (
    n           bigint,
    sum_w       float8,
    min_w       float8,
    max_w       float8,
    cv          float8,
    kish_deff   float8,
    g_min       float8,
    g_max       float8,
    n_negative  bigint,
    iterations  integer,
    converged   boolean
);
COMMENT ON TYPE svy_weights_summary IS 'weighting diagnostics of svy_weights_summary()';

CREATE FUNCTION svy_weights_summary_transfn(svy_aggstate, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_weights_summary_final(svy_aggstate) RETURNS svy_weights_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE svy_weights_summary(d svy_design) (
    SFUNC = svy_weights_summary_transfn, STYPE = svy_aggstate, FINALFUNC = svy_weights_summary_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_weights_summary(svy_design) IS
    'weighting diagnostics: n, sum, range, CV and Kish deff of the (calibrated) weights, g range, negative weights, iterations, convergence';
