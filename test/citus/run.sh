#!/usr/bin/env bash
# The survey aggregates on a local Citus cluster: coordinator + 2 workers on localhost.
#
#   PG_CONFIG=... test/citus/run.sh                  # Citus installed in that PostgreSQL
#   PG_CONFIG=... CITUS_SRC=/path/to/citus test/citus/run.sh   # builds and installs Citus first
#
# Installs survey (make install) into the PostgreSQL of PG_CONFIG, starts three servers
# (CITUS_PORTS, default 55410-55412; data under CITUS_DATA, default a new /tmp directory,
# removed afterwards unless CITUS_KEEP=1), creates the extension on the coordinator (Citus
# propagates it to the workers), loads the regression data (apiclus1, apiclus2, apistrat from
# test/oracle/data), a bench-like table (CITUS_CHECK_ROWS rows, strata x PSUs, likert and
# choices columns), a replicate-weights table and calibration margins (a coordinator table, a
# reference table and a reference table of svy_population values), and distributes copies of
# the data: first by PSU, then by respondent id (PSUs span shards).  Every query below runs on
# the local copies (single node) and on the distributed tables with
# citus.coordinator_aggregation_strategy = 'disabled' (so nothing may fall back to gathering
# rows); every number must agree to 1e-12 relative.  EXPLAIN must show worker_partial_agg / coord_combine_agg.  Bad states at the
# coordinator must give clear errors.  Covered: every aggregate and reader, calibrated designs
# (Taylor and replicate, every method, the margins' forms), svy_weight, svy_weights_summary,
# svy_glm with svy_coef/svy_wald, two-stage designs, and svy_population (no combine function:
# gathered to the coordinator, refused with the fallback disabled).  Exceptions to 1e-12 are
# named at the list of checks (svy_glm: 1e-9).
# Without Citus it prints one line "skipped: <why>" and exits 0.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
. "$HERE/cluster.sh"

why=$(citus_unavailable)
if [[ -n "$why" ]]; then echo "skipped: $why"; exit 0; fi
PGBIN=$("$PG_CONFIG" --bindir)

survey_build_install "$SRC" || { echo "FAIL: could not build and install survey with $PG_CONFIG"; exit 1; }

OWN_DATA=0; [[ -z "${CITUS_DATA:-}" ]] && OWN_DATA=1
citus_start
cleanup() {
    rm -rf "${TMP:-}"
    [[ "${CITUS_KEEP:-0}" == 1 ]] && { echo "cluster kept: $CITUS_DATA (ports $CITUS_PORTS)"; return; }
    citus_stop
    [[ $OWN_DATA == 1 ]] && rm -rf "$CITUS_DATA"
    return 0
}
trap cleanup EXIT
TMP=$(mktemp -d /tmp/survey-citus-check.XXXXXX)
chmod 755 "$TMP"

FAILS=0
ok() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; FAILS=$((FAILS + 1)); }

