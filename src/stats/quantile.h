/*
 * quantile.h — the quantile rules of R's survey::svyquantile (survey 4.1.1:
 * qrule_math, qrule_school, qrule_shahvaish, qrule_hf1 ... qrule_hf9) on a
 * weighted distribution summarised by its distinct values, and the parts of
 * its intervals that need no design (the Woodruff transforms of P, the
 * score interval's search).  No postgres.h here.
 *
 * The input is the sorted list of distinct values x_1 < ... < x_G with, for
 * each, the summed weight (in long double, as R's cumsum accumulates) and
 * the number of rows with a non-zero weight.  The weight sum is a long
 * double split into two doubles (stored structs must not hold long double:
 * palloc'd memory is not 16-byte aligned).  Rows with weight 0 are not in
 * the list (R drops them).
 *
 * math (= hf1), school (= hf2) and hf3 are exact for any data: they depend
 * on the cumulative weights at the end of each run of tied values only, and
 * (R's quirk) on whether the smallest value is tied.  hf4 to hf9 interpolate
 * between plotting positions that R computes per row (shahvaish steps at
 * them), so with tied values of different weights R's answer depends on the
 * row order; here a run of ties
 * is taken as rows of equal weight (its mean weight), which is R's answer
 * whenever tied rows have equal weights (e.g. within a stratum, or without
 * ties at all).
 */
#ifndef SVY_QUANTILE_H
#define SVY_QUANTILE_H

#include <stdbool.h>
#include <stdint.h>

#include "ldouble.h"

typedef enum SvyQRule
{
	SVY_QRULE_MATH = 1,			/* = hf1 */
	SVY_QRULE_SCHOOL,			/* = hf2 */
	SVY_QRULE_HF3,
	SVY_QRULE_HF4,
	SVY_QRULE_HF5,
	SVY_QRULE_HF6,
	SVY_QRULE_HF7,
	SVY_QRULE_HF8,
	SVY_QRULE_HF9,
	SVY_QRULE_SHAHVAISH			/* Shah & Vaish: steps at (S_k + 1/2 - w_k / 2) / (n + 1) */
} SvyQRule;

/*
 * R's interval.type: the Woodruff interval for P = share of the weight at
 * values <= the quantile (mean: P +- t SE; beta, xlogit, asin: the CI of
 * P as svyciprop's), mapped back through the rule; score: Francisco and
 * Fuller's test inverted by uniroot; quantile (replicate designs): the
 * quantile +- t SE of the replicate quantiles.
 */
typedef enum SvyQInterval
{
	SVY_QCI_MEAN = 0,
	SVY_QCI_BETA,
	SVY_QCI_XLOGIT,
	SVY_QCI_ASIN,
	SVY_QCI_SCORE,
	SVY_QCI_QUANTILE
} SvyQInterval;

typedef struct SvyQValue
{
	double		x;				/* the value */
	double		w;				/* sum of its rows' weights (> 0) ... */
	double		w_lo;			/* ... is w + w_lo exactly (a long double sum) */
	double		n;				/* its rows with non-zero weight (>= 1) */
} SvyQValue;

/*
 * The distribution is read as a stream of its distinct values in
 * increasing order, so that it never has to be in memory at once (the
 * caller may merge sorted runs of cells on the fly).  next gives the next
 * value (false after the last); rewind starts again from the first; mark
 * remembers the position before the next value as mark k (0, 1, ...) and
 * seek goes back to mark k, so that a rule can start reading near its
 * answer instead of at the first value.
 */
typedef struct SvyQStream SvyQStream;
struct SvyQStream
{
	bool		(*next) (SvyQStream *st, SvyQValue *v);
	void		(*rewind) (SvyQStream *st);
	void		(*mark) (SvyQStream *st, int64_t k);
	void		(*seek) (SvyQStream *st, int64_t k);
};

/* every SVY_QMARK_STEP-th value is marked */
#define SVY_QMARK_STEP 1024

