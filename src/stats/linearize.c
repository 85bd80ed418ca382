/*
 * linearize.c — one-stage Taylor variance as R's svyrecvar/onestrat.
 *
 * References:
 *   Binder, D. A. (1983).  On the variances of asymptotically normal
 *     estimators from complex surveys.  International Statistical Review
 *     51(3), 279-292.  (The linearized, "sandwich" variance: an estimator
 *     is replaced by the total of its scores, whose design variance the
 *     with-replacement formula below gives.)
 *   Wolter, K. M. (2007).  Introduction to Variance Estimation, 2nd ed.
 *     Springer.  (Taylor series method; between-PSU variance per stratum.)
 *   Lumley, T. (2004).  Analysis of complex survey samples.  Journal of
 *     Statistical Software 9(8), 1-19.  (R's survey package, whose svyrecvar
 *     this follows, lonely PSUs and the multistage second stage included.
 *     The package's citation() gives issue 1; the article is v009i08.)
 */
#include <math.h>
#include <stddef.h>

#include "linearize.h"

/* R treats a stratum whose every f_h is below this as sampled with certainty. */
#define SVY_CERTAINTY_EPS 1e-7

SvyStatus
svy_fpc_factor(double fpc, double n_psu, double *f)
{
	if (fpc <= 0.0)
		*f = 1.0;
	else if (fpc <= 1.0)
		*f = 1.0 - fpc;			/* a sampling fraction n_h / N_h */
	else if (fpc < n_psu)
		return SVY_ERR_FPC;
	else
		*f = (fpc - n_psu) / fpc;
	return SVY_OK;
}

SvyStatus
svy_covariance_add(SvyCovariance *c, double n_psu, double fpc,
				   const double *sum, const double *cross, const bool *present)
{
	return svy_covariance_add_subset(c, n_psu, fpc, c->k, NULL, sum, cross, present);
}

/* index into v of row i, column j of the subset */
#define SUBSET_V(i, j) \
	(idx ? (size_t) idx[i] * c->k + idx[j] : (size_t) (i) * c->k + (j))

SvyStatus
svy_covariance_add_subset(SvyCovariance *c, double n_psu, double fpc, int m,
						  const int *idx, const double *sum, const double *cross,
						  const bool *present)
{
	int			k = m;
	double		f;
	bool		any = false;
	bool		left_out;

	if (svy_fpc_factor(fpc, n_psu, &f) != SVY_OK)
		return SVY_ERR_FPC;
	/* a lonely stratum that "average" leaves out of nokstrat */
	left_out = n_psu <= 1.0 && f >= SVY_CERTAINTY_EPS && c->lonely == SVY_LONELY_AVERAGE;
	for (int i = 0; i < k; i++)
		any |= present[i];
	if (c->nstrata == NULL)
	{
		c->shared_nstrata += any;
		c->shared_n_ok += any && !left_out;
	}
	else
		for (int i = 0; i < k; i++)
		{
			int			t = idx ? idx[i] : i;

			c->nstrata[t] += present[i];
			c->n_ok[t] += present[i] && !left_out;
		}
	if (!any)
		return SVY_OK;			/* no domain rows: R's subset drops the stratum */
	if (f < SVY_CERTAINTY_EPS)
		return SVY_OK;			/* certainty stratum: no variance, never lonely */

	if (n_psu > 1.0)
	{
		double		scale = f * n_psu / (n_psu - 1.0);

		for (int i = 0; i < k; i++)
			for (int j = 0; j < k; j++)
				c->v[SUBSET_V(i, j)] += scale * cross[i * k + j];
		return SVY_OK;
	}

	/* a lonely PSU */
	switch (c->lonely)
	{
		case SVY_LONELY_FAIL:
			return SVY_ERR_LONELY;
		case SVY_LONELY_REMOVE:
		case SVY_LONELY_CERTAINTY:
			break;				/* centred at its own mean: contributes 0 */
		case SVY_LONELY_ADJUST:
			/* centred at zero, the grand mean of the scores (survey 4.1.1) */
			for (int i = 0; i < k; i++)
				for (int j = 0; j < k; j++)
					c->v[SUBSET_V(i, j)] += f * sum[i] * sum[j];
			break;
		case SVY_LONELY_AVERAGE:
			break;				/* left out of n_ok above */
	}
	return SVY_OK;
}

