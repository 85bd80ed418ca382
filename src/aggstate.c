/*
 * aggstate.c — svy_aggstate: the expanded transition state shared by every
 * survey aggregate, its flat (binary and text) forms and its combine
 * function.  See aggstate.h for the design and the conversion recipe.
 */
#include "postgres.h"

#include "common/base64.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "aggstate.h"
#include "callsite.h"
#include "design.h"
#include "wire.h"

PG_FUNCTION_INFO_V1(svy_aggstate_in);
PG_FUNCTION_INFO_V1(svy_aggstate_out);
PG_FUNCTION_INFO_V1(svy_aggstate_recv);
PG_FUNCTION_INFO_V1(svy_aggstate_send);
PG_FUNCTION_INFO_V1(svy_aggstate_combine);

#define HEADER_SIZE 3

#ifdef WORDS_BIGENDIAN
#define NATIVE_ORDER 2
#else
#define NATIVE_ORDER 1
#endif

static const SvyAggOps *
ops_of(int kind)
{
	switch (kind)
	{
		case SVY_AGG_ACCUM:
			return &svy_accum_ops;
		case SVY_AGG_MULTI:
			return &svy_multi_ops;
		case SVY_AGG_QUANTILE:
			return &svy_quantile_ops;
		case SVY_AGG_GLM:
			return &svy_glm_ops;
		case SVY_AGG_WEIGHTS:
			return &svy_weights_ops;
	}
	return NULL;
}

static void
wrong_kind(int found, int expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("survey aggregate state of another kind"),
			 errdetail("The state holds a %s state; a %s state was expected.",
					   ops_of(found)->name, ops_of(expected)->name)));
}

/* Check a flat state's header; returns its kind (expected, unless 0). */
static int
check_header(const char *data, int len, int expected)
{
	int			kind;

	if (len < HEADER_SIZE)
		svy_wire_corrupt("too short");
	if (data[0] != SVY_AGG_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported survey aggregate state format %d", data[0]),
				 errdetail("This version of survey reads format %d.", SVY_AGG_FORMAT),
				 errhint("Install the same version of survey on every server.")));
	kind = data[1];
	if (ops_of(kind) == NULL)
		svy_wire_corrupt("unknown kind");
	if (expected != 0 && kind != expected)
		wrong_kind(kind, expected);
	if (data[2] != 1 && data[2] != 2)
		svy_wire_corrupt("unknown byte order");
	if (!ops_of(kind)->portable && data[2] != NATIVE_ORDER)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("survey aggregate state from a server with another byte order"),
				 errdetail("A %s state is written in the byte order of the server that built it.",
						   ops_of(kind)->name),
				 errhint("Run the servers of one cluster on one architecture.")));
	return kind;
}

static void
parse_context(void *arg)
{
	errcontext("reading a survey aggregate state (%s)", ops_of(*(int *) arg)->name);
}

/* Reads and validates a whole flat state into cxt. */
static void *
parse_flat(const char *data, int len, int kind, MemoryContext cxt)
{
	StringInfoData buf;
	void	   *state;
	ErrorContextCallback callback;

	/* say which kind of state was being read */
	callback.callback = parse_context;
	callback.arg = &kind;
	callback.previous = error_context_stack;
	error_context_stack = &callback;
	svy_wire_init(&buf, data + HEADER_SIZE, len - HEADER_SIZE);
	state = ops_of(kind)->deserialize(&buf, cxt);
	svy_wire_end(&buf);
	error_context_stack = callback.previous;
	return state;
}

/* ---------- the expanded object ---------- */

static void
serialize_to(SvyAggState *st, StringInfo buf)
{
	appendStringInfoChar(buf, SVY_AGG_FORMAT);
	appendStringInfoChar(buf, st->kind);
	appendStringInfoChar(buf, NATIVE_ORDER);
	ops_of(st->kind)->serialize(st->state, buf);
}

