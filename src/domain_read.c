/*
 * domain_read.c — reading svy_domains and svy_table values: svy_groups,
 * svy_pairwise, svy_cells and svy_chisq, and their text output.
 *
 * Every number is a ratio of estimated totals (or a total) of the value;
 * its variance comes from the totals' covariance by linearization (the
 * gradient c of the ratio: c' V c), or for replicate designs from the ratio
 * recomputed on every replicate, as R does.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "accum.h"
#include "chisq.h"
#include "estimator.h"
#include "intervals.h"
#include "multi.h"
#include "survey.h"

PG_FUNCTION_INFO_V1(svy_groups);
PG_FUNCTION_INFO_V1(svy_pairwise);
PG_FUNCTION_INFO_V1(svy_cells);
PG_FUNCTION_INFO_V1(svy_chisq_table);
PG_FUNCTION_INFO_V1(svy_contrast);

/* One estimate: T[num] / sum of T[den] (a total when nden = 0). */
typedef struct Output
{
	int			num;
	const int  *den;
	int			nden;
	const char *label1;
	const char *label2;
	double		n;				/* rows behind the numerator */
	double		n_domain;		/* rows behind the denominator */
} Output;

typedef struct Outputs
{
	const SvyMulti *m;
	SvyMultiArrays a;
	int			count;
	Output	   *out;
	double	   *estimate;
	double	   *cov;			/* count x count */
	double	   *logit_var;		/* replicate designs: variance of logit(estimate) */
	bool		proportions;	/* ratios of counts: proportions */
} Outputs;

/*
 * A variance: rounding must not make it negative; NaN (undefined: a lonely
 * second-stage unit under "average") stays NaN and reads as NULL.
 */
static inline double
nonnegative(double var)
{
	return var < 0.0 ? 0.0 : var;
}

static double
sum_over(const double *t, const int *idx, int n, int stride)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		s += t[(Size) idx[i] * stride];
	return s;
}

static double
ratio_of(const double *t, const Output *o, int stride)
{
	double		num = t[(Size) o->num * stride];

	return o->nden == 0 ? num : num / sum_over(t, o->den, o->nden, stride);
}

