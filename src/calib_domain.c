/*
 * calib_domain.c — calibrated scores: many totals at once on a calibrated
 * design (SPEC §9), for the domain aggregates svy_by, svy_dist, svy_choices
 * and svy_tab (domain.c), as R's svyby/svymean/svychisq compute them on a
 * calibrated design (oracle README §7.14).
 *
 * The caller has totals ("variables") T_v = sum over rows of w t_v with
 * sparse per-row values t_v (0 where a row does not add to it; a domain's
 * rows stay in the calibration, as in R).  With calibrated weights
 * w = d (G_c + v' lambda) the total is sum_c G_c A_cv + lambda' AV_cv, and
 * the variance is the base design's of the residualised scores
 *     z = w (t_v - B_cv - v' beta_v)
 * (B, beta from svy_calib_residual_coef() for each total).  Per (unit, cell)
 * these need only sums, kept here in one table keyed by (stratum, PSU,
 * calibration cell, variable, variable):
 *   - (unit, cell, -1, -1):  d, d v (k), d v v' (k x k)
 *   - (unit, cell, v, -1):   d t, d v t (k), d t^2, d v t^2 (k) and t
 *                            unweighted (rake's residualisation); the
 *                            squares give the calibrated spread (deff)
 * where the unit is the PSU (on two-stage designs with a first-stage fpc the
 * key also holds the second-stage unit, whose residualised totals give the
 * second stage's variance within each PSU, R's multistage), or, in designs
 * without PSUs (each row its own PSU), the stratum.  There the spread of the
 * row scores within a stratum,
 * sum d^2 (gamma'q)^2 (t_v - btilde_v'q) (t_l - btilde_l'q) with q = (1, v),
 * gamma = (G_c, lambda), btilde_v = (B_cv, beta_v), is a quadratic form in
 * the moments d^2 q^(x)4 (cell entries), d^2 t_v q^(x)3 (variable entries)
 * and d^2 t_v t_l q^(x)2 (pair entries (unit, cell, v, l), v <= l): m^4
 * numbers per cell for m = k + 1, so at most MAX_ROW_NUMERIC auxiliaries.
 * Memory grows with units x cells x
 * variables, never with rows.  The base design (strata, PSUs, fpc, df) and
 * the calibration itself live in the caller's SvyAccum (calib_accum.c),
 * which every row also feeds.
 *
 * Replicate bases (R's calibrate/postStratify/rake on an svyrep.design): no
 * residualisation; every replicate is calibrated (svy_calib_rep_solve, from
 * the base's calib_rep state) and each total formed with its calibrated
 * weights from per (cell, variable) sums of w_r t and w_r v t, then the
 * caller's replicate variance.  svy_by groups keep per cell a rank basis of
 * their rows' (w_r, v w_r) for R's degf of the group.
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "miscadmin.h"

#include "calib.h"
#include "calib_domain.h"
#include "idmap.h"
#include "stage2.h"
#include "survey.h"

#define SCORES_MAGIC	0x43445333	/* "CDS3": format version 3 (second-stage units) */
#define VAR_NONE	(-1)

typedef struct ScoreKey
{
	uint64		w[7];			/* stratum (2), PSU (2; 0 without PSUs), cell code, second-stage unit (2; or 0) */
	int32		v[2];			/* variables, or VAR_NONE */
} ScoreKey;

#define KEY_WORDS	7
#define SSU_WORD	5

typedef struct ScoreEntry
{
	ScoreKey	key;
	char		status;
	int32		off;			/* index of its sums in the arena */
} ScoreEntry;

#define SH_PREFIX scoretab
#define SH_ELEMENT_TYPE ScoreEntry
#define SH_KEY_TYPE ScoreKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) \
	svy_hash_mix((k).w[0] ^ ((k).w[2] * UINT64CONST(0xC2B2AE3D27D4EB4F)) ^ \
				 ((uint64) (uint32) (k).v[0] << 32 | (uint32) (k).v[1]), \
				 (k).w[1] ^ ((k).w[3] * UINT64CONST(0x165667B19E3779F9)) ^ \
				 ((k).w[4] * UINT64CONST(0x9E3779B97F4A7C15)) ^ (k).w[5] ^ \
				 ((k).w[6] * UINT64CONST(0xD6E8FEB86659FD93)))
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(ScoreKey)) == 0)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"
#include "wire.h"

struct SvyCalibScores
{
	MemoryContext cxt;
	int			k;				/* numeric auxiliaries */
	bool		per_row;		/* design without PSUs */
	int			nrep;			/* replicate base: its replicates (else 0) */
	int			width;
	/* replicate bases: svy_by groups' rank bases per (cell, group variable) */
	int			dim;			/* nrep (k + 1): a row's s = (w_r, v w_r) */
	SvyIdMap   *gmap;			/* (cell code, variable) -> index */
	int			ngrank;
	int			grcap;
	SvyRank    *grank;
	uint64	   *gcell;
	int32	   *gvar;
	double	   *vec;			/* dim */
	double	   *scratch;		/* dim */
	Size		rank_bytes;			/* doubles per entry: the longer layout */
	scoretab_hash *tab;
	double	   *arena;
	int64		used;
	int64		cap;
};

/*
 * Entry layouts (see top); q = (1, v), m = k + 1.  Designs without PSUs add
 * the row moments of d^2 q (x) q (x) q (x) q (unit, cell), d^2 t q (x) q (x) q
 * (variable) and d^2 t t' q (x) q (pairs): the spread of the row scores is a
 * quadratic form in them.
 */
