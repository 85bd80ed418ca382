/*
 * chisq.c — R 4.1.1's svychisq for an r x c table (see chisq.h).
 *
 * References:
 *   Rao, J. N. K. and Scott, A. J. (1984).  On chi-squared tests for
 *     multiway contingency tables with cell proportions estimated from
 *     survey data.  Annals of Statistics 12(1), 46-60.  (The first- and
 *     second-order corrections of Pearson's X^2: "Chisq" and "F".)
 *   Thomas, D. R. and Rao, J. N. K. (1987).  Small-sample comparisons of
 *     level and power for simple goodness-of-fit statistics under cluster
 *     sampling.  JASA 82(398), 630-636.  (The F form and the adjusted Wald.)
 *   Kuonen, D. (1999).  Saddlepoint approximations for distributions of
 *     quadratic forms in normal variables.  Biometrika 86(4), 929-935.
 *     ("saddlepoint".)
 */
#include <math.h>
#include <stdbool.h>

#define MATHLIB_STANDALONE 1
#include <Rmath.h>

#include "chisq.h"
#include "handlers.h"
#include "ldouble.h"
#include "matrix.h"
#include "names.h"
#include "zeroin.h"

static const SvyName chisq_names[] = {
	{"F", SVY_CHISQ_F},
	{"Chisq", SVY_CHISQ_CHISQ},
	{"Wald", SVY_CHISQ_WALD},
	{"adjWald", SVY_CHISQ_ADJWALD},
	{"lincom", SVY_CHISQ_LINCOM},
	{"saddlepoint", SVY_CHISQ_SADDLEPOINT},
};

/* R's description of each statistic ("method" of its htest) */
static const char *const chisq_methods[] = {
	[SVY_CHISQ_F] = "Pearson's X^2: Rao & Scott adjustment",
	[SVY_CHISQ_CHISQ] = "Pearson's X^2: Rao & Scott adjustment",
	[SVY_CHISQ_WALD] = "Design-based Wald test of association",
	[SVY_CHISQ_ADJWALD] = "Design-based Wald test of association",
	[SVY_CHISQ_LINCOM] = "Pearson's X^2: asymptotic exact distribution",
	[SVY_CHISQ_SADDLEPOINT] = "Pearson's X^2: saddlepoint approximation",
};

int
svy_chisq_parse(const char *name)
{
	return svy_name_value(SVY_NAMES(chisq_names), name);
}

const char *
svy_chisq_names(void)
{
	return "F, Chisq, Wald, adjWald, saddlepoint (lincom is not implemented)";
}

const char *
svy_chisq_method(SvyChisqStat stat)
{
	return (unsigned) stat < sizeof(chisq_methods) / sizeof(chisq_methods[0])
		? chisq_methods[stat] : NULL;
}

/* ---------- Pearson X^2 on the table rescaled to N (R: svytable(Ntotal = N)) ---------- */

static int
pearson(int nr, int nc, const double *T, double total, double N, double *x2)
{
	double	   *rs = svy_alloc0(nr, sizeof(double));
	double	   *cs = svy_alloc0(nc, sizeof(double));
	double		n = 0.0;

	*x2 = 0.0;
	if (rs == NULL || cs == NULL)
	{
		svy_free(rs);
		svy_free(cs);
		return SVY_CHISQ_E_NOMEM;
	}
	for (int i = 0; i < nr; i++)
		for (int j = 0; j < nc; j++)
		{
			double		o = T[i * nc + j] / total * N;

			rs[i] += o;
			cs[j] += o;
			n += o;
		}
	/* chisq.test: E = outer(rowsums, colsums) / n; an empty margin gives NaN */
	for (int i = 0; i < nr; i++)
		for (int j = 0; j < nc; j++)
		{
			double		o = T[i * nc + j] / total * N;
			double		e = rs[i] * cs[j] / n;

			*x2 += (o - e) * (o - e) / e;
		}
	svy_free(rs);
	svy_free(cs);
	return SVY_CHISQ_OK;
}

/* ---------- the design effect matrix Delta ---------- */

/*
 * Delta = (C' D^-1 C / N)^-1 (C' D^-1 V_P D^-1 C), C = the interaction
 * columns residualised on the main effects.  Any basis of that space gives a
 * similar Delta (same trace and eigenvalues); we use the double-centred cell
 * indicators of rows 2..r x columns 2..c, which is what R's qr.resid gives
 * for one observation per cell.  With A = L L' (Cholesky) we return
 * S = L^-1 B L^-T, symmetric and similar to Delta.
 */
