/*
 * glm.c — svy_glm (design-based GLMs, R's svyglm), the svy_model type and
 * its readers svy_coef, svy_wald, svy_vcov; svy_dummies.  The statistics
 * are in stats/glm.c.
 *
 * State (GlmState), one pass, mergeable:
 *   - an SvyAccum of every row keeps the design: strata, PSUs, fpc, the
 *     complete-case df, replicate type and rank (accum.h);
 *   - "cells": one entry per distinct row of x with the sums of w and w y
 *     (and, for replicate designs, of each replicate's weights), which is
 *     all that IRLS needs after its first iteration;
 *   - per (PSU, cell) the sums of w and w y, from which the final function
 *     gets each PSU's score total at the fitted coefficients (two-stage
 *     designs with a first-stage fpc: per (second-stage unit, cell), whose
 *     score totals give the PSUs' and the second stage); designs
 *     without PSUs keep per (stratum, cell) also the sums of w^2, w^2 y,
 *     w^2 y^2, which give the sum of the rows' score cross-products;
 *   - binomial families: glm.fit's start depends on each row's own weight
 *     (mustart = (w y + 0.5) / (w + 1) with w rescaled to mean 1, and the
 *     mean is known only at the end), so the distinct (cell, y, w) triples
 *     are kept, up to GLM_START_MAX; past that the start is computed from
 *     each cell's mean weight per outcome 0 and 1 (docs/regression.md);
 *   - calibrated designs (calib_glm.c): a cell row is x followed by the
 *     calibration cell and numeric auxiliaries, the base state carries the
 *     calibration's sums, and GlmState.cal a few more sums.
 * Memory grows with distinct x rows x PSUs, never with rows; a state past
 * work_mem is an error.  The struct has separate create /
 * add-row / merge / serialize / deserialize / final steps; the serialized
 * bytes (versioned, network byte order) are the parallel-query format.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "accum.h"
#include "calib.h"
#include "aggstate.h"
#include "glm.h"
#include "glm_state.h"
#include "idmap.h"
#include "intervals.h"
#include "linearize.h"
#include "stage2.h"
#include "survey.h"
#include "wire.h"

PG_FUNCTION_INFO_V1(svy_glm_transfn);
PG_FUNCTION_INFO_V1(svy_glm_final);
PG_FUNCTION_INFO_V1(svy_model_in);
PG_FUNCTION_INFO_V1(svy_model_out);
PG_FUNCTION_INFO_V1(svy_model_recv);
PG_FUNCTION_INFO_V1(svy_model_send);
PG_FUNCTION_INFO_V1(svy_coef);
PG_FUNCTION_INFO_V1(svy_wald);
PG_FUNCTION_INFO_V1(svy_vcov);
PG_FUNCTION_INFO_V1(svy_dummies);

#define GLM_STATE_VERSION 1
#define GLM_MODEL_VERSION 1
#define GLM_START_MAX 65536		/* distinct (cell, y, w) kept for the exact start */
#define GLM_MAP_ENTRY 32		/* bytes a hash map entry takes, for the memory limit */

static GlmState *
glm_create(MemoryContext cxt)
{
	GlmState   *s = MemoryContextAllocZero(cxt, sizeof(GlmState));

	s->cxt = cxt;
	s->base = svy_accum_create(cxt);
	s->cellmap = svy_idmap_create(cxt, 64);
	s->startmap = svy_idmap_create(cxt, 64);
	s->psumap = svy_idmap_create(cxt, 64);
	s->ucmap = svy_idmap_create(cxt, 256);
	return s;
}

static Size
state_limit(void)
{
	return (Size) work_mem * 1024;
}

void
svy_glm_account(GlmState *s, Size more)
{
	s->bytes += more;
	if (s->bytes > state_limit())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("regression state too large: %d distinct predictor rows in %d PSU cells",
						s->ncells, s->nuc),
				 errdetail("The state keeps one entry per distinct row of x in each PSU; it may use at most %zu kB (work_mem).",
						   state_limit() / 1024),
				 errhint("Use categorical predictors or round continuous ones, or raise work_mem.")));
}

void *
svy_glm_grow(MemoryContext cxt, void *p, Size elem, int oldcap, int newcap)
{
	if (p == NULL)
		return MemoryContextAllocZero(cxt, elem * newcap);
	p = repalloc(p, elem * newcap);
	memset((char *) p + elem * oldcap, 0, elem * (newcap - oldcap));
	return p;
}

/* ---------- cells ---------- */

/* murmur3's 64-bit finalizer: a bijection with full avalanche */
static inline uint64
mix64(uint64 h)
{
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/*
 * 64 bits of hash of a row of x, word by word (runs once per row: cheaper
 * than hash_bytes_extended).  Each step (odd multiply, xor-shift) is a
 * bijection of the running value, so rows differing in one element never
 * collide; the finalizer spreads the bits; other collisions are detected
 * (cell_index, uc_slot), never summed.
 */
static inline uint64
x_hash_step(uint64 h, double v)
{
	uint64		b;

	memcpy(&b, &v, sizeof(b));
	h = (h ^ b) * UINT64CONST(0x9E3779B97F4A7C15);
	return h ^ (h >> 32);
}

#define X_HASH_START(p) (UINT64CONST(0x5356) + (uint64) (p))

static inline uint64
x_hash(const double *x, int p)
{
	uint64		h = X_HASH_START(p);

	for (int i = 0; i < p; i++)
		h = x_hash_step(h, x[i]);
	return mix64(h);
}

/*
 * The cell of x (hash xh): found by 64 bits of hash, and x is compared on
 * every hit, so a collision (probability about n^2 / 2^65 for n distinct
 * rows) is an error, never a wrong sum.
 */
static int
cell_index(GlmState *s, const double *x, uint64 xh)
{
	bool		found;
	int			c;
	int			p = s->xw;

	c = svy_idmap_insert(s->cellmap, xh, (uint64) p, &found);
	if (found)
	{
		if (memcmp(s->x + (long) c * p, x, sizeof(double) * p) != 0)
			elog(ERROR, "hash collision between predictor rows");
		return c;
	}
	if (c >= s->cellcap)
	{
		int			cap = s->cellcap ? s->cellcap * 2 : 16;
		Size		per = sizeof(double) * (p + 7 + (s->cal ? 3 : 0) + 2 * s->nrep) + sizeof(uint64) +
			GLM_MAP_ENTRY;

		s->x = svy_glm_grow(s->cxt, s->x, sizeof(double) * p, s->cellcap, cap);
		s->cell_hash = svy_glm_grow(s->cxt, s->cell_hash, sizeof(uint64), s->cellcap, cap);
		s->sw = svy_glm_grow(s->cxt, s->sw, sizeof(double), s->cellcap, cap);
		s->swy = svy_glm_grow(s->cxt, s->swy, sizeof(double), s->cellcap, cap);
		s->s0w = svy_glm_grow(s->cxt, s->s0w, sizeof(double), s->cellcap, cap);
		s->s0wz = svy_glm_grow(s->cxt, s->s0wz, sizeof(double), s->cellcap, cap);
		s->cn = svy_glm_grow(s->cxt, s->cn, sizeof(double), s->cellcap, cap);
		s->cn1 = svy_glm_grow(s->cxt, s->cn1, sizeof(double), s->cellcap, cap);
		if (s->nrep > 0)
		{
			s->rep_sw = svy_glm_grow(s->cxt, s->rep_sw, sizeof(double) * s->nrep, s->cellcap, cap);
			s->rep_swy = svy_glm_grow(s->cxt, s->rep_swy, sizeof(double) * s->nrep, s->cellcap, cap);
		}
		if (s->cal)
			svy_glm_calib_grow(s, s->cellcap, cap);
		svy_glm_account(s, per * (cap - s->cellcap));
		s->cellcap = cap;
	}
	s->ncells = c + 1;
	memcpy(s->x + (long) c * p, x, sizeof(double) * p);
	s->cell_hash[c] = xh;
	return c;
}

/* One row's (or merged rows') part of the exact start: n rows of weight w, outcome y. */
static void
start_add(GlmState *s, int cell, double y, double w, double n)
{
	uint64		yb,
				wb;
	bool		found;
	int			k;

	if (s->start_approx)
		return;
	memcpy(&yb, &y, sizeof(double));
	memcpy(&wb, &w, sizeof(double));
	k = svy_idmap_insert(s->startmap, (uint64) cell ^ (yb * UINT64CONST(0x9E3779B97F4A7C15)), wb, &found);
	if (found)
	{
		if (s->st_cell[k] != cell || s->st_y[k] != y || s->st_w[k] != w)
			s->start_approx = true; /* a key collision: fall back, never mix rows */
		else
			s->st_n[k] += n;
		return;
	}
	if (k >= GLM_START_MAX)
	{
		s->start_approx = true;
		return;
	}
	if (k >= s->startcap)
	{
		int			cap = s->startcap ? s->startcap * 2 : 64;

		s->st_cell = svy_glm_grow(s->cxt, s->st_cell, sizeof(int32), s->startcap, cap);
		s->st_y = svy_glm_grow(s->cxt, s->st_y, sizeof(double), s->startcap, cap);
		s->st_w = svy_glm_grow(s->cxt, s->st_w, sizeof(double), s->startcap, cap);
		s->st_n = svy_glm_grow(s->cxt, s->st_n, sizeof(double), s->startcap, cap);
		svy_glm_account(s, (sizeof(int32) + 3 * sizeof(double) + GLM_MAP_ENTRY) * (cap - s->startcap));
		s->startcap = cap;
	}
	s->nstart = k + 1;
	s->st_cell[k] = cell;
	s->st_y[k] = y;
	s->st_w[k] = w;
	s->st_n[k] = n;
}

/*
 * The index of a PSU (identity k0, k1) of stratum h; in two-stage designs a
 * second-stage unit, of the PSU psu (its identity as the design gives it).
 */
static int
psu_index(GlmState *s, uint64 k0, uint64 k1, int stratum, const uint64 *psu)
{
	bool		found;
	int			p = svy_idmap_insert(s->psumap, k0, k1, &found);

	if (!found)
	{
		if (p >= s->psucap)
		{
			int			cap = s->psucap ? s->psucap * 2 : 64;

			s->psu_key = svy_glm_grow(s->cxt, s->psu_key, sizeof(uint64) * 2, s->psucap, cap);
			s->psu_stratum = svy_glm_grow(s->cxt, s->psu_stratum, sizeof(int32), s->psucap, cap);
			if (two_stage(s))
				s->unit_psu = svy_glm_grow(s->cxt, s->unit_psu, sizeof(uint64) * 2, s->psucap, cap);
			svy_glm_account(s, (4 * sizeof(uint64) + sizeof(int32) + GLM_MAP_ENTRY) * (cap - s->psucap));
			s->psucap = cap;
		}
		s->npsu = p + 1;
		s->psu_key[2 * p] = k0;
		s->psu_key[2 * p + 1] = k1;
		s->psu_stratum[p] = stratum;
		if (two_stage(s))
		{
			s->unit_psu[2 * p] = psu[0];
			s->unit_psu[2 * p + 1] = psu[1];
		}
	}
	return p;
}

/* A row's unit (glm_unit_identity) */
static inline void
psu_identity(const GlmState *s, const SvyDesign *d, uint64 *k0, uint64 *k1)
{
	glm_unit_identity(d->stratum, d->psu, two_stage(s) ? svy_design_stage2(d)->psu2 : NULL, k0, k1);
}

/* 64 bits naming a unit: a PSU by its identity, a stratum (designs without PSUs) by its index. */
static inline uint64
unit_identity(uint64 k0, uint64 k1)
{
	return (k0 * UINT64CONST(0xff51afd7ed558ccd)) ^ k1;
}

static uint64
unit_identity_of(const GlmState *s, int unit)
{
	return has_psu(s) ? unit_identity(s->psu_key[2 * unit], s->psu_key[2 * unit + 1])
		: unit_identity((uint64) unit, UINT64CONST(0x5354));
}

/*
 * The (unit, cell) entry keyed by (cell's x hash, unit identity): one probe
 * per row finds it; *found false means a new entry whose unit and cell the
 * caller sets.
 */
static int
uc_slot(GlmState *s, uint64 xh, uint64 uid, bool *found)
{
	int			k = svy_idmap_insert(s->ucmap, xh, uid, found);

	if (!*found)
	{
		if (k >= s->uccap)
		{
			int			cap = s->uccap ? s->uccap * 2 : 256;
			s->uc = svy_glm_grow(s->cxt, s->uc, sizeof(UnitCell), s->uccap, cap);
			if (!has_psu(s))
				s->ucsq = svy_glm_grow(s->cxt, s->ucsq, sizeof(UnitCellSq), s->uccap, cap);
			svy_glm_account(s, (sizeof(UnitCell) + (has_psu(s) ? 0 : sizeof(UnitCellSq)) + GLM_MAP_ENTRY) *
					(cap - s->uccap));
			s->uccap = cap;
		}
		s->nuc = k + 1;
	}
	return k;
}

static void
uc_collision(void)
{
	elog(ERROR, "hash collision between PSU cells");
}

/* The entry of a known unit and cell (merging, reading a state). */
static int
uc_index(GlmState *s, int unit, int cell)
{
	bool		found;
	int			k = uc_slot(s, s->cell_hash[cell], unit_identity_of(s, unit), &found);

	if (!found)
	{
		s->uc[k].unit = unit;
		s->uc[k].cell = cell;
	}
	else if (s->uc[k].unit != unit || s->uc[k].cell != cell)
		uc_collision();
	return k;
}

/* ---------- adding rows ---------- */

static void
bad_predictor(double v)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("predictor must be finite, not %g", v),
			 errhint("Use NULL for a missing value: the row then stays in the design but out of the fit.")));
}

