/*
 * calib_domain.h — calibrated scores (calib_domain.c): many sparse totals
 * on a calibrated design, residualised against the calibration, for the
 * domain aggregates (domain.c).  State sums per (unit, cell, variable),
 * never rows; mergeable and serializable.
 */
#ifndef SVY_CALIB_DOMAIN_H
#define SVY_CALIB_DOMAIN_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "accum.h"
#include "design.h"

typedef struct SvyCalibScores SvyCalibScores;

/* A row's value of one total: T_var += w * val. */
typedef struct SvyCalibScore
{
	int			var;
	double		val;
} SvyCalibScore;

/* nrep: the replicates of a replicate base design, else 0 */
extern SvyCalibScores *svy_calib_scores_create(MemoryContext cxt, int k, bool per_row, int nrep);
/*
 * Whether a row of this design is made a PSU of its own (svy_calib_row_psu):
 * calibrated, no PSUs, more numeric auxiliaries than the per-stratum moments
 * of the scores take.
 */
extern bool svy_calib_scores_row_psu(const SvyDesign *d);
/*
 * A row of a calibrated design d with its n score values: feeds base (the
 * base design and the calibration; svy_linear_row_calibrated) and *csp
 * (created in base's context on the first row).  Returns the index of the
 * row's stratum in base, as svy_accum_row().  group_var: the svy_by group
 * total the row belongs to, or -1 (replicate bases keep the group's rank).
 */
extern int	svy_calib_scores_row(SvyCalibScores **csp, SvyAccum *base, const SvyDesign *d,
								const SvyCalibScore *score, int n, int group_var);
/* var_map: from's variables as into's caller numbers them */
extern void svy_calib_scores_merge(SvyCalibScores **into, const SvyCalibScores *from,
								   const int *var_map, MemoryContext cxt);
extern void svy_calib_scores_serialize(const SvyCalibScores *cs, StringInfo buf);
/* base: the state's base accumulator, already read; nvars: the caller's totals */
extern SvyCalibScores *svy_calib_scores_deserialize(StringInfo buf, MemoryContext cxt,
													const SvyAccum *base, int nvars);
/*
 * Solve the calibration of base's rows; write the calibrated totals
 * (total, K), the calibrated sums of squares sum w t^2 (sumsq, K; design
 * effects) and their design covariance (V, K x K, residualised scores;
 * every stratum counts for every total) of the K final totals,
 * final_of_var mapping each of the caller's nvars variables to one (or -1).
 */
extern void svy_calib_scores_finish(const SvyCalibScores *cs, SvyAccum *base,
									const int *final_of_var, int nvars, int K,
									double *total, double *sumsq, double *V);
/*
 * Replicate bases: the calibrated totals (total, K), sums of squares
 * (sumsq, K, as above) and their values with each replicate's calibrated
 * weights (tr, K x nrep), R's calibrated degf (calib_rep.c) and, per
 * variable (nvars), the degf of the svy_by group it counts (NaN if none).
 */
extern void svy_calib_scores_rep_finish(const SvyCalibScores *cs, SvyAccum *base,
										const int *final_of_var, int nvars, int K,
										double *total, double *sumsq, double *tr,
										double *degf, double *group_df);

#endif
