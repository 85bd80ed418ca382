/*
 * domain.h — the state of the domain aggregates (svy_by, svy_dist,
 * svy_choices, svy_tab), shared by the files that implement them:
 *   domain.c        accumulation: transition, combine, serialization;
 *   domain_final.c  the final function: levels, labels, the result value;
 *   domain_cov.c    the design covariance of the totals and their df.
 * The result's layout is in multi.h.
 */
#ifndef SURVEY_DOMAIN_H
#define SURVEY_DOMAIN_H

#include "postgres.h"

#include "accum.h"
#include "calib.h"
#include "calib_domain.h"
#include "idmap.h"
#include "multi.h"

/* ---------- categories: distinct values of a grouping argument ---------- */

typedef struct Categories
{
	Oid			typid;			/* InvalidOid until the first value */
	int16		typlen;
	bool		typbyval;
	SvyIdMap   *map;			/* value identity -> index */
	Datum	   *values;			/* first value seen of each, for sorting */
	uint64	   *ids;			/* 2 per category: its identity */
	int			cap;
} Categories;

/* One total being estimated: T = sum over rows of w * val. */
typedef struct SvyVar
{
	int32		a;				/* category indexes it belongs to */
	int32		b;
	SvySum		total;			/* the estimated total, sum of w * val */
	double		n;				/* rows with non-zero weight that add to it */
	double		rows;			/* svy_by: rows of the group, NULL outcomes included */
	SvyWMoments wm;				/* svy_by: weighted moments of y in the group */
	SvySum	   *rep;			/* replicate designs: totals per replicate */
	SvyRank    *rank;			/* svy_by replicate designs: the group's rank */
} SvyVar;

/* Sums over one (PSU or stratum, variable) pair. */
typedef struct Cell
{
	int32		unit;			/* PSU index, or stratum index */
	int32		var;
	double		sum;
	double		n_df;			/* rows with non-zero weight in the domain */
	/* designs without PSUs: the rows adding to it, and their spread (Welford) */
	double		rows;
	double		mean;
	double		m2;
} Cell;

typedef struct Cross
{
	int32		stratum;
	int32		k;
	int32		l;
	double		sum;			/* sum over the stratum's rows of u_k u_l */
} Cross;

#define SVY_LOOKUP_CACHE 256
#define SVY_PSU_CACHE 4096

typedef struct PsuCacheSlot
{
	uint64		k0,
				k1;
	int32		index;			/* -1: empty */
} PsuCacheSlot;

typedef struct DomainState
{
	SvyAccum   *base;			/* every row: design, strata, PSUs, nu */
	SvyCalibScores *cal;		/* calibrated designs: the totals' scores by calibration cell */
	/* calibrated, no PSUs, more numeric auxiliaries than calib_domain.c keeps moments of: rows as PSUs */
	SvyRowPsu	rowpsu;
	MemoryContext cxt;
	int			kind;			/* SvyMultiKind */
	bool		boolean_outcome;
	bool		with_missing;	/* svy_dist: missing reasons are categories */
	Categories	cat[2];

	SvyIdMap   *varmap;			/* (a, b) -> var */
	SvyVar		   *vars;
	int			nvars,
				varcap;

	/* designs with PSUs */
	SvyIdMap   *psumap;			/* PSU identity -> index */
	uint64	   *psu_key;		/* 2 per PSU: its identity */
	int32	   *psu_stratum;	/* stratum index of each PSU */
	/*
	 * Two-stage designs with an fpc (base->ssutab): the units above are the
	 * second-stage units, and unit_psu holds 2 per unit, the identity of its
	 * PSU (the first stage's units are their PSUs).
	 */
	uint64	   *unit_psu;
	int			psucap;
	/* per (unit, var): PSU-level (with PSUs) or stratum-level sums */
	SvyIdMap   *cellmap;
	Cell	   *cells;
	int			ncells,
				cellcap;
	/* designs without PSUs: per (stratum, k, l) cross-products */
	SvyIdMap   *crossmap;
	Cross	   *cross;
	int			ncross,
				crosscap;

	/* replicate designs: rank of the rows with a non-NULL outcome */
	SvyRank    *rank;
	Size		rank_bytes;		/* memory of every rank basis (groups too) */

	/* the grouping arguments' type lookups (arg_hashes), NULL until the first row */
	struct ArgHash *args;

	/* direct-mapped caches of the maps above (indexes never change) */
	PsuCacheSlot *psucache;		/* allocated for two-stage designs */
	/* one-stage designs: base->last_psu (the accumulator's PSU slot) -> PSU index, -1 unknown */
	int32	   *slot_psu;
	int			slot_cap;
	/* per unit: the cell of the first total a row of the unit added to last, -1 none */
	int32	   *unit_cell;
	int			unit_cell_cap;
	/* category_index: keyed by a short value's bytes (len 0..16) or by an identity (len -1) */
	struct
	{
		uint64		key[2];
		int32		len;
		int32		index;		/* -1: empty */
	}			catcache[2][SVY_LOOKUP_CACHE];
	struct
	{
		int32		a,
					b,
					var;		/* var -1: empty */
	}			varcache[SVY_LOOKUP_CACHE];
} DomainState;


/* unit_psu is kept: a two-stage design with an fpc */
static inline bool
two_stage(const DomainState *s)
{
	return s->base->ssutab != NULL;
}

/* domain.c */
extern void domain_too_many(const char *what);

/* domain_cov.c */
extern void domain_taylor_covariance(const DomainState *s, const SvyStratumTotals *st,
									 const int *final_of_var, int K, double *V);
extern double domain_cells_df(const DomainState *s, const bool *var_selected);

#endif
