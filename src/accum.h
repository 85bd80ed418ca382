/*
 * accum.h — the aggregate state of the linear estimators (mean, total,
 * proportion, ratio) and of svy_state.
 *
 * State design (why it looks like this):
 *   - The transition state is a C struct with hash tables, updated in place,
 *     held by an svy_aggstate expanded object (aggstate.h): a varlena state
 *     would be copied or re-expanded on every row once PSU tables grow; the
 *     expanded object keeps a row's cost to one hash probe, as `internal`
 *     did, while Citus can ship it between nodes.
 *   - It grows with PSUs and strata, never with rows: a design with PSUs keeps
 *     per-PSU sums (a_j, b_j); a design without PSUs keeps per-stratum
 *     co-moments of the row totals, which is all the closed-form variance
 *     needs.  Replicate designs keep 2 sums per replicate and a rank basis.
 *   - svy_accum_serialize's byte format (network byte order, versioned) is
 *     the payload of the flattened svy_aggstate (partial aggregation,
 *     Citus) and the svy_state type's binary and storage format, so a state
 *     moves between partial aggregation, tables and servers unchanged.
 */
#ifndef SVY_ACCUM_H
#define SVY_ACCUM_H

#include "postgres.h"

#include <float.h>
#include <math.h>
#include "fmgr.h"
#include "access/htup.h"
#include "access/tupdesc.h"
#include "lib/stringinfo.h"

#include "design.h"
#include "estimator.h"
#include "names.h"
#include "rank.h"

typedef struct SvyPsuKey
{
	uint64		w[4];			/* stratum identity, PSU identity */
} SvyPsuKey;

typedef struct SvyPsuEntry
{
	SvyPsuKey	key;
	char		status;			/* simplehash bookkeeping */
	bool		in_df;			/* holds a domain row with non-zero weight */
	bool		in_dom;			/* two-stage designs: holds a domain row */
	int32		stratum;		/* index into SvyAccum.strata */
	int32		slot;			/* two-stage designs: 0.. in order of arrival */
	double		a;				/* sum of w (y - K x) over domain rows */
	double		b;				/* sum of w x over domain rows */
	double		fpc2;			/* two-stage designs: the PSU's fpc2 (0 = none) */
} SvyPsuEntry;

/*
 * Two-stage designs with an fpc keep the same sums per second-stage unit
 * too (the first stage's PSU sums are their totals).
 */
typedef struct SvySsuKey
{
	uint64		w[6];			/* stratum, PSU, second-stage unit identities */
} SvySsuKey;

typedef struct SvySsuEntry
{
	SvySsuKey	key;
	char		status;			/* simplehash bookkeeping */
	double		a;
	double		b;
} SvySsuEntry;

typedef struct SvyStratumInfo
{
	uint64		id[2];
	double		fpc;			/* 0 = none */
	SvyCoMoments rows;			/* designs without PSUs: row totals */
	double		n_df;			/* designs without PSUs: domain rows, w != 0 */
	int			label_len;
	char		label[SVY_LABEL_MAX + 1];
} SvyStratumInfo;

struct psutab_hash;
struct ssutab_hash;
struct SvyIdMap;
struct SvyPsuCacheSlot;

typedef struct SvyAccum
{
	MemoryContext cxt;			/* where the state lives */
	int			kind;			/* 0 until the first row */
	int			flags;			/* SVY_SHAPE_FLAGS of the first row */
	int			rep_type;
	int			nrep;
	double		scale;
	double		rho;
	double	   *rscales;		/* nrep, or NULL */

	int			outcome;		/* SVY_OUTCOME_*: what the rows measured */

	/* options of the statistic, as the call gave them */
	double		level;
	int			method;
	struct varlena *method_seen;	/* copy of the method argument last parsed */

	SvyDomainSums dom;
	bool		shift_set;

	/* Taylor designs */
	SvyStratumInfo *strata;
	int			nstrata;
	int			strata_cap;
	int			last_stratum;	/* cache: consecutive rows share strata */
	struct SvyIdMap *stratab;	/* stratum identity -> index */
	struct psutab_hash *psutab;
	struct ssutab_hash *ssutab;	/* two-stage designs with an fpc, else NULL */
	int			npsu;			/* PSUs in psutab */
	/*
	 * The slot of the last row's PSU (-1: none): a dense PSU index, unique
	 * in this state for its lifetime (merged and deserialized PSUs get new
	 * slots), so that the domain aggregates find their PSU without a second
	 * hash probe.
	 */
	int			last_psu;
	/* set-associative cache in front of psutab (accum.c psu_cached) */
	struct SvyPsuCacheSlot *psucache;
	uint32		psucache_mask;	/* slots - 1 */
	uint32		psu_gen;		/* bumped by every new PSU: cached pointers go stale */

	/* replicate designs */
	SvySum	   *rep_y;			/* double-double: the same in any order of rows */
	SvySum	   *rep_x;
	SvyRank		rank;
	Size		rank_bytes;		/* memory of its basis */
	double	   *scratch;		/* nrep doubles */

	/* calibrated designs (calib.h, calib_accum.c); NULL otherwise */
	struct SvyCalibAccum *calib;
	bool		calib_summary;	/* set before the first row: its sums for svy_weights_summary too */
	/* calibrated replicate designs: the replicates' sums (calib_rep.c) */
	struct SvyCalibRep *calib_rep;
} SvyAccum;

