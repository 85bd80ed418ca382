/*
 * population.c — the svy_population type (text and binary I/O) and the
 * svy_population(variable, level, total) aggregate (see population.h).
 *
 * Text form (documented in docs/calibration.md), JSON-like:
 *     {"country": {"DE": 1200, "FR": 900}, "years": 15400.5}
 * a categorical variable maps level names to counts; a numeric variable
 * has its total.  Names are double-quoted with \" and \\ escapes.
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "accum.h"
#include "population.h"
#include "wire.h"

PG_FUNCTION_INFO_V1(svy_population_in);
PG_FUNCTION_INFO_V1(svy_population_out);
PG_FUNCTION_INFO_V1(svy_population_recv);
PG_FUNCTION_INFO_V1(svy_population_send);
PG_FUNCTION_INFO_V1(svy_population_transfn);
PG_FUNCTION_INFO_V1(svy_population_finalfn);

#define POP_VERSION		1
#define POP_HEADER		(VARHDRSZ + 4 + 4 + 8)	/* version, nvar, hash */
#define POP_SEED		UINT64CONST(0x0c0ffee5eed5a11)
/* more would not be a population of margins; also bounds every allocation */
#define POP_MAX_ITEMS	1000000

/* ---------- validation and packing ---------- */

static void
check_total(const char *var, const char *level, double total)
{
	if (isnan(total) || isinf(total) || total < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("population total of \"%s\"%s%s%s must be a finite non-negative number, not %g",
						var, level ? " level \"" : "", level ? level : "", level ? "\"" : "", total)));
}

static void
append_int32(StringInfo b, int32 v)
{
	appendBinaryStringInfo(b, (char *) &v, sizeof(v));
}

static void
append_float8(StringInfo b, double v)
{
	appendBinaryStringInfo(b, (char *) &v, sizeof(v));
}

static void
append_name(StringInfo b, const char *s)
{
	int32		len = strlen(s);

	append_int32(b, len);
	appendBinaryStringInfo(b, s, len);
}

struct varlena *
svy_population_build(const SvyPop *p)
{
	StringInfoData b;
	struct varlena *v;
	int32		version = POP_VERSION;
	uint64		hash;

	if (p->nvar == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a population needs at least one variable")));
	initStringInfo(&b);
	for (int i = 0; i < p->nvar; i++)
	{
		const SvyPopVar *var = &p->vars[i];

		if (var->name[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("population variable name must not be empty")));
		for (int j = 0; j < i; j++)
			if (strcmp(p->vars[j].name, var->name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("population variable \"%s\" appears twice", var->name)));
		if (var->nlevels == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("population variable \"%s\" has no levels", var->name)));
		append_name(&b, var->name);
		append_int32(&b, var->nlevels);
		if (var->nlevels == SVY_POP_NUMERIC)
		{
			check_total(var->name, NULL, var->totals[0]);
			append_float8(&b, var->totals[0]);
			continue;
		}
		for (int l = 0; l < var->nlevels; l++)
		{
			CHECK_FOR_INTERRUPTS();
			for (int j = 0; j < l; j++)
				if (strcmp(var->levels[j], var->levels[l]) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("population variable \"%s\" has level \"%s\" twice",
									var->name, var->levels[l])));
			check_total(var->name, var->levels[l], var->totals[l]);
			append_name(&b, var->levels[l]);
			append_float8(&b, var->totals[l]);
		}
	}
	hash = hash_bytes_extended((unsigned char *) b.data, b.len, POP_SEED);
	v = palloc(POP_HEADER + b.len);
	SET_VARSIZE(v, POP_HEADER + b.len);
	memcpy(VARDATA(v), &version, 4);
	memcpy(VARDATA(v) + 4, &p->nvar, 4);
	memcpy(VARDATA(v) + 8, &hash, 8);
	memcpy((char *) v + POP_HEADER, b.data, b.len);
	pfree(b.data);
	return v;
}

/* Reads packed fields; a value that is cut short is corrupt. */
typedef struct Reader
{
	const char *p;
	const char *end;
} Reader;

static void
rd(Reader *r, void *out, size_t n)
{
	if ((size_t) (r->end - r->p) < n)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt svy_population value")));
	memcpy(out, r->p, n);
	r->p += n;
}

static char *
rd_name(Reader *r)
{
	int32		len;
	char	   *s;

	rd(r, &len, 4);
	if (len < 0 || len > r->end - r->p)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt svy_population value")));
	s = pnstrdup(r->p, len);
	r->p += len;
	return s;
}

