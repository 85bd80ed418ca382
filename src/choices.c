/*
 * choices.c -- the choices type: a multi-select answer (set of options
 * 1..64) or a missing reason.  See response.h and docs/response-types.md.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "response.h"
#include "wire.h"

static Choices *
choices_new(uint64 bits, int missing)
{
	Choices    *c = (Choices *) palloc0(sizeof(Choices));

	choices_set(c, bits, missing);
	return c;
}

static void
choices_syntax_error(const char *str, const char *detail)
{
	survey_syntax_error("choices", str, detail);
}

static void
option_range_error(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("choices option %s is out of range", what),
			 errdetail("Options are numbered 1 to %d.", CHOICES_MAX_OPTION)));
}

static inline void
check_option(int32 k)
{
	if (k < 1 || k > CHOICES_MAX_OPTION)
	{
		char		buf[16];

		snprintf(buf, sizeof(buf), "%d", k);
		option_range_error(buf);
	}
}

/*
 * Text input:  '{' [ int { ',' int } ] '}'  or a missing reason; whitespace
 * allowed around tokens.  Duplicates are allowed and collapse (it is a set).
 */
PG_FUNCTION_INFO_V1(choices_in);
Datum
choices_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	const char *p = survey_lex_space(str);
	uint64		bits = 0;
	int			reason;

	if ((reason = survey_lex_reason(&p)) >= 0)
	{
		if (reason == SURVEY_MISSING_NONE)
			choices_syntax_error(str, "Expected a set such as '{1,3}' or a missing reason (dk, refused, na, skipped, no_answer).");
		p = survey_lex_space(p);
		if (*p != '\0')
			choices_syntax_error(str, NULL);
		PG_RETURN_CHOICES_P(choices_new(0, reason));
	}

	if (*p != '{')
		choices_syntax_error(str, "Expected a set such as '{1,3}' or a missing reason (dk, refused, na, skipped, no_answer).");
	p = survey_lex_space(p + 1);
	if (*p == '}')
		p++;
	else
	{
		for (;;)
		{
			const char *start = p;
			long		v;

			if (!survey_lex_int(&p, CHOICES_MAX_OPTION + 1, &v))
				choices_syntax_error(str, NULL);
			if (v < 1 || v > CHOICES_MAX_OPTION)
			{
				int			len = p - start;

				/* show the token as written, but keep messages short */
				if (len > 40)
					option_range_error(psprintf("%.40s...", start));
				option_range_error(pnstrdup(start, len));
			}
			bits |= UINT64CONST(1) << (v - 1);
			p = survey_lex_space(p);
			if (*p == ',')
			{
				p = survey_lex_space(p + 1);
				continue;
			}
			if (*p == '}')
			{
				p++;
				break;
			}
			choices_syntax_error(str, NULL);
		}
	}
	p = survey_lex_space(p);
	if (*p != '\0')
		choices_syntax_error(str, NULL);
	PG_RETURN_CHOICES_P(choices_new(bits, SURVEY_MISSING_NONE));
}

