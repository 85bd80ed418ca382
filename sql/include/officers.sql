-- (sql/include/officers.sql) the table named by the psql variable officers: 480 officers, 4 countries
-- (strata) x 6 forces (PSUs) x 20 rows; deterministic
CREATE TABLE :officers AS
SELECT i, (ARRAY['AT','DE','FR','PL'])[1 + i % 4] AS country, 1 + (i / 4) % 6 AS force,
       (ARRAY['patrol','detective','command'])[1 + (i * 7) % 3] AS role,
       (i * 37) % 30 AS years, 1.0 + (i % 5) * 0.25 AS w,
       CASE WHEN (i * 7919) % 100 < 25 + 10 * (i % 4) + (i * 37) % 30 THEN 1.0 ELSE 0.0 END AS trained,
       ((i * 31) % 7)::float8 AS courses
FROM generate_series(0, 479) AS i;
