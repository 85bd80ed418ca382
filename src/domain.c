/*
 * domain.c — aggregates that estimate many totals at once with their full
 * covariance: svy_by (domain means/proportions/totals per group), svy_dist
 * (distribution of a categorical answer), svy_choices (multi-select shares)
 * and svy_tab (two-way tables).  Their results, svy_domains and svy_table,
 * are read by the functions in domain_read.c.  See multi.h for the layout.
 *
 * State: a SvyAccum of every row keeps the design's strata, PSUs and df;
 * beside it, sparse sums of each total ("variable") per PSU, or, for
 * designs without PSUs, per stratum with their cross-products, so memory
 * grows with PSUs x categories, never with rows.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "accum.h"
#include "domain.h"
#include "idmap.h"
#include "multi.h"
#include "response.h"
#include "survey.h"

PG_FUNCTION_INFO_V1(svy_by_float8_transfn);
PG_FUNCTION_INFO_V1(svy_by_bool_transfn);
PG_FUNCTION_INFO_V1(svy_dist_transfn);
PG_FUNCTION_INFO_V1(svy_choices_transfn);
PG_FUNCTION_INFO_V1(svy_tab_transfn);
PG_FUNCTION_INFO_V1(svy_multi_combine);
PG_FUNCTION_INFO_V1(svy_multi_serialfn);
PG_FUNCTION_INFO_V1(svy_multi_deserialfn);
PG_FUNCTION_INFO_V1(svy_multi_final);

/* ---------- categories: distinct values of a grouping argument ---------- */

typedef struct Categories
{
	Oid			typid;			/* InvalidOid until the first value */
	int16		typlen;
	bool		typbyval;
	SvyIdMap   *map;			/* value identity -> index */
	Datum	   *values;			/* first value seen of each, for sorting */
	uint64	   *ids;			/* 2 per category: its identity */
	int			cap;
} Categories;

/* One total being estimated: T = sum over rows of w * val. */
typedef struct SvyVar
{
	int32		a;				/* category indexes it belongs to */
	int32		b;
	SvySum		total;			/* the estimated total, sum of w * val */
	double		n;				/* rows with non-zero weight that add to it */
	double		rows;			/* svy_by: rows of the group, NULL outcomes included */
	SvyWMoments wm;				/* svy_by: weighted moments of y in the group */
	SvySum	   *rep;			/* replicate designs: totals per replicate */
	SvyRank    *rank;			/* svy_by replicate designs: the group's rank */
} SvyVar;

/* Sums over one (PSU or stratum, variable) pair. */
typedef struct Cell
{
	int32		unit;			/* PSU index, or stratum index */
	int32		var;
	double		sum;
	double		n_df;			/* rows with non-zero weight in the domain */
	/* designs without PSUs: the rows adding to it, and their spread (Welford) */
	double		rows;
	double		mean;
	double		m2;
} Cell;

typedef struct Cross
{
	int32		stratum;
	int32		k;
	int32		l;
	double		sum;			/* sum over the stratum's rows of u_k u_l */
} Cross;

#define SVY_LOOKUP_CACHE 256
#define SVY_PSU_CACHE 4096

typedef struct PsuCacheSlot
{
	uint64		k0,
				k1;
	int32		index;			/* -1: empty */
} PsuCacheSlot;

typedef struct DomainState
{
	SvyAccum   *base;			/* every row: design, strata, PSUs, nu */
	MemoryContext cxt;
	int			kind;			/* SvyMultiKind */
	bool		boolean_outcome;
	bool		with_missing;	/* svy_dist: missing reasons are categories */
	Categories	cat[2];

	SvyIdMap   *varmap;			/* (a, b) -> var */
	SvyVar		   *vars;
	int			nvars,
				varcap;

	/* designs with PSUs */
	SvyIdMap   *psumap;			/* PSU identity -> index */
	uint64	   *psu_key;		/* 2 per PSU: its identity */
	int32	   *psu_stratum;	/* stratum index of each PSU */
	int			psucap;
	/* per (unit, var): PSU-level (with PSUs) or stratum-level sums */
	SvyIdMap   *cellmap;
	Cell	   *cells;
	int			ncells,
				cellcap;
	/* designs without PSUs: per (stratum, k, l) cross-products */
	SvyIdMap   *crossmap;
	Cross	   *cross;
	int			ncross,
				crosscap;

	/* replicate designs: rank of the rows with a non-NULL outcome */
	SvyRank    *rank;
	Size		rank_bytes;		/* memory of every rank basis (groups too) */

	/* direct-mapped caches of the maps above (indexes never change) */
	PsuCacheSlot *psucache;		/* allocated for designs with PSUs */
	struct
	{
		uint64		id[2];
		int32		index;		/* -1: empty */
	}			catcache[2][SVY_LOOKUP_CACHE];
	struct
	{
		int32		a,
					b,
					var;		/* var -1: empty */
	}			varcache[SVY_LOOKUP_CACHE];
} DomainState;

/* Per-call-site cache: how to identify values of the grouping arguments. */
typedef struct ArgHash
{
	Oid			typid;
	SvyValueHash hash;
	bool		is_likert;
	bool		from_cstring;	/* an unknown-type literal, read as text */
} ArgHash;

/* Argument argno as a value of h->typid. */
static Datum
group_arg(FunctionCallInfo fcinfo, const ArgHash *h, int argno)
{
	Datum		v = PG_GETARG_DATUM(argno);

	return h->from_cstring ? CStringGetTextDatum(DatumGetCString(v)) : v;
}

/* Make room for element n of a palloc'd array. */
#define GROW(arr, n, cap, type) \
	do { \
		if ((n) >= (cap)) \
		{ \
			(cap) = (cap) ? (cap) * 2 : 16; \
			(arr) = (arr) ? repalloc((arr), sizeof(type) * (cap)) \
				: palloc(sizeof(type) * (cap)); \
		} \
	} while (0)

extern Datum likert_out(PG_FUNCTION_ARGS);

bool
svy_type_is_likert(Oid typid)
{
	Oid			outfn;
	bool		varlena;
	FmgrInfo	f;

	getTypeOutputInfo(typid, &outfn, &varlena);
	fmgr_info(outfn, &f);
	return f.fn_addr == likert_out;
}

static DomainState *
domain_create(MemoryContext cxt, int kind)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	DomainState *s = palloc0(sizeof(DomainState));

	s->cxt = cxt;
	s->kind = kind;
	s->base = svy_accum_create(cxt);
	s->varmap = svy_idmap_create(cxt, 16);
	s->psumap = svy_idmap_create(cxt, 64);
	s->cellmap = svy_idmap_create(cxt, 64);
	s->crossmap = svy_idmap_create(cxt, 64);
	for (int i = 0; i < SVY_LOOKUP_CACHE; i++)
	{
		s->catcache[0][i].index = s->catcache[1][i].index = -1;
		s->varcache[i].var = -1;
	}
	MemoryContextSwitchTo(old);
	return s;
}

static DomainState *
domain_state(FunctionCallInfo fcinfo, int kind)
{
	MemoryContext aggcxt;

	aggcxt = svy_aggregate_context(fcinfo);
	if (PG_ARGISNULL(0))
		return domain_create(aggcxt, kind);
	return (DomainState *) PG_GETARG_POINTER(0);
}

static void
too_many(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many %s for a survey table", what),
			 errdetail("At most %d totals can be estimated together (their covariance matrix grows with the square).",
					   SVY_MULTI_MAX_VARS),
			 errhint("Group the categories, or estimate subsets of them separately.")));
}

