/*
 * estimator.c — finishing linear statistics: estimate, SE, df, deff, CI.
 */
#include <math.h>
#include <stddef.h>

#include "estimator.h"

double
svy_point_estimate(SvyStatistic stat, const SvyDomainSums *d)
{
	if (d->n == 0)
		return NAN;
	if (stat == SVY_STAT_TOTAL)
		return d->wm.w * d->wm.mean_y;
	/* a ratio to a zero total is undefined, not infinite */
	return d->wm.mean_x == 0.0 ? NAN : d->wm.mean_y / d->wm.mean_x;
}

/*
 * Design effect against simple random sampling without replacement with
 * N = sum of weights (R's deff = TRUE): the SRS variance of the total of
 * u = (y - theta x) / X (theta = 0, X = 1 for totals).
 */
double
svy_design_effect(SvyStatistic stat, const SvyDomainSums *d, double theta, double var)
{
	const SvyWMoments *m = &d->wm;
	double		n = d->n;
	double		X = stat == SVY_STAT_TOTAL ? 1.0 : m->w * m->mean_x;
	double		r = stat == SVY_STAT_TOTAL ? 0.0 : theta;
	double		ss = (m->c_yy - 2.0 * r * m->c_xy + r * r * m->c_xx) / (X * X);
	double		s2 = ss / m->w * n / (n - 1.0);
	double		fpc = 1.0 - n / m->w;
	double		v_srs = m->w * m->w * s2 * fpc / n;

	if (n < 2 || fpc < 0.0)
		return NAN;				/* R: NA when the weights sum to less than n */
	return var / v_srs;
}

/* Fill SE, CI, n_eff and deff from the estimate and its variance. */
static void
finish(const SvyEstimateSpec *spec, const SvyDomainSums *d, double var, double df,
	   double logit_var, SvyResult *out)
{
	double		theta = out->estimate;

	out->std_error = sqrt(var);
	out->df = df;
	out->n = d->n;
	out->deff = svy_design_effect(spec->stat, d, theta, var);
	if (spec->stat == SVY_STAT_PROP)
	{
		SvyPropInput in = {theta, var, df, spec->level, d->n, d->nrow, logit_var};

		out->n_eff = theta * (1.0 - theta) / var;
		svy_ci_prop(spec->method, &in, &out->ci_lower, &out->ci_upper);
	}
	else
	{
		out->n_eff = d->n / out->deff;
		svy_ci_symmetric(theta, out->std_error, spec->level, df,
						 &out->ci_lower, &out->ci_upper);
	}
}

static void
empty_result(const SvyDomainSums *d, double df, SvyResult *out)
{
	out->estimate = out->std_error = out->ci_lower = out->ci_upper = NAN;
	out->n_eff = out->deff = NAN;
	out->df = df;
	out->n = d->n;
}

double
svy_linear_residual_coef(SvyStatistic stat, const SvyDomainSums *d)
{
	if (stat == SVY_STAT_TOTAL)
		return -d->shift;
	return svy_point_estimate(stat, d) - d->shift;
}

SvyStatus
svy_estimate_taylor(const SvyEstimateSpec *spec, const SvyDomainSums *d,
					const SvyTaylorInput *t, SvyResult *out, int *bad_stratum)
{
	double		theta = svy_point_estimate(spec->stat, d);
	double		r,
				divisor,
				var;
	SvyStatus	status;

	if (d->n == 0)
	{
		empty_result(d, t->df, out);
		return SVY_OK;
	}
	r = svy_linear_residual_coef(spec->stat, d);
	divisor = spec->stat == SVY_STAT_TOTAL ? 1.0 : d->wm.w * d->wm.mean_x;
	status = svy_taylor_variance(t->strata, t->nstrata, t->stage2, t->nstage2,
								 t->residuals_folded ? 0.0 : r,
								 t->lonely, &var, bad_stratum);
	if (status != SVY_OK)
		return status;
	out->estimate = theta;
	finish(spec, d, var / (divisor * divisor), t->df, NAN, out);
	return SVY_OK;
}

