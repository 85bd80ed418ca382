/*
 * likert.c -- the likert type (a rating answer on a fixed scale).  See
 * response.h for the representation and docs/response-types.md for the
 * user-facing rules; response.c holds the missing reasons and the lexer.
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/sortsupport.h"

#include "response.h"
#include "wire.h"

/* integers of the text saturate here, beyond every bound (range checks reject them) */
#define LIKERT_SATURATE 1000000000L

static bool
likert_scale_ok(long lo, long hi)
{
	return lo >= LIKERT_BOUND_MIN && hi <= LIKERT_BOUND_MAX && lo < hi;
}

/* "1..5" style scale text */
static char *
scale_text(int lo, int hi)
{
	return psprintf("%d..%d", lo, hi);
}

/* "likert(5)" / "likert(0,10)" */
static char *
typmod_text(int32 typmod)
{
	int			lo = likert_typmod_lo(typmod);
	int			hi = likert_typmod_hi(typmod);

	if (lo == 1)
		return psprintf("likert(%d)", hi);
	return psprintf("likert(%d,%d)", lo, hi);
}

static void
check_typmod_valid(int32 typmod)
{
	if (typmod >= 0 &&
		!likert_scale_ok(likert_typmod_lo(typmod), likert_typmod_hi(typmod)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid likert type modifier %d", typmod)));
}

static void
syntax_error(const char *str, const char *detail)
{
	survey_syntax_error("likert", str, detail);
}

/*
 * Text input.  Grammar (whitespace allowed around tokens):
 *     ( [+-]digits | reason ) [ '/' ( k | lo '..' hi ) ]
 * The scale part is required when typmod < 0; when given together with a
 * typmod it must equal the typmod's scale.
 */
static Likert
likert_parse(const char *str, int32 typmod)
{
	const char *p = survey_lex_space(str);
	int			reason;
	long		value = 0;
	long		lo,
				hi;
	bool		have_scale = false;

	check_typmod_valid(typmod);

	reason = survey_lex_reason(&p);
	if (reason == SURVEY_MISSING_NONE)
		syntax_error(str, "Expected an integer or a missing reason (dk, refused, na, skipped, no_answer).");
	if (reason < 0)
	{
		reason = SURVEY_MISSING_NONE;
		if (!survey_lex_int(&p, LIKERT_SATURATE, &value))
			syntax_error(str, NULL);
	}

	p = survey_lex_space(p);
	if (*p == '/')
	{
		long		a;

		p = survey_lex_space(p + 1);
		if (!survey_lex_int(&p, LIKERT_SATURATE, &a))
			syntax_error(str, "Expected a scale after \"/\", as in '3/5' or '7/0..10'.");
		p = survey_lex_space(p);
		if (p[0] == '.' && p[1] == '.')
		{
			p = survey_lex_space(p + 2);
			lo = a;
			if (!survey_lex_int(&p, LIKERT_SATURATE, &hi))
				syntax_error(str, "Expected an upper bound after \"..\".");
			p = survey_lex_space(p);
		}
		else
		{
			lo = 1;
			hi = a;
		}
		have_scale = true;
	}
	if (*p != '\0')
		syntax_error(str, NULL);

	if (have_scale)
	{
		if (lo < LIKERT_BOUND_MIN || lo > LIKERT_BOUND_MAX ||
			hi < LIKERT_BOUND_MIN || hi > LIKERT_BOUND_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("likert scale bounds in \"%s\" are out of range", str),
					 errdetail("Scale bounds must lie between %d and %d.",
							   LIKERT_BOUND_MIN, LIKERT_BOUND_MAX)));
		if (lo >= hi)
			syntax_error(str, "The scale's lower bound must be less than its upper bound.");
		if (typmod >= 0 &&
			(lo != likert_typmod_lo(typmod) || hi != likert_typmod_hi(typmod)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("likert scale %s in \"%s\" does not match type %s",
							scale_text(lo, hi), str, typmod_text(typmod))));
	}
	else if (typmod >= 0)
	{
		lo = likert_typmod_lo(typmod);
		hi = likert_typmod_hi(typmod);
	}
	else
	{
		/* unscaled: the length-coercion cast will give it a scale */
		if (reason == SURVEY_MISSING_NONE &&
			(value < LIKERT_BOUND_MIN || value > LIKERT_BOUND_MAX))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value \"%s\" is out of range for type likert", str),
					 errdetail("Likert values lie between %d and %d.",
							   LIKERT_BOUND_MIN, LIKERT_BOUND_MAX)));
		return likert_make(0, 0, (int) value, reason);
	}

	if (reason == SURVEY_MISSING_NONE && (value < lo || value > hi))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value \"%s\" is out of range for likert scale %s",
						str, scale_text(lo, hi))));

	return likert_make((int) lo, (int) hi, (int) value, reason);
}

