/*
 * stage2.h — two-stage designs in the domain and regression states
 * (domain_cov.c, glm.c, calib_domain.c, calib_glm.c): which first-stage PSU
 * each second-stage unit belongs to, the units grouped by that PSU, and the
 * second stage of one PSU's covariance.
 */
#ifndef SVY_STAGE2_H
#define SVY_STAGE2_H

#include "postgres.h"

#include "accum.h"

/*
 * slot[u] = the base state's slot (0 .. base->npsu - 1) of the first-stage
 * PSU of unit u, for nunits units: psu_stratum[u] is the unit's stratum
 * index in base, unit_psu[2u], unit_psu[2u + 1] its PSU's identity.
 */
extern void svy_stage2_unit_slots(SvyAccum *base, int nunits, const int32 *psu_stratum,
								  const uint64 *unit_psu, int *slot);

/*
 * Stable counting sort of items 0..n-1 by key in 0..nkeys-1: the items of
 * key k are order[start[k]] .. order[start[k + 1] - 1], in their own order
 * (start has nkeys + 1 entries).
 */
extern void svy_order_by_key(int n, const int *key, int nkeys, int *order, int *start);

/*
 * The second stage of the PSU t (R's multistage): its units' totals of K
 * numbers as the PSUs of one stratum, added to cov after the first stage's
 * svy_covariance_finish.  The units are u + K * (idx ? idx[i] : i) for i <
 * nunits (units without rows may be left out: their totals are 0); S is
 * their sum, present (K, NULL: all) as svy_covariance_add_stage2; Q is
 * scratch for K x K.  A lonely or fpc error is raised.
 */
extern void svy_stage2_add_psu(SvyCovariance *cov, const SvyAccum *base, const SvyStage2Totals *t, int K,
							   const double *u, const int *idx, int nunits, const double *S,
							   const bool *present, double *Q);

#endif
