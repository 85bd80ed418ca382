/*
 * population.h — the svy_population value: known population margins for
 * calibration (SPEC §9).
 *
 * A population is a list of variables in the order of their first row.
 * A categorical variable has levels (distinct names, the empty string allowed) with
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

#include "words.h"

#define SVY_POP_NUMERIC		(-1)

typedef struct SvyPopVar
{
	char	   *name;
	int			nlevels;		/* SVY_POP_NUMERIC for a numeric variable */
	char	  **levels;			/* nlevels */
	int		   *level_len;		/* nlevels: strlen of each (parsed values only) */
	double	   *totals;			/* nlevels, or 1 for numeric */
	/* parsed values only: an open-addressing index of the levels (per-row lookups) */
	struct SvyPopSlot *level_slot;	/* level_mask + 1 slots */
	uint32		level_mask;
	uint32		level_last;		/* the slot found last (rows often repeat a level) */
} SvyPopVar;

/* A slot of a level index: the level's bytes as words (svy_load_words3) and its index. */
typedef struct SvyPopSlot
{
	uint64		w[3];
	int32		len;
	int32		level1;			/* level index + 1, 0 = empty */
} SvyPopSlot;

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
/* The stored hash of a packed value, without unpacking it (inline: svy_calibrate, per row). */
static inline uint64
svy_population_hash(struct varlena *v)
{
	uint64		hash;

	memcpy(&hash, VARDATA_ANY(v) + 8, 8);
	return hash;
}
/* The binary (send/receive) format, portable; receive validates all. */
extern void svy_population_send_buf(struct varlena *v, StringInfo buf);
extern struct varlena *svy_population_recv_buf(StringInfo buf);

/* A level's slot: svy_words_hash of its words (svy_load_words3). */
static inline uint32
svy_pop_slot_of(const uint64 w[3], int len, uint32 mask)
{
	return (uint32) (((svy_words_hash(len, w[0], w[1]) ^ w[2]) * SVY_WORDS_MUL) >> 40) & mask;
}

/* Is slot e level (len bytes as words w)? */
static inline bool
svy_pop_slot_is(const SvyPopVar *var, const SvyPopSlot *e, const uint64 w[3], const char *level, int len)
{
	return e->w[0] == w[0] && e->w[1] == w[1] && e->w[2] == w[2] && e->len == len && e->level1 != 0 &&
		(len <= 24 || memcmp(var->levels[e->level1 - 1], level, len) == 0);
}

/*
 * Index of level name in a categorical variable, or -1: parsed values
 * through their index (svy_calibrate, per row and level), inline: a level
 * of up to 24 bytes costs its words loaded and compared with the slot found
 * last, else hashed and compared with its slot's; longer ones a memcmp too.
 */
static pg_attribute_always_inline int
svy_pop_level_index(SvyPopVar *var, const char *level, int len)
{
	uint64		w[3];

	Assert(var->level_slot != NULL);
	svy_load_words3(level, len, w);
	if (svy_pop_slot_is(var, &var->level_slot[var->level_last], w, level, len))
		return var->level_slot[var->level_last].level1 - 1;
	for (uint32 i = svy_pop_slot_of(w, len, var->level_mask);; i = (i + 1) & var->level_mask)
	{
		if (var->level_slot[i].level1 == 0)
			return -1;
		if (svy_pop_slot_is(var, &var->level_slot[i], w, level, len))
		{
			var->level_last = i;
			return var->level_slot[i].level1 - 1;
		}
	}
}

#endif
