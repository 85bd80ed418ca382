/*
 * quantile.c — svy_quantile and svy_quantiles: quantiles with Woodruff
 * confidence intervals, as R's svyquantile(..., ci = TRUE) (survey 4.1.1,
 * interval.type = "mean").
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
 * The design itself (strata, PSUs, fpc, df, lonely PSUs, replicate rank) is
 * tracked by an SvyAccum (accum.h) fed with y = 0; at the end its domain
 * sums are replaced by those of the indicator and the existing Taylor or
 * replicate machinery gives SE(P) and df.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "accum.h"
#include "idmap.h"
#include "quantile.h"
#include "survey.h"

PG_FUNCTION_INFO_V1(svy_quantile_transfn);
PG_FUNCTION_INFO_V1(svy_quantiles_transfn);
PG_FUNCTION_INFO_V1(svy_quantile_combine);
PG_FUNCTION_INFO_V1(svy_quantile_serialfn);
PG_FUNCTION_INFO_V1(svy_quantile_deserialfn);
PG_FUNCTION_INFO_V1(svy_quantile_final);
PG_FUNCTION_INFO_V1(svy_quantiles_final);

#define SVY_QSTATE_VERSION 1

/* ---------- cells: (unit, value) -> weights ---------- */

typedef struct QCellKey
{
	int32		unit;			/* PSU or stratum index; 0 for replicate designs */
	int32		pad;
	double		x;
} QCellKey;

typedef struct QCell
{
	QCellKey	key;
	char		status;
	double		n;				/* rows with w != 0 */
	double		w;				/* sum of w: w + w_lo is a long double sum */
	double		w_lo;			/* (R's cumsum; no long double in palloc'd memory) */
	double		m2;				/* sum (w - mean w)^2, designs without PSUs */
	double	   *rw;				/* replicate designs: nrep sums of replicate weights */
} QCell;

static inline uint32
qcell_hash(QCellKey k)
{
	uint64		x;

	memcpy(&x, &k.x, sizeof(x));
	return svy_hash_mix(x, (uint64) (uint32) k.unit);
}

#define SH_PREFIX qcells
#define SH_ELEMENT_TYPE QCell
#define SH_KEY_TYPE QCellKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) qcell_hash(k)
#define SH_EQUAL(tb, a, b) ((a).unit == (b).unit && (a).x == (b).x)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* ---------- units: PSU (stratum, psu) or stratum identity -> index ---------- */

typedef struct QUnitKey
{
	uint64		w[4];
} QUnitKey;

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
	svy_hash_mix((k).w[0] ^ ((k).w[1] * UINT64CONST(0xC2B2AE3D27D4EB4F)), \
				 (k).w[2] ^ ((k).w[3] * UINT64CONST(0x165667B19E3779F9)))
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(QUnitKey)) == 0)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct QState
{
	MemoryContext cxt;
	SvyAccum   *acc;			/* the design: strata, PSUs, fpc, df, replicates */

	/* arguments, the same on every row */
	bool		args_set;
	int			np;
	double	   *p;
	double		level;
	int			qrule;
	Datum		p_seen;			/* the array datum last checked */

	/* units (designs with PSUs: PSUs; without: strata) */
	QUnitKey   *unit_keys;
	int			nunits;
	int			units_cap;
	int			last_unit;
	struct qunits_hash *units;

	struct qcells_hash *cells;
} QState;

static QState *
qstate_create(MemoryContext cxt)
{
	QState	   *s = MemoryContextAllocZero(cxt, sizeof(QState));

	s->cxt = cxt;
	s->acc = svy_accum_create(cxt);
	s->level = SVY_LEVEL_DEFAULT;
	s->qrule = SVY_QRULE_MATH;
	s->last_unit = -1;
	s->units = qunits_create(cxt, 16, NULL);
	s->cells = qcells_create(cxt, 64, NULL);
	return s;
}

static int
unit_index(QState *s, const QUnitKey *key)
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

