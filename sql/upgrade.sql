-- ALTER EXTENSION survey UPDATE from 0.1.0 with a user's views in place.  0.2.0 changes svy_design's
-- signature (psu2, fpc2) and every aggregate's state type (svy_aggstate); both are changed in place
-- (same OIDs), so views built on 0.1.0 keep working and give the same numbers.  The full comparison of
-- the updated SQL surface with a fresh install, and of stored values, is test/upgrade/test_upgrade.sh.
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS survey_upgrade_views;
CREATE DATABASE survey_upgrade_views;
RESET client_min_messages;

\c survey_upgrade_views
SET extra_float_digits = 0;
CREATE EXTENSION survey VERSION '0.1.0';
CREATE TABLE t AS
SELECT i AS id, 'S' || (i % 2) AS s, i % 6 AS p, (i / 6) % 3 AS u, 10.0::float8 AS f, 8.0::float8 AS f2,
       1.0 + i % 3 AS w, (i * 37 % 11)::float8 AS y, (ARRAY['AT', 'BE'])[1 + i % 2] AS country
FROM generate_series(1, 60) i;
-- a design view, and dashboard views on the aggregates (positional and named arguments)
CREATE VIEW police AS SELECT t.*, svy_design(w, strata => s, psu => p) AS design FROM t;
CREATE VIEW v AS
SELECT svy_mean(y, svy_design(w, s, p, f)) AS positional, svy_total(y, svy_design(w, psu => p)) AS named
FROM t;
CREATE VIEW by_country AS
SELECT country, (svy_prop(y > 5, design)).estimate, (svy_quantile(y, design, 0.5)).estimate AS median
FROM police GROUP BY country;
CREATE VIEW domains AS SELECT svy_by(y, country, design) AS d FROM police;
CREATE TABLE stored AS SELECT country, svy_accum(y > 5, design) AS st FROM police GROUP BY country;
CREATE TABLE before AS
SELECT (SELECT v::text FROM v) AS v_was, (SELECT string_agg(b::text, ';' ORDER BY country) FROM by_country b) AS b_was,
       (SELECT string_agg(g::text, ';') FROM domains, svy_groups(d) g) AS g_was,
       (SELECT svy_prop(svy_merge(st))::text FROM stored) AS merged_was;

ALTER EXTENSION survey UPDATE TO '0.2.0';
SELECT extversion FROM pg_extension WHERE extname = 'survey';
-- every aggregate of the extension has the concrete state, except svy_pool (float8[])
SELECT a.aggtranstype::regtype AS stype, count(*) > 0 AS some
FROM pg_aggregate a JOIN pg_depend d ON d.objid = a.aggfnoid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON d.refobjid = e.oid AND e.extname = 'survey'
GROUP BY 1 ORDER BY 1;
-- the views still work, with the same numbers; so do states stored by 0.1.0
SELECT (SELECT v::text FROM v) = v_was AS view_same,
       (SELECT string_agg(b::text, ';' ORDER BY country) FROM by_country b) = b_was AS grouped_view_same,
       (SELECT string_agg(g::text, ';') FROM domains, svy_groups(d) g) = g_was AS domains_view_same,
       (SELECT svy_prop(svy_merge(st))::text FROM stored) = merged_was AS stored_states_same
FROM before;
SELECT pg_get_viewdef('v');
-- the new arguments work, and calls without them are not ambiguous
SELECT (svy_mean(y, svy_design(w, strata => s, psu => p, fpc => f, psu2 => u, fpc2 => f2))).std_error
       > (svy_mean(y, svy_design(w, strata => s, psu => p, fpc => f))).std_error AS two_stage_works,
       (svy_mean(y, svy_design(w, s, p, f))).std_error = ((SELECT positional FROM v)).std_error AS same_call
FROM t;
-- parallel plans use the new state (no serial/deserial functions)
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT * FROM by_country;
SELECT (SELECT string_agg(b::text, ';' ORDER BY country) FROM by_country b) = b_was AS parallel_same FROM before;

\c :regress_db
DROP DATABASE survey_upgrade_views;