/*
 * Add one complete-case row in the domain: outcome y, predictors x (hash xh),
 * design d.  Returns its cell, or -1 if the row has weight 0.
 */
static int
glm_add_row(GlmState *s, const SvyDesign *d, int h, double y, const double *x, uint64 xh)
{
	double		w = d->weight;
	int			c;
	int			k = -1;

	if (w == 0.0 && d->kind == SVY_KIND_TAYLOR)
		return -1;				/* R drops rows of weight 0 from the fit */
	if (d->kind == SVY_KIND_TAYLOR)
	{
		/* one probe finds the (unit, cell) entry, and through it the cell */
		uint64		pk0 = 0,
					pk1 = 0;
		bool		found;

		if (has_psu(s))
			psu_identity(s, d, &pk0, &pk1);
		k = uc_slot(s, xh, has_psu(s) ? unit_identity(pk0, pk1) : unit_identity((uint64) h, UINT64CONST(0x5354)),
					&found);
		if (found)
		{
			c = s->uc[k].cell;
			if (memcmp(s->x + (long) c * s->xw, x, sizeof(double) * s->xw) != 0 ||
				(has_psu(s) ? (s->psu_key[2 * s->uc[k].unit] != pk0 || s->psu_key[2 * s->uc[k].unit + 1] != pk1)
				 : s->uc[k].unit != h))
				uc_collision();
		}
		else
		{
			c = cell_index(s, x, xh);
			s->uc[k].cell = c;
			s->uc[k].unit = has_psu(s) ? psu_index(s, pk0, pk1, h, d->psu) : h;
		}
	}
	else
		c = cell_index(s, x, xh);
	/* gaussian inline (svy_glm_dev_const's w y^2): the common case, once per row */
	s->dev_const += s->family == SVY_GLM_GAUSSIAN ? w * y * y : svy_glm_dev_const(s->family, w, y);

	if (d->kind == SVY_KIND_REPLICATE)
	{
		const double *rw = svy_design_repweights(d);
		double	   *rsw = s->rep_sw + (long) c * s->nrep,
				   *rswy = s->rep_swy + (long) c * s->nrep;

		for (int r = 0; r < s->nrep; r++)
		{
			rsw[r] += rw[r];
			rswy[r] += rw[r] * y;
			s->rep_devc[r] += svy_glm_dev_const(s->family, rw[r], y);
		}
		if (w == 0.0)
			return -1;
	}
	s->nfit += 1;
	s->cn[c] += 1;
	s->cn1[c] += (y == 1.0);
	s->y_fraction |= (y != 0.0 && y != 1.0);
	s->sw[c] += w;
	s->swy[c] += w * y;
	if (is_binomial(s->family))
		start_add(s, c, y, w, 1.0);
	else if (s->family != SVY_GLM_GAUSSIAN)
	{
		double		W0,
					Wz0,
					dev0;

		/* linear in w for the log link: raw sums, rescaled at the end (gaussian: sw, swy) */
		svy_glm_start_row(s->family, w, y, &W0, &Wz0, &dev0);
		s->s0w[c] += W0;
		s->s0wz[c] += Wz0;
		s->dev0 += dev0;
	}

	if (d->kind == SVY_KIND_TAYLOR)
	{
		s->uc[k].sw += w;
		s->uc[k].swy += w * y;
		if (!has_psu(s))
		{
			s->ucsq[k].sww += w * w;
			s->ucsq[k].swwy += w * w * y;
			s->ucsq[k].swwyy += w * w * y * y;
		}
	}
	return c;
}

static char **
parse_terms(ArrayType *arr, int p, MemoryContext cxt)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	char	  **terms;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("terms must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n != p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("terms has %d names for %d columns of x", n, p),
				 errdetail("terms names the columns of x, one name per column."),
				 errhint("Give one name per element of x, e.g. '(Intercept)' for the column of ones.")));
	terms = MemoryContextAlloc(cxt, sizeof(char *) * p);
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("term names must not be NULL")));
		terms[i] = MemoryContextStrdup(cxt, TextDatumGetCString(elems[i]));
		for (int j = 0; j < i; j++)
			if (strcmp(terms[i], terms[j]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("term \"%s\" is named twice", terms[i]),
						 errdetail("svy_wald refers to coefficients by name.")));
	}
	return terms;
}

static int
parse_family(text *t)
{
	return svy_parse_option(t, svy_glm_family_parse, "model family", "families", svy_glm_family_names());
}

/* Is levels (detoasted) byte for byte the array last seen? */
static bool
same_varlena(const struct varlena *a, const struct varlena *b)
{
	return a != NULL && VARSIZE_ANY(a) == VARSIZE_ANY(b) &&
		memcmp(a, b, VARSIZE_ANY(a)) == 0;
}

/*
 * On the first row: are the family and terms arguments constants of the
 * aggregate call (the usual case)?  Then they need no check per row.  Not
 * known outside nodeAgg (e.g. Citus's worker_partial_agg): checked per row.
 */
static void
options_constness(FunctionCallInfo fcinfo, GlmState *s)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);

	if (aggref == NULL)
		return;
	/* the aggregate's arguments are (y, x, d, family, terms): fcinfo's from 1 */
	if (PG_NARGS() > 4 && list_length(aggref->args) >= 4)
		s->family_const = IsA(((TargetEntry *) list_nth(aggref->args, 3))->expr, Const);
	if (PG_NARGS() > 5 && list_length(aggref->args) >= 5)
		s->terms_const = IsA(((TargetEntry *) list_nth(aggref->args, 4))->expr, Const);
}

