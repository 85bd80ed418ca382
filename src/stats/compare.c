/*
 * compare.c — differences and pools of independent estimates; the NCHS
 * presentation standard for proportions (see compare.h).
 *
 * References:
 *   Parker, J. D., Talih, M., Malec, D. J. et al. (2017).  National Center
 *     for Health Statistics data presentation standards for proportions.
 *     Vital and Health Statistics 2(175).
 */
#include <math.h>
#include <stddef.h>

#define MATHLIB_STANDALONE 1
#include <Rmath.h>

#include "compare.h"
#include "intervals.h"

/* A variance's share of the Welch-Satterthwaite denominator. */
static double
ws_term(double v, double df)
{
	return (isinf(df) || v == 0.0) ? 0.0 : v * v / df;
}

void
svy_diff_compute(double est_a, double se_a, double df_a,
				 double est_b, double se_b, double df_b,
				 double level, SvyDiffResult *out)
{
	double		va = se_a * se_a,
				vb = se_b * se_b,
				v = va + vb,
				den = ws_term(va, df_a) + ws_term(vb, df_b);

	out->difference = est_a - est_b;
	out->std_error = sqrt(v);
	if (isnan(v) || isnan(out->difference))
	{
		out->ci_lower = out->ci_upper = out->statistic = out->df = out->p_value = NAN;
		return;
	}
	if (v == 0.0)
	{
		/* no sampling error: the interval is the point, there is no test */
		out->ci_lower = out->ci_upper = out->difference;
		out->statistic = out->df = out->p_value = NAN;
		return;
	}
	out->df = den == 0.0 ? INFINITY : v * v / den;
	out->statistic = out->difference / out->std_error;
	out->p_value = svy_t_pvalue(out->statistic, out->df);
	svy_ci_symmetric(out->difference, out->std_error, level, out->df,
					 &out->ci_lower, &out->ci_upper);
}

void
svy_pool_sums_add(SvyPoolSums *s, double theta, double se, double df, double w)
{
	double		w2v = w * w * se * se;

	s->w += w;
	s->wtheta += w * theta;
	s->w2v += w2v;
	s->w2v_sq_df += ws_term(w2v, df);
}

void
svy_pool_sums_combine(SvyPoolSums *into, const SvyPoolSums *from)
{
	into->w += from->w;
	into->wtheta += from->wtheta;
	into->w2v += from->w2v;
	into->w2v_sq_df += from->w2v_sq_df;
	into->n += from->n;
}

void
svy_pool_sums_finish(const SvyPoolSums *s, double level, SvyPoolResult *out)
{
	/* a_i = w_i / W: the W^4 of the df's numerator and denominator cancel */
	out->estimate = s->wtheta / s->w;
	out->std_error = sqrt(s->w2v) / s->w;
	if (s->w2v == 0.0)
	{
		out->df = NAN;
		out->ci_lower = out->ci_upper = out->estimate;
		return;
	}
	out->df = s->w2v_sq_df == 0.0 ? INFINITY : s->w2v * s->w2v / s->w2v_sq_df;
	svy_ci_symmetric(out->estimate, out->std_error, level, out->df,
					 &out->ci_lower, &out->ci_upper);
}

/* ---------- NCHS Data Presentation Standards for Proportions ---------- */

/*
 * Parker JD, Talih M, Malec DJ, et al.  National Center for Health Statistics
 * Data Presentation Standards for Proportions.  Vital Health Stat 2(175).
 * 2017.  The order and details follow NCHS's own implementation (the
 * Korn-Graubard macro of the NCHS data presentation workgroup):
 *   n_eff = p(1-p)/SE^2 (n when p is 0 or 1), capped at n;
 *   Korn-Graubard 95% CI with the df-adjusted n_eff * (t_{n-1}/t_df)^2, also
 *   capped at n;
 *   suppress: n_eff < 30; CI width >= 0.30; width > 0.05 and width/p > 130%;
 *   otherwise review (flag): p = 0 or 1; df < 8;
 *   otherwise present, with a footnote when width > 0.05 and the complement's
 *   relative width width/(1-p) > 130%.
 */
