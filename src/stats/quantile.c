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
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "quantile.h"

static const struct
{
	const char *name;
	SvyQRule	rule;
}			qrules[] =
{
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
};

int
svy_qrule_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(qrules) / sizeof(qrules[0]); i++)
		if (strcasecmp(name, qrules[i].name) == 0)
			return (int) qrules[i].rule;
	return -1;
}

const char *
svy_qrule_names(void)
{
	return "math (= hf1), school (= hf2), hf3, hf4, hf5, hf6, hf7, hf8, hf9";
}

static long double
total_weight(const SvyQValue *v, int nv)
{
	long double c = 0;

	for (int g = 0; g < nv; g++)
		c += svy_qvalue_w(&v[g]);
	return c;
}

/*
 * The run (distinct value) holding R's row pos: the last run whose
 * cumulative weight at its end is <= target, or -1 if none.  *cum_end gets
 * that cumulative weight (as R stores it, a double).
 */
static int
last_run_at_or_below(const SvyQValue *v, int nv, double target, double *cum_end)
{
	long double cum = 0;
	int			pos = -1;

	*cum_end = 0;
	for (int g = 0; g < nv; g++)
	{
		cum += svy_qvalue_w(&v[g]);
		if ((double) cum <= target)
		{
			pos = g;
			*cum_end = (double) cum;
		}
		else
			break;
	}
	return pos;
}

/* math, school and hf3 */
static double
rule_step(const SvyQValue *v, int nv, int rule, double p)
{
	double		C = (double) total_weight(v, nv);
	double		target = p * C;
	double		cum_end;
	int			g = last_run_at_or_below(v, nv, target, &cum_end);
	int			next;

	if (g < 0)
	{
		/*
		 * No row has cumw <= p C: R takes row 1, wlow != 0, and returns row
		 * 2: the smallest value again if it is tied, else the next one.
		 */
		if (rule != SVY_QRULE_HF3 && v[0].n >= 2)
			return v[0].x;
		return nv > 1 ? v[1].x : v[0].x;
	}
	next = g + 1 < nv ? g + 1 : g;
	if (p - cum_end / C == 0)
	{
		if (rule == SVY_QRULE_MATH)
			return v[g].x;
		if (rule == SVY_QRULE_SCHOOL)
			return (v[g].x + v[next].x) / 2;
		/* hf3 (on distinct values): x[pos] if pos (1-based) is even */
		if ((g + 1) % 2 == 0)
			return v[g].x;
		return v[next].x;
	}
	/*
	 * wlow != 0: row pos + 1.  The run ends at or below the target, so the
	 * next row starts the next run (hf3 has no runs).
	 */
	return v[next].x;
}

/*
 * hf4: qs() and x[pos] (1 - gamma) + x[posnext] gamma, gamma = wlow /
 * (wlow + wup), the rows of a run taken with the run's mean weight.
 */
static double
rule_hf4(const SvyQValue *v, int nv, double p)
{
	long double Cl = total_weight(v, nv);
	double		C = (double) Cl;
	double		target = p * C;
	long double cum = 0;
	double		c_pos = 0,
				qlow,
				qup,
				w_next,
				wlow,
				wup,
				gamma;
	int			g_pos = -1;
	double		j_pos = 0;

	for (int g = 0; g < nv; g++)
	{
		long double m = svy_qvalue_w(&v[g]) / v[g].n;
		double		j;

		/* rows j = 1..n of run g end at cum + j m; the last with <= target */
		if ((double) (cum + m) > target)
			break;
		j = floor((double) ((target - cum) / m));
		if (j > v[g].n)
			j = v[g].n;
		while (j > 1 && (double) (cum + j * m) > target)
			j--;
		g_pos = g;
		j_pos = j;
		c_pos = (double) (cum + j * m);
		cum += svy_qvalue_w(&v[g]);
		if (j < v[g].n)
			break;
	}
	if (g_pos < 0)
	{
		/* R's row 1 */
		g_pos = 0;
		j_pos = 1;
		c_pos = (double) (svy_qvalue_w(&v[0]) / v[0].n);
	}
	qlow = v[g_pos].x;
	if (j_pos < v[g_pos].n)
	{
		qup = qlow;
		w_next = (double) (svy_qvalue_w(&v[g_pos]) / v[g_pos].n);
	}
	else if (g_pos + 1 < nv)
	{
		qup = v[g_pos + 1].x;
		w_next = (double) (svy_qvalue_w(&v[g_pos + 1]) / v[g_pos + 1].n);
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
rule_interp(const SvyQValue *v, int nv, int rule, double p)
{
	long double C = total_weight(v, nv);
	long double w_last = svy_qvalue_w(&v[nv - 1]) / v[nv - 1].n;
	long double alpha,
				D,
				cum = 0;
	double		prev_pk = 0,
				prev_x = 0;

	switch (rule)
	{
		case SVY_QRULE_HF5:
			alpha = 0.5L;
			D = C;
			break;
		case SVY_QRULE_HF6:
			alpha = 1;
			D = C + w_last;
			break;
		case SVY_QRULE_HF7:
			alpha = 0;
			D = C - w_last;
			break;
		case SVY_QRULE_HF8:
			alpha = 2.0L / 3.0L;
			D = C + w_last / 3;
			break;
		default:
			alpha = 5.0L / 8.0L;
			D = C + w_last / 4;
			break;
	}
	if (nv == 1 || !(D > 0))
		return v[0].x;
	for (int g = 0; g < nv; g++)
	{
		long double m = svy_qvalue_w(&v[g]) / v[g].n;
		double		first = (double) ((cum + alpha * m) / D);
		double		last = (double) ((cum + svy_qvalue_w(&v[g]) - (1 - alpha) * m) / D);

		if (p < first)
		{
			if (g == 0)
				return v[0].x;
			return prev_x + (v[g].x - prev_x) * ((p - prev_pk) / (first - prev_pk));
		}
		if (p <= last)
			return v[g].x;
		prev_pk = last;
		prev_x = v[g].x;
		cum += svy_qvalue_w(&v[g]);
	}
	return v[nv - 1].x;
}

double
svy_qrule(const SvyQValue *v, int nv, int rule, double p)
{
	if (nv <= 0 || !(p >= 0 && p <= 1))
		return NAN;
	switch (rule)
	{
		case SVY_QRULE_MATH:
		case SVY_QRULE_SCHOOL:
		case SVY_QRULE_HF3:
			return rule_step(v, nv, rule, p);
		case SVY_QRULE_HF4:
			return rule_hf4(v, nv, p);
		case SVY_QRULE_HF5:
		case SVY_QRULE_HF6:
		case SVY_QRULE_HF7:
		case SVY_QRULE_HF8:
		case SVY_QRULE_HF9:
			return rule_interp(v, nv, rule, p);
		default:
			return NAN;
	}
}

double
svy_qshare(const SvyQValue *v, int nv, double q)
{
	long double below = 0,
				all = 0;

	for (int g = 0; g < nv; g++)
	{
		all += svy_qvalue_w(&v[g]);
		if (v[g].x <= q)
			below += svy_qvalue_w(&v[g]);
	}
	return all > 0 ? (double) (below / all) : NAN;
}