static Size
agg_get_flat_size(ExpandedObjectHeader *eohptr)
{
	SvyAggState *st = (SvyAggState *) eohptr;

	if (st->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(st->hdr.eoh_context);

		st->flat = makeStringInfo();
		serialize_to(st, st->flat);
		MemoryContextSwitchTo(old);
	}
	return VARHDRSZ + st->flat->len;
}

static void
agg_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	SvyAggState *st = (SvyAggState *) eohptr;

	Assert(st->flat != NULL && allocated_size == VARHDRSZ + st->flat->len);
	SET_VARSIZE(result, allocated_size);
	memcpy(VARDATA(result), st->flat->data, st->flat->len);
}

static const ExpandedObjectMethods agg_methods = {agg_get_flat_size, agg_flatten_into};

/* A new object under parent holding a created state, or the flat one given. */
static SvyAggState *
new_object(MemoryContext parent, int kind, const char *data, int len)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "survey aggregate state",
											  ALLOCSET_SMALL_SIZES);
	SvyAggState *st = MemoryContextAllocZero(cxt, sizeof(SvyAggState));

	EOH_init_header(&st->hdr, &agg_methods, cxt);
	st->kind = kind;
	st->state = data ? parse_flat(data, len, kind, cxt) : ops_of(kind)->create(cxt);
	return st;
}

/* The flat bytes of a state datum (flattening an expanded one). */
static struct varlena *
flat_of(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);
		Size		size = EOH_get_flat_size(eoh);
		struct varlena *v = palloc(size);

		EOH_flatten_into(eoh, v, size);
		return v;
	}
	return PG_DETOAST_DATUM_PACKED(d);
}

/* Where a new state lives: the aggregate's memory, or the caller's outside one. */
static MemoryContext
state_context(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;

	return AggCheckCallContext(fcinfo, &aggcxt) ? aggcxt : CurrentMemoryContext;
}

/* svy_agg_rw (aggstate.h) for the first row, a flat value, a wrong kind or a stale flat form */
SvyAggState *
svy_agg_rw_slow(FunctionCallInfo fcinfo, SvyAggKind kind)
{
	struct varlena *v;

	if (PG_ARGISNULL(0))
	{
		svy_callsites_consumed(fcinfo);
		return new_object(state_context(fcinfo), kind, NULL, 0);
	}
	/* every row but the first: the aggregate's context is needed only to create */
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))))
	{
		varatt_expanded ptr;
		SvyAggState *st;

		/* DatumGetEOHP, inline */
		memcpy(&ptr, VARDATA_EXTERNAL(DatumGetPointer(PG_GETARG_DATUM(0))), sizeof(ptr));
		st = (SvyAggState *) ptr.eohptr;
		if (st->kind != kind)
			wrong_kind(st->kind, kind);
		if (st->flat)
		{
			/* about to change: the serialized form is stale */
			pfree(st->flat->data);
			pfree(st->flat);
			st->flat = NULL;
		}
		return st;
	}
	/* a flat (or read-only) value: work on an expanded copy */
	v = flat_of(PG_GETARG_DATUM(0));
	check_header(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), kind);
	return new_object(state_context(fcinfo), kind, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

void *
svy_agg_read(FunctionCallInfo fcinfo, int argno, SvyAggKind kind)
{
	struct varlena *v;

	if (PG_ARGISNULL(argno))
		return NULL;
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(PG_GETARG_DATUM(argno))))
	{
		SvyAggState *st = (SvyAggState *) DatumGetEOHP(PG_GETARG_DATUM(argno));

		if (st->kind != kind)
			wrong_kind(st->kind, kind);
		return st->state;
	}
	v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	check_header(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), kind);
	return parse_flat(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), kind, CurrentMemoryContext);
}

/* ---------- combine: any kind ---------- */

