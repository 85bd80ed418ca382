/*
 * quantile.c — svy_quantile and svy_quantiles: quantiles with confidence
 * intervals, as R's svyquantile(..., ci = TRUE) (survey 4.1.1): every
 * interval.type (Woodruff's, "mean", by default; beta, xlogit, asin; score,
 * whose root search evaluates the share's variance at each step; for
 * replicate designs "quantile", the rule run on every replicate's weights).
 * The references are in stats/quantile.c.
 *
 * The quantile q is known only at the end, and its interval needs the
 * design variance of P = weighted share of rows with y <= q, i.e. per PSU
 * sums of w I(y <= q).  So the state keeps the weight of every distinct
 * value per PSU ("cells"): a likert or small-integer outcome costs a few
 * cells per PSU, a continuous one about one cell per row (docs/quantiles.md).
 *   - designs with PSUs: per (PSU, value) the weight sum;
 *   - designs without PSUs (every row its own PSU): per (stratum, value) the
 *     row count, weight sum and the sum of squared deviations of the
 *     weights, from which the per-stratum co-moments of the row scores
 *     (and so the closed-form Taylor variance) follow;
 *   - replicate designs: per value the weight sum and the sums of every
 *     replicate's weights.
 * The cells are appended (one entry per row) to a list of blocks that never
 * move, compacted from time to time by sorting on (value, unit) into one
 * array (a radix sort reading the blocks directly) and merging equal keys;
 * when a compaction saves less than half (a continuous outcome) the state stops
 * compacting and sorts once at the end (or in each parallel worker before
 * it ships its state).  The final functions read the distinct values as a
 * stream merged on the fly from the sorted runs (one, or one per parallel
 * process), so that nothing of the size of the data is allocated at the end.
 * The design itself (strata, PSUs, fpc, df, lonely PSUs, replicate rank) is
 * tracked by an SvyAccum (accum.h) fed with y = 0; at the end its domain
 * sums are replaced by those of the indicator and the existing Taylor or
 * replicate machinery gives SE(P) and df.  Calibrated designs
 * (calib_quantile.c, through a few hooks here): units are (PSU or stratum,
 * calibration cell, auxiliary), the design state is the calibrated linear
 * accumulator, the values' weights are scaled by the calibration and SE(P)
 * is that of the calibrated mean of the indicator (replicate bases: each
 * replicate's weights scaled by its own calibration, the unit kept in the
 * replicate slot).
 *
 * This file: arguments, units, transition, combine and final functions.
 * The cells live in quantile_store.c (sorted by stats/radix.c), the wire
 * format in quantile_io.c; quantile_state.h holds the state they share.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "aggstate.h"
#include "calib.h"
#include "calib_quantile.h"
#include "idmap.h"
#include "quantile.h"
#include "quantile_state.h"
#include "zeroin.h"
#include "survey.h"

PG_FUNCTION_INFO_V1(svy_quantile_transfn);
PG_FUNCTION_INFO_V1(svy_quantiles_transfn);
PG_FUNCTION_INFO_V1(svy_quantile_final);
PG_FUNCTION_INFO_V1(svy_quantiles_final);

/* ---------- units: the hash table of their keys (quantile_state.h) ---------- */

typedef struct QUnitSlot
{
	QUnitKey	key;
	char		status;
	int32		index;
} QUnitSlot;

#define SH_PREFIX qunits
#define SH_ELEMENT_TYPE QUnitSlot
#define SH_KEY_TYPE QUnitKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) \
	svy_hash_mix((k).w[0] ^ ((k).w[1] * UINT64CONST(0xC2B2AE3D27D4EB4F)) ^ (k).w[4] ^ \
				 ((k).w[6] * UINT64CONST(0x9E3779B97F4A7C15)), \
				 (k).w[2] ^ ((k).w[3] * UINT64CONST(0x165667B19E3779F9)) ^ (k).w[5] ^ (k).w[7])
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(QUnitKey)) == 0)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

QState *
qstate_create(MemoryContext cxt)
{
	QState	   *s = MemoryContextAllocZero(cxt, sizeof(QState));

	s->cxt = cxt;
	s->acc = svy_accum_create(cxt);
	s->level = SVY_LEVEL_DEFAULT;
	s->qrule = SVY_QRULE_MATH;
	s->interval = SVY_QCI_MEAN;
	s->last_unit = -1;
	s->units = qunits_create(cxt, 16, NULL);
	s->threshold = QCOMPACT_MIN;
	s->compacting = true;
	s->sorted = true;
	s->bkmin = PG_UINT64_MAX;
	return s;
}