/* Estimates and their covariance matrix. */
static void
outputs_compute(Outputs *o)
{
	const SvyMulti *m = o->m;
	int			K = m->k,
				O = o->count;

	o->estimate = palloc(sizeof(double) * O);
	o->cov = palloc0(sizeof(double) * O * O);
	o->logit_var = palloc(sizeof(double) * O);
	for (int i = 0; i < O; i++)
	{
		o->estimate[i] = ratio_of(o->a.t, &o->out[i], 1);
		o->logit_var[i] = NAN;
	}

	if (m->nrep == 0)
	{
		/* gradients c_i (K each), then c_i' V c_j */
		double	   *c = palloc0(sizeof(double) * O * K);
		double	   *vc = palloc(sizeof(double) * K);
		int		   *nz = palloc(sizeof(int) * K);

		for (int i = 0; i < O; i++)
		{
			const Output *out = &o->out[i];
			double	   *ci = c + (Size) i * K;

			if (out->nden == 0)
				ci[out->num] = 1.0;
			else
			{
				double		d = sum_over(o->a.t, out->den, out->nden, 1);

				for (int j = 0; j < out->nden; j++)
					ci[out->den[j]] -= o->estimate[i] / d;
				ci[out->num] += 1.0 / d;
			}
		}
		for (int i = 0; i < O; i++)
		{
			const double *ci = c + (Size) i * K;

			int			nnz = 0;

			CHECK_FOR_INTERRUPTS();
			/* gradients are sparse (svy_by: 2 totals): V c over their support */
			for (int q = 0; q < K; q++)
				if (ci[q] != 0.0)
					nz[nnz++] = q;
			for (int r = 0; r < K; r++)
			{
				double		s = 0.0;

				for (int z = 0; z < nnz; z++)
					s += o->a.v[(Size) r * K + nz[z]] * ci[nz[z]];
				vc[r] = s;
			}
			for (int j = i; j < O; j++)
			{
				const double *cj = c + (Size) j * K;
				double		s = 0.0;

				for (int r = 0; r < K; r++)
					if (cj[r] != 0.0)
						s += cj[r] * vc[r];
				o->cov[i * O + j] = o->cov[j * O + i] = s;
			}
			o->cov[i * O + i] = nonnegative(o->cov[i * O + i]);
		}
		pfree(c);
		pfree(vc);
		pfree(nz);
	}
	else
	{
		int			R = m->nrep;
		double	   *theta = palloc(sizeof(double) * O * R);
		double	   *centre = palloc(sizeof(double) * O);

		for (int i = 0; i < O; i++)
		{
			double		sum = 0.0,
						k = 0;

			CHECK_FOR_INTERRUPTS();
			for (int r = 0; r < R; r++)
			{
				theta[(Size) i * R + r] = ratio_of(o->a.tr + r, &o->out[i], R);
				if (o->a.rscales[r] > 0)
				{
					sum += theta[(Size) i * R + r];
					k++;
				}
			}
			centre[i] = m->mse ? o->estimate[i] : sum / k;
		}
		for (int i = 0; i < O; i++)
		{
			CHECK_FOR_INTERRUPTS();
			for (int j = i; j < O; j++)
			{
				double		s = 0.0;

				for (int r = 0; r < R; r++)
					s += o->a.rscales[r] * (theta[(Size) i * R + r] - centre[i]) *
						(theta[(Size) j * R + r] - centre[j]);
				o->cov[i * O + j] = o->cov[j * O + i] = m->scale * s;
			}
		}
		if (o->proportions)
			for (int i = 0; i < O; i++)
			{
				double		p = o->estimate[i];

				CHECK_FOR_INTERRUPTS();
				if (!(p > 0 && p < 1))
					continue;
				for (int r = 0; r < R; r++)
				{
					double		pr = theta[(Size) i * R + r];

					theta[(Size) i * R + r] = log(pr / (1 - pr));
				}
				o->logit_var[i] = svy_replicate_variance(theta + (Size) i * R, R,
														 log(p / (1 - p)), m->scale,
														 o->a.rscales, m->mse);
			}
		pfree(theta);
		pfree(centre);
	}

	/*
	 * A svy_by mean or proportion of a group whose rows all hold the same
	 * value (p exactly 0 or 1): each row's linearized residual, and each
	 * replicate's mean, is exactly that value, so the variance is exactly 0.
	 * From the totals' covariance it would be a difference of nearly equal
	 * terms, ~1e-9 relative, and intervals that must be degenerate are not.
	 * Its spread (Welford, merged by Chan's rule) is exactly 0 then.
	 */
	if (m->kind == SVY_MULTI_BY)
		for (int i = 0; i < O; i++)
		{
			const Output *out = &o->out[i];

			if (out->nden == 0 || o->a.n[out->num] == 0 || o->a.cyy[out->num] != 0.0)
				continue;
			for (int j = 0; j < O; j++)
				o->cov[i * O + j] = o->cov[j * O + i] = 0.0;
			o->logit_var[i] = NAN;
		}
}

static int *
index_range(int from, int n, int step)
{
	int		   *idx = palloc(sizeof(int) * Max(n, 1));

	for (int i = 0; i < n; i++)
		idx[i] = from + i * step;
	return idx;
}