#define E_D			0
#define E_DV(j)		(1 + (j))
#define E_DVV(k, i, j)	(1 + (k) + (i) * (k) + (j))
#define E_M4(k)		(1 + (k) + (k) * (k))
#define E_DT		0
#define E_DVT(j)	(1 + (j))
#define E_DTT(k)	(1 + (k))
#define E_DVTT(k, j)	(2 + (k) + (j))
#define E_T(k)		(2 + 2 * (k))
#define E_M3(k)		(3 + 2 * (k))
#define MAX_ROW_NUMERIC	4		/* designs without PSUs: m^4 moments per cell */

/*
 * Replicate bases (R: each replicate calibrated, no residualisation): one
 * entry per (cell, variable), blocks of 1 + k doubles: the full sample's
 * (d t, d v t) and (d t^2, d v t^2) (design effects), then replicate r's
 * (w_r t, w_r v t); the cells' own sums are in the base's calib_rep state
 * (calib_rep.c).
 */
#define R_SQ(k)			(1 + (k))
#define R_BLOCK(k, r)	(((r) + 2) * (1 + (k)))

SvyCalibScores *
svy_calib_scores_create(MemoryContext cxt, int k, bool per_row, int nrep)
{
	SvyCalibScores *cs = MemoryContextAllocZero(cxt, sizeof(SvyCalibScores));

	cs->cxt = cxt;
	cs->k = k;
	cs->per_row = per_row;
	cs->nrep = nrep;
	{
		int			m = k + 1;

		if (nrep > 0)
		{
			cs->width = (nrep + 2) * m;
			cs->dim = nrep * m;
			cs->gmap = svy_idmap_create(cxt, 16);
			cs->vec = MemoryContextAlloc(cxt, sizeof(double) * cs->dim);
			cs->scratch = MemoryContextAlloc(cxt, sizeof(double) * cs->dim);
		}
		else
			cs->width = per_row ? Max(1 + k + k * k + m * m * m * m, 3 + 2 * k + m * m * m)
				: Max(1 + k + k * k, 3 + 2 * k);
	}
	cs->tab = scoretab_create(cxt, 64, NULL);
	cs->cap = 64;
	cs->arena = MemoryContextAllocZero(cxt, sizeof(double) * cs->cap * cs->width);
	return cs;
}

static double *
entry_sums(SvyCalibScores *cs, const ScoreKey *key)
{
	bool		found;
	ScoreEntry *e = scoretab_insert(cs->tab, *key, &found);

	if (!found)
	{
		if (cs->used == cs->cap)
		{
			int64		ncap = cs->cap * 2;

			if ((Size) ncap * cs->width * sizeof(double) > MaxAllocHugeSize)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many PSU x calibration cell x category combinations")));
			cs->arena = repalloc_huge(cs->arena, sizeof(double) * ncap * cs->width);
			memset(cs->arena + cs->cap * cs->width, 0,
				   sizeof(double) * (ncap - cs->cap) * cs->width);
			cs->cap = ncap;
		}
		e->off = cs->used++;
	}
	return cs->arena + (int64) e->off * cs->width;
}

bool
svy_calib_scores_row_psu(const SvyDesign *d)
{
	return svy_design_is_calibrated(d) && d->kind == SVY_KIND_TAYLOR && !(d->flags & SVY_HAS_PSU) &&
		svy_calib_block(d)->k > MAX_ROW_NUMERIC;
}

/*
 * The rank basis of an svy_by group's rows in a cell: R's degf of a group is
 * the rank of its rows' calibrated replicate weights, w_r (G_rc + lambda_r'
 * v), linear in the row's s = (w_r, v w_r) (as calib_rep.c's degf).
 */
static SvyRank *
group_rank(SvyCalibScores *cs, uint64 cell, int32 var)
{
	bool		found;
	int			i = svy_idmap_insert(cs->gmap, cell, (uint64) (uint32) var, &found);

	if (!found)
	{
		if (i >= cs->grcap)
		{
			int			cap = Max(16, 2 * cs->grcap);

			cs->grank = cs->grank ? repalloc(cs->grank, sizeof(SvyRank) * cap)
				: MemoryContextAlloc(cs->cxt, sizeof(SvyRank) * cap);
			cs->gcell = cs->gcell ? repalloc(cs->gcell, sizeof(uint64) * cap)
				: MemoryContextAlloc(cs->cxt, sizeof(uint64) * cap);
			cs->gvar = cs->gvar ? repalloc(cs->gvar, sizeof(int32) * cap)
				: MemoryContextAlloc(cs->cxt, sizeof(int32) * cap);
			cs->grcap = cap;
		}
		memset(&cs->grank[i], 0, sizeof(SvyRank));
		cs->grank[i].dim = cs->dim;
		cs->gcell[i] = cell;
		cs->gvar[i] = var;
		cs->ngrank = i + 1;
	}
	return &cs->grank[i];
}

