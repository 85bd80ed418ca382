/*
 * calib_glm.c — svy_glm on calibrated designs (SPEC §9 + §10): R's svyglm
 * on a design made by postStratify, rake or calibrate (survey 4.1.1).
 *
 * R fits glm with the calibrated weights w = g d (rescaled to mean 1 over
 * the rows of the design object, which for a calibrated design keeps every
 * row: weight 0 outside the domain) and computes the sandwich from the
 * per-PSU totals of the rows' scores U_i after svyrecvar's residualisation
 * (oracle README §7.14, §7.16): with t_i = U_i / w_i (0 off the fit),
 *     z_i = w_i (t_i - B_c - v_i' beta_v),
 * B, beta_v from svy_calib_residual_coef() for each coefficient's t.
 *
 * One pass, never rows.  The glm state (glm_state.h) is extended so that a
 * cell's calibration factor is one number:
 *   - a cell is a distinct (row of x, calibration cell, numeric
 *     auxiliaries v): g = G_c + lambda_v' v is then constant in it, so its
 *     sums of d and d y give the fit's sums (g times them) and, with v, the
 *     residualisation's per-cell sums of d t, d v t and t.  Continuous
 *     auxiliaries (linear calibration) therefore keep one cell per distinct
 *     value, like continuous predictors (docs/regression.md);
 *   - per cell the deviance's constant, the start's deviance and the
 *     unweighted sum of y, which are linear in w but not in d alone;
 *   - per calibration cell the sums of d and d v over the design rows in
 *     the domain (R's rescaling mean);
 *   - the base state (strata, PSUs, df) carries the calibration's own sums
 *     over every row (calib_accum.c): its solution, and per (PSU, cell) the
 *     sums of d, d v, d v v' that the residual term of each PSU needs;
 *   - designs without PSUs (each row its own PSU): per (stratum, calibration
 *     cell, v) the sums of d and d^2 over every row.  A row's score is
 *     z = z0 + U with z0 = -w (B_c + v' beta_v) = d times a constant of its
 *     (cell, v), and U = 0 off the fit, so the stratum's sum of z z' is
 *     that of z0 z0' (from d^2) plus, per (stratum, cell of the fit), the
 *     rows' U U' and U z0' (from the glm state's sums of d^2, d^2 y, d^2 y^2).
 * Calibrated replicate designs (R's svyglm.svyrep.design): the full sample
 * as above; replicate r refits with its own calibration (calib_rep.c) of the
 * same cells, w_r g_r, from the glm state's per-(cell, replicate) sums of w_r,
 * w_r y and the deviance constant; no residualisation.
 * Two-stage designs with a first-stage fpc: the residualised totals per
 * second-stage unit, R's multistage variance of them (psu_totals, svy_glm_stage2_add).
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"

#include "calib.h"
#include "glm_state.h"
#include "linearize.h"
#include "survey.h"
#include "wire.h"

#define CODE_MAX 9007199254740992.0	/* 2^53: cell codes are stored as doubles */

void
svy_glm_calib_grow(GlmState *s, int oldcap, int newcap)
{
	GlmCalib   *c = s->cal;

	c->devc = svy_glm_grow(s->cxt, c->devc, sizeof(double), oldcap, newcap);
	c->dev0 = svy_glm_grow(s->cxt, c->dev0, sizeof(double), oldcap, newcap);
	c->sy = svy_glm_grow(s->cxt, c->sy, sizeof(double), oldcap, newcap);
	if (s->nrep > 0)
		c->rep_devc = svy_glm_grow(s->cxt, c->rep_devc, sizeof(double) * s->nrep, oldcap, newcap);
}

void
svy_glm_calib_start(GlmState *s, int k)
{
	GlmCalib   *c = MemoryContextAllocZero(s->cxt, sizeof(GlmCalib));

	c->k = k;
	c->cellmap = svy_idmap_create(s->cxt, 16);
	c->rowmap = svy_idmap_create(s->cxt, 64);
	s->cal = c;
	if (s->cellcap > 0)
		svy_glm_calib_grow(s, 0, s->cellcap);
	s->xw = s->p > 0 ? s->p + 1 + k : 0;
}