PG_FUNCTION_INFO_V1(choices_out);
Datum
choices_out(PG_FUNCTION_ARGS)
{
	Choices    *c = PG_GETARG_CHOICES_P(0);
	StringInfoData buf;
	uint64		bits;
	bool		first = true;
	int			k;

	if (choices_is_missing(c))
		PG_RETURN_CSTRING(pstrdup(survey_missing_name(choices_missing(c))));

	bits = choices_bits(c);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (k = 1; k <= CHOICES_MAX_OPTION; k++)
	{
		if ((bits >> (k - 1)) & 1)
		{
			if (!first)
				appendStringInfoChar(&buf, ',');
			appendStringInfo(&buf, "%d", k);
			first = false;
		}
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary format: 9 bytes -- missing reason (uint8), then the option mask
 * (int64, bit k-1 = option k; must be 0 when missing).
 */
PG_FUNCTION_INFO_V1(choices_recv);
Datum
choices_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			reason;
	uint64		bits;

	reason = (uint8) svy_wire_byte(buf);
	bits = svy_wire_int64(buf);
	if (reason > SURVEY_MISSING_LAST)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid missing reason code %d in external choices value", reason)));
	if (reason != SURVEY_MISSING_NONE && bits != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external choices value: missing reason with options set")));
	PG_RETURN_CHOICES_P(choices_new(bits, reason));
}

PG_FUNCTION_INFO_V1(choices_send);
Datum
choices_send(PG_FUNCTION_ARGS)
{
	Choices    *c = PG_GETARG_CHOICES_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, (uint8) choices_missing(c));
	pq_sendint64(&buf, (int64) choices_bits(c));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------- equality and hashing ---------------- */

static inline bool
choices_equal(const Choices *a, const Choices *b)
{
	return a->bits_lo == b->bits_lo && a->bits_hi == b->bits_hi &&
		a->missing == b->missing;
}

PG_FUNCTION_INFO_V1(choices_eq);
Datum
choices_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(choices_equal(PG_GETARG_CHOICES_P(0), PG_GETARG_CHOICES_P(1)));
}

PG_FUNCTION_INFO_V1(choices_ne);
Datum
choices_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!choices_equal(PG_GETARG_CHOICES_P(0), PG_GETARG_CHOICES_P(1)));
}

PG_FUNCTION_INFO_V1(choices_hash);
Datum
choices_hash(PG_FUNCTION_ARGS)
{
	Choices    *c = PG_GETARG_CHOICES_P(0);
	uint32		words[3];

	words[0] = c->bits_lo;
	words[1] = c->bits_hi;
	words[2] = c->missing;
	return hash_any((const unsigned char *) words, sizeof(words));
}

PG_FUNCTION_INFO_V1(choices_hash_extended);
Datum
choices_hash_extended(PG_FUNCTION_ARGS)
{
	Choices    *c = PG_GETARG_CHOICES_P(0);
	uint32		words[3];

	words[0] = c->bits_lo;
	words[1] = c->bits_hi;
	words[2] = c->missing;
	return hash_any_extended((const unsigned char *) words, sizeof(words),
							 PG_GETARG_INT64(1));
}

/*
 * Total order for btree (DISTINCT aggregates, ORDER BY, UNION, indexes):
 * answered sets first, ordered like their sorted option lists compared
 * lexicographically ({} < {1} < {1,2} < {1,3} < {2}); then missing reasons in
 * enum order (dk, refused, na, skipped, no_answer).
 */
static int
choices_cmp_internal(const Choices *a, const Choices *b)
{
	uint64		x,
				y,
				diff,
				low,
				above;

	if (a->missing != b->missing)
		return a->missing < b->missing ? -1 : 1;
	x = choices_bits(a);
	y = choices_bits(b);
	if (x == y)
		return 0;
	diff = x ^ y;
	low = diff & (~diff + 1);	/* lowest option in exactly one of them */
	above = ~((low << 1) - 1);	/* options after it; low << 1 may be 0 */
	if (low == (UINT64CONST(1) << 63))
		above = 0;
	if (x & low)
		return (y & above) ? -1 : 1;
	return (x & above) ? 1 : -1;
}

PG_FUNCTION_INFO_V1(choices_cmp);
Datum
choices_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(choices_cmp_internal(PG_GETARG_CHOICES_P(0), PG_GETARG_CHOICES_P(1)));
}

#define CHOICES_CMP_FN(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(choices_cmp_internal(PG_GETARG_CHOICES_P(0), PG_GETARG_CHOICES_P(1)) op 0); \
}

CHOICES_CMP_FN(choices_lt, <)
CHOICES_CMP_FN(choices_le, <=)
CHOICES_CMP_FN(choices_gt, >)
CHOICES_CMP_FN(choices_ge, >=)

/* ---------------- set operators (NULL when either side is missing) ---------------- */

