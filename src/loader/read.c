/*
 * read.c -- survey_load: the data file into memory, through libreadstat.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <readstat.h>

#include "loader.h"

typedef struct ReadCtx
{
	Dataset    *ds;
	char		errmsg[1024];
} ReadCtx;

static double
value_number(readstat_value_t v)
{
	switch (readstat_value_type(v))
	{
		case READSTAT_TYPE_INT8:
			return readstat_int8_value(v);
		case READSTAT_TYPE_INT16:
			return readstat_int16_value(v);
		case READSTAT_TYPE_INT32:
			return readstat_int32_value(v);
		case READSTAT_TYPE_FLOAT:
			return readstat_float_value(v);
		default:
			return readstat_double_value(v);
	}
}

static int
on_metadata(readstat_metadata_t *md, void *vctx)
{
	ReadCtx    *ctx = vctx;
	const char *label = readstat_get_file_label(md);
	long		rows = readstat_get_row_count(md);

	if (label && *label)
		ctx->ds->file_label = xstrdup(label);
	if (rows > 0)
	{
		ctx->ds->rowcap = rows;
		ctx->ds->cells = NULL;	/* allocated once the variables are known */
	}
	return READSTAT_HANDLER_OK;
}

static int
on_variable(int index, readstat_variable_t *variable, const char *val_labels, void *vctx)
{
	ReadCtx    *ctx = vctx;
	Dataset    *ds = ctx->ds;
	Var		   *v;
	const char *label = readstat_variable_get_label(variable);
	const char *name = readstat_variable_get_name(variable);

	if (index != ds->nvars)
		return READSTAT_HANDLER_ABORT;
	ds->vars = xrealloc(ds->vars, (ds->nvars + 1) * sizeof(Var));
	v = &ds->vars[ds->nvars++];
	memset(v, 0, sizeof(Var));
	v->name = xstrdup(name ? name : "");	/* a broken file: names.c names it */
	v->label = xstrdup(label ? label : "");
	v->setname = val_labels ? xstrdup(val_labels) : NULL;
	v->is_string = readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_STRING;
	v->measure = readstat_variable_get_measure(variable);
	if (!v->is_string)
	{
		int			n = readstat_variable_get_missing_ranges_count(variable);

		for (int i = 0; i < n && i < 32; i++)
		{
			v->miss_lo[i] = value_number(readstat_variable_get_missing_range_lo(variable, i));
			v->miss_hi[i] = value_number(readstat_variable_get_missing_range_hi(variable, i));
		}
		v->nmiss = n < 32 ? n : 32;
	}
	return READSTAT_HANDLER_OK;
}

static int
on_value(int obs_index, readstat_variable_t *variable, readstat_value_t value, void *vctx)
{
	ReadCtx    *ctx = vctx;
	Dataset    *ds = ctx->ds;
	int			var = readstat_variable_get_index(variable);
	Cell	   *c;

	if (var < 0 || var >= ds->nvars || obs_index < 0)
		return READSTAT_HANDLER_ABORT;
	if (ds->cells == NULL || obs_index >= ds->rowcap)
	{
		long		old = ds->cells ? ds->rowcap : 0;
		long		cap = ds->cells ? 2 * ds->rowcap : (ds->rowcap > 0 ? ds->rowcap : 64);

		while (cap <= obs_index)
			cap *= 2;
		ds->cells = xrealloc(ds->cells, (size_t) cap * ds->nvars * sizeof(Cell));
		memset(ds->cells + old * ds->nvars, 0, (size_t) (cap - old) * ds->nvars * sizeof(Cell));
		for (long i = old * ds->nvars; i < cap * ds->nvars; i++)
			ds->cells[i].kind = CELL_SYSMIS;
		ds->rowcap = cap;
	}
	if (obs_index >= ds->nrows)
		ds->nrows = obs_index + 1;
	c = cell_at(ds, obs_index, var);
	if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING)
	{
		const char *s = readstat_string_value(value);

		c->kind = readstat_value_is_defined_missing(value, variable) ? CELL_USERMIS : CELL_VALUE;
		c->str = xstrdup(s ? s : "");
	}
	else if (readstat_value_is_tagged_missing(value))
	{
		c->kind = CELL_TAGGED;
		c->tag = readstat_value_tag(value);
	}
	else if (readstat_value_is_system_missing(value))
		c->kind = CELL_SYSMIS;
	else
	{
		c->num = value_number(value);
		c->kind = readstat_value_is_defined_missing(value, variable) ? CELL_USERMIS : CELL_VALUE;
	}
	return READSTAT_HANDLER_OK;
}

static LabelSet *
find_set(Dataset *ds, const char *name)
{
	for (int i = 0; i < ds->nsets; i++)
		if (strcmp(ds->sets[i].name, name) == 0)
			return &ds->sets[i];
	return NULL;
}

static int
on_value_label(const char *set_name, readstat_value_t value, const char *label, void *vctx)
{
	ReadCtx    *ctx = vctx;
	Dataset    *ds = ctx->ds;
	LabelSet   *set;
	LabelEntry *e;

	if (set_name == NULL)
		return READSTAT_HANDLER_OK;
	set = find_set(ds, set_name);
	if (set == NULL)
	{
		if (ds->nsets == ds->setcap)
		{
			ds->setcap = ds->setcap ? 2 * ds->setcap : 16;
			ds->sets = xrealloc(ds->sets, ds->setcap * sizeof(LabelSet));
		}
		set = &ds->sets[ds->nsets++];
		memset(set, 0, sizeof(LabelSet));
		set->name = xstrdup(set_name);
	}
	if (set->n == set->cap)
	{
		set->cap = set->cap ? 2 * set->cap : 8;
		set->e = xrealloc(set->e, set->cap * sizeof(LabelEntry));
	}
	e = &set->e[set->n++];
	memset(e, 0, sizeof(LabelEntry));
	e->label = xstrdup(label ? label : "");
	if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING)
	{
		const char *s = readstat_string_value(value);

		e->is_string = 1;
		e->skey = xstrdup(s ? s : "");
	}
	else if (readstat_value_is_tagged_missing(value))
	{
		e->is_tag = 1;
		e->tag = readstat_value_tag(value);
	}
	else
		e->code = value_number(value);
	return READSTAT_HANDLER_OK;
}