/* A row of a calibrated replicate design: its w t and w v t per replicate. */
static int
rep_row(SvyCalibScores **csp, SvyAccum *base, const SvyDesign *d,
		const SvyCalibScore *score, int n, int group_var)
{
	const SvyCalibBlock *b = svy_calib_block(d);
	const float8 *v = svy_calib_x(b);
	const float8 *rw = svy_design_repweights(d);
	SvyCalibScores *cs;
	ScoreKey	key;
	int			k,
				nrep = base->nrep;

	if (*csp == NULL)
		*csp = svy_calib_scores_create(base->cxt, b->k, false, nrep);
	cs = *csp;
	if (cs->nrep != nrep || cs->k != b->k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rows of one aggregate call must be calibrated in the same way")));
	k = cs->k;
	memset(&key, 0, sizeof(key));
	key.w[4] = svy_calib_row_cell(b);
	key.v[1] = VAR_NONE;
	for (int s = 0; s < n; s++)
	{
		double		t = score[s].val;
		double	   *u;

		key.v[0] = score[s].var;
		u = entry_sums(cs, &key);
		u[R_SQ(k)] += d->weight * t * t;
		for (int j = 0; j < k; j++)
			u[R_SQ(k) + 1 + j] += d->weight * t * t * v[j];
		for (int r = -1; r < nrep; r++)
		{
			double		wt = (r < 0 ? d->weight : rw[r]) * t;
			double	   *p = r < 0 ? u : u + R_BLOCK(k, r);

			p[0] += wt;
			for (int j = 0; j < k; j++)
				p[1 + j] += wt * v[j];
		}
	}
	if (group_var >= 0)
	{
		SvyRank    *r = group_rank(cs, key.w[4], group_var);

		if (!svy_rank_full(r))
		{
			for (int q = 0; q < nrep; q++)
			{
				cs->vec[q] = rw[q];
				for (int j = 0; j < k; j++)
					cs->vec[(j + 1) * nrep + q] = v[j] * rw[q];
			}
			svy_rank_push(r, cs->vec, cs->scratch, cs->cxt, &cs->rank_bytes);
		}
	}
	return 0;
}

int
svy_calib_scores_row(SvyCalibScores **csp, SvyAccum *base, const SvyDesign *d,
					 const SvyCalibScore *score, int n, int group_var)
{
	const SvyCalibBlock *b = svy_calib_block(d);
	const float8 *v = svy_calib_x(b);
	SvyCalibScores *cs;
	ScoreKey	key;
	double		w = d->weight;
	double	   *u;
	double		q[MAX_ROW_NUMERIC + 1];
	int			k;

	/* the base design and the calibration (checks that the rows agree) */
	svy_linear_row_calibrated(base, d, 0.0, 1.0, false);
	if (base->kind == SVY_KIND_REPLICATE)
		return rep_row(csp, base, d, score, n, group_var);
	/* (a design without PSUs and more auxiliaries came as rows with PSUs: svy_calib_scores_row_psu) */
	if (*csp == NULL)
		*csp = svy_calib_scores_create(base->cxt, b->k, !(d->flags & SVY_HAS_PSU), 0);
	cs = *csp;
	if (cs->nrep != 0)
		svy_wire_corrupt("calibrated scores of another design kind");
	k = cs->k;
	if (cs->per_row)
	{
		q[0] = 1.0;
		for (int j = 0; j < k; j++)
			q[1 + j] = v[j];
	}

	memset(&key, 0, sizeof(key));
	key.w[0] = d->stratum[0];
	key.w[1] = d->stratum[1];
	key.w[2] = cs->per_row ? 0 : d->psu[0];
	key.w[3] = cs->per_row ? 0 : d->psu[1];
	key.w[4] = svy_calib_row_cell(b);
	if (base->ssutab)
	{
		key.w[SSU_WORD] = svy_design_stage2(d)->psu2[0];
		key.w[SSU_WORD + 1] = svy_design_stage2(d)->psu2[1];
	}
	key.v[0] = key.v[1] = VAR_NONE;
	u = entry_sums(cs, &key);
	u[E_D] += w;
	for (int i = 0; i < k; i++)
	{
		u[E_DV(i)] += w * v[i];
		for (int j = 0; j < k; j++)
			u[E_DVV(k, i, j)] += w * v[i] * v[j];
	}
	if (cs->per_row)
		svy_calib_add_moment(u + E_M4(k), q, k + 1, 4, w * w);

	for (int s = 0; s < n; s++)
	{
		double		t = score[s].val;

		key.v[0] = score[s].var;
		key.v[1] = VAR_NONE;
		u = entry_sums(cs, &key);
		u[E_DT] += w * t;
		for (int j = 0; j < k; j++)
			u[E_DVT(j)] += w * v[j] * t;
		u[E_DTT(k)] += w * t * t;
		for (int j = 0; j < k; j++)
			u[E_DVTT(k, j)] += w * v[j] * t * t;
		u[E_T(k)] += t;
		if (cs->per_row)
		{
			svy_calib_add_moment(u + E_M3(k), q, k + 1, 3, w * w * t);
			for (int l = 0; l < n; l++)
			{
				if (score[l].var < score[s].var ||
					(score[l].var == score[s].var && l < s))
					continue;
				key.v[1] = score[l].var;
				u = entry_sums(cs, &key);
				svy_calib_add_moment(u, q, k + 1, 2, w * t * w * score[l].val);
			}
		}
	}
	/* the base accumulator has just found the row's stratum */
	return base->last_stratum;
}

void
svy_calib_scores_merge(SvyCalibScores **into, const SvyCalibScores *from, const int *var_map,
					   MemoryContext cxt)
{
	scoretab_iterator it;
	ScoreEntry *e;

	if (from == NULL)
		return;
	if (*into == NULL)
		*into = svy_calib_scores_create(cxt, from->k, from->per_row, from->nrep);
	/* (the base states' merge has checked that the calibrations agree) */
	if ((*into)->k != from->k || (*into)->per_row != from->per_row ||
		(*into)->nrep != from->nrep)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rows of one aggregate call must be calibrated in the same way")));
	scoretab_start_iterate(from->tab, &it);
	while ((e = scoretab_iterate(from->tab, &it)) != NULL)
	{
		const double *src = from->arena + (int64) e->off * from->width;
		ScoreKey	key = e->key;
		double	   *dst;

		CHECK_FOR_INTERRUPTS();
		/* the variables as the merged state numbers them (a pair stays ordered) */
		if (key.v[0] >= 0)
			key.v[0] = var_map[key.v[0]];
		if (key.v[1] >= 0)
		{
			int32		l = var_map[key.v[1]];

			key.v[1] = Max(key.v[0], l);
			key.v[0] = Min(key.v[0], l);
		}
		dst = entry_sums(*into, &key);
		for (int i = 0; i < from->width; i++)
			dst[i] += src[i];
	}
	for (int g = 0; g < from->ngrank; g++)
	{
		const SvyRank *fr = &from->grank[g];
		SvyRank    *r = group_rank(*into, from->gcell[g], var_map[from->gvar[g]]);

		for (int q = 0; q < fr->rank && !svy_rank_full(r); q++)
			svy_rank_push(r, fr->basis + (Size) q * fr->dim, (*into)->scratch, (*into)->cxt,
						  &(*into)->rank_bytes);
	}
}

void
svy_calib_scores_serialize(const SvyCalibScores *cs, StringInfo buf)
{
	scoretab_iterator it;
	ScoreEntry *e;

	pq_sendint32(buf, SCORES_MAGIC);
	pq_sendint32(buf, cs->k);
	pq_sendbyte(buf, cs->per_row);
	pq_sendint32(buf, cs->nrep);
	pq_sendint32(buf, cs->tab->members);
	scoretab_start_iterate(cs->tab, &it);
	while ((e = scoretab_iterate(cs->tab, &it)) != NULL)
	{
		const double *u = cs->arena + (int64) e->off * cs->width;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < KEY_WORDS; i++)
			pq_sendint64(buf, e->key.w[i]);
		pq_sendint32(buf, e->key.v[0]);
		pq_sendint32(buf, e->key.v[1]);
		for (int i = 0; i < cs->width; i++)
			pq_sendfloat8(buf, u[i]);
	}
	pq_sendint32(buf, cs->ngrank);
	for (int g = 0; g < cs->ngrank; g++)
	{
		pq_sendint64(buf, cs->gcell[g]);
		pq_sendint32(buf, cs->gvar[g]);
		pq_sendint32(buf, cs->grank[g].rank);
		for (Size t = 0; t < (Size) cs->grank[g].rank * cs->dim; t++)
			pq_sendfloat8(buf, cs->grank[g].basis[t]);
	}
}

