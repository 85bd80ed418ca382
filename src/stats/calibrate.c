/*
 * calibrate.c — calibration solver and residualisation (see calibrate.h).
 *
 * References:
 *   Deville, J.-C. and Särndal, C.-E. (1992).  Calibration estimators in
 *     survey sampling.  JASA 87(418), 376-382.  (Calibrated weights, their
 *     distance functions, and the variance from regression residuals.)
 *   Deville, J.-C., Särndal, C.-E. and Sautory, O. (1993).  Generalized
 *     raking procedures in survey sampling.  JASA 88(423), 1013-1020.
 *     (Raking and the bounded logit distance.)
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "calibrate.h"
#include "handlers.h"
#include "matrix.h"

/* R's defaults: rake(control = list(maxit = 10, epsilon = 1)); grake epsilon 1e-7, maxit 50 */
#define RAKE_MAXIT		10
#define RAKE_EPSILON	1.0
#define NEWTON_MAXIT	50
#define NEWTON_EPSILON	1e-7
/* R: 10 passes of the cyclic post-stratification of the scores (svyrecvar) */
#define RAKE_RESID_PASSES 10
/* a pivot of the unit-diagonal scaled matrix below this: collinear auxiliaries */
#define SINGULAR_TOL	1e-10

static const char *const method_names[] = {NULL, "poststratify", "rake", "linear", "raking", "logit",
	"rescale"};

/* poststratify and rescale: one margin, one post-stratification step */
static inline bool
is_poststratify(SvyCalibMethod m)
{
	return m == SVY_CALIB_POSTSTRATIFY || m == SVY_CALIB_RESCALE;
}

SvyCalibMethod
svy_calib_method_from_name(const char *name)
{
	for (int m = SVY_CALIB_POSTSTRATIFY; m <= SVY_CALIB_METHOD_MAX; m++)
		if (strcmp(name, method_names[m]) == 0)
			return (SvyCalibMethod) m;
	return (SvyCalibMethod) 0;
}

const char *
svy_calib_method_name(SvyCalibMethod m)
{
	return method_names[m];
}

const char *
svy_calib_method_names(void)
{
	return "linear, raking, logit, rake, poststratify, rescale";
}

/* ---------- the basis x of linear and raking ---------- */

/* Column of (margin m, level l) in x, or -1 (first level of margins after the first). */
static int
cat_col(const SvyCalibProblem *pr, int m, int l)
{
	int			off = 0;

	for (int j = 0; j < m; j++)
		off += pr->nlevels[j] - (j > 0);
	if (m == 0)
		return l;
	return l == 0 ? -1 : off + l - 1;
}

static int
n_cat_cols(const SvyCalibProblem *pr)
{
	int			n = 0;

	for (int m = 0; m < pr->nmargin; m++)
		n += pr->nlevels[m] - (m > 0);
	return n;
}

/* The categorical columns of cell c (up to nmargin; returns how many). */
static int
cell_cols(const SvyCalibProblem *pr, int c, int *cols)
{
	int			n = 0;

	for (int m = 0; m < pr->nmargin; m++)
	{
		int			j = cat_col(pr, m, pr->cell_level[c * pr->nmargin + m]);

		if (j >= 0)
			cols[n++] = j;
	}
	return n;
}

/*
 * sum_c D_c(g) x_c x_c' with per-cell weight totals wc (ncell) and, for the
 * numeric part, the cell's v times wc (cell_v: raking, logit) or the sums
 * d v and d v v' (linear, whose wc is d).
 */
static void
build_xx(const SvyCalibProblem *pr, int p, const double *wc, double *A, int *cols)
{
	int			nc = p - pr->k;
	int			k = pr->k;

	memset(A, 0, sizeof(double) * p * p);
	for (int c = 0; c < pr->ncell; c++)
	{
		int			n = cell_cols(pr, c, cols);

		const double *v = pr->cell_v ? pr->cell_v + (long) c * k : NULL;

		for (int i = 0; i < n; i++)
		{
			for (int j = 0; j < n; j++)
				A[cols[i] * p + cols[j]] += wc[c];
			for (int j = 0; j < k; j++)
			{
				double		dv = v ? wc[c] * v[j] : pr->cell_dv[c * k + j];

				A[cols[i] * p + nc + j] += dv;
				A[(nc + j) * p + cols[i]] += dv;
			}
		}
		for (int i = 0; i < k; i++)
			for (int j = 0; j < k; j++)
				A[(nc + i) * p + nc + j] += v ? wc[c] * v[i] * v[j] : pr->cell_dvv[(c * k + i) * k + j];
	}
}

