/*
 * zeroin.h — a root of f in [a, b] by Brent's method, step for step as R's
 * uniroot() (R_zeroin2 in R's stats/src/zeroin.c, R 4.2), so that a root
 * of a step function (R's svyquantile score interval) lands where R's does.
 * No postgres.h here.
 */
#ifndef SVY_ZEROIN_H
#define SVY_ZEROIN_H

typedef double (*SvyZeroinFn) (double x, void *info);

typedef enum SvyZeroinStatus
{
	SVY_ZEROIN_OK = 0,
	SVY_ZEROIN_NAN_END,			/* f(lower) or f(upper) is NaN */
	SVY_ZEROIN_SAME_SIGN,		/* f(lower), f(upper) not of opposite sign */
	SVY_ZEROIN_BAD_RANGE,		/* lower >= upper */
	SVY_ZEROIN_NO_CONVERGENCE	/* maxit iterations (R warns, keeps the point) */
} SvyZeroinStatus;

/*
 * R's uniroot(f, c(lower, upper), tol = tol, maxiter = maxit): the checks
 * uniroot makes (they are errors in R), then Brent's iteration.  f values
 * inside the iteration that are not finite become -DBL_MAX (for -Inf) or
 * DBL_MAX (else), as R's wrapper does.  *root is set unless an error.
 */
extern SvyZeroinStatus svy_uniroot(SvyZeroinFn f, void *info, double lower, double upper,
								   double tol, int maxit, double *root);

#endif
