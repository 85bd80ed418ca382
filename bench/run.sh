#!/usr/bin/env bash
# survey benchmark: extension aggregates against native SQL, measured in the same run.
#
#   bench/run.sh                               # 10M rows, 5 timed runs per query, throwaway cluster
#   BENCH_ROWS=200000 BENCH_RUNS=3 bench/run.sh  # smoke check (< 1 minute)
#   BENCH_USE_ENV=1 bench/run.sh               # use the server given by PGHOST/PGPORT/PGUSER/PGDATABASE
#   BENCH_TIMES=file bench/run.sh              # also keep every run's time of every query ("id run ms")
#
# Needs the extension built and installed (make && make install). See bench/README.md.
set -euo pipefail

ROWS=${BENCH_ROWS:-10000000}
RUNS=${BENCH_RUNS:-5}
REP_ROWS=${BENCH_REP_ROWS:-$(( ROWS / 10 ))}   # replicate-weights table: 1M rows at the default size
NREP=${BENCH_NREP:-80}                         # replicate weights per row
WORKERS=${BENCH_WORKERS:-2}                    # max_parallel_workers_per_gather (PostgreSQL default: 2)
WORK_MEM=${BENCH_WORK_MEM:-64MB}               # PostgreSQL default: 4MB
SHARED_BUFFERS=${BENCH_SHARED_BUFFERS:-4GB}    # PostgreSQL default: 128MB (only settable in the throwaway cluster)
PG_VERSION=${BENCH_PG_VERSION:-15}
SELF=$(readlink -f "$0")
HERE=$(dirname "$SELF")                       # bench/: narrow.sql, calpop.sql

# ---------------------------------------------------------------------------------------------------------------
# 1. Get a server: re-exec ourselves inside a throwaway cluster unless told to use the caller's.
if [[ "${BENCH_USE_ENV:-0}" != 1 && -z "${BENCH_IN_VIRTUALENV:-}" ]]; then
    command -v pg_virtualenv >/dev/null || { echo "pg_virtualenv not found (apt-get install postgresql-common)" >&2; exit 1; }
    export BENCH_IN_VIRTUALENV=1
    # The script re-runs itself inside; the marker tells a failed cluster start (retried: another server
    # may have grabbed the port meanwhile) from a failure of the benchmark itself.
    export BENCH_STARTED_MARKER=$(mktemp -u /tmp/survey-bench-started.XXXXXX)
    trap 'rm -f "$BENCH_STARTED_MARKER"' EXIT
    for attempt in 1 2 3; do
        # -t: cluster files under a temporary directory even as root (no clash with other clusters)
        rc=0
        pg_virtualenv -t -v "$PG_VERSION" \
            -o "shared_buffers=$SHARED_BUFFERS" \
            -o "work_mem=$WORK_MEM" \
            -o "max_parallel_workers_per_gather=$WORKERS" \
            "$SELF" "$@" || rc=$?
        [[ -e "$BENCH_STARTED_MARKER" || $rc == 0 ]] && exit $rc
        echo "cluster start failed (attempt $attempt), retrying ..." >&2
        sleep $((attempt * 3))
    done
    exit $rc
fi
[[ -n "${BENCH_STARTED_MARKER:-}" ]] && touch "$BENCH_STARTED_MARKER"
if [[ -z "${BENCH_IN_VIRTUALENV:-}" ]]; then
    # caller's server: shared_buffers stays as configured there; per-session settings via PGOPTIONS
    export PGOPTIONS="${PGOPTIONS:-} -c work_mem=$WORK_MEM -c max_parallel_workers_per_gather=$WORKERS"
fi

