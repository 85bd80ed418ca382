/*
 * estimator.h — point estimates, standard errors, df, design effects and
 * intervals of the linear statistics (mean, total, proportion, ratio) from
 * the sums an aggregate accumulated.  No postgres.h here.
 *
 * Every linear statistic is a ratio of domain totals theta = Y / X with
 * x = 1 for means and proportions, x = the denominator for ratios, and
 * theta = Y for totals.  Rows are accumulated with y shifted by a constant
 * K (a value seen early), a = w (y - K x), b = w x, which keeps the PSU
 * residuals a - (theta - K) b free of cancellation when y is far from 0.
 */
#ifndef SVY_ESTIMATOR_H
#define SVY_ESTIMATOR_H

#include "intervals.h"
#include "linearize.h"
#include "moments.h"

typedef enum SvyStatistic
{
	SVY_STAT_MEAN = 0,
	SVY_STAT_TOTAL,
	SVY_STAT_PROP,
	SVY_STAT_RATIO
} SvyStatistic;

typedef struct SvyResult
{
	double		estimate;
	double		std_error;
	double		ci_lower;
	double		ci_upper;
	double		df;
	double		n;
	double		n_eff;
	double		deff;
} SvyResult;

/* Domain sums common to both variance methods. */
typedef struct SvyDomainSums
{
	SvyWMoments wm;				/* rows in the domain with w != 0 */
	double		n;				/* their count */
	double		nrow;			/* all rows aggregated (the design object) */
	double		shift;			/* K */
} SvyDomainSums;

typedef struct SvyTaylorInput
{
	const SvyStratumTotals *strata;
	int			nstrata;
	const SvyStage2Totals *stage2;	/* two-stage designs: per PSU; else NULL */
	int			nstage2;
	double		df;
	SvyLonely	lonely;
	int			residuals_folded;	/* strata hold residuals (t_j, 0) already */
} SvyTaylorInput;

typedef struct SvyReplicateInput
{
	const double *y;			/* per replicate: sum w_r y over the domain */
	const double *x;			/* per replicate: sum w_r x */
	int			nrep;
	double		scale;
	const double *rscales;		/* NULL: all 1 */
	int			mse;
	double		df;
	double	   *scratch;		/* nrep doubles of work space */
	double		shift;			/* y sums are of y - shift x (centred) */
} SvyReplicateInput;

typedef struct SvyEstimateSpec
{
	SvyStatistic stat;
	SvyPropMethod method;		/* SVY_STAT_PROP only */
	double		level;
} SvyEstimateSpec;

/*
 * Design effect of an estimate with variance var (R's deff = TRUE): against
 * simple random sampling without replacement from N = sum of weights.
 */
extern double svy_design_effect(SvyStatistic stat, const SvyDomainSums *d, double theta,
								double var);

/*
 * r of the residual a - r b of a PSU's sums for this statistic (see the top
 * of this file): theta - K for ratios, -K for totals.
 */
extern double svy_linear_residual_coef(SvyStatistic stat, const SvyDomainSums *d);

/* The point estimate alone (NaN when the domain is empty). */
extern double svy_point_estimate(SvyStatistic stat, const SvyDomainSums *d);

extern SvyStatus svy_estimate_taylor(const SvyEstimateSpec *spec, const SvyDomainSums *d,
									 const SvyTaylorInput *t, SvyResult *out,
									 int *bad_stratum);

extern void svy_estimate_replicate(const SvyEstimateSpec *spec, const SvyDomainSums *d,
								   const SvyReplicateInput *r, SvyResult *out);

/*
 * Replicate variance scale * sum_r rscale_r (theta_r - c)^2, c the
 * full-sample estimate (mse) or the mean of the replicates with rscale > 0.
 */
extern double svy_replicate_variance(const double *theta, int nrep, double theta_full,
									 double scale, const double *rscales, int mse);

#endif
