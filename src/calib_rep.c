/*
 * calib_rep.c — calibration of replicate designs (SPEC §9, oracle README
 * §7.14 "calib_rep"): svy_mean, svy_total, svy_prop and svy_ratio on
 * svy_calibrate(<replicate design>, ...).
 *
 * The full sample is calibrated by calib_accum.c as for a linearization
 * design (which also gives svy_weight and svy_weights_summary).  Here every
 * replicate r is calibrated to the same population from its own analysis
 * weights w_r, with the solver of the full sample (src/stats/calibrate.c),
 * and the variance is the base's replicate variance (scale, rscales, mse)
 * of the estimates with the calibrated replicate weights w_r g_r: no
 * residualisation, as R's calibrate, postStratify and rake on an
 * svyrep.design.  rake gives every replicate as many sweeps as the full
 * sample took (R sweeps them together and stops on the full sample).
 * rescale calibrates no replicate: each keeps the full sample's fixed
 * factors (R: svrepdesign() with the rescaled weights and the base's
 * multipliers).
 *
 * State, per (calibration cell c, replicate r): sums of w_r, w_r a, w_r b
 * and, for the k numeric auxiliaries v, of w_r v, w_r v a, w_r v b and
 * w_r v v' (a = e (y - K x), b = e x, e = the row is in the domain, K a
 * value seen early, as in accum.c); per cell its rows.  A replicate's
 * calibrated weight of a row of cell c is w_r (G_rc + lambda_r' v), so the
 * replicate's sums of a and b follow from these.
 *
 * degf, R's rank of the calibrated analysis weights - 1: the calibrated
 * replicate weights of a row of cell c are M_c s with s = [w, v_1 w, ...,
 * v_k w] (R (k + 1) values) and M_c = [diag G_c, diag lambda_1, ...] known
 * once solved, so a rank basis of the domain rows' s per cell, mapped by
 * M_c, spans the calibrated weights.  raking and logit keep the base's
 * degf on the full sample, as R's calibrate() does for them (a domain:
 * the rank above, as R's subset recomputes it).
 *
 * The state grows with cells x replicates (and (k + 1)^2 R^2 per cell for
 * the rank bases), never with rows.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "calib.h"
#include "idmap.h"
#include "wire.h"

typedef struct SvyCalibRep
{
	int			nrep;
	int			k;				/* numeric auxiliaries */
	int			width;			/* doubles per (cell, replicate): RS_WIDTH(k) */
	int			dim;			/* nrep (k + 1): the stacked vectors s of the rank */
	double		shift;			/* K of a = e (y - K x) */
	bool		shift_set;
	SvyIdMap   *cells;			/* cell code -> index */
	int			ncell;
	int			cap;
	uint64	   *code;			/* per cell: its code */
	double	   *n;				/* per cell: rows */
	double	   *sums;			/* cap x nrep x width */
	SvyRank    *rank;			/* per cell: basis of the domain rows' s */
	double	   *vec;			/* dim: a row's s */
	double	   *scratch;		/* dim */
} SvyCalibRep;

#define RS_D		0
#define RS_A		1
#define RS_B		2
#define RS_DV(j)	(3 + (j))
#define RS_AV(k, j)	(3 + (k) + (j))
#define RS_BV(k, j)	(3 + 2 * (k) + (j))
#define RS_DVV(k, i, j)	(3 + 3 * (k) + (i) * (k) + (j))
#define RS_WIDTH(k)	(3 + 3 * (k) + (k) * (k))

static SvyCalibRep *
rep_create(MemoryContext cxt, int nrep, int k)
{
	SvyCalibRep *c = MemoryContextAllocZero(cxt, sizeof(SvyCalibRep));

	c->nrep = nrep;
	c->k = k;
	c->width = RS_WIDTH(k);
	c->dim = nrep * (k + 1);
	c->cells = svy_idmap_create(cxt, 16);
	c->vec = MemoryContextAlloc(cxt, sizeof(double) * c->dim);
	c->scratch = MemoryContextAlloc(cxt, sizeof(double) * c->dim);
	return c;
}

static inline double *
rep_sums(const SvyCalibRep *c, int cell, int r)
{
	return c->sums + ((Size) cell * c->nrep + r) * c->width;
}

