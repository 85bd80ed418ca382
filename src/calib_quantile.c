/*
 * calib_quantile.c — svy_quantile and svy_quantiles on calibrated designs
 * (SPEC §9; R: svyquantile on a postStratify()d, rake()d or calibrate()d
 * design, oracle README §7.7 and §7.14).
 *
 * R's quantile reads the distribution of the calibrated weights w = d g
 * (g = G_c + lambda' v), and Woodruff's interval the SE of the calibrated
 * mean of I(y <= q), whose scores are residualised against the calibration.
 * Both are known only at the end, so (quantile.c's cells, one pass, mergeable):
 *   - the design state (QState.acc) is the calibrated linear accumulator
 *     fed with y = 0, x = 1 on every row, in or out of the domain: the
 *     calibration's sums and the base design;
 *   - a unit of the cells is a (PSU, calibration cell) pair, or (stratum,
 *     cell) without PSUs, so that the cells of the values up to q give per
 *     unit the sums of I that the residualisation needs
 *     (svy_calib_indicator_result in calib_accum.c);
 *   - with numeric auxiliaries (designs with PSUs) a row also enters the
 *     unit (PSU, cell, j, sign of v_j) with weight |d v_j|: the calibrated
 *     weight of a value is the sum over its cells of G_c d + lambda_j d v_j,
 *     and the indicator's sums of d v_j per unit are there too.
 * Replicate bases (R's svyquantile on a calibrated svyrep.design, no
 * residualisation): a unit is (cell, auxiliary, sign) and each of its
 * cells also carries the replicates' sums of w_r (|v_j|) in its replicate
 * slot (quantile_state.h: the unit rides in the slot, and equal values
 * merge only within a unit).  Replicate r's weight of a value is the sum
 * over its cells of G_rc w_r + lambda_rj w_r v_j, every replicate
 * calibrated by svy_calib_rep_solve (calib_rep.c); Woodruff's interval
 * takes the replicate variance of the calibrated mean of I(y <= q), the
 * "quantile" interval that of the replicates' quantiles.
 *   - with numeric auxiliaries on a linearization design without PSUs,
 *     every row is its own PSU (svy_calib_row_psu): the same design, as R's
 *     ids = ~1 and ids = ~id give the same variance and df, whereas a
 *     stratum's residual sums over its rows would need products of v up
 *     to degree four.
 * The score interval searches over the values of every row of the design
 * (R's x), which a domain of a calibrated design keeps (not rescale's, R's
 * plain design with the new weights, whose domain drops the other rows):
 * the rows outside the domain keep their values in QState.score_x, and
 * rows with a NULL outcome the value 0 (R's na.rm = TRUE on a calibrated
 * design sets x to 0 where it is NA and keeps the row).
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "calib.h"
#include "calib_quantile.h"
#include "quantile.h"
#include "wire.h"

/*
 * A unit's key: stratum (2 words), PSU (2), calibration cell, auxiliary (0 =
 * d; 2j - 1 = d v_j (v_j > 0); 2j = -d v_j (v_j < 0), j = 1..k) and, on
 * two-stage designs with a first-stage fpc, the second-stage unit (2).
 */
#define AUX_WORD	5
#define SSU_WORD	6

/* a cell of the row: weight w in unit key (replicate designs: and the replicates' w_r f) */
static void
add_cell(QState *s, const SvyDesign *d, double y, double w, double f, const QUnitKey *key)
{
	int			unit = qstate_unit_index(s, key);

	if (d->kind == SVY_KIND_REPLICATE)
	{
		const float8 *rw = svy_design_repweights(d);
		int			nrep = rep_count(s);
		double	   *slot;

		qstate_reserve_rw(s, s->ne + 1);
		slot = s->rw + s->ne * (nrep + 1);
		for (int r = 0; r < nrep; r++)
			slot[r] = rw[r] * f;
		slot[nrep] = unit;
		unit = (int32) s->ne;
	}
	append_row(s, y, w, unit);
}