/* The domain sums of a calibration cell (created on first use). */
static double *
cal_dom(GlmState *s, uint64 code)
{
	GlmCalib   *c = s->cal;
	bool		found;
	int			i = svy_idmap_insert(c->cellmap, code, 0, &found);

	if (!found)
	{
		if (i >= c->calcap)
		{
			int			cap = c->calcap ? c->calcap * 2 : 16;

			c->code = svy_glm_grow(s->cxt, c->code, sizeof(uint64), c->calcap, cap);
			c->dom = svy_glm_grow(s->cxt, c->dom, sizeof(double) * (1 + c->k), c->calcap, cap);
			c->calcap = cap;
		}
		c->ncal = i + 1;
		c->code[i] = code;
	}
	return c->dom + (Size) i * (1 + c->k);
}

/* Designs without PSUs: the sums of (stratum h, calibration cell code, v), created on first use. */
static double *
row_sums(GlmState *s, int h, const double *key)
{
	GlmCalib   *c = s->cal;
	int			kw = 1 + c->k;
	bool		found;
	int			i = svy_idmap_insert(c->rowmap, hash_bytes_extended((const unsigned char *) key,
																	 sizeof(double) * kw, 0),
									 (uint64) h, &found);

	if (!found)
	{
		if (i >= c->rowcap)
		{
			int			cap = c->rowcap ? c->rowcap * 2 : 64;

			c->row_stratum = svy_glm_grow(s->cxt, c->row_stratum, sizeof(int32), c->rowcap, cap);
			c->row_key = svy_glm_grow(s->cxt, c->row_key, sizeof(double) * kw, c->rowcap, cap);
			c->row_sums = svy_glm_grow(s->cxt, c->row_sums, sizeof(double) * 2, c->rowcap, cap);
			svy_glm_account(s, (sizeof(int32) + sizeof(double) * (kw + 2) + 32) * (cap - c->rowcap));
			c->rowcap = cap;
		}
		c->nrow = i + 1;
		c->row_stratum[i] = h;
		memcpy(c->row_key + (Size) i * kw, key, sizeof(double) * kw);
	}
	else if (c->row_stratum[i] != h || memcmp(c->row_key + (Size) i * kw, key, sizeof(double) * kw) != 0)
		elog(ERROR, "hash collision between calibration cells");
	return c->row_sums + (Size) i * 2;
}

/* ---------- rows ---------- */

int
svy_glm_calib_base_row(GlmState *s, const SvyDesign *d, bool y_null)
{
	/* errors if calibrated and uncalibrated rows mix */
	svy_linear_row_calibrated(s->base, d, 0.0, 1.0, y_null);
	if (s->cal == NULL)
		svy_glm_calib_start(s, svy_calib_accum_k(s->base));
	return svy_accum_stratum_find(s->base, d->stratum);
}

