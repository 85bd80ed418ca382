/*
 * domain.c — aggregates that estimate many totals at once with their full
 * covariance: svy_by (domain means/proportions/totals per group), svy_dist
 * (distribution of a categorical answer), svy_choices (multi-select shares)
 * and svy_tab (two-way tables).  Their results, svy_domains and svy_table,
 * are read by the functions in domain_read.c.  See multi.h for the layout.
 * This file accumulates (transition, combine, serialization); the final
 * function is in domain_final.c, the covariance of the totals in
 * domain_cov.c, the state they share in domain.h.
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
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "accum.h"
#include "aggstate.h"
#include "calib.h"
#include "domain.h"
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

void
domain_too_many(const char *what)
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
		domain_too_many("categories");
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

/* A pair of category cache slots (2-way: a few categories whose slots collide still hit). */
#define CAT_PAIR(k0, k1) (svy_hash_mix((k0), (k1)) % SVY_LOOKUP_CACHE & ~1U)

/*
 * category_index's miss: the index of the value of identity id (adding it
 * if new), kept first in the cache pair at `pair` under key and len.
 */
static pg_noinline int
category_miss(DomainState *s, int dim, ArgHash *h, Datum value, const uint64 id[2], uint32 pair,
			  const uint64 key[2], int len)
{
	Categories *c = &s->cat[dim];
	bool		found;
	int			index;

	if (c->map == NULL)
	{
		c->map = svy_idmap_create(s->cxt, 16);
		c->typid = h->typid;
		get_typlenbyval(h->typid, &c->typlen, &c->typbyval);
	}
	index = svy_idmap_insert(c->map, id[0], id[1], &found);
	if (!found)
		category_store(c, s->cxt, index, id, value, c->typbyval, c->typlen);
	s->catcache[dim][pair + 1] = s->catcache[dim][pair];
	s->catcache[dim][pair].key[0] = key[0];
	s->catcache[dim][pair].key[1] = key[1];
	s->catcache[dim][pair].len = len;
	s->catcache[dim][pair].index = index;
	return index;
}

/*
 * Index of a category value, adding it if new.  The cache of a grouping
 * variable of a fixed-length type (integers, ...) is keyed by the values'
 * identities; of a variable-length one, by a short value's bytes (codes,
 * names of up to 16 bytes: no hash of the value) or a longer one's identity,
 * told apart by len (-1: an identity).
 */
static int
category_index(DomainState *s, int dim, ArgHash *h, Datum value)
{
	uint64		key[2],
				id[2];
	const char *data;
	int			len;
	uint32		pair;

	if (h->hash.cache == NULL)
	{
		svy_value_identity(&h->hash, value, id);
		pair = CAT_PAIR(id[0], id[1]);
		for (int i = 0; i < 2; i++)
			if (s->catcache[dim][pair + i].index >= 0 &&
				s->catcache[dim][pair + i].key[0] == id[0] && s->catcache[dim][pair + i].key[1] == id[1])
				return s->catcache[dim][pair + i].index;
		return category_miss(s, dim, h, value, id, pair, id, -1);
	}
	if (svy_varlena_inline(value, &data, &len) && len <= 16)
		svy_load_short((const unsigned char *) data, len, &key[0], &key[1]);
	else
	{
		len = -1;
		svy_value_identity(&h->hash, value, key);
	}
	pair = CAT_PAIR(key[0] + len, key[1]);
	for (int i = 0; i < 2; i++)
		if (s->catcache[dim][pair + i].index >= 0 && s->catcache[dim][pair + i].len == len &&
			s->catcache[dim][pair + i].key[0] == key[0] && s->catcache[dim][pair + i].key[1] == key[1])
			return s->catcache[dim][pair + i].index;
	if (len >= 0)
		svy_value_identity(&h->hash, value, id);
	else
	{
		id[0] = key[0];
		id[1] = key[1];
	}
	return category_miss(s, dim, h, value, id, pair, key, len);
}

/*
 * Replicate sums each total keeps: an uncalibrated replicate design's (a
 * calibrated one's are by calibration cell in calib_domain.c).
 */
static int
var_nrep(const SvyAccum *base)
{
	return base->kind == SVY_KIND_REPLICATE && base->calib == NULL ? base->nrep : 0;
}

/* var_index's cache miss (out of line: the row's path keeps no flag on its stack) */
static pg_noinline int
var_lookup(DomainState *s, int a, int b, uint32 slot)
{
	bool		found;
	int			v;

	v = svy_idmap_insert(s->varmap, (uint64) a, (uint64) b, &found);
	s->varcache[slot].a = a;
	s->varcache[slot].b = b;
	s->varcache[slot].var = v;

	if (!found)
	{
		MemoryContext old = MemoryContextSwitchTo(s->cxt);
		SvyVar		   *var;

		if (v >= SVY_MULTI_MAX_VARS)
			domain_too_many("categories");
		GROW(s->vars, s->nvars, s->varcap, SvyVar);
		var = &s->vars[s->nvars++];
		memset(var, 0, sizeof(*var));
		var->a = a;
		var->b = b;
		if (var_nrep(s->base))
			var->rep = palloc0(sizeof(SvySum) * s->base->nrep);
		MemoryContextSwitchTo(old);
	}
	return v;
}

