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

#include "aggstate.h"
#include "calib.h"
#include "wire.h"

PG_FUNCTION_INFO_V1(svy_weight_window);
PG_FUNCTION_INFO_V1(svy_weights_summary_transfn);
PG_FUNCTION_INFO_V1(svy_weights_summary_final);

/* A window function's design argument (svy_design_arg reads an aggregate's): an error if NULL. */
static const SvyDesign *
design_datum(Datum v, bool isnull)
{
	if (isnull)
		svy_report_null_design();
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
		p->calibrated = svy_design_is_calibrated(d);
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
		if (svy_design_is_calibrated(d))
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
	ws->acc->calib_summary = true;
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
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_WEIGHTS);
	WeightsSummary *ws = st->state;
	const SvyDesign *d = svy_design_arg(fcinfo, 1);

	if (svy_design_is_calibrated(d))
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
	PG_RETURN_DATUM(svy_agg_datum(st));
}

/* ---------- the svy_aggstate operations (src/aggstate.h) ---------- */

static void *
summary_ops_create(MemoryContext cxt)
{
	return summary_create(cxt);
}

static void
summary_ops_merge(void *into_state, void *from_state)
{
	WeightsSummary *into = into_state;
	WeightsSummary *from = from_state;

	if ((into->n > 0 && from->acc->kind != 0) || (from->n > 0 && into->acc->kind != 0))
		summary_mixed();
	into->n += from->n;
	into->sum_w += from->sum_w;
	into->sum_w2 += from->sum_w2;
	into->min_w = fmin(into->min_w, from->min_w);
	into->max_w = fmax(into->max_w, from->max_w);
	svy_accum_merge(into->acc, from->acc);
}

static void
summary_ops_serialize(void *state, StringInfo buf)
{
	WeightsSummary *ws = state;

	pq_sendfloat8(buf, ws->n);
	pq_sendfloat8(buf, ws->sum_w);
	pq_sendfloat8(buf, ws->sum_w2);
	pq_sendfloat8(buf, ws->min_w);
	pq_sendfloat8(buf, ws->max_w);
	svy_accum_serialize(ws->acc, buf);	/* with its calibration sums */
}

static void *
summary_ops_deserialize(StringInfo buf, MemoryContext cxt)
{
	WeightsSummary *ws = MemoryContextAllocZero(cxt, sizeof(WeightsSummary));

	ws->n = svy_wire_float8(buf);
	ws->sum_w = svy_wire_float8(buf);
	ws->sum_w2 = svy_wire_float8(buf);
	ws->min_w = svy_wire_float8(buf);
	ws->max_w = svy_wire_float8(buf);
	if (!(ws->n >= 0 && ws->n <= SVY_MAX_EXACT_COUNT) || isnan(ws->sum_w) || isnan(ws->sum_w2) ||
		isnan(ws->min_w) || isnan(ws->max_w))
		svy_wire_corrupt("bad weight sums");
	ws->acc = svy_accum_deserialize(buf, cxt);
	ws->acc->calib_summary = true;
	return ws;
}

const SvyAggOps svy_weights_ops = {
	"weights summary", true, false,
	summary_ops_create, summary_ops_merge, summary_ops_serialize, summary_ops_deserialize
};

Datum
svy_weights_summary_final(PG_FUNCTION_ARGS)
{
	WeightsSummary *ws = svy_agg_read(fcinfo, 0, SVY_AGG_WEIGHTS);
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
