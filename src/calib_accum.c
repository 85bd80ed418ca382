/*
 * calib_accum.c — the linear estimators (svy_mean, svy_total, svy_prop,
 * svy_ratio) on calibrated designs (SPEC §9, oracle README §7.14), and the
 * calibrated weights behind svy_weight and svy_weights_summary.
 *
 * State: the ordinary SvyAccum of the base design (strata, PSUs, fpc, df,
 * domain counts: it is fed every row with the calibration flag masked off)
 * plus, in s->calib:
 *   - per (PSU, cell) sums of u = d [1, e, a, b, a^2, ab, b^2] for the
 *     constant and for each numeric auxiliary v_j (times v_j), and of
 *     d v v' (e = the row is in the domain, a = e (y - K x), b = e x;
 *     x = 1 for means, the denominator for ratios; K, a value seen early
 *     as in accum.c, keeps the scores free of cancellation when y is far
 *     from 0);
 *   - a design without PSUs (each row its own PSU) keeps them per (stratum,
 *     cell), with the row count, mean and centred cross-products (Welford;
 *     Chan et al. to merge) of r = d [1, a, b] (x) [1, v], d v v', in which
 *     a row's residualised score is linear;
 *   - a two-stage design with a first-stage fpc keeps the sums of u per
 *     (second-stage unit, cell) too (tab2), whose residualised totals feed
 *     the second stage's variance (R's multistage() on the residualised
 *     scores; SPEC §12);
 *   - per cell the unweighted row count and sums of a and b (rake's
 *     residualisation averages scores over rows) and, in the states of
 *     svy_weights_summary, sums of d^2 (d^2 v, d^2 v v') and the ranges of
 *     d and v.
 * It grows with PSUs x cells, never with rows.  `raking` and `logit` with
 * numeric auxiliaries make a cell of each distinct (levels, v) (calib.h:
 * svy_calib_row_cell), keeping each cell's levels and v (cellcat, cellx):
 * there the state grows with the distinct auxiliary vectors, up to the
 * memory limit (cell_check_memory).  The final function sums
 * cells, solves the calibration (src/stats/calibrate.c), forms each
 * PSU's residualised score total z_j = sum_c coef_c' u_jc and hands these
 * to the base accumulator's variance machinery (lonely PSUs, fpc, df).
 * A replicate design's full sample is calibrated here (one entry per cell:
 * it has no PSUs) and its replicates in calib_rep.c, through the hooks
 * below; its variance comes from the calibrated replicates.
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/memutils.h"

#include "calib.h"
#include "callsite.h"
#include "idmap.h"
#include "population.h"
#include "survey.h"

#define NQ			7			/* 1, e, a, b, aa, ab, bb */
#define CALIB_STATE_MAGIC	0x43414c32	/* "CAL2": format version 2 (portable population) */

typedef struct CalibKey
{
	uint64		w[5];			/* stratum (2), PSU (2; 0 without PSUs), cell code */
} CalibKey;

typedef struct CalibEntry
{
	CalibKey	key;
	char		status;
	int32		off;			/* index of its sums in the arena */
} CalibEntry;

#define SH_PREFIX calibtab
#define SH_ELEMENT_TYPE CalibEntry
#define SH_KEY_TYPE CalibKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) \
	svy_hash_mix((k).w[0] ^ ((k).w[2] * UINT64CONST(0xC2B2AE3D27D4EB4F)), \
				 (k).w[1] ^ ((k).w[3] * UINT64CONST(0x165667B19E3779F9)) ^ \
				 ((k).w[4] * UINT64CONST(0x9E3779B97F4A7C15)))
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(CalibKey)) == 0)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * Two-stage designs with a first-stage fpc (the base state has
 * second-stage units): the u sums per (second-stage unit, cell) too, for
 * the second stage's variance of the residualised scores.
 */
typedef struct Calib2Key
{
	uint64		w[7];			/* stratum (2), PSU (2), second-stage unit (2), cell code */
} Calib2Key;

typedef struct Calib2Entry
{
	Calib2Key	key;
	char		status;
	int32		off;			/* index of its sums in arena2 */
} Calib2Entry;

#define SH_PREFIX calib2tab
#define SH_ELEMENT_TYPE Calib2Entry
#define SH_KEY_TYPE Calib2Key
#define SH_KEY key
#define SH_HASH_KEY(tb, k) \
	svy_hash_mix((k).w[0] ^ ((k).w[2] * UINT64CONST(0xC2B2AE3D27D4EB4F)) ^ \
				 ((k).w[4] * UINT64CONST(0xD6E8FEB86659FD93)), \
				 (k).w[1] ^ ((k).w[3] * UINT64CONST(0x165667B19E3779F9)) ^ \
				 ((k).w[5] * UINT64CONST(0xFF51AFD7ED558CCD)) ^ \
				 ((k).w[6] * UINT64CONST(0x9E3779B97F4A7C15)))
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(Calib2Key)) == 0)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"
#include "wire.h"

typedef struct SvyCalibAccum
{
	/* the calibration, as the rows' design values gave it */
	int			method;
	int			maxit;
	double		epsilon;
	double		bounds[2];		/* logit, bounded linear, raking (svy_calib_bounds_ok) */
	int			k;
	uint64		pop_hash;
	struct varlena *pop;		/* one copy */
	uint64		calib_gen;		/* svy_callsite_calib_gen of the row whose calibration was checked last */
	bool		per_row;		/* design without PSUs */
	double		shift;			/* K of a = e (y - K x) */
	bool		shift_set;
	bool		warned;			/* a final warned of non-convergence (quantiles solve often) */
	bool		summary;		/* the cells keep the weights summary's sums (svy_weights_summary) */

	int			nu;				/* sums per entry: NQ (k + 1) + k^2 */
	int			nr;				/* score basis: 3 (k + 1) + k^2 */
	int			width;			/* doubles per entry: nu (+ 1 + nr + nr^2 per_row) */
	int			stride;			/* doubles per entry in the arena: width in whole cache lines */

	calibtab_hash *tab;			/* (unit, cell) -> sums */
	double	   *arena;			/* cache-line aligned in arena_mem (a row touches one entry's lines) */
	void	   *arena_mem;
	int64		used;			/* entries in the arena */
	int64		cap;

	/* two-stage designs with a first-stage fpc, else NULL: (unit, second-stage unit, cell) -> nu sums */
	calib2tab_hash *tab2;
	double	   *arena2;
	int64		used2;
	int64		cap2;

	SvyIdMap   *cells;			/* cell code -> index into cellsum */
	uint64	   *cellcode;		/* per cell: its code */
	bool		distinct;		/* a cell per distinct auxiliary vector (svy_calib_distinct) */
	uint64	   *cellcat;		/* distinct: per cell, the code of its levels */
	double	   *cellx;			/* distinct: per cell, its v (k) */
	double	   *cellsum;		/* per cell: cw numbers, CS_* below */
	int			cw;				/* CS_WIDTH(k) with the summary's sums, else CS_NOSUMMARY */
	int			ncell_cap;

	/*
	 * Row-path caches (direct-mapped, emptied when they grow; NULL until the
	 * first row): cell code -> cell index, and (unit, cell index) -> entry,
	 * the unit being the base accumulator's PSU slot (its stratum index
	 * without PSUs), so that most rows need neither hash table.
	 */
	struct CellSlot *cellcache;
	uint32		cellcache_mask;
	struct EntrySlot *entcache;
	uint32		entcache_mask;
	int			entcache_bits;	/* cell bits of the slot index (from ncell_cap) */
	int			entcache_shift;	/* 32 - log2(slots) */

	/*
	 * The common row's cache (row_fast; NULL until a row of that shape):
	 * (stratum, PSU, cell code) -> its cell index, sums and what the base
	 * keeps of its PSU, in one probe instead of the three above.
	 */
	bool		rowcache_ok;	/* the state's rows are of row_fast's shape */
	struct RowSlot *rowcache;	/* cache-line aligned in rowcache_mem */
	void	   *rowcache_mem;
	uint32		rowcache_mask;
	int			rowcache_shift;	/* 32 - log2(slots) */
	struct RowTail *rowtail;	/* per arena entry, filled with its slot (rowtail_cap entries) */
	void	   *rowtail_mem;
	int64		rowtail_cap;
} SvyCalibAccum;

typedef struct CellSlot
{
	uint64		code;
	int32		index1;			/* cell index + 1; 0: empty */
} CellSlot;

typedef struct EntrySlot
{
	int32		unit1;			/* unit + 1; 0: empty */
	int32		cell;
	int32		off;
} EntrySlot;

typedef struct RowSlot
{
	uint32		tag;			/* the key's svy_calib_row_hash (odd; 0: empty): other keys rarely match */
	int32		off;			/* entry in the arena and in rowtail */
} RowSlot;

/*
 * The rest of a rowcache entry's key and what the base state keeps of its
 * PSU, so that a row reads neither the base's PSU table (scattered lines)
 * nor its stratum's beyond one line of the small strata array.  Values,
 * not pointers: valid however the base's tables move.
 */
typedef struct RowTail
{
	uint64		psu[2];			/* the PSU's identity */
	int32		stratum;		/* its stratum's index into the base's strata */
	int32		psu_slot;		/* its slot in the base (SvyPsuEntry.slot) */
	int32		cell;			/* cell index + 1 (its code is the key's) */
	uint32		marks;			/* ROWTAIL_IN_DF, ROWTAIL_IN_DOM: flags the PSU entry has */
} RowTail;

#define ROWTAIL_IN_DF	1
#define ROWTAIL_IN_DOM	2

/* 8 bytes: a set of 4 in half a cache line; at most 2^18 slots (more entries miss into the general path) */
#define ROWCACHE_MAX_SLOTS (1 << 18)

/*
 * Per cell (unweighted, over every row of the cell): row count, sums of a
 * and b (rake's residualisation), and for the weights summary only (the
 * states of svy_weights_summary: the others skip them a row) sum d^2, min
 * and max d, rows with d > 0, sums of d^2 v and d^2 v v', and min and max
 * of v over the rows with d > 0.
 */
#define CS_N		0
#define CS_A		1
#define CS_B		2
#define CS_DD		3
#define CS_MIND		4
#define CS_MAXD		5
#define CS_NPOS		6
#define CS_DDV(j)	(7 + (j))
#define CS_DDVV(k, i, j)	(7 + (k) + (i) * (k) + (j))
#define CS_MINV(k, j)	(7 + (k) + (k) * (k) + (j))
#define CS_MAXV(k, j)	(7 + 2 * (k) + (k) * (k) + (j))
#define CS_WIDTH(k)	(7 + 3 * (k) + (k) * (k))
#define CS_NOSUMMARY	3
#define CS_IS_MIN(k, t)	((t) == CS_MIND || ((t) >= CS_MINV(k, 0) && (t) < CS_MAXV(k, 0)))
#define CS_IS_MAX(k, t)	((t) == CS_MAXD || (t) >= CS_MAXV(k, 0))

/* u and r layouts */
#define U_Q(j, q)		((j) * NQ + (q))	/* j = 0: constant, j >= 1: v_j */
#define U_VV(c, k, i, j)	(NQ * ((k) + 1) + (i) * (k) + (j))
#define R_Q(j, q)		((j) * 3 + (q))	/* q: 0 = 1, 1 = a, 2 = b */
#define R_VV(k, i, j)	(3 * ((k) + 1) + (i) * (k) + (j))

/*
 * The arena with room for ncap entries (stride doubles each, zeroed), cache
 * line aligned: the 7 sums of a raked or post-stratified row's entry fill
 * one line of 64 bytes instead of straddling two.
 */