static inline int
var_index(DomainState *s, int a, int b)
{
	uint32		slot = ((uint32) a * 31 + (uint32) b) % SVY_LOOKUP_CACHE;

	if (s->varcache[slot].var >= 0 && s->varcache[slot].a == a && s->varcache[slot].b == b)
		return s->varcache[slot].var;
	return var_lookup(s, a, b, slot);
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
typedef SvyCalibScore Contribution;

/*
 * The base state must know the design before vars get replicate sums; a
 * calibrated design's row tells it in domain_row (svy_calib_scores_row).
 */
static inline void
domain_prepare(DomainState *s, const SvyDesign *d)
{
	/* a linearization design of the shape the base has (per row: no call) */
	if (d->kind == SVY_KIND_TAYLOR && s->base->kind == SVY_KIND_TAYLOR &&
		(d->flags & SVY_SHAPE_FLAGS) == s->base->flags)
		return;
	if (!svy_design_is_calibrated(d))
		svy_accum_prepare(s->base, d);
}

/*
 * Add one row.  contrib lists the totals it adds to (empty when the row is
 * outside the domain or its outcome is NULL); group_var is the svy_by
 * group's denominator total, or -1.
 */
static void
domain_row(DomainState *s, const SvyDesign *d, const Contribution *contrib, int ncontrib,
		   int group_var)
{
	int			h;
	double		w = d->weight;
	bool		counts = ncontrib > 0 && w != 0.0;

	if (unlikely(s->rowpsu.on || svy_design_is_calibrated(d)))
		d = svy_calib_row_psu(&s->rowpsu, d, svy_calib_scores_row_psu(d), (s->base->flags & SVY_HAS_PSU) != 0,
							  s->cxt);
	/* calibrated designs: calib_domain.c keeps the scores by calibration cell too */
	h = svy_design_is_calibrated(d) || s->base->calib
		? svy_calib_scores_row(&s->cal, s->base, d, contrib, ncontrib, group_var)
		: svy_accum_row_base(s->base, d, 0.0, 1.0, false);

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

		/* calibrated: calib_domain.c keeps the replicates' sums by cell */
		if (ncontrib == 0 || s->cal)
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

/* svy_by(y, grp, d): rows with NULL y or NULL grp are outside every group. */
static Datum
by_transfn(FunctionCallInfo fcinfo, bool boolean)
{
	SvyAggState *st = domain_state(fcinfo, SVY_MULTI_BY);
	DomainState *s = st->state;
	const SvyDesign *d = svy_design_arg(fcinfo, 3);
	ArgHash    *h = arg_hashes(fcinfo, s, 2, 1);
	Contribution contrib[2];
	int			n = 0,
				group_var = -1;

	s->boolean_outcome = boolean;
	/* the base state must know the design before vars get replicate sums */
	domain_prepare(s, d);
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2) && !(d->flags & SVY_OUT_OF_DOMAIN))
	{
		double		y = boolean ? (PG_GETARG_BOOL(1) ? 1.0 : 0.0) : PG_GETARG_FLOAT8(1);
		int			g = category_index(s, 0, h, group_arg(fcinfo, h, 2));

		svy_check_outcome(y);
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
	const SvyDesign *d = svy_design_arg(fcinfo, 2);
	ArgHash    *h = arg_hashes(fcinfo, s, 1, 1);
	Contribution contrib;
	int			n = 0;

	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		s->with_missing = PG_GETARG_BOOL(3);
	domain_prepare(s, d);
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
	const SvyDesign *d = svy_design_arg(fcinfo, 2);
	Contribution contrib[CHOICES_MAX_OPTION + 1];
	int			n = 0;

	if (PG_NARGS() > 3)
		option_labels(fcinfo, s, 3);
	domain_prepare(s, d);
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
	const SvyDesign *d = svy_design_arg(fcinfo, 3);
	ArgHash    *h = arg_hashes(fcinfo, s, 1, 2);
	Contribution contrib;
	int			n = 0;

	domain_prepare(s, d);
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

		into->m2 += from->m2 + svy_moments_between(into->rows, from->rows, delta, delta);
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

	/* (rows given PSUs of their own: domain_row) */
	svy_calib_row_psu_merge(&into->rowpsu, into->base->kind != 0, from->rowpsu.on, fb->kind != 0);
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
	svy_calib_scores_merge(&into->cal, from->cal, var_map, into->cxt);

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
	int			nrep = var_nrep(s->base);

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
	/* calibrated designs (the base state says so): the calibrated scores */
	if (s->base->calib)
	{
		pq_sendbyte(buf, s->rowpsu.on);
		svy_calib_scores_serialize(s->cal, buf);
	}
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
	nrep = var_nrep(s->base);
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
	if (s->base->calib)
	{
		s->rowpsu.on = svy_wire_byte(buf) != 0;
		if (s->rowpsu.on && !(s->base->flags & SVY_HAS_PSU))
			svy_wire_corrupt("rows with PSUs of their own in a design without PSUs");
		s->cal = svy_calib_scores_deserialize(buf, aggcxt, s->base, s->nvars);
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