/* svy_glm(y float8, x float8[], d svy_design [, family text [, terms text[]]]) */
Datum
svy_glm_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_GLM);
	GlmState   *s = st->state;
	MemoryContext aggcxt = s->cxt;
	const SvyDesign *d;
	ArrayType  *xa;
	bool		complete;
	int			h;
	double		y = PG_ARGISNULL(1) ? 0.0 : PG_GETARG_FLOAT8(1);
	const double *x = NULL;
	double		xbuf[GLM_XW_MAX];
	uint64		xh = 0;
	int			p;
	int			cell;

	d = svy_design_arg(fcinfo, 3);

	/* options: family, terms */
	if (s->family == 0)
		options_constness(fcinfo, s);
	if (PG_NARGS() > 4 && (s->family == 0 || !s->family_const))
	{
		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("family must not be NULL"),
					 errhint("Valid families are %s.", svy_glm_family_names())));
		if (!svy_option_unchanged(&s->family_seen, PG_GETARG_RAW_VARLENA_P(4), aggcxt))
		{
			int			family = parse_family(PG_GETARG_TEXT_PP(4));

			if (s->family != 0 && s->family != family)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("family must be the same on every row")));
			s->family = family;
		}
	}
	else if (s->family == 0)
		s->family = SVY_GLM_GAUSSIAN;

	if (PG_ARGISNULL(2))
		complete = false;
	else
	{
		xa = PG_GETARG_ARRAYTYPE_P(2);
		if (ARR_NDIM(xa) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("x must be a one-dimensional array")));
		p = ARR_NDIM(xa) == 1 ? ARR_DIMS(xa)[0] : 0;
		if (p < 1 || p > GLM_MAX_P)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("x has %d elements; it must have 1 to %d", p, GLM_MAX_P),
					 errhint("x is the row of the design matrix, e.g. ARRAY[1, age] || svy_dummies(country, ARRAY['AT','BE','DE']).")));
		if (s->p == 0)
		{
			s->p = p;
			s->xw = p + (s->cal ? 1 + s->cal->k : 0);
		}
		else if (p != s->p)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("x arrays differ in length: %d and %d", s->p, p),
					 errdetail("Every row's x is a row of one design matrix.")));
		complete = !ARR_HASNULL(xa);
		if (!ARR_HASNULL(xa))
		{
			const double *v = (const double *) ARR_DATA_PTR(xa);
			double		nonfinite = 0.0;

			/*
			 * One pass: -0 and 0 are one predictor value; v * 0 is NaN for
			 * NaN and infinities; x_hash's steps.
			 */
			xh = X_HASH_START(p);
			for (int i = 0; i < p; i++)
			{
				xbuf[i] = v[i] + 0.0;
				nonfinite += v[i] * 0.0;
				xh = x_hash_step(xh, xbuf[i]);
			}
			xh = mix64(xh);
			if (nonfinite != 0.0)
				for (int i = 0; i < p; i++)
					if (!isfinite(v[i]))
						bad_predictor(v[i]);
			x = xbuf;
		}
		else
		{
			/* a NULL predictor leaves the row out of the fit; still check the others */
			bits8	   *bitmap = ARR_NULLBITMAP(xa);
			const double *v = (const double *) ARR_DATA_PTR(xa);

			for (int i = 0; i < p; i++)
				if (bitmap[i / 8] & (1 << (i % 8)))
				{
					if (!isfinite(*v))
						bad_predictor(*v);
					v++;
				}
		}
	}

	if (PG_NARGS() > 5 && PG_ARGISNULL(5))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("terms must not be NULL"),
				 errhint("Leave terms out to name the coefficients x1, x2 and so on.")));
	if (s->terms == NULL && s->p > 0 && PG_NARGS() > 5)
	{
		s->terms = parse_terms(PG_GETARG_ARRAYTYPE_P(5), s->p, aggcxt);
		(void) svy_option_unchanged(&s->terms_seen, PG_GETARG_RAW_VARLENA_P(5), aggcxt);
	}
	else if (s->terms != NULL && PG_NARGS() > 5 && !s->terms_const &&
			 !svy_option_unchanged(&s->terms_seen, PG_GETARG_RAW_VARLENA_P(5), aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("terms must be the same on every row")));

	complete = complete && !PG_ARGISNULL(1) && !(d->flags & SVY_OUT_OF_DOMAIN);
	if (!PG_ARGISNULL(1))
	{
		const char *allowed;

		svy_check_outcome(y);
		if (s->family != SVY_GLM_GAUSSIAN && !svy_glm_outcome_ok(s->family, y, &allowed))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("outcome %g is out of range for family %s", y,
							svy_glm_family_name(s->family)),
					 errdetail("Outcomes of this family must be %s.", allowed)));
	}

	/*
	 * The design: complete cases in the domain are the rows of the fit.  Its
	 * weights are not negative, as R's glm needs: every design constructor
	 * and input checks them.
	 */
	if (s->base->calib == NULL && !svy_design_is_calibrated(d))
		h = svy_accum_row(s->base, d, 0.0, 1.0, d->kind == SVY_KIND_TAYLOR ? !complete : false);
	else
		h = svy_glm_calib_base_row(s, d, !complete);
	if (s->nrep == 0 && d->kind == SVY_KIND_REPLICATE)
	{
		s->nrep = d->nrep;
		s->rep_devc = MemoryContextAllocZero(aggcxt, sizeof(double) * s->nrep);
	}
	if (s->cal == NULL && !(d->flags & SVY_OUT_OF_DOMAIN))
	{
		s->wsum_design += d->weight;
		s->nrow_design += 1;
	}
	if (complete && s->cal)
	{
		/* the cell is (x, calibration cell, numeric auxiliaries) */
		svy_glm_calib_row_key(s, d, xbuf);
		xh = x_hash(xbuf, s->xw);
	}
	cell = complete ? glm_add_row(s, d, h, y, x, xh) : -1;
	if (s->cal)
		svy_glm_calib_row(s, d, h, cell, y);
	PG_RETURN_DATUM(svy_agg_datum(st));
}

/* ---------- merging ---------- */

static void
glm_merge(GlmState *into, const GlmState *from)
{
	int		   *cmap,
			   *umap = NULL;
	int			p;

	if (from->family == 0)
		return;
	if (into->family != 0 && into->family != from->family)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("family must be the same on every row")));
	if (into->p != 0 && from->p != 0 && into->p != from->p)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("x arrays differ in length: %d and %d", into->p, from->p)));
	if ((into->terms == NULL) != (from->terms == NULL) && into->p != 0 && from->p != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("terms must be the same on every row")));
	if (into->terms && from->terms)
		for (int i = 0; i < into->p; i++)
			if (strcmp(into->terms[i], from->terms[i]) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("terms must be the same on every row")));
	into->family = from->family;
	if (into->p == 0)
	{
		into->p = from->p;
		if (from->terms)
		{
			into->terms = MemoryContextAlloc(into->cxt, sizeof(char *) * from->p);
			for (int i = 0; i < from->p; i++)
				into->terms[i] = MemoryContextStrdup(into->cxt, from->terms[i]);
		}
	}
	svy_accum_merge(into->base, from->base);	/* errors if one is calibrated and one not */
	if (from->cal && into->cal == NULL)
		svy_glm_calib_start(into, from->cal->k);
	into->xw = into->p + (into->cal ? 1 + into->cal->k : 0);
	p = into->xw;
	if (into->nrep == 0 && from->nrep > 0)
	{
		into->nrep = from->nrep;
		into->rep_devc = MemoryContextAllocZero(into->cxt, sizeof(double) * into->nrep);
	}
	into->wsum_design += from->wsum_design;
	into->nrow_design += from->nrow_design;
	into->nfit += from->nfit;
	into->dev_const += from->dev_const;
	into->dev0 += from->dev0;
	for (int r = 0; r < from->nrep; r++)
		into->rep_devc[r] += from->rep_devc[r];

	cmap = palloc(sizeof(int) * (from->ncells + 1));
	for (int c = 0; c < from->ncells; c++)
	{
		int			k;

		CHECK_FOR_INTERRUPTS();
		k = cell_index(into, from->x + (long) c * p, from->cell_hash[c]);	/* p: stored width */
		cmap[c] = k;
		into->sw[k] += from->sw[c];
		into->swy[k] += from->swy[c];
		into->s0w[k] += from->s0w[c];
		into->s0wz[k] += from->s0wz[c];
		into->cn[k] += from->cn[c];
		into->cn1[k] += from->cn1[c];
		for (int r = 0; r < from->nrep; r++)
		{
			into->rep_sw[(long) k * into->nrep + r] += from->rep_sw[(long) c * from->nrep + r];
			into->rep_swy[(long) k * into->nrep + r] += from->rep_swy[(long) c * from->nrep + r];
		}
	}
	if (from->start_approx)
		into->start_approx = true;
	into->y_fraction |= from->y_fraction;
	for (int i = 0; i < from->nstart && !into->start_approx; i++)
		start_add(into, cmap[from->st_cell[i]], from->st_y[i], from->st_w[i], from->st_n[i]);
	if (from->cal)
		svy_glm_calib_merge(into, from, cmap);

	/* units: PSUs by identity, strata by their index in the merged base */
	if (from->base->kind == SVY_KIND_TAYLOR)
	{
		int			nunits = has_psu(from) ? from->npsu : from->base->nstrata;

		umap = palloc(sizeof(int) * (nunits + 1));
		for (int u = 0; u < nunits; u++)
		{
			int			h = has_psu(from) ? from->psu_stratum[u] : u;
			int			hh = svy_accum_stratum_find(into->base, from->base->strata[h].id);

			umap[u] = has_psu(from) ? psu_index(into, from->psu_key[2 * u], from->psu_key[2 * u + 1], hh,
												two_stage(from) ? from->unit_psu + 2 * u : NULL) : hh;
		}
		for (int i = 0; i < from->nuc; i++)
		{
			int			k = uc_index(into, umap[from->uc[i].unit], cmap[from->uc[i].cell]);

			CHECK_FOR_INTERRUPTS();
			into->uc[k].sw += from->uc[i].sw;
			into->uc[k].swy += from->uc[i].swy;
			if (!has_psu(into))
			{
				into->ucsq[k].sww += from->ucsq[i].sww;
				into->ucsq[k].swwy += from->ucsq[i].swwy;
				into->ucsq[k].swwyy += from->ucsq[i].swwyy;
			}
		}
		pfree(umap);
	}
	pfree(cmap);
}

