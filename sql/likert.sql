--
-- likert: rating answers on a fixed scale, with typed missing reasons
--

-- text round trips (no type modifier: the scale is part of the text)
SELECT x, x::likert AS value, x::likert::text::likert = x::likert AS roundtrip
FROM (VALUES ('3/5'), ('1/5'), ('5/5'), ('0/0..10'), ('10/0..10'), ('-3/-3..3'),
             ('0/-3..3'), ('7/0..10'), ('2/2..4'), ('-100/-100..100'), ('100/-100..100'),
             ('dk/5'), ('refused/0..10'), ('na/7'), ('skipped/-2..2'), ('no_answer/5'),
             ('DK/5'), ('Refused/5'), ('NO_ANSWER/5'), ('  4/5  '), ('4 / 5'), ('+4/5'),
             ('04/5'), ('3/1..5'), ('7/ 0 .. 10'), ('-0/-1..1'), (E'\t2/3\n')) v(x);

-- with a type modifier the bare value or reason is enough
SELECT '4'::likert(5), 'dk'::likert(5), ' Refused '::likert(0,10), '0'::likert(0, 10),
       '4/5'::likert(5), '-2'::likert(-2, 2);
-- a bare value without any scale is "unscaled" until it gets a type modifier
SELECT '4'::likert AS unscaled, 'dk'::likert AS unscaled_dk, ('4'::likert)::likert(5) AS scaled;

-- type modifiers
CREATE TABLE lt (id int, q likert(5), r likert(0, 10), s likert(-3, 3), u likert);
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'lt'::regclass AND attnum > 0 ORDER BY attnum;
CREATE TABLE bad_typmod (q likert(1));
CREATE TABLE bad_typmod (q likert(0));
CREATE TABLE bad_typmod (q likert(101));
CREATE TABLE bad_typmod (q likert(5, 5));
CREATE TABLE bad_typmod (q likert(6, 5));
CREATE TABLE bad_typmod (q likert(-101, 0));
CREATE TABLE bad_typmod (q likert(0, 101));
CREATE TABLE bad_typmod (q likert(1, 2, 3));
CREATE TABLE bad_typmod (q likert(-5));
SELECT '1'::likert(-100, 100), '100'::likert(100), 'dk'::likert(2);

-- inserts: literals, integers (assignment cast), scaled values of the right scale
INSERT INTO lt VALUES
  (1, '1', '0', '-3', '1/5'),
  (2, '5', '10', '3', '5/5'),
  (3, 'dk', 'refused', 'na', 'dk/5'),
  (4, 3, 7, 0, '3/5'),
  (5, '3/5', '7/0..10', '0/-3..3', '7/0..10'),
  (6, 'SKIPPED', 'no_answer', 'skipped', 'no_answer/0..10'),
  (7, 2, 5, 1, '4');
SELECT * FROM lt ORDER BY id;

-- out of range and wrong scales, on input and on assignment
INSERT INTO lt (q) VALUES ('6');
INSERT INTO lt (q) VALUES ('0');
INSERT INTO lt (q) VALUES (6);
INSERT INTO lt (q) VALUES (-1);
INSERT INTO lt (q) VALUES ('4/7');
INSERT INTO lt (q) VALUES ('4/0..10'::likert);
INSERT INTO lt (r) VALUES ('11');
INSERT INTO lt (s) VALUES ('-4');
UPDATE lt SET q = r WHERE id = 1;
SELECT '6'::likert(5);
SELECT 11::likert(0, 10);
SELECT '3/5'::likert(7);
SELECT 3::likert;
SELECT 101::likert;

-- COPY passes the column's type modifier to the input function
COPY lt (id, q, r, s, u) FROM stdin;
8	4	dk	-1	2/3
9	Na	9	2	dk/3
\.
COPY lt (id, q) FROM stdin;
10	6
\.
COPY lt (id, q) FROM stdin;
10	4/6
\.
SELECT * FROM lt WHERE id >= 8 ORDER BY id;

-- malformed literals: each gives invalid input syntax or out-of-range
CREATE FUNCTION pg_temp.try_likert(lit text, tm text DEFAULT '') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE format('SELECT %L::likert%s::text', lit, tm) INTO r;
    RETURN r;
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || left(SQLERRM, 90);
END $$;

