/*
 * idmap.c — 128-bit key -> dense index map on simplehash.
 */
#include "postgres.h"

#include "idmap.h"

typedef struct IdKey
{
	uint64		w[2];
} IdKey;

typedef struct IdSlot
{
	IdKey		key;
	char		status;
	int32		index;
} IdSlot;

#define SH_PREFIX idtab
#define SH_ELEMENT_TYPE IdSlot
#define SH_KEY_TYPE IdKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) svy_hash_mix((k).w[0], (k).w[1])
#define SH_EQUAL(tb, a, b) ((a).w[0] == (b).w[0] && (a).w[1] == (b).w[1])
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

struct SvyIdMap
{
	idtab_hash *tab;
	int			size;
};

SvyIdMap *
svy_idmap_create(MemoryContext cxt, uint32 size)
{
	SvyIdMap   *m = MemoryContextAlloc(cxt, sizeof(SvyIdMap));

	m->tab = idtab_create(cxt, size, NULL);
	m->size = 0;
	return m;
}

int
svy_idmap_insert(SvyIdMap *m, uint64 k0, uint64 k1, bool *found)
{
	IdKey		key = {{k0, k1}};
	IdSlot	   *slot = idtab_insert(m->tab, key, found);

	if (!*found)
		slot->index = m->size++;
	return slot->index;
}

int
svy_idmap_find(SvyIdMap *m, uint64 k0, uint64 k1)
{
	IdKey		key = {{k0, k1}};
	IdSlot	   *slot = idtab_lookup(m->tab, key);

	return slot ? slot->index : -1;
}

int
svy_idmap_size(const SvyIdMap *m)
{
	return m->size;
}