/* Keep a new category's identity and value at index. */
static void
category_store(Categories *c, MemoryContext cxt, int index, const uint64 id[2],
			   Datum value, bool byval, int16 len)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	if (index >= SVY_MULTI_MAX_VARS)
		too_many("categories");
	if (index >= c->cap)
	{
		c->cap = c->cap ? c->cap * 2 : 16;
		c->values = c->values ? repalloc(c->values, sizeof(Datum) * c->cap)
			: palloc(sizeof(Datum) * c->cap);
		c->ids = c->ids ? repalloc(c->ids, sizeof(uint64) * 2 * c->cap)
			: palloc(sizeof(uint64) * 2 * c->cap);
	}
	c->values[index] = datumCopy(value, byval, len);
	c->ids[2 * index] = id[0];
	c->ids[2 * index + 1] = id[1];
	MemoryContextSwitchTo(old);
}

/* Index of a category value, adding it if new. */
static int
category_index(DomainState *s, int dim, ArgHash *h, Datum value)
{
	Categories *c = &s->cat[dim];
	uint64		id[2];
	bool		found;
	int			index;
	uint32		slot;

	svy_value_identity(&h->hash, value, id);
	slot = svy_hash_mix(id[0], id[1]) % SVY_LOOKUP_CACHE;
	if (s->catcache[dim][slot].index >= 0 &&
		s->catcache[dim][slot].id[0] == id[0] && s->catcache[dim][slot].id[1] == id[1])
		return s->catcache[dim][slot].index;
	if (c->map == NULL)
	{
		c->map = svy_idmap_create(s->cxt, 16);
		c->typid = h->typid;
		get_typlenbyval(h->typid, &c->typlen, &c->typbyval);
	}
	index = svy_idmap_insert(c->map, id[0], id[1], &found);
	if (!found)
		category_store(c, s->cxt, index, id, value, c->typbyval, c->typlen);
	s->catcache[dim][slot].id[0] = id[0];
	s->catcache[dim][slot].id[1] = id[1];
	s->catcache[dim][slot].index = index;
	return index;
}

static int
var_index(DomainState *s, int a, int b)
{
	uint32		slot = ((uint32) a * 31 + (uint32) b) % SVY_LOOKUP_CACHE;
	bool		found;
	int			v;

	if (s->varcache[slot].var >= 0 && s->varcache[slot].a == a && s->varcache[slot].b == b)
		return s->varcache[slot].var;
	v = svy_idmap_insert(s->varmap, (uint64) a, (uint64) b, &found);
	s->varcache[slot].a = a;
	s->varcache[slot].b = b;
	s->varcache[slot].var = v;

	if (!found)
	{
		MemoryContext old = MemoryContextSwitchTo(s->cxt);
		SvyVar		   *var;

		if (v >= SVY_MULTI_MAX_VARS)
			too_many("categories");
		GROW(s->vars, s->nvars, s->varcap, SvyVar);
		var = &s->vars[s->nvars++];
		memset(var, 0, sizeof(*var));
		var->a = a;
		var->b = b;
		if (s->base->kind == SVY_KIND_REPLICATE)
			var->rep = palloc0(sizeof(SvySum) * s->base->nrep);
		MemoryContextSwitchTo(old);
	}
	return v;
}

static SvyRank *
rank_create(MemoryContext cxt, int nrep)
{
	SvyRank    *r = MemoryContextAllocZero(cxt, sizeof(SvyRank));

	r->dim = nrep;
	return r;
}

static int
cell_index(DomainState *s, int unit, int var)
{
	bool		found;
	int			c = svy_idmap_insert(s->cellmap, (uint64) unit, (uint64) var, &found);

	if (!found)
	{
		MemoryContext old = MemoryContextSwitchTo(s->cxt);

		GROW(s->cells, s->ncells, s->cellcap, Cell);
		memset(&s->cells[s->ncells], 0, sizeof(Cell));
		s->cells[s->ncells].unit = unit;
		s->cells[s->ncells].var = var;
		s->ncells++;
		MemoryContextSwitchTo(old);
	}
	return c;
}

/*
 * cell_index, trying the cell after prev first: a row's totals are created
 * together (svy_by's y and weight totals of a group), so they stay adjacent.
 */
static inline int
cell_next(DomainState *s, int unit, int var, int prev)
{
	if (prev >= 0 && prev + 1 < s->ncells &&
		s->cells[prev + 1].unit == unit && s->cells[prev + 1].var == var)
		return prev + 1;
	return cell_index(s, unit, var);
}

static void
cross_add(DomainState *s, int stratum, int k, int l, double value)
{
	bool		found;
	int			c = svy_idmap_insert(s->crossmap, ((uint64) stratum << 32) | (uint32) k,
									 (uint64) l, &found);

	if (!found)
	{
		MemoryContext old;

		/* ~ the entry, its map slot and the doubling slack */
		if ((Size) s->ncross * (2 * sizeof(Cross) + 32) > svy_state_memory_limit())
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a design without PSUs needs more memory here than this aggregate may use"),
					 errdetail("Without PSUs, every stratum keeps a cross-product for each pair of totals its rows add to: "
							   "%d so far, more than 64 x work_mem allows.", s->ncross),
					 errhint("Give the design a PSU per row (psu => a row identifier: the same variance, kept per row and total), "
							 "or raise work_mem.")));
		old = MemoryContextSwitchTo(s->cxt);
		GROW(s->cross, s->ncross, s->crosscap, Cross);
		s->cross[s->ncross].stratum = stratum;
		s->cross[s->ncross].k = k;
		s->cross[s->ncross].l = l;
		s->cross[s->ncross].sum = 0;
		s->ncross++;
		MemoryContextSwitchTo(old);
	}
	s->cross[c].sum += value;
}

static int
psu_insert(DomainState *s, uint64 k0, uint64 k1, int stratum)
{
	bool		found;
	int			p = svy_idmap_insert(s->psumap, k0, k1, &found);

	if (!found)
	{
		MemoryContext old = MemoryContextSwitchTo(s->cxt);

		if (p >= s->psucap)
		{
			s->psucap = s->psucap ? s->psucap * 2 : 64;
			s->psu_stratum = s->psu_stratum ? repalloc(s->psu_stratum, sizeof(int32) * s->psucap)
				: palloc(sizeof(int32) * s->psucap);
			s->psu_key = s->psu_key ? repalloc(s->psu_key, sizeof(uint64) * 2 * s->psucap)
				: palloc(sizeof(uint64) * 2 * s->psucap);
		}
		s->psu_stratum[p] = stratum;
		s->psu_key[2 * p] = k0;
		s->psu_key[2 * p + 1] = k1;
		MemoryContextSwitchTo(old);
	}
	return p;
}

/* PSUs are nested in strata: mix the stratum into the PSU's identity. */
static int
psu_index(DomainState *s, const SvyDesign *d, int stratum)
{
	uint64		k0 = d->psu[0] ^ (d->stratum[0] * UINT64CONST(0x9E3779B97F4A7C15));
	uint64		k1 = d->psu[1] ^ (d->stratum[1] * UINT64CONST(0xC2B2AE3D27D4EB4F));
	PsuCacheSlot *slot;

	if (s->psucache == NULL)
	{
		s->psucache = MemoryContextAlloc(s->cxt, sizeof(PsuCacheSlot) * SVY_PSU_CACHE);
		for (int i = 0; i < SVY_PSU_CACHE; i++)
			s->psucache[i].index = -1;
	}
	slot = &s->psucache[svy_hash_mix(k0, k1) % SVY_PSU_CACHE];
	if (slot->index < 0 || slot->k0 != k0 || slot->k1 != k1)
	{
		slot->index = psu_insert(s, k0, k1, stratum);
		slot->k0 = k0;
		slot->k1 = k1;
	}
	return slot->index;
}

