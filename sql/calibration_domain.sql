-- Domains and tables on calibrated designs (SPEC §9, issue 10): svy_by, svy_dist, svy_tab (and their
-- readers, svy_chisq) on svy_calibrate designs.  R's numbers: test/oracle (cases KD*); here each
-- svy_by group must equal the domain estimate of the linear estimators (svy_subset: every row stays in
-- the calibration), parallel = serial = merged, and the edge cases.
SET extra_float_digits = 0;
CREATE TABLE t AS
SELECT i AS id, 'S' || (i % 3) AS stratum, (i / 3) % 25 AS psu, 1 + (i % 7) * 0.5 AS w,
       'a' || (1 + (i * 13 / 7) % 3) AS a, 'b' || (1 + (i / 5) % 2) AS b, ((i * 37) % 100) / 10.0 AS v,
       ((i * 7919) % 1000) / 10.0 AS y,
       CASE WHEN i % 50 = 0 THEN NULL               -- NULL groups: out of every group, in the calibration
            WHEN i % 3 = 0 AND (i / 3) % 25 = 4 AND i % 2 = 0 THEN 'lone'   -- one PSU (stratum S0)
            ELSE 'g' || ((i * 17) % 4) END AS grp
FROM generate_series(1, 8000) i;
ANALYZE t;
CREATE TABLE p AS
SELECT svy_population(variable, level, total) FILTER (WHERE variable = 'a') AS pa,
       svy_population(variable, level, total) FILTER (WHERE variable <> 'v') AS pab,
       svy_population(variable, level, total) AS pabv
FROM (VALUES ('a', 'a1', 9600), ('a', 'a2', 10400), ('a', 'a3', 8000), ('b', 'b1', 15600),
             ('b', 'b2', 12400), ('v', NULL, 144000)) s(variable, level, total);
-- five numeric auxiliaries: more than a design without PSUs keeps moments of per stratum, so its rows
-- become PSUs of their own (the same design); the totals 1.02 times the sample's estimates
CREATE FUNCTION x5(v numeric, id int) RETURNS float8[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY[v, v * v, sqrt(v), id % 7, id % 11]::float8[];
ALTER TABLE p ADD COLUMN p5 svy_population;
UPDATE p SET p5 = (SELECT svy_population(variable, level, total ORDER BY ord) FROM (
    SELECT 0 AS ord, 'a' AS variable, a AS level, 1.02 * sum(w) AS total FROM t GROUP BY a
    UNION ALL SELECT j, 'x' || j, NULL, 1.02 * sum(w * (x5(v, id))[j]) FROM t, generate_series(1, 5) j GROUP BY j) s);
-- the designs: SQL text over t and p
CREATE TABLE des (name text, sql text);
INSERT INTO des VALUES
 ('poststratify', 'svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pa FROM p), ARRAY[a], method => ''poststratify'')'),
 ('poststratify, no PSUs', 'svy_calibrate(svy_design(w, strata => stratum), (SELECT pa FROM p), ARRAY[a], method => ''poststratify'')'),
 ('rake', 'svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pab FROM p), ARRAY[a, b], method => ''rake'', maxit => 100, epsilon => 1e-12)'),
 ('rake, no PSUs', 'svy_calibrate(svy_design(w, strata => stratum), (SELECT pab FROM p), ARRAY[a, b], method => ''rake'', maxit => 100, epsilon => 1e-12)'),
 ('linear + v', 'svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pabv FROM p), ARRAY[a, b], ARRAY[v])'),
 ('linear, no PSUs', 'svy_calibrate(svy_design(w, strata => stratum), (SELECT pab FROM p), ARRAY[a, b])'),
 ('linear + v, no PSUs', 'svy_calibrate(svy_design(w, strata => stratum), (SELECT pabv FROM p), ARRAY[a, b], ARRAY[v])'),
 ('raking', 'svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pab FROM p), ARRAY[a, b], method => ''raking'')'),
 ('logit', 'svy_calibrate(svy_design(w, psu => psu), (SELECT pab FROM p), ARRAY[a, b], method => ''logit'', bounds => ARRAY[0.5, 2])'),
 ('linear + 5 numeric, no PSUs', 'svy_calibrate(svy_design(w, strata => stratum), (SELECT p5 FROM p), ARRAY[a], x5(v, id))');

-- svy_by's groups = svy_mean / svy_total of svy_subset(d, grp = level), to 1e-9 (R: svyby on a
-- calibrated design is the domain estimate of each group); svy_dist's shares = svy_mean of the
-- indicator.  Groups: NULL rows are in no group, 'lone' has rows in one PSU.
-- The group 'lone' has all its rows in one PSU: its mean's scores cancel within that PSU, its SE
-- (~1e-5 of the estimate) is a difference of nearly equal terms and agrees to 1e-9 of the estimate.
CREATE FUNCTION se_close(level text, se float8, want float8, estimate float8) RETURNS boolean
LANGUAGE sql IMMUTABLE
RETURN abs(se - want) <= 1e-9 * CASE WHEN level = 'lone' THEN abs(estimate) ELSE want END;
CREATE FUNCTION agree(d text, tbl text DEFAULT 't') RETURNS TABLE (what text, level text, estimate_same boolean, se_same boolean,
                                              df_same boolean, n_same boolean, deff_same boolean)
