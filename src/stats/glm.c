/*
 * glm.c — IRLS as R's glm.fit, score totals for the sandwich variance,
 * replicate covariance and Wald tests (see glm.h).
 *
 * References:
 *   Binder, D. A. (1983).  On the variances of asymptotically normal
 *     estimators from complex surveys.  International Statistical Review
 *     51(3), 279-292.  (The sandwich: the inverse information around the
 *     design variance of the estimating-equation scores.)
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <Rmath.h>

#include "glm.h"
#include "handlers.h"
#include "names.h"

/* R's thresholds in family.c (logit) and make.link("log") */
#define LOGIT_THRESH 30.0
#define LOGIT_INVEPS (1.0 / DBL_EPSILON)
#define BOUNDARY_EPS (10.0 * DBL_EPSILON)	/* glm.fit's fitted 0/1 warning */

static const SvyName families[] = {
	{"gaussian", SVY_GLM_GAUSSIAN},
	{"binomial", SVY_GLM_BINOMIAL},
	{"quasibinomial", SVY_GLM_QUASIBINOMIAL},
	{"poisson", SVY_GLM_POISSON},
	{"quasipoisson", SVY_GLM_QUASIPOISSON},
};

int
svy_glm_family_parse(const char *name)
{
	return svy_name_value(SVY_NAMES(families), name);
}

const char *
svy_glm_family_name(int family)
{
	const char *name = svy_name_of(SVY_NAMES(families), family);

	return name ? name : "?";
}

const char *
svy_glm_family_names(void)
{
	return "gaussian, binomial, quasibinomial, poisson, quasipoisson";
}

static bool
is_logit(int family)
{
	return family == SVY_GLM_BINOMIAL || family == SVY_GLM_QUASIBINOMIAL;
}

static bool
is_log(int family)
{
	return family == SVY_GLM_POISSON || family == SVY_GLM_QUASIPOISSON;
}

bool
svy_glm_outcome_ok(int family, double y, const char **allowed)
{
	switch (family)
	{
		case SVY_GLM_BINOMIAL:
			*allowed = "0 or 1";
			return y == 0.0 || y == 1.0;
		case SVY_GLM_QUASIBINOMIAL:
			*allowed = "between 0 and 1";
			return y >= 0.0 && y <= 1.0;
		case SVY_GLM_POISSON:
		case SVY_GLM_QUASIPOISSON:
			*allowed = "0 or more";
			return y >= 0.0;
		default:
			*allowed = "any finite number";
			return true;
	}
}

/* ---- links and variances, as R computes them ---- */

static double
linkinv(int family, double eta)
{
	if (is_logit(family))
	{
		double		t = eta < -LOGIT_THRESH ? DBL_EPSILON
			: (eta > LOGIT_THRESH ? LOGIT_INVEPS : exp(eta));

		return t / (1.0 + t);
	}
	if (is_log(family))
		return fmax(exp(eta), DBL_EPSILON);
	return eta;
}

static double
linkfun(int family, double mu)
{
	if (is_logit(family))
		return log(mu / (1.0 - mu));
	if (is_log(family))
		return log(mu);
	return mu;
}

static double
mu_eta(int family, double eta)
{
	if (is_logit(family))
	{
		double		opexp = 1.0 + exp(eta);

		return (eta > LOGIT_THRESH || eta < -LOGIT_THRESH) ? DBL_EPSILON
			: exp(eta) / (opexp * opexp);
	}
	if (is_log(family))
		return fmax(exp(eta), DBL_EPSILON);
	return 1.0;
}

static double
variance(int family, double mu)
{
	if (is_logit(family))
		return mu * (1.0 - mu);
	if (is_log(family))
		return mu;
	return 1.0;
}

static double
xlogx(double x)
{
	return x > 0.0 ? x * log(x) : 0.0;
}

double
svy_glm_dev_const(int family, double w, double y)
{
	if (is_logit(family) && (y == 0.0 || y == 1.0))
		return 0.0;				/* the usual 0/1 outcome: no log per row */
	if (is_logit(family))
		return 2.0 * w * (xlogx(y) + xlogx(1.0 - y));
	if (is_log(family))
		return 2.0 * w * xlogx(y);
	return w * y * y;
}