Datum
svy_aggstate_combine(PG_FUNCTION_ARGS)
{
	struct varlena *from;
	const char *data;
	int			len,
				kind;
	SvyAggState *st;
	const SvyAggOps *ops;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	from = flat_of(PG_GETARG_DATUM(1));
	data = VARDATA_ANY(from);
	len = VARSIZE_ANY_EXHDR(from);
	kind = check_header(data, len, 0);
	ops = ops_of(kind);
	if (PG_ARGISNULL(0))
	{
		/* the first partial state of a group becomes the state */
		st = new_object(state_context(fcinfo), kind, data, len);
		PG_RETURN_DATUM(svy_agg_datum(st));
	}
	st = svy_agg_rw(fcinfo, kind);
	if (ops->merge_takes)
		ops->merge(st->state, parse_flat(data, len, kind, st->hdr.eoh_context));
	else
	{
		MemoryContext tmp = AllocSetContextCreate(CurrentMemoryContext,
												  "survey state merge",
												  ALLOCSET_DEFAULT_SIZES);

		ops->merge(st->state, parse_flat(data, len, kind, tmp));
		MemoryContextDelete(tmp);
	}
	PG_RETURN_DATUM(svy_agg_datum(st));
}

/* ---------- I/O: binary as the flat bytes, text as their base64 ---------- */

/* A validated flat value of the bytes given. */
static struct varlena *
checked_value(const char *data, int len)
{
	struct varlena *v = palloc(VARHDRSZ + len);
	MemoryContext tmp = AllocSetContextCreate(CurrentMemoryContext,
											  "survey state check",
											  ALLOCSET_DEFAULT_SIZES);

	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), data, len);
	parse_flat(data, len, check_header(data, len, 0), tmp);
	MemoryContextDelete(tmp);
	return v;
}

Datum
svy_aggstate_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = flat_of(PG_GETARG_DATUM(0));
	int			len = VARSIZE_ANY_EXHDR(v);
	int			cap = pg_b64_enc_len(len) + 1;
	char	   *out = palloc(cap);
	int			n = pg_b64_encode(VARDATA_ANY(v), len, out, cap);

	if (n < 0)
		elog(ERROR, "could not encode a survey aggregate state");
	out[n] = '\0';
	PG_RETURN_CSTRING(out);
}

Datum
svy_aggstate_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	int			len = strlen(s);
	int			cap = pg_b64_dec_len(len);
	char	   *bin = palloc(cap + 1);
	int			n = pg_b64_decode(s, len, bin, cap);

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%.40s\"", "svy_aggstate", s),
				 errhint("A survey aggregate state is written in base64.")));
	PG_RETURN_POINTER(checked_value(bin, n));
}

Datum
svy_aggstate_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	struct varlena *v = checked_value(buf->data + buf->cursor, buf->len - buf->cursor);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(v);
}

Datum
svy_aggstate_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = flat_of(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * ---------- 0.1.0's support functions ----------
 * The 0.1.0 install script (where ALTER EXTENSION UPDATE starts) declares
 * internal-state combine, serial and deserial functions; they run the code
 * above on the expanded objects their transition functions now return, so
 * a 0.1.0 catalog keeps working with this library until it is updated.
 */
static Datum
legacy_serialfn(FunctionCallInfo fcinfo)
{
	return svy_aggstate_send(fcinfo);
}

static Datum
legacy_deserialfn(FunctionCallInfo fcinfo)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	const char *data = VARDATA_ANY(b);
	int			len = VARSIZE_ANY_EXHDR(b);

	return svy_agg_datum(new_object(state_context(fcinfo),
									check_header(data, len, 0), data, len));
}

#define LEGACY(family) \
PG_FUNCTION_INFO_V1(svy_##family##_combine); \
PG_FUNCTION_INFO_V1(svy_##family##_serialfn); \
PG_FUNCTION_INFO_V1(svy_##family##_deserialfn); \
Datum svy_##family##_combine(PG_FUNCTION_ARGS) { return svy_aggstate_combine(fcinfo); } \
Datum svy_##family##_serialfn(PG_FUNCTION_ARGS) { return legacy_serialfn(fcinfo); } \
Datum svy_##family##_deserialfn(PG_FUNCTION_ARGS) { return legacy_deserialfn(fcinfo); }

LEGACY(accum)
LEGACY(multi)
LEGACY(quantile)
