/*
 * calib.h — calibrated designs (SPEC §9): the calibration block that
 * svy_calibrate() appends to a Taylor design value (calib_design.c), and the
 * accumulator the linear estimators use for such rows (calib_accum.c).
 *
 * A calibrated design value is an ordinary Taylor SvyDesign with the flag
 * SVY_CALIBRATED, followed at SVY_DESIGN_ARRAYS_OFFSET(label_len) by an
 * SvyCalibBlock, the row's k numeric auxiliaries (float8) and the packed
 * svy_population.  Every row carries the population (a few hundred bytes
 * for realistic margins) so that the aggregate needs no side channel; the
 * aggregate keeps one copy and checks later rows by the population's
 * 64-bit hash only.
 */
#ifndef SVY_CALIB_H
#define SVY_CALIB_H

#include "postgres.h"

#include "accum.h"
#include "calibrate.h"
#include "design.h"

typedef struct SvyCalibBlock
{
	uint64		pop_hash;		/* svy_population_hash() of the population */
	uint64		cell;			/* mixed-radix code of the row's levels */
	float8		epsilon;		/* 0: the method's default */
	int32		maxit;			/* 0: the method's default */
	int32		k;				/* numeric auxiliaries */
	int32		pop_len;		/* bytes of the packed population */
	uint8		method;			/* SvyCalibMethod */
	uint8		pad[3];
	/* float8 x[k]; then the population varlena (pop_len bytes) */
} SvyCalibBlock;

static inline const SvyCalibBlock *
svy_calib_block(const SvyDesign *d)
{
	return (const SvyCalibBlock *) ((const char *) d + SVY_DESIGN_ARRAYS_OFFSET(d->label_len));
}

static inline const float8 *
svy_calib_x(const SvyCalibBlock *b)
{
	return (const float8 *) (b + 1);
}

static inline struct varlena *
svy_calib_population(const SvyCalibBlock *b)
{
	return (struct varlena *) ((char *) (b + 1) + sizeof(float8) * b->k);
}

/* The error for a statistic that does not handle calibrated designs yet. */
extern void svy_calib_not_supported(const char *where) pg_attribute_noreturn();

/* ---- the accumulator of the linear estimators (calib_accum.c) ---- */
struct SvyCalibAccum;

/*
 * A row of a linear estimator whose design may be calibrated: calibrated
 * rows go to s->calib (created on the first row), others to
 * svy_accum_row(); mixing the two in one aggregate is an error.
 */
extern void svy_linear_row(SvyAccum *s, const SvyDesign *d, double y, double x, bool y_null);
extern void svy_calib_accum_merge(SvyAccum *into, const SvyAccum *from);
extern void svy_calib_accum_serialize(const SvyAccum *s, StringInfo buf);
extern void svy_calib_accum_deserialize(SvyAccum *s, StringInfo buf);
extern void svy_calib_accum_result(const SvyAccum *s, const SvyEstimateSpec *spec, SvyResult *res);

#endif
