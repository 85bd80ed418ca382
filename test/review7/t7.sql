\i setup.sql
-- strata equal as values, printed differently (numeric scale): which row's text names a stratum
CREATE TEMP TABLE ph AS
SELECT s AS seq, CASE WHEN s < 3000 THEN 0 ELSE 1 END AS grp,
       CASE WHEN s BETWEEN 1500 AND 2999 THEN round((s % 1500)::numeric, 2) WHEN s >= 3000 THEN (s - 2000)::numeric ELSE (s % 1500)::numeric END AS sn,
       1.0 + s % 3 AS w, (s % 17)::float8 AS y,
       (ARRAY['AT', 'BE', 'CZ'])[1 + s % 3] AS country,
       (ARRAY['investigator', 'first responder', 'forensic examiner', 'manager'])[1 + (s / 3) % 4] AS role
FROM generate_series(0, 3499) s;
SET enable_sort = off;
SELECT grp, md5(svy_accum(y, svy_calibrate(svy_design(w, sn), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text) FROM (SELECT * FROM ph ORDER BY seq OFFSET 0) p GROUP BY grp ORDER BY grp;
SELECT grp, md5(svy_accum(y, svy_design(w, sn))::text) FROM (SELECT * FROM ph ORDER BY seq OFFSET 0) p GROUP BY grp ORDER BY grp;
SET survey.lonely_psu = 'fail';
SELECT grp, svy_mean(y, svy_calibrate(svy_design(w, sn, CASE WHEN seq = 3499 THEN 'a' ELSE 'b' || seq END), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake')) FROM (SELECT * FROM ph WHERE seq = 3499 OR seq < 3000 OR seq % 2 = 0 ORDER BY seq OFFSET 0) p GROUP BY grp ORDER BY grp;
