/*
 * mrsets.c -- survey_load: the multiple-response sets of an SPSS .sav/.zsav
 * file become choices groups (like --choices).  libreadstat 1.1.8 does not
 * report them, so the dictionary is read here (savdict.c).
 *
 * A set line (PSPP, "System File Format", Multiple Response Sets Records):
 *   $name=C <label_len> <label> <var> <var> ...
 *   $name=D<value_len> <value> <label_len> <label> <var> ...
 *   $name=E <1|11> <value_len> <value> <label_len> <label> <var> ...
 * with the variables' short names in lower case.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loader.h"
#include "savdict.h"

/* Reads decimal digits at *p (within end); -1 if none. */
static long
digits(const char **p, const char *end)
{
	long		n = 0;
	const char *s = *p;

	if (s >= end || !isdigit((unsigned char) *s))
		return -1;
	while (s < end && isdigit((unsigned char) *s) && n < 100000)
		n = n * 10 + (*s++ - '0');
	*p = s;
	return n;
}

static int
expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return 0;
	(*p)++;
	return 1;
}

/* "<len> <bytes>": a counted string; NULL if malformed. */
static char *
counted_string(const char **p, const char *end)
{
	long		n = digits(p, end);
	char	   *s;

	if (n < 0 || !expect(p, end, ' ') || n > end - *p)
		return NULL;
	s = xmalloc(n + 1);
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += n;
	for (long i = n - 1; i >= 0 && s[i] == ' '; i--)
		s[i] = '\0';
	return s;
}

static const char *
long_name(const SavDict *d, const char *shortname)
{
	for (int i = 0; i < d->nnames; i++)
		if (name_eq(d->short_names[i], shortname))
			return d->long_names[i];
	return shortname;
}

static int
var_in_groups(const Options *opt, int from, int to, const char *name)
{
	for (int g = from; g < to; g++)
		for (int k = 0; k < opt->groups[g].nmembers; k++)
			if (name_eq(opt->groups[g].members[k], name))
				return 1;
	return 0;
}

/* One line; returns 0 and fills g, or -1 with *why set. */
static int
parse_set(const char *p, const char *end, const SavDict *d, const Dataset *ds, ChoiceGroup *g, const char **why)
{
	const char *eq = memchr(p, '=', end - p);
	char		kind;
	char	   *value = NULL;

	memset(g, 0, sizeof(ChoiceGroup));
	g->from_file = 1;
	g->counted = 1;
	if (eq == NULL || eq == p + 1)
	{
		*why = "no set name";
		return -1;
	}
	g->name = xmalloc(eq - p);
	memcpy(g->name, p + 1, eq - p - 1);
	g->name[eq - p - 1] = '\0';
	p = eq + 1;
	kind = p < end ? *p++ : '\0';
	if (kind == 'E' && !(expect(&p, end, ' ') && digits(&p, end) >= 0 && expect(&p, end, ' ')))
		kind = '\0';
	if (kind == 'D' || kind == 'E')
	{
		char	   *stop;

		value = counted_string(&p, end);
		if (value == NULL)
			kind = '\0';
		else
		{
			g->counted = strtod(value, &stop);
			if (*value == '\0' || *stop != '\0')
			{
				free(value);
				*why = "its counted value is not a number (string variables are not supported)";
				return -1;
			}
			free(value);
		}
	}
	else if (kind == 'C')
		g->category = 1;
	else
		kind = '\0';
	if (kind == '\0' || !expect(&p, end, ' ') || (g->label = counted_string(&p, end)) == NULL)
	{
		*why = "the record is malformed";
		return -1;
	}
	if (*g->label == '\0' || !valid_utf8(g->label))
	{
		free(g->label);
		g->label = NULL;
	}
	while (p < end)
	{
		const char *start;
		char	   *shortname;
		const char *ln;

		if (!expect(&p, end, ' '))
			break;
		start = p;
		while (p < end && *p != ' ')
			p++;
		if (p == start)
			continue;
		shortname = xmalloc(p - start + 1);
		memcpy(shortname, start, p - start);
		shortname[p - start] = '\0';
		ln = long_name(d, shortname);
		g->members = xrealloc(g->members, (g->nmembers + 1) * sizeof(char *));
		g->members[g->nmembers++] = xstrdup(ln);
		free(shortname);
	}
	if (g->nmembers == 0)
	{
		*why = "it has no variables";
		return -1;
	}
	if (g->nmembers > 64)
	{
		*why = "it has more than 64 variables";
		return -1;
	}
	for (int k = 0; k < g->nmembers; k++)
	{
		int			found = 0;

		for (int v = 0; v < ds->nvars; v++)
			if (name_eq(ds->vars[v].name, g->members[k]))
				found = 1;
		if (!found)
		{
			*why = "it names a variable that is not in the file";
			return -1;
		}
	}
	return 0;
}

