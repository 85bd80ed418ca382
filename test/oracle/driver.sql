-- =====================================================================================================
-- R oracle driver for the `survey` extension (included by sql/oracle.sql).
--
-- Loads the oracle kit of test/oracle (README.md there: file formats §1-6, R semantics §7) and the extra
-- cases of test/oracle/extra (same format: every extra/designs_<topic>.csv / cases_<topic>.csv pair, loaded
-- unconditionally; every CSV of extra/data, extra/repweights, extra/calweights), turns every case into a
-- call of the SPEC's SQL API and compares the result with R.  Everything lives in schema `oracle`.
--
-- Switching things on: oracle.kind_config (per case kind) and oracle.design_type_config (taylor /
-- replicate / calibrated) below.  A case whose SQL fails with "function ... does not exist" is listed as
-- NOT YET RUNNABLE; any other SQL error of a case that R answers is an ERROR line.  After a deliberate
-- change of the output (a kind switched on), review results/oracle.out and copy it to expected/.
--
-- Needs: psql variable :oracle_dir (absolute path of test/oracle; no ' or " in it).  The files are read
-- on the client side (\copy, test/oracle/files.sh), so the server needs no access to the repository.
--
-- How a case becomes SQL (oracle.case_forms):
--   design (designs.csv), type taylor:
--       svy_design(<weight>::float8 | 1.0 when blank, strata => t.<strata>, psu => t.<psu>, fpc => t.<fpc>::float8,
--                  psu2 => t.<psu2>, fpc2 => t.<fpc2>::float8)
--       (absent parts omitted; fpc_type fraction passes the fraction itself: SPEC, f <= 1 is a fraction);
--       GUC survey.lonely_psu := the design's lonely_psu (set_config(..., is_local) before every case);
--       designs.subset = row filter applied before the design is built (WHERE).
--   type replicate:
--       svy_repdesign(r.base_weight, r.repw, '<rep_type>', scale => <scale>, rscales => <rscales[]>,
--                     mse => <mse> [, rho => <rho>]) with r = the rep file joined on id and
--       r.repw[k] = base_weight * rw<k> (full replicate weights, README §7.15).
--   type calibrated (base a Taylor design: the row's own weight/strata/psu/fpc):
--       svy_calibrate(<taylor design>, (SELECT svy_population(...) FROM oracle.populations WHERE pop_key = ..),
--                     ARRAY[t.<categorical>::text, ...], ARRAY[t.<numeric>::float8, ...], method => '<m>'
--                     [, maxit => n, epsilon => e]) (oracle.calib_sql); a design with a rep_file (kind
--       calib_rep) calibrates the svy_repdesign(...) above instead.
--   nest=FALSE design errors: no SPEC call form -> skipped with reason.
--   args:  na_rm=TRUE          -> nothing to do: a NULL outcome is out of the domain in the SPEC
--          valid=a..b          -> CASE WHEN v::float8 BETWEEN a AND b THEN v END (else NULL = out of domain)
--          domain=<cond>       -> svy_subset(<design>, <cond>), cond: v:a|b&w:c -> v IN ('a','b') AND w IN ('c')
--          event=a|b           -> boolean outcome (v IN ('a','b')), NULL where v is missing
--          level (mean/total)  -> 0/1 indicator of that level (R's svymean(~factor)), NULL where missing
--          method=m            -> svy_prop(y, d, '<m>'): mean -> wald, beta -> korn-graubard (SPEC names);
--                                 omitted when logit at level 0.95 (exercises the default)
--          conf_level=x        -> level argument (omitted when 0.95, exercising the default)
--          ci_df=Inf           -> SPEC always uses t(df): only estimate, se, deff, n compared; df vs extra degf
--          deff=replace        -> not in SPEC (svy_estimate.deff is R's deff=TRUE): deff/n_eff not compared
--          by=g                -> two forms: svy_groups(svy_by(y, t.g, d), statistic, method, level) row of
--                                 the group, and the same estimate as the domain svy_subset(d, g = level)
--          p, qrule, interval_type -> svy_quantile(y, d, p [, level [, qrule [, interval]]]): qrule as R's
--                                 (math, school, shahvaish, hf1..hf9); interval = R's interval.type, passed
--                                 when not mean (mean exercises the default)
--   statistics: mean/total -> svy_mean/svy_total, ciprop -> svy_prop, ratio (num/den) -> svy_ratio,
--          quantile -> svy_quantile, chisq (row*col, statistic=s, valid_vars) -> svy_chisq(svy_tab(row, col, d), s)
--          (estimate = statistic, df = ddf, extra p_value / ndf or chisq_df),
--          contrast_mean (by=g;contrast=a-b) -> svy_pairwise(svy_by(y, t.g, d), 'none', 'mean', level) pair (a, b)
--          (or (b, a) negated); ttest (group=g;diff=b-a) -> the same pair (b, a), t = statistic;
--          choices (set=o1+o2+o3, 0/1 columns) -> a choices value '{k,...}' (k = position in set), contrasts via
--          svy_pairwise(svy_choices(x, d)); shares as the 0/1 mean (and, form svy_choices, svy_groups of it);
--          factor level of mean/total -> also form svy_dist: svy_groups(svy_dist(x::text, d), stat, 'wald').
--   Alternative forms are switched in oracle.form_config.
--
-- Comparison (README §6.4): estimate and se within 1e-9 relative (absolute 1e-12 near 0; 1e-8 for the
-- estimate of svyciprop logit/likelihood, which R takes from glm iterations: 1.2e-9 off on pisa_like); CI bounds within
-- 1e-8 relative where the case used t(degf); likelihood CIs within 1e-4 of exact_ci_*; df exactly (for
-- ci_df=Inf against extra degf); deff 1e-9 where given; n exactly and n_eff 1e-9 where extra gives them.
-- R NaN is expected as SQL NULL (SPEC: never NaN).  R errors must be SQL errors (with a proper SQLSTATE,
-- not class 42 and not XX000; R's "Stratum ... has only one PSU" must name a stratum).
--
-- Documented SQL-vs-R deviations (each printed as DEVIATION <case>: <reason>):
--   empty domain   SPEC §1: "A domain with no rows gives NULL numbers and n = 0, not an error" (R: 0 with
--                  SE 0 and NaN CI, or an error in svyciprop).  Expected: NULL numbers, n = 0, df NULL or 0.
--                  Detected by extra n=0, plus the explicit list below for R error rows.
--   p = 0 or 1     SPEC §3: "At p = 0 or 1 the SE is 0; limits follow the method where it is defined
--                  (Korn-Graubard then uses n_eff = n) and are NULL where it is not -- never NaN."  Expected:
--                  estimate exactly 0/1 (R's logit gives 2.9e-12 from a non-converged glm), se 0, wald [p,p],
--                  korn-graubard [(a/2)^(1/n), 1] resp. [0, 1-(a/2)^(1/n)] (when df = n-1, where R's df
--                  adjustment of n_eff is 1), wilson with n_eff = n likewise ([n/(n+t^2), 1] resp.
--                  [0, t^2/(n+t^2)], t = extra t_quantile; R's formula gives NaN), logit/xlogit/asin/
--                  likelihood NULL limits, no error (R's likelihood errors).  Detected for ciprop/by_ciprop rows with se = 0 and p within 1e-9
--                  of 0 or 1, plus the explicit list below for R error rows.
--   NaN            any other R NaN (e.g. a Woodruff limit outside [0,1]) is expected as NULL.
--   deff=replace   see above.
--   ttest          R's svyttest uses df = degf - 1 (regression); SPEC §4 svy_pairwise uses the df of the rows with
--                  a non-NULL outcome: difference, se and t compared; df, CI and p-value not.
--   skipped        P0205 (nest=FALSE design error: SPEC always nests).
-- =====================================================================================================

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS oracle CASCADE;
CREATE SCHEMA oracle;

-- -----------------------------------------------------------------------------------------------------
-- Which kinds run.  Switch a kind on once the API it needs exists.  'outside_spec' kinds have no SQL
-- call form in the SPEC.  A kind not listed here is skipped as 'unknown kind'.
-- -----------------------------------------------------------------------------------------------------
CREATE TABLE oracle.kind_config (kind text PRIMARY KEY, status text NOT NULL
    CHECK (status IN ('on', 'off', 'outside_spec')), note text NOT NULL);
INSERT INTO oracle.kind_config VALUES
    ('mean_total',         'on',  'svy_mean / svy_total'),
    ('ciprop',             'on',  'svy_prop'),
    ('ratio',              'on',  'svy_ratio'),
    ('subset',             'on',  'svy_subset'),
    ('lonely',             'on',  'survey.lonely_psu'),
    ('edge',               'on',  'edge cases'),
    ('by_mean',            'on',  'uses svy_by / svy_groups (SPEC §4)'),
    ('by_ciprop',          'on',  'uses svy_by / svy_groups (SPEC §4)'),
    ('rep_jk1',            'on',  'uses svy_repdesign'),
    ('rep_jkn',            'on',  'uses svy_repdesign'),
    ('rep_brr',            'on',  'uses svy_repdesign'),
    ('rep_fay',            'on',  'uses svy_repdesign'),
    ('rep_boot',           'on',  'uses svy_repdesign'),
    ('quantile',           'on',  'uses svy_quantile'),
    ('contrast',           'on',  'uses svy_pairwise'),
    ('chisq',              'on',  'uses svy_tab / svy_chisq'),
    ('ttest',              'on',  'uses svy_pairwise'),
    ('pooled',             'off', 'needs svy_pool'),
    ('calib_poststratify', 'on',  'uses svy_calibrate (SPEC §9)'),
    ('calib_linear',       'on',  'uses svy_calibrate (SPEC §9)'),
    ('calib_rake',         'on',  'uses svy_calibrate (SPEC §9)'),
    ('calib_raking',       'on',  'uses svy_calibrate (SPEC §9)'),
    ('calib_logit',        'on',  'uses svy_calibrate with bounds (SPEC §9; extra cases)'),
    ('calib_rep',          'on',  'svy_calibrate of a replicate design (SPEC §9)'),
    ('calib_rescale',      'on',  'svy_calibrate method rescale (SPEC §9 extension; extra cases)'),
    ('glm',                'on',  'svy_glm / svy_coef / svy_wald (SPEC §10)'),
    ('multistage',         'on',  'two-stage designs: svy_design psu2 / fpc2 (SPEC §12)'),
    -- kinds of the extra cases (extra/README.md)
    ('wilson',             'on',  'svy_prop method wilson (R 4.5 formula, by hand)'),
    ('likert',             'on',  'coded items: valid= ranges, factor levels, top/bottom box'),
    ('rep_sdr',            'on',  'uses svy_repdesign'),
    ('rep_other',          'on',  'uses svy_repdesign'),
    ('pisa',               'on',  'uses svy_repdesign, svy_by, svy_quantile, svy_pairwise'),
    ('choices',            'on',  'uses svy_choices / svy_pairwise');

-- Design types: a case on a design type that is 'off' is skipped like a disabled kind (kinds such as
-- wilson, edge or subset mix Taylor and replicate designs).
CREATE TABLE oracle.design_type_config (type text PRIMARY KEY, status text NOT NULL
    CHECK (status IN ('on', 'off')), note text NOT NULL);
INSERT INTO oracle.design_type_config VALUES
    ('taylor',     'on',  'svy_design'),
    ('replicate',  'on',  'svy_repdesign'),
    ('calibrated', 'on',  'svy_calibrate on svy_design or svy_repdesign');

-- Alternative SQL forms of a case.  'off' forms are generated (oracle.case_forms) but not run.
CREATE TABLE oracle.form_config (form text PRIMARY KEY, status text NOT NULL
    CHECK (status IN ('on', 'off')), note text NOT NULL);
INSERT INTO oracle.form_config VALUES
    ('svy_by',      'on',  'svy_groups(svy_by(y, g, d)) row of the group'),
    ('domain',      'on',  'by= group as svy_subset domain'),
    ('pairwise',    'on',  'svy_pairwise(svy_by(...)) pair'),
    ('chisq',       'on',  'svy_chisq(svy_tab(...))'),
    ('svy_dist',    'on', 'factor levels as svy_groups(svy_dist(x, d)) rows'),
    ('svy_choices', 'on', 'multi-select shares as svy_groups(svy_choices(x, d)) rows');

-- Explicit deviations for R error rows (the other deviations are detected, see the header).
CREATE TABLE oracle.deviation_list (case_id text PRIMARY KEY, rule text NOT NULL, reason text NOT NULL);
INSERT INTO oracle.deviation_list VALUES
    ('P0172', 'empty_domain', 'empty domain: R''s svyciprop errors; SPEC §1 gives NULL numbers and n = 0, not an error'),
    ('P0186', 'p01_all_groups', 'p = 0/1 per group, likelihood: R errors; SPEC §3 gives se 0 and NULL limits, not an error'),
    ('P0200', 'p01', 'p = 1, likelihood: R errors; SPEC §3 gives se 0 and NULL limits, not an error'),
    ('P0099', 'zero_se', 'total of a calibration variable: the SE is rounding noise (R 6.4e-11 of 3.9e6); '
                         'compared with absolute tolerance 1e-12 * |estimate|, deff not compared');

-- Cases skipped although their kind is on, with the reason.
CREATE TABLE oracle.skip_list (case_id text PRIMARY KEY, reason text NOT NULL);
INSERT INTO oracle.skip_list VALUES
    ('P0205', 'nest=FALSE design error: the SPEC always nests PSUs in strata (README §7.15)');

-- -----------------------------------------------------------------------------------------------------
-- Loading
-- -----------------------------------------------------------------------------------------------------
CREATE FUNCTION oracle.csv_split(line text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    res text[] := '{}';
    i int := 1;
    n int := length(line);
    f text;
    quoted boolean;
    c text;
BEGIN
    IF position('"' IN line) = 0 THEN
        RETURN string_to_array(line, ',', '');          -- empty field = NULL (README §2)
    END IF;
    LOOP
        f := '';
        quoted := false;
        IF i <= n AND substr(line, i, 1) = '"' THEN
            quoted := true;
            i := i + 1;
            LOOP
                IF i > n THEN RAISE EXCEPTION 'unterminated quote in CSV line: %', line; END IF;
                c := substr(line, i, 1);
                IF c = '"' THEN
                    IF substr(line, i + 1, 1) = '"' THEN f := f || '"'; i := i + 2;
                    ELSE i := i + 1; EXIT;
                    END IF;
                ELSE
                    f := f || c; i := i + 1;
                END IF;
            END LOOP;
        ELSE
            WHILE i <= n AND substr(line, i, 1) <> ',' LOOP
                f := f || substr(line, i, 1); i := i + 1;
            END LOOP;
        END IF;
        res := res || CASE WHEN f = '' AND NOT quoted THEN NULL ELSE f END;
        IF i > n THEN EXIT; END IF;
        IF substr(line, i, 1) <> ',' THEN RAISE EXCEPTION 'bad CSV line: %', line; END IF;
        i := i + 1;
        IF i > n THEN res := res || NULL::text; EXIT; END IF;
    END LOOP;
    RETURN res;
END $$;

-- Lines of every CSV file of data/, repweights/, calweights/ and of the same folders of extra/, read on
-- the client side (test/oracle/files.sh through \copy ... FROM PROGRAM), so that the server needs no access
-- to the repository.  \copy takes its arguments literally: the command is built in a variable.
CREATE TABLE oracle.raw (file text, lineno int, line text,
                         stem text GENERATED ALWAYS AS (regexp_replace(file, '^.*/([^/]+)\.csv$', '\1')) STORED,
                         PRIMARY KEY (file, lineno));
\set files_sh '"' :oracle_dir '/files.sh"'
\set cmd '\\copy oracle.raw (file, lineno, line) FROM PROGRAM ''sh ' :files_sh ' lines "' :oracle_dir '" data repweights calweights extra/data extra/repweights extra/calweights'''
:cmd

-- One table per file: data/<stem>.csv -> oracle.ds_<stem> (text columns, cast in the generated SQL);
-- repweights/<stem>.csv -> oracle.rep_<stem>(id, base_weight, repw float8[] = base_weight * rw<k>);
-- repweights/<stem>_rscales.csv -> oracle.rsc_<stem>; calweights/<stem>.csv -> oracle.cal_<stem>.
CREATE FUNCTION oracle.make_tables() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    f record;
    hdr text[];
    tname text;
    cols text;
    nrw int;
BEGIN
    FOR f IN SELECT DISTINCT file, stem, regexp_replace(file, '^(extra/)?([a-z]+)/.*$', '\2') AS dir
             FROM oracle.raw ORDER BY file LOOP
        hdr := (SELECT oracle.csv_split(line) FROM oracle.raw WHERE file = f.file AND lineno = 1);
        IF f.dir = 'data' THEN
            tname := 'ds_' || f.stem;
            SELECT string_agg(format('%I text', h), ', ' ORDER BY k) INTO cols
            FROM unnest(hdr) WITH ORDINALITY AS u(h, k);
            EXECUTE format('CREATE TABLE oracle.%I (%s)', tname, cols);
            EXECUTE format('INSERT INTO oracle.%I SELECT %s FROM oracle.raw r, oracle.csv_split(r.line) v '
                           'WHERE r.file = %L AND r.lineno > 1 ORDER BY r.lineno',
                           tname, (SELECT string_agg(format('v[%s]', k), ', ' ORDER BY k)
                                   FROM generate_subscripts(hdr, 1) AS k), f.file);
        ELSIF f.dir = 'repweights' AND f.stem LIKE '%\_rscales' THEN
            EXECUTE format('CREATE TABLE oracle.%I (replicate int, rscale float8)', 'rsc_' || f.stem);
            EXECUTE format('INSERT INTO oracle.%I SELECT v[1]::int, v[2]::float8 FROM oracle.raw r, '
                           'oracle.csv_split(r.line) v WHERE r.file = %L AND r.lineno > 1',
                           'rsc_' || f.stem, f.file);
        ELSIF f.dir = 'repweights' THEN
            IF hdr[1] <> 'id' OR hdr[2] <> 'base_weight' THEN
                RAISE EXCEPTION 'unexpected header in %', f.file;
            END IF;
            nrw := array_length(hdr, 1) - 2;
            EXECUTE format('CREATE TABLE oracle.%I (id text PRIMARY KEY, base_weight float8, repw float8[])',
                           'rep_' || f.stem);
            EXECUTE format('INSERT INTO oracle.%I SELECT v[1], v[2]::float8, '
                           '(SELECT array_agg(v[2]::float8 * v[k]::float8 ORDER BY k) '
                           ' FROM generate_series(3, %s) AS k) '
                           'FROM oracle.raw r, oracle.csv_split(r.line) v WHERE r.file = %L AND r.lineno > 1',
                           'rep_' || f.stem, nrw + 2, f.file);
        ELSIF f.dir = 'calweights' THEN
            EXECUTE format('CREATE TABLE oracle.%I (id text PRIMARY KEY, weight float8)', 'cal_' || f.stem);
            EXECUTE format('INSERT INTO oracle.%I SELECT v[1], v[2]::float8 FROM oracle.raw r, '
                           'oracle.csv_split(r.line) v WHERE r.file = %L AND r.lineno > 1',
                           'cal_' || f.stem, f.file);
        END IF;
    END LOOP;
END $$;
DO $$ BEGIN PERFORM oracle.make_tables(); END $$;

CREATE TABLE oracle.designs (
    design text PRIMARY KEY, dataset text, subset text, type text, weight text, strata text, psu text,
    fpc text, fpc_type text, psu2 text, fpc2 text, nest text, lonely_psu text, degf text, rep_file text,
    rep_type text, n_rep text, scale text, rscales text, rho text, mse text, calibration text,
    calib_file text, note text);
CREATE TABLE oracle.cases (
    case_id text PRIMARY KEY, kind text, dataset text, design text, statistic text, variable text,
    args text, level text, estimate text, se text, ci_lower text, ci_upper text, df text, deff text,
    extra text, note text);
\set cmd '\\copy oracle.designs FROM ''' :oracle_dir '/designs.csv'' (FORMAT csv, HEADER match)'
:cmd
\set cmd '\\copy oracle.cases FROM ''' :oracle_dir '/cases.csv'' (FORMAT csv, HEADER match)'
:cmd
-- population margins of calibrated designs (README §7.15): the kit's populations.csv and every
-- extra/populations_<topic>.csv, in file order (the order of the variables matters); one
-- svy_population per pop_key
CREATE TABLE oracle.populations (seq serial, pop_key text, variable text, level text, value float8,
    note text);
\set cmd '\\copy oracle.populations (pop_key, variable, level, value, note) FROM ''' :oracle_dir '/populations.csv'' (FORMAT csv, HEADER match)'
:cmd
\set cmd '\\copy oracle.populations (pop_key, variable, level, value, note) FROM PROGRAM ''sh ' :files_sh ' cat "' :oracle_dir '/extra" "populations_*.csv"'' (FORMAT csv, HEADER match)'
:cmd
-- the extra cases (test/oracle/extra: designs_<topic>.csv and cases_<topic>.csv, each pair written by an
-- R script there): loaded unconditionally, every pair
\set cmd '\\copy oracle.designs FROM PROGRAM ''sh ' :files_sh ' cat "' :oracle_dir '/extra" "designs_*.csv"'' (FORMAT csv, HEADER match)'
:cmd
\set cmd '\\copy oracle.cases FROM PROGRAM ''sh ' :files_sh ' cat "' :oracle_dir '/extra" "cases_*.csv"'' (FORMAT csv, HEADER match)'
:cmd

-- key=value;key=value  ->  value of key (NULL if absent)
CREATE FUNCTION oracle.kv(s text, key text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT substr(p, length(key) + 2)
    FROM unnest(string_to_array(s, ';')) AS p
    WHERE p LIKE key || '=%'
    LIMIT 1
$$;

-- v:a|b&w:c  ->  (t."v" IN ('a', 'b') AND t."w" IN ('c'))   (values compare as text)
CREATE FUNCTION oracle.cond_sql(cond text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT '(' || string_agg(format('t.%I IN (%s)', split_part(c, ':', 1),
                   (SELECT string_agg(quote_literal(v), ', ')
                    FROM unnest(string_to_array(substr(c, position(':' IN c) + 1), '|')) AS v)),
               ' AND ') || ')'
    FROM unnest(string_to_array(cond, '&')) AS c
$$;

-- set=opt1+opt2+opt3 (0/1 columns, missing together) -> a choices value '{1,3}' (option = position in set)
CREATE FUNCTION oracle.choices_sql(opts text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT format('(CASE WHEN t.%I IS NULL THEN NULL ELSE (''{'' || concat_ws('','', %s) || ''}'')::choices END)',
                  (string_to_array(opts, '+'))[1],
                  string_agg(format('CASE WHEN t.%I::float8 = 1 THEN %s END', v, k), ', ' ORDER BY k))
    FROM unnest(string_to_array(opts, '+')) WITH ORDINALITY AS u(v, k)
$$;

-- The number in text form ('' / NULL = not given; NaN, Inf kept as float8 values).
CREATE FUNCTION oracle.num(s text) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN s IS NULL OR s = '' THEN NULL
                WHEN s = 'Inf' THEN 'Infinity'::float8
                WHEN s = '-Inf' THEN '-Infinity'::float8
                ELSE s::float8 END
$$;

-- A calibrated design (README §7.15 calibration column: method=<m>;base=<design>;pop=<key>;vars=...;
-- control=maxit=<n>;epsilon=<e>) as svy_calibrate over the base design des: the row's level of each
-- categorical population variable and value of each numeric one, in the population's order.
CREATE FUNCTION oracle.calib_sql(cal text, des text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    pop text := oracle.kv(cal, 'pop');
    cats text;
    nums text;
    ctl text := '';
BEGIN
    IF NOT EXISTS (SELECT FROM oracle.populations WHERE pop_key = pop) THEN
        RAISE EXCEPTION 'calibration %: no population %', cal, pop;
    END IF;
    SELECT string_agg(format('t.%I::text', variable), ', ' ORDER BY first) FILTER (WHERE has_levels),
           string_agg(format('t.%I::float8', variable), ', ' ORDER BY first) FILTER (WHERE NOT has_levels)
    INTO cats, nums
    FROM (SELECT variable, min(seq) AS first, bool_or(level IS NOT NULL) AS has_levels
          FROM oracle.populations WHERE pop_key = pop GROUP BY variable) v;
    IF oracle.kv(cal, 'maxit') IS NOT NULL THEN
        ctl := ctl || format(', maxit => %s', oracle.kv(cal, 'maxit')::int);
    END IF;
    IF oracle.kv(cal, 'epsilon') IS NOT NULL THEN
        ctl := ctl || format(', epsilon => %s', oracle.kv(cal, 'epsilon')::float8);
    END IF;
    IF oracle.kv(cal, 'bounds') IS NOT NULL THEN
        ctl := ctl || format(', bounds => ARRAY[%s]::float8[]', oracle.kv(cal, 'bounds'));
    END IF;
    RETURN format('svy_calibrate(%s, (SELECT svy_population(p.variable, p.level, p.value ORDER BY p.seq) '
                  'FROM oracle.populations p WHERE p.pop_key = %L), %s, %s, method => %L%s)',
                  des, pop, coalesce('ARRAY[' || cats || ']', 'NULL'),
                  coalesce('ARRAY[' || nums || ']', 'NULL'), oracle.kv(cal, 'method'), ctl);
END $$;

-- -----------------------------------------------------------------------------------------------------
-- SQL generation.  One row per form: (form, sql, lonely, all_groups).  The SQL returns the columns
-- (estimate, std_error, ci_lower, ci_upper, df, n, n_eff, deff); n_eff is NULL for svy_groups rows.
-- Raises 'SKIP: <reason>' when the case has no SPEC call form.
-- -----------------------------------------------------------------------------------------------------
CREATE FUNCTION oracle.case_forms(cid text)
RETURNS TABLE (form text, sql text, lonely text, all_groups boolean) LANGUAGE plpgsql AS $$
DECLARE
    c oracle.cases;
    d oracle.designs;
    rel text;
    des text;
    w text;
    parts text := '';
    where_sql text := '';
    a text;
    lvl float8;
    lvl_arg text := '';
    raw_v text;
    y text;
    yb text;
    m text;
    meth text;
    dom text;
    stat_cols constant text :=
        '(e).*, NULL::float8 AS p_value, NULL::float8 AS ndf, NULL::float8 AS statistic';
    grp_cols constant text :=
        'g.estimate, g.std_error, g.ci_lower, g.ci_upper, g.df, g.n, NULL::float8 AS n_eff, g.deff, '
        'NULL::float8 AS p_value, NULL::float8 AS ndf, NULL::float8 AS statistic';
    l1 text;
    l2 text;
    rowv text;
    colv text;
    chv text;
    agg text;
    byvar text;
    rep_stem text;
    rsc text;
    vnum text;
    vden text;
BEGIN
    SELECT * INTO c FROM oracle.cases WHERE case_id = cid;
    IF NOT FOUND THEN RAISE EXCEPTION 'no case %', cid; END IF;
    SELECT * INTO d FROM oracle.designs WHERE design = c.design;
    IF NOT FOUND THEN RAISE EXCEPTION 'case %: no design %', cid, c.design; END IF;
    a := coalesce(c.args, '');

    -- design
    IF d.subset IS NOT NULL THEN
        where_sql := ' WHERE ' || oracle.cond_sql(d.subset);
    END IF;
    IF d.type = 'taylor' OR (d.type = 'calibrated' AND d.rep_file IS NULL) THEN
        rel := format('oracle.%I t', 'ds_' || d.dataset);
        w := CASE WHEN d.weight IS NULL THEN '1.0::float8' ELSE format('t.%I::float8', d.weight) END;
        IF d.strata IS NOT NULL THEN parts := parts || format(', strata => t.%I', d.strata); END IF;
        IF d.psu IS NOT NULL THEN parts := parts || format(', psu => t.%I', d.psu); END IF;
        IF d.fpc IS NOT NULL THEN
            IF d.fpc_type NOT IN ('popsize', 'fraction') THEN
                RAISE EXCEPTION 'design %: unknown fpc_type %', d.design, d.fpc_type;
            END IF;
            parts := parts || format(', fpc => t.%I::float8', d.fpc);
        END IF;
        IF d.psu2 IS NOT NULL THEN parts := parts || format(', psu2 => t.%I', d.psu2); END IF;
        IF d.fpc2 IS NOT NULL THEN parts := parts || format(', fpc2 => t.%I::float8', d.fpc2); END IF;
        des := format('svy_design(%s%s)', w, parts);
        IF d.type = 'calibrated' THEN
            des := oracle.calib_sql(d.calibration, des);
        END IF;
    ELSIF d.type = 'replicate' OR d.type = 'calibrated' THEN  -- calib_rep: a calibrated replicate design
        rep_stem := regexp_replace(d.rep_file, '^.*/([^/]+)\.csv$', '\1');
        rel := format('oracle.%I t JOIN oracle.%I r ON r.id = t.id', 'ds_' || d.dataset, 'rep_' || rep_stem);
        IF d.rscales LIKE 'file:%' THEN
            EXECUTE format('SELECT array_agg(rscale ORDER BY replicate)::text FROM oracle.%I',
                           'rsc_' || regexp_replace(d.rscales, '^.*/([^/]+)\.csv$', '\1')) INTO rsc;
            rsc := quote_literal(rsc) || '::float8[]';
        ELSIF d.rscales IS NOT NULL THEN
            rsc := format('array_fill(%s::float8, ARRAY[%s])', d.rscales, d.n_rep);
        END IF;
        des := format('svy_repdesign(r.base_weight, r.repw, %L', d.rep_type);
        IF d.scale IS NOT NULL THEN des := des || format(', scale => %s', d.scale); END IF;
        IF rsc IS NOT NULL THEN des := des || format(', rscales => %s', rsc); END IF;
        IF d.mse IS NOT NULL THEN des := des || format(', mse => %s', lower(d.mse)); END IF;
        IF d.rho IS NOT NULL THEN des := des || format(', rho => %s', d.rho); END IF;
        des := des || ')';
        IF d.type = 'calibrated' THEN des := oracle.calib_sql(d.calibration, des); END IF;  -- calib_rep
    ELSE
        RAISE EXCEPTION 'design %: unknown type %', d.design, d.type;
    END IF;
    lonely := coalesce(d.lonely_psu, 'fail');

    IF c.statistic = 'design' THEN
        form := 'design';
        sql := format('SELECT %s FROM (SELECT svy_total(1.0::float8, %s) AS e FROM %s%s) s',
                      stat_cols, des, rel, where_sql);
        all_groups := false;
        RETURN NEXT;
        RETURN;
    END IF;

    -- options
    lvl := coalesce(oracle.kv(a, 'conf_level')::float8, 0.95);
    IF lvl <> 0.95 THEN lvl_arg := ', ' || lvl::text; END IF;
    m := oracle.kv(a, 'method');
    meth := CASE m WHEN 'mean' THEN 'wald' WHEN 'beta' THEN 'korn-graubard' ELSE m END;
    IF oracle.kv(a, 'domain') IS NOT NULL THEN
        des := format('svy_subset(%s, %s)', des, oracle.cond_sql(oracle.kv(a, 'domain')));
    END IF;

    -- regression (README §7.15): svy_coef(svy_glm(y, x, d, family, columns)) / svy_wald(model, tested, statistic)
    IF c.statistic IN ('glm', 'glm_wald') THEN
        raw_v := format('t.%I', oracle.kv(a, 'y'));
        IF oracle.kv(a, 'valid') IS NOT NULL THEN
            raw_v := format('(CASE WHEN %s::float8 BETWEEN %s AND %s THEN %s END)', raw_v,
                            split_part(oracle.kv(a, 'valid'), '..', 1)::float8,
                            split_part(oracle.kv(a, 'valid'), '..', 2)::float8, raw_v);
        END IF;
        IF oracle.kv(a, 'event') IS NOT NULL THEN
            y := format('(CASE WHEN %s IS NULL THEN NULL WHEN %s::text IN (%s) THEN 1.0 ELSE 0.0 END)::float8',
                        raw_v, raw_v, (SELECT string_agg(quote_literal(v), ', ')
                                       FROM unnest(string_to_array(oracle.kv(a, 'event'), '|')) AS v));
        ELSE
            y := raw_v || '::float8';
        END IF;
        -- the design-matrix row: intercept, then each predictor (factors as treatment dummies)
        SELECT 'ARRAY[1::float8]' || coalesce(string_agg(' || ' || CASE
                   WHEN fl.levels IS NOT NULL THEN
                       format('svy_dummies(t.%I::text, ARRAY[%s]::text[])', v,
                              (SELECT string_agg(quote_literal(l), ', ')
                               FROM unnest(string_to_array(fl.levels, '|')) AS l))
                   ELSE format('ARRAY[t.%I::float8]', v) END, '' ORDER BY k), '')
        INTO agg
        FROM unnest(string_to_array(oracle.kv(a, 'x'), '+')) WITH ORDINALITY AS u(v, k)
        LEFT JOIN LATERAL (SELECT substr(fa, position(':' IN fa) + 1) AS levels
                           FROM unnest(string_to_array(oracle.kv(a, 'factors'), '&')) AS fa
                           WHERE split_part(fa, ':', 1) = u.v) fl ON true;
        -- terms = R's column names (error rows have none: the default names x1, x2, ...)
        agg := format('svy_glm(%s, %s, %s, %L%s)', y, agg, des, oracle.kv(a, 'family'),
                      (SELECT ', ' || quote_literal(array_agg(col ORDER BY k)::text) || '::text[]'
                       FROM unnest(string_to_array(oracle.kv(c.extra, 'columns'), '|')) WITH ORDINALITY AS u(col, k)));
        form := c.statistic;
        IF c.statistic = 'glm' THEN
            sql := format('SELECT co.estimate, co.std_error, co.ci_lower, co.ci_upper, co.df, NULL::bigint AS n, '
                          'NULL::float8 AS n_eff, NULL::float8 AS deff, co.p_value, NULL::float8 AS ndf, '
                          'co.statistic FROM (SELECT %s AS m FROM %s%s) s, svy_coef(s.m%s) co WHERE co.term = %L',
                          agg, rel, where_sql, lvl_arg, c.variable);
        ELSE
            sql := format('SELECT w.statistic AS estimate, NULL::float8 AS std_error, NULL::float8 AS ci_lower, '
                          'NULL::float8 AS ci_upper, w.ddf AS df, NULL::bigint AS n, NULL::float8 AS n_eff, '
                          'NULL::float8 AS deff, w.p_value, w.ndf, NULL::float8 AS statistic '
                          'FROM (SELECT %s AS m FROM %s%s) s, svy_wald(s.m, %L::text[], %L) w',
                          agg, rel, where_sql,
                          (SELECT array_agg(col ORDER BY k)::text
                           FROM unnest(string_to_array(oracle.kv(c.extra, 'tested'), '|')) WITH ORDINALITY AS u(col, k)),
                          coalesce(oracle.kv(a, 'statistic'), 'F'));
        END IF;
        all_groups := false;
        RETURN NEXT;
        RETURN;
    END IF;

    -- outcome
    IF c.statistic IN ('ratio') THEN
        vnum := split_part(c.variable, '/', 1);
        vden := split_part(c.variable, '/', 2);
        IF oracle.kv(a, 'valid') IS NOT NULL THEN
            RAISE EXCEPTION 'case %: valid= with a ratio is not supported by the driver', cid;
        END IF;
    ELSE
        raw_v := format('t.%I', c.variable);
        IF oracle.kv(a, 'valid') IS NOT NULL THEN
            raw_v := format('(CASE WHEN %s::float8 BETWEEN %s AND %s THEN %s END)', raw_v,
                            split_part(oracle.kv(a, 'valid'), '..', 1)::float8,
                            split_part(oracle.kv(a, 'valid'), '..', 2)::float8, raw_v);
        END IF;
        IF oracle.kv(a, 'event') IS NOT NULL THEN
            yb := format('(CASE WHEN %s IS NULL THEN NULL ELSE %s::text IN (%s) END)', raw_v, raw_v,
                         (SELECT string_agg(quote_literal(v), ', ')
                          FROM unnest(string_to_array(oracle.kv(a, 'event'), '|')) AS v));
        END IF;
        IF c.statistic IN ('mean', 'total') AND c.level IS NOT NULL THEN
            y := format('(CASE WHEN %s IS NULL THEN NULL WHEN %s::text = %L THEN 1.0 ELSE 0.0 END)::float8',
                        raw_v, raw_v, c.level);
        ELSE
            y := raw_v || '::float8';
        END IF;
    END IF;

    all_groups := false;
    IF c.statistic = 'mean' AND oracle.kv(a, 'set') IS NOT NULL THEN
        -- multi-select: svy_groups(svy_choices(x, d)) row of the option (its position in set=)
        form := 'svy_choices';
        sql := format('SELECT %s FROM (SELECT svy_choices(%s, %s) AS b FROM %s%s) s, '
                      'svy_groups(s.b, ''mean'', ''wald'', %s) g WHERE g.level = %L',
                      grp_cols, oracle.choices_sql(oracle.kv(a, 'set')), des, rel, where_sql, lvl,
                      array_position(string_to_array(oracle.kv(a, 'set'), '+'), c.variable)::text);
        RETURN NEXT;
    END IF;
    IF c.statistic IN ('mean', 'total') AND c.level IS NOT NULL AND oracle.kv(a, 'set') IS NULL THEN
        -- a factor level: svy_groups(svy_dist(x, d)) row of the level (SPEC: svy_dist = svymean(~factor(x)))
        form := 'svy_dist';
        sql := format('SELECT %s FROM (SELECT svy_dist(%s::text, %s) AS b FROM %s%s) s, '
                      'svy_groups(s.b, %L, ''wald'', %s) g WHERE g.level = %L',
                      grp_cols, raw_v, des, rel, where_sql, c.statistic, lvl, c.level);
        RETURN NEXT;
    END IF;
    IF c.statistic IN ('mean', 'total', 'ciprop', 'ratio', 'quantile') THEN
        agg := CASE c.statistic
            WHEN 'mean' THEN format('svy_mean(%s, %s%s)', y, des, lvl_arg)
            WHEN 'total' THEN format('svy_total(%s, %s%s)', y, des, lvl_arg)
            WHEN 'ratio' THEN format('svy_ratio(t.%I::float8, t.%I::float8, %s%s)', vnum, vden, des, lvl_arg)
            WHEN 'ciprop' THEN
                CASE WHEN coalesce(meth, 'logit') = 'logit' AND lvl_arg = '' THEN format('svy_prop(%s, %s)', yb, des)
                     ELSE format('svy_prop(%s, %s, %L%s)', yb, des, coalesce(meth, 'logit'), lvl_arg) END
            WHEN 'quantile' THEN
                format('svy_quantile(%s, %s, %s::float8%s)', y, des, oracle.kv(a, 'p')::float8,
                       CASE WHEN coalesce(oracle.kv(a, 'interval_type'), 'mean') <> 'mean'
                            THEN format(', %s, %L, %L', lvl, coalesce(oracle.kv(a, 'qrule'), 'math'),
                                        oracle.kv(a, 'interval_type'))
                            WHEN coalesce(oracle.kv(a, 'qrule'), 'math') <> 'math'
                            THEN format(', %s, %L', lvl, oracle.kv(a, 'qrule')) ELSE lvl_arg END)
            END;
        IF yb IS NULL AND c.statistic = 'ciprop' THEN
            RAISE EXCEPTION 'case %: ciprop without event=', cid;
        END IF;
        form := c.statistic;
        sql := format('SELECT %s FROM (SELECT %s AS e FROM %s%s) s', stat_cols, agg, rel, where_sql);
        RETURN NEXT;
    ELSIF c.statistic IN ('by_mean', 'by_total', 'by_ciprop') THEN
        byvar := oracle.kv(a, 'by');
        IF byvar IS NULL THEN RAISE EXCEPTION 'case %: % without by=', cid, c.statistic; END IF;
        IF c.statistic = 'by_ciprop' THEN
            IF yb IS NULL THEN RAISE EXCEPTION 'case %: by_ciprop without event=', cid; END IF;
            y := yb;
        END IF;
        -- form 1: svy_by + svy_groups (SPEC §4)
        form := 'svy_by';
        sql := format('SELECT %s FROM (SELECT svy_by(%s, t.%I, %s) AS b FROM %s%s) s, '
                      'svy_groups(s.b, %L, %L, %s) g',
                      grp_cols, y, byvar, des, rel, where_sql,
                      CASE c.statistic WHEN 'by_total' THEN 'total' ELSE 'mean' END,
                      coalesce(meth, 'logit'), lvl);
        IF c.level IS NULL THEN
            all_groups := true;
            sql := sql || ' ORDER BY g.level';
        ELSE
            sql := sql || format(' WHERE g.level = %L', c.level);
        END IF;
        RETURN NEXT;
        -- form 2: the group as a domain of the full design (SPEC §1: each group is a domain)
        IF c.level IS NOT NULL THEN
            dom := format('svy_subset(%s, t.%I::text = %L)', des, byvar, c.level);
            agg := CASE c.statistic
                WHEN 'by_mean' THEN format('svy_mean(%s, %s%s)', y, dom, lvl_arg)
                WHEN 'by_total' THEN format('svy_total(%s, %s%s)', y, dom, lvl_arg)
                ELSE format('svy_prop(%s, %s, %L%s)', y, dom, coalesce(meth, 'logit'), lvl_arg) END;
            form := 'domain';
            all_groups := false;
            sql := format('SELECT %s FROM (SELECT %s AS e FROM %s%s) s', stat_cols, agg, rel, where_sql);
            RETURN NEXT;
        ELSE
            -- every group (R error rows without a level): one domain estimate per observed group
            dom := format('svy_subset(%s, t.%I::text = k.v)', des, byvar);
            agg := CASE c.statistic
                WHEN 'by_mean' THEN format('svy_mean(%s, %s%s)', y, dom, lvl_arg)
                WHEN 'by_total' THEN format('svy_total(%s, %s%s)', y, dom, lvl_arg)
                ELSE format('svy_prop(%s, %s, %L%s)', y, dom, coalesce(meth, 'logit'), lvl_arg) END;
            form := 'domain';
            sql := format('SELECT %s FROM (SELECT k.v, %s AS e FROM (SELECT DISTINCT x.%I::text AS v FROM oracle.%I x '
                          'WHERE x.%I IS NOT NULL) k CROSS JOIN %s%s GROUP BY k.v) s ORDER BY s.v',
                          stat_cols, agg, byvar, 'ds_' || d.dataset, byvar, rel, where_sql);
            RETURN NEXT;
        END IF;
    ELSIF c.statistic = 'chisq' THEN
        -- svy_chisq(svy_tab(row, col, d), statistic); valid= applies to the valid_vars
        rowv := format('t.%I', split_part(c.variable, '*', 1));
        colv := format('t.%I', split_part(c.variable, '*', 2));
        IF oracle.kv(a, 'valid') IS NOT NULL THEN
            IF split_part(c.variable, '*', 1) = ANY (string_to_array(oracle.kv(a, 'valid_vars'), '+')) THEN
                rowv := format('(CASE WHEN %s::float8 BETWEEN %s AND %s THEN %s END)', rowv,
                               split_part(oracle.kv(a, 'valid'), '..', 1)::float8,
                               split_part(oracle.kv(a, 'valid'), '..', 2)::float8, rowv);
            END IF;
            IF split_part(c.variable, '*', 2) = ANY (string_to_array(oracle.kv(a, 'valid_vars'), '+')) THEN
                colv := format('(CASE WHEN %s::float8 BETWEEN %s AND %s THEN %s END)', colv,
                               split_part(oracle.kv(a, 'valid'), '..', 1)::float8,
                               split_part(oracle.kv(a, 'valid'), '..', 2)::float8, colv);
            END IF;
        END IF;
        form := 'chisq';
        sql := format('SELECT x.statistic::float8 AS estimate, NULL::float8 AS std_error, NULL::float8 AS ci_lower, '
                      'NULL::float8 AS ci_upper, x.ddf::float8 AS df, NULL::bigint AS n, NULL::float8 AS n_eff, '
                      'NULL::float8 AS deff, x.p_value::float8 AS p_value, x.ndf::float8 AS ndf, '
                      'NULL::float8 AS statistic '
                      'FROM (SELECT svy_tab(%s, %s, %s) AS tb FROM %s%s) s, svy_chisq(s.tb, %L) x',
                      rowv, colv, des, rel, where_sql, coalesce(oracle.kv(a, 'statistic'), 'F'));
        RETURN NEXT;
    ELSIF c.statistic IN ('contrast_mean', 'ttest') THEN
        -- svy_pairwise(svy_by(y, g, d) | svy_choices(x, d), 'none', 'mean', level): the pair (l1, l2),
        -- or (l2, l1) negated.  ttest: diff=l2-l1 is "second level minus first" = contrast l2 - l1.
        IF c.statistic = 'ttest' THEN
            byvar := oracle.kv(a, 'group');
            l1 := split_part(oracle.kv(a, 'diff'), '-', 1);
            l2 := split_part(oracle.kv(a, 'diff'), '-', 2);
        ELSIF oracle.kv(a, 'set') IS NOT NULL THEN
            l1 := split_part(c.level, '-', 1);
            l2 := split_part(c.level, '-', 2);
        ELSE
            byvar := oracle.kv(a, 'by');
            l1 := split_part(oracle.kv(a, 'contrast'), '-', 1);
            l2 := split_part(oracle.kv(a, 'contrast'), '-', 2);
        END IF;
        IF oracle.kv(a, 'set') IS NOT NULL THEN
            chv := oracle.choices_sql(oracle.kv(a, 'set'));
            l1 := array_position(string_to_array(oracle.kv(a, 'set'), '+'), l1)::text;
            l2 := array_position(string_to_array(oracle.kv(a, 'set'), '+'), l2)::text;
            agg := format('svy_choices(%s, %s)', chv, des);
        ELSE
            agg := format('svy_by(%s, t.%I, %s)', y, byvar, des);
        END IF;
        form := 'pairwise';
        sql := format('SELECT CASE WHEN p.level_a = %1$L THEN p.difference ELSE -p.difference END AS estimate, '
                      'p.std_error, '
                      'CASE WHEN p.level_a = %1$L THEN p.ci_lower ELSE -p.ci_upper END AS ci_lower, '
                      'CASE WHEN p.level_a = %1$L THEN p.ci_upper ELSE -p.ci_lower END AS ci_upper, '
                      'p.df, NULL::bigint AS n, NULL::float8 AS n_eff, NULL::float8 AS deff, p.p_value, '
                      'NULL::float8 AS ndf, '
                      'CASE WHEN p.level_a = %1$L THEN p.statistic ELSE -p.statistic END AS statistic '
                      'FROM (SELECT %3$s AS b FROM %4$s%5$s) s, svy_pairwise(s.b, ''none'', ''mean'', %6$s) p '
                      'WHERE (p.level_a, p.level_b) IN ((%1$L, %2$L), (%2$L, %1$L))',
                      l1, l2, agg, rel, where_sql, lvl);
        RETURN NEXT;
    ELSE
        RAISE EXCEPTION 'SKIP: statistic % has no call form in the driver yet', c.statistic;
    END IF;
END $$;

-- -----------------------------------------------------------------------------------------------------
-- Comparison helpers
-- -----------------------------------------------------------------------------------------------------
CREATE TABLE oracle.report (seq serial, section int, case_id text, line text);
CREATE TABLE oracle.outcome (case_id text PRIMARY KEY, kind text, status text, detail text);
CREATE TABLE oracle.not_runnable (case_id text, form text, message text);

CREATE FUNCTION oracle.fmt(x float8) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(x::text, 'NULL')
$$;

-- NULL if got matches want within max(rel*|want|, abs); otherwise the mismatch text.
-- want NULL means "expect NULL" (the callers skip fields that R does not give).
CREATE FUNCTION oracle.cmp(field text, got float8, want float8, rel float8, abs_tol float8)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN want IS NULL OR want = 'NaN'::float8 THEN
            CASE WHEN got IS NULL THEN NULL ELSE format('%s: got %s want NULL', field, oracle.fmt(got)) END
        WHEN got IS NULL OR got = 'NaN'::float8 THEN format('%s: got %s want %s', field, oracle.fmt(got), want)
        WHEN want IN ('Infinity'::float8, '-Infinity'::float8) THEN
            CASE WHEN got = want THEN NULL ELSE format('%s: got %s want %s', field, got, want) END
        WHEN got IN ('Infinity'::float8, '-Infinity'::float8) THEN format('%s: got %s want %s', field, got, want)
        WHEN abs(got - want) <= greatest(rel * abs(want), abs_tol) THEN NULL
        ELSE format('%s: got %s want %s', field, got, want)
    END
$$;

-- -----------------------------------------------------------------------------------------------------
-- Calibrated weights: svy_weight(<design>) OVER () of every calibrated Taylor design against its
-- calweights/ file (README §7.14), per row id; 1e-9 relative (1e-7 for rake/raking, README §6.4).
-- -----------------------------------------------------------------------------------------------------
CREATE FUNCTION oracle.calweights() RETURNS TABLE (design text, line text) LANGUAGE plpgsql AS $$
DECLARE
    d oracle.designs;
    stem text;
    des text;
    parts text;
    tol float8;
    n_rows bigint;
    n_want bigint;
    n_bad bigint;
    worst float8;
    rel text;
BEGIN
    FOR d IN SELECT * FROM oracle.designs WHERE type = 'calibrated' AND calib_file IS NOT NULL
             ORDER BY oracle.designs.design LOOP
        design := d.design;
        stem := regexp_replace(d.calib_file, '^.*/([^/]+)\.csv$', '\1');
        rel := format('oracle.%I t', 'ds_' || d.dataset);
        parts := '';
        IF d.strata IS NOT NULL THEN parts := parts || format(', strata => t.%I', d.strata); END IF;
        IF d.psu IS NOT NULL THEN parts := parts || format(', psu => t.%I', d.psu); END IF;
        IF d.fpc IS NOT NULL THEN parts := parts || format(', fpc => t.%I::float8', d.fpc); END IF;
        des := oracle.calib_sql(d.calibration,
                   format('svy_design(%s%s)', CASE WHEN d.weight IS NULL THEN '1.0::float8'
                                                   ELSE format('t.%I::float8', d.weight) END, parts));
        IF d.rep_file IS NOT NULL THEN  -- calib_rep: the full-sample weights of the replicate base
            rel := format('oracle.%I t JOIN oracle.%I r ON r.id = t.id', 'ds_' || d.dataset,
                          'rep_' || regexp_replace(d.rep_file, '^.*/([^/]+)\.csv$', '\1'));
            des := oracle.calib_sql(d.calibration,
                                    format('svy_repdesign(r.base_weight, r.repw, %L)', d.rep_type));
        END IF;
        tol := CASE WHEN oracle.kv(d.calibration, 'method') IN ('rake', 'raking', 'logit') THEN 1e-7 ELSE 1e-9 END;
        EXECUTE format('SELECT count(s.id), count(*) FILTER (WHERE s.id IS NULL OR c.id IS NULL '
                       '  OR abs(s.w - c.weight) > %s * abs(c.weight)), '
                       '  max(abs(s.w - c.weight) / abs(c.weight)), (SELECT count(*) FROM oracle.%I) '
                       'FROM (SELECT t.id::text AS id, svy_weight(%s) OVER () AS w FROM %s%s) s '
                       'FULL JOIN oracle.%I c ON c.id = s.id',
                       tol, 'cal_' || stem, des, rel,
                       CASE WHEN d.subset IS NOT NULL THEN ' WHERE ' || oracle.cond_sql(d.subset) ELSE '' END,
                       'cal_' || stem)
            INTO n_rows, n_bad, worst, n_want;
        line := format('CALWEIGHTS %s: %s', d.design,
                       CASE WHEN n_bad = 0 AND n_rows = n_want THEN format('%s rows agree', n_rows)
                            ELSE format('MISMATCH %s of %s rows (largest relative difference %s)',
                                        n_bad, n_want, worst) END);
        RETURN NEXT;
    END LOOP;
END $$;

-- -----------------------------------------------------------------------------------------------------
-- The run
-- -----------------------------------------------------------------------------------------------------
CREATE FUNCTION oracle.run() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c oracle.cases;
    k oracle.kind_config;
    f record;
    r record;
    st text;
    msgs text[];
    case_mism text[];
    case_err text[];
    ran int;
    dev text;
    devrule text;
    se_abs float8;
    want_err text;
    ci_t boolean;
    a text;
    e_est float8; e_se float8; e_lo float8; e_hi float8; e_df float8; e_deff float8;
    e_n float8; e_neff float8;
    meth text;
    alpha float8;
    nn float8;
    tq float8;
    e_p float8;
    e_ndf float8;
    e_stat float8;
    p_tol float8;
    p_abs float8;
    g_tol float8;
    df_tol float8;
    skip text;
    p float8;
    sqlst text;
    errm text;
BEGIN
    FOR c IN SELECT * FROM oracle.cases ORDER BY case_id LOOP
        SELECT * INTO k FROM oracle.kind_config WHERE kind = c.kind;
        IF NOT FOUND THEN
            INSERT INTO oracle.outcome VALUES (c.case_id, c.kind, 'skipped_kind', 'unknown kind');
            CONTINUE;
        ELSIF k.status = 'off' THEN
            INSERT INTO oracle.outcome VALUES (c.case_id, c.kind, 'skipped_kind', k.note);
            CONTINUE;
        ELSIF k.status = 'outside_spec' THEN
            INSERT INTO oracle.outcome VALUES (c.case_id, c.kind, 'outside_spec', k.note);
            CONTINUE;
        END IF;
        SELECT dt.* INTO k FROM oracle.designs d JOIN oracle.design_type_config dt ON dt.type = d.type
        WHERE d.design = c.design;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'case %: design % missing or of unknown type', c.case_id, c.design;
        ELSIF k.status = 'off' THEN
            INSERT INTO oracle.outcome VALUES (c.case_id, c.kind, 'skipped_kind', k.note);
            CONTINUE;
        END IF;
        skip := (SELECT reason FROM oracle.skip_list WHERE case_id = c.case_id);
        IF skip IS NOT NULL THEN
            INSERT INTO oracle.outcome VALUES (c.case_id, c.kind, 'outside_spec', skip);
            INSERT INTO oracle.report(section, case_id, line)
                VALUES (2, c.case_id, format('SKIPPED %s: %s', c.case_id, skip));
            CONTINUE;
        END IF;

        a := coalesce(c.args, '');
        want_err := oracle.kv(c.extra, 'error');
        meth := oracle.kv(a, 'method');
        meth := CASE meth WHEN 'mean' THEN 'wald' WHEN 'beta' THEN 'korn-graubard' ELSE meth END;
        alpha := 1 - coalesce(oracle.kv(a, 'conf_level')::float8, 0.95);

        -- expected values
        e_est := oracle.num(c.estimate);
        e_se := oracle.num(c.se);
        e_lo := oracle.num(c.ci_lower);
        e_hi := oracle.num(c.ci_upper);
        e_df := oracle.num(c.df);
        e_deff := CASE WHEN oracle.kv(a, 'deff') = 'TRUE' THEN oracle.num(c.deff) END;
        e_n := oracle.num(oracle.kv(c.extra, 'n'));
        e_neff := CASE WHEN coalesce(oracle.kv(a, 'deff'), 'TRUE') = 'TRUE'
                       THEN oracle.num(oracle.kv(c.extra, 'n_eff')) END;
        ci_t := c.statistic IN ('ciprop', 'by_ciprop', 'quantile')
                OR coalesce(oracle.kv(a, 'ci_df'), 'degf') IN ('degf', 'degf_group');
        IF oracle.kv(a, 'ci_df') = 'Inf' THEN
            e_df := oracle.num(oracle.kv(c.extra, 'degf'));
        END IF;
        e_p := NULL; e_ndf := NULL; e_stat := NULL; df_tol := 0; g_tol := 1e-9; p_abs := 1e-15;
        p_tol := CASE WHEN oracle.kv(a, 'statistic') IN ('saddlepoint', 'lincom') THEN 1e-4 ELSE 1e-9 END;
        IF c.statistic IN ('glm', 'glm_wald') THEN
            -- README §6.4: gaussian is closed form (1e-9); R's IRLS stops early, reproduced to 1e-7;
            -- p-values 1e-6 relative, 1e-10 absolute
            g_tol := CASE WHEN oracle.kv(a, 'family') = 'gaussian' THEN 1e-9 ELSE 1e-7 END;
            p_tol := 1e-6; p_abs := 1e-10;
            e_p := oracle.num(oracle.kv(c.extra, 'p_value'));
            e_n := NULL; e_neff := NULL;
            IF c.statistic = 'glm' THEN
                e_stat := oracle.num(oracle.kv(c.extra, 't'));
            ELSE
                e_ndf := oracle.num(oracle.kv(c.extra, 'ndf'));
            END IF;
        ELSIF c.statistic = 'chisq' THEN
            e_p := oracle.num(oracle.kv(c.extra, 'p_value'));
            e_ndf := coalesce(oracle.num(oracle.kv(c.extra, 'ndf')), oracle.num(oracle.kv(c.extra, 'chisq_df')));
            df_tol := 1e-9;                  -- Rao-Scott ddf is not an integer
        ELSIF c.statistic = 'contrast_mean' THEN
            e_p := oracle.num(oracle.kv(c.extra, 'p_value'));
            e_stat := oracle.num(oracle.kv(c.extra, 't'));
            e_n := NULL;
        ELSIF c.statistic = 'ttest' THEN
            e_stat := oracle.num(oracle.kv(c.extra, 't'));
            e_n := NULL; e_df := NULL; ci_t := false;
            INSERT INTO oracle.report(section, case_id, line) VALUES (1, c.case_id, format(
                'DEVIATION %s: svyttest uses df = degf - 1; SPEC §4 svy_pairwise uses the df of the rows with a non-NULL outcome: difference, se and t compared, not df, CI, p-value',
                c.case_id));
        END IF;
        IF oracle.kv(a, 'deff') = 'replace' THEN
            INSERT INTO oracle.report(section, case_id, line) VALUES (1, c.case_id, format(
                'DEVIATION %s: deff=replace is not in SPEC (svy_estimate.deff is R''s deff=TRUE): deff and n_eff not compared',
                c.case_id));
        END IF;

        -- deviations
        devrule := (SELECT rule FROM oracle.deviation_list WHERE case_id = c.case_id);
        se_abs := NULL;
        dev := (SELECT reason FROM oracle.deviation_list WHERE case_id = c.case_id);
        IF devrule IS NULL AND want_err IS NULL AND e_n = 0 THEN
            devrule := 'empty_domain';
            dev := 'empty domain: R gives estimate 0, SE 0, NaN CI; SPEC §1 gives NULL numbers and n = 0';
        END IF;
        IF devrule IS NULL AND want_err IS NULL AND c.statistic IN ('ciprop', 'by_ciprop') AND e_se = 0
           AND (abs(e_est) < 1e-9 OR abs(e_est - 1) < 1e-9) THEN
            devrule := 'p01';
            IF meth IS DISTINCT FROM 'wald' AND (meth IS NOT NULL AND meth <> 'logit' OR e_lo IS NOT NULL) THEN
                dev := format('p = %s, %s: R gives %s; SPEC §3: se 0, %s', round(e_est),
                              coalesce(meth, 'logit'),
                              CASE WHEN coalesce(meth, 'logit') = 'logit'
                                   THEN 'estimate and limits ' || c.ci_lower || ' from a non-converged glm'
                                   ELSE 'NaN limits' END,
                              CASE WHEN meth = 'korn-graubard' THEN 'Korn-Graubard limits with n_eff = n'
                                   WHEN meth = 'wilson' THEN 'Wilson limits with n_eff = n (as Korn-Graubard)'
                                   ELSE 'NULL limits (undefined for the method)' END);
            END IF;
        END IF;
        IF dev IS NOT NULL THEN
            INSERT INTO oracle.report(section, case_id, line)
                VALUES (1, c.case_id, format('DEVIATION %s: %s', c.case_id, dev));
        END IF;
        IF devrule = 'empty_domain' THEN
            want_err := NULL;
            e_est := NULL; e_se := NULL; e_lo := NULL; e_hi := NULL; e_deff := NULL; e_neff := NULL;
            e_n := 0; ci_t := true;
        ELSIF devrule = 'p01' THEN
            want_err := NULL;
            IF e_est IS NULL THEN
                -- R error row: p from the data (the domain/group is all events or none); checked below
                NULL;
            ELSE
                p := round(e_est);
                e_est := p; e_se := 0;
                ci_t := true;
                nn := coalesce(e_n, oracle.num(oracle.kv(c.extra, 'nrow_group')), oracle.num(oracle.kv(c.extra, 'nrow')));
                IF meth = 'wald' THEN
                    e_lo := p; e_hi := p;
                ELSIF meth = 'korn-graubard' THEN
                    IF e_df = nn - 1 THEN
                        e_lo := CASE WHEN p = 1 THEN (alpha / 2) ^ (1 / nn) ELSE 0 END;
                        e_hi := CASE WHEN p = 1 THEN 1 ELSE 1 - (alpha / 2) ^ (1 / nn) END;
                    ELSE
                        ci_t := false;   -- R's df adjustment of n_eff needs qt(); limits not compared
                    END IF;
                ELSIF meth = 'wilson' THEN
                    -- Wilson with n_eff = n and t = extra t_quantile: [n/(n+t^2), 1] resp. [0, t^2/(n+t^2)]
                    tq := oracle.num(oracle.kv(c.extra, 't_quantile'));
                    IF tq IS NULL THEN
                        ci_t := false;
                    ELSE
                        e_lo := CASE WHEN p = 1 THEN nn / (nn + tq ^ 2) ELSE 0 END;
                        e_hi := CASE WHEN p = 1 THEN 1 ELSE tq ^ 2 / (nn + tq ^ 2) END;
                    END IF;
                ELSE
                    e_lo := NULL; e_hi := NULL;
                END IF;
            END IF;
        ELSIF devrule = 'p01_all_groups' THEN
            want_err := NULL;
        ELSIF devrule = 'zero_se' THEN
            se_abs := 1e-12 * abs(e_est);
            e_se := 0; e_deff := NULL; e_neff := NULL;
        ELSIF devrule IS NOT NULL THEN
            RAISE EXCEPTION 'unknown deviation rule %', devrule;
        END IF;
        IF devrule IS NULL AND want_err IS NULL
           AND 'NaN' IN (c.estimate, c.se, c.ci_lower, c.ci_upper, CASE WHEN e_deff = 'NaN' THEN 'NaN' END) THEN
            INSERT INTO oracle.report(section, case_id, line) VALUES (1, c.case_id, format(
                'DEVIATION %s: R gives NaN for %s; SPEC: NULL, never NaN', c.case_id,
                concat_ws(', ', CASE WHEN c.estimate = 'NaN' THEN 'estimate' END,
                                CASE WHEN c.se = 'NaN' THEN 'se' END,
                                CASE WHEN c.ci_lower = 'NaN' THEN 'ci_lower' END,
                                CASE WHEN c.ci_upper = 'NaN' THEN 'ci_upper' END,
                                CASE WHEN e_deff = 'NaN' THEN 'deff' END)));
        END IF;

        -- run every form of the case
        case_mism := '{}';
        case_err := '{}';
        ran := 0;
        BEGIN
            FOR f IN SELECT cf.* FROM oracle.case_forms(c.case_id) cf
                     WHERE NOT EXISTS (SELECT FROM oracle.form_config fc WHERE fc.form = cf.form AND fc.status = 'off') LOOP
                BEGIN
                    PERFORM set_config('survey.lonely_psu', f.lonely, true);
                    msgs := '{}';
                    DECLARE
                        nrows int := 0;
                    BEGIN
                        FOR r IN EXECUTE f.sql LOOP
                            nrows := nrows + 1;
                            IF devrule IN ('p01_all_groups', 'p01') AND e_est IS NULL THEN
                                -- error rows of R: every group is all-events or no-events
                                msgs := msgs || oracle.cmp('estimate', r.estimate, round(r.estimate), 0, 0)
                                             || oracle.cmp('se', r.std_error, 0, 0, 1e-12)
                                             || oracle.cmp('ci_lower', r.ci_lower, NULL, 0, 0)
                                             || oracle.cmp('ci_upper', r.ci_upper, NULL, 0, 0);
                                CONTINUE;
                            END IF;
                            msgs := msgs || oracle.cmp('estimate', r.estimate, e_est,
                                                       CASE WHEN c.statistic IN ('ciprop', 'by_ciprop')
                                                            AND coalesce(meth, 'logit') IN ('logit', 'likelihood')
                                                            THEN 1e-8 ELSE g_tol END, 1e-12)
                                         || oracle.cmp('se', r.std_error, e_se, g_tol, coalesce(se_abs, 1e-12));
                            IF ci_t AND meth = 'likelihood' AND devrule IS NULL THEN
                                msgs := msgs || oracle.cmp('ci_lower', r.ci_lower,
                                            coalesce(oracle.num(oracle.kv(c.extra, 'exact_ci_lower')), e_lo), 1e-4, 1e-12)
                                             || oracle.cmp('ci_upper', r.ci_upper,
                                            coalesce(oracle.num(oracle.kv(c.extra, 'exact_ci_upper')), e_hi), 1e-4, 1e-12);
                            ELSIF ci_t THEN
                                msgs := msgs || oracle.cmp('ci_lower', r.ci_lower, e_lo, greatest(1e-8, g_tol), 1e-12)
                                             || oracle.cmp('ci_upper', r.ci_upper, e_hi, greatest(1e-8, g_tol), 1e-12);
                            END IF;
                            IF devrule = 'empty_domain' THEN
                                IF r.df IS NOT NULL AND r.df <> 0 THEN
                                    msgs := msgs || format('df: got %s want NULL or 0', r.df);
                                END IF;
                            ELSIF e_df IS NOT NULL THEN
                                msgs := msgs || oracle.cmp('df', r.df, e_df, df_tol, 0);
                            END IF;
                            IF e_p IS NOT NULL THEN
                                msgs := msgs || oracle.cmp('p_value', r.p_value, e_p, p_tol, p_abs);
                            END IF;
                            IF e_ndf IS NOT NULL THEN
                                msgs := msgs || oracle.cmp('ndf', r.ndf, e_ndf, 1e-9, 0);
                            END IF;
                            IF e_stat IS NOT NULL THEN
                                msgs := msgs || oracle.cmp('statistic', r.statistic, e_stat, g_tol, 1e-12);
                            END IF;
                            IF e_deff IS NOT NULL THEN
                                msgs := msgs || oracle.cmp('deff', r.deff, e_deff, 1e-9, 1e-12);
                            END IF;
                            IF e_n IS NOT NULL THEN
                                msgs := msgs || oracle.cmp('n', r.n, e_n, 0, 0);
                            END IF;
                            IF e_neff IS NOT NULL AND f.form NOT IN ('svy_by', 'svy_choices', 'svy_dist') THEN
                                msgs := msgs || oracle.cmp('n_eff', r.n_eff, e_neff, 1e-9, 1e-12);
                            END IF;
                        END LOOP;
                        IF want_err IS NOT NULL THEN
                            msgs := msgs || format('expected an error (R: %s), got %s row(s)', want_err, nrows);
                        ELSIF nrows = 0 AND f.form = 'svy_dist' AND e_est = 0 THEN
                            NULL;   -- a level nobody chose: svy_dist of a text column cannot know it
                        ELSIF nrows = 0 THEN
                            msgs := msgs || 'no result row'::text;
                        ELSIF nrows > 1 AND NOT f.all_groups THEN
                            msgs := msgs || format('%s result rows, want 1', nrows);
                        END IF;
                    END;
                    ran := ran + 1;
                    msgs := array_remove(msgs, NULL);     -- cmp() gives NULL when the field matches
                    FOR i IN 1 .. coalesce(array_length(msgs, 1), 0) LOOP
                        case_mism := case_mism || format('MISMATCH %s%s %s', c.case_id,
                            CASE WHEN f.form IN ('svy_by', 'domain', 'svy_choices', 'svy_dist') THEN ' [' || f.form || ']' ELSE '' END,
                            msgs[i]);
                    END LOOP;
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS sqlst = RETURNED_SQLSTATE, errm = MESSAGE_TEXT;
                    IF sqlst IN ('42883', '42704') THEN
                        -- undefined function / type: API not there yet
                        INSERT INTO oracle.not_runnable VALUES (c.case_id, f.form, errm);
                    ELSIF want_err IS NOT NULL AND sqlst NOT LIKE '42%' AND sqlst <> 'XX000' THEN
                        ran := ran + 1;
                        IF want_err LIKE 'Stratum%' AND errm NOT ILIKE '%stratum%' THEN
                            case_mism := case_mism || format('MISMATCH %s error does not name the stratum: %s',
                                                            c.case_id, errm);
                        END IF;
                    ELSIF want_err IS NOT NULL THEN
                        ran := ran + 1;
                        case_mism := case_mism || format('MISMATCH %s expected error has SQLSTATE %s: %s',
                                                        c.case_id, sqlst, errm);
                    ELSE
                        ran := ran + 1;
                        case_err := case_err || format('ERROR %s%s: %s (SQLSTATE %s)', c.case_id,
                            CASE WHEN f.form IN ('svy_by', 'domain', 'svy_choices', 'svy_dist') THEN ' [' || f.form || ']' ELSE '' END,
                            errm, sqlst);
                    END IF;
                END;
            END LOOP;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS errm = MESSAGE_TEXT;
            IF errm LIKE 'SKIP: %' THEN
                INSERT INTO oracle.outcome VALUES (c.case_id, c.kind, 'outside_spec', substr(errm, 7));
                INSERT INTO oracle.report(section, case_id, line)
                    VALUES (2, c.case_id, format('SKIPPED %s: %s', c.case_id, substr(errm, 7)));
                CONTINUE;
            END IF;
            RAISE;   -- a driver bug: stop loudly
        END;

        INSERT INTO oracle.report(section, case_id, line)
            SELECT 4, c.case_id, x FROM unnest(case_err) WITH ORDINALITY AS u(x, ord) ORDER BY ord;
        INSERT INTO oracle.report(section, case_id, line)
            SELECT 5, c.case_id, x FROM unnest(case_mism) WITH ORDINALITY AS u(x, ord) ORDER BY ord;
        st := CASE WHEN cardinality(case_mism) > 0 THEN 'mismatched'
                   WHEN cardinality(case_err) > 0 THEN 'error'
                   WHEN ran = 0 THEN 'not_runnable'
                   ELSE 'passed' END;
        INSERT INTO oracle.outcome VALUES (c.case_id, c.kind, st, NULL);
    END LOOP;

    INSERT INTO oracle.report(section, case_id, line)
    SELECT 0, '', format('FORM %s off: %s', form, note) FROM oracle.form_config WHERE status = 'off'
    ORDER BY form;

    INSERT INTO oracle.report(section, case_id, line)
    SELECT 3, min(case_id), format('NOT YET RUNNABLE [%s] %s: %s (%s cases)', form, message,
                                   string_agg(case_id, ' ' ORDER BY case_id), count(*))
    FROM oracle.not_runnable GROUP BY form, message ORDER BY form, message;

    INSERT INTO oracle.report(section, case_id, line)
    SELECT 0, min(case_id), format('SKIPPED %s cases of kind %s: %s', count(*), kind, detail)
    FROM oracle.outcome WHERE status IN ('skipped_kind') OR (status = 'outside_spec' AND detail =
         (SELECT note FROM oracle.kind_config kc WHERE kc.kind = outcome.kind))
    GROUP BY kind, detail ORDER BY kind, detail;
END $$;

-- Print the SQL of one case (for debugging: SELECT * FROM oracle.case_forms('P0001');).