void
svy_reliability_nchs(const SvyReliabilityInput *in, SvyReliabilityResult *out)
{
	double		p = in->p,
				var = in->se * in->se,
				n = in->n;
	int			boundary = (p == 0.0 || p == 1.0);
	unsigned	suppress = 0,
				review = 0;

	out->reasons = 0;
	out->n_eff = out->ci_lower = out->ci_upper = NAN;
	if (isnan(p) || isnan(in->se) || isnan(n))
	{
		out->status = SVY_RELIABLE_SUPPRESS;
		out->reasons = SVY_RR_NO_ESTIMATE;
		return;
	}
	out->n_eff = boundary ? n : fmin(p * (1.0 - p) / var, n);
	if (out->n_eff < 30.0)
		suppress |= SVY_RR_NEFF;

	{
		double		df = isnan(in->df) ? INFINITY : in->df;
		double		zq = isinf(df) ? qnorm(0.025, 0.0, 1.0, 1, 0) : qt(0.025, df, 1, 0);
		double		ratio = qt(0.025, n - 1.0, 1, 0) / zq;
		SvyPropInput kg = {p, var, df, 0.95, n, n, NAN};

		/* cap the df-adjusted effective sample size at n, as NCHS does */
		if (!boundary && p * (1.0 - p) * ratio * ratio > n * var)
			kg.var = p * (1.0 - p) * ratio * ratio / n;
		svy_ci_prop(SVY_CI_KORN_GRAUBARD, &kg, &out->ci_lower, &out->ci_upper);
	}
	{
		double		width = out->ci_upper - out->ci_lower;

		if (isnan(width))
			suppress |= SVY_RR_CI_UNDEFINED;
		else
		{
			if (width >= 0.30)
				suppress |= SVY_RR_CI_WIDTH;
			if (width > 0.05 && p > 0.0 && width / p > 1.30)
				suppress |= SVY_RR_REL_CI_WIDTH;
		}
		if (boundary)
			review |= SVY_RR_P_0_OR_1;
		if (in->df < 8.0)
			review |= SVY_RR_DF;

		if (suppress)
		{
			/* a suppressed estimate needs no review */
			out->status = SVY_RELIABLE_SUPPRESS;
			out->reasons = suppress;
		}
		else if (review)
		{
			out->status = SVY_RELIABLE_FLAG;
			out->reasons = review;
		}
		else
		{
			out->status = SVY_RELIABLE_OK;
			if (width > 0.05 && p < 1.0 && width / (1.0 - p) > 1.30)
				out->reasons = SVY_RR_COMPLEMENT;
		}
	}
}

const char *
svy_reliability_reason(unsigned bit)
{
	switch (bit)
	{
		case SVY_RR_NO_ESTIMATE:
			return "no_estimate";
		case SVY_RR_NEFF:
			return "n_eff<30";
		case SVY_RR_CI_WIDTH:
			return "ci_width>=0.30";
		case SVY_RR_REL_CI_WIDTH:
			return "relative_ci_width>130%";
		case SVY_RR_CI_UNDEFINED:
			return "ci_undefined";
		case SVY_RR_DF:
			return "df<8";
		case SVY_RR_P_0_OR_1:
			return "p=0_or_1";
		case SVY_RR_COMPLEMENT:
			return "complement_relative_ci_width>130%";
	}
	return NULL;
}

const char *
svy_reliability_status_name(SvyReliabilityStatus s)
{
	switch (s)
	{
		case SVY_RELIABLE_OK:
			return "ok";
		case SVY_RELIABLE_FLAG:
			return "flag";
		case SVY_RELIABLE_SUPPRESS:
			return "suppress";
	}
	return NULL;
}