static const SvyMulti *
multi_arg(FunctionCallInfo fcinfo, int argno, bool table)
{
	const SvyMulti *m = DatumGetSvyMultiP(PG_GETARG_DATUM(argno));

	if (m->version != SVY_MULTI_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported survey result version %d", m->version)));
	if (table != (m->kind == SVY_MULTI_TAB))
		elog(ERROR, "survey result of the wrong kind");
	return m;
}

static const SvyName statistics[] = {{"mean", 0}, {"total", 1}};

typedef enum
{
	ADJUST_NONE,
	ADJUST_BONFERRONI,
	ADJUST_HOLM
} Adjust;

static const SvyName adjustments[] = {
	{"none", ADJUST_NONE}, {"bonferroni", ADJUST_BONFERRONI}, {"holm", ADJUST_HOLM}
};

/* svy_cells: what each cell is a share of */
typedef enum
{
	MARGIN_ROW,
	MARGIN_COL,
	MARGIN_CELL,
	MARGIN_TOTAL
} Margin;

static const SvyName margins[] = {
	{"row", MARGIN_ROW}, {"col", MARGIN_COL}, {"cell", MARGIN_CELL}, {"total", MARGIN_TOTAL}
};

static bool
statistic_is_total(text *t)
{
	return svy_parse_option_in(t, SVY_NAMES(statistics), "statistic", "statistics",
							   "mean and total") == 1;
}

/* The groups, categories or options of a svy_domains value. */
static void
domain_outputs(Outputs *o, const SvyMulti *m, bool total)
{
	int			L = m->nlev1;
	int		   *all = index_range(0, m->k, 1);

	o->m = m;
	svy_multi_arrays(m, &o->a);
	o->count = L;
	o->out = palloc0(sizeof(Output) * Max(L, 1));
	o->proportions = !total && (m->kind != SVY_MULTI_BY || m->boolean_outcome);
	for (int g = 0; g < L; g++)
	{
		Output	   *out = &o->out[g];

		out->label1 = svy_multi_label(m, &o->a, g);
		switch (m->kind)
		{
			case SVY_MULTI_BY:
				out->num = 2 * g;
				out->den = index_range(2 * g + 1, 1, 1);
				out->n = out->n_domain = o->a.n[2 * g + 1];
				break;
			case SVY_MULTI_CHOICES:
				out->num = g;
				out->den = index_range(m->k - 1, 1, 1);
				out->n = o->a.n[g];
				out->n_domain = o->a.n[m->k - 1];
				break;
			default:			/* SVY_MULTI_DIST */
				out->num = g;
				out->den = all;
				out->n = o->a.n[g];
				out->n_domain = sum_over(o->a.n, all, m->k, 1);
				break;
		}
		out->nden = total ? 0 : 1;
		if (!total && m->kind == SVY_MULTI_DIST)
			out->nden = m->k;
	}
	outputs_compute(o);
}

/* Design effect of output i, as R's deff = TRUE. */
static double
output_deff(const Outputs *o, int i, bool total)
{
	const Output *out = &o->out[i];
	const SvyMulti *m = o->m;
	SvyDomainSums d = {{0}};
	double		W,
				mean;

	if (m->kind == SVY_MULTI_BY)
	{
		W = o->a.t[2 * (out->num / 2) + 1];
		mean = o->a.t[out->num] / W;
		d.wm.c_yy = o->a.cyy[out->num];
	}
	else
	{
		if (out->nden > 0)
			W = sum_over(o->a.t, out->den, out->nden, 1);
		else if (m->kind == SVY_MULTI_CHOICES)
			W = o->a.t[m->k - 1];	/* totals of an option: the respondents */
		else
		{
			/* totals of a category or cell: every answer */
			W = 0.0;
			for (int k = 0; k < m->k; k++)
				W += o->a.t[k];
		}
		mean = o->a.t[out->num] / W;
		d.wm.c_yy = W * mean * (1 - mean);
	}
	d.wm.w = W;
	d.wm.mean_y = mean;
	d.wm.mean_x = 1.0;
	d.n = out->n_domain;
	return svy_design_effect(total ? SVY_STAT_TOTAL : SVY_STAT_MEAN, &d,
							 total ? o->a.t[out->num] : mean,
							 o->cov[i * o->count + i]);
}

static void
output_interval(const Outputs *o, int i, bool total, int method, double level, double df,
				double *lower, double *upper)
{
	double		est = o->estimate[i];
	double		var = o->cov[i * o->count + i];

	if (o->proportions && !total)
	{
		/* rows of the design object: the group's rows for svy_by (R's svyby subset) */
		double		nrow = o->m->kind == SVY_MULTI_BY ? o->a.rows[o->out[i].den[0]] : o->m->nrow;
		SvyPropInput in = {est, var, df, level, o->out[i].n_domain, nrow, o->logit_var[i]};

		svy_ci_prop((SvyPropMethod) method, &in, lower, upper);
	}
	else
		svy_ci_symmetric(est, sqrt(var), level, df, lower, upper);
}

/* Materialize rows into a tuplestore for a set-returning function. */
static void
emit_row(ReturnSetInfo *rsinfo, Datum *values, bool *nulls)
{
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

static bool
suppressed(double n)
{
	return survey_min_cell_n > 0 && n < survey_min_cell_n;
}

/*
 * svy_groups(t svy_domains, statistic, method, level)
 *   -> SETOF (level, estimate, std_error, ci_lower, ci_upper, df, n, deff)
 */
Datum
svy_groups(PG_FUNCTION_ARGS)
{
	const SvyMulti *m = multi_arg(fcinfo, 0, false);
	bool		total = statistic_is_total(PG_GETARG_TEXT_PP(1));
	int			method = svy_parse_method(PG_GETARG_TEXT_PP(2));
	double		level = svy_check_level(PG_GETARG_FLOAT8(3));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Outputs		o;

	InitMaterializedSRF(fcinfo, 0);
	domain_outputs(&o, m, total);
	for (int i = 0; i < o.count; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {0};
		double		lo,
					hi,
					df = o.a.df[o.out[i].num];

		output_interval(&o, i, total, method, level, df, &lo, &hi);
		values[0] = CStringGetTextDatum(o.out[i].label1);
		values[1] = svy_float8_or_null(o.estimate[i], &nulls[1]);
		values[2] = svy_float8_or_null(sqrt(o.cov[i * o.count + i]), &nulls[2]);
		values[3] = svy_float8_or_null(lo, &nulls[3]);
		values[4] = svy_float8_or_null(hi, &nulls[4]);
		values[5] = svy_float8_or_null(df, &nulls[5]);
		/* n: rows behind the estimate (for a category, every row that answered) */
		values[6] = Int64GetDatum((int64) o.out[i].n_domain);
		values[7] = svy_float8_or_null(output_deff(&o, i, total), &nulls[7]);
		if (suppressed(o.out[i].n_domain))
			for (int c = 1; c < 8; c++)
				nulls[c] = c != 6;
		emit_row(rsinfo, values, nulls);
	}
	return (Datum) 0;
}

/* Variance of the difference of outputs a and b, never negative. */
static double
pair_variance(const Outputs *o, int a, int b)
{
	int			O = o->count;
	double		v = o->cov[a * O + a] + o->cov[b * O + b] - 2 * o->cov[a * O + b];

	return nonnegative(v);
}

typedef struct Pair
{
	int			a;
	int			b;
	double		p;
	double		p_adjusted;
} Pair;

static int
pair_by_p(const void *x, const void *y)
{
	double		a = (*(Pair *const *) x)->p,
				b = (*(Pair *const *) y)->p;

	return a < b ? -1 : a > b ? 1 : 0;
}

/* Holm's step-down or Bonferroni adjustment of every pair's p-value. */
static void
adjust_p(Pair *pairs, int n, Adjust adjust)
{
	if (adjust == ADJUST_NONE)
		for (int i = 0; i < n; i++)
			pairs[i].p_adjusted = pairs[i].p;
	else if (adjust == ADJUST_BONFERRONI)
		for (int i = 0; i < n; i++)
			pairs[i].p_adjusted = Min(1.0, pairs[i].p * n);
	else
	{
		Pair	  **sorted = palloc(sizeof(Pair *) * Max(n, 1));
		double		running = 0.0;

		for (int i = 0; i < n; i++)
			sorted[i] = &pairs[i];
		qsort(sorted, n, sizeof(Pair *), pair_by_p);
		for (int i = 0; i < n; i++)
		{
			/* NaN p-values stay NaN and do not raise the running maximum */
			double		p = Min(1.0, sorted[i]->p * (n - i));

			if (!isnan(p))
				running = Max(running, p);
			sorted[i]->p_adjusted = isnan(p) ? NAN : running;
		}
	}
}

/*
 * svy_pairwise(t svy_domains, adjust, statistic, level) -> SETOF (level_a,
 * level_b, difference, std_error, ci_lower, ci_upper, statistic, df,
 * p_value, p_adjusted)
 */
Datum
svy_pairwise(PG_FUNCTION_ARGS)
{
	const SvyMulti *m = multi_arg(fcinfo, 0, false);
	Adjust		adjust = svy_parse_option_in(PG_GETARG_TEXT_PP(1), SVY_NAMES(adjustments),
											 "p-value adjustment", "adjustments",
											 "none, bonferroni and holm");
	bool		total = statistic_is_total(PG_GETARG_TEXT_PP(2));
	double		level = svy_check_level(PG_GETARG_FLOAT8(3));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Outputs		o;
	int			G = m->nlev1,
				npairs = G * (G - 1) / 2,
				k = 0;
	Pair	   *pairs = palloc(sizeof(Pair) * Max(npairs, 1));
	double		df = m->df;
	double		q = svy_t_quantile(level, df);

	InitMaterializedSRF(fcinfo, 0);
	domain_outputs(&o, m, total);
	for (int a = 0; a < G; a++)
		for (int b = a + 1; b < G; b++, k++)
		{
			double		t = (o.estimate[a] - o.estimate[b]) / sqrt(pair_variance(&o, a, b));

			CHECK_FOR_INTERRUPTS();
			pairs[k].a = a;
			pairs[k].b = b;
			pairs[k].p = svy_t_pvalue(t, df);
		}
	adjust_p(pairs, npairs, adjust);
	for (k = 0; k < npairs; k++)
	{
		int			a = pairs[k].a,
					b = pairs[k].b;
		double		diff = o.estimate[a] - o.estimate[b];
		double		se = sqrt(pair_variance(&o, a, b));
		Datum		values[10];
		bool		nulls[10] = {0};

		CHECK_FOR_INTERRUPTS();

		values[0] = CStringGetTextDatum(o.out[a].label1);
		values[1] = CStringGetTextDatum(o.out[b].label1);
		values[2] = svy_float8_or_null(diff, &nulls[2]);
		values[3] = svy_float8_or_null(se, &nulls[3]);
		values[4] = svy_float8_or_null(diff - q * se, &nulls[4]);
		values[5] = svy_float8_or_null(diff + q * se, &nulls[5]);
		values[6] = svy_float8_or_null(diff / se, &nulls[6]);
		values[7] = svy_float8_or_null(df, &nulls[7]);
		values[8] = svy_float8_or_null(pairs[k].p, &nulls[8]);
		values[9] = svy_float8_or_null(pairs[k].p_adjusted, &nulls[9]);
		if (suppressed(o.out[a].n_domain) || suppressed(o.out[b].n_domain))
			for (int c = 2; c < 10; c++)
				nulls[c] = true;
		emit_row(rsinfo, values, nulls);
	}
	return (Datum) 0;
}

/*
 * svy_cells(t svy_table, margin, method, level) -> SETOF (row_level,
 * col_level, n, estimate, std_error, ci_lower, ci_upper, df, deff)
 */
Datum
svy_cells(PG_FUNCTION_ARGS)
{
	const SvyMulti *m = multi_arg(fcinfo, 0, true);
	Margin		margin = svy_parse_option_in(PG_GETARG_TEXT_PP(1), SVY_NAMES(margins), "margin",
											 "margins", "row, col, cell and total");
	int			method = svy_parse_method(PG_GETARG_TEXT_PP(2));
	double		level = svy_check_level(PG_GETARG_FLOAT8(3));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			nr = m->nlev1,
				nc = m->nlev2;
	bool		total = margin == MARGIN_TOTAL;
	Outputs		o;
	int		   *all = index_range(0, nr * nc, 1);

	InitMaterializedSRF(fcinfo, 0);
	o.m = m;
	svy_multi_arrays(m, &o.a);
	o.count = nr * nc;
	o.out = palloc0(sizeof(Output) * Max(o.count, 1));
	o.proportions = !total;
	for (int r = 0; r < nr; r++)
		for (int c = 0; c < nc; c++)
		{
			Output	   *out = &o.out[r * nc + c];

			out->num = r * nc + c;
			out->label1 = svy_multi_label(m, &o.a, r);
			out->label2 = svy_multi_label(m, &o.a, nr + c);
			out->n = o.a.n[out->num];
			if (margin == MARGIN_ROW)
			{
				out->den = index_range(r * nc, nc, 1);
				out->nden = nc;
			}
			else if (margin == MARGIN_COL)
			{
				out->den = index_range(c, nr, nc);
				out->nden = nr;
			}
			else
			{
				out->den = all;
				out->nden = total ? 0 : nr * nc;
			}
			out->n_domain = sum_over(o.a.n, out->nden ? out->den : all,
									 out->nden ? out->nden : nr * nc, 1);
		}
	outputs_compute(&o);
	for (int i = 0; i < o.count; i++)
	{
		const Output *out = &o.out[i];
		Datum		values[9];
		bool		nulls[9] = {0};
		double		lo,
					hi;

		CHECK_FOR_INTERRUPTS();
		output_interval(&o, i, total, method, level, m->df, &lo, &hi);
		values[0] = CStringGetTextDatum(out->label1);
		values[1] = CStringGetTextDatum(out->label2);
		/* the column order of svy_groups and svy_estimate: ..., df, n, deff */
		values[2] = svy_float8_or_null(o.estimate[i], &nulls[2]);
		values[3] = svy_float8_or_null(sqrt(o.cov[i * o.count + i]), &nulls[3]);
		values[4] = svy_float8_or_null(lo, &nulls[4]);
		values[5] = svy_float8_or_null(hi, &nulls[5]);
		values[6] = svy_float8_or_null(m->df, &nulls[6]);
		values[7] = Int64GetDatum((int64) out->n);
		values[8] = svy_float8_or_null(output_deff(&o, i, total), &nulls[8]);
		if (suppressed(out->n))
			for (int c = 2; c < 9; c++)
				nulls[c] = c != 7;
		emit_row(rsinfo, values, nulls);
	}
	return (Datum) 0;
}

/* svy_chisq(t svy_table, statistic) -> (statistic, ndf, ddf, p_value, method) */
Datum
svy_chisq_table(PG_FUNCTION_ARGS)
{
	const SvyMulti *m = multi_arg(fcinfo, 0, true);
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(1));	/* as written, for messages */
	int			stat = svy_parse_option(PG_GETARG_TEXT_PP(1), svy_chisq_parse, "chi-square statistic",
										"statistics", svy_chisq_names());
	SvyMultiArrays a;
	SvyChisqResult res;
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {0};
	const double *T;
	double	   *V,
			   *Vp = NULL;
	int			K = m->k,
				nr = 0,
				nc = 0,
				status;

	svy_multi_arrays(m, &a);
	V = a.v;
	if (m->nrep)
	{
		/* replicate covariance of the cell totals */
		Outputs		o = {0};

		o.m = m;
		o.a = a;
		o.count = K;
		o.out = palloc0(sizeof(Output) * K);
		for (int k = 0; k < K; k++)
			o.out[k].num = k;
		outputs_compute(&o);
		V = o.cov;
	}

	/*
	 * Test the observed table: drop rows and columns nobody is in (scale
	 * points or enum labels svy_tab lists for completeness).
	 */
	{
		int		   *rows = palloc(sizeof(int) * m->nlev1);
		int		   *cols = palloc(sizeof(int) * m->nlev2);
		int		   *cell;
		double	   *T2,
				   *V2;

		for (int r = 0; r < m->nlev1; r++)
			if (sum_over(a.t, index_range(r * m->nlev2, m->nlev2, 1), m->nlev2, 1) > 0)
				rows[nr++] = r;
		for (int c = 0; c < m->nlev2; c++)
			if (sum_over(a.t, index_range(c, m->nlev1, m->nlev2), m->nlev1, 1) > 0)
				cols[nc++] = c;
		if (nr < 2 || nc < 2)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("a test of independence needs at least two rows and two columns"),
					 errdetail("The table has %d non-empty rows and %d non-empty columns.", nr, nc)));
		cell = palloc(sizeof(int) * nr * nc);
		T2 = palloc(sizeof(double) * nr * nc);
		V2 = palloc(sizeof(double) * nr * nc * nr * nc);
		for (int i = 0; i < nr; i++)
			for (int j = 0; j < nc; j++)
			{
				cell[i * nc + j] = rows[i] * m->nlev2 + cols[j];
				T2[i * nc + j] = a.t[cell[i * nc + j]];
			}
		for (int i = 0; i < nr * nc; i++)
		{
			CHECK_FOR_INTERRUPTS();
			for (int j = 0; j < nr * nc; j++)
				V2[(Size) i * nr * nc + j] = V[(Size) cell[i] * K + cell[j]];
		}
		T = T2;
		V = V2;
		if (m->nrep)
		{
			/*
			 * R: svymean of the cell indicators, i.e. each replicate's cell
			 * totals over its own table total, with the replicate variance
			 */
			Outputs		o = {0};

			o.m = m;
			o.a = a;
			o.count = nr * nc;
			o.out = palloc0(sizeof(Output) * nr * nc);
			for (int i = 0; i < nr * nc; i++)
			{
				o.out[i].num = cell[i];
				o.out[i].den = cell;
				o.out[i].nden = nr * nc;
			}
			outputs_compute(&o);
			Vp = o.cov;
		}
	}
	status = svy_chisq_replicate((SvyChisqStat) stat, nr, nc, T, V, Vp, m->nrow, m->nu, &res);
	if (status == SVY_CHISQ_E_UNSUPPORTED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("chi-square statistic \"%s\" is not implemented", name)));
	if (status != SVY_CHISQ_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot compute the %s test for this table", name),
				 errdetail("%s", status == SVY_CHISQ_E_SINGULAR ?
						   "The covariance matrix of the table is singular." :
						   status == SVY_CHISQ_E_EMPTY ? "The table has no weight." :
						   "The eigenvalues could not be computed.")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = svy_float8_or_null(res.statistic, &nulls[0]);
	values[1] = svy_float8_or_null(res.ndf, &nulls[1]);
	values[2] = svy_float8_or_null(res.ddf, &nulls[2]);
	values[3] = svy_float8_or_null(res.p_value, &nulls[3]);
	values[4] = CStringGetTextDatum(svy_chisq_method((SvyChisqStat) stat));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/*
 * svy_contrast(t svy_domains, coefficients float8[], statistic, level)
 *   -> svy_estimate: sum_g c_g theta_g with variance c' Sigma c (R's
 * svycontrast on svyby(..., covmat = TRUE)); t(df) interval with the df of
 * the rows with a non-NULL outcome.
 */
Datum
svy_contrast(PG_FUNCTION_ARGS)
{
	const SvyMulti *m = multi_arg(fcinfo, 0, false);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	bool		total = statistic_is_total(PG_GETARG_TEXT_PP(2));
	double		level = svy_check_level(PG_GETARG_FLOAT8(3));
	int			G = m->nlev1;
	int			nc;
	const double *coef;
	Outputs		o;
	TupleDesc	tupdesc;
	SvyResult	r;
	double		est = 0.0,
				var = 0.0,
				n = 0.0;

	if (ARR_NDIM(arr) > 1 || array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("contrast coefficients must be a one-dimensional array without NULLs")));
	nc = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	if (nc != G)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("a contrast needs one coefficient per level: %d given, %d levels", nc, G),
				 errhint("svy_groups() lists the levels in their order.")));
	coef = (const double *) ARR_DATA_PTR(arr);
	for (int g = 0; g < G; g++)
		if (isnan(coef[g]) || isinf(coef[g]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("contrast coefficients must be finite")));

	domain_outputs(&o, m, total);
	for (int g = 0; g < G; g++)
	{
		if (coef[g] == 0.0)
			continue;
		est += coef[g] * o.estimate[g];
		n += o.out[g].n_domain;
		for (int h = 0; h < G; h++)
			var += coef[g] * coef[h] * o.cov[g * G + h];
	}
	r.estimate = est;
	r.std_error = sqrt(nonnegative(var));
	svy_ci_symmetric(est, r.std_error, level, m->df, &r.ci_lower, &r.ci_upper);
	r.df = m->df;
	r.n = n;
	r.n_eff = r.deff = NAN;		/* no effective n or design effect for a contrast */

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	PG_RETURN_DATUM(HeapTupleGetDatum(svy_estimate_tuple(BlessTupleDesc(tupdesc), &r)));
}