void
svy_covariance_finish(SvyCovariance *c)
{
	int			k = c->k;

	if (c->lonely != SVY_LONELY_AVERAGE)
		return;
	if (c->nstrata == NULL)
	{
		double		factor;

		if (c->shared_n_ok == c->shared_nstrata)
			return;
		/* every stratum lonely: R's 0 / 0 */
		factor = c->shared_n_ok > 0 ? (double) c->shared_nstrata / c->shared_n_ok : NAN;
		for (int i = 0; i < k * k; i++)
			c->v[i] *= factor;
		return;
	}
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
		{
			int			ni = c->nstrata[i],
						nj = c->nstrata[j],
						oi = c->n_ok[i],
						oj = c->n_ok[j];

			if (ni == oi && nj == oj)
				continue;
			/* every stratum lonely: R's 0 / 0 */
			c->v[i * k + j] *= oi > 0 && oj > 0 ? sqrt((double) ni / oi * nj / oj) : NAN;
		}
}

double
svy_stage1_fraction(double fpc, double n_psu)
{
	if (fpc <= 0.0)
		return 0.0;
	return fpc <= 1.0 ? fpc : n_psu / fpc;
}

SvyStatus
svy_covariance_add_stage2(SvyCovariance *c, double n_units, double fpc2, double fraction,
						  const double *sum, const double *cross, const bool *present)
{
	int			k = c->k;
	double		f;
	bool		any = present == NULL;

	if (svy_fpc_factor(fpc2, n_units, &f) != SVY_OK)
		return SVY_ERR_FPC2;
	for (int i = 0; i < k && !any; i++)
		any = present[i];
	if (!any || fraction == 0.0 || f < SVY_CERTAINTY_EPS)
		return SVY_OK;
	if (n_units > 1.0)
	{
		double		scale = fraction * f * n_units / (n_units - 1.0);

		for (int i = 0; i < k * k; i++)
			c->v[i] += scale * cross[i];
		return SVY_OK;
	}
	switch (c->lonely)
	{
		case SVY_LONELY_FAIL:
			return SVY_ERR_LONELY2;
		case SVY_LONELY_REMOVE:
		case SVY_LONELY_CERTAINTY:
			break;
		case SVY_LONELY_ADJUST:
			/* not centred (survey 4.1.1): the PSU's own total */
			for (int i = 0; i < k; i++)
				for (int j = 0; j < k; j++)
					c->v[i * k + j] += fraction * f * sum[i] * sum[j];
			break;
		case SVY_LONELY_AVERAGE:
			for (int i = 0; i < k; i++)
				for (int j = 0; j < k; j++)
					if (present == NULL || (present[i] && present[j]))
						c->v[i * k + j] = NAN;
			break;
	}
	return SVY_OK;
}

SvyStatus
svy_taylor_variance(const SvyStratumTotals *strata, int nstrata,
					const SvyStage2Totals *stage2, int nstage2, double r,
					SvyLonely lonely, double *variance, int *bad_stratum)
{
	/* the 1 x 1 case of the covariance of t = a - r b */
	double		v = 0.0;
	int			nstrat = 0,
				nokstrat = 0;
	SvyCovariance c = {1, &v, lonely, &nstrat, &nokstrat, 0, 0};

	for (int h = 0; h < nstrata; h++)
	{
		const SvyCoMoments *m = &strata[h].psu;
		double		sum = m->n * (m->mean_a - r * m->mean_b);
		double		cross = svy_comoments_ss(m, r);
		SvyStatus	status = svy_covariance_add(&c, m->n, strata[h].fpc, &sum, &cross,
												&strata[h].in_domain);

		if (status != SVY_OK)
		{
			*bad_stratum = h;
			return status;
		}
	}
	svy_covariance_finish(&c);
	for (int i = 0; i < nstage2; i++)
	{
		const SvyCoMoments *m = &stage2[i].units;
		double		sum = m->n * m->mean_a;
		double		cross = svy_comoments_ss(m, 0.0);
		bool		present = stage2[i].present;
		SvyStatus	status = svy_covariance_add_stage2(&c, m->n, stage2[i].fpc2,
													   stage2[i].fraction, &sum, &cross,
													   &present);

		if (status != SVY_OK)
		{
			*bad_stratum = i;
			return status;
		}
	}
	*variance = v;
	return SVY_OK;
}
