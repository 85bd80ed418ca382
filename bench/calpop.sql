-- Population margins for the calibration lines (issue 10), built by bench/run.sh (from t) and bench/instr.sh
-- (from nc), as a police statistics office publishes them: officers by country (8) and by role (4), both adding
-- up to the design weights' sum, and for the linear calibration also the total of the numeric auxiliary (1.02 x
-- its weighted sum). Country k (AT = 1 .. PL = 8) gets the share (1 + 0.1 (k + cshift)) / sum: shares differ
-- from the sample's, so the calibration moves the weights. One row: rake (country, role), lin (also x).
-- psql variables: calpop (the table to create), src (the table: text country and role, w, the auxiliary),
-- x (the auxiliary's column), xname (its variable name in the margins), cshift (-1 in run.sh, 0 in instr.sh).
CREATE TABLE :calpop AS
WITH tot AS (SELECT sum(w) AS nw, sum(w * :x) AS sx FROM :src),
c AS (SELECT k + :cshift AS ci, code
      FROM (VALUES (1,'AT'),(2,'BE'),(3,'CZ'),(4,'DE'),(5,'ES'),(6,'FR'),(7,'IT'),(8,'PL')) AS v(k, code)),
m AS (
    SELECT 'country' AS variable, code AS level, tot.nw * (1 + 0.1 * ci) / (SELECT sum(1 + 0.1 * ci) FROM c) AS total
    FROM tot, c
    UNION ALL
    SELECT 'role', r, tot.nw * sh FROM tot, (VALUES ('investigator', 0.3), ('first responder', 0.35),
                                                    ('forensic examiner', 0.2), ('manager', 0.15)) AS r(r, sh))
SELECT (SELECT svy_population(variable, level, total ORDER BY variable, level) FROM m) AS rake,
       (SELECT svy_population(variable, level, total ORDER BY variable, level)
        FROM (SELECT * FROM m UNION ALL SELECT :'xname', NULL, 1.02 * tot.sx FROM tot) m2) AS lin;
