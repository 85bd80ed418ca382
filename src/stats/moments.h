/*
 * moments.h — mergeable, numerically stable accumulators.
 *
 * Two shapes are needed by the estimators:
 *   - SvyCoMoments: unweighted co-moments of a pair (a, b) over a set of
 *     items (PSU totals within a stratum).  The Taylor variance of any
 *     linear statistic a - r*b is then a closed form in them.
 *   - SvyWMoments: weighted moments of a pair (y, x) over rows (weights w),
 *     for the simple-random-sampling variance behind design effects.
 *
 * Both use Welford/West updates and Chan et al.'s pairwise merge, so
 * accumulating in any order or in parallel gives the same result up to
 * rounding, without the cancellation of sum-of-squares formulas.
 *
 * This file does not include postgres.h: it is plain C, unit-tested alone.
 */
#ifndef SVY_MOMENTS_H
#define SVY_MOMENTS_H

#include <stdint.h>

typedef struct SvyCoMoments
{
	double		n;			/* number of items */
	double		mean_a;
	double		mean_b;
	double		m_aa;		/* sum (a - mean_a)^2 */
	double		m_ab;		/* sum (a - mean_a)(b - mean_b) */
	double		m_bb;		/* sum (b - mean_b)^2 */
} SvyCoMoments;

typedef struct SvyWMoments
{
	double		w;			/* sum of weights */
	double		mean_y;		/* weighted means */
	double		mean_x;
	double		c_yy;		/* sum w (y - mean_y)^2 */
	double		c_xy;		/* sum w (x - mean_x)(y - mean_y) */
	double		c_xx;		/* sum w (x - mean_x)^2 */
} SvyWMoments;

/*
 * A sum kept as hi + lo (Knuth's TwoSum; about 106 bits), so that adding in
 * any order (serial, parallel, merged) rounds to the same double but in
 * rare near-ties: estimates that are ratios of such sums agree exactly, and
 * so do differences of nearly equal estimates.
 */
typedef struct SvySum
{
	double		hi;
	double		lo;
} SvySum;

static inline void
svy_sum_add(SvySum *s, double x)
{
	double		t = s->hi + x;
	double		bp = t - s->hi;

	s->lo += (s->hi - (t - bp)) + (x - bp);
	s->hi = t;
}

static inline void
svy_sum_merge(SvySum *into, const SvySum *from)
{
	svy_sum_add(into, from->hi);
	into->lo += from->lo;
}

static inline double
svy_sum_value(const SvySum *s)
{
	return s->hi + s->lo;
}

/*
 * Chan, Golub & LeVeque (1982): pooling two sets of weight na and nb (items,
 * or sums of weights) whose means of a and of b differ by da and db adds
 * da db na nb / (na + nb) to their centred cross-product (to a sum of
 * squared deviations when a is b).  Every merge of moments goes through it.
 */
static inline double
svy_moments_between(double na, double nb, double da, double db)
{
	return da * db * (na * nb / (na + nb));
}

extern void svy_comoments_add(SvyCoMoments *m, double a, double b);
extern void svy_comoments_merge(SvyCoMoments *into, const SvyCoMoments *from);
/* Shift every item's a by d*b: the co-moments of (a + d b, b). */
extern void svy_comoments_shift(SvyCoMoments *m, double d);
/* Sum over items of (t - mean t)^2 with t = a - r b. */
extern double svy_comoments_ss(const SvyCoMoments *m, double r);

/* Add a row (inline: the linear estimators add every row). */
static inline void
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
extern void svy_wmoments_merge(SvyWMoments *into, const SvyWMoments *from);

#endif
