/*
 * calibrate.h — calibration of survey weights to population margins (R's
 * postStratify, rake and calibrate, survey 4.1.1), solved on aggregated
 * inputs so that an aggregate never keeps rows.  No postgres.h here.
 *
 * The sample enters as "cells": the joint levels of the categorical margins
 * that occur in the sample.  Per cell the caller gives the sum of design
 * weights d and the count of rows, and for k numeric auxiliaries v the sums
 * of d v (k) and d v v' (k x k).  A row of cell c gets the calibrated weight
 *     w = d (G_c + v' lambda_v),
 * G_c from the categorical part (and the constant 1 of linear calibration),
 * lambda_v the numeric coefficients.  `linear` takes numeric margins from
 * these sums.  `raking` and `logit` need g = F(x' lambda) with a nonlinear
 * F of each row's own v, which per-cell sums cannot give: for them the
 * caller makes every distinct auxiliary vector (categorical levels and v)
 * a cell of its own and gives each cell's v (cell_v); then G_c is the whole
 * factor and lambda_v = 0.  `raking` has
 * F(u) = exp(u) (with bounds: clipped to [L, U], as R), `logit` R's
 * bounded logit calfun with bounds (L, U), bounded `linear` R's
 * F(u) = 1 + u clipped to [L, U] (the three methods of svy_calib_newton():
 * one solve, three calfuns).  All iterate as R's grake: Newton steps from
 * lambda = 0 until the largest relative misfit |T - sum w x| / (1 + |T|) <
 * epsilon (1e-7), at most maxit (50) steps, after rescaling the weights when
 * every population total is over 20 times its sample total.  A singular
 * Newton matrix (cells pinned at a bound) takes R's pseudo-inverse step;
 * both that step and the misfit are those of R's basis of x (an intercept
 * and treatment contrasts), so that unconverged weights and the misfit
 * reported are R's (calibrate(force = TRUE)).
 *
 * Variances use R's residualised scores (shared/oracle README §7.14): a row
 * with linearised value t and weight w contributes
 *     z = w (t - B_c - v' beta_v)
 * where B_c, beta_v come from svy_calib_residual_coef() given per-cell sums
 * of t (weighted by d, and unweighted for rake).  For poststratify, linear
 * and raking this is the residual of the d-weighted regression of t on x
 * (cell dummies and v); for rake it is R's ten passes of cyclic
 * post-stratification with the per-margin weights of the last sweep.
 *
 * `rescale` gives poststratify's weights (one categorical margin) but
 * treats the factors N_g / sum_g d as fixed constants: no residualisation
 * (B = 0, the plain variance of the new weights), and a replicate design's
 * replicates keep the full sample's factors (no per-replicate calibration).
 *
 * The categorical basis x of `linear`, `raking` and `logit` is the dummy of
 * every level of the first margin and of every level but the first of the
 * others (any basis of the same span gives the same weights); the margins
 * must then agree on the population total (else the basis would drop a
 * given count: SVY_CALIB_INCONSISTENT, bad_margin the first that differs).
 */
#ifndef SVY_CALIBRATE_H
#define SVY_CALIBRATE_H

#include <math.h>
#include <stdbool.h>

#define SVY_CALIB_MAX_MARGINS 64
#define SVY_CALIB_MAX_NUMERIC 16

typedef enum SvyCalibMethod
{
	SVY_CALIB_POSTSTRATIFY = 1,
	SVY_CALIB_RAKE,
	SVY_CALIB_LINEAR,
	SVY_CALIB_RAKING,
	SVY_CALIB_LOGIT,
	SVY_CALIB_RESCALE			/* poststratify's weights, the factor a fixed constant */
} SvyCalibMethod;

#define SVY_CALIB_METHOD_MAX SVY_CALIB_RESCALE

typedef enum SvyCalibStatus
{
	SVY_CALIB_OK = 0,
	SVY_CALIB_NOT_CONVERGED,	/* weights usable; caller warns (R warns) */
	SVY_CALIB_EMPTY_LEVEL,		/* a population level has no sample rows */
	SVY_CALIB_SINGULAR,			/* calibration equations singular */
	SVY_CALIB_BAD_INPUT,		/* method and margins do not fit */
	SVY_CALIB_NONPOSITIVE,		/* a margin level's sample weight sum <= 0 */
	SVY_CALIB_ZERO_POPULATION,	/* rake/poststratify: sample rows in a level of count 0 (R errors) */
	SVY_CALIB_DIVERGED,			/* raking, logit: g overflowed even after step halving */
	SVY_CALIB_INCONSISTENT		/* linear, raking, logit: margins with different grand totals */
} SvyCalibStatus;

typedef struct SvyCalibProblem
{
	SvyCalibMethod method;
	int			nmargin;		/* categorical margins */
	const int  *nlevels;		/* nmargin: levels of each */
	const double *const *pop;	/* nmargin arrays of level totals */
	int			k;				/* numeric auxiliaries */
	const double *pop_numeric;	/* k totals */
	int			ncell;
	const int  *cell_level;		/* ncell x nmargin level indices */
	const double *cell_d;		/* ncell: sum d */
	const double *cell_n;		/* ncell: rows */
	const double *cell_dv;		/* ncell x k: sum d v */
	const double *cell_dvv;		/* ncell x k x k: sum d v v' */
	const double *cell_v;		/* ncell x k: the cell's v (raking, logit with k > 0); else NULL */
	int			maxit;			/* <= 0: the method's default */
	double		epsilon;		/* NaN or <= 0: the method's default */
	double		bounds[2];		/* logit, bounded linear: see svy_calib_bounds_ok() */
} SvyCalibProblem;

