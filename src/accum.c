/*
 * accum.c — accumulating rows into the estimator state, merging states
 * (parallel workers, svy_merge), and their versioned binary format.
 * See accum.h for why the state looks like this.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "accum.h"
#include "calib.h"
#include "idmap.h"
#include "wire.h"
#include "survey.h"

/* PSU table: (stratum, psu) identity -> sums */
#define psutab_hash_key(k) \
	svy_hash_mix((k).w[0] ^ ((k).w[1] * UINT64CONST(0xC2B2AE3D27D4EB4F)), \
				 (k).w[2] ^ ((k).w[3] * UINT64CONST(0x165667B19E3779F9)))
#define psu_key_equal(a, b) \
	((a).w[0] == (b).w[0] && (a).w[1] == (b).w[1] && (a).w[2] == (b).w[2] && (a).w[3] == (b).w[3])
#define SH_PREFIX psutab
#define SH_ELEMENT_TYPE SvyPsuEntry
#define SH_KEY_TYPE SvyPsuKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) psutab_hash_key(k)
#define SH_EQUAL(tb, a, b) psu_key_equal(a, b)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* second-stage unit table: (stratum, psu, psu2) identity -> sums */
#define SH_PREFIX ssutab
#define SH_ELEMENT_TYPE SvySsuEntry
#define SH_KEY_TYPE SvySsuKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) \
	svy_hash_mix((k).w[0] ^ ((k).w[1] * UINT64CONST(0xC2B2AE3D27D4EB4F)) ^ (k).w[4], \
				 (k).w[2] ^ ((k).w[3] * UINT64CONST(0x165667B19E3779F9)) ^ (k).w[5])
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(SvySsuKey)) == 0)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * Version 2 added two-stage designs (a PSU's fpc2, the second-stage units)
 * and centres the replicate y sums at the shift; version 1 states (0.1.0:
 * one-stage designs, plain replicate sums) are still read.
 */
#define SVY_STATE_VERSION 2

SvyAccum *
svy_accum_create(MemoryContext cxt)
{
	SvyAccum   *s = MemoryContextAllocZero(cxt, sizeof(SvyAccum));

	s->cxt = cxt;
	s->level = SVY_LEVEL_DEFAULT;
	s->last_stratum = -1;
	s->last_psu = -1;
	return s;
}

bool
svy_option_unchanged(struct varlena **seen, struct varlena *v, MemoryContext cxt)
{
	Size		len = VARSIZE_ANY_EXHDR(v);

	if (*seen != NULL && VARSIZE(*seen) == VARHDRSZ + len &&
		memcmp(VARDATA(*seen), VARDATA_ANY(v), len) == 0)
		return true;
	if (*seen != NULL)
		pfree(*seen);
	*seen = MemoryContextAlloc(cxt, VARHDRSZ + len);
	SET_VARSIZE(*seen, VARHDRSZ + len);
	memcpy(VARDATA(*seen), VARDATA_ANY(v), len);
	return false;
}

void
svy_report_overflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("survey sums are out of the range of double precision"),
			 errdetail("Weights times outcomes, or the spread of the weighted outcomes, exceed about 1e308."),
			 errhint("Rescale the outcome or the weights (for instance to thousands) and scale the estimates back.")));
}

void
svy_report_null_design(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("survey design must not be NULL"),
			 errhint("Every row belongs to the design; use svy_subset() to leave a row out of the domain.")));
}

void
svy_report_bad_outcome(double y)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("survey outcome must be finite, not %g", y),
			 errhint("Use NULL for a missing answer.")));
}

void
svy_check_finite_sums(const double *v, Size n)
{
	for (Size i = 0; i < n; i++)
		if (!isfinite(v[i]))
			svy_report_overflow();
}

static void
check_wmoments_finite(const SvyWMoments *m)
{
	double		v[6] = {m->w, m->mean_y, m->mean_x, m->c_yy, m->c_xy, m->c_xx};

	svy_check_finite_sums(v, 6);
}

static void
check_comoments_finite(const SvyCoMoments *m)
{
	double		v[6] = {m->n, m->mean_a, m->mean_b, m->m_aa, m->m_ab, m->m_bb};

	svy_check_finite_sums(v, 6);
}

Size
svy_state_memory_limit(void)
{
	return (Size) work_mem * 1024 * 64;
}

void
svy_rank_room(SvyRank *r, int rows, MemoryContext cxt, Size *state_bytes)
{
	int			cap;
	Size		grow;

	if (rows < 0 || rows > r->dim)
		elog(ERROR, "replicate rank of %d vectors out of range", rows);
	if (rows <= r->cap)
		return;
	cap = Min(Max(rows, Max(2 * r->cap, 4)), r->dim);
	grow = sizeof(double) * (Size) (cap - r->cap) * r->dim;
	if (*state_bytes + grow > svy_state_memory_limit())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("replicate weights need more memory than this aggregate may use"),
				 errdetail("The degrees of freedom of a replicate design are the rank of its rows' replicate weights: "
						   "up to one vector of %d replicates per independent row, for each group of svy_by. "
						   "This aggregate would hold %zu kB, and may hold %zu kB (64 x work_mem).",
						   r->dim, (*state_bytes + grow) / 1024, svy_state_memory_limit() / 1024),
				 errhint("Raise work_mem, use fewer replicates, or fewer groups.")));
	r->basis = r->basis
		? repalloc_huge(r->basis, sizeof(double) * (Size) cap * r->dim)
		: MemoryContextAllocHuge(cxt, sizeof(double) * (Size) cap * r->dim);
	r->cap = cap;
	*state_bytes += grow;
}

void
svy_rank_push(SvyRank *r, const double *v, double *scratch, MemoryContext cxt, Size *state_bytes)
{
	if (svy_rank_needs_room(r))
		svy_rank_room(r, r->rank + 1, cxt, state_bytes);
	svy_rank_add(r, v, scratch);
}

double
svy_check_level(double level)
{
	if (!(level > 0.0 && level < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence level must be between 0 and 1, not %g", level)));
	return level;
}

static void
unknown_option(const char *what, const char *name, const char *plural, const char *valid)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown %s \"%s\"", what, name),
			 errhint("Valid %s are %s.", plural, valid)));
}

