/*
 * quantile_store.c — the cells of the quantile state (quantile_state.h):
 * rows appended to blocks that never move; sorted by value
 * (a first radix pass straight from the blocks, then stats/radix.c per
 * bucket); equal (value, unit) keys merged; the sorted runs of combined
 * and deserialized states, merged back into one array when rows follow.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "port/pg_bitutils.h"

#include "quantile_state.h"

/*
 * Large arrays are plain MemoryContextAllocHuge allocations.  No
 * transparent huge pages (madvise): on virtual machines that hand freed
 * memory back to the host (free page reporting, in 2 MB blocks), a fresh
 * huge page costs the host a fault: first touching 240 MB took 0.65 to
 * 1.45 s in huge pages and 0.10 s in 4 kB pages on the bench machine
 * (bench/README.md, "Quantiles and memory").
 */
static void *
alloc_or_grow(MemoryContext cxt, void *p, Size size)
{
	return p ? repalloc_huge(p, size) : MemoryContextAllocHuge(cxt, size);
}

static void
free_if(void *p)
{
	if (p)
		pfree(p);
}

/* room for need replicate slots */
void
qstate_reserve_rw(QState *s, int64 need)
{
	int			width = rw_width(s);

	if (width > 0 && need > s->rwcap)
	{
		int64		cap = Max(64, s->rwcap * 2);

		while (cap < need)
			cap *= 2;
		s->rw = alloc_or_grow(s->cxt, s->rw, sizeof(double) * width * cap);
		s->rwcap = cap;
	}
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

			*a_m2 += b_m2 + svy_moments_between(na, nb, delta, delta);
		}
	}
	a->n += b->n;
	entry_add_w(a, entry_w(b));
}

/* ---------- appending: blocks that never move ---------- */

