-- The R oracle (test/oracle: kit README, cases, designs, data; test/oracle/extra: extra cases in the same
-- format) driven through the SQL API.  The driver, its argument mapping and the list of documented SQL-vs-R
-- deviations are in test/oracle/driver.sql.  Any MISMATCH, ERROR or NOT YET RUNNABLE line, or a changed
-- count in the summary, fails this test.
\i sql/include/oracle_driver.sql
DO $$ BEGIN PERFORM oracle.run(); END $$;
\pset format unaligned
\pset tuples_only on
-- the generated SQL of a few cases, to show the mapping
SELECT format('SQL %s %s [survey.lonely_psu=%s]: %s', x.case_id, f.form, f.lonely, f.sql)
FROM unnest(ARRAY['P0001', 'P0015', 'P0032', 'P0037', 'P0057', 'P0089', 'P0090', 'P0157', 'P0063',
                  'P0102', 'P0138', 'X0018', 'X0063', 'X0269', 'X0275', 'X0306', 'P0212', 'P0217']) AS x(case_id),
     oracle.case_forms(x.case_id) AS f;
SELECT line FROM oracle.report ORDER BY section, case_id, seq;
-- calibrated weights against calweights/ (svy_weight OVER ())
SELECT line FROM oracle.calweights();
\pset format aligned
\pset tuples_only off
SELECT count(*) FILTER (WHERE status IN ('passed', 'mismatched', 'error')) AS checked,
       count(*) FILTER (WHERE status = 'passed') AS passed,
       count(*) FILTER (WHERE status = 'mismatched') AS mismatched,
       count(*) FILTER (WHERE status = 'error') AS errors,
       count(*) FILTER (WHERE status = 'not_runnable') AS not_runnable,
       count(*) FILTER (WHERE status = 'skipped_kind') AS skipped_by_kind,
       count(*) FILTER (WHERE status = 'outside_spec') AS outside_spec,
       (SELECT count(*) FROM oracle.report WHERE line LIKE 'DEVIATION %') AS deviations,
       (SELECT count(*) FROM oracle.not_runnable) AS forms_not_runnable
FROM oracle.outcome;