/* A row's calibration cell code as a double (exact below 2^53). */
static double
cell_code(const SvyCalibBlock *b)
{
	uint64		code = svy_calib_row_cell(b);

	if ((double) code >= CODE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a regression on a calibrated design supports at most 2^53 joint calibration cells")));
	return (double) code;
}

void
svy_glm_calib_row_key(const GlmState *s, const SvyDesign *d, double *xrow)
{
	const SvyCalibBlock *b = svy_calib_block(d);
	const float8 *v = svy_calib_x(b);

	xrow[s->p] = cell_code(b);
	for (int j = 0; j < s->cal->k; j++)
		xrow[s->p + 1 + j] = v[j] + 0.0;
}

void
svy_glm_calib_row(GlmState *s, const SvyDesign *d, int h, int cell, double y)
{
	GlmCalib   *c = s->cal;
	const SvyCalibBlock *b = svy_calib_block(d);

	/*
	 * R's design object keeps every row of a calibrated design (weight 0
	 * outside the domain); rescale is R's plain design with the new weights,
	 * whose domain drops the other rows.
	 */
	if (b->method != SVY_CALIB_RESCALE || !(d->flags & SVY_OUT_OF_DOMAIN))
		s->nrow_design += 1;
	if (!(d->flags & SVY_OUT_OF_DOMAIN))
	{
		double	   *dom = cal_dom(s, svy_calib_row_cell(b));

		dom[0] += d->weight;
		for (int j = 0; j < c->k; j++)
			dom[1 + j] += d->weight * svy_calib_x(b)[j];
	}
	if (!has_psu(s) && d->kind == SVY_KIND_TAYLOR)
	{
		double		key[1 + SVY_CALIB_MAX_NUMERIC];
		double	   *rs;

		key[0] = cell_code(b);
		for (int j = 0; j < c->k; j++)
			key[1 + j] = svy_calib_x(b)[j] + 0.0;
		rs = row_sums(s, h, key);
		rs[0] += d->weight;
		rs[1] += d->weight * d->weight;
	}
	if (cell >= 0)
	{
		c->devc[cell] += svy_glm_dev_const(s->family, d->weight, y);
		c->sy[cell] += y;
		if (d->kind == SVY_KIND_REPLICATE)
		{
			const double *rw = svy_design_repweights(d);

			for (int r = 0; r < s->nrep; r++)
				c->rep_devc[(Size) cell * s->nrep + r] += svy_glm_dev_const(s->family, rw[r], y);
		}
		if (!is_binomial(s->family))
		{
			double		W0,
						Wz0,
						dev0;

			svy_glm_start_row(s->family, d->weight, y, &W0, &Wz0, &dev0);
			c->dev0[cell] += dev0;
		}
	}
}

/* ---------- merging, binary format ---------- */

void
svy_glm_calib_merge(GlmState *into, const GlmState *from, const int *cmap)
{
	const GlmCalib *f = from->cal;
	GlmCalib   *c = into->cal;

	for (int i = 0; i < from->ncells; i++)
	{
		c->devc[cmap[i]] += f->devc[i];
		c->dev0[cmap[i]] += f->dev0[i];
		c->sy[cmap[i]] += f->sy[i];
		for (int r = 0; r < from->nrep; r++)
			c->rep_devc[(Size) cmap[i] * into->nrep + r] += f->rep_devc[(Size) i * from->nrep + r];
	}
	for (int i = 0; i < f->ncal; i++)
	{
		double	   *dom = cal_dom(into, f->code[i]);

		for (int j = 0; j <= c->k; j++)
			dom[j] += f->dom[(Size) i * (1 + c->k) + j];
	}
	for (int i = 0; i < f->nrow; i++)
	{
		int			h = svy_accum_stratum_find(into->base, from->base->strata[f->row_stratum[i]].id);
		double	   *rs = row_sums(into, h, f->row_key + (Size) i * (1 + c->k));

		CHECK_FOR_INTERRUPTS();
		rs[0] += f->row_sums[2 * i];
		rs[1] += f->row_sums[2 * i + 1];
	}
}

void
svy_glm_calib_serialize(const GlmState *s, StringInfo buf)
{
	const GlmCalib *c = s->cal;

	for (int i = 0; i < s->ncells; i++)
	{
		pq_sendfloat8(buf, c->devc[i]);
		pq_sendfloat8(buf, c->dev0[i]);
		pq_sendfloat8(buf, c->sy[i]);
		for (int r = 0; r < s->nrep; r++)
			pq_sendfloat8(buf, c->rep_devc[(Size) i * s->nrep + r]);
	}
	pq_sendint32(buf, c->ncal);
	for (int i = 0; i < c->ncal; i++)
	{
		pq_sendint64(buf, c->code[i]);
		for (int j = 0; j <= c->k; j++)
			pq_sendfloat8(buf, c->dom[(Size) i * (1 + c->k) + j]);
	}
	pq_sendint32(buf, c->nrow);
	for (int i = 0; i < c->nrow; i++)
	{
		pq_sendint32(buf, c->row_stratum[i]);
		for (int j = 0; j <= c->k; j++)
			pq_sendfloat8(buf, c->row_key[(Size) i * (1 + c->k) + j]);
		pq_sendfloat8(buf, c->row_sums[2 * i]);
		pq_sendfloat8(buf, c->row_sums[2 * i + 1]);
	}
}

void
svy_glm_calib_deserialize(GlmState *s, StringInfo buf)
{
	GlmCalib   *c = s->cal;
	int			n;

	for (int i = 0; i < s->ncells; i++)
	{
		double		code = s->x[(Size) i * s->xw + s->p];

		if (!(code >= 0 && code < CODE_MAX && code == floor(code)) ||
			svy_calib_cell_find(s->base, (uint64) code) < 0)
			svy_glm_bad_state("A cell refers to an unknown calibration cell.");
		c->devc[i] = svy_glm_get_finite(buf);
		c->dev0[i] = svy_glm_get_finite(buf);
		c->sy[i] = svy_glm_get_finite(buf);
		for (int r = 0; r < s->nrep; r++)
			c->rep_devc[(Size) i * s->nrep + r] = svy_glm_get_finite(buf);
	}
	n = svy_wire_count(buf, 8 + 8 * (1 + c->k), "bad number of calibration cells");
	for (int i = 0; i < n; i++)
	{
		uint64		code = svy_wire_int64(buf);
		double	   *dom;

		if (svy_calib_cell_find(s->base, code) < 0 || svy_idmap_find(c->cellmap, code, 0) >= 0)
			svy_glm_bad_state("An unknown or repeated calibration cell.");
		dom = cal_dom(s, code);
		for (int j = 0; j <= c->k; j++)
			dom[j] = svy_glm_get_finite(buf);
		if (dom[0] < 0)
			svy_glm_bad_state("A negative weight sum.");
	}
	n = svy_wire_count(buf, 4 + 8 * (3 + c->k), "bad number of stratum cells");
	if (n > 0 && has_psu(s))
		svy_glm_bad_state("Stratum cells in a design with PSUs.");
	for (int i = 0; i < n; i++)
	{
		int			h = svy_wire_int32(buf);
		double		key[1 + SVY_CALIB_MAX_NUMERIC];
		double	   *rs;

		if (h < 0 || h >= s->base->nstrata)
			svy_glm_bad_state("A stratum cell of an unknown stratum.");
		for (int j = 0; j <= c->k; j++)
			key[j] = svy_glm_get_finite(buf);
		if (!(key[0] >= 0 && key[0] < CODE_MAX && key[0] == floor(key[0])) ||
			svy_calib_cell_find(s->base, (uint64) key[0]) < 0)
			svy_glm_bad_state("A stratum cell of an unknown calibration cell.");
		rs = row_sums(s, h, key);
		if (c->nrow != i + 1)
			svy_glm_bad_state("A repeated stratum cell.");
		rs[0] = svy_glm_get_finite(buf);
		rs[1] = svy_glm_get_finite(buf);
		if (rs[0] < 0 || rs[1] < 0)
			svy_glm_bad_state("A negative weight sum.");
	}
}

/* ---------- the final function ---------- */

typedef struct GlmCalibFit
{
	SvyCalibSolved cal;
	int		   *ccell;			/* per cell: its calibration cell's index */
} GlmCalibFit;

/* Cell c's calibration cell: its index among the calibration's cells. */
static int
cell_calib_index(const GlmState *s, int c)
{
	double		code = s->x[(Size) c * s->xw + s->p];
	int			i = svy_calib_cell_find(s->base, (uint64) code);

	if (i < 0)
		svy_glm_bad_state("A cell refers to an unknown calibration cell.");
	return i;
}

/* g of calibration cell i at auxiliaries v */
static double
factor(const SvyCalibSolution *sol, int k, int i, const double *v)
{
	double		g = sol->G[i];

	for (int j = 0; j < k; j++)
		g += sol->lambda_v[j] * v[j];
	return g;
}

GlmCalibFit *
svy_glm_calib_prepare(const GlmState *s, double *cg, double *m, double *dev_const, double *dev0)
{
	const GlmCalib *c = s->cal;
	GlmCalibFit *cf = palloc0(sizeof(GlmCalibFit));
	const SvyCalibSolution *sol;
	int			k = c->k;
	double		wsum = 0.0;

	svy_calib_solve(s->base, &cf->cal);
	sol = &cf->cal.sol;
	cf->ccell = palloc(sizeof(int) * (s->ncells + 1));
	*dev_const = 0.0;
	*dev0 = 0.0;
	for (int i = 0; i < s->ncells; i++)
	{
		cf->ccell[i] = cell_calib_index(s, i);
		cg[i] = factor(sol, k, cf->ccell[i], s->x + (Size) i * s->xw + s->p + 1);
		if (cg[i] < 0.0 && s->cn[i] > 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("calibrated weight is negative: the calibration gives rows of the fit the factor g = %g", cg[i]),
					 errdetail("A generalized linear model needs non-negative weights, as R's glm (linear calibration can make weights negative)."),
					 errhint("Calibrate with method 'raking' or 'logit', whose weights stay positive.")));
		*dev_const += cg[i] * c->devc[i];
		*dev0 += cg[i] * c->dev0[i];
	}
	for (int i = 0; i < c->ncal; i++)
	{
		int			ci = svy_calib_cell_find(s->base, c->code[i]);
		const double *dom = c->dom + (Size) i * (1 + k);

		if (ci < 0)
			svy_glm_bad_state("A calibration cell of the domain is unknown.");
		wsum += sol->G[ci] * dom[0];
		for (int j = 0; j < k; j++)
			wsum += sol->lambda_v[j] * dom[1 + j];
	}
	if (!(wsum > 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the calibrated weights of the domain sum to %g", wsum),
				 errdetail("R rescales the prior weights by their mean, which must be positive.")));
	*m = wsum / s->nrow_design;
	*dev0 /= *m;
	return cf;
}