/*
 * The level index of a parsed variable (svy_pop_level_index): svy_calibrate
 * looks up every row's levels, so a level of up to 24 bytes is found by its
 * words, whatever the number of levels.
 */
static void
level_index_build(SvyPopVar *var)
{
	uint32		size = 8;

	while (size < 2 * (uint32) var->nlevels)
		size *= 2;
	var->level_mask = size - 1;
	var->level_last = 0;
	var->level_slot = palloc0(sizeof(SvyPopSlot) * size);
	for (int l = 0; l < var->nlevels; l++)
	{
		int			len = var->level_len[l];
		uint64		w[3];
		uint32		i;

		svy_load_words3(var->levels[l], len, w);
		for (i = svy_pop_slot_of(w, len, var->level_mask); var->level_slot[i].level1 != 0;
			 i = (i + 1) & var->level_mask)
			;
		memcpy(var->level_slot[i].w, w, sizeof(w));
		var->level_slot[i].len = len;
		var->level_slot[i].level1 = l + 1;
	}
}

SvyPop *
svy_population_parse(struct varlena *v)
{
	SvyPop	   *p = palloc0(sizeof(SvyPop));
	Reader		r;
	int32		version;

	r.p = VARDATA_ANY(v);
	r.end = r.p + VARSIZE_ANY_EXHDR(v);
	rd(&r, &version, 4);
	rd(&r, &p->nvar, 4);
	rd(&r, &p->hash, 8);
	if (version != POP_VERSION || p->nvar <= 0 || p->nvar > POP_MAX_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt svy_population value")));
	p->vars = palloc0(sizeof(SvyPopVar) * p->nvar);
	for (int i = 0; i < p->nvar; i++)
	{
		SvyPopVar  *var = &p->vars[i];
		int			n;

		var->name = rd_name(&r);
		rd(&r, &var->nlevels, 4);
		if (var->nlevels < SVY_POP_NUMERIC || var->nlevels == 0 ||
			var->nlevels > (r.end - r.p) / 12)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("corrupt svy_population value")));
		n = var->nlevels == SVY_POP_NUMERIC ? 1 : var->nlevels;
		var->totals = palloc(sizeof(double) * n);
		if (var->nlevels == SVY_POP_NUMERIC)
		{
			rd(&r, &var->totals[0], 8);
			p->nnum++;
			continue;
		}
		p->ncat++;
		var->levels = palloc(sizeof(char *) * n);
		var->level_len = palloc(sizeof(int) * n);
		for (int l = 0; l < n; l++)
		{
			var->levels[l] = rd_name(&r);
			var->level_len[l] = strlen(var->levels[l]);
			rd(&r, &var->totals[l], 8);
		}
		level_index_build(var);
	}
	return p;
}

/* ---------- building a population one (variable, level, total) at a time ---------- */

typedef struct PopBuilder
{
	SvyPop		pop;
	int			cap;
	int		   *level_cap;
} PopBuilder;

static void
builder_add(PopBuilder *b, const char *name, const char *level, double total)
{
	SvyPopVar  *var = NULL;
	int			i;

	for (i = 0; i < b->pop.nvar; i++)
		if (strcmp(b->pop.vars[i].name, name) == 0)
		{
			var = &b->pop.vars[i];
			break;
		}
	if (var == NULL)
	{
		if (b->pop.nvar >= POP_MAX_ITEMS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a population may have at most %d variables", POP_MAX_ITEMS)));
		if (b->pop.nvar == b->cap)
		{
			b->cap = b->cap ? 2 * b->cap : 8;
			b->pop.vars = b->pop.vars ? repalloc(b->pop.vars, sizeof(SvyPopVar) * b->cap)
				: palloc(sizeof(SvyPopVar) * b->cap);
			b->level_cap = b->level_cap ? repalloc(b->level_cap, sizeof(int) * b->cap)
				: palloc(sizeof(int) * b->cap);
		}
		var = &b->pop.vars[b->pop.nvar];
		b->level_cap[b->pop.nvar] = 0;
		b->pop.nvar++;
		var->name = pstrdup(name);
		var->levels = NULL;
		var->totals = NULL;
		var->level_len = NULL;
		var->level_slot = NULL;		/* parsed values only have an index (level_index_build) */
		var->level_mask = 0;
		var->nlevels = level ? 0 : SVY_POP_NUMERIC;
		if (!level)
		{
			var->totals = palloc(sizeof(double));
			var->totals[0] = total;
			return;
		}
	}
	else if (var->nlevels == SVY_POP_NUMERIC || !level)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("population variable \"%s\" is given %s", name,
						var->nlevels == SVY_POP_NUMERIC && !level ? "two totals" :
						"both as a numeric total (NULL level) and with levels")));
	i = var - b->pop.vars;
	if (var->nlevels == b->level_cap[i])
	{
		if (var->nlevels >= POP_MAX_ITEMS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a population variable may have at most %d levels", POP_MAX_ITEMS)));
		b->level_cap[i] = b->level_cap[i] ? 2 * b->level_cap[i] : 8;
		var->levels = var->levels ? repalloc(var->levels, sizeof(char *) * b->level_cap[i])
			: palloc(sizeof(char *) * b->level_cap[i]);
		var->totals = var->totals ? repalloc(var->totals, sizeof(double) * b->level_cap[i])
			: palloc(sizeof(double) * b->level_cap[i]);
	}
	var->levels[var->nlevels] = pstrdup(level);
	var->totals[var->nlevels] = total;
	var->nlevels++;
}