/* The index of a cell, added (with zero sums) if new. */
static int
rep_cell(SvyCalibRep *c, MemoryContext cxt, uint64 code)
{
	bool		found;
	int			i = svy_idmap_insert(c->cells, code, 0, &found);
	Size		per = (Size) c->nrep * c->width;

	if (found)
		return i;
	if (i >= c->cap)
	{
		int			ncap = Max(2 * c->cap, 8);

		if ((Size) ncap * per * sizeof(double) > MaxAllocHugeSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many replicate x calibration cell combinations")));
		if (c->cap == 0)
		{
			c->code = MemoryContextAlloc(cxt, sizeof(uint64) * ncap);
			c->n = MemoryContextAlloc(cxt, sizeof(double) * ncap);
			c->rank = MemoryContextAlloc(cxt, sizeof(SvyRank) * ncap);
			c->sums = MemoryContextAllocHuge(cxt, sizeof(double) * per * ncap);
		}
		else
		{
			c->code = repalloc(c->code, sizeof(uint64) * ncap);
			c->n = repalloc(c->n, sizeof(double) * ncap);
			c->rank = repalloc(c->rank, sizeof(SvyRank) * ncap);
			c->sums = repalloc_huge(c->sums, sizeof(double) * per * ncap);
		}
		c->cap = ncap;
	}
	c->code[i] = code;
	c->n[i] = 0.0;
	memset(&c->rank[i], 0, sizeof(SvyRank));
	c->rank[i].dim = c->dim;
	memset(rep_sums(c, i, 0), 0, sizeof(double) * per);
	c->ncell = i + 1;
	return i;
}

/* ---------- rows ---------- */

void
svy_calib_rep_row(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null)
{
	const SvyCalibBlock *b = svy_calib_block(d);
	const float8 *rw = svy_design_repweights(d);
	const float8 *v = svy_calib_x(b);
	bool		e = !y_null && !(d->flags & SVY_OUT_OF_DOMAIN);
	SvyCalibRep *c = s->calib_rep;
	int			k,
				i;
	double		a,
				bx;

	/* the design's shape and the calibration were checked against the state's by the caller */
	if (c == NULL)
		c = s->calib_rep = rep_create(s->cxt, d->nrep, b->k);
	k = c->k;
	if (e)
		svy_shift_first(&c->shift, &c->shift_set, y, x);
	a = e ? y - c->shift * x : 0.0;
	bx = e ? x : 0.0;
	i = rep_cell(c, s->cxt, svy_calib_row_cell(b));
	c->n[i] += 1.0;
	for (int r = 0; r < c->nrep; r++)
	{
		double	   *p = rep_sums(c, i, r);
		double		w = rw[r];

		p[RS_D] += w;
		p[RS_A] += w * a;
		p[RS_B] += w * bx;
		for (int j = 0; j < k; j++)
		{
			double		wv = w * v[j];

			p[RS_DV(j)] += wv;
			p[RS_AV(k, j)] += wv * a;
			p[RS_BV(k, j)] += wv * bx;
			for (int l = 0; l < k; l++)
				p[RS_DVV(k, j, l)] += wv * v[l];
		}
	}
	/* the rank counts the domain's rows, zero weights included, as accum.c */
	if (e && !svy_rank_full(&c->rank[i]))
	{
		for (int j = 0; j <= k; j++)
			for (int r = 0; r < c->nrep; r++)
				c->vec[j * c->nrep + r] = (j == 0 ? 1.0 : v[j - 1]) * rw[r];
		svy_rank_push(&c->rank[i], c->vec, c->scratch, s->cxt, &s->rank_bytes);
	}
}

/* ---------- merging ---------- */

static void
rep_mixed(const char *detail)
{
	/* as accum.c's check of the design, which runs after the calibration's merge */
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("rows of one aggregate call use different survey designs"),
			 errdetail("%s", detail),
			 errhint("Build the design with the same arguments on every row, typically in one view.")));
}