LANGUAGE plpgsql AS $$
DECLARE r record; o record;
BEGIN
    FOR r IN EXECUTE format('SELECT g.* FROM svy_groups((SELECT svy_by(y, grp, %s) FROM %I)) g', d, tbl) LOOP
        EXECUTE format('SELECT (svy_mean(y, svy_subset(%s, grp = %L))).* FROM %I', d, r.level, tbl) INTO o;
        RETURN QUERY SELECT 'by mean', r.level, abs(r.estimate - o.estimate) <= 1e-9 * abs(o.estimate),
            se_close(r.level, r.std_error, o.std_error, o.estimate), r.df = o.df, r.n = o.n,
            r.level = 'lone' OR abs(r.deff - o.deff) <= 1e-9 * o.deff;
    END LOOP;
    FOR r IN EXECUTE format('SELECT g.* FROM svy_groups((SELECT svy_by(y, grp, %s) FROM %I), ''total'') g', d, tbl) LOOP
        EXECUTE format('SELECT (svy_total(y, svy_subset(%s, grp = %L))).* FROM %I', d, r.level, tbl) INTO o;
        RETURN QUERY SELECT 'by total', r.level, abs(r.estimate - o.estimate) <= 1e-9 * abs(o.estimate),
            se_close(r.level, r.std_error, o.std_error, o.estimate), r.df = o.df, r.n = o.n,
            r.level = 'lone' OR abs(r.deff - o.deff) <= 1e-9 * o.deff;
    END LOOP;
    FOR r IN EXECUTE format('SELECT g.* FROM svy_groups((SELECT svy_dist(grp, %s) FROM %I)) g', d, tbl) LOOP
        EXECUTE format('SELECT (svy_mean((grp = %L)::int::float8, %s)).* FROM %I', r.level, d, tbl) INTO o;
        RETURN QUERY SELECT 'dist', r.level, abs(r.estimate - o.estimate) <= 1e-9 * abs(o.estimate),
            se_close(r.level, r.std_error, o.std_error, o.estimate), r.df = o.df, r.n = o.n,
            r.level = 'lone' OR abs(r.deff - o.deff) <= 1e-9 * o.deff;
    END LOOP;
END $$;
SELECT des.name, a.what, count(*) AS levels, bool_and(a.estimate_same) AS estimate, bool_and(a.se_same) AS se,
       bool_and(a.df_same) AS df, bool_and(a.n_same) AS n, bool_and(a.deff_same) AS deff