/* The population totals of the basis. */
static void
target(const SvyCalibProblem *pr, int p, double *T)
{
	int			nc = p - pr->k;

	for (int m = 0; m < pr->nmargin; m++)
		for (int l = 0; l < pr->nlevels[m]; l++)
		{
			int			j = cat_col(pr, m, l);

			if (j >= 0)
				T[j] = pr->pop[m][l];
		}
	for (int j = 0; j < pr->k; j++)
		T[nc + j] = pr->pop_numeric[j];
}

/*
 * Solve A x = b (A symmetric positive semidefinite, p x p; b overwritten
 * with x) by Cholesky on the unit-diagonal scaling of A, so that the
 * collinearity test does not depend on the units of the auxiliaries.
 * work: p * p + p doubles.  Returns -1 when singular.
 */
static int
solve_spd(int p, const double *A, double *b, double *work)
{
	double	   *L = work;
	double	   *s = work + p * p;

	for (int i = 0; i < p; i++)
	{
		if (!(A[i * p + i] > 0.0))
			return -1;
		s[i] = 1.0 / sqrt(A[i * p + i]);
	}
	for (int i = 0; i < p; i++)
		for (int j = 0; j < p; j++)
			L[i * p + j] = A[i * p + j] * s[i] * s[j];
	if (svy_mat_cholesky(p, L) != 0)
		return -1;
	for (int i = 0; i < p; i++)
		if (L[i * p + i] * L[i * p + i] < SINGULAR_TOL)
			return -1;
	for (int i = 0; i < p; i++)
		b[i] *= s[i];
	svy_mat_forward(p, L, b, 1);
	for (int i = p - 1; i >= 0; i--)
	{
		double		v = b[i];

		for (int j = i + 1; j < p; j++)
			v -= L[j * p + i] * b[j];
		b[i] = v / L[i * p + i];
	}
	for (int i = 0; i < p; i++)
		b[i] *= s[i];
	return 0;
}

/* ---------- checks shared by all methods ---------- */

static SvyCalibStatus
check_levels(const SvyCalibProblem *pr, SvyCalibSolution *sol, double *work)
{
	for (int m = 0; m < pr->nmargin; m++)
	{
		int			L = pr->nlevels[m];
		double	   *sum = work;
		double	   *cnt = work + L;

		memset(work, 0, sizeof(double) * 2 * L);
		for (int c = 0; c < pr->ncell; c++)
		{
			int			l = pr->cell_level[c * pr->nmargin + m];

			sum[l] += pr->cell_d[c];
			cnt[l] += pr->cell_n[c];
		}
		for (int l = 0; l < L; l++)
		{
			sol->bad_margin = m;
			sol->bad_level = l;
			if (cnt[l] == 0)
				return SVY_CALIB_EMPTY_LEVEL;
			if ((pr->method == SVY_CALIB_RAKE || is_poststratify(pr->method)) &&
				pr->pop[m][l] == 0.0)
				return SVY_CALIB_ZERO_POPULATION;
			if ((pr->method == SVY_CALIB_RAKE || is_poststratify(pr->method)) &&
				!(sum[l] > 0.0))
				return SVY_CALIB_NONPOSITIVE;
		}
	}
	sol->bad_margin = sol->bad_level = -1;
	return SVY_CALIB_OK;
}

/* ---------- rake (and poststratify: one margin, one sweep) ---------- */

/*
 * One post-stratification step on margin m: W_c *= P_l / sum_{c in l} W_c.
 * Returns SVY_CALIB_NONPOSITIVE if a level's current weight is not positive.
 */
static SvyCalibStatus
poststratify_step(const SvyCalibProblem *pr, int m, double *W, double *G, double *sum,
				  SvyCalibSolution *sol)
{
	int			L = pr->nlevels[m];

	memset(sum, 0, sizeof(double) * L);
	for (int c = 0; c < pr->ncell; c++)
		sum[pr->cell_level[c * pr->nmargin + m]] += W[c];
	for (int l = 0; l < L; l++)
		if (!(sum[l] > 0.0))
		{
			sol->bad_margin = m;
			sol->bad_level = l;
			return SVY_CALIB_NONPOSITIVE;
		}
	for (int c = 0; c < pr->ncell; c++)
	{
		int			l = pr->cell_level[c * pr->nmargin + m];
		double		f = pr->pop[m][l] / sum[l];

		W[c] *= f;
		G[c] *= f;
	}
	return SVY_CALIB_OK;
}

