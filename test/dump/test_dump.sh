#!/bin/sh
# pg_dump -Fc / pg_restore and binary COPY of every storable type of the
# extension: likert (with and without typmod), choices, svy_design (Taylor
# and replicate, calibrated), svy_state, svy_domains, svy_table, svy_model,
# svy_aggstate, svy_population and the svy_estimate composite, plus a
# GENERATED column and an expression index using likert_from_code
# (pg_restore runs with an empty search_path).  The restored
# database must hold the same values (compared row by row in text form) and
# give the same statistics computed from them.
# Runs with the PG* variables set (inside pg_virtualenv in tools/test.sh);
# prints "N passed, N failed".
set -eu
. "$(dirname "$0")/../check.sh"
src=survey_dump_src
dst=survey_dump_dst
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; dropdb --if-exists $src; dropdb --if-exists $dst' EXIT
PSQL="psql -X -q -v ON_ERROR_STOP=1 -At"

dropdb --if-exists $src
dropdb --if-exists $dst
createdb $src
createdb $dst
$PSQL -d $src <<'SQL'
CREATE EXTENSION survey;
CREATE TABLE answers (id int PRIMARY KEY, q likert(5), q10 likert(0, 10), qfree likert, c choices,
                      d svy_design, rd svy_design, code int,
                      coded likert GENERATED ALWAYS AS (likert_from_code(code, 1, 5)) STORED);
INSERT INTO answers (id, q, q10, qfree, c, d, rd, code)
SELECT i, CASE WHEN i % 7 = 0 THEN 'dk' ELSE (1 + i % 5)::text END::likert(5),
       (i % 11)::likert(0, 10),
       CASE WHEN i % 6 = 0 THEN 'refused/1..7' ELSE (1 + i % 7)::text || '/1..7' END::likert,
       CASE WHEN i % 9 = 0 THEN 'refused'::choices ELSE choices(ARRAY[1 + i % 3, 5]) END,
       svy_design(1.0 + i % 3 + 1.0 / 3, strata => 'S' || i % 2, psu => i % 5, fpc => 10),
       svy_repdesign(1.25 + i % 2, ARRAY[1 + i % 2, 2 - i % 2, 1.5, 0.1 * i]::float8[], 'Fay', rho => 0.3),
       CASE WHEN i % 8 = 0 THEN -1 WHEN i % 13 = 0 THEN NULL ELSE 1 + i % 5 END
FROM generate_series(1, 50) i;
CREATE INDEX answers_q ON answers (q);
CREATE INDEX answers_code ON answers (likert_from_code(code, 1, 5));

-- stored results, one row per kind
CREATE TABLE results (name text PRIMARY KEY, st svy_state, dom svy_domains, tab svy_table,
                      est svy_estimate, model svy_model);
INSERT INTO results
SELECT 'taylor', svy_accum(id::float8, d), svy_by(id::float8, q, d), svy_tab(q, id % 3, d),
       svy_mean(id::float8, d),
       svy_glm((id % 3 = 0)::int::float8, ARRAY[1, id % 7], d, 'quasibinomial', ARRAY['(Intercept)', 'k'])
FROM answers
UNION ALL
SELECT 'replicate', svy_accum(id > 20, rd), svy_by(id > 20, q10, rd), svy_tab(q, id % 2, rd),
       svy_prop(id > 20, rd), svy_glm(id::float8, ARRAY[1, id % 2], rd) FROM answers
UNION ALL
SELECT 'dist', svy_accum(2.0 * id, d), svy_dist(q, d), NULL, NULL, NULL FROM answers
UNION ALL
SELECT 'choices', NULL, svy_choices(c, d), NULL, NULL, NULL FROM answers;

-- the values in text form, and statistics computed from them
CREATE VIEW value_text AS
SELECT 'answers' AS t, id::text AS k, concat_ws('|', q, q10, qfree, c, d, rd, code, coded) AS v FROM answers
UNION ALL
SELECT 'results', name, concat_ws('|', st, dom, tab, est, model) FROM results;
CREATE VIEW statistics AS
SELECT 'mean' AS s, (svy_mean(id::float8, d)).std_error::text AS v FROM answers
UNION ALL SELECT 'likert mean', (svy_mean(q, d))::text FROM answers
UNION ALL SELECT 'replicate prop', (svy_prop(q10 > '5', rd))::text FROM answers
UNION ALL SELECT 'generated', string_agg(coded::text, ',' ORDER BY id) FROM answers
UNION ALL SELECT 'state ' || name, (svy_mean(st))::text FROM results WHERE st IS NOT NULL
UNION ALL SELECT 'merged', (svy_mean(svy_merge(st)))::text FROM results WHERE name IN ('taylor', 'dist')
UNION ALL SELECT 'groups ' || name, (SELECT string_agg(g::text, ';') FROM svy_groups(dom) g) FROM results
UNION ALL SELECT 'pairwise', (SELECT string_agg(g::text, ';') FROM svy_pairwise(dom) g) FROM results WHERE name = 'taylor'
UNION ALL SELECT 'chisq ' || name, svy_chisq(tab)::text FROM results WHERE tab IS NOT NULL
UNION ALL SELECT 'cells ' || name, (SELECT string_agg(g::text, ';') FROM svy_cells(tab) g) FROM results WHERE tab IS NOT NULL
UNION ALL SELECT 'estimate ' || name, (est).estimate::text FROM results WHERE est IS NOT NULL
UNION ALL SELECT 'coef ' || name, (SELECT string_agg(c::text, ';') FROM svy_coef(model) c) FROM results WHERE model IS NOT NULL;
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

