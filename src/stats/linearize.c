/*
 * linearize.c — one-stage Taylor variance as R's svyrecvar/onestrat.
 */
#include <math.h>

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
svy_taylor_variance(const SvyStratumTotals *strata, int nstrata, double r,
					SvyLonely lonely, double *variance, int *bad_stratum)
{
	double		total = 0.0;
	int			n_ok = 0;		/* strata counted by "average" */

	for (int h = 0; h < nstrata; h++)
	{
		const SvyCoMoments *m = &strata[h].psu;
		double		f;

		if (svy_fpc_factor(strata[h].fpc, m->n, &f) != SVY_OK)
		{
			*bad_stratum = h;
			return SVY_ERR_FPC;
		}
		n_ok++;
		if (f < SVY_CERTAINTY_EPS)
			continue;			/* certainty stratum: no variance, never lonely */

		if (m->n > 1.0)
		{
			total += f * m->n / (m->n - 1.0) * svy_comoments_ss(m, r);
			continue;
		}

		/* a lonely PSU */
		switch (lonely)
		{
			case SVY_LONELY_FAIL:
				*bad_stratum = h;
				return SVY_ERR_LONELY;
			case SVY_LONELY_REMOVE:
			case SVY_LONELY_CERTAINTY:
				break;			/* centred at its own mean: contributes 0 */
			case SVY_LONELY_ADJUST:
				{
					/* centred at zero, the grand mean of the scores */
					double		t = m->mean_a - r * m->mean_b;

					total += f * t * t;
				}
				break;
			case SVY_LONELY_AVERAGE:
				n_ok--;
				break;
		}
	}

	if (lonely == SVY_LONELY_AVERAGE && n_ok < nstrata)
		total = n_ok > 0 ? total * nstrata / n_ok : NAN;
	*variance = total;
	return SVY_OK;
}