/* Room in QState.score_x for n more values. */
static void
score_x_reserve(QState *s, int64 n)
{
	if (s->nscore_x + n <= s->score_x_cap)
		return;
	s->score_x_cap = Max(64, Max(s->score_x_cap * 2, s->nscore_x + n));
	s->score_x = s->score_x
		? repalloc_huge(s->score_x, sizeof(double) * s->score_x_cap)
		: MemoryContextAllocHuge(s->cxt, sizeof(double) * s->score_x_cap);
}

/*
 * A row without a cell that R's score interval counts in its unweighted
 * values (QState.score_x); other intervals keep nothing of it.
 */
void
qstate_score_row(QState *s, double y)
{
	if (s->interval != SVY_QCI_SCORE)
		return;
	svy_check_outcome(y);
	score_x_reserve(s, 1);
	s->score_x[s->nscore_x++] = y == 0.0 ? 0.0 : y;
}

int
qstate_unit_index(QState *s, const QUnitKey *key)
{
	QUnitSlot  *slot;
	bool		found;

	if (s->last_unit >= 0 &&
		memcmp(&s->unit_keys[s->last_unit], key, sizeof(QUnitKey)) == 0)
		return s->last_unit;
	slot = qunits_insert(s->units, *key, &found);
	if (!found)
	{
		if (s->nunits == s->units_cap)
		{
			s->units_cap = Max(16, s->units_cap * 2);
			s->unit_keys = s->unit_keys
				? repalloc(s->unit_keys, sizeof(QUnitKey) * s->units_cap)
				: MemoryContextAlloc(s->cxt, sizeof(QUnitKey) * s->units_cap);
		}
		s->unit_keys[s->nunits] = *key;
		slot->index = s->nunits++;
	}
	s->last_unit = slot->index;
	return slot->index;
}

/*
 * unit_index for one-stage designs with PSUs: the accumulator has just found
 * the row's PSU, so its dense slot leads to the unit through an array (the
 * unit's key is checked: a stale entry falls back to the hash table).
 */
static int
unit_of_slot(QState *s, const QUnitKey *key)
{
	int			slot = s->acc->last_psu;
	int			u;

	if (slot < 0)
		return qstate_unit_index(s, key);
	if (slot >= s->slot_cap)
	{
		int			cap = Max(64, s->slot_cap);

		while (cap <= slot)
			cap *= 2;
		s->slot_unit = s->slot_unit ?
			repalloc(s->slot_unit, sizeof(int32) * cap) :
			MemoryContextAlloc(s->cxt, sizeof(int32) * cap);
		for (int i = s->slot_cap; i < cap; i++)
			s->slot_unit[i] = -1;
		s->slot_cap = cap;
	}
	u = s->slot_unit[slot];
	if (u >= 0 && u < s->nunits && memcmp(&s->unit_keys[u], key, sizeof(QUnitKey)) == 0)
		return u;
	u = qstate_unit_index(s, key);
	s->slot_unit[slot] = u;
	return u;
}

/* ---------- arguments ---------- */

static double
check_p(double p)
{
	if (!(p >= 0.0 && p <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("quantile probability must be between 0 and 1, not %g", p)));
	return p;
}

static void
args_differ(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be the same on every row", what)));
}

