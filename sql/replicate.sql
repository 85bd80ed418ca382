-- Replicate-weight designs (svy_repdesign) and quantiles against R (survey 4.1.1): every case of the kinds
-- rep_* (JK1, JKn, BRR, Fay, bootstrap, SDR, other; mse FALSE and TRUE), quantile and pisa (80 Fay
-- replicates, rho 0.5) of the kit (test/oracle) and of test/oracle/extra, run through the oracle driver
-- (test/oracle/driver.sql, which maps cases to SQL and compares: estimate/se 1e-9 relative, limits 1e-8,
-- df and n exactly, deff 1e-9).  Then bad input of replicate designs.
\i sql/include/oracle_driver.sql
UPDATE oracle.kind_config SET status = CASE WHEN kind ~ '^(rep_|quantile$|pisa$)' THEN 'on' ELSE 'off' END;
UPDATE oracle.design_type_config SET status = 'on' WHERE type IN ('taylor', 'replicate');
DO $$ BEGIN PERFORM oracle.run(); END $$;
\pset format unaligned
\pset tuples_only on
-- anything but SKIPPED/DEVIATION lines is a failure (svy_by forms are another aggregate's test)
SELECT line FROM oracle.report
WHERE line NOT LIKE 'SKIPPED % cases of kind %' AND line NOT LIKE 'NOT YET RUNNABLE [svy_by]%'
ORDER BY section, case_id, seq;
\pset format aligned
\pset tuples_only off
SELECT kind, status, count(*) FROM oracle.outcome WHERE status <> 'skipped_kind' GROUP BY 1, 2 ORDER BY 1, 2;
DROP SCHEMA oracle CASCADE;
\set ON_ERROR_STOP 0
\set QUIET off
\set ECHO all
RESET client_min_messages;

-- bad input
CREATE TEMP TABLE rw (id int, y float8, w float8, r float8[]);
INSERT INTO rw VALUES (1, 1, 2, '{1,3,2}'), (2, 2, 2, '{3,1,2}'), (3, 5, 4, '{4,4,0}'), (4, 7, 4, '{4,0,8}');
-- replicate arrays of different lengths in one aggregate
SELECT svy_mean(y, svy_repdesign(w, CASE WHEN id = 3 THEN r[1:2] ELSE r END, 'JK1')) FROM rw;
SELECT svy_quantile(y, svy_repdesign(w, CASE WHEN id = 3 THEN r || 1.0::float8 ELSE r END, 'BRR'), 0.5) FROM rw;
-- NULL inside the array, NULL array
SELECT svy_repdesign(2, '{1,NULL,3}', 'JK1');
SELECT svy_repdesign(2, NULL, 'JK1');
SELECT svy_repdesign(2, '{{1,2},{3,4}}', 'JK1');
-- negative or non-finite replicate weight, fewer than 2 replicates
SELECT svy_repdesign(2, '{1,-1}', 'JK1');
SELECT svy_repdesign(2, '{1,NaN}', 'JK1');
SELECT svy_repdesign(2, '{1}', 'JK1');
-- unknown type; Fay without rho or with rho outside (0, 1)
SELECT svy_repdesign(2, '{1,2}', 'jackknife');
SELECT svy_repdesign(2, '{1,2}', 'Fay');
SELECT svy_repdesign(2, '{1,2}', 'Fay', rho => 1);
-- JKn needs rscales; rscales of the wrong length or negative; bad scale
SELECT svy_repdesign(2, '{1,2}', 'JKn');
SELECT svy_repdesign(2, '{1,2}', 'JKn', rscales => '{1,2,3}');
SELECT svy_repdesign(2, '{1,2}', 'other', rscales => '{1,-2}');
SELECT svy_repdesign(2, '{1,2}', 'other', scale => 0);
-- rows disagreeing on type, scale, rscales or mse
SELECT svy_mean(y, svy_repdesign(w, r, CASE WHEN id = 1 THEN 'JK1' ELSE 'bootstrap' END)) FROM rw;
SELECT svy_mean(y, svy_repdesign(w, r, 'other', scale => id)) FROM rw;
SELECT svy_mean(y, svy_repdesign(w, r, 'other', rscales => ARRAY[1, 1, id]::float8[])) FROM rw;
SELECT svy_mean(y, svy_repdesign(w, r, 'JK1', mse => id > 2)) FROM rw;
-- replicate and linearization designs in one call
SELECT svy_mean(y, CASE WHEN id = 1 THEN svy_design(w) ELSE svy_repdesign(w, r, 'JK1') END) FROM rw;
-- defaults of scale as R's svrepdesign: JK1 (R-1)/R, BRR 1/R, Fay 1/(R (1-rho)^2), bootstrap 1/(R-1),
-- SDR 4/R, other 1; a type name is case-insensitive and successive-difference is SDR
SELECT t, (svy_total(y, svy_repdesign(w, r, t, rho => CASE WHEN t = 'Fay' THEN 0.5 END))).std_error
FROM rw, unnest('{JK1,BRR,Fay,bootstrap,SDR,successive-difference,other,jk1}'::text[]) t GROUP BY t ORDER BY t;
-- replicate df: rank of the domain rows' replicate weights - 1 (here 3 - 1; one row out of the domain: its
-- rows' weights still have rank 3 -> 2; two rows -> rank 2 -> 1)
SELECT (svy_mean(y, svy_repdesign(w, r, 'JK1'))).df AS all_rows,
       (svy_mean(y, svy_subset(svy_repdesign(w, r, 'JK1'), id <> 4))).df AS three_rows,
       (svy_mean(y, svy_subset(svy_repdesign(w, r, 'JK1'), id <= 2))).df AS two_rows
FROM rw;
