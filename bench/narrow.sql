-- The narrow fact tables of issue 14, built by bench/run.sh and bench/instr.sh (psql variable rows):
-- n: (id int, country int, stratum int, psu int, w float8, agree bool, score float8), 8 countries x 4 regions
--    = 32 strata, 50 PSUs per stratum numbered 1..1600 across strata, w ~ U(0.5, 3.5), agree boolean with a
--    country rate and a PSU effect, score float8 with country and PSU effects plus normal noise;
-- nt: the same rows with text keys: country as its two-letter code, stratum as a police force name, PSU as an
--    area code ('E0' || 7 digits). Deterministic (setseed).
SELECT setseed(0.23);
CREATE TABLE n AS
SELECT i AS id, country, stratum, psu, 0.5 + 3 * random() AS w,
       random() < 0.15 + 0.07 * country + ((psu * 7919) % 21 - 10) * 0.01 AS agree,
       50 + 2 * country + ((psu * 977) % 11 - 5)
          + 10 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS score
FROM (
    SELECT i, (i % 8 + 1)::int AS country, ((i % 8) * 4 + (i / 8) % 4 + 1)::int AS stratum,
           (((i % 8) * 4 + (i / 8) % 4) * 50 + (i / 32) % 50 + 1)::int AS psu
    FROM generate_series(0, :rows - 1) AS i
) a;
CREATE TABLE nt AS
SELECT n.id, c.code AS country, f.force AS stratum, 'E0' || lpad(n.psu::text, 7, '0') AS psu, n.w, n.agree, n.score
FROM n
JOIN (VALUES (1,'AT'),(2,'BE'),(3,'CZ'),(4,'DE'),(5,'ES'),(6,'FR'),(7,'IT'),(8,'PL')) AS c(ci, code)
  ON c.ci = n.country
JOIN (SELECT row_number() OVER () AS k, force FROM unnest(ARRAY[
        'Avon and Somerset','Bedfordshire','Cambridgeshire','Cheshire','Cleveland','Cumbria','Derbyshire',
        'Devon and Cornwall','Dorset','Durham','Essex','Gloucestershire','Greater Manchester','Hampshire',
        'Hertfordshire','Humberside','Kent','Lancashire','Leicestershire','Lincolnshire','Merseyside',
        'Metropolitan Police','Norfolk','Northamptonshire','Northumbria','North Yorkshire','Nottinghamshire',
        'South Yorkshire','Staffordshire','Suffolk','Surrey','Sussex']) AS force) AS f
  ON f.k = n.stratum
ORDER BY n.id;