SCHEMA=survey_bench
T0=$(date +%s)
el() { echo "[$(( $(date +%s) - T0 ))s]"; }
TMP=$(mktemp -d /tmp/survey-bench.XXXXXX)
cleanup() {
    if [[ -n "${BENCH_IN_VIRTUALENV:-}" || "${BENCH_KEEP:-0}" == 1 ]]; then :; else
        psql -X -q -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

PSQL=(psql -X -q -v ON_ERROR_STOP=1)
q1() { "${PSQL[@]}" -A -t -c "$1"; }   # one value / unaligned rows
qr() { "${PSQL[@]}" -A -t -c "$1" 2>/dev/null || echo "?"; }   # for the report: never fatal
wait_ready() {   # after a backend crash the server restarts; wait until it accepts connections again
    local i
    for ((i = 0; i < 120; i++)); do
        "${PSQL[@]}" -A -t -c "SELECT 1" >/dev/null 2>&1 && return 0
        sleep 1
    done
    echo "server did not come back" >&2; return 1
}

# ---------------------------------------------------------------------------------------------------------------
# 2. Extension and search_path
EXT_OK=1
if ! ext_err=$("${PSQL[@]}" -c "CREATE EXTENSION IF NOT EXISTS survey" 2>&1); then
    EXT_OK=0
    echo "WARNING: CREATE EXTENSION survey failed: $(grep -m1 ERROR <<<"$ext_err" | sed 's/.*ERROR: *//' || true)" >&2
    echo "         (extension queries will print n/a; run 'make && make install' first)" >&2
fi
EXT_SCHEMA=$(q1 "SELECT extnamespace::regnamespace FROM pg_extension WHERE extname = 'survey'" || true)
export PGOPTIONS="${PGOPTIONS:-} -c search_path=$SCHEMA,${EXT_SCHEMA:-public},public"

# ---------------------------------------------------------------------------------------------------------------
# 3. Data. Deterministic (setseed). t: the 10M-row design table; r: replicate-weights table.
#   t: 8 countries x 4 regions = 32 strata (s), 50 PSUs per stratum (p = 1..50, repeating across strata),
#      w ~ U(0.5, 3.5), y boolean with a country-dependent rate and a PSU effect, x float8, q int 1..5
#      [ql likert(5) = q when the likert type exists].
#   r: 40 strata x 2 PSUs, w ~ U(0.5, 3.5), x float8, rw float8[NREP] = w * (1 +- 0.5) by a Sylvester-Hadamard
#      sign pattern (Fay, rho = 0.5).
HAVE_LIKERT=$(q1 "SELECT to_regtype('likert') IS NOT NULL")
echo "$(el) building data: $ROWS rows (t), $REP_ROWS rows x $NREP replicate weights (r) ..."
t_build=$(date +%s.%N)

build_t() {   # $1: extra select-list item ('' or ', q::likert(5) AS ql')
"${PSQL[@]}" -o /dev/null <<SQL
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS $SCHEMA CASCADE;
CREATE SCHEMA $SCHEMA;
SELECT setseed(0.42);
CREATE TABLE t AS
SELECT c.country, g.region, g.s, g.p, g.w, g.y, g.x, g.q, g.role $1
FROM (
    SELECT ci, region, s, p, w, role,
           random() < 0.15 + 0.08 * ci + ((s * 7919 + p * 104729) % 21 - 10) * 0.01 AS y,
           40 + 3 * ci + ((s * 131 + p * 977) % 11 - 5)
              + 10 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS x,
           least(5, 1 + floor(5 * power(random(), 0.6 + 0.15 * ci)))::int AS q
    FROM (
        SELECT (i % 8)::int AS ci, ((i / 8) % 4)::int AS region,
               ((i % 8) * 4 + (i / 8) % 4 + 1)::int AS s,
               ((i / 32) % 50 + 1)::int AS p,
               0.5 + 3 * random() AS w,
               (ARRAY['investigator', 'investigator', 'investigator', 'investigator', 'first responder',
                      'first responder', 'first responder', 'forensic examiner', 'forensic examiner',
                      'manager'])[1 + (i / 1600) % 10] AS role
        FROM generate_series(0, $ROWS - 1) AS i
    ) a
) g
JOIN (VALUES (0,'AT'),(1,'BE'),(2,'CZ'),(3,'DE'),(4,'ES'),(5,'FR'),(6,'IT'),(7,'PL')) AS c(ci, country)
  ON c.ci = g.ci;
SQL
}
if [[ "$HAVE_LIKERT" == t ]] && build_t ", q::likert(5) AS ql" 2>"$TMP/likert.err"; then
    :
else
    if [[ "$HAVE_LIKERT" == t ]]; then
        HAVE_LIKERT=f; echo "WARNING: likert column failed: $(head -1 "$TMP/likert.err")" >&2
    fi
    build_t ""
fi

"${PSQL[@]}" -o /dev/null <<SQL
SELECT setseed(0.17);
CREATE TABLE mult AS                       -- 40 strata x 2 PSUs -> NREP multipliers 0.5 / 1.5
SELECT h, k,
       array_agg(CASE WHEN (bit_count((h & rep)::bit(32)) + k) % 2 = 0 THEN 1.5 ELSE 0.5 END::float8
                 ORDER BY rep) AS m
FROM generate_series(1, 40) h, generate_series(0, 1) k, generate_series(0, $NREP - 1) rep
GROUP BY h, k;
CREATE TABLE r AS
SELECT a.h AS s, a.k AS p, a.w, a.x,
       ARRAY(SELECT a.w * mm FROM unnest(m.m) AS mm) AS rw
FROM (
    SELECT (i % 40 + 1)::int AS h, ((i / 40) % 2)::int AS k, 0.5 + 3 * random() AS w,
           20 + (i % 40) * 0.5 + 5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS x
    FROM generate_series(0, $REP_ROWS - 1) AS i
) a
JOIN mult m ON m.h = a.h AND m.k = a.k;
DROP TABLE mult;
SQL
# n, nt: the narrow fact tables of issue 14 (bench/narrow.sql), as many rows as t
"${PSQL[@]}" -o /dev/null -v rows="$ROWS" -f "$HERE/narrow.sql"
# Calibration (issue 10): calpop, the margins of t's population (bench/calpop.sql), and the bare transition
# state of the linear estimators, to show its size.
# (If this fails, e.g. an extension without calibration, the lines cr and cl report the error.)
"${PSQL[@]}" -o /dev/null -v calpop=calpop -v src=t -v x=x -v xname=x -v cshift=-1 -f "$HERE/calpop.sql" \
    -c "CREATE AGGREGATE svy_state_of(boolean, svy_design) (SFUNC = svy_accum_bool_transfn, STYPE = svy_aggstate)" \
    2>"$TMP/calpop.err" || echo "WARNING: calibration margins not built: $(grep -m1 ERROR "$TMP/calpop.err" || true)" >&2
"${PSQL[@]}" -c "VACUUM ANALYZE t" -c "VACUUM ANALYZE r" -c "VACUUM ANALYZE n" -c "VACUUM ANALYZE nt" -c "CHECKPOINT"
t_built=$(date +%s.%N)

# ---------------------------------------------------------------------------------------------------------------
# 4. The queries. id | baseline id | target ("<= 1.5", ">= 3" on id/baseline; "-" none) | label | SQL
D="svy_design(w, strata => s, psu => p)"
QL=q; [[ "$HAVE_LIKERT" == t ]] && QL=ql

HAND_2PASS="WITH est AS (
    SELECT sum(w * y::int) / sum(w) AS phat, sum(w) AS sw FROM t
), psu AS (
    SELECT t.s, t.p, sum(t.w * (t.y::int - est.phat)) / est.sw AS z
    FROM t CROSS JOIN est
    GROUP BY t.s, t.p, est.phat, est.sw
), strat AS (
    SELECT s, count(*) AS n_h, avg(z) AS zbar FROM psu GROUP BY s
)
SELECT est.phat AS estimate,
       sqrt(sum(strat.n_h::float8 / (strat.n_h - 1) * (psu.z - strat.zbar) ^ 2)) AS std_error
