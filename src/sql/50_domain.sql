-- ---------------------------------------------------------------------------
-- Domains, distributions, multi-select shares and tables (src/domain.c),
-- and their readers (src/domain_read.c)
-- ---------------------------------------------------------------------------

CREATE TYPE svy_domains;
CREATE FUNCTION svy_domains_in(cstring) RETURNS svy_domains
    AS 'MODULE_PATHNAME', 'svy_domains_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_domains_out(svy_domains) RETURNS cstring
    AS 'MODULE_PATHNAME', 'svy_multi_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_domains_recv(internal) RETURNS svy_domains
    AS 'MODULE_PATHNAME', 'svy_domains_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_domains_send(svy_domains) RETURNS bytea
    AS 'MODULE_PATHNAME', 'svy_multi_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE svy_domains (
    INPUT = svy_domains_in, OUTPUT = svy_domains_out,
    RECEIVE = svy_domains_recv, SEND = svy_domains_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended
);
COMMENT ON TYPE svy_domains IS 'estimates for groups, categories or options of one design, with their full covariance';

CREATE TYPE svy_table;
CREATE FUNCTION svy_table_in(cstring) RETURNS svy_table
    AS 'MODULE_PATHNAME', 'svy_table_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_table_out(svy_table) RETURNS cstring
    AS 'MODULE_PATHNAME', 'svy_multi_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_table_recv(internal) RETURNS svy_table
    AS 'MODULE_PATHNAME', 'svy_table_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svy_table_send(svy_table) RETURNS bytea
    AS 'MODULE_PATHNAME', 'svy_multi_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE svy_table (
    INPUT = svy_table_in, OUTPUT = svy_table_out,
    RECEIVE = svy_table_recv, SEND = svy_table_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended
);
COMMENT ON TYPE svy_table IS 'a weighted two-way table of one design, with the full covariance of its cells';

CREATE FUNCTION svy_by_float8_transfn(svy_aggstate, float8, "any", svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_by_bool_transfn(svy_aggstate, boolean, "any", svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, "any", svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_dist_transfn(svy_aggstate, "any", svy_design, boolean) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_choices_transfn(svy_aggstate, choices, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_tab_transfn(svy_aggstate, "any", "any", svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_domains_final(svy_aggstate) RETURNS svy_domains
    AS 'MODULE_PATHNAME', 'svy_multi_final' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_table_final(svy_aggstate) RETURNS svy_table
    AS 'MODULE_PATHNAME', 'svy_multi_final' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE svy_by(y float8, grp "any", d svy_design) (
    SFUNC = svy_by_float8_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_by(y boolean, grp "any", d svy_design) (
    SFUNC = svy_by_bool_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x "any", d svy_design) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_dist(x "any", d svy_design, with_missing boolean) (
    SFUNC = svy_dist_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_choices(x choices, d svy_design) (
    SFUNC = svy_choices_transfn, STYPE = svy_aggstate, FINALFUNC = svy_domains_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_tab(rowvar "any", colvar "any", d svy_design) (
    SFUNC = svy_tab_transfn, STYPE = svy_aggstate, FINALFUNC = svy_table_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);

-- Readers.  STABLE: survey.min_cell_n suppresses small cells.
CREATE FUNCTION svy_groups(t svy_domains, statistic text DEFAULT 'mean',
                           method text DEFAULT 'logit', level float8 DEFAULT 0.95)
    RETURNS TABLE (level text, estimate float8, std_error float8, ci_lower float8,
                   ci_upper float8, df float8, n bigint, deff float8)
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 10;

CREATE FUNCTION svy_pairwise(t svy_domains, adjust text DEFAULT 'holm',
                             statistic text DEFAULT 'mean', level float8 DEFAULT 0.95)
    RETURNS TABLE (level_a text, level_b text, difference float8, std_error float8,
                   ci_lower float8, ci_upper float8, statistic float8, df float8,
                   p_value float8, p_adjusted float8)
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 45;

CREATE FUNCTION svy_cells(t svy_table, margin text DEFAULT 'row',
                          method text DEFAULT 'logit', level float8 DEFAULT 0.95)
    RETURNS TABLE (row_level text, col_level text, estimate float8,
                   std_error float8, ci_lower float8, ci_upper float8, df float8,
                   n bigint, deff float8)
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 20;

CREATE TYPE svy_test AS (
    statistic float8,
    ndf       float8,
    ddf       float8,
    p_value   float8,
    method    text
);
COMMENT ON TYPE svy_test IS 'a design-based test of independence (svy_chisq)';

CREATE FUNCTION svy_chisq(t svy_table, statistic text DEFAULT 'F') RETURNS svy_test
    AS 'MODULE_PATHNAME', 'svy_chisq_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- Means of rating answers: the mean score over valid answers (missing
-- reasons and NULL are outside the domain).  Kept here, after the likert
-- type exists.
-- ---------------------------------------------------------------------------
CREATE FUNCTION svy_accum_likert_transfn(svy_aggstate, likert, svy_design) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION svy_accum_likert_transfn(svy_aggstate, likert, svy_design, float8) RETURNS svy_aggstate
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE svy_mean(y likert, d svy_design) (
    SFUNC = svy_accum_likert_transfn, STYPE = svy_aggstate, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);
CREATE AGGREGATE svy_mean(y likert, d svy_design, level float8) (
    SFUNC = svy_accum_likert_transfn, STYPE = svy_aggstate, FINALFUNC = svy_mean_final,
    COMBINEFUNC = svy_aggstate_combine, SSPACE = 8192, PARALLEL = SAFE);

-- Linear contrasts of domain estimates (R: svycontrast on svyby(covmat = TRUE)).
CREATE FUNCTION svy_contrast(t svy_domains, coefficients float8[], statistic text DEFAULT 'mean',
                             level float8 DEFAULT 0.95)
    RETURNS svy_estimate
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION svy_contrast(svy_domains, float8[], text, float8) IS
    'a linear contrast sum c_g theta_g of domain estimates, with the SE from their full covariance';

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
