-- Two-stage designs (SPEC §12): svy_design(weight, strata, psu, fpc, psu2, fpc2) with R's multistage
-- variance (survey.ultimate.cluster = FALSE).  R's numbers are checked by the oracle (kind multistage:
-- the kit's apiclus2/mu284 cases and test/oracle/extra/make_twostage.R).  Here: the second stage by hand,
-- its special cases, parallel = serial = merged states, text and state formats, bad input.
SET extra_float_digits = 0;
-- 3 strata x 4 PSUs (of 10) x 6 second-stage units (of 20), 40 rows per unit
CREATE TABLE ts AS
SELECT i AS id, 'S' || (i % 3) AS st, (i / 3) % 4 AS psu, (i / 12) % 6 AS ssu,
       10.0::float8 AS n1, 20.0::float8 AS n2, 0.4::float8 AS f1, 0.3::float8 AS f2,
       1.5 + (i % 7) * 0.5 AS w, ((i * 7919) % 1000) / 10.0 AS y, (i * 31) % 7 < 3 AS b,
       ((i / 7) % 4)::text AS g, ((i / 5) % 5 < 2)::text AS h
FROM generate_series(0, 2879) i;
CREATE VIEW tsd AS
SELECT ts.*, svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2) AS d
FROM ts;

-- the variance by hand: stage 1 over the PSU totals, plus per PSU (n_h / N_h) times the one-stage
-- variance of its units' totals (fpc2)
WITH u AS (SELECT st, psu, ssu, sum(w * y) AS t FROM ts GROUP BY 1, 2, 3),
p AS (SELECT st, psu, sum(t) AS t, count(*) AS m,
             sum(t * t) - sum(t) ^ 2 / count(*) AS ss2 FROM u GROUP BY 1, 2),
s AS (SELECT st, count(*) AS n, sum(t * t) - sum(t) ^ 2 / count(*) AS ss1,
             sum((1 - m / 20.0) * m / (m - 1) * ss2) AS v2 FROM p GROUP BY 1),
v AS (SELECT sum((1 - n / 10.0) * n / (n - 1) * ss1 + n / 10.0 * v2) AS v FROM s)
SELECT abs((svy_total(y, d)).std_error - sqrt(v)) < 1e-9 * sqrt(v) AS total_se_by_hand
FROM tsd, v GROUP BY v;
-- the second stage adds to the first
SELECT (svy_total(y, d)).std_error > (svy_total(y, svy_design(w, strata => st, psu => psu, fpc => n1))).std_error
       AS stage2_adds
FROM tsd;
-- fpc2 as fractions (6 of 20 = 0.3) and fpc as fractions (4 of 10) give the same numbers
SELECT abs((svy_total(y, d)).std_error
           - (svy_total(y, svy_design(w, strata => st, psu => psu, fpc => f1, psu2 => ssu, fpc2 => f2))).std_error)
       < 1e-9 * (svy_total(y, d)).std_error AS fractions_same
FROM tsd;
-- without fpc the second stage adds nothing (R's ultimate cluster): the one-stage numbers
SELECT (svy_mean(y, svy_design(w, strata => st, psu => psu, psu2 => ssu))).std_error
       = (svy_mean(y, svy_design(w, strata => st, psu => psu))).std_error AS no_fpc_one_stage,
       (svy_mean(y, svy_design(w, strata => st, psu => psu, psu2 => ssu, fpc2 => n2))).std_error
       = (svy_mean(y, svy_design(w, strata => st, psu => psu))).std_error AS fpc2_only_one_stage
FROM ts;
-- every unit of each PSU sampled (fpc2 = 6 units, or fraction 1): no second stage
SELECT abs((svy_mean(y, svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => 6))).std_error
           - (svy_mean(y, svy_design(w, strata => st, psu => psu, fpc => n1))).std_error) < 1e-12 AS census_stage2,
       abs((svy_mean(y, svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => 1))).std_error
           - (svy_mean(y, svy_design(w, strata => st, psu => psu, fpc => n1))).std_error) < 1e-12 AS fraction_one
FROM ts;
-- every PSU sampled (fpc = 4): only the second stage, at full weight
SELECT (svy_mean(y, svy_design(w, strata => st, psu => psu, fpc => 4, psu2 => ssu, fpc2 => n2))).std_error > 0
       AS census_stage1_keeps_stage2
FROM ts;
-- df counts first-stage PSUs minus strata (12 - 3), in every reader
SELECT (svy_mean(y, d)).df AS mean_df, (svy_quantile(y, d, 0.5)).df AS quantile_df,
       (SELECT df FROM svy_groups(svy_by(y, g, d), 'mean') LIMIT 1) AS by_df,
       (svy_chisq(svy_tab(g, h, d))).ddf AS chisq_ddf
FROM tsd;