static QCell *
cell_get(QState *s, int unit, double x)
{
	QCellKey	key;
	bool		found;
	QCell	   *c;

	key.unit = unit;
	key.pad = 0;
	key.x = x;
	c = qcells_insert(s->cells, key, &found);
	if (!found)
	{
		c->n = 0;
		c->w = 0;
		c->w_lo = 0;
		c->m2 = 0;
		c->rw = s->acc->kind == SVY_KIND_REPLICATE
			? MemoryContextAllocZero(s->cxt, sizeof(double) * s->acc->nrep) : NULL;
	}
	return c;
}

static inline long double
cell_w(const QCell *c)
{
	return (long double) c->w + (long double) c->w_lo;
}

static inline void
cell_add_w(QCell *c, long double w)
{
	long double sum = cell_w(c) + w;

	c->w = (double) sum;
	c->w_lo = (double) (sum - (long double) c->w);
}

/* Welford/Chan update of (n, w, m2) with a group (n2, w2, m2_2). */
static void
cell_merge_moments(QCell *c, double n2, long double w2, double m2_2)
{
	if (n2 == 0)
		return;
	if (c->n == 0)
		c->m2 = m2_2;
	else
	{
		double		delta = (double) (w2 / n2 - cell_w(c) / c->n);

		c->m2 += m2_2 + delta * delta * c->n * n2 / (c->n + n2);
	}
	c->n += n2;
	cell_add_w(c, w2);
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

static int
parse_qrule(text *t)
{
	char	   *name = text_to_cstring(t);
	int			rule = svy_qrule_parse(name);

	if (rule < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown quantile rule \"%s\"", name),
				 errhint("Valid rules are %s.", svy_qrule_names())));
	pfree(name);
	return rule;
}

static void
args_differ(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be the same on every row", what)));
}

/* p (float8 or float8[]) at argno 3, level at 4, qrule at 5 */
static void
quantile_args(FunctionCallInfo fcinfo, QState *s, bool array)
{
	double		level = SVY_LEVEL_DEFAULT;
	int			rule = SVY_QRULE_MATH;

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
		if (s->args_set && PG_GETARG_DATUM(5) == s->acc->method_seen)
			rule = s->qrule;
		else
		{
			rule = parse_qrule(PG_GETARG_TEXT_PP(5));
			s->acc->method_seen = PG_GETARG_DATUM(5);
		}
	}
	if (s->args_set && rule != s->qrule)
		args_differ("quantile rule");

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
	else if (!s->args_set || PG_GETARG_DATUM(3) != s->p_seen)
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
		s->p_seen = PG_GETARG_DATUM(3);
	}
	s->level = level;
	s->qrule = rule;
	s->args_set = true;
}

/* ---------- transition ---------- */

static QState *
quantile_row(FunctionCallInfo fcinfo, bool array)
{
	MemoryContext aggcxt;
	QState	   *s;
	const SvyDesign *d;
	bool		y_null = PG_ARGISNULL(1);
	double		y = y_null ? 0.0 : PG_GETARG_FLOAT8(1);
	bool		in_domain;
	double		w;
	int			unit = 0;
	QCell	   *c;

	aggcxt = svy_aggregate_context(fcinfo);
	s = PG_ARGISNULL(0) ? qstate_create(aggcxt) : (QState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("survey design must not be NULL"),
				 errhint("Every row belongs to the design; use svy_subset() to leave a row out of the domain.")));
	d = PG_GETARG_SVYDESIGN_P(2);
	quantile_args(fcinfo, s, array);

	in_domain = !y_null && !(d->flags & SVY_OUT_OF_DOMAIN);
	if (in_domain && (isnan(y) || isinf(y)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("survey outcome must be finite, not %g", y),
				 errhint("Use NULL for a missing answer.")));

	/* the design: strata, PSUs, fpc, df, replicate sums of the domain weights */
	svy_accum_row(s->acc, d, 0.0, 1.0, y_null);
	if (!in_domain)
		return s;
	w = d->weight;
	if (y == 0.0)
		y = 0.0;				/* one cell for -0 and 0 */

	if (s->acc->kind == SVY_KIND_TAYLOR)
	{
		QUnitKey	key;

		if (w == 0.0)
			return s;			/* nothing to weigh; the design saw the row */
		key.w[0] = d->stratum[0];
		key.w[1] = d->stratum[1];
		key.w[2] = (d->flags & SVY_HAS_PSU) ? d->psu[0] : 0;
		key.w[3] = (d->flags & SVY_HAS_PSU) ? d->psu[1] : 0;
		unit = unit_index(s, &key);
		c = cell_get(s, unit, y);
		if (d->flags & SVY_HAS_PSU)
		{
			c->n += 1;
			cell_add_w(c, w);
		}
		else
			cell_merge_moments(c, 1, w, 0.0);
	}
	else
	{
		const double *rw = svy_design_repweights(d);
		int			nrep = s->acc->nrep;

		c = cell_get(s, 0, y);
		if (w != 0.0)
		{
			c->n += 1;
			cell_add_w(c, w);
		}
		for (int r = 0; r < nrep; r++)
			c->rw[r] += rw[r];
	}
	return s;
}

