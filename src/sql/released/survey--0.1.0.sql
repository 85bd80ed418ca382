-- survey: design-based survey statistics for PostgreSQL.
-- This install script is assembled by the Makefile from src/sql/*.sql.

\echo Use "CREATE EXTENSION survey" to load this file. \quit
-- ---------------------------------------------------------------------------
-- svy_design: one row's part of a survey design (src/design.c)
-- ---------------------------------------------------------------------------

CREATE TYPE svy_design;

CREATE FUNCTION svy_design_in(cstring) RETURNS svy_design
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_design_out(svy_design) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE svy_design (
    INPUT = svy_design_in,
    OUTPUT = svy_design_out,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE svy_design IS 'one row''s part of a survey design: weight, stratum, PSU, fpc or replicate weights';

-- Not STRICT: a NULL weight, stratum, PSU or fpc on a row is an error, not a NULL design.
CREATE FUNCTION svy_design(weight float8, strata "any" DEFAULT NULL, psu "any" DEFAULT NULL,
                           fpc float8 DEFAULT NULL)
    RETURNS svy_design
    AS 'MODULE_PATHNAME', 'svy_design_make' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION svy_design(float8, "any", "any", float8) IS
    'linearization design: weight, optional strata, PSU (nested in strata) and fpc (population PSUs, or a fraction <= 1)';

CREATE FUNCTION svy_repdesign(weight float8, repweights float8[], type text,
                              scale float8 DEFAULT NULL, rscales float8[] DEFAULT NULL,
                              mse boolean DEFAULT false, rho float8 DEFAULT NULL)
    RETURNS svy_design
    AS 'MODULE_PATHNAME', 'svy_repdesign_make' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION svy_repdesign(float8, float8[], text, float8, float8[], boolean, float8) IS
    'replicate-weight design (JK1, JKn, BRR, Fay, bootstrap, SDR, other) with full replicate weights';

CREATE FUNCTION svy_subset(d svy_design, in_domain boolean) RETURNS svy_design
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION svy_subset(svy_design, boolean) IS
    'domain estimation: rows with in_domain false or NULL stay in the design but contribute nothing';
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

-- transition, combine and (de)serialization functions shared by all linear estimators
CREATE FUNCTION svy_accum_float8_transfn(internal, float8, svy_design) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_float8_transfn(internal, float8, svy_design, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_bool_transfn(internal, boolean, svy_design) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_bool_transfn(internal, boolean, svy_design, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_bool_transfn(internal, boolean, svy_design, text, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_ratio_transfn(internal, float8, float8, svy_design) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_ratio_transfn(internal, float8, float8, svy_design, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_serialfn(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_accum_deserialfn(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION svy_mean_final(internal) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_total_final(internal) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_prop_final(internal) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_ratio_final(internal) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE svy_mean(y float8, d svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = internal, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_mean(y float8, d svy_design, level float8) (
    SFUNC = svy_accum_float8_transfn, STYPE = internal, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_total(y float8, d svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = internal, FINALFUNC = svy_total_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_total(y float8, d svy_design, level float8) (
    SFUNC = svy_accum_float8_transfn, STYPE = internal, FINALFUNC = svy_total_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_prop(y boolean, d svy_design) (
    SFUNC = svy_accum_bool_transfn, STYPE = internal, FINALFUNC = svy_prop_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_prop(y boolean, d svy_design, method text) (
    SFUNC = svy_accum_bool_transfn, STYPE = internal, FINALFUNC = svy_prop_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_prop(y boolean, d svy_design, method text, level float8) (
    SFUNC = svy_accum_bool_transfn, STYPE = internal, FINALFUNC = svy_prop_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_ratio(num float8, den float8, d svy_design) (
    SFUNC = svy_accum_ratio_transfn, STYPE = internal, FINALFUNC = svy_ratio_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_ratio(num float8, den float8, d svy_design, level float8) (
    SFUNC = svy_accum_ratio_transfn, STYPE = internal, FINALFUNC = svy_ratio_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);

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

CREATE FUNCTION svy_state_final(internal) RETURNS svy_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_merge_transfn(internal, svy_state) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE svy_accum(y float8, d svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = internal, FINALFUNC = svy_state_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_accum(y boolean, d svy_design) (
    SFUNC = svy_accum_bool_transfn, STYPE = internal, FINALFUNC = svy_state_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_merge(svy_state) (
    SFUNC = svy_merge_transfn, STYPE = internal, FINALFUNC = svy_state_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);

-- STABLE, not IMMUTABLE: survey.lonely_psu and survey.min_cell_n shape the result.
CREATE FUNCTION svy_mean(s svy_state, level float8 DEFAULT 0.95) RETURNS svy_estimate
    AS 'MODULE_PATHNAME', 'svy_state_mean' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_total(s svy_state, level float8 DEFAULT 0.95) RETURNS svy_estimate
    AS 'MODULE_PATHNAME', 'svy_state_total' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_prop(s svy_state, method text DEFAULT 'logit', level float8 DEFAULT 0.95)
    RETURNS svy_estimate
    AS 'MODULE_PATHNAME', 'svy_state_prop' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- ---------------------------------------------------------------------------
-- Quantiles with Woodruff confidence intervals (src/quantile.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION svy_quantile_transfn(internal, float8, svy_design, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_transfn(internal, float8, svy_design, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_transfn(internal, float8, svy_design, float8, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(internal, float8, svy_design, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(internal, float8, svy_design, float8[], float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_transfn(internal, float8, svy_design, float8[], float8, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_serialfn(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_deserialfn(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_quantile_final(internal) RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_quantiles_final(internal) RETURNS svy_estimate[]
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE svy_quantile(y float8, d svy_design, p float8) (
    SFUNC = svy_quantile_transfn, STYPE = internal, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_quantile_combine, SERIALFUNC = svy_quantile_serialfn,
    DESERIALFUNC = svy_quantile_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_quantile(y float8, d svy_design, p float8, level float8) (
    SFUNC = svy_quantile_transfn, STYPE = internal, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_quantile_combine, SERIALFUNC = svy_quantile_serialfn,
    DESERIALFUNC = svy_quantile_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_quantile(y float8, d svy_design, p float8, level float8, qrule text) (
    SFUNC = svy_quantile_transfn, STYPE = internal, FINALFUNC = svy_quantile_final,
    COMBINEFUNC = svy_quantile_combine, SERIALFUNC = svy_quantile_serialfn,
    DESERIALFUNC = svy_quantile_deserialfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantile(float8, svy_design, float8, float8, text) IS
    'weighted p-quantile with a Woodruff confidence interval (R svyquantile, interval.type = "mean"); qrule math (default), school, hf1-hf9';

-- One estimate per probability, in the order given:
--   SELECT u.p, (u.e).* FROM (SELECT svy_quantiles(y, d, '{0.1,0.5,0.9}') AS a FROM t) s,
--          unnest('{0.1,0.5,0.9}'::float8[], s.a) AS u(p, e);
CREATE AGGREGATE svy_quantiles(y float8, d svy_design, p float8[]) (
    SFUNC = svy_quantiles_transfn, STYPE = internal, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_quantile_combine, SERIALFUNC = svy_quantile_serialfn,
    DESERIALFUNC = svy_quantile_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_quantiles(y float8, d svy_design, p float8[], level float8) (
    SFUNC = svy_quantiles_transfn, STYPE = internal, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_quantile_combine, SERIALFUNC = svy_quantile_serialfn,
    DESERIALFUNC = svy_quantile_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_quantiles(y float8, d svy_design, p float8[], level float8, qrule text) (
    SFUNC = svy_quantiles_transfn, STYPE = internal, FINALFUNC = svy_quantiles_final,
    COMBINEFUNC = svy_quantile_combine, SERIALFUNC = svy_quantile_serialfn,
    DESERIALFUNC = svy_quantile_deserialfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_quantiles(float8, svy_design, float8[], float8, text) IS
    'svy_quantile for several probabilities at once: svy_estimate[] in the order of p';
-- Survey response types (SPEC section 6): likert and choices, with typed
-- missing reasons dk, refused, na, skipped, no_answer.
-- See docs/response-types.md.

-------------------------------------------------------------------------------
-- likert
-------------------------------------------------------------------------------

CREATE TYPE likert;

CREATE FUNCTION likert_in(cstring, oid, integer) RETURNS likert
    AS 'MODULE_PATHNAME', 'likert_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_out(likert) RETURNS cstring
    AS 'MODULE_PATHNAME', 'likert_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_recv(internal, oid, integer) RETURNS likert
    AS 'MODULE_PATHNAME', 'likert_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_send(likert) RETURNS bytea
    AS 'MODULE_PATHNAME', 'likert_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_typmod_in(cstring[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'likert_typmod_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_typmod_out(integer) RETURNS cstring
    AS 'MODULE_PATHNAME', 'likert_typmod_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE likert (
    INPUT = likert_in,
    OUTPUT = likert_out,
    RECEIVE = likert_recv,
    SEND = likert_send,
    TYPMOD_IN = likert_typmod_in,
    TYPMOD_OUT = likert_typmod_out,
    INTERNALLENGTH = 4,
    PASSEDBYVALUE,
    ALIGNMENT = int4,
    STORAGE = plain
);

COMMENT ON TYPE likert IS 'rating answer on a fixed scale (likert(k) = 1..k, likert(lo, hi)) or a missing reason';

-- casts
CREATE FUNCTION likert(likert, integer, boolean) RETURNS likert
    AS 'MODULE_PATHNAME', 'likert_enforce_typmod' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert(integer, integer, boolean) RETURNS likert
    AS 'MODULE_PATHNAME', 'likert_from_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert(text, integer, boolean) RETURNS likert
    AS 'MODULE_PATHNAME', 'likert_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_to_int4(likert) RETURNS integer
    AS 'MODULE_PATHNAME', 'likert_to_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_to_float8(likert) RETURNS double precision
    AS 'MODULE_PATHNAME', 'likert_to_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (likert AS likert) WITH FUNCTION likert(likert, integer, boolean) AS IMPLICIT;
CREATE CAST (integer AS likert) WITH FUNCTION likert(integer, integer, boolean) AS ASSIGNMENT;
CREATE CAST (text AS likert) WITH FUNCTION likert(text, integer, boolean) AS ASSIGNMENT;
CREATE CAST (varchar AS likert) WITH FUNCTION likert(text, integer, boolean) AS ASSIGNMENT;
CREATE CAST (likert AS integer) WITH FUNCTION likert_to_int4(likert);
CREATE CAST (likert AS double precision) WITH FUNCTION likert_to_float8(likert);

-- comparison
CREATE FUNCTION likert_eq(likert, likert) RETURNS boolean
    AS 'MODULE_PATHNAME', 'likert_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_ne(likert, likert) RETURNS boolean
    AS 'MODULE_PATHNAME', 'likert_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_lt(likert, likert) RETURNS boolean
    AS 'MODULE_PATHNAME', 'likert_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_le(likert, likert) RETURNS boolean
    AS 'MODULE_PATHNAME', 'likert_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_gt(likert, likert) RETURNS boolean
    AS 'MODULE_PATHNAME', 'likert_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_ge(likert, likert) RETURNS boolean
    AS 'MODULE_PATHNAME', 'likert_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_cmp(likert, likert) RETURNS integer
    AS 'MODULE_PATHNAME', 'likert_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_sortsupport(internal) RETURNS void
    AS 'MODULE_PATHNAME', 'likert_sortsupport' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_hash(likert) RETURNS integer
    AS 'MODULE_PATHNAME', 'likert_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_hash_extended(likert, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'likert_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR = (
    LEFTARG = likert, RIGHTARG = likert, PROCEDURE = likert_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
    HASHES, MERGES
);
CREATE OPERATOR <> (
    LEFTARG = likert, RIGHTARG = likert, PROCEDURE = likert_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
    LEFTARG = likert, RIGHTARG = likert, PROCEDURE = likert_lt,
    COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
    LEFTARG = likert, RIGHTARG = likert, PROCEDURE = likert_le,
    COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
    LEFTARG = likert, RIGHTARG = likert, PROCEDURE = likert_gt,
    COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
    LEFTARG = likert, RIGHTARG = likert, PROCEDURE = likert_ge,
    COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE FUNCTION likert_smaller(likert, likert) RETURNS likert
    AS 'MODULE_PATHNAME', 'likert_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_larger(likert, likert) RETURNS likert
    AS 'MODULE_PATHNAME', 'likert_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE min(likert) (
    SFUNC = likert_smaller, STYPE = likert, SORTOP = <, COMBINEFUNC = likert_smaller, PARALLEL = SAFE
);
CREATE AGGREGATE max(likert) (
    SFUNC = likert_larger, STYPE = likert, SORTOP = >, COMBINEFUNC = likert_larger, PARALLEL = SAFE
);

CREATE OPERATOR CLASS likert_ops DEFAULT FOR TYPE likert USING btree AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 likert_cmp(likert, likert),
    FUNCTION 2 likert_sortsupport(internal);

CREATE OPERATOR CLASS likert_hash_ops DEFAULT FOR TYPE likert USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 likert_hash(likert),
    FUNCTION 2 likert_hash_extended(likert, bigint);

-- functions
CREATE FUNCTION is_missing(likert) RETURNS boolean
    AS 'MODULE_PATHNAME', 'likert_is_missing_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION missing_reason(likert) RETURNS text
    AS 'MODULE_PATHNAME', 'likert_missing_reason' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_points(likert) RETURNS integer
    AS 'MODULE_PATHNAME', 'likert_points' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_score(likert) RETURNS double precision
    AS 'MODULE_PATHNAME', 'likert_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION likert_reverse(likert) RETURNS likert
    AS 'MODULE_PATHNAME', 'likert_reverse' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION top_box(x likert, k integer DEFAULT 2) RETURNS boolean
    AS 'MODULE_PATHNAME', 'likert_top_box' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION bottom_box(x likert, k integer DEFAULT 2) RETURNS boolean
    AS 'MODULE_PATHNAME', 'likert_bottom_box' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Import helper: survey exports code items as integers with special
-- (usually negative) codes for missing reasons.  code NULL (an empty CSV
-- field) becomes null_as (default 'skipped'; pass NULL to keep SQL NULL).
CREATE FUNCTION likert_from_code(
    code integer, lo integer, hi integer,
    missing_codes jsonb DEFAULT '{"-1": "dk", "-2": "refused", "-3": "na"}',
    null_as text DEFAULT 'skipped')
RETURNS likert
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN code IS NULL THEN
            CASE WHEN null_as IS NULL THEN NULL
                 ELSE (null_as || '/' || lo || '..' || hi)::likert END
        WHEN missing_codes ? code::text THEN
            ((missing_codes ->> code::text) || '/' || lo || '..' || hi)::likert
        ELSE (code || '/' || lo || '..' || hi)::likert
    END
$$;

-------------------------------------------------------------------------------
-- choices
-------------------------------------------------------------------------------

CREATE TYPE choices;

CREATE FUNCTION choices_in(cstring) RETURNS choices
    AS 'MODULE_PATHNAME', 'choices_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION choices_out(choices) RETURNS cstring
    AS 'MODULE_PATHNAME', 'choices_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION choices_recv(internal) RETURNS choices
    AS 'MODULE_PATHNAME', 'choices_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION choices_send(choices) RETURNS bytea
    AS 'MODULE_PATHNAME', 'choices_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE choices (
    INPUT = choices_in,
    OUTPUT = choices_out,
    RECEIVE = choices_recv,
    SEND = choices_send,
    INTERNALLENGTH = 12,
    ALIGNMENT = int4,
    STORAGE = plain
);

COMMENT ON TYPE choices IS 'multi-select answer: set of options 1..64, or a missing reason';

CREATE FUNCTION choices_eq(choices, choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION choices_ne(choices, choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION choices_hash(choices) RETURNS integer
    AS 'MODULE_PATHNAME', 'choices_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION choices_hash_extended(choices, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'choices_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION choices_contains(choices, choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION choices_contained(choices, choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION choices_overlaps(choices, choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_overlaps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION has_choice(choices, integer) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_has_option' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR = (
    LEFTARG = choices, RIGHTARG = choices, PROCEDURE = choices_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
    LEFTARG = choices, RIGHTARG = choices, PROCEDURE = choices_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR @> (
    LEFTARG = choices, RIGHTARG = choices, PROCEDURE = choices_contains,
    COMMUTATOR = <@, RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR <@ (
    LEFTARG = choices, RIGHTARG = choices, PROCEDURE = choices_contained,
    COMMUTATOR = @>, RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR @> (
    LEFTARG = choices, RIGHTARG = integer, PROCEDURE = has_choice,
    RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR && (
    LEFTARG = choices, RIGHTARG = choices, PROCEDURE = choices_overlaps,
    COMMUTATOR = &&, RESTRICT = contsel, JOIN = contjoinsel
);

CREATE FUNCTION choices_cmp(choices, choices) RETURNS integer
    AS 'MODULE_PATHNAME', 'choices_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION choices_lt(choices, choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION choices_le(choices, choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION choices_gt(choices, choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION choices_ge(choices, choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OPERATOR < (
    LEFTARG = choices, RIGHTARG = choices, PROCEDURE = choices_lt,
    COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
    LEFTARG = choices, RIGHTARG = choices, PROCEDURE = choices_le,
    COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
    LEFTARG = choices, RIGHTARG = choices, PROCEDURE = choices_gt,
    COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
    LEFTARG = choices, RIGHTARG = choices, PROCEDURE = choices_ge,
    COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS choices_ops DEFAULT FOR TYPE choices USING btree AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 choices_cmp(choices, choices);

CREATE OPERATOR CLASS choices_hash_ops DEFAULT FOR TYPE choices USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 choices_hash(choices),
    FUNCTION 2 choices_hash_extended(choices, bigint);

CREATE FUNCTION cardinality(choices) RETURNS integer
    AS 'MODULE_PATHNAME', 'choices_cardinality' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION is_missing(choices) RETURNS boolean
    AS 'MODULE_PATHNAME', 'choices_is_missing_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION missing_reason(choices) RETURNS text
    AS 'MODULE_PATHNAME', 'choices_missing_reason' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION choices(integer[]) RETURNS choices
    AS 'MODULE_PATHNAME', 'choices_from_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION choices_options(choices) RETURNS integer[]
    AS 'MODULE_PATHNAME', 'choices_to_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (integer[] AS choices) WITH FUNCTION choices(integer[]);
CREATE CAST (choices AS integer[]) WITH FUNCTION choices_options(choices);
-- ---------------------------------------------------------------------------
-- Domains, distributions, multi-select shares and tables (src/domain.c),
-- and their readers (src/domain_read.c)
-- ---------------------------------------------------------------------------

CREATE TYPE svy_domains;
CREATE FUNCTION svy_domains_in(cstring) RETURNS svy_domains
    AS 'MODULE_PATHNAME', 'svy_multi_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_domains_out(svy_domains) RETURNS cstring
    AS 'MODULE_PATHNAME', 'svy_multi_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE svy_domains (
    INPUT = svy_domains_in, OUTPUT = svy_domains_out,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended
);
COMMENT ON TYPE svy_domains IS 'estimates for groups, categories or options of one design, with their full covariance';

CREATE TYPE svy_table;
CREATE FUNCTION svy_table_in(cstring) RETURNS svy_table
    AS 'MODULE_PATHNAME', 'svy_multi_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_table_out(svy_table) RETURNS cstring
    AS 'MODULE_PATHNAME', 'svy_multi_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE svy_table (
    INPUT = svy_table_in, OUTPUT = svy_table_out,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended
);
COMMENT ON TYPE svy_table IS 'a weighted two-way table of one design, with the full covariance of its cells';

CREATE FUNCTION svy_by_float8_transfn(internal, float8, "any", svy_design) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_by_bool_transfn(internal, boolean, "any", svy_design) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(internal, "any", svy_design) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(internal, "any", svy_design, boolean) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_choices_transfn(internal, choices, svy_design) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_tab_transfn(internal, "any", "any", svy_design) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_multi_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_multi_serialfn(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_multi_deserialfn(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_domains_final(internal) RETURNS svy_domains
    AS 'MODULE_PATHNAME', 'svy_multi_final' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_table_final(internal) RETURNS svy_table
    AS 'MODULE_PATHNAME', 'svy_multi_final' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE svy_by(y float8, grp "any", d svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = internal, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_multi_combine, SERIALFUNC = svy_multi_serialfn,
    DESERIALFUNC = svy_multi_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_by(y boolean, grp "any", d svy_design) (
    SFUNC = svy_by_bool_transfn, STYPE = internal, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_multi_combine, SERIALFUNC = svy_multi_serialfn,
    DESERIALFUNC = svy_multi_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x "any", d svy_design) (
    SFUNC = svy_dist_transfn, STYPE = internal, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_multi_combine, SERIALFUNC = svy_multi_serialfn,
    DESERIALFUNC = svy_multi_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x "any", d svy_design, with_missing boolean) (
    SFUNC = svy_dist_transfn, STYPE = internal, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_multi_combine, SERIALFUNC = svy_multi_serialfn,
    DESERIALFUNC = svy_multi_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_choices(x choices, d svy_design) (
    SFUNC = svy_choices_transfn, STYPE = internal, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_multi_combine, SERIALFUNC = svy_multi_serialfn,
    DESERIALFUNC = svy_multi_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_tab(rowvar "any", colvar "any", d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = internal, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_multi_combine, SERIALFUNC = svy_multi_serialfn,
    DESERIALFUNC = svy_multi_deserialfn, PARALLEL = SAFE);

-- Readers.  STABLE: survey.min_cell_n suppresses small cells.
CREATE FUNCTION svy_groups(t svy_domains, statistic text DEFAULT 'mean',
                           method text DEFAULT 'logit', level float8 DEFAULT 0.95)
    RETURNS TABLE (level text, estimate float8, std_error float8, ci_lower float8,
                   ci_upper float8, df float8, n bigint, deff float8)
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 10;

CREATE FUNCTION svy_pairwise(t svy_domains, adjust text DEFAULT 'holm',
                             statistic text DEFAULT 'mean', level float8 DEFAULT 0.95)
    RETURNS TABLE (level_a text, level_b text, difference float8, std_error float8,
                   ci_lower float8, ci_upper float8, statistic float8, df float8,
                   p_value float8, p_adjusted float8)
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 45;

CREATE FUNCTION svy_cells(t svy_table, margin text DEFAULT 'row',
                          method text DEFAULT 'logit', level float8 DEFAULT 0.95)
    RETURNS TABLE (row_level text, col_level text, n bigint, estimate float8,
                   std_error float8, ci_lower float8, ci_upper float8, df float8,
                   deff float8)
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 20;

CREATE TYPE svy_test AS (
    statistic float8,
    ndf       float8,
    ddf       float8,
    p_value   float8,
    method    text
);
COMMENT ON TYPE svy_test IS 'a design-based test of independence (svy_chisq)';

CREATE FUNCTION svy_chisq(t svy_table, statistic text DEFAULT 'F') RETURNS svy_test
    AS 'MODULE_PATHNAME', 'svy_chisq_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- Means of rating answers: the mean score over valid answers (missing
-- reasons and NULL are outside the domain).  Kept here, after the likert
-- type exists.
-- ---------------------------------------------------------------------------
CREATE FUNCTION svy_accum_likert_transfn(internal, likert, svy_design) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_likert_transfn(internal, likert, svy_design, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_mean(y likert, d svy_design) (
    SFUNC = svy_accum_likert_transfn, STYPE = internal, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE svy_mean(y likert, d svy_design, level float8) (
    SFUNC = svy_accum_likert_transfn, STYPE = internal, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_accum_combine, SERIALFUNC = svy_accum_serialfn,
    DESERIALFUNC = svy_accum_deserialfn, PARALLEL = SAFE);

-- Linear contrasts of domain estimates (R: svycontrast on svyby(covmat = TRUE)).
CREATE FUNCTION svy_contrast(t svy_domains, coefficients float8[], statistic text DEFAULT 'mean',
                             level float8 DEFAULT 0.95)
    RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION svy_contrast(svy_domains, float8[], text, float8) IS
    'a linear contrast sum c_g theta_g of domain estimates, with the SE from their full covariance';
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
