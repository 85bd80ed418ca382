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
