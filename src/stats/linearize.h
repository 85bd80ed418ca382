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
	SVY_ERR_FPC					/* population PSUs fewer than sampled PSUs */
} SvyStatus;

/* Finite population correction factor f_h; SVY_ERR_FPC if N_h < n_h. */
extern SvyStatus svy_fpc_factor(double fpc, double n_psu, double *f);

/*
 * Accumulates the K x K covariance matrix stratum by stratum.
 * V (K x K, row-major) must be zeroed by the caller.
 */
typedef struct SvyCovariance
{
	int			k;
	double	   *v;
	SvyLonely	lonely;
	int			nstrata;		/* strata added */
	int			n_ok;			/* strata that count for "average" */
} SvyCovariance;

/*
 * Add one stratum: n_psu PSUs, fpc (0 = none; <= 1 a sampling fraction;
 * else N_h), the sum of its PSU vectors (K) and their centred
 * cross-products sum_j (t_j - tbar)(t_j - tbar)' (K x K).
 */
extern SvyStatus svy_covariance_add(SvyCovariance *c, double n_psu, double fpc,
									const double *sum, const double *cross);
/*
 * The same for a stratum whose PSU vectors are 0 outside the m totals idx
 * lists (distinct, ascending or not): sum has m entries and cross m x m, in
 * idx's order.  A stratum then costs m^2, not K^2.
 */
extern SvyStatus svy_covariance_add_subset(SvyCovariance *c, double n_psu, double fpc, int m,
										   const int *idx, const double *sum,
										   const double *cross);
/* Apply "average" once every stratum is in. */
extern void svy_covariance_finish(SvyCovariance *c);

/* One stratum of a single linear statistic a - r b (co-moments of (a, b)). */
typedef struct SvyStratumTotals
{
	SvyCoMoments psu;			/* co-moments of (a_j, b_j) over its n_h PSUs */
	double		fpc;			/* 0 = none; <= 1 sampling fraction; else N_h */
} SvyStratumTotals;

/*
 * Variance of sum_j (a_j - r b_j) over all strata (divide by divisor^2
 * yourself).  On error *bad_stratum is the index of the offending stratum.
 */
extern SvyStatus svy_taylor_variance(const SvyStratumTotals *strata, int nstrata,
									 double r, SvyLonely lonely,
									 double *variance, int *bad_stratum);

#endif
