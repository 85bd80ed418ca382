-- The per-row fast paths (issue 14) must give exactly what the general paths
-- give: text keys through the identity cache (short, long, compressed values),
-- integer keys as their own identity, the accumulator's PSU cache and the
-- dense PSU slot the domain and quantile aggregates use, also after partial
-- aggregation (merges) and with PSUs arriving in any order.
SET extra_float_digits = 0;

CREATE TABLE hp AS
SELECT i AS id,
       1 + i % 6 AS st,
       (1 + i % 6) * 100 + (i / 6) % 9 AS ps,
       0.5 + (i * 7919 % 13) / 4.0 AS w,
       (i * 31) % 7 < 3 AS b,
       ((i * 37) % 101)::float8 AS y,
       1 + (i / 3) % 4 AS g
FROM generate_series(0, 2999) AS i;
-- the same keys as text: short codes, names longer than the cache takes
-- (64 bytes), and values stored compressed
CREATE TABLE hpt AS
SELECT id, w, b, y,
       'S' || st AS st_short, 'P' || ps AS ps_short, 'G' || g AS g_text,
       st || ' ' || repeat('stratum name ', 8) AS st_long, repeat('psu name ', 10) || ps AS ps_long,
       repeat('compressible ', 400) || st AS st_big, repeat('compressible ', 400) || ps AS ps_big
FROM hp;
SELECT count(*) AS compressed_values
FROM hpt WHERE pg_column_size(st_big) < octet_length(st_big) AND pg_column_size(ps_big) < octet_length(ps_big);

-- one row per key kind: estimate and standard error identical to the integer keys
CREATE TEMP TABLE ref AS
SELECT (svy_prop(b, svy_design(w, strata => st, psu => ps))).* FROM hp;
SELECT kind, e.estimate = r.estimate AS same_estimate, e.std_error = r.std_error AS same_se, e.df = r.df AS same_df
FROM ref r, (
    SELECT 'short text' AS kind, (svy_prop(b, svy_design(w, strata => st_short, psu => ps_short))).* FROM hpt
    UNION ALL
    SELECT 'long text', (svy_prop(b, svy_design(w, strata => st_long, psu => ps_long))).* FROM hpt
    UNION ALL
    SELECT 'compressed text', (svy_prop(b, svy_design(w, strata => st_big, psu => ps_big))).* FROM hpt
    UNION ALL
    SELECT 'bigint', (svy_prop(b, svy_design(w, strata => st::bigint, psu => ps::smallint))).* FROM hp
) e
ORDER BY kind;

-- PSUs in every order of arrival: sorted, reversed, interleaved by stratum
SELECT o, round(estimate::numeric, 12) AS est, round(std_error::numeric, 12) AS se FROM (
    SELECT 'id' AS o, (svy_prop(b, svy_design(w, strata => st, psu => ps) ORDER BY id)).* FROM hp
    UNION ALL
    SELECT 'psu desc', (svy_prop(b, svy_design(w, strata => st, psu => ps) ORDER BY ps DESC, id)).* FROM hp
    UNION ALL
    SELECT 'psu asc', (svy_prop(b, svy_design(w, strata => st, psu => ps) ORDER BY ps, id)).* FROM hp
) x ORDER BY o;

-- domain and quantile aggregates: text keys and groups = integer ones, in order and reversed
CREATE TEMP TABLE by_int AS
SELECT level, estimate, std_error FROM
  (SELECT svy_by(y, g, svy_design(w, strata => st, psu => ps)) AS s FROM hp) x, svy_groups(x.s, 'mean');
CREATE TEMP TABLE by_text AS
SELECT level, estimate, std_error FROM
  (SELECT svy_by(y, g_text, svy_design(w, strata => st_short, psu => ps_short)) AS s FROM hpt) x, svy_groups(x.s, 'mean');
