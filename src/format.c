/*
 * format.c -- svy_format: an svy_estimate as the text of a report table,
 * e.g. svy_format(e, 'percent', 1) = '48.5 (43.3–53.8)'.  Results keep
 * full float8 precision everywhere else; this is the one place that rounds.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "accum.h"

PG_FUNCTION_INFO_V1(svy_format);

/* svy_estimate's attributes (estimate, std_error, ci_lower, ci_upper, ...) */
#define FMT_ESTIMATE	1
#define FMT_CI_LOWER	3
#define FMT_CI_UPPER	4

#define FMT_MAX_DIGITS	10

/* the styles, by the factor they scale the numbers with */
static const SvyName styles[] = {{"percent", 100}, {"number", 1}};

static bool
fmt_number(HeapTupleHeader t, int attno, double *v)
{
	bool		isnull;
	Datum		d = GetAttributeByNum(t, attno, &isnull);

	if (isnull || isnan(DatumGetFloat8(d)))
		return false;
	*v = DatumGetFloat8(d);
	return true;
}

/* v scaled and rounded to digits decimals, without a "-0.0" */
static void
fmt_append(StringInfo buf, double v, double scale, int digits)
{
	double		p = pow(10.0, digits);
	double		r = round(v * scale * p) / p;

	if (r == 0.0)
		r = 0.0;				/* -0 prints as "-0.0" */
	appendStringInfo(buf, "%.*f", digits, r);
}

/*
 * svy_format(e svy_estimate, style text DEFAULT 'percent', digits int DEFAULT 1)
 * style 'percent' (a proportion times 100) or 'number'; the CI in
 * parentheses when it exists.  NULL when the estimate is NULL (suppressed by
 * survey.min_cell_n or an empty domain).
 */
Datum
svy_format(PG_FUNCTION_ARGS)
{
	HeapTupleHeader t = PG_GETARG_HEAPTUPLEHEADER(0);
	int32		digits = PG_GETARG_INT32(2);
	double		scale,
				est,
				lo,
				hi;
	StringInfoData buf;

	scale = svy_parse_option_in(PG_GETARG_TEXT_PP(1), SVY_NAMES(styles), "format style", "styles",
								"percent and number");
	if (digits < 0 || digits > FMT_MAX_DIGITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of decimals must be between 0 and %d, not %d",
						FMT_MAX_DIGITS, digits)));
	if (!fmt_number(t, FMT_ESTIMATE, &est))
		PG_RETURN_NULL();

	initStringInfo(&buf);
	fmt_append(&buf, est, scale, digits);
	if (fmt_number(t, FMT_CI_LOWER, &lo) && fmt_number(t, FMT_CI_UPPER, &hi))
	{
		appendStringInfoString(&buf, " (");
		fmt_append(&buf, lo, scale, digits);
		/* an en dash where the database encoding has one */
		appendStringInfoString(&buf, GetDatabaseEncoding() == PG_UTF8 ? "\xE2\x80\x93" : "-");
		fmt_append(&buf, hi, scale, digits);
		appendStringInfoChar(&buf, ')');
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}