int
svy_parse_option(text *t, int (*parse) (const char *name), const char *what,
				 const char *plural, const char *valid)
{
	char	   *name = text_to_cstring(t);
	int			value = parse(name);

	if (value < 0)
		unknown_option(what, name, plural, valid);
	pfree(name);
	return value;
}

int
svy_parse_option_in(text *t, const SvyName *table, size_t n, const char *what,
					const char *plural, const char *valid)
{
	char	   *name = text_to_cstring(t);
	int			value = svy_name_value(table, n, name);

	if (value < 0)
		unknown_option(what, name, plural, valid);
	pfree(name);
	return value;
}

int
svy_parse_method(text *t)
{
	return svy_parse_option(t, svy_prop_method_parse, "confidence interval method", "methods",
							svy_prop_method_names());
}

MemoryContext
svy_aggregate_context(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "survey aggregate function called in non-aggregate context");
	return aggcxt;
}

/* Fix the design's shape from its first row. */
static void
accum_init(SvyAccum *s, int kind, int flags, int rep_type, int nrep,
		   double scale, double rho, const double *rscales)
{
	MemoryContext old = MemoryContextSwitchTo(s->cxt);

	s->kind = kind;
	s->flags = flags & SVY_SHAPE_FLAGS;
	if (kind == SVY_KIND_TAYLOR)
	{
		s->strata_cap = 8;
		s->strata = palloc0(sizeof(SvyStratumInfo) * s->strata_cap);
		s->stratab = svy_idmap_create(s->cxt, 8);
		if (flags & SVY_HAS_PSU)
			s->psutab = psutab_create(s->cxt, 64, NULL);
		/* without a first-stage fpc the second stage adds nothing (as R) */
		if ((flags & SVY_HAS_PSU2) && (flags & SVY_HAS_FPC))
			s->ssutab = ssutab_create(s->cxt, 64, NULL);
	}
	else
	{
		s->rep_type = rep_type;
		s->nrep = nrep;
		s->scale = scale;
		s->rho = rho;
		if (rscales)
		{
			s->rscales = palloc(sizeof(double) * nrep);
			memcpy(s->rscales, rscales, sizeof(double) * nrep);
		}
		s->rep_y = palloc0(sizeof(SvySum) * nrep);
		s->rep_x = palloc0(sizeof(SvySum) * nrep);
		s->scratch = palloc0(sizeof(double) * nrep);
		s->rank.dim = nrep;
	}
	MemoryContextSwitchTo(old);
}

void
svy_report_mixed_designs(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("rows of one aggregate call use different survey designs"),
			 errdetail("%s", detail),
			 errhint("Build the design with the same arguments on every row, typically in one view.")));
}

/* Rows (or merged states) must describe one design. */
static void
check_same_design(const SvyAccum *s, int kind, int flags, int rep_type, int nrep,
				  double scale, double rho, const double *rscales)
{
	if (kind != s->kind)
		svy_report_mixed_designs("Some rows have a replicate-weight design and others a linearization design.");
	if ((flags & SVY_SHAPE_FLAGS) != s->flags)
		svy_report_mixed_designs(SVY_MIXED_SHAPES_DETAIL);
	if (kind == SVY_KIND_REPLICATE &&
		(rep_type != s->rep_type || nrep != s->nrep || scale != s->scale || rho != s->rho ||
		 (rscales && memcmp(rscales, s->rscales, sizeof(double) * nrep) != 0)))
		svy_report_mixed_designs("Replicate designs differ in type, number of replicates, scale, rho or rscales.");
}

static inline void
check_fpc(const SvyStratumInfo *st, double fpc)
{
	if (st->fpc != fpc)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("fpc differs between rows of stratum \"%.*s\": %g and %g",
						st->label_len, st->label, st->fpc, fpc),
				 errdetail("The finite population correction describes the whole stratum.")));
}

static inline void
check_fpc2(const SvyAccum *s, const SvyPsuEntry *e, double fpc2)
{
	if (e->fpc2 != fpc2)
	{
		const SvyStratumInfo *st = &s->strata[e->stratum];

		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("fpc2 differs between rows of one PSU of stratum \"%.*s\": %g and %g",
						st->label_len, st->label, e->fpc2, fpc2),
				 errdetail("fpc2 describes the population of second-stage units of the whole PSU.")));
	}
}

/*
 * A 4-way set-associative cache of PSU entries in front of psutab: a row's
 * probe is one mix, one set and a key comparison or a few instead of
 * simplehash's probe loop (1,600 text PSUs visited in turn, 4 slots a PSU:
 * direct-mapped, a sixth of the rows missed; 2-way, 5.5%; 4-way, 0.4%).  simplehash moves entries when it inserts
 * (robin hood), so every new PSU (row, merge or deserialization:
 * psu_entry_init) bumps psu_gen, which makes every cached pointer stale.
 */
typedef struct SvyPsuCacheSlot
{
	SvyPsuEntry *e;
	uint32		gen;
} SvyPsuCacheSlot;

#define SVY_PSUCACHE_MIN 1024
#define SVY_PSUCACHE_MAX 16384

/*
 * The cache set of a row's (stratum, PSU): one multiplication's top bits
 * (psutab's own hash is needed only on a miss).
 */
static inline uint32
psu_cache_set(const SvyAccum *s, uint64 s0, uint64 s1, uint64 p0, uint64 p1)
{
	uint64		x = ((s0 ^ s1) * UINT64CONST(0x9E3779B97F4A7C15)) ^ p0 ^ p1;

	x ^= x >> 32;
	return (uint32) ((x * UINT64CONST(0xff51afd7ed558ccd)) >> 32) & s->psucache_mask & ~3;
}

/* The cached PSU entry of d's (stratum, PSU), or NULL. */
static inline SvyPsuEntry *
psu_cached(const SvyAccum *s, const SvyDesign *d)
{
	const SvyPsuCacheSlot *c;

	if (unlikely(s->psucache == NULL))
		return NULL;
	c = &s->psucache[psu_cache_set(s, d->stratum[0], d->stratum[1], d->psu[0], d->psu[1])];
	for (int i = 0; i < 4; i++)
		if (c[i].gen == s->psu_gen && c[i].e != NULL && svy_psu_is_row(c[i].e, d))
			return c[i].e;
	return NULL;
}

