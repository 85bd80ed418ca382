/*
 * linearize.c — one-stage Taylor variance as R's svyrecvar/onestrat.
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
				   const double *sum, const double *cross)
{
	return svy_covariance_add_subset(c, n_psu, fpc, c->k, NULL, sum, cross);
}

/* index into v of row i, column j of the subset */
#define SUBSET_V(i, j) \
	(idx ? (size_t) idx[i] * c->k + idx[j] : (size_t) (i) * c->k + (j))

SvyStatus
svy_covariance_add_subset(SvyCovariance *c, double n_psu, double fpc, int m,
						  const int *idx, const double *sum, const double *cross)
{
	int			k = m;
	double		f;

	if (svy_fpc_factor(fpc, n_psu, &f) != SVY_OK)
		return SVY_ERR_FPC;
	c->nstrata++;
	c->n_ok++;
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
			c->n_ok--;
			break;
	}
	return SVY_OK;
}

void
svy_covariance_finish(SvyCovariance *c)
{
	double		factor;

	if (c->lonely != SVY_LONELY_AVERAGE || c->n_ok == c->nstrata)
		return;
	factor = c->n_ok > 0 ? (double) c->nstrata / c->n_ok : NAN;
	for (int i = 0; i < c->k * c->k; i++)
		c->v[i] *= factor;
}

SvyStatus
svy_taylor_variance(const SvyStratumTotals *strata, int nstrata, double r,
					SvyLonely lonely, double *variance, int *bad_stratum)
{
	/* the 1 x 1 case of the covariance of t = a - r b */
	double		v = 0.0;
	SvyCovariance c = {1, &v, lonely, 0, 0};

	for (int h = 0; h < nstrata; h++)
	{
		const SvyCoMoments *m = &strata[h].psu;
		double		sum = m->n * (m->mean_a - r * m->mean_b);
		double		cross = svy_comoments_ss(m, r);
		SvyStatus	status = svy_covariance_add(&c, m->n, strata[h].fpc, &sum, &cross);

		if (status != SVY_OK)
		{
			*bad_stratum = h;
			return status;
		}
	}
	svy_covariance_finish(&c);
	*variance = v;
	return SVY_OK;
}