void
svy_calib_rep_merge(SvyAccum *into, const SvyAccum *from)
{
	const SvyCalibRep *f = from->calib_rep;
	SvyCalibRep *c;
	double		dk = 0.0;

	if (f == NULL)
	{
		if (into->calib_rep && from->kind != 0)
			rep_mixed("Some rows have a replicate-weight design and others a linearization design.");
		return;
	}
	if (into->calib_rep == NULL && into->kind != 0)
		rep_mixed("Some rows have a replicate-weight design and others a linearization design.");
	if (into->calib_rep == NULL)
		into->calib_rep = rep_create(into->cxt, f->nrep, f->k);
	c = into->calib_rep;
	if (c->nrep != f->nrep || c->k != f->k)
		rep_mixed("Replicate designs differ in type, number of replicates, scale, rho or rscales.");
	dk = svy_shift_merge(&c->shift, &c->shift_set, f->shift, f->shift_set);
	for (int fi = 0; fi < f->ncell; fi++)
	{
		int			i = rep_cell(c, into->cxt, f->code[fi]);
		const SvyRank *fr = &f->rank[fi];

		CHECK_FOR_INTERRUPTS();
		c->n[i] += f->n[fi];
		for (int r = 0; r < c->nrep; r++)
		{
			double	   *dst = rep_sums(c, i, r);
			const double *src = rep_sums(f, fi, r);

			for (int t = 0; t < c->width; t++)
				dst[t] += src[t];
			/* a = y - K x at the other state's K: re-centre at ours */
			dst[RS_A] += dk * src[RS_B];
			for (int j = 0; j < c->k; j++)
				dst[RS_AV(c->k, j)] += dk * src[RS_BV(c->k, j)];
		}
		for (int q = 0; q < fr->rank && !svy_rank_full(&c->rank[i]); q++)
			svy_rank_push(&c->rank[i], fr->basis + (Size) q * c->dim, c->scratch, into->cxt,
						  &into->rank_bytes);
	}
}

/* ---------- binary format (after the calibration sums; network byte order) ---------- */

void
svy_calib_rep_serialize(const SvyAccum *s, StringInfo buf)
{
	const SvyCalibRep *c = s->calib_rep;

	pq_sendint32(buf, c->nrep);
	pq_sendint32(buf, c->k);
	pq_sendbyte(buf, c->shift_set);
	pq_sendfloat8(buf, c->shift);
	pq_sendint32(buf, c->ncell);
	for (int i = 0; i < c->ncell; i++)
	{
		const double *p = rep_sums(c, i, 0);

		CHECK_FOR_INTERRUPTS();
		pq_sendint64(buf, c->code[i]);
		pq_sendfloat8(buf, c->n[i]);
		for (Size t = 0; t < (Size) c->nrep * c->width; t++)
			pq_sendfloat8(buf, p[t]);
		pq_sendint32(buf, c->rank[i].rank);
		for (Size t = 0; t < (Size) c->rank[i].rank * c->dim; t++)
			pq_sendfloat8(buf, c->rank[i].basis[t]);
	}
}

void
svy_calib_rep_deserialize(SvyAccum *s, StringInfo buf, int k)
{
	int			nrep = svy_wire_int32(buf);
	int			kk = svy_wire_int32(buf);
	int			shift_set = svy_wire_byte(buf);
	double		shift = svy_wire_float8(buf);
	int			ncell;
	SvyCalibRep *c;

	if (nrep != s->nrep || kk != k || shift_set > 1 || isnan(shift) || isinf(shift) ||
		(!shift_set && shift != 0.0))
		svy_wire_corrupt("bad replicate calibration");
	c = s->calib_rep = rep_create(s->cxt, nrep, k);
	c->shift = shift;
	c->shift_set = shift_set;
	ncell = svy_wire_count(buf, 8 + 8 + 4 + sizeof(double) * (Size) nrep * c->width,
						   "bad number of replicate cells");
	for (int n = 0; n < ncell; n++)
	{
		uint64		code = svy_wire_int64(buf);
		double		rows = svy_wire_float8(buf);
		int			i,
					rank;
		double	   *p;

		CHECK_FOR_INTERRUPTS();
		if (svy_idmap_find(c->cells, code, 0) >= 0)
			svy_wire_corrupt("duplicate replicate cell");
		if (!(rows >= 1.0 && rows <= SVY_MAX_EXACT_COUNT) || rows != floor(rows))
			svy_wire_corrupt("bad row count");
		i = rep_cell(c, s->cxt, code);
		c->n[i] = rows;
		p = rep_sums(c, i, 0);
		for (Size t = 0; t < (Size) nrep * c->width; t++)
		{
			p[t] = svy_wire_float8(buf);
			if (isnan(p[t]) || isinf(p[t]))
				svy_wire_corrupt("non-finite replicate sums");
		}
		rank = svy_wire_count(buf, sizeof(double) * (Size) c->dim, "bad rank");
		if (rank > c->dim)
			svy_wire_corrupt("bad rank");
		svy_rank_room(&c->rank[i], rank, s->cxt, &s->rank_bytes);
		c->rank[i].rank = rank;
		for (Size t = 0; t < (Size) rank * c->dim; t++)
		{
			c->rank[i].basis[t] = svy_wire_float8(buf);
			if (isnan(c->rank[i].basis[t]) || isinf(c->rank[i].basis[t]))
				svy_wire_corrupt("bad rank");
		}
	}
}

