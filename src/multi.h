/*
 * multi.h — the svy_domains and svy_table values: many estimated totals of
 * one design with their full design covariance, from which the readers
 * (svy_groups, svy_pairwise, svy_cells, svy_chisq) derive every mean,
 * proportion, difference and test.
 *
 * The K "variables" are estimated population totals T_k:
 *   svy_by      2 per group g:  T_2g = sum w y [g],  T_2g+1 = sum w [g]
 *   svy_dist    1 per category: T_c = sum w [x = c]   (denominator: sum of all)
 *   svy_choices 1 per option:   T_k = sum w [k chosen], last: sum w (respondents)
 *   svy_tab     1 per cell:     T_(r nc + c) = sum w [row = r, col = c]
 * Linearization designs carry the K x K covariance of the totals; replicate
 * designs carry the totals of every replicate, so ratios are recomputed per
 * replicate as R does.  Stored in native byte order, like arrays.
 */
#ifndef SVY_MULTI_H
#define SVY_MULTI_H

#include "postgres.h"

#define SVY_MULTI_VERSION 1

typedef enum SvyMultiKind
{
	SVY_MULTI_BY = 1,
	SVY_MULTI_DIST,
	SVY_MULTI_CHOICES,
	SVY_MULTI_TAB
} SvyMultiKind;

/* Largest number of totals (K) a value may hold: the K x K covariance must fit. */
#define SVY_MULTI_MAX_VARS 2000

typedef struct SvyMulti
{
	int32		vl_len_;
	uint8		version;
	uint8		kind;			/* SvyMultiKind */
	uint8		boolean_outcome;	/* svy_by of a boolean: proportions */
	uint8		mse;
	int32		nlev1;			/* groups, categories, options or table rows */
	int32		nlev2;			/* table columns (else 0) */
	int32		k;				/* totals */
	int32		nrep;			/* 0: linearization */
	float8		scale;			/* replicate variance scale */
	float8		nrow;			/* rows of the design object */
	float8		df;				/* df of the rows with a non-NULL outcome */
	float8		nu;				/* df of the design object (svy_chisq) */
	/* then, each MAXALIGNed: double T[k], n[k], df[k], cyy[k], rows[k];
	 * V[k*k] (linearization) or Tr[k*nrep], rscales[nrep] (replicate);
	 * then nlev1 + nlev2 NUL-terminated labels */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} SvyMulti;

typedef struct SvyMultiArrays
{
	double	   *t;				/* estimated totals */
	double	   *n;				/* rows with non-zero weight behind each total */
	double	   *df;				/* df per total (svy_by: per group) */
	double	   *cyy;			/* svy_by: sum w (y - mean)^2 per group, for deff */
	double	   *rows;			/* svy_by: rows of the group's design object */
	double	   *v;				/* K x K covariance (linearization) */
	double	   *tr;				/* K x nrep replicate totals (replicate) */
	double	   *rscales;		/* nrep */
	char	   *labels;
} SvyMultiArrays;

/* Size of a value with these dimensions and label bytes. */
extern Size svy_multi_size(int k, int nrep, Size label_bytes);
/* Pointers into a value's arrays. */
extern void svy_multi_arrays(const SvyMulti *m, SvyMultiArrays *a);
/* The i-th label (dimension 1 then 2). */
extern const char *svy_multi_label(const SvyMulti *m, const SvyMultiArrays *a, int i);

#define DatumGetSvyMultiP(X) ((SvyMulti *) PG_DETOAST_DATUM(X))

#endif