void
svy_glm_calib_rep_factors(const GlmState *s, GlmCalibFit *cf, double *rg, double *degf)
{
	const SvyCalibSolved *cs = &cf->cal;
	int			nrep = s->nrep,
				k = s->cal->k;
	double	   *G = palloc(sizeof(double) * Max(cs->pr.ncell, 1) * nrep);
	double	   *L = palloc(sizeof(double) * Max(k * nrep, 1));

	svy_calib_rep_solve(s->base, &cs->pr, &cs->sol, cs->pop, cs->cat, G, L, degf);
	for (int i = 0; i < s->ncells; i++)
	{
		const double *v = s->x + (Size) i * s->xw + s->p + 1;

		for (int r = 0; r < nrep; r++)
		{
			double		g = G[(Size) cf->ccell[i] * nrep + r];

			for (int j = 0; j < k; j++)
				g += L[j * nrep + r] * v[j];
			if (g < 0.0 && s->cn[i] > 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("calibrated weight is negative: the calibration of replicate %d gives rows of the fit the factor g = %g", r + 1, g),
						 errdetail("A generalized linear model needs non-negative weights, as R's glm (linear calibration can make weights negative)."),
						 errhint("Calibrate with method 'raking' or 'logit', whose weights stay positive.")));
			rg[(Size) i * nrep + r] = g;
		}
	}
	pfree(G);
	pfree(L);
}