/* ---------- finishing ---------- */

static void
replicate_context(void *arg)
{
	errcontext("calibration of replicate %d", *(int *) arg + 1);
}

/* A replicate's calibration failed (R fails too, or gives NaN weights): say which and where. */
static void
replicate_failed(SvyCalibStatus st, int r, const SvyPop *pop, const int *cat,
				 const SvyCalibSolution *sol, int method)
{
	if (st == SVY_CALIB_NONPOSITIVE)
	{
		const SvyPopVar *var = &pop->vars[cat[sol->bad_margin]];

		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("replicate %d has no weight in level \"%s\" of variable \"%s\"",
						r + 1, var->levels[sol->bad_level], var->name),
				 errdetail("Post-stratification cannot scale a replicate's weights to a level it gives no weight (R's replicate weights become NaN and postStratify or rake fails)."),
				 errhint("Merge the level with another in the population and the data, or use method => 'linear'.")));
	}
	if (st == SVY_CALIB_SINGULAR)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the calibration equations of replicate %d are singular", r + 1),
				 errdetail("The replicate's weights leave the auxiliary variables collinear, for instance no weight in a level (R: solve() fails in linear calibration, raking and logit do not converge)."),
				 errhint("Merge the sparse levels, or drop the redundant variables.")));
	svy_calib_report_status(st, pop, cat, sol, method);
}