static void
arena_grow(SvyCalibAccum *c, MemoryContext cxt, int64 ncap)
{
	void	   *mem;
	double	   *a;

	if ((Size) ncap * c->stride * sizeof(double) > MaxAllocHugeSize - PG_CACHE_LINE_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many PSU x calibration cell combinations")));
	mem = MemoryContextAllocHuge(cxt, sizeof(double) * ncap * c->stride + PG_CACHE_LINE_SIZE);
	a = (double *) CACHELINEALIGN(mem);
	memset(a, 0, sizeof(double) * ncap * c->stride);
	if (c->arena_mem)
	{
		memcpy(a, c->arena, sizeof(double) * c->used * c->stride);
		pfree(c->arena_mem);
	}
	c->arena_mem = mem;
	c->arena = a;
	c->cap = ncap;
}

static SvyCalibAccum *
calib_create(MemoryContext cxt, int method, int maxit, double epsilon, const double *bounds, int k,
			 uint64 hash, const struct varlena *pop, bool per_row, bool stage2, bool summary)
{
	SvyCalibAccum *c = MemoryContextAllocZero(cxt, sizeof(SvyCalibAccum));

	c->method = method;
	c->maxit = maxit;
	c->bounds[0] = bounds[0];
	c->bounds[1] = bounds[1];
	c->epsilon = epsilon;
	c->k = k;
	c->pop_hash = hash;
	/* with a 4-byte header: a table column's value may have a short one */
	c->pop = MemoryContextAlloc(cxt, VARHDRSZ + VARSIZE_ANY_EXHDR(pop));
	SET_VARSIZE(c->pop, VARHDRSZ + VARSIZE_ANY_EXHDR(pop));
	memcpy(VARDATA(c->pop), VARDATA_ANY(pop), VARSIZE_ANY_EXHDR(pop));
	c->per_row = per_row;
	c->nu = NQ * (k + 1) + k * k;
	c->nr = 3 * (k + 1) + k * k;
	c->width = c->nu + (per_row ? 1 + c->nr + c->nr * c->nr : 0);
	c->stride = TYPEALIGN(8, c->width);	/* whole 64-byte lines */
	c->tab = calibtab_create(cxt, 64, NULL);
	arena_grow(c, cxt, 64);
	if (stage2)
	{
		c->tab2 = calib2tab_create(cxt, 64, NULL);
		c->cap2 = 64;
		c->arena2 = MemoryContextAllocZero(cxt, sizeof(double) * c->cap2 * c->nu);
	}
	c->cells = svy_idmap_create(cxt, 16);
	c->ncell_cap = 16;
	c->summary = summary;
	c->cw = summary ? CS_WIDTH(k) : CS_NOSUMMARY;
	c->cellsum = MemoryContextAllocZero(cxt, sizeof(double) * c->cw * c->ncell_cap);
	c->cellcode = MemoryContextAllocZero(cxt, sizeof(uint64) * c->ncell_cap);
	c->distinct = svy_calib_distinct(method, bounds, k);
	if (c->distinct)
	{
		c->cellcat = MemoryContextAllocZero(cxt, sizeof(uint64) * c->ncell_cap);
		c->cellx = MemoryContextAllocZero(cxt, sizeof(double) * k * c->ncell_cap);
	}
	return c;
}

static void
mixed(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("rows of one aggregate call must be calibrated in the same way"),
			 errdetail("%s", detail),
			 errhint("Give every row the same population and method, or GROUP BY what distinguishes them.")));
}

static void
check_same(const SvyCalibAccum *c, int method, int maxit, double epsilon, const double *bounds,
		   int k, uint64 hash,
		   bool per_row)
{
	if (hash != c->pop_hash || k != c->k)
		mixed("Rows carry different populations.");
	if (method != c->method || maxit != c->maxit || epsilon != c->epsilon ||
		bounds[0] != c->bounds[0] || bounds[1] != c->bounds[1])
		mixed("Rows have different calibration methods or controls.");
	if (per_row != c->per_row)
		mixed("Some rows have PSUs, others do not.");
}

static double *
entry_sums(SvyCalibAccum *c, const CalibKey *key)
{
	bool		found;
	CalibEntry *e = calibtab_insert(c->tab, *key, &found);

	if (!found)
	{
		if (c->used == c->cap)
			arena_grow(c, GetMemoryChunkContext(c), c->cap * 2);
		e->off = c->used++;
	}
	return c->arena + (int64) e->off * c->stride;
}

/* The sums (nu) of a (second-stage unit, cell) of a two-stage state. */
static double *
entry2_sums(SvyCalibAccum *c, const Calib2Key *key)
{
	bool		found;
	Calib2Entry *e = calib2tab_insert(c->tab2, *key, &found);

	if (!found)
	{
		if (c->used2 == c->cap2)
		{
			int64		ncap = c->cap2 * 2;

			if ((Size) ncap * c->nu * sizeof(double) > MaxAllocHugeSize)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many second-stage unit x calibration cell combinations")));
			c->arena2 = repalloc_huge(c->arena2, sizeof(double) * ncap * c->nu);
			memset(c->arena2 + c->cap2 * c->nu, 0, sizeof(double) * (ncap - c->cap2) * c->nu);
			c->cap2 = ncap;
		}
		e->off = c->used2++;
	}
	return c->arena2 + (int64) e->off * c->nu;
}

/* 64-bit finalizer (splitmix64) */
static inline uint64
mix64(uint64 x)
{
	x ^= x >> 30;
	x *= UINT64CONST(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64CONST(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

uint64
svy_calib_distinct_code(uint64 cat, const float8 *x, int k)
{
	uint64		h = mix64(cat + UINT64CONST(0x9E3779B97F4A7C15));

	for (int j = 0; j < k; j++)
	{
		float8		v = x[j] == 0.0 ? 0.0 : x[j];	/* -0 and 0: one cell */
		uint64		bits;

		memcpy(&bits, &v, sizeof(bits));
		h = mix64(h ^ (bits + UINT64CONST(0x9E3779B97F4A7C15) + (h << 6) + (h >> 2)));
	}
	return h & ((UINT64CONST(1) << 53) - 1);
}

/*
 * A distinct cell's code names one (levels, v): a row or a merged cell
 * with the same code and other values is a hash collision (about one in
 * 10^7 for 10^5 distinct vectors), reported rather than merged.
 */
static inline void
cell_check(const SvyCalibAccum *c, int i, uint64 cat, const double *x)
{
	bool		same = c->cellcat[i] == cat;

	for (int j = 0; j < c->k; j++)
		same &= c->cellx[(int64) i * c->k + j] == x[j];
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("two auxiliary vectors of the calibration have the same 53-bit code"),
				 errdetail("Raking and logit calibration with numeric variables key their sums by a hash of each row's levels and values."),
				 errhint("Round the numeric variables to fewer distinct values.")));
}

/*
 * Distinct cells grow with the distinct values of a continuous auxiliary,
 * not with the population: stop at the state memory limit with what to do.
 * Bytes per cell: its sums and v, and the solver's per-cell arrays.
 */
static void
cell_check_memory(const SvyCalibAccum *c, int ncell)
{
	Size		per_cell = sizeof(double) * (c->cw + 2 * c->k + c->nu + 8 + c->k * c->k) + 64;
	Size		bytes = (Size) ncell * per_cell + (Size) c->used * c->stride * sizeof(double);

	if (bytes > svy_state_memory_limit())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("calibration equations too large"),
				 errdetail("Method \"%s\" with numeric variables keeps sums per distinct auxiliary vector (the row's levels and numeric values): %d of them need %zu kB, more than 64 times work_mem (%zu kB).",
						   svy_calib_method_name(c->method), ncell, (bytes + 1023) / 1024,
						   svy_state_memory_limit() / 1024),
				 errhint("Round the numeric variables to fewer distinct values, use method => 'linear' (its state does not grow with them), or raise work_mem.")));
}

/* The index of a cell code; a new cell gets its levels' code and v (distinct cells only). */
static int
cell_index(SvyCalibAccum *c, MemoryContext cxt, uint64 code, uint64 cat, const double *x)
{
	bool		found;
	int			i;

	if (c->distinct && (i = svy_idmap_find(c->cells, code, 0)) >= 0)
	{
		cell_check(c, i, cat, x);
		return i;
	}
	if (c->distinct)
		cell_check_memory(c, svy_idmap_size(c->cells) + 1);
	i = svy_idmap_insert(c->cells, code, 0, &found);
	if (!found && i >= c->ncell_cap)
	{
		int			ncap = c->ncell_cap * 2;
		double	   *n = MemoryContextAllocZero(cxt, sizeof(double) * c->cw * ncap);
		uint64	   *codes = MemoryContextAllocZero(cxt, sizeof(uint64) * ncap);

		memcpy(n, c->cellsum, sizeof(double) * c->cw * c->ncell_cap);
		memcpy(codes, c->cellcode, sizeof(uint64) * c->ncell_cap);
		pfree(c->cellsum);
		pfree(c->cellcode);
		c->cellsum = n;
		c->cellcode = codes;
		if (c->distinct)
		{
			c->cellcat = repalloc(c->cellcat, sizeof(uint64) * ncap);
			c->cellx = repalloc(c->cellx, sizeof(double) * c->k * ncap);
		}
		c->ncell_cap = ncap;
	}
	if (!found)
	{
		double	   *cs = c->cellsum + (int64) c->cw * i;

		c->cellcode[i] = code;
		for (int t = 0; t < c->cw; t++)
			cs[t] = CS_IS_MIN(c->k, t) ? INFINITY : CS_IS_MAX(c->k, t) ? -INFINITY : 0.0;
		if (c->distinct)
		{
			c->cellcat[i] = cat;
			memcpy(c->cellx + (int64) i * c->k, x, sizeof(double) * c->k);
		}
	}
	return i;
}

static double *
cell_sums(SvyCalibAccum *c, MemoryContext cxt, uint64 code, uint64 cat, const double *x)
{
	int			i = cell_index(c, cxt, code, cat, x);	/* first: it may move cellsum */

	return c->cellsum + (int64) c->cw * i;
}

/*
 * The row path's cell index: cell codes are mixed-radix, so with at least
 * 4 slots a cell their low bits rarely collide.  A hit needs only the
 * slot; the cache is sized (and made) on a miss, as cells are added then.
 */
static pg_noinline int
row_cell_miss(SvyCalibAccum *c, MemoryContext cxt, uint64 code, uint64 cat, const double *x)
{
	CellSlot   *slot;
	int			i;

	if (c->cellcache == NULL || (uint32) c->ncell_cap * 4 > c->cellcache_mask + 1)
	{
		uint32		n = c->cellcache ? (c->cellcache_mask + 1) * 2 : 64;

		if (c->cellcache)
			pfree(c->cellcache);
		c->cellcache = MemoryContextAllocZero(cxt, sizeof(CellSlot) * n);
		c->cellcache_mask = n - 1;
	}
	i = cell_index(c, cxt, code, cat, x);
	slot = &c->cellcache[code & c->cellcache_mask];
	slot->code = code;
	slot->index1 = i + 1;
	return i;
}

static inline int
row_cell_index(SvyCalibAccum *c, MemoryContext cxt, uint64 code, uint64 cat, const double *x)
{
	if (likely(c->cellcache != NULL))
	{
		CellSlot   *slot = &c->cellcache[code & c->cellcache_mask];

		if (slot->index1 != 0 && slot->code == code)
		{
			if (c->distinct)
				cell_check(c, slot->index1 - 1, cat, x);
			return slot->index1 - 1;
		}
	}
	return row_cell_miss(c, cxt, code, cat, x);
}

/* A row's (unit, cell) key: its stratum, its PSU (0 without PSUs) and its cell code. */
static inline void
row_key(const SvyCalibAccum *c, const SvyDesign *d, uint64 code, CalibKey *key)
{
	key->w[0] = d->stratum[0];
	key->w[1] = d->stratum[1];
	key->w[2] = c->per_row ? 0 : d->psu[0];
	key->w[3] = c->per_row ? 0 : d->psu[1];
	key->w[4] = code;
}

/*
 * The row path's entry: (unit, cell) packed as unit << bits | cell, with
 * bits enough for the cells seen, and spread by Fibonacci hashing (PSU slots
 * and cells can be correlated: a plain mask would map whole runs of PSUs to
 * one slot); sets of 4 slots (2-way sets missed on 6% of cr's rows), at
 * least 2 slots an entry.  A slot holds the whole (unit, cell), so bits
 * only spread them: the cache is sized (and bits set) on a miss, as entries
 * and cells are added then.
 */
