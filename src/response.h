/*
 * response.h -- survey response types: likert and choices (SPEC section 6).
 *
 * Shared by src/likert.c, src/choices.c, src/response.c (what the two types
 * have in common: missing reasons, the lexer of their text input) and by the
 * estimation code (svy_dist, svy_choices, svy_mean(likert)), which should
 * read values only through the inline accessors below.
 *
 * Missing reasons
 *   Both types carry either a valid answer or one of five missing reasons.
 *   The numeric codes are also the sort order (missing reasons sort after
 *   valid answers, in this order).  0 means "valid answer".
 *
 * likert (pass-by-value, 4 bytes, int4 alignment)
 *   byte 0: lo    (int8, scale lower bound, LIKERT_BOUND_MIN..LIKERT_BOUND_MAX)
 *   byte 1: hi    (int8, scale upper bound, lo < hi)
 *   byte 2: value (int8, lo..hi; always 0 when missing)
 *   byte 3: missing reason (SurveyMissing; 0 = valid)
 *   The packing is canonical, so equality is equality of the uint32.
 *   Unscaled value: lo == hi == 0.  Text input of a bare '4' or 'dk' where
 *   no type modifier is known yields an unscaled value; the length-coercion
 *   cast to likert(k) gives it its scale.  Columns declared likert(k) never
 *   hold unscaled values, but an untyped likert column may; estimation code
 *   should reject them (likert_has_scale() false).
 *
 * choices (pass-by-reference, fixed length 12 bytes, int4 alignment)
 *   a 64-bit mask (bit k-1 set <=> option k chosen, options 1..64) stored as
 *   two uint32 halves, and a missing reason (mask is 0 when missing).
 */
#ifndef SURVEY_RESPONSE_H
#define SURVEY_RESPONSE_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/lsyscache.h"

/* ---------- missing reasons ---------- */

typedef enum SurveyMissing
{
	SURVEY_MISSING_NONE = 0,	/* valid answer */
	SURVEY_MISSING_DK = 1,		/* "dk": don't know */
	SURVEY_MISSING_REFUSED = 2, /* "refused" */
	SURVEY_MISSING_NA = 3,		/* "na": not applicable */
	SURVEY_MISSING_SKIPPED = 4, /* "skipped": not asked / routed past */
	SURVEY_MISSING_NO_ANSWER = 5	/* "no_answer" */
} SurveyMissing;

#define SURVEY_MISSING_FIRST	SURVEY_MISSING_DK
#define SURVEY_MISSING_LAST		SURVEY_MISSING_NO_ANSWER
#define SURVEY_MISSING_COUNT	5	/* number of missing reasons */

/* Name of a missing reason ("dk", ...), or NULL for 0 / out-of-range codes. */
extern const char *survey_missing_name(int reason);

/*
 * Parse a missing reason name (case-insensitive, exactly len bytes, no
 * surrounding whitespace).  Returns 1..5, or 0 if s is not a reason name.
 */
extern int	survey_missing_parse(const char *s, size_t len);

/* ---------- the lexer of both types' text input (response.c) ---------- */

/* p moved past ASCII white space */
extern const char *survey_lex_space(const char *p);
/*
 * A word (letters and '_') at *pp: *pp moved past it, its missing reason
 * returned (0: the word is none); -1 (*pp unmoved) when no word starts there.
 */
extern int	survey_lex_reason(const char **pp);
/*
 * An optionally signed decimal integer at *pp, its magnitude saturated at
 * limit: *pp moved past it; false (*pp unmoved) when no digit follows.
 */
extern bool survey_lex_int(const char **pp, long limit, long *out);
/* invalid input syntax for type (likert, choices), with detail unless NULL */
extern void survey_syntax_error(const char *type, const char *str, const char *detail) pg_attribute_noreturn();

/* ---------- likert ---------- */

typedef uint32 Likert;

#define LIKERT_BOUND_MIN	(-100)
#define LIKERT_BOUND_MAX	100

static inline int
likert_lo(Likert x)
{
	return (int) (int8) (x & 0xFF);
}

static inline int
likert_hi(Likert x)
{
	return (int) (int8) ((x >> 8) & 0xFF);
}

/* Valid value (only meaningful when !likert_is_missing(x); 0 otherwise). */
static inline int
likert_value(Likert x)
{
	return (int) (int8) ((x >> 16) & 0xFF);
}

/* Missing reason: SURVEY_MISSING_NONE (0) for a valid answer, else 1..5. */
static inline int
likert_missing(Likert x)
{
	return (int) ((x >> 24) & 0xFF);
}

static inline bool
likert_is_missing(Likert x)
{
	return likert_missing(x) != SURVEY_MISSING_NONE;
}

