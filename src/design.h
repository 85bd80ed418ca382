/*
 * design.h — the svy_design value: one row's part of a survey design.
 *
 * A design value is built per row (svy_design(), svy_repdesign()) and
 * carried into the aggregates.  Strata and PSUs may be of any hashable type;
 * they are identified by 128 bits of the type's own extended hash function
 * (two seeds), so equal values (by the type's equality) are the same stratum
 * and distinct values collide with probability about k^2 / 2^129 for k
 * PSUs.  The stratum's text (truncated) travels along for error messages
 * (read it with svy_design_label: a value an aggregate reads in the row that
 * built it leaves it out).
 */
#ifndef SVY_DESIGN_H
#define SVY_DESIGN_H

#include "postgres.h"
#include "catalog/pg_type.h"
#include "fmgr.h"

#include "words.h"

#define SVY_KIND_TAYLOR		1
#define SVY_KIND_REPLICATE	2

/* flags */
#define SVY_HAS_STRATA		0x01
#define SVY_HAS_PSU			0x02
#define SVY_HAS_FPC			0x04
#define SVY_OUT_OF_DOMAIN	0x08	/* svy_subset() excluded the row */
#define SVY_MSE				0x10
#define SVY_HAS_RSCALES		0x20
#define SVY_HAS_PSU2		0x40	/* two-stage: a second-stage unit (SvyStage2) */
#define SVY_HAS_FPC2		0x80	/* two-stage: its fpc (SvyStage2.fpc2 > 0) */

/* flags that must agree between rows of one aggregate call */
#define SVY_SHAPE_FLAGS (SVY_HAS_STRATA | SVY_HAS_PSU | SVY_HAS_FPC | SVY_MSE | SVY_HAS_RSCALES | \
						 SVY_HAS_PSU2 | SVY_HAS_FPC2)

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
												 * rscales, or SvyStage2 */
} SvyDesign;

/*
 * The second stage of a two-stage linearization design (SVY_HAS_PSU2), kept
 * after the label where replicate designs keep their weights, so that values
 * stored by one-stage versions read unchanged.
 */
typedef struct SvyStage2
{
	uint64		psu2[2];		/* identity of the unit within its PSU */
	float8		fpc2;			/* 0 when none */
} SvyStage2;

/* Detoasted design value; the common case (a value just built by svy_design) costs no call. */
static inline SvyDesign *
DatumGetSvyDesignP(Datum X)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(X);

	return (SvyDesign *) (VARATT_IS_EXTENDED(v) ? pg_detoast_datum(v) : v);
}
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

static inline const SvyStage2 *
svy_design_stage2(const SvyDesign *d)
{
	return (d->flags & SVY_HAS_PSU2) ?
		(const SvyStage2 *) ((const char *) d + SVY_DESIGN_ARRAYS_OFFSET(d->label_len)) : NULL;
}

/* Bytes of a design value: header, label, then replicate weights or the second stage. */
static inline Size
svy_design_layout_size(int label_len, int nrep, bool rscales, bool stage2)
{
	return SVY_DESIGN_ARRAYS_OFFSET(label_len) +
		sizeof(float8) * nrep * (rscales ? 2 : 1) + (stage2 ? sizeof(SvyStage2) : 0);
}

/* svy_design_layout_size of d's shape; per row (svy_design_is_calibrated), so without the calls' selects */
static inline Size
svy_design_base_size(const SvyDesign *d)
{
	Size		size = SVY_DESIGN_ARRAYS_OFFSET(d->label_len);

	if (d->flags & SVY_HAS_PSU2)
		size += sizeof(SvyStage2);
	if (d->kind == SVY_KIND_REPLICATE)
		size += sizeof(float8) * d->nrep * ((d->flags & SVY_HAS_RSCALES) ? 2 : 1);
	return size;
}

/*
 * A calibrated design (svy_calibrate(), calib.h) is a design value followed
 * by its calibration block: no flag bit is needed, and values stored by
 * earlier versions are never calibrated.
 */
static inline bool
svy_design_is_calibrated(const SvyDesign *d)
{
	/* a one-stage linearization design (per row) in one comparison */
	if (VARSIZE(d) == SVY_DESIGN_ARRAYS_OFFSET(d->label_len))
		return false;
	return VARSIZE(d) > svy_design_base_size(d);
}

extern const char *svy_rep_type_name(int rep_type);

/*
 * The stratum label of design value d (the aggregate's design argument of
 * the current row, as the aggregate received it: a calibrated value is read
 * in place as its base) into label (SVY_LABEL_MAX + 1 bytes); returns its
 * length.  For a new stratum only: a value built for an aggregate may leave
 * its label out (design.c).
 */
extern int	svy_design_label(const SvyDesign *d, char *label);

/*
 * svy_calibrate_design (calib_design.c) builds its base design from its
 * arguments 0-5, svy_design's, through svy_design's call-site cache
 * (*cache, made at the first row): svy_design_build writes the row's value
 * in the cache's buffer (into NULL) or in into.  svy_design_build_bare:
 * into holds this call site's value of an earlier row; if the site's values
 * are bare (no label, one stage: the size SVY_DESIGN_ARRAYS_OFFSET(0)), it
 * writes there what varies between rows, else nothing (false).
 */
typedef struct DesignCache DesignCache;
extern SvyDesign *svy_design_build(FunctionCallInfo fcinfo, DesignCache **cache, SvyDesign *into);
extern bool svy_design_build_bare(FunctionCallInfo fcinfo, DesignCache *c, SvyDesign *into);

/*
 * Identity of values of any hashable type (strata, PSUs, groups): integers
 * are their own identity; other types get 128 bits of their hash opclass
 * (variable-length ones through a cache of the values seen, by their bytes).
 */
typedef struct SvyValueHash
{
	Oid			typid;
	FmgrInfo	hash;			/* the type's extended hash (not for integers) */
	struct SvyIdCache *cache;	/* variable-length types: identities seen, by bytes */
} SvyValueHash;

extern void svy_value_hash_init(Oid typid, SvyValueHash *h, MemoryContext cxt);
extern void svy_value_identity_hashed(const SvyValueHash *h, Datum value, uint64 id[2]);

/*
 * Integers (of any width: equal values are equal) are their own identity,
 * exactly, inline; other types through svy_value_identity_hashed.
 */
static inline void
svy_value_identity(const SvyValueHash *h, Datum value, uint64 id[2])
{
	switch (h->typid)
	{
		case INT2OID:
			id[0] = (uint64) (int64) DatumGetInt16(value);
			id[1] = 0;
			return;
		case INT4OID:
			id[0] = (uint64) (int64) DatumGetInt32(value);
			id[1] = 0;
			return;
		case INT8OID:
			id[0] = (uint64) DatumGetInt64(value);
			id[1] = 0;
			return;
	}
	svy_value_identity_hashed(h, value, id);
}

#endif
