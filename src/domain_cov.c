/*
 * domain_cov.c — the final step's numerics for the domain aggregates
 * (domain.h): the design covariance (K x K) of the estimated totals from
 * their PSU or stratum sums, stratum by stratum (and, in two-stage designs,
 * the second stage within each PSU), and the df of the PSUs holding the
 * rows of selected totals.
 */
#include "postgres.h"

#include "miscadmin.h"

#include "domain.h"
#include "stage2.h"
#include "survey.h"

/*
 * Two-stage designs: the PSU of each unit (a second-stage unit), as its slot
 * in the base state (0 .. base->npsu - 1); NULL for other designs.
 */
static int *
unit_groups(const DomainState *s)
{
	int			nunits = svy_idmap_size(s->psumap);
	int		   *group;

	if (!two_stage(s))
		return NULL;
	group = palloc(sizeof(int) * (nunits + 1));
	svy_stage2_unit_slots(s->base, nunits, s->psu_stratum, s->unit_psu, group);
	return group;
}

/* Cells of the design covariance: by unit (PSU, second-stage unit or stratum). */
typedef struct CellIndex
{
	const DomainState *s;
	const int  *final_of_var;
	int			K;
	int		   *order;			/* cells by unit */
	int		   *start;
	double	   *t;				/* K of work space, kept zero */
	int		   *touched;		/* K of work space */
} CellIndex;

/*
 * Q += the centred cross-products sum_j (t_j - tbar)(t_j - tbar)' of the
 * total vectors t_j of n blocks, given their sum S, touching only each
 * block's own totals: (t - tbar)(t - tbar)' = t t' - t tbar' - tbar t' +
 * tbar tbar' (blocks without cells, and those beyond the nblocks listed,
 * have t = 0 and add tbar tbar').  Block j is the units members[first[j]]
 * .. members[first[j + 1] - 1] (first NULL: unit members[j] alone).  The
 * m coordinates are local[k] for total k (local NULL: k itself, m = K).
 */
static void
block_cross(const CellIndex *ci, const int *members, const int *first, int nblocks, double n,
			const int *local, int m, const double *S, double *Q)
{
	const DomainState *s = ci->s;
	double	   *t = ci->t;
	int		   *touched = ci->touched;

	for (int j = 0; j < nblocks; j++)
	{
		int			lo = first ? first[j] : j,
					hi = first ? first[j + 1] : j + 1;
		int			ntouched = 0;

		for (int u = lo; u < hi; u++)
			for (int i = ci->start[members[u]]; i < ci->start[members[u] + 1]; i++)
			{
				int			k = ci->final_of_var[s->cells[ci->order[i]].var];

				if (k < 0)
					continue;
				if (local)
					k = local[k];
				if (t[k] == 0.0)
					touched[ntouched++] = k;
				t[k] += s->cells[ci->order[i]].sum;
			}
		for (int a = 0; a < ntouched; a++)
		{
			int			ka = touched[a];

			for (int b = 0; b < ntouched; b++)
				Q[ka * m + touched[b]] += t[ka] * t[touched[b]];
			for (int b = 0; b < m; b++)
			{
				Q[ka * m + b] -= t[ka] * S[b] / n;
				Q[b * m + ka] -= S[b] / n * t[ka];
			}
		}
		for (int a = 0; a < ntouched; a++)
			t[touched[a]] = 0.0;
	}
	/* every block adds tbar tbar' */
	for (int a = 0; a < m; a++)
		for (int b = 0; b < m; b++)
			Q[a * m + b] += n * (S[a] / n) * (S[b] / n);
}

/*
 * S (sum) and Q (centred cross-products) of the K-vectors of totals of n
 * blocks (as block_cross); present (K, or NULL) marks the totals that have
 * cells (rows of their domain) in the blocks.
 */
static void
block_moments(const CellIndex *ci, const int *members, const int *first, int nblocks, double n,
			  double *S, double *Q, bool *present)
{
	const DomainState *s = ci->s;
	int			K = ci->K;

	memset(S, 0, sizeof(double) * K);
	memset(Q, 0, sizeof(double) * K * K);
	if (present)
		memset(present, 0, sizeof(bool) * K);
	for (int j = 0; j < nblocks; j++)
	{
		int			lo = first ? first[j] : j,
					hi = first ? first[j + 1] : j + 1;

		for (int u = lo; u < hi; u++)
			for (int i = ci->start[members[u]]; i < ci->start[members[u] + 1]; i++)
			{
				int			k = ci->final_of_var[s->cells[ci->order[i]].var];

				if (k < 0)
					continue;
				S[k] += s->cells[ci->order[i]].sum;
				if (present)
					present[k] |= s->cells[ci->order[i]].n_df > 0;
			}
	}
	block_cross(ci, members, first, nblocks, n, NULL, K, S, Q);
}

