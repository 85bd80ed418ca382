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
-- Implicit: a likert is accepted wherever a numeric outcome is (svy_quantile,
-- svy_ratio, svy_by, svy_accum, ...), a missing reason as NULL (outside the
-- domain).  The exact likert overloads (svy_mean, comparisons with integers)
-- still win.
CREATE CAST (likert AS double precision) WITH FUNCTION likert_to_float8(likert) AS IMPLICIT;

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
-- A SQL-standard body: its operators, functions and the likert type are
-- bound when the extension is created, so no search_path at call time
-- (a hostile schema, an empty path in pg_restore, ALTER EXTENSION SET
-- SCHEMA) can change what it runs.
CREATE FUNCTION likert_from_code(
    code integer, lo integer, hi integer,
    missing_codes jsonb DEFAULT '{"-1": "dk", "-2": "refused", "-3": "na"}',
    null_as text DEFAULT 'skipped')
RETURNS likert
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN code IS NULL THEN
        CASE WHEN null_as IS NULL THEN NULL
             ELSE CAST(concat(null_as, '/', lo, '..', hi) AS likert) END
    WHEN missing_codes ? CAST(code AS text) THEN
        CAST(concat(missing_codes ->> CAST(code AS text), '/', lo, '..', hi) AS likert)
    ELSE CAST(concat(code, '/', lo, '..', hi) AS likert)
END;

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