/* a marked value: its index, x, and the cumulative weight before and after it */
typedef struct SvyQMark
{
	int64_t		index;
	double		x;
	double		before;			/* long double sums split into two doubles */
	double		before_lo;
	double		after;
	double		after_lo;
} SvyQMark;

/* A stream and what every rule needs of it, read in one pass by svy_qdist_init. */
typedef struct SvyQDist
{
	SvyQStream *st;
	double		total;			/* the weight summed in order (R's cumsum) ... */
	double		total_lo;		/* ... is total + total_lo (a long double sum) */
	int64_t		nv;				/* distinct values */
	SvyQValue	first;			/* (when nv >= 1) */
	SvyQValue	second;			/* (when nv >= 2) */
	SvyQValue	last;			/* (when nv >= 1) */
	SvyQMark   *marks;			/* the caller's room for maxmarks marks */
	int64_t		maxmarks;
	int64_t		nmarks;
} SvyQDist;

/* Parse a rule name (math, school, shahvaish, hf1 ... hf9); -1 if unknown. */
extern int	svy_qrule_parse(const char *name);
extern const char *svy_qrule_names(void);

/* Parse an interval type (mean, beta, xlogit, asin, score, quantile); -1 if unknown. */
extern int	svy_qinterval_parse(const char *name);
extern const char *svy_qinterval_names(void);

/*
 * Read the stream once for its total weight, its first, second and last
 * values and its marks (as many as fit in marks[maxmarks]; a stream of nv
 * values needs nv / SVY_QMARK_STEP + 1).
 */
extern void svy_qdist_init(SvyQDist *d, SvyQStream *st, SvyQMark *marks, int64_t maxmarks);
/*
 * The p-quantile (0 <= p <= 1) of the distribution under the rule; NaN if
 * it has no values or p is outside [0, 1].  Reads the stream from the last
 * mark below p.
 */
extern double svy_qrule(const SvyQDist *d, int rule, double p);

/* Share of the weight at values <= q: sum_{x <= q} w / sum w, in long double. */
extern double svy_qshare(const SvyQDist *d, double q);

/*
 * The Woodruff interval for P (share at the quantile, variance var, design
 * df, nrow rows of the design object) as R's woodruffCI: mean, beta, xlogit
 * or asin.  NaN where R gives NaN (beta, xlogit and asin at P = 0 or 1).
 */
extern void svy_qshare_ci(int interval, double P, double var, double df, double level,
						  double nrow, double *lower, double *upper);

/*
 * R's ffullerCI: for the p-quantile, the roots theta of
 * (p - F(theta)) / SE(F(theta)) = +t and = -t (t = tcrit, the t quantile of
 * the interval), searched by uniroot between min + IQR/100 and max -
 * IQR/100 of the values (unweighted, R's IQR) with tol = 1 / (100
 * sqrt(nrow)); each root is mapped through the rule at the unweighted share
 * of rows at values <= it.  R's values are those of every row of the
 * design object: the rows of d and the nextra values extra (sorted) of rows
 * d leaves out (weight 0; outside a calibrated design's domain).
 * share_se(theta, &F, info) gives F(theta), the weighted share at values
 * <= theta, and returns its SE.  Returns a
 * SvyZeroinStatus (zeroin.h); the limits are set on SVY_ZEROIN_OK and
 * SVY_ZEROIN_NO_CONVERGENCE (R warns and keeps the point).
 */
typedef double (*SvyQShareSE) (double theta, double *F, void *info);
extern int	svy_qscore_ci(const SvyQDist *d, const double *extra, int64_t nextra, int rule, double p,
						  double tcrit, double nrow, SvyQShareSE share_se, void *info,
						  double *lower, double *upper);

static inline long double
svy_qvalue_w(const SvyQValue *v)
{
	return svy_ld((long double) v->w + (long double) v->w_lo);
}

#endif