/* False for an unscaled value (bare '4' with no type modifier). */
static inline bool
likert_has_scale(Likert x)
{
	return likert_lo(x) < likert_hi(x);
}

/* Number of scale points, hi - lo + 1 (only when likert_has_scale(x)). */
static inline int
likert_npoints(Likert x)
{
	return likert_hi(x) - likert_lo(x) + 1;
}

/* 0-based index of the valid value on its scale (value - lo). */
static inline int
likert_index(Likert x)
{
	return likert_value(x) - likert_lo(x);
}

/*
 * Build a likert value.  The caller guarantees validity (bounds, lo < hi,
 * lo <= value <= hi when missing == 0; or lo == hi == 0 for an unscaled
 * value); value is ignored when missing != 0.
 */
static inline Likert
likert_make(int lo, int hi, int value, int missing)
{
	if (missing != SURVEY_MISSING_NONE)
		value = 0;
	return ((uint32) (uint8) (int8) lo) |
		((uint32) (uint8) (int8) hi << 8) |
		((uint32) (uint8) (int8) value << 16) |
		((uint32) (uint8) missing << 24);
}

#define DatumGetLikert(d)		((Likert) DatumGetUInt32(d))
#define LikertGetDatum(x)		UInt32GetDatum(x)
#define PG_GETARG_LIKERT(n)		DatumGetLikert(PG_GETARG_DATUM(n))
#define PG_RETURN_LIKERT(x)		return LikertGetDatum(x)

/*
 * likert type modifier: ((lo + 128) << 8) | (hi + 128); -1 = no modifier.
 */
static inline int32
likert_typmod_make(int lo, int hi)
{
	return (int32) (((lo + 128) << 8) | (hi + 128));
}

static inline int
likert_typmod_lo(int32 typmod)
{
	return ((typmod >> 8) & 0xFF) - 128;
}

static inline int
likert_typmod_hi(int32 typmod)
{
	return (typmod & 0xFF) - 128;
}

/* ---------- choices ---------- */

#define CHOICES_MAX_OPTION	64

typedef struct Choices
{
	uint32		bits_lo;		/* options 1..32 (bit k-1) */
	uint32		bits_hi;		/* options 33..64 (bit k-33) */
	uint32		missing;		/* SurveyMissing; 0 = valid answer */
} Choices;

static inline uint64
choices_bits(const Choices *c)
{
	return ((uint64) c->bits_hi << 32) | (uint64) c->bits_lo;
}

static inline int
choices_missing(const Choices *c)
{
	return (int) c->missing;
}

static inline bool
choices_is_missing(const Choices *c)
{
	return c->missing != SURVEY_MISSING_NONE;
}

/* Is option k (1..64) chosen?  False for out-of-range k or missing values. */
static inline bool
choices_has(const Choices *c, int k)
{
	if (k < 1 || k > CHOICES_MAX_OPTION)
		return false;
	return (choices_bits(c) >> (k - 1)) & 1;
}

/* Fill *c (all fields, so the bytes are canonical for hashing). */
static inline void
choices_set(Choices *c, uint64 bits, int missing)
{
	if (missing != SURVEY_MISSING_NONE)
		bits = 0;
	c->bits_lo = (uint32) (bits & 0xFFFFFFFFu);
	c->bits_hi = (uint32) (bits >> 32);
	c->missing = (uint32) missing;
}

#define DatumGetChoicesP(d)		((Choices *) DatumGetPointer(d))
#define ChoicesPGetDatum(p)		PointerGetDatum(p)
#define PG_GETARG_CHOICES_P(n)	DatumGetChoicesP(PG_GETARG_DATUM(n))
#define PG_RETURN_CHOICES_P(p)	return ChoicesPGetDatum(p)

/* The types' I/O functions, which other files call or recognise types by. */
extern Datum likert_out(PG_FUNCTION_ARGS);
extern Datum likert_recv(PG_FUNCTION_ARGS);
extern Datum choices_out(PG_FUNCTION_ARGS);

/* Is typid one of this extension's types (known by its output function)? */
static inline bool
svy_type_output_is(Oid typid, PGFunction out)
{
	Oid			outfn;
	bool		varlena;
	FmgrInfo	f;

	getTypeOutputInfo(typid, &outfn, &varlena);
	fmgr_info(outfn, &f);
	return f.fn_addr == out;
}

static inline bool
svy_type_is_likert(Oid typid)
{
	return svy_type_output_is(typid, likert_out);
}

static inline bool
svy_type_is_choices(Oid typid)
{
	return svy_type_output_is(typid, choices_out);
}

#endif							/* SURVEY_RESPONSE_H */
