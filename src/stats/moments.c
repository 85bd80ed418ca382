/*
 * moments.c — stable, mergeable co-moment accumulators (see moments.h).
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

void
svy_comoments_merge(SvyCoMoments *into, const SvyCoMoments *from)
{
	double		n;
	double		da,
				db,
				f;

	if (from->n == 0)
		return;
	if (into->n == 0)
	{
		*into = *from;
		return;
	}
	n = into->n + from->n;
	da = from->mean_a - into->mean_a;
	db = from->mean_b - into->mean_b;
	f = into->n * from->n / n;
	into->m_aa += from->m_aa + da * da * f;
	into->m_ab += from->m_ab + da * db * f;
	into->m_bb += from->m_bb + db * db * f;
	into->mean_a += da * from->n / n;
	into->mean_b += db * from->n / n;
	into->n = n;
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
svy_wmoments_add(SvyWMoments *m, double w, double y, double x)
{
	double		W = m->w + w;
	double		dy,
				dx;

	if (w == 0.0)
		return;
	dy = y - m->mean_y;
	dx = x - m->mean_x;
	/* w / W first: the first row's mean is then exactly its value */
	m->mean_y += dy * (w / W);
	m->mean_x += dx * (w / W);
	m->c_yy += w * dy * (y - m->mean_y);
	m->c_xy += w * dx * (y - m->mean_y);
	m->c_xx += w * dx * (x - m->mean_x);
	m->w = W;
}

void
svy_wmoments_merge(SvyWMoments *into, const SvyWMoments *from)
{
	double		W,
				dy,
				dx,
				f;

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
	f = into->w * from->w / W;
	into->c_yy += from->c_yy + dy * dy * f;
	into->c_xy += from->c_xy + dx * dy * f;
	into->c_xx += from->c_xx + dx * dx * f;
	into->mean_y += dy * from->w / W;
	into->mean_x += dx * from->w / W;
	into->w = W;
}