CREATE TEMP TABLE by_rev AS
SELECT level, estimate, std_error FROM
  (SELECT svy_by(y, g, svy_design(w, strata => st, psu => ps) ORDER BY ps DESC, id DESC) AS s FROM hp) x,
  svy_groups(x.s, 'mean');
SELECT count(*) AS groups,
       bool_and(i.estimate = t.estimate AND i.std_error = t.std_error) AS text_same,
       bool_and(i.estimate = r.estimate AND abs(i.std_error - r.std_error) <= 1e-12 * i.std_error) AS reversed_same
FROM by_int i JOIN by_text t ON 'G' || i.level = t.level JOIN by_rev r ON r.level = i.level;

SELECT q.estimate = t.estimate AND q.std_error = t.std_error AS quantile_text_same,
       q.estimate = r.estimate AND q.std_error = r.std_error AS quantile_reversed_same
FROM (SELECT (svy_quantile(y, svy_design(w, strata => st, psu => ps), 0.5)).* FROM hp) q,
     (SELECT (svy_quantile(y, svy_design(w, strata => st_short, psu => ps_short), 0.5)).* FROM hpt) t,
     (SELECT (svy_quantile(y, svy_design(w, strata => st, psu => ps), 0.5 ORDER BY ps DESC)).* FROM hp) r;

-- partial aggregation (merged states, PSUs split between workers) = serial
CREATE TEMP TABLE serial AS
SELECT (SELECT (svy_prop(b, svy_design(w, strata => st_short, psu => ps_short))).std_error FROM hpt) AS prop_se,
       (SELECT array_agg(std_error ORDER BY level) FROM
          (SELECT svy_by(y, g_text, svy_design(w, strata => st_short, psu => ps_short)) AS s FROM hpt) x,
          svy_groups(x.s, 'mean')) AS by_se,
       (SELECT (svy_quantile(y, svy_design(w, strata => st_short, psu => ps_short), 0.5)).std_error FROM hpt) AS q_se;
\i sql/include/parallel_on.sql
EXPLAIN (COSTS OFF) SELECT svy_by(y, g_text, svy_design(w, strata => st_short, psu => ps_short)) FROM hpt;
SELECT abs(p.prop_se - s.prop_se) <= 1e-12 * s.prop_se AS prop_same,
       (SELECT bool_and(abs(a - c) <= 1e-12 * c) FROM unnest(p.by_se, s.by_se) AS u(a, c)) AS by_same,
       abs(p.q_se - s.q_se) <= 1e-12 * s.q_se AS quantile_same
FROM serial s, (
    SELECT (SELECT (svy_prop(b, svy_design(w, strata => st_short, psu => ps_short))).std_error FROM hpt) AS prop_se,
           (SELECT array_agg(std_error ORDER BY level) FROM
              (SELECT svy_by(y, g_text, svy_design(w, strata => st_short, psu => ps_short)) AS s FROM hpt) x,
              svy_groups(x.s, 'mean')) AS by_se,
           (SELECT (svy_quantile(y, svy_design(w, strata => st_short, psu => ps_short), 0.5)).std_error FROM hpt) AS q_se
) p;
\i sql/include/parallel_off.sql

