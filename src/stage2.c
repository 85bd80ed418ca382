/*
 * stage2.c — two-stage designs in the domain and regression states (see
 * stage2.h).
 */
#include "postgres.h"

#include "miscadmin.h"

#include "stage2.h"

void
svy_stage2_unit_slots(SvyAccum *base, int nunits, const int32 *psu_stratum, const uint64 *unit_psu,
					  int *slot)
{
	for (int u = 0; u < nunits; u++)
	{
		const SvyStratumInfo *st = &base->strata[psu_stratum[u]];
		SvyPsuKey	key = {{st->id[0], st->id[1], unit_psu[2 * u], unit_psu[2 * u + 1]}};
		SvyPsuEntry *e;

		CHECK_FOR_INTERRUPTS();
		e = svy_accum_psu_find(base, &key);
		if (e == NULL)
			elog(ERROR, "survey state has a second-stage unit of an unknown PSU");
		slot[u] = e->slot;
	}
}

void
svy_order_by_key(int n, const int *key, int nkeys, int *order, int *start)
{
	int		   *fill = palloc(sizeof(int) * (nkeys + 1));

	memset(start, 0, sizeof(int) * (nkeys + 1));
	for (int i = 0; i < n; i++)
		start[key[i] + 1]++;
	for (int k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	memcpy(fill, start, sizeof(int) * (nkeys + 1));
	for (int i = 0; i < n; i++)
		order[fill[key[i]]++] = i;
	pfree(fill);
}

void
svy_stage2_add_psu(SvyCovariance *cov, const SvyAccum *base, const SvyStage2Totals *t, int K,
				   const double *u, const int *idx, int nunits, const double *S,
				   const bool *present, double *Q)
{
	double		n = t->units.n;
	SvyStatus	status;

	/* sum_j (u_j - ubar)(u_j - ubar)' over the PSU's n units = sum u u' - S S' / n */
	memset(Q, 0, sizeof(double) * K * K);
	for (int i = 0; i < nunits; i++)
	{
		const double *uj = u + (Size) K * (idx ? idx[i] : i);

		for (int a = 0; a < K; a++)
			for (int b = 0; b < K; b++)
				Q[a * K + b] += uj[a] * uj[b];
	}
	for (int a = 0; a < K; a++)
		for (int b = 0; b < K; b++)
			Q[a * K + b] -= S[a] * S[b] / n;
	status = svy_covariance_add_stage2(cov, n, t->fpc2, t->fraction, S, Q, present);
	if (status != SVY_OK)
		svy_report_design_error(base, status, t->stratum, n);
}