/*
 * The design covariance (K x K) of the totals, from PSU or stratum sums;
 * st holds the strata as svy_accum_strata gives them (their PSU counts).
 * Two-stage designs add each PSU's second stage (R's multistage).
 */
void
domain_taylor_covariance(const DomainState *s, const SvyStratumTotals *st,
						 const int *final_of_var, int K, double *V)
{
	const SvyAccum *base = s->base;
	int			nstrata = base->nstrata;
	double	   *S = palloc(sizeof(double) * K);
	double	   *Q = palloc(sizeof(double) * K * K);
	int		   *local = palloc(sizeof(int) * K);	/* total -> index in active, or -1 */
	int		   *active = palloc(sizeof(int) * K);
	double	   *d = palloc(sizeof(double) * K);
	bool	   *present = palloc(sizeof(bool) * K);
	bool		by_psu = (base->flags & SVY_HAS_PSU) != 0;
	int			nunits = by_psu ? svy_idmap_size(s->psumap) : nstrata;
	int		   *key = palloc(sizeof(int) * (Max(s->ncells, s->ncross) + 1));
	CellIndex	ci = {s, final_of_var, K};
	/* PSUs by stratum (with PSUs), or cross-products by stratum (without) */
	int			nsecond = by_psu ? nunits : s->ncross;
	int		   *second_order = palloc(sizeof(int) * (nsecond + 1));
	int		   *second_start = palloc(sizeof(int) * (nstrata + 1));

	/*
	 * svy_by's groups are domains of their own (R: one domain per group, its
	 * two totals together); the categories of svy_dist, svy_tab and
	 * svy_choices share one (R: one svymean of the indicators).
	 */
	bool		by_group = s->kind == SVY_MULTI_BY;
	SvyCovariance cov = {K, V, (SvyLonely) survey_lonely_psu,
		by_group ? palloc0(sizeof(int) * K) : NULL, by_group ? palloc0(sizeof(int) * K) : NULL, 0, 0};

	/* two-stage designs: units by PSU, PSUs by stratum, the second stage */
	int		   *group = unit_groups(s);
	int			ngroups = group ? base->npsu : 0;
	int		   *unit_order = NULL,
			   *unit_start = NULL,
			   *group_order = NULL,
			   *group_start = NULL;
	SvyStage2Totals *st2 = NULL;

	/* a stratum's blocks (its PSUs), each a list of units */
	int		   *first = palloc(sizeof(int) * (nunits + 1));
	int		   *members = palloc(sizeof(int) * (nunits + 1));

	ci.order = palloc(sizeof(int) * (s->ncells + 1));
	ci.start = palloc(sizeof(int) * (nunits + 1));
	ci.t = palloc0(sizeof(double) * K);
	ci.touched = palloc(sizeof(int) * K);
	for (int k = 0; k < K; k++)
		local[k] = -1;
	for (int i = 0; i < s->ncells; i++)
		key[i] = s->cells[i].unit;
	svy_order_by_key(s->ncells, key, nunits, ci.order, ci.start);
	if (group)
	{
		int			n2;
		int		   *group_stratum = palloc(sizeof(int) * (ngroups + 1));

		unit_order = palloc(sizeof(int) * (nunits + 1));
		unit_start = palloc(sizeof(int) * (ngroups + 1));
		svy_order_by_key(nunits, group, ngroups, unit_order, unit_start);
		st2 = svy_accum_stage2(base, 0.0, st, &n2);
		Assert(n2 == ngroups);
		for (int g = 0; g < ngroups; g++)
			group_stratum[g] = st2[g].stratum;
		group_order = palloc(sizeof(int) * (ngroups + 1));
		group_start = palloc(sizeof(int) * (nstrata + 1));
		svy_order_by_key(ngroups, group_stratum, nstrata, group_order, group_start);
		pfree(group_stratum);
	}
	else if (by_psu)
		svy_order_by_key(nunits, s->psu_stratum, nstrata, second_order, second_start);
	else
	{
		for (int i = 0; i < s->ncross; i++)
			key[i] = s->cross[i].stratum;
		svy_order_by_key(s->ncross, key, nstrata, second_order, second_start);
	}

	/*
	 * Each stratum in the compact coordinates of the m totals its rows touch
	 * (active[], local[] maps back): a stratum costs m^2, not K^2, so 1,000
	 * groups over 2,000 strata do not cost strata x groups^2.
	 */
	for (int h = 0; h < nstrata; h++)
	{
		double		n_h = st[h].psu.n;
		SvyStatus	status;
		int			m = 0,
					nt = 0,
					nb = 0;

		CHECK_FOR_INTERRUPTS();
		/* the blocks: PSUs (their units in two-stage designs), or the stratum */
		if (group)
		{
			int			u = 0;

			for (int j = group_start[h]; j < group_start[h + 1]; j++)
			{
				int			g = group_order[j];

				first[nb++] = u;
				for (int i = unit_start[g]; i < unit_start[g + 1]; i++)
					members[u++] = unit_order[i];
			}
			first[nb] = u;
		}
		else if (by_psu)
		{
			for (int j = second_start[h]; j < second_start[h + 1]; j++)
			{
				first[nb] = nb;
				members[nb++] = second_order[j];
			}
			first[nb] = nb;
		}
		else
		{
			first[0] = 0;
			members[0] = h;
			first[1] = 1;
			nb = 1;
		}

		/* the stratum's totals S, which of them it touches, and where its domains have rows */
		for (int u = 0; u < first[nb]; u++)
			for (int i = ci.start[members[u]]; i < ci.start[members[u] + 1]; i++)
			{
				const Cell *c = &s->cells[ci.order[i]];
				int			k = final_of_var[c->var];

				if (k < 0)
					continue;
				nt++;
				if (local[k] < 0)
				{
					local[k] = m;
					active[m] = k;
					present[m] = false;
					S[m++] = 0.0;
				}
				S[local[k]] += c->sum;
				present[local[k]] |= c->n_df > 0;
			}
		if (by_group)
		{
			/* a group's two totals count its strata together */
			int			m0 = m;

			for (int a = 0; a < m0; a++)
			{
				int			partner = active[a] ^ 1;

				if (partner < K && local[partner] < 0)
				{
					local[partner] = m;
					active[m] = partner;
					present[m] = false;
					S[m++] = 0.0;
				}
			}
			for (int a = 0; a < m; a++)
				present[a] = present[a] || present[local[active[a] ^ 1]];
		}

		memset(Q, 0, sizeof(double) * m * m);
		if (by_psu && (double) n_h * m * m <= 4.0 * ((double) nt * m + (double) m * m))
		{
			/*
			 * Centred: sum_j (t_j - tbar)(t_j - tbar)', so nothing cancels and
			 * the order in which PSU sums were built (serial, parallel,
			 * merged) moves the result by rounding of the spread only.  It
			 * costs n_h m^2; when that is far more than the sparse expansion
			 * below (PSUs touching few of many totals), the expansion is used.
			 */
			for (int j = 0; j <= nb; j++)
			{
				/* j == nb: the PSUs of n_h without rows here, t = 0 */
				double		times = j < nb ? 1.0 : n_h - nb;

				if (times <= 0.0)
					continue;
				CHECK_FOR_INTERRUPTS();
				for (int a = 0; a < m; a++)
					d[a] = -S[a] / n_h;
				if (j < nb)
					for (int u = first[j]; u < first[j + 1]; u++)
						for (int i = ci.start[members[u]]; i < ci.start[members[u] + 1]; i++)
						{
							int			k = final_of_var[s->cells[ci.order[i]].var];

							if (k >= 0)
								d[local[k]] += s->cells[ci.order[i]].sum;
						}
				for (int a = 0; a < m; a++)
					for (int b = 0; b < m; b++)
						Q[a * m + b] += times * d[a] * d[b];
			}
		}
		else if (by_psu)
			block_cross(&ci, members, first, nb, n_h, local, m, S, Q);
		else
		{
			for (int j = second_start[h]; j < second_start[h + 1]; j++)
			{
				const Cross *c = &s->cross[second_order[j]];
				int			k = final_of_var[c->k],
							l = final_of_var[c->l];

				/* a cross-product's totals have cells in the stratum */
				if (k < 0 || l < 0 || local[k] < 0 || local[l] < 0)
					continue;
				Q[local[k] * m + local[l]] += c->sum;
				if (k != l)
					Q[local[l] * m + local[k]] += c->sum;
			}
			/* centre: sum_j (t_j - tbar)(t_j - tbar)' = sum t t' - S S' / n_h */
			for (int a = 0; a < m; a++)
				for (int b = 0; b < m; b++)
					Q[a * m + b] -= S[a] * S[b] / n_h;

			/*
			 * Variances from the rows' own spread instead: sum over the n_h
			 * rows (zeros included) of (u - ubar)^2 = m2 + mean^2 r (n_h - r)
			 * / n_h for the r rows that add to it; exactly 0 when they all
			 * add the same value.
			 */
			for (int i = ci.start[h]; i < ci.start[h + 1]; i++)
			{
				const Cell *c = &s->cells[ci.order[i]];
				int			k = final_of_var[c->var];

				if (k >= 0)
					Q[local[k] * m + local[k]] = c->m2 + c->mean * c->mean * c->rows * (n_h - c->rows) / n_h;
			}
		}
		status = svy_covariance_add_subset(&cov, n_h, st[h].fpc, m, active, S, Q, present);
		if (status != SVY_OK)
			svy_report_design_error(base, status, h, n_h);
		for (int a = 0; a < m; a++)
			local[active[a]] = -1;
	}
	svy_covariance_finish(&cov);

	/* the second stage: within each PSU, its units as the PSUs of one stratum */
	for (int g = 0; g < ngroups; g++)
	{
		double		n_g = st2[g].units.n;
		SvyStatus	status;

		CHECK_FOR_INTERRUPTS();
		block_moments(&ci, unit_order + unit_start[g], NULL, unit_start[g + 1] - unit_start[g],
					  n_g, S, Q, present);
		status = svy_covariance_add_stage2(&cov, n_g, st2[g].fpc2, st2[g].fraction, S, Q,
										   present);
		if (status != SVY_OK)
			svy_report_design_error(base, status, st2[g].stratum, n_g);
	}
	pfree(S);
	pfree(Q);
	pfree(local);
	pfree(active);
	pfree(d);
	pfree(present);
	pfree(first);
	pfree(members);
	if (cov.nstrata)
	{
		pfree(cov.nstrata);
		pfree(cov.n_ok);
	}
	pfree(ci.t);
	pfree(ci.touched);
	pfree(key);
	pfree(ci.order);
	pfree(ci.start);
	pfree(second_order);
	pfree(second_start);
	if (group)
	{
		pfree(group);
		pfree(unit_order);
		pfree(unit_start);
		pfree(group_order);
		pfree(group_start);
		pfree(st2);
	}
}

