/*
 * aggstate.h — svy_aggstate, the one concrete transition state type of every
 * survey aggregate, as a PostgreSQL expanded object.
 *
 * Why: engines that ship partial aggregates between servers (Citus pushes
 * an aggregate down to its workers only when the state type is not a
 * pseudo-type, and moves worker states to the coordinator through the
 * type's text output and input) cannot use `internal` states.  An expanded
 * object keeps the speed of `internal`: the transition function updates the
 * existing C structure in place and returns the same read-write pointer, so
 * nodeAgg (ExecAggTransReparent) neither copies nor flattens it per row.  It
 * is flattened (serialized) only when a value must leave the aggregate: a
 * partial result tuple of parallel query (no serialfn needed), or Citus's
 * worker_partial_agg output.
 *
 * One shared type with a kind tag, not one type per family: one set of I/O
 * functions and one combine function; a state of the wrong family, version
 * or byte order is reported by its header.  svy_state (the user-facing
 * storable linear state) keeps its 0.1.0 format: it is the payload of an
 * SVY_AGG_ACCUM state, so svy_accum returns the payload unchanged.
 *
 * Flat format (the binary send/recv form; the text form is its base64):
 *   byte 0  SVY_AGG_FORMAT
 *   byte 1  SvyAggKind
 *   byte 2  byte order of the writer (1 little, 2 big); checked only for
 *           kinds whose payload is written in native byte order
 *   then    the family's own serialized state (versioned by the family)
 *
 * Converting an aggregate (the recipe, as svy_glm's state followed it):
 *   1. Give the family create / merge / serialize / deserialize functions
 *      over its C struct (deserialize reads one state at buf's cursor and
 *      validates it), add a kind to SvyAggKind and its SvyAggOps to the
 *      table in aggstate.c.
 *   2. Transition function:  SvyAggState *st = svy_agg_rw(fcinfo, KIND);
 *      update st->state;  PG_RETURN_DATUM(svy_agg_datum(st));
 *      (never get_fn_expr_argtype: declare typed overloads instead).
 *   3. Final function:  state = svy_agg_read(fcinfo, 0, KIND)  (NULL when
 *      the state is NULL); read only.
 *   4. SQL: arguments and results `svy_aggstate`, STYPE = svy_aggstate,
 *      COMBINEFUNC = svy_aggstate_combine, no SERIALFUNC/DESERIALFUNC; in the
 *      upgrade part, DROP the old aggregate and CREATE it again.
 */
#ifndef SVY_AGGSTATE_H
#define SVY_AGGSTATE_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"

#define SVY_AGG_FORMAT 1

typedef enum SvyAggKind
{
	SVY_AGG_ACCUM = 1,			/* SvyAccum: mean, total, prop, ratio, accum, merge */
	SVY_AGG_MULTI,				/* DomainState: by, dist, choices, tab */
	SVY_AGG_QUANTILE,			/* QState: quantile, quantiles */
	SVY_AGG_GLM,				/* GlmState: svy_glm */
	SVY_AGG_WEIGHTS				/* WeightsSummary: svy_weights_summary */
} SvyAggKind;

#define SVY_AGG_NKINDS 5

typedef struct SvyAggOps
{
	const char *name;			/* for messages */
	bool		portable;		/* payload independent of byte order */
	bool		merge_takes;	/* merge may keep memory of `from` */
	void	   *(*create) (MemoryContext cxt);
	void		(*merge) (void *into, void *from);
	void		(*serialize) (void *state, StringInfo buf);
	void	   *(*deserialize) (StringInfo buf, MemoryContext cxt);
} SvyAggOps;

/* The families' operations (defined next to their structures). */
extern const SvyAggOps svy_accum_ops;
extern const SvyAggOps svy_multi_ops;
extern const SvyAggOps svy_quantile_ops;
extern const SvyAggOps svy_glm_ops;
extern const SvyAggOps svy_weights_ops;

typedef struct SvyAggState
{
	ExpandedObjectHeader hdr;	/* first: the object's memory context */
	SvyAggKind	kind;
	void	   *state;			/* the family's C structure, in hdr.eoh_context */
	StringInfo	flat;			/* serialized form between get_flat_size and flatten_into */
} SvyAggState;

/*
 * The state at argument 0 of a transition or combine function, to update in
 * place: created in the aggregate's memory on the first row, expanded from a
 * flat value when one is passed.
 */
extern SvyAggState *svy_agg_rw_slow(FunctionCallInfo fcinfo, SvyAggKind kind);

static inline SvyAggState *
svy_agg_rw(FunctionCallInfo fcinfo, SvyAggKind kind)
{
	/* every row but the first: the read-write object this function returned */
	if (!PG_ARGISNULL(0) && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))))
	{
		varatt_expanded ptr;
		SvyAggState *st;

		/* DatumGetEOHP, inline */
		memcpy(&ptr, VARDATA_EXTERNAL(DatumGetPointer(PG_GETARG_DATUM(0))), sizeof(ptr));
		st = (SvyAggState *) ptr.eohptr;
		if (likely(st->kind == kind && st->flat == NULL))
			return st;
	}
	return svy_agg_rw_slow(fcinfo, kind);
}
/* What a transition function returns. */
static inline Datum
svy_agg_datum(SvyAggState *st)
{
	return EOHPGetRWDatum(&st->hdr);
}

/* The C state at argno for reading (final functions), or NULL for NULL. */
extern void *svy_agg_read(FunctionCallInfo fcinfo, int argno, SvyAggKind kind);

#endif