/* w times the unit deviance, for rows of one value y (as R's dev.resids) */
static double
unit_deviance(int family, double w, double y, double mu)
{
	if (is_logit(family))
		return 2.0 * w * ((y > 0.0 ? y * log(y / mu) : 0.0) +
						  (1.0 - y > 0.0 ? (1.0 - y) * log((1.0 - y) / (1.0 - mu)) : 0.0));
	if (is_log(family))
		return 2.0 * w * ((y > 0.0 ? y * log(y / mu) : 0.0) - (y - mu));
	return w * (y - mu) * (y - mu);
}

void
svy_glm_start_row(int family, double w, double y, double *W0, double *Wz0, double *dev0)
{
	double		mustart,
				eta,
				mu,
				me,
				W;

	if (family == SVY_GLM_GAUSSIAN)
	{
		/* the identity link: mu = y, W = w, z = y, no deviance (runs once per row) */
		*W0 = w;
		*Wz0 = w * y;
		*dev0 = 0.0;
		return;
	}
	/* family$initialize: mustart; then eta = linkfun(mustart), mu = linkinv(eta) */
	mustart = is_logit(family) ? (w * y + 0.5) / (w + 1.0) : y + 0.1;
	eta = linkfun(family, mustart);
	mu = linkinv(family, eta);
	me = mu_eta(family, eta);
	W = w * me * me / variance(family, mu);

	*W0 = W;
	*Wz0 = W * (eta + (y - mu) / me);
	*dev0 = unit_deviance(family, w, y, mu);
}

/* deviance of the cells at the fitted means */
static double
deviance(const SvyGlmCells *c, const double *mu)
{
	double		dev = c->dev_const;

	for (int k = 0; k < c->ncells; k++)
	{
		double		m = mu[k],
					sw = c->sw[k],
					swy = c->swy[k];

		if (sw == 0.0)
			continue;
		if (is_logit(c->family))
			dev -= 2.0 * (swy * log(m) + (sw - swy) * log(1.0 - m));
		else if (is_log(c->family))
			dev -= 2.0 * (swy * log(m) + swy - sw * m);
		else
			dev += m * (m * sw - 2.0 * swy);
	}
	return dev;
}

/*
 * A (p x p symmetric, positive semi-definite) is replaced by its inverse
 * and b by A^-1 b, by Cholesky of the equilibrated matrix; returns the
 * first column whose pivot falls below SVY_GLM_ALIAS_TOL (a combination of
 * the earlier columns: R's QR calls it aliased), or -1.  work: 2 p^2 + 2 p.
 */
static int
solve_spd(int p, double *a, double *b, double *work)
{
	double	   *l = work,
			   *inv = l + (long) p * p,
			   *d = inv + (long) p * p,
			   *e = d + p;

	for (int i = 0; i < p; i++)
	{
		if (!(a[i * p + i] > 0.0))
			return i;
		d[i] = 1.0 / sqrt(a[i * p + i]);
	}
	for (int i = 0; i < p; i++)
		for (int j = 0; j < p; j++)
			l[i * p + j] = a[i * p + j] * d[i] * d[j];
	for (int j = 0; j < p; j++)
	{
		double		s = l[j * p + j];

		for (int k = 0; k < j; k++)
			s -= l[j * p + k] * l[j * p + k];
		if (!(s > SVY_GLM_ALIAS_TOL))
			return j;
		s = sqrt(s);
		l[j * p + j] = s;
		for (int i = j + 1; i < p; i++)
		{
			double		t = l[i * p + j];

			for (int k = 0; k < j; k++)
				t -= l[i * p + k] * l[j * p + k];
			l[i * p + j] = t / s;
		}
	}
	/* (L L')^-1 column by column: forward, then back substitution */
	for (int c = 0; c < p; c++)
	{
		for (int i = 0; i < p; i++)
		{
			double		s = (i == c) ? 1.0 : 0.0;

			for (int k = 0; k < i; k++)
				s -= l[i * p + k] * e[k];
			e[i] = s / l[i * p + i];
		}
		for (int i = p - 1; i >= 0; i--)
		{
			double		s = e[i];

			for (int k = i + 1; k < p; k++)
				s -= l[k * p + i] * e[k];
			e[i] = s / l[i * p + i];
		}
		for (int i = 0; i < p; i++)
			inv[i * p + c] = e[i];
	}
	for (int i = 0; i < p; i++)
		for (int j = 0; j < p; j++)
			a[i * p + j] = inv[i * p + j] * d[i] * d[j];
	for (int i = 0; i < p; i++)
	{
		double		s = 0.0;

		for (int j = 0; j < p; j++)
			s += a[i * p + j] * b[j];
		e[i] = s;
	}
	memcpy(b, e, sizeof(double) * p);
	return -1;
}

