/*
 * ldouble.h — long double sums with the precision of x86-64's, everywhere.
 *
 * R accumulates cumulative weights (cumsum) and the saddlepoint sums in long
 * double, and so does this library: on x86-64 that is the 80-bit x87 format,
 * a 64-bit mantissa (LDBL_MANT_DIG 64), and the code relies on it (a sum
 * split into two doubles, hi + lo, is exact: 64 - 53 bits are left).  Where
 * long double is wider (aarch64, s390x: IEEE quad, 113 bits), svy_ld rounds
 * each accumulated result to 64 bits, so sums, and the estimates that
 * compare against them, are the same as on x86-64.  Where long double is
 * only a double (LDBL_MANT_DIG 53), the sums are doubles, as R's are there.
 * No postgres.h here.
 */
#ifndef SVY_LDOUBLE_H
#define SVY_LDOUBLE_H

#include <float.h>
#include <math.h>

#define SVY_LD_MANT_DIG 64

static inline long double
svy_ld(long double x)
{
#if LDBL_MANT_DIG > SVY_LD_MANT_DIG
	int			e;

	if (x == 0 || !isfinite(x))
		return x;
	/* to nearest (even) at 64 significant bits, as an x87 result */
	return ldexpl(rintl(ldexpl(frexpl(x, &e), SVY_LD_MANT_DIG)), e - SVY_LD_MANT_DIG);
#else
	return x;
#endif
}

/*
 * x87 arithmetic: one operation, its result rounded to 64 bits (on x86-64
 * the plain operation).  Long double expressions of the library are written
 * with these or svy_ld, so that no intermediate keeps more bits elsewhere.
 */
static inline long double
svy_ld_add(long double a, long double b)
{
	return svy_ld(a + b);
}

static inline long double
svy_ld_sub(long double a, long double b)
{
	return svy_ld(a - b);
}

static inline long double
svy_ld_mul(long double a, long double b)
{
	return svy_ld(a * b);
}

static inline long double
svy_ld_div(long double a, long double b)
{
	return svy_ld(a / b);
}

#endif
