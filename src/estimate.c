/*
 * estimate.c — the SQL aggregates svy_mean, svy_total, svy_prop, svy_ratio,
 * the storable svy_state (svy_accum, svy_merge and its finalizers), and the
 * svy_estimate result row.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "accum.h"
#include "aggstate.h"
#include "calib.h"
#include "response.h"
#include "survey.h"
#include "wire.h"

PG_FUNCTION_INFO_V1(svy_accum_float8_transfn);
PG_FUNCTION_INFO_V1(svy_accum_bool_transfn);
PG_FUNCTION_INFO_V1(svy_accum_likert_transfn);
PG_FUNCTION_INFO_V1(svy_accum_ratio_transfn);
PG_FUNCTION_INFO_V1(svy_mean_final);
PG_FUNCTION_INFO_V1(svy_total_final);
PG_FUNCTION_INFO_V1(svy_prop_final);
PG_FUNCTION_INFO_V1(svy_ratio_final);
PG_FUNCTION_INFO_V1(svy_state_final);
PG_FUNCTION_INFO_V1(svy_merge_transfn);
PG_FUNCTION_INFO_V1(svy_state_in);
PG_FUNCTION_INFO_V1(svy_state_out);
PG_FUNCTION_INFO_V1(svy_state_recv);
PG_FUNCTION_INFO_V1(svy_state_send);
PG_FUNCTION_INFO_V1(svy_state_mean);
PG_FUNCTION_INFO_V1(svy_state_total);
PG_FUNCTION_INFO_V1(svy_state_prop);

/* ---------- transition ---------- */

/* ---------- the family's svy_aggstate operations (aggstate.h) ---------- */

static void *
accum_create(MemoryContext cxt)
{
	return svy_accum_create(cxt);
}

static void
accum_merge(void *into, void *from)
{
	svy_accum_merge(into, from);
}

static void
accum_serialize(void *state, StringInfo buf)
{
	svy_accum_serialize(state, buf);
}

static void *
accum_deserialize(StringInfo buf, MemoryContext cxt)
{
	return svy_accum_deserialize(buf, cxt);
}

const SvyAggOps svy_accum_ops = {
	"linear estimator", true, false,
	accum_create, accum_merge, accum_serialize, accum_deserialize
};

/*
 * The optional level argument at argno: the same on every row, a NULL
 * being the default (0.95), so that NULL and 0.9 on two rows are an error
 * whichever comes first.
 */
static inline void
level_arg(FunctionCallInfo fcinfo, SvyAccum *s, int argno)
{
	double		level = SVY_LEVEL_DEFAULT;

	/* a call without the argument: the default on every row, set at the first */
	if (PG_NARGS() <= argno && s->dom.nrow > 0)
		return;
	if (PG_NARGS() > argno && !PG_ARGISNULL(argno))
		level = svy_check_level(PG_GETARG_FLOAT8(argno));
	if (s->dom.nrow == 0)
		s->level = level;
	else if (level != s->level)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence level must be the same on every row")));
}

/* The optional CI method argument at argno: as level_arg, NULL being logit. */
static inline void
method_arg(FunctionCallInfo fcinfo, SvyAccum *s, int argno)
{
	int			method = SVY_CI_LOGIT;

	if (PG_NARGS() <= argno && s->dom.nrow > 0)
		return;
	if (PG_NARGS() > argno && !PG_ARGISNULL(argno))
	{
		/* the same text as the last row's needs no parsing */
		if (svy_option_unchanged(&s->method_seen, (struct varlena *) PG_GETARG_TEXT_PP(argno), s->cxt) &&
			s->dom.nrow > 0)
			method = s->method;
		else
			method = svy_parse_method(PG_GETARG_TEXT_PP(argno));
	}
	if (s->dom.nrow > 0 && method != s->method)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence interval method must be the same on every row")));
	s->method = method;
}

static void
set_outcome(SvyAccum *s, int outcome)
{
	if (s->outcome == 0)
		s->outcome = outcome;
}

/* (state, y float8, design [, level]) */
Datum
svy_accum_float8_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_ACCUM);
	SvyAccum   *s = st->state;
	const SvyDesign *d = svy_design_arg(fcinfo, 2);

	set_outcome(s, SVY_OUTCOME_NUMERIC);
	level_arg(fcinfo, s, 3);
	svy_linear_row(s, d, PG_ARGISNULL(1) ? 0.0 : PG_GETARG_FLOAT8(1), 1.0, PG_ARGISNULL(1));
	PG_RETURN_DATUM(svy_agg_datum(st));
}