-- the stratum label cache: a lonely PSU names its stratum, long names clipped
SET survey.lonely_psu = 'fail';
SELECT svy_prop(b, svy_design(w, strata => st_long, psu => ps_long))
FROM hpt WHERE ps_long NOT LIKE '%10_' OR ps_long LIKE '%100';
-- an aggregate that reads the value in the row that built it gets the label
-- only when it meets a new stratum: in every group, from sorted copies
-- (ORDER BY), an untyped literal, integers, without PSUs, a domain
-- aggregate, merged states of workers
SELECT g_text, svy_prop(b, svy_design(w, strata => st_short, psu => CASE WHEN st_short = 'S3' THEN 'one' ELSE ps_short END))
FROM hpt GROUP BY g_text ORDER BY g_text;
SELECT svy_prop(b, svy_design(w, strata => st_short, psu => CASE WHEN st_short = 'S3' THEN 'one' ELSE ps_short END) ORDER BY id DESC)
FROM hpt;
SELECT svy_prop(b, svy_design(w, strata => 'north', psu => 1)) FROM hp;
SELECT svy_prop(b, svy_design(w, strata => st, psu => CASE WHEN st = 4 THEN 0 ELSE ps END)) FROM hp;
SELECT svy_prop(b, svy_design(w, strata => CASE WHEN id = 7 THEN 'solo' ELSE st_short END)) FROM hpt;
SELECT svy_groups(svy_by(y, g_text, svy_design(w, strata => st_short, psu => CASE WHEN st_short = 'S2' THEN 'one' ELSE ps_short END)), 'mean')
FROM hpt;
\i sql/include/parallel_on.sql
EXPLAIN (COSTS OFF)
SELECT svy_prop(b, svy_design(w, strata => st_short, psu => CASE WHEN st_short = 'S5' THEN 'one' ELSE ps_short END))
FROM hpt;
SELECT svy_prop(b, svy_design(w, strata => st_short, psu => CASE WHEN st_short = 'S5' THEN 'one' ELSE ps_short END))
FROM hpt;
\i sql/include/parallel_off.sql
RESET survey.lonely_psu;

-- the accumulator's fast path still refuses a calibrated design after
-- uncalibrated rows of the same shape
CREATE TEMP TABLE hpop AS
SELECT svy_population('g', level::text, 750) AS pop FROM generate_series(1, 4) AS level GROUP BY ();
SELECT svy_by(y, g, CASE WHEN id < 10 THEN svy_design(w, strata => st, psu => ps)
                         ELSE svy_calibrate(svy_design(w, strata => st, psu => ps), pop, ARRAY[g::text]) END
              ORDER BY id)
FROM hp, hpop;
SELECT svy_quantile(y, CASE WHEN id < 10 THEN svy_design(w, strata => st, psu => ps)
                            ELSE svy_calibrate(svy_design(w, strata => st, psu => ps), pop, ARRAY[g::text]) END,
                    0.5 ORDER BY id)
FROM hp, hpop;

-- text keys of every length up to 40 bytes that differ in one byte only, at any
-- position (the identity cache reads a value as whole and overlapping words):
-- the same as integer keys for (length, position)
CREATE TEMP TABLE hplen AS
SELECT id, w, b, len * 100 + pos AS st_int, (len * 100 + pos) * 10 + id % 3 AS ps_int,
       k AS st_text, k || chr(65 + id % 3) AS ps_text
FROM (SELECT *, CASE WHEN len = 0 THEN '' ELSE overlay(repeat('a', len) PLACING 'b' FROM pos + 1) END AS k
      FROM (SELECT id, w, b, (id / 7) % 41 AS len, CASE WHEN (id / 7) % 41 = 0 THEN 0 ELSE (id / 287) % ((id / 7) % 41) END AS pos
            FROM hp) x) y;
SELECT count(DISTINCT st_text) AS strata, count(DISTINCT ps_text) AS psus,
       count(DISTINCT st_text) = count(DISTINCT st_int) AS same_strata,
       count(DISTINCT ps_text) = count(DISTINCT ps_int) AS same_psus FROM hplen;
SELECT i.estimate = t.estimate AS same_estimate, i.std_error = t.std_error AS same_se, i.df = t.df AS same_df
FROM (SELECT (svy_prop(b, svy_design(w, strata => st_int, psu => ps_int))).* FROM hplen) i,
     (SELECT (svy_prop(b, svy_design(w, strata => st_text, psu => ps_text))).* FROM hplen) t;