static inline EntrySlot *
entry_slot(const SvyCalibAccum *c, int unit, int cell)
{
	return &c->entcache[(((((uint32) unit << c->entcache_bits) | (uint32) cell) * 0x9E3779B1U) >>
						 c->entcache_shift) & ~3U];
}

static pg_noinline double *
row_entry_miss(SvyCalibAccum *c, MemoryContext cxt, int unit, int cell, const SvyDesign *d, uint64 code)
{
	EntrySlot  *slot;
	double	   *u;
	int			bits = pg_leftmost_one_pos32(c->ncell_cap);
	CalibKey	key;

	row_key(c, d, code, &key);
	if (c->entcache == NULL || c->entcache_bits != bits ||
		(uint64) c->used * 2 > (uint64) c->entcache_mask + 1)
	{
		uint64		n = 256;

		while (n < (uint64) c->used * 2 + 2)
			n *= 2;
		if (c->entcache)
			pfree(c->entcache);
		c->entcache = NULL;
		if (n > (UINT64CONST(1) << 30))
			return entry_sums(c, &key);	/* (a billion entries: no cache) */
		c->entcache = MemoryContextAllocHuge(cxt, sizeof(EntrySlot) * n);
		memset(c->entcache, 0, sizeof(EntrySlot) * n);
		c->entcache_mask = n - 1;
		c->entcache_shift = 32 - pg_leftmost_one_pos64(n);
		c->entcache_bits = bits;
	}
	/* the set's most recent entry first */
	slot = entry_slot(c, unit, cell);
	u = entry_sums(c, &key);
	memmove(&slot[1], &slot[0], sizeof(EntrySlot) * 3);
	slot[0].unit1 = unit + 1;
	slot[0].cell = cell;
	slot[0].off = (u - c->arena) / c->stride;
	return u;
}

static inline double *
row_entry_sums(SvyCalibAccum *c, MemoryContext cxt, int unit, int cell, const SvyDesign *d, uint64 code)
{
	if (likely(c->entcache != NULL))
	{
		EntrySlot  *slot = entry_slot(c, unit, cell);

		for (int i = 0; i < 4; i++)
			if (slot[i].unit1 == unit + 1 && slot[i].cell == cell)
				return c->arena + (int64) slot[i].off * c->stride;
	}
	return row_entry_miss(c, cxt, unit, cell, d, code);
}

/* ---------- rows ---------- */

/*
 * Add a row's u = w [q, v q, v v'] to a (unit, cell)'s sums, q = [1, e, a,
 * b, a^2, ab, b^2], term by term (a constant k unrolls the loops).
 */
static pg_attribute_always_inline void
add_u(double *u, double w, double e, double a, double bx, const float8 *v, int k)
{
	double		aa = a * a,
				ab = a * bx,
				bb = bx * bx;

	u[U_Q(0, 0)] += w;
	u[U_Q(0, 1)] += w * e;
	u[U_Q(0, 2)] += w * a;
	u[U_Q(0, 3)] += w * bx;
	u[U_Q(0, 4)] += w * aa;
	u[U_Q(0, 5)] += w * ab;
	u[U_Q(0, 6)] += w * bb;
	for (int j = 1; j <= k; j++)
	{
		double		f = w * v[j - 1];
		double	   *uj = u + U_Q(j, 0);

		uj[0] += f;
		uj[1] += f * e;
		uj[2] += f * a;
		uj[3] += f * bx;
		uj[4] += f * aa;
		uj[5] += f * ab;
		uj[6] += f * bb;
	}
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
			u[U_VV(0, k, i, j)] += w * v[i] * v[j];
}

/* Add a row to its cell's sums (CS_*; weights and x are finite: fmin and fmax as comparisons, no calls). */
static pg_attribute_always_inline void
add_cell(SvyCalibAccum *c, int ci, double w, double a, double bx, const float8 *v, int k)
{
	double	   *cs = c->cellsum + (int64) c->cw * ci;

	cs[CS_N] += 1.0;
	cs[CS_A] += a;
	cs[CS_B] += bx;
	if (!c->summary)
		return;
	cs[CS_DD] += w * w;
	if (w < cs[CS_MIND])
		cs[CS_MIND] = w;
	if (w > cs[CS_MAXD])
		cs[CS_MAXD] = w;
	if (w > 0.0)
	{
		cs[CS_NPOS] += 1.0;
		for (int i = 0; i < k; i++)
		{
			cs[CS_DDV(i)] += w * w * v[i];
			for (int j = 0; j < k; j++)
				cs[CS_DDVV(k, i, j)] += w * w * v[i] * v[j];
			if (v[i] < cs[CS_MINV(k, i)])
				cs[CS_MINV(k, i)] = v[i];
			if (v[i] > cs[CS_MAXV(k, i)])
				cs[CS_MAXV(k, i)] = v[i];
		}
	}
}

/*
 * A row's a = e (y - K x) and b = e x (e: in the domain), K set by the
 * first domain row with x != 0: rows before it have e = 0 or x = 0, so
 * their a does not depend on K.
 */
static inline void
row_scores(SvyCalibAccum *c, bool e, double y, double x, double *a, double *bx)
{
	if (e)
		svy_shift_first(&c->shift, &c->shift_set, y, x);
	*a = e ? y - c->shift * x : 0.0;
	*bx = e ? x : 0.0;
}

/*
 * The rowcache: (stratum, PSU, cell code) -> the row's cell index, sums
 * and base PSU; sets of 4 slots (half a cache line), the most recent first,
 * spread by the top bits of a mix of the key, which the slot keeps as its
 * tag.  The key is checked in full through the entry's tail: its cell (the
 * code), its PSU and its stratum's identity.  Here: the set of a row's hash
 * h.
 */
static inline RowSlot *
rowcache_set(const SvyCalibAccum *c, uint32 h)
{
	return (RowSlot *) svy_calib_rowcache_set(c->rowcache, c->rowcache_shift, h);
}

/* Put a slot at the front of its set (the set's last slot goes). */
static inline void
rowcache_put(SvyCalibAccum *c, const RowSlot *from)
{
	RowSlot    *slot = rowcache_set(c, from->tag);

	memmove(&slot[1], &slot[0], sizeof(RowSlot) * 3);
	slot[0] = *from;
}

/* The base's PSU entry of a row, and the flags of it that a rowcache tail keeps */
static SvyPsuEntry *
row_psu_entry(SvyAccum *s, const SvyDesign *d)
{
	SvyPsuKey	pk = {{d->stratum[0], d->stratum[1], d->psu[0], d->psu[1]}};

	return svy_accum_psu_find(s, &pk);
}

static inline uint32
psu_marks(const SvyPsuEntry *pe)
{
	return (pe->in_df ? ROWTAIL_IN_DF : 0) | (pe->in_dom ? ROWTAIL_IN_DOM : 0);
}

/*
 * After the general path took a row of row_fast's shape: its rowcache
 * slot.  The cache grows (keeping its valid slots) to 4 slots an entry, up
 * to ROWCACHE_MAX_SLOTS.
 */
static pg_noinline void
rowcache_fill(SvyAccum *s, SvyCalibAccum *c, const SvyDesign *d, uint64 code, int ci, const double *u)
{
	RowSlot		row;
	RowTail    *tail;
	SvyPsuEntry *pe;

	StaticAssertStmt(sizeof(RowSlot) == SVY_ROWCACHE_SLOT, "a set of 4 slots is half a cache line");
	StaticAssertStmt(sizeof(RowTail) == 32, "two tails a cache line");
	if (c->rowcache == NULL ||
		((uint64) c->used * 4 > (uint64) c->rowcache_mask + 1 && c->rowcache_mask + 1 < ROWCACHE_MAX_SLOTS))
	{
		RowSlot    *old = c->rowcache;
		void	   *old_mem = c->rowcache_mem;
		uint32		nold = old ? c->rowcache_mask + 1 : 0;
		uint32		n = Max(nold * 2, 1024);

		c->rowcache_mem = MemoryContextAllocZero(s->cxt, sizeof(RowSlot) * n + PG_CACHE_LINE_SIZE);
		c->rowcache = (RowSlot *) CACHELINEALIGN(c->rowcache_mem);
		c->rowcache_mask = n - 1;
		c->rowcache_shift = 32 - pg_leftmost_one_pos32(n);
		/* each set's least recent first, so that its most recent stays in front */
		for (int64 i = (int64) nold - 1; i >= 0; i--)
			if (old[i].tag != 0)
				rowcache_put(c, &old[i]);
		if (old_mem)
			pfree(old_mem);
	}
	if (c->rowtail_cap < c->cap)
	{
		void	   *mem = MemoryContextAllocHuge(s->cxt, sizeof(RowTail) * c->cap + PG_CACHE_LINE_SIZE);
		RowTail    *tails = (RowTail *) CACHELINEALIGN(mem);

		memset(tails, 0, sizeof(RowTail) * c->cap);
		if (c->rowtail_mem)
		{
			memcpy(tails, c->rowtail, sizeof(RowTail) * c->rowtail_cap);
			pfree(c->rowtail_mem);
		}
		c->rowtail_mem = mem;
		c->rowtail = tails;
		c->rowtail_cap = c->cap;
	}
	row.tag = svy_calib_row_hash(d->stratum, d->psu, code);
	row.off = (u - c->arena) / c->stride;
	pe = row_psu_entry(s, d);
	tail = &c->rowtail[row.off];
	tail->psu[0] = d->psu[0];
	tail->psu[1] = d->psu[1];
	tail->stratum = pe->stratum;
	tail->psu_slot = pe->slot;
	tail->cell = ci + 1;
	tail->marks = psu_marks(pe);
	rowcache_put(c, &row);
}

/* A rowcache row whose PSU entry lacks one of its flags: svy_accum_psu_row, and the tail keeps them. */
static pg_noinline void
rowtail_mark(SvyAccum *s, RowTail *tail, const SvyDesign *d, bool in_domain, bool counts)
{
	SvyPsuEntry *pe = row_psu_entry(s, d);

	svy_accum_psu_row(s, pe, in_domain, counts);
	tail->marks = psu_marks(pe);
}

/*
 * The common calibrated row: a one-stage linearization design with PSUs
 * (no second stage, no distinct cells), with the calibration the state
 * checked last (the caller compares calib_gen), whose (stratum, PSU, cell)
 * the rowcache holds.  Does what svy_accum_row_structure and the general
 * path do with it, from one probe; false, having changed nothing, for any
 * other row (the general path then also gives the errors).
 */
