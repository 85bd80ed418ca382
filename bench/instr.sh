#!/usr/bin/env bash
# Instructions per row of the narrow-table queries (issue 14) and of the calibrated ones (issue 10), repeatable
# on a loaded machine where wall-clock is not: each query runs alone in a single-user backend (postgres --single,
# serial plan) under valgrind --tool=callgrind; instructions/row = (Ir of the query - Ir of "SELECT 1") / rows.
#
#   bench/instr.sh DATADIR [ROWS]     # DATADIR: a scratch cluster this script creates (initdb) on first use
#
# Needs PG_CONFIG's bindir on PATH (initdb, pg_ctl, postgres) and the extension installed there; run as the
# cluster's owner (as root it runs the server commands as user postgres). INSTR_ONLY="nb nc" limits the queries.
set -euo pipefail
DATA=${1:?usage: bench/instr.sh DATADIR [ROWS]}
ROWS=${2:-1000000}
BIN=$("${PG_CONFIG:-pg_config}" --bindir)
HERE=$(dirname "$(readlink -f "$0")")   # bench/: narrow.sql, calpop.sql (shared with run.sh)
as_owner() { if [[ $(id -u) == 0 ]]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
PORT=${INSTR_PORT:-55499}
SOCK=$(mktemp -d /tmp/survey-instr.XXXXXX); chmod 777 "$SOCK"
trap 'rm -rf "$SOCK"' EXIT

if [[ ! -f "$DATA/PG_VERSION" ]]; then
    mkdir -p "$DATA"; [[ $(id -u) == 0 ]] && chown postgres "$DATA"
    as_owner "$BIN/initdb -D $DATA -A trust -U postgres >/dev/null"
fi
if [[ ! -f "$DATA/instr_rows_$ROWS" ]]; then
    as_owner "$BIN/pg_ctl -D $DATA -o '-p $PORT -k $SOCK -c listen_addresses=' -w start -l $DATA/log >/dev/null"
    psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres postgres <<SQL
DROP EXTENSION IF EXISTS survey CASCADE; CREATE EXTENSION survey;
DROP TABLE IF EXISTS n, nt;
\\set rows $ROWS
\\i '$HERE/narrow.sql'
VACUUM ANALYZE n; VACUUM ANALYZE nt;
SQL
    as_owner "$BIN/pg_ctl -D $DATA -w stop >/dev/null"
    touch "$DATA/instr_rows_$ROWS"
fi
if [[ ! -f "$DATA/instr_cal_$ROWS" ]]; then
    # calibration (issue 10): nc = n with text countries and a role (4 levels, skewed, varying within PSUs),
    # raked to country x role margins (32 cells) and linear with the score as a numeric auxiliary
    as_owner "$BIN/pg_ctl -D $DATA -o '-p $PORT -k $SOCK -c listen_addresses=' -w start -l $DATA/log >/dev/null"
    psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres postgres <<SQL
ALTER EXTENSION survey UPDATE;
DROP TABLE IF EXISTS nc, ncpop;
CREATE TABLE nc AS
SELECT n.id, c.code AS country, n.stratum, n.psu, n.w, n.agree, n.score,
       (ARRAY['investigator','investigator','investigator','investigator','first responder',
              'first responder','first responder','forensic examiner','forensic examiner','manager'])
           [1 + (n.id / 1600) % 10] AS role
FROM n JOIN (VALUES (1,'AT'),(2,'BE'),(3,'CZ'),(4,'DE'),(5,'ES'),(6,'FR'),(7,'IT'),(8,'PL')) AS c(ci, code)
  ON c.ci = n.country
ORDER BY n.id;
\\set calpop ncpop
\\set src nc
\\set x score
\\set xname xscore
\\set cshift 0
\\i '$HERE/calpop.sql'
VACUUM ANALYZE nc;
SQL
    as_owner "$BIN/pg_ctl -D $DATA -w stop >/dev/null"
    touch "$DATA/instr_cal_$ROWS"
else
    # the extension's SQL may have changed since the data was built
    as_owner "$BIN/pg_ctl -D $DATA -o '-p $PORT -k $SOCK -c listen_addresses=' -w start -l $DATA/log >/dev/null"
    psql -X -q -h "$SOCK" -p "$PORT" -U postgres postgres -c "ALTER EXTENSION survey UPDATE" >/dev/null 2>&1 || true
    as_owner "$BIN/pg_ctl -D $DATA -w stop >/dev/null"
fi

DN="svy_design(w, strata => stratum, psu => psu)"
declare -A Q
IDS=(base na nx nb nc0 nc nf ne0 ne ng0 ng ni0 ni ta tb tc0 tc tf ti ca c1 cx cr cl)
Q[base]="SELECT 1"
Q[na]="SELECT sum(w * agree::int) / sum(w) FROM n"
Q[nx]="SELECT count($DN) FROM n"
Q[nb]="SELECT svy_prop(agree, $DN) FROM n"
Q[nc0]="SELECT country, sum(w * agree::int) / sum(w) FROM n GROUP BY country"
Q[nc]="SELECT country, svy_prop(agree, $DN) FROM n GROUP BY country"
Q[nf]="SELECT svy_by(agree, country, $DN) FROM n"
Q[ne0]="SELECT country, sum(w) FROM n GROUP BY country"
Q[ne]="SELECT svy_dist(country, $DN) FROM n"
Q[ng0]="SELECT country, agree, sum(w) FROM n GROUP BY country, agree"
Q[ng]="SELECT (svy_chisq(svy_tab(country, agree, $DN))).* FROM n"
Q[ni0]="SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM n"
Q[ni]="SELECT svy_quantile(score, $DN, 0.5) FROM n"
Q[ta]="SELECT sum(w * agree::int) / sum(w) FROM nt"
Q[tb]="SELECT svy_prop(agree, $DN) FROM nt"
Q[tc0]="SELECT country, sum(w * agree::int) / sum(w) FROM nt GROUP BY country"
Q[tc]="SELECT country, svy_prop(agree, $DN) FROM nt GROUP BY country"
Q[tf]="SELECT svy_by(agree, country, $DN) FROM nt"
Q[ti]="SELECT svy_quantile(score, $DN, 0.5) FROM nt"
# calibration (issue 10) on nc: native, building the calibrated design only, raked and linear svy_prop
CR="svy_calibrate($DN, (SELECT rake FROM ncpop), ARRAY[country, role], method => 'rake')"
CL="svy_calibrate($DN, (SELECT lin FROM ncpop), ARRAY[country, role], ARRAY[score])"
Q[ca]="SELECT sum(w * agree::int) / sum(w) FROM nc"
Q[c1]="SELECT sum(w * agree::int) / sum(w) FILTER (WHERE country IS NOT NULL AND role IS NOT NULL) FROM nc"
Q[cx]="SELECT count($CR) FROM nc"
Q[cr]="SELECT svy_prop(agree, $CR) FROM nc"
Q[cl]="SELECT svy_prop(agree, $CL) FROM nc"

OUT=$(mktemp -d /tmp/survey-instr-out.XXXXXX); chmod 777 "$OUT"
base_ir=0
printf '%-5s %14s %10s  %s\n' id Ir "Ir/row" query
for id in "${IDS[@]}"; do
    [[ $id != base && -n "${INSTR_ONLY:-}" && " $INSTR_ONLY " != *" $id "* ]] && continue
    # warm the cache first so that both runs read the table from shared memory the same way
    printf '%s;\n' "SET max_parallel_workers_per_gather = 0" "SET jit = off" "${Q[$id]}" >"$OUT/$id.sql"
    as_owner "valgrind --tool=callgrind --callgrind-out-file=$OUT/$id.cg $BIN/postgres --single -D $DATA postgres <$OUT/$id.sql >$OUT/$id.out 2>$OUT/$id.err" || { echo "$id: failed, see $OUT/$id.err"; continue; }
    ir=$(grep -m1 '^summary:' "$OUT/$id.cg" | awk '{print $2}')
    [[ $id == base ]] && base_ir=$ir
    printf '%-5s %14s %10s  %s\n' "$id" "$ir" "$(awk -v a="$ir" -v b="$base_ir" -v n="$ROWS" 'BEGIN { printf "%.0f", (a - b) / n }')" "${Q[$id]}"
done
echo "callgrind files: $OUT (callgrind_annotate $OUT/ID.cg)"
