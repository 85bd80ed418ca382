-- Issue 12 (getting questionnaire data in, first-use traps).
-- The likert order no longer looks at the scale (total for every mix of
-- scaled and unscaled values): an index on an untyped likert column that mixes
-- scales must be rebuilt (REINDEX); likert(k) columns keep their order.

-- The likert-integer comparisons and the label constructors are new objects:
-- 45_loading.sql, the install script's part.

-- likert -> float8 becomes implicit: likert outcomes everywhere a numeric one is.
DROP CAST (likert AS double precision);
CREATE CAST (likert AS double precision) WITH FUNCTION likert_to_float8(likert) AS IMPLICIT;

-- svy_cells: one column order for every reader (..., df, n, deff).
DROP FUNCTION svy_cells(svy_table, text, text, float8);
CREATE FUNCTION svy_cells(t svy_table, margin text DEFAULT 'row',
                          method text DEFAULT 'logit', level float8 DEFAULT 0.95)
    RETURNS TABLE (row_level text, col_level text, estimate float8,
                   std_error float8, ci_lower float8, ci_upper float8, df float8,
                   n bigint, deff float8)
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 20;

-- ---------------------------------------------------------------------------
-- svy_choices with option labels (issue 12).
-- ---------------------------------------------------------------------------
CREATE FUNCTION svy_choices_transfn(svy_aggstate, choices, svy_design, text[]) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_choices(x choices, d svy_design, labels text[]) (
    SFUNC = svy_choices_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
COMMENT ON AGGREGATE svy_choices(choices, svy_design, text[]) IS
    'share of respondents choosing each option, levels named by the option labels (every labelled option listed)';

-- The rows of svy_quantiles, one per probability (a set-returning reader):
--   SELECT q.* FROM (SELECT svy_quantiles(y, d, '{0.25,0.5,0.75}') AS a FROM t) s,
--          svy_quantile_rows(s.a, '{0.25,0.5,0.75}') q;
CREATE FUNCTION svy_quantile_rows(estimates svy_estimate[], probabilities float8[])
    RETURNS TABLE (p float8, estimate float8, std_error float8, ci_lower float8,
                   ci_upper float8, df float8, n bigint, deff float8)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT u.p, u.estimate, u.std_error, u.ci_lower, u.ci_upper, u.df, u.n, u.deff
    FROM unnest(probabilities, estimates) WITH ORDINALITY
         AS u(p, estimate, std_error, ci_lower, ci_upper, df, n, n_eff, deff, i)
    ORDER BY u.i;
END;
COMMENT ON FUNCTION svy_quantile_rows(svy_estimate[], float8[]) IS
    'one row per probability of an svy_quantiles result, in the reader column order';

-- A presentation helper: svy_format(e, 'percent', 1) = '48.5 (43.3–53.8)'.
CREATE FUNCTION svy_format(e svy_estimate, style text DEFAULT 'percent', digits integer DEFAULT 1)
    RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION svy_format(svy_estimate, text, integer) IS
    'an estimate and its CI as report text: style percent (x 100) or number, rounded to digits decimals; NULL when the estimate is NULL';