static pg_attribute_always_inline bool
row_fast(SvyAccum *s, SvyCalibAccum *c, const SvyDesign *d, const SvyCalibBlock *b, double y, double x,
		 bool y_null)
{
	bool		in_domain = !y_null;
	double		w = d->weight;
	bool		counts = in_domain && w != 0.0;
	uint64		code = b->cell;
	SvyCallSite *site = svy_live_sites;	/* the row's: svy_callsite_calib_gen put it first */
	uint32		h = site->row_hash;
	RowSlot    *slot = rowcache_set(c, h);
	RowTail    *tail;
	const SvyStratumInfo *st;
	uint32		marks = (counts ? ROWTAIL_IN_DF : 0) | (in_domain ? ROWTAIL_IN_DOM : 0);
	double		a,
				bx;
	double	   *u;
	uint32		match;
	int			i;

	site->rowcache = c->rowcache;
	site->rowcache_shift = c->rowcache_shift;

	/*
	 * The slots with the row's tag, found without a branch a slot (which
	 * slot of its set holds a key looks random to the branch predictor),
	 * then checked in full: nearly always the first is the row's.
	 */
#define SLOT_MATCHES(i) ((uint32) (slot[i].tag == h) << (i))
	match = SLOT_MATCHES(0) | SLOT_MATCHES(1) | SLOT_MATCHES(2) | SLOT_MATCHES(3);
#undef SLOT_MATCHES
	for (;; match &= match - 1)
	{
		if (match == 0)
			return false;
		i = pg_rightmost_one_pos32(match);
		tail = &c->rowtail[slot[i].off];
		st = &s->strata[tail->stratum];
		if (c->cellcode[tail->cell - 1] == code && tail->psu[0] == d->psu[0] && tail->psu[1] == d->psu[1] &&
			st->id[0] == d->stratum[0] && st->id[1] == d->stratum[1])
			break;
	}
	slot += i;
	if (in_domain && unlikely(!svy_outcomes_finite(y, x)))
		return false;
	if (unlikely(st->fpc != d->fpc))
		return false;

	s->dom.nrow += in_domain;
	if (counts)
		s->dom.n += 1;
	/* svy_accum_psu_row: the PSU entry itself only while it lacks one of the row's flags */
	s->last_stratum = tail->stratum;
	s->last_psu = tail->psu_slot;
	if (unlikely((tail->marks & marks) != marks))
		rowtail_mark(s, tail, d, in_domain, counts);
	row_scores(c, in_domain, y, x, &a, &bx);
	u = c->arena + (int64) slot->off * c->stride;
	/* the common numbers of numeric auxiliaries, 0 (poststratify, rake) and 1, as constants: no loops */
	switch (c->k)
	{
		case 0:
			add_u(u, w, in_domain, a, bx, NULL, 0);
			add_cell(c, tail->cell - 1, w, a, bx, NULL, 0);
			break;
		case 1:
			add_u(u, w, in_domain, a, bx, svy_calib_x(b), 1);
			add_cell(c, tail->cell - 1, w, a, bx, svy_calib_x(b), 1);
			break;
		default:
			add_u(u, w, in_domain, a, bx, svy_calib_x(b), c->k);
			add_cell(c, tail->cell - 1, w, a, bx, svy_calib_x(b), c->k);
			break;
	}
	return true;
}

/* svy_linear_row_calibrated of a row row_fast does not take */
static pg_noinline void
linear_row_general(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null)
{
	const SvyCalibBlock *b;
	SvyCalibAccum *c;
	uint64		calib_gen;
	bool		e;
	double		a,
				bx,
				w;
	double	   *u;
	const float8 *v;
	int			k;
	int			h;
	int			unit;
	int			ci;
	uint64		code;
	CalibKey	key;
	Size		head = svy_design_base_size(d);

	/* svy_design_is_calibrated, its base's size kept for the block */
	if (VARSIZE(d) <= head)
	{
		if (s->calib)
			mixed("Some rows have a calibrated design, others do not.");
		svy_accum_row(s, d, y, x, y_null);
		return;
	}
	if (s->calib == NULL && s->kind != 0)
		mixed("Some rows have a calibrated design, others do not.");
	b = (const SvyCalibBlock *) ((const char *) d + head);
	calib_gen = svy_callsite_calib_gen(d);

	/* the base design, read in place (svy_design_label finds a label left out through d) */
	h = svy_accum_row_structure(s, d, y, x, y_null);

	if (s->calib == NULL)
	{
		s->calib = calib_create(s->cxt, b->method, b->maxit, b->epsilon, b->bounds, b->k, b->pop_hash,
								svy_calib_population(b), !(d->flags & SVY_HAS_PSU), s->ssutab != NULL,
								s->calib_summary);
		s->calib->rowcache_ok = !s->calib->per_row && !s->calib->distinct && s->kind == SVY_KIND_TAYLOR &&
			s->psutab != NULL && s->ssutab == NULL && !(s->flags & SVY_HAS_PSU2);
	}
	c = s->calib;

	/*
	 * The row's calibration must be the state's: checked again only when it
	 * is not that of a call site's buffer unchanged since the last check
	 * (svy_callsite_calib_gen).
	 */
	if (calib_gen == 0 || calib_gen != c->calib_gen)
	{
		if (b->pop_hash != c->pop_hash || b->method != c->method || b->maxit != c->maxit ||
			b->epsilon != c->epsilon || b->k != c->k || b->bounds[0] != c->bounds[0] ||
			b->bounds[1] != c->bounds[1])
			check_same(c, b->method, b->maxit, b->epsilon, b->bounds, b->k, b->pop_hash, c->per_row);
		/* equal hashes: the same population unless the bytes say otherwise (a few hundred bytes) */
		if (VARSIZE_ANY_EXHDR(svy_calib_population(b)) != VARSIZE_ANY_EXHDR(c->pop) ||
			memcmp(VARDATA_ANY(svy_calib_population(b)), VARDATA_ANY(c->pop),
				   VARSIZE_ANY_EXHDR(c->pop)) != 0)
			mixed("Rows carry different populations.");
		c->calib_gen = calib_gen;
	}

	/* (svy_accum_row has rejected non-finite outcomes of domain rows) */
	e = !y_null && !(d->flags & SVY_OUT_OF_DOMAIN);
	row_scores(c, e, y, x, &a, &bx);
	w = d->weight;
	k = c->k;
	v = svy_calib_x(b);

	/* (the row's calibration is the state's: c->distinct is svy_calib_row_cell's test) */
	code = c->distinct ? svy_calib_distinct_code(b->cell, v, k) : b->cell;
	ci = row_cell_index(c, s->cxt, code, b->cell, v);
	/* the unit: the PSU's slot in the base accumulator, or the stratum's index */
	unit = c->per_row ? h : s->last_psu;
	if (unit >= 0)
		u = row_entry_sums(c, s->cxt, unit, ci, d, code);
	else
	{
		/* (replicate designs have no unit: h = -1) */
		row_key(c, d, code, &key);
		u = entry_sums(c, &key);
	}
	add_u(u, w, e, a, bx, v, k);
	if (c->tab2)
	{
		const SvyStage2 *s2 = svy_design_stage2(d);
		Calib2Key	key2;

		row_key(c, d, code, &key);
		key2 = (Calib2Key) {{key.w[0], key.w[1], key.w[2], key.w[3], s2->psu2[0], s2->psu2[1], key.w[4]}};
		add_u(entry2_sums(c, &key2), w, e, a, bx, v, k);
	}
	if (c->per_row)
	{
		double		r[2 * (3 + 3 * 4 + 16)];
		double	   *rr = 2 * c->nr <= (int) lengthof(r) ? r : palloc(sizeof(double) * 2 * c->nr);
		double	   *delta = rr + c->nr;
		double	   *cnt = u + c->nu;
		double	   *mean = cnt + 1;
		double	   *m = mean + c->nr;

		for (int j = 0; j <= k; j++)
		{
			double		f = w * (j == 0 ? 1.0 : v[j - 1]);

			rr[R_Q(j, 0)] = f;
			rr[R_Q(j, 1)] = f * a;
			rr[R_Q(j, 2)] = f * bx;
		}
		for (int i = 0; i < k; i++)
			for (int j = 0; j < k; j++)
				rr[R_VV(k, i, j)] = w * v[i] * v[j];
		*cnt += 1.0;
		for (int i = 0; i < c->nr; i++)
		{
			delta[i] = rr[i] - mean[i];
			mean[i] += delta[i] / *cnt;
		}
		for (int i = 0; i < c->nr; i++)
			for (int j = 0; j < c->nr; j++)
				m[i * c->nr + j] += delta[i] * (rr[j] - mean[j]);
		if (rr != r)
			pfree(rr);
	}
	add_cell(c, ci, w, a, bx, v, k);
	if (c->rowcache_ok && unit >= 0 && calib_gen != 0 && calib_gen == c->calib_gen)
		rowcache_fill(s, c, d, code, ci, u);
	if (d->kind == SVY_KIND_REPLICATE)
		svy_calib_rep_row(s, d, y, x, y_null);
}

void
svy_linear_row_calibrated(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null)
{
	SvyCalibAccum *c = s->calib;

	/* the common row: a state with a rowcache, a row of its shape and calibration (row_fast) */
	if (c != NULL && c->rowcache != NULL && d->kind == SVY_KIND_TAYLOR &&
		(d->flags & (SVY_SHAPE_FLAGS | SVY_OUT_OF_DOMAIN)) == s->flags)
	{
		Size		head = SVY_DESIGN_ARRAYS_OFFSET(d->label_len);	/* svy_design_base_size: one stage */
		uint64		calib_gen;

		if (VARSIZE(d) > head && (calib_gen = svy_callsite_calib_gen(d)) != 0 && calib_gen == c->calib_gen &&
			row_fast(s, c, d, (const SvyCalibBlock *) ((const char *) d + head), y, x, y_null))
			return;
	}
	linear_row_general(s, d, y, x, y_null);
}

/* ---------- merging ---------- */

/*
 * Sums of u (nu) accumulated with shift K1 expressed with K2:
 * a = e (y - K2 x) = a1 + dk b with dk = K1 - K2, in every block of u.
 */
static void
shift_u(int k, double *u, double dk)
{
	for (int j = 0; j <= k; j++)
	{
		double	   *q = u + U_Q(j, 0);

		q[4] += 2.0 * dk * q[5] + dk * dk * q[6];	/* aa */
		q[5] += dk * q[6];	/* ab */
		q[2] += dk * q[3];	/* a */
	}
}

/* The same for [n, mean, centred cross-products] of r: r_a += dk r_b (T C T'). */
static void
shift_moments(int k, int nr, double *mo, double dk)
{
	double	   *mean = mo + 1;
	double	   *m = mean + nr;

	for (int j = 0; j <= k; j++)
	{
		int			ia = R_Q(j, 1),
					ib = R_Q(j, 2);

		mean[ia] += dk * mean[ib];
		for (int l = 0; l < nr; l++)
			m[ia * nr + l] += dk * m[ib * nr + l];
		for (int l = 0; l < nr; l++)
			m[l * nr + ia] += dk * m[l * nr + ib];
	}
}

/* Chan et al.: [n, mean (nr), centred cross-products (nr x nr)] of two sets */
static void
merge_moments(int nr, double *into, const double *from)
{
	double		n1 = into[0],
				n2 = from[0],
				n = n1 + n2;
	double	   *mean = into + 1;
	double	   *m = mean + nr;
	const double *fmean = from + 1;
	const double *fm = fmean + nr;

	if (n2 == 0)
		return;
	for (int i = 0; i < nr; i++)
		for (int j = 0; j < nr; j++)
			m[i * nr + j] += fm[i * nr + j] +
				(fmean[i] - mean[i]) * (fmean[j] - mean[j]) * n1 * n2 / n;
	for (int i = 0; i < nr; i++)
		mean[i] += (fmean[i] - mean[i]) * n2 / n;
	into[0] = n;
}