/*
 * Apply typmod to x: an unscaled value gets the typmod's scale (range
 * checked); a scaled value must already have it.  No-op for typmod < 0.
 */
static Likert
enforce_typmod(Likert x, int32 typmod)
{
	int			lo,
				hi;

	check_typmod_valid(typmod);
	if (typmod < 0)
		return x;
	lo = likert_typmod_lo(typmod);
	hi = likert_typmod_hi(typmod);
	if (!likert_has_scale(x))
	{
		if (!likert_is_missing(x) &&
			(likert_value(x) < lo || likert_value(x) > hi))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value %d is out of range for likert scale %s",
							likert_value(x), scale_text(lo, hi))));
		return likert_make(lo, hi, likert_value(x), likert_missing(x));
	}
	if (likert_lo(x) != lo || likert_hi(x) != hi)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("likert scale %s does not match type %s",
						scale_text(likert_lo(x), likert_hi(x)), typmod_text(typmod))));
	return x;
}

/* "4/5", "dk/0..10", or "4" for an unscaled value */
static char *
likert_to_cstring(Likert x)
{
	char		head[32];

	if (likert_is_missing(x))
		snprintf(head, sizeof(head), "%s", survey_missing_name(likert_missing(x)));
	else
		snprintf(head, sizeof(head), "%d", likert_value(x));

	if (!likert_has_scale(x))
		return pstrdup(head);
	if (likert_lo(x) == 1)
		return psprintf("%s/%d", head, likert_hi(x));
	return psprintf("%s/%d..%d", head, likert_lo(x), likert_hi(x));
}

/* Error for functions that need a scale. */
static void
require_scale(Likert x)
{
	if (!likert_has_scale(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("likert value \"%s\" has no scale", likert_to_cstring(x)),
				 errhint("Cast it to likert(k) or likert(lo, hi), or write the scale in the literal, as in '4/5'.")));
}

/* ---------------- I/O ---------------- */

PG_FUNCTION_INFO_V1(likert_in);
Datum
likert_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int32		typmod = PG_NARGS() > 2 ? PG_GETARG_INT32(2) : -1;

	PG_RETURN_LIKERT(likert_parse(str, typmod));
}

PG_FUNCTION_INFO_V1(likert_out);
Datum
likert_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(likert_to_cstring(PG_GETARG_LIKERT(0)));
}

/*
 * Binary format: 4 bytes -- lo (int8), hi (int8), missing reason (uint8),
 * value (int8; must be 0 when missing).  Receive validates exactly what text
 * input validates, including the typmod.
 */
