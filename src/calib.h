/*
 * calib.h — calibrated designs (SPEC §9): the calibration block that
 * svy_calibrate() appends to a Taylor design value (calib_design.c), and the
 * accumulator the linear estimators use for such rows (calib_accum.c).
 *
 * A calibrated design value is an ordinary Taylor SvyDesign followed (at
 * svy_design_base_size(), which is how svy_design_is_calibrated() tells) by an
 * SvyCalibBlock, the row's k numeric auxiliaries (float8) and the packed
 * svy_population.  Every row carries the population (a few hundred bytes
 * for realistic margins) so that the aggregate needs no side channel; the
 * aggregate keeps one copy and compares later rows' hash and bytes with it.
 */
#ifndef SVY_CALIB_H
#define SVY_CALIB_H

#include "postgres.h"

#include "accum.h"
#include "calibrate.h"
#include "design.h"
#include "idmap.h"
#include "population.h"

typedef struct SvyCalibBlock
{
	uint64		pop_hash;		/* svy_population_hash() of the population */
	uint64		cell;			/* mixed-radix code of the row's levels */
	float8		epsilon;		/* 0: the method's default */
	float8		bounds[2];		/* logit, bounded linear, raking: (L, U); else 0 (svy_calib_bounds_ok) */
	int32		maxit;			/* 0: the method's default */
	int32		k;				/* numeric auxiliaries */
	int32		pop_len;		/* bytes of the packed population */
	uint8		method;			/* SvyCalibMethod */
	uint8		pad[3];
	/* float8 x[k]; then the population varlena (pop_len bytes) */
} SvyCalibBlock;

static inline const SvyCalibBlock *
svy_calib_block(const SvyDesign *d)
{
	return (const SvyCalibBlock *) ((const char *) d + svy_design_base_size(d));
}

static inline const float8 *
svy_calib_x(const SvyCalibBlock *b)
{
	return (const float8 *) (b + 1);
}

static inline struct varlena *
svy_calib_population(const SvyCalibBlock *b)
{
	return (struct varlena *) ((char *) (b + 1) + sizeof(float8) * b->k);
}

/*
 * The calibration cell of a row.  `raking`, `logit` and bounded `linear`
 * with numeric auxiliaries solve for g = F(x' lambda) with the row's own v, so each
 * distinct auxiliary vector (the categorical cell and v) is a cell of its
 * own: its code is a 53-bit hash of both (a double holds it exactly; the
 * state keeps each cell's levels and v and errors on a collision).  Other
 * methods: the mixed-radix code of the levels.
 */
static inline bool
svy_calib_distinct(int method, const double *bounds, int k)
{
	return k > 0 && svy_calib_newton(method, bounds);
}
extern uint64 svy_calib_distinct_code(uint64 cat, const float8 *x, int k);

static inline uint64
svy_calib_row_cell(const SvyCalibBlock *b)
{
	return svy_calib_distinct(b->method, b->bounds, b->k) ? svy_calib_distinct_code(b->cell, svy_calib_x(b), b->k)
		: b->cell;
}

/*
 * The rowcache of a calibrated state (calib_accum.c): a row's (stratum, PSU,
 * cell code) hashed, and its set of 4 slots of SVY_ROWCACHE_SLOT bytes in a
 * cache indexed by the hash's top bits (32 - shift of them).  svy_calibrate
 * hashes a row as it builds it and prefetches the set of the cache its call
 * site's aggregate read last (SvyCallSite.rowcache: a hint).
 */
#define SVY_ROWCACHE_SLOT 8

/* Odd, so that an empty slot (tag 0) matches no row; the set comes from the top bits. */
static inline uint32
svy_calib_row_hash(const uint64 stratum[2], const uint64 psu[2], uint64 code)
{
	return svy_hash_mix(stratum[0] ^ (psu[0] * UINT64CONST(0xC2B2AE3D27D4EB4F)),
						stratum[1] ^ (psu[1] * UINT64CONST(0x165667B19E3779F9)) ^
						(code * UINT64CONST(0x9E3779B97F4A7C15))) | 1;
}

#if defined(__GNUC__) || defined(__clang__)
#define svy_prefetch(p) __builtin_prefetch(p)
#else
#define svy_prefetch(p) ((void) (p))
#endif

static inline void *
svy_calib_rowcache_set(const void *cache, int shift, uint32 h)
{
	return (char *) cache + (Size) ((h >> shift) & ~3U) * SVY_ROWCACHE_SLOT;
}

/* Text form: the "calibrated <hex> " prefix, and reading a value that starts with it. */
extern void svy_calib_design_out(StringInfo buf, const SvyDesign *d);
extern SvyDesign *svy_calib_design_in(const char *s);