void
svy_calib_accum_merge(SvyAccum *into, const SvyAccum *from)
{
	const SvyCalibAccum *f = from->calib;
	SvyCalibAccum *c;
	calibtab_iterator it;
	CalibEntry *e;
	int			ncell;
	double		dk = 0.0;
	double	   *tmp;

	if (f == NULL)
	{
		if (from->kind != 0)
			mixed("Some rows have a calibrated design, others do not.");
		return;
	}
	if (into->calib == NULL)
	{
		if (into->kind != 0)
			mixed("Some rows have a calibrated design, others do not.");
		into->calib = calib_create(into->cxt, f->method, f->maxit, f->epsilon, f->bounds, f->k, f->pop_hash,
								   f->pop, f->per_row, f->tab2 != NULL, f->summary);
	}
	c = into->calib;
	if (c->summary != f->summary)
		elog(ERROR, "calibrated states with and without the weights summary's sums");
	check_same(c, f->method, f->maxit, f->epsilon, f->bounds, f->k, f->pop_hash, f->per_row);
	if (VARSIZE_ANY_EXHDR(f->pop) != VARSIZE_ANY_EXHDR(c->pop) ||
		memcmp(VARDATA_ANY(f->pop), VARDATA_ANY(c->pop), VARSIZE_ANY_EXHDR(c->pop)) != 0)
		mixed("Rows carry different populations.");
	if ((f->tab2 != NULL) != (c->tab2 != NULL))
		mixed("Some rows have a second sampling stage, others do not.");
	dk = svy_shift_merge(&c->shift, &c->shift_set, f->shift, f->shift_set);

	tmp = palloc(sizeof(double) * c->width);
	calibtab_start_iterate(f->tab, &it);
	while ((e = calibtab_iterate(f->tab, &it)) != NULL)
	{
		double	   *dst;

		CHECK_FOR_INTERRUPTS();
		memcpy(tmp, f->arena + (int64) e->off * f->stride, sizeof(double) * c->width);
		if (dk != 0.0)
		{
			shift_u(c->k, tmp, dk);
			if (c->per_row)
				shift_moments(c->k, c->nr, tmp + c->nu, dk);
		}
		dst = entry_sums(c, &e->key);
		for (int i = 0; i < c->nu; i++)
			dst[i] += tmp[i];
		if (c->per_row)
			merge_moments(c->nr, dst + c->nu, tmp + c->nu);
	}
	if (f->tab2)
	{
		calib2tab_iterator it2;
		Calib2Entry *e2;

		calib2tab_start_iterate(f->tab2, &it2);
		while ((e2 = calib2tab_iterate(f->tab2, &it2)) != NULL)
		{
			double	   *dst;

			CHECK_FOR_INTERRUPTS();
			memcpy(tmp, f->arena2 + (int64) e2->off * f->nu, sizeof(double) * c->nu);
			if (dk != 0.0)
				shift_u(c->k, tmp, dk);
			dst = entry2_sums(c, &e2->key);
			for (int i = 0; i < c->nu; i++)
				dst[i] += tmp[i];
		}
	}
	pfree(tmp);
	ncell = svy_idmap_size(f->cells);
	for (int i = 0; i < ncell; i++)
	{
		double	   *dst = cell_sums(c, into->cxt, f->cellcode[i], f->distinct ? f->cellcat[i] : 0,
									f->distinct ? f->cellx + (int64) i * f->k : NULL);

		const double *src = f->cellsum + (int64) c->cw * i;

		for (int t = 0; t < c->cw; t++)
			dst[t] = CS_IS_MIN(c->k, t) ? fmin(dst[t], src[t]) :
				CS_IS_MAX(c->k, t) ? fmax(dst[t], src[t]) : dst[t] + src[t];
		dst[CS_A] += dk * src[CS_B];
	}
	svy_calib_rep_merge(into, from);
}

/* ---------- binary format (after the base state; network byte order) ---------- */

void
svy_calib_accum_serialize(const SvyAccum *s, StringInfo buf)
{
	const SvyCalibAccum *c = s->calib;
	int			ncell = svy_idmap_size(c->cells);
	calibtab_iterator it;
	CalibEntry *e;

	pq_sendint32(buf, CALIB_STATE_MAGIC);
	pq_sendbyte(buf, c->method);
	pq_sendint32(buf, c->maxit);
	pq_sendfloat8(buf, c->bounds[0]);
	pq_sendfloat8(buf, c->bounds[1]);
	pq_sendfloat8(buf, c->epsilon);
	pq_sendint32(buf, c->k);
	pq_sendbyte(buf, c->per_row);
	pq_sendbyte(buf, c->shift_set);
	pq_sendfloat8(buf, c->shift);
	pq_sendbyte(buf, c->summary);
	/* the population's binary form (its packed form is in native byte order), length first */
	{
		StringInfoData pop;

		initStringInfo(&pop);
		svy_population_send_buf(c->pop, &pop);
		pq_sendint32(buf, pop.len);
		pq_sendbytes(buf, pop.data, pop.len);
		pfree(pop.data);
	}
	pq_sendint32(buf, ncell);
	for (int i = 0; i < ncell; i++)
	{
		pq_sendint64(buf, c->cellcode[i]);
		for (int t = 0; t < c->cw; t++)
			pq_sendfloat8(buf, c->cellsum[(int64) c->cw * i + t]);
		if (c->distinct)
		{
			pq_sendint64(buf, c->cellcat[i]);
			for (int j = 0; j < c->k; j++)
				pq_sendfloat8(buf, c->cellx[(int64) i * c->k + j]);
		}
	}
	pq_sendint32(buf, c->tab->members);
	calibtab_start_iterate(c->tab, &it);
	while ((e = calibtab_iterate(c->tab, &it)) != NULL)
	{
		const double *u = c->arena + (int64) e->off * c->stride;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < 5; i++)
			pq_sendint64(buf, e->key.w[i]);
		for (int i = 0; i < c->width; i++)
			pq_sendfloat8(buf, u[i]);
	}
	/* two-stage designs with a first-stage fpc (the base state has second-stage units) */
	if (c->tab2)
	{
		calib2tab_iterator it2;
		Calib2Entry *e2;

		pq_sendint32(buf, c->tab2->members);
		calib2tab_start_iterate(c->tab2, &it2);
		while ((e2 = calib2tab_iterate(c->tab2, &it2)) != NULL)
		{
			const double *u = c->arena2 + (int64) e2->off * c->nu;

			CHECK_FOR_INTERRUPTS();
			for (int i = 0; i < 7; i++)
				pq_sendint64(buf, e2->key.w[i]);
			for (int i = 0; i < c->nu; i++)
				pq_sendfloat8(buf, u[i]);
		}
	}
	if (s->kind == SVY_KIND_REPLICATE)
		svy_calib_rep_serialize(s, buf);
}

/*
 * The population, validated and packed (with its hash) as svy_population's
 * receive does; what that reports as invalid data (a level twice, a
 * negative total, a bad encoding) is a corrupt state here.
 */
static struct varlena *
read_population(StringInfo buf)
{
	int32		plen = svy_wire_count(buf, 1, "bad population");
	StringInfoData pbuf;
	MemoryContext cxt = CurrentMemoryContext;
	struct varlena *volatile pop = NULL;

	svy_wire_init(&pbuf, svy_wire_bytes(buf, plen), plen);
	PG_TRY();
	{
		pop = svy_population_recv_buf(&pbuf);
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(cxt);
		ed = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(ed->sqlerrcode) != ERRCODE_DATA_EXCEPTION ||
			ed->sqlerrcode == ERRCODE_INVALID_BINARY_REPRESENTATION)
			PG_RE_THROW();
		FlushErrorState();
		svy_wire_corrupt("bad population");
	}
	PG_END_TRY();
	return pop;
}

void
svy_calib_accum_deserialize(SvyAccum *s, StringInfo buf)
{
	int			method,
				maxit,
				k,
				ncell,
				nent;
	double		epsilon;
	double		bounds[2];
	bool		per_row;
	bool		shift_set;
	double		shift;
	bool		summary;
	struct varlena *pop;
	SvyCalibAccum *c;
	SvyIdMap   *psus;			/* the base PSUs the entries cover */
	double	   *rows;			/* per stratum: rows of the entries (no PSUs) */

	if (svy_wire_int32(buf) != CALIB_STATE_MAGIC)
		svy_wire_corrupt("unknown calibration format");
	method = svy_wire_byte(buf);
	maxit = svy_wire_int32(buf);
	bounds[0] = svy_wire_float8(buf);
	bounds[1] = svy_wire_float8(buf);
	epsilon = svy_wire_float8(buf);
	k = svy_wire_int32(buf);
	per_row = svy_wire_byte(buf);
	shift_set = svy_wire_byte(buf);
	shift = svy_wire_float8(buf);
	summary = svy_wire_byte(buf);
	if (method < SVY_CALIB_POSTSTRATIFY || method > SVY_CALIB_METHOD_MAX || maxit < 0 ||
		!svy_calib_bounds_ok(method, bounds) ||
		!(epsilon >= 0) || isinf(epsilon) || k < 0 || k > SVY_CALIB_MAX_NUMERIC ||
		s->kind == 0 || per_row != !(s->flags & SVY_HAS_PSU))
		svy_wire_corrupt("bad calibration");
	pop = read_population(buf);
	{
		/* the method takes the population (as svy_calibrate checked; svy_calibrate() refuses others) */
		SvyPop	   *parsed = svy_population_parse(pop);

		if (parsed->nnum != k || parsed->ncat > SVY_CALIB_MAX_MARGINS ||
			(method != SVY_CALIB_LINEAR && !svy_calib_distinct(method, bounds, k) && k != 0) ||
			((method == SVY_CALIB_POSTSTRATIFY || method == SVY_CALIB_RESCALE) && parsed->ncat != 1) ||
			(method == SVY_CALIB_RAKE && parsed->ncat == 0))
			svy_wire_corrupt("bad population");
	}
	if (isnan(shift) || isinf(shift) || (!shift_set && shift != 0.0))
		svy_wire_corrupt("bad shift");
	c = calib_create(s->cxt, method, maxit, epsilon, bounds, k, svy_population_hash(pop), pop, per_row,
					 s->ssutab != NULL, summary);
	c->shift = shift;
	c->shift_set = shift_set;
	s->calib = c;
	ncell = svy_wire_count(buf, 8 + 8 * c->cw + (c->distinct ? 8 + 8 * k : 0), "bad number of cells");
	if (ncell == 0)
		svy_wire_corrupt("bad number of cells");	/* the first row made one */
	for (int i = 0; i < ncell; i++)
	{
		uint64		code = svy_wire_int64(buf);
		double	   *cs;
		double	   *sums = palloc(sizeof(double) * c->cw);
		uint64		cat = 0;
		double		x[SVY_CALIB_MAX_NUMERIC];

		if (svy_idmap_find(c->cells, code, 0) >= 0)
			svy_wire_corrupt("duplicate cell");
		for (int t = 0; t < c->cw; t++)
			sums[t] = svy_wire_float8(buf);
		if (c->distinct)
		{
			/* the code must be that of the levels and values (the rows' svy_calib_row_cell) */
			cat = svy_wire_int64(buf);
			for (int j = 0; j < k; j++)
			{
				x[j] = svy_wire_float8(buf);
				if (isnan(x[j]) || isinf(x[j]))
					svy_wire_corrupt("bad cell values");
			}
			if (svy_calib_distinct_code(cat, x, k) != code)
				svy_wire_corrupt("bad cell code");
		}
		cs = cell_sums(c, s->cxt, code, cat, x);
		for (int t = 0; t < c->cw; t++)
		{
			cs[t] = sums[t];
			if (isnan(cs[t]) || (isinf(cs[t]) && !CS_IS_MIN(k, t) && !CS_IS_MAX(k, t)))
				svy_wire_corrupt("bad cell sums");
		}
		pfree(sums);
		if (!(cs[CS_N] >= 1) ||
			(summary && (!(cs[CS_NPOS] >= 0 && cs[CS_NPOS] <= cs[CS_N]) ||
						 !(cs[CS_MIND] >= 0) || !(cs[CS_MAXD] >= cs[CS_MIND]))))
			svy_wire_corrupt("bad cell sums");
	}
	nent = svy_wire_count(buf, 40 + 8 * c->width, "bad number of PSU cells");
	psus = svy_idmap_create(CurrentMemoryContext, 64);
	rows = palloc0(sizeof(double) * Max(s->nstrata, 1));
	for (int j = 0; j < nent; j++)
	{
		CalibKey	key;
		double	   *u;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < 5; i++)
			key.w[i] = svy_wire_int64(buf);
		if (calibtab_lookup(c->tab, key) != NULL)
			svy_wire_corrupt("duplicate PSU cell");
		if (svy_idmap_find(c->cells, key.w[4], 0) < 0)
			svy_wire_corrupt("PSU cell of an unknown cell");
		u = entry_sums(c, &key);
		for (int i = 0; i < c->width; i++)
		{
			u[i] = svy_wire_float8(buf);
			if (isnan(u[i]) || isinf(u[i]))
				svy_wire_corrupt("non-finite sums");
		}
		if (c->per_row && !(u[c->nu] >= 1))
			svy_wire_corrupt("bad row count");
		if (s->kind != SVY_KIND_TAYLOR)
			continue;			/* replicate designs: no strata or PSUs */
		if (c->per_row)
		{
			int			h = svy_accum_stratum_find(s, key.w);

			if (h < 0 || key.w[2] != 0 || key.w[3] != 0)
				svy_wire_corrupt("cell of an unknown stratum");
			rows[h] += u[c->nu];
		}
		else
		{
			SvyPsuKey	pk = {{key.w[0], key.w[1], key.w[2], key.w[3]}};
			SvyPsuEntry *pe = svy_accum_psu_find(s, &pk);
			bool		found;

			if (pe == NULL)
				svy_wire_corrupt("PSU cell of an unknown PSU");
			svy_idmap_insert(psus, (uint64) (uintptr_t) pe, 0, &found);
		}
	}
	/* every row of the base state is in the calibration sums: its PSU, or its stratum's row count */
	if (s->kind == SVY_KIND_TAYLOR && !c->per_row && svy_idmap_size(psus) != s->npsu)
		svy_wire_corrupt("PSU without calibration sums");
	for (int h = 0; s->kind == SVY_KIND_TAYLOR && c->per_row && h < s->nstrata; h++)
		if (rows[h] != s->strata[h].rows.n)
			svy_wire_corrupt("stratum rows without calibration sums");
	if (c->tab2)
	{
		int			nent2 = svy_wire_count(buf, 56 + 8 * c->nu, "bad number of second-stage unit cells");
		SvyIdMap   *ssus = svy_idmap_create(CurrentMemoryContext, 64);

		for (int j = 0; j < nent2; j++)
		{
			Calib2Key	key;
			SvySsuKey	uk;
			SvySsuEntry *ue;
			double	   *u;
			bool		found;

			CHECK_FOR_INTERRUPTS();
			for (int i = 0; i < 7; i++)
				key.w[i] = svy_wire_int64(buf);
			if (calib2tab_lookup(c->tab2, key) != NULL)
				svy_wire_corrupt("duplicate second-stage unit cell");
			if (svy_idmap_find(c->cells, key.w[6], 0) < 0)
				svy_wire_corrupt("second-stage unit cell of an unknown cell");
			memcpy(uk.w, key.w, sizeof(uk.w));
			if ((ue = svy_accum_ssu_find(s, &uk)) == NULL)
				svy_wire_corrupt("cell of an unknown second-stage unit");
			svy_idmap_insert(ssus, (uint64) (uintptr_t) ue, 0, &found);
			u = entry2_sums(c, &key);
			for (int i = 0; i < c->nu; i++)
			{
				u[i] = svy_wire_float8(buf);
				if (isnan(u[i]) || isinf(u[i]))
					svy_wire_corrupt("non-finite sums");
			}
		}
		/* every second-stage unit of the base state has its calibration sums */
		if (svy_idmap_size(ssus) != svy_accum_nssu(s))
			svy_wire_corrupt("second-stage unit without calibration sums");
	}
	if (s->kind == SVY_KIND_REPLICATE)
		svy_calib_rep_deserialize(s, buf, k);
}