-- the same keys as groups: a domain aggregate finds a group of up to 16
-- bytes by its bytes, a longer one by its identity (both kinds in one
-- grouping variable here); svy_by, svy_dist and svy_tab by text = by
-- integers (svy_dist and svy_tab list their levels in type order, so their
-- sums run in another order: equal to 1e-12)
CREATE TEMP TABLE hplen_key AS SELECT DISTINCT st_int, st_text FROM hplen;
-- values with the same first and last 8 bytes whose lengths share a cache slot
-- (the slot depends on the length: these pairs were searched for)
SELECT g.level, round(g.estimate::numeric, 12) = round((sum(v.w) / sum(sum(v.w)) OVER ())::numeric, 12) AS right_share
FROM (SELECT repeat(c, n) AS k, n + i % 5 AS w
      FROM (VALUES ('0', 14), ('0', 16), ('P', 10), ('P', 15)) AS p(c, n), generate_series(1, 7) AS i) v,
     (SELECT svy_dist(k, svy_design(w)) AS s
      FROM (SELECT repeat(c, n) AS k, n + i % 5 AS w
            FROM generate_series(1, 7) AS i, (VALUES ('0', 14), ('0', 16), ('P', 10), ('P', 15)) AS p(c, n)) v) x,
     svy_groups(x.s) g
WHERE g.level = v.k
GROUP BY g.level, g.estimate ORDER BY g.level;
SELECT count(*) AS groups, count(*) FILTER (WHERE octet_length(k.st_text) > 16) AS longer_than_16,
       bool_and(i.estimate = t.estimate AND i.std_error = t.std_error) AS by_same,
       bool_and(di.estimate = dt.estimate AND abs(di.std_error - dt.std_error) <= 1e-12 * di.std_error) AS dist_same
FROM hplen_key k
JOIN (SELECT g.* FROM (SELECT svy_by(hp.y, st_int, svy_design(hplen.w, psu => hplen.id)) AS s
                       FROM hplen JOIN hp USING (id)) x, svy_groups(x.s, 'mean') g) i ON i.level = k.st_int::text
JOIN (SELECT g.* FROM (SELECT svy_by(hp.y, st_text, svy_design(hplen.w, psu => hplen.id)) AS s
                       FROM hplen JOIN hp USING (id)) x, svy_groups(x.s, 'mean') g) t ON t.level = k.st_text
JOIN (SELECT g.* FROM (SELECT svy_dist(st_int, svy_design(w)) AS s FROM hplen) x, svy_groups(x.s) g) di
  ON di.level = k.st_int::text
JOIN (SELECT g.* FROM (SELECT svy_dist(st_text, svy_design(w)) AS s FROM hplen) x, svy_groups(x.s) g) dt
  ON dt.level = k.st_text;
SELECT count(*) AS cells, count(*) FILTER (WHERE length(t.row_level) > 16) AS longer_than_16,
       bool_and(i.estimate = t.estimate AND abs(i.std_error - t.std_error) <= 1e-12 * i.std_error) AS tab_same
FROM (SELECT c.* FROM (SELECT svy_tab(st_int / 100, id % 3, svy_design(w)) AS s FROM hplen) x, svy_cells(x.s) c) i
JOIN (SELECT c.* FROM (SELECT svy_tab(repeat('a', st_int / 100), 'c' || id % 3, svy_design(w)) AS s
                       FROM hplen) x, svy_cells(x.s) c) t
  ON length(t.row_level) = i.row_level::int AND t.col_level = 'c' || i.col_level;