SELECT lit, pg_temp.try_likert(lit) AS untyped, pg_temp.try_likert(lit, '(5)') AS likert5
FROM (VALUES (''), (' '), ('/'), ('/5'), ('3/'), ('3//5'), ('3/5/'), ('3/5x'), ('x3/5'),
             ('3 5'), ('3/5 5'), ('3.0/5'), ('3/5.0'), ('3/1..'), ('3/..5'), ('3/1...5'),
             ('3/1. .5'), ('3/5..1'), ('3/3..3'), ('3/1'), ('3/0'), ('3/-5'), ('1/1..1'),
             ('6/5'), ('0/5'), ('-1/5'), ('11/0..10'), ('3/101'), ('3/-101..0'),
             ('99999999999999999999/5'), ('3/99999999999999999999'), ('-99999999999/5'),
             ('101'), ('-101'), ('99999999999999999999'), ('6'), ('0'),
             ('dk/'), ('dk/6x'), ('dont_know'), ('d k'), ('dk dk'), ('dk3'), ('3dk'),
             ('na/0'), ('refused5'), ('--3/5'), ('+-3/5'), ('3/+5'), ('3/1..+5'),
             ('0x3/5'), ('3e0/5'), ('NULL'), ('{3}'), ('3,5'), ('three'), ('3/5;'),
             (E'3\\/5'), ('٣/5'), ('３/5'), ('dk/٥')) v(lit);

-- huge strings
SELECT pg_temp.try_likert(repeat('9', 100000)) AS huge_number;
SELECT pg_temp.try_likert(repeat('9', 100000), '(5)') AS huge_number_typmod;
SELECT pg_temp.try_likert('3/' || repeat('5', 100000)) AS huge_scale;
SELECT pg_temp.try_likert(repeat(' ', 100000) || '3/5' || repeat(' ', 100000)) AS padded;
SELECT pg_temp.try_likert(repeat('d', 100000)) AS huge_word;
SELECT pg_temp.try_likert('3/5' || repeat('x', 100000)) AS huge_junk;

-- casts out
SELECT q, q::int AS int4, q::float8 AS float8 FROM lt WHERE id <= 7 ORDER BY id;
SELECT '4'::likert::int AS unscaled_int;

-- functions
SELECT u, is_missing(u), missing_reason(u), likert_points(u), likert_score(u),
       likert_reverse(u), top_box(u), top_box(u, 1), bottom_box(u), bottom_box(u, 1)
FROM (VALUES ('1/5'::likert), ('2/5'), ('3/5'), ('4/5'), ('5/5'), ('dk/5'), ('refused/5'),
             ('0/0..10'), ('5/0..10'), ('9/0..10'), ('10/0..10'), ('na/0..10'),
             ('-3/-3..3'), ('0/-3..3'), ('3/-3..3'), ('skipped/-3..3'), ('no_answer/2')) v(u);
SELECT top_box('5/5', 5), top_box('1/5', 5), bottom_box('5/5', 5);
SELECT top_box('5/5', 0);
SELECT top_box('5/5', 6);
SELECT bottom_box('5/5', -1);
SELECT top_box('dk/5', 9);
SELECT likert_points('4'::likert);
SELECT likert_score('dk'::likert);
SELECT likert_reverse('4'::likert);
SELECT top_box('4'::likert);
SELECT is_missing('4'::likert), missing_reason('dk'::likert), is_missing('dk'::likert);
SELECT likert_reverse(likert_reverse(q)) = q AS involution FROM lt WHERE q IS NOT NULL GROUP BY 1;
SELECT top_box(NULL::likert), missing_reason(NULL::likert);
-- likert_score feeds means on the 0..1 scale
SELECT avg(likert_score(q)) AS mean_score, avg(q::float8) AS mean_value, count(q::int) AS n_valid
FROM lt;

-- ordering: valid answers by value, then missing reasons in the order
-- dk, refused, na, skipped, no_answer
CREATE TABLE lo (q likert(5));
INSERT INTO lo SELECT x FROM unnest(ARRAY['no_answer', '3', 'skipped', 'dk', '1', 'na', '5',
    'refused', '2', '4', 'dk', '3', 'no_answer', '1']) x;