/* ---------- finishing ---------- */

/* R: the calibration of the rows failed; say which level or why. */
void
svy_calib_report_status(SvyCalibStatus st, const SvyPop *pop, const int *cat,
						const SvyCalibSolution *sol, int method)
{
	const SvyPopVar *var = sol->bad_margin >= 0 ? &pop->vars[cat[sol->bad_margin]] : NULL;

	switch (st)
	{
		case SVY_CALIB_OK:
			return;
		case SVY_CALIB_NOT_CONVERGED:
			if (method == SVY_CALIB_RAKE)
				ereport(WARNING,
						(errmsg("raking did not converge after %d iterations", sol->iterations),
						 errdetail("The largest change of the joint table in the last sweep was %g.", sol->misfit),
						 errhint("Raise maxit or epsilon; the estimates use the weights of the last sweep, as R's rake().")));
			else
				ereport(WARNING,
						(errmsg("calibration did not converge in %d iterations", sol->iterations),
						 errdetail("The largest relative misfit of the calibration equations is %g.", sol->misfit),
						 errhint("Raise maxit or epsilon; the estimates use the weights of the last iteration, as R's calibrate().")));
			return;
		case SVY_CALIB_EMPTY_LEVEL:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("level \"%s\" of variable \"%s\" has no sample rows",
							var->levels[sol->bad_level], var->name),
					 errdetail("Calibration cannot give weight to a population level that no row represents."),
					 errhint("Merge the level with another in the population and the data.")));
			break;
		case SVY_CALIB_NONPOSITIVE:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("level \"%s\" of variable \"%s\" has a sample weight total that is not positive",
							var->levels[sol->bad_level], var->name)));
			break;
		case SVY_CALIB_ZERO_POPULATION:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("level \"%s\" of variable \"%s\" has population count 0 but sample rows",
							var->levels[sol->bad_level], var->name),
					 errdetail("Post-stratification and raking cannot give these rows a weight (R: \"Strata in sample absent from population\")."),
					 errhint("Drop the rows, merge the level with another, or use method => 'linear'.")));
			break;
		case SVY_CALIB_INCONSISTENT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the population's categorical variables disagree on the total: \"%s\" sums to %g more than \"%s\"",
							var->name, sol->misfit, pop->vars[cat[0]].name),
					 errdetail("Calibration to several margins needs the same population total in each."),
					 errhint("Correct the population counts.")));
			break;
		case SVY_CALIB_DIVERGED:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("calibration diverged after %d iterations", sol->iterations),
					 errdetail("The calibrated weights overflowed."),
					 errhint("Check the population totals against the sample, or widen the bounds.")));
			break;
		case SVY_CALIB_SINGULAR:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the calibration equations are singular"),
					 errdetail("The auxiliary variables are collinear in the sample (one is a combination of the others)."),
					 errhint("Drop or merge the redundant variables or levels.")));
			break;
		case SVY_CALIB_BAD_INPUT:
			elog(ERROR, "calibration method %d does not fit the population", method);
	}
}

void
svy_calib_check_memory(Size bytes)
{
	if (bytes > svy_state_memory_limit())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("calibration equations too large"),
				 errdetail("Solving them needs %zu kB, more than 64 times work_mem (%zu kB).",
						   bytes / 1024, svy_state_memory_limit() / 1024),
				 errhint("Merge rare levels of the calibration variables, or raise work_mem.")));
}

void *
svy_calib_palloc(unsigned long n)
{
	svy_calib_check_memory(n);
	return palloc0(n);
}

static void
calib_solve(const SvyCalibAccum *c, SvyCalibSolved *cs)
{
	SvyPop	   *pop = svy_population_parse(c->pop);
	int			k = c->k;
	int			nm = pop->ncat;
	int			ncell = svy_idmap_size(c->cells);
	int		   *cat = palloc(sizeof(int) * (nm + 1));
	int		   *nlev = palloc(sizeof(int) * (nm + 1));
	const double **pops = palloc(sizeof(double *) * (nm + 1));
	double	   *popnum = palloc(sizeof(double) * (k + 1));
	int		   *level = palloc(sizeof(int) * ncell * (nm + 1));
	double	   *U = palloc0(sizeof(double) * ncell * c->nu);
	double	   *cd = palloc(sizeof(double) * ncell);
	double	   *cn = palloc(sizeof(double) * ncell);
	double	   *cdv = palloc(sizeof(double) * ncell * (k + 1));
	double	   *cdvv = palloc(sizeof(double) * ncell * (k * k + 1));
	SvyCalibProblem *pr = &cs->pr;
	calibtab_iterator it;
	CalibEntry *e;

	/* the population's margins; each cell's levels from its code */
	for (int i = 0, m = 0, j = 0; i < pop->nvar; i++)
	{
		if (pop->vars[i].nlevels == SVY_POP_NUMERIC)
		{
			popnum[j++] = pop->vars[i].totals[0];
			continue;
		}
		cat[m] = i;
		nlev[m] = pop->vars[i].nlevels;
		pops[m++] = pop->vars[i].totals;
	}
	for (int i = 0; i < ncell; i++)
	{
		uint64		code = c->distinct ? c->cellcat[i] : c->cellcode[i];

		for (int m = 0; m < nm; m++)
		{
			level[i * nm + m] = code % nlev[m];
			code /= nlev[m];
		}
		if (code != 0)
			svy_wire_corrupt("cell code outside the population");
	}
	/* per-cell sums over all units */
	calibtab_start_iterate(c->tab, &it);
	while ((e = calibtab_iterate(c->tab, &it)) != NULL)
	{
		int			i = svy_idmap_find(c->cells, e->key.w[4], 0);
		const double *u = c->arena + (int64) e->off * c->stride;

		CHECK_FOR_INTERRUPTS();
		for (int t = 0; t < c->nu; t++)
			U[i * c->nu + t] += u[t];
	}
	for (int i = 0; i < ncell; i++)
	{
		const double *u = U + i * c->nu;

		cd[i] = u[U_Q(0, 0)];
		cn[i] = c->cellsum[(int64) c->cw * i + CS_N];
		for (int j = 0; j < k; j++)
		{
			cdv[i * k + j] = u[U_Q(j + 1, 0)];
			for (int l = 0; l < k; l++)
				cdvv[(i * k + j) * k + l] = u[U_VV(0, k, j, l)];
		}
	}
	pr->method = c->method;
	pr->nmargin = nm;
	pr->nlevels = nlev;
	pr->pop = pops;
	pr->k = k;
	pr->pop_numeric = popnum;
	pr->ncell = ncell;
	pr->cell_level = level;
	pr->cell_d = cd;
	pr->cell_n = cn;
	pr->cell_dv = cdv;
	pr->cell_dvv = cdvv;
	pr->cell_v = c->distinct ? c->cellx : NULL;
	pr->maxit = c->maxit;
	pr->epsilon = c->epsilon;
	pr->bounds[0] = c->bounds[0];
	pr->bounds[1] = c->bounds[1];
	cs->pop = pop;
	cs->cat = cat;
	cs->ncell = ncell;
	cs->U = U;
	cs->status = svy_calibrate(pr, &cs->sol, svy_calib_palloc);
	/* the warnings once per state: a quantile's final solves for its CDF and each share */
	if (cs->status != SVY_CALIB_NOT_CONVERGED || !c->warned)
		svy_calib_report_status(cs->status, pop, cat, &cs->sol, c->method);
	if (svy_calib_has_bounds(c->bounds) && cs->sol.scale != 1.0 && !c->warned)
		ereport(WARNING,
				(errmsg("bounds were set but will be interpreted after rescaling by %.3g",
						cs->sol.scale),
				 errdetail("Every population total is over 20 times its sample total; the weights are rescaled first, as R's calibrate() does.")));
	((SvyCalibAccum *) c)->warned = true;
}

/* ---------- for statistics that residualise their own scores (calib.h) ---------- */

void
svy_calib_solve(const SvyAccum *s, SvyCalibSolved *cs)
{
	calib_solve(s->calib, cs);
}

int
svy_calib_accum_k(const SvyAccum *s)
{
	return s->calib->k;
}

int
svy_calib_accum_method(const SvyAccum *s)
{
	return s->calib->method;
}

int
svy_calib_cell_find(const SvyAccum *s, uint64 code)
{
	return svy_idmap_find(s->calib->cells, code, 0);
}

/* d, d v and d v v' of sums u (nu) */
static void
unit_sums(const SvyCalibAccum *c, const double *u, double *sums)
{
	int			k = c->k;

	sums[0] = u[U_Q(0, 0)];
	for (int j = 0; j < k; j++)
	{
		sums[1 + j] = u[U_Q(j + 1, 0)];
		for (int l = 0; l < k; l++)
			sums[1 + k + j * k + l] = u[U_VV(0, k, j, l)];
	}
}