/* p (float8 or float8[]) at argno 3, level at 4, qrule at 5, interval at 6 */
static void
quantile_args(FunctionCallInfo fcinfo, QState *s, bool array)
{
	double		level = SVY_LEVEL_DEFAULT;
	int			rule = SVY_QRULE_MATH;
	int			interval = SVY_QCI_MEAN;

	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("quantile probability must not be NULL")));
	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
		level = svy_check_level(PG_GETARG_FLOAT8(4));
	if (s->args_set && level != s->level)
		args_differ("confidence level");

	if (PG_NARGS() > 5 && !PG_ARGISNULL(5))
	{
		if (svy_option_unchanged(&s->acc->method_seen, (struct varlena *) PG_GETARG_TEXT_PP(5),
								 s->cxt) && s->args_set)
			rule = s->qrule;
		else
			rule = svy_parse_option(PG_GETARG_TEXT_PP(5), svy_qrule_parse, "quantile rule", "rules",
									svy_qrule_names());
	}
	if (s->args_set && rule != s->qrule)
		args_differ("quantile rule");

	if (PG_NARGS() > 6 && !PG_ARGISNULL(6))
	{
		if (svy_option_unchanged(&s->interval_seen, (struct varlena *) PG_GETARG_TEXT_PP(6),
								 s->cxt) && s->args_set)
			interval = s->interval;
		else
			interval = svy_parse_option(PG_GETARG_TEXT_PP(6), svy_qinterval_parse, "quantile interval",
										 "intervals", svy_qinterval_names());
	}
	if (s->args_set && interval != s->interval)
		args_differ("quantile interval");

	if (!array)
	{
		double		p = check_p(PG_GETARG_FLOAT8(3));

		if (s->args_set && p != s->p[0])
			args_differ("quantile probability");
		if (!s->args_set)
		{
			s->np = 1;
			s->p = MemoryContextAlloc(s->cxt, sizeof(double));
			s->p[0] = p;
		}
	}
	else if (!svy_option_unchanged(&s->p_seen, (struct varlena *) PG_GETARG_ARRAYTYPE_P(3), s->cxt) ||
			 !s->args_set)
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(3);
		int			n;
		Datum	   *elems;
		bool	   *nulls;

		if (ARR_NDIM(a) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("quantile probabilities must be a one-dimensional array")));
		deconstruct_array(a, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &elems, &nulls, &n);
		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("quantile probabilities must not be empty")));
		if (s->args_set && n != s->np)
			args_differ("quantile probabilities");
		if (!s->args_set)
		{
			s->np = n;
			s->p = MemoryContextAlloc(s->cxt, sizeof(double) * n);
		}
		for (int i = 0; i < n; i++)
		{
			double		p;

			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("quantile probabilities must not contain NULLs")));
			p = check_p(DatumGetFloat8(elems[i]));
			if (s->args_set && p != s->p[i])
				args_differ("quantile probabilities");
			s->p[i] = p;
		}
	}
	s->level = level;
	s->qrule = rule;
	s->interval = interval;
	s->args_set = true;
}

/* ---------- transition ---------- */

static void
quantile_row(FunctionCallInfo fcinfo, QState *s, bool array)
{
	const SvyDesign *d;
	bool		y_null = PG_ARGISNULL(1);
	double		y = y_null ? 0.0 : PG_GETARG_FLOAT8(1);
	bool		in_domain;
	double		w;
	int32		unit;

	if (s->nruns > 0)
		qstate_flush_runs(s);	/* rows after a combine (not in parallel query) */
	d = svy_design_arg(fcinfo, 2);
	quantile_args(fcinfo, s, array);

	in_domain = !y_null && !(d->flags & SVY_OUT_OF_DOMAIN);
	if (in_domain)
		svy_check_outcome(y);

	if (svy_design_is_calibrated(d) || s->acc->calib)
	{
		svy_calib_quantile_row(s, d, y, y_null);
		maybe_compact(s);
		return;
	}
	/* the design: strata, PSUs, fpc, df, replicate sums of the domain weights */
	svy_accum_row(s->acc, d, 0.0, 1.0, y_null);
	if (!in_domain)
		return;
	w = d->weight;
	if (y == 0.0)
		y = 0.0;				/* one cell for -0 and 0 */

	if (s->acc->kind == SVY_KIND_TAYLOR)
	{
		QUnitKey	key;

		if (w == 0.0)
		{
			/* nothing to weigh; the design saw the row */
			qstate_score_row(s, y);
			return;
		}
		key.w[0] = d->stratum[0];
		key.w[1] = d->stratum[1];
		key.w[2] = (d->flags & SVY_HAS_PSU) ? d->psu[0] : 0;
		key.w[3] = (d->flags & SVY_HAS_PSU) ? d->psu[1] : 0;
		key.w[4] = (d->flags & SVY_HAS_PSU2) ? svy_design_stage2(d)->psu2[0] : 0;
		key.w[5] = (d->flags & SVY_HAS_PSU2) ? svy_design_stage2(d)->psu2[1] : 0;
		key.w[6] = key.w[7] = 0;
		if ((d->flags & (SVY_HAS_PSU | SVY_HAS_PSU2)) == SVY_HAS_PSU)
			unit = unit_of_slot(s, &key);
		else
			unit = qstate_unit_index(s, &key);
	}
	else
	{
		const double *rw = svy_design_repweights(d);
		int			nrep = s->acc->nrep;

		qstate_reserve_rw(s, s->ne + 1);
		memcpy(s->rw + s->ne * nrep, rw, sizeof(double) * nrep);
		unit = (int32) s->ne;
	}
	append_row(s, y, w, unit);
	maybe_compact(s);
}

