/*
 * domain.c — aggregates that estimate many totals at once with their full
 * covariance: svy_by (domain means/proportions/totals per group), svy_dist
 * (distribution of a categorical answer), svy_choices (multi-select shares)
 * and svy_tab (two-way tables).  Their results, svy_domains and svy_table,
 * are read by the functions in domain_read.c.  See multi.h for the layout.
 *
 * State: a SvyAccum of every row keeps the design's strata, PSUs and df;
 * beside it, sparse sums of each total ("variable") per PSU (per
 * second-stage unit in two-stage designs), or, for designs without PSUs,
 * per stratum with their cross-products, so memory grows with units x
 * categories, never with rows.
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_collation.h"
#include "catalog/indexing.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "accum.h"
#include "aggstate.h"
#include "idmap.h"
#include "multi.h"
#include "response.h"
#include "survey.h"
#include "wire.h"

PG_FUNCTION_INFO_V1(svy_by_float8_transfn);
PG_FUNCTION_INFO_V1(svy_by_bool_transfn);
PG_FUNCTION_INFO_V1(svy_dist_transfn);
PG_FUNCTION_INFO_V1(svy_choices_transfn);
PG_FUNCTION_INFO_V1(svy_tab_transfn);
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
	/*
	 * Two-stage designs with an fpc (base->ssutab): the units above are the
	 * second-stage units, and unit_psu holds 2 per unit, the identity of its
	 * PSU (the first stage's units are their PSUs).
	 */
	uint64	   *unit_psu;
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

	/* the grouping arguments' type lookups (arg_hashes), NULL until the first row */
	struct ArgHash *args;

	/* direct-mapped caches of the maps above (indexes never change) */
	PsuCacheSlot *psucache;		/* allocated for two-stage designs */
	/* one-stage designs: base->last_psu (the accumulator's PSU slot) -> PSU index, -1 unknown */
	int32	   *slot_psu;
	int			slot_cap;
	/* per unit: the cell of the first total a row of the unit added to last, -1 none */
	int32	   *unit_cell;
	int			unit_cell_cap;
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

/* Is typid one of this extension's types (known by its output function)? */
static bool
type_output_is(Oid typid, PGFunction out)
{
	Oid			outfn;
	bool		varlena;
	FmgrInfo	f;

	getTypeOutputInfo(typid, &outfn, &varlena);
	fmgr_info(outfn, &f);
	return f.fn_addr == out;
}

static bool
svy_type_is_likert(Oid typid)
{
	return type_output_is(typid, likert_out);
}

static bool
svy_type_is_choices(Oid typid)
{
	return type_output_is(typid, choices_out);
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

/* The state to update; a new one learns its kind from the first row. */
static SvyAggState *
domain_state(FunctionCallInfo fcinfo, int kind)
{
	SvyAggState *st = svy_agg_rw(fcinfo, SVY_AGG_MULTI);
	DomainState *s = st->state;

	if (s->kind == 0)
		s->kind = kind;
	return st;
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
	int			k;

	if (prev >= 0)
	{
		if (prev + 1 < s->ncells &&
			s->cells[prev + 1].unit == unit && s->cells[prev + 1].var == var)
			return prev + 1;
		return cell_index(s, unit, var);
	}
	/* a row's first total: the unit's rows often repeat it (one group per PSU) */
	if (unit < s->unit_cell_cap)
	{
		k = s->unit_cell[unit];
		if (k >= 0 && k < s->ncells && s->cells[k].unit == unit && s->cells[k].var == var)
			return k;
	}
	else
	{
		int			cap = Max(64, s->unit_cell_cap);

		while (cap <= unit)
			cap *= 2;
		s->unit_cell = s->unit_cell ?
			repalloc(s->unit_cell, sizeof(int32) * cap) :
			MemoryContextAlloc(s->cxt, sizeof(int32) * cap);
		for (int i = s->unit_cell_cap; i < cap; i++)
			s->unit_cell[i] = -1;
		s->unit_cell_cap = cap;
	}
	k = cell_index(s, unit, var);
	s->unit_cell[unit] = k;
	return k;
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

/* unit_psu is kept: a two-stage design with an fpc */
static inline bool
two_stage(const DomainState *s)
{
	return s->base->ssutab != NULL;
}

/* psu: the identity of the unit's PSU (two-stage designs), else NULL */
static int
psu_insert(DomainState *s, uint64 k0, uint64 k1, int stratum, const uint64 *psu)
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
			if (psu)
				s->unit_psu = s->unit_psu ? repalloc(s->unit_psu, sizeof(uint64) * 2 * s->psucap)
					: palloc(sizeof(uint64) * 2 * s->psucap);
		}
		s->psu_stratum[p] = stratum;
		s->psu_key[2 * p] = k0;
		s->psu_key[2 * p + 1] = k1;
		if (psu)
		{
			s->unit_psu[2 * p] = psu[0];
			s->unit_psu[2 * p + 1] = psu[1];
		}
		MemoryContextSwitchTo(old);
	}
	return p;
}

/*
 * PSUs are nested in strata: mix the stratum into the PSU's identity (and,
 * in two-stage designs, the second-stage unit into it).
 */
