-- ---------------------------------------------------------------------------
-- New in 0.2.0 for loading questionnaire data and for its first queries
-- (src/likert.c, src/labels.c; docs/loading.md).  Also the upgrade part
-- src/sql/update/45_loading.sql (a link to this file).
-- ---------------------------------------------------------------------------

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