Datum
svy_quantile_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_QUANTILE);

	quantile_row(fcinfo, st->state, false);
	PG_RETURN_DATUM(svy_agg_datum(st));
}

Datum
svy_quantiles_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_QUANTILE);

	quantile_row(fcinfo, st->state, true);
	PG_RETURN_DATUM(svy_agg_datum(st));
}

/* ---------- combine ---------- */

static void
qstate_merge(QState *into, QState *from)
{
	if (from->args_set)
	{
		if (!into->args_set)
		{
			into->np = from->np;
			into->p = MemoryContextAlloc(into->cxt, sizeof(double) * from->np);
			memcpy(into->p, from->p, sizeof(double) * from->np);
			into->level = from->level;
			into->qrule = from->qrule;
			into->interval = from->interval;
			into->args_set = true;
		}
		else if (into->np != from->np ||
				 memcmp(into->p, from->p, sizeof(double) * from->np) != 0 ||
				 into->level != from->level || into->qrule != from->qrule ||
				 into->interval != from->interval)
			args_differ("quantile probability, level, rule and interval");
	}
	/* from's cells sorted and merged, to become sorted runs of into */
	if (!from->sorted)
		qstate_normalize(from);
	/* (calib_quantile.c: PSUs given to rows are no PSUs of the design's) */
	svy_calib_row_psu_merge(&into->rowpsu, into->acc->kind != 0, from->rowpsu.on, from->acc->kind != 0);
	svy_accum_merge(into->acc, from->acc);
	/* (the arguments agree: from's values are those of the score interval's rows) */
	score_x_reserve(into, from->nscore_x);
	if (from->nscore_x > 0)
		memcpy(into->score_x + into->nscore_x, from->score_x, sizeof(double) * from->nscore_x);
	into->nscore_x += from->nscore_x;

	/* from's cells get into's unit indexes (from is not used again) */
	if (from->nunits > 0)
	{
		int		   *map = palloc(sizeof(int) * from->nunits);
		int			nr,
					nrep = rep_count(from);
		QRun	   *r = qstate_runs(from, &nr);

		for (int u = 0; u < from->nunits; u++)
			map[u] = qstate_unit_index(into, &from->unit_keys[u]);
		for (int q = 0; q < nr; q++)
			for (int64 j = 0; j < r[q].n; j++)
			{
				if (nrep > 0)
				{
					/* calibrated replicate designs: the unit is in the slot (rw_width) */
					double	   *u = &r[q].rw[(int64) run_cell(&r[q], j).unit * (nrep + 1) + nrep];

					*u = map[(int) *u];
				}
				else if (r[q].e)
					r[q].e[j].unit = map[r[q].e[j].unit];
				else
					r[q].unit[j] = map[r[q].unit[j]];
			}
		pfree(r);
		pfree(map);
	}
	if (qstate_cells(from) == 0)
		return;
	into->compacting = into->compacting && from->compacting;
	if (!into->sorted)
		qstate_normalize(into);
	qstate_take_runs(into, from);
}

static void *
quantile_create(MemoryContext cxt)
{
	return qstate_create(cxt);
}

static void
quantile_merge(void *into, void *from)
{
	qstate_merge(into, from);
}

/* Cells in native byte order; a merge takes over the runs of `from`. */
const SvyAggOps svy_quantile_ops = {
	"quantile", false, true,
	quantile_create, quantile_merge, quantile_serialize, quantile_deserialize
};

/* ---------- finishing ---------- */

/*
 * The distinct values with non-zero weight, in order, as a stream over the
 * sorted runs, read in place: neither the serial final nor a parallel
 * leader writes the cells or the values into new memory.
 */
typedef struct QValueStream
{
	SvyQStream	base;
	QRun	   *runs;
	int			nr;
	int64	   *pos;			/* each run's next cell */
	int64	   *markpos;		/* pos at each mark */
	SvyQMark   *marks;			/* the marks' values (svy_qdist_init) */
	int64		maxmarks;
	int64		reads;
	int			rep;			/* replicate whose weights it gives; -1: the full sample */
	int			width;			/* doubles per replicate slot (rw_width) */
	const QState *s;
	const double *coef;			/* calibrated designs: per unit, the factor of its weights */
	const bool *counts;			/* ... and whether its cells count rows; else NULL */
	bool		own;			/* coef and counts are the stream's to free */
} QValueStream;

static void
qvalues_rewind(SvyQStream *st)
{
	QValueStream *vs = (QValueStream *) st;

	memset(vs->pos, 0, sizeof(int64) * vs->nr);
}

