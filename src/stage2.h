/*
 * stage2.h — two-stage designs in the domain and regression states
 * (domain_cov.c, glm.c): which first-stage PSU each second-stage unit
 * belongs to, and the units grouped by that PSU.
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

#endif