FROM des, agree(des.sql) a GROUP BY 1, 2 ORDER BY 1, 2;

-- lonely PSUs: a stratum with one PSU, each rule as the linear estimators apply it
CREATE TABLE tl AS
SELECT * FROM t UNION ALL
SELECT 8000 + i, 'S9', 0, 2.0, 'a' || (1 + i % 3), 'b' || (1 + i % 2), i / 10.0, i * 3.0, 'g' || (i % 4)
FROM generate_series(1, 30) i;
SET survey.lonely_psu = 'adjust';
SELECT 'adjust' AS rule, a.what, count(*) AS levels, bool_and(a.estimate_same) AS estimate, bool_and(a.se_same) AS se,
       bool_and(a.df_same) AS df, bool_and(a.n_same) AS n, bool_and(a.deff_same) AS deff
FROM des, agree(des.sql, 'tl') a WHERE des.name IN ('rake', 'linear + v', 'poststratify, no PSUs') GROUP BY 1, 2 ORDER BY 1, 2;
SET survey.lonely_psu = 'average';
SELECT 'average' AS rule, a.what, count(*) AS levels, bool_and(a.estimate_same) AS estimate, bool_and(a.se_same) AS se,
       bool_and(a.df_same) AS df, bool_and(a.n_same) AS n, bool_and(a.deff_same) AS deff
FROM des, agree(des.sql, 'tl') a WHERE des.name IN ('rake', 'linear + v') GROUP BY 1, 2 ORDER BY 1, 2;
RESET survey.lonely_psu;
SELECT svy_by(y, grp, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pa FROM p), ARRAY[a])) FROM tl;

-- svy_choices' shares = svy_mean of has_choice (rows with NULL answers stay in the calibration)
CREATE TABLE tc AS
SELECT *, CASE WHEN id % 11 = 0 THEN NULL
               ELSE ('{' || concat_ws(',', CASE WHEN id % 2 = 0 THEN 1 END, CASE WHEN id % 3 = 0 THEN 2 END,
                                      CASE WHEN id % 5 < 2 THEN 3 END) || '}')::choices END AS c
FROM t;
SELECT g.level, abs(g.estimate - (m).estimate) <= 1e-9 * (m).estimate AS estimate_same,
       abs(g.std_error - (m).std_error) <= 1e-9 * (m).std_error AS se_same, g.df = (m).df AS df_same, g.n = (m).n AS n_same
FROM svy_groups((SELECT svy_choices(c, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pab FROM p),
                                                     ARRAY[a, b], method => 'rake')) FROM tc)) g,
     LATERAL (SELECT svy_mean(has_choice(c, g.level::int)::int::float8,
                              svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pab FROM p), ARRAY[a, b],
                                            method => 'rake')) AS m FROM tc) s
ORDER BY 1;
-- svy_pairwise reads the groups' calibrated covariance: a difference's SE is that of the two domain means
SELECT level_a, level_b, round(difference::numeric, 9) AS difference, std_error > 0 AS has_se, df
FROM svy_pairwise((SELECT svy_by(y, grp, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pa FROM p),
                                                        ARRAY[a], method => 'poststratify')) FROM t), 'none')
WHERE level_a = 'g0' ORDER BY 2;

-- the group with one PSU keeps a variance (its residuals spread over the whole sample) and df 0
SELECT g.level, g.estimate > 0 AS has_estimate, g.std_error > 0 AS has_se, g.df, g.n
FROM svy_groups((SELECT svy_by(y, grp, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pa FROM p), ARRAY[a],
                                                       method => 'poststratify')) FROM t)) g
WHERE g.level = 'lone';
-- calibration changes the numbers: the raked groups differ from those of the base design
SELECT c.level, abs(c.estimate - u.estimate) > 1e-6 AS estimate_moved, abs(c.std_error - u.std_error) > 1e-6 AS se_moved
FROM svy_groups((SELECT svy_by(y, grp, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pab FROM p), ARRAY[a, b],
                                                       method => 'rake')) FROM t)) c
