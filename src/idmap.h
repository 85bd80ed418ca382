/*
 * idmap.h — a map from 128-bit keys to dense indexes 0, 1, 2, ...
 * Used for strata, categories and sparse sums: the caller keeps the data in
 * arrays indexed by the dense index, so iteration order is insertion order
 * and merging states only needs a key -> index translation.
 */
#ifndef SVY_IDMAP_H
#define SVY_IDMAP_H

#include "postgres.h"

typedef struct SvyIdMap SvyIdMap;

extern SvyIdMap *svy_idmap_create(MemoryContext cxt, uint32 size);
/* Index of key; a new key gets the next index (the map's size before). */
extern int	svy_idmap_insert(SvyIdMap *m, uint64 k0, uint64 k1, bool *found);
/* Index of key, or -1. */
extern int	svy_idmap_find(SvyIdMap *m, uint64 k0, uint64 k1);
extern int	svy_idmap_size(const SvyIdMap *m);

#endif
