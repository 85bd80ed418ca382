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
