/*
 * linearize.h — Taylor-linearization variance of a one-stage design, as
 * R's survey::svyrecvar (survey 4.1.1), from per-stratum co-moments of PSU
 * totals of the scores.
 *
 * A linear statistic's score total in PSU j is t_j = (a_j - r b_j) / divisor,
 * where a_j, b_j are sums the aggregate accumulated per PSU (see
 * estimator.h).  Within stratum h with n_h PSUs (every PSU of the design,
 * including PSUs without rows in the domain, which have t_j = 0):
 *     V_h = f_h n_h / (n_h - 1) sum_j (t_j - tbar_h)^2,
 * f_h = 1 - n_h / N_h with an fpc, else 1.  No postgres.h here.
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

/* One stratum as the variance needs it. */
typedef struct SvyStratumTotals
{
	SvyCoMoments psu;			/* co-moments of (a_j, b_j) over its n_h PSUs */
	double		fpc;			/* 0 = none; <= 1 sampling fraction; else N_h */
} SvyStratumTotals;

/* Finite population correction factor f_h; SVY_ERR_FPC if N_h < n_h. */
extern SvyStatus svy_fpc_factor(double fpc, double n_psu, double *f);

/*
 * Variance of sum_j (a_j - r b_j) over all strata (divide by divisor^2
 * yourself).  On error *bad_stratum is the index of the offending stratum.
 */
extern SvyStatus svy_taylor_variance(const SvyStratumTotals *strata, int nstrata,
									 double r, SvyLonely lonely,
									 double *variance, int *bad_stratum);

#endif
