/*
 * compare.h — comparing and pooling estimates from independent samples
 * (countries), and the NCHS reliability standard for proportions.
 * No postgres.h here.  NaN means "not defined"; the SQL layer shows NULL.
 */
#ifndef SVY_COMPARE_H
#define SVY_COMPARE_H

#include <stdint.h>

/* ---------- difference of two independent estimates ---------- */

typedef struct SvyDiffResult
{
	double		difference,
				std_error,
				ci_lower,
				ci_upper,
				statistic,
				df,
				p_value;
} SvyDiffResult;

/*
 * a - b with var = se_a^2 + se_b^2 and the Welch-Satterthwaite df
 * (va + vb)^2 / (va^2/df_a + vb^2/df_b); an infinite df contributes 0 to the
 * denominator (both infinite: df = infinity).  When va + vb = 0 the df, the
 * statistic, the p-value and the CI are NaN.
 */
extern void svy_diff_compute(double est_a, double se_a, double df_a,
							 double est_b, double se_b, double df_b,
							 double level, SvyDiffResult *out);

/* ---------- pooling independent estimates ---------- */

/*
 * Running sums of the pooled estimate sum_i a_i theta_i, a_i = w_i / sum w.
 * Every field is a plain sum, so two states combine by adding them.
 */
typedef struct SvyPoolSums
{
	double		w;				/* sum w_i */
	double		wtheta;			/* sum w_i theta_i */
	double		w2v;			/* sum w_i^2 se_i^2 */
	double		w2v_sq_df;		/* sum (w_i^2 se_i^2)^2 / df_i (0 for infinite df) */
	double		n;				/* sum n_i */
} SvyPoolSums;

typedef struct SvyPoolResult
{
	double		estimate,
				std_error,
				ci_lower,
				ci_upper,
				df;
} SvyPoolResult;

extern void svy_pool_sums_add(SvyPoolSums *s, double theta, double se, double df, double w);
extern void svy_pool_sums_combine(SvyPoolSums *into, const SvyPoolSums *from);
/* estimate, SE = sqrt(sum a_i^2 se_i^2), Welch-Satterthwaite df, t CI */
extern void svy_pool_sums_finish(const SvyPoolSums *s, double level, SvyPoolResult *out);

/* ---------- NCHS Data Presentation Standards for Proportions (2017) ---------- */

typedef enum SvyReliabilityStatus
{
	SVY_RELIABLE_OK = 0,		/* present */
	SVY_RELIABLE_FLAG,			/* present after statistical review */
	SVY_RELIABLE_SUPPRESS		/* do not present */
} SvyReliabilityStatus;

/* Reasons, as bits; svy_reliability_reason() gives each its stable code. */
#define SVY_RR_NO_ESTIMATE		0x01	/* "no_estimate": estimate or SE missing */
#define SVY_RR_NEFF				0x02	/* "n_eff<30" */
#define SVY_RR_CI_WIDTH			0x04	/* "ci_width>=0.30" */
#define SVY_RR_REL_CI_WIDTH		0x08	/* "relative_ci_width>130%" */
#define SVY_RR_CI_UNDEFINED		0x10	/* "ci_undefined": KG interval not computable */
#define SVY_RR_DF				0x20	/* "df<8" */
#define SVY_RR_P_0_OR_1			0x40	/* "p=0_or_1" */
#define SVY_RR_COMPLEMENT		0x80	/* "complement_relative_ci_width>130%" (footnote) */
#define SVY_RR_NBITS			8

typedef struct SvyReliabilityInput
{
	double		p;				/* the proportion, NaN if missing */
	double		se;				/* its SE, NaN if missing */
	double		df;				/* design df, INFINITY if unknown */
	double		n;				/* rows (denominator sample size) */
} SvyReliabilityInput;

typedef struct SvyReliabilityResult
{
	SvyReliabilityStatus status;
	unsigned	reasons;		/* SVY_RR_* bits */
	double		n_eff;			/* effective sample size, capped at n */
	double		ci_lower,
				ci_upper;		/* the Korn-Graubard 95% interval used */
} SvyReliabilityResult;

extern void svy_reliability_nchs(const SvyReliabilityInput *in, SvyReliabilityResult *out);
extern const char *svy_reliability_reason(unsigned bit);
extern const char *svy_reliability_status_name(SvyReliabilityStatus s);

#endif