JOIN svy_groups((SELECT svy_by(y, grp, svy_design(w, strata => stratum, psu => psu)) FROM t)) u USING (level)
ORDER BY 1;
-- the shares of a calibration variable are the population's, with SE ~ 0
SELECT g.level, round(g.estimate::numeric, 9) AS share, g.std_error < 1e-9 AS se_zero
FROM svy_groups((SELECT svy_dist(a, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pab FROM p), ARRAY[a, b],
                                                    method => 'rake', maxit => 100, epsilon => 1e-12)) FROM t)) g
ORDER BY 1;

-- empty domain: no groups, and svy_dist of nothing is NULL as for an uncalibrated design
SELECT count(*) AS groups
FROM svy_groups((SELECT svy_by(y, grp, svy_subset(svy_calibrate(svy_design(w, psu => psu), (SELECT pa FROM p), ARRAY[a]), false))
                 FROM t));
SELECT svy_dist(grp, svy_calibrate(svy_design(w, psu => psu), (SELECT pa FROM p), ARRAY[a])) IS NULL AS no_rows FROM t WHERE false;
-- a group of a domain: svy_by inside svy_subset = the domain of both conditions
SELECT g.level, abs(g.estimate - (m).estimate) <= 1e-9 * (m).estimate AS estimate_same,
       se_close(g.level, g.std_error, (m).std_error, (m).estimate) AS se_same
FROM svy_groups((SELECT svy_by(y, grp, svy_subset(svy_calibrate(svy_design(w, psu => psu), (SELECT pa FROM p), ARRAY[a]), b = 'b1'))
                 FROM t)) g,
     LATERAL (SELECT svy_mean(y, svy_subset(svy_calibrate(svy_design(w, psu => psu), (SELECT pa FROM p), ARRAY[a]),
                                            b = 'b1' AND grp = g.level)) AS m FROM t) s
ORDER BY 1;

-- Rao-Scott on a raked design (R: svychisq(~a + b, rake(...))) is a test like any other
SELECT round(x.statistic::numeric, 6) > 0 AS statistic, x.ndf > 0 AS ndf, x.ddf > 0 AS ddf, x.p_value BETWEEN 0 AND 1 AS p
FROM (SELECT (svy_chisq(svy_tab(grp, b, svy_calibrate(svy_design(w, strata => stratum, psu => psu), (SELECT pab FROM p),
                                                      ARRAY[a, b], method => 'rake')))).* FROM t) x;

-- errors
-- five numeric auxiliaries without PSUs: every row its own PSU, the numbers of psu => id (R: KD050..KD055);
-- rows with PSUs and rows without in one aggregate are an error
SELECT g.level, abs(g.estimate - h.estimate) <= 1e-10 * abs(h.estimate) AND abs(g.std_error - h.std_error) <= 1e-9 * h.std_error
           AND g.df = h.df AND g.n = h.n AS rows_are_psus
FROM svy_groups((SELECT svy_by(y, grp, svy_calibrate(svy_design(w, strata => stratum), (SELECT p5 FROM p), ARRAY[a], x5(v, id))) FROM t)) g
JOIN svy_groups((SELECT svy_by(y, grp, svy_calibrate(svy_design(w, strata => stratum, psu => id), (SELECT p5 FROM p), ARRAY[a], x5(v, id)))
                 FROM t)) h USING (level) ORDER BY 1;
SELECT abs(x.statistic - y.statistic) <= 1e-9 * y.statistic AND abs(x.ddf - y.ddf) <= 1e-9 * y.ddf AS chisq_rows_are_psus
FROM svy_chisq((SELECT svy_tab(grp, b, svy_calibrate(svy_design(w, strata => stratum), (SELECT p5 FROM p), ARRAY[a], x5(v, id))) FROM t)) x,
     svy_chisq((SELECT svy_tab(grp, b, svy_calibrate(svy_design(w, strata => stratum, psu => id), (SELECT p5 FROM p), ARRAY[a], x5(v, id)))
                FROM t)) y;