PG_FUNCTION_INFO_V1(choices_contains);
Datum
choices_contains(PG_FUNCTION_ARGS)
{
	Choices    *a = PG_GETARG_CHOICES_P(0);
	Choices    *b = PG_GETARG_CHOICES_P(1);

	if (choices_is_missing(a) || choices_is_missing(b))
		PG_RETURN_NULL();
	PG_RETURN_BOOL((choices_bits(a) & choices_bits(b)) == choices_bits(b));
}

PG_FUNCTION_INFO_V1(choices_contained);
Datum
choices_contained(PG_FUNCTION_ARGS)
{
	Choices    *a = PG_GETARG_CHOICES_P(0);
	Choices    *b = PG_GETARG_CHOICES_P(1);

	if (choices_is_missing(a) || choices_is_missing(b))
		PG_RETURN_NULL();
	PG_RETURN_BOOL((choices_bits(a) & choices_bits(b)) == choices_bits(a));
}

PG_FUNCTION_INFO_V1(choices_overlaps);
Datum
choices_overlaps(PG_FUNCTION_ARGS)
{
	Choices    *a = PG_GETARG_CHOICES_P(0);
	Choices    *b = PG_GETARG_CHOICES_P(1);

	if (choices_is_missing(a) || choices_is_missing(b))
		PG_RETURN_NULL();
	PG_RETURN_BOOL((choices_bits(a) & choices_bits(b)) != 0);
}

/* choices @> int4 and has_choice(choices, int4) */
PG_FUNCTION_INFO_V1(choices_has_option);
Datum
choices_has_option(PG_FUNCTION_ARGS)
{
	Choices    *a = PG_GETARG_CHOICES_P(0);
	int32		k = PG_GETARG_INT32(1);

	check_option(k);
	if (choices_is_missing(a))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(choices_has(a, k));
}

PG_FUNCTION_INFO_V1(choices_cardinality);
Datum
choices_cardinality(PG_FUNCTION_ARGS)
{
	Choices    *a = PG_GETARG_CHOICES_P(0);

	if (choices_is_missing(a))
		PG_RETURN_NULL();
	PG_RETURN_INT32(pg_popcount32(a->bits_lo) + pg_popcount32(a->bits_hi));
}

PG_FUNCTION_INFO_V1(choices_is_missing_fn);
Datum
choices_is_missing_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(choices_is_missing(PG_GETARG_CHOICES_P(0)));
}

PG_FUNCTION_INFO_V1(choices_missing_reason);
Datum
choices_missing_reason(PG_FUNCTION_ARGS)
{
	Choices    *a = PG_GETARG_CHOICES_P(0);

	if (!choices_is_missing(a))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(survey_missing_name(choices_missing(a))));
}

/* ---------------- conversion to/from int4[] ---------------- */

/* choices(int4[]): set from option numbers; NULL elements are an error. */
PG_FUNCTION_INFO_V1(choices_from_array);
Datum
choices_from_array(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;
	uint64		bits = 0;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("array of choices options must be one-dimensional")));
	deconstruct_array(arr, INT4OID, sizeof(int32), true, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		int32		k;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("array of choices options must not contain nulls")));
		k = DatumGetInt32(elems[i]);
		check_option(k);
		bits |= UINT64CONST(1) << (k - 1);
	}
	PG_RETURN_CHOICES_P(choices_new(bits, SURVEY_MISSING_NONE));
}

/* choices_options(choices) -> int4[] sorted; NULL when missing. */
PG_FUNCTION_INFO_V1(choices_to_array);
Datum
choices_to_array(PG_FUNCTION_ARGS)
{
	Choices    *c = PG_GETARG_CHOICES_P(0);
	Datum		elems[CHOICES_MAX_OPTION];
	int			n = 0,
				k;
	uint64		bits;

	if (choices_is_missing(c))
		PG_RETURN_NULL();
	bits = choices_bits(c);
	for (k = 1; k <= CHOICES_MAX_OPTION; k++)
		if ((bits >> (k - 1)) & 1)
			elems[n++] = Int32GetDatum(k);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, INT4OID, sizeof(int32),
										  true, TYPALIGN_INT));
}
