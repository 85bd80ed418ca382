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

/* murmur3's 64-bit finalizer over two words: small packed integers spread well */
static inline uint32
svy_hash_mix(uint64 a, uint64 b)
{
	uint64		x = a ^ (b * UINT64CONST(0x9E3779B97F4A7C15));

	x ^= x >> 33;
	x *= UINT64CONST(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64CONST(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return (uint32) x;
}

extern SvyIdMap *svy_idmap_create(MemoryContext cxt, uint32 size);
/* Index of key; a new key gets the next index (the map's size before). */
extern int	svy_idmap_insert(SvyIdMap *m, uint64 k0, uint64 k1, bool *found);
/* Index of key, or -1. */
extern int	svy_idmap_find(SvyIdMap *m, uint64 k0, uint64 k1);
extern int	svy_idmap_size(const SvyIdMap *m);

#endif