static void
free_group(ChoiceGroup *g)
{
	for (int k = 0; k < g->nmembers; k++)
		free(g->members[k]);
	free(g->members);
	free(g->name);
	free(g->label);
}

int
read_mrsets(Options *opt, const Dataset *ds)
{
	FILE	   *f;
	struct stat st;
	unsigned char *buf;
	SavDict		d;
	int			nuser = opt->ngroups;
	const char *p,
			   *end;

	if (opt->no_mrsets || ds->format == NULL || (strcmp(ds->format, "sav") != 0 && strcmp(ds->format, "zsav") != 0))
		return 0;
	f = fopen(opt->file, "rb");
	if (f == NULL || fstat(fileno(f), &st) != 0)
	{
		if (f)
			fclose(f);
		return error("could not read \"%s\": %s", opt->file, strerror(errno));
	}
	/* the dictionary is at the start: read more only while it is cut short */
	for (size_t want = 1 << 20;; want *= 4)
	{
		size_t		size = want < (size_t) st.st_size ? want : (size_t) st.st_size;
		int			ok;

		buf = xmalloc(size);
		if (fseek(f, 0, SEEK_SET) != 0 || fread(buf, 1, size, f) != size)
		{
			fclose(f);
			free(buf);
			return error("could not read \"%s\": %s", opt->file, strerror(errno));
		}
		ok = sav_read_dict(buf, size, &d) == 0;
		free(buf);
		if (ok)
			break;
		if (size == (size_t) st.st_size)
		{
			/* readstat read it: a record we do not know, not a broken file */
			fclose(f);
			note(opt, "the dictionary of \"%s\" could not be walked; its multiple-response sets (if any) are ignored", opt->file);
			return 0;
		}
	}
	fclose(f);
	for (p = d.mrsets, end = d.mrsets + d.mrsets_len; p && p < end;)
	{
		const char *eol = memchr(p, '\n', end - p);
		const char *line_end = eol ? eol : end;
		ChoiceGroup g;
		const char *why = NULL;

		while (line_end > p && line_end[-1] == '\r')
			line_end--;
		if (line_end > p && *p == '$')
		{
			if (parse_set(p, line_end, &d, ds, &g, &why) != 0)
			{
				note(opt, "multiple-response set \"%s\" is not loaded as a choices column: %s",
					 g.name ? g.name : "?", why);
				free_group(&g);
			}
			else
			{
				int			by_user = 0,
							by_set = 0;

				for (int k = 0; k < g.nmembers; k++)
				{
					by_user |= var_in_groups(opt, 0, nuser, g.members[k]);
					by_set |= var_in_groups(opt, nuser, opt->ngroups, g.members[k]);
				}
				if (by_user)
					note(opt, "multiple-response set \"%s\" is replaced by --choices", g.name);
				else if (by_set)
					note(opt, "multiple-response set \"%s\" shares variables with an earlier set; not loaded as a choices column", g.name);
				if (by_user || by_set)
					free_group(&g);
				else
				{
					opt->groups = xrealloc(opt->groups, (opt->ngroups + 1) * sizeof(ChoiceGroup));
					opt->groups[opt->ngroups++] = g;
				}
			}
		}
		p = eol ? eol + 1 : end;
	}
	sav_free_dict(&d);
	return 0;
}