FROM psu JOIN strat USING (s) CROSS JOIN est
GROUP BY est.phat"

HAND_1PASS="WITH psu AS (
    SELECT s, p, sum(w * y::int) AS a, sum(w) AS b FROM t GROUP BY s, p
), est AS (
    SELECT sum(a) / sum(b) AS phat, sum(b) AS sw FROM psu
), z AS (
    SELECT psu.s, (psu.a - est.phat * psu.b) / est.sw AS z FROM psu CROSS JOIN est
), strat AS (
    SELECT s, count(*) AS n_h, avg(z) AS zbar FROM z GROUP BY s
)
SELECT est.phat AS estimate,
       sqrt(sum(strat.n_h::float8 / (strat.n_h - 1) * (z.z - strat.zbar) ^ 2)) AS std_error
FROM z JOIN strat USING (s) CROSS JOIN est
GROUP BY est.phat"

rep_native="SELECT sum(w * x) AS s0, sum(w) AS w0"
for ((k = 1; k <= NREP; k++)); do rep_native+=", sum(rw[$k] * x) AS s$k, sum(rw[$k]) AS w$k"; done
rep_native+=" FROM r"

IDS=(); declare -A BASE TARGET LABEL SQLQ PRE
add() {   # BENCH_ONLY="a b c0 c": run only these ids (include the baselines you want ratios against)
    if [[ -n "${BENCH_ONLY:-}" && " $BENCH_ONLY " != *" $1 "* ]]; then return; fi
    IDS+=("$1"); BASE[$1]=$2; TARGET[$1]=$3; LABEL[$1]=$4; SQLQ[$1]=$5; PRE[$1]=${6:-}
}
SERIAL="SET max_parallel_workers_per_gather = 0"   # information rows: the same query with a serial plan
add a  -  -       "native sum(w*y)/sum(w)"          "SELECT sum(w * y::int) / sum(w) FROM t"
add as a  -       "native sum, serial plan, info"   "SELECT sum(w * y::int) / sum(w) FROM t" "$SERIAL"
add b  a  "<= 1.5" "svy_prop"                         "SELECT svy_prop(y, $D) FROM t"
add c0 -  -       "native GROUP BY country"         "SELECT country, sum(w * y::int) / sum(w) FROM t GROUP BY country"
add c  c0 "<= 1.5" "svy_prop GROUP BY country"        "SELECT country, svy_prop(y, $D) FROM t GROUP BY country"
add d  b  ">= 3"  "hand SQL Taylor SE (2 scans)"    "$HAND_2PASS"
add d1 b  -       "hand SQL Taylor SE (1 scan) info" "$HAND_1PASS"
add e0 -  -       "native GROUP BY q sum(w)"        "SELECT q, sum(w) FROM t GROUP BY q"
add e  e0 "<= 2"  "svy_dist($QL)"                   "SELECT svy_dist($QL, $D) FROM t"
add f  c0 "<= 1.5" "svy_by(y, country)"               "SELECT svy_by(y, country, $D) FROM t"
add g0 -  -       "native GROUP BY country, q"      "SELECT country, q, sum(w) FROM t GROUP BY country, q"
add g  g0 "<= 2"  "svy_chisq(svy_tab(country, q))"  "SELECT (svy_chisq(svy_tab(country, q, $D))).* FROM t"
# regression: intercept + country (8 levels) + q (5 levels) as treatment dummies = 12 coefficients; the fit
# reduces to weighted sums per (country, q) cell, so the native baseline is that GROUP BY
XG="ARRAY[1::float8] || svy_dummies(country, ARRAY['AT','BE','CZ','DE','ES','FR','IT','PL']) || svy_dummies(q, ARRAY[1,2,3,4,5])"
add g1 -  -       "native GROUP BY country, q, 3 sums" "SELECT country, q, sum(w), sum(w * y::int), sum(w * x) FROM t GROUP BY country, q"
add jx g1 -       "building x only, info"            "SELECT sum(cardinality($XG)) FROM t"
add j  g1 "<= 2"  "svy_glm logistic, 12 coefficients" "SELECT svy_glm(y::int::float8, $XG, $D, 'quasibinomial') FROM t"
add k  g1 "<= 1.5" "svy_glm gaussian, same x"          "SELECT svy_glm(x, $XG, $D) FROM t"
add h0 -  -       "native $((NREP + 1))x2 replicate sums" "$rep_native"
add h  h0 "<= 2"  "svy_mean Fay $NREP reps"           "SELECT svy_mean(x, svy_repdesign(w, rw, 'Fay', rho => 0.5)) FROM r"
# calibration (issue 10): svy_prop on the design raked to country x role margins (32 cells), and calibrated
# linearly to the same margins plus the total of x (one numeric auxiliary), against the native sum
CALR="svy_calibrate($D, (SELECT rake FROM calpop), ARRAY[country, role], method => 'rake')"
CALL="svy_calibrate($D, (SELECT lin FROM calpop), ARRAY[country, role], ARRAY[x])"
add cr a  "<= 1.5" "svy_prop, raked (country x role)"  "SELECT svy_prop(y, $CALR) FROM t"
add cl a  "<= 1.6" "svy_prop, linear (+ numeric x)"    "SELECT svy_prop(y, $CALL) FROM t"
# information: the per-(PSU, cell) sums that a calibrated estimate is computed from, in native SQL
add cr0 a -       "native sums by PSU x country x role, info" "SELECT s, p, country, role, sum(w), sum(w * y::int) FROM t GROUP BY s, p, country, role"
# information: the native sum reading the calibration's columns too (role is t's last column, behind text)
add cr1 a -       "native sum reading country, role, info" "SELECT sum(w * y::int) / sum(w) FILTER (WHERE country IS NOT NULL AND role IS NOT NULL) FROM t"
add i0 -  -       "native percentile_cont(0.5)"     "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM t"
add i  i0 "<= 1.5" "svy_quantile(x, 0.5)"             "SELECT svy_quantile(x, $D, 0.5) FROM t"
add is i0 -       "svy_quantile, serial plan, info" "SELECT svy_quantile(x, $D, 0.5) FROM t" "$SERIAL"

