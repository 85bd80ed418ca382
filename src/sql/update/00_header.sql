-- survey: upgrade from 0.1.0 to 0.2.0.
-- This script is assembled by the Makefile from src/sql/update/*.sql, one
-- file per concern, in name order.

\echo Use "ALTER EXTENSION survey UPDATE TO '0.2.0'" to load this file. \quit
