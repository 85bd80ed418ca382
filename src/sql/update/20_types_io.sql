-- svy_domains and svy_table had a human summary as text output and no input,
-- so they did not restore from a dump (data loss), and svy_design had no
-- binary I/O (binary COPY, Citus).  Type input functions cannot be swapped
-- by ALTER TYPE: the same SQL functions now point at the new C symbols.
CREATE OR REPLACE FUNCTION svy_domains_in(cstring) RETURNS svy_domains
    AS 'MODULE_PATHNAME', 'svy_domains_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION svy_table_in(cstring) RETURNS svy_table
    AS 'MODULE_PATHNAME', 'svy_table_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION svy_domains_recv(internal) RETURNS svy_domains
    AS 'MODULE_PATHNAME', 'svy_domains_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_domains_send(svy_domains) RETURNS bytea
    AS 'MODULE_PATHNAME', 'svy_multi_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
ALTER TYPE svy_domains SET (RECEIVE = svy_domains_recv, SEND = svy_domains_send);

CREATE FUNCTION svy_table_recv(internal) RETURNS svy_table
    AS 'MODULE_PATHNAME', 'svy_table_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_table_send(svy_table) RETURNS bytea
    AS 'MODULE_PATHNAME', 'svy_multi_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
ALTER TYPE svy_table SET (RECEIVE = svy_table_recv, SEND = svy_table_send);

CREATE FUNCTION svy_design_recv(internal) RETURNS svy_design
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_design_send(svy_design) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
ALTER TYPE svy_design SET (RECEIVE = svy_design_recv, SEND = svy_design_send);