void
svy_glm_calib_rep_sums(const GlmState *s, const double *rg, int r, double *sw, double *swy, double *dev_const)
{
	int			nrep = s->nrep;

	*dev_const = 0.0;
	for (int i = 0; i < s->ncells; i++)
	{
		Size		at = (Size) i * nrep + r;

		sw[i] = rg[at] * s->rep_sw[at];
		swy[i] = rg[at] * s->rep_swy[at];
		*dev_const += rg[at] * s->cal->rep_devc[at];
	}
}

/*
 * The residual part of each unit's score total (svy_calib_foreach_unit): a
 * unit is a PSU (T indexed by its slot in the base state) or, on two-stage
 * designs with a first-stage fpc, a second-stage unit (ssu: its identity ->
 * its index in T; unit_slot: its PSU's slot).
 */
typedef struct UnitArgs
{
	SvyAccum   *base;
	const SvyCalibSolution *sol;
	int			p,
				k;
	const double *B;			/* ncal x p */
	const double *beta;			/* k x p */
	double	   *T;				/* units x p */
	int		   *unit_slot;		/* units */
	int		   *slot_stratum;	/* PSU slots */
	SvyIdMap   *ssu;			/* NULL: the units are the PSUs */
	int			nunits;
	double	   *wv;				/* k */
} UnitArgs;

static void
unit_residual(void *arg, const uint64 *key, int cell, const double *sums)
{
	UnitArgs   *a = arg;
	SvyPsuKey	pk = {{key[0], key[1], key[2], key[3]}};
	SvyPsuEntry *e = svy_accum_psu_find(a->base, &pk);
	int			k = a->k,
				unit;
	double		G = a->sol->G[cell],
				w;
	double	   *t;

	if (e == NULL || cell < 0)
		svy_glm_bad_state("A calibration PSU cell of an unknown PSU or cell.");
	unit = e->slot;
	if (a->ssu)
	{
		uint64		k0,
					k1;
		bool		found;

		glm_unit_identity(key, key + 2, key + 4, &k0, &k1);
		unit = svy_idmap_insert(a->ssu, k0, k1, &found);
		if (unit >= a->nunits)
			svy_glm_bad_state("More second-stage units in the calibration than in the design.");
	}
	a->unit_slot[unit] = e->slot;
	a->slot_stratum[e->slot] = e->stratum;
	/* sum of w and of w v over the (unit, cell), w = d (G + lambda' v) */
	w = G * sums[0];
	for (int j = 0; j < k; j++)
	{
		w += a->sol->lambda_v[j] * sums[1 + j];
		a->wv[j] = G * sums[1 + j];
		for (int l = 0; l < k; l++)
			a->wv[j] += sums[1 + k + j * k + l] * a->sol->lambda_v[l];
	}
	t = a->T + (Size) unit * a->p;
	for (int c = 0; c < a->p; c++)
	{
		double		r = a->B[(Size) cell * a->p + c] * w;

		for (int j = 0; j < k; j++)
			r += a->beta[(Size) j * a->p + c] * a->wv[j];
		t[c] -= r;
	}
}

