\i setup2.sql
-- parallel plans (partial aggregation, serialize/deserialize/combine of calibrated states) over many cells and PSUs
DROP TABLE IF EXISTS r7big, r7bigpop;
CREATE TABLE r7big AS SELECT * FROM big;
CREATE TABLE r7bigpop AS SELECT * FROM bigpop;
ANALYZE r7big;
\set R '(SELECT rake FROM r7bigpop)'
\set L '(SELECT lin FROM r7bigpop)'
-- the same query under a serial and a parallel plan
CREATE TEMP VIEW estimates AS
SELECT 'rake' AS k, (svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))).* FROM r7big
UNION ALL SELECT 'lin', (svy_mean(y, svy_calibrate(svy_design(w, st, ps), :L, ARRAY[la, lb], ARRAY[x]))).* FROM r7big
UNION ALL SELECT 'prop', (svy_prop(b, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))).* FROM r7big
UNION ALL SELECT 'nopsu', (svy_mean(y, svy_calibrate(svy_design(w, st), :R, ARRAY[la, lb], method => 'rake'))).* FROM r7big
UNION ALL SELECT 'sub', (svy_mean(y, svy_subset(svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'), g53 % 3 = 0))).* FROM r7big;
CREATE TEMP TABLE ser AS SELECT * FROM estimates;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake')) FROM r7big;
CREATE TEMP TABLE par AS SELECT * FROM estimates;
SELECT s.k, round(s.estimate::numeric, 9) est, round(s.std_error::numeric, 9) se, s.df,
       abs(s.estimate - p.estimate) < 1e-9 * abs(s.estimate) same_est, abs(s.std_error - p.std_error) < 1e-9 * s.std_error same_se, s.df = p.df same_df
FROM ser s JOIN par p USING (k) ORDER BY k;
SELECT g53 % 4 g, round((svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))).std_error::numeric, 9) FROM r7big GROUP BY g53 % 4 ORDER BY 1;
SELECT round((svy_mean(y, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, CASE WHEN id = 19999 THEN 'zz' ELSE lb END], method => 'rake'))).std_error::numeric, 9) FROM r7big;
SELECT round((svy_mean(CASE WHEN id = 19999 THEN 'NaN' ELSE y END, svy_calibrate(svy_design(w, st, ps), :R, ARRAY[la, lb], method => 'rake'))).std_error::numeric, 9) FROM r7big;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size; RESET max_parallel_workers_per_gather;
DROP TABLE r7big, r7bigpop CASCADE;