# raw aggregate states (svy_aggstate), as Citus's workers ship them: storable too
$PSQL -d $src <<'SQL'
CREATE AGGREGATE linear_state(float8, svy_design) (
    SFUNC = svy_accum_float8_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE AGGREGATE domain_state(float8, text, svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE TABLE raw_states (k text PRIMARY KEY, st svy_aggstate);
INSERT INTO raw_states
SELECT 'linear', linear_state(id::float8, d) FROM answers
UNION ALL SELECT 'domain', domain_state(id::float8, 'g' || id % 3, d) FROM answers;
CREATE VIEW raw_summary AS
SELECT md5(string_agg(st::text, ',' ORDER BY k)) AS h,
       (SELECT (svy_mean_final(st)).std_error FROM raw_states WHERE k = 'linear') AS se,
       (SELECT svy_domains_final(st)::text FROM raw_states WHERE k = 'domain') AS dom
FROM raw_states;
SQL

pg_dump -Fc -d $src -f "$tmp/dump"
pg_restore --exit-on-error -d $dst "$tmp/dump"

q() { $PSQL -d "$1" -c "$2"; }

# value by value
for t in answers results; do
    check "$t: rows restored" "$(q $dst "SELECT count(*) FROM $t")" "$(q $src "SELECT count(*) FROM $t")"
done
q $src "SELECT t, k, v FROM value_text ORDER BY 1, 2" > "$tmp/src_values"
q $dst "SELECT t, k, v FROM value_text ORDER BY 1, 2" > "$tmp/dst_values"
check "every value restored, text form unchanged ($(wc -l < "$tmp/src_values") rows)" \
    "$(cmp -s "$tmp/src_values" "$tmp/dst_values" && echo same || diff "$tmp/src_values" "$tmp/dst_values" | head -5)" same
for s in $(q $src "SELECT replace(s, ' ', '_') FROM statistics ORDER BY 1"); do
    s=$(echo "$s" | tr _ ' ')
    check "statistic '$s' from the restored values" \
        "$(q $dst "SELECT v FROM statistics WHERE s = '$s'")" "$(q $src "SELECT v FROM statistics WHERE s = '$s'")"
done
check "typmod kept" "$(q $dst "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'answers'::regclass AND attname = 'q10'")" "likert(0,10)"
check "index usable" "$(q $dst "SET enable_seqscan = off; SELECT count(*) FROM answers WHERE q = '5'")" "$(q $src "SELECT count(*) FROM answers WHERE q = '5'")"
check "expression index restored and used" \
    "$(q $dst "SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT id FROM answers WHERE likert_from_code(code, 1, 5) = '3'" | grep -c answers_code)" 1
check "generated column computed after restore" \
    "$(q $dst "INSERT INTO answers (id, code) VALUES (1000, 4) RETURNING coded")" "4/5"

# binary COPY out and in of every type (receive functions)
for t in answers results calib raw_states; do
    cols=$(q $src "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
                   WHERE attrelid = '$t'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''")
    q $src "CREATE TABLE ${t}_bin (LIKE $t INCLUDING GENERATED)"
    $PSQL -d $src -c "\\copy $t ($cols) TO '$tmp/$t.bin' WITH (FORMAT binary)"
    $PSQL -d $src -c "\\copy ${t}_bin ($cols) FROM '$tmp/$t.bin' WITH (FORMAT binary)"
done
check "binary COPY: every value back unchanged" "$(q $src "
    SELECT count(*) FROM answers a JOIN answers_bin b USING (id)
    WHERE concat_ws('|', a.q, a.q10, a.qfree, a.c, a.d, a.rd, a.code, a.coded)
          IS DISTINCT FROM concat_ws('|', b.q, b.q10, b.qfree, b.c, b.d, b.rd, b.code, b.coded)")" 0
check "binary COPY: every result back unchanged" "$(q $src "
    SELECT count(*) FROM results r JOIN results_bin b USING (name)
    WHERE concat_ws('|', r.st, r.dom, r.tab, r.est, r.model)
          IS DISTINCT FROM concat_ws('|', b.st, b.dom, b.tab, b.est, b.model)")" 0
check "binary COPY: populations and calibrated designs back unchanged" "$(q $src "
    SELECT count(*) FROM calib a JOIN calib_bin b USING (id)
    WHERE concat_ws('|', a.pop, a.d) IS DISTINCT FROM concat_ws('|', b.pop, b.d)")" 0
check "binary COPY: raw aggregate states back unchanged" "$(q $src "
    SELECT count(*) FROM raw_states a JOIN raw_states_bin b USING (k) WHERE a.st::text IS DISTINCT FROM b.st::text")" 0
check "binary COPY: rows" "$(q $src "SELECT count(*) FROM answers_bin") $(q $src "SELECT count(*) FROM results_bin")" \
    "$(q $src "SELECT count(*) FROM answers") $(q $src "SELECT count(*) FROM results")"
check "restored calibration (svy_population, calibrated svy_design)" \
    "$(q $src 'SELECT h || se FROM calib_summary')" "$(q $dst 'SELECT h || se FROM calib_summary')"
check "restored raw aggregate states (svy_aggstate): text, finished estimate, domains" \
    "$(q $src 'SELECT h || se || dom FROM raw_summary')" "$(q $dst 'SELECT h || se || dom FROM raw_summary')"
check_summary
