/*
 * labels.c -- constructors of likert and choices values from the text that
 * survey tools export (SPEC section 11; docs/loading.md):
 *   likert_from_label(label, labels, missing, lo)   "Agree" -> 4/5
 *   choices_from_text(text, sep, labels)            "A;C"   -> {1,3}
 *   choices_from_flags(VARIADIC boolean[])          Y,-,Y   -> {1,3}
 *
 * Matching rule (one for every function): a label matches when it equals a
 * listed label exactly after both lose their leading and trailing
 * whitespace; case matters ("agree" is not "Agree": exports are generated
 * from one questionnaire, so a case difference is a different text).  An
 * unknown label is an error that names it and lists the valid ones, never
 * a silent missing reason.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "response.h"

PG_FUNCTION_INFO_V1(likert_from_label);
PG_FUNCTION_INFO_V1(choices_from_text);
PG_FUNCTION_INFO_V1(choices_from_flags);

/* A label list: trimmed labels, each mapped to a code (a position or a missing reason). */
typedef struct LabelEntry
{
	const char *text;
	int			len;
	int			position;		/* 1-based position in labels, or 0 */
	int			reason;			/* missing reason, or 0 */
} LabelEntry;

typedef struct LabelList
{
	MemoryContext cxt;			/* holds the list; replaced when the arguments change */
	int			n;
	int			npositions;		/* how many come from the labels array */
	LabelEntry *e;
	/* the arguments the list was built from, to reuse it across rows */
	bytea	   *labels_raw;
	bytea	   *missing_raw;
} LabelList;

static inline bool
label_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim s[0..*len) in place: returns the start, sets *len. */
static const char *
label_trim(const char *s, int *len)
{
	int			n = *len;

	while (n > 0 && label_space((unsigned char) *s))
		s++, n--;
	while (n > 0 && label_space((unsigned char) s[n - 1]))
		n--;
	*len = n;
	return s;
}

static int
label_find(const LabelList *l, const char *s, int len)
{
	s = label_trim(s, &len);
	for (int i = 0; i < l->n; i++)
		if (l->e[i].len == len && memcmp(l->e[i].text, s, len) == 0)
			return i;
	return -1;
}

/* "Disagree", "Agree", ... for an error detail */
static char *
label_listing(const LabelList *l)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < l->n; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfo(&buf, "\"%.*s\"", l->e[i].len, l->e[i].text);
		if (l->e[i].reason)
			appendStringInfo(&buf, " (%s)", survey_missing_name(l->e[i].reason));
	}
	return buf.data;
}

static void
unknown_label(const LabelList *l, const char *s, int len, const char *hint)
{
	s = label_trim(s, &len);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("unknown answer label \"%.*s\"", len, s),
			 errdetail("Valid labels: %s.", label_listing(l)),
			 errhint("%s", hint)));
}

static void
label_add(LabelList *l, const char *s, int len, int position, int reason)
{
	LabelEntry *e = &l->e[l->n];

	s = label_trim(s, &len);
	if (label_find(l, s, len) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("answer label \"%.*s\" is listed twice", len, s),
				 errdetail("Labels are compared after trimming surrounding whitespace.")));
	e->text = s;
	e->len = len;
	e->position = position;
	e->reason = reason;
	l->n++;
}

static bytea *
raw_copy(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM_COPY(d);

	return (bytea *) v;
}

static bool
raw_equal(const bytea *a, Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

	if (a == NULL)
		return false;
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(v) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)) == 0;
}

/*
 * The label list of (labels, missing), built once per call site and kept in
 * fn_extra while the arguments stay the same (they are constants in every
 * real query).  missing: a JSON object {"label": "reason", ...}.
 */
static LabelList *
label_list(FunctionCallInfo fcinfo, int labels_arg, int missing_arg)
{
	LabelList  *l = (LabelList *) fcinfo->flinfo->fn_extra;
	Datum		labels_d = PG_GETARG_DATUM(labels_arg);
	bool		have_missing = missing_arg >= 0 && !PG_ARGISNULL(missing_arg);
	MemoryContext cxt,
				old;
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				nmissing = 0;
	Jsonb	   *jb = NULL;

	if (l != NULL && raw_equal(l->labels_raw, labels_d) &&
		(have_missing ? raw_equal(l->missing_raw, PG_GETARG_DATUM(missing_arg))
		 : l->missing_raw == NULL))
		return l;

	/* arguments that change from row to row must not pile up lists */
	if (l != NULL)
		MemoryContextDelete(l->cxt);
	fcinfo->flinfo->fn_extra = NULL;
	cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "answer labels", ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	l = palloc0(sizeof(LabelList));
	l->cxt = cxt;
	/* the entries point into these copies, which live as long as the list */
	l->labels_raw = raw_copy(labels_d);
	l->missing_raw = have_missing ? raw_copy(PG_GETARG_DATUM(missing_arg)) : NULL;
	arr = (ArrayType *) l->labels_raw;
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("answer labels must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (have_missing)
	{
		jb = (Jsonb *) l->missing_raw;
		if (!JB_ROOT_IS_OBJECT(jb))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("missing-label mapping must be a JSON object"),
					 errhint("Map each label to a missing reason, as in '{\"Don''t know\": \"dk\"}'.")));
		nmissing = JB_ROOT_COUNT(jb);
	}

	l->e = palloc(sizeof(LabelEntry) * (n + nmissing + 1));
	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("answer labels must not contain NULL")));
		t = DatumGetTextPP(elems[i]);
		label_add(l, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), i + 1, 0);
	}
	l->npositions = n;
	if (jb != NULL)
	{
		JsonbIterator *it = JsonbIteratorInit(&jb->root);
		JsonbValue	v;
		JsonbIteratorToken tok;
		char	   *key = NULL;
		int			keylen = 0;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			int			reason;

			if (tok == WJB_KEY)
			{
				key = v.val.string.val;
				keylen = v.val.string.len;
				continue;
			}
			if (tok != WJB_VALUE)
				continue;
			reason = v.type == jbvString ?
				survey_missing_parse(v.val.string.val, v.val.string.len) : 0;
			if (reason == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("label \"%.*s\" must map to a missing reason", keylen, key),
						 errdetail("Missing reasons are dk, refused, na, skipped and no_answer.")));
			label_add(l, key, keylen, 0, reason);
		}
	}
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = l;
	return l;
}

