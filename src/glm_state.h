/*
 * glm_state.h — the transition state of svy_glm (glm.c), shared with
 * calib_glm.c, which fits on calibrated designs.  Private to those two files.
 */
#ifndef SVY_GLM_STATE_H
#define SVY_GLM_STATE_H

#include "postgres.h"

#include "utils/array.h"

#include "accum.h"
#include "calibrate.h"
#include "glm.h"
#include "idmap.h"

#define GLM_MAX_P 100			/* coefficients; the Wald test works on the stack */
#define GLM_XW_MAX (GLM_MAX_P + 1 + SVY_CALIB_MAX_NUMERIC)	/* doubles of a cell row */

/* PSU identities mix the stratum (and a second-stage unit its own) in (glm_unit_identity) with these */
#define GLM_PSU_MIX0 UINT64CONST(0x9E3779B97F4A7C15)
#define GLM_PSU_MIX1 UINT64CONST(0xC2B2AE3D27D4EB4F)
#define GLM_SSU_MIX0 UINT64CONST(0xD6E8FEB86659FD93)
#define GLM_SSU_MIX1 UINT64CONST(0xA0761D6478BD642F)

/*
 * A unit's identity (k0, k1): PSUs are nested in strata, so the stratum is
 * part of it, and in two-stage designs (psu2 not NULL) the second-stage unit.
 */
static inline void
glm_unit_identity(const uint64 stratum[2], const uint64 psu[2], const uint64 *psu2, uint64 *k0, uint64 *k1)
{
	*k0 = psu[0] ^ (stratum[0] * GLM_PSU_MIX0);
	*k1 = psu[1] ^ (stratum[1] * GLM_PSU_MIX1);
	if (psu2)
	{
		*k0 ^= psu2[0] * GLM_SSU_MIX0;
		*k1 ^= psu2[1] * GLM_SSU_MIX1;
	}
}

/* ---------- the state ---------- */

/* Sums of one (unit, cell): one struct, so that a row touches one cache line. */
typedef struct UnitCell
{
	int32		unit;
	int32		cell;
	double		sw;
	double		swy;
} UnitCell;

/* Designs without PSUs, per (stratum, cell): for the rows' score cross-products. */
typedef struct UnitCellSq
{
	double		sww;			/* w^2, w^2 y, w^2 y^2 */
	double		swwy;
	double		swwyy;
} UnitCellSq;

typedef struct GlmState
{
	MemoryContext cxt;
	SvyAccum   *base;			/* every row: the design */
	int			family;			/* 0 until the first row */
	int			p;
	/*
	 * Doubles per cell row in x: p, or on calibrated designs p + 1 + k, the
	 * row of x followed by the calibration cell's code and the k numeric
	 * auxiliaries, so that a cell's calibration factor g is one number
	 * (calib_glm.c).
	 */
	int			xw;
	struct GlmCalib *cal;		/* calibrated designs (calib_glm.c), else NULL */
	char	  **terms;			/* p names, or NULL for x1, x2, ... */

	double		wsum_design;	/* rows of R's design object: mean(w) (calibrated: in cal) */
	double		nrow_design;
	double		nfit;			/* rows in the fit with w != 0 */
	double		dev_const;		/* raw weights; see svy_glm_dev_const */
	double		dev0;			/* gaussian/poisson: start deviance (raw weights) */

	/* cells: distinct rows of x */
	SvyIdMap   *cellmap;
	int			ncells,
				cellcap;
	double	   *x;				/* cellcap x xw */
	uint64	   *cell_hash;		/* hash of each cell's x */
	double	   *sw,
			   *swy,
			   *s0w,			/* poisson: start's W0, W0 z0 (raw weights; gaussian: sw, swy) */
			   *s0wz,
			   *cn,				/* rows with w != 0 */
			   *cn1;			/* of which rows with y = 1 */

	/* binomial families: distinct (cell, y, w) for glm.fit's start */
	SvyIdMap   *startmap;
	bool		start_approx;
	bool		y_fraction;		/* some outcome is neither 0 nor 1 */
	int			nstart,
				startcap;
	int32	   *st_cell;
	double	   *st_y,
			   *st_w,
			   *st_n;

	/* PSUs (designs with PSUs) */
	SvyIdMap   *psumap;
	int			npsu,
				psucap;
	uint64	   *psu_key;		/* 2 per PSU */
	int32	   *psu_stratum;
	uint64	   *unit_psu;		/* two-stage: 2 per unit, its first-stage PSU's identity */

	/* (unit, cell) sums; unit = PSU, or stratum for designs without PSUs */
	SvyIdMap   *ucmap;
	int			nuc,
				uccap;
	struct UnitCell *uc;
	struct UnitCellSq *ucsq;	/* designs without PSUs */

	/* replicate designs: per cell and replicate */
	int			nrep;
	double	   *rep_sw,			/* cellcap x nrep */
			   *rep_swy,
			   *rep_devc;		/* nrep */

	Size		bytes;			/* memory of the arrays above */
	struct varlena *family_seen;	/* last family argument, for a cheap check */
	struct varlena *terms_seen;
	bool		family_const;	/* the call's family / terms are constants: */
	bool		terms_const;	/* checked on the first row only */
} GlmState;

static inline bool
has_psu(const GlmState *s)
{
	return (s->base->flags & SVY_HAS_PSU) != 0;
}

/*
 * Two-stage designs with a first-stage fpc: the units are the second-stage
 * units (within their PSU), whose score totals give the second stage; without
 * the fpc R adds no second stage, and the units stay the PSUs.
 */
