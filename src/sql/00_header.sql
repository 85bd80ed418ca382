-- survey: design-based survey statistics for PostgreSQL.
-- This install script is assembled by the Makefile from src/sql/*.sql.

\echo Use "CREATE EXTENSION survey" to load this file. \quit
