/*
 * emit.c -- survey_load: the SQL script.  Everything that can fail has been
 * checked by plan.c; this file only writes.
 *
 * Names are always double-quoted and literals single-quoted with
 * standard_conforming_strings on, so any name or label loads as it is.  COPY
 * data uses the text format: backslash, tab, newline and carriage return are
 * escaped, \N is NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

static void
put_ident(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++)
	{
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
put_literal(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++)
	{
		if (*s == '\'')
			fputc('\'', out);
		fputc(*s, out);
	}
	fputc('\'', out);
}

static void
put_qualified(FILE *out, const Plan *plan, const char *name)
{
	if (plan->schema)
	{
		put_ident(out, plan->schema);
		fputc('.', out);
	}
	put_ident(out, name);
}

/* prefix + the qualified name + suffix, as one SQL literal. */
static void
put_name_literal(FILE *out, const Plan *plan, const char *prefix, const char *name, const char *suffix)
{
	char	   *buf;
	size_t		size;
	FILE	   *mem = open_memstream(&buf, &size);

	fputs(prefix, mem);
	put_qualified(mem, plan, name);
	fputs(suffix, mem);
	fclose(mem);
	put_literal(out, buf);
	free(buf);
}

/* A clear error in place of CREATE's when the table or type exists. */
static void
put_exists_check(FILE *out, const Plan *plan, int is_type, const char *name)
{
	fputs(is_type ? "    IF to_regtype(" : "    IF to_regclass(", out);
	put_name_literal(out, plan, "", name, "");
	fputs(") IS NOT NULL THEN\n        RAISE EXCEPTION USING MESSAGE = ", out);
	put_name_literal(out, plan, is_type ? "type " : "table ", name, " already exists");
	fprintf(out, ",\n            HINT = 'Run " PROGNAME " with --replace to replace it, or choose another name with --table.',\n"
			"            ERRCODE = '%s';\n    END IF;\n", is_type ? "duplicate_object" : "duplicate_table");
}

static void
put_copy_text(FILE *out, const char *s)
{
	for (; *s; s++)
	{
		switch (*s)
		{
			case '\\':
				fputs("\\\\", out);
				break;
			case '\t':
				fputs("\\t", out);
				break;
			case '\n':
				fputs("\\n", out);
				break;
			case '\r':
				fputs("\\r", out);
				break;
			default:
				fputc(*s, out);
		}
	}
}

static void
put_type(FILE *out, const Plan *plan, const Col *col)
{
	static const char *const typed[] = {
		"text", "varchar", "smallint", "integer", "bigint", "double precision", "numeric"
	};

	switch (col->kind)
	{
		case COL_INTEGER:
			fputs("integer", out);
			break;
		case COL_BIGINT:
			fputs("bigint", out);
			break;
		case COL_DOUBLE:
			fputs("double precision", out);
			break;
		case COL_TEXT:
		case COL_LABEL:
			fputs("text", out);
			break;
		case COL_LIKERT:
			if (col->lo == 1)
				fprintf(out, "likert(%d)", col->hi);
			else
				fprintf(out, "likert(%d, %d)", col->lo, col->hi);
			break;
		case COL_ENUM:
			put_qualified(out, plan, col->type_name);
			break;
		case COL_CHOICES:
			fputs("choices", out);
			break;
		case COL_TYPED:
			fputs(typed[col->typed], out);
			if (col->typed == TYPED_VARCHAR)
				fprintf(out, "(%d)", col->typmod);
			break;
	}
}

static void
put_number(FILE *out, double x)
{
	char		buf[64];

	format_code(buf, sizeof(buf), x);
	fputs(buf, out);
}