static int
delta_matrix(int nr, int nc, const double *T, const double *V, const double *Vp,
			 double total, double N, double *S)
{
	int			rc = nr * nc,
				k = (nr - 1) * (nc - 1);
	double	   *P = svy_alloc(sizeof(double) * rc);
	double	   *M = svy_alloc(sizeof(double) * rc * k);	/* D^-1 C, then J' D^-1 C */
	double	   *H = svy_alloc(sizeof(double) * rc * k);	/* V J' D^-1 C */
	double	   *A = svy_alloc(sizeof(double) * k * k);
	double	   *X = svy_alloc(sizeof(double) * k * k);
	int			rc_status = SVY_CHISQ_OK;

	if (!P || !M || !H || !A || !X)
	{
		rc_status = SVY_CHISQ_E_NOMEM;
		goto done;
	}
	for (int c = 0; c < rc; c++)
		P[c] = T[c] / total;

	/* A = C' D^-1 C / N and M = D^-1 C; zero cells get 0 in D^-1, as R */
	for (int c = 0; c < rc; c++)
	{
		int			i = c / nc,
					j = c % nc;
		double		id = P[c] == 0.0 ? 0.0 : 1.0 / P[c];

		svy_check_interrupts();

		for (int a = 1; a < nr; a++)
			for (int b = 1; b < nc; b++)
			{
				double		cij = ((i == a) - 1.0 / nr) * ((j == b) - 1.0 / nc);

				M[(size_t) c * k + (a - 1) * (nc - 1) + (b - 1)] = id * cij;
			}
	}
	for (int u = 0; u < k; u++)
	{
		svy_check_interrupts();
		for (int v = 0; v < k; v++)
		{
			double		s = 0.0;

			for (int c = 0; c < rc; c++)
			{
				int			i = c / nc,
							j = c % nc;
				double		cu = ((i == u / (nc - 1) + 1) - 1.0 / nr) * ((j == u % (nc - 1) + 1) - 1.0 / nc);

				s += cu * M[(size_t) c * k + v];
			}
			A[u * k + v] = s / N;
		}
	}

	/*
	 * V_P = J V J' with J = (I - P 1') / total, the delta method for
	 * P = T / sum(T) (R: svymean of the cell indicators).  J' M subtracts
	 * from each column of M its P-weighted sum.  A given V_P is used as is.
	 */
	if (Vp)
		V = Vp;
	for (int v = 0; v < k && !Vp; v++)
	{
		double		s = 0.0;

		svy_check_interrupts();
		for (int c = 0; c < rc; c++)
			s += P[c] * M[(size_t) c * k + v];
		for (int c = 0; c < rc; c++)
			M[(size_t) c * k + v] = (M[(size_t) c * k + v] - s) / total;
	}
	/* X = B = M' V M */
	svy_mat_congruence(rc, k, V, M, H, X);
	if (svy_mat_cholesky(k, A) != 0)
	{
		rc_status = SVY_CHISQ_E_SINGULAR;
		goto done;
	}
	/* S = L^-1 (L^-1 B)' */
	svy_mat_forward(k, A, X, k);
	for (int u = 0; u < k; u++)
	{
		svy_check_interrupts();
		for (int v = 0; v < k; v++)
			S[u * k + v] = X[v * k + u];
	}
	svy_mat_forward(k, A, S, k);
	/* symmetrise away rounding */
	for (int u = 0; u < k; u++)
		for (int v = u + 1; v < k; v++)
			S[u * k + v] = S[v * k + u] = (S[u * k + v] + S[v * k + u]) / 2.0;

done:
	svy_free(P);
	svy_free(M);
	svy_free(H);
	svy_free(A);
	svy_free(X);
	return rc_status;
}

/* ---------- Wald tests ---------- */

/*
 * Y = T_ij - R_i C_j / Nhat for rows and columns 2.., V_Y by the delta method
 * (R builds the Jacobian against the cell, margin and grand totals; as those
 * are sums of the cells, the chain rule gives the same matrix).
 */