/* A new PSU entry (e->key set by the caller). */
static inline void
psu_entry_init(SvyAccum *s, SvyPsuEntry *e, int h, double fpc2)
{
	s->psu_gen++;
	e->stratum = h;
	e->slot = s->npsu++;
	e->a = e->b = 0.0;
	e->in_df = false;
	e->in_dom = false;
	e->fpc2 = fpc2;
}

/* Add (a, b) to a second-stage unit. */
static inline void
ssu_add(SvyAccum *s, const SvySsuKey *key, double a, double b)
{
	bool		found;
	SvySsuEntry *u = ssutab_insert(s->ssutab, *key, &found);

	if (!found)
		u->a = u->b = 0.0;
	u->a += a;
	u->b += b;
}

/* Add a row's (a, b) to its second-stage unit (out of line: a key on the stack). */
static pg_noinline void
ssu_add_row(SvyAccum *s, const SvyDesign *d, const SvyStage2 *s2, double a, double b)
{
	SvySsuKey	key = {{d->stratum[0], d->stratum[1], d->psu[0], d->psu[1], s2->psu2[0], s2->psu2[1]}};

	ssu_add(s, &key, a, b);
}

/*
 * Find or add a stratum; check its fpc is the same on every row.  A new
 * stratum's label: label (merged or read states), or the row's design d's
 * (svy_design_label, asked only then).
 */
static int
stratum_index(SvyAccum *s, const uint64 id[2], double fpc, const char *label, int label_len,
			  const SvyDesign *d)
{
	SvyStratumInfo *st;
	bool		found;
	int			index;

	if (s->last_stratum >= 0 &&
		s->strata[s->last_stratum].id[0] == id[0] && s->strata[s->last_stratum].id[1] == id[1])
		st = &s->strata[s->last_stratum];
	else
	{
		index = svy_idmap_insert(s->stratab, id[0], id[1], &found);
		if (!found)
		{
			if (s->nstrata == s->strata_cap)
			{
				s->strata_cap *= 2;
				s->strata = repalloc(s->strata, sizeof(SvyStratumInfo) * s->strata_cap);
			}
			st = &s->strata[s->nstrata++];
			memset(st, 0, sizeof(*st));
			st->id[0] = id[0];
			st->id[1] = id[1];
			st->fpc = fpc;
			if (d)
				st->label_len = svy_design_label(d, st->label);
			else
			{
				st->label_len = label_len;
				memcpy(st->label, label, label_len);
			}
		}
		st = &s->strata[index];
		s->last_stratum = index;
	}
	check_fpc(st, fpc);
	return st - s->strata;
}

/*
 * psu_cached's miss: size the cache (about 4 slots a PSU, up to the cap;
 * twice that would save another 3% of misses for twice the memory), then
 * simplehash; a new PSU is added to its stratum.  Out of line: the row's
 * common path keeps no key on its stack.
 */
static pg_noinline SvyPsuEntry *
psu_lookup(SvyAccum *s, const SvyDesign *d, double fpc2)
{
	SvyPsuKey	key = {{d->stratum[0], d->stratum[1], d->psu[0], d->psu[1]}};
	uint32		hash = psutab_hash_key(key);
	SvyPsuCacheSlot *c;
	SvyPsuEntry *e;
	bool		found;

	if (s->psucache == NULL ||
		(s->psucache_mask + 1 < SVY_PSUCACHE_MAX && (uint32) s->npsu * 4 > s->psucache_mask + 1))
	{
		uint32		n = s->psucache ? (s->psucache_mask + 1) * 2 : SVY_PSUCACHE_MIN;

		if (s->psucache)
			pfree(s->psucache);
		s->psucache = MemoryContextAllocZero(s->cxt, sizeof(SvyPsuCacheSlot) * n);
		s->psucache_mask = n - 1;
	}
	c = &s->psucache[psu_cache_set(s, key.w[0], key.w[1], key.w[2], key.w[3])];
	e = psutab_insert_hash(s->psutab, key, hash, &found);
	if (found)
	{
		/* the set's newest first */
		memmove(&c[1], &c[0], sizeof(SvyPsuCacheSlot) * 3);
		c[0].e = e;
		c[0].gen = s->psu_gen;
		check_fpc(&s->strata[e->stratum], d->fpc);
		check_fpc2(s, e, fpc2);
	}
	else
	{
		/* initialized (psu_gen bumped), then cached on its next row */
		psu_entry_init(s, e, stratum_index(s, d->stratum, d->fpc, NULL, 0, d), fpc2);
	}
	return e;
}

/* svy_accum_prepare of d's base design (its calibration block is the caller's) */
static void
accum_prepare_base(SvyAccum *s, const SvyDesign *d)
{
	if (s->kind == 0)
		accum_init(s, d->kind, d->flags, d->rep_type, d->nrep, d->scale, d->rho,
				   svy_design_rscales(d));
	else
		check_same_design(s, d->kind, d->flags, d->rep_type, d->nrep, d->scale, d->rho,
						  svy_design_rscales(d));
}

void
svy_accum_prepare(SvyAccum *s, const SvyDesign *d)
{
	/* the calibrated estimators pass the value as its base (svy_accum_row_base) */
	if (svy_design_is_calibrated(d))
		svy_calib_not_supported("this aggregate");
	accum_prepare_base(s, d);
}

/*
 * svy_accum_row; as_base: d is read as its base design, its calibration
 * block (if any) is the caller's; moments: the row's weighted moments and
 * (a, b) sums, which a calibrated linearization state takes from its own
 * sums instead (calib_accum.c keeps of the base only its rows, strata and
 * PSUs)
 */