void
qblock_new(QState *s)
{
	if (s->nblk == s->blkalloc)
	{
		int			n = Max(16, s->blkalloc * 2);

		s->blk = s->blk ? repalloc(s->blk, sizeof(QRow *) * n)
			: MemoryContextAlloc(s->cxt, sizeof(QRow *) * n);
		s->blkalloc = n;
	}
	s->blk[s->nblk] = MemoryContextAllocHuge(s->cxt, sizeof(QRow) * qblock_size(s->nblk));
	s->nblk++;
	s->bfill = 0;
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

/* ---------- sorting ---------- */


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
		uint64		k = svy_x_key(s->e[i].x);

		if (k < kmin)
			kmin = k;
		if (k > kmax)
			kmax = k;
	}
	dst = MemoryContextAllocHuge(s->cxt, sizeof(QEntry) * Max(n, 1));
	if (with_m2)
		mdst = MemoryContextAllocHuge(s->cxt, sizeof(double) * Max(n, 1));

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
			cnt[(svy_x_key(s->e[j].x) >> shift) & mask]++;
		for (int b = 0; b < s->nblk; b++)
		{
			const QRow *r = s->blk[b];
			int64		m = qblock_rows(s, b);

			for (int64 j = 0; j < m; j++)
				cnt[(svy_x_key(r[j].x) >> shift) & mask]++;
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
		int64		p = cnt ? cnt[(svy_x_key(s->e[j].x) >> shift) & mask]++ : pos++;

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
			int64		p = cnt ? cnt[(svy_x_key(r[j].x) >> shift) & mask]++ : pos++;

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

		if (maxb > SVY_RADIX_LEAF)
		{
			t = MemoryContextAllocHuge(s->cxt, sizeof(QEntry) * maxb);
			if (with_m2)
				tm = MemoryContextAllocHuge(s->cxt, sizeof(double) * maxb);
		}
		for (int b = 0; b < nb; b++)
		{
			if (cnt[b] - start > 1)
				svy_radix_sort(dst + start, mdst ? mdst + start : NULL, cnt[b] - start, t, tm);
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

/* calibrated replicate designs: a slot's calibration unit, the last of its rw_width doubles */
typedef struct SlotUnits
{
	const double *rw;
	int			nrep;
} SlotUnits;

static inline double
slot_unit(const SlotUnits *su, const QEntry *c)
{
	return su->rw[(int64) c->unit * (su->nrep + 1) + su->nrep];
}

static int
cmp_slot_unit(const void *a, const void *b, void *arg)
{
	double		u = slot_unit(arg, a);
	double		v = slot_unit(arg, b);

	return u < v ? -1 : u > v;
}

/*
 * Replicate designs, e sorted by x: merge equal x (calibrated ones: equal
 * (x, calibration unit), each run of equal x sorted by unit first) and
 * rebuild rw so that entry i owns slot i.
 */
static void
merge_runs_replicate(QState *s)
{
	int			nrep = rep_count(s),
				width = rw_width(s);
	bool		by_unit = width > nrep;
	QEntry	   *e = s->e;
	SlotUnits	su = {s->rw, nrep};
	int64		n = s->ne,
				k = 0,
				distinct = 0,
				runs = 0;
	double	   *rw;

	if (by_unit)
		for (int64 i = 0, j; i < n; i = j)
		{
			for (j = i + 1; j < n && e[j].x == e[i].x; j++)
				;
			if (j - i > 1)
				qsort_arg(e + i, j - i, sizeof(QEntry), cmp_slot_unit, &su);
			if ((++runs & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	for (int64 i = 0; i < n; i++)
		if (i == 0 || e[i].x != e[i - 1].x ||
			(by_unit && slot_unit(&su, &e[i]) != slot_unit(&su, &e[i - 1])))
			distinct++;
	rw = MemoryContextAllocHuge(s->cxt, sizeof(double) * width * Max(distinct, 1));
	for (int64 i = 0; i < n; i++)
	{
		const double *src = s->rw + (int64) e[i].unit * width;

		if (k > 0 && e[k - 1].x == e[i].x && entry_mergeable(&e[k - 1], &e[i]) &&
			(!by_unit || rw[(k - 1) * width + nrep] == src[nrep]))
		{
			double	   *dst = rw + (k - 1) * width;

			entry_merge(&e[k - 1], NULL, &e[i], 0.0);
			for (int r = 0; r < nrep; r++)
				dst[r] += src[r];
		}
		else
		{
			if (k >= distinct)	/* an unmergeable duplicate (row count overflow) */
			{
				distinct = k + 1 + (n - i);
				rw = alloc_or_grow(s->cxt, rw, sizeof(double) * width * distinct);
			}
			e[k] = e[i];
			e[k].unit = (int32) k;
			memcpy(rw + k * width, src, sizeof(double) * width);
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
QRun *
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
int64
qstate_cells(const QState *s)
{
	int64		n = s->ne;

	for (int q = 0; q < s->nruns; q++)
		n += s->runs[q].n;
	return n;
}

/*
 * Merge the runs into e, one array sorted by (x, unit) with equal keys
 * merged, before rows are added to, or the cells serialized from, a state
 * with runs (the final functions read the runs as they are).
 */
void
qstate_flush_runs(QState *s)
{
	int			width = rw_width(s);
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
	e = MemoryContextAllocHuge(s->cxt, sizeof(QEntry) * cap);
	em2 = with_m2 ? MemoryContextAllocHuge(s->cxt, sizeof(double) * cap) : NULL;
	rw = width ? MemoryContextAllocHuge(s->cxt, sizeof(double) * width * cap) : NULL;

	while ((best = runs_next_x(r, pos, nr, &x)) >= 0)
	{
		for (int q = best; q < nr; q++)
			for (; pos[q] < r[q].n && run_x(&r[q], pos[q]) == x; pos[q]++)
			{
				e[k] = run_cell(&r[q], pos[q]);
				if (with_m2)
					em2[k] = r[q].m2[pos[q]];
				if (width)
				{
					memcpy(rw + k * width, r[q].rw + (int64) e[k].unit * width, sizeof(double) * width);
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
	s->rwcap = width ? cap : 0;
	if (width)
		merge_runs_replicate(s);
	else
		merge_runs_taylor(s);
}

/* take over from's sorted cells and runs as runs of into (sorted) */
void
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
void
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
void
qstate_compact(QState *s)
{
	int64		before = s->ne;

	qstate_normalize(s);
	if (s->ne * 2 > before)
		s->compacting = false;
	s->threshold = Max(QCOMPACT_MIN, 2 * s->ne);
}

