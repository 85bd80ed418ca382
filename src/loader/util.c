/*
 * util.c -- survey_load: allocation that cannot fail silently, messages on
 * stderr, missing reason names.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

static const char *const reasons[] = {NULL, "dk", "refused", "na", "skipped", "no_answer"};

const char *
reason_name(int reason)
{
	return (reason >= REASON_DK && reason <= REASON_NO_ANSWER) ? reasons[reason] : NULL;
}

int
reason_parse(const char *s)
{
	for (int r = REASON_DK; r <= REASON_NO_ANSWER; r++)
		if (name_eq(s, reasons[r]))
			return r;
	return 0;
}

void *
xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
	{
		fprintf(stderr, PROGNAME ": error: out of memory\n");
		exit(1);
	}
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
	{
		fprintf(stderr, PROGNAME ": error: out of memory\n");
		exit(1);
	}
	return p;
}

char *
xstrdup(const char *s)
{
	size_t		n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

int
name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char) *a) != tolower((unsigned char) *b))
			return 0;
	return *a == *b;
}

/* One line on stderr: "survey_load: <what>: <message>" */
static void
report(const char *what, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void
report(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, PROGNAME ": %s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
note(const Options *opt, const char *fmt,...)
{
	va_list		ap;

	if (opt->quiet)
		return;
	va_start(ap, fmt);
	report("note", fmt, ap);
	va_end(ap);
}

/* Prints the error; returns the exit status for bad input (1). */
int
error(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	report("error", fmt, ap);
	va_end(ap);
	return 1;
}

void
hint(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	report("hint", fmt, ap);
	va_end(ap);
}

int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	while (*p)
	{
		int			n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;

		if (n < 0)
			return 0;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}