static int
wald_quadform(int nr, int nc, const double *T, const double *V, double total, double *q)
{
	int			rc = nr * nc,
				k = (nr - 1) * (nc - 1);
	double	   *R = svy_alloc0(nr, sizeof(double));
	double	   *Cs = svy_alloc0(nc, sizeof(double));
	double	   *J = svy_alloc(sizeof(double) * rc * k);	/* J' (rc x k): dY_u / dT_c */
	double	   *H = svy_alloc(sizeof(double) * rc * k);
	double	   *VY = svy_alloc(sizeof(double) * k * k);
	double	   *Y = svy_alloc(sizeof(double) * k);
	double	   *Z = svy_alloc(sizeof(double) * k);
	int			status = SVY_CHISQ_OK;

	if (!R || !Cs || !J || !H || !VY || !Y || !Z)
	{
		status = SVY_CHISQ_E_NOMEM;
		goto done;
	}
	for (int c = 0; c < rc; c++)
	{
		R[c / nc] += T[c];
		Cs[c % nc] += T[c];
	}
	for (int i = 1; i < nr; i++)
		for (int j = 1; j < nc; j++)
		{
			int			u = (i - 1) * (nc - 1) + (j - 1);

			svy_check_interrupts();
			Y[u] = T[i * nc + j] - R[i] * Cs[j] / total;
			for (int c = 0; c < rc; c++)
			{
				int			a = c / nc,
							b = c % nc;

				J[(size_t) c * k + u] = (a == i && b == j)
					- (a == i) * Cs[j] / total
					- (b == j) * R[i] / total
					+ R[i] * Cs[j] / (total * total);
			}
		}
	svy_mat_congruence(rc, k, V, J, H, VY);
	for (int u = 0; u < k; u++)
		Z[u] = Y[u];
	if (svy_mat_solve(k, VY, Z, 1) != 0)
	{
		status = SVY_CHISQ_E_SINGULAR;
		goto done;
	}
	*q = 0.0;
	for (int u = 0; u < k; u++)
		*q += Y[u] * Z[u];

done:
	svy_free(R);
	svy_free(Cs);
	svy_free(J);
	svy_free(H);
	svy_free(VY);
	svy_free(Y);
	svy_free(Z);
	return status;
}

/* ---------- saddlepoint (survey:::saddle, pFsum and pchisqsum) ---------- */

/*
 * lambda = (eigenvalues of Delta, -x/ddf repeated m times), scaled by its
 * maximum, and the point x at which the sum is evaluated (pFsum: 0, the
 * denominator folded into lambda; pchisqsum: X^2 / d).  R sums in long
 * double; so do we (64-bit mantissa: ldouble.h).
 */
typedef struct Saddle
{
	const double *ev;
	int			k;
	double		neg;			/* -x/ddf / d */
	double		m;				/* its multiplicity (0: none) */
	double		d;
	double		x;
} Saddle;

static double
k_prime(const Saddle *s, double z)
{
	long double sum = 0.0L;

	for (int i = 0; i < s->k; i++)
	{
		double		l = s->ev[i] / s->d;

		sum = svy_ld(sum + l / (1.0 - 2.0 * z * l));
	}
	sum = svy_ld(sum + s->m * (s->neg / (1.0 - 2.0 * z * s->neg)));
	return (double) sum;
}

static double
k_0(const Saddle *s, double z)
{
	long double sum = 0.0L;

	for (int i = 0; i < s->k; i++)
		sum = svy_ld(sum + log(1.0 - 2.0 * z * (s->ev[i] / s->d)));
	sum = svy_ld(sum + s->m * log(1.0 - 2.0 * z * s->neg));
	return -(double) sum / 2.0;
}

static double
k_2(const Saddle *s, double z)
{
	long double sum = 0.0L;

	for (int i = 0; i < s->k; i++)
	{
		double		l = s->ev[i] / s->d;
		double		t = 1.0 - 2.0 * z * l;

		sum = svy_ld(sum + l * l / (t * t));
	}
	{
		double		t = 1.0 - 2.0 * z * s->neg;

		sum = svy_ld(sum + s->m * (s->neg * s->neg / (t * t)));
	}
	return 2.0 * (double) sum;
}

/* k'(z) - x, the function whose root R's saddle() finds with uniroot */
static double
k_prime_fn(double z, void *info)
{
	const Saddle *s = info;

	return k_prime(s, z) - s->x;
}

/* R's saddle() after its root z: NaN (R's NA) when |z| < 1e-4 */
static double
saddle_tail(const Saddle *s, double z)
{
	double		w = (z > 0 ? 1.0 : (z < 0 ? -1.0 : 0.0)) * sqrt(2.0 * (z * s->x - k_0(s, z)));
	double		v = z * sqrt(k_2(s, z));

	return fabs(z) >= 1e-4 ? pnorm(w + log(v / w) / w, 0.0, 1.0, 0, 0) : NAN;
}

/*
 * pchisqsum(x, rep(1, k), ev, lower.tail = FALSE, method = "saddlepoint"),
 * R's p-value of svychisq(statistic = "saddlepoint") on a replicate design
 * (no denominator df).  Returns 0 with *p set, or SVY_CHISQ_E_NUMERIC where
 * R's uniroot stops.
 */