-- svy_design(...) written as a survey aggregate's argument builds each row's
-- value in one buffer; everywhere else each value is its own: values stored,
-- collected, sorted or shared stay distinct, and the aggregates agree with
-- designs that come from a subquery (a new value per row)
SELECT count(DISTINCT (w, st_short, ps_short)) AS distinct_rows, count(DISTINCT d::text) AS distinct_values
FROM (SELECT w, st_short, ps_short, svy_design(w, strata => st_short, psu => ps_short) AS d FROM hpt OFFSET 0) x;
SELECT count(DISTINCT v) AS distinct_in_array
FROM (SELECT unnest(array_agg(svy_design(w, strata => st_short, psu => ps_short) ORDER BY id))::text AS v FROM hpt) x;
CREATE TEMP TABLE hpd AS SELECT id, b, y, g_text AS g, svy_design(w, strata => st_short, psu => ps_short) AS d FROM hpt;
SELECT count(DISTINCT d::text) AS distinct_stored FROM hpd;
SELECT a.g, a.estimate = s.estimate AS same_estimate, a.std_error = s.std_error AS same_se
FROM (SELECT g_text AS g, (svy_prop(b, svy_design(w, strata => st_short, psu => ps_short))).* FROM hpt GROUP BY g_text) a
JOIN (SELECT g, (svy_prop(b, d)).* FROM hpd GROUP BY g) s USING (g)
ORDER BY g;
-- grouping sets (one evaluation per phase), ORDER BY inside the aggregate (sorted copies),
-- a window aggregate: each as from stored designs
SELECT a.g, a.estimate = s.estimate AS same_estimate, a.std_error = s.std_error AS same_se
FROM (SELECT g_text AS g, (svy_mean(y, svy_design(w, strata => st_short, psu => ps_short) ORDER BY id DESC)).*
      FROM hpt GROUP BY ROLLUP (g_text)) a
JOIN (SELECT g, (svy_mean(y, d ORDER BY id DESC)).* FROM hpd GROUP BY ROLLUP (g)) s ON a.g IS NOT DISTINCT FROM s.g
ORDER BY g;
SELECT count(*) FILTER (WHERE a.e = s.e) AS same_window_se, count(*) AS rows
FROM (SELECT id, (svy_total(y, svy_design(w, strata => st_short, psu => ps_short)) OVER (PARTITION BY g_text)).std_error AS e
      FROM hpt) a
JOIN (SELECT id, (svy_total(y, d) OVER (PARTITION BY g)).std_error AS e FROM hpd) s USING (id);

-- review of the one-buffer values (review5): every query shape below builds
-- its designs inline (labels left out of consumed values, asked for when the
-- accumulator meets a stratum) and must give the state svy_accum gives for
-- the same rows from stored designs (the state carries every stratum's
-- label, so equal states mean equal labels too).  Keys: names sharing their
-- first 16 or 24 bytes, codes, non-ASCII, empty, longer than 64 bytes.
CREATE TEMP TABLE hpk AS
SELECT i AS id, 0.5 + (i * 7919 % 13) / 4.0 AS w, ((i * 37) % 101)::float8 AS y, 1 + (i / 3) % 4 AS g,
       (i * 31) % 7 < 3 AS b,
       (ARRAY['Metropolitan Police North', 'Metropolitan Police South', 'Metropolitan Pol N', 'Metropolitan Pol S',
              'E000000001', 'E000000002', '', 'Zürich Ōsaka 東京 straße: a name longer than sixty-four bytes in UTF-8 A',
              'Zürich Ōsaka 東京 straße: a name longer than sixty-four bytes in UTF-8 B'])[1 + i % 9] AS st,
       (ARRAY['Metropolitan Police North', 'Metropolitan Police South', 'Metropolitan Pol N', 'Metropolitan Pol S',
              'E000000001', 'E000000002', '', 'Zürich Ōsaka 東京 straße: a name longer than sixty-four bytes in UTF-8 A',
              'Zürich Ōsaka 東京 straße: a name longer than sixty-four bytes in UTF-8 B'])[1 + i % 9]
         || '/' || lpad(((i / 9) % 5)::text, 12, '0') AS ps
FROM generate_series(0, 1799) AS i;
CREATE TEMP TABLE hpkd AS SELECT id, w, y, g, b, st, ps, svy_design(w, st, ps) AS d FROM hpk;
SELECT count(DISTINCT st) AS strata, count(DISTINCT ps) AS psus,
       count(*) FILTER (WHERE octet_length(st) BETWEEN 17 AND 24) AS rows_17_24_bytes,
       count(*) FILTER (WHERE octet_length(st) > 64) AS rows_over_64_bytes FROM hpk;
