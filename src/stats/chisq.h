/*
 * chisq.h — design-based tests of independence in an r x c table, as
 * R 4.1.1's survey::svychisq (survey 4.1.1).  No postgres.h here.
 *
 * Input: the estimated cell totals T of the rows where both variables are
 * present (row-major: cell k = i * nc + j), V = their (nr*nc) x (nr*nc)
 * design covariance (domain variance: every PSU of the design counts), N =
 * rows of the design object including rows with missing values (R rescales
 * the weighted table to N), nu = design df (distinct PSUs - distinct strata
 * of the whole design object, or degf for replicate designs).
 *
 * What is reported, as R reports it:
 *   F        Rao-Scott second order: statistic = X^2 / tr(Delta),
 *            ndf = d0 = tr(Delta)^2 / tr(Delta^2), ddf = d0 nu,
 *            p = P(F(d0, d0 nu) > statistic).
 *   Chisq    first order: statistic = X^2 (Pearson, unadjusted),
 *            ndf = (nr-1)(nc-1), ddf = NaN,
 *            p = P(chi^2(ndf) > X^2 / mean(eigenvalues of Delta)).
 *   Wald     statistic = Y' V_Y^-1 Y / k, ndf = k = (nr-1)(nc-1), ddf = nu.
 *   adjWald  statistic = Y' V_Y^-1 Y (nu - k + 1) / (k nu), ndf = k,
 *            ddf = nu - k + 1.
 *   saddlepoint  statistic = X^2, ndf = ddf = NaN (R reports no parameter),
 *            p = saddlepoint approximation to P(sum_i lambda_i chi^2_1 -
 *            X^2/(d0 nu) chi^2_{d0 nu} > 0), lambda = eigenvalues of Delta.
 *   lincom   not implemented (R uses Davies' exact algorithm from package
 *            CompQuadForm): returns SVY_CHISQ_E_UNSUPPORTED.
 * NaN in an output means "not reported / not defined"; the SQL layer shows
 * NULL.  A table with an empty row or column gives X^2 = NaN, as R.  Which
 * levels make the table is the caller's: R uses the distinct non-missing
 * values of each variable over all rows of the design (a level present only
 * where the other variable is missing stays, as an empty row or column; a
 * factor level that never occurs is not in R's table).
 */
#ifndef SVY_CHISQ_H
#define SVY_CHISQ_H

typedef enum SvyChisqStat
{
	SVY_CHISQ_F,
	SVY_CHISQ_CHISQ,
	SVY_CHISQ_WALD,
	SVY_CHISQ_ADJWALD,
	SVY_CHISQ_LINCOM,
	SVY_CHISQ_SADDLEPOINT
} SvyChisqStat;

typedef struct SvyChisqResult
{
	double		statistic,
				ndf,
				ddf,
				p_value;
} SvyChisqResult;

/* error codes of svy_chisq */
#define SVY_CHISQ_OK				0
#define SVY_CHISQ_E_DIM				(-1)	/* fewer than 2 rows or columns */
#define SVY_CHISQ_E_EMPTY			(-2)	/* total of T not positive and finite */
#define SVY_CHISQ_E_SINGULAR		(-3)	/* C'D^-1C or the Wald covariance is singular */
#define SVY_CHISQ_E_NOMEM			(-4)	/* out of memory */
#define SVY_CHISQ_E_UNSUPPORTED		(-5)	/* lincom */
#define SVY_CHISQ_E_NUMERIC			(-6)	/* eigenvalues or saddlepoint root not found */

/* Parse a statistic name (case-insensitive); -1 if unknown. */
extern int	svy_chisq_parse(const char *name);
/* The valid names, for error messages. */
extern const char *svy_chisq_names(void);
/* The method as R names it in htest$method. */
extern const char *svy_chisq_method(SvyChisqStat stat);

extern int	svy_chisq(SvyChisqStat stat, int nr, int nc, const double *T, const double *V,
					  double N, double nu, SvyChisqResult *out);

/*
 * The tests as R's svychisq.svyrep.design computes them, from Vp = the
 * covariance of the cell proportions P = T / sum(T): R takes it from
 * svymean of the cell indicators on every replicate (each replicate's own
 * ratio), which the delta method J V J' of svy_chisq only approximates.
 * F, Chisq and saddlepoint use Vp, and saddlepoint is R's pchisqsum (a sum
 * of chi-squares without the denominator df of pFsum); Wald and adjWald use
 * V (R linearizes them from svytotal on every design).  Vp NULL: svy_chisq.
 */
extern int	svy_chisq_replicate(SvyChisqStat stat, int nr, int nc, const double *T, const double *V,
								const double *Vp, double N, double nu, SvyChisqResult *out);

#endif