static pg_attribute_always_inline int
accum_row(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null, bool as_base, bool moments)
{
	int			h = -1;

	bool		in_domain = !y_null && !(d->flags & SVY_OUT_OF_DOMAIN);
	double		w = d->weight;
	bool		counts = in_domain && w != 0.0;

	/*
	 * The common case, an uncalibrated linearization design of the same
	 * shape as the first row's, needs no call.
	 */
	if (!(d->kind == SVY_KIND_TAYLOR && s->kind == SVY_KIND_TAYLOR &&
		  (d->flags & SVY_SHAPE_FLAGS) == s->flags && (as_base || !svy_design_is_calibrated(d))))
	{
		if (as_base)
			accum_prepare_base(s, d);
		else
			svy_accum_prepare(s, d);
	}

	if (in_domain && unlikely(!svy_outcomes_finite(y, x)))
		svy_report_bad_outcome(fabs(y) <= DBL_MAX ? x : y);

	/*
	 * Rows of the domain's design object, as R's nrow(subset(design)): rows
	 * outside the domain or with a NULL outcome are dropped; zero weights stay.
	 */
	s->dom.nrow += in_domain;
	if (counts)
	{
		s->dom.n += 1;
		if (moments)
		{
			svy_wmoments_add(&s->dom.wm, w, y, x);
			svy_shift_first(&s->dom.shift, &s->shift_set, y, x);
		}
	}

	if (s->kind == SVY_KIND_TAYLOR)
	{
		double		a = in_domain && moments ? w * (y - s->dom.shift * x) : 0.0;
		double		b = in_domain && moments ? w * x : 0.0;

		if (s->psutab)
		{
			const SvyStage2 *s2 = svy_design_stage2(d);
			double		fpc2 = s2 ? s2->fpc2 : 0.0;
			SvyPsuEntry *e = psu_cached(s, d);

			/* a known PSU knows its stratum */
			if (likely(e != NULL))
			{
				check_fpc(&s->strata[e->stratum], d->fpc);
				check_fpc2(s, e, fpc2);
			}
			else
				e = psu_lookup(s, d, fpc2);
			h = e->stratum;
			svy_accum_psu_row(s, e, in_domain, counts);
			e->a += a;
			e->b += b;
			if (s->ssutab)
				ssu_add_row(s, d, s2, a, b);
		}
		else
		{
			h = stratum_index(s, d->stratum, d->fpc, NULL, 0, d);
			svy_comoments_add(&s->strata[h].rows, a, b);
			s->strata[h].n_df += counts;
		}
	}
	else if (in_domain)
	{
		const double *rw = svy_design_repweights(d);

		/* replicate weights of a zero-weight row still count: shift first */
		svy_shift_first(&s->dom.shift, &s->shift_set, y, x);
		for (int r = 0; r < s->nrep; r++)
		{
			svy_sum_add(&s->rep_y[r], rw[r] * (y - s->dom.shift * x));
			svy_sum_add(&s->rep_x[r], rw[r] * x);
		}
		if (!svy_rank_full(&s->rank))
			svy_rank_push(&s->rank, rw, s->scratch, s->cxt, &s->rank_bytes);
	}
	return h;
}

int
svy_accum_row(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null)
{
	return accum_row(s, d, y, x, y_null, false, true);
}

int
svy_accum_row_base(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null)
{
	return accum_row(s, d, y, x, y_null, true, true);
}

int
svy_accum_row_structure(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null)
{
	/* a replicate design's base sums stay: its calibrated final reads them */
	if (d->kind != SVY_KIND_TAYLOR)
		return accum_row(s, d, y, x, y_null, true, true);
	return accum_row(s, d, y, x, y_null, true, false);
}

/* ---------- merging ---------- */

void
svy_accum_merge(SvyAccum *into, const SvyAccum *from)
{
	double		dshift = 0.0;

	if (into->calib || from->calib)
		svy_calib_accum_merge(into, from);
	if (into->outcome != from->outcome && into->outcome != 0 && from->outcome != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge survey states of different outcomes"),
				 errdetail("One state accumulated a boolean outcome, the other a numeric one.")));
	if (into->outcome == 0)
		into->outcome = from->outcome;
	if (into->dom.nrow > 0 && from->dom.nrow > 0 &&
		(into->level != from->level || into->method != from->method))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence level and method must be the same on every row")));
	if (into->dom.nrow == 0)
	{
		into->level = from->level;
		into->method = from->method;
	}
	if (from->kind == 0)
	{
		into->dom.nrow += from->dom.nrow;
		return;
	}
	if (into->kind == 0)
	{
		double		nrow = into->dom.nrow;

		accum_init(into, from->kind, from->flags, from->rep_type, from->nrep,
				   from->scale, from->rho, from->rscales);
		into->dom.nrow = nrow;
	}
	else
		check_same_design(into, from->kind, from->flags, from->rep_type, from->nrep,
						  from->scale, from->rho, from->rscales);

	/* express from's a-sums with into's shift: w(y - K1 x) = w(y - K2 x) + (K2 - K1) w x */
	dshift = svy_shift_merge(&into->dom.shift, &into->shift_set, from->dom.shift, from->shift_set);
	into->dom.nrow += from->dom.nrow;
	into->dom.n += from->dom.n;
	svy_wmoments_merge(&into->dom.wm, &from->dom.wm);

	if (into->kind == SVY_KIND_TAYLOR)
	{
		int		   *map = palloc(sizeof(int) * (from->nstrata + 1));

		for (int h = 0; h < from->nstrata; h++)
		{
			const SvyStratumInfo *src = &from->strata[h];
			int			k = stratum_index(into, src->id, src->fpc, src->label, src->label_len, NULL);
			SvyCoMoments rows = src->rows;

			svy_comoments_shift(&rows, dshift);
			svy_comoments_merge(&into->strata[k].rows, &rows);
			into->strata[k].n_df += src->n_df;
			map[h] = k;
		}
		if (from->psutab)
		{
			psutab_iterator it;
			SvyPsuEntry *src;

			psutab_start_iterate(from->psutab, &it);
			while ((src = psutab_iterate(from->psutab, &it)) != NULL)
			{
				bool		found;
				SvyPsuEntry *e;

				CHECK_FOR_INTERRUPTS();
				e = psutab_insert(into->psutab, src->key, &found);

				if (!found)
					psu_entry_init(into, e, map[src->stratum], src->fpc2);
				else
					check_fpc2(into, e, src->fpc2);
				e->a += src->a + dshift * src->b;
				e->b += src->b;
				e->in_df |= src->in_df;
				e->in_dom |= src->in_dom;
			}
		}
		if (from->ssutab)
		{
			ssutab_iterator it;
			SvySsuEntry *src;

			ssutab_start_iterate(from->ssutab, &it);
			while ((src = ssutab_iterate(from->ssutab, &it)) != NULL)
			{
				CHECK_FOR_INTERRUPTS();
				ssu_add(into, &src->key, src->a + dshift * src->b, src->b);
			}
		}
		pfree(map);
	}
	else
	{
		for (int r = 0; r < into->nrep; r++)
		{
			/* re-centre from's sums at into's shift, the product kept exact (fma) */
			double		p = dshift * from->rep_x[r].hi;

			svy_sum_merge(&into->rep_y[r], &from->rep_y[r]);
			svy_sum_add(&into->rep_y[r], p);
			into->rep_y[r].lo += fma(dshift, from->rep_x[r].hi, -p) + dshift * from->rep_x[r].lo;
			svy_sum_merge(&into->rep_x[r], &from->rep_x[r]);
		}
		for (int k = 0; k < from->rank.rank && !svy_rank_full(&into->rank); k++)
			svy_rank_push(&into->rank, from->rank.basis + (size_t) k * from->nrep, into->scratch,
						  into->cxt, &into->rank_bytes);
	}
}