PG_FUNCTION_INFO_V1(likert_recv);
Datum
likert_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		typmod = PG_NARGS() > 2 ? PG_GETARG_INT32(2) : -1;
	int			lo,
				hi,
				reason,
				value;
	Likert		x;

	lo = (int8) svy_wire_byte(buf);
	hi = (int8) svy_wire_byte(buf);
	reason = (uint8) svy_wire_byte(buf);
	value = (int8) svy_wire_byte(buf);

	if (!likert_scale_ok(lo, hi) && !(lo == 0 && hi == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid likert scale %d..%d in external binary value", lo, hi)));
	if (reason > SURVEY_MISSING_LAST)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid missing reason code %d in external likert value", reason)));
	if (reason != SURVEY_MISSING_NONE && value != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external likert value: missing reason with nonzero value")));
	if (reason == SURVEY_MISSING_NONE && lo == 0 && hi == 0 &&
		(value < LIKERT_BOUND_MIN || value > LIKERT_BOUND_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value %d is out of range for type likert", value)));
	if (reason == SURVEY_MISSING_NONE && lo < hi && (value < lo || value > hi))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value %d is out of range for likert scale %s",
						value, scale_text(lo, hi))));
	x = likert_make(lo, hi, value, reason);
	PG_RETURN_LIKERT(enforce_typmod(x, typmod));
}

PG_FUNCTION_INFO_V1(likert_send);
Datum
likert_send(PG_FUNCTION_ARGS)
{
	Likert		x = PG_GETARG_LIKERT(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, (uint8) (int8) likert_lo(x));
	pq_sendbyte(&buf, (uint8) (int8) likert_hi(x));
	pq_sendbyte(&buf, (uint8) likert_missing(x));
	pq_sendbyte(&buf, (uint8) (int8) likert_value(x));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------- type modifier ---------------- */

PG_FUNCTION_INFO_V1(likert_typmod_in);
Datum
likert_typmod_in(PG_FUNCTION_ARGS)
{
	ArrayType  *ta = PG_GETARG_ARRAYTYPE_P(0);
	int32	   *tl;
	int			n;
	long		lo,
				hi;

	tl = ArrayGetIntegerTypmods(ta, &n);
	if (n == 1)
	{
		lo = 1;
		hi = tl[0];
	}
	else if (n == 2)
	{
		lo = tl[0];
		hi = tl[1];
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid type modifier for type likert"),
				 errhint("Use likert(k) for a 1..k scale or likert(lo, hi).")));

	if (lo < LIKERT_BOUND_MIN || hi > LIKERT_BOUND_MAX || lo >= hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid likert scale %ld..%ld", lo, hi),
				 errdetail("Scale bounds must satisfy %d <= lo < hi <= %d (likert(k) needs 2 <= k <= %d).",
						   LIKERT_BOUND_MIN, LIKERT_BOUND_MAX, LIKERT_BOUND_MAX)));

	PG_RETURN_INT32(likert_typmod_make((int) lo, (int) hi));
}

PG_FUNCTION_INFO_V1(likert_typmod_out);
Datum
likert_typmod_out(PG_FUNCTION_ARGS)
{
	int32		typmod = PG_GETARG_INT32(0);
	int			lo,
				hi;

	if (typmod < 0)
		PG_RETURN_CSTRING(pstrdup(""));
	lo = likert_typmod_lo(typmod);
	hi = likert_typmod_hi(typmod);
	if (lo == 1)
		PG_RETURN_CSTRING(psprintf("(%d)", hi));
	PG_RETURN_CSTRING(psprintf("(%d,%d)", lo, hi));
}

/* ---------------- casts ---------------- */

/* likert(likert, int4, bool): length coercion, enforces the typmod's scale. */
PG_FUNCTION_INFO_V1(likert_enforce_typmod);
Datum
likert_enforce_typmod(PG_FUNCTION_ARGS)
{
	PG_RETURN_LIKERT(enforce_typmod(PG_GETARG_LIKERT(0), PG_GETARG_INT32(1)));
}

/* likert(int4, int4, bool): integer -> likert(k); needs a typmod. */
PG_FUNCTION_INFO_V1(likert_from_int4);
Datum
likert_from_int4(PG_FUNCTION_ARGS)
{
	int32		v = PG_GETARG_INT32(0);
	int32		typmod = PG_GETARG_INT32(1);
	int			lo,
				hi;

	check_typmod_valid(typmod);
	if (typmod < 0)
	{
		/* unscaled; a later length coercion gives it a scale */
		if (v < LIKERT_BOUND_MIN || v > LIKERT_BOUND_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value %d is out of range for type likert", v),
					 errdetail("Likert values lie between %d and %d.",
							   LIKERT_BOUND_MIN, LIKERT_BOUND_MAX)));
		PG_RETURN_LIKERT(likert_make(0, 0, v, SURVEY_MISSING_NONE));
	}
	lo = likert_typmod_lo(typmod);
	hi = likert_typmod_hi(typmod);
	if (v < lo || v > hi)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value %d is out of range for likert scale %s",
						v, scale_text(lo, hi))));
	PG_RETURN_LIKERT(likert_make(lo, hi, v, SURVEY_MISSING_NONE));
}

