SET extra_float_digits = 0;
CREATE TEMP TABLE ck AS
SELECT i AS id, 0.5 + (i * 7919 % 13) / 4.0 AS w, ((i * 37) % 101)::float8 AS y, (i * 31) % 7 < 3 AS b,
       1 + (i / 3) % 4 AS g, i % 97 AS g97,
       (ARRAY['Metropolitan Police North', 'Metropolitan Police South', 'E000000001', 'Zürich Ōsaka', '',
              'Zürich Ōsaka 東京 straße: a name longer than sixty-four bytes in UTF-8 A' || repeat('x', 30),
              repeat('long stratum ', 300) || 'end', 'K'])[1 + (i * 5) % 8] AS st,
       'p' || (i / 8) % 5 AS ps,
       (ARRAY['investigator', 'first responder', 'forensic examiner', 'manager'])[1 + (i / 7) % 4] AS role,
       (ARRAY['AT', 'BE', 'CZ'])[1 + (i / 11) % 3] AS country,
       ((i * 13) % 17)::float8 AS x
FROM generate_series(0, 1999) AS i;
CREATE TEMP TABLE ckpop AS
SELECT svy_population(v, l, t) FILTER (WHERE v <> 'x') AS rake, svy_population(v, l, t) AS lin,
       svy_population(v, l, t * 1.5) FILTER (WHERE v <> 'x') AS rake2
FROM (SELECT 'country' AS v, c AS l, 620.0 + 20 * i AS t
      FROM unnest(ARRAY['AT', 'BE', 'CZ']) WITH ORDINALITY AS u(c, i)
      UNION ALL
      SELECT 'role', r, (ARRAY[480.0, 490.0, 500.0, 510.0])[i]
      FROM unnest(ARRAY['investigator', 'first responder', 'forensic examiner', 'manager']) WITH ORDINALITY AS u(r, i)
      UNION ALL
      SELECT 'x', NULL, 17000.0) m;