static int
psu_index(DomainState *s, const SvyDesign *d, int stratum)
{
	uint64		k0 = d->psu[0] ^ (d->stratum[0] * UINT64CONST(0x9E3779B97F4A7C15));
	uint64		k1 = d->psu[1] ^ (d->stratum[1] * UINT64CONST(0xC2B2AE3D27D4EB4F));
	PsuCacheSlot *slot;

	if (two_stage(s))
	{
		const SvyStage2 *s2 = svy_design_stage2(d);

		k0 ^= s2->psu2[0] * UINT64CONST(0xD6E8FEB86659FD93);
		k1 ^= s2->psu2[1] * UINT64CONST(0xA0761D6478BD642F);
	}
	else
	{
		/* the accumulator has just found the PSU: translate its dense slot */
		int			slot = s->base->last_psu;

		Assert(slot >= 0);
		if (slot >= s->slot_cap)
		{
			int			cap = Max(64, s->slot_cap);

			while (cap <= slot)
				cap *= 2;
			s->slot_psu = s->slot_psu ?
				repalloc(s->slot_psu, sizeof(int32) * cap) :
				MemoryContextAlloc(s->cxt, sizeof(int32) * cap);
			for (int i = s->slot_cap; i < cap; i++)
				s->slot_psu[i] = -1;
			s->slot_cap = cap;
		}
		/* a stale entry (the key differs) is looked up again */
		if (s->slot_psu[slot] < 0 ||
			s->psu_key[2 * s->slot_psu[slot]] != k0 || s->psu_key[2 * s->slot_psu[slot] + 1] != k1)
			s->slot_psu[slot] = psu_insert(s, k0, k1, stratum, NULL);
		return s->slot_psu[slot];
	}

	if (s->psucache == NULL)
	{
		s->psucache = MemoryContextAlloc(s->cxt, sizeof(PsuCacheSlot) * SVY_PSU_CACHE);
		for (int i = 0; i < SVY_PSU_CACHE; i++)
			s->psucache[i].index = -1;
	}
	slot = &s->psucache[svy_hash_mix(k0, k1) % SVY_PSU_CACHE];
	if (slot->index < 0 || slot->k0 != k0 || slot->k1 != k1)
	{
		slot->index = psu_insert(s, k0, k1, stratum, two_stage(s) ? d->psu : NULL);
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

/*
 * The type of argument argno as the function declares it: typed overloads
 * need no call expression (Citus calls transition functions without one);
 * only the "any" overloads look at the expression.
 */
static Oid
declared_argtype(FunctionCallInfo fcinfo, int argno)
{
	HeapTuple	tp = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
	Oid			typid;

	if (!HeapTupleIsValid(tp))
		elog(ERROR, "cache lookup failed for function %u", fcinfo->flinfo->fn_oid);
	typid = ((Form_pg_proc) GETSTRUCT(tp))->proargtypes.values[argno];
	ReleaseSysCache(tp);
	if (typid != ANYOID)
		return typid;
	typid = get_fn_expr_argtype(fcinfo->flinfo, argno);
	if (!OidIsValid(typid))
		ereport(ERROR,
				(errcode(ERRCODE_INDETERMINATE_DATATYPE),
				 errmsg("could not determine the type of a grouping argument"),
				 errdetail("The aggregate was called without its expression, as distributed engines do."),
				 errhint("Cast the argument to text, smallint, integer, bigint, boolean or likert.")));
	return typid;
}

/*
 * This server's likert type: states name it by a marker, as its OID differs
 * between the servers of a cluster.
 */
static Oid
likert_typid(void)
{
	Oid			ext = get_extension_oid("survey", false);
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			nsp;

	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "could not find extension %u", ext);
	nsp = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("likert"),
						   ObjectIdGetDatum(nsp));
}

/*
 * Kept in the state, not in fn_extra: Citus's worker_partial_agg calls the
 * transition function with a fresh FmgrInfo on every row.
 */
static ArgHash *
arg_hashes(FunctionCallInfo fcinfo, DomainState *s, int first_arg, int nargs)
{
	ArgHash    *h = s->args;

	if (h == NULL)
	{
		h = MemoryContextAllocZero(s->cxt, sizeof(ArgHash) * nargs);
		for (int i = 0; i < nargs; i++)
		{
			h[i].typid = declared_argtype(fcinfo, first_arg + i);
			/* an untyped literal ('north') is text */
			h[i].from_cstring = h[i].typid == UNKNOWNOID;
			if (h[i].from_cstring)
				h[i].typid = TEXTOID;
			if (svy_type_is_choices(h[i].typid))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("a multi-select answer (choices) cannot be a category"),
						 errdetail("Each combination of options would be a category of its own."),
						 errhint("Use svy_choices(x, d) for the share choosing each option, or svy_by(has_choice(x, k), grp, d) for option k by group (docs/loading.md).")));
			svy_value_hash_init(h[i].typid, &h[i].hash, s->cxt);
			h[i].is_likert = svy_type_is_likert(h[i].typid);
		}
		s->args = h;
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
	SvyAggState *st = domain_state(fcinfo, SVY_MULTI_BY);
	DomainState *s = st->state;
	const SvyDesign *d = design_arg(fcinfo, 3);
	ArgHash    *h = arg_hashes(fcinfo, s, 2, 1);
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
	PG_RETURN_DATUM(svy_agg_datum(st));
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
	SvyAggState *st = domain_state(fcinfo, SVY_MULTI_DIST);
	DomainState *s = st->state;
	const SvyDesign *d = design_arg(fcinfo, 2);
	ArgHash    *h = arg_hashes(fcinfo, s, 1, 1);
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
	PG_RETURN_DATUM(svy_agg_datum(st));
}

/* svy_choices' option labels as seen on this call site's first row. */
typedef struct OptionLabels
{
	ArgHash		hash;			/* of text */
	bytea	   *raw;			/* the labels argument, to check it stays the same */
} OptionLabels;

/*
 * svy_choices(x, d, labels): the option labels are kept as the categories of
 * dimension 1 (unused by svy_choices otherwise), in order, so that they
 * travel through combine and serialization like any category.
 */