# narrow table n (issue 14), every comparison in both plans: the parallel plan PostgreSQL picks, and (suffix s)
# a serial plan, against the native baseline with the same plan. nt: the same rows with text strata, PSUs and
# countries; its lines compare with the same query on n (raw, info: nt is 25% larger, and PostgreSQL's own
# queries on it take 1.1-1.2x as long), and the block "text keys" after the table holds their targets.
DN="svy_design(w, strata => stratum, psu => psu)"
narrow() {   # id base target label sql: the parallel line and its serial twin
    add "$1" "$2" "$3" "$4" "$5"
    add "${1}s" "$([[ $2 == - ]] && echo - || echo "${2}s")" "$3" "$4, serial" "$5" "$SERIAL"
}
narrow na  -   -        "narrow: native sum"              "SELECT sum(w * agree::int) / sum(w) FROM n"
narrow nx  na  -        "narrow: count(svy_design) info"  "SELECT count($DN) FROM n"
narrow nb  na  "<= 1.3" "narrow: svy_prop"                "SELECT svy_prop(agree, $DN) FROM n"
narrow nc0 -   -        "narrow: native GROUP BY country" "SELECT country, sum(w * agree::int) / sum(w) FROM n GROUP BY country"
narrow nc  nc0 "<= 1.3" "narrow: svy_prop GROUP BY country" "SELECT country, svy_prop(agree, $DN) FROM n GROUP BY country"
narrow nf  nc0 "<= 1.3" "narrow: svy_by(agree, country)"  "SELECT svy_by(agree, country, $DN) FROM n"
narrow ne0 -   -        "narrow: native GROUP BY country sum(w)" "SELECT country, sum(w) FROM n GROUP BY country"
narrow ne  ne0 "<= 1.5" "narrow: svy_dist(country)"       "SELECT svy_dist(country, $DN) FROM n"
narrow ng0 -   -        "narrow: native GROUP BY country, agree" "SELECT country, agree, sum(w) FROM n GROUP BY country, agree"
narrow ng  ng0 "<= 1.5" "narrow: svy_chisq(svy_tab)"      "SELECT (svy_chisq(svy_tab(country, agree, $DN))).* FROM n"
narrow ni0 -   -        "narrow: native percentile_cont"  "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM n"
narrow ni  ni0 "<= 1.3" "narrow: svy_quantile(score, 0.5)" "SELECT svy_quantile(score, $DN, 0.5) FROM n"
narrow ta  na  -        "text keys: native sum, info"     "SELECT sum(w * agree::int) / sum(w) FROM nt"
narrow tb  nb  -        "text keys: svy_prop, raw info"   "SELECT svy_prop(agree, $DN) FROM nt"
narrow tc0 nc0 -        "text keys: native GROUP BY country, info" "SELECT country, sum(w * agree::int) / sum(w) FROM nt GROUP BY country"
narrow tc  nc  -        "text keys: svy_prop GROUP BY country, raw info" "SELECT country, svy_prop(agree, $DN) FROM nt GROUP BY country"
narrow tf  nf  -        "text keys: svy_by(agree, country), raw info" "SELECT svy_by(agree, country, $DN) FROM nt"
narrow ti0 ni0 -        "text keys: native percentile_cont, info" "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM nt"
narrow ti  ni  -        "text keys: svy_quantile, raw info" "SELECT svy_quantile(score, $DN, 0.5) FROM nt"

