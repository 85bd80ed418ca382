\i setup.sql
SET survey.lonely_psu = 'fail';
DO $$
DECLARE s text;
BEGIN
  FOR i IN 1..6 LOOP
    BEGIN
      SELECT svy_accum(y, svy_calibrate(svy_design(w, st, CASE WHEN i % 2 = 0 AND st = 'K' THEN 'one' ELSE ps END),
             CASE WHEN i % 3 = 0 THEN p.rake2 ELSE p.rake END, ARRAY[country, role], method => 'rake'))::text INTO s
      FROM ck, ckpop p WHERE id % 4 <> i % 4;
      RAISE NOTICE '% %', i, md5(s);
      SELECT (svy_mean(y, svy_calibrate(svy_design(w, st, CASE WHEN i % 2 = 0 AND st = 'K' THEN 'one' ELSE ps END),
             CASE WHEN i % 3 = 0 THEN p.rake2 ELSE p.rake END, ARRAY[country, role], method => 'rake')))::text INTO s
      FROM ck, ckpop p WHERE id % 4 <> i % 4;
      RAISE NOTICE '% %', i, s;
    EXCEPTION WHEN others THEN
      RAISE NOTICE '% error: %', i, SQLERRM;
    END;
  END LOOP;
END $$;
-- errors in a row's calibration caught, then the same expression again
DO $$
DECLARE s text;
BEGIN
  FOR i IN 1..4 LOOP
    BEGIN
      SELECT svy_accum(y, svy_calibrate(svy_design(w, st, ps), p.rake,
             ARRAY[country, CASE WHEN i % 2 = 1 AND id = 1000 + i THEN 'nobody' ELSE role END], method => 'rake'))::text INTO s
      FROM ck, ckpop p;
      RAISE NOTICE '% %', i, md5(s);
    EXCEPTION WHEN others THEN
      RAISE NOTICE '% error: %', i, SQLERRM;
    END;
  END LOOP;
END $$;
RESET survey.lonely_psu;