static int
saddlepoint_chisqsum_p(const double *ev, int k, double x, double *p)
{
	double		tr = 0.0,
				tr2 = 0.0,
				sum = 0.0,
				lmin = -INFINITY,
				lmax = INFINITY,
				z,
				tail;
	bool		anyneg = false;
	Saddle		s = {ev, k, 0.0, 0.0, ev[0], 0.0};

	for (int i = 0; i < k; i++)
	{
		tr += ev[i];
		tr2 += ev[i] * ev[i];
		if (ev[i] > s.d)
			s.d = ev[i];
	}
	tr /= k;
	tr2 = tr2 / k / (tr * tr);
	/* the Satterthwaite guess, kept when the saddlepoint is NA */
	*p = pchisq(x / (tr * tr2), k / tr2, 0, 0);
	s.x = x / s.d;
	for (int i = 0; i < k; i++)
	{
		double		l = ev[i] / s.d;

		sum += l;
		if (l < 0)
		{
			anyneg = true;
			lmin = fmax(lmin, 1.0 / (2.0 * l));
		}
		if (l > 0)
			lmax = fmin(lmax, 1.0 / (2.0 * l));
	}
	if (anyneg)
		lmin *= 0.99999;
	else if (s.x > sum)
		lmin = -0.01;
	else
		lmin = -k / (2.0 * s.x);
	lmax *= 0.99999;
	{
		SvyZeroinStatus status = svy_uniroot(k_prime_fn, &s, lmin, lmax, 1e-8, 1000, &z);

		if (status != SVY_ZEROIN_OK && status != SVY_ZEROIN_NO_CONVERGENCE)
			return SVY_CHISQ_E_NUMERIC;
	}
	tail = saddle_tail(&s, z);
	if (!isnan(tail))
		*p = tail;
	return SVY_CHISQ_OK;
}

/*
 * pFsum(x, rep(1, k), ev, ddf, method = "saddlepoint", lower.tail = FALSE).
 * Returns 0 with *p set, or SVY_CHISQ_E_NUMERIC where R's uniroot stops.
 */
static int
saddlepoint_p(const double *ev, int k, double x, double ddf, double *p)
{
	double		tr = 0.0,
				tr2 = 0.0;
	Saddle		s;
	double		lmin = -INFINITY,
				lmax = INFINITY,
				z;
	int			anyneg = 0;
	SvyZeroinStatus status;

	for (int i = 0; i < k; i++)
	{
		tr += ev[i];
		tr2 += ev[i] * ev[i];
	}
	tr /= k;
	tr2 = tr2 / k / (tr * tr);
	if (isinf(ddf))
	{
		/* pchisqsum(method = "satterthwaite") */
		*p = pchisq(x / (tr * tr2), k / tr2, 0, 0);
		return SVY_CHISQ_OK;
	}
	/* the Satterthwaite guess, kept when the saddlepoint is NA */
	*p = pf(x / (k / tr2) / (tr * tr2), k / tr2, ddf, 0, 0);

	/* rep(a, df) truncates the non-integer df d0 nu, as R */
	s.ev = ev;
	s.k = k;
	s.x = 0.0;
	s.m = ddf > 1.0 ? floor(ddf) : 1.0;
	s.d = ev[0];
	for (int i = 1; i < k; i++)
		if (ev[i] > s.d)
			s.d = ev[i];
	if (-x / ddf > s.d)
		s.d = -x / ddf;
	s.neg = -x / ddf / s.d;

	/* saddle(0, lambda): x = 0 after scaling */
	for (int i = 0; i < k; i++)
	{
		double		l = ev[i] / s.d;

		if (l < 0)
		{
			anyneg = 1;
			lmin = fmax(lmin, 1.0 / (2.0 * l));
		}
		if (l > 0)
			lmax = fmin(lmax, 1.0 / (2.0 * l));
	}
	if (s.neg < 0)
	{
		anyneg = 1;
		lmin = fmax(lmin, 1.0 / (2.0 * s.neg));
	}
	if (s.neg > 0)
		lmax = fmin(lmax, 1.0 / (2.0 * s.neg));
	if (!anyneg)
		return SVY_CHISQ_E_NUMERIC;	/* x = 0: R's uniroot fails too */
	lmin *= 0.99999;
	lmax *= 0.99999;
	/* R's uniroot errors (no sign change, NaN ends); after maxiter it warns and keeps z */
	status = svy_uniroot(k_prime_fn, &s, lmin, lmax, 1e-8, 1000, &z);
	if (status != SVY_ZEROIN_OK && status != SVY_ZEROIN_NO_CONVERGENCE)
		return SVY_CHISQ_E_NUMERIC;
	{
		double		tail = saddle_tail(&s, z);

		if (!isnan(tail))
			*p = tail;
	}
	return SVY_CHISQ_OK;
}