# Text keys (issue 14, target: within 1.15x of integer keys). The two tables differ in more than the keys' type
# (nt's rows are wider), so each query is measured against PostgreSQL's own query on its table, and the target
# is on the quotient: (text query / its native baseline on nt) / (integer query / its native baseline on n).
declare -A TK_TEXT TK_TBASE TK_INT TK_IBASE
TK_IDS=()
textkeys() {   # id text-query text-baseline int-query int-baseline (each also with its serial twin, suffix s)
    for sfx in "" s; do
        TK_IDS+=("$1$sfx"); TK_TEXT[$1$sfx]=$2$sfx; TK_TBASE[$1$sfx]=$3$sfx; TK_INT[$1$sfx]=$4$sfx; TK_IBASE[$1$sfx]=$5$sfx
    done
}
textkeys xb tb ta  nb na
textkeys xc tc tc0 nc nc0
textkeys xf tf tc0 nf nc0
textkeys xi ti ti0 ni ni0

# ---------------------------------------------------------------------------------------------------------------
# 5. Warm-up run (not counted): also decides which queries exist. Then RUNS rounds, queries interleaved.
declare -A STATUS PAR MEDIAN MIN
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
RUNNABLE=()
echo "$(el) warm-up run (not counted) ..."
for id in "${IDS[@]}"; do
    pre=${PRE[$id]:+${PRE[$id]}; }
    if err=$("${PSQL[@]}" -o /dev/null -c "$pre${SQLQ[$id]}" 2>&1); then
        STATUS[$id]=ok; RUNNABLE+=("$id")
        plan=$("${PSQL[@]}" -A -t -c "${pre}EXPLAIN (COSTS OFF) ${SQLQ[$id]}" 2>/dev/null || true)
        if grep -q 'Partial .*Aggregate' <<<"$plan"; then PAR[$id]=partial
        elif grep -q 'Gather' <<<"$plan"; then PAR[$id]=gather
        else PAR[$id]=serial; fi
        [[ $id == a || $id == b ]] && printf '%s\n' "$plan" >"$TMP/plan_$id"
    else
        msg=$(grep -m1 'ERROR' <<<"$err" | sed 's/.*ERROR: *//' || true)
        if grep -Eqi 'server closed the connection|terminated abnormally|connection to server .*lost' <<<"$err"; then
            STATUS[$id]="ERROR: server crashed (backend terminated abnormally)"
            wait_ready
        elif grep -Eq '(function|type|operator|aggregate) .*does not exist' <<<"$msg"; then
            STATUS[$id]="n/a (not implemented)"
        else
            STATUS[$id]="ERROR: ${msg:-$err}"
        fi
    fi
