
-- ---------------------------------------------------------------------------
-- Typed overloads of svy_by, svy_dist and svy_tab for the common grouping
-- types.  Citus runs an aggregate on its workers only when the call's
-- argument types equal the declared ones, which "any" never does; the
-- typed transition functions also know their types from their own
-- declaration, without the call expression.  The "any" forms above stay
-- for other types (enums, dates, ...) on one server.
-- ---------------------------------------------------------------------------
CREATE FUNCTION svy_by_float8_transfn(svy_aggstate, float8, text, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_float8_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y float8, grp text, d svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_bool_transfn(svy_aggstate, boolean, text, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_bool_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y boolean, grp text, d svy_design) (
    SFUNC = svy_by_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_float8_transfn(svy_aggstate, float8, smallint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_float8_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y float8, grp smallint, d svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_bool_transfn(svy_aggstate, boolean, smallint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_bool_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y boolean, grp smallint, d svy_design) (
    SFUNC = svy_by_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_float8_transfn(svy_aggstate, float8, integer, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_float8_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y float8, grp integer, d svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_bool_transfn(svy_aggstate, boolean, integer, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_bool_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y boolean, grp integer, d svy_design) (
    SFUNC = svy_by_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_float8_transfn(svy_aggstate, float8, bigint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_float8_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y float8, grp bigint, d svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_bool_transfn(svy_aggstate, boolean, bigint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_bool_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y boolean, grp bigint, d svy_design) (
    SFUNC = svy_by_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_float8_transfn(svy_aggstate, float8, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_float8_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y float8, grp boolean, d svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_bool_transfn(svy_aggstate, boolean, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_bool_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y boolean, grp boolean, d svy_design) (
    SFUNC = svy_by_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_float8_transfn(svy_aggstate, float8, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_float8_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y float8, grp likert, d svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_by_bool_transfn(svy_aggstate, boolean, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_by_bool_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_by(y boolean, grp likert, d svy_design) (
    SFUNC = svy_by_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_dist_transfn(svy_aggstate, text, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, text, svy_design, boolean) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_dist(x text, d svy_design) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x text, d svy_design, with_missing boolean) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_dist_transfn(svy_aggstate, smallint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, smallint, svy_design, boolean) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_dist(x smallint, d svy_design) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x smallint, d svy_design, with_missing boolean) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_dist_transfn(svy_aggstate, integer, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, integer, svy_design, boolean) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_dist(x integer, d svy_design) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x integer, d svy_design, with_missing boolean) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_dist_transfn(svy_aggstate, bigint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, bigint, svy_design, boolean) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_dist(x bigint, d svy_design) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x bigint, d svy_design, with_missing boolean) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_dist_transfn(svy_aggstate, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, boolean, svy_design, boolean) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_dist(x boolean, d svy_design) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x boolean, d svy_design, with_missing boolean) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_dist_transfn(svy_aggstate, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, likert, svy_design, boolean) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_dist_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_dist(x likert, d svy_design) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x likert, d svy_design, with_missing boolean) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, text, text, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar text, colvar text, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, text, smallint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar text, colvar smallint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, text, integer, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar text, colvar integer, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, text, bigint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar text, colvar bigint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, text, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar text, colvar boolean, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, text, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar text, colvar likert, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, smallint, text, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar smallint, colvar text, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, smallint, smallint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar smallint, colvar smallint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, smallint, integer, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar smallint, colvar integer, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, smallint, bigint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar smallint, colvar bigint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, smallint, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar smallint, colvar boolean, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, smallint, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar smallint, colvar likert, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, integer, text, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar integer, colvar text, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, integer, smallint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar integer, colvar smallint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, integer, integer, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar integer, colvar integer, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, integer, bigint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar integer, colvar bigint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, integer, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar integer, colvar boolean, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, integer, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar integer, colvar likert, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, bigint, text, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar bigint, colvar text, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, bigint, smallint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar bigint, colvar smallint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, bigint, integer, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar bigint, colvar integer, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, bigint, bigint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar bigint, colvar bigint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, bigint, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar bigint, colvar boolean, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, bigint, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar bigint, colvar likert, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, boolean, text, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar boolean, colvar text, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, boolean, smallint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar boolean, colvar smallint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, boolean, integer, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar boolean, colvar integer, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, boolean, bigint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar boolean, colvar bigint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, boolean, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar boolean, colvar boolean, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, boolean, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar boolean, colvar likert, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, likert, text, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar likert, colvar text, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, likert, smallint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar likert, colvar smallint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, likert, integer, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar likert, colvar integer, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, likert, bigint, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar likert, colvar bigint, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, likert, boolean, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar likert, colvar boolean, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE FUNCTION svy_tab_transfn(svy_aggstate, likert, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME', 'svy_tab_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_tab(rowvar likert, colvar likert, d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
