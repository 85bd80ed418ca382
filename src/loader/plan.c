/*
 * plan.c -- survey_load: which SQL column each variable becomes (the MAPPING
 * section of --help and docs/loader.md), and every check on the values that
 * can fail, so that emit.c cannot fail half-way.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readstat.h>

#include "loader.h"

/* ---------- codes, labels and missing reasons ---------- */

void
format_code(char *buf, size_t len, double code)
{
	if (code == floor(code) && fabs(code) < 1e15)
		snprintf(buf, len, "%.0f", code);
	else
		snprintf(buf, len, "%.17g", code);
}

const char *
code_label(const Var *v, double code)
{
	for (int i = 0; v->labels && i < v->labels->n; i++)
		if (!v->labels->e[i].is_string && !v->labels->e[i].is_tag && v->labels->e[i].code == code)
			return v->labels->e[i].label;
	return NULL;
}

const char *
tag_label(const Var *v, char tag)
{
	for (int i = 0; v->labels && i < v->labels->n; i++)
		if (v->labels->e[i].is_tag && v->labels->e[i].tag == tag)
			return v->labels->e[i].label;
	return NULL;
}

/* Does the --missing entry apply to variable v?  ("VARS:" prefix, else all) */
static int
map_applies(const MissMap *m, const Var *v)
{
	const char *p = m->vars;

	if (p == NULL)
		return 1;
	while (*p)
	{
		size_t		len = strcspn(p, ",");

		if (len == strlen(v->name) && strncasecmp(p, v->name, len) == 0)
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The --missing entry for a code (or tag) of v; entries naming v win. */
static MissMap *
map_find(const Options *opt, const Var *v, int is_tag, double code, char tag)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < opt->nmiss; i++)
		{
			MissMap    *m = &opt->miss[i];

			if ((pass == 0) != (m->vars != NULL) || !map_applies(m, v) || m->is_tag != is_tag)
				continue;
			if (is_tag ? tolower((unsigned char) m->tag) == tolower((unsigned char) tag) : m->code == code)
				return m;
		}
	return NULL;
}

static MissMap *
map_code(const Options *opt, const Var *v, double code)
{
	return map_find(opt, v, 0, code, 0);
}

static MissMap *
map_tag(const Options *opt, const Var *v, char tag)
{
	return map_find(opt, v, 1, 0, tag);
}

static int
declared_missing(const Var *v, double code)
{
	for (int i = 0; i < v->nmiss; i++)
		if (code >= v->miss_lo[i] && code <= v->miss_hi[i])
			return 1;
	return 0;
}

/* A missing reason read from a value label ("Don't know" -> dk); 0 if none. */
static int
reason_from_label(const char *label)
{
	char		low[256];
	size_t		i;

	if (label == NULL)
		return 0;
	for (i = 0; label[i] && i < sizeof(low) - 1; i++)
		low[i] = tolower((unsigned char) label[i]);
	low[i] = '\0';
	if (strstr(low, "know") || strcmp(low, "dk") == 0)
		return REASON_DK;
	if (strstr(low, "refus"))
		return REASON_REFUSED;
	if (strstr(low, "applicable") || strcmp(low, "n/a") == 0 || strcmp(low, "na") == 0)
		return REASON_NA;
	if (strstr(low, "skip") || strstr(low, "not asked") || strstr(low, "filter"))
		return REASON_SKIPPED;
	if (strstr(low, "no answer") || strstr(low, "not answered"))
		return REASON_NO_ANSWER;
	return 0;
}

/*
 * What a cell of a labelled or choices variable holds: 0 a valid answer, -1
 * SQL NULL, else a missing reason.  *how says where a reason came from:
 * 0 --missing or --sysmis, 1 the code's label, 2 the default.
 */
