/*
 * quantile.c — svy_quantile and svy_quantiles: quantiles with confidence
 * intervals, as R's svyquantile(..., ci = TRUE) (survey 4.1.1): every
 * interval.type (Woodruff "mean" by default; beta, xlogit, asin; score, whose
 * root search evaluates the share's variance at each step; for replicate
 * designs "quantile", the rule run on every replicate's weights).
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
 * replicate machinery gives SE(P) and df.
 */
#include "postgres.h"

#include <math.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "accum.h"
#include "aggstate.h"
#include "idmap.h"
#include "quantile.h"
#include "zeroin.h"
#include "survey.h"
#include "wire.h"

PG_FUNCTION_INFO_V1(svy_quantile_transfn);
PG_FUNCTION_INFO_V1(svy_quantiles_transfn);
PG_FUNCTION_INFO_V1(svy_quantile_final);
PG_FUNCTION_INFO_V1(svy_quantiles_final);

#define SVY_QSTATE_VERSION 5

/* wire format: columns left out (all w_lo zero, all n one), units in 16 bits */
#define QWIRE_NO_WLO	0x01
#define QWIRE_N_ONE		0x02
#define QWIRE_UNIT16	0x04

/* compact the cells when this many are held (and then at twice the compacted size) */
#define QCOMPACT_MIN	65536

/* ---------- cells: one entry per row, merged by (value, unit) ---------- */

typedef struct QEntry
{
	double		x;				/* the value (never -0) */
	double		w;				/* sum of w: w + w_lo is a long double sum */
	double		w_lo;			/* (R's cumsum; no long double in palloc'd memory) */
	int32		unit;			/* Taylor: PSU or stratum index; replicate: slot in rw */
	int32		n;				/* rows with w != 0 */
} QEntry;

StaticAssertDecl(sizeof(QEntry) == 32, "QEntry should be 32 bytes");

/*
 * A row as appended: its cell has n = (w != 0), no w_lo and m2 = 0, so
 * rows are kept in 24 bytes until they are sorted into cells.
 */
typedef struct QRow
{
	double		x;
	double		w;
	int32		unit;
} QRow;

StaticAssertDecl(sizeof(QRow) == 24, "QRow should be 24 bytes");

/*
 * ---------- units: PSU (stratum, psu), second-stage unit (stratum, psu,
 * psu2: two-stage designs with an fpc) or stratum identity -> index ----------
 */

#define QUNIT_WORDS 6

typedef struct QUnitKey
{
	uint64		w[QUNIT_WORDS];
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
	svy_hash_mix((k).w[0] ^ ((k).w[1] * UINT64CONST(0xC2B2AE3D27D4EB4F)) ^ (k).w[4], \
				 (k).w[2] ^ ((k).w[3] * UINT64CONST(0x165667B19E3779F9)) ^ (k).w[5])
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(QUnitKey)) == 0)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * A sorted run of n cells: a state's own cells e, or the columns of a
 * deserialized state (x, w; w_lo NULL: all 0; unit NULL: replicate slot i;
 * cnt NULL: row counts all 1), with their m2 and replicate sums (slot i at
 * cell i).  Read through run_x() and the like.
 */
typedef struct QRun
{
	int64		n;
	QEntry	   *e;
	double	   *x;
	double	   *w;
	double	   *w_lo;
	int32	   *unit;
	int32	   *cnt;
	double	   *m2;
	double	   *rw;
} QRun;

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
	int			interval;		/* SvyQInterval */
	struct varlena *p_seen;		/* copy of the array last checked */
	struct varlena *interval_seen;	/* copy of the interval name last parsed */

	/* units (designs with PSUs: PSUs; without: strata) */
	QUnitKey   *unit_keys;
	int			nunits;
	int			units_cap;
	int			last_unit;
	/* one-stage designs: acc->last_psu (the accumulator's PSU slot) -> unit, -1 unknown */
	int32	   *slot_unit;
	int			slot_cap;
	struct qunits_hash *units;

	/*
	 * The cells: ne in all, the first nc in the contiguous array e (with
	 * m2[i] for designs without PSUs), the rest rows appended since into
	 * blocks (blk[b]; block b holds qblock_size(b) rows, all full but the
	 * last, which holds bfill), so that appending never copies.  Keys of
	 * the rows lie in [bkmin, bkmax].  Replicate designs: nrep
	 * replicate-weight sums at rw[unit * nrep] (the slots are a permutation
	 * of 0..ne-1; an appended entry gets slot = its position).  "sorted": no
	 * blocks, e is sorted by x, equal (x, unit) keys are merged (a run of
	 * equal x is in unit order unless a combine remapped the units) and
	 * (replicate designs) slot i is at entry i.  Merging skips two keys
	 * whose row counts would overflow an int32.
	 */
	QEntry	   *e;
	double	   *m2;
	double	   *rw;
	int64		ne;				/* cells in all */
	int64		nc;				/* of them in e (and m2) */
	int64		rwcap;			/* slots of rw */
	QRow	  **blk;
	int			nblk;
	int			blkalloc;		/* room in blk */
	int64		bfill;			/* rows in the last block */
	uint64		bkmin;
	uint64		bkmax;
	int64		threshold;		/* compact when ne reaches it ... */
	bool		compacting;		/* ... unless compaction stopped paying */
	bool		sorted;

	/*
	 * Sorted runs besides e (run 0): a deserialized state's cells, in
	 * columns, and the states combined into this one (parallel query), read
	 * in place by the final functions; merged into e only if rows follow.
	 * Only when sorted.
	 */
	QRun	   *runs;
	int			nruns;
	int			runsalloc;
} QState;

static QState *
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
		return unit_index(s, key);
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
	u = unit_index(s, key);
	s->slot_unit[slot] = u;
	return u;
}

/* the layout of the cells follows from the design (known after the first row) */
static inline bool
has_m2(const QState *s)
{
	return s->acc->kind == SVY_KIND_TAYLOR && !(s->acc->flags & SVY_HAS_PSU);
}