Datum
svy_quantile_transfn(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(quantile_row(fcinfo, false));
}

Datum
svy_quantiles_transfn(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(quantile_row(fcinfo, true));
}

/* ---------- combine ---------- */

static void
qstate_merge(QState *into, const QState *from)
{
	int		   *map;
	qcells_iterator it;
	QCell	   *src;

	if (from->args_set)
	{
		if (!into->args_set)
		{
			into->np = from->np;
			into->p = MemoryContextAlloc(into->cxt, sizeof(double) * from->np);
			memcpy(into->p, from->p, sizeof(double) * from->np);
			into->level = from->level;
			into->qrule = from->qrule;
			into->args_set = true;
		}
		else if (into->np != from->np ||
				 memcmp(into->p, from->p, sizeof(double) * from->np) != 0 ||
				 into->level != from->level || into->qrule != from->qrule)
			args_differ("quantile probability, level and rule");
	}
	svy_accum_merge(into->acc, from->acc);

	map = palloc(sizeof(int) * (from->nunits + 1));
	for (int u = 0; u < from->nunits; u++)
		map[u] = unit_index(into, &from->unit_keys[u]);
	qcells_start_iterate(from->cells, &it);
	while ((src = qcells_iterate(from->cells, &it)) != NULL)
	{
		QCell	   *c;

		CHECK_FOR_INTERRUPTS();
		c = cell_get(into, from->nunits > 0 ? map[src->key.unit] : 0, src->key.x);
		cell_merge_moments(c, src->n, cell_w(src), src->m2);
		if (src->rw)
			for (int r = 0; r < into->acc->nrep; r++)
				c->rw[r] += src->rw[r];
	}
	pfree(map);
}

Datum
svy_quantile_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	QState	   *into;

	aggcxt = svy_aggregate_context(fcinfo);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	into = PG_ARGISNULL(0) ? qstate_create(aggcxt) : (QState *) PG_GETARG_POINTER(0);
	qstate_merge(into, (QState *) PG_GETARG_POINTER(1));
	PG_RETURN_POINTER(into);
}

/* ---------- binary format (network byte order, versioned) ---------- */