/* ---------- finishing ---------- */

void
svy_report_design_error(const SvyAccum *s, SvyStatus status, int h, double n_psu)
{
	const SvyStratumInfo *st = &s->strata[h];
	const char *name = pnstrdup(st->label, st->label_len);

	if (status == SVY_ERR_LONELY && !(s->flags & SVY_HAS_STRATA))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the design has only one PSU"),
				 errdetail("A variance cannot be estimated from a single sampled PSU."),
				 errhint("Set survey.lonely_psu to remove, certainty, adjust or average to accept a zero or approximate variance.")));
	if (status == SVY_ERR_LONELY2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("a PSU of stratum \"%s\" has only one second-stage unit", name),
				 errdetail("The second-stage variance of a PSU with one sampled unit cannot be estimated."),
				 errhint("Set survey.lonely_psu to remove, certainty, adjust or average, or give that PSU an fpc2 equal to its sampled units.")));
	if (status == SVY_ERR_FPC2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("fpc2 of a PSU of stratum \"%s\" is smaller than its number of sampled second-stage units", name),
				 errdetail("The PSU has %.0f sampled second-stage units.", n_psu),
				 errhint("fpc2 is the number of second-stage units in the PSU's population, or the fraction sampled (at most 1).")));
	if (status == SVY_ERR_LONELY)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("stratum \"%s\" has only one PSU", name),
				 errdetail("The variance of a stratum with one sampled PSU cannot be estimated."),
				 errhint("Set survey.lonely_psu to remove, certainty, adjust or average, or merge the stratum with another.")));
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("fpc of stratum \"%s\" is smaller than its number of sampled PSUs", name),
			 errdetail("The fpc is %g; the stratum has %.0f sampled PSUs.", st->fpc, n_psu)));
}

double
svy_accum_strata(const SvyAccum *s, double r, SvyStratumTotals *st)
{
	double		df = 0.0;

	/* the state is left as it was: finals may share it */
	for (int h = 0; h < s->nstrata; h++)
	{
		st[h].fpc = s->strata[h].fpc;
		if (!s->psutab)
		{
			st[h].psu = s->strata[h].rows;
			st[h].in_domain = s->strata[h].n_df > 0;
			df += s->strata[h].n_df - (s->strata[h].n_df > 0);
		}
	}
	if (s->psutab)
	{
		psutab_iterator it;
		SvyPsuEntry *e;
		bool	   *stratum_in_df = palloc0(sizeof(bool) * Max(s->nstrata, 1));

		/* each PSU's residual total, exactly, before its spread is summed */
		psutab_start_iterate(s->psutab, &it);
		while ((e = psutab_iterate(s->psutab, &it)) != NULL)
		{
			CHECK_FOR_INTERRUPTS();
			svy_comoments_add(&st[e->stratum].psu, e->a - r * e->b, 0.0);
			if (e->in_df)
			{
				df += 1;
				stratum_in_df[e->stratum] = true;
			}
		}
		for (int h = 0; h < s->nstrata; h++)
		{
			df -= stratum_in_df[h];
			st[h].in_domain = stratum_in_df[h];
		}
		pfree(stratum_in_df);
	}
	return df;
}

SvyStage2Totals *
svy_accum_stage2(const SvyAccum *s, double r, const SvyStratumTotals *st, int *n)
{
	SvyStage2Totals *out;
	psutab_iterator it;
	ssutab_iterator uit;
	SvyPsuEntry *e;
	SvySsuEntry *u;

	*n = 0;
	if (!s->ssutab)
		return NULL;
	out = palloc0(sizeof(SvyStage2Totals) * Max(s->npsu, 1));
	psutab_start_iterate(s->psutab, &it);
	while ((e = psutab_iterate(s->psutab, &it)) != NULL)
	{
		SvyStage2Totals *t = &out[e->slot];

		CHECK_FOR_INTERRUPTS();
		t->fpc2 = e->fpc2;
		t->stratum = e->stratum;
		t->present = e->in_dom;
		t->fraction = svy_stage1_fraction(st[e->stratum].fpc, st[e->stratum].psu.n);
	}
	ssutab_start_iterate(s->ssutab, &uit);
	while ((u = ssutab_iterate(s->ssutab, &uit)) != NULL)
	{
		SvyPsuKey	key;

		CHECK_FOR_INTERRUPTS();
		memcpy(key.w, u->key.w, sizeof(key.w));
		e = psutab_lookup(s->psutab, key);
		if (e == NULL)
			elog(ERROR, "survey state has a second-stage unit of an unknown PSU");
		svy_comoments_add(&out[e->slot].units, u->a - r * u->b, 0.0);
	}
	*n = s->npsu;
	return out;
}

/* Report a design error of svy_taylor_variance (bad: its *bad_stratum). */
static void
report_variance_error(const SvyAccum *s, SvyStatus status, int bad,
					  const SvyStratumTotals *st, const SvyStage2Totals *st2)
{
	if (status == SVY_ERR_LONELY2 || status == SVY_ERR_FPC2)
		svy_report_design_error(s, status, st2[bad].stratum, st2[bad].units.n);
	svy_report_design_error(s, status, bad, st[bad].psu.n);
}

