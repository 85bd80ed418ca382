/*
 * compare.c — the SQL functions for independent samples: svy_diff, the
 * svy_pool aggregate and svy_reliability (statistics in stats/compare.c).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "accum.h"
#include "compare.h"
#include "survey.h"

PG_FUNCTION_INFO_V1(svy_diff);
PG_FUNCTION_INFO_V1(svy_pool_transfn);
PG_FUNCTION_INFO_V1(svy_pool_combine);
PG_FUNCTION_INFO_V1(svy_pool_final);
PG_FUNCTION_INFO_V1(svy_reliability);

/* svy_estimate's attributes */
#define EST_ESTIMATE	1
#define EST_STD_ERROR	2
#define EST_DF			5
#define EST_N			6
#define EST_NATTS		8

/*
 * A float8 attribute of an svy_estimate row; NaN when NULL.  The extension
 * never stores NaN in an svy_estimate (it becomes NULL), so a NaN is bad input.
 */
static double
est_number(HeapTupleHeader t, int attno)
{
	bool		isnull;
	Datum		d = GetAttributeByNum(t, attno, &isnull);

	if (isnull)
		return NAN;
	if (isnan(DatumGetFloat8(d)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("svy_estimate field %s is NaN", attno == EST_ESTIMATE ? "estimate" :
						attno == EST_STD_ERROR ? "std_error" : "df"),
				 errhint("Use NULL for a missing number.")));
	return DatumGetFloat8(d);
}

static double
est_n(HeapTupleHeader t)
{
	bool		isnull;
	Datum		d = GetAttributeByNum(t, EST_N, &isnull);

	return isnull ? NAN : (double) DatumGetInt64(d);
}

/* A df argument: NULL means "no finite df" (normal reference); else > 0. */
static double
est_df(HeapTupleHeader t)
{
	double		df = est_number(t, EST_DF);

	if (isnan(df))
		return INFINITY;
	if (!(df > 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("degrees of freedom must be positive, not %g", df)));
	return df;
}

static void
check_se(double se)
{
	if (!isnan(se) && !(se >= 0.0 && isfinite(se)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("standard error must be finite and non-negative, not %g", se)));
}

/* ---------- svy_diff ---------- */