/* (state, y likert, design [, level]): the mean score over valid answers */
Datum
svy_accum_likert_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_ACCUM);
	SvyAccum   *s = st->state;
	const SvyDesign *d = svy_design_arg(fcinfo, 2);
	bool		missing = PG_ARGISNULL(1);
	Likert		q = missing ? 0 : PG_GETARG_LIKERT(1);

	if (!missing && !likert_has_scale(q))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("likert value without a scale cannot be averaged"),
				 errhint("Cast the column to likert(k) or likert(lo, hi).")));
	missing |= !missing && likert_is_missing(q);
	set_outcome(s, SVY_OUTCOME_NUMERIC);
	level_arg(fcinfo, s, 3);
	svy_linear_row(s, d, missing ? 0.0 : likert_value(q), 1.0, missing);
	PG_RETURN_DATUM(svy_agg_datum(st));
}

/* (state, y boolean, design [, method [, level]]) */
Datum
svy_accum_bool_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_ACCUM);
	SvyAccum   *s = st->state;
	const SvyDesign *d = svy_design_arg(fcinfo, 2);

	set_outcome(s, SVY_OUTCOME_BOOLEAN);
	method_arg(fcinfo, s, 3);
	level_arg(fcinfo, s, 4);
	/* without a branch on the (unpredictable) answer; a NULL's datum is masked off */
	svy_linear_row(s, d, (double) (!PG_ARGISNULL(1) & (PG_GETARG_DATUM(1) != 0)), 1.0, PG_ARGISNULL(1));
	PG_RETURN_DATUM(svy_agg_datum(st));
}

/* (state, numerator, denominator, design [, level]); NULL in either: out of the domain */
Datum
svy_accum_ratio_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_ACCUM);
	SvyAccum   *s = st->state;
	const SvyDesign *d = svy_design_arg(fcinfo, 3);
	bool		missing = PG_ARGISNULL(1) || PG_ARGISNULL(2);

	set_outcome(s, SVY_OUTCOME_RATIO);
	level_arg(fcinfo, s, 4);
	svy_linear_row(s, d, missing ? 0.0 : PG_GETARG_FLOAT8(1),
				   missing ? 0.0 : PG_GETARG_FLOAT8(2), missing);
	PG_RETURN_DATUM(svy_agg_datum(st));
}

static bytea *
state_to_bytea(const SvyAccum *s)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	svy_accum_serialize(s, &buf);
	return pq_endtypsend(&buf);
}

static SvyAccum *
state_from_bytea(bytea *b, MemoryContext cxt)
{
	StringInfoData buf;
	SvyAccum   *s;

	svy_wire_init(&buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
	s = svy_accum_deserialize(&buf, cxt);
	svy_wire_end(&buf);
	return s;
}

/* ---------- results ---------- */

/* The svy_estimate row; NaN becomes NULL, and survey.min_cell_n suppresses. */
HeapTuple
svy_estimate_tuple(TupleDesc tupdesc, const SvyResult *r)
{
	Datum		values[8];
	bool		nulls[8];
	bool		suppress = survey_min_cell_n > 0 && r->n < survey_min_cell_n;

	values[0] = svy_float8_or_null(r->estimate, &nulls[0]);
	values[1] = svy_float8_or_null(r->std_error, &nulls[1]);
	values[2] = svy_float8_or_null(r->ci_lower, &nulls[2]);
	values[3] = svy_float8_or_null(r->ci_upper, &nulls[3]);
	values[4] = svy_float8_or_null(r->df, &nulls[4]);
	values[5] = Int64GetDatum((int64) r->n);
	nulls[5] = false;
	values[6] = svy_float8_or_null(r->n_eff, &nulls[6]);
	values[7] = svy_float8_or_null(r->deff, &nulls[7]);
	if (suppress)
		for (int i = 0; i < 8; i++)
			if (i != 5)
				nulls[i] = true;
	return heap_form_tuple(tupdesc, values, nulls);
}

static Datum
estimate_datum(FunctionCallInfo fcinfo, const SvyResult *r)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	return HeapTupleGetDatum(svy_estimate_tuple(BlessTupleDesc(tupdesc), r));
}

static Datum
finish(FunctionCallInfo fcinfo, const SvyAccum *s, SvyStatistic stat, int method, double level)
{
	SvyEstimateSpec spec = {stat, (SvyPropMethod) method, level};
	SvyResult	r;

	if (s == NULL || s->kind == 0)
	{
		/* no rows: nothing to estimate */
		memset(&r, 0, sizeof(r));
		r.estimate = r.std_error = r.ci_lower = r.ci_upper = r.df = r.n_eff = r.deff = NAN;
	}
	else
		svy_accum_result(s, &spec, &r);
	return estimate_datum(fcinfo, &r);
}