void
svy_calib_quantile_row(QState *s, const SvyDesign *d, double y, bool y_null)
{
	const SvyCalibBlock *b;
	bool		in_domain = !y_null && !(d->flags & SVY_OUT_OF_DOMAIN);
	bool		rep = d->kind == SVY_KIND_REPLICATE;
	double		w = d->weight;
	QUnitKey	key;

	d = svy_calib_row_psu(&s->rowpsu, d,
						  svy_design_is_calibrated(d) && !rep && !(d->flags & SVY_HAS_PSU) &&
						  svy_calib_block(d)->k > 0,
						  (s->acc->flags & SVY_HAS_PSU) != 0, s->cxt);

	/* the calibration and the base design; mixed rows are an error there */
	svy_linear_row(s->acc, d, 0.0, 1.0, y_null);
	b = svy_calib_block(d);
	/* (a replicate design's row of weight 0 may have replicate weights) */
	if (!in_domain || (w == 0.0 && !rep))
	{
		/*
		 * R's score interval counts every row of the design but rescale's,
		 * whose domain drops the others; R's na.rm keeps a NULL outcome's row
		 * in a calibrated design with the value 0
		 */
		if (!rep && (in_domain || b->method != SVY_CALIB_RESCALE))
			qstate_score_row(s, y_null ? 0.0 : y);
		return;
	}
	if (y == 0.0)
		y = 0.0;				/* one cell for -0 and 0 */
	key.w[0] = d->stratum[0];
	key.w[1] = d->stratum[1];
	key.w[2] = (d->flags & SVY_HAS_PSU) ? d->psu[0] : 0;
	key.w[3] = (d->flags & SVY_HAS_PSU) ? d->psu[1] : 0;
	key.w[4] = svy_calib_row_cell(b);
	key.w[AUX_WORD] = 0;
	/* (the base state has second-stage units with a first-stage fpc only: else they add nothing, as R) */
	if (s->acc->ssutab)
	{
		key.w[SSU_WORD] = svy_design_stage2(d)->psu2[0];
		key.w[SSU_WORD + 1] = svy_design_stage2(d)->psu2[1];
	}
	else
		key.w[SSU_WORD] = key.w[SSU_WORD + 1] = 0;
	add_cell(s, d, y, w, 1.0, &key);
	for (int j = 0; j < b->k; j++)
	{
		double		v = svy_calib_x(b)[j];

		/* weights are not negative: the sign of d v_j is that of v_j */
		if (v == 0.0)
			continue;
		key.w[AUX_WORD] = v > 0.0 ? 2 * j + 1 : 2 * j + 2;
		add_cell(s, d, y, fabs(w * v), fabs(v), &key);
	}
}

/* aux j (0: d) and sign of a unit */
static int
unit_aux(const QUnitKey *key, double *sign)
{
	uint64		a = key->w[AUX_WORD];

	if (a > 2 * (uint64) SVY_CALIB_MAX_NUMERIC)
		svy_wire_corrupt("quantile unit of an unknown auxiliary");
	*sign = (a != 0 && a % 2 == 0) ? -1.0 : 1.0;
	return (int) ((a + 1) / 2);
}

void
svy_calib_quantile_units(const QState *s, double **coef, bool **counts)
{
	SvyCalibWeights cw;
	double	   *cf = palloc(sizeof(double) * Max(s->nunits, 1));
	bool	   *cn = palloc(sizeof(bool) * Max(s->nunits, 1));

	svy_calib_weights(s->acc, &cw);
	for (int u = 0; u < s->nunits; u++)
	{
		double		sign;
		int			j = unit_aux(&s->unit_keys[u], &sign);

		if (j > cw.k)
			svy_wire_corrupt("quantile unit of an unknown auxiliary");
		cf[u] = j == 0 ? svy_calib_cell_g(s->acc, &cw, s->unit_keys[u].w[4]) : sign * cw.lambda_v[j - 1];
		cn[u] = j == 0;
	}
	*coef = cf;
	*counts = cn;
}