CREATE TEMP TABLE hpk_ref AS SELECT svy_accum(y, d)::text AS s FROM hpkd;
CREATE TEMP TABLE hpk_gref AS SELECT g, svy_accum(y, d)::text AS s FROM hpkd GROUP BY g;
-- the whole table: one call site's text in several aggregates (shared
-- transitions), a CTE, UNION ALL, an SRF in the target list, svy_subset, an
-- array round trip
SELECT a.s = r.s AS two_aggs_1, b.s = r.s AS two_aggs_2, a.m = b.m AS same_mean
FROM hpk_ref r, (SELECT svy_accum(y, svy_design(w, st, ps))::text AS s, svy_mean(y, svy_design(w, st, ps))::text AS m FROM hpk) a,
     (SELECT svy_accum(y, svy_design(w, st, ps))::text AS s, svy_mean(y, svy_design(w, st, ps))::text AS m,
             svy_total(y, svy_design(w, st, ps)) IS NOT NULL AS t FROM hpk) b;
SELECT kind, s = (SELECT s FROM hpk_ref) AS same_state FROM (
    SELECT 'cte' AS kind, (WITH c AS MATERIALIZED (SELECT * FROM hpk) SELECT svy_accum(y, svy_design(w, st, ps))::text FROM c) AS s
    UNION ALL
    SELECT 'union all', (SELECT svy_accum(y, svy_design(w, st, ps))::text
                         FROM (SELECT * FROM hpk WHERE id < 900 UNION ALL SELECT * FROM hpk WHERE id >= 900) u)
    UNION ALL
    SELECT 'srf in target list', (SELECT max(s) FROM (SELECT generate_series(1, 2) AS n, svy_accum(y, svy_design(w, st, ps))::text AS s FROM hpk) x)
    UNION ALL
    SELECT 'array_agg round trip', (SELECT svy_accum(y, d)::text FROM
        (SELECT unnest(array_agg(y ORDER BY id)) AS y, unnest(array_agg(svy_design(w, st, ps) ORDER BY id)) AS d FROM hpk) x)
) x ORDER BY kind;
SELECT (SELECT svy_accum(y, svy_subset(svy_design(w, st, ps), g <> 2))::text FROM hpk) =
       (SELECT svy_accum(y, svy_subset(d, g <> 2))::text FROM hpkd) AS subset_same;
-- per group: GROUP BY, LATERAL, a correlated subquery, FILTER, CUBE (hashed and sorted sets)
SELECT g, a.s = r.s AS group_by,
       (SELECT svy_accum(y, svy_design(w, st, ps))::text FROM hpk k WHERE k.g = r.g) = r.s AS correlated,
       l.s = r.s AS lateral,
       (SELECT svy_accum(y, svy_design(w, st, ps)) FILTER (WHERE k.g = r.g)::text FROM hpk k) = r.s AS filter
FROM hpk_gref r
JOIN (SELECT g, svy_accum(y, svy_design(w, st, ps))::text AS s FROM hpk GROUP BY g) a USING (g),
LATERAL (SELECT svy_accum(y, svy_design(w, st, ps))::text AS s FROM hpk k WHERE k.g = r.g) l
ORDER BY g;
SELECT count(*) AS sets, count(*) FILTER (WHERE a.s = s.s) AS same
FROM (SELECT g, b, svy_accum(y, svy_design(w, st, ps))::text AS s FROM hpk GROUP BY CUBE (g, b)) a
JOIN (SELECT g, b, svy_accum(y, d)::text AS s FROM hpkd GROUP BY CUBE (g, b)) s
  ON a.g IS NOT DISTINCT FROM s.g AND a.b IS NOT DISTINCT FROM s.b;
