/*
 * moments.c — stable, mergeable co-moment accumulators (see moments.h).
 *
 * References:
 *   Welford, B. P. (1962).  Note on a method for calculating corrected sums
 *     of squares and products.  Technometrics 4(3), 419-420.  (The update
 *     by one item.)
 *   West, D. H. D. (1979).  Updating mean and variance estimates: an
 *     improved method.  Communications of the ACM 22(9), 532-535.  (The
 *     weighted update.)
 *   Chan, T. F., Golub, G. H. and LeVeque, R. J. (1982).  Updating formulae
 *     and a pairwise algorithm for computing sample variances.  COMPSTAT
 *     1982, Physica-Verlag, 30-41 (Stanford report STAN-CS-79-773, 1979).
 *     (The pairwise merge of two sets, svy_moments_between.)
 *   Chan, T. F., Golub, G. H. and LeVeque, R. J. (1983).  Algorithms for
 *     computing the sample variance: analysis and recommendations.  The
 *     American Statistician 37(3), 242-247.  (Its rounding-error analysis.)
 */
#include "moments.h"

void
svy_comoments_add(SvyCoMoments *m, double a, double b)
{
	double		n = m->n + 1.0;
	double		da = a - m->mean_a;
	double		db = b - m->mean_b;

	m->mean_a += da / n;
	m->mean_b += db / n;
	/* products of the deviation before and after the update (Welford) */
	m->m_aa += da * (a - m->mean_a);
	m->m_ab += da * (b - m->mean_b);
	m->m_bb += db * (b - m->mean_b);
	m->n = n;
}

/* the weighted merge with unit weights: (n, a, b) are (w, y, x) there */
void
svy_comoments_merge(SvyCoMoments *into, const SvyCoMoments *from)
{
	SvyWMoments i = {into->n, into->mean_a, into->mean_b, into->m_aa, into->m_ab, into->m_bb};
	SvyWMoments f = {from->n, from->mean_a, from->mean_b, from->m_aa, from->m_ab, from->m_bb};

	svy_wmoments_merge(&i, &f);
	into->n = i.w;
	into->mean_a = i.mean_y;
	into->mean_b = i.mean_x;
	into->m_aa = i.c_yy;
	into->m_ab = i.c_xy;
	into->m_bb = i.c_xx;
}

void
svy_comoments_shift(SvyCoMoments *m, double d)
{
	m->m_aa += 2.0 * d * m->m_ab + d * d * m->m_bb;
	m->m_ab += d * m->m_bb;
	m->mean_a += d * m->mean_b;
}

double
svy_comoments_ss(const SvyCoMoments *m, double r)
{
	double		ss = m->m_aa - 2.0 * r * m->m_ab + r * r * m->m_bb;

	/* a sum of squares: rounding must not make it negative */
	return ss > 0.0 ? ss : 0.0;
}

void
svy_wmoments_merge(SvyWMoments *into, const SvyWMoments *from)
{
	double		W,
				dy,
				dx;

	if (from->w == 0)
		return;
	if (into->w == 0)
	{
		*into = *from;
		return;
	}
	W = into->w + from->w;
	dy = from->mean_y - into->mean_y;
	dx = from->mean_x - into->mean_x;
	into->c_yy += from->c_yy + svy_moments_between(into->w, from->w, dy, dy);
	into->c_xy += from->c_xy + svy_moments_between(into->w, from->w, dx, dy);
	into->c_xx += from->c_xx + svy_moments_between(into->w, from->w, dx, dx);
	into->mean_y += dy * from->w / W;
	into->mean_x += dx * from->w / W;
	into->w = W;
}