static SvyCalibStatus
solve_rake(const SvyCalibProblem *pr, SvyCalibSolution *sol, double *work)
{
	int			nc = pr->ncell;
	double	   *W = work;
	double	   *old = work + nc;
	double	   *sum = work + 2 * nc;
	double		eps = pr->epsilon > 0.0 ? pr->epsilon : RAKE_EPSILON;
	int			maxit = pr->maxit > 0 ? pr->maxit : RAKE_MAXIT;
	double		total = 0.0;
	int			iter = 0;

	if (is_poststratify(pr->method))
		maxit = 1;
	for (int c = 0; c < nc; c++)
	{
		W[c] = old[c] = pr->cell_d[c];
		sol->G[c] = 1.0;
		total += pr->cell_d[c];
	}
	/* R: epsilon < 1 is relative to the sum of the design weights */
	if (eps < 1.0)
		eps *= total;
	sol->converged = 0;
	sol->misfit = NAN;
	/* R's rake(): while (iter < maxit) { sweep; if (delta < epsilon) break; iter++ } */
	while (iter < maxit)
	{
		double		delta = 0.0;

		svy_check_interrupts();
		for (int m = 0; m < pr->nmargin; m++)
		{
			SvyCalibStatus st = poststratify_step(pr, m, W, sol->G, sum, sol);

			if (st != SVY_CALIB_OK)
				return st;
			for (int c = 0; c < nc; c++)
				sol->rake_f[c * pr->nmargin + m] = sol->G[c];
		}
		for (int c = 0; c < nc; c++)
		{
			double		dc = fabs(W[c] - old[c]);

			if (dc > delta)
				delta = dc;
			old[c] = W[c];
		}
		sol->misfit = is_poststratify(pr->method) ? 0.0 : delta;
		/* rescale: fixed factors, nothing iterated */
		sol->iterations = pr->method == SVY_CALIB_RESCALE ? 0 : iter + 1;
		if (delta < eps || is_poststratify(pr->method))
		{
			sol->converged = 1;
			break;
		}
		iter++;
	}
	return sol->converged ? SVY_CALIB_OK : SVY_CALIB_NOT_CONVERGED;
}

/* ---------- linear (closed form); raking, logit, bounded linear (Newton, R's grake) ---------- */

static SvyCalibStatus
solve_linear(const SvyCalibProblem *pr, SvyCalibSolution *sol, double *work, int *cols)
{
	int			p = sol->p;
	int			nc = p - pr->k;
	double	   *rhs = work;
	double	   *sx = work + p;
	double	   *w2 = work + 2 * p;

	build_xx(pr, p, pr->cell_d, sol->A, cols);
	target(pr, p, rhs);
	memset(sx, 0, sizeof(double) * p);
	for (int c = 0; c < pr->ncell; c++)
	{
		int			n = cell_cols(pr, c, cols);

		for (int i = 0; i < n; i++)
			sx[cols[i]] += pr->cell_d[c];
		for (int j = 0; j < pr->k; j++)
			sx[nc + j] += pr->cell_dv[c * pr->k + j];
	}
	for (int j = 0; j < p; j++)
		rhs[j] -= sx[j];
	if (solve_spd(p, sol->A, rhs, w2) != 0)
		return SVY_CALIB_SINGULAR;
	for (int c = 0; c < pr->ncell; c++)
	{
		int			n = cell_cols(pr, c, cols);

		sol->G[c] = 1.0;
		for (int i = 0; i < n; i++)
			sol->G[c] += rhs[cols[i]];
	}
	for (int j = 0; j < pr->k; j++)
		sol->lambda_v[j] = rhs[nc + j];
	sol->iterations = 1;
	sol->converged = 1;
	sol->misfit = 0.0;
	return SVY_CALIB_OK;
}