void
svy_calib_rep_solve(const SvyAccum *s, const SvyCalibProblem *pr, const SvyCalibSolution *sol,
					const SvyPop *pop, const int *cat, double *G, double *L, double *degf)
{
	const SvyCalibRep *c = s->calib_rep;
	SvyCalibProblem rp;
	int			nrep,
				k,
				nm = pr->nmargin,
				nc;
	int		   *level,
			   *fi;
	double	   *cd,
			   *cdv,
			   *cdvv,
			   *cv;
	double		rows = 0.0,
				want = 0.0;
	int			r;
	ErrorContextCallback ctx;

	if (c == NULL || c->ncell != pr->ncell)
		svy_wire_corrupt("replicate cells do not match the calibration");
	nrep = c->nrep;
	k = c->k;
	nc = c->ncell;
	for (int i = 0; i < nc; i++)
	{
		rows += c->n[i];
		want += pr->cell_n[i];
	}
	if (rows != want)
		svy_wire_corrupt("replicate cells do not match the calibration");

	level = palloc(sizeof(int) * Max(nc * nm, 1));
	fi = palloc(sizeof(int) * nc);
	cd = palloc(sizeof(double) * nc);
	cdv = palloc(sizeof(double) * Max(nc * k, 1));
	cdvv = palloc(sizeof(double) * Max(nc * k * k, 1));
	cv = pr->cell_v ? palloc(sizeof(double) * Max(nc * k, 1)) : NULL;
	for (int i = 0; i < nc; i++)
	{
		/* the full sample's cell: its levels (and v) as the full sample's problem has them */
		fi[i] = svy_calib_cell_find(s, c->code[i]);
		if (fi[i] < 0)
			svy_wire_corrupt("replicate cells do not match the calibration");
		for (int m = 0; m < nm; m++)
			level[i * nm + m] = pr->cell_level[(Size) fi[i] * nm + m];
		for (int j = 0; cv && j < k; j++)
			cv[i * k + j] = pr->cell_v[(Size) fi[i] * k + j];
	}
	rp = *pr;
	rp.ncell = nc;
	rp.cell_level = level;
	rp.cell_v = cv;
	rp.cell_n = c->n;
	rp.cell_d = cd;
	rp.cell_dv = cdv;
	rp.cell_dvv = cdvv;
	if (pr->method == SVY_CALIB_RAKE)
	{
		/* exactly the full sample's sweeps: no replicate stops on its own */
		rp.maxit = sol->iterations;
		rp.epsilon = DBL_MIN;
	}

	ctx.callback = replicate_context;
	ctx.arg = &r;
	ctx.previous = error_context_stack;
	error_context_stack = &ctx;
	for (r = 0; r < nrep; r++)
	{
		SvyCalibSolution rs;
		SvyCalibStatus st;

		CHECK_FOR_INTERRUPTS();
		if (pr->method == SVY_CALIB_RESCALE)
		{
			/* fixed factors: every replicate keeps the full sample's, uncalibrated */
			for (int i = 0; i < nc; i++)
				G[(Size) fi[i] * nrep + r] = sol->G[fi[i]];
			for (int j = 0; j < k; j++)
				L[j * nrep + r] = 0.0;
			continue;
		}
		for (int i = 0; i < nc; i++)
		{
			const double *p = rep_sums(c, i, r);

			cd[i] = p[RS_D];
			for (int j = 0; j < k; j++)
			{
				cdv[i * k + j] = p[RS_DV(j)];
				for (int l = 0; l < k; l++)
					cdvv[(i * k + j) * k + l] = p[RS_DVV(k, j, l)];
			}
		}
		memset(&rs, 0, sizeof(rs));
		st = svy_calibrate(&rp, &rs, svy_calib_palloc);
		if (st != SVY_CALIB_OK && !(st == SVY_CALIB_NOT_CONVERGED && pr->method == SVY_CALIB_RAKE))
			replicate_failed(st, r, pop, cat, &rs, pr->method);
		for (int i = 0; i < nc; i++)
			G[(Size) fi[i] * nrep + r] = rs.G[i];
		for (int j = 0; j < k; j++)
			L[j * nrep + r] = rs.lambda_v[j];
		if (rs.G)
			pfree(rs.G);
		if (rs.lambda_v)
			pfree(rs.lambda_v);
		if (rs.A)
			pfree(rs.A);
		if (rs.rake_f)
			pfree(rs.rake_f);
	}
	error_context_stack = ctx.previous;

	/*
	 * R's calibrate() keeps the base's degf for raking, logit and bounded
	 * linear (grake, not regcalibrate); a domain
	 * (R's subset, or na.rm) recomputes it from the calibrated weights of its
	 * rows, as for the other methods.
	 */
	if (svy_calib_newton(pr->method, pr->bounds) &&
		s->dom.nrow == svy_calib_accum_rows(s))
		*degf = s->rank.rank > 0 ? s->rank.rank - 1.0 : NAN;
	else
	{
		SvyRank		all = {0};
		Size		bytes = 0;
		double	   *out = palloc(sizeof(double) * nrep);
		double	   *scratch = palloc(sizeof(double) * nrep);

		all.dim = nrep;
		for (int i = 0; i < nc && !svy_rank_full(&all); i++)
			for (int q = 0; q < c->rank[i].rank && !svy_rank_full(&all); q++)
			{
				const double *bv = c->rank[i].basis + (Size) q * c->dim;

				CHECK_FOR_INTERRUPTS();
				for (int rr = 0; rr < nrep; rr++)
				{
					out[rr] = G[(Size) fi[i] * nrep + rr] * bv[rr];
					for (int j = 0; j < k; j++)
						out[rr] += L[j * nrep + rr] * bv[(j + 1) * nrep + rr];
				}
				svy_rank_push(&all, out, scratch, CurrentMemoryContext, &bytes);
			}
		*degf = all.rank > 0 ? all.rank - 1.0 : NAN;
	}
}