/*
 * Bounds (L, U) of g: `logit` needs them finite with L < 1 < U; `linear`
 * and `raking` take L < 1 < U with one of them infinite at most (R's
 * calfuns clip g to [L, U]; bounded linear is solved by Newton like
 * `raking`); {0, 0} means none (the only value for the other methods, and
 * R's default c(-Inf, Inf): linear's closed form).
 */
static inline bool
svy_calib_has_bounds(const double *b)
{
	return b[0] != 0.0 || b[1] != 0.0;
}

static inline bool
svy_calib_bounds_ok(int method, const double *b)
{
	if (!svy_calib_has_bounds(b))
		return method != SVY_CALIB_LOGIT;
	if (!(b[0] < 1.0 && b[1] > 1.0))
		return false;
	if (method == SVY_CALIB_LOGIT)
		return isfinite(b[0]) && isfinite(b[1]);
	return (method == SVY_CALIB_LINEAR || method == SVY_CALIB_RAKING) &&
		(isfinite(b[0]) || isfinite(b[1]));
}

/* g is a nonlinear function of x'lambda, solved by Newton (R's grake): raking, logit, bounded linear */
static inline bool
svy_calib_newton(int method, const double *b)
{
	return method == SVY_CALIB_RAKING || method == SVY_CALIB_LOGIT ||
		(method == SVY_CALIB_LINEAR && svy_calib_has_bounds(b));
}

typedef struct SvyCalibSolution
{
	int			p;				/* dimension of x (linear, raking) */
	double	   *G;				/* ncell */
	double	   *lambda_v;		/* k */
	double	   *A;				/* p x p: sum d x x' (linear, raking) */
	double	   *rake_f;			/* ncell x nmargin: g after margin m's step of the last sweep (rake) */
	int			iterations;		/* sweeps (rake), Newton steps (raking), 0 rescale, 1 otherwise */
	int			converged;
	double		misfit;			/* rake: last change of the joint table; raking, logit: max relative misfit */
	double		scale;			/* raking, logit: R's rescaling of the weights (1: none) */
	int			bad_margin;		/* EMPTY_LEVEL, NONPOSITIVE, ZERO_POPULATION: where */
	int			bad_level;
} SvyCalibSolution;

/*
 * Solve; sol's arrays are allocated with alloc (the caller owns and frees
 * them with its allocator).  On SVY_CALIB_NOT_CONVERGED the weights are
 * those of the last iteration, as R returns them.
 */
extern SvyCalibStatus svy_calibrate(const SvyCalibProblem *pr, SvyCalibSolution *sol,
									void *(*alloc) (unsigned long size));

/*
 * Residualisation coefficients for linearised values t (see top):
 * cell_dt = per cell sum d t, cell_dvt = per cell sum d v t (ncell x k),
 * cell_t = per cell unweighted sum of t (rake only; may be NULL otherwise).
 * Writes B (ncell) and beta_v (k).  work: at least
 * svy_calib_work_size(pr, sol) doubles.  Returns 0, or -1 if singular.
 */
extern int	svy_calib_residual_coef(const SvyCalibProblem *pr, const SvyCalibSolution *sol,
									const double *cell_dt, const double *cell_dvt,
									const double *cell_t, double *B, double *beta_v,
									double *work);
extern long svy_calib_work_size(const SvyCalibProblem *pr, const SvyCalibSolution *sol);

/*
 * Designs without PSUs (each row its own PSU): the spread of the rows'
 * residualised scores z_f = d (gamma'q) (t_f - btilde_f'q), q = (1, v),
 * gamma = (G_c, lambda), btilde_f = (B_cf, beta_f), summed over a cell's
 * rows, is
 *   sum z_f z_g = C2(M2_fg) - C3(M3_f)'btilde_g - C3(M3_g)'btilde_f
 *                 + btilde_f' C4(M4) btilde_g
 * with the row moments M4 = sum d^2 q^(x)4, M3_f = sum d^2 t_f q^(x)3,
 * M2_fg = sum d^2 t_f t_g q^(x)2 and Cn their contraction with gamma twice.
 */
/* out (m^n) += t q^(x)n, index a_1 + m a_2 + m^2 a_3 + ... */
extern void svy_calib_add_moment(double *out, const double *q, int m, int n, double t);
/* out[rest] = sum_ab T[a, b, rest] gamma_a gamma_b (m^(n-2)); T symmetric, n >= 2 */
extern void svy_calib_contract(const double *T, const double *gamma, int m, int n, double *out);

/* The method of a name ("linear", ...), or 0. */
extern SvyCalibMethod svy_calib_method_from_name(const char *name);
extern const char *svy_calib_method_name(SvyCalibMethod m);
extern const char *svy_calib_method_names(void);	/* for error messages */

#endif