/* A row's contribution to one total: T_var += w * val. */
typedef struct Contribution
{
	int			var;
	double		val;
} Contribution;

/*
 * Add one row.  contrib lists the totals it adds to (empty when the row is
 * outside the domain or its outcome is NULL); group_var is the svy_by
 * group's denominator total, or -1.
 */
static void
domain_row(DomainState *s, const SvyDesign *d, const Contribution *contrib, int ncontrib,
		   int group_var)
{
	int			h = svy_accum_row(s->base, d, 0.0, 1.0, false);
	double		w = d->weight;
	bool		counts = ncontrib > 0 && w != 0.0;

	for (int i = 0; i < ncontrib; i++)
	{
		SvyVar		   *v = &s->vars[contrib[i].var];

		svy_sum_add(&v->total, w * contrib[i].val);
		v->n += counts && contrib[i].val != 0.0;
	}

	if (s->base->kind == SVY_KIND_REPLICATE)
	{
		const double *rw = svy_design_repweights(d);
		int			nrep = s->base->nrep;

		if (ncontrib == 0)
			return;
		for (int i = 0; i < ncontrib; i++)
		{
			SvySum	   *rep = s->vars[contrib[i].var].rep;

			for (int r = 0; r < nrep; r++)
				svy_sum_add(&rep[r], rw[r] * contrib[i].val);
		}
		if (s->rank == NULL)
			s->rank = rank_create(s->cxt, nrep);
		if (!svy_rank_full(s->rank))
			svy_rank_push(s->rank, rw, s->base->scratch, s->cxt, &s->rank_bytes);
		if (group_var >= 0)
		{
			SvyVar		   *g = &s->vars[group_var];

			if (g->rank == NULL)
				g->rank = rank_create(s->cxt, nrep);
			if (!svy_rank_full(g->rank))
				svy_rank_push(g->rank, rw, s->base->scratch, s->cxt, &s->rank_bytes);
		}
		return;
	}

	if (s->base->flags & SVY_HAS_PSU)
	{
		int			p = psu_index(s, d, h);
		int			k = -1;

		for (int i = 0; i < ncontrib; i++)
		{
			Cell	   *c;

			k = cell_next(s, p, contrib[i].var, k);	/* may move s->cells */
			c = &s->cells[k];
			c->sum += w * contrib[i].val;
			c->n_df += counts;
		}
	}
	else
	{
		int			k = -1;

		for (int i = 0; i < ncontrib; i++)
		{
			Cell	   *c;
			double		u = w * contrib[i].val;
			double		delta;

			k = cell_next(s, h, contrib[i].var, k);	/* may move s->cells */
			c = &s->cells[k];
			delta = u - c->mean;

			c->sum += u;
			c->n_df += counts;
			c->rows += 1;
			c->mean += delta / c->rows;
			c->m2 += delta * (u - c->mean);
			for (int j = i; j < ncontrib; j++)
				cross_add(s, h, Min(contrib[i].var, contrib[j].var),
						  Max(contrib[i].var, contrib[j].var),
						  w * contrib[i].val * w * contrib[j].val);
		}
	}
}

/* ---------- transition functions ---------- */

static ArgHash *
arg_hashes(FunctionCallInfo fcinfo, int first_arg, int nargs)
{
	ArgHash    *h = (ArgHash *) fcinfo->flinfo->fn_extra;

	if (h == NULL)
	{
		h = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ArgHash) * nargs);
		for (int i = 0; i < nargs; i++)
		{
			h[i].typid = get_fn_expr_argtype(fcinfo->flinfo, first_arg + i);
			/* an untyped literal ('north') is text */
			h[i].from_cstring = h[i].typid == UNKNOWNOID;
			if (h[i].from_cstring)
				h[i].typid = TEXTOID;
			svy_value_hash_init(h[i].typid, &h[i].hash, fcinfo->flinfo->fn_mcxt);
			h[i].is_likert = svy_type_is_likert(h[i].typid);
		}
		fcinfo->flinfo->fn_extra = h;
	}
	return h;
}

static const SvyDesign *
design_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("survey design must not be NULL")));
	return PG_GETARG_SVYDESIGN_P(argno);
}

static void
check_finite(double y)
{
	if (isnan(y) || isinf(y))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("survey outcome must be finite, not %g", y),
				 errhint("Use NULL for a missing answer.")));
}

/* svy_by(y, grp, d): rows with NULL y or NULL grp are outside every group. */
static Datum
by_transfn(FunctionCallInfo fcinfo, bool boolean)
{
	DomainState *s = domain_state(fcinfo, SVY_MULTI_BY);
	const SvyDesign *d = design_arg(fcinfo, 3);
	ArgHash    *h = arg_hashes(fcinfo, 2, 1);
	Contribution contrib[2];
	int			n = 0,
				group_var = -1;

	s->boolean_outcome = boolean;
	/* the base state must know the design before vars get replicate sums */
	svy_accum_prepare(s->base, d);
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2) && !(d->flags & SVY_OUT_OF_DOMAIN))
	{
		double		y = boolean ? (PG_GETARG_BOOL(1) ? 1.0 : 0.0) : PG_GETARG_FLOAT8(1);
		int			g = category_index(s, 0, h, group_arg(fcinfo, h, 2));

		check_finite(y);
		contrib[0].var = var_index(s, g, 0);
		contrib[0].val = y;
		contrib[1].var = group_var = var_index(s, g, 1);
		contrib[1].val = 1.0;
		n = 2;
		/* the group's design object, as R's nrow(subset(design, group)) */
		s->vars[group_var].rows += 1;
		if (d->weight != 0.0)
			svy_wmoments_add(&s->vars[contrib[0].var].wm, d->weight, y, 1.0);
	}
	domain_row(s, d, contrib, n, group_var);
	PG_RETURN_POINTER(s);
}

Datum
svy_by_float8_transfn(PG_FUNCTION_ARGS)
{
	return by_transfn(fcinfo, false);
}

Datum
svy_by_bool_transfn(PG_FUNCTION_ARGS)
{
	return by_transfn(fcinfo, true);
}

/* Is this value an answer to count (not NULL, and not a missing reason unless asked)? */
static bool
countable(DomainState *s, int dim, const ArgHash *h, Datum value)
{
	if (h->is_likert)
	{
		Likert		x = DatumGetLikert(value);

		if (!likert_has_scale(x))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("likert value without a scale cannot be tabulated"),
					 errhint("Cast the column to likert(k) or likert(lo, hi).")));
		/* likert equality ignores the scale: answers on two scales must not merge */
		if (s->cat[dim].map != NULL &&
			(likert_lo(DatumGetLikert(s->cat[dim].values[0])) != likert_lo(x) ||
			 likert_hi(DatumGetLikert(s->cat[dim].values[0])) != likert_hi(x)))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("likert answers on different scales cannot be tabulated together")));
		return s->with_missing || !likert_is_missing(x);
	}
	return true;
}