/*
 * likert_from_label(label text, labels text[], missing jsonb DEFAULT NULL,
 *                   lo int DEFAULT 1) -> likert on the scale lo..lo+n-1
 * The i-th label (1-based) is the answer lo + i - 1; NULL stays NULL.
 */
Datum
likert_from_label(PG_FUNCTION_ARGS)
{
	LabelList  *l;
	text	   *label;
	int32		lo;
	int			i,
				hi;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("answer labels and the scale's lower bound must not be NULL")));
	l = label_list(fcinfo, 1, 2);
	lo = PG_GETARG_INT32(3);
	hi = lo + l->npositions - 1;
	if (l->npositions < 2 || lo < LIKERT_BOUND_MIN || hi > LIKERT_BOUND_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d answer labels from %d do not make a likert scale", l->npositions, lo),
				 errdetail("A scale has at least 2 points, between %d and %d.",
						   LIKERT_BOUND_MIN, LIKERT_BOUND_MAX)));
	label = PG_GETARG_TEXT_PP(0);
	i = label_find(l, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
	if (i < 0)
		unknown_label(l, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label),
					  "Add the label to the scale's labels, or map it to a missing reason in the third argument.");
	if (l->e[i].reason)
		PG_RETURN_LIKERT(likert_make(lo, hi, 0, l->e[i].reason));
	PG_RETURN_LIKERT(likert_make(lo, hi, lo + l->e[i].position - 1, SURVEY_MISSING_NONE));
}

/*
 * choices_from_text(answer text, sep text, labels text[] DEFAULT NULL)
 * "A;C" -> {1,3} by the position of each part in labels (or, without
 * labels, parts that are option numbers).  '' (chose none) -> '{}', NULL
 * stays NULL.
 */
Datum
choices_from_text(PG_FUNCTION_ARGS)
{
	LabelList  *l = NULL;
	text	   *answer,
			   *sep;
	const char *p,
			   *end;
	int			seplen;
	uint64		bits = 0;
	Choices    *c;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1) || VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(1)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("separator of a multi-select answer must not be NULL or empty")));
	if (!PG_ARGISNULL(2))
	{
		l = label_list(fcinfo, 2, -1);
		if (l->n > CHOICES_MAX_OPTION)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a multi-select question has at most %d options, got %d labels",
							CHOICES_MAX_OPTION, l->n)));
	}
	answer = PG_GETARG_TEXT_PP(0);
	sep = PG_GETARG_TEXT_PP(1);
	seplen = VARSIZE_ANY_EXHDR(sep);
	p = VARDATA_ANY(answer);
	end = p + VARSIZE_ANY_EXHDR(answer);

	while (p <= end)
	{
		const char *next = p;
		const char *part;
		int			len;

		while (next + seplen <= end && memcmp(next, VARDATA_ANY(sep), seplen) != 0)
			next++;
		if (next + seplen > end)
			next = end;
		len = next - p;
		part = label_trim(p, &len);
		if (len > 0)
		{
			int			k;

			if (l != NULL)
			{
				int			i = label_find(l, part, len);

				if (i < 0)
					unknown_label(l, part, len,
								  "Check the separator and the option labels, in the questionnaire's order.");
				k = l->e[i].position;
			}
			else
			{
				char	   *s = pnstrdup(part, len);
				char	   *stop;
				long		v = strtol(s, &stop, 10);

				if (*stop != '\0' || v < 1 || v > CHOICES_MAX_OPTION)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("multi-select part \"%s\" is not an option number", s),
							 errdetail("Options are numbered 1 to %d.", CHOICES_MAX_OPTION),
							 errhint("Pass the option labels as the third argument.")));
				k = (int) v;
			}
			bits |= UINT64CONST(1) << (k - 1);
		}
		p = next + seplen;
		CHECK_FOR_INTERRUPTS();
	}
	c = palloc0(sizeof(Choices));
	choices_set(c, bits, SURVEY_MISSING_NONE);
	PG_RETURN_CHOICES_P(c);
}

/*
 * choices_from_flags(VARIADIC boolean[]): option k chosen when flag k is
 * true; false and NULL are "not chosen".  NULL when every flag is NULL
 * (nothing is known: the question was most likely not shown).
 */
Datum
choices_from_flags(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	bool		any_known = false;
	uint64		bits = 0;
	Choices    *c;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("multi-select flags must be a one-dimensional array")));
	deconstruct_array(arr, BOOLOID, 1, true, TYPALIGN_CHAR, &elems, &nulls, &n);
	if (n > CHOICES_MAX_OPTION)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a multi-select question has at most %d options, got %d flags",
						CHOICES_MAX_OPTION, n)));
	for (int k = 0; k < n; k++)
	{
		if (nulls[k])
			continue;
		any_known = true;
		if (DatumGetBool(elems[k]))
			bits |= UINT64CONST(1) << k;
	}
	if (n > 0 && !any_known)
		PG_RETURN_NULL();
	c = palloc0(sizeof(Choices));
	choices_set(c, bits, SURVEY_MISSING_NONE);
	PG_RETURN_CHOICES_P(c);
}
