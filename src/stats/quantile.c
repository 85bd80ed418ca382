/*
 * quantile.c — R's svyquantile rules (survey 4.1.1) on distinct values.
 *
 * R's helper qs(x, w, p) sorts the rows, takes cumw = cumsum(w) (long
 * double accumulation, stored as double), pos = the last row with
 * cumw <= p * sum(w) (row 1 if there is none: R's last() of an all-FALSE
 * vector is 1), posnext = pos + 1 (pos at the end), wlow = p -
 * cumw[pos] / sum(w), wup = cumw[posnext] / sum(w) - p.  math returns
 * x[pos] if wlow == 0, else x[posnext]; school the mean of the two if
 * wlow == 0.  On runs of ties these depend only on the cumulative weight at
 * the end of each run (an interior row gives the run's own value either
 * way), so the rules below work on distinct values and reproduce R's
 * floating-point comparisons exactly.
 *
 * References:
 *   Woodruff, R. S. (1952).  Confidence intervals for medians and other
 *     position measures.  JASA 47(260), 635-646.  (The interval of the
 *     share P(y <= q) carried back through the distribution function.  R's
 *     svyquantile help page cites it as JASA 57, 622-627.)
 *   Francisco, C. A. and Fuller, W. A. (1991).  Quantile estimation with a
 *     complex survey design.  Annals of Statistics 19(1), 454-469.  (The
 *     "score" interval: the test of F(theta) = p inverted, R's ffullerCI.)
 *   Hyndman, R. J. and Fan, Y. (1996).  Sample quantiles in statistical
 *     packages.  The American Statistician 50(4), 361-365.  (hf1 .. hf9.)
 *   Shah, B. V. and Vaish, A. K. (2006).  Confidence intervals for quantile
 *     estimation from complex survey data.  Proceedings of the Section on
 *     Survey Research Methods, American Statistical Association.
 *     ("shahvaish".)
 */
#include <math.h>
#include <string.h>

#include "intervals.h"
#include "names.h"
#include "quantile.h"
#include "zeroin.h"

static const SvyName qrules[] = {
	{"math", SVY_QRULE_MATH},
	{"school", SVY_QRULE_SCHOOL},
	{"hf1", SVY_QRULE_MATH},
	{"hf2", SVY_QRULE_SCHOOL},
	{"hf3", SVY_QRULE_HF3},
	{"hf4", SVY_QRULE_HF4},
	{"hf5", SVY_QRULE_HF5},
	{"hf6", SVY_QRULE_HF6},
	{"hf7", SVY_QRULE_HF7},
	{"hf8", SVY_QRULE_HF8},
	{"hf9", SVY_QRULE_HF9},
	{"shahvaish", SVY_QRULE_SHAHVAISH},
};

static const SvyName qintervals[] = {
	{"mean", SVY_QCI_MEAN},
	{"beta", SVY_QCI_BETA},
	{"xlogit", SVY_QCI_XLOGIT},
	{"asin", SVY_QCI_ASIN},
	{"score", SVY_QCI_SCORE},
	{"quantile", SVY_QCI_QUANTILE},
};

int
svy_qrule_parse(const char *name)
{
	return svy_name_value(SVY_NAMES(qrules), name);
}

const char *
svy_qrule_names(void)
{
	return "math (= hf1), school (= hf2), shahvaish, hf3, hf4, hf5, hf6, hf7, hf8, hf9";
}

int
svy_qinterval_parse(const char *name)
{
	return svy_name_value(SVY_NAMES(qintervals), name);
}

const char *
svy_qinterval_names(void)
{
	return "mean, beta, xlogit, asin, score, quantile (replicate designs)";
}

/* a long double as two doubles (hi + lo is exact: 64 - 53 bits are left, ldouble.h) */
static void
split_ld(long double x, double *hi, double *lo)
{
	*hi = (double) x;
	*lo = (double) (x - (long double) *hi);
}

static long double
join_ld(double hi, double lo)
{
	return svy_ld_add(hi, lo);
}

