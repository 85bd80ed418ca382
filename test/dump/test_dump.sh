#!/bin/sh
# pg_dump / pg_restore of tables using the extension's types (likert, choices,
# svy_state, svy_design): the restored database must hold the same values.
# Runs inside pg_virtualenv (PG* variables set); prints "N passed, N failed".
set -eu
src=survey_dump_src
dst=survey_dump_dst
dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists $src; dropdb --if-exists $dst' EXIT
PSQL="psql -X -q -v ON_ERROR_STOP=1 -At"

dropdb --if-exists $src
dropdb --if-exists $dst
createdb $src
createdb $dst
$PSQL -d $src <<'SQL'
CREATE EXTENSION survey;
CREATE TABLE answers (id int PRIMARY KEY, q likert(5), q10 likert(0, 10), c choices,
                      st svy_state, d svy_design);
INSERT INTO answers
SELECT i, CASE WHEN i % 7 = 0 THEN 'dk' ELSE (1 + i % 5)::text END::likert(5),
       (i % 11)::likert(0, 10),
       CASE WHEN i % 9 = 0 THEN 'refused'::choices ELSE choices(ARRAY[1 + i % 3, 5]) END,
       NULL, svy_design(1.0 + i % 3, strata => 'S' || i % 2, psu => i % 5)
FROM generate_series(1, 50) i;
UPDATE answers SET st = (SELECT svy_accum(id::float8, d) FROM answers) WHERE id = 1;
CREATE INDEX ON answers (q);
CREATE VIEW summary AS
SELECT md5(string_agg(q::text || '|' || q10::text || '|' || c::text || '|' || d::text, ',' ORDER BY id)) AS h,
       (SELECT (svy_mean(st)).std_error FROM answers WHERE id = 1) AS se
FROM answers;
SQL

# calibration (SPEC §9): populations and calibrated designs survive the dump
$PSQL -d $src <<'SQL'
CREATE TABLE calib (id int PRIMARY KEY, y float8, pop svy_population, d svy_design);
INSERT INTO calib
SELECT i, (i * 7 % 10)::float8, p,
       svy_calibrate(svy_design(1.0 + i % 3, psu => i % 5), p, ARRAY['S' || i % 2], ARRAY[(i % 4)::float8])
FROM generate_series(1, 50) i,
     (SELECT '{"s": {"S0": 60, "S1": 40}, "x \"q\"": 150}'::svy_population AS p) c;
CREATE VIEW calib_summary AS
SELECT md5(string_agg(pop::text || '|' || d::text, ',' ORDER BY id)) AS h,
       (svy_mean(y, d)).std_error AS se
FROM calib;
SQL

pg_dump -Fc -d $src -f "$dump"
pg_restore -d $dst "$dump"

passed=0
failed=0
check() {
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1)); echo "ok: $1"
    else
        failed=$((failed + 1)); echo "FAIL: $1: '$2' != '$3'"
    fi
}
check "restored values" "$($PSQL -d $src -c 'SELECT h FROM summary')" "$($PSQL -d $dst -c 'SELECT h FROM summary')"
check "restored svy_state" "$($PSQL -d $src -c 'SELECT se FROM summary')" "$($PSQL -d $dst -c 'SELECT se FROM summary')"
check "typmod kept" "$($PSQL -d $dst -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'answers'::regclass AND attname = 'q'")" "likert(5)"
check "index usable" "$($PSQL -d $dst -c "SET enable_seqscan = off; SELECT count(*) FROM answers WHERE q = '5'")" "$($PSQL -d $src -c "SELECT count(*) FROM answers WHERE q = '5'")"
check "restored calibration" "$($PSQL -d $src -c 'SELECT h || se FROM calib_summary')" "$($PSQL -d $dst -c 'SELECT h || se FROM calib_summary')"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