#define SVY_LEVEL_DEFAULT 0.95

#define SVY_OUTCOME_NUMERIC	1
#define SVY_OUTCOME_BOOLEAN	2
#define SVY_OUTCOME_RATIO	3

extern SvyAccum *svy_accum_create(MemoryContext cxt);
/* Fix the design's shape from its first row, or check a row agrees with it. */
extern void svy_accum_prepare(SvyAccum *s, const SvyDesign *d);
/* Add a row; returns its stratum's index (-1 for replicate designs). */
extern int	svy_accum_row(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null);
/*
 * The same reading d as its base design: for a design the caller knows is
 * not calibrated (svy_linear_row: one check a row), or a calibrated value
 * whose calibration the caller handles (read in place, no copy of the base)
 */
extern int	svy_accum_row_base(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null);
/*
 * svy_accum_row_base of a calibrated row: of a linearization design its row
 * counts, stratum and PSU (checks included), without moments or (a, b) sums;
 * of a replicate design all of it (its calibrated final reads them)
 */
extern int	svy_accum_row_structure(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null);
extern void svy_accum_merge(SvyAccum *into, const SvyAccum *from);
extern void svy_accum_serialize(const SvyAccum *s, StringInfo buf);
/* Reads one state at buf's cursor (more data may follow). */
extern SvyAccum *svy_accum_deserialize(StringInfo buf, MemoryContext cxt);

/* Finish a statistic; n_out etc. in *res, NaN where undefined. */
extern void svy_accum_result(const SvyAccum *s, const SvyEstimateSpec *spec, SvyResult *res);

extern double svy_check_level(double level);
/* A float8 result column: NaN ("not defined") is NULL. */
static inline Datum
svy_float8_or_null(double v, bool *isnull)
{
	*isnull = isnan(v);
	return Float8GetDatum(v);
}

/* An svy_estimate row (NaN -> NULL; survey.min_cell_n suppresses); estimate.c */
extern HeapTuple svy_estimate_tuple(TupleDesc tupdesc, const SvyResult *r);
/*
 * The value of the option name t by parse (a stats/ parser, -1 when
 * unknown), or the error "unknown <what> "<t>"" with the hint "Valid
 * <plural> are <valid>."
 */
extern int	svy_parse_option(text *t, int (*parse) (const char *name), const char *what,
							 const char *plural, const char *valid);
/* The same with the names of table (names.h; values >= 0) */
extern int	svy_parse_option_in(text *t, const SvyName *table, size_t n, const char *what,
								const char *plural, const char *valid);
/* A CI method name (aliases included); an error lists the valid ones. */
extern int	svy_parse_method(text *name);
/*
 * Is the option argument v (text, array: any varlena) byte for byte the one
 * *seen holds?  If not, *seen becomes a copy of it in cxt.  Options must be
 * the same on every row; a per-row expression may hand over a different
 * value at the same address, so only the bytes tell.
 */
extern bool svy_option_unchanged(struct varlena **seen, struct varlena *v, MemoryContext cxt);
/*
 * An error unless every one of the n sums is finite.  Sums beyond the range
 * of double precision (weights times outcomes near 1e308, or a spread of
 * outcomes beyond 1e154) make every number derived from them infinite, NaN
 * or, once a variance is clamped at 0, finite and wrong: refuse them.
 */
extern void svy_check_finite_sums(const double *v, Size n);
extern void svy_report_overflow(void) pg_attribute_noreturn();

/*
 * The design argument argno of an aggregate: an error if NULL.  Inline, as
 * the outcome check below, because every row passes here; the reports are
 * out of line.
 */
extern void svy_report_null_design(void) pg_attribute_noreturn();
static inline const SvyDesign *
svy_design_arg(FunctionCallInfo fcinfo, int argno)
{
	if (unlikely(PG_ARGISNULL(argno)))
		svy_report_null_design();
	return PG_GETARG_SVYDESIGN_P(argno);
}

/*
 * The shift K of the scores a = y - K x: the first row with x != 0 sets it,
 * so that the scores are free of cancellation when y is far from 0; rows
 * before it have x = 0 (or are outside the domain), so their a does not
 * depend on K.
 */
static inline void
svy_shift_first(double *shift, bool *shift_set, double y, double x)
{
	if (unlikely(!*shift_set) && x != 0.0)
	{
		*shift = y / x;
		*shift_set = true;
	}
}

/*
 * Merging a state accumulated with shift K1 (from) into one with K2: into
 * keeps K2 (or takes K1 when it has none yet) and the result is K1 - K2, by
 * which from's a-sums are re-expressed: w (y - K1 x) = w (y - K2 x) +
 * (K2 - K1) w x.
 */
