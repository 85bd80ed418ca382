/*
 * words.h — the bytes of a short value as machine words, so that values of
 * up to 16 (24) bytes compare and hash without memcmp (per-row lookups of short
 * keys: design.c's identity cache, domain.c's category cache, population
 * levels).
 */
#ifndef SVY_WORDS_H
#define SVY_WORDS_H

#include "postgres.h"

/*
 * The bytes of a variable-length value stored inline and uncompressed (a
 * table's short 1-byte header first); false if it is out of line or
 * compressed.
 */
static inline bool
svy_varlena_inline(Datum value, const char **data, int *len)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(value);

	if (VARATT_IS_1B(v) && !VARATT_IS_1B_E(v))
	{
		*len = VARSIZE_1B(v) - VARHDRSZ_SHORT;
		*data = VARDATA_1B(v);
		return true;
	}
	if (VARATT_IS_4B_U(v))
	{
		*len = VARSIZE_4B(v) - VARHDRSZ;
		*data = VARDATA_4B(v);
		return true;
	}
	return false;
}

/*
 * The bytes of a value of up to 16 bytes as two words: the first 8 and the
 * last 8 (overlapping), the second 0 for up to 8 bytes, shorter values in
 * two overlapping halves.  For a given length equal words are equal bytes.
 * In the machine's byte order: they are compared only within this backend.
 * Never reads past the value.
 */
static inline void
svy_load_short(const unsigned char *p, int len, uint64 *w0, uint64 *w1)
{
	*w1 = 0;
	if (len >= 8)
	{
		memcpy(w0, p, 8);
		if (len > 8)
			memcpy(w1, p + len - 8, 8);
	}
	else if (len >= 4)
	{
		uint32		lo,
					hi;

		memcpy(&lo, p, 4);
		memcpy(&hi, p + len - 4, 4);
		*w0 = lo | (uint64) hi << 32;
	}
	else if (len > 0)
		*w0 = p[0] | (uint64) p[len / 2] << 8 | (uint64) p[len - 1] << 16;
	else
		*w0 = 0;
}

/*
 * The bytes of a value of up to 24 bytes as three words: svy_load_short of
 * its first 16 bytes, then its last 8 (0 for up to 16 bytes).  For a given
 * length equal words are equal bytes; a longer value gets its first 16 and
 * last 8 bytes only.
 */
static inline void
svy_load_words3(const char *p, int len, uint64 w[3])
{
	svy_load_short((const unsigned char *) p, len > 16 ? 16 : len, &w[0], &w[1]);
	w[2] = 0;
	if (len > 16)
		memcpy(&w[2], p + len - 8, 8);
}

/*
 * A quick hash of a value's words (a cache slot, not an identity): a
 * multiplicative chain whose high bits every byte moves; further words are
 * added as (h ^ w) * SVY_WORDS_MUL.
 */
#define SVY_WORDS_MUL UINT64CONST(0xff51afd7ed558ccd)

static inline uint64
svy_words_hash(int len, uint64 w0, uint64 w1)
{
	return (((w0 + (uint64) len) * SVY_WORDS_MUL) ^ w1) * SVY_WORDS_MUL;
}

#endif