void
svy_qdist_init(SvyQDist *d, SvyQStream *st, SvyQMark *marks, int64_t maxmarks)
{
	long double total = 0;
	SvyQValue	v;

	memset(d, 0, sizeof(*d));
	d->st = st;
	d->marks = marks;
	d->maxmarks = maxmarks;
	st->rewind(st);
	for (;;)
	{
		bool		marking = d->nv % SVY_QMARK_STEP == 0 && d->nmarks < d->maxmarks;

		if (marking)
			st->mark(st, d->nmarks);
		if (!st->next(st, &v))
			break;
		if (marking)
		{
			SvyQMark   *m = &d->marks[d->nmarks++];

			m->index = d->nv;
			m->x = v.x;
			split_ld(total, &m->before, &m->before_lo);
			split_ld(svy_ld(total + svy_qvalue_w(&v)), &m->after, &m->after_lo);
		}
		if (d->nv == 0)
			d->first = v;
		else if (d->nv == 1)
			d->second = v;
		d->last = v;
		d->nv++;
		total = svy_ld(total + svy_qvalue_w(&v));
	}
	split_ld(total, &d->total, &d->total_lo);
}

static long double
total_weight(const SvyQDist *d)
{
	return join_ld(d->total, d->total_lo);
}

/*
 * Set the stream at marked value k (at the first value if k < 0); returns
 * its index, and in *cum the weight of the values before it: the same long
 * double sum a read from the first value has there.
 */
static int64_t
qdist_seek(const SvyQDist *d, int64_t k, long double *cum)
{
	if (k < 0)
	{
		d->st->rewind(d->st);
		*cum = 0;
		return 0;
	}
	d->st->seek(d->st, k);
	*cum = join_ld(d->marks[k].before, d->marks[k].before_lo);
	return d->marks[k].index;
}

/*
 * The last mark passing a test that holds for a prefix of the marks (x and
 * the cumulative weights grow from mark to mark); -1 if none.  by_x: its
 * value is <= bound; else its cumulative weight after it is safely below
 * bound (a read from the first value passes it, and every value before it,
 * without stopping, in every rule).
 */