-- more strata than the label cache holds (512): every label printed on
-- meeting its stratum, cache slots replaced, the same state as stored designs
CREATE TEMP TABLE hpm AS
SELECT i AS id, 1.0 + i % 3 AS w, (i % 17)::float8 AS y,
       'Metropolitan Police Area ' || (i % 1500) AS st, 'P' || (i / 1500) AS ps
FROM generate_series(0, 2999) AS i;
SELECT (SELECT svy_accum(y, svy_design(w, st, ps))::text FROM hpm) =
       (SELECT svy_accum(y, d)::text FROM (SELECT y, svy_design(w, st, ps) AS d FROM hpm ORDER BY id OFFSET 0) x)
       AS many_strata_same;
-- hash aggregation that spills to disk (many groups, little memory)
SET work_mem = '64kB';
SET enable_sort = off;
DO $$
DECLARE
    line text;
    hashed boolean := false;
    spilled boolean := false;
BEGIN
    FOR line IN EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
        SELECT id % 400, svy_accum(y, svy_design(w, st, ps)) FROM hpk GROUP BY 1
    LOOP
        hashed := hashed OR line ~ 'HashAggregate';
        spilled := spilled OR line ~ 'Disk Usage: [1-9]';
    END LOOP;
    RAISE NOTICE 'hashed: %, spilled: %', hashed, spilled;
END $$;
SELECT count(*) AS groups, count(*) FILTER (WHERE a.s = s.s) AS same
FROM (SELECT id % 400 AS gg, svy_accum(y, svy_design(w, st, ps))::text AS s FROM hpk GROUP BY 1) a
JOIN (SELECT id % 400 AS gg, svy_accum(y, d)::text AS s FROM hpkd GROUP BY 1) s USING (gg);
RESET enable_sort;
RESET work_mem;
-- a prepared statement on its generic plan and a PL/pgSQL loop: a lonely PSU
-- names its stratum (the two Zürich names clip to one label); a cursor read
-- in pieces around another aggregate of the same text
SET survey.lonely_psu = 'fail';
SET plan_cache_mode = force_generic_plan;
PREPARE hpk_lonely(text) AS
SELECT svy_mean(y, svy_design(w, st, CASE WHEN st = $1 THEN 'one' ELSE ps END)) FROM hpk;
DO $$
DECLARE
    s text;
BEGIN
    FOR s IN SELECT DISTINCT st FROM hpk ORDER BY st DESC LOOP
        BEGIN
            EXECUTE format('EXECUTE hpk_lonely(%L)', s);
        EXCEPTION WHEN data_exception THEN
            RAISE NOTICE 'prepared, lonely %: %', s = '' OR strpos(SQLERRM, '"' || left(s, 20)) > 0, SQLERRM;
        END;
        BEGIN
            PERFORM svy_mean(y, svy_design(w, st, CASE WHEN st = s THEN 'one' ELSE ps END)) FROM hpk GROUP BY g;
        EXCEPTION WHEN data_exception THEN
            RAISE NOTICE 'loop, lonely %: %', s = '' OR strpos(SQLERRM, '"' || left(s, 20)) > 0, SQLERRM;
        END;
    END LOOP;
END $$;
DEALLOCATE hpk_lonely;
RESET plan_cache_mode;
BEGIN;
DECLARE hpk_cur CURSOR FOR
SELECT g, svy_accum(y, svy_design(w, st, ps))::text = (SELECT s FROM hpk_gref r WHERE r.g = hpk.g) AS same
FROM hpk GROUP BY g ORDER BY g;
FETCH 1 FROM hpk_cur;
SELECT svy_accum(y, svy_design(w, st, ps))::text = (SELECT s FROM hpk_ref) AS between_fetches FROM hpk;
FETCH 2 FROM hpk_cur;
FETCH ALL FROM hpk_cur;
COMMIT;
-- the stratum met last, in the final rows; fpc and fpc2 checks on a known
-- stratum's later row (ids 1000 and 1006: the second and the ninth name)
SELECT svy_mean(y, svy_design(w, CASE WHEN id >= 1795 THEN 'Metropolitan Pol late' ELSE st END,
                                CASE WHEN id >= 1795 THEN 'x' ELSE ps END)) FROM hpk;