/*
 * Designs with PSUs: per stratum the sum S of its PSUs' residualised score
 * totals and the sum Q of their cross-products (p x p).  Two-stage designs
 * with a first-stage fpc: the units are the second-stage units, whose
 * totals the PSUs sum for the first stage; each PSU's units are then the
 * PSUs of one stratum for the second (R's multistage), added into cov
 * after the first stage's svy_covariance_finish (svy_glm_stage2_add).
 */
typedef struct UnitTotals
{
	double	   *T;				/* units x p: the residualised score totals */
	int		   *unit_slot;		/* units: the PSU's slot */
	int			nunits;
	double	   *psu_T;			/* slots x p: the PSUs' totals */
} UnitTotals;

static void
psu_totals(const GlmState *s, const GlmCalibFit *cf, const SvyGlmCells *cells, const SvyGlmFit *fit,
		   const double *cg, double m, const double *B, const double *beta, double *S, double *Q,
		   UnitTotals *ut)
{
	SvyAccum   *base = s->base;
	int			p = s->p,
				nstrata = base->nstrata,
				nslot = base->npsu;
	bool		stage2 = two_stage(s);
	int			nunits = stage2 ? svy_accum_nssu(base) : nslot;
	double	   *T = palloc0(sizeof(double) * (Size) p * Max(nunits, 1));
	double	   *psu_T = stage2 ? palloc0(sizeof(double) * (Size) p * Max(nslot, 1)) : T;
	int		   *unit_slot = palloc(sizeof(int) * Max(nunits, 1));
	int		   *fit_unit = palloc(sizeof(int) * Max(s->npsu, 1));
	int		   *slot_stratum = palloc(sizeof(int) * Max(nslot, 1));
	UnitArgs	ua;

	ua.ssu = stage2 ? svy_idmap_create(CurrentMemoryContext, 64) : NULL;
	for (int u = 0; u < nunits; u++)
		unit_slot[u] = -1;
	for (int j = 0; j < nslot; j++)
		slot_stratum[j] = -1;
	/* each unit's score total: sum U over its rows of the fit ... */
	for (int j = 0; j < s->npsu; j++)
	{
		if (stage2)
		{
			bool		found;

			fit_unit[j] = svy_idmap_insert(ua.ssu, s->psu_key[2 * j], s->psu_key[2 * j + 1], &found);
			if (fit_unit[j] >= nunits)
				svy_glm_bad_state("A second-stage unit of the fit is not in the design.");
		}
		else
		{
			const SvyStratumInfo *si = &base->strata[s->psu_stratum[j]];
			SvyPsuKey	key = {{si->id[0], si->id[1],
								s->psu_key[2 * j] ^ (si->id[0] * GLM_PSU_MIX0),
								s->psu_key[2 * j + 1] ^ (si->id[1] * GLM_PSU_MIX1)}};
			SvyPsuEntry *e = svy_accum_psu_find(base, &key);

			if (e == NULL)
				svy_glm_bad_state("A PSU of the fit is not in the design.");
			fit_unit[j] = e->slot;
		}
	}
	for (int i = 0; i < s->nuc; i++)
	{
		int			cell = s->uc[i].cell;

		CHECK_FOR_INTERRUPTS();
		svy_glm_score_add(cells, fit, cell, cg[cell] * s->uc[i].sw / m, cg[cell] * s->uc[i].swy / m,
						  T + (Size) fit_unit[s->uc[i].unit] * p);
	}
	/* ... minus sum over every row w (B_c + v' beta) */
	ua.base = base;
	ua.sol = &cf->cal.sol;
	ua.p = p;
	ua.k = s->cal->k;
	ua.B = B;
	ua.beta = beta;
	ua.T = T;
	ua.unit_slot = unit_slot;
	ua.slot_stratum = slot_stratum;
	ua.nunits = nunits;
	ua.wv = palloc(sizeof(double) * (s->cal->k + 1));
	svy_calib_foreach_unit(base, unit_residual, &ua);

	for (int u = 0; u < nunits; u++)
	{
		const double *tu = T + (Size) u * p;

		if (unit_slot[u] < 0)
			svy_glm_bad_state("A unit without calibration sums.");
		if (stage2)
			for (int a = 0; a < p; a++)
				psu_T[(Size) unit_slot[u] * p + a] += tu[a];
	}
	for (int j = 0; j < nslot; j++)
	{
		int			h = slot_stratum[j];
		const double *tj = psu_T + (Size) j * p;

		if (h < 0 || h >= nstrata)
			svy_glm_bad_state("A PSU without calibration sums.");
		for (int a = 0; a < p; a++)
		{
			S[(Size) h * p + a] += tj[a];
			for (int b = 0; b < p; b++)
				Q[(Size) h * p * p + a * p + b] += tj[a] * tj[b];
		}
	}
	ut->T = T;
	ut->unit_slot = unit_slot;
	ut->nunits = nunits;
	ut->psu_T = psu_T;
	pfree(fit_unit);
	pfree(slot_stratum);
	pfree(ua.wv);
}

