/*
 * rank.h — incremental numerical rank of a set of vectors (rows of the
 * replicate-weight matrix), for R's degf of a replicate design: the rank of
 * the analysis weights minus one.  Keeps an orthonormal basis of at most
 * dim vectors, so memory is bounded by the number of replicates, never the
 * number of rows; once the rank is full, further rows cost nothing.  The
 * basis grows with the rank (the host allocates it: the caller makes room
 * before svy_rank_add), so a domain or a state of few rows keeps few vectors.
 * No postgres.h here.
 */
#ifndef SVY_RANK_H
#define SVY_RANK_H

typedef struct SvyRank
{
	int			dim;			/* vector length (number of replicates) */
	int			rank;			/* basis vectors held */
	int			cap;			/* vectors basis has room for */
	double	   *basis;			/* rank x dim, orthonormal rows; cap x dim allocated */
} SvyRank;

/* Relative tolerance below which a residual counts as dependent (R: qr tol 1e-5). */
#define SVY_RANK_TOL 1e-5

/* Add v (dim values; scratch: dim doubles of work space); needs rank < cap. */
extern void svy_rank_add(SvyRank *r, const double *v, double *scratch);

static inline int
svy_rank_full(const SvyRank *r)
{
	return r->rank >= r->dim;
}

/* Must the basis grow before the next svy_rank_add? */
static inline int
svy_rank_needs_room(const SvyRank *r)
{
	return r->rank >= r->cap && !svy_rank_full(r);
}

#endif
