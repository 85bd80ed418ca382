/*
 * response.c -- what the two response types (likert.c, choices.c) share:
 * the missing reasons and the lexer of their text input.  See response.h.
 */
#include "postgres.h"

#include "names.h"
#include "response.h"

/* ---------------- missing reasons ---------------- */

static const SvyName survey_missing_names[] = {
	{"dk", SURVEY_MISSING_DK},
	{"refused", SURVEY_MISSING_REFUSED},
	{"na", SURVEY_MISSING_NA},
	{"skipped", SURVEY_MISSING_SKIPPED},
	{"no_answer", SURVEY_MISSING_NO_ANSWER},
};

const char *
survey_missing_name(int reason)
{
	return svy_name_of(SVY_NAMES(survey_missing_names), reason);
}

int
survey_missing_parse(const char *s, size_t len)
{
	int			r = svy_name_lookup(SVY_NAMES(survey_missing_names), s, len);

	return r < 0 ? 0 : r;
}

/* ---------------- lexer of the text input ---------------- */

static inline bool
ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool
ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
ascii_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

const char *
survey_lex_space(const char *p)
{
	while (ascii_space(*p))
		p++;
	return p;
}

int
survey_lex_reason(const char **pp)
{
	const char *start = *pp,
			   *p = start;

	if (!ascii_word(*p))
		return -1;
	while (ascii_word(*p))
		p++;
	*pp = p;
	return survey_missing_parse(start, p - start);
}

bool
survey_lex_int(const char **pp, long limit, long *out)
{
	const char *p = *pp;
	bool		neg = false;
	long		acc = 0;

	if (*p == '+' || *p == '-')
	{
		neg = (*p == '-');
		p++;
	}
	if (!ascii_digit(*p))
		return false;
	while (ascii_digit(*p))
	{
		if (acc < limit)
			acc = acc * 10 + (*p - '0');
		if (acc > limit)
			acc = limit;
		p++;
	}
	*pp = p;
	*out = neg ? -acc : acc;
	return true;
}

void
survey_syntax_error(const char *type, const char *str, const char *detail)
{
	if (detail)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", type, str),
				 errdetail_internal("%s", detail)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", type, str)));
}
