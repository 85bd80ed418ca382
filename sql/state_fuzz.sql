--
-- truncations and bit flips of real svy_state, svy_domains and svy_table
-- values through text input, binary COPY and the readers
-- (the script lives in test/fuzz/ so it can also be run for longer)
--
-- the reproducer of issue 15: a 163-byte state claiming 11585 replicates is
-- rejected before anything is allocated for them
SELECT ('\x' || overlay(substr(s::text, 3) placing '00002d41' from 9 for 8))::svy_state
FROM (SELECT svy_accum(y, svy_repdesign(1, '{1,2}', 'JK1')) s FROM (VALUES (1::float8)) v(y)) x;
\set fuzz_flips 200
\i test/fuzz/fuzz_state.sql