/* svy_dist(x, d [, with_missing]) */
Datum
svy_dist_transfn(PG_FUNCTION_ARGS)
{
	DomainState *s = domain_state(fcinfo, SVY_MULTI_DIST);
	const SvyDesign *d = design_arg(fcinfo, 2);
	ArgHash    *h = arg_hashes(fcinfo, 1, 1);
	Contribution contrib;
	int			n = 0;

	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		s->with_missing = PG_GETARG_BOOL(3);
	svy_accum_prepare(s->base, d);
	if (!PG_ARGISNULL(1) && !(d->flags & SVY_OUT_OF_DOMAIN) &&
		countable(s, 0, h, group_arg(fcinfo, h, 1)))
	{
		contrib.var = var_index(s, category_index(s, 0, h, group_arg(fcinfo, h, 1)), 0);
		contrib.val = 1.0;
		n = 1;
	}
	domain_row(s, d, &contrib, n, -1);
	PG_RETURN_POINTER(s);
}

/* svy_choices(x, d): option k's total is var (k, 0); respondents are var (0, 0). */
Datum
svy_choices_transfn(PG_FUNCTION_ARGS)
{
	DomainState *s = domain_state(fcinfo, SVY_MULTI_CHOICES);
	const SvyDesign *d = design_arg(fcinfo, 2);
	Contribution contrib[CHOICES_MAX_OPTION + 1];
	int			n = 0;

	svy_accum_prepare(s->base, d);
	if (!PG_ARGISNULL(1) && !(d->flags & SVY_OUT_OF_DOMAIN) &&
		!choices_is_missing(PG_GETARG_CHOICES_P(1)))
	{
		const Choices *x = PG_GETARG_CHOICES_P(1);

		contrib[n].var = var_index(s, 0, 0);
		contrib[n++].val = 1.0;
		for (int k = 1; k <= CHOICES_MAX_OPTION; k++)
			if (choices_has(x, k))
			{
				contrib[n].var = var_index(s, k, 0);
				contrib[n++].val = 1.0;
			}
	}
	domain_row(s, d, contrib, n, -1);
	PG_RETURN_POINTER(s);
}

/* svy_tab(row, col, d): rows with either value NULL are outside the table. */
Datum
svy_tab_transfn(PG_FUNCTION_ARGS)
{
	DomainState *s = domain_state(fcinfo, SVY_MULTI_TAB);
	const SvyDesign *d = design_arg(fcinfo, 3);
	ArgHash    *h = arg_hashes(fcinfo, 1, 2);
	Contribution contrib;
	int			n = 0;

	svy_accum_prepare(s->base, d);
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2) && !(d->flags & SVY_OUT_OF_DOMAIN) &&
		countable(s, 0, &h[0], group_arg(fcinfo, &h[0], 1)) &&
		countable(s, 1, &h[1], group_arg(fcinfo, &h[1], 2)))
	{
		int			r = category_index(s, 0, &h[0], group_arg(fcinfo, &h[0], 1));
		int			c = category_index(s, 1, &h[1], group_arg(fcinfo, &h[1], 2));

		contrib.var = var_index(s, r, c);
		contrib.val = 1.0;
		n = 1;
	}
	domain_row(s, d, &contrib, n, -1);
	PG_RETURN_POINTER(s);
}

/* ---------- merging (parallel workers) ---------- */

/* Add a cell's sums, with Chan et al.'s merge of the row moments. */
static void
cell_merge(Cell *into, const Cell *from)
{
	double		rows = into->rows + from->rows;

	if (from->rows > 0)
	{
		double		delta = from->mean - into->mean;

		into->m2 += from->m2 + delta * delta * into->rows * from->rows / rows;
		into->mean += delta * from->rows / rows;
		into->rows = rows;
	}
	into->sum += from->sum;
	into->n_df += from->n_df;
}

static void
rank_merge(MemoryContext cxt, SvyRank **into, const SvyRank *from, double *scratch,
		   Size *state_bytes)
{
	if (from == NULL)
		return;
	if (*into == NULL)
		*into = rank_create(cxt, from->dim);
	for (int k = 0; k < from->rank && !svy_rank_full(*into); k++)
		svy_rank_push(*into, from->basis + (size_t) k * from->dim, scratch, cxt, state_bytes);
}

static void
domain_merge(DomainState *into, const DomainState *from)
{
	const SvyAccum *fb = from->base;
	int		   *stratum_map,
			   *cat_map[2] = {NULL, NULL},
			   *var_map,
			   *psu_map = NULL;

	svy_accum_merge(into->base, fb);
	into->boolean_outcome = from->boolean_outcome;
	into->with_missing |= from->with_missing;

	stratum_map = palloc(sizeof(int) * (fb->nstrata + 1));
	for (int h = 0; h < fb->nstrata; h++)
		stratum_map[h] = svy_idmap_find(into->base->stratab, fb->strata[h].id[0], fb->strata[h].id[1]);

	for (int dim = 0; dim < 2; dim++)
	{
		const Categories *fc = &from->cat[dim];
		Categories *ic = &into->cat[dim];
		int			n = fc->map ? svy_idmap_size(fc->map) : 0;

		cat_map[dim] = palloc(sizeof(int) * (n + 1));
		for (int i = 0; i < n; i++)
		{
			bool		found;

			if (ic->map == NULL)
			{
				ic->map = svy_idmap_create(into->cxt, 16);
				ic->typid = fc->typid;
				ic->typlen = fc->typlen;
				ic->typbyval = fc->typbyval;
			}
			cat_map[dim][i] = svy_idmap_insert(ic->map, fc->ids[2 * i], fc->ids[2 * i + 1], &found);
			if (!found)
				category_store(ic, into->cxt, cat_map[dim][i], &fc->ids[2 * i],
							   fc->values[i], fc->typbyval, fc->typlen);
		}
	}

	var_map = palloc(sizeof(int) * (from->nvars + 1));
	for (int v = 0; v < from->nvars; v++)
	{
		const SvyVar  *fv = &from->vars[v];
		bool		options = from->kind == SVY_MULTI_CHOICES;
		int			a = options ? fv->a : cat_map[0][fv->a];
		int			b = (options || from->kind != SVY_MULTI_TAB) ? fv->b : cat_map[1][fv->b];
		SvyVar		   *iv;

		var_map[v] = var_index(into, a, b);
		iv = &into->vars[var_map[v]];
		svy_sum_merge(&iv->total, &fv->total);
		iv->n += fv->n;
		iv->rows += fv->rows;
		svy_wmoments_merge(&iv->wm, &fv->wm);
		if (fv->rep)
			for (int r = 0; r < fb->nrep; r++)
				svy_sum_merge(&iv->rep[r], &fv->rep[r]);
		rank_merge(into->cxt, &iv->rank, fv->rank, into->base->scratch, &into->rank_bytes);
	}
	rank_merge(into->cxt, &into->rank, from->rank, into->base->scratch, &into->rank_bytes);

	if (fb->flags & SVY_HAS_PSU)
	{
		int			npsu = svy_idmap_size(from->psumap);

		psu_map = palloc(sizeof(int) * (npsu + 1));
		for (int p = 0; p < npsu; p++)
			psu_map[p] = psu_insert(into, from->psu_key[2 * p], from->psu_key[2 * p + 1],
									stratum_map[from->psu_stratum[p]]);
	}
	for (int i = 0; i < from->ncells; i++)
	{
		const Cell *fc = &from->cells[i];
		int			unit = psu_map ? psu_map[fc->unit] : stratum_map[fc->unit];
		int			k = cell_index(into, unit, var_map[fc->var]);

		cell_merge(&into->cells[k], fc);
	}
	for (int i = 0; i < from->ncross; i++)
	{
		const Cross *fc = &from->cross[i];
		int			k = var_map[fc->k],
					l = var_map[fc->l];

		cross_add(into, stratum_map[fc->stratum], Min(k, l), Max(k, l), fc->sum);
	}
}