/* R's calfuns: g = F(u) and its derivative: raking (exp), bounded linear, logit */
static void
calfun(const SvyCalibProblem *pr, double u, double *g, double *dg)
{
	bool		bounded = svy_calib_has_bounds(pr->bounds);

	/* R's derivative of both clipped calfuns: nonzero where L - 1 < u < U - 1 (for raking too) */
	bool		inside = !bounded || (u < pr->bounds[1] - 1.0 && u > pr->bounds[0] - 1.0);

	if (pr->method == SVY_CALIB_RAKING)
	{
		/* R's cal.raking: pmin(pmax(exp(u), L), U) */
		double		e = exp(u);

		*g = bounded ? fmin(fmax(e, pr->bounds[0]), pr->bounds[1]) : e;
		*dg = inside ? e : 0.0;
	}
	else if (pr->method == SVY_CALIB_LINEAR)
	{
		/* R's cal.linear: pmin(pmax(u + 1, L), U) */
		*g = fmin(fmax(u + 1.0, pr->bounds[0]), pr->bounds[1]);
		*dg = inside ? 1.0 : 0.0;
	}
	else
	{
		double		L = pr->bounds[0],
					U = pr->bounds[1];
		double		A = (U - L) / ((U - 1.0) * (1.0 - L));
		double		eAu = exp(A * u);
		double		den = U - 1.0 + (1.0 - L) * eAu;
		double		num = L * (U - 1.0) + U * (1.0 - L) * eAu;

		*g = num / den;
		*dg = U * (1.0 - L) * eAu * A / den - num * ((1.0 - L) * eAu * A) / (den * den);
	}
}

/*
 * g and g' of every cell at eta, the misfit T - sum d g x, and the
 * Jacobian's cell weights d g'; false if a g or g' overflowed.  Numeric
 * auxiliaries: each cell's own v (cell_v).
 */
static bool
newton_eval(const SvyCalibProblem *pr, int p, const double *eta, double scale, const double *T,
			double *G, double *dgc, double *wc, double *mis, int *cols)
{
	bool		finite = true;

	int			nc = p - pr->k;

	memcpy(mis, T, sizeof(double) * p);
	for (int c = 0; c < pr->ncell; c++)
	{
		int			n = cell_cols(pr, c, cols);
		const double *v = pr->cell_v + (long) c * pr->k;
		double		xe = 0.0;

		for (int i = 0; i < n; i++)
			xe += eta[cols[i]];
		for (int j = 0; j < pr->k; j++)
			xe += eta[nc + j] * v[j];
		calfun(pr, xe, &G[c], &dgc[c]);
		finite &= isfinite(G[c]) && isfinite(dgc[c]);
		wc[c] = pr->cell_d[c] * scale * dgc[c];
		for (int i = 0; i < n; i++)
			mis[cols[i]] -= pr->cell_d[c] * scale * G[c];
		for (int j = 0; j < pr->k; j++)
			mis[nc + j] -= pr->cell_d[c] * scale * G[c] * v[j];
	}
	return finite;
}

/*
 * A Newton step J delta = misfit (J overwritten).  R takes it with
 * MASS::ginv(J, tol = 256 eps): where bounds pin the cells that make J
 * singular, the pseudo-inverse moves the directions that are left; J is
 * nonsingular otherwise, and Cholesky gives the same step.  The minimum-norm
 * step depends on the basis, so the pseudo-inverse works in R's: an
 * intercept (the sum of the first margin's dummies) and the others; with
 * x_R = M x, J_R = M J M', misfit_R = M misfit and delta = M' delta_R.
 */
static int
newton_step(const SvyCalibProblem *pr, int p, double *J, double *delta, double *work)
{
	int			L0 = pr->nmargin > 0 ? pr->nlevels[0] : 0;
	double		s;

	if (solve_spd(p, J, delta, work) == 0)
		return 0;
	if (L0 > 0)
	{
		for (int j = 0; j < p; j++)
		{
			s = 0.0;
			for (int i = 0; i < L0; i++)
				s += J[i * p + j];
			J[j] = s;
		}
		for (int i = 0; i < p; i++)
		{
			s = 0.0;
			for (int j = 0; j < L0; j++)
				s += J[i * p + j];
			J[i * p] = s;
		}
		s = 0.0;
		for (int i = 0; i < L0; i++)
			s += delta[i];
		delta[0] = s;
	}
	if (svy_mat_sym_pinv_solve(p, J, delta, 256.0 * DBL_EPSILON, work) != 0)
		return -1;
	for (int l = 1; l < L0; l++)
		delta[l] += delta[0];
	return 0;
}