/* ---------- binary format (network byte order, versioned) ---------- */

static void
glm_serialize(const GlmState *s, StringInfo buf)
{
	int			p = s->p;
	int			xw = s->xw;

	pq_sendbyte(buf, GLM_STATE_VERSION);
	svy_accum_serialize(s->base, buf);
	pq_sendbyte(buf, s->family);
	pq_sendint32(buf, p);
	pq_sendbyte(buf, s->terms != NULL);
	if (s->terms)
		for (int i = 0; i < p; i++)
		{
			int			len = strlen(s->terms[i]);

			pq_sendint32(buf, len);
			pq_sendbytes(buf, s->terms[i], len);
		}
	if (s->cal)
		pq_sendint32(buf, s->cal->k);	/* calibrated (the base state says so) */
	pq_sendfloat8(buf, s->wsum_design);
	pq_sendfloat8(buf, s->nrow_design);
	pq_sendfloat8(buf, s->nfit);
	pq_sendfloat8(buf, s->dev_const);
	pq_sendfloat8(buf, s->dev0);
	pq_sendint32(buf, s->nrep);
	for (int r = 0; r < s->nrep; r++)
		pq_sendfloat8(buf, s->rep_devc[r]);

	pq_sendint32(buf, s->ncells);
	for (int c = 0; c < s->ncells; c++)
	{
		for (int j = 0; j < xw; j++)
			pq_sendfloat8(buf, s->x[(long) c * xw + j]);
		pq_sendfloat8(buf, s->sw[c]);
		pq_sendfloat8(buf, s->swy[c]);
		pq_sendfloat8(buf, s->s0w[c]);
		pq_sendfloat8(buf, s->s0wz[c]);
		pq_sendfloat8(buf, s->cn[c]);
		pq_sendfloat8(buf, s->cn1[c]);
		for (int r = 0; r < s->nrep; r++)
		{
			pq_sendfloat8(buf, s->rep_sw[(long) c * s->nrep + r]);
			pq_sendfloat8(buf, s->rep_swy[(long) c * s->nrep + r]);
		}
	}
	pq_sendbyte(buf, s->y_fraction);
	pq_sendbyte(buf, s->start_approx);
	pq_sendint32(buf, s->start_approx ? 0 : s->nstart);
	for (int i = 0; i < s->nstart && !s->start_approx; i++)
	{
		pq_sendint32(buf, s->st_cell[i]);
		pq_sendfloat8(buf, s->st_y[i]);
		pq_sendfloat8(buf, s->st_w[i]);
		pq_sendfloat8(buf, s->st_n[i]);
	}
	pq_sendint32(buf, s->npsu);
	for (int u = 0; u < s->npsu; u++)
	{
		pq_sendint64(buf, s->psu_key[2 * u]);
		pq_sendint64(buf, s->psu_key[2 * u + 1]);
		pq_sendint32(buf, s->psu_stratum[u]);
		if (two_stage(s))
		{
			pq_sendint64(buf, s->unit_psu[2 * u]);
			pq_sendint64(buf, s->unit_psu[2 * u + 1]);
		}
	}
	pq_sendint32(buf, s->nuc);
	for (int i = 0; i < s->nuc; i++)
	{
		pq_sendint32(buf, s->uc[i].unit);
		pq_sendint32(buf, s->uc[i].cell);
		pq_sendfloat8(buf, s->uc[i].sw);
		pq_sendfloat8(buf, s->uc[i].swy);
		if (!has_psu(s))
		{
			pq_sendfloat8(buf, s->ucsq[i].sww);
			pq_sendfloat8(buf, s->ucsq[i].swwy);
			pq_sendfloat8(buf, s->ucsq[i].swwyy);
		}
	}
	if (s->cal)
		svy_glm_calib_serialize(s, buf);
}

void
svy_glm_bad_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid regression state"),
			 errdetail("%s", detail)));
}

/* A count read from buf: non-negative, and each of its items (of at least item bytes) present. */
static int
get_count(StringInfo buf, Size item, const char *what)
{
	return svy_wire_count(buf, Max(item, 1), psprintf("bad number of %s", what));
}

double
svy_glm_get_finite(StringInfo buf)
{
	double		v = svy_wire_float8(buf);

	if (!isfinite(v))
		svy_glm_bad_state("A sum is not finite.");
	return v;
}

static GlmState *
glm_deserialize(StringInfo buf, MemoryContext cxt)
{
	GlmState   *s = glm_create(cxt);
	int			p,
				n,
				nrep;
	MemoryContext old = MemoryContextSwitchTo(cxt);

	if (buf->len - buf->cursor < 1 || svy_wire_byte(buf) != GLM_STATE_VERSION)
		svy_glm_bad_state("Unknown version.");
	s->base = svy_accum_deserialize(buf, cxt);
	s->family = svy_wire_byte(buf);
	p = svy_wire_int32(buf);
	if (s->family != 0 && (s->family < SVY_GLM_GAUSSIAN || s->family > SVY_GLM_QUASIPOISSON))
		svy_glm_bad_state("Unknown family.");
	if (p < 0 || p > GLM_MAX_P || (p > 0 && s->family == 0))
		svy_glm_bad_state("Bad number of coefficients.");
	s->p = p;
	if (svy_wire_byte(buf))
	{
		s->terms = palloc(sizeof(char *) * Max(p, 1));
		for (int i = 0; i < p; i++)
		{
			int			len = get_count(buf, 1, "term length");

			s->terms[i] = palloc(len + 1);
			pq_copymsgbytes(buf, s->terms[i], len);
			s->terms[i][len] = '\0';
			if (strlen(s->terms[i]) != (size_t) len || !pg_verifymbstr(s->terms[i], len, true))
				svy_glm_bad_state("A term name is not valid text.");
		}
	}
	if (s->base->calib)
	{
		int			k = svy_wire_int32(buf);

		if (k != svy_calib_accum_k(s->base))
			svy_glm_bad_state("The calibration does not match the design.");
		svy_glm_calib_start(s, k);
	}
	s->xw = p + (s->cal ? 1 + s->cal->k : 0);
	s->wsum_design = svy_glm_get_finite(buf);
	s->nrow_design = svy_glm_get_finite(buf);
	s->nfit = svy_glm_get_finite(buf);
	s->dev_const = svy_glm_get_finite(buf);
	s->dev0 = svy_glm_get_finite(buf);
	nrep = get_count(buf, sizeof(double), "replicate");
	if (nrep != (s->base->kind == SVY_KIND_REPLICATE ? s->base->nrep : 0))
		svy_glm_bad_state("The number of replicates does not match the design.");
	s->nrep = nrep;
	s->rep_devc = palloc0(sizeof(double) * Max(nrep, 1));
	for (int r = 0; r < nrep; r++)
		s->rep_devc[r] = svy_glm_get_finite(buf);

	n = get_count(buf, sizeof(double) * (s->xw + 6 + 2 * (Size) nrep), "cell");
	if (n > 0 && p == 0)
		svy_glm_bad_state("Cells without coefficients.");
	for (int c = 0; c < n; c++)
	{
		double		xr[GLM_XW_MAX];
		int			k;

		for (int j = 0; j < s->xw; j++)
			xr[j] = svy_glm_get_finite(buf);
		k = cell_index(s, xr, x_hash(xr, s->xw));
		if (k != c)
			svy_glm_bad_state("A predictor row appears twice.");
		s->sw[c] = svy_glm_get_finite(buf);
		s->swy[c] = svy_glm_get_finite(buf);
		s->s0w[c] = svy_glm_get_finite(buf);
		s->s0wz[c] = svy_glm_get_finite(buf);
		s->cn[c] = svy_glm_get_finite(buf);
		s->cn1[c] = svy_glm_get_finite(buf);
		if (s->cn1[c] < 0 || s->cn1[c] > s->cn[c])
			svy_glm_bad_state("A cell's count of outcomes 1 exceeds its rows.");
		for (int r = 0; r < nrep; r++)
		{
			s->rep_sw[(long) c * nrep + r] = svy_glm_get_finite(buf);
			s->rep_swy[(long) c * nrep + r] = svy_glm_get_finite(buf);
		}
	}
	s->y_fraction = svy_wire_byte(buf) != 0;
	s->start_approx = svy_wire_byte(buf) != 0;
	n = get_count(buf, 4 + 3 * sizeof(double), "start");
	for (int i = 0; i < n; i++)
	{
		int			c = svy_wire_int32(buf);
		double		y = svy_glm_get_finite(buf),
					w = svy_glm_get_finite(buf),
					cnt = svy_glm_get_finite(buf);

		if (c < 0 || c >= s->ncells)
			svy_glm_bad_state("A start entry refers to an unknown cell.");
		start_add(s, c, y, w, cnt);
	}
	n = get_count(buf, two_stage(s) ? 36 : 20, "PSU");
	if (n > 0 && !(s->base->kind == SVY_KIND_TAYLOR && has_psu(s)))
		svy_glm_bad_state("PSUs in a design without PSUs.");
	for (int u = 0; u < n; u++)
	{
		uint64		k0 = svy_wire_int64(buf),
					k1 = svy_wire_int64(buf);
		int			h = svy_wire_int32(buf);
		uint64		psu[2] = {0, 0};

		if (h < 0 || h >= s->base->nstrata)
			svy_glm_bad_state("A PSU refers to an unknown stratum.");
		if (two_stage(s))
		{
			psu[0] = svy_wire_int64(buf);
			psu[1] = svy_wire_int64(buf);
		}
		if (psu_index(s, k0, k1, h, psu) != u)
			svy_glm_bad_state("A PSU appears twice.");
	}
	n = get_count(buf, 8 + 2 * sizeof(double), "PSU cell");
	if (n > 0 && s->base->kind != SVY_KIND_TAYLOR)
		svy_glm_bad_state("PSU cells in a replicate design.");
	for (int i = 0; i < n; i++)
	{
		int			unit = svy_wire_int32(buf),
					cell = svy_wire_int32(buf);
		int			k;

		if (unit < 0 || unit >= (has_psu(s) ? s->npsu : s->base->nstrata) ||
			cell < 0 || cell >= s->ncells)
			svy_glm_bad_state("A PSU cell refers to an unknown PSU or cell.");
		k = uc_index(s, unit, cell);
		if (k != i)
			svy_glm_bad_state("A PSU cell appears twice.");
		s->uc[k].sw = svy_glm_get_finite(buf);
		s->uc[k].swy = svy_glm_get_finite(buf);
		if (!has_psu(s))
		{
			s->ucsq[k].sww = svy_glm_get_finite(buf);
			s->ucsq[k].swwy = svy_glm_get_finite(buf);
			s->ucsq[k].swwyy = svy_glm_get_finite(buf);
		}
	}
	if (s->cal)
		svy_glm_calib_deserialize(s, buf);
	if (buf->cursor != buf->len)
		svy_glm_bad_state("Trailing bytes.");
	MemoryContextSwitchTo(old);
	return s;
}

