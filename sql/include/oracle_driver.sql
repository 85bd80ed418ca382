\set ECHO none
-- (sql/include/oracle_driver.sql) loads the oracle driver (test/oracle/driver.sql), quietly, stopping at the
-- first error; the caller configures oracle.kind_config and runs oracle.run()
\set QUIET on
\set ON_ERROR_STOP 1
\getenv abs_srcdir PG_ABS_SRCDIR
\set oracle_dir :abs_srcdir '/test/oracle'
\set driver :oracle_dir '/driver.sql'
\i :driver