/* Newton iterations of R's grake for the raking, logit and bounded linear calfuns */
static SvyCalibStatus
solve_raking(const SvyCalibProblem *pr, SvyCalibSolution *sol, double *work, int *cols)
{
	int			p = sol->p;
	int			ncell = pr->ncell;
	double	   *T = work;
	double	   *eta = work + p;
	double	   *mis = work + 2 * p;
	double	   *J = work + 3 * p;
	double	   *wc = J + p * p;
	double	   *w2 = wc + ncell;
	double	   *st = w2 + p * p + p;
	double	   *delta = st;		/* after the sample totals are used */
	double	   *dgc = st + p;
	double	   *pw = dgc + ncell;	/* newton_step: p * p + 2p */
	double		scale = 1.0;
	bool		finite;
	double		minscale = INFINITY,
				sumscale = 0.0;
	int			maxit = pr->maxit > 0 ? pr->maxit : NEWTON_MAXIT;
	double		eps = pr->epsilon > 0.0 ? pr->epsilon : NEWTON_EPSILON;
	int			iter = 1;
	int			L0 = pr->nmargin > 0 ? pr->nlevels[0] : 0;

	target(pr, p, T);
	build_xx(pr, p, pr->cell_d, sol->A, cols);
	/* collinear auxiliaries; a Jacobian that turns singular later means g is pinned at a bound */
	memset(mis, 0, sizeof(double) * p);
	if (solve_spd(p, sol->A, mis, w2) != 0)
		return SVY_CALIB_SINGULAR;
	/* sample totals of x (the diagonal of A holds them for dummies; R stops on a total of 0) */
	for (int j = 0; j < p; j++)
	{
		if (j < p - pr->k)
			st[j] = sol->A[j * p + j];
		else
		{
			st[j] = 0.0;
			for (int c = 0; c < ncell; c++)
				st[j] += pr->cell_d[c] * pr->cell_v[(long) c * pr->k + j - (p - pr->k)];
		}
		if (j < p - pr->k ? !(st[j] > 0.0) : !(st[j] != 0.0))
			return SVY_CALIB_SINGULAR;
		minscale = fmin(minscale, T[j] / st[j]);
		sumscale += T[j] / st[j];
	}
	/* R's grake: far-off populations (all ratios > 20) rescale the weights first */
	if (minscale > 20.0)
		scale = sumscale / p;
	memset(eta, 0, sizeof(double) * p);
	finite = newton_eval(pr, p, eta, scale, T, sol->G, dgc, wc, mis, cols);
	for (;;)
	{
		double		achieved = 0.0,
					mi = 0.0,
					ti = 0.0;

		svy_check_interrupts();
		/* the misfit in R's basis (see newton_step): the intercept instead of the first level */
		for (int j = 0; j < L0; j++)
		{
			mi += mis[j];
			ti += T[j];
		}
		if (L0 > 0)
			achieved = fabs(mi) / (1.0 + fabs(ti));
		for (int j = L0 > 0 ? 1 : 0; j < p; j++)
			achieved = fmax(achieved, fabs(mis[j]) / (1.0 + fabs(T[j])));
		sol->misfit = finite ? achieved : INFINITY;
		if (iter > 1 && finite && achieved < eps)
		{
			sol->converged = 1;
			break;
		}
		build_xx(pr, p, wc, J, cols);
		memcpy(delta, mis, sizeof(double) * p);
		if (!finite || iter > maxit || newton_step(pr, p, J, delta, pw) != 0)
			break;
		for (int j = 0; j < p; j++)
			eta[j] += delta[j];
		finite = newton_eval(pr, p, eta, scale, T, sol->G, dgc, wc, mis, cols);
		/* R: halve a step that overflows g */
		while (iter < maxit && !finite)
		{
			iter++;
			for (int j = 0; j < p; j++)
			{
				delta[j] /= 2.0;
				eta[j] -= delta[j];
			}
			finite = newton_eval(pr, p, eta, scale, T, sol->G, dgc, wc, mis, cols);
		}
		iter++;
	}
	sol->iterations = iter - 1;
	if (!finite)
		return SVY_CALIB_DIVERGED;
	for (int c = 0; c < ncell; c++)
		sol->G[c] *= scale;
	sol->scale = scale;
	return sol->converged ? SVY_CALIB_OK : SVY_CALIB_NOT_CONVERGED;
}