long
svy_glm_work_size(int p, int ncells)
{
	return 2L * p * p + 3L * p + ncells;
}

/* eta = X beta, mu = linkinv(eta) per cell */
static void
predict(const SvyGlmCells *c, const double *beta, double *eta, double *mu)
{
	int			p = c->p;

	for (int k = 0; k < c->ncells; k++)
	{
		const double *x = c->x + (long) k * p;
		double		s = 0.0;

		for (int j = 0; j < p; j++)
			s += x[j] * beta[j];
		eta[k] = s;
		mu[k] = linkinv(c->family, s);
	}
}

SvyGlmStatus
svy_glm_irls(const SvyGlmCells *c, const double *w0, const double *wz0, double dev0,
			 SvyGlmFit *fit, double *work)
{
	int			p = c->p;
	double	   *solve_work = work,
			   *b = work + 2L * p * p + 2L * p,
			   *eta = b + p;
	double	   *A = fit->ainv;
	double		devold = dev0;

	fit->converged = false;
	fit->iterations = 0;
	fit->aliased = -1;
	fit->boundary_cell = -1;

	if (w0 == NULL)
	{
		/* glm.fit(start = beta): eta, mu and devold from the start */
		predict(c, fit->beta, eta, fit->mu);
		devold = deviance(c, fit->mu);
	}

	for (int iter = 1; iter <= SVY_GLM_MAXIT; iter++)
	{
		int			bad;
		double		dev;

		memset(A, 0, sizeof(double) * p * p);
		memset(b, 0, sizeof(double) * p);
		svy_check_interrupts();
		for (int k = 0; k < c->ncells; k++)
		{
			const double *x = c->x + (long) k * p;
			double		W,
						Wz;

			if (c->sw[k] == 0.0)
			{
				fit->sf[k] = 0.0;
				continue;
			}
			if (iter == 1 && w0 != NULL)
			{
				W = w0[k];
				Wz = wz0[k];
				/* the start's W per unit weight (exact when the cell's rows share w and y) */
				fit->sf[k] = W / c->sw[k];
			}
			else
			{
				double		me = mu_eta(c->family, eta[k]);
				double		g = me * me / variance(c->family, fit->mu[k]);

				W = c->sw[k] * g;
				Wz = W * eta[k] + g / me * (c->swy[k] - fit->mu[k] * c->sw[k]);
				fit->sf[k] = g;
			}
			for (int i = 0; i < p; i++)
			{
				double		wx = W * x[i];

				b[i] += Wz * x[i];
				for (int j = 0; j <= i; j++)
					A[i * p + j] += wx * x[j];
			}
		}
		for (int i = 0; i < p; i++)
			for (int j = i + 1; j < p; j++)
				A[i * p + j] = A[j * p + i];

		bad = solve_spd(p, A, b, solve_work);
		if (bad >= 0)
		{
			fit->aliased = bad;
			return SVY_GLM_SINGULAR;
		}
		memcpy(fit->beta, b, sizeof(double) * p);
		predict(c, fit->beta, eta, fit->mu);
		dev = deviance(c, fit->mu);
		fit->iterations = iter;
		fit->deviance = dev;
		if (!isfinite(dev))
			return SVY_GLM_DIVERGED;
		if (fabs(dev - devold) / (fabs(dev) + 0.1) < SVY_GLM_EPSILON)
		{
			fit->converged = true;
			break;
		}
		devold = dev;
	}

	/* the score factor: last W per unit weight over mu'(eta) at the final fit */
	for (int k = 0; k < c->ncells; k++)
	{
		if (c->sw[k] == 0.0)
			continue;
		fit->sf[k] /= mu_eta(c->family, eta[k]);
		if ((is_logit(c->family) && (fit->mu[k] > 1.0 - BOUNDARY_EPS || fit->mu[k] < BOUNDARY_EPS)) ||
			(is_log(c->family) && fit->mu[k] < BOUNDARY_EPS))
		{
			fit->boundary_cell = k;
			return SVY_GLM_BOUNDARY;
		}
	}
	return SVY_GLM_OK;
}