static void
qvalues_mark(SvyQStream *st, int64_t k)
{
	QValueStream *vs = (QValueStream *) st;

	Assert(k >= 0 && k < vs->maxmarks);
	memcpy(vs->markpos + k * vs->nr, vs->pos, sizeof(int64) * vs->nr);
}

static void
qvalues_seek(SvyQStream *st, int64_t k)
{
	QValueStream *vs = (QValueStream *) st;

	Assert(k >= 0 && k < vs->maxmarks);
	memcpy(vs->pos, vs->markpos + k * vs->nr, sizeof(int64) * vs->nr);
}

/* the cells of the next x, summed over all runs */
static bool
qvalues_next(SvyQStream *st, SvyQValue *out)
{
	QValueStream *vs = (QValueStream *) st;
	QRun	   *r = vs->runs;
	int64	   *pos = vs->pos;
	int			best;
	double		x;

	while ((best = runs_next_x(r, pos, vs->nr, &x)) >= 0)
	{
		long double w = 0;
		double		n = 0;

		if ((++vs->reads & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		for (int q = best; q < vs->nr; q++)
			for (; pos[q] < r[q].n && run_x(&r[q], pos[q]) == x; pos[q]++)
			{
				QEntry		c = run_cell(&r[q], pos[q]);

				if (c.n > 0 && c.w > 0)
				{
					/* calibrated designs: the unit's factor scales the cell's weights */
					int32		u = vs->coef ? cell_unit(vs->s, &r[q], &c) : c.unit;
					long double cw;

					/*
					 * a replicate: its weights, the cell's rows all counted
					 * (only whole cells of replicate weight 0 are left out)
					 */
					cw = vs->rep >= 0 ? (long double) r[q].rw[(int64) c.unit * vs->width + vs->rep]
						: entry_w(&c);
					w = svy_ld(w + (vs->coef ? vs->coef[u] * cw : cw));
					if (vs->counts == NULL || vs->counts[u])
						n += c.n;
				}
			}
		/* R's rules drop rows of weight 0 */
		if (n > 0 && w != 0)
		{
			out->x = x;
			out->w = (double) w;
			out->w_lo = (double) (w - (long double) out->w);
			out->n = n;
			return true;
		}
	}
	return false;
}

/*
 * The distribution of s (of replicate rep; -1: full sample), read once
 * (svy_qdist_init).  Calibrated designs: the units' factors coef and
 * counts (svy_calib_quantile_units; NULL: the full sample's, found here).
 */
static void
qvalues_open(QValueStream *vs, QState *s, SvyQDist *dist, int rep, const double *coef,
			 const bool *counts)
{
	if (!s->sorted)
		qstate_normalize(s);
	vs->base.next = qvalues_next;
	vs->base.rewind = qvalues_rewind;
	vs->base.mark = qvalues_mark;
	vs->base.seek = qvalues_seek;
	vs->runs = qstate_runs(s, &vs->nr);
	vs->maxmarks = qstate_cells(s) / SVY_QMARK_STEP + 1;
	vs->pos = palloc0(sizeof(int64) * vs->nr);
	vs->markpos = palloc(sizeof(int64) * vs->nr * vs->maxmarks);
	vs->marks = palloc(sizeof(SvyQMark) * vs->maxmarks);
	vs->reads = 0;
	vs->rep = rep;
	vs->width = rw_width(s);
	vs->s = s;
	vs->coef = coef;
	vs->counts = counts;
	vs->own = false;
	if (s->acc->calib && coef == NULL)
	{
		double	   *cf;
		bool	   *cn;

		Assert(rep < 0);
		svy_calib_quantile_units(s, &cf, &cn);
		vs->coef = cf;
		vs->counts = cn;
		vs->own = true;
	}
	svy_qdist_init(dist, &vs->base, vs->marks, vs->maxmarks);
}

static void
qvalues_close(QValueStream *vs)
{
	pfree(vs->runs);
	pfree(vs->pos);
	pfree(vs->markpos);
	pfree(vs->marks);
	if (vs->own)
	{
		pfree((double *) vs->coef);
		pfree((bool *) vs->counts);
	}
}

/*
 * Replace the design state's domain sums by those of I(y <= q), then let
 * the linear machinery give SE(P) and df.  Idempotent: it rebuilds them from
 * the cells and reads only what rows keep correct (PSU b-sums and df flags,
 * stratum row counts, W), so a final function may run several times on one
 * state (shared states, window aggregates) and rows may follow.  The cells
 * are sorted (qvalues_open ran): in each run, those with x <= q come first.
 */
static void
share_variance(QState *s, double q, double P, double level, SvyResult *res)
{
	SvyAccum   *acc = s->acc;
	SvyEstimateSpec spec = {SVY_STAT_MEAN, SVY_CI_WALD, level};
	int			nr;
	QRun	   *runs;

	if (acc->calib)
	{
		svy_calib_quantile_share(s, q, level, res);
		return;
	}
	runs = qstate_runs(s, &nr);
	acc->dom.wm.mean_y = P;
	acc->dom.wm.mean_x = 1.0;
	acc->dom.wm.c_yy = acc->dom.wm.w * P * (1.0 - P);
	acc->dom.wm.c_xy = 0.0;
	acc->dom.wm.c_xx = 0.0;
	acc->dom.shift = 0.0;

	if (acc->kind == SVY_KIND_REPLICATE)
	{
		int			nrep = acc->nrep;

		memset(acc->rep_y, 0, sizeof(SvySum) * nrep);
		for (int k = 0; k < nr; k++)
			for (int64 i = 0; i < runs[k].n && run_x(&runs[k], i) <= q; i++)
			{
				const double *rw = runs[k].rw + (int64) run_cell(&runs[k], i).unit * nrep;

				for (int r = 0; r < nrep; r++)
					svy_sum_add(&acc->rep_y[r], rw[r]);
			}
	}
	else if (acc->flags & SVY_HAS_PSU)
	{
		SvyPsuEntry **psu = palloc(sizeof(SvyPsuEntry *) * Max(s->nunits, 1));
		/* two-stage designs: the second-stage unit's sums too */
		SvySsuEntry **ssu = palloc0(sizeof(SvySsuEntry *) * Max(s->nunits, 1));

		svy_accum_psu_clear_a(acc);
		for (int u = 0; u < s->nunits; u++)
		{
			SvyPsuKey	key;

			memcpy(key.w, s->unit_keys[u].w, sizeof(key.w));
			psu[u] = svy_accum_psu_find(acc, &key);
			if (psu[u] == NULL)
				elog(ERROR, "survey quantile state has a PSU its design does not know");
			if (acc->ssutab)
			{
				SvySsuKey	ukey;

				memcpy(ukey.w, s->unit_keys[u].w, sizeof(ukey.w));
				ssu[u] = svy_accum_ssu_find(acc, &ukey);
				if (ssu[u] == NULL)
					elog(ERROR, "survey quantile state has a second-stage unit its design does not know");
			}
		}
		for (int k = 0; k < nr; k++)
			for (int64 i = 0; i < runs[k].n && run_x(&runs[k], i) <= q; i++)
			{
				QEntry		c = run_cell(&runs[k], i);

				psu[c.unit]->a += (double) entry_w(&c);
				if (ssu[c.unit])
					ssu[c.unit]->a += (double) entry_w(&c);
			}
		pfree(psu);
		pfree(ssu);
	}
	else
	{
		/* every row its own PSU: co-moments of the row scores (a, b) = (w I, w) */
		SvyCoMoments *rows = palloc0(sizeof(SvyCoMoments) * Max(acc->nstrata, 1));
		int		   *stratum = palloc(sizeof(int) * Max(s->nunits, 1));

		for (int u = 0; u < s->nunits; u++)
		{
			stratum[u] = svy_accum_stratum_find(acc, s->unit_keys[u].w);
			if (stratum[u] < 0)
				elog(ERROR, "survey quantile state has a stratum its design does not know");
		}
		for (int k = 0; k < nr; k++)
			for (int64 i = 0; i < runs[k].n; i++)
			{
				QEntry		c = run_cell(&runs[k], i);
				double		m2 = runs[k].m2[i];
				double		mean = c.n > 0 ? (double) (entry_w(&c) / c.n) : 0.0;
				bool		below = c.x <= q;
				SvyCoMoments g = {c.n, below ? mean : 0.0, mean,
				below ? m2 : 0.0, below ? m2 : 0.0, m2};

				if ((i & 0xFFFF) == 0)
					CHECK_FOR_INTERRUPTS();
				if (c.n > 0)
					svy_comoments_merge(&rows[stratum[c.unit]], &g);
			}
		for (int h = 0; h < acc->nstrata; h++)
		{
			/* rows out of the domain or of weight 0: scores (0, 0) */
			SvyCoMoments zero = {acc->strata[h].rows.n - rows[h].n, 0, 0, 0, 0, 0};

			if (zero.n > 0)
				svy_comoments_merge(&rows[h], &zero);
			acc->strata[h].rows = rows[h];
		}
		pfree(rows);
		pfree(stratum);
	}
	pfree(runs);
	svy_accum_result(acc, &spec, res);
}

/* The interval must suit the design (R: score needs a linearization design, quantile replicates). */
static void
check_interval(const QState *s)
{
	bool		replicate = s->acc->kind == SVY_KIND_REPLICATE;

	if (s->interval == SVY_QCI_QUANTILE && !replicate)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("quantile interval \"quantile\" needs a replicate-weight design"),
				 errdetail("It is the spread of the quantile over the replicate weights."),
				 errhint("Use interval mean, beta, xlogit, asin or score with a linearization design.")));
	if (s->interval == SVY_QCI_SCORE && replicate)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("quantile interval \"score\" needs a linearization design"),
				 errdetail("R's svyquantile offers no score interval for replicate-weight designs."),
				 errhint("Use interval mean or quantile with a replicate-weight design.")));
}