/* df of the PSUs holding rows that add to the totals var_selected marks. */
double
domain_cells_df(const DomainState *s, const bool *var_selected)
{
	const SvyAccum *base = s->base;
	bool		by_psu = (base->flags & SVY_HAS_PSU) != 0;
	double		df = 0.0;

	if (by_psu)
	{
		/* first-stage PSUs (of two-stage designs: of the units) */
		int			nunits = svy_idmap_size(s->psumap);
		int		   *group = unit_groups(s);
		int			npsu = group ? base->npsu : nunits;
		bool	   *psu_in = palloc0(sizeof(bool) * (npsu + 1));
		int		   *psu_stratum = palloc(sizeof(int) * (npsu + 1));
		bool	   *stratum_in = palloc0(sizeof(bool) * (base->nstrata + 1));

		for (int u = 0; u < nunits; u++)
			psu_stratum[group ? group[u] : u] = s->psu_stratum[u];
		for (int i = 0; i < s->ncells; i++)
			if (var_selected[s->cells[i].var] && s->cells[i].n_df > 0)
				psu_in[group ? group[s->cells[i].unit] : s->cells[i].unit] = true;
		for (int p = 0; p < npsu; p++)
			if (psu_in[p])
			{
				df += 1;
				stratum_in[psu_stratum[p]] = true;
			}
		for (int h = 0; h < base->nstrata; h++)
			df -= stratum_in[h];
		if (group)
			pfree(group);
		pfree(psu_in);
		pfree(psu_stratum);
		pfree(stratum_in);
	}
	else
	{
		double	   *rows = palloc0(sizeof(double) * (base->nstrata + 1));

		for (int i = 0; i < s->ncells; i++)
			if (var_selected[s->cells[i].var])
				rows[s->cells[i].unit] += s->cells[i].n_df;
		for (int h = 0; h < base->nstrata; h++)
			df += rows[h] - (rows[h] > 0);
	}
	return df;
}
