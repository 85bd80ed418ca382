-- ---------------------------------------------------------------------------
-- svy_aggstate: the transition state of every survey aggregate
-- (src/aggstate.c).  A concrete type, not internal, so that distributed
-- engines (Citus) can run the aggregates on their workers and ship the
-- states: binary send/recv and a lossless base64 text form, versioned,
-- with a kind tag and the writer's byte order.  In memory an expanded
-- object, updated in place.
-- ---------------------------------------------------------------------------

CREATE TYPE svy_aggstate;
CREATE FUNCTION svy_aggstate_in(cstring) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_aggstate_out(svy_aggstate) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_aggstate_recv(internal) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_aggstate_send(svy_aggstate) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE svy_aggstate (
    INPUT = svy_aggstate_in, OUTPUT = svy_aggstate_out,
    RECEIVE = svy_aggstate_recv, SEND = svy_aggstate_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended
);
COMMENT ON TYPE svy_aggstate IS 'the transition state of the survey aggregates (versioned, kind-tagged; shipped between Citus nodes)';

CREATE FUNCTION svy_aggstate_combine(svy_aggstate, svy_aggstate) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
-- Every aggregate declares SSPACE = 8192: the planner's estimate of a state's
-- size, as it assumed for internal states (a varlena type would count as a
-- few bytes and make hash aggregation look cheaper than it is).