Datum
svy_quantile_serialfn(PG_FUNCTION_ARGS)
{
	QState	   *s = (QState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	StringInfoData acc;
	qcells_iterator it;
	QCell	   *c;
	int			nrep = s->acc->kind == SVY_KIND_REPLICATE ? s->acc->nrep : 0;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SVY_QSTATE_VERSION);
	pq_sendbyte(&buf, s->args_set);
	pq_sendint32(&buf, s->np);
	for (int i = 0; i < s->np; i++)
		pq_sendfloat8(&buf, s->p[i]);
	pq_sendfloat8(&buf, s->level);
	pq_sendbyte(&buf, s->qrule);

	initStringInfo(&acc);
	svy_accum_serialize(s->acc, &acc);
	pq_sendint32(&buf, acc.len);
	pq_sendbytes(&buf, acc.data, acc.len);
	pfree(acc.data);

	pq_sendint32(&buf, s->nunits);
	for (int u = 0; u < s->nunits; u++)
		for (int i = 0; i < 4; i++)
			pq_sendint64(&buf, s->unit_keys[u].w[i]);
	pq_sendint32(&buf, s->cells->members);
	qcells_start_iterate(s->cells, &it);
	while ((c = qcells_iterate(s->cells, &it)) != NULL)
	{
		pq_sendint32(&buf, c->key.unit);
		pq_sendfloat8(&buf, c->key.x);
		pq_sendfloat8(&buf, c->n);
		pq_sendfloat8(&buf, c->w);
		pq_sendfloat8(&buf, c->w_lo);
		pq_sendfloat8(&buf, c->m2);
		for (int r = 0; r < nrep; r++)
			pq_sendfloat8(&buf, c->rw[r]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid survey quantile state: %s", what)));
}

Datum
svy_quantile_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	StringInfoData acc;
	QState	   *s;
	int			version,
				acclen,
				nunits,
				ncells,
				nrep;

	aggcxt = svy_aggregate_context(fcinfo);
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	s = qstate_create(aggcxt);
	version = pq_getmsgbyte(&buf);
	if (version != SVY_QSTATE_VERSION)
		corrupt("unsupported version");
	s->args_set = pq_getmsgbyte(&buf) != 0;
	s->np = pq_getmsgint(&buf, 4);
	if (s->np < 0 || s->np > buf.len)
		corrupt("bad number of probabilities");
	s->p = MemoryContextAlloc(aggcxt, sizeof(double) * Max(s->np, 1));
	for (int i = 0; i < s->np; i++)
		if (!((s->p[i] = pq_getmsgfloat8(&buf)) >= 0 && s->p[i] <= 1))
			corrupt("bad probability");
	s->level = pq_getmsgfloat8(&buf);
	s->qrule = pq_getmsgbyte(&buf);
	if (!(s->level > 0 && s->level < 1) || s->qrule < SVY_QRULE_MATH || s->qrule > SVY_QRULE_HF9)
		corrupt("bad level or rule");

	acclen = pq_getmsgint(&buf, 4);
	if (acclen < 0 || acclen > buf.len - buf.cursor)
		corrupt("bad design state length");
	acc.data = (char *) pq_getmsgbytes(&buf, acclen);
	acc.len = acclen;
	acc.maxlen = acclen;
	acc.cursor = 0;
	s->acc = svy_accum_deserialize(&acc, aggcxt);
	nrep = s->acc->kind == SVY_KIND_REPLICATE ? s->acc->nrep : 0;

	nunits = pq_getmsgint(&buf, 4);
	if (nunits < 0 || nunits > buf.len)
		corrupt("bad number of units");
	for (int u = 0; u < nunits; u++)
	{
		QUnitKey	key;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < 4; i++)
			key.w[i] = pq_getmsgint64(&buf);
		if (unit_index(s, &key) != u)
			corrupt("duplicate unit");
	}
	ncells = pq_getmsgint(&buf, 4);
	if (ncells < 0 || ncells > buf.len)
		corrupt("bad number of cells");
	for (int j = 0; j < ncells; j++)
	{
		int			unit;
		double		x,
					n,
					hi,
					lo,
					m2;
		QCell	   *c;

		CHECK_FOR_INTERRUPTS();
		unit = pq_getmsgint(&buf, 4);
		x = pq_getmsgfloat8(&buf);
		n = pq_getmsgfloat8(&buf);
		hi = pq_getmsgfloat8(&buf);
		lo = pq_getmsgfloat8(&buf);
		m2 = pq_getmsgfloat8(&buf);
		if (unit < 0 || (unit >= nunits && !(unit == 0 && nunits == 0)) ||
			!isfinite(x) || !(n >= 0) || !(hi >= 0) || !isfinite(hi) || !isfinite(lo) || !(m2 >= 0) ||
			(s->acc->kind != SVY_KIND_REPLICATE && nunits == 0))
			corrupt("bad cell");
		c = cell_get(s, unit, x);
		if (c->n != 0 || c->w != 0)
			corrupt("duplicate cell");
		c->n = n;
		c->w = hi;
		c->w_lo = lo;
		c->m2 = m2;
		for (int r = 0; r < nrep; r++)
			c->rw[r] = pq_getmsgfloat8(&buf);
	}
	if (buf.cursor != buf.len)
		corrupt("trailing bytes");
	PG_RETURN_POINTER(s);
}