/* likert(text, int4, bool): text -> likert(k) (assignment cast), typmod-aware. */
PG_FUNCTION_INFO_V1(likert_from_text);
Datum
likert_from_text(PG_FUNCTION_ARGS)
{
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_LIKERT(likert_parse(str, PG_GETARG_INT32(1)));
}

PG_FUNCTION_INFO_V1(likert_to_int4);
Datum
likert_to_int4(PG_FUNCTION_ARGS)
{
	Likert		x = PG_GETARG_LIKERT(0);

	if (likert_is_missing(x))
		PG_RETURN_NULL();
	PG_RETURN_INT32(likert_value(x));
}

PG_FUNCTION_INFO_V1(likert_to_float8);
Datum
likert_to_float8(PG_FUNCTION_ARGS)
{
	Likert		x = PG_GETARG_LIKERT(0);

	if (likert_is_missing(x))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) likert_value(x));
}

/* ---------------- comparison ---------------- */

/*
 * Order: valid answers by value, then missing reasons in enum order.  The
 * scale takes no part, so that an unscaled literal ('4', 'dk') compares with
 * a value of any scale (q = '4' on a likert(5) column) and the order stays
 * total and consistent with the hash (which leaves the scale out) for every
 * mix of scaled and unscaled values: 4/5 = '4' = 4/7, as 1.0 = 1.00 for
 * numeric.  Estimators keep scales apart themselves (svy_dist refuses to mix
 * them).  See docs/response-types.md.
 */
static inline int
likert_cmp_internal(Likert a, Likert b)
{
	int			ka = likert_is_missing(a) ? 1000 + likert_missing(a) : likert_value(a);
	int			kb = likert_is_missing(b) ? 1000 + likert_missing(b) : likert_value(b);

	return ka < kb ? -1 : (ka > kb ? 1 : 0);
}

#define LIKERT_CMP_FN(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(likert_cmp_internal(PG_GETARG_LIKERT(0), PG_GETARG_LIKERT(1)) op 0); \
}

LIKERT_CMP_FN(likert_eq, ==)
LIKERT_CMP_FN(likert_ne, !=)
LIKERT_CMP_FN(likert_lt, <)
LIKERT_CMP_FN(likert_le, <=)
LIKERT_CMP_FN(likert_gt, >)
LIKERT_CMP_FN(likert_ge, >=)

/*
 * likert <op> integer (and integer <op> likert): a comparison of the answer's
 * value, NULL for a missing reason (SQL's NULL logic), so that
 * svy_prop(q >= 4, d) never counts "don't know" as agreement.  Not part of
 * the btree family: the total order (missing reasons after every answer) is
 * the likert <op> likert operators'.
 */
#define LIKERT_INT_CMP_FN(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	Likert		x = PG_GETARG_LIKERT(0); \
	if (likert_is_missing(x)) \
		PG_RETURN_NULL(); \
	PG_RETURN_BOOL(likert_value(x) op PG_GETARG_INT32(1)); \
}

LIKERT_INT_CMP_FN(likert_int4_eq, ==)
LIKERT_INT_CMP_FN(likert_int4_ne, !=)
LIKERT_INT_CMP_FN(likert_int4_lt, <)
LIKERT_INT_CMP_FN(likert_int4_le, <=)
LIKERT_INT_CMP_FN(likert_int4_gt, >)
LIKERT_INT_CMP_FN(likert_int4_ge, >=)

#define INT_LIKERT_CMP_FN(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	Likert		x = PG_GETARG_LIKERT(1); \
	if (likert_is_missing(x)) \
		PG_RETURN_NULL(); \
	PG_RETURN_BOOL(PG_GETARG_INT32(0) op likert_value(x)); \
}

INT_LIKERT_CMP_FN(int4_likert_eq, ==)
INT_LIKERT_CMP_FN(int4_likert_ne, !=)
INT_LIKERT_CMP_FN(int4_likert_lt, <)
INT_LIKERT_CMP_FN(int4_likert_le, <=)
INT_LIKERT_CMP_FN(int4_likert_gt, >)
INT_LIKERT_CMP_FN(int4_likert_ge, >=)

PG_FUNCTION_INFO_V1(likert_cmp);
Datum
likert_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(likert_cmp_internal(PG_GETARG_LIKERT(0), PG_GETARG_LIKERT(1)));
}