SvyCalibScores *
svy_calib_scores_deserialize(StringInfo buf, MemoryContext cxt, const SvyAccum *base, int nvars)
{
	int			k,
				nent,
				nrep;
	bool		per_row;
	bool		rep;
	SvyCalibScores *cs;

	if (svy_wire_int32(buf) != SCORES_MAGIC)
		svy_wire_corrupt("unknown calibrated scores format");
	k = svy_wire_int32(buf);
	per_row = svy_wire_byte(buf);
	nrep = svy_wire_int32(buf);
	/* the base state (read first) holds the calibration these sums belong to */
	rep = base->kind == SVY_KIND_REPLICATE;
	if (base->calib == NULL || !(base->kind == SVY_KIND_TAYLOR || rep) ||
		nrep != (rep ? base->nrep : 0) ||
		k < 0 || k > SVY_CALIB_MAX_NUMERIC || (per_row && (rep || k > MAX_ROW_NUMERIC)) ||
		(!rep && per_row != !(base->flags & SVY_HAS_PSU)))
		svy_wire_corrupt("bad calibrated scores");
	cs = svy_calib_scores_create(cxt, k, per_row, nrep);
	nent = svy_wire_count(buf, sizeof(ScoreKey) + 8 * cs->width, "bad number of calibrated score sums");
	for (int j = 0; j < nent; j++)
	{
		ScoreKey	key;
		double	   *u;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < KEY_WORDS; i++)
			key.w[i] = svy_wire_int64(buf);
		key.v[0] = svy_wire_int32(buf);
		key.v[1] = svy_wire_int32(buf);
		if (key.v[0] < VAR_NONE || key.v[0] >= nvars ||
			(key.v[0] == VAR_NONE ? key.v[1] != VAR_NONE :
			 !(key.v[1] == VAR_NONE || (per_row && key.v[1] >= key.v[0] && key.v[1] < nvars))) ||
			(per_row && (key.w[2] | key.w[3]) != 0) ||
			(rep && (key.v[0] == VAR_NONE || key.v[1] != VAR_NONE ||
					 (key.w[0] | key.w[1] | key.w[2] | key.w[3]) != 0)))
			svy_wire_corrupt("bad calibrated score key");
		if (svy_calib_cell_find(base, key.w[4]) < 0)
			svy_wire_corrupt("calibrated scores of an unknown cell");
		if (!rep && svy_accum_stratum_find(base, key.w) < 0)
			svy_wire_corrupt("calibrated scores of an unknown stratum");
		if (base->ssutab)
		{
			SvySsuKey	ssu = {{key.w[0], key.w[1], key.w[2], key.w[3], key.w[SSU_WORD], key.w[SSU_WORD + 1]}};

			if (svy_accum_ssu_find((SvyAccum *) base, &ssu) == NULL)
				svy_wire_corrupt("calibrated scores of an unknown second-stage unit");
		}
		else if ((key.w[SSU_WORD] | key.w[SSU_WORD + 1]) != 0)
			svy_wire_corrupt("calibrated scores of an unknown second-stage unit");
		if (scoretab_lookup(cs->tab, key) != NULL)
			svy_wire_corrupt("duplicate calibrated score sums");
		u = entry_sums(cs, &key);
		for (int i = 0; i < cs->width; i++)
		{
			u[i] = svy_wire_float8(buf);
			if (isnan(u[i]) || isinf(u[i]))
				svy_wire_corrupt("non-finite calibrated score sums");
		}
	}
	nent = svy_wire_count(buf, 16, "bad number of group ranks");
	if (nent > 0 && !rep)
		svy_wire_corrupt("bad number of group ranks");
	for (int g = 0; g < nent; g++)
	{
		uint64		cell = svy_wire_int64(buf);
		int32		var = svy_wire_int32(buf);
		int			rank;
		SvyRank    *r;

		CHECK_FOR_INTERRUPTS();
		if (var < 0 || var >= nvars || svy_calib_cell_find(base, cell) < 0 ||
			svy_idmap_find(cs->gmap, cell, (uint64) (uint32) var) >= 0)
			svy_wire_corrupt("bad group rank");
		rank = svy_wire_count(buf, sizeof(double) * (Size) cs->dim, "bad rank");
		if (rank > cs->dim)
			svy_wire_corrupt("bad rank");
		r = group_rank(cs, cell, var);
		svy_rank_room(r, rank, cxt, &cs->rank_bytes);
		r->rank = rank;
		for (Size t = 0; t < (Size) rank * cs->dim; t++)
		{
			r->basis[t] = svy_wire_float8(buf);
			if (isnan(r->basis[t]) || isinf(r->basis[t]))
				svy_wire_corrupt("bad rank");
		}
	}
	return cs;
}

