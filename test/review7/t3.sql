SET extra_float_digits = 0;
CREATE COLLATION IF NOT EXISTS ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TEMP TABLE dg AS
SELECT i AS id, 1 + (i % 7) * 0.25 AS w, (i * 37 % 101)::float8 AS y, i % 3 = 0 AS b,
       'S' || (i % 5) AS st, 'P' || (i % 11) AS ps,
       -- text of every length 0..40 differing in one byte
       CASE WHEN (i / 41) % 2 = 0 THEN repeat($$a$$, i % 41) ELSE overlay(repeat($$a$$, i % 41) placing $$b$$ from 1 + (i / 82) % greatest(1, i % 41) for 1) END AS t1,
       left(repeat('abcdefghij', 5), i % 41) || CASE WHEN i % 2 = 0 THEN '' ELSE 'Z' END AS t2,
       CASE WHEN i % 4 = 0 THEN 'Abc' WHEN i % 4 = 1 THEN 'abc' WHEN i % 4 = 2 THEN 'ABC' ELSE 'xyz' END AS tc,
       CASE WHEN i % 9 = 0 THEN NULL ELSE (i % 6)::text END AS tn,
       CASE WHEN i % 3 = 0 THEN 'a'::bpchar WHEN i % 3 = 1 THEN 'a   '::bpchar ELSE 'b  '::bpchar END AS bp,
       (i % 5)::text::char(6) AS c6,
       ('v' || (i % 13))::varchar AS vc,
       ('n' || (i % 4))::name AS nm,
       decode(lpad(to_hex(i % 17), (i % 5) * 2 + 2, '0'), 'hex') AS by,
       CASE WHEN i % 2 = 0 THEN round((i % 6)::numeric / 2, 2) ELSE round((i % 6)::numeric / 2, 1) END AS num,
       CASE WHEN i % 2 = 0 THEN 1.50::numeric ELSE 1.5::numeric END AS num2,
       CASE WHEN i % 3 = 0 THEN '{"a": 1, "b": 2}'::jsonb WHEN i % 3 = 1 THEN '{"b": 2, "a": 1}'::jsonb ELSE '{"a": 2}'::jsonb END AS js,
       CASE WHEN i % 50 = 0 THEN repeat('toasted group ', 400) || (i % 3) ELSE 'short' || (i % 3) END AS tt
FROM generate_series(0, 2999) AS i;
SELECT count(DISTINCT t1), count(DISTINCT t2), count(DISTINCT bp), count(DISTINCT by) FROM dg;
SELECT md5(svy_by(y, t1, svy_design(w, st, ps))::text) FROM dg;
SELECT svy_by(y, t1, svy_design(w, st, ps))::text FROM dg WHERE id % 41 = 7;
SELECT md5(svy_by(y, t2, svy_design(w, st, ps))::text) FROM dg;
SELECT svy_by(y, t2, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, tc, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, tc COLLATE ci, svy_design(w, st, ps)) FROM dg;
SELECT svy_tab(tc COLLATE ci, tn, svy_design(w, st, ps)) FROM dg;
SELECT svy_dist(tc COLLATE ci, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, tn, svy_design(w, st, ps)) FROM dg;
SELECT svy_dist(tn, svy_design(w, st, ps), true) FROM dg;
SELECT svy_by(y, bp, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, c6, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, vc, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, nm, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, by, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, num, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, num2, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, js, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(y, tt, svy_design(w, st, ps)) FROM dg;
SELECT svy_by(b, t1, svy_design(w, st, ps))::text = svy_by(b, t1 || '', svy_design(w, st, ps))::text FROM dg WHERE id < 1500;
SELECT svy_tab(t1, bp, svy_design(w, st, ps))::text = svy_tab(t1::varchar, bp, svy_design(w, st, ps))::text FROM dg WHERE id < 1500;
SELECT md5(svy_tab(t2, t1, svy_design(w, st, ps))::text) FROM dg;
-- strata and PSUs as these values (identity cache)
SELECT svy_accum(y, svy_design(w, t1, ps))::text FROM dg;
SELECT svy_accum(y, svy_design(w, st, t2))::text FROM dg;
SELECT svy_accum(y, svy_design(w, tc COLLATE ci, ps))::text FROM dg;
SELECT svy_accum(y, svy_design(w, bp, ps))::text FROM dg;
SELECT svy_accum(y, svy_design(w, tt, ps))::text FROM dg;
SELECT svy_accum(y, svy_design(w, st, tt))::text FROM dg;
SELECT svy_accum(y, svy_design(w, by, num))::text FROM dg;
SELECT svy_accum(y, svy_design(w, js, nm))::text FROM dg;
SELECT svy_mean(y, svy_design(w, t1, t2)) FROM dg;
SET survey.lonely_psu = 'fail';
SELECT svy_mean(y, svy_design(w, t1, CASE WHEN length(t1) = 33 THEN 'x' ELSE ps END)) FROM dg;
SELECT svy_mean(y, svy_design(w, tt, CASE WHEN tt LIKE 'toasted%' THEN 'x' ELSE ps END)) FROM dg;
RESET survey.lonely_psu;
