#!/bin/sh
# Concurrency test: CONC_CLIENTS (16) pgbench clients for CONC_SECONDS (60) s
# running a survey dashboard mix (bench/mix.sql: per-country svy_prop,
# svy_by + svy_groups, svy_tab + svy_chisq, svy_quantiles, svy_merge of stored
# states) against a bench-like table of CONC_ROWS (200000) rows.  Passes when
# no transaction fails; prints the throughput and the peak memory of the
# server's client backends (private anonymous RSS, sampled every second from
# /proc: the server must run on this machine), one and all together; fails
# when a backend exceeds CONC_MAX_BACKEND_MB (256).
#     bench/concurrency.sh                       (PG* env vars; pgbench: postgresql-contrib)
#     CONC_SECONDS=15 CONC_ROWS=50000 bench/concurrency.sh     (smoke run)
# The data goes into the schema survey_conc, dropped at the end.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rows=${CONC_ROWS:-200000}
secs=${CONC_SECONDS:-60}
clients=${CONC_CLIENTS:-16}
max_mb=${CONC_MAX_BACKEND_MB:-256}
tmp=$(mktemp -d /tmp/survey-conc.XXXXXX)
PSQL="psql -X -q -v ON_ERROR_STOP=1 -At"
cleanup() {
    [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
    $PSQL -c "DROP SCHEMA IF EXISTS survey_conc CASCADE" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
command -v pgbench >/dev/null || { echo "pgbench not found (apt-get install postgresql-contrib)"; exit 1; }

$PSQL <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS survey;
DROP SCHEMA IF EXISTS survey_conc CASCADE;
CREATE SCHEMA survey_conc;
SELECT setseed(0.42);
CREATE TABLE survey_conc.t AS
SELECT (ARRAY['AT','BE','CZ','DE','ES','FR','IT','PL'])[ci + 1] AS country, region, s, p, w,
       random() < 0.15 + 0.08 * ci + ((s * 7919 + p * 104729) % 21 - 10) * 0.01 AS y,
       40 + 3 * ci + ((s * 131 + p * 977) % 11 - 5)
          + 10 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS x,
       least(5, 1 + floor(5 * power(random(), 0.6 + 0.15 * ci)))::int AS q,
       1 + i % 30 AS day
FROM (SELECT i, (i % 8)::int AS ci, ((i / 8) % 4)::int AS region, ((i % 8) * 4 + (i / 8) % 4 + 1)::int AS s,
             ((i / 32) % 50 + 1)::int AS p, 0.5 + 3 * random() AS w
      FROM generate_series(0, $rows - 1) i) a;
-- stored partial states per country and day, for the rollup panels
CREATE TABLE survey_conc.daily AS
SELECT country, day, svy_accum(x, svy_design(w, strata => s, psu => p)) AS st
FROM survey_conc.t GROUP BY country, day;
VACUUM ANALYZE survey_conc.t;
VACUUM ANALYZE survey_conc.daily;
SQL
echo "table: $rows rows, $($PSQL -c "SELECT count(*) FROM survey_conc.daily") stored states;" \
     "$clients clients x $secs s; server $($PSQL -c "SHOW server_version")," \
     "work_mem $($PSQL -c "SHOW work_mem"), max_parallel_workers_per_gather $($PSQL -c "SHOW max_parallel_workers_per_gather")"

# memory sampler: client backends of this server (private anonymous RSS, kB)
(
    while :; do
        pids=$($PSQL -c "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity WHERE backend_type IN ('client backend', 'parallel worker')" 2>/dev/null || true)
        one=0; all=0
        for pid in $pids; do
            kb=$(awk '/^RssAnon:/ {print $2}' /proc/$pid/status 2>/dev/null || true)
            [ -n "$kb" ] || continue
            all=$((all + kb)); [ "$kb" -gt "$one" ] && one=$kb
        done
        echo "$one $all"
        sleep 1
    done
) > "$tmp/mem" &
sampler=$!

rc=0
pgbench -n -c "$clients" -j 2 -T "$secs" -r -f "$here/mix.sql" > "$tmp/out" 2> "$tmp/err" || rc=$?
kill "$sampler" 2>/dev/null || true
sampler=
sed -n '/^number of transactions actually processed/,$p' "$tmp/out" | grep -vE '\\(set|if|elif|else|endif)' | head -40
errors=$(grep -cE 'ERROR|aborted|error' "$tmp/err" || true)
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$tmp/out")
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$tmp/out")
peak_one=$(sort -n "$tmp/mem" | tail -1 | cut -d' ' -f1)
peak_all=$(sort -n -k2 "$tmp/mem" | tail -1 | cut -d' ' -f2)
[ -s "$tmp/err" ] && head -20 "$tmp/err"
echo "concurrency: $clients clients x $secs s, $rows rows: ${tps:-?} tps, errors ${errors} (failed transactions ${failed:-?})," \
     "peak backend memory $(( ${peak_one:-0} / 1024 )) MB, peak all backends $(( ${peak_all:-0} / 1024 )) MB (private RSS)"
[ "$rc" -eq 0 ] && [ "$errors" -eq 0 ] && [ "${failed:-0}" -eq 0 ] && [ $(( ${peak_one:-0} / 1024 )) -le "$max_mb" ]