#define STATE_OR_NULL() ((const SvyAccum *) svy_agg_read(fcinfo, 0, SVY_AGG_ACCUM))

Datum
svy_mean_final(PG_FUNCTION_ARGS)
{
	const SvyAccum *s = STATE_OR_NULL();

	return finish(fcinfo, s, SVY_STAT_MEAN, 0, s ? s->level : SVY_LEVEL_DEFAULT);
}

Datum
svy_total_final(PG_FUNCTION_ARGS)
{
	const SvyAccum *s = STATE_OR_NULL();

	return finish(fcinfo, s, SVY_STAT_TOTAL, 0, s ? s->level : SVY_LEVEL_DEFAULT);
}

Datum
svy_prop_final(PG_FUNCTION_ARGS)
{
	const SvyAccum *s = STATE_OR_NULL();

	return finish(fcinfo, s, SVY_STAT_PROP, s ? s->method : SVY_CI_LOGIT,
				  s ? s->level : SVY_LEVEL_DEFAULT);
}

Datum
svy_ratio_final(PG_FUNCTION_ARGS)
{
	const SvyAccum *s = STATE_OR_NULL();

	return finish(fcinfo, s, SVY_STAT_RATIO, 0, s ? s->level : SVY_LEVEL_DEFAULT);
}

/* ---------- svy_state: a storable, mergeable state ---------- */

Datum
svy_state_final(PG_FUNCTION_ARGS)
{
	SvyAccum   *s = (SvyAccum *) STATE_OR_NULL();
	SvyAccum	empty = {0};

	if (s == NULL)
	{
		empty.level = SVY_LEVEL_DEFAULT;
		s = &empty;
	}
	PG_RETURN_BYTEA_P(state_to_bytea(s));
}

/* svy_merge(svy_state): transition */
Datum
svy_merge_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_ACCUM);
	SvyAccum   *s = st->state;

	if (!PG_ARGISNULL(1))
	{
		SvyAccum   *part = state_from_bytea(PG_GETARG_BYTEA_PP(1), CurrentMemoryContext);

		svy_accum_merge(s, part);
	}
	PG_RETURN_DATUM(svy_agg_datum(st));
}

static SvyAccum *
state_value(FunctionCallInfo fcinfo)
{
	return state_from_bytea(PG_GETARG_BYTEA_PP(0), CurrentMemoryContext);
}

static double
level_param(FunctionCallInfo fcinfo, int argno)
{
	return PG_NARGS() > argno ? svy_check_level(PG_GETARG_FLOAT8(argno)) : SVY_LEVEL_DEFAULT;
}

Datum
svy_state_mean(PG_FUNCTION_ARGS)
{
	return finish(fcinfo, state_value(fcinfo), SVY_STAT_MEAN, 0, level_param(fcinfo, 1));
}

Datum
svy_state_total(PG_FUNCTION_ARGS)
{
	return finish(fcinfo, state_value(fcinfo), SVY_STAT_TOTAL, 0, level_param(fcinfo, 1));
}

Datum
svy_state_prop(PG_FUNCTION_ARGS)
{
	SvyAccum   *s = state_value(fcinfo);

	if (s->outcome != SVY_OUTCOME_BOOLEAN && s->outcome != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a proportion needs a state accumulated from a boolean outcome"),
				 errhint("Build the state with svy_accum(boolean, svy_design).")));
	return finish(fcinfo, s, SVY_STAT_PROP, svy_parse_method(PG_GETARG_TEXT_PP(1)),
				  level_param(fcinfo, 2));
}

/* text form: "\\x" and the hexadecimal binary format, like bytea (wire.h) */
Datum
svy_state_out(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);

	PG_RETURN_CSTRING(svy_hex_out(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b)));
}

/* Validate by reading the whole state, then keep the bytes. */
static bytea *
checked_state(const char *data, int len)
{
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), data, len);
	state_from_bytea(b, CurrentMemoryContext);
	return b;
}

Datum
svy_state_in(PG_FUNCTION_ARGS)
{
	int			len;
	char	   *bin = svy_hex_in(PG_GETARG_CSTRING(0), "svy_state", &len);

	PG_RETURN_BYTEA_P(checked_state(bin, len));
}

Datum
svy_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	bytea	   *b = checked_state(buf->data + buf->cursor, len);

	buf->cursor = buf->len;
	PG_RETURN_BYTEA_P(b);
}

Datum
svy_state_send(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_P_COPY(0);

	PG_RETURN_BYTEA_P(b);
}