/* ---------- finishing ---------- */

/* The distinct values with non-zero weight, sorted. */
static int
cmp_value(const void *a, const void *b)
{
	double		x = ((const SvyQValue *) a)->x;
	double		y = ((const SvyQValue *) b)->x;

	return x < y ? -1 : x > y;
}

static SvyQValue *
distinct_values(QState *s, int *nv_out)
{
	SvyQValue  *v = palloc(sizeof(SvyQValue) * Max(s->cells->members, 1));
	int			n = 0,
				nv = 0;
	qcells_iterator it;
	QCell	   *c;

	qcells_start_iterate(s->cells, &it);
	while ((c = qcells_iterate(s->cells, &it)) != NULL)
		if (c->n > 0 && c->w > 0)
		{
			v[n].x = c->key.x;
			v[n].w = c->w;
			v[n].w_lo = c->w_lo;
			v[n].n = c->n;
			n++;
		}
	qsort(v, n, sizeof(SvyQValue), cmp_value);
	/* cells of one value in several units: one entry */
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (nv > 0 && v[nv - 1].x == v[i].x)
		{
			long double sum = svy_qvalue_w(&v[nv - 1]) + svy_qvalue_w(&v[i]);

			v[nv - 1].w = (double) sum;
			v[nv - 1].w_lo = (double) (sum - (long double) v[nv - 1].w);
			v[nv - 1].n += v[i].n;
		}
		else
			v[nv++] = v[i];
	}
	*nv_out = nv;
	return v;
}

/*
 * Replace the design state's domain sums by those of I(y <= q), then let
 * the linear machinery give SE(P) and df.  Idempotent: it rebuilds them from
 * the cells and reads only what rows keep correct (PSU b-sums and df flags,
 * stratum row counts, W), so a final function may run several times on one
 * state (shared states, window aggregates) and rows may follow.
 */