SELECT q FROM lo ORDER BY q;
SELECT q FROM lo ORDER BY q DESC;
SELECT q, count(*) FROM lo GROUP BY q ORDER BY q;
SELECT DISTINCT q FROM lo ORDER BY q;
SELECT min(q), max(q) FROM lo;
SELECT q FROM lo WHERE q > '4/5' ORDER BY q;
SELECT q FROM lo WHERE q BETWEEN '2/5' AND 'refused/5' ORDER BY q;
SELECT '1/5'::likert < '5/5', '5/5'::likert < 'dk/5', 'dk/5'::likert < 'refused/5',
       'refused/5'::likert < 'na/5', 'na/5'::likert < 'skipped/5', 'skipped/5'::likert < 'no_answer/5',
       'dk/5'::likert = 'DK/5', '3/5'::likert <> '3/0..10', '3/5'::likert >= '3/5', '3/5'::likert <= '2/5';
-- a bare literal takes the scale of the value it is compared with
SELECT count(*) FROM lo WHERE q = '3';
SELECT count(*) FROM lo WHERE q = 'DK';
SELECT count(*) FROM lo WHERE q >= '4';
SELECT count(*) FROM lo WHERE q = '3/5';
SELECT count(*) FROM lo WHERE q = '3/7';
SELECT count(*) FROM lo WHERE q = 3::likert(5);
SELECT '3'::likert = '3'::likert, '3'::likert < 'dk'::likert, '3'::likert = '3/5',
       '3'::likert = '3/0..10', 'dk'::likert > '100'::likert;

-- the scale takes no part in the order (total for any mix, consistent with the
-- hash): answers by value, then missing reasons; 3/5 = 3/0..10 = '3'
SELECT u FROM (VALUES ('3/5'::likert), ('dk/5'), ('1/5'), ('10/0..10'), ('0/0..10'),
                      ('dk/0..10'), ('2/3'), ('3/-3..3'), ('7/7')) v(u)
ORDER BY u;
SELECT likert_cmp('3/5', '3/5'), likert_cmp('3/5', '4/5'), likert_cmp('dk/5', '5/5'),
       likert_cmp('3/0..10', '3/5');

-- sorting through both the sortsupport and the plain comparator
SET enable_hashagg = off;
SELECT q, count(*) FROM lo GROUP BY q ORDER BY q;
RESET enable_hashagg;

-- hash aggregation, hash join and btree/hash indexes
SET enable_sort = off;
SELECT q, count(*) FROM lo GROUP BY q ORDER BY count(*) DESC, q::text;
RESET enable_sort;
CREATE TABLE lk (q likert(5), label text);
INSERT INTO lk VALUES ('1', 'low'), ('5', 'high'), ('dk', 'dont know'), ('no_answer', 'no answer');
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT lo.q, lk.label FROM lo JOIN lk ON lo.q = lk.q;
SELECT lo.q, lk.label FROM lo JOIN lk ON lo.q = lk.q ORDER BY lo.q;
RESET enable_nestloop;
SET enable_hashjoin = off;
SET enable_mergejoin = on;
SELECT lo.q, lk.label FROM lo JOIN lk ON lo.q = lk.q ORDER BY lo.q;
RESET enable_hashjoin;
RESET enable_mergejoin;

CREATE TABLE lidx (id int, q likert(0, 10));
INSERT INTO lidx SELECT i, CASE WHEN i % 13 = 0 THEN 'dk' WHEN i % 17 = 0 THEN 'refused'
                                ELSE (i % 11)::text END
FROM generate_series(1, 2000) i;
CREATE INDEX lidx_q ON lidx (q);
CREATE INDEX lidx_qh ON lidx USING hash (q);
ANALYZE lidx;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM lidx WHERE q = '7';
SELECT count(*) FROM lidx WHERE q = '7';
SELECT count(*) FROM lidx WHERE q >= '9';
SELECT count(*) FROM lidx WHERE q > '10';
SELECT count(*) FROM lidx WHERE q = 'dk';
SET enable_bitmapscan = off;
SELECT q FROM lidx WHERE q >= '10' ORDER BY q LIMIT 3;
SELECT q FROM lidx ORDER BY q DESC LIMIT 2;
RESET enable_bitmapscan;
DROP INDEX lidx_q;
EXPLAIN (COSTS OFF) SELECT count(*) FROM lidx WHERE q = 'refused';
SELECT count(*) FROM lidx WHERE q = 'refused';
SELECT count(*) FROM lidx WHERE q = '3';
RESET enable_seqscan;
SELECT count(*) FROM lidx WHERE q = 'refused';
SELECT count(*) FROM lidx WHERE q = '3';
SELECT q, count(*) FROM lidx GROUP BY q ORDER BY q;

