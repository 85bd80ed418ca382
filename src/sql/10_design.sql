-- ---------------------------------------------------------------------------
-- svy_design: one row's part of a survey design (src/design.c)
-- ---------------------------------------------------------------------------

CREATE TYPE svy_design;

CREATE FUNCTION svy_design_in(cstring) RETURNS svy_design
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_design_out(svy_design) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_design_recv(internal) RETURNS svy_design
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_design_send(svy_design) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE svy_design (
    INPUT = svy_design_in,
    OUTPUT = svy_design_out,
    RECEIVE = svy_design_recv,
    SEND = svy_design_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE svy_design IS 'one row''s part of a survey design: weight, stratum, PSU, fpc or replicate weights';

-- Not STRICT: a NULL weight, stratum, PSU, fpc, psu2 or fpc2 on a row is an error, not a NULL design.
CREATE FUNCTION svy_design(weight float8, strata "any" DEFAULT NULL, psu "any" DEFAULT NULL,
                           fpc float8 DEFAULT NULL, psu2 "any" DEFAULT NULL, fpc2 float8 DEFAULT NULL)
    RETURNS svy_design
    AS 'MODULE_PATHNAME', 'svy_design_make' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION svy_design(float8, "any", "any", float8, "any", float8) IS
    'linearization design: weight, optional strata, PSU (nested in strata) and fpc (population PSUs, or a fraction <= 1); psu2 and fpc2 for a second sampling stage within PSUs';

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
