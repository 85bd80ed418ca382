/*
 * glm.h — design-based generalized linear models as R's svyglm (survey
 * 4.1.1): IRLS exactly as glm.fit, the sandwich's row scores, replicate
 * covariance of refitted coefficients, and regTermTest's Wald test.
 *
 * The data reach the fit grouped by distinct row of the design matrix
 * ("cells"): the IRLS of glm.fit only needs, per distinct x, the sums of the
 * prior weights w and of w y (the deviance's y-only part is one constant),
 * except its first iteration, whose start mu depends on each row's own w
 * and y: the caller sums svy_glm_start_row() over the rows of each cell.
 * No postgres.h here.
 */
#ifndef SVY_GLM_H
#define SVY_GLM_H

#include <stdbool.h>

typedef enum SvyGlmFamily
{
	SVY_GLM_GAUSSIAN = 1,
	SVY_GLM_BINOMIAL,
	SVY_GLM_QUASIBINOMIAL,
	SVY_GLM_POISSON,
	SVY_GLM_QUASIPOISSON
} SvyGlmFamily;

#define SVY_GLM_MAXIT 25		/* glm.control() */
#define SVY_GLM_EPSILON 1e-8

/* A family name; -1 if unknown. */
extern int	svy_glm_family_parse(const char *name);
extern const char *svy_glm_family_name(int family);
extern const char *svy_glm_family_names(void);	/* for error messages */

/* Is y a valid outcome of the family?  *allowed describes the range. */
extern bool svy_glm_outcome_ok(int family, double y, const char **allowed);

/*
 * One row's part of glm.fit's start (prior weight w already rescaled): its
 * working weight W0, W0 times its working response z0, and its unit
 * deviance at the start mu (times w).
 */
extern void svy_glm_start_row(int family, double w, double y,
							  double *W0, double *Wz0, double *dev0);

/* The part of w times a row's unit deviance that does not depend on mu. */
extern double svy_glm_dev_const(int family, double w, double y);

/* The data of one fit. */
typedef struct SvyGlmCells
{
	int			family;
	int			p;				/* coefficients */
	int			ncells;
	const double *x;			/* ncells x p, row-major */
	const double *sw;			/* per cell: sum of prior weights */
	const double *swy;			/* per cell: sum of prior weight times y */
	double		dev_const;		/* sum of svy_glm_dev_const over the rows */
} SvyGlmCells;

typedef enum SvyGlmStatus
{
	SVY_GLM_OK = 0,
	SVY_GLM_SINGULAR,			/* fit->aliased is the first aliased column */
	SVY_GLM_BOUNDARY,			/* a fitted probability 0 or 1, or a rate 0 */
	SVY_GLM_DIVERGED			/* the deviance became infinite or NaN */
} SvyGlmStatus;

/* Relative pivot below which a column counts as a combination of earlier ones. */
#define SVY_GLM_ALIAS_TOL 1e-10

typedef struct SvyGlmFit
{
	/* caller-allocated: beta p (in: the start with w0 == NULL), ainv p x p, mu and sf ncells */
	double	   *beta;
	double	   *ainv;			/* (X'WX)^-1 with the W of the last iteration */
	double	   *mu;				/* fitted mean of each cell */
	double	   *sf;				/* score factor: last W per unit prior weight / mu'(eta) */
	int			iterations;
	bool		converged;
	double		deviance;
	int			aliased;
	int			boundary_cell;
} SvyGlmFit;

/* Doubles of work space svy_glm_irls needs. */
extern long svy_glm_work_size(int p, int ncells);

/*
 * IRLS as glm.fit.  w0/wz0 (per cell) and dev0 are the start's sums
 * (svy_glm_start_row); with w0 == NULL the fit starts from fit->beta, as
 * glm.fit(start = beta) for replicate refits.
 */
extern SvyGlmStatus svy_glm_irls(const SvyGlmCells *c, const double *w0, const double *wz0,
								 double dev0, SvyGlmFit *fit, double *work);

/*
 * Add to u (p) the score total of rows of one cell with weight sums sw, swy
 * (sum over the rows of x W (y - mu) / mu'(eta)).
 */
extern void svy_glm_score_add(const SvyGlmCells *c, const SvyGlmFit *fit, int cell,
							  double sw, double swy, double *u);

/*
 * Add to uu (p x p) the sum of the rows' U U' of one cell of a stratum
 * without PSUs (each row its own PSU) from the cell's sums of w^2, w^2 y,
 * w^2 y^2.
 */
extern void svy_glm_score_cross_add(const SvyGlmCells *c, const SvyGlmFit *fit, int cell,
									double sww, double swwy, double swwyy, double *uu);

/* out = A m A (p x p, A symmetric); tmp p x p. */
extern void svy_glm_sandwich(int p, const double *a, const double *m, double *out, double *tmp);

/*
 * Replicate covariance (R's svrVar): scale sum_r rscale_r (b_r - c)(b_r - c)'
 * with c = the mean of the replicates with rscale > 0, or beta when mse.
 * centre: p doubles of work space.
 */
extern void svy_glm_replicate_vcov(int p, int nrep, const double *betas, const double *beta,
								   double scale, const double *rscales, bool mse, double *v,
								   double *centre);

/*
 * regTermTest's Wald statistic beta_T' V_T^-1 beta_T over the q coefficients
 * idx; returns -1 if V_T is singular.  work: 3 q^2 + 4 q doubles.
 */
extern int	svy_glm_wald(int p, const double *beta, const double *v, const int *idx, int q,
						 double *chisq, double *work);

/* p-value of the Wald statistic: F = chisq / q on (q, df), or chi-squared with q df when df is infinite. */
extern double svy_glm_wald_pvalue(double chisq, int q, double df);

#endif