/* ---------- the final function ---------- */

/* btilde_f = (B_cf, beta_f): a row's score residual is t_f - btilde_f' q */
static void
btilde(const double *B, const double *beta, int c, int K, int k, int f, double *out)
{
	out[0] = B[c * K + f];
	for (int j = 0; j < k; j++)
		out[1 + j] = beta[f * (k + 1) + j];
}

/* by stratum, PSU, second-stage unit, cell, variables: each unit's entries together */
static int
entry_cmp(const void *pa, const void *pb)
{
	static const int order[KEY_WORDS] = {0, 1, 2, 3, SSU_WORD, SSU_WORD + 1, 4};
	const ScoreKey *a = &(*(ScoreEntry *const *) pa)->key;
	const ScoreKey *b = &(*(ScoreEntry *const *) pb)->key;

	for (int i = 0; i < KEY_WORDS; i++)
		if (a->w[order[i]] != b->w[order[i]])
			return a->w[order[i]] < b->w[order[i]] ? -1 : 1;
	if (a->v[0] != b->v[0])
		return a->v[0] < b->v[0] ? -1 : 1;
	if (a->v[1] != b->v[1])
		return a->v[1] < b->v[1] ? -1 : 1;
	return 0;
}

static bool
same_unit(const ScoreKey *a, const ScoreKey *b, bool per_row)
{
	/* with PSUs a unit is (stratum, PSU); without, (stratum, cell) for the quadratic forms */
	return a->w[0] == b->w[0] && a->w[1] == b->w[1] &&
		(per_row ? a->w[4] == b->w[4] : a->w[2] == b->w[2] && a->w[3] == b->w[3]);
}

static bool
same_ssu(const ScoreKey *a, const ScoreKey *b)
{
	return a->w[SSU_WORD] == b->w[SSU_WORD] && a->w[SSU_WORD + 1] == b->w[SSU_WORD + 1];
}

/*
 * The second stage of PSU pk: its n_ssu units' residualised totals zs2 (K
 * each; their sum z) as the PSUs of one stratum (every PSU: a calibrated
 * design's rows all keep a residual), into cov2.
 */
static void
add_stage2(SvyCovariance *cov2, SvyAccum *base, const SvyStage2Totals *st2, const SvyPsuKey *pk,
		   const double *zs2, int n_ssu, const double *z, int K, double *Q)
{
	SvyPsuEntry *pe = svy_accum_psu_find(base, pk);

	if (pe == NULL || st2[pe->slot].units.n != n_ssu)
		svy_wire_corrupt("calibrated scores of unknown second-stage units");
	svy_stage2_add_psu(cov2, base, &st2[pe->slot], K, zs2, NULL, n_ssu, z, NULL, Q);
}

