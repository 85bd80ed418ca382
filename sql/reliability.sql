-- Reliability (issue 15, items 4-7): long computations take a cancel,
-- state sizes beyond work_mem scale fail early, options are compared by
-- value, overflow is an error, and parallel = serial = merged to 1e-12.
SET extra_float_digits = 0;

-- ---------- cancellation ----------
-- Each query below runs for seconds to minutes in full; the timeout must
-- stop it within the statement, not after it finishes.  (Before the fix:
-- svy_chisq Wald ran ~30 s, svy_cells ~12 s, svy_pairwise ~6 s regardless.)
CREATE TABLE relb_tab AS
SELECT svy_tab(i % 40, (i / 40) % 50, svy_design(1 + (i % 7)::float8, psu => i % 500)) AS t
FROM generate_series(0, 19999) i;
CREATE TABLE relb_dom AS
SELECT svy_by((i % 13)::float8, i % 1000, svy_design(1.0, psu => i % 1500)) AS t
FROM generate_series(0, 5999) i;
SET statement_timeout = '300ms';
SELECT (svy_chisq(t, 'F')).p_value FROM relb_tab;
SELECT (svy_chisq(t, 'Wald')).p_value FROM relb_tab;
SELECT (svy_chisq(t, 'saddlepoint')).p_value FROM relb_tab;
SELECT count(*) FROM relb_tab, svy_cells(t, 'cell');
SELECT count(*) FROM relb_dom, svy_pairwise(t);
RESET statement_timeout;
DROP TABLE relb_tab, relb_dom;
