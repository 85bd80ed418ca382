/*
 * test_calibrate.c — src/stats/calibrate.c against R (calib_oracle.R):
 * calibrated weights, and the residualised variance of a total and a mean
 * for a design with each row its own PSU (ids = ~1), for poststratify,
 * rake (R's default control, not converged, and converged), linear with a
 * numeric auxiliary and raking, and raking and logit with a numeric
 * auxiliary (a cell per distinct v, cell_v), bounded linear (met, and not:
 * R's pseudo-inverse steps) and bounded raking.  Also the error statuses,
 * and rescale (poststratify's weights, no residualisation).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"

#include "calib_oracle.h"

static int	n_passed,
			n_failed;

static void
check(int line, const char *what, double expected, double actual, double rtol)
{
	if (fabs(actual - expected) <= rtol * fabs(expected) + 1e-300)
		n_passed++;
	else
	{
		n_failed++;
		printf("test_calibrate.c:%d: FAIL %s: expected %.17g, actual %.17g\n", line, what, expected, actual);
	}
}
#define CHECK(exp, act, rtol) check(__LINE__, #act, (exp), (act), (rtol))

#define N 12
static const int A_[N] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
static const int B_[N] = {0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1};
static const double D_[N] = {5, 7, 6, 8, 9, 4, 6, 10, 8, 9, 7, 11};
static const double V_[N] = {2.5, 3.1, 1.2, 4.4, 5.0, 2.2, 3.3, 1.8, 2.9, 4.1, 3.6, 2.0};
static const double Y_[N] = {1.2, 3.4, 2.2, 5.1, 0.7, 2.8, 3.3, 4.0, 6.1, 2.2, 1.9, 3.0};

static const double pop_a[3] = {40, 30, 30};
static const double pop_b[2] = {45, 55};

static void *
xalloc(unsigned long n)
{
	void	   *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

/* A problem over the rows: cells = joint (a, b) (or a alone), optional v. */
typedef struct Setup
{
	SvyCalibProblem pr;
	int			nlev[2];
	const double *pops[2];
	double		popv;
	int			cell_of_row[N];
	int			cell_level[2 * N];
	double		cd[N],
				cn[N],
				cdv[N],
				cdvv[N],
				cv[N];
} Setup;

static void
setup_bounds(Setup *s, SvyCalibMethod method, int nmargin, int numeric, double lower, double upper)
{
	int			code_to_cell[6];
	double		bounds[2] = {lower, upper};
	/* raking, logit and bounded linear with v: a cell per distinct (a, b, v), every row here */
	int			distinct = numeric && svy_calib_newton(method, bounds);

	memset(s, 0, sizeof(*s));
	s->pr.bounds[0] = lower;
	s->pr.bounds[1] = upper;
	memset(code_to_cell, -1, sizeof(code_to_cell));
	s->nlev[0] = 3;
	s->nlev[1] = 2;
	s->pops[0] = pop_a;
	s->pops[1] = pop_b;
	s->popv = 320;
	s->pr.method = method;
	s->pr.nmargin = nmargin;
	s->pr.nlevels = s->nlev;
	s->pr.pop = s->pops;
	s->pr.k = numeric;
	s->pr.pop_numeric = &s->popv;
	for (int i = 0; i < N; i++)
	{
		int			code = nmargin == 1 ? A_[i] : A_[i] + 3 * B_[i];
		int			c = distinct ? -1 : code_to_cell[code];

		if (c < 0)
		{
			c = code_to_cell[code] = s->pr.ncell++;
			s->cell_level[c * nmargin] = A_[i];
			if (nmargin == 2)
				s->cell_level[c * nmargin + 1] = B_[i];
		}
		s->cell_of_row[i] = c;
		s->cd[c] += D_[i];
		s->cn[c] += 1;
		s->cdv[c] += D_[i] * V_[i];
		s->cdvv[c] += D_[i] * V_[i] * V_[i];
		s->cv[c] = V_[i];
	}
	s->pr.cell_v = distinct ? s->cv : NULL;
	s->pr.cell_level = s->cell_level;
	s->pr.cell_d = s->cd;
	s->pr.cell_n = s->cn;
	s->pr.cell_dv = s->cdv;
	s->pr.cell_dvv = s->cdvv;
}

static void
setup(Setup *s, SvyCalibMethod method, int nmargin, int numeric)
{
	setup_bounds(s, method, nmargin, numeric, 0.0, 0.0);
}