void
svy_glm_score_add(const SvyGlmCells *c, const SvyGlmFit *fit, int cell,
				  double sw, double swy, double *u)
{
	const double *x = c->x + (long) cell * c->p;
	double		f = fit->sf[cell] * (swy - fit->mu[cell] * sw);

	for (int j = 0; j < c->p; j++)
		u[j] += x[j] * f;
}

void
svy_glm_score_cross_add(const SvyGlmCells *c, const SvyGlmFit *fit, int cell,
						double sww, double swwy, double swwyy, double *uu)
{
	const double *x = c->x + (long) cell * c->p;
	double		m = fit->mu[cell],
				sf = fit->sf[cell];
	/* sum over the rows of (w (y - mu))^2, from its three sums */
	double		f = sf * sf * (swwyy - 2.0 * m * swwy + m * m * sww);
	int			p = c->p;

	for (int i = 0; i < p; i++)
		for (int j = 0; j < p; j++)
			uu[i * p + j] += f * x[i] * x[j];
}

void
svy_glm_sandwich(int p, const double *a, const double *m, double *out, double *tmp)
{
	for (int i = 0; i < p; i++)
		for (int j = 0; j < p; j++)
		{
			double		s = 0.0;

			for (int k = 0; k < p; k++)
				s += a[i * p + k] * m[k * p + j];
			tmp[i * p + j] = s;
		}
	for (int i = 0; i < p; i++)
		for (int j = 0; j < p; j++)
		{
			double		s = 0.0;

			for (int k = 0; k < p; k++)
				s += tmp[i * p + k] * a[k * p + j];
			out[i * p + j] = s;
		}
}

void
svy_glm_replicate_vcov(int p, int nrep, const double *betas, const double *beta,
					   double scale, const double *rscales, bool mse, double *v, double *centre)
{

	for (int j = 0; j < p; j++)
	{
		if (mse)
			centre[j] = beta[j];
		else
		{
			double		sum = 0.0;
			int			n = 0;

			for (int r = 0; r < nrep; r++)
				if (rscales == NULL || rscales[r] > 0)
				{
					sum += betas[(long) r * p + j];
					n++;
				}
			centre[j] = n > 0 ? sum / n : NAN;
		}
	}
	memset(v, 0, sizeof(double) * p * p);
	for (int r = 0; r < nrep; r++)
	{
		const double *br = betas + (long) r * p;
		double		rs = rscales ? rscales[r] : 1.0;

		for (int i = 0; i < p; i++)
			for (int j = 0; j < p; j++)
				v[i * p + j] += scale * rs * (br[i] - centre[i]) * (br[j] - centre[j]);
	}
}

int
svy_glm_wald(int p, const double *beta, const double *v, const int *idx, int q, double *chisq,
			 double *work)
{
	double	   *vt = work,
			   *bt = vt + (long) q * q,
			   *b2 = bt + q,
			   *solve_work = b2 + q;

	for (int i = 0; i < q; i++)
	{
		bt[i] = beta[idx[i]];
		b2[i] = bt[i];
		for (int j = 0; j < q; j++)
			vt[i * q + j] = v[idx[i] * p + idx[j]];
	}
	if (solve_spd(q, vt, b2, solve_work) >= 0)
		return -1;
	*chisq = 0.0;
	for (int i = 0; i < q; i++)
		*chisq += bt[i] * b2[i];
	return 0;
}

double
svy_glm_wald_pvalue(double chisq, int q, double df)
{
	if (isinf(df))
		return pchisq(chisq, q, 0, 0);
	return pf(chisq / q, q, df, 0, 0);
}
