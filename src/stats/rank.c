/*
 * rank.c — incremental rank by modified Gram-Schmidt with re-orthogonalization.
 */
#include <math.h>
#include <string.h>

#include "handlers.h"
#include "rank.h"

static double
dot(const double *a, const double *b, int n)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

void
svy_rank_add(SvyRank *r, const double *v, double *scratch)
{
	int			n = r->dim;
	double		norm0 = sqrt(dot(v, v, n));
	double		norm;

	if (svy_rank_full(r) || norm0 == 0.0)
		return;
	memcpy(scratch, v, sizeof(double) * n);
	/* two passes of projection keep the basis orthonormal in floating point */
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < r->rank; k++)
		{
			const double *q = r->basis + (size_t) k * n;
			double		c = dot(scratch, q, n);

			svy_check_interrupts();
			for (int i = 0; i < n; i++)
				scratch[i] -= c * q[i];
		}
	norm = sqrt(dot(scratch, scratch, n));
	if (norm <= SVY_RANK_TOL * norm0)
		return;
	for (int i = 0; i < n; i++)
		r->basis[(size_t) r->rank * n + i] = scratch[i] / norm;
	r->rank++;
}