static void
option_labels(FunctionCallInfo fcinfo, DomainState *s, int argno)
{
	OptionLabels *ol = (OptionLabels *) fcinfo->flinfo->fn_extra;
	struct varlena *raw;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("option labels must not be NULL")));
	raw = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	if (ol == NULL)
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(argno);
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		if (ARR_NDIM(arr) > 1 || n < 1 || n > CHOICES_MAX_OPTION)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option labels must be a list of 1 to %d labels", CHOICES_MAX_OPTION)));
		for (int i = 0; i < n; i++)
			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("option labels must not contain NULL")));
		ol = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(OptionLabels));
		ol->hash.typid = TEXTOID;
		svy_value_hash_init(TEXTOID, &ol->hash.hash, fcinfo->flinfo->fn_mcxt);
		ol->raw = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE_ANY(raw));
		memcpy(ol->raw, raw, VARSIZE_ANY(raw));
		fcinfo->flinfo->fn_extra = ol;
	}
	else if (VARSIZE_ANY_EXHDR(raw) != VARSIZE_ANY_EXHDR(ol->raw) ||
			 memcmp(VARDATA_ANY(raw), VARDATA_ANY(ol->raw), VARSIZE_ANY_EXHDR(raw)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option labels must be the same on every row")));
	if (s->cat[1].map == NULL)
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(argno);
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		for (int i = 0; i < n; i++)
			if (category_index(s, 1, &ol->hash, elems[i]) != i)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option label \"%s\" is listed twice", TextDatumGetCString(elems[i]))));
	}
}

/*
 * svy_choices(x, d [, labels]): option k's total is var (k, 0); respondents
 * are var (0, 0).
 */
Datum
svy_choices_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = domain_state(fcinfo, SVY_MULTI_CHOICES);
	DomainState *s = st->state;
	const SvyDesign *d = design_arg(fcinfo, 2);
	Contribution contrib[CHOICES_MAX_OPTION + 1];
	int			n = 0;

	if (PG_NARGS() > 3)
		option_labels(fcinfo, s, 3);
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
				if (s->cat[1].map != NULL && k > svy_idmap_size(s->cat[1].map))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option %d has no label", k),
							 errdetail("%d option labels were given.", svy_idmap_size(s->cat[1].map))));
				contrib[n].var = var_index(s, k, 0);
				contrib[n++].val = 1.0;
			}
	}
	domain_row(s, d, contrib, n, -1);
	PG_RETURN_DATUM(svy_agg_datum(st));
}

/* svy_tab(row, col, d): rows with either value NULL are outside the table. */
Datum
svy_tab_transfn(PG_FUNCTION_ARGS)
{
	SvyAggState *st = domain_state(fcinfo, SVY_MULTI_TAB);
	DomainState *s = st->state;
	const SvyDesign *d = design_arg(fcinfo, 3);
	ArgHash    *h = arg_hashes(fcinfo, s, 1, 2);
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
	PG_RETURN_DATUM(svy_agg_datum(st));
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

	/* svy_choices: option labels (dimension 1) must agree between partial states */
	if (from->kind == SVY_MULTI_CHOICES && into->cat[1].map && from->cat[1].map)
	{
		int			n = svy_idmap_size(into->cat[1].map);
		bool		same = n == svy_idmap_size(from->cat[1].map);

		for (int i = 0; same && i < n; i++)
			same = into->cat[1].ids[2 * i] == from->cat[1].ids[2 * i] &&
				into->cat[1].ids[2 * i + 1] == from->cat[1].ids[2 * i + 1];
		if (!same)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option labels must be the same on every row")));
	}
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
									stratum_map[from->psu_stratum[p]],
									from->unit_psu ? from->unit_psu + 2 * p : NULL);
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

/* ---------- serialization (parallel workers, Citus nodes of one architecture) ---------- */

static void
send_rank(StringInfo buf, const SvyRank *r)
{
	pq_sendint32(buf, r ? r->dim : 0);
	if (r == NULL)
		return;
	pq_sendint32(buf, r->rank);
	pq_sendbytes(buf, (const char *) r->basis, sizeof(double) * r->rank * r->dim);
}

/* A count of items of at least item_bytes each, at most max. */
static int
get_count(StringInfo buf, Size item_bytes, int max, const char *what)
{
	int			n = svy_wire_count(buf, item_bytes, what);

	if (n > max)
		svy_wire_corrupt(what);
	return n;
}

/*
 * A rank basis of dim = nrep (or none: dim 0), its rows checked against the
 * bytes left; its memory counts in *state_bytes (the state's limit).
 */
static SvyRank *
recv_rank(StringInfo buf, MemoryContext cxt, int nrep, Size *state_bytes)
{
	int			dim = svy_wire_int32(buf);
	int			rank;
	SvyRank    *r;

	if (dim == 0)
		return NULL;
	if (dim != nrep)
		svy_wire_corrupt("bad rank dimension");
	rank = svy_wire_count(buf, sizeof(double) * dim, "bad rank");
	if (rank > dim)
		svy_wire_corrupt("bad rank");
	r = rank_create(cxt, dim);
	r->rank = rank;
	svy_rank_room(r, rank, cxt, state_bytes);
	if (rank > 0)
		memcpy(r->basis, svy_wire_bytes(buf, sizeof(double) * rank * dim), sizeof(double) * rank * dim);
	return r;
}

/*
 * A category value as datumSerialize wrote it (an int header, then the
 * value): checked against the type before datumRestore copies it.
 */
