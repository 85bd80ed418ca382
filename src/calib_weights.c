/*
 * calib_weights.c — weights out (SPEC §9): the svy_weight(d) window
 * function and the svy_weights_summary(d) aggregate.
 *
 * svy_weight calibrates the rows of its window partition together (the
 * frame does not matter: calibration is a property of the whole set of
 * rows, as in an aggregate) and returns each row's analysis weight: the
 * calibrated weight, or the design weight of an uncalibrated design.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "windowapi.h"

#include "calib.h"

PG_FUNCTION_INFO_V1(svy_weight_window);
PG_FUNCTION_INFO_V1(svy_weights_summary_transfn);
PG_FUNCTION_INFO_V1(svy_weights_summary_combine);
PG_FUNCTION_INFO_V1(svy_weights_summary_serialfn);
PG_FUNCTION_INFO_V1(svy_weights_summary_deserialfn);
PG_FUNCTION_INFO_V1(svy_weights_summary_final);

static const SvyDesign *
design_datum(Datum v, bool isnull)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("survey design must not be NULL")));
	return DatumGetSvyDesignP(v);
}

/* ---------- svy_weight(d) OVER (...) ---------- */

typedef struct WeightPartition
{
	bool		ready;			/* the partition's calibration is solved */
	bool		calibrated;
	SvyAccum   *acc;
	SvyCalibWeights w;
} WeightPartition;

Datum
svy_weight_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	WeightPartition *p = WinGetPartitionLocalMemory(winobj, sizeof(WeightPartition));
	bool		isnull;
	Datum		cur = WinGetFuncArgCurrent(winobj, 0, &isnull);
	const SvyDesign *d = design_datum(cur, isnull);

	if (!p->ready)
	{
		/* the partition's own context: the previous partition's state goes */
		MemoryContext cxt = fcinfo->flinfo->fn_extra;
		MemoryContext old;

		if (cxt == NULL)
		{
			cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "svy_weight partition",
										ALLOCSET_DEFAULT_SIZES);
			fcinfo->flinfo->fn_extra = cxt;
		}
		else
			MemoryContextReset(cxt);
		p->calibrated = (d->flags & SVY_CALIBRATED) != 0;
		if (p->calibrated)
		{
			old = MemoryContextSwitchTo(cxt);
			p->acc = svy_accum_create(cxt);
			for (int64 i = 0;; i++)
			{
				bool		isout;
				Datum		v = WinGetFuncArgInPartition(winobj, 0, i, WINDOW_SEEK_HEAD, false,
														 &isnull, &isout);

				if (isout)
					break;
				CHECK_FOR_INTERRUPTS();
				svy_linear_row(p->acc, design_datum(v, isnull), 0.0, 1.0, false);
			}
			svy_calib_weights(p->acc, &p->w);
			MemoryContextSwitchTo(old);
		}
		p->ready = true;
	}
	if (!p->calibrated)
	{
		if (d->flags & SVY_CALIBRATED)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rows of one window partition must be calibrated in the same way"),
					 errdetail("Some rows have a calibrated design, others do not.")));
		PG_RETURN_FLOAT8(d->weight);
	}
	/* a row of another calibration would have failed while reading the partition */
	PG_RETURN_FLOAT8(svy_calib_row_weight(p->acc, &p->w, d));
}

/* ---------- svy_weights_summary(d) ---------- */

typedef struct WeightsSummary
{
	SvyAccum   *acc;			/* calibrated rows */
	double		n;				/* uncalibrated rows: their weights */
	double		sum_w;
	double		sum_w2;
	double		min_w;
	double		max_w;
} WeightsSummary;

static WeightsSummary *
summary_create(MemoryContext cxt)
{
	WeightsSummary *ws = MemoryContextAllocZero(cxt, sizeof(WeightsSummary));

	ws->acc = svy_accum_create(cxt);
	ws->min_w = INFINITY;
	ws->max_w = -INFINITY;
	return ws;
}

static void
summary_mixed(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("rows of one aggregate call must be calibrated in the same way"),
			 errdetail("Some rows have a calibrated design, others do not.")));
}

/* (state, d svy_design) */
Datum
svy_weights_summary_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = svy_aggregate_context(fcinfo);
	WeightsSummary *ws = PG_ARGISNULL(0) ? summary_create(aggcxt)
		: (WeightsSummary *) PG_GETARG_POINTER(0);
	const SvyDesign *d = design_datum(PG_GETARG_DATUM(1), PG_ARGISNULL(1));

	if (d->flags & SVY_CALIBRATED)
	{
		if (ws->n > 0)
			summary_mixed();
		svy_linear_row(ws->acc, d, 0.0, 1.0, false);
	}
	else
	{
		if (ws->acc->kind != 0)
			summary_mixed();
		ws->n += 1;
		ws->sum_w += d->weight;
		ws->sum_w2 += d->weight * d->weight;
		ws->min_w = fmin(ws->min_w, d->weight);
		ws->max_w = fmax(ws->max_w, d->weight);
	}
	PG_RETURN_POINTER(ws);
}

