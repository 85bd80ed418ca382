/*
 * radix.h — a stable MSD radix sort of weighted cells by value, for the
 * quantile state (src/quantile_store.c), which sorts millions of them.
 *
 * A cell is one distinct (value, unit) of a weighted distribution; it may
 * carry one double beside it in a parallel array (m2: the spread of its
 * weights), which moves with it.  Values sort in the order of doubles
 * through an unsigned key (svy_x_key; no NaN).
 *
 * This file does not include postgres.h: it is plain C, unit-tested alone.
 */
#ifndef SVY_RADIX_H
#define SVY_RADIX_H

#include <stdint.h>
#include <string.h>

typedef struct SvyCell
{
	double		x;				/* the value (never -0) */
	double		w;				/* sum of w: w + w_lo is a long double sum */
	double		w_lo;			/* (R's cumsum; no long double in palloc'd memory) */
	int32_t		unit;			/* Taylor: PSU or stratum index; replicate: slot in rw */
	int32_t		n;				/* rows with w != 0 */
} SvyCell;

/* ranges of at most this many cells are sorted by insertion */
#define SVY_RADIX_LEAF	24

/* the bits of a double as an unsigned key in the double's order (no NaN) */
static inline uint64_t
svy_x_key(double x)
{
	uint64_t	u;

	memcpy(&u, &x, sizeof(u));
	return (u & UINT64_C(0x8000000000000000)) ? ~u : (u | UINT64_C(0x8000000000000000));
}

/* the double of a key (svy_x_key's inverse) */
static inline double
svy_key_x(uint64_t k)
{
	uint64_t	u = (k & UINT64_C(0x8000000000000000)) ? (k & ~UINT64_C(0x8000000000000000)) : ~k;
	double		x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

/* the position of the highest set bit of v (v != 0), 0..63 */
static inline int
svy_top_bit64(uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
	return 63 - __builtin_clzll(v);
#else
	int			b = 0;

	while (v >>= 1)
		b++;
	return b;
#endif
}

/*
 * Sort a[0..n-1] by x, stably, with m2 (NULL: none) moving along; t (and
 * tm, when m2 is given) are n cells of scratch (unused when n <=
 * SVY_RADIX_LEAF: may then be NULL).  Polls svy_check_interrupts().
 */
extern void svy_radix_sort(SvyCell *a, double *m2, int64_t n, SvyCell *t, double *tm);

#endif