static int64_t
last_mark(const SvyQDist *d, double bound, bool by_x)
{
	double		safe = bound - fabs(bound) * 1e-12;
	int64_t		lo = 0,
				hi = d->nmarks;

	/* marks before lo pass, those from hi on do not */
	while (lo < hi)
	{
		int64_t		mid = lo + (hi - lo) / 2;
		const SvyQMark *m = &d->marks[mid];

		if (by_x ? m->x <= bound : join_ld(m->after, m->after_lo) < safe)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/* math, school and hf3 */
static double
rule_step(const SvyQDist *d, int rule, double p)
{
	SvyQStream *st = d->st;
	double		C = (double) total_weight(d);
	double		target = p * C;
	double		cum_end = 0;
	long double cum;
	int64_t		g;
	SvyQValue	v,
				at,				/* R's row pos: the last run with cumulative weight <= target */
				next;			/* the run after it (pos itself at the end) */
	bool		more = false;

	g = qdist_seek(d, last_mark(d, target, false), &cum) - 1;
	while (st->next(st, &v))
	{
		cum = svy_ld(cum + svy_qvalue_w(&v));
		if ((double) cum > target)
		{
			more = true;
			break;
		}
		g++;
		at = v;
		cum_end = (double) cum;
	}
	if (g < 0)
	{
		/*
		 * No row has cumw <= p C: R takes row 1, wlow != 0, and returns row
		 * 2: the smallest value again if it is tied, else the next one.
		 */
		if (rule != SVY_QRULE_HF3 && d->first.n >= 2)
			return d->first.x;
		return d->nv > 1 ? d->second.x : d->first.x;
	}
	next = more ? v : at;
	if (p - cum_end / C == 0)
	{
		if (rule == SVY_QRULE_MATH)
			return at.x;
		if (rule == SVY_QRULE_SCHOOL)
			return (at.x + next.x) / 2;
		/* hf3 (on distinct values): x[pos] if pos (1-based) is even */
		if ((g + 1) % 2 == 0)
			return at.x;
		return next.x;
	}
	/*
	 * wlow != 0: row pos + 1.  The run ends at or below the target, so the
	 * next row starts the next run (hf3 has no runs).
	 */
	return next.x;
}

/*
 * hf4: qs() and x[pos] (1 - gamma) + x[posnext] gamma, gamma = wlow /
 * (wlow + wup), the rows of a run taken with the run's mean weight.
 */
static double
rule_hf4(const SvyQDist *d, double p)
{
	SvyQStream *st = d->st;
	double		C = (double) total_weight(d);
	double		target = p * C;
	long double cum;
	double		c_pos = 0,
				qlow,
				qup,
				w_next,
				wlow,
				wup,
				gamma;
	double		j_pos = 0;
	SvyQValue	v,
				at,				/* the run of R's row pos */
				after;			/* the run after it, if read */
	bool		found = false,
				have_after = false;

	qdist_seek(d, last_mark(d, target, false), &cum);
	while (st->next(st, &v))
	{
		long double m = svy_ld_div(svy_qvalue_w(&v), v.n);
		double		j;

		/* rows j = 1..n of run v end at cum + j m; the last with <= target */
		if ((double) svy_ld_add(cum, m) > target)
		{
			after = v;
			have_after = true;
			break;
		}
		j = floor((double) svy_ld_div(svy_ld_sub(target, cum), m));
		if (j > v.n)
			j = v.n;
		while (j > 1 && (double) svy_ld_add(cum, svy_ld_mul(j, m)) > target)
			j--;
		found = true;
		at = v;
		j_pos = j;
		c_pos = (double) svy_ld_add(cum, svy_ld_mul(j, m));
		cum = svy_ld(cum + svy_qvalue_w(&v));
		if (j < v.n)
			break;
	}
	if (!found)
	{
		/* R's row 1 */
		at = d->first;
		j_pos = 1;
		c_pos = (double) svy_ld_div(svy_qvalue_w(&at), at.n);
		have_after = d->nv > 1;
		after = d->second;
	}
	else if (j_pos == at.n && !have_after)
		have_after = st->next(st, &after);
	qlow = at.x;
	if (j_pos < at.n)
	{
		qup = qlow;
		w_next = (double) svy_ld_div(svy_qvalue_w(&at), at.n);
	}
	else if (have_after)
	{
		qup = after.x;
		w_next = (double) svy_ld_div(svy_qvalue_w(&after), after.n);
	}
	else
	{
		qup = qlow;
		w_next = 0;
	}
	wlow = p - c_pos / C;
	wup = (c_pos + w_next) / C - p;
	gamma = wlow / (wup + wlow);
	return qlow * (1 - gamma) + qup * gamma;
}

/*
 * hf5 to hf9: approx(pk, x, p, rule = 2) with plotting positions
 * pk = (C_{k-1} + alpha w_k) / D per row.  Within a run the x are equal, so
 * only each run's first and last row matter.
 */
static double
rule_interp(const SvyQDist *d, int rule, double p)
{
	SvyQStream *st = d->st;
	long double C = total_weight(d);
	long double w_last = svy_ld_div(svy_qvalue_w(&d->last), d->last.n);
	long double alpha,
				D,
				cum;
	double		prev_pk = 0,
				prev_x = 0;
	bool		first_run;
	SvyQValue	v;

	switch (rule)
	{
		case SVY_QRULE_HF5:
			alpha = 0.5L;
			D = C;
			break;
		case SVY_QRULE_HF6:
			alpha = 1;
			D = svy_ld_add(C, w_last);
			break;
		case SVY_QRULE_HF7:
			alpha = 0;
			D = svy_ld_sub(C, w_last);
			break;
		case SVY_QRULE_HF8:
			alpha = svy_ld_div(2, 3);
			D = svy_ld_add(C, svy_ld_div(w_last, 3));
			break;
		default:
			alpha = 5.0L / 8.0L;	/* exact */
			D = svy_ld_add(C, svy_ld_div(w_last, 4));
			break;
	}
	if (d->nv == 1 || !(D > 0))
		return d->first.x;
	/* a value ending below p D has both plotting positions below p */
	first_run = qdist_seek(d, last_mark(d, (double) svy_ld_mul(p, D), false), &cum) == 0;
	while (st->next(st, &v))
	{
		long double m = svy_ld_div(svy_qvalue_w(&v), v.n);
		double		first = (double) svy_ld_div(svy_ld_add(cum, svy_ld_mul(alpha, m)), D);
		double		last = (double) svy_ld_div(svy_ld_sub(svy_ld_add(cum, svy_qvalue_w(&v)),
														svy_ld_mul(svy_ld_sub(1, alpha), m)),
											 D);

		if (p < first)
		{
			if (first_run)
				return v.x;
			return prev_x + (v.x - prev_x) * ((p - prev_pk) / (first - prev_pk));
		}
		if (p <= last)
			return v.x;
		prev_pk = last;
		prev_x = v.x;
		first_run = false;
		cum = svy_ld(cum + svy_qvalue_w(&v));
	}
	return d->last.x;
}

/* shahvaish: pk of row j of a run, (cum + j wbar + 1/2 - m/2) / (n + 1) */
static inline long double
shahvaish_pk(long double cum, double j, long double wbar, long double m, long double n)
{
	return svy_ld_div(svy_ld_sub(svy_ld_add(svy_ld_add(cum, svy_ld_mul(j, wbar)), 0.5L),
								 svy_ld_div(m, 2)),
					  svy_ld_add(n, 1));
}

/*
 * shahvaish: approx(pk, x, p, "constant", f = 0, rule = 2) with
 * pk = (S_k + 1/2 - w_k / 2) / (n + 1), S = cumsum(w / mean(w)), per row.
 * pk need not increase (w / 2 is not scaled), and approx sorts the points
 * by pk: the answer is the x of the row with the largest pk <= p, or of the
 * smallest pk if none.  A run of ties is taken as rows of its mean weight,
 * so its pk increase along it; every run is read.
 */
static double
rule_shahvaish(const SvyQDist *d, double p)
{
	SvyQStream *st = d->st;
	long double C = total_weight(d);
	long double n = 0,
				cum = 0;
	double		best_pk = -INFINITY,
				best_x = d->first.x,
				min_pk = INFINITY,
				min_x = d->first.x;
	SvyQValue	v;

	st->rewind(st);
	while (st->next(st, &v))
		n += v.n;
	st->rewind(st);
	while (st->next(st, &v))
	{
		long double m = svy_ld_div(svy_qvalue_w(&v), v.n);
		long double wbar = svy_ld_div(m, svy_ld_div(C, n));

		/* rows j = 1..n_v: pk_j = (cum + j wbar + 1/2 - m/2) / (n + 1) */
		double		first = (double) shahvaish_pk(cum, 1, wbar, m, n);

		if (first < min_pk)
		{
			min_pk = first;
			min_x = v.x;
		}
		if (first <= p)
		{
			/* the last row of the run at or below p */
			long double pn = svy_ld_mul(p, svy_ld_add(n, 1));
			double		j = floor((double) svy_ld_div(svy_ld_sub(svy_ld_add(svy_ld_sub(pn, 0.5L),
																			svy_ld_div(m, 2)),
																 cum),
													  wbar));

			if (j > v.n)
				j = v.n;
			if (j < 1)
				j = 1;
			while (j > 1 && (double) shahvaish_pk(cum, j, wbar, m, n) > p)
				j--;
			while (j < v.n && (double) shahvaish_pk(cum, j + 1, wbar, m, n) <= p)
				j++;
			{
				double		pk = (double) shahvaish_pk(cum, j, wbar, m, n);

				if (pk >= best_pk)
				{
					best_pk = pk;
					best_x = v.x;
				}
			}
		}
		cum = svy_ld_add(cum, svy_ld_mul(v.n, wbar));
	}
	return isinf(best_pk) ? min_x : best_x;
}

double
svy_qrule(const SvyQDist *d, int rule, double p)
{
	if (d->nv <= 0 || !(p >= 0 && p <= 1))
		return NAN;
	switch (rule)
	{
		case SVY_QRULE_MATH:
		case SVY_QRULE_SCHOOL:
		case SVY_QRULE_HF3:
			return rule_step(d, rule, p);
		case SVY_QRULE_HF4:
			return rule_hf4(d, p);
		case SVY_QRULE_HF5:
		case SVY_QRULE_HF6:
		case SVY_QRULE_HF7:
		case SVY_QRULE_HF8:
		case SVY_QRULE_HF9:
			return rule_interp(d, rule, p);
		case SVY_QRULE_SHAHVAISH:
			return rule_shahvaish(d, p);
		default:
			return NAN;
	}
}

double
svy_qshare(const SvyQDist *d, double q)
{
	SvyQStream *st = d->st;
	long double below,
				all = total_weight(d);
	SvyQValue	v;

	/* from the last marked value <= q */
	qdist_seek(d, last_mark(d, q, true), &below);
	while (st->next(st, &v) && v.x <= q)
		below = svy_ld(below + svy_qvalue_w(&v));
	return all > 0 ? (double) svy_ld_div(below, all) : NAN;
}

void
svy_qshare_ci(int interval, double P, double var, double df, double level,
			  double nrow, double *lower, double *upper)
{
	SvyPropInput in = {P, var, df, level, nrow, nrow, NAN};
	static const SvyPropMethod method[] = {
		[SVY_QCI_MEAN] = SVY_CI_WALD,
		[SVY_QCI_BETA] = SVY_CI_KORN_GRAUBARD,
		[SVY_QCI_XLOGIT] = SVY_CI_XLOGIT,
		[SVY_QCI_ASIN] = SVY_CI_ASIN,
	};

	*lower = *upper = NAN;
	if (interval < SVY_QCI_MEAN || interval > SVY_QCI_ASIN)
		return;
	/* R's beta: n_eff = P (1 - P) / var, NaN at P = 0 or 1 (no NCHS rule here) */
	if (interval == SVY_QCI_BETA && !(P > 0.0 && P < 1.0))
		return;
	svy_ci_prop(method[interval], &in, lower, upper);
}

/* ---------- score interval (R's ffullerCI) ---------- */

/* The rows of R's x: those of d's values and the extra values (sorted). */
typedef struct ScoreRows
{
	const SvyQDist *d;
	const double *extra;
	int64_t		nextra;
} ScoreRows;

/* the rows' largest and smallest value */
static double
rows_max(const ScoreRows *r)
{
	return r->nextra > 0 && r->extra[r->nextra - 1] > r->d->last.x ? r->extra[r->nextra - 1] : r->d->last.x;
}

static double
rows_min(const ScoreRows *r)
{
	return r->nextra > 0 && r->extra[0] < r->d->first.x ? r->extra[0] : r->d->first.x;
}

/* the unweighted order statistic k (1-based) of the rows */
static double
row_value(const ScoreRows *r, double k)
{
	SvyQStream *st = r->d->st;
	double		seen = 0;
	int64_t		i = 0;
	SvyQValue	v;

	st->rewind(st);
	while (st->next(st, &v))
	{
		for (; i < r->nextra && r->extra[i] < v.x; i++)
			if (++seen >= k)
				return r->extra[i];
		seen += v.n;
		if (seen >= k)
			return v.x;
	}
	for (; i < r->nextra; i++)
		if (++seen >= k)
			return r->extra[i];
	return rows_max(r);
}

/* R's quantile(x, prob, type = 7) of the rows, unweighted */
static double
row_quantile7(const ScoreRows *r, double nrows, double prob)
{
	double		index = 1 + (nrows - 1) * prob;
	double		lo = floor(index),
				hi = ceil(index);
	double		qs = row_value(r, lo),
				xhi = row_value(r, hi);

	if (index > lo && xhi != qs)
	{
		double		h = index - lo;

		qs = (1 - h) * qs + h * xhi;
	}
	return qs;
}

/* rows at values <= q */
static double
rows_below(const ScoreRows *r, double q)
{
	SvyQStream *st = r->d->st;
	double		n = 0;
	int64_t		lo = 0,
				hi = r->nextra;
	SvyQValue	v;

	st->rewind(st);
	while (st->next(st, &v) && v.x <= q)
		n += v.n;
	/* the extra values <= q: the first index above q */
	while (lo < hi)
	{
		int64_t		mid = lo + (hi - lo) / 2;

		if (r->extra[mid] <= q)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n + (double) lo;
}

typedef struct ScoreTest
{
	double		p;
	double		qlimit;
	SvyQShareSE share_se;
	void	   *info;
} ScoreTest;

/* R: umean / SE(umean) - qlimit, umean = svymean((x > theta) - (1 - p)) */
static double
score_test(double theta, void *info)
{
	ScoreTest  *t = info;
	double		F;
	double		se = t->share_se(theta, &F, t->info);

	return (t->p - F) / se - t->qlimit;
}

int
svy_qscore_ci(const SvyQDist *d, const double *extra, int64_t nextra, int rule, double p,
			  double tcrit, double nrow, SvyQShareSE share_se, void *info,
			  double *lower, double *upper)
{
	ScoreRows	r = {d, extra, nextra};
	double		nrows,
				iqr,
				roots[2];
	int			worst = SVY_ZEROIN_OK;

	*lower = *upper = NAN;
	if (d->nv <= 0)
		return SVY_ZEROIN_OK;
	nrows = rows_below(&r, INFINITY);
	iqr = row_quantile7(&r, nrows, 0.75) - row_quantile7(&r, nrows, 0.25);
	for (int i = 0; i < 2; i++)
	{
		ScoreTest	t = {p, i == 0 ? tcrit : -tcrit, share_se, info};
		int			status = svy_uniroot(score_test, &t, rows_min(&r) + iqr / 100, rows_max(&r) - iqr / 100,
										 1 / (100 * sqrt(nrow)), 1000, &roots[i]);

		if (status != SVY_ZEROIN_OK && status != SVY_ZEROIN_NO_CONVERGENCE)
			return status;
		if (status != SVY_ZEROIN_OK)
			worst = status;
	}
	*lower = svy_qrule(d, rule, rows_below(&r, roots[0]) / nrows);
	*upper = svy_qrule(d, rule, rows_below(&r, roots[1]) / nrows);
	return worst;
}