/*
 * Memory of the calibration solver (svy_calibrate's allocator): an error
 * past 64 x work_mem, as for aggregate states, before palloc's own limit.
 */
extern void svy_calib_check_memory(Size bytes);
extern void *svy_calib_palloc(unsigned long n);

/* The error for a statistic that does not handle calibrated designs yet. */
extern void svy_calib_not_supported(const char *where) pg_attribute_noreturn();

/*
 * Rows of a calibrated linearization design without PSUs made PSUs of their
 * own, by the states whose variance would otherwise need moments of the
 * numeric auxiliaries beyond what they keep per stratum (quantiles, domain
 * aggregates with many auxiliaries).  That is the same design: R's ids = ~1
 * and ids = ~id give the same variance and df.  The identity of a row's PSU
 * is {row number, a tag drawn once per state}, so that merged states keep
 * their rows apart; on says whether the state's rows were given PSUs (a
 * flag its wire format carries).
 */
typedef struct SvyRowPsu
{
	bool		on;
	uint64		tag;			/* 0: none drawn yet */
	uint64		next;			/* the last row's number */
	SvyDesign  *buf;			/* the last row's value */
	Size		size;
} SvyRowPsu;

/*
 * d, or (want) d as a row with a PSU of its own in rp's buffer (cxt).  A row
 * of the other kind than the state's rows before (state_has_psu: they had
 * PSUs) is the error of rows of different designs.
 */
extern const SvyDesign *svy_calib_row_psu(SvyRowPsu *rp, const SvyDesign *d, bool want, bool state_has_psu,
										  MemoryContext cxt);
/* Merging a state whose rows were given PSUs (from_on) into rp: both kinds with rows are an error. */
extern void svy_calib_row_psu_merge(SvyRowPsu *rp, bool into_rows, bool from_on, bool from_rows);

/* ---- the accumulator of the linear estimators (calib_accum.c) ---- */
struct SvyCalibAccum;

/*
 * A row of a linear estimator whose design may be calibrated: calibrated
 * rows go to s->calib (created on the first row), others to
 * svy_accum_row(); mixing the two in one aggregate is an error.
 */
extern void svy_linear_row_calibrated(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null);

static inline void
svy_linear_row(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null)
{
	/* the common case, no calibration, without the calibrated path's stack frame (per row) */
	if (s->calib == NULL && !svy_design_is_calibrated(d))
		svy_accum_row_base(s, d, y, x, y_null);
	else
		svy_linear_row_calibrated(s, d, y, x, y_null);
}
extern void svy_calib_accum_merge(SvyAccum *into, const SvyAccum *from);
extern void svy_calib_accum_serialize(const SvyAccum *s, StringInfo buf);
extern void svy_calib_accum_deserialize(SvyAccum *s, StringInfo buf);
extern void svy_calib_accum_result(const SvyAccum *s, const SvyEstimateSpec *spec, SvyResult *res);

/*
 * The failed or unconverged calibration of a state's rows: an error naming
 * the level (a warning for non-convergence), as R fails or warns.
 */
extern void svy_calib_report_status(SvyCalibStatus st, const SvyPop *pop, const int *cat,
									const SvyCalibSolution *sol, int method);

/* ---- calibrated replicate designs (calib_rep.c) ---- */
struct SvyCalibRep;

/* A calibrated row of a replicate design: its per (replicate, cell) sums. */
extern void svy_calib_rep_row(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null);
extern void svy_calib_rep_merge(SvyAccum *into, const SvyAccum *from);
extern void svy_calib_rep_serialize(const SvyAccum *s, StringInfo buf);
extern void svy_calib_rep_deserialize(SvyAccum *s, StringInfo buf, int k);

/*
 * The estimate of a calibrated replicate design: dom holds the full
 * sample's calibrated domain sums, pr and sol its calibration (pop and cat
 * as calib_accum.c parsed them, for error messages).
 */
/*
 * Calibrate every replicate r of a calibrated replicate design to the
 * population of the full sample's problem pr: a row of cell c (the index of
 * svy_calib_cell_find) gets the factor G[c nrep + r] + sum_j L[j nrep + r] v_j.
 * *degf: R's degrees of freedom of the calibrated design.
 */
extern void svy_calib_rep_solve(const SvyAccum *s, const SvyCalibProblem *pr,
								const SvyCalibSolution *sol, const SvyPop *pop, const int *cat,
								double *G, double *L, double *degf);
extern void svy_calib_rep_result(const SvyAccum *s, const SvyEstimateSpec *spec,
								 const SvyDomainSums *dom, const SvyCalibProblem *pr,
								 const SvyCalibSolution *sol, const SvyPop *pop, const int *cat,
								 SvyResult *res);