double
svy_replicate_variance(const double *theta, int nrep, double theta_full,
					   double scale, const double *rscales, int mse)
{
	double		centre = theta_full;
	double		ss = 0.0;

	if (!mse)
	{
		double		sum = 0.0;
		int			k = 0;

		for (int r = 0; r < nrep; r++)
			if (rscales == NULL || rscales[r] > 0)
			{
				sum += theta[r];
				k++;
			}
		centre = k > 0 ? sum / k : NAN;
	}
	for (int r = 0; r < nrep; r++)
	{
		double		dev = theta[r] - centre;

		ss += (rscales ? rscales[r] : 1.0) * dev * dev;
	}
	return scale * ss;
}

/*
 * The coefficient R's svyglm(y ~ 1, family = quasibinomial) finds for a
 * replicate: glm.fit from the full-sample coefficient, IRLS until the
 * deviance changes by less than 1e-8 relative (glm.control()).  For an
 * intercept-only model each step is eta += (p_r - mu) / (mu (1 - mu)) and
 * the deviance is -2 (p_r log mu + (1 - p_r) log(1 - mu)) (weights summing
 * to 1).  Where R stops differs from logit(p_r) by up to ~1e-8, which moves
 * the logit CI by as much; the same iterations reproduce R to ~1e-13.
 */
static double
replicate_logit(double p_r, double start)
{
	double		eta = start;
	double		mu,
				dev,
				devold;

	if (!(p_r > 0.0 && p_r < 1.0))
		return log(p_r / (1.0 - p_r));
	mu = exp(eta) / (1.0 + exp(eta));
	dev = -2.0 * (p_r * log(mu) + (1.0 - p_r) * log(1.0 - mu));
	for (int it = 0; it < 25; it++)
	{
		eta += (p_r - mu) / (mu * (1.0 - mu));
		mu = exp(eta) / (1.0 + exp(eta));
		devold = dev;
		dev = -2.0 * (p_r * log(mu) + (1.0 - p_r) * log(1.0 - mu));
		if (fabs(dev - devold) / (fabs(dev) + 0.1) < 1e-8)
			break;
	}
	return eta;
}

void
svy_estimate_replicate(const SvyEstimateSpec *spec, const SvyDomainSums *d,
					   const SvyReplicateInput *r, SvyResult *out)
{
	double		theta = svy_point_estimate(spec->stat, d);
	double	   *theta_r = r->scratch;
	double		var,
				logit_var = NAN;

	if (d->n == 0)
	{
		empty_result(d, r->df, out);
		return;
	}
	/*
	 * Replicate estimates less the shift: their spread comes from centred
	 * sums, so it does not cancel against the level of y (a mean near 50
	 * moving by 0.001 across replicates), and the order of summation
	 * (serial, parallel, merged) changes it by rounding of the spread only.
	 */
	for (int k = 0; k < r->nrep; k++)
		theta_r[k] = spec->stat == SVY_STAT_TOTAL ? r->y[k] + r->shift * r->x[k]
			: r->y[k] / r->x[k];
	var = svy_replicate_variance(theta_r, r->nrep,
								 spec->stat == SVY_STAT_TOTAL ? theta : theta - r->shift,
								 r->scale, r->rscales, r->mse);

	if (spec->stat == SVY_STAT_PROP && spec->method == SVY_CI_LOGIT &&
		theta > 0.0 && theta < 1.0)
	{
		/* R refits the logistic model per replicate: vary its logit(p_r) */
		double		start = log(theta / (1.0 - theta));

		for (int k = 0; k < r->nrep; k++)
			theta_r[k] = replicate_logit(theta_r[k] + r->shift, start);
		logit_var = svy_replicate_variance(theta_r, r->nrep, start,
										   r->scale, r->rscales, r->mse);
	}
	out->estimate = theta;
	finish(spec, d, var, r->df, logit_var, out);
}
