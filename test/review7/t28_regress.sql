SET client_min_messages = warning;
-- the suite's test of the fast paths, run on both installs
\i ../../sql/calib_fastpath.sql