/* ---- calibrated weights (calib_accum.c; SQL in calib_weights.c) ---- */
typedef struct SvyCalibWeights
{
	int			k;
	int			ncell;
	double	   *G;				/* per cell (the state's cell index) */
	double	   *lambda_v;		/* k */
	int			iterations;
	bool		converged;
	/* summary over the rows; NaN where the sums cannot tell (linear with numeric auxiliaries) */
	double		n,
				sum_w,
				sum_w2,
				min_w,
				max_w,
				g_min,
				g_max,
				n_negative;
} SvyCalibWeights;

/*
 * For statistics that residualise their own scores (svy_glm: calib_glm.c;
 * the domain aggregates: calib_domain.c):
 * the solved calibration of a state's rows (warns or errors as the
 * estimators), cells indexed as svy_calib_cell_find() gives them.
 */
typedef struct SvyCalibSolved
{
	struct SvyPop *pop;
	int		   *cat;			/* ncat: population variable of each margin */
	int			ncell;
	double	   *U;				/* ncell x nu: per-cell sums of u */
	SvyCalibProblem pr;
	SvyCalibSolution sol;
	SvyCalibStatus status;
} SvyCalibSolved;

extern void svy_calib_solve(const SvyAccum *s, SvyCalibSolved *cs);
extern int	svy_calib_accum_k(const SvyAccum *s);
/* The SvyCalibMethod of a state's rows. */
extern int	svy_calib_accum_method(const SvyAccum *s);
/* The index of a cell code among the state's cells, or -1. */
extern int	svy_calib_cell_find(const SvyAccum *s, uint64 code);
/* The error for singular residualisation equations of s's calibration. */
extern void svy_calib_report_singular(const SvyAccum *s, const SvyCalibSolved *cs) pg_attribute_noreturn();

/*
 * Every (PSU, cell) of a state with PSUs: key = stratum (2), PSU (2) as the
 * rows' design values give them, cell = its index, sums = the sum of d, of
 * d v (k) and of d v v' (k x k) over the rows (every row, in the domain or
 * not).  Two-stage designs with a first-stage fpc: every (second-stage unit,
 * cell), key = stratum (2), PSU (2), second-stage unit (2).
 */
typedef void (*SvyCalibUnitFn) (void *arg, const uint64 *key, int cell, const double *sums);
extern void svy_calib_foreach_unit(const SvyAccum *s, SvyCalibUnitFn fn, void *arg);

/* Solve the calibration of a state's rows (warns or errors as the estimators). */
extern void svy_calib_weights(const SvyAccum *s, SvyCalibWeights *w);
/* A calibrated row's weight; the row must be one of the state's rows. */
extern double svy_calib_row_weight(const SvyAccum *s, const SvyCalibWeights *w, const SvyDesign *d);

/* ---- svy_quantile on calibrated designs (calib_accum.c; used by calib_quantile.c) ---- */

/* Rows of a calibrated state (all of them, in or out of the domain). */
extern double svy_calib_accum_rows(const SvyAccum *s);
/* The calibration factor G of a cell code (w from svy_calib_weights). */
extern double svy_calib_cell_g(const SvyAccum *s, const SvyCalibWeights *w, uint64 cell);

/*
 * Sums over the domain rows of one (unit, cell) of the calibration state
 * with I = 1 (aux 0: of d, d^2 and rows; aux j >= 1, designs with PSUs: of
 * d v_j).
 */
typedef struct SvyCalibIndicator
{
	uint64		key[5];			/* stratum (2), PSU (2; 0 without PSUs), cell code */
	uint64		ssu[2];			/* two-stage designs with a first-stage fpc: the second-stage unit */
	int			aux;
	double		w;
	double		ww;
	double		n;
	const double *rw;			/* replicate designs: the replicates' sums of w_r (v_j) I; else NULL */
} SvyCalibIndicator;

/*
 * Replicate designs: the replicates' sums of a state fed y = 0, x = 1 with
 * the indicator's added (ind[i].rw), swapped into the state for
 * svy_calib_accum_result; returns the state's own sums, which
 * svy_calib_rep_restore() puts back.
 */
extern double *svy_calib_rep_add_indicator(SvyAccum *s, const SvyCalibIndicator *ind, int nind);
extern void svy_calib_rep_restore(SvyAccum *s, double *saved);

/*
 * The calibrated mean of I (estimate, SE, df) on a state fed with y = 0,
 * x = 1 (every row, I given for the cells that have rows with I = 1).
 */
extern void svy_calib_indicator_result(const SvyAccum *s, const SvyCalibIndicator *ind, int nind,
									   double level, SvyResult *res);

#endif