/* ---------- entry points ---------- */

long
svy_calib_work_size(const SvyCalibProblem *pr, const SvyCalibSolution *sol)
{
	long		p = sol->p;
	long		L = 0;

	for (int m = 0; m < pr->nmargin; m++)
		if (pr->nlevels[m] > L)
			L = pr->nlevels[m];
	/* the largest of: levels, rake, raking Newton, residual coefficients */
	return 5 * (long) pr->ncell + 2 * L + 3 * p * p + 7 * p + pr->nmargin + 16;
}

SvyCalibStatus
svy_calibrate(const SvyCalibProblem *pr, SvyCalibSolution *sol,
			  void *(*alloc) (unsigned long size))
{
	SvyCalibStatus st;
	double	   *work;
	int		   *cols;
	int			p;

	memset(sol, 0, sizeof(*sol));
	sol->bad_margin = sol->bad_level = -1;
	sol->scale = 1.0;
	if (pr->ncell <= 0 || pr->nmargin > SVY_CALIB_MAX_MARGINS ||
		(is_poststratify(pr->method) && (pr->nmargin != 1 || pr->k != 0)) ||
		(pr->method == SVY_CALIB_RAKE && (pr->nmargin < 1 || pr->k != 0)) ||
		(pr->method < SVY_CALIB_POSTSTRATIFY || pr->method > SVY_CALIB_METHOD_MAX) ||
		(svy_calib_newton(pr->method, pr->bounds) && pr->k != 0 && pr->cell_v == NULL) ||
		!svy_calib_bounds_ok(pr->method, pr->bounds))
		return SVY_CALIB_BAD_INPUT;
	p = n_cat_cols(pr) + pr->k;
	sol->p = p;
	sol->G = alloc(sizeof(double) * pr->ncell);
	sol->lambda_v = alloc(sizeof(double) * (pr->k + 1));
	sol->A = alloc(sizeof(double) * ((long) p * p + 1));
	sol->rake_f = alloc(sizeof(double) * ((long) pr->ncell * pr->nmargin + 1));
	memset(sol->lambda_v, 0, sizeof(double) * (pr->k + 1));
	work = alloc(sizeof(double) * svy_calib_work_size(pr, sol));
	cols = alloc(sizeof(int) * (pr->nmargin + 1));

	st = check_levels(pr, sol, work);
	if (st != SVY_CALIB_OK)
		return st;
	if (pr->method == SVY_CALIB_LINEAR || pr->method == SVY_CALIB_RAKING ||
		pr->method == SVY_CALIB_LOGIT)
	{
		double		first = 0.0;

		for (int m = 0; m < pr->nmargin; m++)
		{
			double		total = 0.0;

			for (int l = 0; l < pr->nlevels[m]; l++)
				total += pr->pop[m][l];
			if (m == 0)
				first = total;
			else if (fabs(total - first) > 1e-9 * fmax(fabs(first), fabs(total)))
			{
				sol->bad_margin = m;
				sol->misfit = total - first;
				return SVY_CALIB_INCONSISTENT;
			}
		}
	}
	switch (pr->method)
	{
		case SVY_CALIB_POSTSTRATIFY:
		case SVY_CALIB_RESCALE:
		case SVY_CALIB_RAKE:
			return solve_rake(pr, sol, work);
		case SVY_CALIB_LINEAR:
			if (!svy_calib_newton(pr->method, pr->bounds))
				return solve_linear(pr, sol, work, cols);
			/* FALLTHROUGH */
		case SVY_CALIB_RAKING:
		case SVY_CALIB_LOGIT:
			return solve_raking(pr, sol, work, cols);
	}
	return SVY_CALIB_BAD_INPUT;
}

/*
 * rake: R's svyrecvar runs 10 passes over the margins of
 *     z <- z - psw * ave(z / psw, margin)
 * (ave: the unweighted mean over the rows of the level), psw the weights
 * right after that margin's step in the last sweep: d f_m(c).  With
 * z_i = d_i (G_c t_i - K_c) the mean over level l is
 *     (1/n_l) sum_{c in l} (G_c T_c - n_c K_c) / f_m(c)
 * and K_c grows by f_m(c) times it.  Returned as B_c = K_c / G_c.
 */