/* ---------- the aggregate ---------- */

/* (state, variable text, level text, total float8) */
Datum
svy_population_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = svy_aggregate_context(fcinfo);
	MemoryContext old;
	PopBuilder *b;
	char	   *name;
	char	   *level;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("population variable name must not be NULL")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	level = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("population total of \"%s\"%s%s%s must not be NULL",
						name, level ? " level \"" : "", level ? level : "", level ? "\"" : "")));
	check_total(name, level, PG_GETARG_FLOAT8(3));
	old = MemoryContextSwitchTo(aggcxt);
	if (PG_ARGISNULL(0))
		b = palloc0(sizeof(PopBuilder));
	else
		b = (PopBuilder *) PG_GETARG_POINTER(0);
	builder_add(b, name, level, PG_GETARG_FLOAT8(3));
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(b);
}

Datum
svy_population_finalfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(svy_population_build(&((PopBuilder *) PG_GETARG_POINTER(0))->pop));
}

/* ---------- text I/O ---------- */

static void
append_quoted(StringInfo buf, const char *s)
{
	appendStringInfoChar(buf, '"');
	for (; *s; s++)
	{
		if (*s == '"' || *s == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *s);
	}
	appendStringInfoChar(buf, '"');
}

Datum
svy_population_out(PG_FUNCTION_ARGS)
{
	SvyPop	   *p = svy_population_parse(PG_GETARG_VARLENA_PP(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int i = 0; i < p->nvar; i++)
	{
		const SvyPopVar *var = &p->vars[i];

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		append_quoted(&buf, var->name);
		appendStringInfoString(&buf, ": ");
		if (var->nlevels == SVY_POP_NUMERIC)
		{
			appendStringInfoString(&buf, float8out_internal(var->totals[0]));
			continue;
		}
		appendStringInfoChar(&buf, '{');
		for (int l = 0; l < var->nlevels; l++)
		{
			if (l > 0)
				appendStringInfoString(&buf, ", ");
			append_quoted(&buf, var->levels[l]);
			appendStringInfoString(&buf, ": ");
			appendStringInfoString(&buf, float8out_internal(var->totals[l]));
		}
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

typedef struct Lexer
{
	const char *s;				/* whole input, for messages */
	const char *p;
} Lexer;

static void
syntax_error(Lexer *lx, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type svy_population: \"%s\"", lx->s),
			 errdetail("Expected %s at character %d.", expected, (int) (lx->p - lx->s) + 1),
			 errhint("Write {\"variable\": {\"level\": count, ...}, \"numeric variable\": total, ...}.")));
}

static void
skip_ws(Lexer *lx)
{
	while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r')
		lx->p++;
}

static bool
accept(Lexer *lx, char c)
{
	skip_ws(lx);
	if (*lx->p != c)
		return false;
	lx->p++;
	return true;
}

static void
expect(Lexer *lx, char c, const char *what)
{
	if (!accept(lx, c))
		syntax_error(lx, what);
}

static char *
lex_string(Lexer *lx)
{
	StringInfoData buf;

	skip_ws(lx);
	if (*lx->p != '"')
		syntax_error(lx, "a double-quoted name");
	lx->p++;
	initStringInfo(&buf);
	while (*lx->p != '"')
	{
		if (*lx->p == '\0')
			syntax_error(lx, "a closing double quote");
		if (*lx->p == '\\')
		{
			lx->p++;
			if (*lx->p != '"' && *lx->p != '\\')
				syntax_error(lx, "\\\" or \\\\ after a backslash");
		}
		appendStringInfoChar(&buf, *lx->p++);
	}
	lx->p++;
	return buf.data;
}