Datum
svy_diff(PG_FUNCTION_ARGS)
{
	HeapTupleHeader a = PG_GETARG_HEAPTUPLEHEADER(0);
	HeapTupleHeader b = PG_GETARG_HEAPTUPLEHEADER(1);
	double		level = svy_check_level(PG_GETARG_FLOAT8(2));
	double		ea = est_number(a, EST_ESTIMATE),
				sa = est_number(a, EST_STD_ERROR),
				eb = est_number(b, EST_ESTIMATE),
				sb = est_number(b, EST_STD_ERROR);
	double		dfa = est_df(a),
				dfb = est_df(b);
	SvyDiffResult r;
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7];

	check_se(sa);
	check_se(sb);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	/* a missing estimate or SE (empty domain, min_cell_n) makes every number NULL */
	svy_diff_compute(ea, sa, dfa, eb, sb, dfb, level, &r);
	values[0] = svy_float8_or_null(r.difference, &nulls[0]);
	values[1] = svy_float8_or_null(r.std_error, &nulls[1]);
	values[2] = svy_float8_or_null(r.ci_lower, &nulls[2]);
	values[3] = svy_float8_or_null(r.ci_upper, &nulls[3]);
	values[4] = svy_float8_or_null(r.statistic, &nulls[4]);
	values[5] = svy_float8_or_null(r.df, &nulls[5]);
	values[6] = svy_float8_or_null(r.p_value, &nulls[6]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* ---------- svy_pool ---------- */

/*
 * The state is a float8[] of plain sums, so the combine function adds them
 * and the state needs no serialization:
 *   [0..4] SvyPoolSums (w, w theta, w^2 v, (w^2 v)^2 / df, n)
 *   [5]    rows whose n was NULL
 *   [6]    the level (NaN until a row gives one)
 */
#define POOL_NSLOTS 7
#define POOL_NNULL	5
#define POOL_LEVEL	6

static void
pool_read(ArrayType *a, double *v)
{
	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != POOL_NSLOTS || ARR_HASNULL(a) ||
		ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid svy_pool state")));
	memcpy(v, ARR_DATA_PTR(a), sizeof(double) * POOL_NSLOTS);
}

static Datum
pool_datum(const double *v)
{
	Datum		d[POOL_NSLOTS];

	for (int i = 0; i < POOL_NSLOTS; i++)
		d[i] = Float8GetDatum(v[i]);
	return PointerGetDatum(construct_array(d, POOL_NSLOTS, FLOAT8OID, sizeof(double),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

static void
pool_level(double *v, double level)
{
	if (isnan(v[POOL_LEVEL]))
		v[POOL_LEVEL] = level;
	else if (!isnan(level) && level != v[POOL_LEVEL])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence level must be the same on every row")));
}

static SvyPoolSums
pool_sums(const double *v)
{
	SvyPoolSums s = {v[0], v[1], v[2], v[3], v[4]};

	return s;
}

static void
pool_store(double *v, const SvyPoolSums *s)
{
	v[0] = s->w;
	v[1] = s->wtheta;
	v[2] = s->w2v;
	v[3] = s->w2v_sq_df;
	v[4] = s->n;
}

/* (state, e svy_estimate, weight float8 [, level float8]); STRICT: NULL rows are skipped */
Datum
svy_pool_transfn(PG_FUNCTION_ARGS)
{
	double		v[POOL_NSLOTS];
	HeapTupleHeader e = PG_GETARG_HEAPTUPLEHEADER(1);
	double		w = PG_GETARG_FLOAT8(2);
	double		theta = est_number(e, EST_ESTIMATE),
				se = est_number(e, EST_STD_ERROR),
				n = est_n(e),
				df;
	SvyPoolSums s;

	pool_read(PG_GETARG_ARRAYTYPE_P(0), v);
	if (PG_NARGS() > 3)
		pool_level(v, svy_check_level(PG_GETARG_FLOAT8(3)));
	if (!(w > 0.0 && isfinite(w)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pooling weight must be positive and finite, not %g", w)));
	/* dropping a component would silently change the pooled population */
	if (isnan(theta) || isnan(se))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("an estimate to pool has a NULL estimate or standard error"),
				 errhint("Filter out empty or suppressed estimates explicitly if they are meant to be left out.")));
	if (!isfinite(theta))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an estimate to pool must be finite, not %g", theta)));
	check_se(se);
	df = est_df(e);

	s = pool_sums(v);
	svy_pool_sums_add(&s, theta, se, df, w);
	if (isnan(n))
		v[POOL_NNULL] += 1.0;
	else
		s.n += n;
	pool_store(v, &s);
	PG_RETURN_DATUM(pool_datum(v));
}

Datum
svy_pool_combine(PG_FUNCTION_ARGS)
{
	double		a[POOL_NSLOTS],
				b[POOL_NSLOTS];
	SvyPoolSums sa,
				sb;

	pool_read(PG_GETARG_ARRAYTYPE_P(0), a);
	pool_read(PG_GETARG_ARRAYTYPE_P(1), b);
	sa = pool_sums(a);
	sb = pool_sums(b);
	svy_pool_sums_combine(&sa, &sb);
	pool_store(a, &sa);
	a[POOL_NNULL] += b[POOL_NNULL];
	pool_level(a, b[POOL_LEVEL]);
	PG_RETURN_DATUM(pool_datum(a));
}

Datum
svy_pool_final(PG_FUNCTION_ARGS)
{
	double		v[POOL_NSLOTS];
	SvyPoolSums s;
	SvyPoolResult r;
	TupleDesc	tupdesc;
	Datum		values[EST_NATTS];
	bool		nulls[EST_NATTS];
	bool		suppress;

	pool_read(PG_GETARG_ARRAYTYPE_P(0), v);
	if (v[0] == 0.0)
		PG_RETURN_NULL();		/* no rows */
	s = pool_sums(v);
	svy_pool_sums_finish(&s, isnan(v[POOL_LEVEL]) ? 0.95 : v[POOL_LEVEL], &r);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = svy_float8_or_null(r.estimate, &nulls[0]);
	values[1] = svy_float8_or_null(r.std_error, &nulls[1]);
	values[2] = svy_float8_or_null(r.ci_lower, &nulls[2]);
	values[3] = svy_float8_or_null(r.ci_upper, &nulls[3]);
	values[4] = svy_float8_or_null(r.df, &nulls[4]);
	values[5] = Int64GetDatum((int64) s.n);
	nulls[5] = v[POOL_NNULL] > 0;
	values[6] = values[7] = (Datum) 0;
	nulls[6] = nulls[7] = true;	/* no effective n or design effect for a pool */
	suppress = survey_min_cell_n > 0 && !nulls[5] && s.n < survey_min_cell_n;
	if (suppress)
		for (int i = 0; i < 5; i++)
			nulls[i] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* ---------- svy_reliability ---------- */

/* the standards it applies (one so far) */
static const SvyName reliability_standards[] = {
	{"nchs", 0},
};

Datum
svy_reliability(PG_FUNCTION_ARGS)
{
	HeapTupleHeader e = PG_GETARG_HEAPTUPLEHEADER(0);
	SvyReliabilityInput in;
	SvyReliabilityResult r;
	Datum		reasons[SVY_RR_NBITS];
	int			nreasons = 0;
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	(void) svy_parse_option_in(PG_GETARG_TEXT_PP(1), SVY_NAMES(reliability_standards),
							   "reliability standard", "standards", "nchs");
	in.p = est_number(e, EST_ESTIMATE);
	in.se = est_number(e, EST_STD_ERROR);
	in.n = est_n(e);
	in.df = est_df(e);
	if (!isnan(in.p) && !(in.p >= 0.0 && in.p <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the NCHS standard applies to proportions, not %g", in.p)));
	check_se(in.se);
	svy_reliability_nchs(&in, &r);

	for (int bit = 0; bit < SVY_RR_NBITS; bit++)
		if (r.reasons & (1u << bit))
			reasons[nreasons++] = CStringGetTextDatum(svy_reliability_reason(1u << bit));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = CStringGetTextDatum(svy_reliability_status_name(r.status));
	values[1] = PointerGetDatum(construct_array(reasons, nreasons, TEXTOID, -1, false, TYPALIGN_INT));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