/* ---------- the svy_aggstate operations (src/aggstate.h) ---------- */

static void *
glm_ops_create(MemoryContext cxt)
{
	return glm_create(cxt);
}

static void
glm_ops_merge(void *into, void *from)
{
	MemoryContext old = MemoryContextSwitchTo(((GlmState *) into)->cxt);

	glm_merge(into, from);
	MemoryContextSwitchTo(old);
}

static void
glm_ops_serialize(void *state, StringInfo buf)
{
	glm_serialize(state, buf);
}

static void *
glm_ops_deserialize(StringInfo buf, MemoryContext cxt)
{
	return glm_deserialize(buf, cxt);
}

const SvyAggOps svy_glm_ops = {
	"regression", true, false,
	glm_ops_create, glm_ops_merge, glm_ops_serialize, glm_ops_deserialize
};

/* ---------- the model ---------- */

typedef struct GlmModel
{
	int			family;
	int			p;
	int			iterations;
	bool		converged;
	double		df;				/* residual df: design df + 1 - p */
	double		n;				/* rows in the fit with w != 0 */
	char	  **terms;
	double	   *beta;
	double	   *vcov;			/* p x p */
} GlmModel;

static bytea *
model_bytes(const GlmModel *m)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, GLM_MODEL_VERSION);
	pq_sendbyte(&buf, m->family);
	pq_sendint32(&buf, m->p);
	pq_sendint32(&buf, m->iterations);
	pq_sendbyte(&buf, m->converged);
	pq_sendfloat8(&buf, m->df);
	pq_sendfloat8(&buf, m->n);
	for (int i = 0; i < m->p; i++)
	{
		int			len = strlen(m->terms[i]);

		pq_sendint32(&buf, len);
		pq_sendbytes(&buf, m->terms[i], len);
	}
	for (int i = 0; i < m->p; i++)
		pq_sendfloat8(&buf, m->beta[i]);
	for (int i = 0; i < m->p * m->p; i++)
		pq_sendfloat8(&buf, m->vcov[i]);
	return pq_endtypsend(&buf);
}

static void
bad_model(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid svy_model value"),
			 errdetail("%s", detail)));
}

/* Read and validate a model's bytes. */
static void
model_read(const char *data, int len, GlmModel *m)
{
	StringInfoData buf;
	int			p;

	buf.data = (char *) data;
	buf.len = len;
	buf.maxlen = len;
	buf.cursor = 0;
	if (len < 19)
		bad_model("Too short.");
	if (svy_wire_byte(&buf) != GLM_MODEL_VERSION)
		bad_model("Unknown version.");
	m->family = svy_wire_byte(&buf);
	if (m->family < SVY_GLM_GAUSSIAN || m->family > SVY_GLM_QUASIPOISSON)
		bad_model("Unknown family.");
	p = svy_wire_int32(&buf);
	if (p < 1 || p > GLM_MAX_P)
		bad_model("Bad number of coefficients.");
	m->p = p;
	m->iterations = svy_wire_int32(&buf);
	if (m->iterations < 0 || m->iterations > SVY_GLM_MAXIT)
		bad_model("Bad number of iterations.");
	m->converged = svy_wire_byte(&buf) != 0;
	m->df = svy_wire_float8(&buf);
	m->n = svy_wire_float8(&buf);
	if (!(m->df >= 1.0) || !isfinite(m->df) || !(m->n >= 0.0) || !isfinite(m->n))
		bad_model("Bad degrees of freedom or row count.");
	m->terms = palloc(sizeof(char *) * p);
	for (int i = 0; i < p; i++)
	{
		int			tl = svy_wire_int32(&buf);

		if (tl < 0 || tl > buf.len - buf.cursor)
			bad_model("A term name's length does not match the bytes present.");
		m->terms[i] = palloc(tl + 1);
		pq_copymsgbytes(&buf, m->terms[i], tl);
		m->terms[i][tl] = '\0';
		if (strlen(m->terms[i]) != (size_t) tl || !pg_verifymbstr(m->terms[i], tl, true))
			bad_model("A term name is not valid text.");
		for (int j = 0; j < i; j++)
			if (strcmp(m->terms[i], m->terms[j]) == 0)
				bad_model("A term name appears twice.");
	}
	if ((Size) (buf.len - buf.cursor) != sizeof(double) * (p + (Size) p * p))
		bad_model("The coefficients do not match the bytes present.");
	m->beta = palloc(sizeof(double) * p);
	m->vcov = palloc(sizeof(double) * p * p);
	for (int i = 0; i < p; i++)
		if (!isfinite(m->beta[i] = svy_wire_float8(&buf)))
			bad_model("A coefficient is not finite.");
	for (int i = 0; i < p * p; i++)
		if (!isfinite(m->vcov[i] = svy_wire_float8(&buf)))
			bad_model("A covariance is not finite.");
	for (int i = 0; i < p; i++)
	{
		if (m->vcov[i * p + i] < 0.0)
			bad_model("A variance is negative.");
		for (int j = 0; j < i; j++)
			if (m->vcov[i * p + j] != m->vcov[j * p + i])
				bad_model("The covariance matrix is not symmetric.");
	}
}

static void
model_arg(FunctionCallInfo fcinfo, int argno, GlmModel *m)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(argno);

	model_read(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), m);
}

Datum
svy_model_out(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);

	PG_RETURN_CSTRING(svy_hex_out(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b)));
}

static bytea *
checked_model(const char *data, int len)
{
	bytea	   *b = palloc(VARHDRSZ + len);
	GlmModel	m;

	model_read(data, len, &m);
	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), data, len);
	return b;
}

Datum
svy_model_in(PG_FUNCTION_ARGS)
{
	int			len;
	char	   *bin = svy_hex_in(PG_GETARG_CSTRING(0), "svy_model", &len);

	PG_RETURN_BYTEA_P(checked_model(bin, len));
}

Datum
svy_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	bytea	   *b = checked_model(buf->data + buf->cursor, len);

	buf->cursor = buf->len;
	PG_RETURN_BYTEA_P(b);
}

Datum
svy_model_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(PG_GETARG_BYTEA_P_COPY(0));
}

/* ---------- the final function ---------- */

static void
fit_error(const GlmState *s, SvyGlmStatus status, const SvyGlmFit *fit, const char *which)
{
	const char *name = NULL;

	if (status == SVY_GLM_SINGULAR)
	{
		name = s->terms ? s->terms[fit->aliased] : psprintf("x%d", fit->aliased + 1);
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("design matrix is singular%s: term \"%s\" is aliased", which, name),
				 errdetail("Its column is a linear combination of the earlier columns on the rows of the fit (R reports its coefficient as NA)."),
				 errhint("Drop the term, or a level of a categorical predictor that has no rows in the domain.")));
	}
	if (status == SVY_GLM_BOUNDARY)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg(is_binomial(s->family)
						? "fitted probabilities numerically 0 or 1 occurred%s"
						: "fitted rates numerically 0 occurred%s", which),
				 errdetail("The predictors separate the outcome (complete or quasi-complete separation): some coefficient is infinite."),
				 errhint("Remove or merge the predictor levels in which the outcome never or always occurs.")));
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("regression diverged%s: the deviance is not finite", which)));
}

/* Cells of one fit, with weights scaled by k (and by cg, if given, per cell), into caller arrays. */
static void
scaled_cells(const GlmState *s, double k, const double *cg, const double *sw, const double *swy,
			 int stride, double dev_const, double *osw, double *oswy, SvyGlmCells *c)
{
	for (int i = 0; i < s->ncells; i++)
	{
		double		f = cg ? cg[i] * k : k;

		osw[i] = sw[(long) i * stride] * f;
		oswy[i] = swy[(long) i * stride] * f;
	}
	c->family = s->family;
	c->p = s->p;
	c->ncells = s->ncells;
	c->x = s->x;
	c->sw = osw;
	c->swy = oswy;
	c->dev_const = dev_const * k;
}

/*
 * glm.fit's start sums per cell, with prior weights w / m; on calibrated
 * designs w = cg d, and sw, swy are the calibrated sums; *dev0 is then the
 * caller's for the families other than binomial.
 */