-- svy_dist and svy_choices share the domain aggregates' covariance: the same SE as svy_mean of the 0/1 item
SELECT abs((SELECT std_error FROM svy_groups(svy_dist(g, d), 'mean') WHERE level = '2')
           - (svy_mean((g = '2')::int::float8, d)).std_error) < 1e-9 AS dist_as_mean,
       abs((SELECT std_error FROM svy_groups(svy_choices(CASE WHEN h = 'true' THEN '{1,2}' ELSE '{2}' END::choices, d),
                                             'mean') WHERE level = '1')
           - (svy_mean((h = 'true')::int::float8, d)).std_error) < 1e-9 AS choices_as_mean
FROM tsd;

-- a PSU with one sampled unit (PSU 0 of S0 keeps unit 0 only): each lonely rule
CREATE VIEW ts1 AS
SELECT ts.*, svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => n2) AS d
FROM ts WHERE NOT (st = 'S0' AND psu = 0 AND ssu > 0);
SELECT svy_mean(y, d) FROM ts1;
SELECT svy_by(y, g, d) IS NOT NULL FROM ts1;
SET survey.lonely_psu = 'remove';
SELECT (svy_mean(y, d)).std_error AS remove_se FROM ts1 \gset
SET survey.lonely_psu = 'certainty';
SELECT abs((svy_mean(y, d)).std_error - :remove_se) < 1e-9 * :remove_se AS certainty_as_remove FROM ts1;
SET survey.lonely_psu = 'adjust';
SELECT (svy_mean(y, d)).std_error > :remove_se AS adjust_adds FROM ts1;
SET survey.lonely_psu = 'average';
-- undefined (R: NaN) where the domain holds the lonely PSU's rows; defined where it holds none
SELECT (svy_mean(y, d)).std_error IS NULL AS average_undefined FROM ts1;
SELECT level, std_error IS NULL AS undefined
FROM (SELECT svy_by(y, CASE WHEN st = 'S0' AND psu = 0 THEN 'lonely' ELSE 'other' END, d) AS b FROM ts1) s,
     svy_groups(s.b, 'mean') ORDER BY level;
SELECT (svy_mean(y, svy_subset(d, NOT (st = 'S0' AND psu = 0)))).std_error IS NOT NULL AS domain_without_it
FROM ts1;
RESET survey.lonely_psu;

-- parallel aggregation = serial = merged states
CREATE TABLE serial AS
SELECT svy_mean(y, d) AS m, svy_total(y, d) AS t, svy_prop(b, d, 'logit') AS p, svy_ratio(y, w, d) AS r,
       svy_quantile(y, d, 0.5) AS q, svy_by(y, g, d) AS by, svy_tab(g, h, d) AS tab
FROM tsd;
\i sql/include/parallel_on.sql
\i sql/include/plan_has.sql
SELECT plan_has($q$SELECT svy_mean(y, d), svy_quantile(y, d, 0.5), svy_by(y, g, d) FROM tsd$q$,
                'Partial Aggregate') AS partial_aggregate;
CREATE TABLE par AS
SELECT svy_mean(y, d) AS m, svy_total(y, d) AS t, svy_prop(b, d, 'logit') AS p, svy_ratio(y, w, d) AS r,
       svy_quantile(y, d, 0.5) AS q, svy_by(y, g, d) AS by, svy_tab(g, h, d) AS tab
FROM tsd;
RESET ALL;
SET extra_float_digits = 0;
SELECT abs((p.m).std_error - (s.m).std_error) < 1e-9 * (s.m).std_error AS mean_same,
       abs((p.t).std_error - (s.t).std_error) < 1e-9 * (s.t).std_error AS total_same,
       abs((p.p).ci_lower - (s.p).ci_lower) < 1e-9 AS prop_same,
       abs((p.r).std_error - (s.r).std_error) < 1e-9 * (s.r).std_error AS ratio_same,
       abs((p.q).ci_upper - (s.q).ci_upper) < 1e-9 * (s.q).ci_upper
           AND abs((p.q).std_error - (s.q).std_error) < 1e-9 * (s.q).std_error AS quantile_same,
       (SELECT bool_and(abs(a.std_error - c.std_error) < 1e-9 * c.std_error)
        FROM svy_groups(p.by, 'mean') a JOIN svy_groups(s.by, 'mean') c USING (level)) AS by_same,
       abs((svy_chisq(p.tab)).statistic - (svy_chisq(s.tab)).statistic) < 1e-9 * (svy_chisq(s.tab)).statistic
           AS chisq_same
