#!/bin/sh
# ALTER EXTENSION survey UPDATE from the released 0.1.0 (src/sql/released/,
# installed by the Makefile): values of every type stored under 0.1.0 and
# the results computed from them must be unchanged after the update, and the
# updated SQL surface (test/upgrade/objects.sql: functions with signatures and
# markings, types, operators, casts, aggregates, opclasses, comments) must be
# identical to a fresh install of the current version -- a forgotten upgrade
# part shows up as a difference.
# Runs with the PG* variables set (inside pg_virtualenv in tools/test.sh);
# prints "N passed, N failed".
set -eu
cd "$(dirname "$0")"
. ../check.sh
old=survey_upgrade_old
new=survey_upgrade_new
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; dropdb --if-exists $old; dropdb --if-exists $new' EXIT
PSQL="psql -X -q -v ON_ERROR_STOP=1 -At"
q() { $PSQL -d "$1" -c "$2"; }

dropdb --if-exists $old
dropdb --if-exists $new
createdb $old
createdb $new

$PSQL -d $old <<'SQL'
CREATE EXTENSION survey VERSION '0.1.0';
CREATE TABLE answers (id int PRIMARY KEY, q likert(5), q10 likert(0, 10), c choices, d svy_design,
                      rd svy_design, code int);
INSERT INTO answers
SELECT i, CASE WHEN i % 7 = 0 THEN 'dk' ELSE (1 + i % 5)::text END::likert(5),
       (i % 11)::likert(0, 10),
       CASE WHEN i % 9 = 0 THEN 'refused'::choices ELSE choices(ARRAY[1 + i % 3, 5]) END,
       svy_design(1.0 + i % 3, strata => 'S' || i % 2, psu => i % 5),
       svy_repdesign(1.5, ARRAY[1 + i % 2, 2 - i % 2, 1.5]::float8[], 'JK1'),
       CASE WHEN i % 8 = 0 THEN -1 ELSE 1 + i % 5 END
FROM generate_series(1, 40) i;
CREATE INDEX ON answers (q);
CREATE TABLE stored (name text PRIMARY KEY, st svy_state, dom svy_domains);
INSERT INTO stored
SELECT 'a', svy_accum(id::float8, d), svy_by(id::float8, q, d) FROM answers WHERE id <= 20
UNION ALL
SELECT 'b', svy_accum(id::float8, d), svy_by(id > 10, q, rd) FROM answers WHERE id > 20;

-- values in text form and results, as 0.1.0 gives them
CREATE TABLE before AS
SELECT 'values' AS k, string_agg(concat_ws('|', id, q, q10, c, d, rd, likert_from_code(code, 1, 5)), ',' ORDER BY id) AS v
FROM answers
UNION ALL SELECT 'states', string_agg(st::text, ',' ORDER BY name) FROM stored
UNION ALL SELECT 'mean', (svy_mean(id::float8, d))::text FROM answers
UNION ALL SELECT 'likert mean', (svy_mean(q, d))::text FROM answers
UNION ALL SELECT 'top box', (svy_prop(top_box(q, 2), d))::text FROM answers
UNION ALL SELECT 'replicate', (svy_total(id::float8, rd))::text FROM answers
UNION ALL SELECT 'choices', (SELECT string_agg(g::text, ';') FROM svy_groups((SELECT svy_choices(c, d) FROM answers)) g)
UNION ALL SELECT 'merged', (svy_mean(svy_merge(st)))::text FROM stored
UNION ALL SELECT 'stored groups', (SELECT string_agg(g::text, ';') FROM stored, svy_groups(dom) g)
UNION ALL SELECT 'index', (SELECT count(*) FROM answers WHERE q = '5')::text;
SQL

$PSQL -d $old -c "ALTER EXTENSION survey UPDATE"
$PSQL -d $new -c "CREATE EXTENSION survey"

check "updated to the current version" "$(q $old "SELECT extversion FROM pg_extension WHERE extname = 'survey'")" \
    "$(q $new "SELECT extversion FROM pg_extension WHERE extname = 'survey'")"
for k in $(q $old "SELECT replace(k, ' ', '_') FROM before ORDER BY k"); do
    k=$(echo "$k" | tr _ ' ')
    case $k in
        values) now="SELECT string_agg(concat_ws('|', id, q, q10, c, d, rd, likert_from_code(code, 1, 5)), ',' ORDER BY id) FROM answers" ;;
        states) now="SELECT string_agg(st::text, ',' ORDER BY name) FROM stored" ;;
        mean) now="SELECT (svy_mean(id::float8, d))::text FROM answers" ;;
        'likert mean') now="SELECT (svy_mean(q, d))::text FROM answers" ;;
        'top box') now="SELECT (svy_prop(top_box(q, 2), d))::text FROM answers" ;;
        replicate) now="SELECT (svy_total(id::float8, rd))::text FROM answers" ;;
        choices) now="SELECT string_agg(g::text, ';') FROM svy_groups((SELECT svy_choices(c, d) FROM answers)) g" ;;
        merged) now="SELECT (svy_mean(svy_merge(st)))::text FROM stored" ;;
        'stored groups') now="SELECT string_agg(g::text, ';') FROM stored, svy_groups(dom) g" ;;
        index) now="SET enable_seqscan = off; SELECT count(*) FROM answers WHERE q = '5'" ;;
    esac
    check "$k unchanged by the update" "$(q $old "$now")" "$(q $old "SELECT v FROM before WHERE k = '$k'")"
done
check "svy_domains stored under 0.1.0 round-trip as text after the update" \
    "$(q $old "SELECT count(*) FROM stored WHERE dom::text::svy_domains::text = dom::text")" 2

q $old "$(cat objects.sql)" > "$tmp/updated"
q $new "$(cat objects.sql)" > "$tmp/fresh"
check "objects of the fresh install: $(wc -l < "$tmp/fresh") lines" "$(test -s "$tmp/fresh" && echo yes)" yes
if cmp -s "$tmp/updated" "$tmp/fresh"; then
    check "updated SQL surface = fresh install" same same
else
    echo "differences (< updated from 0.1.0, > fresh install):"
    diff "$tmp/updated" "$tmp/fresh" | grep '^[<>]' | cut -c1-300
    check "updated SQL surface = fresh install" "$(diff "$tmp/updated" "$tmp/fresh" | grep -c '^[<>]') differences" same
fi
check_summary
