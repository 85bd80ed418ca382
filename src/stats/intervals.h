/*
 * intervals.h — confidence intervals: Student t intervals for means, totals
 * and ratios, and the proportion intervals of R's survey::svyciprop.
 * Quantiles and distribution functions come from libRmath, the code R runs.
 * No postgres.h here.  NaN means "not defined"; the SQL layer returns NULL.
 */
#ifndef SVY_INTERVALS_H
#define SVY_INTERVALS_H

typedef enum SvyPropMethod
{
	SVY_CI_LOGIT = 0,
	SVY_CI_XLOGIT,
	SVY_CI_WILSON,
	SVY_CI_KORN_GRAUBARD,
	SVY_CI_ASIN,
	SVY_CI_LIKELIHOOD,
	SVY_CI_WALD
} SvyPropMethod;

/* What a proportion's interval needs to know. */
typedef struct SvyPropInput
{
	double		p;				/* weighted proportion */
	double		var;			/* its variance */
	double		df;				/* design degrees of freedom (may be INFINITY) */
	double		level;			/* confidence level in (0, 1) */
	double		n;				/* rows contributing (domain, outcome not NULL, w != 0) */
	double		nrow;			/* rows of the design object (all rows aggregated) */
	double		logit_var;		/* variance of logit(p) for replicate designs, else NaN */
} SvyPropInput;

/* Parse a method name (aliases included); returns -1 if unknown. */
extern int	svy_prop_method_parse(const char *name);
/* The valid names, for error messages. */
extern const char *svy_prop_method_names(void);

/* t quantile for a two-sided interval: qt((1 + level) / 2, df). */
extern double svy_t_quantile(double level, double df);

extern void svy_ci_symmetric(double estimate, double se, double level, double df,
							 double *lower, double *upper);

extern void svy_ci_prop(SvyPropMethod method, const SvyPropInput *in,
						double *lower, double *upper);

/* Two-sided p-value of a t statistic with df degrees of freedom. */
extern double svy_t_pvalue(double t, double df);

#endif