static Datum
recv_category(const char *p, int size, const Categories *c)
{
	int			header;
	bool		isnull;
	char	   *q = (char *) p;
	uint64		hdr = 0;		/* a varlena's header, aligned */
	Datum		value;

	if (size < (int) sizeof(int))
		svy_wire_corrupt("bad category value");
	memcpy(&header, p, sizeof(int));
	if (c->typbyval ? (header != -1 || size != (int) (sizeof(int) + sizeof(Datum)))
		: (header < 0 || size != (int) sizeof(int) + header))
		svy_wire_corrupt("bad category value");
	if (!c->typbyval)
	{
		if (c->typlen > 0 && header != c->typlen)
			svy_wire_corrupt("bad category value");
		if (c->typlen == -1)
		{
			/* the varlena's own length must be the bytes present */
			if (header < 1)
				svy_wire_corrupt("bad category value");
			memcpy(&hdr, p + sizeof(int), Min(header, (int) sizeof(hdr)));
			if (VARATT_IS_1B(&hdr) ? VARATT_IS_1B_E(&hdr) || VARSIZE_1B(&hdr) != (Size) header
				: header < VARHDRSZ || !VARATT_IS_4B(&hdr) || VARSIZE_4B(&hdr) != (Size) header)
				svy_wire_corrupt("bad category value");
		}
		if (c->typlen == -2 && (header < 1 || strnlen(p + sizeof(int), header) != (Size) header - 1))
			svy_wire_corrupt("bad category value");
	}
	value = datumCopy(datumRestore(&q, &isnull), c->typbyval, c->typlen);
	if (svy_type_is_likert(c->typid))
	{
		/* its fields, through the type's own receive function */
		Likert		x = DatumGetLikert(value);
		StringInfoData b;

		initStringInfo(&b);
		pq_sendbyte(&b, likert_lo(x));
		pq_sendbyte(&b, likert_hi(x));
		pq_sendbyte(&b, likert_missing(x));
		pq_sendbyte(&b, likert_is_missing(x) ? 0 : likert_value(x));
		if (DatumGetLikert(DirectFunctionCall3(likert_recv, PointerGetDatum(&b), ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1))) != x)
			svy_wire_corrupt("bad category value");
		pfree(b.data);
	}
	return value;
}

static void
multi_serialize(void *state, StringInfo buf)
{
	const DomainState *s = state;
	int			nrep = s->base->kind == SVY_KIND_REPLICATE ? s->base->nrep : 0;

	svy_accum_serialize(s->base, buf);
	pq_sendbyte(buf, s->kind);
	pq_sendbyte(buf, s->boolean_outcome);
	pq_sendbyte(buf, s->with_missing);
	for (int dim = 0; dim < 2; dim++)
	{
		const Categories *c = &s->cat[dim];
		int			n = c->map ? svy_idmap_size(c->map) : 0;

		pq_sendint32(buf, n);
		if (n == 0)
			continue;
		pq_sendint32(buf, svy_type_is_likert(c->typid) ? InvalidOid : c->typid);
		for (int i = 0; i < n; i++)
		{
			Size		size = datumEstimateSpace(c->values[i], false, c->typbyval, c->typlen);
			char	   *space = palloc(size);
			char	   *p = space;

			datumSerialize(c->values[i], false, c->typbyval, c->typlen, &p);
			pq_sendint64(buf, c->ids[2 * i]);
			pq_sendint64(buf, c->ids[2 * i + 1]);
			pq_sendint32(buf, size);
			pq_sendbytes(buf, space, size);
			pfree(space);
		}
	}
	pq_sendint32(buf, s->nvars);
	for (int v = 0; v < s->nvars; v++)
	{
		const SvyVar  *var = &s->vars[v];

		pq_sendint32(buf, var->a);
		pq_sendint32(buf, var->b);
		pq_sendbytes(buf, (const char *) &var->total, sizeof(SvySum));
		pq_sendbytes(buf, (const char *) &var->n, sizeof(double));
		pq_sendbytes(buf, (const char *) &var->rows, sizeof(double));
		pq_sendbytes(buf, (const char *) &var->wm, sizeof(SvyWMoments));
		if (nrep)
			pq_sendbytes(buf, (const char *) var->rep, sizeof(SvySum) * nrep);
		send_rank(buf, var->rank);
	}
	send_rank(buf, s->rank);
	pq_sendint32(buf, svy_idmap_size(s->psumap));
	for (int p = 0; p < svy_idmap_size(s->psumap); p++)
	{
		pq_sendint64(buf, s->psu_key[2 * p]);
		pq_sendint64(buf, s->psu_key[2 * p + 1]);
		pq_sendint32(buf, s->psu_stratum[p]);
		if (two_stage(s))
		{
			pq_sendint64(buf, s->unit_psu[2 * p]);
			pq_sendint64(buf, s->unit_psu[2 * p + 1]);
		}
	}
	pq_sendint32(buf, s->ncells);
	pq_sendbytes(buf, (const char *) s->cells, sizeof(Cell) * s->ncells);
	pq_sendint32(buf, s->ncross);
	pq_sendbytes(buf, (const char *) s->cross, sizeof(Cross) * s->ncross);
}

