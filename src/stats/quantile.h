/*
 * quantile.h — the quantile rules of R's survey::svyquantile (survey 4.1.1:
 * qrule_math, qrule_school, qrule_hf1 ... qrule_hf9) on a weighted
 * distribution summarised by its distinct values.  No postgres.h here.
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
 * between plotting positions that R computes per row, so with tied values of
 * different weights R's answer depends on the row order; here a run of ties
 * is taken as rows of equal weight (its mean weight), which is R's answer
 * whenever tied rows have equal weights (e.g. within a stratum, or without
 * ties at all).
 */
#ifndef SVY_QUANTILE_H
#define SVY_QUANTILE_H

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
	SVY_QRULE_HF9
} SvyQRule;

typedef struct SvyQValue
{
	double		x;				/* the value */
	double		w;				/* sum of its rows' weights (> 0) ... */
	double		w_lo;			/* ... is w + w_lo exactly (a long double sum) */
	double		n;				/* its rows with non-zero weight (>= 1) */
} SvyQValue;

/* Parse a rule name (math, school, hf1 ... hf9); -1 if unknown. */
extern int	svy_qrule_parse(const char *name);
extern const char *svy_qrule_names(void);

/*
 * The p-quantile (0 <= p <= 1) of the distribution v[0..nv-1] (sorted by x,
 * distinct) under the rule; NaN if nv == 0 or p is outside [0, 1].
 */
extern double svy_qrule(const SvyQValue *v, int nv, int rule, double p);

/* Share of the weight at values <= q: sum_{x <= q} w / sum w, in long double. */
extern double svy_qshare(const SvyQValue *v, int nv, double q);

static inline long double
svy_qvalue_w(const SvyQValue *v)
{
	return (long double) v->w + (long double) v->w_lo;
}

#endif
