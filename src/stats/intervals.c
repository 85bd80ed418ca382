/*
 * intervals.c — confidence intervals as R's survey package computes them.
 *
 * References:
 *   Korn, E. L. and Graubard, B. I. (1998).  Confidence intervals for
 *     proportions with small expected number of positive counts estimated
 *     from survey data.  Survey Methodology 24(2), 193-201.  (The "beta"
 *     interval: Clopper-Pearson at the effective sample size.  R's svyciprop
 *     help page gives volume 23; 1998 is volume 24.)
 *   Wilson, E. B. (1927).  Probable inference, the law of succession, and
 *     statistical inference.  JASA 22(158), 209-212.  ("wilson".)
 */
#include <math.h>
#include <string.h>

#define MATHLIB_STANDALONE 1
#include <Rmath.h>

#include "intervals.h"
#include "names.h"

static const SvyName prop_methods[] = {
	{"logit", SVY_CI_LOGIT},
	{"xlogit", SVY_CI_XLOGIT},
	{"wilson", SVY_CI_WILSON},
	{"korn-graubard", SVY_CI_KORN_GRAUBARD},
	{"beta", SVY_CI_KORN_GRAUBARD},
	{"asin", SVY_CI_ASIN},
	{"likelihood", SVY_CI_LIKELIHOOD},
	{"wald", SVY_CI_WALD},
	{"mean", SVY_CI_WALD},
};

int
svy_prop_method_parse(const char *name)
{
	return svy_name_value(SVY_NAMES(prop_methods), name);
}

const char *
svy_prop_method_names(void)
{
	return "logit, xlogit, wilson, korn-graubard (beta), asin, likelihood, wald (mean)";
}

double
svy_t_quantile(double level, double df)
{
	double		prob = (1.0 + level) / 2.0;

	if (!(df > 0.0) || !(level > 0.0 && level < 1.0))
		return NAN;
	if (isinf(df))
		return qnorm(prob, 0.0, 1.0, 1, 0);
	return qt(prob, df, 1, 0);
}

double
svy_t_pvalue(double t, double df)
{
	if (!(df > 0.0) || isnan(t))
		return NAN;
	if (isinf(df))
		return 2.0 * pnorm(-fabs(t), 0.0, 1.0, 1, 0);
	return 2.0 * pt(-fabs(t), df, 1, 0);
}

void
svy_ci_symmetric(double estimate, double se, double level, double df,
				 double *lower, double *upper)
{
	double		q = svy_t_quantile(level, df);

	*lower = estimate - q * se;
	*upper = estimate + q * se;
}

static double
expit(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

/* Korn-Graubard (Clopper-Pearson with an effective sample size). */
static void
ci_korn_graubard(const SvyPropInput *in, double *lower, double *upper)
{
	double		alpha = 1.0 - in->level;
	double		p = in->p;
	double		n_eff;

	if (p == 0.0 || p == 1.0)
		n_eff = in->n;			/* NCHS: the sample size when p is 0 or 1 */
	else
	{
		double		ratio = qt(alpha / 2.0, in->nrow - 1.0, 1, 0) /
			(isinf(in->df) ? qnorm(alpha / 2.0, 0.0, 1.0, 1, 0)
			 : qt(alpha / 2.0, in->df, 1, 0));

		n_eff = p * (1.0 - p) / in->var * ratio * ratio;
	}
	*lower = p == 0.0 ? 0.0 : qbeta(alpha / 2.0, n_eff * p, n_eff * (1.0 - p) + 1.0, 1, 0);
	*upper = p == 1.0 ? 1.0 : qbeta(1.0 - alpha / 2.0, n_eff * p + 1.0, n_eff * (1.0 - p), 1, 0);
}

/*
 * Wilson score interval with the design-based effective sample size
 * n_eff = p (1 - p) / var and the t quantile of the design df, as
 * survey >= 4.2's svyciprop(method = "wilson").
 */
static void
ci_wilson(const SvyPropInput *in, double q, double *lower, double *upper)
{
	double		p = in->p;
	double		n_eff = (p == 0.0 || p == 1.0) ? in->n : p * (1.0 - p) / in->var;
	double		q2n = q * q / n_eff;
	double		centre = (p + q2n / 2.0) / (1.0 + q2n);
	double		half = q / (1.0 + q2n) * sqrt(p * (1.0 - p) / n_eff + q2n / (4.0 * n_eff));

	/* inside [0, 1] in exact arithmetic; keep rounding from leaving it */
	*lower = fmax(0.0, centre - half);
	*upper = fmin(1.0, centre + half);
}

/*
 * Profile likelihood of the quasi-binomial intercept model, its deviance
 * scaled by the design effect (R: confint(svyglm, method = "likelihood")):
 * the limits are the roots of (n - 1) dev(mu) = q^2 var nrow / (p (1 - p)).
 * R interpolates the profile with a spline; we solve exactly by bisection.
 */
static double
likelihood_excess(const SvyPropInput *in, double crit, double mu)
{
	double		p = in->p;
	double		dev = 2.0 * (p * log(p / mu) + (1.0 - p) * log((1.0 - p) / (1.0 - mu)));

	return (in->n - 1.0) * dev - crit;
}

static double
likelihood_root(const SvyPropInput *in, double crit, double inside, double outside)
{
	/* excess < 0 at inside (= p), > 0 towards outside (0 or 1) */
	for (int i = 0; i < 200; i++)
	{
		double		mid = (inside + outside) / 2.0;

		if (mid == inside || mid == outside)
			break;
		if (likelihood_excess(in, crit, mid) > 0.0)
			outside = mid;
		else
			inside = mid;
	}
	return (inside + outside) / 2.0;
}

void
svy_ci_prop(SvyPropMethod method, const SvyPropInput *in, double *lower, double *upper)
{
	double		p = in->p;
	double		q = svy_t_quantile(in->level, in->df);
	double		se = sqrt(in->var);
	int			boundary = (p == 0.0 || p == 1.0);

	*lower = *upper = NAN;
	if (isnan(q) || isnan(p))
		return;

	switch (method)
	{
		case SVY_CI_WALD:
			*lower = p - q * se;
			*upper = p + q * se;
			break;
		case SVY_CI_LOGIT:
		case SVY_CI_XLOGIT:
			if (!boundary)
			{
				double		lse = (method == SVY_CI_LOGIT && !isnan(in->logit_var))
				? sqrt(in->logit_var) : se / (p * (1.0 - p));
				double		l = log(p / (1.0 - p));

				*lower = expit(l - q * lse);
				*upper = expit(l + q * lse);
			}
			break;
		case SVY_CI_ASIN:
			if (!boundary)
			{
				double		a = asin(sqrt(p));
				double		h = q * se / (2.0 * sqrt(p * (1.0 - p)));

				*lower = pow(sin(a - h), 2);
				*upper = pow(sin(a + h), 2);
			}
			break;
		case SVY_CI_KORN_GRAUBARD:
			if (in->n > 0 && (boundary || in->var > 0))
				ci_korn_graubard(in, lower, upper);
			break;
		case SVY_CI_WILSON:
			if (in->n > 0 && (boundary || in->var > 0))
				ci_wilson(in, q, lower, upper);
			break;
		case SVY_CI_LIKELIHOOD:
			if (!boundary && in->var > 0 && in->n > 1)
			{
				double		crit = q * q * in->var * in->nrow / (p * (1.0 - p));

				*lower = likelihood_root(in, crit, p, 0.0);
				*upper = likelihood_root(in, crit, p, 1.0);
			}
			break;
	}
}