void
svy_accum_result(const SvyAccum *s, const SvyEstimateSpec *spec, SvyResult *res)
{
	/* an empty domain's numbers are NaN: "not defined", not an overflow */
	bool		check = s->dom.wm.w != 0.0;

	if (s->calib)
	{
		svy_calib_accum_result(s, spec, res);
		return;
	}
	if (check)
		check_wmoments_finite(&s->dom.wm);
	if (s->kind == SVY_KIND_REPLICATE)
	{
		/* no replicate weight was ever non-zero: there is no df at all */
		double	   *rep_y = palloc(sizeof(double) * s->nrep);
		double	   *rep_x = palloc(sizeof(double) * s->nrep);
		SvyReplicateInput in = {rep_y, rep_x, s->nrep, s->scale, s->rscales,
			(s->flags & SVY_MSE) != 0, s->rank.rank > 0 ? s->rank.rank - 1.0 : NAN,
		s->scratch, s->dom.shift};

		for (int r = 0; r < s->nrep; r++)
		{
			rep_y[r] = svy_sum_value(&s->rep_y[r]);
			rep_x[r] = svy_sum_value(&s->rep_x[r]);
		}
		if (check)
		{
			svy_check_finite_sums(rep_y, s->nrep);
			svy_check_finite_sums(rep_x, s->nrep);
		}
		svy_estimate_replicate(spec, &s->dom, &in, res);
		pfree(rep_y);
		pfree(rep_x);
	}
	else
	{
		SvyStratumTotals *st = palloc0(sizeof(SvyStratumTotals) * Max(s->nstrata, 1));
		int			bad = 0;
		SvyStatus	status;
		SvyTaylorInput in;

		double		r = svy_linear_residual_coef(spec->stat, &s->dom);

		in.df = svy_accum_strata(s, r, st);
		for (int h = 0; check && h < s->nstrata; h++)
			check_comoments_finite(&st[h].psu);
		in.residuals_folded = s->psutab != NULL;
		in.strata = st;
		in.nstrata = s->nstrata;
		in.stage2 = svy_accum_stage2(s, r, st, &in.nstage2);
		in.lonely = (SvyLonely) survey_lonely_psu;
		status = svy_estimate_taylor(spec, &s->dom, &in, res, &bad);
		if (status != SVY_OK)
			report_variance_error(s, status, bad, st, in.stage2);
		pfree(st);
		if (in.stage2)
			pfree((SvyStage2Totals *) in.stage2);
	}
	/* finite sums whose variance still overflows */
	if (check && (isinf(res->estimate) || isinf(res->std_error)))
		svy_report_overflow();
}

/* ---------- binary format ----------
 * All numbers in network byte order (pq_sendint*, pq_sendfloat8), so a
 * state is portable between servers of either endianness.
 */

static void
send_comoments(StringInfo buf, const SvyCoMoments *m)
{
	pq_sendfloat8(buf, m->n);
	pq_sendfloat8(buf, m->mean_a);
	pq_sendfloat8(buf, m->mean_b);
	pq_sendfloat8(buf, m->m_aa);
	pq_sendfloat8(buf, m->m_ab);
	pq_sendfloat8(buf, m->m_bb);
}

static void
recv_comoments(StringInfo buf, SvyCoMoments *m)
{
	m->n = svy_wire_float8(buf);
	m->mean_a = svy_wire_float8(buf);
	m->mean_b = svy_wire_float8(buf);
	m->m_aa = svy_wire_float8(buf);
	m->m_ab = svy_wire_float8(buf);
	m->m_bb = svy_wire_float8(buf);
}

void
svy_accum_serialize(const SvyAccum *s, StringInfo buf)
{
	const SvyWMoments *wm = &s->dom.wm;

	pq_sendbyte(buf, SVY_STATE_VERSION);
	pq_sendbyte(buf, s->kind);
	pq_sendbyte(buf, s->flags);
	pq_sendbyte(buf, s->rep_type);
	pq_sendint32(buf, s->nrep);
	pq_sendfloat8(buf, s->scale);
	pq_sendfloat8(buf, s->rho);
	pq_sendbyte(buf, s->outcome);
	pq_sendfloat8(buf, s->level);
	pq_sendint32(buf, s->method);
	pq_sendfloat8(buf, wm->w);
	pq_sendfloat8(buf, wm->mean_y);
	pq_sendfloat8(buf, wm->mean_x);
	pq_sendfloat8(buf, wm->c_yy);
	pq_sendfloat8(buf, wm->c_xy);
	pq_sendfloat8(buf, wm->c_xx);
	pq_sendfloat8(buf, s->dom.n);
	pq_sendfloat8(buf, s->dom.nrow);
	pq_sendfloat8(buf, s->dom.shift);
	pq_sendbyte(buf, s->shift_set);

	if (s->kind == SVY_KIND_TAYLOR)
	{
		pq_sendint32(buf, s->nstrata);
		for (int h = 0; h < s->nstrata; h++)
		{
			const SvyStratumInfo *st = &s->strata[h];

			pq_sendint64(buf, st->id[0]);
			pq_sendint64(buf, st->id[1]);
			pq_sendfloat8(buf, st->fpc);
			send_comoments(buf, &st->rows);
			pq_sendfloat8(buf, st->n_df);
			pq_sendbyte(buf, st->label_len);
			pq_sendbytes(buf, st->label, st->label_len);
		}
		pq_sendint32(buf, s->psutab ? s->psutab->members : 0);
		if (s->psutab)
		{
			psutab_iterator it;
			SvyPsuEntry *e;

			psutab_start_iterate(s->psutab, &it);
			while ((e = psutab_iterate(s->psutab, &it)) != NULL)
			{
				CHECK_FOR_INTERRUPTS();
				for (int i = 0; i < 4; i++)
					pq_sendint64(buf, e->key.w[i]);
				pq_sendint32(buf, e->stratum);
				pq_sendfloat8(buf, e->a);
				pq_sendfloat8(buf, e->b);
				pq_sendbyte(buf, e->in_df);
				if (s->flags & SVY_HAS_PSU2)
				{
					pq_sendfloat8(buf, e->fpc2);
					pq_sendbyte(buf, e->in_dom);
				}
			}
		}
		/* since version 2: the second-stage units */
		pq_sendint32(buf, s->ssutab ? s->ssutab->members : 0);
		if (s->ssutab)
		{
			ssutab_iterator it;
			SvySsuEntry *u;

			ssutab_start_iterate(s->ssutab, &it);
			while ((u = ssutab_iterate(s->ssutab, &it)) != NULL)
			{
				CHECK_FOR_INTERRUPTS();
				for (int i = 0; i < 6; i++)
					pq_sendint64(buf, u->key.w[i]);
				pq_sendfloat8(buf, u->a);
				pq_sendfloat8(buf, u->b);
			}
		}
	}
	else if (s->kind == SVY_KIND_REPLICATE)
	{
		pq_sendbyte(buf, s->rscales != NULL);
		for (int r = 0; r < s->nrep; r++)
		{
			pq_sendfloat8(buf, s->rep_y[r].hi);
			pq_sendfloat8(buf, s->rep_y[r].lo);
			pq_sendfloat8(buf, s->rep_x[r].hi);
			pq_sendfloat8(buf, s->rep_x[r].lo);
			if (s->rscales)
				pq_sendfloat8(buf, s->rscales[r]);
		}
		pq_sendint32(buf, s->rank.rank);
		for (int i = 0; i < s->rank.rank * s->nrep; i++)
			pq_sendfloat8(buf, s->rank.basis[i]);
	}
	if (s->kind != 0)
	{
		/* version 2: the calibration sums of a calibrated design (calib_accum.c) */
		pq_sendbyte(buf, s->calib != NULL);
		if (s->calib)
			svy_calib_accum_serialize(s, buf);
	}
}

