SET extra_float_digits = 0;
-- many cells (41 x 30 = 1,230), 1,000 PSUs (100 in each of 10 strata, 20 rows each), rows of a PSU spread over cells;
-- levels of every length 0..40 bytes (a: ASCII, b: UTF-8 and long)
CREATE TEMP TABLE big AS
SELECT i AS id, 0.5 + (i * 7919 % 13) / 4.0 AS w, ((i * 37) % 101)::float8 AS y, (i * 31) % 7 < 3 AS b,
       'S' || (i % 10) AS st, (i / 10) % 100 AS ps, i % 53 AS g53,
       repeat('l', (i * 17) % 41) AS la,
       CASE WHEN (i * 23) % 30 < 15 THEN 'ü' || ((i * 23) % 30) ELSE repeat('Ω', 20 + (i * 23) % 30) || ((i * 23) % 30) END AS lb,
       ((i * 13) % 17)::float8 AS x, ((i * 7) % 11)::float8 AS x2
FROM generate_series(0, 19999) AS i;
CREATE TEMP TABLE bigpop AS
SELECT svy_population(v, l, t) FILTER (WHERE v NOT IN ('x', 'x2')) AS rake,
       svy_population(v, l, t) FILTER (WHERE v <> 'x2') AS lin,
       svy_population(v, l, t) AS lin2
FROM (SELECT 'a' AS v, repeat('l', n) AS l, 1000.0 + (n - 20) * 3 AS t FROM generate_series(0, 40) n
      UNION ALL
      SELECT 'b', CASE WHEN n < 15 THEN 'ü' || n ELSE repeat('Ω', 20 + n) || n END, 41000.0 / 30 + (n - 14.5) * 2 FROM generate_series(0, 29) n
      UNION ALL SELECT 'x', NULL, 8.0 * 41000
      UNION ALL SELECT 'x2', NULL, 5.0 * 41000) m;
