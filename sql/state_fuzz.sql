--
-- truncations and bit flips of real svy_state, svy_domains and svy_table
-- values through text input, binary COPY and the readers
-- (the script lives in test/fuzz/ so it can also be run for longer)
--
-- the reproducer of issue 15: a 163-byte state claiming 11585 replicates is
-- rejected before anything is allocated for them
SELECT ('\x' || overlay(substr(s::text, 3) placing '00002d41' from 9 for 8))::svy_state
FROM (SELECT svy_accum(y, svy_repdesign(1, '{1,2}', 'JK1')) s FROM (VALUES (1::float8)) v(y)) x;
-- the smallest values the input accepts: their readers work
-- (svy_by with no groups; a 2 x 0 table; svy_choices with no options).
-- Layout (docs/reference.md): version, kind, boolean, mse; levels, levels 2,
-- K, R; scale, rows, df, design df; the K-sized arrays; labels.
CREATE TEMP TABLE smallest AS
SELECT '\x01' || kind || '0000' || nlev1 || '00000000' || k || '00000000'
       || repeat('0000000000000000', 2) || repeat('7ff8000000000000', 2) || arrays || labels AS v, kind
FROM (VALUES ('01', '00000000', '00000000', '', '00000000'),
             ('04', '00000002', '00000000', '', '0000000461006200'),
             ('03', '00000000', '00000001', repeat('0000000000000000', 6), '00000000')) x(kind, nlev1, k, arrays, labels);
SELECT count(*) AS groups FROM smallest, svy_groups(v::svy_domains) WHERE kind = '01';
SELECT count(*) AS options FROM smallest, svy_groups(v::svy_domains) WHERE kind = '03';
SELECT count(*) AS cells FROM smallest, svy_cells(v::svy_table) WHERE kind = '04';
SELECT svy_chisq(v::svy_table) FROM smallest WHERE kind = '04';
-- a table is not read as domains, nor domains as a table
SELECT svy_tab(x, y, svy_design(1))::text::svy_domains FROM (VALUES (1, 2), (2, 1)) v(x, y);
SELECT svy_by(1.0, x, svy_design(1))::text::svy_table FROM (VALUES (1), (2)) v(x);
-- degenerate real values round-trip: zero weights, NULL outcomes, empty
-- categories, all-zero replicate weights
CREATE TEMP TABLE degenerate AS
SELECT i, (i % 3)::text AS g, CASE WHEN i % 3 = 0 THEN 0 ELSE 1 END AS w,
       CASE WHEN i % 5 = 0 THEN NULL ELSE i::float8 END AS y
FROM generate_series(1, 30) i;
SELECT v::text::svy_domains::text = v::text AS round_trip, k
FROM (SELECT svy_by(y, g, svy_design(w)) v, 'zero weights' k FROM degenerate
      UNION ALL SELECT svy_by(y > 3, g, svy_design(w, psu => i % 4)), 'proportions, PSUs' FROM degenerate
      UNION ALL SELECT svy_dist(g, svy_design(w)), 'all weights zero' FROM degenerate WHERE w = 0
      UNION ALL SELECT svy_by(y, g, svy_repdesign(w, ARRAY[w, 0, 2 * w]::float8[], 'JK1')), 'replicate' FROM degenerate
      UNION ALL SELECT svy_by(y, g, svy_repdesign(0, ARRAY[0, 0]::float8[], 'JK1')), 'replicate weights zero' FROM degenerate
      UNION ALL SELECT svy_choices(NULL::choices, svy_design(w)), 'nobody answered' FROM degenerate) x
ORDER BY k;
SELECT v::text::svy_table::text = v::text AS round_trip
FROM (SELECT svy_tab(g, i % 2, svy_design(w)) v FROM degenerate) x;
-- svy_design's text form (dumps) and binary form are exact even when the
-- session asks for fewer float digits
SET extra_float_digits = -3;
SELECT d::text AS design, d::text::svy_design::text = d::text AS round_trip,
       svy_design_send(d) = svy_design_send(d::text::svy_design) AS same_binary
FROM (VALUES (svy_design(1 / 3.0::float8, fpc => 0.1)),
             (svy_repdesign(2 / 3.0::float8, ARRAY[1 / 7.0, 1e-300]::float8[], 'Fay', rho => 0.3))) v(d);
RESET extra_float_digits;
\set fuzz_flips 200
\i test/fuzz/fuzz_state.sql