/* Weights, and SE of total and mean (ids = ~1: var = n/(n-1) sum (z - zbar)^2). */
static void
run(const char *name, Setup *s, const double *w_exp, const double *tot, const double *mean,
	double rtol, int expect_status)
{
	SvyCalibSolution sol;
	SvyCalibStatus st = svy_calibrate(&s->pr, &sol, xalloc);
	double		w[N],
				Y = 0,
				W = 0;

	printf("%s: status %d, %d iterations, misfit %g\n", name, st, sol.iterations, sol.misfit);
	check(__LINE__, name, expect_status, st, 0);
	for (int i = 0; i < N; i++)
	{
		int			c = s->cell_of_row[i];

		w[i] = D_[i] * (sol.G[c] + (s->pr.k ? V_[i] * sol.lambda_v[0] : 0.0));
		check(__LINE__, name, w_exp[i], w[i], rtol);
		Y += w[i] * Y_[i];
		W += w[i];
	}
	check(__LINE__, "total", tot[0], Y, rtol);
	check(__LINE__, "mean", mean[0], Y / W, rtol);
	for (int which = 0; which < 2; which++)
	{
		/* t: y for the total, (y - mean) / W for the mean */
		double		t[N],
					cdt[N] = {0},
					cdvt[N] = {0},
					ct[N] = {0},
					B[N],
					beta = 0,
					z[N],
					zbar = 0,
					ss = 0;
		double	   *work = xalloc(sizeof(double) * svy_calib_work_size(&s->pr, &sol));

		for (int i = 0; i < N; i++)
		{
			int			c = s->cell_of_row[i];

			t[i] = which == 0 ? Y_[i] : (Y_[i] - Y / W) / W;
			cdt[c] += D_[i] * t[i];
			cdvt[c] += D_[i] * V_[i] * t[i];
			ct[c] += t[i];
		}
		check(__LINE__, "residual_coef", 0,
			  svy_calib_residual_coef(&s->pr, &sol, cdt, cdvt, ct, B, &beta, work), 0);
		for (int i = 0; i < N; i++)
		{
			int			c = s->cell_of_row[i];

			z[i] = w[i] * (t[i] - B[c] - (s->pr.k ? V_[i] * beta : 0.0));
			zbar += z[i] / N;
		}
		for (int i = 0; i < N; i++)
			ss += (z[i] - zbar) * (z[i] - zbar);
		check(__LINE__, which == 0 ? "SE total" : "SE mean",
			  which == 0 ? tot[1] : mean[1], sqrt(ss * N / (N - 1)), rtol);
		free(work);
	}
}

/*
 * Designs without PSUs: the cross-products of the rows' residualised
 * scores from the moments (calibrate.h) equal the direct sums over rows,
 * for k = 0, 1, 2 numeric auxiliaries.
 */
static void
row_moments(void)
{
	for (int k = 0; k <= 2; k++)
	{
		int			m = k + 1;
		double		M4[81] = {0},
					M3f[27] = {0},
					M3g[27] = {0},
					M2[9] = {0};
		double		gamma[3] = {1.3, -0.02, 0.004};
		double		bf[3] = {2.5, 0.3, -0.1};
		double		bg[3] = {-1.0, 0.05, 0.2};
		double		direct = 0.0,
					C[9],
					P[3],
					x = 0.0;

		for (int i = 0; i < N; i++)
		{
			double		q[3] = {1.0, V_[i], Y_[i] - V_[i]};
			double		tf = Y_[i],
						tg = B_[i];
			double		g = 0.0,
						rf = tf,
						rg = tg;

			for (int a = 0; a < m; a++)
			{
				g += gamma[a] * q[a];
				rf -= bf[a] * q[a];
				rg -= bg[a] * q[a];
			}
			direct += D_[i] * g * rf * D_[i] * g * rg;
			svy_calib_add_moment(M4, q, m, 4, D_[i] * D_[i]);
			svy_calib_add_moment(M3f, q, m, 3, D_[i] * D_[i] * tf);
			svy_calib_add_moment(M3g, q, m, 3, D_[i] * D_[i] * tg);
			svy_calib_add_moment(M2, q, m, 2, D_[i] * D_[i] * tf * tg);
		}
		svy_calib_contract(M2, gamma, m, 2, C);
		x += C[0];
		svy_calib_contract(M3f, gamma, m, 3, P);
		for (int a = 0; a < m; a++)
			x -= P[a] * bg[a];
		svy_calib_contract(M3g, gamma, m, 3, P);
		for (int a = 0; a < m; a++)
			x -= P[a] * bf[a];
		svy_calib_contract(M4, gamma, m, 4, C);
		for (int a = 0; a < m; a++)
			for (int b = 0; b < m; b++)
				x += bf[a] * C[a * m + b] * bg[b];
		check(__LINE__, "row moments", direct, x, 1e-12);
	}
}