void
svy_calib_foreach_unit(const SvyAccum *s, SvyCalibUnitFn fn, void *arg)
{
	const SvyCalibAccum *c = s->calib;
	double	   *sums = palloc(sizeof(double) * (1 + c->k + c->k * c->k));

	if (c->tab2)
	{
		calib2tab_iterator it;
		Calib2Entry *e;

		calib2tab_start_iterate(c->tab2, &it);
		while ((e = calib2tab_iterate(c->tab2, &it)) != NULL)
		{
			CHECK_FOR_INTERRUPTS();
			unit_sums(c, c->arena2 + (int64) e->off * c->nu, sums);
			fn(arg, e->key.w, svy_idmap_find(c->cells, e->key.w[6], 0), sums);
		}
	}
	else
	{
		calibtab_iterator it;
		CalibEntry *e;

		calibtab_start_iterate(c->tab, &it);
		while ((e = calibtab_iterate(c->tab, &it)) != NULL)
		{
			CHECK_FOR_INTERRUPTS();
			unit_sums(c, c->arena + (int64) e->off * c->stride, sums);
			fn(arg, e->key.w, svy_idmap_find(c->cells, e->key.w[4], 0), sums);
		}
	}
	pfree(sums);
}

/*
 * The second stage of a calibrated two-stage design (R's multistage() on
 * the residualised scores): each second-stage unit's score total z =
 * sum_c coef_c' u replaces its sums in the base state for svy_accum_stage2
 * (sts: the first stage's totals), and they are put back as the PSUs'
 * are.  Every PSU takes part, as every row of a calibrated design has a
 * score (R keeps a domain's other rows with their residuals).
 */
static SvyStage2Totals *
stage2_totals(SvyAccum *s, const double *coef, int width, const SvyStratumTotals *sts, int *n)
{
	const SvyCalibAccum *c = s->calib;
	int64		nent = c->tab2->members,
				ie = 0;
	SvySsuEntry **saved_ue = palloc(sizeof(SvySsuEntry *) * Max(nent, 1));
	double	   *saved = palloc(sizeof(double) * 2 * Max(nent, 1));
	SvyStage2Totals *st2;
	calib2tab_iterator it;
	Calib2Entry *e;

	calib2tab_start_iterate(c->tab2, &it);
	while ((e = calib2tab_iterate(c->tab2, &it)) != NULL)
	{
		SvySsuKey	key;
		SvySsuEntry *ue;

		memcpy(key.w, e->key.w, sizeof(key.w));
		if ((ue = svy_accum_ssu_find(s, &key)) == NULL)
			svy_wire_corrupt("cell of an unknown second-stage unit");
		saved_ue[ie] = ue;
		saved[2 * ie] = ue->a;
		saved[2 * ie + 1] = ue->b;
		ie++;
		ue->a = ue->b = 0.0;
	}
	calib2tab_start_iterate(c->tab2, &it);
	while ((e = calib2tab_iterate(c->tab2, &it)) != NULL)
	{
		SvySsuKey	key;
		const double *u = c->arena2 + (int64) e->off * c->nu;
		const double *cf = coef + svy_idmap_find(c->cells, e->key.w[6], 0) * width;
		double		z = 0.0;

		CHECK_FOR_INTERRUPTS();
		memcpy(key.w, e->key.w, sizeof(key.w));
		for (int t = 0; t < width; t++)
			z += cf[t] * u[t];
		svy_accum_ssu_find(s, &key)->a += z;
	}
	st2 = svy_accum_stage2(s, 0.0, sts, n);
	for (int i = 0; i < *n; i++)
		st2[i].present = true;
	while (ie-- > 0)
	{
		saved_ue[ie]->a = saved[2 * ie];
		saved_ue[ie]->b = saved[2 * ie + 1];
	}
	pfree(saved_ue);
	pfree(saved);
	return st2;
}

void
svy_calib_accum_result(const SvyAccum *cs, const SvyEstimateSpec *spec, SvyResult *res)
{
	SvyAccum   *s = (SvyAccum *) cs;	/* PSU sums are rewritten; see below */
	const SvyCalibAccum *c = s->calib;
	SvyCalibSolved cal;
	int			k = c->k;
	int			ncell;
	double	   *U;
	SvyCalibSolution sol;
	double		W[NQ];
	SvyDomainSums dom = s->dom;
	double		gamma;
	double	   *B;
	double	   *beta = palloc0(sizeof(double) * (k + 1));
	double	   *cdt;
	double	   *cdvt;
	double	   *ct;
	int			width = c->per_row ? c->nr : c->nu;
	double	   *coef;
	SvyStratumTotals *sts = palloc0(sizeof(SvyStratumTotals) * Max(s->nstrata, 1));
	SvyTaylorInput in = {0};
	SvyStatus	status;
	int			bad = 0;
	calibtab_iterator it;
	CalibEntry *e;
	SvyStage2Totals *st2 = NULL;

	calib_solve(c, &cal);
	ncell = cal.ncell;
	U = cal.U;
	sol = cal.sol;
	B = palloc0(sizeof(double) * ncell);
	cdt = palloc(sizeof(double) * ncell);
	cdvt = palloc(sizeof(double) * ncell * (k + 1));
	ct = palloc(sizeof(double) * ncell);
	coef = palloc0(sizeof(double) * ncell * width);

	/* calibrated domain sums: sum w q = sum_c G_c U_c[q] + lambda' U_c[v q] */
	for (int t = 0; t < NQ; t++)
	{
		W[t] = 0.0;
		for (int i = 0; i < ncell; i++)
		{
			W[t] += sol.G[i] * U[i * c->nu + U_Q(0, t)];
			for (int j = 0; j < k; j++)
				W[t] += sol.lambda_v[j] * U[i * c->nu + U_Q(j + 1, t)];
		}
	}
	/* the calibrated domain moments of (y, x), from those of (a = y - K x, b = x) */
	{
		double		K = c->shift;
		double		ma = W[1] != 0.0 ? W[2] / W[1] : 0.0;
		double		c_aa = W[4] - W[2] * ma;
		double		c_ab = W[5] - W[2] * (W[1] != 0.0 ? W[3] / W[1] : 0.0);
		double		c_bb = W[6] - W[3] * (W[1] != 0.0 ? W[3] / W[1] : 0.0);

		dom.shift = K;
		dom.wm.w = W[1];
		dom.wm.mean_x = W[1] != 0.0 ? W[3] / W[1] : 0.0;
		dom.wm.mean_y = ma + K * dom.wm.mean_x;
		dom.wm.c_xx = c_bb;
		dom.wm.c_xy = c_ab + K * c_bb;
		dom.wm.c_yy = c_aa + 2.0 * K * c_ab + K * K * c_bb;
	}

	/* replicate designs: the variance of the calibrated replicates, no residuals */
	if (s->kind == SVY_KIND_REPLICATE)
	{
		svy_calib_rep_result(s, spec, &dom, &cal.pr, &sol, cal.pop, cal.cat, res);
		return;
	}

	/*
	 * Linearised values t = a + gamma b: y = a + K b for totals, y - theta x
	 * = a - (theta - K) b otherwise, theta - K = sum w a / sum w b.
	 */
	if (spec->stat == SVY_STAT_TOTAL)
		gamma = c->shift;
	else
		gamma = W[3] != 0.0 ? -W[2] / W[3] : 0.0;
	for (int i = 0; i < ncell; i++)
	{
		const double *u = U + i * c->nu;

		cdt[i] = u[U_Q(0, 2)] + gamma * u[U_Q(0, 3)];
		for (int j = 0; j < k; j++)
			cdvt[i * k + j] = u[U_Q(j + 1, 2)] + gamma * u[U_Q(j + 1, 3)];
		ct[i] = c->cellsum[(int64) c->cw * i + CS_A] + gamma * c->cellsum[(int64) c->cw * i + CS_B];
	}
	{
		double	   *work = palloc(sizeof(double) * svy_calib_work_size(&cal.pr, &sol));

		if (svy_calib_residual_coef(&cal.pr, &sol, cdt, cdvt, ct, B, beta, work) != 0)
			svy_calib_report_status(SVY_CALIB_SINGULAR, cal.pop, cal.cat, &sol, c->method);
	}

	/* per cell: the row score z = coef' (u or r) */
	for (int i = 0; i < ncell; i++)
	{
		double	   *cf = coef + i * width;
		double		G = sol.G[i];

		if (c->per_row)
		{
			cf[R_Q(0, 0)] = -G * B[i];
			cf[R_Q(0, 1)] = G;
			cf[R_Q(0, 2)] = G * gamma;
			for (int j = 1; j <= k; j++)
			{
				cf[R_Q(j, 0)] = -G * beta[j - 1] - sol.lambda_v[j - 1] * B[i];
				cf[R_Q(j, 1)] = sol.lambda_v[j - 1];
				cf[R_Q(j, 2)] = sol.lambda_v[j - 1] * gamma;
			}
			for (int a = 0; a < k; a++)
				for (int b = 0; b < k; b++)
					cf[R_VV(k, a, b)] = -sol.lambda_v[a] * beta[b];
		}
		else
		{
			cf[U_Q(0, 0)] = -G * B[i];
			cf[U_Q(0, 2)] = G;
			cf[U_Q(0, 3)] = G * gamma;
			for (int j = 1; j <= k; j++)
			{
				cf[U_Q(j, 0)] = -G * beta[j - 1] - sol.lambda_v[j - 1] * B[i];
				cf[U_Q(j, 2)] = sol.lambda_v[j - 1];
				cf[U_Q(j, 3)] = sol.lambda_v[j - 1] * gamma;
			}
			for (int a = 0; a < k; a++)
				for (int b = 0; b < k; b++)
					cf[U_VV(0, k, a, b)] = -sol.lambda_v[a] * beta[b];
		}
	}

	if (!c->per_row)
	{
		/*
		 * Each PSU's score total replaces its sums in the base state for
		 * svy_accum_strata, and they are put back afterwards: a final
		 * sharing the state (svy_accum's) may serialize it.  Entries of one
		 * PSU save (sums, 0, ..., 0); restoring in reverse ends with the sums.
		 */
		int64		nent = c->tab->members,
					ie = 0;
		SvyPsuEntry **saved_pe = palloc(sizeof(SvyPsuEntry *) * Max(nent, 1));
		double	   *saved = palloc(sizeof(double) * 2 * Max(nent, 1));

		calibtab_start_iterate(c->tab, &it);
		while ((e = calibtab_iterate(c->tab, &it)) != NULL)
		{
			SvyPsuKey	key = {{e->key.w[0], e->key.w[1], e->key.w[2], e->key.w[3]}};
			SvyPsuEntry *pe = svy_accum_psu_find(s, &key);

			if (pe == NULL)
				svy_wire_corrupt("PSU cell of an unknown PSU");
			saved_pe[ie] = pe;
			saved[2 * ie] = pe->a;
			saved[2 * ie + 1] = pe->b;
			ie++;
			pe->a = pe->b = 0.0;
		}
		calibtab_start_iterate(c->tab, &it);
		while ((e = calibtab_iterate(c->tab, &it)) != NULL)
		{
			SvyPsuKey	key = {{e->key.w[0], e->key.w[1], e->key.w[2], e->key.w[3]}};
			SvyPsuEntry *pe = svy_accum_psu_find(s, &key);
			const double *u = c->arena + (int64) e->off * c->stride;
			const double *cf = coef + svy_idmap_find(c->cells, e->key.w[4], 0) * width;
			double		z = 0.0;

			CHECK_FOR_INTERRUPTS();
			for (int t = 0; t < width; t++)
				z += cf[t] * u[t];
			pe->a += z;
		}
		in.df = svy_accum_strata(s, 0.0, sts);
		if (c->tab2)
			st2 = stage2_totals(s, coef, width, sts, &in.nstage2);
		while (ie-- > 0)
		{
			saved_pe[ie]->a = saved[2 * ie];
			saved_pe[ie]->b = saved[2 * ie + 1];
		}
	}
	else
	{
		/*
		 * Rows are the PSUs.  Per stratum: the mean score, then the spread
		 * sum (z - zbar_h)^2 = sum over its cells of c' C c (within) plus
		 * n_c (c' rbar_c - zbar_h)^2 (between).
		 */
		double	   *S = palloc0(sizeof(double) * Max(s->nstrata, 1));
		double	   *Q = palloc0(sizeof(double) * Max(s->nstrata, 1));

		in.df = svy_accum_strata(s, 0.0, sts);
		for (int pass = 0; pass < 2; pass++)
		{
			calibtab_start_iterate(c->tab, &it);
			while ((e = calibtab_iterate(c->tab, &it)) != NULL)
			{
				const double *u = c->arena + (int64) e->off * c->stride;
				double		n = u[c->nu];
				const double *mean = u + c->nu + 1;
				const double *m = mean + c->nr;
				const double *cf = coef + svy_idmap_find(c->cells, e->key.w[4], 0) * width;
				int			h = svy_accum_stratum_find(s, e->key.w);
				double		zc = 0.0;

				CHECK_FOR_INTERRUPTS();
				if (h < 0)
					svy_wire_corrupt("cell of an unknown stratum");
				for (int a = 0; a < c->nr; a++)
					zc += cf[a] * mean[a];
				if (pass == 0)
				{
					S[h] += n * zc;
					continue;
				}
				zc -= S[h] / sts[h].psu.n;
				Q[h] += n * zc * zc;
				for (int a = 0; a < c->nr; a++)
					for (int b = 0; b < c->nr; b++)
						Q[h] += cf[a] * m[a * c->nr + b] * cf[b];
			}
		}
		for (int h = 0; h < s->nstrata; h++)
		{
			double		n = sts[h].psu.n;

			sts[h].psu.mean_a = n > 0 ? S[h] / n : 0.0;
			sts[h].psu.mean_b = 0.0;
			sts[h].psu.m_aa = Max(Q[h], 0.0);
			sts[h].psu.m_ab = sts[h].psu.m_bb = 0.0;
		}
	}
	/*
	 * Calibration spreads every row's residual over the whole sample, so a
	 * domain's variance has a part in every stratum, also those without
	 * domain rows (R: a domain of a calibrated design keeps all its rows).
	 */
	for (int h = 0; h < s->nstrata; h++)
		sts[h].in_domain = true;
	in.residuals_folded = 1;
	in.strata = sts;
	in.nstrata = s->nstrata;
	in.stage2 = st2;
	in.lonely = (SvyLonely) survey_lonely_psu;
	status = svy_estimate_taylor(spec, &dom, &in, res, &bad);
	if (status == SVY_ERR_LONELY2 || status == SVY_ERR_FPC2)
		svy_report_design_error(s, status, st2[bad].stratum, st2[bad].units.n);
	if (status != SVY_OK)
		svy_report_design_error(s, status, bad, sts[bad].psu.n);
}

