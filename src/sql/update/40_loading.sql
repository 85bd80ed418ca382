-- Issue 12 (getting questionnaire data in, first-use traps).
-- The likert order no longer looks at the scale (total for every mix of
-- scaled and unscaled values): an index on an untyped likert column that mixes
-- scales must be rebuilt (REINDEX); likert(k) columns keep their order.

-------------------------------------------------------------------------------
-- likert compared with an integer: q >= 4, q = 5, 4 <= q.  NULL for a missing
-- reason (SQL's NULL logic), so svy_prop(q >= 4, d) leaves "don't know" out.
-- Not in the btree family: likert <op> likert keeps the total order (missing
-- reasons after every answer) for ORDER BY, DISTINCT and indexes.
-------------------------------------------------------------------------------

CREATE FUNCTION likert_int4_eq(likert, integer) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_int4_ne(likert, integer) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_int4_lt(likert, integer) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_int4_le(likert, integer) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_int4_gt(likert, integer) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION likert_int4_ge(likert, integer) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION int4_likert_eq(integer, likert) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION int4_likert_ne(integer, likert) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION int4_likert_lt(integer, likert) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION int4_likert_le(integer, likert) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION int4_likert_gt(integer, likert) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION int4_likert_ge(integer, likert) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR = (LEFTARG = likert, RIGHTARG = integer, PROCEDURE = likert_int4_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR <> (LEFTARG = likert, RIGHTARG = integer, PROCEDURE = likert_int4_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (LEFTARG = likert, RIGHTARG = integer, PROCEDURE = likert_int4_lt,
    COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = likert, RIGHTARG = integer, PROCEDURE = likert_int4_le,
    COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (LEFTARG = likert, RIGHTARG = integer, PROCEDURE = likert_int4_gt,
    COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (LEFTARG = likert, RIGHTARG = integer, PROCEDURE = likert_int4_ge,
    COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR = (LEFTARG = integer, RIGHTARG = likert, PROCEDURE = int4_likert_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR <> (LEFTARG = integer, RIGHTARG = likert, PROCEDURE = int4_likert_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (LEFTARG = integer, RIGHTARG = likert, PROCEDURE = int4_likert_lt,
    COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = integer, RIGHTARG = likert, PROCEDURE = int4_likert_le,
    COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (LEFTARG = integer, RIGHTARG = likert, PROCEDURE = int4_likert_gt,
    COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (LEFTARG = integer, RIGHTARG = likert, PROCEDURE = int4_likert_ge,
    COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);

-------------------------------------------------------------------------------
-- Constructors from text exports (SPEC section 11, src/labels.c,
-- docs/loading.md).  Labels match exactly after trimming surrounding
-- whitespace; an unknown label is an error listing the valid ones.
-------------------------------------------------------------------------------

CREATE FUNCTION likert_from_label(label text, labels text[], missing jsonb DEFAULT NULL,
                                  lo integer DEFAULT 1)
    RETURNS likert
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION likert_from_label(text, text[], jsonb, integer) IS
    'rating answer from its label: the i-th of labels is lo + i - 1; labels in missing map to missing reasons; NULL stays NULL';
CREATE FUNCTION choices_from_text(answer text, sep text, labels text[] DEFAULT NULL)
    RETURNS choices
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION choices_from_text(text, text, text[]) IS
    'multi-select answer from "A;C" text: each part is an option label (or number without labels); empty text = chose none';
CREATE FUNCTION choices_from_flags(VARIADIC flags boolean[])
    RETURNS choices
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION choices_from_flags(boolean[]) IS
    'multi-select answer from one flag per option (true = chosen; false or NULL = not chosen; all NULL = NULL)';

-- likert -> float8 becomes implicit: likert outcomes everywhere a numeric one is.
DROP CAST (likert AS double precision);
CREATE CAST (likert AS double precision) WITH FUNCTION likert_to_float8(likert) AS IMPLICIT;

-- svy_cells: one column order for every reader (..., df, n, deff).
DROP FUNCTION svy_cells(svy_table, text, text, float8);
CREATE FUNCTION svy_cells(t svy_table, margin text DEFAULT 'row',
                          method text DEFAULT 'logit', level float8 DEFAULT 0.95)
    RETURNS TABLE (row_level text, col_level text, estimate float8,
                   std_error float8, ci_lower float8, ci_upper float8, df float8,
                   n bigint, deff float8)
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 20;

-- ---------------------------------------------------------------------------
-- svy_choices with option labels (issue 12).
-- ---------------------------------------------------------------------------
CREATE FUNCTION svy_choices_transfn(svy_aggstate, choices, svy_design, text[]) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_choices(x choices, d svy_design, labels text[]) (
    SFUNC = svy_choices_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_choices(choices, svy_design, text[]) IS
    'share of respondents choosing each option, levels named by the option labels (every labelled option listed)';

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

-- A presentation helper: svy_format(e, 'percent', 1) = '48.5 (43.3–53.8)'.
CREATE FUNCTION svy_format(e svy_estimate, style text DEFAULT 'percent', digits integer DEFAULT 1)
    RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION svy_format(svy_estimate, text, integer) IS
    'an estimate and its CI as report text: style percent (x 100) or number, rounded to digits decimals; NULL when the estimate is NULL';