static inline bool
two_stage(const GlmState *s)
{
	return (s->base->flags & (SVY_HAS_PSU2 | SVY_HAS_FPC)) == (SVY_HAS_PSU2 | SVY_HAS_FPC);
}

static inline bool
is_binomial(int family)
{
	return family == SVY_GLM_BINOMIAL || family == SVY_GLM_QUASIBINOMIAL;
}

/* p (elem bytes x oldcap, NULL: none) grown to newcap elements in cxt, the new ones zeroed (glm.c). */
extern void *svy_glm_grow(MemoryContext cxt, void *p, Size elem, int oldcap, int newcap);
/* Count more bytes of the state; an error past work_mem (glm.c). */
extern void svy_glm_account(GlmState *s, Size more);
/* Reading a serialized state (glm.c): the error "invalid regression state" with detail. */
extern void svy_glm_bad_state(const char *detail) pg_attribute_noreturn();
/* A sum read from buf; an invalid state unless finite. */
extern double svy_glm_get_finite(StringInfo buf);

/*
 * The second stage (R's multistage), after the first stage's
 * svy_covariance_finish: in each of the npsu PSUs (st2), its second-stage
 * units' score totals (u: nunits x p; group: each unit's PSU; psu_u: the
 * PSUs' totals) as the PSUs of one stratum, scaled by the first-stage
 * fraction.  every_psu: every PSU takes part (calibrated designs), else
 * those holding rows of the fit.
 */
extern void svy_glm_stage2_add(const SvyAccum *base, int p, SvyCovariance *cov, const SvyStage2Totals *st2,
							   int npsu, const double *u, int nunits, const int *group, const double *psu_u,
							   bool every_psu);

/*
 * Add the strata of a linearization design to cov (glm.c): per stratum, the
 * sum S (p) of its PSUs' score totals and their cross-products Q (p x p),
 * centred here in place.  A stratum counts where it holds rows of the fit,
 * or always with every_stratum.  present: scratch for p flags.
 */
extern void svy_glm_strata_add(const SvyAccum *base, const SvyStratumTotals *st, int p,
							   double *S, double *Q, bool every_stratum, bool *present,
							   SvyCovariance *cov);

/* ---- calibrated designs (calib_glm.c) ---- */

typedef struct GlmCalib
{
	int			k;				/* numeric auxiliaries */
	/* per cell (cellcap), sums over its rows of: */
	double	   *devc;			/* svy_glm_dev_const(d, y) */
	double	   *dev0;			/* non-binomial families: the start's deviance (weight d) */
	double	   *sy;				/* y, unweighted (rake's residualisation) */
	double	   *rep_devc;		/* replicate designs: cellcap x nrep, svy_glm_dev_const(w_r, y) */
	/* per calibration cell: sums of d and d v over R's design rows in the domain */
	SvyIdMap   *cellmap;		/* calibration cell code -> index */
	int			ncal,
				calcap;
	uint64	   *code;
	double	   *dom;			/* calcap x (1 + k) */
	/* designs without PSUs: per (stratum, calibration cell, v), over every row, sums of d and d^2 */
	SvyIdMap   *rowmap;
	int			nrow,
				rowcap;
	int32	   *row_stratum;
	double	   *row_key;		/* rowcap x (1 + k): the cell code, v */
	double	   *row_sums;		/* rowcap x 2 */
} GlmCalib;

/* Set up s->cal (a calibrated state with k numeric auxiliaries). */
extern void svy_glm_calib_start(GlmState *s, int k);
/*
 * A calibrated row's part of the base state (strata, PSUs, df and the
 * calibration's sums); returns its stratum's index.
 */
extern int	svy_glm_calib_base_row(GlmState *s, const SvyDesign *d, bool y_null);
/* A calibrated row's extra cell columns (calibration cell code, v) into xrow[p .. xw). */
extern void svy_glm_calib_row_key(const GlmState *s, const SvyDesign *d, double *xrow);
/* After a calibrated row of stratum h: its cell's extra sums (cell -1: off the fit), the design's. */
extern void svy_glm_calib_row(GlmState *s, const SvyDesign *d, int h, int cell, double y);
extern void svy_glm_calib_grow(GlmState *s, int oldcap, int newcap);
extern void svy_glm_calib_merge(GlmState *into, const GlmState *from, const int *cmap);
extern void svy_glm_calib_serialize(const GlmState *s, StringInfo buf);
extern void svy_glm_calib_deserialize(GlmState *s, StringInfo buf);

/*
 * Final: solve the calibration; per cell the calibration factor g (cg),
 * the rescaling mean m of R's prior weights, the deviance constant and the
 * start deviance (non-binomial families, prior weights w / m).
 */
struct GlmCalibFit;
extern struct GlmCalibFit *svy_glm_calib_prepare(const GlmState *s, double *cg, double *m,
												 double *dev_const, double *dev0);
/*
 * Calibrated replicate designs: per cell c and replicate r the calibration
 * factor rg[c nrep + r] of replicate r; *degf: R's degf of the design.
 */
extern void svy_glm_calib_rep_factors(const GlmState *s, struct GlmCalibFit *cf, double *rg, double *degf);
/* Replicate r's calibrated cell sums of w_r and w_r y, and its deviance constant. */
extern void svy_glm_calib_rep_sums(const GlmState *s, const double *rg, int r, double *sw, double *swy,
								   double *dev_const);
/* The sandwich with R's residualised scores (svyrecvar with the calibration). */
extern void svy_glm_calib_vcov(const GlmState *s, struct GlmCalibFit *cf, const SvyGlmCells *c,
							   const SvyGlmFit *fit, const double *cg, double m, double *v);

#endif