Datum
svy_multi_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	DomainState *into;

	aggcxt = svy_aggregate_context(fcinfo);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	if (PG_ARGISNULL(0))
	{
		const DomainState *from = (DomainState *) PG_GETARG_POINTER(1);

		into = domain_create(aggcxt, from->kind);
	}
	else
		into = (DomainState *) PG_GETARG_POINTER(0);
	domain_merge(into, (DomainState *) PG_GETARG_POINTER(1));
	PG_RETURN_POINTER(into);
}

/* ---------- serialization (between parallel workers of one server) ---------- */

static void
send_rank(StringInfo buf, const SvyRank *r)
{
	pq_sendint32(buf, r ? r->dim : 0);
	if (r == NULL)
		return;
	pq_sendint32(buf, r->rank);
	pq_sendbytes(buf, (const char *) r->basis, sizeof(double) * r->rank * r->dim);
}

static SvyRank *
recv_rank(StringInfo buf, MemoryContext cxt, Size *state_bytes)
{
	int			dim = pq_getmsgint(buf, 4);
	SvyRank    *r;

	if (dim == 0)
		return NULL;
	r = rank_create(cxt, dim);
	r->rank = pq_getmsgint(buf, 4);
	svy_rank_room(r, r->rank, cxt, state_bytes);
	if (r->rank > 0)
		memcpy(r->basis, pq_getmsgbytes(buf, sizeof(double) * r->rank * dim),
			   sizeof(double) * r->rank * dim);
	return r;
}

Datum
svy_multi_serialfn(PG_FUNCTION_ARGS)
{
	const DomainState *s = (DomainState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int			nrep = s->base->kind == SVY_KIND_REPLICATE ? s->base->nrep : 0;

	pq_begintypsend(&buf);
	svy_accum_serialize(s->base, &buf);
	pq_sendbyte(&buf, s->kind);
	pq_sendbyte(&buf, s->boolean_outcome);
	pq_sendbyte(&buf, s->with_missing);
	for (int dim = 0; dim < 2; dim++)
	{
		const Categories *c = &s->cat[dim];
		int			n = c->map ? svy_idmap_size(c->map) : 0;

		pq_sendint32(&buf, n);
		if (n == 0)
			continue;
		pq_sendint32(&buf, c->typid);
		for (int i = 0; i < n; i++)
		{
			Size		size = datumEstimateSpace(c->values[i], false, c->typbyval, c->typlen);
			char	   *space = palloc(size);
			char	   *p = space;

			datumSerialize(c->values[i], false, c->typbyval, c->typlen, &p);
			pq_sendint64(&buf, c->ids[2 * i]);
			pq_sendint64(&buf, c->ids[2 * i + 1]);
			pq_sendint32(&buf, size);
			pq_sendbytes(&buf, space, size);
			pfree(space);
		}
	}
	pq_sendint32(&buf, s->nvars);
	for (int v = 0; v < s->nvars; v++)
	{
		const SvyVar  *var = &s->vars[v];

		pq_sendint32(&buf, var->a);
		pq_sendint32(&buf, var->b);
		pq_sendbytes(&buf, (const char *) &var->total, sizeof(SvySum));
		pq_sendbytes(&buf, (const char *) &var->n, sizeof(double));
		pq_sendbytes(&buf, (const char *) &var->rows, sizeof(double));
		pq_sendbytes(&buf, (const char *) &var->wm, sizeof(SvyWMoments));
		if (nrep)
			pq_sendbytes(&buf, (const char *) var->rep, sizeof(SvySum) * nrep);
		send_rank(&buf, var->rank);
	}
	send_rank(&buf, s->rank);
	pq_sendint32(&buf, svy_idmap_size(s->psumap));
	for (int p = 0; p < svy_idmap_size(s->psumap); p++)
	{
		pq_sendint64(&buf, s->psu_key[2 * p]);
		pq_sendint64(&buf, s->psu_key[2 * p + 1]);
		pq_sendint32(&buf, s->psu_stratum[p]);
	}
	pq_sendint32(&buf, s->ncells);
	pq_sendbytes(&buf, (const char *) s->cells, sizeof(Cell) * s->ncells);
	pq_sendint32(&buf, s->ncross);
	pq_sendbytes(&buf, (const char *) s->cross, sizeof(Cross) * s->ncross);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
svy_multi_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt,
				old;
	StringInfoData buf;
	DomainState *s;
	int			nrep,
				n;

	aggcxt = svy_aggregate_context(fcinfo);
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	s = domain_create(aggcxt, 0);
	s->base = svy_accum_deserialize(&buf, aggcxt);
	nrep = s->base->kind == SVY_KIND_REPLICATE ? s->base->nrep : 0;
	s->kind = pq_getmsgbyte(&buf);
	s->boolean_outcome = pq_getmsgbyte(&buf);
	s->with_missing = pq_getmsgbyte(&buf);
	old = MemoryContextSwitchTo(aggcxt);
	for (int dim = 0; dim < 2; dim++)
	{
		Categories *c = &s->cat[dim];

		n = pq_getmsgint(&buf, 4);
		if (n == 0)
			continue;
		c->typid = pq_getmsgint(&buf, 4);
		get_typlenbyval(c->typid, &c->typlen, &c->typbyval);
		c->map = svy_idmap_create(aggcxt, n);
		c->cap = n;
		c->values = palloc(sizeof(Datum) * n);
		c->ids = palloc(sizeof(uint64) * 2 * n);
		for (int i = 0; i < n; i++)
		{
			bool		found,
						isnull;
			int			size;
			char	   *p;

			c->ids[2 * i] = pq_getmsgint64(&buf);
			c->ids[2 * i + 1] = pq_getmsgint64(&buf);
			svy_idmap_insert(c->map, c->ids[2 * i], c->ids[2 * i + 1], &found);
			size = pq_getmsgint(&buf, 4);
			p = (char *) pq_getmsgbytes(&buf, size);
			c->values[i] = datumCopy(datumRestore(&p, &isnull), c->typbyval, c->typlen);
		}
	}
	n = pq_getmsgint(&buf, 4);
	for (int v = 0; v < n; v++)
	{
		int			a = pq_getmsgint(&buf, 4);
		int			bb = pq_getmsgint(&buf, 4);
		int			v_index = var_index(s, a, bb);	/* may move s->vars */
		SvyVar	   *var = &s->vars[v_index];

		memcpy(&var->total, pq_getmsgbytes(&buf, sizeof(SvySum)), sizeof(SvySum));
		memcpy(&var->n, pq_getmsgbytes(&buf, sizeof(double)), sizeof(double));
		memcpy(&var->rows, pq_getmsgbytes(&buf, sizeof(double)), sizeof(double));
		memcpy(&var->wm, pq_getmsgbytes(&buf, sizeof(SvyWMoments)), sizeof(SvyWMoments));
		if (nrep)
			memcpy(var->rep, pq_getmsgbytes(&buf, sizeof(SvySum) * nrep), sizeof(SvySum) * nrep);
		var->rank = recv_rank(&buf, aggcxt, &s->rank_bytes);
	}
	s->rank = recv_rank(&buf, aggcxt, &s->rank_bytes);
	n = pq_getmsgint(&buf, 4);
	for (int p = 0; p < n; p++)
	{
		uint64		k0 = pq_getmsgint64(&buf);
		uint64		k1 = pq_getmsgint64(&buf);

		psu_insert(s, k0, k1, pq_getmsgint(&buf, 4));
	}
	n = pq_getmsgint(&buf, 4);
	for (int i = 0; i < n; i++)
	{
		Cell		c;
		int			k;

		memcpy(&c, pq_getmsgbytes(&buf, sizeof(Cell)), sizeof(Cell));
		k = cell_index(s, c.unit, c.var);
		s->cells[k] = c;
	}
	n = pq_getmsgint(&buf, 4);
	for (int i = 0; i < n; i++)
	{
		Cross		c;

		memcpy(&c, pq_getmsgbytes(&buf, sizeof(Cross)), sizeof(Cross));
		cross_add(s, c.stratum, c.k, c.l, c.sum);
	}
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(s);
}

/* ---------- final: the svy_domains / svy_table value ---------- */

/* A level of the result: an observed category, or a scale point nobody chose. */
typedef struct Level
{
	Datum		value;
	int			cat;			/* category index, or -1 */
} Level;

static FmgrInfo *sort_cmp;
static Oid	sort_collation;

static int
level_cmp(const void *a, const void *b)
{
	return DatumGetInt32(FunctionCall2Coll(sort_cmp, sort_collation,
										   ((const Level *) a)->value,
										   ((const Level *) b)->value));
}

/*
 * The levels of one dimension in the type's order: observed values, plus
 * every point of a likert scale and every label of an enum (svy_dist and
 * svy_tab report categories nobody chose, with estimate 0).
 */
static Level *
dimension_levels(const DomainState *s, int dim, bool complete, int *nlevels)
{
	const Categories *c = &s->cat[dim];
	int			n = c->map ? svy_idmap_size(c->map) : 0;
	List	   *extra = NIL;
	Level	   *levels;
	TypeCacheEntry *tce;
	int			k = 0;
	ListCell   *lc;

	if (n == 0)
	{
		*nlevels = 0;
		return NULL;
	}
	if (complete && svy_type_is_likert(c->typid))
	{
		Likert		x = DatumGetLikert(c->values[0]);

		for (int i = 1; i < n; i++)
			if (likert_lo(DatumGetLikert(c->values[i])) != likert_lo(x) ||
				likert_hi(DatumGetLikert(c->values[i])) != likert_hi(x))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("likert answers on different scales cannot be tabulated together")));
		for (int v = likert_lo(x); v <= likert_hi(x); v++)
			extra = lappend(extra, DatumGetPointer(LikertGetDatum(likert_make(likert_lo(x), likert_hi(x), v, 0))));
		if (s->with_missing)
			for (int m = SURVEY_MISSING_FIRST; m <= SURVEY_MISSING_LAST; m++)
				extra = lappend(extra, DatumGetPointer(LikertGetDatum(likert_make(likert_lo(x), likert_hi(x), 0, m))));
	}
	else if (complete && type_is_enum(c->typid))
	{
		CatCList   *list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(c->typid));

		for (int i = 0; i < list->n_members; i++)
		{
			Form_pg_enum e = (Form_pg_enum) GETSTRUCT(&list->members[i]->tuple);

			extra = lappend(extra, DatumGetPointer(ObjectIdGetDatum(e->oid)));
		}
		ReleaseSysCacheList(list);
	}
	else if (complete && c->typid == BOOLOID)
	{
		extra = lappend(extra, DatumGetPointer(BoolGetDatum(false)));
		extra = lappend(extra, DatumGetPointer(BoolGetDatum(true)));
	}

	levels = palloc(sizeof(Level) * (n + list_length(extra)));
	for (int i = 0; i < n; i++)
	{
		levels[k].value = c->values[i];
		levels[k++].cat = i;
	}
	if (extra != NIL)
	{
		SvyValueHash hash;

		svy_value_hash_init(c->typid, &hash, CurrentMemoryContext);
		foreach(lc, extra)
		{
			Datum		v = PointerGetDatum(lfirst(lc));
			uint64		id[2];

			svy_value_identity(&hash, v, id);
			if (svy_idmap_find(c->map, id[0], id[1]) >= 0)
				continue;
			levels[k].value = v;
			levels[k++].cat = -1;
		}
	}

	tce = lookup_type_cache(c->typid, TYPECACHE_CMP_PROC_FINFO);
	if (!OidIsValid(tce->cmp_proc_finfo.fn_oid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("could not identify a comparison function for type %s",
						format_type_be(c->typid)),
				 errhint("Groups and categories must be of a type with a btree operator class.")));
	sort_cmp = &tce->cmp_proc_finfo;
	sort_collation = DEFAULT_COLLATION_OID;
	qsort(levels, k, sizeof(Level), level_cmp);
	*nlevels = k;
	return levels;
}