static void
share_variance(QState *s, double q, double P, double level, SvyResult *res)
{
	SvyAccum   *acc = s->acc;
	qcells_iterator it;
	QCell	   *c;
	SvyEstimateSpec spec = {SVY_STAT_MEAN, SVY_CI_WALD, level};

	acc->dom.wm.mean_y = P;
	acc->dom.wm.mean_x = 1.0;
	acc->dom.wm.c_yy = acc->dom.wm.w * P * (1.0 - P);
	acc->dom.wm.c_xy = 0.0;
	acc->dom.wm.c_xx = 0.0;
	acc->dom.shift = 0.0;

	if (acc->kind == SVY_KIND_REPLICATE)
	{
		memset(acc->rep_y, 0, sizeof(double) * acc->nrep);
		qcells_start_iterate(s->cells, &it);
		while ((c = qcells_iterate(s->cells, &it)) != NULL)
			if (c->key.x <= q)
				for (int r = 0; r < acc->nrep; r++)
					acc->rep_y[r] += c->rw[r];
	}
	else if (acc->flags & SVY_HAS_PSU)
	{
		SvyPsuEntry **psu = palloc(sizeof(SvyPsuEntry *) * Max(s->nunits, 1));

		svy_accum_psu_clear_a(acc);
		for (int u = 0; u < s->nunits; u++)
		{
			SvyPsuKey	key;

			memcpy(key.w, s->unit_keys[u].w, sizeof(key.w));
			psu[u] = svy_accum_psu_find(acc, &key);
			if (psu[u] == NULL)
				elog(ERROR, "survey quantile state has a PSU its design does not know");
		}
		qcells_start_iterate(s->cells, &it);
		while ((c = qcells_iterate(s->cells, &it)) != NULL)
			if (c->key.x <= q)
				psu[c->key.unit]->a += (double) cell_w(c);
		pfree(psu);
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
		qcells_start_iterate(s->cells, &it);
		while ((c = qcells_iterate(s->cells, &it)) != NULL)
		{
			double		mean = (double) (cell_w(c) / c->n);
			bool		below = c->key.x <= q;
			SvyCoMoments g = {c->n, below ? mean : 0.0, mean,
			below ? c->m2 : 0.0, below ? c->m2 : 0.0, c->m2};

			if (c->n > 0)
				svy_comoments_merge(&rows[stratum[c->key.unit]], &g);
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
	svy_accum_result(acc, &spec, res);
}

static void
quantile_result(QState *s, const SvyQValue *v, int nv, double p, SvyResult *out)
{
	double		level = s->level;
	double		q,
				P,
				lo,
				hi,
				t;
	SvyResult	share;

	memset(out, 0, sizeof(*out));
	out->n_eff = out->deff = NAN;
	out->n = s->acc->dom.n;
	if (s->acc->kind == 0 || nv == 0)
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
	q = svy_qrule(v, nv, s->qrule, p);
	P = svy_qshare(v, nv, q);
	share_variance(s, q, P, level, &share);
	out->estimate = q;
	out->df = share.df;

	/* R: confint(svymean(y <= q)) with t(df), then the rule at each limit */
	t = svy_t_quantile(level, share.df);
	lo = P - t * share.std_error;
	hi = P + t * share.std_error;
	out->ci_lower = isnan(lo) || lo < 0.0 ? NAN : svy_qrule(v, nv, s->qrule, lo);
	out->ci_upper = isnan(hi) || hi > 1.0 ? NAN : svy_qrule(v, nv, s->qrule, hi);
	out->std_error = (out->ci_upper - out->ci_lower) / (2.0 * t);
}

static Datum
number(double v, bool *isnull)
{
	*isnull = isnan(v);
	return Float8GetDatum(v);
}

static HeapTuple
estimate_tuple(TupleDesc tupdesc, const SvyResult *r)
{
	Datum		values[8];
	bool		nulls[8];
	bool		suppress = survey_min_cell_n > 0 && r->n < survey_min_cell_n;

	values[0] = number(r->estimate, &nulls[0]);
	values[1] = number(r->std_error, &nulls[1]);
	values[2] = number(r->ci_lower, &nulls[2]);
	values[3] = number(r->ci_upper, &nulls[3]);
	values[4] = number(r->df, &nulls[4]);
	values[5] = Int64GetDatum((int64) r->n);
	nulls[5] = false;
	values[6] = number(r->n_eff, &nulls[6]);
	values[7] = number(r->deff, &nulls[7]);
	if (suppress)
		for (int i = 0; i < 8; i++)
			if (i != 5)
				nulls[i] = true;
	return heap_form_tuple(tupdesc, values, nulls);
}

Datum
svy_quantile_final(PG_FUNCTION_ARGS)
{
	QState	   *s = PG_ARGISNULL(0) ? NULL : (QState *) PG_GETARG_POINTER(0);
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
		int			nv;
		SvyQValue  *v = distinct_values(s, &nv);

		quantile_result(s, v, nv, s->p[0], &r);
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(estimate_tuple(BlessTupleDesc(tupdesc), &r)));
}

/* svy_quantiles: svy_estimate[], one element per probability, in their order */
Datum
svy_quantiles_final(PG_FUNCTION_ARGS)
{
	QState	   *s = PG_ARGISNULL(0) ? NULL : (QState *) PG_GETARG_POINTER(0);
	Oid			elemtype;
	TupleDesc	tupdesc;
	Datum	   *elems;
	int			nv;
	SvyQValue  *v;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (s == NULL || !s->args_set)
		PG_RETURN_NULL();
	elemtype = get_element_type(get_fn_expr_rettype(fcinfo->flinfo));
	if (!OidIsValid(elemtype))
		elog(ERROR, "svy_quantiles must return an array of svy_estimate");
	tupdesc = lookup_rowtype_tupdesc_copy(elemtype, -1);
	tupdesc = BlessTupleDesc(tupdesc);
	v = distinct_values(s, &nv);
	elems = palloc(sizeof(Datum) * s->np);
	for (int i = 0; i < s->np; i++)
	{
		SvyResult	r;

		CHECK_FOR_INTERRUPTS();
		quantile_result(s, v, nv, s->p[i], &r);
		elems[i] = HeapTupleGetDatum(estimate_tuple(tupdesc, &r));
	}
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, s->np, elemtype, typlen, typbyval, typalign));
}
