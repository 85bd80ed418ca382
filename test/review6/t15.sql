-- Groups equal under their type's equality but not in bytes (char padding,
-- numeric scale; short ones go through the category cache by bytes, long
-- ones by identity): one category each, as their integer codes, in every
-- row order (review6; reversed: sums in another order)
CREATE TEMP TABLE hpeq AS
SELECT i AS id, (i * 37 % 101)::float8 AS y, 1 + i % 4 AS w, i % 3 AS code,
       ((ARRAY['a', 'b', 'a               x'])[1 + i % 3] || CASE WHEN (i / 3) % 2 = 0 THEN '' ELSE '  ' END)::bpchar
         AS bp,
       (ARRAY[1.5, 2, 12345678901234567890.5])[1 + i % 3] + CASE WHEN (i / 3) % 2 = 0 THEN 0 ELSE 0.000 END AS num,
       (ARRAY['short', 'a value that is longer than sixteen bytes', ''])[1 + i % 3]::varchar AS vc
FROM generate_series(0, 299) AS i;
SELECT count(DISTINCT octet_length(bp)) AS bp_lengths, count(DISTINCT num::text) AS num_texts FROM hpeq;
SELECT k.kind, gc.groups, count(*) FILTER (WHERE abs(a.estimate - c.estimate) < 1e-9 AND abs(a.std_error - c.std_error) < 1e-9
                                        AND a.n = c.n) AS same
FROM (SELECT 'bpchar' AS kind, svy_by(y, bp, svy_design(w, psu => id)) AS s FROM hpeq
      UNION ALL SELECT 'numeric', svy_by(y, num, svy_design(w, psu => id)) FROM hpeq
      UNION ALL SELECT 'varchar', svy_by(y, vc, svy_design(w, psu => id)) FROM hpeq
      UNION ALL SELECT 'bpchar reversed', svy_by(y, bp, svy_design(w, psu => id) ORDER BY id DESC) FROM hpeq) k,
     LATERAL (SELECT count(*) AS groups FROM svy_groups(k.s, 'mean')) gc,
     LATERAL (SELECT row_number() OVER (ORDER BY estimate) AS r, * FROM svy_groups(k.s, 'mean')) a
JOIN (SELECT row_number() OVER (ORDER BY estimate) AS r, *
      FROM svy_groups((SELECT svy_by(y, code, svy_design(w, psu => id)) FROM hpeq), 'mean')) c USING (r)
GROUP BY k.kind, gc.groups ORDER BY k.kind;
SELECT level, n FROM svy_groups((SELECT svy_by(y, num, svy_design(w, psu => id)) FROM hpeq), 'mean') ORDER BY n, level;
DROP TABLE hpeq;
