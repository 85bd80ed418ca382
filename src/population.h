/*
 * population.h — the svy_population value: known population margins for
 * calibration (SPEC §9).
 *
 * A population is a list of variables in the order of their first row.
 * A categorical variable has levels (distinct, non-empty names) with
 * population counts; a numeric variable has one population total.
 *
 * Stored as a varlena of packed fields (read with memcpy, so no alignment
 * rules): a header with a format version, the number of variables and a
 * 64-bit hash of the body (a quick first test that the rows of one
 * aggregate carry the same population), then per variable:
 * int32 name length, name, int32 number of levels (-1: numeric), then
 * either the float8 total or, per level, int32 length, name, float8 total.
 * Values only come from svy_population_in/recv or the aggregate, all of
 * which validate through svy_population_build().
 */
#ifndef SVY_POPULATION_H
#define SVY_POPULATION_H

#include "postgres.h"

#include "lib/stringinfo.h"

#define SVY_POP_NUMERIC		(-1)

typedef struct SvyPopVar
{
	char	   *name;
	int			nlevels;		/* SVY_POP_NUMERIC for a numeric variable */
	char	  **levels;			/* nlevels */
	int		   *level_len;		/* nlevels: strlen of each (parsed values only) */
	double	   *totals;			/* nlevels, or 1 for numeric */
	/* parsed values only: an open-addressing index of the levels (per-row lookups) */
	int32	   *level_slot;		/* level_mask + 1 slots: level index + 1, 0 = empty */
	uint32		level_mask;
} SvyPopVar;

typedef struct SvyPop
{
	int			nvar;
	SvyPopVar  *vars;
	int			ncat;			/* categorical variables */
	int			nnum;			/* numeric variables */
	uint64		hash;
} SvyPop;

/* Validate (errors as SPEC §9) and pack a population. */
extern struct varlena *svy_population_build(const SvyPop *p);
/* Unpack a stored value (palloc'd in the current context). */
extern SvyPop *svy_population_parse(struct varlena *v);
/* The stored hash of a packed value, without unpacking it. */
extern uint64 svy_population_hash(struct varlena *v);
/* The binary (send/receive) format, portable; receive validates all. */
extern void svy_population_send_buf(struct varlena *v, StringInfo buf);
extern struct varlena *svy_population_recv_buf(StringInfo buf);
/* Index of level name in a categorical variable, or -1 (hashed for parsed values). */
extern int	svy_pop_level_index(const SvyPopVar *var, const char *level, int len);

#endif