static void *
multi_deserialize(StringInfo buf, MemoryContext aggcxt)
{
	MemoryContext old;
	DomainState *s;
	int			nrep,
				n,
				ncat[2] = {0, 0},
				nunits;
	bool		with_psu;

	s = domain_create(aggcxt, 0);
	s->base = svy_accum_deserialize(buf, aggcxt);
	nrep = s->base->kind == SVY_KIND_REPLICATE ? s->base->nrep : 0;
	with_psu = s->base->kind == SVY_KIND_TAYLOR && (s->base->flags & SVY_HAS_PSU);
	s->kind = svy_wire_byte(buf);
	n = svy_wire_byte(buf);
	ncat[0] = svy_wire_byte(buf);
	if (s->kind < SVY_MULTI_BY || s->kind > SVY_MULTI_TAB || n > 1 || ncat[0] > 1)
		svy_wire_corrupt("unknown domain kind");
	s->boolean_outcome = n;
	s->with_missing = ncat[0];
	old = MemoryContextSwitchTo(aggcxt);
	for (int dim = 0; dim < 2; dim++)
	{
		Categories *c = &s->cat[dim];

		n = ncat[dim] = get_count(buf, 2 * sizeof(uint64) + 2 * sizeof(int32), SVY_MULTI_MAX_VARS,
								  "bad number of categories");
		if (n == 0)
			continue;
		c->typid = svy_wire_int32(buf);
		if (!OidIsValid(c->typid))
			c->typid = likert_typid();
		if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(c->typid)))
			svy_wire_corrupt("unknown category type");
		get_typlenbyval(c->typid, &c->typlen, &c->typbyval);
		c->map = svy_idmap_create(aggcxt, n);
		c->cap = n;
		c->values = palloc(sizeof(Datum) * n);
		c->ids = palloc(sizeof(uint64) * 2 * n);
		for (int i = 0; i < n; i++)
		{
			bool		found;
			int			size;

			c->ids[2 * i] = svy_wire_int64(buf);
			c->ids[2 * i + 1] = svy_wire_int64(buf);
			if (svy_idmap_insert(c->map, c->ids[2 * i], c->ids[2 * i + 1], &found) != i || found)
				svy_wire_corrupt("duplicate category");
			size = svy_wire_int32(buf);
			c->values[i] = recv_category(svy_wire_bytes(buf, size), size, c);
		}
	}
	n = get_count(buf, 2 * sizeof(int32) + 3 * sizeof(double) + sizeof(SvyWMoments) + sizeof(int32) +
				  sizeof(double) * nrep, SVY_MULTI_MAX_VARS, "bad number of totals");
	for (int v = 0; v < n; v++)
	{
		int			a = svy_wire_int32(buf);
		int			bb = svy_wire_int32(buf);
		SvyVar	   *var;

		/* the categories (or choices options) a total belongs to must exist */
		if (s->kind == SVY_MULTI_CHOICES ? a < 0 || a > CHOICES_MAX_OPTION || bb != 0
			: a < 0 || a >= ncat[0] ||
			bb < 0 || bb >= (s->kind == SVY_MULTI_TAB ? ncat[1] : s->kind == SVY_MULTI_BY ? 2 : 1))
			svy_wire_corrupt("total of an unknown category");
		if (var_index(s, a, bb) != v)	/* may move s->vars */
			svy_wire_corrupt("duplicate total");
		var = &s->vars[v];
		memcpy(&var->total, svy_wire_bytes(buf, sizeof(SvySum)), sizeof(SvySum));
		memcpy(&var->n, svy_wire_bytes(buf, sizeof(double)), sizeof(double));
		memcpy(&var->rows, svy_wire_bytes(buf, sizeof(double)), sizeof(double));
		memcpy(&var->wm, svy_wire_bytes(buf, sizeof(SvyWMoments)), sizeof(SvyWMoments));
		if (nrep)
			memcpy(var->rep, svy_wire_bytes(buf, sizeof(SvySum) * nrep), sizeof(SvySum) * nrep);
		var->rank = recv_rank(buf, aggcxt, nrep, &s->rank_bytes);
	}
	s->rank = recv_rank(buf, aggcxt, nrep, &s->rank_bytes);
	n = get_count(buf, 2 * sizeof(uint64) + sizeof(int32), with_psu ? INT_MAX : 0, "bad number of PSUs");
	for (int p = 0; p < n; p++)
	{
		uint64		k0 = svy_wire_int64(buf);
		uint64		k1 = svy_wire_int64(buf);
		int			h = svy_wire_int32(buf);
		uint64		psu[2] = {0, 0};

		if (two_stage(s))
		{
			psu[0] = svy_wire_int64(buf);
			psu[1] = svy_wire_int64(buf);
		}
		if (h < 0 || h >= s->base->nstrata)
			svy_wire_corrupt("PSU of an unknown stratum");
		if (psu_insert(s, k0, k1, h, two_stage(s) ? psu : NULL) != p)
			svy_wire_corrupt("duplicate PSU");
	}
	nunits = with_psu ? n : s->base->nstrata;
	n = get_count(buf, sizeof(Cell), INT_MAX, "bad number of cells");
	for (int i = 0; i < n; i++)
	{
		Cell		c;

		memcpy(&c, svy_wire_bytes(buf, sizeof(Cell)), sizeof(Cell));
		if (c.unit < 0 || c.unit >= nunits || c.var < 0 || c.var >= s->nvars)
			svy_wire_corrupt("cell of an unknown unit or total");
		if (cell_index(s, c.unit, c.var) != i)
			svy_wire_corrupt("duplicate cell");
		s->cells[i] = c;
	}
	n = get_count(buf, sizeof(Cross), INT_MAX, "bad number of cross-products");
	for (int i = 0; i < n; i++)
	{
		Cross		c;

		memcpy(&c, svy_wire_bytes(buf, sizeof(Cross)), sizeof(Cross));
		if (c.stratum < 0 || c.stratum >= s->base->nstrata ||
			c.k < 0 || c.k > c.l || c.l >= s->nvars)
			svy_wire_corrupt("cross-product of an unknown stratum or total");
		cross_add(s, c.stratum, c.k, c.l, c.sum);
		if (s->ncross != i + 1)
			svy_wire_corrupt("duplicate cross-product");
	}
	MemoryContextSwitchTo(old);
	return s;
}