done

# Run order: each text-key query (t...) right after its integer twin (n...), so that the four times of a text-key
# quotient are seconds apart in every run.
declare -A IS_RUNNABLE
for id in "${RUNNABLE[@]}"; do IS_RUNNABLE[$id]=1; done
ORDER=()
for id in "${RUNNABLE[@]}"; do
    [[ $id == t* && -n "${IS_RUNNABLE[n${id#t}]:-}" ]] && continue
    ORDER+=("$id")
    [[ $id == n* && -n "${IS_RUNNABLE[t${id#n}]:-}" ]] && ORDER+=("t${id#n}")
done
{
    echo '\timing on'
    echo '\o /dev/null'
    for ((run = 1; run <= RUNS; run++)); do
        for id in "${ORDER[@]}"; do
            [[ -z "${PRE[$id]}" ]] || printf '%s;\n' "${PRE[$id]}"
            echo "\\echo @@ $id $run"
            printf '%s;\n' "${SQLQ[$id]}"
            [[ -z "${PRE[$id]}" ]] || echo "RESET max_parallel_workers_per_gather;"
        done
    done
} >"$TMP/rounds.sql"
echo "$(el) $RUNS timed runs of ${#RUNNABLE[@]} queries (interleaved) ..."
psql -X -q -v ON_ERROR_STOP=0 -f "$TMP/rounds.sql" >"$TMP/rounds.out" 2>"$TMP/rounds.err" || wait_ready
# "@@ id run" then "Time: 123.456 ms [(00:01.234)]": lines "id run ms"
awk '/^@@ /{id=$2; run=$3; next} /^Time: /{ if (id != "") { print id, run, $2; id="" } }' "$TMP/rounds.out" >"$TMP/times"
[[ -z "${BENCH_TIMES:-}" ]] || cp "$TMP/times" "$BENCH_TIMES"   # every run's time, for a closer look

median() {   # of the numbers on stdin, printed with format $1 (default %.1f)
    sort -n | awk -v f="${1:-%.1f}" '{v[NR]=$1} END { if (NR==0) exit; printf f, (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2 }'
}
for id in "${RUNNABLE[@]}"; do
    n=$(awk -v id="$id" '$1==id' "$TMP/times" | wc -l)
    if (( n < RUNS )); then
        STATUS[$id]="ERROR during timed runs ($n/$RUNS ok): $(grep -m1 -E 'ERROR|FATAL|server closed|lost' "$TMP/rounds.err" | sed 's/.*ERROR: *//' || true)"
        continue
    fi
    MEDIAN[$id]=$(awk -v id="$id" '$1==id {print $3}' "$TMP/times" | median)
    MIN[$id]=$(awk -v id="$id" '$1==id {print $3}' "$TMP/times" | sort -n | head -1 | awk '{printf "%.1f", $1}')
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------------------------
# 6. Report
echo "$(el) report"
echo
echo "== survey benchmark"
echo "server:     $(qr 'SELECT version()')"
echo "extension:  $(qr "SELECT coalesce((SELECT extversion FROM pg_extension WHERE extname = 'survey'), 'NOT INSTALLED')")"
echo "settings:   max_parallel_workers_per_gather=$(qr 'SHOW max_parallel_workers_per_gather')" \
     "max_parallel_workers=$(qr 'SHOW max_parallel_workers') work_mem=$(qr 'SHOW work_mem')" \
     "shared_buffers=$(qr 'SHOW shared_buffers') jit=$(qr 'SHOW jit'); everything else default"
echo "machine:    $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM," \
     "load average before timing $LOAD_BEFORE, after $LOAD_AFTER (other work on the machine skews figures)"
