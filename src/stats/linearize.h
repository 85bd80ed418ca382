/*
 * linearize.h — Taylor-linearization variance of a one-stage design, as
 * R's survey::svyrecvar (survey 4.1.1), from per-stratum sums of PSU totals.
 *
 * For K estimated totals, PSU j of stratum h has a vector t_j of score
 * totals.  With n_h PSUs in the stratum (every PSU of the design, including
 * PSUs without rows in the domain, whose t_j = 0):
 *     V_h = f_h n_h / (n_h - 1) sum_j (t_j - tbar_h)(t_j - tbar_h)',
 * f_h = 1 - n_h / N_h with an fpc, else 1; V = sum_h V_h.  Strata with one
 * PSU follow survey.lonely_psu.  No postgres.h here.
 */
#ifndef SVY_LINEARIZE_H
#define SVY_LINEARIZE_H

#include <stdbool.h>

#include "moments.h"

typedef enum SvyLonely
{
	SVY_LONELY_FAIL = 0,
	SVY_LONELY_REMOVE,
	SVY_LONELY_CERTAINTY,
	SVY_LONELY_ADJUST,
	SVY_LONELY_AVERAGE
} SvyLonely;

typedef enum SvyStatus
{
	SVY_OK = 0,
	SVY_ERR_LONELY,				/* a stratum has one PSU under "fail" */
	SVY_ERR_FPC,				/* population PSUs fewer than sampled PSUs */
	SVY_ERR_LONELY2,			/* a PSU has one second-stage unit under "fail" */
	SVY_ERR_FPC2				/* fpc2 below the PSU's sampled second-stage units */
} SvyStatus;

/* Finite population correction factor f_h; SVY_ERR_FPC if N_h < n_h. */
extern SvyStatus svy_fpc_factor(double fpc, double n_psu, double *f);

/*
 * Accumulates the K x K covariance matrix stratum by stratum.
 * V (K x K, row-major) and the counts (K each) must be zeroed by the caller.
 *
 * "average" (R's onestage): V is scaled by nstrat / nokstrat, where R counts
 * only the strata holding rows of the domain (R's subset drops the others)
 * and nokstrat leaves out those with one PSU.  A stratum without domain
 * rows is skipped entirely, even if lonely (R never sees it).  Each of the K
 * totals may belong to a different domain (svy_by groups): its strata are
 * counted separately and V[i][j] is scaled by sqrt(f_i f_j), which gives
 * every domain R's own variance and keeps V positive semidefinite.
 */
typedef struct SvyCovariance
{
	int			k;
	double	   *v;
	SvyLonely	lonely;
	int		   *nstrata;		/* per total: strata with its domain's rows, or
								 * NULL: every total has one domain, counted in
								 * shared_nstrata / shared_n_ok */
	int		   *n_ok;			/* per total: those that count for "average" */
	int			shared_nstrata;
	int			shared_n_ok;
} SvyCovariance;

/*
 * Add one stratum: n_psu PSUs, fpc (0 = none; <= 1 a sampling fraction;
 * else N_h), the sum of its PSU vectors (K) and their centred
 * cross-products sum_j (t_j - tbar)(t_j - tbar)' (K x K); present (K
 * flags) says which totals' domains have rows in the stratum.  A stratum
 * where none has rows adds nothing and is never lonely.
 */
extern SvyStatus svy_covariance_add(SvyCovariance *c, double n_psu, double fpc,
									const double *sum, const double *cross,
									const bool *present);
/*
 * The same for a stratum whose PSU vectors are 0 outside the m totals idx
 * lists (distinct, in any order): sum, present have m entries and cross is
 * m x m, in idx's order.  A stratum then costs m^2, not K^2.
 */
extern SvyStatus svy_covariance_add_subset(SvyCovariance *c, double n_psu, double fpc, int m,
										   const int *idx, const double *sum,
										   const double *cross, const bool *present);
/* Apply "average" once every stratum is in. */
extern void svy_covariance_finish(SvyCovariance *c);

/*
 * The first-stage sampling fraction n_h / N_h that scales the second stage
 * of a stratum's PSUs (R's multistage): 0 without an fpc (no second stage).
 */
extern double svy_stage1_fraction(double fpc, double n_psu);

/*
 * Add the second stage of one PSU (two-stage designs, R's multistage with
 * survey.ultimate.cluster = FALSE), after svy_covariance_finish: the
 * one-stage variance of its n_units second-stage units (fpc2 as fpc), times
 * the first-stage fraction.  present (K, NULL: all) marks the totals the
 * PSU has rows of: as R, which takes the second stage of the PSUs holding
 * rows of the (domain's) design only, a PSU with one unit is an error under
 * "fail", and makes the variance undefined (NaN) under "average" (R's
 * onestage with no stratum left to average over) for pairs of those totals.
 */
extern SvyStatus svy_covariance_add_stage2(SvyCovariance *c, double n_units, double fpc2,
										   double fraction, const double *sum,
										   const double *cross, const bool *present);

/* One stratum of a single linear statistic a - r b (co-moments of (a, b)). */
typedef struct SvyStratumTotals
{
	SvyCoMoments psu;			/* co-moments of (a_j, b_j) over its n_h PSUs */
	double		fpc;			/* 0 = none; <= 1 sampling fraction; else N_h */
	bool		in_domain;		/* holds a domain row of non-zero weight */
} SvyStratumTotals;

/* The second stage of one PSU of a two-stage design. */
typedef struct SvyStage2Totals
{
	SvyCoMoments units;			/* co-moments of its units' residual totals (t, 0) */
	double		fpc2;			/* 0 = none; <= 1 sampling fraction; else N_i */
	double		fraction;		/* first-stage n_h / N_h of its stratum */
	int			stratum;		/* index of its stratum, for messages */
	bool		present;		/* the PSU holds rows of the domain */
} SvyStage2Totals;

/*
 * Variance of sum_j (a_j - r b_j) over all strata (divide by divisor^2
 * yourself), plus the second stage of each PSU (stage2: nstage2 PSUs, their
 * units' residual totals already folded; NULL for one-stage designs).  On
 * error *bad_stratum is the index of the offending stratum, or of the PSU in
 * stage2 (SVY_ERR_LONELY2, SVY_ERR_FPC2).
 */
extern SvyStatus svy_taylor_variance(const SvyStratumTotals *strata, int nstrata,
									 const SvyStage2Totals *stage2, int nstage2,
									 double r, SvyLonely lonely,
									 double *variance, int *bad_stratum);

#endif
