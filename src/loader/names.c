/*
 * names.c -- survey_load: SQL names for the variables.
 *
 * A column is named after its variable in lower case (SPSS and SAS names are
 * case-insensitive; PostgreSQL folds unquoted names to lower case) or as the
 * user wrote it (--choices NAME=...), cut to
 * 63 bytes at a character boundary, and made unique with _2, _3, ...  The
 * generated SQL always quotes names, so reserved words and names with
 * spaces or quotes load as they are; such names are noted because queries
 * must quote them too.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

/* PostgreSQL 15's reserved keywords (pg_get_keywords() catcode R and T):
 * these cannot be column names without quotes. */
static const char *const reserved[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
	"authorization", "binary", "both", "case", "cast", "check", "collate", "collation",
	"column", "concurrently", "constraint", "create", "cross", "current_catalog",
	"current_date", "current_role", "current_schema", "current_time", "current_timestamp",
	"current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
	"except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant",
	"group", "having", "ilike", "in", "initially", "inner", "intersect", "into", "is",
	"isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
	"localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or",
	"order", "outer", "overlaps", "placing", "primary", "references", "returning",
	"right", "select", "session_user", "similar", "some", "symmetric", "table",
	"tablesample", "then", "to", "trailing", "true", "union", "unique", "user", "using",
	"variadic", "verbose", "when", "where", "window", "with"
};

int
is_reserved_word(const char *s)
{
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(s, reserved[i]) == 0)
			return 1;
	return 0;
}

static int
is_plain_identifier(const char *s)
{
	if (!(islower((unsigned char) s[0]) || s[0] == '_'))
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char) *s) || isdigit((unsigned char) *s) || *s == '_' || *s == '$'))
			return 0;
	return 1;
}

static int
taken_name(const char *s, char **taken, int ntaken)
{
	for (int i = 0; i < ntaken; i++)
		if (taken[i] && strcmp(taken[i], s) == 0)
			return 1;
	return 0;
}

/* Cuts s to at most max bytes without splitting a UTF-8 character. */
static void
cut_utf8(char *s, size_t max)
{
	size_t		len = strlen(s);

	if (len <= max)
		return;
	while (max > 0 && ((unsigned char) s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
}

/*
 * base + suffix, cut to 63 bytes (the base is cut, never the suffix) and made
 * unique among taken with _2, _3, ...  Returns a malloc'd string.
 */
char *
sized_name(const char *base, const char *suffix, char **taken, int ntaken)
{
	size_t		blen = strlen(base);
	size_t		slen = strlen(suffix);
	char	   *buf = xmalloc(blen + slen + 16);

	for (int n = 1;; n++)
	{
		char		num[16] = "";
		size_t		room;

		if (n > 1)
			snprintf(num, sizeof(num), "_%d", n);
		room = NAME_MAX_BYTES - slen - strlen(num);
		memcpy(buf, base, blen + 1);
		cut_utf8(buf, room);
		strcat(buf, suffix);
		strcat(buf, num);
		if (!taken_name(buf, taken, ntaken))
			return buf;
	}
}

char *
column_name(const char *orig, int fold, char **taken, int ntaken, int quiet)
{
	char	   *lower = xstrdup(orig);
	char	   *name;

	for (char *p = lower; fold && *p; p++)
		*p = tolower((unsigned char) *p);
	if (*lower == '\0')
	{
		free(lower);
		lower = xstrdup("unnamed");
	}
	name = sized_name(lower, "", taken, ntaken);
	if (!quiet)
	{
		if (strcmp(name, lower) != 0)
			fprintf(stderr, PROGNAME ": note: variable \"%s\" loaded as column \"%s\" (%s)\n", orig, name,
					strlen(lower) > NAME_MAX_BYTES ? "names are at most 63 bytes" :
					fold ? "another column has that name after lower-casing" : "another column has that name");
		else if (is_reserved_word(name))
			fprintf(stderr, PROGNAME ": note: column \"%s\" is an SQL reserved word: write it in double quotes in queries\n", name);
		else if (!is_plain_identifier(name))
			fprintf(stderr, PROGNAME ": note: column \"%s\" must be written in double quotes in queries\n", name);
	}
	free(lower);
	return name;
}
