/*
 * words.h — the bytes of a short value as two machine words, so that values
 * of up to 16 bytes compare and hash without memcmp (per-row lookups of
 * short names: population levels).
 */
#ifndef SVY_WORDS_H
#define SVY_WORDS_H

#include "postgres.h"

/*
 * The bytes of a value of up to 16 bytes as two words: the first 8 and the
 * last 8 (overlapping), the second 0 for up to 8 bytes, shorter values in
 * two overlapping halves.  For a given length equal words are equal bytes.
 * In the machine's byte order: compare them only within this backend.
 * Never reads past the value.  A longer value gets its first and last 8
 * bytes (equal words then do not mean equal bytes).
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

#endif
