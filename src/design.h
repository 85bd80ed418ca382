/*
 * design.h — the svy_design value: one row's part of a survey design.
 *
 * A design value is built per row (svy_design(), svy_repdesign()) and
 * carried into the aggregates.  Strata and PSUs may be of any hashable type;
 * they are identified by 128 bits of the type's own extended hash function
 * (two seeds), so equal values (by the type's equality) are the same stratum
 * and distinct values collide with probability about k^2 / 2^129 for k
 * PSUs.  The stratum's text (truncated) travels along for error messages.
 */
#ifndef SVY_DESIGN_H
#define SVY_DESIGN_H

#include "postgres.h"
#include "fmgr.h"

#define SVY_KIND_TAYLOR		1
#define SVY_KIND_REPLICATE	2

/* flags */
#define SVY_HAS_STRATA		0x01
#define SVY_HAS_PSU			0x02
#define SVY_HAS_FPC			0x04
#define SVY_OUT_OF_DOMAIN	0x08	/* svy_subset() excluded the row */
#define SVY_MSE				0x10
#define SVY_HAS_RSCALES		0x20
#define SVY_CALIBRATED		0x40	/* svy_calibrate(): a calibration block follows (calib.h) */

/* flags that must agree between rows of one aggregate call */
#define SVY_SHAPE_FLAGS (SVY_HAS_STRATA | SVY_HAS_PSU | SVY_HAS_FPC | SVY_MSE | SVY_HAS_RSCALES)

#define SVY_LABEL_MAX		63

typedef enum SvyRepType
{
	SVY_REP_JK1 = 1,
	SVY_REP_JKN,
	SVY_REP_BRR,
	SVY_REP_FAY,
	SVY_REP_BOOTSTRAP,
	SVY_REP_SDR,
	SVY_REP_OTHER
} SvyRepType;

typedef struct SvyDesign
{
	int32		vl_len_;		/* varlena header */
	uint8		kind;
	uint8		flags;
	uint8		rep_type;
	uint8		label_len;		/* bytes of the stratum label */
	int32		nrep;			/* replicates (replicate designs) */
	float8		weight;
	float8		fpc;			/* 0 when none */
	uint64		stratum[2];		/* 128-bit identity of the stratum */
	uint64		psu[2];			/* 128-bit identity of the PSU (within stratum) */
	float8		scale;			/* replicate variance constants */
	float8		rho;
	char		data[FLEXIBLE_ARRAY_MEMBER];	/* label, then aligned
												 * replicate weights and
												 * rscales */
} SvyDesign;

#define DatumGetSvyDesignP(X)	((SvyDesign *) PG_DETOAST_DATUM(X))
#define PG_GETARG_SVYDESIGN_P(n) DatumGetSvyDesignP(PG_GETARG_DATUM(n))

#define SVY_DESIGN_ARRAYS_OFFSET(label_len) \
	MAXALIGN(offsetof(SvyDesign, data) + (label_len))

static inline const float8 *
svy_design_repweights(const SvyDesign *d)
{
	return (const float8 *) ((const char *) d + SVY_DESIGN_ARRAYS_OFFSET(d->label_len));
}

static inline const float8 *
svy_design_rscales(const SvyDesign *d)
{
	return (d->flags & SVY_HAS_RSCALES) ? svy_design_repweights(d) + d->nrep : NULL;
}

extern const char *svy_rep_type_name(int rep_type);

/*
 * Identity of values of any hashable type (strata, PSUs, groups): integers
 * are their own identity; other types get 128 bits of their hash opclass.
 */
typedef struct SvyValueHash
{
	Oid			typid;
	FmgrInfo	hash;			/* the type's extended hash (not for integers) */
} SvyValueHash;

extern void svy_value_hash_init(Oid typid, SvyValueHash *h, MemoryContext cxt);
extern void svy_value_identity(const SvyValueHash *h, Datum value, uint64 id[2]);

#endif