static void
rake_residual(const SvyCalibProblem *pr, const SvyCalibSolution *sol, const double *cell_t,
			  double *B, double *work)
{
	int			ncell = pr->ncell;
	double	   *K = B;

	memset(K, 0, sizeof(double) * ncell);
	for (int pass = 0; pass < RAKE_RESID_PASSES; pass++)
		for (int m = 0; m < pr->nmargin; m++)
		{
			int			L = pr->nlevels[m];
			double	   *num = work;
			double	   *cnt = work + L;

			svy_check_interrupts();

			memset(work, 0, sizeof(double) * 2 * L);
			for (int c = 0; c < ncell; c++)
			{
				int			l = pr->cell_level[c * pr->nmargin + m];
				double		f = sol->rake_f[c * pr->nmargin + m];

				num[l] += (sol->G[c] * cell_t[c] - pr->cell_n[c] * K[c]) / f;
				cnt[l] += pr->cell_n[c];
			}
			for (int c = 0; c < ncell; c++)
			{
				int			l = pr->cell_level[c * pr->nmargin + m];

				K[c] += sol->rake_f[c * pr->nmargin + m] * num[l] / cnt[l];
			}
		}
	for (int c = 0; c < ncell; c++)
		B[c] = K[c] / sol->G[c];
}

int
svy_calib_residual_coef(const SvyCalibProblem *pr, const SvyCalibSolution *sol,
						const double *cell_dt, const double *cell_dvt,
						const double *cell_t, double *B, double *beta_v, double *work)
{
	int			p = sol->p;
	int			nc = p - pr->k;
	int			k = pr->k;
	double	   *b = work;
	int			colp[SVY_CALIB_MAX_MARGINS];

	if (pr->method == SVY_CALIB_RAKE)
	{
		rake_residual(pr, sol, cell_t, B, work);
		return 0;
	}
	if (pr->method == SVY_CALIB_RESCALE)
	{
		/* the factors are fixed constants: the scores stay as they are */
		memset(B, 0, sizeof(double) * pr->ncell);
		memset(beta_v, 0, sizeof(double) * k);
		return 0;
	}
	if (pr->method == SVY_CALIB_POSTSTRATIFY)
	{
		/* the d-weighted mean of t within the post-stratum */
		for (int c = 0; c < pr->ncell; c++)
			B[c] = cell_dt[c] / pr->cell_d[c];
		return 0;
	}
	/* beta = (sum d x x')^-1 sum d x t */
	memset(b, 0, sizeof(double) * p);
	for (int c = 0; c < pr->ncell; c++)
	{
		int			n = cell_cols(pr, c, colp);

		for (int i = 0; i < n; i++)
			b[colp[i]] += cell_dt[c];
		for (int j = 0; j < k; j++)
			b[nc + j] += cell_dvt[c * k + j];
	}
	if (solve_spd(p, sol->A, b, work + p) != 0)
		return -1;
	for (int c = 0; c < pr->ncell; c++)
	{
		int			n = cell_cols(pr, c, colp);

		B[c] = 0.0;
		for (int i = 0; i < n; i++)
			B[c] += b[colp[i]];
	}
	for (int j = 0; j < k; j++)
		beta_v[j] = b[nc + j];
	return 0;
}

/* ---------- row moments of designs without PSUs (calibrate.h) ---------- */

void
svy_calib_add_moment(double *out, const double *q, int m, int n, double t)
{
	int			len = 1;

	for (int i = 0; i < n; i++)
		len *= m;
	for (int idx = 0; idx < len; idx++)
	{
		double		x = t;

		for (int i = 0, r = idx; i < n; i++, r /= m)
			x *= q[r % m];
		out[idx] += x;
	}
}

void
svy_calib_contract(const double *T, const double *gamma, int m, int n, double *out)
{
	int			rest = 1;

	for (int i = 2; i < n; i++)
		rest *= m;
	for (int r = 0; r < rest; r++)
	{
		double		x = 0.0;

		for (int a = 0; a < m; a++)
			for (int b = 0; b < m; b++)
				x += T[(r * m + b) * m + a] * gamma[a] * gamma[b];
		out[r] = x;
	}
}
