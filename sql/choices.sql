--
-- choices: multi-select answers (options 1..64) with typed missing reasons
--

-- text round trips; output is canonical (sorted, duplicates collapsed)
SELECT x, x::choices AS value, x::choices::text::choices = x::choices AS roundtrip
FROM (VALUES ('{1,3,5}'), ('{5,3,1}'), ('{}'), ('{ }'), ('{64}'), ('{1}'), ('{3,3,1,3}'),
             (' { 2 , 1 } '), ('{+7}'), ('{07}'), ('{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64}'),
             ('{32,33}'), ('dk'), ('refused'), ('na'), ('skipped'), ('no_answer'), ('REFUSED'),
             (' Dk '), (E'{\t1,\n2}')) v(x);

-- malformed literals
CREATE FUNCTION pg_temp.try_choices(lit text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE format('SELECT %L::choices::text', lit) INTO r;
    RETURN r;
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || left(SQLERRM, 90);
END $$;

SELECT lit, pg_temp.try_choices(lit) AS result
FROM (VALUES (''), (' '), ('{'), ('}'), ('{1'), ('1}'), ('1,2'), ('{0}'), ('{65}'), ('{-1}'),
             ('{-0}'), ('{1,65}'), ('{100}'), ('{99999999999999999999}'), ('{1,}'), ('{,1}'),
             ('{,}'), ('{1,,2}'), ('{1 2}'), ('{1}}'), ('{{1}}'), ('{1}x'), ('x{1}'), ('{1};'),
             ('{a}'), ('{1.0}'), ('{1-3}'), ('{0x1}'), ('{NULL}'), ('{dk}'), ('dk{}'), ('{}dk'),
             ('dk dk'), ('dont_know'), ('refused,'), ('[1,2]'), ('(1,2)'), ('{+}'), ('{-}'),
             ('{ - 1}'), ('{１}'), ('{٣}'), ('NULL'), ('null')) v(lit);

-- huge strings
SELECT pg_temp.try_choices('{' || repeat('9', 100000) || '}') AS huge_option;
SELECT pg_temp.try_choices('{' || repeat('1,', 50000) || '2}') AS many_duplicates;
SELECT pg_temp.try_choices('{' || repeat(' ', 100000) || '3}') AS much_space;
SELECT pg_temp.try_choices('{1}' || repeat('x', 100000)) AS huge_junk;
SELECT pg_temp.try_choices(repeat('r', 100000)) AS huge_word;

-- equality, hashing, missing reasons are values (not NULL)
SELECT '{1,3}'::choices = '{3,1}', '{1,3}'::choices <> '{1}', '{}'::choices = '{}',
       'dk'::choices = 'DK', 'dk'::choices = 'refused', '{}'::choices = 'skipped',
       'na'::choices <> '{}';
SELECT choices_hash('{1,3}') = choices_hash('{3,1,1}'), choices_hash('dk') <> choices_hash('{}'),
       choices_hash_extended('{64}', 7) = choices_hash_extended('{64}', 7),
       choices_hash_extended('{64}', 0) <> choices_hash_extended('{64}', 7);

-- ordering: sets like their sorted option lists, then missing reasons
SELECT c FROM unnest(ARRAY['no_answer', '{2}', 'dk', '{1,3}', '{}', '{1}', '{64}', '{1,2}',
    'refused', '{1,2,64}', '{63,64}', '{1,64}', 'skipped', 'na', '{1,2,3}', '{2,3}']::choices[]) c
ORDER BY c;
SELECT '{1,2}'::choices < '{3}', '{1}'::choices < '{1,2}', '{64}'::choices > '{1,64}',
       '{64}'::choices < 'dk', 'dk'::choices < 'refused', '{1}'::choices <= '{1}',
       choices_cmp('{1,3}', '{3,1}'), choices_cmp('{63}', '{63,64}'), choices_cmp('{64}', '{63,64}');

-- set operators: NULL when either side is a missing reason
SELECT a, b, a @> b AS contains, a <@ b AS contained, a && b AS overlaps
FROM (VALUES ('{1,3,5}'::choices, '{1,5}'::choices), ('{1,3,5}', '{2}'), ('{1,3,5}', '{}'),
             ('{}', '{}'), ('{}', '{1}'), ('{64}', '{1,64}'), ('{1,64}', '{64}'),
             ('{1,2}', '{2,3}'), ('dk', '{1}'), ('{1}', 'refused'), ('na', 'na')) v(a, b);
SELECT c, c @> 1 AS has1, has_choice(c, 3) AS has3, has_choice(c, 64) AS has64,
       cardinality(c), is_missing(c), missing_reason(c), choices_options(c)
FROM (VALUES ('{1,3}'::choices), ('{}'), ('{64}'), ('{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64}'),
             ('dk'), ('refused'), ('na'), ('skipped'), ('no_answer')) v(c);
SELECT has_choice('{1}', 0);
SELECT has_choice('{1}', 65);
SELECT '{1}'::choices @> -1;
SELECT has_choice('dk', 65);
SELECT cardinality(NULL::choices), has_choice(NULL, 1);

-- conversion from and to integer arrays
SELECT ARRAY[5, 1, 3, 1]::choices, choices(ARRAY[]::int[]), choices('{64,1}'),
       '{2,4}'::choices::int[], 'dk'::choices::int[] IS NULL AS missing_is_null;
SELECT choices(ARRAY[0]);
SELECT choices(ARRAY[65]);
SELECT choices(ARRAY[1, NULL]);
SELECT choices(ARRAY[[1, 2], [3, 4]]);

-- table, grouping, hash join, hash index
CREATE TABLE ct (id int, c choices);
INSERT INTO ct VALUES (1, '{1,3}'), (2, '{3,1}'), (3, '{}'), (4, 'dk'), (5, 'refused'),
    (6, '{2}'), (7, 'DK'), (8, '{1,3,3}'), (9, NULL), (10, '{64}'), (11, 'skipped');
SELECT c, count(*) FROM ct GROUP BY c ORDER BY min(id);
SELECT count(DISTINCT c) FROM ct;
SELECT DISTINCT c FROM ct ORDER BY c;
SELECT id FROM ct WHERE c @> '{1}' ORDER BY id;
SELECT id FROM ct WHERE c @> 3 ORDER BY id;
SELECT id FROM ct WHERE c && '{2,64}' ORDER BY id;
SELECT id FROM ct WHERE is_missing(c) ORDER BY id;
SELECT missing_reason(c), count(*) FROM ct WHERE is_missing(c) GROUP BY 1 ORDER BY 1;
SELECT avg(cardinality(c)) FROM ct;
SELECT k AS option, count(*) FILTER (WHERE has_choice(c, k)) AS chosen,
       count(*) FILTER (WHERE NOT is_missing(c)) AS answered
FROM ct, generate_series(1, 3) k GROUP BY k ORDER BY k;

CREATE TABLE cl (c choices, label text);
INSERT INTO cl VALUES ('{1,3}', 'one and three'), ('dk', 'dont know'), ('{}', 'none');
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT ct.id, cl.label FROM ct JOIN cl ON ct.c = cl.c;
SELECT ct.id, cl.label FROM ct JOIN cl ON ct.c = cl.c ORDER BY ct.id;
RESET enable_nestloop;
RESET enable_mergejoin;

CREATE TABLE cidx (id int, c choices);
INSERT INTO cidx SELECT i, CASE WHEN i % 10 = 0 THEN 'refused'
                                ELSE choices(ARRAY[i % 7 + 1, i % 5 + 1]) END
FROM generate_series(1, 2000) i;
CREATE INDEX cidx_c ON cidx USING hash (c);
ANALYZE cidx;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM cidx WHERE c = '{1,2}';
SELECT count(*) FROM cidx WHERE c = '{1,2}';
SELECT count(*) FROM cidx WHERE c = 'refused';
RESET enable_seqscan;
SELECT count(*) FROM cidx WHERE c = '{1,2}';
CREATE INDEX cidx_bt ON cidx (c);
SET enable_seqscan = off;
SELECT count(*) FROM cidx WHERE c = '{1,2}';
SELECT c, count(*) FROM cidx WHERE c >= '{5}' GROUP BY c ORDER BY c;
RESET enable_seqscan;
SELECT count(DISTINCT c) FROM cidx;

-- hash partitioning
CREATE TABLE cpart (c choices) PARTITION BY HASH (c);
CREATE TABLE cpart0 PARTITION OF cpart FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE cpart1 PARTITION OF cpart FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO cpart SELECT c FROM ct WHERE c IS NOT NULL;
SELECT count(*) FROM cpart WHERE c = '{1,3}';

-- binary COPY out and back in
SELECT current_setting('data_directory') || '/survey_choices_test.bin' AS binfile \gset
COPY (SELECT id, c FROM ct ORDER BY id) TO :'binfile' WITH (FORMAT binary);
CREATE TABLE ct2 (LIKE ct);
COPY ct2 FROM :'binfile' WITH (FORMAT binary);
SELECT count(*) AS n, count(*) FILTER (WHERE ct.c IS NOT DISTINCT FROM ct2.c) AS same
FROM ct JOIN ct2 USING (id);
-- choices_send layout: missing reason, then the 64-bit option mask
SELECT choices_send('{1,3}'), choices_send('{64}'), choices_send('refused'), choices_send('{}');

DROP TABLE ct, ct2, cl, cidx, cpart;