-- hash functions agree with equality
SELECT likert_hash('dk/5') = likert_hash('DK/5'), likert_hash('3/5') = likert_hash('3'::likert),
       likert_hash('3/5') <> likert_hash('4/5'), likert_hash('dk/5') <> likert_hash('refused/5'),
       likert_hash_extended('3/5', 0) = likert_hash_extended('3/5', 0),
       likert_hash_extended('3/5', 0) <> likert_hash_extended('3/5', 1);

-- hash partitioning uses the extended hash
CREATE TABLE lpart (q likert(5)) PARTITION BY HASH (q);
CREATE TABLE lpart0 PARTITION OF lpart FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE lpart1 PARTITION OF lpart FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO lpart SELECT q FROM lo;
SELECT count(*) FROM lpart;
SELECT count(*) FROM lpart WHERE q = 'dk';

-- arrays of likert take the element type modifier
SELECT '{1,dk,5}'::likert(5)[] AS arr;
SELECT '{1,6}'::likert(5)[];
SELECT ARRAY['1/5', 'na/5']::likert[] AS arr;

-- binary COPY out and back in (send/receive), untyped and typed columns
SELECT current_setting('data_directory') || '/survey_likert_test.bin' AS binfile \gset
COPY (SELECT id, q, r, s, u FROM lt ORDER BY id) TO :'binfile' WITH (FORMAT binary);
CREATE TABLE lt2 (LIKE lt);
COPY lt2 FROM :'binfile' WITH (FORMAT binary);
SELECT count(*) AS n, count(*) FILTER (WHERE lt.q IS NOT DISTINCT FROM lt2.q AND lt.r IS NOT DISTINCT FROM lt2.r
        AND lt.s IS NOT DISTINCT FROM lt2.s AND lt.u IS NOT DISTINCT FROM lt2.u) AS same
FROM lt JOIN lt2 USING (id);
-- receive checks the type modifier too: u holds several scales
CREATE TABLE lt3 (id int, q likert(5), r likert(0, 10), s likert(-3, 3), u likert(5));
COPY lt3 FROM :'binfile' WITH (FORMAT binary);
-- a 1..5 column cannot receive 0..10 values
COPY (SELECT r FROM lt WHERE r IS NOT NULL) TO :'binfile' WITH (FORMAT binary);
CREATE TABLE lt4 (q likert(5));
COPY lt4 FROM :'binfile' WITH (FORMAT binary);
-- likert_send layout: lo, hi, missing reason, value
SELECT likert_send('3/5'), likert_send('dk/0..10'), likert_send('-3/-3..3'), likert_send('4'::likert);

-- import helper: integer codes with negative missing codes
SELECT code, likert_from_code(code, 1, 5) AS q
FROM (VALUES (1), (5), (-1), (-2), (-3), (NULL)) v(code);
SELECT likert_from_code(NULL, 0, 10, null_as => NULL) IS NULL AS stays_null;
SELECT likert_from_code(98, 1, 5, '{"98": "dk", "99": "refused"}'),
       likert_from_code(99, 1, 5, '{"98": "dk", "99": "refused"}');
SELECT likert_from_code(6, 1, 5);
SELECT likert_from_code(-4, 1, 5);
SELECT likert_from_code(-1, 1, 5, '{"-1": "unknown"}');
CREATE TABLE imported (q likert(5));
INSERT INTO imported SELECT likert_from_code(c, 1, 5) FROM unnest(ARRAY[3, -1, NULL, 5]) c;
SELECT * FROM imported;
INSERT INTO imported SELECT likert_from_code(3, 0, 10);

DROP TABLE lt, lt2, lt3, lt4, lo, lk, lidx, lpart, imported;