Datum
svy_weights_summary_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = svy_aggregate_context(fcinfo);
	WeightsSummary *into;
	WeightsSummary *from;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	into = PG_ARGISNULL(0) ? summary_create(aggcxt) : (WeightsSummary *) PG_GETARG_POINTER(0);
	from = (WeightsSummary *) PG_GETARG_POINTER(1);
	if ((into->n > 0 && from->acc->kind != 0) || (from->n > 0 && into->acc->kind != 0))
		summary_mixed();
	into->n += from->n;
	into->sum_w += from->sum_w;
	into->sum_w2 += from->sum_w2;
	into->min_w = fmin(into->min_w, from->min_w);
	into->max_w = fmax(into->max_w, from->max_w);
	svy_accum_merge(into->acc, from->acc);
	PG_RETURN_POINTER(into);
}

Datum
svy_weights_summary_serialfn(PG_FUNCTION_ARGS)
{
	WeightsSummary *ws = (WeightsSummary *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendfloat8(&buf, ws->n);
	pq_sendfloat8(&buf, ws->sum_w);
	pq_sendfloat8(&buf, ws->sum_w2);
	pq_sendfloat8(&buf, ws->min_w);
	pq_sendfloat8(&buf, ws->max_w);
	svy_accum_serialize(ws->acc, &buf);
	if (ws->acc->calib)
		svy_calib_accum_serialize(ws->acc, &buf);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
svy_weights_summary_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = svy_aggregate_context(fcinfo);
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	WeightsSummary *ws = MemoryContextAllocZero(aggcxt, sizeof(WeightsSummary));

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	ws->n = pq_getmsgfloat8(&buf);
	ws->sum_w = pq_getmsgfloat8(&buf);
	ws->sum_w2 = pq_getmsgfloat8(&buf);
	ws->min_w = pq_getmsgfloat8(&buf);
	ws->max_w = pq_getmsgfloat8(&buf);
	if (!(ws->n >= 0) || isnan(ws->sum_w) || isnan(ws->sum_w2) || isnan(ws->min_w) || isnan(ws->max_w))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid survey state: %s", "bad weight sums")));
	ws->acc = svy_accum_deserialize(&buf, aggcxt);
	if (buf.cursor < buf.len)
		svy_calib_accum_deserialize(ws->acc, &buf);
	if (buf.cursor != buf.len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid survey state: %s", "trailing bytes")));
	PG_RETURN_POINTER(ws);
}

Datum
svy_weights_summary_final(PG_FUNCTION_ARGS)
{
	WeightsSummary *ws = PG_ARGISNULL(0) ? NULL : (WeightsSummary *) PG_GETARG_POINTER(0);
	SvyCalibWeights w;
	TupleDesc	tupdesc;
	Datum		values[11];
	bool		nulls[11];
	double		deff;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	memset(&w, 0, sizeof(w));
	if (ws != NULL && ws->acc->calib)
		svy_calib_weights(ws->acc, &w);
	else
	{
		/* uncalibrated (or no rows): the design weights, g = 1 */
		w.n = ws ? ws->n : 0;
		w.sum_w = ws ? ws->sum_w : 0;
		w.sum_w2 = ws ? ws->sum_w2 : 0;
		w.min_w = w.n > 0 ? ws->min_w : NAN;
		w.max_w = w.n > 0 ? ws->max_w : NAN;
		w.g_min = w.g_max = w.n > 0 ? 1.0 : NAN;
		w.n_negative = 0;
		w.iterations = 0;
		w.converged = true;
	}
	/* Kish: n sum w^2 / (sum w)^2 = 1 + CV^2 (CV with the population variance of the weights) */
	deff = w.n > 0 && w.sum_w != 0 ? w.n * w.sum_w2 / (w.sum_w * w.sum_w) : NAN;
	values[0] = Int64GetDatum((int64) w.n);
	values[1] = Float8GetDatum(w.sum_w);
	values[2] = svy_float8_or_null(w.min_w, &nulls[2]);
	values[3] = svy_float8_or_null(w.max_w, &nulls[3]);
	values[4] = svy_float8_or_null(sqrt(fmax(deff - 1.0, 0.0)) + (isnan(deff) ? NAN : 0.0), &nulls[4]);
	values[5] = svy_float8_or_null(deff, &nulls[5]);
	values[6] = svy_float8_or_null(w.g_min, &nulls[6]);
	values[7] = svy_float8_or_null(w.g_max, &nulls[7]);
	values[8] = Int64GetDatum((int64) w.n_negative);
	values[9] = Int32GetDatum(w.iterations);
	values[10] = BoolGetDatum(w.converged);
	nulls[0] = nulls[1] = nulls[9] = nulls[10] = false;
	nulls[8] = isnan(w.n_negative);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