static void *
multi_create(MemoryContext cxt)
{
	return domain_create(cxt, 0);
}

static void
multi_merge(void *into, void *from)
{
	domain_merge(into, from);
}

/* Native byte order (cells are copied as they are): not portable. */
const SvyAggOps svy_multi_ops = {
	"domain", false, false,
	multi_create, multi_merge, multi_serialize, multi_deserialize
};

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
 * Two-stage designs: the PSU of each unit (a second-stage unit), as its slot
 * in the base state (0 .. base->npsu - 1); NULL for other designs.
 */
static int *
unit_groups(const DomainState *s)
{
	int			nunits = svy_idmap_size(s->psumap);
	int		   *group;

	if (!two_stage(s))
		return NULL;
	group = palloc(sizeof(int) * (nunits + 1));
	for (int u = 0; u < nunits; u++)
	{
		const SvyStratumInfo *st = &s->base->strata[s->psu_stratum[u]];
		SvyPsuKey	key = {{st->id[0], st->id[1], s->unit_psu[2 * u], s->unit_psu[2 * u + 1]}};
		SvyPsuEntry *e;

		CHECK_FOR_INTERRUPTS();
		e = svy_accum_psu_find(s->base, &key);
		if (e == NULL)
			elog(ERROR, "survey state has a second-stage unit of an unknown PSU");
		group[u] = e->slot;
	}
	return group;
}

/* Cells of the design covariance: by unit (PSU, second-stage unit or stratum). */
typedef struct CellIndex
{
	const DomainState *s;
	const int  *final_of_var;
	int			K;
	int		   *order;			/* cells by unit */
	int		   *start;
	double	   *t;				/* K of work space, kept zero */
	int		   *touched;		/* K of work space */
} CellIndex;

/*
 * S (sum) and Q (centred cross-products) of the total vectors of n blocks:
 * block j is the units members[first[j]] .. members[first[j + 1] - 1]
 * (first NULL: block j is unit members[j] alone); blocks beyond those
 * listed (n larger) have t = 0.  present (K, or NULL) marks the totals that
 * have cells (rows of their domain) in the blocks.
 */
static void
block_moments(const CellIndex *ci, const int *members, const int *first, int nblocks, double n,
			  double *S, double *Q, bool *present)
{
	const DomainState *s = ci->s;
	int			K = ci->K;
	double	   *t = ci->t;
	int		   *touched = ci->touched;

	memset(S, 0, sizeof(double) * K);
	memset(Q, 0, sizeof(double) * K * K);
	if (present)
		memset(present, 0, sizeof(bool) * K);
	for (int j = 0; j < nblocks; j++)
	{
		int			lo = first ? first[j] : j,
					hi = first ? first[j + 1] : j + 1;

		for (int m = lo; m < hi; m++)
		{
			int			unit = members[m];

			for (int i = ci->start[unit]; i < ci->start[unit + 1]; i++)
			{
				int			k = ci->final_of_var[s->cells[ci->order[i]].var];

				if (k < 0)
					continue;
				S[k] += s->cells[ci->order[i]].sum;
				if (present)
					present[k] |= s->cells[ci->order[i]].n_df > 0;
			}
		}
	}

	/*
	 * Then the centred cross-products: (t - tbar)(t - tbar)' = t t' - t tbar'
	 * - tbar t' + tbar tbar' (blocks without cells have t = 0 and add tbar
	 * tbar').
	 */
	for (int j = 0; j < nblocks; j++)
	{
		int			lo = first ? first[j] : j,
					hi = first ? first[j + 1] : j + 1;
		int			ntouched = 0;

		for (int m = lo; m < hi; m++)
		{
			int			unit = members[m];

			for (int i = ci->start[unit]; i < ci->start[unit + 1]; i++)
			{
				int			k = ci->final_of_var[s->cells[ci->order[i]].var];

				if (k < 0)
					continue;
				if (t[k] == 0.0)
					touched[ntouched++] = k;
				t[k] += s->cells[ci->order[i]].sum;
			}
		}
		for (int a = 0; a < ntouched; a++)
		{
			int			ka = touched[a];

			for (int b = 0; b < ntouched; b++)
				Q[ka * K + touched[b]] += t[ka] * t[touched[b]];
			for (int b = 0; b < K; b++)
			{
				Q[ka * K + b] -= t[ka] * S[b] / n;
				Q[b * K + ka] -= S[b] / n * t[ka];
			}
		}
		for (int a = 0; a < ntouched; a++)
			t[touched[a]] = 0.0;
	}
	for (int a = 0; a < K; a++)
		for (int b = 0; b < K; b++)
			Q[a * K + b] += n * (S[a] / n) * (S[b] / n);
}

/*
 * The design covariance (K x K) of the totals, from PSU or stratum sums;
 * st holds the strata as svy_accum_strata gives them (their PSU counts).
 * Two-stage designs add each PSU's second stage (R's multistage).
 */