FROM par p, serial s;
-- states accumulated per part (parts split PSUs and units) and merged
CREATE TABLE parts AS
SELECT id % 4 AS part, svy_accum(y, d) AS st, svy_accum(b, d) AS bst FROM tsd GROUP BY 1;
SELECT abs((svy_mean(svy_merge(st))).std_error - (s.m).std_error) < 1e-9 * (s.m).std_error AS merged_mean_same,
       abs((svy_total(svy_merge(st))).std_error - (s.t).std_error) < 1e-9 * (s.t).std_error AS merged_total_same,
       abs((svy_prop(svy_merge(bst), 'logit')).ci_upper - (s.p).ci_upper) < 1e-9 AS merged_prop_same
FROM parts, serial s GROUP BY s.m, s.t, s.p;
-- text round trip of two-stage states
SELECT (svy_mean(svy_merge(st::text::svy_state))).std_error = (svy_mean(svy_merge(st))).std_error AS text_round_trip
FROM parts;
-- a version-1 state (one-stage, written before two-stage designs) is still read: the same state
-- without the version-2 count of second-stage units and calibration marker
SELECT svy_accum(y, svy_design(w, strata => st, psu => psu, fpc => n1))::text AS v2 FROM ts \gset
SELECT substr(:'v2', 1, 4) AS v2_header, right(:'v2', 10) AS v2_no_units_not_calibrated;
SELECT (svy_mean(('\x01' || substr(:'v2', 5, length(:'v2') - 14))::svy_state)).std_error
       = (svy_mean(:'v2'::svy_state)).std_error AS version1_read;
-- a version-1 state cannot hold a second stage
SELECT ('\x01' || substr(st::text, 5))::svy_state FROM parts WHERE part = 0;
-- a truncated second-stage section
SELECT left(st::text, -16)::svy_state FROM parts WHERE part = 0;
-- one- and two-stage states do not merge
SELECT svy_merge(x) FROM (SELECT st AS x FROM parts
                          UNION ALL SELECT svy_accum(y, svy_design(w, strata => st, psu => psu, fpc => n1)) FROM ts) u;

-- text form of a two-stage design value
SELECT svy_design(2, strata => 'a', psu => 7, fpc => 10, psu2 => 3, fpc2 => 0.5);
SELECT (svy_total(y, d::text::svy_design)).std_error = (svy_total(y, d)).std_error AS design_text_round_trip
FROM tsd;
SELECT 'taylor w=2 fpc=0 flags=42 sid=00000000000000000000000000000000 pid=00000000000000070000000000000000 label='::svy_design;
SELECT 'taylor w=2 fpc=0 flags=c2 sid=00000000000000000000000000000000 pid=00000000000000070000000000000000 p2=00000000000000030000000000000000 fpc2=0 label='::svy_design;

-- bad input
SELECT svy_design(1, psu => 1, fpc2 => 5);
SELECT svy_design(1, psu2 => 1, fpc2 => 5);
SELECT svy_design(1, psu => 1, fpc => 10, psu2 => 1);
-- NULL on a row (a NULL constant is an absent argument)
SELECT svy_mean(y, svy_design(w, psu => psu, psu2 => CASE WHEN id <> 5 THEN ssu END, fpc2 => n2)) FROM ts;
SELECT svy_mean(y, svy_design(w, psu => psu, psu2 => ssu, fpc2 => CASE WHEN id <> 5 THEN n2 END)) FROM ts;
SELECT svy_design(1, psu => 1, psu2 => 1, fpc2 => 0);
SELECT svy_design(1, psu => 1, psu2 => 1, fpc2 => 'infinity');
-- fpc2 below the PSU's sampled units (6)
SELECT svy_mean(y, svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => 5)) FROM ts;
SELECT svy_by(y, g, svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => 5)) FROM ts;
SELECT svy_quantile(y, svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => 5), 0.5) FROM ts;
-- fpc2 differs within a PSU
SELECT svy_mean(y, svy_design(w, strata => st, psu => psu, fpc => n1, psu2 => ssu, fpc2 => 20 + ssu)) FROM ts;
-- rows of one aggregate mixing one- and two-stage designs
SELECT svy_mean(y, CASE WHEN id = 5 THEN svy_design(w, strata => st, psu => psu, fpc => n1)
                        ELSE d END) FROM tsd;
SELECT svy_by(y, g, CASE WHEN id = 5 THEN svy_design(w, strata => st, psu => psu, psu2 => ssu)
                         ELSE svy_design(w, strata => st, psu => psu) END) FROM ts;
SELECT svy_quantile(y, CASE WHEN id = 5 THEN svy_design(w, strata => st, psu => psu, fpc => n1)
                            ELSE d END, 0.5) FROM tsd;
-- the lonely unit under "fail", in each aggregate
SELECT svy_by(y, g, d) FROM ts1;
SELECT svy_quantile(y, d, 0.5) FROM ts1;
SELECT svy_tab(g, h, d) FROM ts1;
DROP FUNCTION plan_has(text, text);
DROP VIEW tsd, ts1;
DROP TABLE ts, serial, par, parts;