/* z0 = d c0 for the rows of calibration cell ci with auxiliaries v: c0 = -g (B_ci + beta' v) */
static void
z0_coef(const SvyCalibSolution *sol, int k, int p, int ci, const double *v, const double *B,
		const double *beta, double *c0)
{
	double		g = factor(sol, k, ci, v);

	for (int a = 0; a < p; a++)
	{
		double		r = B[(Size) ci * p + a];

		for (int j = 0; j < k; j++)
			r += beta[(Size) j * p + a] * v[j];
		c0[a] = -g * r;
	}
}

/* Designs without PSUs (each row its own PSU): S and Q as psu_totals() (see the top). */
static void
row_totals(const GlmState *s, const GlmCalibFit *cf, const SvyGlmCells *cells, const SvyGlmFit *fit,
		   const double *cg, double m, const double *B, const double *beta, double *S, double *Q)
{
	const GlmCalib *c = s->cal;
	const SvyCalibSolution *sol = &cf->cal.sol;
	int			p = s->p,
				k = c->k;
	double	   *c0 = palloc(sizeof(double) * p);
	double	   *u2 = palloc(sizeof(double) * p);

	/* z0 z0' and z0 over every row */
	for (int i = 0; i < c->nrow; i++)
	{
		const double *key = c->row_key + (Size) i * (1 + k);
		int			h = c->row_stratum[i];
		int			ci = svy_calib_cell_find(s->base, (uint64) key[0]);
		double	   *Sh = S + (Size) h * p,
				   *Qh = Q + (Size) h * p * p;

		CHECK_FOR_INTERRUPTS();
		if (ci < 0)
			svy_glm_bad_state("A stratum cell of an unknown calibration cell.");
		z0_coef(sol, k, p, ci, key + 1, B, beta, c0);
		for (int a = 0; a < p; a++)
		{
			Sh[a] += c0[a] * c->row_sums[2 * i];
			for (int b = 0; b < p; b++)
				Qh[a * p + b] += c0[a] * c0[b] * c->row_sums[2 * i + 1];
		}
	}
	/* the rows of the fit: U, U U' and U z0' + z0 U' */
	for (int i = 0; i < s->nuc; i++)
	{
		int			cell = s->uc[i].cell,
					h = s->uc[i].unit;
		double		g = cg[cell];
		double	   *Sh = S + (Size) h * p,
				   *Qh = Q + (Size) h * p * p;

		CHECK_FOR_INTERRUPTS();
		z0_coef(sol, k, p, cf->ccell[cell], s->x + (Size) cell * s->xw + p + 1, B, beta, c0);
		svy_glm_score_add(cells, fit, cell, g * s->uc[i].sw / m, g * s->uc[i].swy / m, Sh);
		svy_glm_score_cross_add(cells, fit, cell, g * g * s->ucsq[i].sww / (m * m),
								g * g * s->ucsq[i].swwy / (m * m), g * g * s->ucsq[i].swwyy / (m * m), Qh);
		memset(u2, 0, sizeof(double) * p);
		svy_glm_score_add(cells, fit, cell, s->ucsq[i].sww, s->ucsq[i].swwy, u2);
		for (int a = 0; a < p; a++)
			for (int b = 0; b < p; b++)
				Qh[a * p + b] += g / m * (u2[a] * c0[b] + c0[a] * u2[b]);
	}
	pfree(c0);
	pfree(u2);
}