SELECT svy_by(y, grp, svy_calibrate(CASE WHEN id < 100 THEN svy_design(w, strata => stratum, psu => id) ELSE svy_design(w, strata => stratum) END,
                                    (SELECT p5 FROM p), ARRAY[a], x5(v, id))) FROM t;
SELECT svy_by(y, grp, svy_calibrate(CASE WHEN id > 100 THEN svy_design(w, strata => stratum, psu => id) ELSE svy_design(w, strata => stratum) END,
                                    (SELECT p5 FROM p), ARRAY[a], x5(v, id))) FROM t;
-- calibrated and uncalibrated rows in one aggregate
SELECT svy_by(y, grp, CASE WHEN id > 10 THEN svy_calibrate(svy_design(w, psu => psu), (SELECT pa FROM p), ARRAY[a])
                           ELSE svy_design(w, psu => psu) END) FROM t;
SELECT svy_by(y, grp, CASE WHEN id < 10 THEN svy_calibrate(svy_design(w, psu => psu), (SELECT pa FROM p), ARRAY[a])
                           ELSE svy_design(w, psu => psu) END) FROM t;
-- different populations
SELECT svy_dist(grp, svy_calibrate(svy_design(w, psu => psu), CASE WHEN id < 10 THEN (SELECT pa FROM p) ELSE (SELECT pab FROM p) END,
                                   CASE WHEN id < 10 THEN ARRAY[a] ELSE ARRAY[a, b] END)) FROM t;

-- parallel = serial = merged (raw states of two halves, combined)
CREATE FUNCTION run_all() RETURNS TABLE (name text, what text, level text, estimate float8, std_error float8,
                                          df float8, n bigint)
LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT * FROM des LOOP
        RETURN QUERY EXECUTE format('SELECT %L, ''by'', g.level, g.estimate, g.std_error, g.df, g.n '
                                    'FROM svy_groups((SELECT svy_by(y, grp, %s) FROM t)) g', r.name, r.sql);
        RETURN QUERY EXECUTE format('SELECT %L, ''dist'', g.level, g.estimate, g.std_error, g.df, g.n '
                                    'FROM svy_groups((SELECT svy_dist(grp, %s) FROM t)) g', r.name, r.sql);
        RETURN QUERY EXECUTE format('SELECT %L, ''chisq'', NULL, x.statistic, x.p_value, x.ddf, NULL::bigint '
                                    'FROM (SELECT (svy_chisq(svy_tab(grp, b, %s))).* FROM t) x', r.name, r.sql);
    END LOOP;
END $$;
CREATE TABLE serial AS SELECT * FROM run_all();
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT des.name, plan_has(format('SELECT svy_by(y, grp, %s) FROM t', des.sql), 'Partial Aggregate') AS by_partial,
       plan_has(format('SELECT svy_tab(grp, b, %s) FROM t', des.sql), 'Partial Aggregate') AS tab_partial
FROM des ORDER BY 1;
CREATE TABLE parallel AS SELECT * FROM run_all();
RESET ALL;
SET extra_float_digits = 0;
SELECT s.name, s.what, count(*) AS rows,
       bool_and(abs(p.estimate - s.estimate) <= 1e-9 * abs(s.estimate)) AS estimate_same,
       bool_and(se_close(s.level, p.std_error, s.std_error, s.estimate)) AS se_same,
       bool_and(p.df = s.df AND p.n IS NOT DISTINCT FROM s.n) AS df_n_same