echo "data:       t $(qr 'SELECT count(*) FROM t') rows ($(qr "SELECT pg_size_pretty(pg_total_relation_size('t'))")," \
     "$(qr 'SELECT count(DISTINCT s) FROM t') strata, $(qr 'SELECT count(*) FROM (SELECT DISTINCT s, p FROM t) x') PSUs," \
     "likert column: $([[ $HAVE_LIKERT == t ]] && echo yes || echo no));" \
     "r $(qr 'SELECT count(*) FROM r') rows x $NREP replicate weights ($(qr "SELECT pg_size_pretty(pg_total_relation_size('r'))"));" \
     "n $(qr 'SELECT count(*) FROM n') rows ($(qr "SELECT pg_size_pretty(pg_total_relation_size('n'))")," \
     "$(qr 'SELECT count(DISTINCT stratum) FROM n') strata, $(qr 'SELECT count(DISTINCT psu) FROM n') PSUs)," \
     "nt ($(qr "SELECT pg_size_pretty(pg_total_relation_size('nt'))"))"
echo "build:      $(awk -v a="$t_build" -v b="$t_built" 'BEGIN { printf "%.0f s", b - a }')"
echo "timing:     median of $RUNS runs (after 1 warm-up run), psql \\timing wall-clock, queries interleaved"
echo
for id in a b; do
    [[ -n "${STATUS[$id]:-}" ]] || continue
    if [[ -f "$TMP/plan_$id" ]]; then
        par=no; grep -q 'Parallel' "$TMP/plan_$id" && par=yes
        partial=no; grep -q 'Partial .*Aggregate' "$TMP/plan_$id" && partial=yes
        echo "plan ($id) ${LABEL[$id]}: Parallel=$par, Partial Aggregate=$partial"
    else
        echo "plan ($id) ${LABEL[$id]}: ${STATUS[$id]}"
    fi
done
echo