PG_FUNCTION_INFO_V1(likert_smaller);
Datum
likert_smaller(PG_FUNCTION_ARGS)
{
	Likert		a = PG_GETARG_LIKERT(0);
	Likert		b = PG_GETARG_LIKERT(1);

	PG_RETURN_LIKERT(likert_cmp_internal(a, b) <= 0 ? a : b);
}

PG_FUNCTION_INFO_V1(likert_larger);
Datum
likert_larger(PG_FUNCTION_ARGS)
{
	Likert		a = PG_GETARG_LIKERT(0);
	Likert		b = PG_GETARG_LIKERT(1);

	PG_RETURN_LIKERT(likert_cmp_internal(a, b) >= 0 ? a : b);
}

static int
likert_fastcmp(Datum a, Datum b, SortSupport ssup)
{
	return likert_cmp_internal(DatumGetLikert(a), DatumGetLikert(b));
}

PG_FUNCTION_INFO_V1(likert_sortsupport);
Datum
likert_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = likert_fastcmp;
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(likert_hash);
Datum
likert_hash(PG_FUNCTION_ARGS)
{
	/* the scale is left out so that unscaled '4' and 4/5 hash alike */
	return hash_uint32(PG_GETARG_LIKERT(0) >> 16);
}

PG_FUNCTION_INFO_V1(likert_hash_extended);
Datum
likert_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended(PG_GETARG_LIKERT(0) >> 16, PG_GETARG_INT64(1));
}

/* ---------------- functions ---------------- */

PG_FUNCTION_INFO_V1(likert_is_missing_fn);
Datum
likert_is_missing_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(likert_is_missing(PG_GETARG_LIKERT(0)));
}

PG_FUNCTION_INFO_V1(likert_missing_reason);
Datum
likert_missing_reason(PG_FUNCTION_ARGS)
{
	Likert		x = PG_GETARG_LIKERT(0);

	if (!likert_is_missing(x))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(survey_missing_name(likert_missing(x))));
}

PG_FUNCTION_INFO_V1(likert_points);
Datum
likert_points(PG_FUNCTION_ARGS)
{
	Likert		x = PG_GETARG_LIKERT(0);

	require_scale(x);
	PG_RETURN_INT32(likert_npoints(x));
}

PG_FUNCTION_INFO_V1(likert_score);
Datum
likert_score(PG_FUNCTION_ARGS)
{
	Likert		x = PG_GETARG_LIKERT(0);

	require_scale(x);
	if (likert_is_missing(x))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) (likert_value(x) - likert_lo(x)) /
					 (double) (likert_hi(x) - likert_lo(x)));
}

PG_FUNCTION_INFO_V1(likert_reverse);
Datum
likert_reverse(PG_FUNCTION_ARGS)
{
	Likert		x = PG_GETARG_LIKERT(0);

	require_scale(x);
	if (likert_is_missing(x))
		PG_RETURN_LIKERT(x);
	PG_RETURN_LIKERT(likert_make(likert_lo(x), likert_hi(x),
								 likert_lo(x) + likert_hi(x) - likert_value(x),
								 SURVEY_MISSING_NONE));
}

static void
check_box_k(Likert x, int32 k)
{
	require_scale(x);
	if (k < 1 || k > likert_npoints(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between 1 and %d for likert scale %s, got %d",
						likert_npoints(x),
						scale_text(likert_lo(x), likert_hi(x)), k)));
}

PG_FUNCTION_INFO_V1(likert_top_box);
Datum
likert_top_box(PG_FUNCTION_ARGS)
{
	Likert		x = PG_GETARG_LIKERT(0);
	int32		k = PG_GETARG_INT32(1);

	check_box_k(x, k);
	if (likert_is_missing(x))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(likert_value(x) > likert_hi(x) - k);
}

PG_FUNCTION_INFO_V1(likert_bottom_box);
Datum
likert_bottom_box(PG_FUNCTION_ARGS)
{
	Likert		x = PG_GETARG_LIKERT(0);
	int32		k = PG_GETARG_INT32(1);

	check_box_k(x, k);
	if (likert_is_missing(x))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(likert_value(x) < likert_lo(x) + k);
}
