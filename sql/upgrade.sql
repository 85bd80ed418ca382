-- ALTER EXTENSION survey UPDATE from 0.1.0: the aggregates are dropped and
-- created again with the svy_aggstate state type (src/sql/update/50_state_types.sql);
-- a view on an aggregate blocks the update, which then changes nothing;
-- svy_state values stored by 0.1.0 read unchanged.
\set regression_db :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS survey_upgrade_check;
CREATE DATABASE survey_upgrade_check;
\c survey_upgrade_check
SET client_min_messages = warning;
CREATE EXTENSION survey VERSION '0.1.0';
CREATE TABLE t AS
SELECT i, (i % 7)::float8 AS y, i % 3 = 0 AS b, (1 + i % 5)::float8 AS w, i % 4 AS h, i % 12 AS psu,
       (ARRAY['AT','BE'])[1 + i % 2] AS country
FROM generate_series(1, 2000) i;
CREATE TABLE stored AS SELECT country, svy_accum(b, svy_design(w, h, psu)) AS s FROM t GROUP BY country;
CREATE TABLE before AS SELECT svy_prop(svy_merge(s)) AS e FROM stored;
CREATE VIEW v AS SELECT svy_mean(y, svy_design(w, h, psu)) AS e FROM t;
\set VERBOSITY terse
ALTER EXTENSION survey UPDATE TO '0.2.0';
\set VERBOSITY default
SELECT extversion FROM pg_extension WHERE extname = 'survey';
DROP VIEW v;
ALTER EXTENSION survey UPDATE TO '0.2.0';
SELECT extversion FROM pg_extension WHERE extname = 'survey';
-- every aggregate of the extension now has the concrete state
SELECT a.aggtranstype::regtype AS stype, count(*) > 0 AS some
FROM pg_aggregate a JOIN pg_depend d ON d.objid = a.aggfnoid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON d.refobjid = e.oid AND e.extname = 'survey'
GROUP BY 1 ORDER BY 1;
-- the 0.1.0 states read, merge and finish as before; the aggregates work
SELECT (b.e).estimate = (a.e).estimate AND (b.e).std_error = (a.e).std_error AS stored_states_same
FROM before b, (SELECT svy_prop(svy_merge(s)) AS e FROM stored) a;
SELECT abs((svy_prop(b, svy_design(w, h, psu))).estimate - (SELECT (e).estimate FROM before)) < 1e-12 AS aggregate_same
FROM t;
SELECT level FROM svy_groups((SELECT svy_by(y, country, svy_design(w, h, psu)) FROM t)) ORDER BY 1;
\c :regression_db
DROP DATABASE survey_upgrade_check;