int
main(void)
{
	Setup		s;
	SvyCalibSolution sol;

	row_moments();

	setup(&s, SVY_CALIB_POSTSTRATIFY, 1, 0);
	run("poststratify", &s, ps_w, ps_tot, ps_mean, 1e-12, SVY_CALIB_OK);

	setup(&s, SVY_CALIB_RAKE, 2, 0);
	/* R's default control stops after 2 sweeps here (change < 1) */
	run("rake default", &s, rake_default_w, rake_default_tot, rake_default_mean, 1e-12,
		SVY_CALIB_OK);
	s.pr.maxit = 1;
	s.pr.epsilon = 1e-12;
	run("rake maxit 1", &s, rake_maxit1_w, rake_maxit1_tot, rake_maxit1_mean, 1e-12,
		SVY_CALIB_NOT_CONVERGED);
	s.pr.maxit = 100;
	s.pr.epsilon = 1e-12;
	run("rake tight", &s, rake_tight_w, rake_tight_tot, rake_tight_mean, 1e-10, SVY_CALIB_OK);

	setup(&s, SVY_CALIB_LINEAR, 2, 1);
	run("linear", &s, linear_w, linear_tot, linear_mean, 1e-11, SVY_CALIB_OK);

	setup(&s, SVY_CALIB_RAKING, 2, 0);
	run("raking", &s, raking_w, raking_tot, raking_mean, 1e-7, SVY_CALIB_OK);
	/* converged raking gives the weights of converged rake (not its variance) */
	{
		SvyCalibStatus st = svy_calibrate(&s.pr, &sol, xalloc);

		check(__LINE__, "raking status", SVY_CALIB_OK, st, 0);
		for (int i = 0; i < N; i++)
			check(__LINE__, "raking = rake", rake_tight_w[i], D_[i] * sol.G[s.cell_of_row[i]], 1e-7);
	}

	/* logit with bounds (0.7, 2.1): binding at the top */
	setup(&s, SVY_CALIB_LOGIT, 2, 0);
	s.pr.bounds[0] = 0.7;
	s.pr.bounds[1] = 2.1;
	run("logit", &s, logit_w, logit_tot, logit_mean, 1e-7, SVY_CALIB_OK);
	s.pr.bounds[0] = 1.0;
	check(__LINE__, "logit bounds around 1", SVY_CALIB_BAD_INPUT, svy_calibrate(&s.pr, &sol, xalloc), 0);

	/* collinear: v = 2 x (dummy of a = 0) is within the span: singular */
	setup(&s, SVY_CALIB_LINEAR, 2, 1);
	for (int c = 0; c < s.pr.ncell; c++)
	{
		int			a0 = s.cell_level[c * 2] == 0;

		s.cdv[c] = 2.0 * a0 * s.cd[c];
		s.cdvv[c] = 4.0 * a0 * s.cd[c];
	}
	check(__LINE__, "singular", SVY_CALIB_SINGULAR, svy_calibrate(&s.pr, &sol, xalloc), 0);

	/* a population level without sample rows: which one */
	setup(&s, SVY_CALIB_RAKE, 2, 0);
	s.nlev[0] = 4;
	{
		static const double pop4[4] = {40, 30, 20, 10};

		s.pops[0] = pop4;
	}
	check(__LINE__, "empty level", SVY_CALIB_EMPTY_LEVEL, svy_calibrate(&s.pr, &sol, xalloc), 0);
	check(__LINE__, "empty level margin", 0, sol.bad_margin, 0);
	check(__LINE__, "empty level level", 3, sol.bad_level, 0);

	/* rake and poststratify: sample rows in a level of population 0 (R errors) */
	setup(&s, SVY_CALIB_POSTSTRATIFY, 1, 0);
	{
		static const double pop0[3] = {40, 0, 30};

		s.pops[0] = pop0;
		check(__LINE__, "zero population", SVY_CALIB_ZERO_POPULATION, svy_calibrate(&s.pr, &sol, xalloc), 0);
		check(__LINE__, "zero population level", 1, sol.bad_level, 0);
		s.pr.method = SVY_CALIB_LINEAR;
		check(__LINE__, "zero population linear", SVY_CALIB_OK, svy_calibrate(&s.pr, &sol, xalloc), 0);
	}

	/* margins that disagree on the total: linear would drop a count */
	setup(&s, SVY_CALIB_LINEAR, 2, 0);
	{
		static const double popb2[2] = {45, 56};

		s.pops[1] = popb2;
		check(__LINE__, "inconsistent", SVY_CALIB_INCONSISTENT, svy_calibrate(&s.pr, &sol, xalloc), 0);
		check(__LINE__, "inconsistent margin", 1, sol.bad_margin, 0);
		s.pr.method = SVY_CALIB_RAKE;	/* R's rake accepts them: the joint table moves by < 1 */
		check(__LINE__, "inconsistent rake", SVY_CALIB_OK, svy_calibrate(&s.pr, &sol, xalloc), 0);
	}

	/* numeric margins: rake no, raking and logit with a cell per distinct v */
	setup(&s, SVY_CALIB_RAKE, 2, 1);
	check(__LINE__, "rake numeric", SVY_CALIB_BAD_INPUT, svy_calibrate(&s.pr, &sol, xalloc), 0);
	setup(&s, SVY_CALIB_RAKING, 2, 1);
	run("raking numeric", &s, raking_num_w, raking_num_tot, raking_num_mean, 1e-7, SVY_CALIB_OK);
	check(__LINE__, "raking numeric status", SVY_CALIB_OK, svy_calibrate(&s.pr, &sol, xalloc), 0);
	check(__LINE__, "raking numeric: lambda_v 0 (G is the factor)", 0, sol.lambda_v[0], 0);
	s.pr.cell_v = NULL;
	check(__LINE__, "raking numeric without cell_v", SVY_CALIB_BAD_INPUT, svy_calibrate(&s.pr, &sol, xalloc), 0);
	setup(&s, SVY_CALIB_LOGIT, 2, 1);
	s.pr.bounds[0] = 0.4;
	s.pr.bounds[1] = 2.5;
	run("logit numeric", &s, logit_num_w, logit_num_tot, logit_num_mean, 1e-7, SVY_CALIB_OK);
	/* bounded linear: g = 1 + x'lambda clipped to [0.5, 1.7] (binding at both), Newton over distinct v */
	setup_bounds(&s, SVY_CALIB_LINEAR, 2, 1, 0.5, 1.7);
	run("linear bounded", &s, linbound_w, linbound_tot, linbound_mean, 1e-9, SVY_CALIB_OK);
	check(__LINE__, "linear bounded status", SVY_CALIB_OK, svy_calibrate(&s.pr, &sol, xalloc), 0);
	check(__LINE__, "linear bounded: lambda_v 0 (G is the factor)", 0, sol.lambda_v[0], 0);
	s.pr.cell_v = NULL;
	check(__LINE__, "linear bounded without cell_v", SVY_CALIB_BAD_INPUT, svy_calibrate(&s.pr, &sol, xalloc), 0);
	/* bounds it cannot meet: R's pseudo-inverse steps to maxit, its weights (force = TRUE) and misfit */
	setup_bounds(&s, SVY_CALIB_LINEAR, 2, 1, 0.8, 1.4);
	run("linear bounded unmet", &s, linbound_unmet_w, linbound_unmet_tot, linbound_unmet_mean, 1e-9,
		SVY_CALIB_NOT_CONVERGED);
	svy_calibrate(&s.pr, &sol, xalloc);
	CHECK(0.264516129032258, sol.misfit, 1e-12);	/* R: "eps=0.264516129032258 in 51 iterations" */
	CHECK(50, sol.iterations, 0);
	/* bounds around 1 only; both infinite is no bounds ({0, 0}); logit needs them finite */
	for (int t = 0; t < 5; t++)
	{
		static const double bad[5][2] = {{1.0, 2.0}, {0.5, 1.0}, {NAN, 2.0}, {-INFINITY, INFINITY}, {2.0, 0.5}};

		setup_bounds(&s, SVY_CALIB_LINEAR, 2, 0, bad[t][0], bad[t][1]);
		check(__LINE__, "linear bad bounds", SVY_CALIB_BAD_INPUT, svy_calibrate(&s.pr, &sol, xalloc), 0);
	}
	setup_bounds(&s, SVY_CALIB_LINEAR, 2, 0, 0.5, INFINITY);
	check(__LINE__, "linear one-sided bounds", SVY_CALIB_OK, svy_calibrate(&s.pr, &sol, xalloc), 0);
	setup_bounds(&s, SVY_CALIB_LOGIT, 2, 0, 0.5, INFINITY);
	check(__LINE__, "logit infinite bound", SVY_CALIB_BAD_INPUT, svy_calibrate(&s.pr, &sol, xalloc), 0);
	setup_bounds(&s, SVY_CALIB_RAKE, 2, 0, 0.5, 2.0);
	check(__LINE__, "rake with bounds", SVY_CALIB_BAD_INPUT, svy_calibrate(&s.pr, &sol, xalloc), 0);
	/* raking with bounds: exp(x'lambda) clipped, R's derivative */
	setup_bounds(&s, SVY_CALIB_RAKING, 2, 0, 0.5, 1.7);
	run("raking bounded", &s, rakbound_w, rakbound_tot, rakbound_mean, 1e-7, SVY_CALIB_OK);

	/* a numeric sample total of 0: R stops, here singular */
	setup(&s, SVY_CALIB_RAKING, 2, 1);
	memset(s.cv, 0, sizeof(s.cv));
	check(__LINE__, "raking numeric total 0", SVY_CALIB_SINGULAR, svy_calibrate(&s.pr, &sol, xalloc), 0);

	/* raking that cannot converge in 1 step: NOT_CONVERGED with its misfit */
	setup(&s, SVY_CALIB_RAKING, 2, 0);
	s.pr.maxit = 1;
	check(__LINE__, "raking maxit 1", SVY_CALIB_NOT_CONVERGED, svy_calibrate(&s.pr, &sol, xalloc), 0);
	check(__LINE__, "raking misfit > eps", 1, sol.misfit > 1e-7, 0);

	/* rescale: poststratify's weights, nothing iterated, and no residualisation (B = 0) */
	setup(&s, SVY_CALIB_RESCALE, 1, 0);
	check(__LINE__, "rescale status", SVY_CALIB_OK, svy_calibrate(&s.pr, &sol, xalloc), 0);
	check(__LINE__, "rescale iterations", 0, sol.iterations, 0);
	check(__LINE__, "rescale converged", 1, sol.converged, 0);
	for (int i = 0; i < N; i++)
		check(__LINE__, "rescale weight", ps_w[i], D_[i] * sol.G[s.cell_of_row[i]], 1e-12);
	{
		double		cdt[6] = {1, 2, 3},
					B[6] = {9, 9, 9},
					beta = 9;
		double	   *work = xalloc(sizeof(double) * svy_calib_work_size(&s.pr, &sol));

		check(__LINE__, "rescale residual_coef", 0,
			  svy_calib_residual_coef(&s.pr, &sol, cdt, cdt, cdt, B, &beta, work), 0);
		for (int c = 0; c < s.pr.ncell; c++)
			check(__LINE__, "rescale B", 0, B[c], 0);
		free(work);
	}
	check(__LINE__, "rescale name", 0, strcmp(svy_calib_method_name(SVY_CALIB_RESCALE), "rescale"), 0);
	check(__LINE__, "rescale from name", SVY_CALIB_RESCALE, svy_calib_method_from_name("rescale"), 0);
	{
		/* the list the error hint shows names every method, each once */
		char		list[128];
		int			n = 0,
					seen = 0;

		strcpy(list, svy_calib_method_names());
		for (char *name = strtok(list, ", "); name; name = strtok(NULL, ", "))
		{
			int			m = svy_calib_method_from_name(name);

			check(__LINE__, "listed method parses", 1, m > 0, 0);
			if (m > 0)
				seen |= 1 << m;
			n++;
		}
		check(__LINE__, "methods listed", SVY_CALIB_METHOD_MAX, n, 0);
		check(__LINE__, "methods listed once", (1 << (SVY_CALIB_METHOD_MAX + 1)) - 2, seen, 0);
	}
	setup(&s, SVY_CALIB_RESCALE, 2, 0);
	check(__LINE__, "rescale two margins", SVY_CALIB_BAD_INPUT, svy_calibrate(&s.pr, &sol, xalloc), 0);
	setup(&s, SVY_CALIB_RESCALE, 1, 1);
	check(__LINE__, "rescale numeric", SVY_CALIB_BAD_INPUT, svy_calibrate(&s.pr, &sol, xalloc), 0);
	setup(&s, SVY_CALIB_RESCALE, 1, 0);
	{
		static const double pop0[3] = {40, 0, 30};

		s.pops[0] = pop0;
		check(__LINE__, "rescale zero population", SVY_CALIB_ZERO_POPULATION, svy_calibrate(&s.pr, &sol, xalloc), 0);
	}

	printf("calibrate: %d passed, %d failed\n", n_passed, n_failed);
	return n_failed ? 1 : 0;
}
