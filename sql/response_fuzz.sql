--
-- random-mutation robustness of likert and choices input and receive
-- (the script lives in test/fuzz/ so it can also be run for longer)
--
\set fuzz_iterations 10000
\i test/fuzz/fuzz_response.sql
