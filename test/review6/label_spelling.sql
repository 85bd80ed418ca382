-- review6: which spelling names a stratum whose values are equal but print
-- differently (numeric 1000 and 1000.00: one identity, two texts).
-- Run with psql on a database with the extension (PG* variables).
-- The state text of group 1 holds 78 labels "NNNN.00" when the calibrated
-- values are stored (one label per row, printed when the row is built) and
-- from the pre-session code (d461c1b), but none when svy_calibrate(svy_design())
-- is the aggregate's argument since 02ce540: the consumed design prints its
-- label only when the aggregate meets a new stratum, and the design site's
-- label cache (by identity, 256 pairs) then holds another row's spelling
-- than the per-row printing left there.  Needs more strata than the cache
-- holds (or three in one pair); plain svy_design(...) consumed directly has
-- behaved so before this session too.
SET extra_float_digits = 0;
CREATE TEMP TABLE ls_pop AS
SELECT svy_population(v, l, t) AS rake
FROM (SELECT 'country' AS v, c AS l, 1160.0 + 10 * i AS t
      FROM unnest(ARRAY['AT', 'BE', 'CZ']) WITH ORDINALITY AS u(c, i)
      UNION ALL
      SELECT 'role', r, 885.0 FROM unnest(ARRAY['investigator', 'first responder', 'forensic examiner', 'manager']) r) m;
-- rows 0..1499: strata 0..1499; rows 1500..2999: the same strata spelled NNNN.00 (group 0);
-- rows 3000..3499: strata 1000..1499 spelled NNNN (group 1, met first here)
CREATE TEMP TABLE ls AS
SELECT s AS seq, CASE WHEN s < 3000 THEN 0 ELSE 1 END AS grp,
       CASE WHEN s BETWEEN 1500 AND 2999 THEN round((s % 1500)::numeric, 2)
            WHEN s >= 3000 THEN (s - 2000)::numeric ELSE (s % 1500)::numeric END AS sn,
       1.0 + s % 3 AS w, (s % 17)::float8 AS y,
       (ARRAY['AT', 'BE', 'CZ'])[1 + s % 3] AS country,
       (ARRAY['investigator', 'first responder', 'forensic examiner', 'manager'])[1 + (s / 3) % 4] AS role
FROM generate_series(0, 3499) s;
CREATE TEMP TABLE ls_stored AS
SELECT *, svy_calibrate(svy_design(w, sn), (SELECT rake FROM ls_pop), ARRAY[country, role], method => 'rake') AS d
FROM (SELECT * FROM ls ORDER BY seq OFFSET 0) s;
SET enable_sort = off;
SELECT grp,
       (SELECT count(*) FROM regexp_matches(encode(s::bytea, 'escape'), '\d\.00', 'g')) AS inline_labels_00
FROM (SELECT grp, svy_accum(y, svy_calibrate(svy_design(w, sn), (SELECT rake FROM ls_pop), ARRAY[country, role],
                                             method => 'rake'))::text AS s
      FROM (SELECT * FROM ls ORDER BY seq OFFSET 0) p GROUP BY grp) a ORDER BY grp;
SELECT grp, (SELECT count(*) FROM regexp_matches(encode(s::bytea, 'escape'), '\d\.00', 'g')) AS stored_labels_00
FROM (SELECT grp, svy_accum(y, d)::text AS s FROM (SELECT * FROM ls_stored ORDER BY seq OFFSET 0) p GROUP BY grp) a
ORDER BY grp;
RESET enable_sort;
-- The same with svy_design(w, sn) consumed directly (before this session too):
-- inline 0 labels "NNNN.00" in group 1, stored 78.
CREATE TEMP TABLE ls_stored_plain AS SELECT *, svy_design(w, sn) AS d FROM (SELECT * FROM ls ORDER BY seq OFFSET 0) s;
SET enable_sort = off;
SELECT grp, (SELECT count(*) FROM regexp_matches(encode(s::bytea, 'escape'), '\d\.00', 'g')) AS plain_inline_00
FROM (SELECT grp, svy_accum(y, svy_design(w, sn))::text AS s FROM (SELECT * FROM ls ORDER BY seq OFFSET 0) p GROUP BY grp) a
ORDER BY grp;
SELECT grp, (SELECT count(*) FROM regexp_matches(encode(s::bytea, 'escape'), '\d\.00', 'g')) AS plain_stored_00
FROM (SELECT grp, svy_accum(y, d)::text AS s FROM (SELECT * FROM ls_stored_plain ORDER BY seq OFFSET 0) p GROUP BY grp) a
ORDER BY grp;
RESET enable_sort;