fmt='%-4s %-40s %10s %10s  %-4s %7s  %-7s %-6s %-8s\n'
printf "$fmt" id query "median ms" "min ms" vs ratio target result plan
printf "$fmt" ---- ---------------------------------------- ---------- ---------- ---- ------- ------- ------ --------
NFAIL=0; NPASS=0; NNA=0
for id in "${IDS[@]}"; do
    base=${BASE[$id]}; target=${TARGET[$id]}
    if [[ ${STATUS[$id]} != ok ]]; then
        printf "$fmt" "$id" "${LABEL[$id]}" "-" "-" "$base" "-" "$target" "-" "-"
        printf '      %s\n' "${STATUS[$id]}"
        [[ $target != - ]] && NNA=$((NNA + 1))
        continue
    fi
    ms=${MEDIAN[$id]}; ratio=-; result=""
    if [[ $base != - ]]; then
        if [[ -n "${MEDIAN[$base]:-}" ]]; then
            ratio=$(awk -v a="$ms" -v b="${MEDIAN[$base]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
            if [[ $target != - ]]; then
                op=${target% *}; lim=${target#* }
                if awk -v r="$ratio" -v l="$lim" -v op="$op" 'BEGIN { exit !((op == "<=") ? r <= l : r >= l) }'; then
                    result=PASS; NPASS=$((NPASS + 1))
                else
                    result=FAIL; NFAIL=$((NFAIL + 1))
                fi
            fi
        else
            ratio="n/a"; [[ $target != - ]] && NNA=$((NNA + 1))
        fi
    fi
    printf "$fmt" "$id" "${LABEL[$id]}" "$ms" "${MIN[$id]}" "$base" "$ratio" "$target" "$result" "${PAR[$id]}"
done
echo
echo "ratio = this query's median / the median of the query in column 'vs' (for d: hand SQL / svy_prop)."
echo "plan: partial = parallel Partial Aggregate, gather = parallel without partial aggregation, serial = no workers."

# Text keys against integer keys, each against PostgreSQL's own query on its table (see textkeys above). The
# target is on the median over the runs of each run's quotient (its four queries run seconds apart, see the run
# order, so a machine that is slower for a while slows all four); the quotient of the four medians is shown too.
echo
echo "text keys (issue 14): text = text query / its native baseline on nt, int = integer query / its baseline on n;"
echo "ratio = median over the $RUNS runs of each run's (text / int), its range over the runs; 'of medians' = the"
echo "quotient of the columns text and int"
tfmt='%-4s %-40s %7s %7s %10s %7s %11s  %-7s %-6s\n'
printf "$tfmt" id query "text" "int" "of medians" ratio "range" target result
printf "$tfmt" ---- ---------------------------------------- ------- ------- ---------- ------- ----------- ------- ------
for id in "${TK_IDS[@]}"; do
    q=(${TK_TEXT[$id]} ${TK_TBASE[$id]} ${TK_INT[$id]} ${TK_IBASE[$id]})
    label="${LABEL[${TK_TEXT[$id]}]:-${TK_TEXT[$id]}}"; label=${label#text keys: }; label=${label/, raw info/}
    missing=""
    for qid in "${q[@]}"; do [[ -n "${MEDIAN[$qid]:-}" ]] || missing+=" $qid"; done
    if [[ -n $missing ]]; then
        # BENCH_ONLY runs without these lines do not count them
        [[ -n "${BENCH_ONLY:-}" ]] && continue
        printf "$tfmt" "$id" "$label" - - - - - "<= 1.15" -
        printf '      not measured:%s\n' "$missing"; NNA=$((NNA + 1)); continue
    fi
    read -r rt ri rm < <(awk -v a="${MEDIAN[${q[0]}]}" -v b="${MEDIAN[${q[1]}]}" -v c="${MEDIAN[${q[2]}]}" \
        -v d="${MEDIAN[${q[3]}]}" 'BEGIN { printf "%.3f %.3f %.2f\n", a / b, c / d, (a / b) / (c / d) }')
    # each run's quotient, from the four times of that run
    quots=$(awk -v t="${q[0]}" -v tb="${q[1]}" -v i="${q[2]}" -v ib="${q[3]}" '
        { ms[$1, $2] = $3; runs[$2] = 1 }
        END {
            for (r in runs) if (((t, r) in ms) && ((tb, r) in ms) && ((i, r) in ms) && ((ib, r) in ms))
                print (ms[t, r] / ms[tb, r]) / (ms[i, r] / ms[ib, r])
        }' "$TMP/times" | sort -n)
    ratio=$(median %.2f <<<"$quots")
    lo=$(head -1 <<<"$quots" | awk '{printf "%.2f", $1}'); hi=$(tail -1 <<<"$quots" | awk '{printf "%.2f", $1}')
    if awk -v r="$ratio" 'BEGIN { exit !(r <= 1.15) }'; then result=PASS; NPASS=$((NPASS + 1))
    else result=FAIL; NFAIL=$((NFAIL + 1)); fi
    printf "$tfmt" "$id" "$label" "$rt" "$ri" "$rm" "$ratio" "$lo-$hi" "<= 1.15" "$result"
done

# Calibrated states grow with PSUs x cells, never with rows: the transition state of (cr) and (cl) after a tenth
# of t's rows and after all of them (svy_state_of: the state without a final function; pg_column_size = its
# flattened bytes, as a parallel worker ships it).
if [[ ${STATUS[cr]:-} == ok || ${STATUS[cl]:-} == ok ]]; then
    echo
    for cid in cr cl; do
        [[ ${STATUS[$cid]:-} == ok ]] || continue
        cal=$CALR; [[ $cid == cl ]] && cal=$CALL
        part=$(( ROWS / 10 ))
        sz_part=$(qr "SELECT pg_column_size(svy_state_of(y, $cal)) FROM (SELECT * FROM t LIMIT $part) t")
        sz_all=$(qr "SELECT pg_column_size(svy_state_of(y, $cal)) FROM t")
        echo "state size ($cid): $sz_part bytes after $part rows, $sz_all bytes after $ROWS rows"
    done
fi

# ---------------------------------------------------------------------------------------------------------------
# 7. Correctness cross-check: the hand-written linearization must give svy_prop's std_error (1e-9 relative).
echo
if [[ ${STATUS[b]:-} == ok && ${STATUS[d]:-} == ok ]]; then
    for hid in d d1; do
        [[ ${STATUS[$hid]:-} == ok ]] || continue
        "${PSQL[@]}" -A -t -F ' ' -c "
            WITH h AS (${SQLQ[$hid]}),
                 e AS (SELECT (svy_prop(y, $D)).* FROM t)
            SELECT e.estimate, h.estimate, e.std_error, h.std_error,
                   abs(e.std_error - h.std_error) / nullif(abs(h.std_error), 0) AS rel,
                   abs(e.estimate - h.estimate) / nullif(abs(h.estimate), 0) AS rel_est
            FROM e, h" | while read -r pe ph se sh rel rele; do
            verdict=DIFF
            awk -v r="$rel" -v q="$rele" 'BEGIN { exit !(r != "" && r <= 1e-9 && q <= 1e-9) }' && verdict=OK
            printf 'SE check (%s vs b): svy_prop p=%.12g se=%.12g | hand SQL p=%.12g se=%.12g | rel diff se=%s est=%s  %s\n' \
                "$hid" "$pe" "$se" "$ph" "$sh" "$rel" "$rele" "$verdict"
        done || echo "SE check ($hid): query failed"
    done
else
    echo "SE check: n/a (svy_prop: ${STATUS[b]:-not run}, hand SQL: ${STATUS[d]:-not run})"
fi
echo
echo "$(el) done"
echo "targets: $NPASS PASS, $NFAIL FAIL, $NNA not measured"