static int
compare_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* score intervals: F(theta) and its SE, by the same machinery as Woodruff's P */
typedef struct ScoreInfo
{
	QState	   *s;
	const SvyQDist *dist;
	double		level;
} ScoreInfo;

static double
score_share_se(double theta, double *F, void *info)
{
	ScoreInfo  *si = info;
	SvyResult	r;

	CHECK_FOR_INTERRUPTS();
	*F = svy_qshare(si->dist, theta);
	share_variance(si->s, theta, *F, si->level, &r);
	return r.std_error;
}

/* R's repCI: qhat +- t sqrt(replicate variance of the replicate quantiles) */
static void
replicate_quantile_ci(QState *s, double p, double q, double t, double *lower, double *upper)
{
	const SvyAccum *acc = s->acc;
	int			nrep = acc->nrep,
				k = 0;
	double	   *theta = palloc(sizeof(double) * nrep);
	double	   *rscales = palloc(sizeof(double) * nrep);
	double	   *coef = NULL;
	bool	   *counts = NULL;
	double		v;

	/* calibrated designs: every replicate calibrated, its units' factors */
	if (acc->calib)
		svy_calib_quantile_rep_units(s, &coef, &counts);
	for (int r = 0; r < nrep; r++)
	{
		QValueStream vs;
		SvyQDist	dist;
		double		qr;

		CHECK_FOR_INTERRUPTS();
		qvalues_open(&vs, s, &dist, r, coef ? coef + (int64) r * s->nunits : NULL, counts);
		qr = svy_qrule(&dist, s->qrule, p);
		qvalues_close(&vs);
		/* R's svrVar drops replicates without an answer, with their rscales */
		if (isnan(qr))
			continue;
		theta[k] = qr;
		rscales[k] = acc->rscales ? acc->rscales[r] : 1.0;
		k++;
	}
	v = k > 0 ? svy_replicate_variance(theta, k, q, acc->scale, rscales,
									   (acc->flags & SVY_MSE) != 0) : NAN;
	*lower = q - sqrt(v) * t;
	*upper = q + sqrt(v) * t;
	pfree(theta);
	pfree(rscales);
	if (coef)
	{
		pfree(coef);
		pfree(counts);
	}
}