void
svy_calib_quantile_rep_units(const QState *s, double **coef, bool **counts)
{
	SvyCalibSolved cal;
	int			nrep = s->acc->nrep,
				nu = Max(s->nunits, 1),
				k = svy_calib_accum_k(s->acc);
	double	   *G,
			   *L,
				degf;
	double	   *cf = palloc(sizeof(double) * nu * nrep);
	bool	   *cn = palloc(sizeof(bool) * nu);

	svy_calib_solve(s->acc, &cal);
	G = palloc(sizeof(double) * Max(cal.pr.ncell, 1) * nrep);
	L = palloc(sizeof(double) * Max(k * nrep, 1));
	svy_calib_rep_solve(s->acc, &cal.pr, &cal.sol, cal.pop, cal.cat, G, L, &degf);
	for (int u = 0; u < s->nunits; u++)
	{
		double		sign;
		int			j = unit_aux(&s->unit_keys[u], &sign);
		int			c = svy_calib_cell_find(s->acc, s->unit_keys[u].w[4]);

		if (j > k || c < 0)
			svy_wire_corrupt("quantile unit unknown to the calibration");
		for (int r = 0; r < nrep; r++)
			cf[(int64) r * s->nunits + u] = j == 0 ? G[(Size) c * nrep + r] : sign * L[(j - 1) * nrep + r];
		cn[u] = j == 0;
	}
	pfree(G);
	pfree(L);
	*coef = cf;
	*counts = cn;
}

void
svy_calib_quantile_share(QState *s, double q, double level, SvyResult *res)
{
	int			nr;
	QRun	   *runs = qstate_runs(s, &nr);
	SvyCalibIndicator *ind = palloc0(sizeof(SvyCalibIndicator) * Max(s->nunits, 1));
	int			nind = 0;
	int			nrep = rep_count(s);
	/* replicate designs: per unit the replicates' sums of w_r (|v_j|) I */
	double	   *rws = nrep ? palloc0(sizeof(double) * Max(s->nunits, 1) * nrep) : NULL;

	for (int u = 0; u < s->nunits; u++)
	{
		double		sign;

		memcpy(ind[u].key, s->unit_keys[u].w, sizeof(ind[u].key));
		ind[u].ssu[0] = s->unit_keys[u].w[SSU_WORD];
		ind[u].ssu[1] = s->unit_keys[u].w[SSU_WORD + 1];
		ind[u].aux = unit_aux(&s->unit_keys[u], &sign);
		ind[u].rw = rws ? rws + (int64) u * nrep : NULL;
	}
	/* the cells of each run are sorted by value: those up to q come first */
	for (int k = 0; k < nr; k++)
		for (int64 i = 0; i < runs[k].n && run_x(&runs[k], i) <= q; i++)
		{
			QEntry		c = run_cell(&runs[k], i);
			double		w = (double) entry_w(&c);
			int32		u = cell_unit(s, &runs[k], &c);
			SvyCalibIndicator *in = &ind[u];

			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			in->w += w;
			in->n += c.n;
			/* sum d^2 of the cell's rows = their spread + w^2 / n */
			if (runs[k].m2 && c.n > 0)
				in->ww += runs[k].m2[i] + w * w / c.n;
			for (int r = 0; r < nrep; r++)
				rws[(int64) u * nrep + r] += runs[k].rw[(int64) c.unit * (nrep + 1) + r];
		}
	for (int u = 0; u < s->nunits; u++)
	{
		double		sign;

		unit_aux(&s->unit_keys[u], &sign);
		/* (replicate designs: rows of weight 0 may have replicate weights) */
		if (ind[u].n == 0 && !nrep)
			continue;
		ind[nind] = ind[u];
		ind[nind].w *= sign;
		for (int r = 0; r < nrep; r++)
			rws[(int64) u * nrep + r] *= sign;
		nind++;
	}
	pfree(runs);
	svy_calib_indicator_result(s->acc, ind, nind, level, res);
	pfree(ind);
	if (rws)
		pfree(rws);
}

double
svy_calib_quantile_nrow(const QState *s)
{
	double		rows = svy_calib_accum_rows(s->acc);

	/* rescale is R's plain design with the new weights: its domain drops the other rows */
	if (svy_calib_accum_method(s->acc) == SVY_CALIB_RESCALE)
		return s->acc->dom.nrow;
	/* R: nrow(design) of a calibrated design's domain is every row */
	return rows;
}