static int
reason_how(const Options *opt, const Var *v, const Cell *c, int *how)
{
	MissMap    *m;
	int			r;

	*how = 0;
	switch (c->kind)
	{
		case CELL_SYSMIS:
			return opt->sysmis ? opt->sysmis : -1;
		case CELL_TAGGED:
			if ((m = map_tag(opt, v, c->tag)) != NULL)
				return m->reason;
			r = reason_from_label(tag_label(v, c->tag));
			break;
		case CELL_USERMIS:
			if (v->is_string)
				return -1;
			if ((m = map_code(opt, v, c->num)) != NULL)
				return m->reason;
			r = reason_from_label(code_label(v, c->num));
			break;
		default:
			if (!v->is_string && (m = map_code(opt, v, c->num)) != NULL)
				return m->reason;
			return 0;
	}
	*how = r ? 1 : 2;
	return r ? r : REASON_NO_ANSWER;
}

int
cell_reason(const Options *opt, const Var *v, const Cell *c)
{
	int			how;

	return reason_how(opt, v, c, &how);
}

/* A labelled code that is a missing code of the variable, not an answer. */
static int
missing_code(const Options *opt, const Var *v, double code)
{
	return map_code(opt, v, code) != NULL || declared_missing(v, code);
}

/* ---------- helpers ---------- */

static int
find_var(const Dataset *ds, const char *name)
{
	for (int i = 0; i < ds->nvars; i++)
		if (strcmp(ds->vars[i].name, name) == 0)
			return i;
	for (int i = 0; i < ds->nvars; i++)
		if (name_eq(ds->vars[i].name, name))
			return i;
	return -1;
}