/* ---------- entry point ---------- */

int
svy_chisq(SvyChisqStat stat, int nr, int nc, const double *T, const double *V,
		  double N, double nu, SvyChisqResult *out)
{
	return svy_chisq_replicate(stat, nr, nc, T, V, NULL, N, nu, out);
}

int
svy_chisq_replicate(SvyChisqStat stat, int nr, int nc, const double *T, const double *V,
					const double *Vp, double N, double nu, SvyChisqResult *out)
{
	int			k = (nr - 1) * (nc - 1);
	double		total = 0.0;
	double	   *S = NULL,
			   *ev = NULL;
	double		x2,
				tr = 0.0,
				tr2 = 0.0;
	int			status = SVY_CHISQ_OK;

	out->statistic = out->ndf = out->ddf = out->p_value = NAN;
	if (nr < 2 || nc < 2)
		return SVY_CHISQ_E_DIM;
	if (stat == SVY_CHISQ_LINCOM)
		return SVY_CHISQ_E_UNSUPPORTED;
	for (int c = 0; c < nr * nc; c++)
		total += T[c];
	if (!(total > 0.0) || !isfinite(total))
		return SVY_CHISQ_E_EMPTY;

	if (stat == SVY_CHISQ_WALD || stat == SVY_CHISQ_ADJWALD)
	{
		double		q;

		status = wald_quadform(nr, nc, T, V, total, &q);
		if (status != SVY_CHISQ_OK)
			return status;
		out->ndf = k;
		if (stat == SVY_CHISQ_WALD)
		{
			out->statistic = q / k;
			out->ddf = nu;
		}
		else
		{
			out->ddf = nu - k + 1.0;
			out->statistic = q * out->ddf / (k * nu);
		}
		/* pf with ddf <= 0 is NaN: the design has too few PSUs */
		out->p_value = isinf(out->ddf) ? pchisq(out->statistic * k, k, 0, 0)
			: pf(out->statistic, out->ndf, out->ddf, 0, 0);
		return SVY_CHISQ_OK;
	}

	S = svy_alloc(sizeof(double) * k * k);
	ev = svy_alloc(sizeof(double) * k);
	if (!S || !ev)
	{
		status = SVY_CHISQ_E_NOMEM;
		goto done;
	}
	status = delta_matrix(nr, nc, T, V, Vp, total, N, S);
	if (status != SVY_CHISQ_OK)
		goto done;
	for (int u = 0; u < k; u++)
	{
		tr += S[u * k + u];
		for (int v = 0; v < k; v++)
			tr2 += S[u * k + v] * S[u * k + v];
	}

	status = pearson(nr, nc, T, total, N, &x2);
	if (status != SVY_CHISQ_OK)
		goto done;

	switch (stat)
	{
		case SVY_CHISQ_F:
			{
				double		d0 = tr * tr / tr2;

				out->statistic = x2 / tr;
				out->ndf = d0;
				out->ddf = d0 * nu;
				out->p_value = pf(out->statistic, d0, d0 * nu, 0, 0);
				break;
			}
		case SVY_CHISQ_CHISQ:
			out->statistic = x2;
			out->ndf = k;
			out->p_value = pchisq(x2 / (tr / k), k, 0, 0);
			break;
		case SVY_CHISQ_SADDLEPOINT:
			{
				double		p;

				out->statistic = x2;
				if (isnan(x2))
					break;
				if (svy_mat_sym_eigenvalues(k, S, ev) != 0)
				{
					status = SVY_CHISQ_E_NUMERIC;
					goto done;
				}
				/* R: pFsum with ddf d0 nu; replicate designs pchisqsum (no ddf) */
				status = Vp ? saddlepoint_chisqsum_p(ev, k, x2, &p)
					: saddlepoint_p(ev, k, x2, tr * tr / tr2 * nu, &p);
				if (status == SVY_CHISQ_OK)
					out->p_value = p;
				break;
			}
		default:
			break;
	}

done:
	svy_free(S);
	svy_free(ev);
	if (status != SVY_CHISQ_OK)
		out->statistic = out->ndf = out->ddf = out->p_value = NAN;
	return status;
}
