/*
 * zeroin.c — Brent's root finder in the form R's uniroot() runs it
 * (Brent, R. P. (1973).  Algorithms for Minimization without Derivatives,
 * chapter 4.  Prentice-Hall).
 *
 * The iteration keeps b (the best point), a (the previous b) and c (a point
 * where f has the sign opposite to f(b)), and steps by inverse quadratic or
 * linear interpolation when that stays well inside [b, c], else bisects;
 * steps shorter than tol_act = 2 eps |b| + tol / 2 are lengthened to it.
 */
#include <float.h>
#include <math.h>

#include "handlers.h"
#include "zeroin.h"

/* R's fcn2(): non-finite values keep their sign as +-DBL_MAX, NaN is DBL_MAX */
static double
call(SvyZeroinFn f, void *info, double x)
{
	double		v = f(x, info);

	if (isfinite(v))
		return v;
	return v == -INFINITY ? -DBL_MAX : DBL_MAX;
}

static int
sign(double v)
{
	return (v > 0) - (v < 0);
}

SvyZeroinStatus
svy_uniroot(SvyZeroinFn f, void *info, double lower, double upper,
			double tol, int maxit, double *root)
{
	double		a,
				b,
				c,
				fa,
				fb,
				fc;
	int			left;

	if (!(lower < upper))
		return SVY_ZEROIN_BAD_RANGE;
	fa = f(lower, info);
	fb = f(upper, info);
	if (isnan(fa) || isnan(fb))
		return SVY_ZEROIN_NAN_END;
	if (sign(fa) * sign(fb) > 0)
		return SVY_ZEROIN_SAME_SIGN;

	a = lower;
	b = upper;
	c = a;
	fc = fa;
	if (fa == 0.0)
	{
		*root = a;
		return SVY_ZEROIN_OK;
	}
	if (fb == 0.0)
	{
		*root = b;
		return SVY_ZEROIN_OK;
	}
	for (left = maxit + 1; left-- > 0;)
	{
		double		prev_step = b - a;
		double		tol_act,
					p,
					q,
					new_step;

		svy_check_interrupts();
		if (fabs(fc) < fabs(fb))
		{
			/* b the best approximation */
			a = b;
			b = c;
			c = a;
			fa = fb;
			fb = fc;
			fc = fa;
		}
		tol_act = 2 * DBL_EPSILON * fabs(b) + tol / 2;
		new_step = (c - b) / 2;
		if (fabs(new_step) <= tol_act || fb == 0.0)
		{
			*root = b;
			return SVY_ZEROIN_OK;
		}
		/* interpolate if the last step was large enough and went the right way */
		if (fabs(prev_step) >= tol_act && fabs(fa) > fabs(fb))
		{
			double		t1,
						t2,
						cb = c - b;

			if (a == c)
			{
				/* two distinct points: linear */
				t1 = fb / fa;
				p = cb * t1;
				q = 1.0 - t1;
			}
			else
			{
				/* inverse quadratic */
				q = fa / fc;
				t1 = fb / fc;
				t2 = fb / fa;
				p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
				q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
			}
			if (p > 0)
				q = -q;
			else
				p = -p;
			if (p < (0.75 * cb * q - fabs(tol_act * q) / 2) && p < fabs(prev_step * q / 2))
				new_step = p / q;
		}
		if (fabs(new_step) < tol_act)
			new_step = new_step > 0 ? tol_act : -tol_act;
		a = b;
		fa = fb;
		b += new_step;
		fb = call(f, info, b);
		if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0))
		{
			/* c on the other side of the root from b */
			c = a;
			fc = fa;
		}
	}
	*root = b;
	return SVY_ZEROIN_NO_CONVERGENCE;
}
