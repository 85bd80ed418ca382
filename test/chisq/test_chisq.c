/*
 * test_chisq.c — svy_chisq against R's svychisq (reference in chisq_ref.h):
 * statistics, ndf and ddf to 1e-9 relative, p-values to 1e-8 absolute (and
 * 1e-9 relative for tiny p), plus error cases.
 */
#include <math.h>
#include <stdio.h>

#include <stdlib.h>

#include "chisq.h"
#include "handlers.h"
#include "chisq_ref.h"

static int	passed,
			failed;

static void
check(const char *what, const char *name, const char *stat, double got, double want, double reltol, double abstol)
{
	int			ok;

	if (isnan(want))
		ok = isnan(got);
	else
		ok = fabs(got - want) <= reltol * fabs(want) || fabs(got - want) <= abstol;
	if (ok)
		passed++;
	else
	{
		failed++;
		printf("FAIL %s %s %s: got %.17g want %.17g\n", name, stat, what, got, want);
	}
}

static void
expect_status(const char *what, int got, int want)
{
	if (got == want)
		passed++;
	else
	{
		failed++;
		printf("FAIL %s: status %d, want %d\n", what, got, want);
	}
}

int
main(void)
{
	static const SvyChisqStat stats[5] = {SVY_CHISQ_F, SVY_CHISQ_CHISQ, SVY_CHISQ_WALD,
	SVY_CHISQ_ADJWALD, SVY_CHISQ_SADDLEPOINT};
	static const char *names[5] = {"F", "Chisq", "Wald", "adjWald", "saddlepoint"};

	svy_set_handlers(malloc, free, NULL);

	for (size_t c = 0; c < sizeof(chisq_refs) / sizeof(chisq_refs[0]); c++)
	{
		const ChisqRef *r = chisq_refs[c];

		for (int s = 0; s < 5; s++)
		{
			SvyChisqResult out;
			int			st = svy_chisq(stats[s], r->nr, r->nc, r->T, r->V, r->N, r->nu, &out);

			expect_status(r->name, st, SVY_CHISQ_OK);
			check("statistic", r->name, names[s], out.statistic, r->stat[s], 1e-9, 0);
			check("ndf", r->name, names[s], out.ndf, r->ndf[s], 1e-9, 0);
			check("ddf", r->name, names[s], out.ddf, r->ddf[s], 1e-9, 0);
			check("p", r->name, names[s], out.p_value, r->p[s], 1e-9, 1e-8);
			if (svy_chisq_parse(names[s]) != (int) stats[s])
			{
				failed++;
				printf("FAIL parse %s\n", names[s]);
			}
		}

		/*
		 * svy_chisq_replicate given V_P = J V J' (the delta method svy_chisq
		 * uses) gives the same F, Chisq, Wald and adjWald tests (its
		 * saddlepoint is R's replicate-design one: oracle cases); V_P = 0
		 * makes Delta 0 (F infinite) while the Wald tests, which use V, do
		 * not change.
		 */
		{
			int			rc = r->nr * r->nc;	/* the references are at most 4 x 4 */
			double		total = 0.0,
						P[64],
						Vp[64 * 64],
						Z[64 * 64] = {0};

			for (int i = 0; i < rc; i++)
				total += r->T[i];
			for (int i = 0; i < rc; i++)
				P[i] = r->T[i] / total;
			for (int i = 0; i < rc; i++)
				for (int j = 0; j < rc; j++)
				{
					double		v = 0.0;

					for (int a = 0; a < rc; a++)
						for (int b = 0; b < rc; b++)
							v += ((a == i) - P[i]) * r->V[a * rc + b] * ((b == j) - P[j]);
					Vp[i * rc + j] = v / (total * total);
				}
			for (int s = 0; s < 4; s++)
			{
				SvyChisqResult out;

				expect_status(r->name, svy_chisq_replicate(stats[s], r->nr, r->nc, r->T, r->V, Vp,
													r->N, r->nu, &out), SVY_CHISQ_OK);
				check("vp statistic", r->name, names[s], out.statistic, r->stat[s], 1e-9, 0);
				check("vp p", r->name, names[s], out.p_value, r->p[s], 1e-9, 1e-8);
			}
			{
				SvyChisqResult out;

				svy_chisq_replicate(SVY_CHISQ_F, r->nr, r->nc, r->T, r->V, Z, r->N, r->nu, &out);
				check("vp zero", r->name, "F", isinf(out.statistic) ? 1 : 0, 1, 0, 0);
				svy_chisq_replicate(SVY_CHISQ_WALD, r->nr, r->nc, r->T, r->V, Z, r->N, r->nu, &out);
				check("vp zero", r->name, "Wald", out.statistic, r->stat[2], 1e-9, 0);
			}
		}
	}

	/* errors */
	{
		double		T1[3] = {1, 2, 3},
					V1[9] = {0};
		double		T0[4] = {0, 0, 0, 0},
					V0[16] = {0};
		double		T2[4] = {10, 20, 30, 40},
					V2[16] = {0};	/* no variance: singular */
		SvyChisqResult out;

		expect_status("1x3 table", svy_chisq(SVY_CHISQ_F, 1, 3, T1, V1, 10, 5, &out), SVY_CHISQ_E_DIM);
		expect_status("empty table", svy_chisq(SVY_CHISQ_F, 2, 2, T0, V0, 10, 5, &out), SVY_CHISQ_E_EMPTY);
		expect_status("zero variance F", svy_chisq(SVY_CHISQ_F, 2, 2, T2, V2, 10, 5, &out), SVY_CHISQ_OK);
		/* Delta = 0: X^2 / 0 */
		check("statistic", "zero variance", "F", isinf(out.statistic) ? 1 : 0, 1, 0, 0);
		expect_status("zero variance Wald", svy_chisq(SVY_CHISQ_WALD, 2, 2, T2, V2, 10, 5, &out), SVY_CHISQ_E_SINGULAR);
		expect_status("lincom", svy_chisq(SVY_CHISQ_LINCOM, 2, 2, T2, V2, 10, 5, &out), SVY_CHISQ_E_UNSUPPORTED);
		expect_status("parse", svy_chisq_parse("nonsense"), -1);
		expect_status("parse case", svy_chisq_parse("ADJWALD"), SVY_CHISQ_ADJWALD);
	}

	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