void
svy_glm_calib_vcov(const GlmState *s, GlmCalibFit *cf, const SvyGlmCells *cells,
				   const SvyGlmFit *fit, const double *cg, double m, double *v)
{
	SvyAccum   *base = s->base;
	const GlmCalib *c = s->cal;
	const SvyCalibSolved *cal = &cf->cal;
	int			p = s->p,
				k = c->k,
				ncal = cal->ncell,
				nstrata = base->nstrata;
	double	   *dt = palloc0(sizeof(double) * ncal * p);
	double	   *dvt = palloc0(sizeof(double) * ncal * (k + 1) * p);
	double	   *ut = palloc0(sizeof(double) * ncal * p);
	double	   *B = palloc0(sizeof(double) * ncal * p);
	double	   *beta = palloc0(sizeof(double) * (k + 1) * p);
	double	   *col_dt = palloc(sizeof(double) * ncal),
			   *col_dvt = palloc(sizeof(double) * ncal * (k + 1)),
			   *col_t = palloc(sizeof(double) * ncal),
			   *col_B = palloc(sizeof(double) * ncal),
			   *col_beta = palloc(sizeof(double) * (k + 1));
	double	   *work = palloc(sizeof(double) * svy_calib_work_size(&cal->pr, &cal->sol));
	double	   *tmp = palloc(sizeof(double) * p * p);
	SvyStratumTotals *st = palloc0(sizeof(SvyStratumTotals) * Max(nstrata, 1));
	double	   *S = palloc0(sizeof(double) * p * Max(nstrata, 1));
	double	   *Q = palloc0(sizeof(double) * (Size) p * p * Max(nstrata, 1));
	double	   *M = palloc0(sizeof(double) * p * p);
	bool	   *present = palloc(sizeof(bool) * p);
	SvyCovariance cov = {p, M, (SvyLonely) survey_lonely_psu, NULL, NULL, 0, 0};
	UnitTotals	units = {0};

	/*
	 * Per calibration cell, for each coefficient's t = U / w: the sums of
	 * d t, d v t and (rake) t over the rows of the fit; t is 0 elsewhere.
	 */
	for (int i = 0; i < s->ncells; i++)
	{
		int			ci = cf->ccell[i];
		const double *vv = s->x + (Size) i * s->xw + p + 1;

		CHECK_FOR_INTERRUPTS();
		memset(tmp, 0, sizeof(double) * p);
		svy_glm_score_add(cells, fit, i, s->sw[i] / m, s->swy[i] / m, tmp);
		for (int a = 0; a < p; a++)
		{
			dt[(Size) ci * p + a] += tmp[a];
			for (int j = 0; j < k; j++)
				dvt[((Size) ci * k + j) * p + a] += vv[j] * tmp[a];
		}
		svy_glm_score_add(cells, fit, i, s->cn[i] / m, c->sy[i] / m, ut + (Size) ci * p);
	}
	for (int a = 0; a < p; a++)
	{
		for (int i = 0; i < ncal; i++)
		{
			col_dt[i] = dt[(Size) i * p + a];
			col_t[i] = ut[(Size) i * p + a];
			for (int j = 0; j < k; j++)
				col_dvt[i * k + j] = dvt[((Size) i * k + j) * p + a];
		}
		if (svy_calib_residual_coef(&cal->pr, &cal->sol, col_dt, col_dvt, col_t, col_B, col_beta, work) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the calibration equations are singular"),
					 errdetail("The auxiliary variables are collinear in the sample (one is a combination of the others)."),
					 errhint("Drop or merge the redundant variables or levels.")));
		for (int i = 0; i < ncal; i++)
			B[(Size) i * p + a] = col_B[i];
		for (int j = 0; j < k; j++)
			beta[(Size) j * p + a] = col_beta[j];
	}

	svy_accum_strata(base, 0.0, st);
	if (has_psu(s))
		psu_totals(s, cf, cells, fit, cg, m, B, beta, S, Q, &units);
	else
		row_totals(s, cf, cells, fit, cg, m, B, beta, S, Q);
	/* calibration spreads every row's residual over the sample: every stratum counts */
	svy_glm_strata_add(base, st, p, S, Q, true, present, &cov);
	svy_covariance_finish(&cov);
	if (has_psu(s) && two_stage(s))
	{
		int			nslot;
		SvyStage2Totals *st2 = svy_accum_stage2(base, 0.0, st, &nslot);

		svy_glm_stage2_add(base, p, &cov, st2, nslot, units.T, units.nunits, units.unit_slot, units.psu_T, true);
		pfree(st2);
	}
	svy_glm_sandwich(p, fit->ainv, M, v, tmp);
}