void
svy_calib_scores_finish(const SvyCalibScores *cs, SvyAccum *base, const int *final_of_var,
						int nvars, int K, double *total, double *sumsq, double *V)
{
	SvyCalibSolved cal;
	const SvyCalibSolution *sol;
	int			k = cs->k;
	int			ncell;
	int			nent = 0;
	ScoreEntry **ent = palloc(sizeof(ScoreEntry *) * (cs->tab->members + 1));
	double	   *A,
			   *AV,
			   *T,
			   *B,
			   *beta,
			   *work;
	double	   *S = palloc0(sizeof(double) * K);
	double	   *Q = palloc0(sizeof(double) * K * K);
	double	   *z = palloc0(sizeof(double) * K);
	double	   *zs = NULL;		/* the units of the current stratum, K each */
	int			nzs = 0,
				zscap = 0;
	bool	   *present = palloc(sizeof(bool) * K);
	SvyStratumTotals *sts = palloc0(sizeof(SvyStratumTotals) * Max(base->nstrata, 1));
	SvyCovariance cov = {K, V, (SvyLonely) survey_lonely_psu, NULL, NULL, 0, 0};
	int			m = k + 1;
	/* (with PSUs any number of auxiliaries: gamma is filled for every entry) */
	double		gamma[SVY_CALIB_MAX_NUMERIC + 1];
	double		bf[SVY_CALIB_MAX_NUMERIC + 1];
	double	   *N = palloc(sizeof(double) * m * m);
	double	   *NB = palloc(sizeof(double) * Max(K, 1) * m);
	scoretab_iterator it;
	ScoreEntry *e;
	int			cur_h = -1;
	/* two-stage designs with a first-stage fpc: the second stage (add_stage2) */
	SvyStage2Totals *st2 = NULL;
	double	   *V2 = NULL;
	SvyCovariance cov2 = {K, NULL, (SvyLonely) survey_lonely_psu, NULL, NULL, 0, 0};
	double	   *zs2 = NULL,
			   *Q2 = NULL;
	int			zs2cap = 0,
				n_ssu;

	svy_calib_solve(base, &cal);
	sol = &cal.sol;
	memset(sumsq, 0, sizeof(double) * K);
	ncell = cal.ncell;
	A = palloc0(sizeof(double) * ncell * K);
	AV = palloc0(sizeof(double) * ncell * K * (k + 1));
	T = palloc0(sizeof(double) * ncell * K);
	B = palloc0(sizeof(double) * ncell * K);
	beta = palloc0(sizeof(double) * K * (k + 1));
	work = palloc(sizeof(double) * svy_calib_work_size(&cal.pr, sol));

	/* per (cell, total): sums of d t, d v t, t (rake) and the squares */
	scoretab_start_iterate(cs->tab, &it);
	while ((e = scoretab_iterate(cs->tab, &it)) != NULL)
	{
		const double *u = cs->arena + (int64) e->off * cs->width;
		int			c = svy_calib_cell_find(base, e->key.w[4]);
		int			f = e->key.v[0] >= 0 ? final_of_var[e->key.v[0]] : -1;

		CHECK_FOR_INTERRUPTS();
		if (c < 0 || e->key.v[0] >= nvars || e->key.v[1] >= nvars)
			svy_wire_corrupt("calibrated scores of an unknown cell or total");
		ent[nent++] = e;
		if (f < 0 || e->key.v[1] != VAR_NONE)
			continue;
		/* sum w t^2 = sum_c G_c sum d t^2 + lambda' sum d v t^2 */
		sumsq[f] += sol->G[c] * u[E_DTT(k)];
		for (int j = 0; j < k; j++)
			sumsq[f] += sol->lambda_v[j] * u[E_DVTT(k, j)];
		T[c * K + f] += u[E_T(k)];
		A[c * K + f] += u[E_DT];
		for (int j = 0; j < k; j++)
			AV[(c * K + f) * k + j] += u[E_DVT(j)];
	}

	/* each total: its calibrated value and its residualisation coefficients */
	{
		double	   *cdt = palloc(sizeof(double) * ncell);
		double	   *cdvt = palloc(sizeof(double) * ncell * (k + 1));
		double	   *ct = palloc(sizeof(double) * ncell);
		double	   *Bf = palloc(sizeof(double) * ncell);

		for (int f = 0; f < K; f++)
		{
			CHECK_FOR_INTERRUPTS();
			total[f] = 0.0;
			for (int c = 0; c < ncell; c++)
			{
				cdt[c] = A[c * K + f];
				ct[c] = T[c * K + f];
				total[f] += sol->G[c] * cdt[c];
				for (int j = 0; j < k; j++)
				{
					cdvt[c * k + j] = AV[(c * K + f) * k + j];
					total[f] += sol->lambda_v[j] * cdvt[c * k + j];
				}
			}
			if (svy_calib_residual_coef(&cal.pr, sol, cdt, cdvt, ct, Bf, beta + f * (k + 1), work) != 0)
				svy_calib_report_singular(base, &cal);
			for (int c = 0; c < ncell; c++)
				B[c * K + f] = Bf[c];
		}
	}

	/*
	 * The units (PSUs; without PSUs, the (stratum, cell) blocks of rows) in
	 * order, each stratum's together; per stratum the sum S and centred
	 * cross-products Q of the units' residualised totals.
	 */
	svy_accum_strata(base, 0.0, sts);
	if (base->ssutab)
	{
		int			n2;

		st2 = svy_accum_stage2(base, 0.0, sts, &n2);
		cov2.v = V2 = palloc0(sizeof(double) * K * K);
		Q2 = palloc(sizeof(double) * K * K);
	}
	qsort(ent, nent, sizeof(ScoreEntry *), entry_cmp);
	for (int i = 0; i < nent;)
	{
		int			h = svy_accum_stratum_find(base, ent[i]->key.w);
		int			c;
		double		n_h;
		int			i0 = i;

		CHECK_FOR_INTERRUPTS();
		if (h < 0)
			svy_wire_corrupt("calibrated scores of an unknown stratum");
		n_h = sts[h].psu.n;
		if (h != cur_h)
		{
			memset(S, 0, sizeof(double) * K);
			memset(Q, 0, sizeof(double) * K * K);
			nzs = 0;
			cur_h = h;
		}
		memset(z, 0, sizeof(double) * K);
		n_ssu = 0;
		/* each second-stage unit's entries (one block when the design has one stage) */
		while (i < nent && same_unit(&ent[i]->key, &ent[i0]->key, cs->per_row))
		{
			int			i1 = i;
			double	   *zt = z;

			if (st2)
			{
				if (n_ssu == zs2cap)
				{
					zs2cap = zs2cap ? 2 * zs2cap : 16;
					zs2 = zs2 ? repalloc_huge(zs2, sizeof(double) * zs2cap * K)
						: palloc_extended(sizeof(double) * zs2cap * K, MCXT_ALLOC_HUGE);
				}
				zt = zs2 + (int64) n_ssu * K;
				memset(zt, 0, sizeof(double) * K);
			}
			for (; i < nent && same_unit(&ent[i]->key, &ent[i0]->key, cs->per_row) &&
				 same_ssu(&ent[i]->key, &ent[i1]->key); i++)
			{
				const ScoreKey *key = &ent[i]->key;
				const double *u = cs->arena + (int64) ent[i]->off * cs->width;
				double		G;
				int			f;

				c = svy_calib_cell_find(base, key->w[4]);
				G = sol->G[c];
				gamma[0] = G;
				for (int j = 0; j < k; j++)
					gamma[1 + j] = sol->lambda_v[j];
				if (key->v[0] == VAR_NONE)
				{
					/* -w (B_c + v' beta): every row of the unit, for every total */
					for (int g = 0; g < K; g++)
					{
						const double *bt = beta + g * (k + 1);
						double		Bg = B[c * K + g];
						double		r = G * Bg * u[E_D];

						for (int j = 0; j < k; j++)
						{
							r += (G * bt[j] + Bg * sol->lambda_v[j]) * u[E_DV(j)];
							for (int l = 0; l < k; l++)
								r += sol->lambda_v[j] * u[E_DVV(k, j, l)] * bt[l];
						}
						zt[g] -= r;
					}
					if (cs->per_row)
					{
						/*
						 * The stratum's rows: sum z_f z_g has sum (gamma'q)^2
						 * (btilde_f'q) (btilde_g'q) d^2: btilde_f' N btilde_g with
						 * N = M4 contracted twice with gamma = (G_c, lambda)
						 */
						svy_calib_contract(u + E_M4(k), gamma, m, 4, N);
						for (int f2 = 0; f2 < K; f2++)
						{
							btilde(B, beta, c, K, k, f2, bf);
							for (int a = 0; a < m; a++)
							{
								NB[f2 * m + a] = 0.0;
								for (int b2 = 0; b2 < m; b2++)
									NB[f2 * m + a] += N[a * m + b2] * bf[b2];
							}
						}
						for (int f2 = 0; f2 < K; f2++)
						{
							btilde(B, beta, c, K, k, f2, bf);
							for (int g2 = 0; g2 < K; g2++)
								for (int a = 0; a < m; a++)
									Q[f2 * K + g2] += bf[a] * NB[g2 * m + a];
						}
					}
					continue;
				}
				f = final_of_var[key->v[0]];
				if (key->v[1] == VAR_NONE)
				{
					if (f < 0)
						continue;
					zt[f] += G * u[E_DT];
					for (int j = 0; j < k; j++)
						zt[f] += sol->lambda_v[j] * u[E_DVT(j)];
					if (cs->per_row)
					{
						/* - sum d^2 t_f (gamma'q)^2 (btilde_g'q), both ways */
						svy_calib_contract(u + E_M3(k), gamma, m, 3, N);
						for (int g = 0; g < K; g++)
						{
							double		x = 0.0;

							btilde(B, beta, c, K, k, g, bf);
							for (int a = 0; a < m; a++)
								x += N[a] * bf[a];
							Q[f * K + g] -= x;
							Q[g * K + f] -= x;
						}
					}
				}
				else
				{
					int			l = final_of_var[key->v[1]];

					double		x;

					/* sum d^2 t_f t_l (gamma'q)^2 */
					if (f < 0 || l < 0)
						continue;
					svy_calib_contract(u, gamma, m, 2, N);
					x = N[0];
					Q[f * K + l] += x;
					if (l != f)
						Q[l * K + f] += x;
				}
			}
			if (st2)
			{
				for (int g = 0; g < K; g++)
					z[g] += zt[g];
				n_ssu++;
			}
		}
		if (st2)
		{
			SvyPsuKey	pk = {{ent[i0]->key.w[0], ent[i0]->key.w[1], ent[i0]->key.w[2], ent[i0]->key.w[3]}};

			add_stage2(&cov2, base, st2, &pk, zs2, n_ssu, z, K, Q2);
		}
		for (int g = 0; g < K; g++)
			S[g] += z[g];
		if (!cs->per_row)
		{
			if (nzs == zscap)
			{
				zscap = zscap ? 2 * zscap : 16;
				zs = zs ? repalloc_huge(zs, sizeof(double) * zscap * K)
					: palloc_extended(sizeof(double) * zscap * K, MCXT_ALLOC_HUGE);
			}
			memcpy(zs + (int64) nzs * K, z, sizeof(double) * K);
			nzs++;
		}

		/* the stratum's last unit: add it */
		if (i == nent || svy_accum_stratum_find(base, ent[i]->key.w) != h)
		{
			SvyStatus	status;

			if (cs->per_row)
			{
				/* rows are the PSUs: sum z z' over the rows, centred */
				for (int a = 0; a < K; a++)
					for (int b = 0; b < K; b++)
						Q[a * K + b] -= S[a] * S[b] / n_h;
				for (int a = 0; a < K; a++)
					Q[a * K + a] = Max(Q[a * K + a], 0.0);
			}
			else
			{
				/* centred over the n_h PSUs (each has a unit here) */
				for (int j = 0; j < nzs; j++)
				{
					const double *zj = zs + (int64) j * K;

					CHECK_FOR_INTERRUPTS();
					for (int a = 0; a < K; a++)
					{
						double		da = zj[a] - S[a] / n_h;

						for (int b = 0; b < K; b++)
							Q[a * K + b] += da * (zj[b] - S[b] / n_h);
					}
				}
			}
			/* a domain of a calibrated design has every stratum (R keeps every row) */
			for (int a = 0; a < K; a++)
				present[a] = true;
			status = svy_covariance_add(&cov, n_h, sts[h].fpc, S, Q, present);
			if (status != SVY_OK)
				svy_report_design_error(base, status, h, n_h);
			cur_h = -1;
		}
	}
	svy_covariance_finish(&cov);
	for (int a = 0; V2 && a < K * K; a++)
		V[a] += V2[a];
}