static const char *
level_of(const Col *col, double code)
{
	int			lo = 0,
				hi = col->nlevels - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (col->codes[mid] == code)
			return col->levels[mid];
		if (col->codes[mid] < code)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static void
put_cell(FILE *out, const Options *opt, const Dataset *ds, const Col *col, long row)
{
	const Var  *v = &ds->vars[col->var];
	const Cell *c = cell_at(ds, row, col->var);
	int			reason;

	switch (col->kind)
	{
		case COL_TEXT:
			if (c->kind == CELL_VALUE)
				put_copy_text(out, c->str);
			else
				fputs("\\N", out);
			return;
		case COL_TYPED:
			if (c->kind != CELL_VALUE)
				fputs("\\N", out);
			else if (v->is_string)
				put_copy_text(out, c->str);
			else
				put_number(out, c->num);
			return;
		case COL_INTEGER:
		case COL_BIGINT:
		case COL_DOUBLE:
			/* --missing codes count only in labelled columns */
			if (c->kind == CELL_VALUE && (!v->labels || cell_reason(opt, v, c) == 0))
				put_number(out, c->num);
			else
				fputs("\\N", out);
			return;
		case COL_ENUM:
		case COL_LABEL:
			if (cell_reason(opt, v, c) == 0)
				put_copy_text(out, level_of(col, c->num));
			else
				fputs("\\N", out);
			return;
		case COL_LIKERT:
			reason = cell_reason(opt, v, c);
			if (reason == 0)
				fprintf(out, "%d", (int) c->num);
			else if (reason > 0)
				fputs(reason_name(reason), out);
			else
				fputs("\\N", out);
			return;
		case COL_CHOICES:
			{
				int			any = 0,
							first = 1;
				unsigned long long mask = 0;

				reason = 0;
				for (int k = 0; k < col->nmembers; k++)
				{
					const Cell *m = cell_at(ds, row, col->members[k]);
					int			r;

					if (m->kind == CELL_SYSMIS)
						continue;	/* not chosen, or (all of them) not asked */
					any = 1;
					r = cell_reason(opt, &ds->vars[col->members[k]], m);
					if (r > 0 && reason == 0)
						reason = r;
				}
				if (reason > 0 || (!any && opt->sysmis))
				{
					fputs(reason_name(reason ? reason : opt->sysmis), out);
					return;
				}
				if (!any)
				{
					fputs("\\N", out);
					return;
				}
				fputc('{', out);
				for (int k = 0; k < col->nmembers; k++)
				{
					const Cell *m = cell_at(ds, row, col->members[k]);

					if (col->group->category)
						mask |= cell_reason(opt, &ds->vars[col->members[k]], m) == 0 ? 1ULL << ((int) m->num - 1) : 0;
					else if (m->kind == CELL_VALUE && m->num == col->group->counted)
						mask |= 1ULL << k;
				}
				for (int k = 0; k < 64; k++)
					if (mask & (1ULL << k))
					{
						fprintf(out, "%s%d", first ? "" : ",", k + 1);
						first = 0;
					}
				fputc('}', out);
				return;
			}
	}
}

static void
put_labels_row(FILE *out, const char *col, const char *code, const char *label, int reason)
{
	put_copy_text(out, col);
	fputc('\t', out);
	put_copy_text(out, code);
	fputc('\t', out);
	put_copy_text(out, label);
	fputc('\t', out);
	fputs(reason > 0 ? reason_name(reason) : "\\N", out);
	fputc('\n', out);
}

static void
emit_labels(FILE *out, const Options *opt, const Dataset *ds, const Plan *plan)
{
	fputs("CREATE TABLE ", out);
	put_qualified(out, plan, plan->labels_table);
	fputs(" (variable text NOT NULL, code text NOT NULL, label text NOT NULL, reason text);\n", out);
	fputs("COMMENT ON TABLE ", out);
	put_qualified(out, plan, plan->labels_table);
	fputs(" IS ", out);
	put_name_literal(out, plan, "value labels of table ", plan->table,
					 " (reason: the missing reason the code is loaded as, in likert columns)");
	fputs(";\nCOPY ", out);
	put_qualified(out, plan, plan->labels_table);
	fputs(" (variable, code, label, reason) FROM STDIN;\n", out);
	for (int c = 0; c < plan->ncols; c++)
	{
		const Col  *col = &plan->cols[c];
		const Var  *v = &ds->vars[col->var];

		if (col->kind == COL_CHOICES && col->group->category)
		{
			/* options are the codes: their labels are the first variable's */
			for (int i = 0; v->labels && i < v->labels->n; i++)
			{
				const LabelEntry *e = &v->labels->e[i];
				char		code[64];

				if (e->is_string || e->is_tag || e->code != (int) e->code || e->code < 1 || e->code > 64 ||
					label_reason(opt, v, e) > 0)
					continue;
				format_code(code, sizeof(code), e->code);
				put_labels_row(out, col->name, code, e->label, 0);
			}
			continue;
		}
		if (col->kind == COL_CHOICES)
		{
			for (int k = 0; k < col->nmembers; k++)
			{
				const Var  *m = &ds->vars[col->members[k]];
				char		code[16];

				snprintf(code, sizeof(code), "%d", k + 1);
				put_labels_row(out, col->name, code, *m->label ? m->label : m->name, 0);
			}
			continue;
		}
		for (int i = 0; v->labels && i < v->labels->n; i++)
		{
			const LabelEntry *e = &v->labels->e[i];
			char		code[64];

			if (e->is_string)
				snprintf(code, sizeof(code), "%s", e->skey);
			else if (e->is_tag)
				snprintf(code, sizeof(code), ".%c", e->tag);
			else
				format_code(code, sizeof(code), e->code);
			put_labels_row(out, col->name, e->is_string ? e->skey : code, e->label,
						   col->kind == COL_LIKERT ? label_reason(opt, v, e) : 0);
		}
	}
	fputs("\\.\n", out);
}

/*
 * One DO block with the checks that give clear errors before anything is
 * created: the extension's types exist, the table and its types do not.
 * Its dollar quote is chosen so that no name inside can end it.
 */
static void
put_checks(FILE *out, const Options *opt, const Plan *plan)
{
	char	   *body;
	size_t		size;
	FILE	   *mem = open_memstream(&body, &size);
	char		tag[32] = "$survey_load$";

	if (plan->uses_extension)
		fputs("    IF to_regtype('likert') IS NULL OR to_regtype('choices') IS NULL THEN\n"
			  "        RAISE EXCEPTION USING MESSAGE = 'types likert and choices not found',\n"
			  "            DETAIL = 'The file has rating items or multiple-response questions.',\n"
			  "            HINT = 'Install the survey extension (CREATE EXTENSION survey) or put its schema on the search_path.',\n"
			  "            ERRCODE = 'undefined_object';\n"
			  "    END IF;\n", mem);
	if (!opt->replace)
	{
		const char *names[2] = {plan->table, opt->no_labels_table ? NULL : plan->labels_table};

		for (int i = 0; i < 2; i++)
			if (names[i])
				put_exists_check(mem, plan, 0, names[i]);
		for (int c = 0; c < plan->ncols; c++)
			if (plan->cols[c].kind == COL_ENUM)
				put_exists_check(mem, plan, 1, plan->cols[c].type_name);
	}
	fclose(mem);
	for (int n = 1; strstr(body, tag) != NULL; n++)
		snprintf(tag, sizeof(tag), "$survey_load_%d$", n);
	fprintf(out, "DO %s\nBEGIN\n%sEND\n%s;\n", tag, body, tag);
	free(body);
}

void
emit_sql(FILE *out, const Options *opt, const Dataset *ds, const Plan *plan)
{
	fputs("-- written by " PROGNAME " from ", out);
	for (const char *p = opt->file; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, out);
	fputs("\n-- load with: psql -v ON_ERROR_STOP=1 -f FILE (or through a pipe); nothing is loaded on an error\n", out);
	fputs("SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nSET client_min_messages = warning;\nBEGIN;\n", out);

	/* clear errors before anything is created */
	put_checks(out, opt, plan);

	if (opt->replace)
	{
		fputs("DROP TABLE IF EXISTS ", out);
		put_qualified(out, plan, plan->table);
		fputs(";\nDROP TABLE IF EXISTS ", out);
		put_qualified(out, plan, plan->labels_table);
		fputs(";\n", out);
		for (int c = 0; c < plan->ncols; c++)
			if (plan->cols[c].kind == COL_ENUM)
			{
				fputs("DROP TYPE IF EXISTS ", out);
				put_qualified(out, plan, plan->cols[c].type_name);
				fputs(";\n", out);
			}
	}

	for (int c = 0; c < plan->ncols; c++)
	{
		const Col  *col = &plan->cols[c];

		if (col->kind != COL_ENUM)
			continue;
		fputs("CREATE TYPE ", out);
		put_qualified(out, plan, col->type_name);
		fputs(" AS ENUM (", out);
		for (int i = 0; i < col->nlevels; i++)
		{
			if (i)
				fputs(", ", out);
			put_literal(out, col->levels[i]);
		}
		fputs(");\n", out);
	}

	fputs("CREATE TABLE ", out);
	put_qualified(out, plan, plan->table);
	fputs(" (\n", out);
	for (int c = 0; c < plan->ncols; c++)
	{
		fputs("    ", out);
		put_ident(out, plan->cols[c].name);
		fputc(' ', out);
		put_type(out, plan, &plan->cols[c]);
		fputs(c + 1 < plan->ncols ? ",\n" : "\n", out);
	}
	fputs(");\nCOPY ", out);
	put_qualified(out, plan, plan->table);
	fputs(" (", out);
	for (int c = 0; c < plan->ncols; c++)
	{
		if (c)
			fputs(", ", out);
		put_ident(out, plan->cols[c].name);
	}
	fputs(") FROM STDIN;\n", out);
	for (long r = 0; r < ds->nrows; r++)
	{
		for (int c = 0; c < plan->ncols; c++)
		{
			if (c)
				fputc('\t', out);
			put_cell(out, opt, ds, &plan->cols[c], r);
		}
		fputc('\n', out);
	}
	fputs("\\.\n", out);

	if (ds->file_label)
	{
		fputs("COMMENT ON TABLE ", out);
		put_qualified(out, plan, plan->table);
		fputs(" IS ", out);
		put_literal(out, ds->file_label);
		fputs(";\n", out);
	}
	for (int c = 0; c < plan->ncols; c++)
	{
		if (plan->cols[c].comment == NULL)
			continue;
		fputs("COMMENT ON COLUMN ", out);
		put_qualified(out, plan, plan->table);
		fputc('.', out);
		put_ident(out, plan->cols[c].name);
		fputs(" IS ", out);
		put_literal(out, plan->cols[c].comment);
		fputs(";\n", out);
	}
	if (!opt->no_labels_table)
		emit_labels(out, opt, ds, plan);
	fputs("COMMIT;\n", out);
}