static inline double
svy_shift_merge(double *into, bool *into_set, double from, bool from_set)
{
	if (!from_set)
		return 0.0;
	if (*into_set)
		return from - *into;
	*into = from;
	*into_set = true;
	return 0.0;
}

/* An error unless an outcome is finite (a missing answer is NULL). */
extern void svy_report_bad_outcome(double y) pg_attribute_noreturn();

/* Are a row's y and x finite?  NaN fails both comparisons (one test of each in the common case). */
static inline bool
svy_outcomes_finite(double y, double x)
{
	return fabs(y) <= DBL_MAX && fabs(x) <= DBL_MAX;
}

/* Is e the PSU entry of d's (stratum, PSU)? */
static inline bool
svy_psu_is_row(const SvyPsuEntry *e, const SvyDesign *d)
{
	return e->key.w[0] == d->stratum[0] && e->key.w[1] == d->stratum[1] &&
		e->key.w[2] == d->psu[0] && e->key.w[3] == d->psu[1];
}

/*
 * A row of PSU e, in the domain or not (counts: with a non-zero weight),
 * as the base state keeps it: its PSU and stratum the last ones found (the
 * domain aggregates and the calibrated domains read them), the PSU's domain
 * flags.  accum.c's rows; calib_accum.c's rowcache rows do the same from
 * what they keep of the PSU, calling this while the entry lacks a flag.
 */
static inline void
svy_accum_psu_row(SvyAccum *s, SvyPsuEntry *e, bool in_domain, bool counts)
{
	s->last_stratum = e->stratum;
	s->last_psu = e->slot;
	e->in_df |= counts;
	e->in_dom |= in_domain;
}

/* Rows (or merged states) of one aggregate call describe different designs: detail says how. */
extern void svy_report_mixed_designs(const char *detail) pg_attribute_noreturn();
#define SVY_MIXED_SHAPES_DETAIL "Rows differ in which of strata, PSU, fpc, psu2, fpc2, mse and rscales they give."
static inline void
svy_check_outcome(double y)
{
	/* NaN fails the comparison */
	if (unlikely(!(fabs(y) <= DBL_MAX)))
		svy_report_bad_outcome(y);
}
/*
 * Room in r's basis for rows vectors (it grows by doubling, in cxt); an
 * error if the bases of one state (*state_bytes, updated) would exceed
 * svy_state_memory_limit().
 */
extern void svy_rank_room(SvyRank *r, int rows, MemoryContext cxt, Size *state_bytes);
/* Add v to r, making room first. */
extern void svy_rank_push(SvyRank *r, const double *v, double *scratch, MemoryContext cxt,
						  Size *state_bytes);
/* Bytes of replicate rank bases one aggregate state may hold: 64 x work_mem. */
extern Size svy_state_memory_limit(void);
/* The aggregate's memory context; an error outside an aggregate. */
extern MemoryContext svy_aggregate_context(FunctionCallInfo fcinfo);

/*
 * Per-stratum co-moments of the PSU totals (st: nstrata entries, zeroed);
 * returns the design df of the domain (PSUs minus strata with domain rows).
 * Designs with PSUs fold each PSU's residual a - r b (b then 0); designs
 * without keep the (a, b) co-moments of their rows.
 */
extern double svy_accum_strata(const SvyAccum *s, double r, SvyStratumTotals *st);

/*
 * The second stage of a two-stage design: one entry per PSU (by its slot)
 * with the co-moments of its units' residuals a - r b, its fpc2 and its
 * stratum's first-stage fraction (st from svy_accum_strata).  NULL and
 * *n = 0 for other designs.
 */
extern SvyStage2Totals *svy_accum_stage2(const SvyAccum *s, double r,
										 const SvyStratumTotals *st, int *n);

/*
 * Raise the error for a lonely-PSU or fpc problem in stratum h (for the
 * second-stage statuses: the PSU's stratum, n_psu its units).
 */
extern void svy_report_design_error(const SvyAccum *s, SvyStatus status, int h, double n_psu);

/* ---- quantile support ----
 * svy_quantile (src/quantile.c) keeps an SvyAccum for the design (strata,
 * PSUs, fpc, df, replicate rank) fed with y = 0, x = 1, and before finishing
 * replaces the domain sums by those of the indicator I(y <= q) at the
 * estimated quantile.  These give it access to the PSU and stratum tables.
 */
/* The PSU entry of a key, or NULL. */
extern SvyPsuEntry *svy_accum_psu_find(SvyAccum *s, const SvyPsuKey *key);
/* The second-stage unit entry of a key, or NULL. */
extern SvySsuEntry *svy_accum_ssu_find(SvyAccum *s, const SvySsuKey *key);
/* The second-stage units of a state (0 without). */
extern int	svy_accum_nssu(const SvyAccum *s);
/* Set every PSU's (and second-stage unit's) a-sum to 0. */
extern void svy_accum_psu_clear_a(SvyAccum *s);
/* Index into s->strata of a stratum identity, or -1. */
extern int	svy_accum_stratum_find(const SvyAccum *s, const uint64 id[2]);

#endif