static int
listed(char **list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (name_eq(list[i], name))
			return 1;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Sorts and removes duplicates; returns the new count. */
static int
sort_unique(double *a, int n)
{
	int			m = 0;

	qsort(a, n, sizeof(double), cmp_double);
	for (int i = 0; i < n; i++)
		if (m == 0 || a[m - 1] != a[i])
			a[m++] = a[i];
	return m;
}

static size_t
utf8_chars(const char *s)
{
	size_t		n = 0;

	for (; *s; s++)
		n += ((unsigned char) *s & 0xC0) != 0x80;
	return n;
}

/* Notes a missing reason taken from a label or by default, once per code, label and reason. */
typedef struct Noted
{
	char	  **keys;
	int			n;
} Noted;

static void
note_reason(const Options *opt, Noted *noted, const Var *v, const Cell *c, int reason, int how, const char *col)
{
	char		code[64];
	char	   *key;
	const char *label;
	size_t		len;

	if (c->kind == CELL_TAGGED)
	{
		snprintf(code, sizeof(code), ".%c", c->tag);
		label = tag_label(v, c->tag);
	}
	else
	{
		format_code(code, sizeof(code), c->num);
		label = code_label(v, c->num);
	}
	len = strlen(code) + (label ? strlen(label) : 0) + 16;
	key = xmalloc(len);
	snprintf(key, len, "%s\t%s\t%d", code, label ? label : "", reason);
	for (int i = 0; i < noted->n; i++)
		if (strcmp(noted->keys[i], key) == 0)
		{
			free(key);
			return;
		}
	noted->keys = xrealloc(noted->keys, (noted->n + 1) * sizeof(char *));
	noted->keys[noted->n++] = key;
	if (how == 1)
		note(opt, "missing code %s \"%s\" loaded as %s (from its label; first in column \"%s\"; set it with --missing)",
			 code, label, reason_name(reason), col);
	else
		note(opt, "missing code %s%s%s%s loaded as %s (no reason in its label; first in column \"%s\"; set it with --missing)",
			 code, label ? " \"" : "", label ? label : "", label ? "\"" : "", reason_name(reason), col);
}

/* ---------- one column ---------- */

static int
plan_typed(const Dataset *ds, Col *col, const char *type)
{
	const Var  *v = &ds->vars[col->var];
	static const struct
	{
		const char *name;
		TypedKind	kind;
	}			types[] = {
		{"text", TYPED_TEXT}, {"smallint", TYPED_SMALLINT}, {"int2", TYPED_SMALLINT},
		{"integer", TYPED_INTEGER}, {"int", TYPED_INTEGER}, {"int4", TYPED_INTEGER},
		{"bigint", TYPED_BIGINT}, {"int8", TYPED_BIGINT}, {"double precision", TYPED_DOUBLE},
		{"float8", TYPED_DOUBLE}, {"numeric", TYPED_NUMERIC}
	};
	int			found = 0;

	col->kind = COL_TYPED;
	if (sscanf(type, "varchar(%d)", &col->typmod) == 1 || sscanf(type, "character varying(%d)", &col->typmod) == 1)
	{
		char		check[64];

		snprintf(check, sizeof(check), strncmp(type, "varchar", 7) == 0 ? "varchar(%d)" : "character varying(%d)", col->typmod);
		found = strcmp(check, type) == 0 && col->typmod >= 1 && col->typmod <= 10485760;
		col->typed = TYPED_VARCHAR;
	}
	else
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (name_eq(type, types[i].name))
			{
				col->typed = types[i].kind;
				found = 1;
			}
	if (!found)
	{
		error("--type %s=%s: unknown type", v->name, type);
		hint("The types are text, varchar(N), smallint, integer, bigint, double precision and numeric.");
		return 2;
	}
	if (v->is_string && col->typed != TYPED_TEXT && col->typed != TYPED_VARCHAR)
	{
		error("--type %s=%s: \"%s\" is a string variable", v->name, type, v->name);
		hint("Load string variables as text or varchar(N).");
		return 1;
	}
	for (long r = 0; r < ds->nrows; r++)
	{
		const Cell *c = cell_at(ds, r, col->var);
		char		buf[64];

		if (c->kind != CELL_VALUE)
			continue;
		if (!v->is_string)
			format_code(buf, sizeof(buf), c->num);
		if (col->typed == TYPED_VARCHAR && utf8_chars(v->is_string ? c->str : buf) > (size_t) col->typmod)
			return error("value too long for type varchar(%d) in column \"%s\", row %ld: \"%s\" has %zu characters",
						 col->typmod, col->name, r + 1, v->is_string ? c->str : buf, utf8_chars(v->is_string ? c->str : buf));
		if (col->typed == TYPED_SMALLINT || col->typed == TYPED_INTEGER || col->typed == TYPED_BIGINT)
		{
			double		lim = col->typed == TYPED_SMALLINT ? 32767.0 : col->typed == TYPED_INTEGER ? 2147483647.0 : 9007199254740992.0;

			if (c->num != floor(c->num) || c->num > lim || c->num < -lim - 1)
				return error("value %s in column \"%s\", row %ld does not fit type %s", buf, col->name, r + 1, type);
		}
	}
	return 0;
}

/* Numbers without (answer) labels: the narrowest of integer, bigint, double precision. */
static void
plan_number(const Options *opt, const Dataset *ds, Col *col)
{
	const Var  *v = &ds->vars[col->var];
	int			all_int = 1,
				any = 0;
	double		maxabs = 0;

	if (v->is_string)
	{
		col->kind = COL_TEXT;
		return;
	}
	for (long r = 0; r < ds->nrows; r++)
	{
		const Cell *c = cell_at(ds, r, col->var);

		if (c->kind != CELL_VALUE || (v->labels && map_code(opt, v, c->num)))
			continue;
		any = 1;
		if (c->num != floor(c->num) || isinf(c->num))
			all_int = 0;
		else if (fabs(c->num) > maxabs)
			maxabs = fabs(c->num);
	}
	if (!any || !all_int)
		col->kind = COL_DOUBLE;
	else if (maxabs <= 2147483647.0)
		col->kind = COL_INTEGER;
	else if (maxabs <= 9007199254740992.0)
		col->kind = COL_BIGINT;
	else
		col->kind = COL_DOUBLE;
}

static int
plan_labelled(const Options *opt, const Dataset *ds, Col *col)
{
	const Var  *v = &ds->vars[col->var];
	int			nv = 0,
				nd = 0,
				ok;
	double	   *codes = xmalloc((v->labels->n + ds->nrows + 1) * sizeof(double));
	char		why[256] = "";
	int			candidate;

	/* labelled answer codes, then the values in the data */
	for (int i = 0; i < v->labels->n; i++)
		if (!v->labels->e[i].is_tag && !v->labels->e[i].is_string && !missing_code(opt, v, v->labels->e[i].code))
			codes[nv++] = v->labels->e[i].code;
	nv = sort_unique(codes, nv);
	if (nv == 0)
	{
		/* labels only on missing codes: a number with missing codes */
		free(codes);
		plan_number(opt, ds, col);
		return 0;
	}
	nd = nv;
	for (long r = 0; r < ds->nrows; r++)
	{
		const Cell *c = cell_at(ds, r, col->var);

		if (c->kind == CELL_VALUE && !map_code(opt, v, c->num))
			codes[nd++] = c->num;
	}

	/* two labelled codes are a yes/no or a sex, not a rating, unless listed */
	if (listed(opt->likert_vars, opt->nlikert_vars, v->name))
		candidate = !opt->no_likert && !listed(opt->enum_vars, opt->nenum_vars, v->name);
	else
		candidate = !opt->no_likert && !listed(opt->enum_vars, opt->nenum_vars, v->name) &&
			v->measure != READSTAT_MEASURE_NOMINAL && nv >= 3;
	ok = candidate;
	if (candidate)
	{
		double		lo = codes[0],
					hi = codes[nv - 1];

		for (int i = 0; i < nv && ok; i++)
			if (codes[i] != floor(codes[i]))
			{
				snprintf(why, sizeof(why), "code %.15g is not an integer", codes[i]);
				ok = 0;
			}
		if (ok && nv < 2)
		{
			snprintf(why, sizeof(why), "only one code is labelled");
			ok = 0;
		}
		if (ok && hi - lo + 1 != nv)
		{
			size_t		len = 0;

			len += snprintf(why, sizeof(why), "codes ");
			for (int i = 0; i < nv && len < sizeof(why) - 32; i++)
				len += snprintf(why + len, sizeof(why) - len, "%s%.15g", i ? ", " : "", codes[i]);
			snprintf(why + len, sizeof(why) - len, " are not consecutive");
			ok = 0;
		}
		if (ok && (lo < -100 || hi > 100))
		{
			snprintf(why, sizeof(why), "codes %.15g..%.15g are outside -100..100", lo, hi);
			ok = 0;
		}
		for (int i = nv; i < nd && ok; i++)
			if (codes[i] < lo || codes[i] > hi || codes[i] != floor(codes[i]))
			{
				snprintf(why, sizeof(why), "value %.15g in the data is not one of the labelled codes %.15g..%.15g", codes[i], lo, hi);
				ok = 0;
			}
		if (ok)
		{
			col->kind = COL_LIKERT;
			col->lo = (int) lo;
			col->hi = (int) hi;
			free(codes);
			return 0;
		}
		note(opt, "column \"%s\": %s, so it is not loaded as likert but as %s", col->name, why,
			 opt->labels_as_text ? "text" : "an enum");
	}

	/* enum (or text): the labels in code order; unlabelled values as numbers */
	nd = sort_unique(codes, nd);
	col->kind = opt->labels_as_text ? COL_LABEL : COL_ENUM;
	col->codes = codes;
	col->nlevels = nd;
	col->levels = xmalloc(nd * sizeof(char *));
	for (int i = 0; i < nd; i++)
	{
		const char *label = code_label(v, codes[i]);
		char		buf[64];

		format_code(buf, sizeof(buf), codes[i]);
		if (label == NULL || *label == '\0')
		{
			if (label == NULL)
				note(opt, "column \"%s\": value %s has no label; loaded as \"%s\"", col->name, buf, buf);
			col->levels[i] = xstrdup(buf);
		}
		else
			col->levels[i] = xstrdup(label);
	}
	for (int i = 0; i < nd; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(col->levels[i], col->levels[j]) == 0)
			{
				char		buf[64];
				size_t		len;
				char	   *s;

				format_code(buf, sizeof(buf), codes[i]);
				len = strlen(col->levels[i]) + strlen(buf) + 4;
				s = xmalloc(len);
				snprintf(s, len, "%s (%s)", col->levels[i], buf);
				note(opt, "column \"%s\": codes %.15g and %s have the same label \"%s\"; code %s loaded as \"%s\"",
					 col->name, codes[j], buf, col->levels[i], buf, s);
				free(col->levels[i]);
				col->levels[i] = s;
				j = -1;			/* check the new text again */
				break;
			}
	if (col->kind == COL_ENUM)
		for (int i = 0; i < nd; i++)
			if (strlen(col->levels[i]) > NAME_MAX_BYTES)
			{
				error("value label \"%s\" of column \"%s\" is too long for an enum value (%zu bytes; at most 63)",
					  col->levels[i], col->name, strlen(col->levels[i]));
				hint("Load labels as text with --labels=text, or the codes with --type %s=integer.", v->name);
				return 1;
			}
	return 0;
}

static int
plan_choices(const Options *opt, const Dataset *ds, Col *col, const ChoiceGroup *g)
{
	const char *what = g->from_file ? "multiple-response set" : "--choices";

	col->kind = COL_CHOICES;
	col->group = g;
	for (int k = 0; k < col->nmembers; k++)
	{
		const Var  *v = &ds->vars[col->members[k]];

		if (v->is_string)
		{
			error("%s %s: \"%s\" is a string variable", what, g->name, v->name);
			hint("Options are numeric variables.");
			return 1;
		}
		for (long r = 0; r < ds->nrows; r++)
		{
			const Cell *c = cell_at(ds, r, col->members[k]);

			if (cell_reason(opt, v, c) != 0)
				continue;
			if (g->category && (c->num != floor(c->num) || c->num < 1 || c->num > 64))
			{
				error("%s %s: value %.15g of \"%s\" in row %ld is not an option number 1..64", what, g->name, c->num, v->name, r + 1);
				hint("A multiple category set holds option numbers; list missing codes with --missing.");
				return 1;
			}
			/* SPSS dichotomy sets count one value; --choices wants 0/1 */
			if (!g->category && !g->from_file && c->num != 0 && c->num != 1)
			{
				error("%s %s: value %.15g of \"%s\" in row %ld is neither 0 nor 1", what, g->name, c->num, v->name, r + 1);
				hint("Options are 0/1 variables (1 = chosen, 0 or empty = not chosen); list missing codes with --missing.");
				return 1;
			}
		}
	}
	return 0;
}

/* ---------- the plan ---------- */

static char *
default_table(const char *file)
{
	const char *slash = strrchr(file, '/');
	char	   *name = xstrdup(slash ? slash + 1 : file);
	char	   *dot = strrchr(name, '.');

	if (dot && dot != name)
		*dot = '\0';
	for (char *p = name; *p; p++)
		*p = tolower((unsigned char) *p);
	return name;
}

int
make_plan(Options *opt, const Dataset *ds, Plan *plan)
{
	int		   *group_of = xmalloc(ds->nvars * sizeof(int));
	char	  **taken;
	int			ntaken = 0;
	int			rc = 0;
	Noted		noted = {0};

	/* the variables named in options must exist */
	for (int i = 0; i < ds->nvars; i++)
		group_of[i] = -1;
	for (int i = 0; i < opt->nlikert_vars && rc == 0; i++)
		if (find_var(ds, opt->likert_vars[i]) < 0)
			rc = error("--likert: no variable \"%s\" in the file", opt->likert_vars[i]);
	for (int i = 0; i < opt->nenum_vars && rc == 0; i++)
		if (find_var(ds, opt->enum_vars[i]) < 0)
			rc = error("--enum: no variable \"%s\" in the file", opt->enum_vars[i]);
	for (int i = 0; i < opt->ntypes && rc == 0; i++)
		if (find_var(ds, opt->types[i].var) < 0)
			rc = error("--type: no variable \"%s\" in the file", opt->types[i].var);
	for (int g = 0; g < opt->ngroups && rc == 0; g++)
		for (int k = 0; k < opt->groups[g].nmembers && rc == 0; k++)
		{
			int			v = find_var(ds, opt->groups[g].members[k]);

			if (v < 0)
				rc = error("--choices %s: no variable \"%s\" in the file", opt->groups[g].name, opt->groups[g].members[k]);
			else if (group_of[v] >= 0)
				rc = error("--choices: variable \"%s\" is in two choices columns", ds->vars[v].name);
			else if (listed(opt->likert_vars, opt->nlikert_vars, ds->vars[v].name) ||
					 listed(opt->enum_vars, opt->nenum_vars, ds->vars[v].name))
				rc = error("variable \"%s\" is an option of choices column \"%s\"; it cannot be in --likert or --enum",
						   ds->vars[v].name, opt->groups[g].name);
			else
			{
				for (int t = 0; t < opt->ntypes; t++)
					if (find_var(ds, opt->types[t].var) == v)
						rc = error("variable \"%s\" is an option of choices column \"%s\"; it cannot be in --type",
								   ds->vars[v].name, opt->groups[g].name);
				group_of[v] = g;
			}
		}
	if (rc)
	{
		free(group_of);
		return rc;
	}

	{
		char	   *table = opt->table ? xstrdup(opt->table) : default_table(opt->file);

		plan->table = sized_name(table, "", NULL, 0);
		if (strcmp(plan->table, table) != 0)
			note(opt, "table name cut to 63 bytes: \"%s\"", plan->table);
		free(table);
	}
	plan->schema = opt->schema ? xstrdup(opt->schema) : NULL;
	plan->cols = xmalloc(ds->nvars * sizeof(Col));
	memset(plan->cols, 0, ds->nvars * sizeof(Col));
	taken = xmalloc((ds->nvars + 2) * 2 * sizeof(char *));

	for (int i = 0; i < ds->nvars && rc == 0; i++)
	{
		const Var  *v = &ds->vars[i];
		Col		   *col;
		int			g = group_of[i];

		if (g >= 0 && find_var(ds, opt->groups[g].members[0]) != i)
		{
			/* a later member: the column is that of the first member */
			int			first = 1;

			for (int k = 0; k < opt->groups[g].nmembers; k++)
				if (find_var(ds, opt->groups[g].members[k]) < i)
					first = 0;
			if (!first)
				continue;
		}
		col = &plan->cols[plan->ncols++];
		col->var = i;
		if (g >= 0)
		{
			const ChoiceGroup *grp = &opt->groups[g];
			size_t		len = 64;

			col->name = column_name(grp->name, grp->from_file, taken, ntaken, opt->quiet);
			col->nmembers = grp->nmembers;
			col->members = xmalloc(grp->nmembers * sizeof(int));
			for (int k = 0; k < grp->nmembers; k++)
			{
				col->members[k] = find_var(ds, grp->members[k]);
				len += strlen(ds->vars[col->members[k]].name) + 2;
			}
			if (grp->label)
				col->comment = xstrdup(grp->label);
			else
			{
				col->comment = xmalloc(len);
				strcpy(col->comment, "options: ");
				for (int k = 0; k < grp->nmembers; k++)
					sprintf(col->comment + strlen(col->comment), "%s%s", k ? ", " : "", ds->vars[col->members[k]].name);
			}
			rc = plan_choices(opt, ds, col, grp);
		}
		else
		{
			const char *type = NULL;

			col->name = column_name(v->name, 1, taken, ntaken, opt->quiet);
			if (*v->label)
				col->comment = xstrdup(v->label);
			for (int t = 0; t < opt->ntypes; t++)
				if (find_var(ds, opt->types[t].var) == i)
					type = opt->types[t].type;
			if (type)
				rc = plan_typed(ds, col, type);
			else if (v->labels && !v->is_string)
				rc = plan_labelled(opt, ds, col);
			else
				plan_number(opt, ds, col);
		}
		taken[ntaken++] = col->name;
	}

	/* --missing codes must occur in a labelled or choices column */
	for (int c = 0; c < plan->ncols && rc == 0; c++)
	{
		const Col  *col = &plan->cols[c];
		int			nm = col->kind == COL_CHOICES ? col->nmembers : 1;

		for (int k = 0; k < nm; k++)
		{
			const Var  *v = &ds->vars[col->kind == COL_CHOICES ? col->members[k] : col->var];

			if (!v->labels && col->kind != COL_CHOICES)
				continue;
			for (int i = 0; v->labels && i < v->labels->n; i++)
			{
				MissMap    *m = v->labels->e[i].is_tag ? map_tag(opt, v, v->labels->e[i].tag) :
				v->labels->e[i].is_string ? NULL : map_code(opt, v, v->labels->e[i].code);

				if (m)
				{
					m->present = 1;
					if (reason_from_label(v->labels->e[i].label) != m->reason)
						note(opt, "column \"%s\": --missing loads code %s (label \"%s\") as %s",
							 col->name, m->text, v->labels->e[i].label, reason_name(m->reason));
				}
			}
			for (long r = 0; r < ds->nrows; r++)
			{
				const Cell *cell = cell_at(ds, r, col->kind == COL_CHOICES ? col->members[k] : col->var);
				MissMap    *m = cell->kind == CELL_TAGGED ? map_tag(opt, v, cell->tag) :
				(cell->kind == CELL_VALUE || cell->kind == CELL_USERMIS) && !v->is_string ? map_code(opt, v, cell->num) : NULL;
				int			how,
							reason;

				if (m)
					m->present = 1;
				if (col->kind != COL_LIKERT && col->kind != COL_CHOICES)
					continue;
				reason = reason_how(opt, v, cell, &how);
				if (reason > 0 && how > 0)
					note_reason(opt, &noted, v, cell, reason, how, col->name);
			}
		}
	}
	for (int i = 0; i < opt->nmiss && rc == 0; i++)
		if (!opt->miss[i].present)
		{
			rc = error("--missing: code %s (%s) does not occur in any labelled column, neither in the data nor in the value labels",
					   opt->miss[i].text, reason_name(opt->miss[i].reason));
			hint("Check the codes against the file's value labels (readstat -f FILE shows them).");
		}

	/* type names share one namespace with tables */
	if (rc == 0)
	{
		ntaken = 0;
		plan->labels_table = sized_name(plan->table, "_labels", taken, 0);
		taken[ntaken++] = plan->table;
		taken[ntaken++] = plan->labels_table;
		for (int c = 0; c < plan->ncols; c++)
		{
			Col		   *col = &plan->cols[c];
			char	   *base;

			if (col->kind == COL_LIKERT || col->kind == COL_CHOICES)
				plan->uses_extension = 1;
			if (col->kind != COL_ENUM)
				continue;
			base = xmalloc(strlen(plan->table) + strlen(col->name) + 2);
			sprintf(base, "%s_%s", plan->table, col->name);
			col->type_name = sized_name(base, "", taken, ntaken);
			free(base);
			taken[ntaken++] = col->type_name;
		}
	}
	for (int i = 0; i < noted.n; i++)
		free(noted.keys[i]);
	free(noted.keys);
	free(taken);
	free(group_of);
	return rc;
}

void
free_plan(Plan *plan)
{
	for (int c = 0; c < plan->ncols; c++)
	{
		Col		   *col = &plan->cols[c];

		free(col->name);
		free(col->members);
		free(col->codes);
		for (int i = 0; col->levels && i < col->nlevels; i++)
			free(col->levels[i]);
		free(col->levels);
		free(col->type_name);
		free(col->comment);
	}
	free(plan->cols);
	free(plan->schema);
	free(plan->table);
	free(plan->labels_table);
}

/* The missing reason a labelled code is loaded as in a likert column, 0 if none. */
int
label_reason(const Options *opt, const Var *v, const LabelEntry *e)
{
	Cell		c = {0};

	if (e->is_string)
		return 0;
	if (e->is_tag)
	{
		c.kind = CELL_TAGGED;
		c.tag = e->tag;
	}
	else
	{
		c.num = e->code;
		c.kind = declared_missing(v, e->code) ? CELL_USERMIS : CELL_VALUE;
	}
	return cell_reason(opt, v, &c);
}