/* A level's text: the type's output, but a likert answer without its (common) scale. */
static char *
level_label(const DomainState *s, int dim, Datum value)
{
	Oid			outfn;
	bool		varlena;

	if (svy_type_is_likert(s->cat[dim].typid))
	{
		Likert		x = DatumGetLikert(value);

		return likert_is_missing(x) ? pstrdup(survey_missing_name(likert_missing(x)))
			: psprintf("%d", likert_value(x));
	}

	getTypeOutputInfo(s->cat[dim].typid, &outfn, &varlena);
	return OidOutputFunctionCall(outfn, value);
}

/* Does this total count each row once (so its PSUs give the df of the outcome)? */
static bool
membership_var(const DomainState *s, const SvyVar *v)
{
	switch (s->kind)
	{
		case SVY_MULTI_BY:
			return v->b == 1;
		case SVY_MULTI_CHOICES:
			return v->a == 0;
		default:
			return true;
	}
}

/*
 * Stable counting sort of items 0..n-1 by key in 0..nkeys-1: the items of
 * key k are order[start[k]] .. order[start[k + 1] - 1], in their own order.
 */
static void
order_by_key(int n, const int *key, int nkeys, int *order, int *start)
{
	int		   *fill = palloc(sizeof(int) * (nkeys + 1));

	memset(start, 0, sizeof(int) * (nkeys + 1));
	for (int i = 0; i < n; i++)
		start[key[i] + 1]++;
	for (int k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	memcpy(fill, start, sizeof(int) * (nkeys + 1));
	for (int i = 0; i < n; i++)
		order[fill[key[i]]++] = i;
	pfree(fill);
}

/*
 * The design covariance (K x K) of the totals, from PSU or stratum sums;
 * st holds the strata as svy_accum_strata gives them (their PSU counts).
 */
static void
taylor_covariance(const DomainState *s, const SvyStratumTotals *st, const int *final_of_var,
				  int K, double *V)
{
	const SvyAccum *base = s->base;
	int			nstrata = base->nstrata;
	double	   *S = palloc(sizeof(double) * K);
	double	   *Q = palloc(sizeof(double) * K * K);
	double	   *t = palloc0(sizeof(double) * K);
	int		   *touched = palloc(sizeof(int) * K);
	int		   *local = palloc(sizeof(int) * K);	/* total -> index in active, or -1 */
	int		   *active = palloc(sizeof(int) * K);
	double	   *d = palloc(sizeof(double) * K);
	bool		by_psu = (base->flags & SVY_HAS_PSU) != 0;
	int			nunits = by_psu ? svy_idmap_size(s->psumap) : nstrata;
	int		   *key = palloc(sizeof(int) * (Max(s->ncells, s->ncross) + 1));
	/* cells by unit (PSU, or stratum) */
	int		   *cell_order = palloc(sizeof(int) * (s->ncells + 1));
	int		   *cell_start = palloc(sizeof(int) * (nunits + 1));
	/* PSUs by stratum (with PSUs), or cross-products by stratum (without) */
	int			nsecond = by_psu ? nunits : s->ncross;
	int		   *second_order = palloc(sizeof(int) * (nsecond + 1));
	int		   *second_start = palloc(sizeof(int) * (nstrata + 1));
	SvyCovariance cov = {K, V, (SvyLonely) survey_lonely_psu, 0, 0};

	for (int k = 0; k < K; k++)
		local[k] = -1;
	for (int i = 0; i < s->ncells; i++)
		key[i] = s->cells[i].unit;
	order_by_key(s->ncells, key, nunits, cell_order, cell_start);
	if (by_psu)
		order_by_key(nunits, s->psu_stratum, nstrata, second_order, second_start);
	else
	{
		for (int i = 0; i < s->ncross; i++)
			key[i] = s->cross[i].stratum;
		order_by_key(s->ncross, key, nstrata, second_order, second_start);
	}

	/*
	 * Each stratum in the compact coordinates of the m totals its rows touch
	 * (active[], local[] maps back): a stratum costs m^2, not K^2, so 1,000
	 * groups over 2,000 strata do not cost strata x groups^2.
	 */
	for (int h = 0; h < nstrata; h++)
	{
		double		n_h = st[h].psu.n;
		SvyStatus	status;
		int			m = 0,
					nt = 0;

		CHECK_FOR_INTERRUPTS();
		/* the stratum's totals S and which of them it touches */
		for (int j = by_psu ? second_start[h] : h; j < (by_psu ? second_start[h + 1] : h + 1); j++)
		{
			int			unit = by_psu ? second_order[j] : h;

			for (int i = cell_start[unit]; i < cell_start[unit + 1]; i++)
			{
				int			k = final_of_var[s->cells[cell_order[i]].var];

				if (k < 0)
					continue;
				nt++;
				if (local[k] < 0)
				{
					local[k] = m;
					active[m] = k;
					S[m++] = 0.0;
				}
				S[local[k]] += s->cells[cell_order[i]].sum;
			}
		}
		memset(Q, 0, sizeof(double) * m * m);
		if (by_psu && (double) n_h * m * m <= 4.0 * ((double) nt * m + (double) m * m))
		{
			/*
			 * Centred: sum_j (t_j - tbar)(t_j - tbar)', so nothing cancels and
			 * the order in which PSU sums were built (serial, parallel,
			 * merged) moves the result by rounding of the spread only.  It
			 * costs n_h m^2; when that is far more than the sparse expansion
			 * below (PSUs touching few of many totals), the expansion is used.
			 */
			int			listed = second_start[h + 1] - second_start[h];

			for (int j = second_start[h]; j <= second_start[h + 1]; j++)
			{
				/* j == end: the PSUs of n_h without rows here, t = 0 */
				double		times = j < second_start[h + 1] ? 1.0 : n_h - listed;

				if (times <= 0.0)
					continue;
				CHECK_FOR_INTERRUPTS();
				for (int a = 0; a < m; a++)
					d[a] = -S[a] / n_h;
				if (j < second_start[h + 1])
				{
					int			psu = second_order[j];

					for (int i = cell_start[psu]; i < cell_start[psu + 1]; i++)
					{
						int			k = final_of_var[s->cells[cell_order[i]].var];

						if (k >= 0)
							d[local[k]] += s->cells[cell_order[i]].sum;
					}
				}
				for (int a = 0; a < m; a++)
					for (int b = 0; b < m; b++)
						Q[a * m + b] += times * d[a] * d[b];
			}
		}
		else if (by_psu)
		{
			/*
			 * (t - tbar)(t - tbar)' = t t' - t tbar' - tbar t' + tbar tbar',
			 * touching only each PSU's own totals (PSUs without cells have
			 * t = 0 and add tbar tbar').
			 */
			for (int j = second_start[h]; j < second_start[h + 1]; j++)
			{
				int			psu = second_order[j];
				int			ntouched = 0;

				for (int i = cell_start[psu]; i < cell_start[psu + 1]; i++)
				{
					int			k = final_of_var[s->cells[cell_order[i]].var];

					if (k < 0)
						continue;
					if (t[local[k]] == 0.0)
						touched[ntouched++] = local[k];
					t[local[k]] += s->cells[cell_order[i]].sum;
				}
				for (int a = 0; a < ntouched; a++)
				{
					int			ka = touched[a];

					for (int b = 0; b < ntouched; b++)
						Q[ka * m + touched[b]] += t[ka] * t[touched[b]];
					for (int b = 0; b < m; b++)
					{
						Q[ka * m + b] -= t[ka] * S[b] / n_h;
						Q[b * m + ka] -= S[b] / n_h * t[ka];
					}
				}
				for (int a = 0; a < ntouched; a++)
					t[touched[a]] = 0.0;
			}
			/* every PSU adds tbar tbar' */
			for (int a = 0; a < m; a++)
				for (int b = 0; b < m; b++)
					Q[a * m + b] += n_h * (S[a] / n_h) * (S[b] / n_h);
		}
		else
		{
			for (int j = second_start[h]; j < second_start[h + 1]; j++)
			{
				const Cross *c = &s->cross[second_order[j]];
				int			k = final_of_var[c->k],
							l = final_of_var[c->l];

				/* a cross-product's totals have cells in the stratum */
				if (k < 0 || l < 0 || local[k] < 0 || local[l] < 0)
					continue;
				Q[local[k] * m + local[l]] += c->sum;
				if (k != l)
					Q[local[l] * m + local[k]] += c->sum;
			}
			/* centre: sum_j (t_j - tbar)(t_j - tbar)' = sum t t' - S S' / n_h */
			for (int a = 0; a < m; a++)
				for (int b = 0; b < m; b++)
					Q[a * m + b] -= S[a] * S[b] / n_h;

			/*
			 * Variances from the rows' own spread instead: sum over the n_h
			 * rows (zeros included) of (u - ubar)^2 = m2 + mean^2 r (n_h - r)
			 * / n_h for the r rows that add to it; exactly 0 when they all
			 * add the same value.
			 */
			for (int i = cell_start[h]; i < cell_start[h + 1]; i++)
			{
				const Cell *c = &s->cells[cell_order[i]];
				int			k = final_of_var[c->var];

				if (k >= 0)
					Q[local[k] * m + local[k]] = c->m2 + c->mean * c->mean * c->rows * (n_h - c->rows) / n_h;
			}
		}
		status = svy_covariance_add_subset(&cov, n_h, st[h].fpc, m, active, S, Q);
		if (status != SVY_OK)
			svy_report_design_error(base, status, h, n_h);
		for (int a = 0; a < m; a++)
			local[active[a]] = -1;
	}
	svy_covariance_finish(&cov);
	pfree(S);
	pfree(Q);
	pfree(t);
	pfree(touched);
	pfree(local);
	pfree(active);
	pfree(d);
	pfree(key);
	pfree(cell_order);
	pfree(cell_start);
	pfree(second_order);
	pfree(second_start);
}

/* df of the PSUs holding rows that add to the totals selected by want(). */
static double
cells_df(const DomainState *s, const bool *var_selected)
{
	const SvyAccum *base = s->base;
	bool		by_psu = (base->flags & SVY_HAS_PSU) != 0;
	double		df = 0.0;

	if (by_psu)
	{
		int			npsu = svy_idmap_size(s->psumap);
		bool	   *psu_in = palloc0(sizeof(bool) * (npsu + 1));
		bool	   *stratum_in = palloc0(sizeof(bool) * (base->nstrata + 1));

		for (int i = 0; i < s->ncells; i++)
			if (var_selected[s->cells[i].var] && s->cells[i].n_df > 0)
				psu_in[s->cells[i].unit] = true;
		for (int p = 0; p < npsu; p++)
			if (psu_in[p])
			{
				df += 1;
				stratum_in[s->psu_stratum[p]] = true;
			}
		for (int h = 0; h < base->nstrata; h++)
			df -= stratum_in[h];
	}
	else
	{
		double	   *rows = palloc0(sizeof(double) * (base->nstrata + 1));

		for (int i = 0; i < s->ncells; i++)
			if (var_selected[s->cells[i].var])
				rows[s->cells[i].unit] += s->cells[i].n_df;
		for (int h = 0; h < base->nstrata; h++)
			df += rows[h] - (rows[h] > 0);
	}
	return df;
}

static int
var_of(const DomainState *s, int a, int b)
{
	return svy_idmap_find(s->varmap, (uint64) a, (uint64) b);
}

Datum
svy_multi_final(PG_FUNCTION_ARGS)
{
	DomainState *s;
	Level	   *lev[2] = {NULL, NULL};
	int			nlev[2] = {0, 0};
	int			K,
				nrep;
	int		   *var_of_final;	/* accumulated var behind each final total, or -1 */
	int		   *final_of_var;
	StringInfoData labels;
	SvyMulti   *m;
	SvyMultiArrays a;
	bool	   *selected;
	double		df_all;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (DomainState *) PG_GETARG_POINTER(0);
	if (s->base->kind == 0)
		PG_RETURN_NULL();
	nrep = s->base->kind == SVY_KIND_REPLICATE ? s->base->nrep : 0;

	/* levels and the layout of the totals (multi.h) */
	initStringInfo(&labels);
	if (s->kind == SVY_MULTI_CHOICES)
	{
		int			max_option = 0;

		for (int v = 0; v < s->nvars; v++)
			max_option = Max(max_option, s->vars[v].a);
		nlev[0] = max_option;
		K = max_option + 1;
		var_of_final = palloc(sizeof(int) * K);
		for (int k = 1; k <= max_option; k++)
		{
			var_of_final[k - 1] = var_of(s, k, 0);
			appendStringInfo(&labels, "%d", k);
			appendStringInfoChar(&labels, '\0');
		}
		var_of_final[max_option] = var_of(s, 0, 0);
	}
	else
	{
		bool		complete = s->kind != SVY_MULTI_BY;
		int			ndims = s->kind == SVY_MULTI_TAB ? 2 : 1;

		for (int dim = 0; dim < ndims; dim++)
		{
			lev[dim] = dimension_levels(s, dim, complete, &nlev[dim]);
			for (int i = 0; i < nlev[dim]; i++)
			{
				appendStringInfoString(&labels, level_label(s, dim, lev[dim][i].value));
				appendStringInfoChar(&labels, '\0');
			}
		}
		K = s->kind == SVY_MULTI_BY ? 2 * nlev[0] :
			s->kind == SVY_MULTI_TAB ? nlev[0] * nlev[1] : nlev[0];
		if (K > SVY_MULTI_MAX_VARS)
			too_many(s->kind == SVY_MULTI_TAB ? "cells" : "categories");
		var_of_final = palloc(sizeof(int) * Max(K, 1));
		for (int i = 0; i < nlev[0]; i++)
		{
			int			ca = lev[0][i].cat;

			if (s->kind == SVY_MULTI_BY)
			{
				var_of_final[2 * i] = var_of(s, ca, 0);
				var_of_final[2 * i + 1] = var_of(s, ca, 1);
			}
			else if (s->kind == SVY_MULTI_TAB)
				for (int j = 0; j < nlev[1]; j++)
					var_of_final[i * nlev[1] + j] = (ca < 0 || lev[1][j].cat < 0) ? -1
						: var_of(s, ca, lev[1][j].cat);
			else
				var_of_final[i] = ca < 0 ? -1 : var_of(s, ca, 0);
		}
	}
	final_of_var = palloc(sizeof(int) * (s->nvars + 1));
	for (int v = 0; v < s->nvars; v++)
		final_of_var[v] = -1;
	for (int k = 0; k < K; k++)
		if (var_of_final[k] >= 0)
			final_of_var[var_of_final[k]] = k;

	m = palloc0(svy_multi_size(K, nrep, labels.len));
	SET_VARSIZE(m, svy_multi_size(K, nrep, labels.len));
	m->version = SVY_MULTI_VERSION;
	m->kind = s->kind;
	m->boolean_outcome = s->boolean_outcome;
	m->mse = (s->base->flags & SVY_MSE) != 0;
	m->nlev1 = nlev[0];
	m->nlev2 = nlev[1];
	m->k = K;
	m->nrep = nrep;
	m->scale = s->base->scale;
	m->nrow = s->base->dom.nrow;
	svy_multi_arrays(m, &a);
	memcpy(a.labels, labels.data, labels.len);

	/* totals, their n and the SRS sums of squares behind design effects */
	selected = palloc0(sizeof(bool) * (s->nvars + 1));
	for (int k = 0; k < K; k++)
	{
		int			v = var_of_final[k];

		if (v < 0)
			continue;
		a.t[k] = svy_sum_value(&s->vars[v].total);
		a.n[k] = s->vars[v].n;
		a.rows[k] = s->vars[v].rows;
		a.cyy[k] = s->vars[v].wm.c_yy;
		if (nrep)
			for (int r = 0; r < nrep; r++)
				a.tr[(size_t) k * nrep + r] = svy_sum_value(&s->vars[v].rep[r]);
		selected[v] = membership_var(s, &s->vars[v]);
	}

	if (nrep)
	{
		/* replicate designs: df = rank of the rows' replicate weights - 1 */
		df_all = s->rank && s->rank->rank > 0 ? s->rank->rank - 1.0 : NAN;
		for (int k = 0; k < K; k++)
		{
			int			group_var = s->kind == SVY_MULTI_BY ? var_of_final[k | 1] : -1;

			a.df[k] = group_var >= 0 && s->vars[group_var].rank
				? (s->vars[group_var].rank->rank > 0 ? s->vars[group_var].rank->rank - 1.0 : NAN)
				: df_all;
		}
		for (int r = 0; r < nrep; r++)
			a.rscales[r] = s->base->rscales ? s->base->rscales[r] : 1.0;
		m->nu = s->base->rank.rank > 0 ? s->base->rank.rank - 1.0 : NAN;
	}
	else
	{
		SvyStratumTotals *st = palloc0(sizeof(SvyStratumTotals) * Max(s->base->nstrata, 1));

		m->nu = svy_accum_strata(s->base, 0.0, st);
		taylor_covariance(s, st, final_of_var, K, a.v);
		df_all = cells_df(s, selected);
		for (int k = 0; k < K; k++)
			a.df[k] = df_all;
		if (s->kind == SVY_MULTI_BY)
			for (int g = 0; g < nlev[0]; g++)
			{
				int			v = var_of_final[2 * g + 1];

				memset(selected, 0, sizeof(bool) * (s->nvars + 1));
				if (v >= 0)
					selected[v] = true;
				a.df[2 * g] = a.df[2 * g + 1] = cells_df(s, selected);
			}
	}
	m->df = df_all;
	svy_check_finite_sums(a.t, K);
	svy_check_finite_sums(a.cyy, K);
	svy_check_finite_sums(nrep ? a.tr : a.v, (Size) K * (nrep ? nrep : K));
	PG_RETURN_POINTER(m);
}