FROM serial s JOIN parallel p USING (name, what, level) GROUP BY 1, 2 ORDER BY 1, 2;
-- merged: raw states (as Citus workers ship them) of two halves, combined, through their text form
CREATE AGGREGATE by_state(float8, text, svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, COMBINEFUNC = svy_aggstate_combine);
CREATE FUNCTION merged(d text) RETURNS TABLE (level text, estimate float8, std_error float8, df float8, n bigint)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'SELECT g.level, g.estimate, g.std_error, g.df, g.n FROM '
        '(SELECT svy_domains_final(svy_aggstate_combine(a.s::text::svy_aggstate, b.s::text::svy_aggstate)) AS m '
        ' FROM (SELECT by_state(y, grp, %1$s) AS s FROM t WHERE id %% 2 = 0) a, '
        '      (SELECT by_state(y, grp, %1$s) AS s FROM t WHERE id %% 2 = 1) b) x, svy_groups(x.m) g', d);
END $$;
SELECT des.name, count(*) AS groups,
       bool_and(abs(m.estimate - s.estimate) <= 1e-9 * abs(s.estimate)) AS estimate_same,
       bool_and(se_close(s.level, m.std_error, s.std_error, s.estimate)) AS se_same,
       bool_and(m.df = s.df AND m.n = s.n) AS df_n_same
FROM des, merged(des.sql) m JOIN serial s ON s.what = 'by' AND s.level = m.level
WHERE s.name = des.name GROUP BY 1 ORDER BY 1;
-- the state holds sums per PSU x cell x group, not rows: its size does not grow with the rows
SELECT length(a.s::text) = length(b.s::text) AS same_size
FROM (SELECT by_state(y, grp, svy_calibrate(svy_design(w, psu => psu), (SELECT pa FROM p), ARRAY[a])) AS s FROM t) a,
     (SELECT by_state(y, grp, svy_calibrate(svy_design(w, psu => psu), (SELECT pa FROM p), ARRAY[a])) AS s
      FROM (SELECT t.* FROM t, generate_series(1, 2)) t) b;

-- a corrupt state is an error, never a crash: every truncation and every byte flipped (small state;
-- a flipped sum may leave raking unconverged: warnings off)
CREATE TEMP TABLE fuzz (line text);
SET client_min_messages = error;
DO $$
DECLARE
    b bytea;
    x bytea;
    ok int := 0;
    bad int := 0;
BEGIN
    SELECT decode(by_state(y, grp, svy_calibrate(svy_design(w, strata => stratum, psu => psu % 3), (SELECT pab FROM p),
                                                 ARRAY[t.a, t.b], method => 'rake'))::text, 'base64')
    INTO b FROM t WHERE t.id <= 40;
    FOR i IN 0 .. length(b) - 1 LOOP
        FOR v IN 0 .. 1 LOOP
            x := CASE v WHEN 0 THEN substr(b, 1, i) ELSE set_byte(b, i, get_byte(b, i) # 255) END;
            BEGIN
                PERFORM svy_groups(svy_domains_final(replace(encode(x, 'base64'), E'\n', '')::svy_aggstate));
                ok := ok + 1;
            EXCEPTION WHEN OTHERS THEN
                IF SQLSTATE NOT IN ('22P03', '22P02', '22023', '22000', '0A000') THEN
                    INSERT INTO fuzz VALUES (format('byte %s, %s: %s %s', i, v, SQLSTATE, SQLERRM));
                END IF;
                bad := bad + 1;
            END;
        END LOOP;
    END LOOP;
    INSERT INTO fuzz VALUES (format('some read: %s, most rejected: %s', ok > 0, bad > length(b)));
END $$;
RESET client_min_messages;
SELECT * FROM fuzz;

DROP TABLE t, tl, tc, p, des, serial, parallel, fuzz;
DROP FUNCTION agree(text, text), se_close(text, float8, float8, float8), run_all(), plan_has(text, text), merged(text),
              x5(numeric, int);
DROP AGGREGATE by_state(float8, text, svy_design);