SELECT svy_mean(y, svy_design(w, st, ps, CASE WHEN id = 1000 THEN 99 ELSE 1000 END)) FROM hpk;
SELECT svy_mean(y, svy_design(w, st, ps, 1000, id, CASE WHEN id = 1006 THEN 5 ELSE 1000 END)) FROM hpk;
SELECT svy_mean(y, svy_design(w, st, ps, CASE WHEN st = 'Metropolitan Pol S' THEN 2 ELSE 100 END)) FROM hpk;
RESET survey.lonely_psu;
-- a window function: svy_weight of each inline value is its weight
SELECT count(*) FILTER (WHERE sw = w) AS same_weight, count(*) AS rows
FROM (SELECT w, svy_weight(svy_design(w, st, ps)) OVER (PARTITION BY g) AS sw FROM hpk) x;

DROP TABLE hp, hpt;

-- Groups equal under their type's equality but not in bytes (char padding,
-- numeric scale; short ones go through the category cache by bytes, long
-- ones by identity): one category each, as their integer codes, in every
-- row order (review6; reversed: sums in another order)
CREATE TEMP TABLE hpeq AS
SELECT i AS id, (i * 37 % 101)::float8 AS y, 1 + i % 4 AS w, i % 3 AS code,
       ((ARRAY['a', 'b', 'a               x'])[1 + i % 3] || CASE WHEN (i / 3) % 2 = 0 THEN '' ELSE '  ' END)::bpchar
         AS bp,
       (ARRAY[1.5, 2, 12345678901234567890.5])[1 + i % 3] + CASE WHEN (i / 3) % 2 = 0 THEN 0 ELSE 0.000 END AS num,
       (ARRAY['short', 'a value that is longer than sixteen bytes', ''])[1 + i % 3]::varchar AS vc
FROM generate_series(0, 299) AS i;
SELECT count(DISTINCT octet_length(bp)) AS bp_lengths, count(DISTINCT num::text) AS num_texts FROM hpeq;
SELECT k.kind, gc.groups, count(*) FILTER (WHERE abs(a.estimate - c.estimate) < 1e-9 AND abs(a.std_error - c.std_error) < 1e-9
                                        AND a.n = c.n) AS same
FROM (SELECT 'bpchar' AS kind, svy_by(y, bp, svy_design(w, psu => id)) AS s FROM hpeq
      UNION ALL SELECT 'numeric', svy_by(y, num, svy_design(w, psu => id)) FROM hpeq
      UNION ALL SELECT 'varchar', svy_by(y, vc, svy_design(w, psu => id)) FROM hpeq
      UNION ALL SELECT 'bpchar reversed', svy_by(y, bp, svy_design(w, psu => id) ORDER BY id DESC) FROM hpeq) k,
     LATERAL (SELECT count(*) AS groups FROM svy_groups(k.s, 'mean')) gc,
     LATERAL (SELECT row_number() OVER (ORDER BY estimate) AS r, * FROM svy_groups(k.s, 'mean')) a
JOIN (SELECT row_number() OVER (ORDER BY estimate) AS r, *
      FROM svy_groups((SELECT svy_by(y, code, svy_design(w, psu => id)) FROM hpeq), 'mean')) c USING (r)
GROUP BY k.kind, gc.groups ORDER BY k.kind;
SELECT level, n FROM svy_groups((SELECT svy_by(y, num, svy_design(w, psu => id)) FROM hpeq), 'mean') ORDER BY n, level;
DROP TABLE hpeq;
