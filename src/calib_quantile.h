/*
 * calib_quantile.h — svy_quantile on calibrated designs (calib_quantile.c):
 * the hooks quantile.c calls when its rows carry a calibration.
 */
#ifndef SVY_CALIB_QUANTILE_H
#define SVY_CALIB_QUANTILE_H

#include "postgres.h"

#include "estimator.h"
#include "quantile_state.h"

/* A row of a calibrated design (or any row once the state is calibrated). */
extern void svy_calib_quantile_row(QState *s, const SvyDesign *d, double y, bool y_null);
/*
 * Per unit: the factor of its cells' weights in the calibrated
 * distribution, and whether its cells count rows (palloc'd arrays).
 */
extern void svy_calib_quantile_units(const QState *s, double **coef, bool **counts);
/*
 * Replicate designs: every replicate calibrated, per replicate r and unit u
 * the factor (*coef)[r nunits + u] of its cells' replicate sums, and
 * whether its cells count rows (palloc'd arrays).
 */
extern void svy_calib_quantile_rep_units(const QState *s, double **coef, bool **counts);
/* The calibrated share of I(y <= q): estimate, SE and df in *res. */
extern void svy_calib_quantile_share(QState *s, double q, double level, SvyResult *res);
/* R's nrow(design) for the beta and score intervals. */
extern double svy_calib_quantile_nrow(const QState *s);

#endif