static double
lex_number(Lexer *lx)
{
	char	   *end;
	double		v;

	skip_ws(lx);
	errno = 0;
	v = strtod(lx->p, &end);
	if (end == lx->p)
		syntax_error(lx, "a number");
	lx->p = end;
	return v;
}

Datum
svy_population_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	Lexer		lx = {s, s};
	PopBuilder	b;

	memset(&b, 0, sizeof(b));
	expect(&lx, '{', "\"{\"");
	do
	{
		char	   *name = lex_string(&lx);

		expect(&lx, ':', "\":\"");
		for (int i = 0; i < b.pop.nvar; i++)
			if (strcmp(b.pop.vars[i].name, name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("population variable \"%s\" appears twice", name)));
		if (accept(&lx, '{'))
		{
			if (accept(&lx, '}'))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("population variable \"%s\" has no levels", name)));
			do
			{
				char	   *level = lex_string(&lx);

				expect(&lx, ':', "\":\"");
				builder_add(&b, name, level, lex_number(&lx));
			} while (accept(&lx, ','));
			expect(&lx, '}', "\",\" or \"}\"");
		}
		else
			builder_add(&b, name, NULL, lex_number(&lx));
	} while (accept(&lx, ','));
	expect(&lx, '}', "\",\" or \"}\"");
	skip_ws(&lx);
	if (*lx.p != '\0')
		syntax_error(&lx, "the end of the input");
	PG_RETURN_POINTER(svy_population_build(&b.pop));
}

/* ---------- binary I/O: int32 version, int32 nvar, per variable: name, int32 nlevels, (level, float8)... ---------- */

void
svy_population_send_buf(struct varlena *v, StringInfo buf)
{
	SvyPop	   *p = svy_population_parse(v);

	pq_sendint32(buf, POP_VERSION);
	pq_sendint32(buf, p->nvar);
	for (int i = 0; i < p->nvar; i++)
	{
		const SvyPopVar *var = &p->vars[i];

		pq_sendstring(buf, var->name);
		pq_sendint32(buf, var->nlevels);
		if (var->nlevels == SVY_POP_NUMERIC)
			pq_sendfloat8(buf, var->totals[0]);
		else
			for (int l = 0; l < var->nlevels; l++)
			{
				pq_sendstring(buf, var->levels[l]);
				pq_sendfloat8(buf, var->totals[l]);
			}
	}
}

Datum
svy_population_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	svy_population_send_buf(PG_GETARG_VARLENA_PP(0), &buf);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
bad_binary(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid svy_population binary value: %s", what)));
}

Datum
svy_population_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(svy_population_recv_buf((StringInfo) PG_GETARG_POINTER(0)));
}

struct varlena *
svy_population_recv_buf(StringInfo buf)
{
	PopBuilder	b;
	int32		nvar;

	memset(&b, 0, sizeof(b));
	if (buf->len - buf->cursor < 8)
		bad_binary("too short");
	if (svy_wire_int32(buf) != POP_VERSION)
		bad_binary("unknown version");
	nvar = svy_wire_int32(buf);
	/* every variable takes at least 1 + 4 + 8 bytes */
	if (nvar <= 0 || nvar > (buf->len - buf->cursor) / 13)
		bad_binary("bad number of variables");
	for (int i = 0; i < nvar; i++)
	{
		const char *name = svy_wire_cstring(buf);
		int32		nlevels = svy_wire_int32(buf);

		for (int j = 0; j < b.pop.nvar; j++)
			if (strcmp(b.pop.vars[j].name, name) == 0)
				bad_binary("a variable appears twice");
		if (nlevels == SVY_POP_NUMERIC)
		{
			builder_add(&b, name, NULL, svy_wire_float8(buf));
			continue;
		}
		if (nlevels <= 0 || nlevels > (buf->len - buf->cursor) / 9)
			bad_binary("bad number of levels");
		for (int l = 0; l < nlevels; l++)
		{
			const char *level = svy_wire_cstring(buf);

			builder_add(&b, name, level, svy_wire_float8(buf));
		}
	}
	if (buf->cursor != buf->len)
		bad_binary("trailing bytes");
	return svy_population_build(&b.pop);
}