void
svy_calib_scores_rep_finish(const SvyCalibScores *cs, SvyAccum *base, const int *final_of_var,
							int nvars, int K, double *total, double *sumsq, double *tr,
							double *degf, double *group_df)
{
	SvyCalibSolved cal;
	int			k = cs->k,
				nrep = cs->nrep;
	double	   *G,
			   *L;
	scoretab_iterator it;
	ScoreEntry *e;

	svy_calib_solve(base, &cal);
	G = palloc(sizeof(double) * Max(cal.pr.ncell, 1) * nrep);
	L = palloc(sizeof(double) * Max(k * nrep, 1));
	svy_calib_rep_solve(base, &cal.pr, &cal.sol, cal.pop, cal.cat, G, L, degf);
	memset(total, 0, sizeof(double) * K);
	memset(sumsq, 0, sizeof(double) * K);
	memset(tr, 0, sizeof(double) * K * nrep);
	scoretab_start_iterate(cs->tab, &it);
	while ((e = scoretab_iterate(cs->tab, &it)) != NULL)
	{
		const double *u = cs->arena + (int64) e->off * cs->width;
		int			c = svy_calib_cell_find(base, e->key.w[4]);
		int			f;

		CHECK_FOR_INTERRUPTS();
		if (c < 0 || e->key.v[0] < 0 || e->key.v[0] >= nvars)
			svy_wire_corrupt("calibrated scores do not match the calibration");
		f = final_of_var[e->key.v[0]];
		if (f < 0)
			continue;
		/* w (G_c + lambda' v) t, with the full sample's and each replicate's G, lambda */
		total[f] += cal.sol.G[c] * u[0];
		sumsq[f] += cal.sol.G[c] * u[R_SQ(k)];
		for (int j = 0; j < k; j++)
		{
			total[f] += cal.sol.lambda_v[j] * u[1 + j];
			sumsq[f] += cal.sol.lambda_v[j] * u[R_SQ(k) + 1 + j];
		}
		for (int r = 0; r < nrep; r++)
		{
			const double *p = u + R_BLOCK(k, r);
			double		y = G[(Size) c * nrep + r] * p[0];

			for (int j = 0; j < k; j++)
				y += L[j * nrep + r] * p[1 + j];
			tr[(Size) f * nrep + r] += y;
		}
	}

	/* svy_by groups: the rank of their rows' calibrated replicate weights - 1 */
	{
		SvyRank    *acc = palloc0(sizeof(SvyRank) * Max(nvars, 1));
		double	   *out = palloc(sizeof(double) * nrep);
		double	   *scratch = palloc(sizeof(double) * nrep);
		Size		bytes = 0;

		for (int v = 0; v < nvars; v++)
			acc[v].dim = nrep;
		for (int g = 0; g < cs->ngrank; g++)
		{
			const SvyRank *gr = &cs->grank[g];
			SvyRank    *a = &acc[cs->gvar[g]];
			int			c = svy_calib_cell_find(base, cs->gcell[g]);

			if (c < 0)
				svy_wire_corrupt("calibrated scores do not match the calibration");
			for (int q = 0; q < gr->rank && !svy_rank_full(a); q++)
			{
				const double *bv = gr->basis + (Size) q * cs->dim;

				CHECK_FOR_INTERRUPTS();
				for (int r = 0; r < nrep; r++)
				{
					out[r] = G[(Size) c * nrep + r] * bv[r];
					for (int j = 0; j < k; j++)
						out[r] += L[j * nrep + r] * bv[(j + 1) * nrep + r];
				}
				svy_rank_push(a, out, scratch, CurrentMemoryContext, &bytes);
			}
		}
		for (int v = 0; v < nvars; v++)
			group_df[v] = acc[v].rank > 0 ? acc[v].rank - 1.0 : NAN;
	}
}