/*
 * Reads and validates a state (wire.h: every count is checked against the
 * bytes present before anything is allocated for it).
 */
SvyAccum *
svy_accum_deserialize(StringInfo buf, MemoryContext cxt)
{
	SvyAccum   *s = svy_accum_create(cxt);
	int			version = svy_wire_byte(buf);
	int			kind,
				flags,
				rep_type,
				nrep;
	double		scale,
				rho;
	SvyWMoments *wm = &s->dom.wm;

	if (version < 1 || version > SVY_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported survey state version %d", version),
				 errdetail("This version of survey reads versions 1 to %d.", SVY_STATE_VERSION)));
	kind = svy_wire_byte(buf);
	flags = svy_wire_byte(buf);
	rep_type = svy_wire_byte(buf);
	nrep = svy_wire_int32(buf);
	scale = svy_wire_float8(buf);
	rho = svy_wire_float8(buf);
	if (kind < 0 || kind > SVY_KIND_REPLICATE || (flags & ~SVY_SHAPE_FLAGS) ||
		(version < 2 && (flags & (SVY_HAS_PSU2 | SVY_HAS_FPC2))) ||
		((flags & SVY_HAS_PSU2) && (kind != SVY_KIND_TAYLOR || !(flags & SVY_HAS_PSU))) ||
		((flags & SVY_HAS_FPC2) && !(flags & SVY_HAS_PSU2)))
		svy_wire_corrupt("unknown design kind or flags");
	if (kind == SVY_KIND_REPLICATE &&
		(rep_type < SVY_REP_JK1 || rep_type > SVY_REP_OTHER || nrep < 2 ||
		 (Size) nrep > (Size) (buf->len - buf->cursor) / (2 * sizeof(double)) ||
		 !(scale > 0) || isinf(scale) || !(rho >= 0 && rho < 1)))
		svy_wire_corrupt("bad replicate design");

	s->outcome = svy_wire_byte(buf);
	if (s->outcome < 0 || s->outcome > SVY_OUTCOME_RATIO)
		svy_wire_corrupt("unknown outcome kind");
	s->level = svy_wire_float8(buf);
	s->method = svy_wire_int32(buf);
	if (!(s->level > 0 && s->level < 1) || s->method < 0 || s->method > SVY_CI_WALD)
		svy_wire_corrupt("bad level or method");
	wm->w = svy_wire_float8(buf);
	wm->mean_y = svy_wire_float8(buf);
	wm->mean_x = svy_wire_float8(buf);
	wm->c_yy = svy_wire_float8(buf);
	wm->c_xy = svy_wire_float8(buf);
	wm->c_xx = svy_wire_float8(buf);
	s->dom.n = svy_wire_float8(buf);
	s->dom.nrow = svy_wire_float8(buf);
	s->dom.shift = svy_wire_float8(buf);
	s->shift_set = svy_wire_byte(buf) != 0;
	/* row counts are whole numbers a double holds exactly (results cast them to bigint) */
	if (!(s->dom.n >= 0 && s->dom.nrow >= s->dom.n && s->dom.nrow <= SVY_MAX_EXACT_COUNT) ||
		!(wm->w >= 0) || isinf(wm->w) ||
		isnan(s->dom.shift) || isinf(s->dom.shift))
		svy_wire_corrupt("bad domain sums");

	if (kind == 0)
		return s;

	if (kind == SVY_KIND_TAYLOR)
	{
		int			nstrata,
					npsu;

		accum_init(s, kind, flags, 0, 0, 0, 0, NULL);
		/* a stratum takes 81 bytes: ids, fpc, co-moments, n_df, label length */
		nstrata = svy_wire_count(buf, 81, "bad number of strata");
		for (int h = 0; h < nstrata; h++)
		{
			uint64		id[2];
			double		fpc;
			SvyCoMoments rows;
			double		n_df;
			int			label_len;
			const char *label;
			int			k;

			CHECK_FOR_INTERRUPTS();
			id[0] = svy_wire_int64(buf);
			id[1] = svy_wire_int64(buf);
			fpc = svy_wire_float8(buf);
			recv_comoments(buf, &rows);
			n_df = svy_wire_float8(buf);
			label_len = svy_wire_byte(buf);
			if (label_len > SVY_LABEL_MAX || !(fpc >= 0) || isinf(fpc) ||
				!(rows.n >= 0) || !(n_df >= 0 && n_df <= rows.n))
				svy_wire_corrupt("bad stratum");
			label = svy_wire_bytes(buf, label_len);
			k = stratum_index(s, id, fpc, label, label_len, NULL);
			if (k != h)
				svy_wire_corrupt("duplicate stratum");
			s->strata[k].rows = rows;
			s->strata[k].n_df = n_df;
		}
		/* a PSU takes 53 bytes: key, stratum, a, b, in_df */
		npsu = svy_wire_count(buf, 53, "bad number of PSUs");
		if (npsu > 0 && !(flags & SVY_HAS_PSU))
			svy_wire_corrupt("bad number of PSUs");
		for (int j = 0; j < npsu; j++)
		{
			SvyPsuKey	key;
			bool		found;
			SvyPsuEntry *e;
			int			h;

			CHECK_FOR_INTERRUPTS();
			for (int i = 0; i < 4; i++)
				key.w[i] = svy_wire_int64(buf);
			h = svy_wire_int32(buf);
			if (h < 0 || h >= nstrata ||
				key.w[0] != s->strata[h].id[0] || key.w[1] != s->strata[h].id[1])
				svy_wire_corrupt("PSU of an unknown stratum");
			e = psutab_insert(s->psutab, key, &found);
			if (found)
				svy_wire_corrupt("duplicate PSU");
			psu_entry_init(s, e, h, 0.0);
			e->a = svy_wire_float8(buf);
			e->b = svy_wire_float8(buf);
			e->in_df = svy_wire_byte(buf) != 0;
			if (flags & SVY_HAS_PSU2)
			{
				e->fpc2 = svy_wire_float8(buf);
				if (!(e->fpc2 >= 0) || isinf(e->fpc2) ||
					((flags & SVY_HAS_FPC2) != 0) != (e->fpc2 > 0))
					svy_wire_corrupt("bad fpc2");
				e->in_dom = svy_wire_byte(buf) != 0;
			}
		}
		if (version >= 2)
		{
			/* a second-stage unit takes 64 bytes: key, a, b */
			int			nssu = svy_wire_count(buf, 64, "bad number of second-stage units");

			if (nssu > 0 && s->ssutab == NULL)
				svy_wire_corrupt("bad number of second-stage units");
			for (int j = 0; j < nssu; j++)
			{
				SvySsuKey	key;
				SvyPsuKey	pkey;
				bool		found;
				SvySsuEntry *u;

				CHECK_FOR_INTERRUPTS();
				for (int i = 0; i < 6; i++)
					key.w[i] = svy_wire_int64(buf);
				memcpy(pkey.w, key.w, sizeof(pkey.w));
				if (psutab_lookup(s->psutab, pkey) == NULL)
					svy_wire_corrupt("second-stage unit of an unknown PSU");
				u = ssutab_insert(s->ssutab, key, &found);
				if (found)
					svy_wire_corrupt("duplicate second-stage unit");
				u->a = svy_wire_float8(buf);
				u->b = svy_wire_float8(buf);
			}
		}
	}
	else
	{
		bool		has_rscales = svy_wire_byte(buf) != 0;
		int			rank;

		if (has_rscales != ((flags & SVY_HAS_RSCALES) != 0))
			svy_wire_corrupt("rscales flag mismatch");
		/* version 2: double-double sums (hi, lo); version 1: plain doubles */
		svy_wire_need(buf, sizeof(double) * ((version >= 2 ? 4 : 2) + has_rscales) * (Size) nrep);
		accum_init(s, kind, flags, rep_type, nrep, scale, rho, NULL);
		if (has_rscales)
			s->rscales = MemoryContextAlloc(cxt, sizeof(double) * nrep);
		for (int r = 0; r < nrep; r++)
		{
			s->rep_y[r].hi = svy_wire_float8(buf);
			s->rep_y[r].lo = version >= 2 ? svy_wire_float8(buf) : 0.0;
			s->rep_x[r].hi = svy_wire_float8(buf);
			s->rep_x[r].lo = version >= 2 ? svy_wire_float8(buf) : 0.0;
			if (has_rscales)
			{
				s->rscales[r] = svy_wire_float8(buf);
				if (!(s->rscales[r] >= 0) || isinf(s->rscales[r]))
					svy_wire_corrupt("bad rscales");
			}
		}
		rank = svy_wire_count(buf, sizeof(double) * nrep, "bad rank");
		if (rank > nrep)
			svy_wire_corrupt("bad rank");
		svy_rank_room(&s->rank, rank, cxt, &s->rank_bytes);
		s->rank.rank = rank;
		for (int i = 0; i < rank * nrep; i++)
			s->rank.basis[i] = svy_wire_float8(buf);
		if (version == 1)
			for (int r = 0; r < nrep; r++)
				svy_sum_add(&s->rep_y[r], -s->dom.shift * s->rep_x[r].hi);
	}
	if (version >= 2)
	{
		int			calibrated = svy_wire_byte(buf);

		if (calibrated > 1)
			svy_wire_corrupt("bad calibration marker");
		if (calibrated)
			svy_calib_accum_deserialize(s, buf);
	}
	return s;
}