static void
start_sums(const GlmState *s, double m, const double *cg, const double *sw, const double *swy,
		   double *w0, double *wz0, double *dev0)
{
	if (s->family == SVY_GLM_GAUSSIAN)
	{
		/* the identity link starts at mu = y: W0 = w, W0 z0 = w y, no deviance */
		for (int c = 0; c < s->ncells; c++)
		{
			w0[c] = sw[c] / m;
			wz0[c] = swy[c] / m;
		}
		*dev0 = 0.0;
		return;
	}
	if (!is_binomial(s->family))
	{
		for (int c = 0; c < s->ncells; c++)
		{
			w0[c] = s->s0w[c] * (cg ? cg[c] : 1.0) / m;
			wz0[c] = s->s0wz[c] * (cg ? cg[c] : 1.0) / m;
		}
		if (!cg)
			*dev0 = s->dev0 / m;
		return;
	}
	memset(w0, 0, sizeof(double) * s->ncells);
	memset(wz0, 0, sizeof(double) * s->ncells);
	*dev0 = 0.0;
	if (!s->start_approx)
	{
		for (int i = 0; i < s->nstart; i++)
		{
			double		W,
						Wz,
						d;

			svy_glm_start_row(s->family, s->st_w[i] * (cg ? cg[s->st_cell[i]] : 1.0) / m, s->st_y[i],
							  &W, &Wz, &d);
			w0[s->st_cell[i]] += s->st_n[i] * W;
			wz0[s->st_cell[i]] += s->st_n[i] * Wz;
			*dev0 += s->st_n[i] * d;
		}
		return;
	}
	/*
	 * Too many distinct weights: the rows of a cell as rows of its mean
	 * weight, per outcome 0 and 1 when every outcome is 0 or 1, else of the
	 * cell's mean outcome.
	 */
	for (int c = 0; c < s->ncells; c++)
	{
		double		W,
					Wz,
					d;

		if (s->cn[c] == 0)
			continue;
		if (!s->y_fraction)
		{
			double		n1 = s->cn1[c],
						n0 = s->cn[c] - n1,
						sw1 = swy[c],
						sw0 = sw[c] - sw1;

			w0[c] = wz0[c] = 0.0;
			if (n1 > 0)
			{
				svy_glm_start_row(s->family, sw1 / n1 / m, 1.0, &W, &Wz, &d);
				w0[c] += n1 * W;
				wz0[c] += n1 * Wz;
				*dev0 += n1 * d;
			}
			if (n0 > 0)
			{
				svy_glm_start_row(s->family, sw0 / n0 / m, 0.0, &W, &Wz, &d);
				w0[c] += n0 * W;
				wz0[c] += n0 * Wz;
				*dev0 += n0 * d;
			}
			continue;
		}
		svy_glm_start_row(s->family, sw[c] / s->cn[c] / m, swy[c] / sw[c], &W, &Wz, &d);
		w0[c] = s->cn[c] * W;
		wz0[c] = s->cn[c] * Wz;
		*dev0 += s->cn[c] * d;
	}
}

/*
 * Two-stage designs: the first-stage PSU of each unit (a second-stage unit),
 * as its slot in the base state, and each PSU's score total in psu_u
 * (p per slot, zeroed by the caller).
 */
static void
stage1_totals(const GlmState *s, const double *u, int *group, double *psu_u)
{
	int			p = s->p;

	svy_stage2_unit_slots(s->base, s->npsu, s->psu_stratum, s->unit_psu, group);
	for (int j = 0; j < s->npsu; j++)
		for (int a = 0; a < p; a++)
			psu_u[(Size) group[j] * p + a] += u[(Size) j * p + a];
}

void
svy_glm_stage2_add(const SvyAccum *base, int p, SvyCovariance *cov, const SvyStage2Totals *st2, int npsu,
				   const double *u, int nunits, const int *group, const double *psu_u, bool every_psu)
{
	int		   *start = palloc(sizeof(int) * (npsu + 1));
	int		   *order = palloc(sizeof(int) * (nunits + 1));
	double	   *Q = palloc(sizeof(double) * p * p);
	bool	   *present = palloc(sizeof(bool) * p);

	svy_order_by_key(nunits, group, npsu, order, start);	/* units by PSU */
	for (int g = 0; g < npsu; g++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int a = 0; a < p; a++)
			present[a] = every_psu || st2[g].present;
		svy_stage2_add_psu(cov, base, &st2[g], p, u, order + start[g], start[g + 1] - start[g],
						   psu_u + (Size) g * p, present, Q);
	}
	pfree(start);
	pfree(order);
	pfree(Q);
	pfree(present);
}

void
svy_glm_strata_add(const SvyAccum *base, const SvyStratumTotals *st, int p, double *S, double *Q,
				   bool every_stratum, bool *present, SvyCovariance *cov)
{
	for (int h = 0; h < base->nstrata; h++)
	{
		double		n_h = st[h].psu.n;
		double	   *Sh = S + (Size) h * p,
				   *Qh = Q + (Size) h * p * p;
		SvyStatus	status;

		/* centre: sum_j (u_j - ubar)(u_j - ubar)' = sum u u' - S S' / n_h */
		if (n_h > 0)
			for (int a = 0; a < p; a++)
				for (int b = 0; b < p; b++)
					Qh[a * p + b] -= Sh[a] * Sh[b] / n_h;
		for (int a = 0; a < p; a++)
			present[a] = every_stratum || st[h].in_domain;
		status = svy_covariance_add(cov, n_h, st[h].fpc, Sh, Qh, present);
		if (status != SVY_OK)
			svy_report_design_error(base, status, h, n_h);
	}
}

/* The sandwich A Var(sum U) A of a linearization design into v. */
static void
taylor_vcov(const GlmState *s, const SvyGlmCells *c, const SvyGlmFit *fit, double m, double *v)
{
	const SvyAccum *base = s->base;
	int			p = s->p;
	int			nstrata = base->nstrata;
	bool		by_psu = has_psu(s);
	int			nunits = by_psu ? s->npsu : nstrata;
	SvyStratumTotals *st = palloc0(sizeof(SvyStratumTotals) * Max(nstrata, 1));
	double	   *u = palloc0(sizeof(double) * (Size) p * Max(nunits, 1));
	double	   *S = palloc0(sizeof(double) * (Size) p * Max(nstrata, 1));
	double	   *Q = palloc0(sizeof(double) * (Size) p * p * Max(nstrata, 1));
	double	   *M = palloc0(sizeof(double) * p * p);
	double	   *tmp = palloc(sizeof(double) * p * p);
	/* the fit is one domain: its strata are counted once for every coefficient */
	SvyCovariance cov = {p, M, (SvyLonely) survey_lonely_psu, NULL, NULL, 0, 0};
	bool	   *present = palloc(sizeof(bool) * p);
	SvyStage2Totals *st2 = NULL;
	int			nslots = 0;
	int		   *group = NULL;
	double	   *psu_u = NULL;

	svy_accum_strata(base, 0.0, st);	/* n_h: PSUs (or rows) of each stratum */
	for (int i = 0; i < s->nuc; i++)
	{
		CHECK_FOR_INTERRUPTS();
		svy_glm_score_add(c, fit, s->uc[i].cell, s->uc[i].sw / m, s->uc[i].swy / m,
						  u + (Size) s->uc[i].unit * p);
		if (!by_psu)
			svy_glm_score_cross_add(c, fit, s->uc[i].cell, s->ucsq[i].sww / (m * m),
									s->ucsq[i].swwy / (m * m), s->ucsq[i].swwyy / (m * m),
									Q + (Size) s->uc[i].unit * p * p);
	}
	if (two_stage(s))
	{
		/* the first stage: the PSUs' totals of their units */
		st2 = svy_accum_stage2(base, 0.0, st, &nslots);
		group = palloc(sizeof(int) * (s->npsu + 1));
		psu_u = palloc0(sizeof(double) * (Size) p * Max(nslots, 1));
		stage1_totals(s, u, group, psu_u);
		for (int g = 0; g < nslots; g++)
		{
			int			h = st2[g].stratum;
			double	   *ug = psu_u + (Size) g * p;

			for (int a = 0; a < p; a++)
			{
				S[h * p + a] += ug[a];
				for (int b = 0; b < p; b++)
					Q[(Size) h * p * p + a * p + b] += ug[a] * ug[b];
			}
		}
	}
	else if (by_psu)
	{
		for (int j = 0; j < s->npsu; j++)
		{
			int			h = s->psu_stratum[j];
			double	   *uj = u + (Size) j * p;

			for (int a = 0; a < p; a++)
			{
				S[h * p + a] += uj[a];
				for (int b = 0; b < p; b++)
					Q[(Size) h * p * p + a * p + b] += uj[a] * uj[b];
			}
		}
	}
	else
		memcpy(S, u, sizeof(double) * p * nstrata);

	svy_glm_strata_add(base, st, p, S, Q, false, present, &cov);
	svy_covariance_finish(&cov);
	if (st2)
	{
		svy_glm_stage2_add(base, p, &cov, st2, nslots, u, s->npsu, group, psu_u, false);
		pfree(st2);
		pfree(group);
		pfree(psu_u);
	}
	svy_glm_sandwich(p, fit->ainv, M, v, tmp);
	pfree(present);
	pfree(st);
	pfree(u);
	pfree(S);
	pfree(Q);
	pfree(M);
	pfree(tmp);
}