/* ---------- singular residualisation (calib_domain.c) ---------- */

void
svy_calib_report_singular(const SvyAccum *s, const SvyCalibSolved *cs)
{
	svy_calib_report_status(SVY_CALIB_SINGULAR, cs->pop, cs->cat, &cs->sol, s->calib->method);
	pg_unreachable();
}

/* ---------- calibrated weights (svy_weight, svy_weights_summary) ---------- */

void
svy_calib_weights(const SvyAccum *s, SvyCalibWeights *w)
{
	const SvyCalibAccum *c = s->calib;
	SvyCalibSolved cal;

	calib_solve(c, &cal);
	w->k = c->k;
	w->G = cal.sol.G;
	w->lambda_v = cal.sol.lambda_v;
	w->iterations = cal.sol.iterations;
	w->converged = cal.sol.converged;
	w->ncell = cal.ncell;

	/* totals and ranges from the per-cell sums (see CS_*) */
	w->n = w->sum_w = w->sum_w2 = 0.0;
	w->min_w = w->g_min = INFINITY;
	w->max_w = w->g_max = -INFINITY;
	w->n_negative = 0.0;
	for (int i = 0; i < cal.ncell; i++)
	{
		const double *cs = c->cellsum + (int64) c->cw * i;
		const double *u = cal.U + (int64) c->nu * i;
		double		G = w->G[i];
		double		lv = 0.0,
					lvv = 0.0;

		w->n += cs[CS_N];
		w->sum_w += G * u[U_Q(0, 0)];
		for (int j = 0; j < c->k; j++)
			w->sum_w += w->lambda_v[j] * u[U_Q(j + 1, 0)];
		if (!c->summary)
			continue;
		for (int j = 0; j < c->k; j++)
		{
			lv += w->lambda_v[j] * cs[CS_DDV(j)];
			for (int l = 0; l < c->k; l++)
				lvv += w->lambda_v[j] * cs[CS_DDVV(c->k, j, l)] * w->lambda_v[l];
		}
		w->sum_w2 += G * G * cs[CS_DD] + 2.0 * G * lv + lvv;
		/* a factor per cell: without numeric variables, or a cell per distinct v */
		if (c->k == 0 || c->distinct)
		{
			w->min_w = fmin(w->min_w, fmin(G * cs[CS_MIND], G * cs[CS_MAXD]));
			w->max_w = fmax(w->max_w, fmax(G * cs[CS_MIND], G * cs[CS_MAXD]));
			if (cs[CS_NPOS] > 0)
			{
				w->g_min = fmin(w->g_min, G);
				w->g_max = fmax(w->g_max, G);
			}
			if (G < 0.0)
				w->n_negative += cs[CS_NPOS];
		}
		else if (c->k == 1 && cs[CS_NPOS] > 0)
		{
			double		g1 = G + w->lambda_v[0] * cs[CS_MINV(1, 0)];
			double		g2 = G + w->lambda_v[0] * cs[CS_MAXV(1, 0)];

			w->g_min = fmin(w->g_min, fmin(g1, g2));
			w->g_max = fmax(w->g_max, fmax(g1, g2));
		}
	}
	/* without the summary's sums (svy_weight, quantiles), and not derivable from them: each row's own v */
	if (!c->summary)
		w->sum_w2 = w->min_w = w->max_w = w->n_negative = w->g_min = w->g_max = NAN;
	if (c->k > 0 && !c->distinct)
		w->min_w = w->max_w = w->n_negative = NAN;
	if (c->k > 1 && !c->distinct)
		w->g_min = w->g_max = NAN;
	if (isinf(w->g_min))
		w->g_min = w->g_max = NAN;
}

double
svy_calib_row_weight(const SvyAccum *s, const SvyCalibWeights *w, const SvyDesign *d)
{
	const SvyCalibBlock *b = svy_calib_block(d);
	int			i = svy_idmap_find(s->calib->cells, svy_calib_row_cell(b), 0);
	double		g;

	if (i < 0)
		elog(ERROR, "calibration cell of a row not in the window");
	g = w->G[i];
	for (int j = 0; j < w->k; j++)
		g += w->lambda_v[j] * svy_calib_x(b)[j];
	return d->weight * g;
}

/* ---------- svy_quantile on calibrated designs (calib_quantile.c) ---------- */

double
svy_calib_accum_rows(const SvyAccum *s)
{
	const SvyCalibAccum *c = s->calib;
	double		n = 0.0;

	for (int i = 0; i < svy_idmap_size(c->cells); i++)
		n += c->cellsum[(int64) c->cw * i + CS_N];
	return n;
}

double
svy_calib_cell_g(const SvyAccum *s, const SvyCalibWeights *w, uint64 cell)
{
	int			i = svy_idmap_find(s->calib->cells, cell, 0);

	if (i < 0)
		svy_wire_corrupt("cell unknown to the calibration");
	return w->G[i];
}

/* An entry's sums of auxiliary j with the indicator's weight w added: I^2 = I and I x = I, so a, aa and ab grow alike. */
static inline void
add_indicator(double *u, int j, double w)
{
	u[U_Q(j, 2)] += w;
	u[U_Q(j, 4)] += w;
	u[U_Q(j, 5)] += w;
}

/*
 * The state was fed with y = 0, x = 1 (so K = 0 and a = e y = 0): adding
 * to a = e I the indicator's sums of the cells' rows turns its sums into
 * those of y = I, and the calibrated mean's result is that of P.  The
 * arena and the cell sums (two-stage designs with a first-stage fpc: and
 * the second-stage units' sums; replicate designs: and the replicates'
 * sums, calib_rep.c) are replaced by modified copies while the result is
 * computed, so that the state itself does not change.
 */
void
svy_calib_indicator_result(const SvyAccum *s, const SvyCalibIndicator *ind, int nind,
						   double level, SvyResult *res)
{
	SvyCalibAccum *c = s->calib;
	SvyEstimateSpec spec = {SVY_STAT_MEAN, SVY_CI_WALD, level};
	bool		rep = s->kind == SVY_KIND_REPLICATE;
	/* replicate designs: the full sample's cells are per_row, read only for its estimate */
	bool		per_row = c->per_row && !rep;
	double	   *arena = c->arena;
	double	   *cellsum = c->cellsum;
	double	   *rep_saved = NULL;
	double	   *arena2 = c->arena2;
	double	   *a = palloc(sizeof(double) * Max(c->used, 1) * c->stride);
	double	   *a2 = c->tab2 ? palloc(sizeof(double) * Max(c->used2, 1) * c->nu) : NULL;
	double	   *cs = palloc(sizeof(double) * Max(svy_idmap_size(c->cells), 1) * c->cw);

	if (c->shift != 0.0)
		svy_wire_corrupt("calibrated quantile state with a non-zero shift");
	memcpy(a, arena, sizeof(double) * c->used * c->stride);
	if (a2)
		memcpy(a2, arena2, sizeof(double) * c->used2 * c->nu);
	memcpy(cs, cellsum, sizeof(double) * svy_idmap_size(c->cells) * c->cw);
	for (int i = 0; i < nind; i++)
	{
		const SvyCalibIndicator *in = &ind[i];
		CalibKey	key;
		CalibEntry *e;
		double	   *u;
		int			j = in->aux;
		int			ci;

		memcpy(key.w, in->key, sizeof(key.w));
		e = calibtab_lookup(c->tab, key);
		ci = svy_idmap_find(c->cells, key.w[4], 0);
		if (e == NULL || ci < 0 || j < 0 || j > c->k || (j > 0 && per_row))
			svy_wire_corrupt("quantile cell unknown to the calibration");
		u = a + (int64) e->off * c->stride;
		add_indicator(u, j, in->w);
		if (a2)
		{
			Calib2Key	key2 = {{key.w[0], key.w[1], key.w[2], key.w[3], in->ssu[0], in->ssu[1], key.w[4]}};
			Calib2Entry *e2 = calib2tab_lookup(c->tab2, key2);

			if (e2 == NULL)
				svy_wire_corrupt("quantile cell of an unknown second-stage unit");
			add_indicator(a2 + (int64) e2->off * c->nu, j, in->w);
		}
		if (j > 0)
			continue;
		cs[(int64) c->cw * ci + CS_A] += in->n;
		if (per_row)
		{
			/* r = d [1, a, b]: its a-column was 0; now sum d I = w, sum d^2 I = ww */
			double		n = u[c->nu];
			double	   *mean = u + c->nu + 1;
			double	   *m = mean + c->nr;
			int			ia = R_Q(0, 1);

			mean[ia] += in->w / n;
			/* sum r_a r_t = sum d^2 I for t = 1, a and b (the rows with I are domain rows) */
			for (int t = 0; t < c->nr; t++)
				m[ia * c->nr + t] = m[t * c->nr + ia] = in->ww - n * mean[ia] * mean[t];
		}
	}
	c->arena = a;
	c->arena2 = a2 ? a2 : arena2;
	c->cellsum = cs;
	if (rep)
		rep_saved = svy_calib_rep_add_indicator((SvyAccum *) s, ind, nind);
	svy_calib_accum_result(s, &spec, res);
	if (rep)
		svy_calib_rep_restore((SvyAccum *) s, rep_saved);
	c->arena = arena;
	c->arena2 = arena2;
	c->cellsum = cellsum;
	pfree(a);
	if (a2)
		pfree(a2);
	pfree(cs);
}