citus_psql "$COORD" -c "DROP EXTENSION IF EXISTS survey CASCADE" -c "CREATE EXTENSION survey" >/dev/null
for w in $WORKERS; do
    v=$(citus_psql "$w" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'survey'")
    [[ -n "$v" ]] && ok "survey $v on worker $w" || fail "survey not created on worker $w"
done
echo "citus $(citus_psql "$COORD" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'citus'"), \
survey $(citus_psql "$COORD" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'survey'"), \
$(citus_psql "$COORD" -Atc "SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary'") nodes"

# ---------------------------------------------------------------------------------------------
# Data: local copies (the single-node reference) on the coordinator.
ROWS=${CITUS_CHECK_ROWS:-100000}
cp "$SRC/test/oracle/data/apiclus1.csv" "$SRC/test/oracle/data/apiclus2.csv" \
    "$SRC/test/oracle/data/apistrat.csv" "$TMP/"
chmod 644 "$TMP"/*.csv
citus_psql "$COORD" >/dev/null <<SQL
DROP TABLE IF EXISTS apiclus1_local, apiclus2_local, apistrat_local, t_local, r_local,
    pop_local, pop_ref, popv_ref, popc_ref;
CREATE TABLE apiclus1_local (id int, snum int, dnum int, cnum int, stype text, api00 float8,
    api99 float8, enroll float8, api_stu float8, sch_wide text, awards text, pw float8, fpc float8);
CREATE TABLE apiclus2_local (id int, snum int, dnum int, stype text, api00 float8, api99 float8,
    enroll float8, api_stu float8, pw float8, fpc1 float8, fpc2 float8);
CREATE TABLE apistrat_local (id int, snum int, dnum int, stype text, api00 float8, api99 float8,
    enroll float8, api_stu float8, meals float8, sch_wide text, awards text, pw float8, fpc float8);
\copy apiclus1_local FROM '$TMP/apiclus1.csv' CSV HEADER
\copy apiclus2_local FROM '$TMP/apiclus2.csv' CSV HEADER
\copy apistrat_local FROM '$TMP/apistrat.csv' CSV HEADER
SELECT setseed(0.42);
CREATE TABLE t_local AS
SELECT i AS id, (ARRAY['AT','BE','CZ','DE','ES','FR','IT','PL'])[i % 8 + 1] AS country,
       (i % 8) * 4 + (i / 8) % 4 + 1 AS s, (i / 32) % 50 + 1 AS p, 0.5 + 3 * random() AS w,
       random() < 0.2 + 0.05 * (i % 8) AS y,
       40 + 3 * (i % 8) + 10 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS x,
       CASE WHEN i % 97 = 0 THEN NULL ELSE least(5, 1 + floor(5 * random()))::int END AS q,
       CASE WHEN i % 89 = 0 THEN 'dk/1..5'::likert(5)
            ELSE least(5, 1 + floor(5 * random()))::int::likert(5) END AS ql,
       choices(ARRAY[1 + i % 3, 2 + (i / 3) % 4]) AS ch
FROM generate_series(0, $ROWS - 1) AS i;
-- replicate designs: x spread wide against its mean, so that the replicate SE is not
-- dominated by rounding (summation order differs between plans and nodes)
CREATE TABLE r_local AS
SELECT i AS id, i % 10 AS g, 1 + random() AS w, 5 * random() AS x,
       ARRAY(SELECT (1 + random()) * (0.5 + random()) FROM generate_series(1, 20) k WHERE i >= 0) AS rw
FROM generate_series(0, $(( ROWS / 100 )) - 1) AS i;
-- calibration margins (long form): a table on the coordinator only, a reference table (a copy on
-- every node) and a reference table of ready svy_population values
CREATE TABLE pop_local (tab text, ord int, variable text, level text, total float8);
INSERT INTO pop_local VALUES
    ('api', 1, 'stype', 'E', 4421), ('api', 2, 'stype', 'H', 755), ('api', 3, 'stype', 'M', 1018),
    ('api', 4, 'api99', NULL, 3914069),
    ('t', 1, 'country', 'AT', 30000), ('t', 2, 'country', 'BE', 20000), ('t', 3, 'country', 'CZ', 28000),
    ('t', 4, 'country', 'DE', 22000), ('t', 5, 'country', 'ES', 26000), ('t', 6, 'country', 'FR', 24000),
    ('t', 7, 'country', 'IT', 27000), ('t', 8, 'country', 'PL', 23000),
    ('t', 9, 'third', '0', 66000), ('t', 10, 'third', '1', 67000), ('t', 11, 'third', '2', 67000),
    ('t', 12, 'x', NULL, 9.9e6),
    ('r', 11, 'x', NULL, 3800)$(for g in 0 1 2 3 4 5 6 7 8 9; do printf ", ('r', %d, 'g', '%d', %d)" $g $g $((140 + 3 * g)); done);
SET client_min_messages = warning;
CREATE TABLE pop_ref (LIKE pop_local);
SELECT create_reference_table('pop_ref');
INSERT INTO pop_ref SELECT * FROM pop_local;
CREATE TABLE popv_ref (name text, p svy_population);
SELECT create_reference_table('popv_ref');
INSERT INTO popv_ref
SELECT 'api', svy_population(variable, level, total ORDER BY ord) FROM pop_local WHERE tab = 'api'
UNION ALL
SELECT 't ct', svy_population(variable, level, total ORDER BY ord) FROM pop_local WHERE tab = 't' AND variable <> 'x';
-- per-country margins of the third variable, for calibrating each country's rows on their own
CREATE TABLE popc_ref (country text, margins svy_population);
SELECT create_reference_table('popc_ref');
INSERT INTO popc_ref
SELECT c.level, svy_population(t.variable, t.level, t.total * c.total / 200000 ORDER BY t.ord)
FROM pop_local c, pop_local t
WHERE c.tab = 't' AND c.variable = 'country' AND t.tab = 't' AND t.variable = 'third'
GROUP BY c.level;
SQL

# Distributed copies: $1 = "psu" (PSUs co-located) or "id" (PSUs span shards).
distribute() {
    local c1=dnum st=snum t=p
    [[ $1 == id ]] && { c1=id; st=id; t=id; }
    citus_psql "$COORD" >/dev/null <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS apiclus1_d, apiclus2_d, apistrat_d, t_d, r_d;
CREATE TABLE apiclus1_d (LIKE apiclus1_local);
CREATE TABLE apiclus2_d (LIKE apiclus2_local);
CREATE TABLE apistrat_d (LIKE apistrat_local);
CREATE TABLE t_d (LIKE t_local);
CREATE TABLE r_d (LIKE r_local);
SELECT create_distributed_table('apiclus1_d', '$c1');
SELECT create_distributed_table('apiclus2_d', '$c1');
SELECT create_distributed_table('apistrat_d', '$st');
SELECT create_distributed_table('t_d', '$t');
SELECT create_distributed_table('r_d', 'id');
INSERT INTO apiclus1_d SELECT * FROM apiclus1_local;
INSERT INTO apiclus2_d SELECT * FROM apiclus2_local;
INSERT INTO apistrat_d SELECT * FROM apistrat_local;
INSERT INTO t_d SELECT * FROM t_local;
INSERT INTO r_d SELECT * FROM r_local;
ANALYZE apiclus1_d; ANALYZE apiclus2_d; ANALYZE apistrat_d; ANALYZE t_d; ANALYZE r_d;
SQL
}

# ---------------------------------------------------------------------------------------------
# The checks: name <TAB> query with {c1} {c2} {st} {t} {r} for the tables, rows in a fixed order
# [<TAB> reader over its result d [<TAB> tolerance]].  Checks hold to the default 1e-12
# relative: domain totals are double-double sums and covariances are summed centred, so the
# order in which nodes and plans add the rows does not change the results beyond that.
# Exceptions, with their own tolerance: iterative fits (svy_glm, 1e-9), and the pairwise
# differences of calibrated group means (1e-10): the calibrated means agree to a few ulp
# (3e-14), and the differences of means near 50 that lie 0.02 apart cancel 3.5 digits.
DC="svy_design(pw, psu => dnum, fpc => fpc)"
DS="svy_design(pw, strata => stype, fpc => fpc)"
D="svy_design(w, strata => s, psu => p)"
DR="svy_repdesign(w, rw, 'bootstrap')"
DC2="svy_design(pw, psu => dnum, fpc => fpc1, psu2 => snum, fpc2 => fpc2)"
# Calibration margins in the three forms that push down (docs/distributed.md): a scalar
# subquery (over a coordinator-local or a reference table: Citus computes it first and sends
# the value to the workers), a literal, and a join with a reference table of svy_population values.
pop() { echo "(SELECT svy_population(variable, level, total ORDER BY ord) FROM $1 WHERE $2)"; }
PAPI=$(pop pop_local "tab = 'api'")
PAPI_S="'{\"stype\": {\"E\": 4421, \"H\": 755, \"M\": 1018}}'"
PT_CT=$(pop pop_ref "tab = 't' AND variable <> 'x'")
PT_CX=$(pop pop_local "tab = 't' AND variable <> 'third'")
PR_G=$(pop pop_ref "tab = 'r' AND variable = 'g'")
PR_GX=$(pop pop_local "tab = 'r'")
CT="ARRAY[country, (p % 3)::text]"
CAL_RAKE="svy_calibrate($D, $PT_CT, $CT, method => 'rake')"
CAL_LIN="svy_calibrate($D, $PT_CX, ARRAY[country], ARRAY[x])"
CAL_STRAT="svy_calibrate($DS, $PAPI, ARRAY[stype], ARRAY[api99])"
CAL_C2="svy_calibrate($DC2, $PAPI_S, ARRAY[stype], method => 'poststratify')"
# five numeric auxiliaries on strata without PSUs (rows become PSUs of their own), totals 1.02 x the sample's
X5="ARRAY[api99, enroll, api_stu, meals, api00]"
P5="(SELECT svy_population(variable, level, total ORDER BY ord) FROM (SELECT 0 AS ord, 'stype' AS variable, stype AS level, 1.02 * sum(pw) AS total FROM apistrat_local GROUP BY stype UNION ALL SELECT j, 'x' || j, NULL, 1.02 * sum(pw * ($X5)[j]) FROM apistrat_local, generate_series(1, 5) j GROUP BY j) s)"
COUNTRIES="ARRAY['AT','BE','CZ','DE','ES','FR','IT','PL']"
QUERIES=$(cat <<EOF
mean cluster	SELECT (svy_mean(api00, $DC)).* FROM {c1}
mean cluster level	SELECT (svy_mean(api00, $DC, 0.9)).* FROM {c1}
total cluster	SELECT (svy_total(enroll, $DC)).* FROM {c1}
prop cluster	SELECT (svy_prop(sch_wide = 'Yes', $DC)).* FROM {c1}
prop cluster wilson	SELECT (svy_prop(sch_wide = 'Yes', $DC, 'wilson', 0.9)).* FROM {c1}
ratio cluster	SELECT (svy_ratio(api00, api99, $DC)).* FROM {c1}
quantile cluster	SELECT (svy_quantile(api00, $DC, 0.5)).* FROM {c1}
quantiles cluster	SELECT svy_quantiles(api00, $DC, '{0.25,0.5,0.75}') AS d FROM {c1}	SELECT (e).* FROM res, unnest(d) AS e
mean strat	SELECT (svy_mean(api00, $DS)).* FROM {st}
by strat	SELECT svy_by(api00, stype, $DS) AS d FROM {st}	SELECT g.* FROM res, svy_groups(d) g
prop t	SELECT (svy_prop(y, $D)).* FROM {t}
prop t subquery	SELECT (e).* FROM (SELECT svy_prop(y, $D) AS e FROM {t}) s
prop t by country	SELECT country, (svy_prop(y, $D)).* FROM {t} GROUP BY country ORDER BY country
mean t	SELECT (svy_mean(x, $D)).* FROM {t}
mean likert t	SELECT (svy_mean(ql, $D)).* FROM {t}
quantile t	SELECT (svy_quantile(x, $D, 0.9, 0.95, 'hf7')).* FROM {t}
quantile t by country	SELECT country, (svy_quantile(x, $D, 0.5)).* FROM {t} GROUP BY country ORDER BY country
by text	SELECT svy_by(x, country, $D) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
by boolean outcome int group	SELECT svy_by(y, q, $D) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d, 'mean', 'wilson') g
by bigint group	SELECT svy_by(x, s::bigint, $D) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d, 'total') g
by likert group	SELECT svy_by(x, ql, $D) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
pairwise	SELECT svy_by(x, ql, $D) AS d FROM {t}	SELECT g.* FROM res, svy_pairwise(d) g
contrast	SELECT (svy_contrast(svy_by(x, country, $D), '{1,-1,0,0,0,0,0,0}')).* FROM {t}
dist likert	SELECT svy_dist(ql, $D) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
dist likert missing	SELECT svy_dist(ql, $D, true) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
dist boolean	SELECT svy_dist(y, $D) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
choices	SELECT svy_choices(ch, $D) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
tab cells	SELECT svy_tab(country, q, $D) AS d FROM {t}	SELECT g.* FROM res, svy_cells(d) g
tab likert x text	SELECT svy_tab(ql, country, $D) AS d FROM {t}	SELECT g.* FROM res, svy_cells(d, 'col') g
chisq	SELECT (svy_chisq(svy_tab(country, q, $D))).* FROM {t}
accum merge	SELECT (svy_prop(svy_merge(s))).* FROM (SELECT country, svy_accum(y, $D) AS s FROM {t} GROUP BY country) x
accum merge by psu	SELECT (svy_prop(svy_merge(a))).* FROM (SELECT s, p, svy_accum(y, $D) AS a FROM {t} GROUP BY s, p) x
accum merge by psu per country	SELECT country, (svy_prop(svy_merge(a))).* FROM (SELECT country, s, p, svy_accum(y, $D) AS a FROM {t} GROUP BY country, s, p) x GROUP BY country ORDER BY country
accum merge float8	SELECT (svy_mean(svy_merge(s))).* FROM (SELECT s AS h, svy_accum(x, $D) AS s FROM {t} GROUP BY s) x
pool	SELECT (svy_pool(e, 1.0)).* FROM (SELECT country, svy_mean(x, $D) AS e FROM {t} GROUP BY country) x
replicate mean	SELECT (svy_mean(x, $DR)).* FROM {r}
replicate by	SELECT svy_by(x, g, $DR) AS d FROM {r}	SELECT g.* FROM res, svy_groups(d) g
replicate quantile	SELECT (svy_quantile(x, $DR, 0.5)).* FROM {r}
calib poststratify literal	SELECT (svy_mean(api00, svy_calibrate($DS, $PAPI_S, ARRAY[stype], method => 'poststratify'))).* FROM {st}
calib linear subquery	SELECT (svy_total(enroll, $CAL_STRAT)).* FROM {st}
calib linear ratio	SELECT (svy_ratio(api00, enroll, $CAL_STRAT)).* FROM {st}
calib linear reference join	SELECT (svy_mean(api00, svy_calibrate($DC, v.p, ARRAY[stype], ARRAY[api99]))).* FROM {c1}, popv_ref v WHERE v.name = 'api'
calib rake t	SELECT (e).* FROM (SELECT svy_prop(y, $CAL_RAKE) AS e FROM {t}) s
calib rake t wilson	SELECT (e).* FROM (SELECT svy_prop(y, $CAL_RAKE, 'wilson') AS e FROM {t}) s
calib rake t converged	SELECT (e).* FROM (SELECT svy_mean(x, svy_calibrate($D, $PT_CT, $CT, method => 'rake', maxit => 50, epsilon => 1e-10)) AS e FROM {t}) s
calib linear t	SELECT (e).* FROM (SELECT svy_mean(q::float8, $CAL_LIN) AS e FROM {t}) s
calib raking t	SELECT (e).* FROM (SELECT svy_total(x, svy_calibrate($D, $PT_CT, $CT, method => 'raking')) AS e FROM {t}) s
calib logit t	SELECT (e).* FROM (SELECT svy_prop(y, svy_calibrate($D, $PT_CT, $CT, method => 'logit', bounds => ARRAY[0.5, 2])) AS e FROM {t}) s
calib t by country	SELECT t.country, (svy_mean(x, svy_calibrate($D, c.margins, ARRAY[(p % 3)::text], method => 'poststratify'))).* FROM {t} t JOIN popc_ref c USING (country) GROUP BY t.country ORDER BY t.country
calib rescale t	SELECT (e).* FROM (SELECT svy_mean(x, svy_calibrate($D, $(pop pop_ref "tab = 't' AND variable = 'country'"), ARRAY[country], method => 'rescale')) AS e FROM {t}) s
calib rescale by t	SELECT svy_by(x, (p % 3)::text, svy_calibrate($D, $(pop pop_ref "tab = 't' AND variable = 'country'"), ARRAY[country], method => 'rescale')) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
calib domain t	SELECT (e).* FROM (SELECT svy_mean(x, svy_subset($CAL_RAKE, country = 'DE')) AS e FROM {t}) s
calib quantile t	SELECT (e).* FROM (SELECT svy_quantile(x, $CAL_RAKE, 0.5) AS e FROM {t}) s
calib quantile t by country	SELECT t.country, (svy_quantile(x, svy_calibrate($D, c.margins, ARRAY[(p % 3)::text], method => 'poststratify'), 0.9)).* FROM {t} t JOIN popc_ref c USING (country) GROUP BY t.country ORDER BY t.country
calib quantiles cluster linear	SELECT svy_quantiles(api00, svy_calibrate($DC, $PAPI, ARRAY[stype], ARRAY[api99]), '{0.25,0.5,0.75}') AS d FROM {c1}	SELECT (e).* FROM res, unnest(d) AS e
calib quantile strat rows as PSUs	SELECT (svy_quantile(api00, $CAL_STRAT, 0.5, 0.95, 'math', 'xlogit')).* FROM {st}
calib quantile score domain	SELECT (svy_quantile(x, svy_subset($CAL_RAKE, country = 'DE'), 0.5, 0.95, 'math', 'score')).* FROM {t}
quantile score weight 0	SELECT (svy_quantile(x, svy_design(CASE WHEN id % 17 = 0 THEN 0 ELSE w END, strata => s, psu => p), 0.5, 0.95, 'math', 'score')).* FROM {t}
calib accum merge	SELECT (svy_prop(svy_merge(s))).* FROM (SELECT s AS h, svy_accum(y, $CAL_RAKE) AS s FROM {t} GROUP BY s) x
calib accum merge replicate	SELECT (svy_prop(svy_merge(s))).* FROM (SELECT g, svy_accum(x > 2.5, svy_calibrate($DR, $PR_GX, ARRAY[g::text], ARRAY[x])) AS s FROM {r} GROUP BY g) x
calib by t	SELECT svy_by(x, country, $CAL_RAKE) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
calib by total strat linear	SELECT svy_by(enroll, stype, $CAL_STRAT) AS d FROM {st}	SELECT g.* FROM res, svy_groups(d, 'total') g
calib by strat five numeric	SELECT svy_by(api00, sch_wide, svy_calibrate($DS, $P5, ARRAY[stype], $X5)) AS d FROM {st}	SELECT g.* FROM res, svy_groups(d) g
calib pairwise t	SELECT svy_by(x, ql, $CAL_RAKE) AS d FROM {t}	SELECT g.* FROM res, svy_pairwise(d) g	1e-10
calib dist likert t	SELECT svy_dist(ql, $CAL_RAKE) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
calib choices t	SELECT svy_choices(ch, $CAL_RAKE) AS d FROM {t}	SELECT g.* FROM res, svy_groups(d) g
calib tab cells t	SELECT svy_tab(country, q, $CAL_RAKE) AS d FROM {t}	SELECT g.* FROM res, svy_cells(d) g
calib chisq t linear	SELECT (svy_chisq(svy_tab(country, q, $CAL_LIN))).* FROM {t}
weights summary rake	SELECT (svy_weights_summary($CAL_RAKE)).* FROM {t}
weights summary linear	SELECT (svy_weights_summary($CAL_STRAT)).* FROM {st}
weights summary uncalibrated	SELECT (svy_weights_summary($D)).* FROM {t}
weight window reference join	SELECT id, svy_weight(svy_calibrate($DS, v.p, ARRAY[stype], ARRAY[api99])) OVER () FROM {st}, popv_ref v WHERE v.name = 'api' ORDER BY id
weight window subquery join	SELECT id, svy_weight(svy_calibrate($DC, pp.p, ARRAY[stype], ARRAY[api99])) OVER () FROM {c1}, $PAPI AS pp(p) ORDER BY id
calib replicate poststratify	SELECT (svy_mean(x, svy_calibrate($DR, $PR_G, ARRAY[g::text], method => 'poststratify'))).* FROM {r}
calib replicate rake	SELECT (svy_prop(x > 2.5, svy_calibrate($DR, $PR_G, ARRAY[g::text], method => 'rake'))).* FROM {r}
calib replicate linear	SELECT (svy_ratio(x, w, svy_calibrate($DR, $PR_GX, ARRAY[g::text], ARRAY[x]))).* FROM {r}
calib replicate rescale	SELECT (svy_mean(x, svy_calibrate($DR, $PR_G, ARRAY[g::text], method => 'rescale'))).* FROM {r}
calib replicate weights summary	SELECT (svy_weights_summary(svy_calibrate($DR, $PR_GX, ARRAY[g::text], ARRAY[x]))).* FROM {r}
two-stage mean	SELECT (svy_mean(api00, $DC2)).* FROM {c2}
two-stage total	SELECT (svy_total(enroll, $DC2)).* FROM {c2}
two-stage by	SELECT svy_by(api00, stype, $DC2) AS d FROM {c2}	SELECT g.* FROM res, svy_groups(d) g
two-stage calib quantile	SELECT (svy_quantile(api00, $CAL_C2, 0.5)).* FROM {c2}
two-stage calib by	SELECT svy_by(api00, api99 > 650, $CAL_C2) AS d FROM {c2}	SELECT g.* FROM res, svy_groups(d) g
glm gaussian	SELECT svy_glm(x, ARRAY[1, q] || svy_dummies(country, $COUNTRIES), $D) AS d FROM {t}	SELECT c.* FROM res, svy_coef(d) c	1e-9
glm logistic	SELECT svy_glm(y::int::float8, ARRAY[1, q] || svy_dummies(country, $COUNTRIES), $D, 'binomial') AS d FROM {t}	SELECT c.* FROM res, svy_coef(d, exponentiate => true) c	1e-9
glm logistic wald	SELECT svy_glm(y::int::float8, ARRAY[1, q] || svy_dummies(country, $COUNTRIES), $D, 'quasibinomial', ARRAY['(Intercept)', 'q', 'BE', 'CZ', 'DE', 'ES', 'FR', 'IT', 'PL']) AS d FROM {t}	SELECT w.* FROM res, svy_wald(d, ARRAY['BE', 'CZ', 'DE']) w	1e-9
glm logistic continuous	SELECT svy_glm(y::int::float8, ARRAY[1, x], $D, 'binomial') AS d FROM {t}	SELECT c.* FROM res, svy_coef(d) c	1e-9
glm calibrated rake	SELECT svy_glm(y::int::float8, ARRAY[1, q] || svy_dummies(country, $COUNTRIES), $CAL_RAKE, 'quasibinomial') AS d FROM {t}	SELECT c.* FROM res, svy_coef(d) c	1e-9
glm calibrated linear domain	SELECT svy_glm(api00, ARRAY[1, meals], svy_subset($CAL_STRAT, stype <> 'H')) AS d FROM {st}	SELECT c.* FROM res, svy_coef(d) c	1e-9
glm calibrated poststratify wald	SELECT svy_glm(api00, ARRAY[1] || svy_dummies(stype, ARRAY['E', 'H', 'M']), svy_calibrate($DC, $PAPI_S, ARRAY[stype], method => 'poststratify'), 'gaussian', ARRAY['(Intercept)', 'H', 'M']) AS d FROM {c1}	SELECT w.* FROM res, svy_wald(d, ARRAY['H', 'M']) w	1e-9
glm two-stage	SELECT svy_glm(api00, ARRAY[1] || svy_dummies(stype, ARRAY['E', 'H', 'M']), $DC2) AS d FROM {c2}	SELECT c.* FROM res, svy_coef(d) c	1e-9
glm two-stage calibrated	SELECT svy_glm(api00, ARRAY[1, api99], $CAL_C2) AS d FROM {c2}	SELECT c.* FROM res, svy_coef(d) c	1e-9
glm replicate	SELECT svy_glm(x, ARRAY[1, g], $DR, 'poisson') AS d FROM {r}	SELECT c.* FROM res, svy_coef(d) c	1e-9
EOF
)

# $1 suffix (local, d), $2 query, $3 reader over its result d (in table res); prints rows or ERROR.
# Readers run on the coordinator over the finished value (a subquery would pass svy_domains
# between Citus query stages as text, which needs the result types' text input).
run_query() {
    local q=${2//\{c1\}/apiclus1_$1}
    q=${q//\{c2\}/apiclus2_$1}
    q=${q//\{st\}/apistrat_$1}; q=${q//\{t\}/t_$1}; q=${q//\{r\}/r_$1}
    if [[ -n "${3:-}" ]]; then q="CREATE TEMP TABLE res AS $q; $3"; fi
    citus_psql "$COORD" -At -c "SET extra_float_digits = 3" \
        -c "SET citus.coordinator_aggregation_strategy = 'disabled'" -c "$q" 2>&1 | grep -v '^SELECT [0-9]*$' || true
}

# Same rows; numbers equal to $TOL relative (NULLs and text exactly).  Prints the largest
# relative difference of the numbers.
TOL=${CITUS_CHECK_TOL:-1e-12}
same() {
    awk -F'|' -v tol="$TOL" 'NR == FNR { a[FNR] = $0; n = FNR; next }
        { m = FNR; split(a[FNR], x, "|");
          if (NF != length(x)) { bad = 1; next }
          for (i = 1; i <= NF; i++) {
              if (x[i] == $i) continue;
              if (x[i] ~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/ && $i ~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/) {
                  d = x[i] - $i; if (d < 0) d = -d;
                  s = (x[i] < 0 ? -x[i] : x[i]); t = ($i < 0 ? -$i : $i); if (t > s) s = t;
                  if (d / s > worst) worst = d / s;
                  if (d <= tol * s) continue;
              }
              bad = 1
          } }
        END { printf "%.1e", worst; exit (bad || n != m || n == 0) }' "$1" "$2"
}

check_all() {   # $1: label of the distribution
    local name q reader tol i=0
    while IFS=$'\t' read -r name q reader tol; do
        i=$((i + 1))
        run_query local "$q" "$reader" >"$TMP/l$i"
        run_query d "$q" "$reader" >"$TMP/d$i"
        if grep -q 'ERROR' "$TMP/l$i" "$TMP/d$i"; then
            fail "$1: $name: $(grep -h -m1 ERROR "$TMP/l$i" "$TMP/d$i" | head -1)"
        elif worst=$(TOL=${tol:-$TOL} same "$TMP/l$i" "$TMP/d$i"); then
            ok "$1: $name ($(wc -l <"$TMP/l$i") rows, largest relative difference $worst)"
        else
            fail "$1: $name differs (largest relative difference $worst)"
            { diff "$TMP/l$i" "$TMP/d$i" || true; } | head -4 | sed 's/^/      /'
        fi
    done <<<"$QUERIES"
}

check_pushdown() {   # EXPLAIN: partial aggregation on the workers, combined on the coordinator
    local name q plan
    while IFS=$'\t' read -r name q; do
        plan=$(citus_psql "$COORD" -At -c "EXPLAIN (VERBOSE, COSTS OFF) $q" 2>&1 || true)
        if grep -q worker_partial_agg <<<"$plan" && grep -q coord_combine_agg <<<"$plan"; then
            ok "$1: pushdown: $name"
        else
            fail "$1: no partial aggregation on the workers: $name"; head -20 <<<"$plan" | sed 's/^/      /'
        fi
    done <<EOF
svy_prop	SELECT svy_prop(y, $D) FROM t_d
svy_quantile	SELECT svy_quantile(x, $D, 0.5) FROM t_d
svy_by text	SELECT svy_by(x, country, $D) FROM t_d
svy_tab likert x int	SELECT svy_tab(ql, q, $D) FROM t_d
svy_choices	SELECT svy_choices(ch, $D) FROM t_d
calibrated, population subquery over a coordinator table	SELECT svy_mean(api00, $CAL_STRAT) FROM apistrat_d
calibrated, population subquery over a reference table	SELECT svy_prop(y, $CAL_RAKE) FROM t_d
calibrated, population literal	SELECT svy_mean(api00, svy_calibrate($DS, $PAPI_S, ARRAY[stype], method => 'poststratify')) FROM apistrat_d
calibrated, join with a reference table	SELECT svy_mean(api00, svy_calibrate($DC, v.p, ARRAY[stype], ARRAY[api99])) FROM apiclus1_d, popv_ref v WHERE v.name = 'api'
calibrated by country, per-country margins	SELECT t.country, svy_mean(x, svy_calibrate($D, c.margins, ARRAY[(p % 3)::text], method => 'poststratify')) FROM t_d t JOIN popc_ref c USING (country) GROUP BY t.country
calibrated replicate	SELECT svy_ratio(x, w, svy_calibrate($DR, $PR_GX, ARRAY[g::text], ARRAY[x])) FROM r_d
svy_weights_summary	SELECT svy_weights_summary($CAL_RAKE) FROM t_d
calibrated svy_by	SELECT svy_by(x, country, $CAL_RAKE) FROM t_d
calibrated svy_tab	SELECT svy_tab(country, q, $CAL_LIN) FROM t_d
calibrated svy_quantile	SELECT svy_quantile(x, $CAL_RAKE, 0.5) FROM t_d
calibrated svy_accum	SELECT country, svy_accum(y, $CAL_RAKE) FROM t_d GROUP BY country
svy_glm	SELECT svy_glm(y::int::float8, ARRAY[1, q] || svy_dummies(country, $COUNTRIES), $D, 'binomial') FROM t_d
two-stage	SELECT svy_mean(api00, $DC2) FROM apiclus2_d
svy_glm calibrated	SELECT svy_glm(y::int::float8, ARRAY[1, q] || svy_dummies(country, $COUNTRIES), $CAL_RAKE, 'quasibinomial') FROM t_d
EOF
}

for how in psu id; do
    distribute "$how"
    check_all "by $how"
    check_pushdown "by $how"
done
citus_psql "$COORD" -At -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT svy_prop(y, $D) FROM t_d" >"$TMP/plan"
echo "plan of svy_prop over t_d (distributed by id):"
sed 's/^/    /' "$TMP/plan"

# ---------------------------------------------------------------------------------------------
# svy_population has no combine function (variables keep the order of their first row), so
# Citus cannot push it down: over a distributed margins table it runs on the coordinator over
# the gathered rows (the default strategy 'row-gather'; ORDER BY makes the order explicit), and
# with the fallback disabled Citus refuses it.  Margins are small: keep them in a reference or
# coordinator table (the forms checked above).
citus_psql "$COORD" >/dev/null <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS pop_d;
CREATE TABLE pop_d (LIKE pop_local);
SELECT create_distributed_table('pop_d', 'ord');
INSERT INTO pop_d SELECT * FROM pop_local;
SQL
for tab in api t r; do
    q="SELECT svy_population(variable, level, total ORDER BY ord)::text FROM %s WHERE tab = '$tab'"
    l=$(citus_psql "$COORD" -At -c "$(printf "$q" pop_local)" 2>&1 || true)
    d=$(citus_psql "$COORD" -At -c "$(printf "$q" pop_d)" 2>&1 || true)
    [[ -n "$l" && "$l" == "$d" ]] && ok "svy_population over a distributed table ($tab): gathered, same value" ||
        fail "svy_population over a distributed table ($tab): $d, single node: $l"
done
q="SELECT (svy_mean(api00, svy_calibrate($DS, $(pop %s "tab = 'api'"), ARRAY[stype], ARRAY[api99]))).estimate FROM apistrat_%s"
citus_psql "$COORD" -At -c "$(printf "$q" pop_local local)" >"$TMP/pl" 2>&1 || true
citus_psql "$COORD" -At -c "$(printf "$q" pop_d d)" >"$TMP/pd" 2>&1 || true
if worst=$(same "$TMP/pl" "$TMP/pd"); then
    ok "calibrated mean, margins from a distributed table (largest relative difference $worst)"
else
    fail "calibrated mean, margins from a distributed table: $(cat "$TMP/pd"), single node: $(cat "$TMP/pl")"
fi

# ---------------------------------------------------------------------------------------------
# Bad states at the coordinator: the text the workers send is read by svy_aggstate's input.
expect_error() {   # $1 name, $2 expected message part, $3 SQL
    local out
    out=$(citus_psql "$COORD" -At -c "$3" 2>&1 || true)
    if grep -q "ERROR: .*$2" <<<"$out"; then ok "bad input: $1"; else fail "bad input: $1: $out"; fi
}
QSTATE=$(citus_psql "$COORD" -At -c "SELECT worker_partial_agg('svy_quantile(float8,svy_design,float8)'::regprocedure, ROW(x, $D, 0.5::float8)) FROM t_local WHERE id < 100")
MSTATE=$(citus_psql "$COORD" -At -c "SELECT worker_partial_agg('svy_mean(float8,svy_design)'::regprocedure, ROW(x, $D)) FROM t_local WHERE id < 100")
MEAN="'svy_mean(float8,svy_design)'::regprocedure"
expect_error "state of another kind" "survey aggregate state of another kind" \
    "SELECT coord_combine_agg($MEAN, '$QSTATE'::cstring, NULL::svy_estimate)"
expect_error "state of another format version" "unsupported survey aggregate state format" \
    "SELECT coord_combine_agg($MEAN, 'Ag${MSTATE:2}'::cstring, NULL::svy_estimate)"
expect_error "truncated state" "insufficient data left in message\|invalid survey" \
    "SELECT coord_combine_agg($MEAN, '${MSTATE:0:40}'::cstring, NULL::svy_estimate)"
expect_error "not base64" "invalid input syntax for type svy_aggstate" \
    "SELECT coord_combine_agg($MEAN, 'not a state!'::cstring, NULL::svy_estimate)"
expect_error "svy_population over a distributed table without the row-gather fallback" \
    "unsupported aggregate function svy_population" \
    "SET citus.coordinator_aggregation_strategy = 'disabled'; SELECT svy_population(variable, level, total) FROM pop_d"
# A worker's state read back at the coordinator finishes to the single-node result, bit for bit
# (the combine runs over one row: the state is merged once).
round_trip() {   # $1 name, $2 aggregate, $3 its state, $4 result type, $5 reader of value v, $6 direct query giving v
    local good
    good=$(citus_psql "$COORD" -At -c "SELECT (SELECT $5 FROM (SELECT coord_combine_agg('$2'::regprocedure,
        '$3'::cstring, NULL::$4) AS v) s) = (SELECT $5 FROM ($6) s)" 2>&1 || true)
    [[ "$good" == t ]] && ok "a worker's state read back at the coordinator: $1" || fail "state round trip: $1: $good"
}
round_trip "svy_mean" "svy_mean(float8,svy_design)" "$MSTATE" svy_estimate "v::text" \
    "SELECT svy_mean(x, $D) AS v FROM t_local WHERE id < 100"
# calibrated and model states: the same, and a truncated state is a clear error at every length
CAL_LIT="svy_calibrate($DS, '{\"stype\": {\"E\": 4421, \"H\": 755, \"M\": 1018}, \"api99\": 3914069}', ARRAY[stype], ARRAY[api99])"
CSTATE=$(citus_psql "$COORD" -At -c "SELECT worker_partial_agg('svy_mean(float8,svy_design)'::regprocedure, ROW(api00, $CAL_LIT)) FROM apistrat_local" 2>&1 || true)
GLM="svy_glm(float8,float8[],svy_design,text)"
GSTATE=$(citus_psql "$COORD" -At -c "SELECT worker_partial_agg('$GLM'::regprocedure, ROW(y::int::float8, ARRAY[1, q]::float8[], $D, 'binomial'::text)) FROM t_local WHERE id < 300" 2>&1 || true)
round_trip "calibrated svy_mean" "svy_mean(float8,svy_design)" "$CSTATE" svy_estimate "v::text" \
    "SELECT svy_mean(api00, $CAL_LIT) AS v FROM apistrat_local"
round_trip "svy_glm" "$GLM" "$GSTATE" svy_model "(SELECT array_agg(c::text) FROM svy_coef(v) c)" \
    "SELECT svy_glm(y::int::float8, ARRAY[1, q], $D, 'binomial') AS v FROM t_local WHERE id < 300"
for cut in 12 40 100 400 1000 3000 -8; do
    expect_error "calibrated state cut at $cut" "invalid survey binary data\|invalid input syntax for type svy_aggstate" \
        "SELECT coord_combine_agg($MEAN, '${CSTATE:0:$cut}'::cstring, NULL::svy_estimate)"
    expect_error "svy_glm state cut at $cut" "invalid survey binary data\|invalid input syntax for type svy_aggstate" \
        "SELECT coord_combine_agg('$GLM'::regprocedure, '${GSTATE:0:$cut}'::cstring, NULL::svy_model)"
done
expect_error "svy_glm state finished as svy_mean" "survey aggregate state of another kind" \
    "SELECT coord_combine_agg($MEAN, '$GSTATE'::cstring, NULL::svy_estimate)"

echo
if (( FAILS > 0 )); then echo "citus check: $FAILS FAILED"; exit 1; fi
echo "citus check: all passed"