static void
taylor_covariance(const DomainState *s, const SvyStratumTotals *st, const int *final_of_var,
				  int K, double *V)
{
	const SvyAccum *base = s->base;
	int			nstrata = base->nstrata;
	double	   *S = palloc(sizeof(double) * K);
	double	   *Q = palloc(sizeof(double) * K * K);
	int		   *local = palloc(sizeof(int) * K);	/* total -> index in active, or -1 */
	int		   *active = palloc(sizeof(int) * K);
	double	   *d = palloc(sizeof(double) * K);
	bool	   *present = palloc(sizeof(bool) * K);
	bool		by_psu = (base->flags & SVY_HAS_PSU) != 0;
	int			nunits = by_psu ? svy_idmap_size(s->psumap) : nstrata;
	int		   *key = palloc(sizeof(int) * (Max(s->ncells, s->ncross) + 1));
	CellIndex	ci = {s, final_of_var, K};
	/* PSUs by stratum (with PSUs), or cross-products by stratum (without) */
	int			nsecond = by_psu ? nunits : s->ncross;
	int		   *second_order = palloc(sizeof(int) * (nsecond + 1));
	int		   *second_start = palloc(sizeof(int) * (nstrata + 1));

	/*
	 * svy_by's groups are domains of their own (R: one domain per group, its
	 * two totals together); the categories of svy_dist, svy_tab and
	 * svy_choices share one (R: one svymean of the indicators).
	 */
	bool		by_group = s->kind == SVY_MULTI_BY;
	SvyCovariance cov = {K, V, (SvyLonely) survey_lonely_psu,
		by_group ? palloc0(sizeof(int) * K) : NULL, by_group ? palloc0(sizeof(int) * K) : NULL, 0, 0};

	/* two-stage designs: units by PSU, PSUs by stratum, the second stage */
	int		   *group = unit_groups(s);
	int			ngroups = group ? base->npsu : 0;
	int		   *unit_order = NULL,
			   *unit_start = NULL,
			   *group_order = NULL,
			   *group_start = NULL;
	SvyStage2Totals *st2 = NULL;

	/* a stratum's blocks (its PSUs), each a list of units */
	int		   *first = palloc(sizeof(int) * (nunits + 1));
	int		   *members = palloc(sizeof(int) * (nunits + 1));

	ci.order = palloc(sizeof(int) * (s->ncells + 1));
	ci.start = palloc(sizeof(int) * (nunits + 1));
	ci.t = palloc0(sizeof(double) * K);
	ci.touched = palloc(sizeof(int) * K);
	for (int k = 0; k < K; k++)
		local[k] = -1;
	for (int i = 0; i < s->ncells; i++)
		key[i] = s->cells[i].unit;
	order_by_key(s->ncells, key, nunits, ci.order, ci.start);
	if (group)
	{
		int			n2;
		int		   *group_stratum = palloc(sizeof(int) * (ngroups + 1));

		unit_order = palloc(sizeof(int) * (nunits + 1));
		unit_start = palloc(sizeof(int) * (ngroups + 1));
		order_by_key(nunits, group, ngroups, unit_order, unit_start);
		st2 = svy_accum_stage2(base, 0.0, st, &n2);
		Assert(n2 == ngroups);
		for (int g = 0; g < ngroups; g++)
			group_stratum[g] = st2[g].stratum;
		group_order = palloc(sizeof(int) * (ngroups + 1));
		group_start = palloc(sizeof(int) * (nstrata + 1));
		order_by_key(ngroups, group_stratum, nstrata, group_order, group_start);
		pfree(group_stratum);
	}
	else if (by_psu)
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
					nt = 0,
					nb = 0;

		CHECK_FOR_INTERRUPTS();
		/* the blocks: PSUs (their units in two-stage designs), or the stratum */
		if (group)
		{
			int			u = 0;

			for (int j = group_start[h]; j < group_start[h + 1]; j++)
			{
				int			g = group_order[j];

				first[nb++] = u;
				for (int i = unit_start[g]; i < unit_start[g + 1]; i++)
					members[u++] = unit_order[i];
			}
			first[nb] = u;
		}
		else if (by_psu)
		{
			for (int j = second_start[h]; j < second_start[h + 1]; j++)
			{
				first[nb] = nb;
				members[nb++] = second_order[j];
			}
			first[nb] = nb;
		}
		else
		{
			first[0] = 0;
			members[0] = h;
			first[1] = 1;
			nb = 1;
		}

		/* the stratum's totals S, which of them it touches, and where its domains have rows */
		for (int u = 0; u < first[nb]; u++)
			for (int i = ci.start[members[u]]; i < ci.start[members[u] + 1]; i++)
			{
				const Cell *c = &s->cells[ci.order[i]];
				int			k = final_of_var[c->var];

				if (k < 0)
					continue;
				nt++;
				if (local[k] < 0)
				{
					local[k] = m;
					active[m] = k;
					present[m] = false;
					S[m++] = 0.0;
				}
				S[local[k]] += c->sum;
				present[local[k]] |= c->n_df > 0;
			}
		if (by_group)
		{
			/* a group's two totals count its strata together */
			int			m0 = m;

			for (int a = 0; a < m0; a++)
			{
				int			partner = active[a] ^ 1;

				if (partner < K && local[partner] < 0)
				{
					local[partner] = m;
					active[m] = partner;
					present[m] = false;
					S[m++] = 0.0;
				}
			}
			for (int a = 0; a < m; a++)
				present[a] = present[a] || present[local[active[a] ^ 1]];
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
			for (int j = 0; j <= nb; j++)
			{
				/* j == nb: the PSUs of n_h without rows here, t = 0 */
				double		times = j < nb ? 1.0 : n_h - nb;

				if (times <= 0.0)
					continue;
				CHECK_FOR_INTERRUPTS();
				for (int a = 0; a < m; a++)
					d[a] = -S[a] / n_h;
				if (j < nb)
					for (int u = first[j]; u < first[j + 1]; u++)
						for (int i = ci.start[members[u]]; i < ci.start[members[u] + 1]; i++)
						{
							int			k = final_of_var[s->cells[ci.order[i]].var];

							if (k >= 0)
								d[local[k]] += s->cells[ci.order[i]].sum;
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
			double	   *t = ci.t;
			int		   *touched = ci.touched;

			for (int j = 0; j < nb; j++)
			{
				int			ntouched = 0;

				for (int u = first[j]; u < first[j + 1]; u++)
					for (int i = ci.start[members[u]]; i < ci.start[members[u] + 1]; i++)
					{
						int			k = final_of_var[s->cells[ci.order[i]].var];

						if (k < 0)
							continue;
						if (t[local[k]] == 0.0)
							touched[ntouched++] = local[k];
						t[local[k]] += s->cells[ci.order[i]].sum;
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
			for (int i = ci.start[h]; i < ci.start[h + 1]; i++)
			{
				const Cell *c = &s->cells[ci.order[i]];
				int			k = final_of_var[c->var];

				if (k >= 0)
					Q[local[k] * m + local[k]] = c->m2 + c->mean * c->mean * c->rows * (n_h - c->rows) / n_h;
			}
		}
		status = svy_covariance_add_subset(&cov, n_h, st[h].fpc, m, active, S, Q, present);
		if (status != SVY_OK)
			svy_report_design_error(base, status, h, n_h);
		for (int a = 0; a < m; a++)
			local[active[a]] = -1;
	}
	svy_covariance_finish(&cov);

	/* the second stage: within each PSU, its units as the PSUs of one stratum */
	for (int g = 0; g < ngroups; g++)
	{
		double		n_g = st2[g].units.n;
		SvyStatus	status;

		CHECK_FOR_INTERRUPTS();
		block_moments(&ci, unit_order + unit_start[g], NULL, unit_start[g + 1] - unit_start[g],
					  n_g, S, Q, present);
		status = svy_covariance_add_stage2(&cov, n_g, st2[g].fpc2, st2[g].fraction, S, Q,
										   present);
		if (status != SVY_OK)
			svy_report_design_error(base, status, st2[g].stratum, n_g);
	}
	pfree(S);
	pfree(Q);
	pfree(local);
	pfree(active);
	pfree(d);
	pfree(present);
	pfree(first);
	pfree(members);
	if (cov.nstrata)
	{
		pfree(cov.nstrata);
		pfree(cov.n_ok);
	}
	pfree(ci.t);
	pfree(ci.touched);
	pfree(key);
	pfree(ci.order);
	pfree(ci.start);
	pfree(second_order);
	pfree(second_start);
	if (group)
	{
		pfree(group);
		pfree(unit_order);
		pfree(unit_start);
		pfree(group_order);
		pfree(group_start);
		pfree(st2);
	}
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
		/* first-stage PSUs (of two-stage designs: of the units) */
		int			nunits = svy_idmap_size(s->psumap);
		int		   *group = unit_groups(s);
		int			npsu = group ? base->npsu : nunits;
		bool	   *psu_in = palloc0(sizeof(bool) * (npsu + 1));
		int		   *psu_stratum = palloc(sizeof(int) * (npsu + 1));
		bool	   *stratum_in = palloc0(sizeof(bool) * (base->nstrata + 1));

		for (int u = 0; u < nunits; u++)
			psu_stratum[group ? group[u] : u] = s->psu_stratum[u];
		for (int i = 0; i < s->ncells; i++)
			if (var_selected[s->cells[i].var] && s->cells[i].n_df > 0)
				psu_in[group ? group[s->cells[i].unit] : s->cells[i].unit] = true;
		for (int p = 0; p < npsu; p++)
			if (psu_in[p])
			{
				df += 1;
				stratum_in[psu_stratum[p]] = true;
			}
		for (int h = 0; h < base->nstrata; h++)
			df -= stratum_in[h];
		if (group)
			pfree(group);
		pfree(psu_in);
		pfree(psu_stratum);
		pfree(stratum_in);
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

	s = svy_agg_read(fcinfo, 0, SVY_AGG_MULTI);
	if (s == NULL || s->base->kind == 0)
		PG_RETURN_NULL();
	nrep = s->base->kind == SVY_KIND_REPLICATE ? s->base->nrep : 0;

	/* levels and the layout of the totals (multi.h) */
	initStringInfo(&labels);
	if (s->kind == SVY_MULTI_CHOICES)
	{
		const Categories *named = &s->cat[1];	/* option labels, if given */
		int			nnamed = named->map ? svy_idmap_size(named->map) : 0;
		int			max_option = 0;

		for (int v = 0; v < s->nvars; v++)
			max_option = Max(max_option, s->vars[v].a);
		/*
		 * labelled options nobody chose are listed too, with estimate 0; with
		 * no respondent at all there is nothing to list (as svy_dist)
		 */
		if (var_of(s, 0, 0) >= 0)
			max_option = Max(max_option, nnamed);
		nlev[0] = max_option;
		K = max_option + 1;
		var_of_final = palloc(sizeof(int) * K);
		for (int k = 1; k <= max_option; k++)
		{
			var_of_final[k - 1] = var_of(s, k, 0);
			if (k <= nnamed)
				appendStringInfoString(&labels, TextDatumGetCString(named->values[k - 1]));
			else
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
	if (nrep)
		svy_check_finite_sums(a.tr, (Size) K * nrep);
	else
		/* NaN is a variance R leaves undefined (lonely "average"), not an overflow */
		for (Size i = 0; i < (Size) K * K; i++)
			if (isinf(a.v[i]))
				svy_report_overflow();
	PG_RETURN_POINTER(m);
}