Datum
svy_glm_final(PG_FUNCTION_ARGS)
{
	GlmState   *s;
	const SvyAccum *base;
	int			p,
				nc;
	double		m,
				degf,
				dev0;
	double	   *sw,
			   *swy,
			   *w0,
			   *wz0,
			   *work,
			   *cg = NULL,
			   *csw,
			   *cswy,
			   *rg = NULL;
	double		dev_const = 0.0;
	struct GlmCalibFit *cf = NULL;
	SvyGlmCells cells;
	SvyGlmFit	fit;
	SvyGlmStatus status;
	GlmModel	model;

	s = svy_agg_read(fcinfo, 0, SVY_AGG_GLM);
	if (s == NULL)
		PG_RETURN_NULL();
	base = s->base;
	if (s->nfit == 0 || s->p == 0)
		PG_RETURN_NULL();		/* an empty domain: no model */
	p = s->p;
	nc = s->ncells;

	/* residual df as R: complete-case df (linearization), all rows (replicates) */
	if (base->kind == SVY_KIND_REPLICATE)
		degf = base->rank.rank - 1.0;
	else
	{
		SvyStratumTotals *st = palloc0(sizeof(SvyStratumTotals) * Max(base->nstrata, 1));

		degf = svy_accum_strata(base, 0.0, st);
		pfree(st);
	}
	m = s->wsum_design / s->nrow_design;	/* R's rescale: prior weights w / mean(w) */
	dev_const = s->dev_const;
	if (s->cal)
	{
		/* calibrated: cell c's prior weights are cg[c] d / m */
		cg = palloc(sizeof(double) * nc);
		cf = svy_glm_calib_prepare(s, cg, &m, &dev_const, &dev0);
		if (base->kind == SVY_KIND_REPLICATE)
		{
			/* each replicate's own calibration; degf of the calibrated weights */
			rg = palloc(sizeof(double) * nc * s->nrep);
			svy_glm_calib_rep_factors(s, cf, rg, &degf);
		}
	}
	if (!(degf + 1.0 - p >= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the model has %d coefficients but the design has only %g degrees of freedom", p, degf),
				 errdetail("The residual degrees of freedom, design df + 1 - coefficients, must be at least 1."),
				 errhint("Use fewer predictors, or a design with more PSUs.")));
	sw = palloc(sizeof(double) * nc);
	swy = palloc(sizeof(double) * nc);
	w0 = palloc(sizeof(double) * nc);
	wz0 = palloc(sizeof(double) * nc);
	work = palloc(sizeof(double) * svy_glm_work_size(p, nc));
	fit.beta = palloc0(sizeof(double) * p);
	fit.ainv = palloc(sizeof(double) * p * p);
	fit.mu = palloc(sizeof(double) * nc);
	fit.sf = palloc(sizeof(double) * nc);

	csw = s->sw;
	cswy = s->swy;
	if (cg)
	{
		csw = palloc(sizeof(double) * nc);
		cswy = palloc(sizeof(double) * nc);
		for (int c = 0; c < nc; c++)
		{
			csw[c] = cg[c] * s->sw[c];
			cswy[c] = cg[c] * s->swy[c];
		}
	}
	scaled_cells(s, 1.0 / m, cg, s->sw, s->swy, 1, dev_const, sw, swy, &cells);
	if (s->xw != p)
	{
		/* the fit's x: the first p columns of the cell rows */
		double	   *xfit = palloc(sizeof(double) * p * nc);

		for (int c = 0; c < nc; c++)
			memcpy(xfit + (Size) c * p, s->x + (Size) c * s->xw, sizeof(double) * p);
		cells.x = xfit;
	}
	start_sums(s, m, cg, csw, cswy, w0, wz0, &dev0);
	status = svy_glm_irls(&cells, w0, wz0, dev0, &fit, work);
	if (status != SVY_GLM_OK)
		fit_error(s, status, &fit, "");
	if (!fit.converged)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("regression did not converge in %d iterations", SVY_GLM_MAXIT),
				 errdetail("The coefficients are those of the last iteration, as R's glm.fit returns them.")));

	model.family = s->family;
	model.p = p;
	model.iterations = fit.iterations;
	model.converged = fit.converged;
	model.df = degf + 1.0 - p;
	model.n = s->nfit;
	model.beta = palloc(sizeof(double) * p);
	memcpy(model.beta, fit.beta, sizeof(double) * p);
	model.vcov = palloc(sizeof(double) * p * p);
	model.terms = palloc(sizeof(char *) * p);
	for (int i = 0; i < p; i++)
		model.terms[i] = s->terms ? s->terms[i] : psprintf("x%d", i + 1);

	if (cf && base->kind == SVY_KIND_TAYLOR)
		svy_glm_calib_vcov(s, cf, &cells, &fit, cg, m, model.vcov);
	else if (base->kind == SVY_KIND_TAYLOR)
		taylor_vcov(s, &cells, &fit, m, model.vcov);
	else
	{
		int			nrep = s->nrep;
		double	   *betas = palloc(sizeof(double) * p * nrep);
		double	   *crsw = rg ? palloc(sizeof(double) * nc) : NULL;
		double	   *crswy = rg ? palloc(sizeof(double) * nc) : NULL;

		/* each replicate: glm.fit from the full-sample beta, weights / their sum */
		for (int r = 0; r < nrep; r++)
		{
			double		total = 0.0,
						rdevc = s->rep_devc[r];
			const double *rsw = s->rep_sw + r,
					   *rswy = s->rep_swy + r;
			int			stride = nrep;
			SvyGlmCells rc;

			CHECK_FOR_INTERRUPTS();
			if (rg)
			{
				/* calibrated: replicate r's weights w_r g_r */
				svy_glm_calib_rep_sums(s, rg, r, crsw, crswy, &rdevc);
				rsw = crsw;
				rswy = crswy;
				stride = 1;
			}
			for (int c = 0; c < nc; c++)
				total += rsw[(long) c * stride];
			if (!(total > 0.0))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("replicate %d has no weight on the rows of the fit", r + 1)));
			scaled_cells(s, 1.0 / total, NULL, rsw, rswy, stride, rdevc, sw, swy, &rc);
			rc.x = cells.x;
			memcpy(fit.beta, model.beta, sizeof(double) * p);
			status = svy_glm_irls(&rc, NULL, NULL, 0.0, &fit, work);
			if (status != SVY_GLM_OK)
				fit_error(s, status, &fit, psprintf(" in replicate %d", r + 1));
			memcpy(betas + (Size) r * p, fit.beta, sizeof(double) * p);
		}
		svy_glm_replicate_vcov(p, nrep, betas, model.beta, base->scale, base->rscales,
							   (base->flags & SVY_MSE) != 0, model.vcov, work);
	}
	/* exactly symmetric, as stored models must be */
	for (int i = 0; i < p; i++)
		for (int j = 0; j < i; j++)
			model.vcov[j * p + i] = model.vcov[i * p + j] =
				0.5 * (model.vcov[i * p + j] + model.vcov[j * p + i]);
	for (int i = 0; i < p * p; i++)
		if (!isfinite(model.vcov[i]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("variance of the coefficients is not finite"),
					 errdetail("The design gives no variance estimate for these coefficients.")));
	PG_RETURN_BYTEA_P(model_bytes(&model));
}

/* ---------- readers ---------- */

/* svy_coef(m, level, exponentiate) -> SETOF (term, estimate, std_error, ci_lower, ci_upper, statistic, df, p_value) */
Datum
svy_coef(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	GlmModel	m;
	double		level = svy_check_level(PG_GETARG_FLOAT8(1));
	bool		expo = PG_GETARG_BOOL(2);

	model_arg(fcinfo, 0, &m);
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < m.p; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {0};
		double		b = m.beta[i],
					se = sqrt(m.vcov[i * m.p + i]),
					lo,
					hi,
					t = b / se;

		svy_ci_symmetric(b, se, level, m.df, &lo, &hi);
		if (expo)
		{
			b = exp(b);
			lo = exp(lo);
			hi = exp(hi);
		}
		values[0] = CStringGetTextDatum(m.terms[i]);
		values[1] = svy_float8_or_null(b, &nulls[1]);
		values[2] = svy_float8_or_null(se, &nulls[2]);
		values[3] = svy_float8_or_null(lo, &nulls[3]);
		values[4] = svy_float8_or_null(hi, &nulls[4]);
		values[5] = svy_float8_or_null(t, &nulls[5]);
		values[6] = Float8GetDatum(m.df);
		values[7] = svy_float8_or_null(svy_t_pvalue(t, m.df), &nulls[7]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* regTermTest's test.statistic: the F or the chi-square reference distribution */
static const SvyName wald_statistics[] = {
	{"Chisq", 0},
	{"F", 1},
};

/* svy_wald(m, terms text[], statistic text) -> (statistic, ndf, ddf, p_value) */
Datum
svy_wald(PG_FUNCTION_ARGS)
{
	GlmModel	m;
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	bool		use_f = svy_parse_option_in(PG_GETARG_TEXT_PP(2), SVY_NAMES(wald_statistics),
											"Wald test statistic", "statistics", "F and Chisq");
	Datum	   *elems;
	bool	   *enulls;
	int			q;
	int			idx[GLM_MAX_P];
	double		chisq;
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {0};

	model_arg(fcinfo, 0, &m);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("terms must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &q);
	if (q == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a Wald test needs at least one term")));
	if (q > m.p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d terms to test, but the model has %d", q, m.p)));
	for (int i = 0; i < q; i++)
	{
		char	   *name;

		if (enulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("term names must not be NULL")));
		name = TextDatumGetCString(elems[i]);
		idx[i] = -1;
		for (int j = 0; j < m.p; j++)
			if (strcmp(name, m.terms[j]) == 0)
				idx[i] = j;
		if (idx[i] < 0)
		{
			StringInfoData all;

			initStringInfo(&all);
			for (int j = 0; j < m.p; j++)
				appendStringInfo(&all, "%s%s", j ? ", " : "", m.terms[j]);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the model has no term \"%s\"", name),
					 errdetail("Its terms are %s.", all.data)));
		}
		for (int j = 0; j < i; j++)
			if (idx[j] == idx[i])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("term \"%s\" is named twice", name)));
	}
	if (svy_glm_wald(m.p, m.beta, m.vcov, idx, q, &chisq,
					 palloc(sizeof(double) * (3 * q * q + 4 * q))) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the covariance of the tested coefficients is singular"),
				 errdetail("The design gives no information to test these terms jointly.")));

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (use_f)
	{
		values[0] = Float8GetDatum(chisq / q);
		values[2] = Float8GetDatum(m.df);
		values[3] = Float8GetDatum(svy_glm_wald_pvalue(chisq, q, m.df));
	}
	else
	{
		values[0] = Float8GetDatum(chisq);
		nulls[2] = true;
		values[3] = Float8GetDatum(svy_glm_wald_pvalue(chisq, q, INFINITY));
	}
	values[1] = Float8GetDatum(q);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* svy_vcov(m) -> float8[p][p] */