static void
quantile_result(QState *s, const SvyQDist *dist, double p, SvyResult *out)
{
	double		level = s->level;
	int			interval = s->interval;
	double		q,
				P,
				lo,
				hi,
				t,
				nrow;
	SvyResult	share;

	memset(out, 0, sizeof(*out));
	out->n_eff = out->deff = NAN;
	out->n = s->acc->dom.n;
	if (s->acc->kind == 0 || dist->nv == 0)
	{
		out->estimate = out->std_error = out->ci_lower = out->ci_upper = NAN;
		out->df = NAN;
		if (s->acc->kind != 0)
		{
			/* the design's df of an empty domain, as the linear estimators give it */
			SvyEstimateSpec spec = {SVY_STAT_MEAN, SVY_CI_WALD, level};

			svy_accum_result(s->acc, &spec, &share);
			out->df = share.df;
		}
		return;
	}
	check_interval(s);
	/* R's nrow(design), for beta and score: a calibrated design's domain keeps every row */
	nrow = s->acc->calib ? svy_calib_quantile_nrow(s) : s->acc->dom.nrow;
	q = svy_qrule(dist, s->qrule, p);
	P = svy_qshare(dist, q);
	share_variance(s, q, P, level, &share);
	out->estimate = q;
	out->df = share.df;
	t = svy_t_quantile(level, share.df);

	/* R's svyquantile on a replicate design ignores beta, xlogit and asin */
	if (s->acc->kind == SVY_KIND_REPLICATE && interval != SVY_QCI_QUANTILE)
		interval = SVY_QCI_MEAN;
	switch (interval)
	{
		case SVY_QCI_QUANTILE:
			replicate_quantile_ci(s, p, q, t, &out->ci_lower, &out->ci_upper);
			break;
		case SVY_QCI_SCORE:
			{
				ScoreInfo	si = {s, dist, level};
				int			status;

				if (s->nscore_x > 1)
					qsort(s->score_x, s->nscore_x, sizeof(double), compare_double);
				status = svy_qscore_ci(dist, s->score_x, s->nscore_x, s->qrule, p, t, nrow,
									   score_share_se, &si, &out->ci_lower, &out->ci_upper);

				if (status != SVY_ZEROIN_OK && status != SVY_ZEROIN_NO_CONVERGENCE)
					ereport(ERROR,
							(errcode(ERRCODE_DATA_EXCEPTION),
							 errmsg("cannot compute the score interval of the %g-quantile", p),
							 errdetail("%s", status == SVY_ZEROIN_BAD_RANGE ?
									   "The values are too few or too concentrated to search for its limits." :
									   status == SVY_ZEROIN_NAN_END ?
									   "The score test is undefined at an end of the range of the values (R's uniroot fails likewise)." :
									   "The score test does not change sign over the range of the values (R's uniroot fails likewise)."),
							 errhint("Use interval mean.")));
				break;
			}
		default:
			/* Woodruff: the interval of P, mapped back through the rule */
			if (interval == SVY_QCI_MEAN)
			{
				lo = P - t * share.std_error;
				hi = P + t * share.std_error;
			}
			else
				svy_qshare_ci(interval, P, share.std_error * share.std_error, share.df, level,
							  nrow, &lo, &hi);
			out->ci_lower = isnan(lo) || lo < 0.0 ? NAN : svy_qrule(dist, s->qrule, lo);
			out->ci_upper = isnan(hi) || hi > 1.0 ? NAN : svy_qrule(dist, s->qrule, hi);
			break;
	}
	out->std_error = (out->ci_upper - out->ci_lower) / (2.0 * t);
}