static void
on_error(const char *msg, void *vctx)
{
	ReadCtx    *ctx = vctx;
	size_t		len;

	snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%s", msg);
	/* readstat quotes raw bytes of a broken file in some messages */
	for (char *p = ctx->errmsg; *p; p++)
		if ((unsigned char) *p < 0x20 || (unsigned char) *p >= 0x7F)
			*p = '?';
	len = strlen(ctx->errmsg);
	while (len > 0 && (ctx->errmsg[len - 1] == '\n' || ctx->errmsg[len - 1] == ' '))
		ctx->errmsg[--len] = '\0';
}

/* The format from --format or from the file name's extension; NULL if unknown. */
static const char *
file_format(const Options *opt)
{
	static const char *const known[] = {"sav", "zsav", "por", "dta", "sas7bdat"};
	const char *fmt = opt->format;

	if (fmt == NULL)
	{
		const char *slash = strrchr(opt->file, '/');
		const char *dot = strrchr(slash ? slash : opt->file, '.');

		if (dot == NULL)
			return NULL;
		fmt = dot + 1;
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (name_eq(fmt, known[i]))
			return known[i];
	return NULL;
}

int
read_file(const Options *opt, Dataset *ds)
{
	const char *fmt = file_format(opt);
	FILE	   *probe;
	struct stat st;
	readstat_parser_t *parser;
	readstat_error_t err;
	ReadCtx		ctx;

	if (fmt == NULL)
	{
		error(opt->format ? "unknown file format \"%s\"" : "unknown file format of \"%s\"",
			  opt->format ? opt->format : opt->file);
		hint("The formats are sav, zsav, por (SPSS), dta (Stata) and sas7bdat (SAS); name the file so or use --format.");
		return opt->format ? 2 : 1;
	}
	/* readstat says only "Unable to open file": say why. */
	probe = fopen(opt->file, "rb");
	if (probe == NULL)
		return error("could not open file \"%s\": %s", opt->file, strerror(errno));
	if (fstat(fileno(probe), &st) == 0 && S_ISDIR(st.st_mode))
	{
		fclose(probe);
		return error("could not read \"%s\": it is a directory", opt->file);
	}
	fclose(probe);

	memset(&ctx, 0, sizeof(ctx));
	ctx.ds = ds;
	parser = readstat_parser_init();
	readstat_set_metadata_handler(parser, on_metadata);
	readstat_set_variable_handler(parser, on_variable);
	readstat_set_value_handler(parser, on_value);
	readstat_set_value_label_handler(parser, on_value_label);
	readstat_set_error_handler(parser, on_error);
	if (opt->encoding)
		readstat_set_file_character_encoding(parser, opt->encoding);

	if (strcmp(fmt, "dta") == 0)
		err = readstat_parse_dta(parser, opt->file, &ctx);
	else if (strcmp(fmt, "por") == 0)
		err = readstat_parse_por(parser, opt->file, &ctx);
	else if (strcmp(fmt, "sas7bdat") == 0)
		err = readstat_parse_sas7bdat(parser, opt->file, &ctx);
	else
		err = readstat_parse_sav(parser, opt->file, &ctx);
	readstat_parser_free(parser);

	if (err != READSTAT_OK)
	{
		if (ctx.errmsg[0])
			error("could not read \"%s\" as a %s file: %s (%s)", opt->file, fmt,
				  readstat_error_message(err), ctx.errmsg);
		else
			error("could not read \"%s\" as a %s file: %s", opt->file, fmt, readstat_error_message(err));
		if (err == READSTAT_ERROR_CONVERT || err == READSTAT_ERROR_CONVERT_BAD_STRING ||
			err == READSTAT_ERROR_UNSUPPORTED_CHARSET)
			hint("The file's text is not in the encoding it declares (or that --encoding gives): give the right one with --encoding, e.g. --encoding=WINDOWS-1252.");
		return 1;
	}
	if (ds->nvars == 0)
		return error("\"%s\" has no variables", opt->file);
	ds->format = fmt;
	for (int i = 0; i < ds->nvars; i++)
		if (ds->vars[i].setname)
			ds->vars[i].labels = find_set(ds, ds->vars[i].setname);
	return 0;
}

void
free_dataset(Dataset *ds)
{
	for (long i = 0; ds->cells && i < ds->rowcap * ds->nvars; i++)
		free(ds->cells[i].str);
	free(ds->cells);
	for (int i = 0; i < ds->nvars; i++)
	{
		free(ds->vars[i].name);
		free(ds->vars[i].label);
		free(ds->vars[i].setname);
	}
	free(ds->vars);
	for (int i = 0; i < ds->nsets; i++)
	{
		for (int j = 0; j < ds->sets[i].n; j++)
		{
			free(ds->sets[i].e[j].label);
			free(ds->sets[i].e[j].skey);
		}
		free(ds->sets[i].e);
		free(ds->sets[i].name);
	}
	free(ds->sets);
	free(ds->file_label);
}