/* ---- quantile support ---- */

SvyPsuEntry *
svy_accum_psu_find(SvyAccum *s, const SvyPsuKey *key)
{
	return s->psutab ? psutab_lookup(s->psutab, *key) : NULL;
}

void
svy_accum_psu_clear_a(SvyAccum *s)
{
	psutab_iterator it;
	SvyPsuEntry *e;

	if (!s->psutab)
		return;
	psutab_start_iterate(s->psutab, &it);
	while ((e = psutab_iterate(s->psutab, &it)) != NULL)
		e->a = 0.0;
	if (s->ssutab)
	{
		ssutab_iterator uit;
		SvySsuEntry *u;

		ssutab_start_iterate(s->ssutab, &uit);
		while ((u = ssutab_iterate(s->ssutab, &uit)) != NULL)
			u->a = 0.0;
	}
}

SvySsuEntry *
svy_accum_ssu_find(SvyAccum *s, const SvySsuKey *key)
{
	return s->ssutab ? ssutab_lookup(s->ssutab, *key) : NULL;
}

int
svy_accum_nssu(const SvyAccum *s)
{
	return s->ssutab ? s->ssutab->members : 0;
}

int
svy_accum_stratum_find(const SvyAccum *s, const uint64 id[2])
{
	if (!s->stratab)
		return -1;
	return svy_idmap_find(s->stratab, id[0], id[1]);
}