static inline int
rep_count(const QState *s)
{
	return s->acc->kind == SVY_KIND_REPLICATE ? s->acc->nrep : 0;
}

/*
 * Large arrays: ask for transparent huge pages where the kernel leaves that
 * to the program (THP "madvise" mode).  With 4 kB pages, first touching
 * hundreds of MB of fresh memory costs more in page faults than the sort.
 */
static void *
huge_pages(void *p, Size size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	if (size >= ((Size) 8 << 20))
	{
		uintptr_t	start = TYPEALIGN(2 << 20, (uintptr_t) p);
		uintptr_t	end = TYPEALIGN_DOWN(2 << 20, (uintptr_t) p + size);

		if (end > start)
			(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
	}
#endif
	return p;
}

static void *
big_alloc(MemoryContext cxt, Size size)
{
	return huge_pages(MemoryContextAllocHuge(cxt, size), size);
}

static void *
alloc_or_grow(MemoryContext cxt, void *p, Size size)
{
	return p ? huge_pages(repalloc_huge(p, size), size) : big_alloc(cxt, size);
}

static void
free_if(void *p)
{
	if (p)
		pfree(p);
}

/* room for need replicate slots */
static void
qstate_reserve_rw(QState *s, int64 need)
{
	int			nrep = rep_count(s);

	if (nrep > 0 && need > s->rwcap)
	{
		int64		cap = Max(64, s->rwcap * 2);

		while (cap < need)
			cap *= 2;
		s->rw = alloc_or_grow(s->cxt, s->rw, sizeof(double) * nrep * cap);
		s->rwcap = cap;
	}
}

static inline long double
entry_w(const QEntry *c)
{
	return svy_ld((long double) c->w + (long double) c->w_lo);
}

static inline void
entry_add_w(QEntry *c, long double w)
{
	long double sum = svy_ld(entry_w(c) + w);

	c->w = (double) sum;
	c->w_lo = (double) (sum - (long double) c->w);
}

/* can b be merged into a (their row counts stay an int32)? */
static inline bool
entry_mergeable(const QEntry *a, const QEntry *b)
{
	return (int64) a->n + (int64) b->n <= PG_INT32_MAX;
}

/*
 * Merge b into a: rows and weights; with m2 (designs without PSUs) the
 * Welford/Chan update of (n, w, m2).  Replicate sums are the caller's.
 */
static inline void
entry_merge(QEntry *a, double *a_m2, const QEntry *b, double b_m2)
{
	if (a_m2)
	{
		if (b->n == 0)
			return;
		if (a->n == 0)
			*a_m2 = b_m2;
		else
		{
			double		na = a->n,
						nb = b->n;
			double		delta = (double) (entry_w(b) / nb - entry_w(a) / na);

			*a_m2 += b_m2 + delta * delta * na * nb / (na + nb);
		}
	}
	a->n += b->n;
	entry_add_w(a, entry_w(b));
}

/* ---------- sorting and compaction ---------- */

/* the bits of a double as an unsigned key in the double's order (no NaN) */
static inline uint64
x_key(double x)
{
	uint64		u;

	memcpy(&u, &x, sizeof(u));
	return (u & UINT64CONST(0x8000000000000000)) ? ~u : (u | UINT64CONST(0x8000000000000000));
}

/* the double of a key (x_key's inverse) */
static inline double
key_x(uint64 k)
{
	uint64		u = (k & UINT64CONST(0x8000000000000000)) ? (k & ~UINT64CONST(0x8000000000000000)) : ~k;
	double		x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

/* ---------- varints (unsigned LEB128): the gaps between sorted keys ---------- */

static inline int
varint_len(uint64 v)
{
	int			n = 1;

	while (v >= 0x80)
	{
		v >>= 7;
		n++;
	}
	return n;
}

static inline char *
varint_put(char *p, uint64 v)
{
	while (v >= 0x80)
	{
		*p++ = (char) ((v & 0x7F) | 0x80);
		v >>= 7;
	}
	*p++ = (char) v;
	return p;
}

/* the varint at *p (before end), *p moved past it; false if cut short or over 64 bits */
static inline bool
varint_get(const char **p, const char *end, uint64 *v)
{
	uint64		r = 0;

	for (int shift = 0; shift < 64 && *p < end; shift += 7)
	{
		uint8		b = (uint8) *(*p)++;

		if (shift == 63 && b > 1)
			return false;
		r |= (uint64) (b & 0x7F) << shift;
		if (!(b & 0x80))
		{
			*v = r;
			return true;
		}
	}
	return false;
}

/* ---------- appending: blocks that never move ---------- */

/* block b holds 1024 << b rows, at most 512k (12 MB, in huge pages: see huge_pages) */
#define QBLOCK_MIN		1024
#define QBLOCK_MAX_SHIFT 9

static inline int64
qblock_size(int b)
{
	return (int64) QBLOCK_MIN << Min(b, QBLOCK_MAX_SHIFT);
}

static void
qblock_new(QState *s)
{
	if (s->nblk == s->blkalloc)
	{
		int			n = Max(16, s->blkalloc * 2);

		s->blk = s->blk ? repalloc(s->blk, sizeof(QRow *) * n)
			: MemoryContextAlloc(s->cxt, sizeof(QRow *) * n);
		s->blkalloc = n;
	}
	s->blk[s->nblk] = big_alloc(s->cxt, sizeof(QRow) * qblock_size(s->nblk));
	s->nblk++;
	s->bfill = 0;
}

static inline void
append_row(QState *s, double x, double w, int32 unit)
{
	uint64		k = x_key(x);
	QRow	   *r;

	if (s->nblk == 0 || s->bfill == qblock_size(s->nblk - 1))
		qblock_new(s);
	r = &s->blk[s->nblk - 1][s->bfill++];
	r->x = x;
	r->w = w;
	r->unit = unit;
	s->ne++;
	if (k < s->bkmin)
		s->bkmin = k;
	if (k > s->bkmax)
		s->bkmax = k;
	s->sorted = false;
}

/* the cell of a row */
static inline QEntry
row_cell(const QRow *r)
{
	QEntry		c = {r->x, r->w, 0.0, r->unit, r->w != 0.0};

	return c;
}

/* rows in block b */
static inline int64
qblock_rows(const QState *s, int b)
{
	return b < s->nblk - 1 ? qblock_size(b) : s->bfill;
}

/* free the blocks (those not yet freed) */
static void
qblocks_free(QState *s)
{
	for (int b = 0; b < s->nblk; b++)
		free_if(s->blk[b]);
	s->nblk = 0;
	s->bfill = 0;
	s->bkmin = PG_UINT64_MAX;
	s->bkmax = 0;
}

/* ---------- sorting: MSD radix sort, stable ---------- */

#define QSORT_LEAF	24

static void
insertion_sort(QEntry *a, double *m2, int64 n)
{
	for (int64 i = 1; i < n; i++)
	{
		QEntry		t = a[i];
		double		tm = m2 ? m2[i] : 0.0;
		uint64		k = x_key(t.x);
		int64		j = i;

		while (j > 0 && x_key(a[j - 1].x) > k)
		{
			a[j] = a[j - 1];
			if (m2)
				m2[j] = m2[j - 1];
			j--;
		}
		a[j] = t;
		if (m2)
			m2[j] = tm;
	}
}

/*
 * Scatter src into dst by the next bits of the key below the prefix all
 * keys share (stably).  Returns the number of buckets, 0 if all keys are
 * equal (then nothing was moved); cnt[b] is then the end of bucket b.
 */
static int
radix_scatter(const QEntry *src, const double *sm, QEntry *dst, double *dm, int64 n, int64 *cnt)
{
	uint64		kmin = PG_UINT64_MAX,
				kmax = 0,
				mask;
	int			prefix,
				bits,
				shift,
				nb;
	int64		off = 0;

	for (int64 i = 0; i < n; i++)
	{
		uint64		k = x_key(src[i].x);

		if (k < kmin)
			kmin = k;
		if (k > kmax)
			kmax = k;
	}
	if (kmin == kmax)
		return 0;
	prefix = 63 - pg_leftmost_one_pos64(kmin ^ kmax);
	bits = pg_leftmost_one_pos64((uint64) n) - 2;
	bits = Max(3, Min(11, bits));
	bits = Min(bits, 64 - prefix);
	shift = 64 - prefix - bits;
	mask = (UINT64CONST(1) << bits) - 1;
	nb = 1 << bits;
	memset(cnt, 0, sizeof(int64) * nb);
	for (int64 i = 0; i < n; i++)
		cnt[(x_key(src[i].x) >> shift) & mask]++;
	for (int b = 0; b < nb; b++)
	{
		int64		c = cnt[b];

		cnt[b] = off;
		off += c;
	}
	if (dm)
		for (int64 i = 0; i < n; i++)
		{
			int64		pos = cnt[(x_key(src[i].x) >> shift) & mask]++;

			dst[pos] = src[i];
			dm[pos] = sm[i];
		}
	else
		for (int64 i = 0; i < n; i++)
			dst[cnt[(x_key(src[i].x) >> shift) & mask]++] = src[i];
	return nb;
}

static void radix_into(QEntry *src, double *sm, QEntry *dst, double *dm, int64 n);

/* sort a (and am) in place, t (and tm) n entries of scratch */
static void
radix_inplace(QEntry *a, double *am, int64 n, QEntry *t, double *tm)
{
	int64		cnt[1 << 11];
	int64		start = 0;
	int			nb;

	if (n <= QSORT_LEAF)
	{
		insertion_sort(a, am, n);
		return;
	}
	if (n >= 65536)
		CHECK_FOR_INTERRUPTS();
	nb = radix_scatter(a, am, t, tm, n, cnt);
	for (int b = 0; b < nb; b++)
	{
		if (cnt[b] > start)
			radix_into(t + start, tm ? tm + start : NULL,
					   a + start, am ? am + start : NULL, cnt[b] - start);
		start = cnt[b];
	}
}

/* sort src (and sm) into dst (and dm); src is scratch afterwards */
static void
radix_into(QEntry *src, double *sm, QEntry *dst, double *dm, int64 n)
{
	int64		cnt[1 << 11];
	int64		start = 0;
	int			nb;

	if (n > QSORT_LEAF)
	{
		if (n >= 65536)
			CHECK_FOR_INTERRUPTS();
		nb = radix_scatter(src, sm, dst, dm, n, cnt);
		if (nb > 0)
		{
			for (int b = 0; b < nb; b++)
			{
				if (cnt[b] > start)
					radix_inplace(dst + start, dm ? dm + start : NULL, cnt[b] - start,
								  src + start, sm ? sm + start : NULL);
				start = cnt[b];
			}
			return;
		}
	}
	memcpy(dst, src, sizeof(QEntry) * n);
	if (dm)
		memcpy(dm, sm, sizeof(double) * n);
	insertion_sort(dst, dm, n);
}

/*
 * Sort all cells (those of e, and the rows of the blocks as cells) by x
 * into one new array (and m2 with it), freeing the sources as they are read.
 * The first pass scatters straight from the sources by the top 16 bits of
 * the key below the prefix all keys share; each bucket is then sorted in
 * cache (MSD radix, insertion sort for small ones).  Stable: equal keys keep
 * their order (contiguous part, then the blocks in order of appending).
 */
static void
sort_by_x(QState *s)
{
	int64		n = s->ne;
	uint64		kmin = s->bkmin,
				kmax = s->bkmax;
	QEntry	   *dst,
			   *t = NULL;
	double	   *mdst = NULL,
			   *tm = NULL;
	bool		with_m2 = has_m2(s);
	int64	   *cnt = NULL;
	int64		maxb = 0,
				pos = 0;
	int			prefix,
				bits = 0,
				shift = 0,
				nb = 0;
	uint64		mask = 0;

	if (s->nblk == 0 && n < 2)
		return;
	for (int64 i = 0; i < s->nc; i++)
	{
		uint64		k = x_key(s->e[i].x);

		if (k < kmin)
			kmin = k;
		if (k > kmax)
			kmax = k;
	}
	dst = big_alloc(s->cxt, sizeof(QEntry) * Max(n, 1));
	if (with_m2)
		mdst = big_alloc(s->cxt, sizeof(double) * Max(n, 1));

	if (kmin != kmax)
	{
		int64		off = 0;

		prefix = 63 - pg_leftmost_one_pos64(kmin ^ kmax);
		bits = pg_leftmost_one_pos64((uint64) n) - 2;
		bits = Max(3, Min(16, bits));
		bits = Min(bits, 64 - prefix);
		shift = 64 - prefix - bits;
		mask = (UINT64CONST(1) << bits) - 1;
		nb = 1 << bits;
		cnt = palloc0(sizeof(int64) * nb);
		for (int64 j = 0; j < s->nc; j++)
			cnt[(x_key(s->e[j].x) >> shift) & mask]++;
		for (int b = 0; b < s->nblk; b++)
		{
			const QRow *r = s->blk[b];
			int64		m = qblock_rows(s, b);

			for (int64 j = 0; j < m; j++)
				cnt[(x_key(r[j].x) >> shift) & mask]++;
			CHECK_FOR_INTERRUPTS();
		}
		for (int b = 0; b < nb; b++)
		{
			int64		c = cnt[b];

			maxb = Max(maxb, c);
			cnt[b] = off;
			off += c;
		}
	}
	/*
	 * Scatter (or, all keys equal, copy) the cells of e, then the rows of
	 * each block as cells (m2 0), freeing each source once read.
	 */
	if (s->nc > 0 && with_m2 && s->m2 == NULL)
		elog(ERROR, "survey quantile cells lack their m2");
	for (int64 j = 0; j < s->nc; j++)
	{
		int64		p = cnt ? cnt[(x_key(s->e[j].x) >> shift) & mask]++ : pos++;

		dst[p] = s->e[j];
		if (with_m2)
			mdst[p] = s->m2[j];
	}
	free_if(s->e);
	free_if(s->m2);
	s->e = NULL;
	s->m2 = NULL;
	for (int b = 0; b < s->nblk; b++)
	{
		const QRow *r = s->blk[b];
		int64		m = qblock_rows(s, b);

		for (int64 j = 0; j < m; j++)
		{
			int64		p = cnt ? cnt[(x_key(r[j].x) >> shift) & mask]++ : pos++;

			dst[p] = row_cell(&r[j]);
			if (with_m2)
				mdst[p] = 0.0;
		}
		free_if(s->blk[b]);
		s->blk[b] = NULL;
		CHECK_FOR_INTERRUPTS();
	}
	qblocks_free(s);
	s->e = dst;
	s->m2 = mdst;
	s->nc = n;

	/* sort each bucket (cnt[b] is now its end) */
	if (cnt != NULL)
	{
		int64		start = 0;

		if (maxb > QSORT_LEAF)
		{
			t = big_alloc(s->cxt, sizeof(QEntry) * maxb);
			if (with_m2)
				tm = big_alloc(s->cxt, sizeof(double) * maxb);
		}
		for (int b = 0; b < nb; b++)
		{
			if (cnt[b] - start > 1)
				radix_inplace(dst + start, mdst ? mdst + start : NULL, cnt[b] - start, t, tm);
			start = cnt[b];
			if ((b & 255) == 255)
				CHECK_FOR_INTERRUPTS();
		}
		free_if(t);
		free_if(tm);
		pfree(cnt);
	}
}

static int
cmp_unit(const void *a, const void *b)
{
	int32		u = ((const QEntry *) a)->unit;
	int32		v = ((const QEntry *) b)->unit;

	return u < v ? -1 : u > v;
}

/*
 * Taylor designs, e sorted by x: sort each run of equal x by unit and merge
 * equal (x, unit) in place.  Continuous outcomes have runs of one.
 */
static void
merge_runs_taylor(QState *s)
{
	QEntry	   *e = s->e;
	double	   *m2 = s->m2;
	int64		n = s->ne,
				k = 0,
				i = 0,
				runs = 0;

	while (i < n)
	{
		int64		j = i + 1;
		int64		out_start = k;
		double		x = e[i].x;

		while (j < n && e[j].x == x)
			j++;
		if (j - i > 1)
		{
			/* sort the run by unit; its x are equal, so m2 rides in x meanwhile */
			if (m2)
				for (int64 t = i; t < j; t++)
					e[t].x = m2[t];
			qsort(e + i, j - i, sizeof(QEntry), cmp_unit);
			if (m2)
				for (int64 t = i; t < j; t++)
				{
					m2[t] = e[t].x;
					e[t].x = x;
				}
		}
		for (int64 t = i; t < j; t++)
		{
			if (k > out_start && e[k - 1].unit == e[t].unit && entry_mergeable(&e[k - 1], &e[t]))
				entry_merge(&e[k - 1], m2 ? &m2[k - 1] : NULL, &e[t], m2 ? m2[t] : 0.0);
			else
			{
				if (k != t)
				{
					e[k] = e[t];
					if (m2)
						m2[k] = m2[t];
				}
				k++;
			}
		}
		i = j;
		if ((++runs & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	s->ne = s->nc = k;
}

/*
 * Replicate designs, e sorted by x: merge equal x and rebuild rw so that
 * entry i owns slot i.
 */
static void
merge_runs_replicate(QState *s)
{
	int			nrep = rep_count(s);
	QEntry	   *e = s->e;
	int64		n = s->ne,
				k = 0,
				distinct = 0;
	double	   *rw;

	for (int64 i = 0; i < n; i++)
		if (i == 0 || e[i].x != e[i - 1].x)
			distinct++;
	rw = big_alloc(s->cxt, sizeof(double) * nrep * Max(distinct, 1));
	for (int64 i = 0; i < n; i++)
	{
		const double *src = s->rw + (int64) e[i].unit * nrep;

		if (k > 0 && e[k - 1].x == e[i].x && entry_mergeable(&e[k - 1], &e[i]))
		{
			double	   *dst = rw + (k - 1) * nrep;

			entry_merge(&e[k - 1], NULL, &e[i], 0.0);
			for (int r = 0; r < nrep; r++)
				dst[r] += src[r];
		}
		else
		{
			if (k >= distinct)	/* an unmergeable duplicate (row count overflow) */
			{
				distinct = k + 1 + (n - i);
				rw = alloc_or_grow(s->cxt, rw, sizeof(double) * nrep * distinct);
			}
			e[k] = e[i];
			e[k].unit = (int32) k;
			memcpy(rw + k * nrep, src, sizeof(double) * nrep);
			k++;
		}
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(s->rw);
	s->rw = rw;
	s->rwcap = Max(distinct, 1);
	s->ne = s->nc = k;
}

/* ---------- sorted runs (parallel query) ---------- */

static inline double
run_x(const QRun *r, int64 i)
{
	return r->e ? r->e[i].x : r->x[i];
}

static inline QEntry
run_cell(const QRun *r, int64 i)
{
	QEntry		c;

	if (r->e)
		return r->e[i];
	c.x = r->x[i];
	c.w = r->w[i];
	c.w_lo = r->w_lo ? r->w_lo[i] : 0.0;
	c.unit = r->unit ? r->unit[i] : (int32) i;
	c.n = r->cnt ? r->cnt[i] : 1;
	return c;
}

static void
run_free(QRun *r)
{
	free_if(r->e);
	free_if(r->x);
	free_if(r->w);
	free_if(r->w_lo);
	free_if(r->unit);
	free_if(r->cnt);
	free_if(r->m2);
	free_if(r->rw);
}

/* all sorted runs of s (palloc'd), e first, and their number */
static QRun *
qstate_runs(const QState *s, int *nr)
{
	QRun	   *r;

	Assert(s->sorted && s->nblk == 0);
	*nr = s->nruns + 1;
	r = palloc0(sizeof(QRun) * *nr);
	r[0].e = s->e;
	r[0].m2 = s->m2;
	r[0].rw = s->rw;
	r[0].n = s->ne;
	if (s->nruns > 0)			/* runs is NULL then: memcpy from NULL is undefined */
		memcpy(r + 1, s->runs, sizeof(QRun) * s->nruns);
	return r;
}

/* cells of s, in e and in its runs */
static int64
qstate_cells(const QState *s)
{
	int64		n = s->ne;

	for (int q = 0; q < s->nruns; q++)
		n += s->runs[q].n;
	return n;
}

/*
 * The smallest x not yet read (pos[q] is run q's next cell), and the first
 * run that has it; -1 when all runs are read.  The runs are few (one per
 * parallel process), so a scan of their heads beats a heap.
 */
static inline int
runs_next_x(const QRun *r, const int64 *pos, int nr, double *x)
{
	int			best = -1;

	for (int q = 0; q < nr; q++)
		if (pos[q] < r[q].n && (best < 0 || run_x(&r[q], pos[q]) < *x))
		{
			best = q;
			*x = run_x(&r[q], pos[q]);
		}
	return best;
}

/*
 * Merge the runs into e, one array sorted by (x, unit) with equal keys
 * merged, before rows are added to, or the cells serialized from, a state
 * with runs (the final functions read the runs as they are).
 */
static void
qstate_flush_runs(QState *s)
{
	int			nrep = rep_count(s);
	bool		with_m2 = has_m2(s);
	int			nr;
	QRun	   *r;
	int64	   *pos;
	int64		cap,
				k = 0;
	int			best;
	double		x;
	QEntry	   *e;
	double	   *em2,
			   *rw;

	if (s->nruns == 0)
		return;
	r = qstate_runs(s, &nr);
	pos = palloc0(sizeof(int64) * nr);
	cap = Max(1024, qstate_cells(s));
	e = big_alloc(s->cxt, sizeof(QEntry) * cap);
	em2 = with_m2 ? big_alloc(s->cxt, sizeof(double) * cap) : NULL;
	rw = nrep ? big_alloc(s->cxt, sizeof(double) * nrep * cap) : NULL;

	while ((best = runs_next_x(r, pos, nr, &x)) >= 0)
	{
		for (int q = best; q < nr; q++)
			for (; pos[q] < r[q].n && run_x(&r[q], pos[q]) == x; pos[q]++)
			{
				e[k] = run_cell(&r[q], pos[q]);
				if (with_m2)
					em2[k] = r[q].m2[pos[q]];
				if (nrep)
				{
					memcpy(rw + k * nrep, r[q].rw + (int64) e[k].unit * nrep, sizeof(double) * nrep);
					e[k].unit = (int32) k;
				}
				k++;
			}
		if ((k & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (int q = 0; q < nr; q++)
		run_free(&r[q]);
	pfree(r);
	pfree(pos);
	pfree(s->runs);
	s->runs = NULL;
	s->nruns = s->runsalloc = 0;
	s->e = e;
	s->m2 = em2;
	s->rw = rw;
	s->ne = s->nc = k;
	s->rwcap = nrep ? cap : 0;
	if (nrep)
		merge_runs_replicate(s);
	else
		merge_runs_taylor(s);
}

/* take over from's sorted cells and runs as runs of into (sorted) */
static void
qstate_take_runs(QState *into, QState *from)
{
	int			nr;
	QRun	   *r = qstate_runs(from, &nr);

	Assert(into->sorted && into->nblk == 0);
	for (int q = 0; q < nr; q++)
	{
		if (r[q].n == 0)
		{
			run_free(&r[q]);
			continue;
		}
		if (into->nruns == into->runsalloc)
		{
			into->runsalloc = Max(4, into->runsalloc * 2);
			into->runs = into->runs
				? repalloc(into->runs, sizeof(QRun) * into->runsalloc)
				: MemoryContextAlloc(into->cxt, sizeof(QRun) * into->runsalloc);
		}
		into->runs[into->nruns++] = r[q];
	}
	pfree(r);
	free_if(from->runs);
	from->runs = NULL;
	from->nruns = from->runsalloc = 0;
	from->e = NULL;
	from->m2 = from->rw = NULL;
	from->ne = from->nc = from->rwcap = 0;
}

/* sort by (x, unit) and merge equal keys */
static void
qstate_normalize(QState *s)
{
	qstate_flush_runs(s);
	if (s->sorted)
		return;
	sort_by_x(s);
	if (rep_count(s) > 0)
		merge_runs_replicate(s);
	else
		merge_runs_taylor(s);
	s->sorted = true;
}

/* a compaction; stop compacting when it saves less than half */
static void
qstate_compact(QState *s)
{
	int64		before = s->ne;

	qstate_normalize(s);
	if (s->ne * 2 > before)
		s->compacting = false;
	s->threshold = Max(QCOMPACT_MIN, 2 * s->ne);
}

static inline void
maybe_compact(QState *s)
{
	if (s->ne >= s->threshold && s->compacting)
		qstate_compact(s);
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

static int
parse_interval(text *t)
{
	char	   *name = text_to_cstring(t);
	int			interval = svy_qinterval_parse(name);

	if (interval < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown quantile interval \"%s\"", name),
				 errhint("Valid intervals are %s.", svy_qinterval_names())));
	pfree(name);
	return interval;
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
			rule = parse_qrule(PG_GETARG_TEXT_PP(5));
	}
	if (s->args_set && rule != s->qrule)
		args_differ("quantile rule");

	if (PG_NARGS() > 6 && !PG_ARGISNULL(6))
	{
		if (svy_option_unchanged(&s->interval_seen, (struct varlena *) PG_GETARG_TEXT_PP(6),
								 s->cxt) && s->args_set)
			interval = s->interval;
		else
			interval = parse_interval(PG_GETARG_TEXT_PP(6));
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
		return;
	w = d->weight;
	if (y == 0.0)
		y = 0.0;				/* one cell for -0 and 0 */

	if (s->acc->kind == SVY_KIND_TAYLOR)
	{
		QUnitKey	key;

		if (w == 0.0)
			return;			/* nothing to weigh; the design saw the row */
		key.w[0] = d->stratum[0];
		key.w[1] = d->stratum[1];
		key.w[2] = (d->flags & SVY_HAS_PSU) ? d->psu[0] : 0;
		key.w[3] = (d->flags & SVY_HAS_PSU) ? d->psu[1] : 0;
		key.w[4] = (d->flags & SVY_HAS_PSU2) ? svy_design_stage2(d)->psu2[0] : 0;
		key.w[5] = (d->flags & SVY_HAS_PSU2) ? svy_design_stage2(d)->psu2[1] : 0;
		if ((d->flags & (SVY_HAS_PSU | SVY_HAS_PSU2)) == SVY_HAS_PSU)
			unit = unit_of_slot(s, &key);
		else
			unit = unit_index(s, &key);
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
	svy_accum_merge(into->acc, from->acc);

	/* from's cells get into's unit indexes (from is not used again) */
	if (from->nunits > 0)
	{
		int		   *map = palloc(sizeof(int) * from->nunits);
		int			nr;
		QRun	   *r = qstate_runs(from, &nr);

		for (int u = 0; u < from->nunits; u++)
			map[u] = unit_index(into, &from->unit_keys[u]);
		for (int q = 0; q < nr; q++)
			for (int64 j = 0; j < r[q].n; j++)
			{
				if (r[q].e)
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

/*
 * ---------- binary format (versioned) ----------
 * The header and units in network byte order; the cells (sorted and
 * merged first, so parallel workers sort their share) column by column in
 * the server's own byte order: the state travels between the processes
 * of one server (partial aggregation) or the servers of one Citus cluster,
 * and svy_aggstate's header rejects a state of another byte order.  Columns: x as the varint gaps between the sorted keys of
 * x (its byte length first), w, w_lo (unless all zero), unit (Taylor
 * designs, 16 bits when there are at most 65536; replicate slot i is entry
 * i), n (unless all one), m2 (designs without PSUs), the replicate sums; a
 * flags byte says which are left out.  Every byte shipped is copied
 * several times on its way to the leader, so a continuous outcome with
 * PSUs ships about 15 bytes a cell (x in about 5, w, unit), not 32.
 */

/* bytes per cell on the wire, but for x */
static Size
wire_cell_size(const QState *s, int flags)
{
	return sizeof(double) +
		((flags & QWIRE_NO_WLO) ? 0 : sizeof(double)) +
		(rep_count(s) ? 0 : (flags & QWIRE_UNIT16) ? sizeof(uint16) : sizeof(int32)) +
		((flags & QWIRE_N_ONE) ? 0 : sizeof(int32)) +
		(has_m2(s) ? sizeof(double) : 0) +
		sizeof(double) * rep_count(s);
}

static void
quantile_serialize(void *state, StringInfo buf)
{
	QState	   *s = state;
	StringInfoData acc;
	Size		need;
	int			nrep = rep_count(s);
	Size		cells,
				xbytes = 0;
	int			flags = QWIRE_NO_WLO | QWIRE_N_ONE;
	uint64		key = 0;

	qstate_normalize(s);
	if (s->nunits <= PG_UINT16_MAX + 1)
		flags |= QWIRE_UNIT16;
	for (int64 i = 0; i < s->ne; i++)
	{
		uint64		lo,
					k = x_key(s->e[i].x);

		memcpy(&lo, &s->e[i].w_lo, sizeof(lo));
		if (lo != 0)
			flags &= ~QWIRE_NO_WLO;
		if (s->e[i].n != 1)
			flags &= ~QWIRE_N_ONE;
		xbytes += varint_len(k - key);
		key = k;
	}
	cells = xbytes + s->ne * wire_cell_size(s, flags);

	initStringInfo(&acc);
	svy_accum_serialize(s->acc, &acc);
	if ((Size) acc.len + cells + sizeof(QUnitKey) * s->nunits + 1024 + sizeof(double) * s->np >= MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("survey quantile state too large to pass between parallel workers (%zu bytes of cells)",
						cells),
				 errhint("Round the outcome to fewer distinct values, or SET max_parallel_workers_per_gather = 0.")));

	/* the buffer big enough from the start, in huge pages */
	need = buf->len + acc.len + cells + sizeof(QUnitKey) * s->nunits + 64 + sizeof(double) * s->np;
	if (need > (Size) buf->maxlen)
	{
		char	   *data = big_alloc(CurrentMemoryContext, need);

		memcpy(data, buf->data, buf->len);
		pfree(buf->data);
		buf->data = data;
		buf->maxlen = need;
	}
	pq_sendbyte(buf, SVY_QSTATE_VERSION);
	pq_sendbyte(buf, s->args_set);
	pq_sendint32(buf, s->np);
	for (int i = 0; i < s->np; i++)
		pq_sendfloat8(buf, s->p[i]);
	pq_sendfloat8(buf, s->level);
	pq_sendbyte(buf, s->qrule);
	pq_sendbyte(buf, s->interval);

	pq_sendint32(buf, acc.len);
	pq_sendbytes(buf, acc.data, acc.len);
	pfree(acc.data);

	pq_sendint32(buf, s->nunits);
	for (int u = 0; u < s->nunits; u++)
		for (int i = 0; i < QUNIT_WORDS; i++)
			pq_sendint64(buf, s->unit_keys[u].w[i]);

	pq_sendbyte(buf, s->compacting);
	pq_sendbyte(buf, has_m2(s));
	pq_sendint64(buf, s->ne);
	if (s->ne > 0)
	{
		int64		ne = s->ne;
		Size		usize = (flags & QWIRE_UNIT16) ? sizeof(uint16) : sizeof(int32);
		char	   *px,
				   *pw,
				   *plo = NULL,
				   *pu = NULL,
				   *pn = NULL;

		pq_sendbyte(buf, flags);
		pq_sendint32(buf, (int32) xbytes);
		enlargeStringInfo(buf, (int) cells);
		/* the columns, filled in one pass over the cells */
		px = buf->data + buf->len;
		pw = px + xbytes;
		pu = pw + sizeof(double) * ne;
		if (!(flags & QWIRE_NO_WLO))
		{
			plo = pu;
			pu += sizeof(double) * ne;
		}
		pn = pu;
		if (!nrep)
			pn += usize * ne;
		else
			pu = NULL;
		buf->len = (pn - buf->data) + ((flags & QWIRE_N_ONE) ? 0 : sizeof(int32) * ne);
		if (flags & QWIRE_N_ONE)
			pn = NULL;
		key = 0;
		for (int64 i = 0; i < ne; i++)
		{
			const QEntry *c = &s->e[i];
			uint64		k = x_key(c->x);

			px = varint_put(px, k - key);
			key = k;
			memcpy(pw + i * sizeof(double), &c->w, sizeof(double));
			if (plo)
				memcpy(plo + i * sizeof(double), &c->w_lo, sizeof(double));
			if (pu && usize == sizeof(uint16))
			{
				uint16		u = (uint16) c->unit;

				memcpy(pu + i * usize, &u, usize);
			}
			else if (pu)
				memcpy(pu + i * usize, &c->unit, usize);
			if (pn)
				memcpy(pn + i * sizeof(int32), &c->n, sizeof(int32));
		}
		buf->data[buf->len] = '\0';
		if (has_m2(s))
			pq_sendbytes(buf, (const char *) s->m2, sizeof(double) * ne);
		if (nrep)
			pq_sendbytes(buf, (const char *) s->rw, sizeof(double) * nrep * ne);
	}
}

/* n elements of size sz from buf into new memory of cxt */
static void *
get_array(StringInfo buf, Size sz, int64 n, MemoryContext cxt)
{
	void	   *p;

	if (n < 0 || (Size) n > (Size) (buf->len - buf->cursor) / sz)
		svy_wire_corrupt("bad number of cells");
	p = big_alloc(cxt, sz * n);
	memcpy(p, svy_wire_bytes(buf, sz * n), sz * n);
	return p;
}

static void *
quantile_deserialize(StringInfo buf, MemoryContext aggcxt)
{
	StringInfoData acc;
	QState	   *s;
	int			version,
				acclen,
				nunits,
				nrep;
	bool		with_m2;
	int			flags = 0;
	int64		ne;
	int			xbytes = 0;
	uint64		key = 0;
	QRun		run = {0};
	const char *px = NULL,
			   *pxend = NULL;

	s = qstate_create(aggcxt);
	version = svy_wire_byte(buf);
	if (version != SVY_QSTATE_VERSION)
		svy_wire_corrupt("unsupported version");
	s->args_set = svy_wire_byte(buf) != 0;
	s->np = svy_wire_count(buf, sizeof(double), "bad number of probabilities");
	s->p = MemoryContextAlloc(aggcxt, sizeof(double) * Max(s->np, 1));
	for (int i = 0; i < s->np; i++)
		if (!((s->p[i] = svy_wire_float8(buf)) >= 0 && s->p[i] <= 1))
			svy_wire_corrupt("bad probability");
	s->level = svy_wire_float8(buf);
	s->qrule = svy_wire_byte(buf);
	s->interval = svy_wire_byte(buf);
	if (!(s->level > 0 && s->level < 1) || s->qrule < SVY_QRULE_MATH ||
		s->qrule > SVY_QRULE_SHAHVAISH || s->interval < SVY_QCI_MEAN || s->interval > SVY_QCI_QUANTILE)
		svy_wire_corrupt("bad level, rule or interval");

	acclen = svy_wire_count(buf, 1, "bad design state length");
	svy_wire_init(&acc, svy_wire_bytes(buf, acclen), acclen);
	s->acc = svy_accum_deserialize(&acc, aggcxt);
	svy_wire_end(&acc);
	nrep = rep_count(s);

	nunits = svy_wire_count(buf, sizeof(QUnitKey), "bad number of units");
	for (int u = 0; u < nunits; u++)
	{
		QUnitKey	key;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < QUNIT_WORDS; i++)
			key.w[i] = svy_wire_int64(buf);
		if (unit_index(s, &key) != u)
			svy_wire_corrupt("duplicate unit");
	}

	s->compacting = svy_wire_byte(buf) != 0;
	with_m2 = svy_wire_byte(buf) != 0;
	if (with_m2 != has_m2(s))
		svy_wire_corrupt("cell layout does not match the design");
	ne = svy_wire_int64(buf);
	if (ne < 0 || ne > PG_INT32_MAX || (s->acc->kind != SVY_KIND_REPLICATE && ne > 0 && nunits == 0) ||
		(s->acc->kind == 0 && ne > 0))
		svy_wire_corrupt("bad number of cells");
	if (ne > 0)
	{
		flags = svy_wire_byte(buf);
		if (flags & ~(QWIRE_NO_WLO | QWIRE_N_ONE | QWIRE_UNIT16) ||
			((flags & QWIRE_UNIT16) && nunits > PG_UINT16_MAX + 1))
			svy_wire_corrupt("bad cell columns");
		xbytes = svy_wire_int32(buf);
		if (xbytes < ne || xbytes > buf->len - buf->cursor)
			svy_wire_corrupt("bad number of cells");
		px = svy_wire_bytes(buf, xbytes);
		pxend = px + xbytes;
		if ((Size) ne > (Size) (buf->len - buf->cursor) / wire_cell_size(s, flags))
			svy_wire_corrupt("bad number of cells");

		/*
		 * The cells stay in columns, as one sorted run (gaps are never
		 * negative): x decoded below, the other columns copied as they are
		 * (units widened to 32 bits, so that a combine can renumber them).
		 */
		run.x = big_alloc(aggcxt, sizeof(double) * ne);
		run.w = get_array(buf, sizeof(double), ne, aggcxt);
		if (!(flags & QWIRE_NO_WLO))
			run.w_lo = get_array(buf, sizeof(double), ne, aggcxt);
		if (!nrep && (flags & QWIRE_UNIT16))
		{
			const char *pu = svy_wire_bytes(buf, sizeof(uint16) * ne);

			run.unit = big_alloc(aggcxt, sizeof(int32) * ne);
			for (int64 i = 0; i < ne; i++)
			{
				uint16		u;

				memcpy(&u, pu + i * sizeof(uint16), sizeof(uint16));
				run.unit[i] = u;
			}
		}
		else if (!nrep)
			run.unit = get_array(buf, sizeof(int32), ne, aggcxt);
		if (!(flags & QWIRE_N_ONE))
			run.cnt = get_array(buf, sizeof(int32), ne, aggcxt);
		if (with_m2)
			run.m2 = get_array(buf, sizeof(double), ne, aggcxt);
		if (nrep)
			run.rw = get_array(buf, sizeof(double) * nrep, ne, aggcxt);
	}
	svy_wire_end(buf);
	run.n = ne;
	for (int64 i = 0; i < ne; i++)
	{
		uint64		gap;
		double		x;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!varint_get(&px, pxend, &gap) || key + gap < key)
			svy_wire_corrupt("bad value");
		key += gap;
		x = key_x(key);
		if (!isfinite(x) || (run.unit && (run.unit[i] < 0 || run.unit[i] >= nunits)) ||
			(run.cnt && run.cnt[i] < 0) || !(run.w[i] >= 0) || !isfinite(run.w[i]) ||
			(run.w_lo && !isfinite(run.w_lo[i])) ||
			(run.m2 && !(run.m2[i] >= 0 && isfinite(run.m2[i]))))
			svy_wire_corrupt("bad cell");
		run.x[i] = x == 0.0 ? 0.0 : x;
	}
	if (px != pxend)
		svy_wire_corrupt("trailing value bytes");
	s->sorted = true;
	if (ne > 0)
	{
		s->runs = MemoryContextAlloc(aggcxt, sizeof(QRun));
		s->runs[0] = run;
		s->nruns = s->runsalloc = 1;
	}
	s->threshold = Max(QCOMPACT_MIN, 2 * ne);
	return s;
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
	int			nrep;
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
					/*
					 * a replicate: its weights, the cell's rows all counted
					 * (only whole cells of replicate weight 0 are left out)
					 */
					w = svy_ld(w + (vs->rep < 0 ? entry_w(&c)
									: (long double) r[q].rw[(int64) c.unit * vs->nrep + vs->rep]));
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

/* the distribution of s (of replicate rep; -1: full sample), read once (svy_qdist_init) */
static void
qvalues_open(QValueStream *vs, QState *s, SvyQDist *dist, int rep)
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
	vs->nrep = rep_count(s);
	svy_qdist_init(dist, &vs->base, vs->marks, vs->maxmarks);
}

static void
qvalues_close(QValueStream *vs)
{
	pfree(vs->runs);
	pfree(vs->pos);
	pfree(vs->markpos);
	pfree(vs->marks);
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
	QRun	   *runs = qstate_runs(s, &nr);

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
	double		v;

	for (int r = 0; r < nrep; r++)
	{
		QValueStream vs;
		SvyQDist	dist;
		double		qr;

		CHECK_FOR_INTERRUPTS();
		qvalues_open(&vs, s, &dist, r);
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
				t;
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
				int			status = svy_qscore_ci(dist, s->qrule, p, t, s->acc->dom.nrow,
												   score_share_se, &si,
												   &out->ci_lower, &out->ci_upper);

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
							  s->acc->dom.nrow, &lo, &hi);
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

		qvalues_open(&vs, s, &dist, -1);
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
	qvalues_open(&vs, s, &dist, -1);
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