Datum
svy_vcov(PG_FUNCTION_ARGS)
{
	GlmModel	m;
	Datum	   *d;
	int			dims[2],
				lbs[2] = {1, 1};

	model_arg(fcinfo, 0, &m);
	d = palloc(sizeof(Datum) * m.p * m.p);
	for (int i = 0; i < m.p * m.p; i++)
		d[i] = Float8GetDatum(m.vcov[i]);
	dims[0] = dims[1] = m.p;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(d, NULL, 2, dims, lbs, FLOAT8OID, 8,
											 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* ---------- svy_dummies ---------- */

/*
 * Per call site, built on the first row (runs once per row of a
 * regression): the levels, a hash table of them for types whose equality is
 * the identity of their bytes, and each level's result array.
 */
typedef struct DummyCache
{
	ArrayType  *levels_seen;	/* the levels argument's bytes */
	bool		levels_const;	/* a constant of the call: not compared per row */
	int			nlevels;
	Datum	   *levels;
	FmgrInfo	eq;
	Oid			collation;
	int			bitwise;		/* 1: by-value equality is identity; 2: text bytes */
	int			tabmask;		/* bitwise: open addressing, size tabmask + 1 */
	int		   *tab;			/* level index + 1; 0 = empty */
	const char **text_data;		/* bitwise 2: each level's bytes */
	int		   *text_len;
	Size		nbytes;			/* of a result array */
	ArrayType **results;		/* per level */
} DummyCache;

/* Is equality of this type (and collation) the identity of the bytes? */
static int
bitwise_equality(Oid typid, Oid collation)
{
	if (typid == INT2OID || typid == INT4OID || typid == INT8OID || typid == BOOLOID ||
		typid == DATEOID || typid == OIDOID || type_is_enum(typid))
		return 1;
	if ((typid == TEXTOID || typid == VARCHAROID) && OidIsValid(collation) &&
		get_collation_isdeterministic(collation))
		return 2;
	return 0;
}

/* A text value's bytes without a function call when it is not toasted. */
static inline const struct varlena *
text_bytes(Datum d)
{
	struct varlena *t = (struct varlena *) DatumGetPointer(d);

	if (VARATT_IS_COMPRESSED(t) || VARATT_IS_EXTERNAL(t))
		t = pg_detoast_datum_packed(t);
	return t;
}

/* FNV-1a (level names are short) and the finalizer */
static inline uint64
bytes_hash(const char *b, int n)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned char) b[i]) * UINT64CONST(0x100000001b3);
	return mix64(h);
}

static bool
dummy_equal(DummyCache *dc, Datum a, Datum b)
{
	if (dc->bitwise == 1)
		return a == b;
	if (dc->bitwise == 2)
	{
		const struct varlena *ta = text_bytes(a),
				   *tb = text_bytes(b);

		return VARSIZE_ANY_EXHDR(ta) == VARSIZE_ANY_EXHDR(tb) &&
			memcmp(VARDATA_ANY(ta), VARDATA_ANY(tb), VARSIZE_ANY_EXHDR(ta)) == 0;
	}
	return DatumGetBool(FunctionCall2Coll(&dc->eq, dc->collation, a, b));
}

/* The index of value v among the levels, or -1. */
static int
dummy_find(DummyCache *dc, Datum v)
{
	if (dc->bitwise == 1)
	{
		for (int slot = mix64((uint64) v) & dc->tabmask; dc->tab[slot] != 0; slot = (slot + 1) & dc->tabmask)
			if (v == dc->levels[dc->tab[slot] - 1])
				return dc->tab[slot] - 1;
		return -1;
	}
	if (dc->bitwise == 2)
	{
		const struct varlena *t = text_bytes(v);
		const char *b = VARDATA_ANY(t);
		int			n = VARSIZE_ANY_EXHDR(t);

		for (int slot = bytes_hash(b, n) & dc->tabmask; dc->tab[slot] != 0; slot = (slot + 1) & dc->tabmask)
		{
			int			i = dc->tab[slot] - 1;

			if (dc->text_len[i] == n && memcmp(dc->text_data[i], b, n) == 0)
				return i;
		}
		return -1;
	}
	for (int i = 0; i < dc->nlevels; i++)
		if (dummy_equal(dc, v, dc->levels[i]))
			return i;
	return -1;
}

/* The cache for the levels argument (checked for NULLs and duplicates), in fn_mcxt. */
static DummyCache *
dummy_cache(FunctionCallInfo fcinfo, DummyCache *dc, ArrayType *levels)
{
	MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	Oid			elemtype = ARR_ELEMTYPE(levels);
	TypeCacheEntry *tc = lookup_type_cache(elemtype, TYPECACHE_EQ_OPR_FINFO);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	bool	   *lnulls;
	int			nout;

	if (!OidIsValid(tc->eq_opr_finfo.fn_oid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("could not identify an equality operator for type %s", format_type_be(elemtype))));
	if (ARR_NDIM(levels) != 1 || ARR_DIMS(levels)[0] < 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("levels must be a non-empty one-dimensional array")));
	if (dc == NULL)
		dc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(DummyCache));
	dc->levels_const = get_fn_expr_arg_stable(fcinfo->flinfo, 1);
	dc->levels_seen = palloc(VARSIZE(levels));
	memcpy(dc->levels_seen, levels, VARSIZE(levels));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(dc->levels_seen, elemtype, typlen, typbyval, typalign,
					  &dc->levels, &lnulls, &dc->nlevels);
	fmgr_info_cxt(tc->eq_opr_finfo.fn_oid, &dc->eq, fcinfo->flinfo->fn_mcxt);
	dc->collation = PG_GET_COLLATION();
	dc->bitwise = bitwise_equality(elemtype, dc->collation);
	for (int i = 0; i < dc->nlevels; i++)
	{
		if (lnulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("levels must not contain NULL")));
		for (int j = 0; j < i; j++)
			if (dummy_equal(dc, dc->levels[i], dc->levels[j]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("levels must be distinct: level %d repeats level %d", i + 1, j + 1)));
	}
	if (dc->bitwise)
	{
		int			size = 4;

		while (size < 2 * dc->nlevels)
			size *= 2;
		dc->tabmask = size - 1;
		dc->tab = palloc0(sizeof(int) * size);
		if (dc->bitwise == 2)
		{
			dc->text_data = palloc(sizeof(char *) * dc->nlevels);
			dc->text_len = palloc(sizeof(int) * dc->nlevels);
		}
		for (int i = 0; i < dc->nlevels; i++)
		{
			int			slot;

			if (dc->bitwise == 2)
			{
				const struct varlena *t = text_bytes(dc->levels[i]);

				dc->text_data[i] = VARDATA_ANY(t);
				dc->text_len[i] = VARSIZE_ANY_EXHDR(t);
				slot = bytes_hash(dc->text_data[i], dc->text_len[i]) & dc->tabmask;
			}
			else
				slot = mix64((uint64) dc->levels[i]) & dc->tabmask;

			while (dc->tab[slot] != 0)
				slot = (slot + 1) & dc->tabmask;
			dc->tab[slot] = i + 1;
		}
	}
	/* treatment coding: level 0 (the reference) all zeros, level i a 1 in column i */
	nout = dc->nlevels - 1;
	dc->nbytes = ARR_OVERHEAD_NONULLS(1) + sizeof(float8) * nout;
	dc->results = palloc(sizeof(ArrayType *) * dc->nlevels);
	for (int i = 0; i < dc->nlevels; i++)
	{
		ArrayType  *r = palloc0(dc->nbytes);

		SET_VARSIZE(r, dc->nbytes);
		r->ndim = 1;
		r->dataoffset = 0;
		r->elemtype = FLOAT8OID;
		ARR_DIMS(r)[0] = nout;
		ARR_LBOUND(r)[0] = 1;
		if (i > 0)
			((float8 *) ARR_DATA_PTR(r))[i - 1] = 1.0;
		dc->results[i] = r;
	}
	fcinfo->flinfo->fn_extra = dc;
	MemoryContextSwitchTo(old);
	return dc;
}

/* svy_dummies(value anyelement, levels anyarray) -> float8[]: treatment coding */
Datum
svy_dummies(PG_FUNCTION_ARGS)
{
	DummyCache *dc = (DummyCache *) fcinfo->flinfo->fn_extra;
	int			found;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("levels must not be NULL")));
	if (dc == NULL || !dc->levels_const)
	{
		ArrayType  *levels = PG_GETARG_ARRAYTYPE_P(1);

		if (dc == NULL || !same_varlena((struct varlena *) dc->levels_seen, (struct varlena *) levels))
			dc = dummy_cache(fcinfo, dc, levels);
	}
	if (dc->nlevels == 1)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(FLOAT8OID));
	if (PG_ARGISNULL(0))
	{
		int			dims[1] = {dc->nlevels - 1},
					lbs[1] = {1};
		Datum	   *out = palloc(sizeof(Datum) * dims[0]);
		bool	   *onulls = palloc(sizeof(bool) * dims[0]);

		for (int i = 0; i < dims[0]; i++)
			onulls[i] = true;
		PG_RETURN_ARRAYTYPE_P(construct_md_array(out, onulls, 1, dims, lbs, FLOAT8OID, 8,
												 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	}
	found = dummy_find(dc, PG_GETARG_DATUM(0));
	if (found < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("value is not one of the %d levels", dc->nlevels),
				 errhint("List every level the column takes, the reference level first; use NULL for a missing value.")));
	/*
	 * The level's array itself, read-only like a returned argument (as
	 * text_smaller returns one): it lives as long as the call site, and a
	 * rebuilt cache leaves the old arrays in place.
	 */
	PG_RETURN_ARRAYTYPE_P(dc->results[found]);
}