void
svy_calib_rep_result(const SvyAccum *s, const SvyEstimateSpec *spec, const SvyDomainSums *dom,
					 const SvyCalibProblem *pr, const SvyCalibSolution *sol, const SvyPop *pop,
					 const int *cat, SvyResult *res)
{
	const SvyCalibRep *c = s->calib_rep;
	int			nrep,
				k;
	double	   *G,
			   *L,
			   *rep_y,
			   *rep_x;
	double		df;
	SvyReplicateInput in;

	if (c == NULL)
		svy_wire_corrupt("replicate cells do not match the calibration");
	nrep = c->nrep;
	k = c->k;
	G = palloc(sizeof(double) * Max(pr->ncell, 1) * nrep);
	L = palloc(sizeof(double) * Max(k * nrep, 1));
	rep_y = palloc(sizeof(double) * nrep);
	rep_x = palloc(sizeof(double) * nrep);
	svy_calib_rep_solve(s, pr, sol, pop, cat, G, L, &df);
	for (int r = 0; r < nrep; r++)
	{
		double		Y = 0.0,
					X = 0.0;

		for (int i = 0; i < c->ncell; i++)
		{
			const double *p = rep_sums(c, i, r);
			double		g = G[(Size) svy_calib_cell_find(s, c->code[i]) * nrep + r];

			Y += g * p[RS_A];
			X += g * p[RS_B];
			for (int j = 0; j < k; j++)
			{
				Y += L[j * nrep + r] * p[RS_AV(k, j)];
				X += L[j * nrep + r] * p[RS_BV(k, j)];
			}
		}
		/* centred at the full sample's K */
		rep_y[r] = Y + (c->shift - dom->shift) * X;
		rep_x[r] = X;
	}

	if (dom->wm.w != 0.0)
	{
		svy_check_finite_sums(rep_y, nrep);
		svy_check_finite_sums(rep_x, nrep);
	}
	in.y = rep_y;
	in.x = rep_x;
	in.nrep = nrep;
	in.scale = s->scale;
	in.rscales = s->rscales;
	in.mse = (s->flags & SVY_MSE) != 0;
	in.df = df;
	in.scratch = palloc(sizeof(double) * nrep);
	in.shift = dom->shift;
	svy_estimate_replicate(spec, dom, &in, res);
	if (dom->wm.w != 0.0 && (isinf(res->estimate) || isinf(res->std_error)))
		svy_report_overflow();
}

/* ---------- svy_quantile (calib_quantile.c, through svy_calib_indicator_result) ---------- */

double *
svy_calib_rep_add_indicator(SvyAccum *s, const SvyCalibIndicator *ind, int nind)
{
	SvyCalibRep *c = s->calib_rep;
	double	   *saved,
			   *sums;
	Size		n;

	if (c == NULL || c->shift != 0.0)
		svy_wire_corrupt("calibrated quantile state without replicate sums of y = 0");
	n = (Size) Max(c->ncell, 1) * c->nrep * c->width;
	saved = c->sums;
	sums = palloc(sizeof(double) * n);
	memcpy(sums, saved, sizeof(double) * c->ncell * c->nrep * c->width);
	c->sums = sums;
	for (int i = 0; i < nind; i++)
	{
		const SvyCalibIndicator *in = &ind[i];
		int			ci = svy_idmap_find(c->cells, in->key[4], 0);

		if (ci < 0 || in->aux < 0 || in->aux > c->k || in->rw == NULL)
			svy_wire_corrupt("quantile cell unknown to the calibration");
		/* I^2 = I and I x = I: only a's sums; a = e I (e = 1 where I is) */
		for (int r = 0; r < c->nrep; r++)
			rep_sums(c, ci, r)[in->aux == 0 ? RS_A : RS_AV(c->k, in->aux - 1)] += in->rw[r];
	}
	return saved;
}

void
svy_calib_rep_restore(SvyAccum *s, double *saved)
{
	SvyCalibRep *c = s->calib_rep;

	pfree(c->sums);
	c->sums = saved;
}
