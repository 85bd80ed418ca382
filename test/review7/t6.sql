\i setup.sql
-- strata equal as values but printed differently (numeric scale), many strata (label cache evictions)
CREATE TEMP TABLE ckn AS
SELECT *, CASE WHEN (id / 1500) % 2 = 0 THEN (id % 1500)::numeric ELSE round((id % 1500)::numeric, 2) END AS sn,
       (id / 750) % 4 AS q
FROM (SELECT * FROM ck UNION ALL SELECT id + 2000, w, y, b, g, g97, st, ps, role, country, x FROM ck) c;
SELECT count(DISTINCT sn), count(DISTINCT sn::text) FROM ckn;
SELECT q, md5(svy_accum(y, svy_calibrate(svy_design(w, sn), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text) FROM ckn GROUP BY q ORDER BY q;
SELECT q, md5(svy_accum(y, svy_design(w, sn))::text) FROM ckn GROUP BY q ORDER BY q;
SELECT md5(svy_accum(y, svy_calibrate(svy_design(w, sn), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake'))::text) FROM ckn;
-- the same with the stored values (a label per row)
CREATE TEMP TABLE cknd AS SELECT *, svy_calibrate(svy_design(w, sn), (SELECT rake FROM ckpop), ARRAY[country, role], method => 'rake') AS d FROM ckn;
SELECT q, md5(svy_accum(y, d)::text) FROM cknd GROUP BY q ORDER BY q;