Datum
svy_quantile_final(PG_FUNCTION_ARGS)
{
	QState	   *s = svy_agg_read(fcinfo, 0, SVY_AGG_QUANTILE);
	TupleDesc	tupdesc;
	SvyResult	r;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (s == NULL || !s->args_set)
	{
		memset(&r, 0, sizeof(r));
		r.estimate = r.std_error = r.ci_lower = r.ci_upper = r.df = r.n_eff = r.deff = NAN;
	}
	else
	{
		QValueStream vs;
		SvyQDist	dist;

		qvalues_open(&vs, s, &dist, -1, NULL, NULL);
		quantile_result(s, &dist, s->p[0], &r);
		qvalues_close(&vs);
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(svy_estimate_tuple(BlessTupleDesc(tupdesc), &r)));
}

/* svy_quantiles: svy_estimate[], one element per probability, in their order */
Datum
svy_quantiles_final(PG_FUNCTION_ARGS)
{
	QState	   *s = svy_agg_read(fcinfo, 0, SVY_AGG_QUANTILE);
	Oid			elemtype;
	TupleDesc	tupdesc;
	Datum	   *elems;
	QValueStream vs;
	SvyQDist	dist;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (s == NULL || !s->args_set)
		PG_RETURN_NULL();
	elemtype = get_element_type(get_func_rettype(fcinfo->flinfo->fn_oid));
	if (!OidIsValid(elemtype))
		elog(ERROR, "svy_quantiles must return an array of svy_estimate");
	tupdesc = lookup_rowtype_tupdesc_copy(elemtype, -1);
	tupdesc = BlessTupleDesc(tupdesc);
	qvalues_open(&vs, s, &dist, -1, NULL, NULL);
	elems = palloc(sizeof(Datum) * s->np);
	for (int i = 0; i < s->np; i++)
	{
		SvyResult	r;

		CHECK_FOR_INTERRUPTS();
		quantile_result(s, &dist, s->p[i], &r);
		elems[i] = HeapTupleGetDatum(svy_estimate_tuple(tupdesc, &r));
	}
	qvalues_close(&vs);
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, s->np, elemtype, typlen, typbyval, typalign));
}
