/*
 * quantile_state.h — the state of svy_quantile and svy_quantiles, shared
 * by the files that implement them:
 *   quantile.c        arguments, units, transition, combine, final functions;
 *   quantile_store.c  the cells: appending, sorting, merging, sorted runs;
 *   quantile_io.c     the wire format (serialize, deserialize).
 * quantile.c's header comment explains the design.
 */
#ifndef SURVEY_QUANTILE_STATE_H
#define SURVEY_QUANTILE_STATE_H

#include "postgres.h"

#include "accum.h"
#include "calib.h"
#include "ldouble.h"
#include "radix.h"

/* compact the cells when this many are held (and then at twice the compacted size) */
#define QCOMPACT_MIN	65536

/*
 * ---------- cells: one entry per row, merged by (value, unit) ----------
 * The layout (SvyCell) is that of the radix sort (stats/radix.h).
 */
typedef SvyCell QEntry;

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
 * psu2: two-stage designs with an fpc) or stratum identity -> index;
 * calibrated designs: calib_quantile.c ----------
 */

#define QUNIT_WORDS 8

typedef struct QUnitKey
{
	uint64		w[QUNIT_WORDS];
} QUnitKey;

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

	/* units (designs with PSUs: PSUs; without: strata; calibrated: calib_quantile.c) */
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
	 * replicate-weight sums at rw[unit * rw_width] (calibrated ones: then
	 * the calibration unit, part of the merge key; the slots are a permutation
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

	/* calibrated with numeric auxiliaries, no PSUs: rows as PSUs (calib_quantile.c) */
	SvyRowPsu	rowpsu;

	/*
	 * The score interval only (R's x, every row of the design object): the
	 * values of the rows that have no cell, of weight 0 or (calibrated
	 * designs) outside the domain; sorted by the final function.
	 */
	double	   *score_x;
	int64		nscore_x;
	int64		score_x_cap;
} QState;

/* quantile.c */
extern QState *qstate_create(MemoryContext cxt);
extern void qstate_score_row(QState *s, double y);
extern int	qstate_unit_index(QState *s, const QUnitKey *key);

/* quantile_store.c */
extern void qblock_new(QState *s);
extern void qstate_reserve_rw(QState *s, int64 need);
extern QRun *qstate_runs(const QState *s, int *nr);
extern int64 qstate_cells(const QState *s);
extern void qstate_flush_runs(QState *s);
extern void qstate_take_runs(QState *into, QState *from);
extern void qstate_normalize(QState *s);
extern void qstate_compact(QState *s);

/* quantile_io.c */
extern void quantile_serialize(void *state, StringInfo buf);
extern void *quantile_deserialize(StringInfo buf, MemoryContext aggcxt);

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
 * Doubles per replicate slot: the nrep replicate sums and, on calibrated
 * replicate designs, the cell's unit (calib_quantile.c) as a double, since
 * the cell's own unit field holds the slot.
 */
static inline int
rw_width(const QState *s)
{
	return rep_count(s) + (rep_count(s) > 0 && s->acc->calib != NULL);
}

/* the unit of a cell of run r of a calibrated state (replicate designs: from its slot) */
static inline int32
cell_unit(const QState *s, const QRun *r, const QEntry *c)
{
	int			nrep = rep_count(s);

	return nrep == 0 ? c->unit : (int32) r->rw[(int64) c->unit * (nrep + 1) + nrep];
}

static inline long double
entry_w(const QEntry *c)
{
	return svy_ld((long double) c->w + (long double) c->w_lo);
}

/* ---------- appending: blocks that never move ---------- */

/* block b holds 1024 << b rows, at most 512k (12 MB) */
#define QBLOCK_MIN		1024
#define QBLOCK_MAX_SHIFT 9

static inline int64
qblock_size(int b)
{
	return (int64) QBLOCK_MIN << Min(b, QBLOCK_MAX_SHIFT);
}

static inline void
append_row(QState *s, double x, double w, int32 unit)
{
	uint64		k = svy_x_key(x);
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

static inline void
maybe_compact(QState *s)
{
	if (s->ne >= s->threshold && s->compacting)
		qstate_compact(s);
}

#endif
