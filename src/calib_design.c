/*
 * calib_design.c — svy_calibrate(): a calibrated design value (calib.h).
 *
 * Per row it finds the row's level of each categorical population variable
 * (the joint levels form the row's calibration cell, coded mixed-radix),
 * checks the numeric auxiliaries, and appends the calibration block and the
 * population to the base (linearization or replicate) design.  The
 * population is unpacked once per call site (cached by its hash in
 * fn_extra), not per row.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/pg_prng.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/arrayaccess.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "calib.h"
#include "callsite.h"
#include "population.h"

/* in design.c */
extern Datum svy_design_in(PG_FUNCTION_ARGS);

PG_FUNCTION_INFO_V1(svy_calibrate_make);
PG_FUNCTION_INFO_V1(svy_calibrate_elems);
PG_FUNCTION_INFO_V1(svy_calibrate_design);
PG_FUNCTION_INFO_V1(svy_calibrate_support);

void
svy_calib_not_supported(const char *where)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s does not support calibrated designs yet", where),
			 errdetail("The estimators and readers of the SPEC take calibrated linearization and replicate-weight designs; this aggregate does not."),
			 errhint("Export the calibrated weights with svy_weight() and build an uncalibrated design from them (its standard errors then ignore the calibration).")));
}

typedef struct CalibCache
{
	SvyCallSite site;		/* callsite.c: values consumed by an aggregate */
	uint64		hash;			/* population of the cached parse */
	SvyPop	   *pop;
	SvyPopVar **var;			/* ncat: the population variable of each categorical margin */
	uint64	   *radix;			/* ncat: place value in the cell code */
	int			method;
	char		method_text[16];	/* last method argument, as given */
	int			method_len;
	int			method_fits;	/* method that check_method_fits() passed for pop, or 0 */
	/* method, bounds, maxit and epsilon when the call gives them as constants */
	bool		fixed;
	int			fixed_method;
	int32		fixed_maxit;
	float8		fixed_epsilon;
	float8		fixed_bounds[2];

	/*
	 * A call whose values go straight into a survey aggregate
	 * (site.consumed, callsite.c) builds them in buf; the population bytes
	 * and the block's constants are written again only when the population
	 * datum is not the previous row's (buf_pop, buf_hash) or the call's
	 * options are not constants (fixed).
	 */
	SvyDesign  *buf;
	Size		buf_size;
	Size		buf_pop_at;		/* offset of the population in buf; 0: none yet */
	const struct varlena *buf_pop;
	uint64		buf_hash;

	/*
	 * svy_calibrate_elems: its nx argument at the types' check, and whether
	 * the last row's value went into buf with the call's constants (nx one
	 * of them) and a one-stage linearization base without a label (ready):
	 * then a row of that shape with the same population datum writes only
	 * its part (elems_fast), reading ready_nlev levels and elems_nx x values.
	 */
	int			elems_nx;
	bool		ready;
	int			ready_nlev;

	/* svy_calibrate_design: svy_design's call-site cache of its arguments 0-5 */
	DesignCache *design;
} CalibCache;

/* The call site's cache, before its first population */
static CalibCache *
calib_cache_new(FunctionCallInfo fcinfo)
{
	CalibCache *c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CalibCache));

	svy_callsite_register(&c->site, SVY_SITE_CALIBRATE, fcinfo);
	c->elems_nx = -2;			/* none yet */
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/* calib_cache's miss: the call site's first row, or another population */
static pg_noinline CalibCache *
calib_cache_parse(FunctionCallInfo fcinfo, struct varlena *pop, uint64 hash)
{
	CalibCache *c = fcinfo->flinfo->fn_extra;
	MemoryContext old;
	uint64		place = 1;
	Size		nparam;

	if (c == NULL)
		c = calib_cache_new(fcinfo);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	c->pop = svy_population_parse(pop);
	c->hash = hash;
	c->method_fits = 0;
	c->radix = palloc(sizeof(uint64) * (c->pop->ncat + 1));
	c->var = palloc(sizeof(SvyPopVar *) * (c->pop->ncat + 1));
	nparam = c->pop->nnum;
	for (int i = 0, m = 0; i < c->pop->nvar; i++)
	{
		int			nl = c->pop->vars[i].nlevels;

		if (nl == SVY_POP_NUMERIC)
			continue;
		c->var[m] = &c->pop->vars[i];
		c->radix[m++] = place;
		nparam += nl;
		/* the cell code must fit 63 bits */
		if (place > (UINT64CONST(1) << 62) / (uint64) nl)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many joint levels of the population's categorical variables"),
					 errdetail("The product of their numbers of levels must be below 2^62.")));
		place *= nl;
	}
	/* at the first row, not after the scan: the solver's matrices grow with the square of the levels */
	svy_calib_check_memory((Size) 4 * sizeof(double) * nparam * nparam);
	if (c->pop->ncat > SVY_CALIB_MAX_MARGINS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a calibration may have at most %d categorical variables", SVY_CALIB_MAX_MARGINS)));
	MemoryContextSwitchTo(old);
	return c;
}

/* The call site's cache with pop parsed (per row: inline, the population's stored hash compared) */
static pg_attribute_always_inline CalibCache *
calib_cache(FunctionCallInfo fcinfo, struct varlena *pop)
{
	CalibCache *c = fcinfo->flinfo->fn_extra;
	uint64		hash = svy_population_hash(pop);

	if (likely(c != NULL && c->pop != NULL && c->hash == hash))
		return c;
	return calib_cache_parse(fcinfo, pop, hash);
}

/*
 * A varlena argument as PG_GETARG_VARLENA_PP gives it, inline: the usual
 * value (in line, not compressed: a subquery's population) costs no call.
 */
static inline struct varlena *
arg_varlena_pp(FunctionCallInfo fcinfo, int argno)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));

	return VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v) ? pg_detoast_datum_packed(v) : v;
}

/* svy_calib_method_from_name as svy_parse_option takes it: -1 when unknown */
static int
method_from_name(const char *name)
{
	SvyCalibMethod m = svy_calib_method_from_name(name);

	return m == 0 ? -1 : (int) m;
}

static int
parse_method(CalibCache *c, text *t)
{
	int			len = VARSIZE_ANY_EXHDR(t);
	int			m;

	if (len == c->method_len && memcmp(VARDATA_ANY(t), c->method_text, len) == 0)
		return c->method;
	m = svy_parse_option(t, method_from_name, "calibration method", "methods",
						 svy_calib_method_names());
	if (len < (int) sizeof(c->method_text))
	{
		memcpy(c->method_text, VARDATA_ANY(t), len);
		c->method_len = len;
		c->method = m;
	}
	return m;
}

static void
null_arg(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("%s must not be NULL", what)));
}

static void
null_element(const char *what, int pos)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("%s has a NULL element at position %d", what, pos),
			 errhint("Every row needs its level of each categorical variable and its value of each numeric one.")));
}

/* The elements of a 1-D array without NULLs (NULL: an error naming the argument), no copies. */
static int
array_elems(ArrayType *a, const char *what, int16 typlen, bool typbyval, char typalign,
			Datum *elems, int max)
{
	int			n;
	array_iter	it;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (n > max)
		return n;				/* the caller reports the length */
	array_iter_setup(&it, (AnyArrayType *) a);
	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		elems[i] = array_iter_next(&it, &isnull, i, typlen, typbyval, typalign);
		if (isnull)
			null_element(what, i + 1);
	}
	return n;
}

/*
 * The levels of a row, no copies: pointers to each element's bytes and its
 * length.  A 1-D array without NULLs (the usual ARRAY[country, role]) is
 * walked directly; anything else goes through array_elems for its errors.
 */
static int
level_elems(ArrayType *a, const char **data, int *len, int max)
{
	const char *p;
	int			n;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || (n = ARR_DIMS(a)[0]) > max)
	{
		Datum		elems[SVY_CALIB_MAX_MARGINS];

		n = array_elems(a, "levels", -1, false, TYPALIGN_INT, elems, max);
		for (int i = 0; i < n && n <= max; i++)
		{
			data[i] = VARDATA_ANY(DatumGetPointer(elems[i]));
			len[i] = VARSIZE_ANY_EXHDR(DatumGetPointer(elems[i]));
		}
		return n;
	}
	p = ARR_DATA_PTR(a);
	for (int i = 0; i < n; i++)
	{
		data[i] = VARDATA_ANY(p);
		len[i] = VARSIZE_ANY_EXHDR(p);
		p = att_addlength_pointer(p, -1, p);
		p = (const char *) att_align_nominal(p, TYPALIGN_INT);
	}
	return n;
}

/* The method takes the population's variables (errors as SPEC §9). */
static void
check_method_fits(int method, const SvyPop *pop)
{
	if ((method == SVY_CALIB_POSTSTRATIFY || method == SVY_CALIB_RESCALE ||
		 method == SVY_CALIB_RAKE) && pop->nnum > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration method \"%s\" takes categorical variables only",
						svy_calib_method_name(method)),
				 errhint("Use method => 'linear' for numeric variables.")));
	if ((method == SVY_CALIB_POSTSTRATIFY || method == SVY_CALIB_RESCALE) && pop->ncat != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration method \"%s\" takes one categorical variable, the population has %d",
						svy_calib_method_name(method), pop->ncat),
				 errhint("Use rake, raking or linear for several margins.")));
	if ((method == SVY_CALIB_RAKE) && pop->ncat == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration method \"rake\" needs a categorical variable")));
}

/*
 * A row's part of a value in a call site's buffer whose calibration block
 * and population are in place: the base's bytes after its header (the
 * common one, a linearization design without a label, inline; base NULL:
 * they are in place), its cell and x.
 */
static pg_attribute_always_inline void
buf_write_row(SvyDesign *out, const SvyDesign *base, Size head, uint64 cell, const double *x, int nx)
{
	SvyCalibBlock *b = (SvyCalibBlock *) ((char *) out + head);

	if (base != NULL)
	{
		if (head == SVY_DESIGN_ARRAYS_OFFSET(0))
			memcpy((char *) out + VARHDRSZ, (const char *) base + VARHDRSZ,
				   SVY_DESIGN_ARRAYS_OFFSET(0) - VARHDRSZ);
		else
			memcpy((char *) out + VARHDRSZ, (const char *) base + VARHDRSZ, head - VARHDRSZ);
	}
	b->cell = cell;
	for (int j = 0; j < nx; j++)
		((float8 *) (b + 1))[j] = x[j];
}

/*
 * The call site's buffer holds a new row (cell: its cell code): the row's
 * rowcache hash for the aggregate (SvyCallSite.row_hash), and the row's set
 * in the cache the aggregate read this site's last row into, prefetched
 * while the aggregate has yet to get the value.
 */
static pg_attribute_always_inline void
buf_row_hint(CalibCache *c, uint64 cell)
{
	uint32		h = svy_calib_row_hash(c->buf->stratum, c->buf->psu, cell);

	c->site.row_hash = h;
	if (c->site.rowcache != NULL)
		svy_prefetch(svy_calib_rowcache_set(c->site.rowcache, c->site.rowcache_shift, h));
}

/*
 * The value of a calibrated design: the base design's bytes, then the
 * calibration block, the row's auxiliaries and the population (calib.h).
 * c: a call site whose values may be built in its buffer (c->site.consumed), or NULL.
 */
static pg_attribute_always_inline SvyDesign *
calibrated_design(CalibCache *c, const SvyDesign *base, uint64 pop_hash, uint64 cell, int method,
				  int maxit, double epsilon, const double bounds[2], const double *x, int nx,
				  const struct varlena *pop)
{
	Size		head = svy_design_base_size(base);
	Size		poplen = VARHDRSZ + VARSIZE_ANY_EXHDR(pop);
	Size		pop_at = head + sizeof(SvyCalibBlock) + sizeof(float8) * nx;
	Size		size = pop_at + poplen;
	SvyDesign  *out;
	SvyCalibBlock *b;
	bool		copy_pop = true;

	if (c != NULL && c->site.consumed)
	{
		if (c->buf_size < size)
		{
			if (c->buf)
				pfree(c->buf);
			c->site.buf = c->buf = MemoryContextAlloc(GetMemoryChunkContext(c), size);
			c->buf_size = size;
			c->buf_pop_at = 0;
		}
		out = c->buf;
		/* a base built without its label in this row names its stratum (svy_design_label) */
		c->site.base = base;

		/* the same datum and hash at the same place with the same length: the bytes are there */
		copy_pop = !(c->buf_pop_at == pop_at && c->buf_pop == pop && c->buf_hash == pop_hash &&
					 VARSIZE(out) == size);
		/*
		 * and with the call's constants (fixed: method, maxit, epsilon,
		 * bounds; k is the population's), the block too, but for the row's
		 * cell and x (site.calib_gen stays)
		 */
		if (!copy_pop && c->fixed)
		{
			buf_write_row(out, base, head, cell, x, nx);
			buf_row_hint(c, cell);
			return out;
		}
		c->buf_pop_at = pop_at;
		c->buf_pop = pop;
		c->buf_hash = pop_hash;
		/* the block's constants (and maybe the population) are written below */
		c->site.calib_gen = svy_callsite_new_gen();
	}
	else
		out = palloc(size);		/* every byte is written below */
	b = (SvyCalibBlock *) ((char *) out + head);
	memcpy(out, base, head);
	SET_VARSIZE(out, size);
	memset(b->pad, 0, sizeof(b->pad));
	b->pop_hash = pop_hash;
	b->cell = cell;
	b->epsilon = epsilon;
	b->bounds[0] = bounds[0];
	b->bounds[1] = bounds[1];
	b->maxit = maxit;
	b->k = nx;
	b->pop_len = poplen;
	b->method = method;
	memcpy(b + 1, x, sizeof(float8) * nx);
	if (copy_pop)
	{
		/* with a 4-byte header: a table column's population may have a short one */
		SET_VARSIZE((char *) out + pop_at, poplen);
		memcpy(VARDATA((char *) out + pop_at), VARDATA_ANY(pop), poplen - VARHDRSZ);
	}
	if (c != NULL && out == c->buf)
		buf_row_hint(c, cell);
	return out;
}

/*
 * bounds => {L, U}: logit's (finite), or linear's and raking's, g clipped to
 * [L, U] as R's calfuns do (one side may be infinite; both infinite is R's
 * default, no bounds: stored as {0, 0}).
 */
static void
parse_bounds(int method, ArrayType *a, float8 *bounds)
{
	Datum		bd[2];

	if (method != SVY_CALIB_LOGIT && method != SVY_CALIB_LINEAR && method != SVY_CALIB_RAKING)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("bounds with calibration method \"%s\" are not supported",
						svy_calib_method_name(method)),
				 errdetail("R's postStratify() and rake() have no bounds."),
				 errhint("Use method => 'linear', 'raking' or 'logit' for bounded weights.")));
	if (array_elems(a, "bounds", sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, bd, 2) != 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bounds must have 2 elements, {lower, upper}")));
	bounds[0] = DatumGetFloat8(bd[0]);
	bounds[1] = DatumGetFloat8(bd[1]);
	if (method != SVY_CALIB_LOGIT && isinf(bounds[0]) && bounds[0] < 0 &&
		isinf(bounds[1]) && bounds[1] > 0)
		bounds[0] = bounds[1] = 0.0;
	else if (!svy_calib_bounds_ok(method, bounds))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 method == SVY_CALIB_LOGIT ?
				 errmsg("bounds of logit calibration must be finite with lower < 1 < upper, not {%g, %g}",
						bounds[0], bounds[1]) :
				 errmsg("bounds of %s calibration must satisfy lower < 1 < upper, not {%g, %g}",
						svy_calib_method_name(method), bounds[0], bounds[1]),
				 errdetail("They bound g, the ratio of the calibrated to the design weight.")));
}

/*
 * The arguments of a call other than the row's levels and auxiliaries, at
 * their positions in each entry point (svy_calibrate_make, svy_calibrate_elems).
 */
typedef struct CalibArgPos
{
	int			pop,
				method,
				bounds,
				maxit,
				epsilon;
} CalibArgPos;

static const CalibArgPos make_pos = {1, 4, 5, 6, 7};
static const CalibArgPos elems_pos = {1, 2, 3, 4, 5};
static const CalibArgPos design_pos = {6, 7, 8, 9, 10};

/* The arguments of a call, checked (errors in this order: both entry points give the same ones). */
typedef struct CalibCall
{
	const SvyDesign *d;
	struct varlena *popv;
	CalibCache *c;
	int			method;
	int32		maxit;
	float8		epsilon;
	float8		bounds[2];
} CalibCall;

/*
 * A constant argument of the call (not a parameter: a PL/pgSQL expression
 * keeps its state while its parameters change).
 */
static bool
arg_is_const(FunctionCallInfo fcinfo, int argno)
{
	FuncExpr   *e = (FuncExpr *) fcinfo->flinfo->fn_expr;

	return e != NULL && IsA(e, FuncExpr) && argno < list_length(e->args) &&
		IsA(list_nth(e->args, argno), Const);
}

/* inlined into both entry points (per row) */
static pg_attribute_always_inline void
calib_call_args(FunctionCallInfo fcinfo, const CalibArgPos *pos, const SvyDesign *d, CalibCall *a)
{
	CalibCache *c;
	int			method;

	a->maxit = 0;
	a->epsilon = 0.0;
	a->bounds[0] = a->bounds[1] = 0.0;
	a->d = d;
	if (PG_ARGISNULL(pos->pop))
		null_arg("population");
	if (PG_ARGISNULL(pos->method))
		null_arg("calibration method");
	if (svy_design_is_calibrated(d))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the design is already calibrated"),
				 errhint("Calibrate once, to all the margins together.")));
	if (d->flags & SVY_OUT_OF_DOMAIN)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot calibrate a design after svy_subset()"),
				 errhint("Calibrate all rows first and take the subset of the calibrated design: svy_subset(svy_calibrate(...), ...).")));
	a->popv = arg_varlena_pp(fcinfo, pos->pop);
	a->c = c = calib_cache(fcinfo, a->popv);
	if (c->fixed)
	{
		/* constants of the call, checked at its first row */
		a->method = method = c->fixed_method;
		a->maxit = c->fixed_maxit;
		a->epsilon = c->fixed_epsilon;
		a->bounds[0] = c->fixed_bounds[0];
		a->bounds[1] = c->fixed_bounds[1];
	}
	else
	{
		a->method = method = parse_method(c, PG_GETARG_TEXT_PP(pos->method));

		if (!PG_ARGISNULL(pos->bounds))
			parse_bounds(method, PG_GETARG_ARRAYTYPE_P(pos->bounds), a->bounds);
		else if (method == SVY_CALIB_LOGIT)
			null_arg("bounds of logit calibration");
		if (!PG_ARGISNULL(pos->maxit))
		{
			a->maxit = PG_GETARG_INT32(pos->maxit);
			if (a->maxit <= 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("maxit must be positive, not %d", a->maxit)));
		}
		if (!PG_ARGISNULL(pos->epsilon))
		{
			a->epsilon = PG_GETARG_FLOAT8(pos->epsilon);
			if (!(a->epsilon > 0.0) || isinf(a->epsilon))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("epsilon must be a positive number, not %g", a->epsilon)));
		}
		if (arg_is_const(fcinfo, pos->method) && arg_is_const(fcinfo, pos->bounds) &&
			arg_is_const(fcinfo, pos->maxit) && arg_is_const(fcinfo, pos->epsilon))
		{
			c->fixed = true;
			c->fixed_method = method;
			c->fixed_maxit = a->maxit;
			c->fixed_epsilon = a->epsilon;
			c->fixed_bounds[0] = a->bounds[0];
			c->fixed_bounds[1] = a->bounds[1];
		}
	}
	if (c->method_fits != method)
	{
		check_method_fits(method, c->pop);
		c->method_fits = method;
	}
}

static void
check_nlev(const SvyPop *pop, int nlev)
{
	if (nlev != pop->ncat)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("levels must have one element per categorical variable of the population"),
				 errdetail("levels has %d, the population %d.", nlev, pop->ncat),
				 errhint("Give the row's level of each categorical variable, in the population's order.")));
}

/* The rest of a row, once its levels and auxiliaries are read: the calibrated value. */
static pg_attribute_always_inline Datum
calib_call_value(const CalibCall *a, const char *const *lev, const int *levlen, int nlev,
				 const float8 *x, int nx)
{
	const SvyPop *pop = a->c->pop;
	uint64		cell = 0;

	if (pop->nnum > SVY_CALIB_MAX_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a calibration may have at most %d numeric variables", SVY_CALIB_MAX_NUMERIC)));
	if (nx != pop->nnum)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("x must have one element per numeric variable of the population"),
				 errdetail("x has %d, the population %d.", nx, pop->nnum),
				 errhint("Give the row's value of each numeric variable, in the population's order.")));

	for (int m = 0; m < nlev; m++)
	{
		SvyPopVar  *var = a->c->var[m];
		int			l = svy_pop_level_index(var, lev[m], levlen[m]);

		if (l < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("level \"%s\" of variable \"%s\" is not in the population",
							pnstrdup(lev[m], levlen[m]), var->name),
					 errhint("Every level in the sample needs a population count.")));
		cell += (uint64) l * a->c->radix[m];
	}
	for (int j = 0; j < nx; j++)
		if (isnan(x[j]) || isinf(x[j]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("numeric calibration variable must be finite, not %g", x[j])));

	return PointerGetDatum(calibrated_design(a->c, a->d, a->c->hash, cell, a->method, a->maxit, a->epsilon,
											 a->bounds, x, nx, a->popv));
}

/*
 * The variadic arguments of svy_calibrate_elems (first = 1) and
 * svy_calibrate_design (first = 6), from first + 6 on: text levels, then
 * float8 x values, as the support function passes them.
 */
static void
elems_check_types(FunctionCallInfo fcinfo, int first, int nlev, int nx)
{
	const char *fname = first == 1 ? "svy_calibrate_elems" : "svy_calibrate_design";

	if (get_fn_expr_variadic(fcinfo->flinfo))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s takes its levels and x values as separate arguments, not VARIADIC", fname)));
	for (int i = first + 6; i < PG_NARGS(); i++)
	{
		Oid			want = i < first + 6 + nlev ? TEXTOID : FLOAT8OID;

		if (get_fn_expr_argtype(fcinfo->flinfo, i) != want)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("argument %d of %s must be of type %s", i + 1, fname, format_type_be(want)),
					 errhint("Call svy_calibrate(); the planner rewrites it.")));
	}
}

/*
 * svy_calibrate(d, population, levels text[], x float8[], method text,
 *               bounds float8[], maxit int, epsilon float8)
 */
Datum
svy_calibrate_make(PG_FUNCTION_ARGS)
{
	CalibCall	a;
	const SvyPop *pop;
	const char *lev[SVY_CALIB_MAX_MARGINS];
	int			levlen[SVY_CALIB_MAX_MARGINS];
	Datum		xs[SVY_CALIB_MAX_NUMERIC];
	float8		x[SVY_CALIB_MAX_NUMERIC];
	int			nlev = 0,
				nx = 0;

	calib_call_args(fcinfo, &make_pos, svy_design_arg(fcinfo, 0), &a);
	pop = a.c->pop;
	if (PG_ARGISNULL(2))
	{
		if (pop->ncat > 0)
			null_arg("levels");
	}
	else
		nlev = level_elems(PG_GETARG_ARRAYTYPE_P(2), lev, levlen, SVY_CALIB_MAX_MARGINS);
	check_nlev(pop, nlev);
	if (PG_ARGISNULL(3))
	{
		if (pop->nnum > 0)
			null_arg("x");
	}
	else
	{
		ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(3);

		if (ARR_NDIM(xa) == 1 && !ARR_HASNULL(xa) && ARR_DIMS(xa)[0] <= SVY_CALIB_MAX_NUMERIC)
		{
			nx = ARR_DIMS(xa)[0];
			memcpy(x, ARR_DATA_PTR(xa), sizeof(float8) * nx);
		}
		else
		{
			nx = array_elems(xa, "x", sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, xs,
							 SVY_CALIB_MAX_NUMERIC);
			for (int j = 0; j < nx && nx <= SVY_CALIB_MAX_NUMERIC; j++)
				x[j] = DatumGetFloat8(xs[j]);
		}
	}
	return calib_call_value(&a, lev, levlen, nlev, x, nx);
}

/*
 * A row's cell and x, read from the arguments of svy_calibrate_elems
 * (first = 1) or svy_calibrate_design (first = 6) when the call site is
 * ready (CalibCache): the checks of the call's constants and population
 * passed on an earlier row; those of the row's own values are made here, in
 * one pass over its nlev levels and nx numeric values.  False if the row is
 * not of that shape or not valid: the general path then gives its errors,
 * in their order.
 */
static pg_attribute_always_inline bool
row_cell_shape(FunctionCallInfo fcinfo, CalibCache *c, int first, int nlev, int nx, uint64 *cell, float8 *x)
{
	struct varlena *pop;
	int			lev0 = first + 6;
	uint64		code = 0;

	if (PG_ARGISNULL(first))
		return false;
	pop = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(first));
	if (pop != c->buf_pop || VARATT_IS_EXTERNAL(pop) || VARATT_IS_COMPRESSED(pop) ||
		svy_population_hash(pop) != c->buf_hash || c->hash != c->buf_hash)
		return false;
	for (int m = 0; m < nlev; m++)
	{
		const char *lev;
		int			len;
		int			l;

		if (PG_ARGISNULL(lev0 + m) || !svy_varlena_inline(PG_GETARG_DATUM(lev0 + m), &lev, &len) ||
			(l = svy_pop_level_index(c->var[m], lev, len)) < 0)
			return false;
		code += (uint64) l * c->radix[m];
	}
	*cell = code;
	for (int j = 0; j < nx; j++)
	{
		if (PG_ARGISNULL(lev0 + nlev + j))
			return false;
		x[j] = PG_GETARG_FLOAT8(lev0 + nlev + j);
		if (isnan(x[j]) || isinf(x[j]))
			return false;
	}
	return true;
}

/* row_cell_shape, the common shapes (one or two margins, none or one numeric variable) as constants: no loops */
static pg_attribute_always_inline bool
row_cell_fast(FunctionCallInfo fcinfo, CalibCache *c, int first, uint64 *cell, float8 *x)
{
	int			nx = Max(c->elems_nx, 0);
	int			nlev = c->ready_nlev;

	switch (nlev * 2 + nx)
	{
		case 2 * 2 + 0:
			return row_cell_shape(fcinfo, c, first, 2, 0, cell, x);
		case 2 * 2 + 1:
			return row_cell_shape(fcinfo, c, first, 2, 1, cell, x);
		case 1 * 2 + 0:
			return row_cell_shape(fcinfo, c, first, 1, 0, cell, x);
		case 1 * 2 + 1:
			return row_cell_shape(fcinfo, c, first, 1, 1, cell, x);
		default:
			return row_cell_shape(fcinfo, c, first, nlev, nx, cell, x);
	}
}

/*
 * The general path of svy_calibrate_elems (first = 1) and
 * svy_calibrate_design (first = 6) for base design d: same checks, errors
 * and value as svy_calibrate_make; the call site becomes ready when the
 * value went into its buffer with the call's constants and a one-stage
 * linearization base without a label.
 */
static Datum
calibrate_elems(FunctionCallInfo fcinfo, const SvyDesign *d, int first)
{
	CalibCall	a;
	const SvyPop *pop;
	const char *lev[SVY_CALIB_MAX_MARGINS];
	int			levlen[SVY_CALIB_MAX_MARGINS];
	float8		x[SVY_CALIB_MAX_NUMERIC];
	int			nx,
				nlev;
	int			lev0 = first + 6;
	CalibCache *c = fcinfo->flinfo->fn_extra;
	Datum		result;

	if (PG_ARGISNULL(first + 5))
		null_arg("nx");
	nx = PG_GETARG_INT32(first + 5);
	nlev = PG_NARGS() - lev0 - Max(nx, 0);
	if (nx < -1 || nlev < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs at least one level and nx >= -1 x values",
						first == 1 ? "svy_calibrate_elems" : "svy_calibrate_design")));
	/* the arguments' types per nx (a call of its own may pass another nx on a later row) */
	if (c == NULL || nx != c->elems_nx)
		elems_check_types(fcinfo, first, nlev, nx);
	calib_call_args(fcinfo, first == 1 ? &elems_pos : &design_pos, d, &a);
	a.c->elems_nx = nx;
	pop = a.c->pop;
	if (nlev <= SVY_CALIB_MAX_MARGINS)
		for (int i = 0; i < nlev; i++)
		{
			text	   *t;

			if (PG_ARGISNULL(lev0 + i))
				null_element("levels", i + 1);
			if (svy_varlena_inline(PG_GETARG_DATUM(lev0 + i), &lev[i], &levlen[i]))
				continue;
			t = PG_GETARG_TEXT_PP(lev0 + i);
			lev[i] = VARDATA_ANY(t);
			levlen[i] = VARSIZE_ANY_EXHDR(t);
		}
	check_nlev(pop, nlev);
	if (nx < 0)
	{
		if (pop->nnum > 0)
			null_arg("x");
		nx = 0;
	}
	else if (nx <= SVY_CALIB_MAX_NUMERIC)
		for (int j = 0; j < nx; j++)
		{
			if (PG_ARGISNULL(lev0 + nlev + j))
				null_element("x", j + 1);
			x[j] = PG_GETARG_FLOAT8(lev0 + nlev + j);
		}
	result = calib_call_value(&a, lev, levlen, nlev, x, nx);
	a.c->ready = a.c->fixed && arg_is_const(fcinfo, first + 5) && DatumGetPointer(result) == (void *) a.c->buf &&
		svy_design_base_size(a.d) == SVY_DESIGN_ARRAYS_OFFSET(0);
	a.c->ready_nlev = nlev;
	return result;
}

/*
 * svy_calibrate_elems(d, population, method, bounds, maxit, epsilon, nx,
 *                     VARIADIC "any"): what svy_calibrate_support makes of
 * a call whose levels (and x) are ARRAY[...] expressions, the levels then
 * the x values as separate arguments (nx -1: x NULL), so that no array is
 * built per row.  A ready call site (the row's base a one-stage
 * linearization design without a label) writes only the row's base, cell
 * and x into its buffer.
 */
Datum
svy_calibrate_elems(PG_FUNCTION_ARGS)
{
	CalibCache *c = fcinfo->flinfo->fn_extra;
	const SvyDesign *d;
	float8		x[SVY_CALIB_MAX_NUMERIC];
	uint64		cell;

	if (c != NULL && c->ready && !PG_ARGISNULL(0) && row_cell_fast(fcinfo, c, 1, &cell, x))
	{
		d = (const SvyDesign *) DatumGetPointer(PG_GETARG_DATUM(0));
		if (VARATT_IS_4B_U(d) && VARSIZE(d) == SVY_DESIGN_ARRAYS_OFFSET(0) && !(d->flags & SVY_OUT_OF_DOMAIN))
		{
			c->site.base = d;
			buf_write_row(c->buf, d, SVY_DESIGN_ARRAYS_OFFSET(0), cell, x, Max(c->elems_nx, 0));
			buf_row_hint(c, cell);
			PG_RETURN_POINTER(c->buf);
		}
	}
	return calibrate_elems(fcinfo, svy_design_arg(fcinfo, 0), 1);
}

/*
 * svy_calibrate_design(weight, strata, psu, fpc, psu2, fpc2, population,
 *                      method, bounds, maxit, epsilon, nx, VARIADIC "any"):
 * svy_calibrate_elems of svy_design(weight, ..., fpc2), as the support
 * function writes svy_calibrate(svy_design(...), ...): one call a row.  A
 * ready call site writes into its buffer only what varies between rows of
 * the base design (svy_design_build_bare), then the cell and x.
 */
Datum
svy_calibrate_design(PG_FUNCTION_ARGS)
{
	CalibCache *c = fcinfo->flinfo->fn_extra;
	float8		x[SVY_CALIB_MAX_NUMERIC];
	uint64		cell;

	if (c == NULL)
		c = calib_cache_new(fcinfo);
	/*
	 * The buffer holds the value of the last row, which took the general path
	 * or this one: a bare base of this call site (ready), site.base its
	 * design call site's buffer.
	 */
	if (c->ready && row_cell_fast(fcinfo, c, 6, &cell, x) && svy_design_build_bare(fcinfo, c->design, c->buf))
	{
		buf_write_row(c->buf, NULL, SVY_DESIGN_ARRAYS_OFFSET(0), cell, x, Max(c->elems_nx, 0));
		buf_row_hint(c, cell);
		PG_RETURN_POINTER(c->buf);
	}
	return calibrate_elems(fcinfo, svy_design_build(fcinfo, &c->design, NULL), 6);
}

/* The function schema.name(argtypes), or InvalidOid (an extension script without it) */
static Oid
lookup_fn(char *schema, const char *name, int nargs, const Oid *argtypes)
{
	return LookupFuncName(list_make2(makeString(schema), makeString(pstrdup(name))), nargs, argtypes, true);
}

/*
 * Planner support of svy_calibrate (SupportRequestSimplify): a call whose
 * levels is an ARRAY[...] of text (and x an ARRAY[...] of float8 or NULL)
 * becomes svy_calibrate_elems(d, population, method, bounds, maxit,
 * epsilon, nx, level..., x...), which reads the elements where they are
 * instead of an array built per row (the array costs more than the rest of
 * the call); with d written as svy_design(...), svy_calibrate_design(its
 * six arguments, population, ...), which builds the base design in the
 * same call.  Any other form (a text[] column, a constant array) stays as
 * written.  Views and stored rules keep the call as written: this happens
 * when a query is planned.
 */
Datum
svy_calibrate_support(PG_FUNCTION_ARGS)
{
	Node	   *req = (Node *) PG_GETARG_POINTER(0);
	FuncExpr   *f;
	Node	   *levarg,
			   *xarg;
	Node	   *d0;
	List	   *tail;
	char	   *schema;
	int			nx = -1;
	Oid			argtypes[8];
	Oid			fn;

	if (!IsA(req, SupportRequestSimplify))
		PG_RETURN_POINTER(NULL);
	f = ((SupportRequestSimplify *) req)->fcall;
	/* the planner passes every argument, positional, defaults filled in */
	if (list_length(f->args) != 8)
		PG_RETURN_POINTER(NULL);
	levarg = list_nth(f->args, 2);
	xarg = list_nth(f->args, 3);
	if (!IsA(levarg, ArrayExpr) || ((ArrayExpr *) levarg)->multidims ||
		((ArrayExpr *) levarg)->element_typeid != TEXTOID || ((ArrayExpr *) levarg)->elements == NIL)
		PG_RETURN_POINTER(NULL);
	if (IsA(xarg, ArrayExpr) && !((ArrayExpr *) xarg)->multidims &&
		((ArrayExpr *) xarg)->element_typeid == FLOAT8OID)
		nx = list_length(((ArrayExpr *) xarg)->elements);
	else if (!(IsA(xarg, Const) && ((Const *) xarg)->constisnull))
		PG_RETURN_POINTER(NULL);

	schema = get_namespace_name(get_func_namespace(f->funcid));
	d0 = linitial(f->args);
	tail = list_make4(lsecond(f->args), list_nth(f->args, 4), list_nth(f->args, 5), list_nth(f->args, 6));
	tail = lappend(tail, list_nth(f->args, 7));
	tail = lappend(tail, makeConst(INT4OID, -1, InvalidOid, sizeof(int32), Int32GetDatum(nx), false, true));
	tail = list_concat(tail, ((ArrayExpr *) levarg)->elements);
	if (nx > 0)
		tail = list_concat(tail, ((ArrayExpr *) xarg)->elements);

	/* svy_calibrate(svy_design(...), ...): svy_calibrate_design, one call a row */
	if (IsA(d0, FuncExpr) && list_length(((FuncExpr *) d0)->args) == 6)
	{
		Oid			design_types[6] = {FLOAT8OID, ANYOID, ANYOID, FLOAT8OID, ANYOID, FLOAT8OID};
		Oid			fused_types[13] = {FLOAT8OID, ANYOID, ANYOID, FLOAT8OID, ANYOID, FLOAT8OID,
			exprType(lsecond(f->args)), TEXTOID, FLOAT8ARRAYOID, INT4OID, FLOAT8OID, INT4OID, ANYOID};

		if (((FuncExpr *) d0)->funcid == lookup_fn(schema, "svy_design", 6, design_types) &&
			OidIsValid(fn = lookup_fn(schema, "svy_calibrate_design", 13, fused_types)))
			PG_RETURN_POINTER(makeFuncExpr(fn, f->funcresulttype,
										   list_concat(list_copy(((FuncExpr *) d0)->args), tail),
										   f->funccollid, f->inputcollid, COERCE_EXPLICIT_CALL));
	}

	/* svy_calibrate_elems in svy_calibrate's schema */
	argtypes[0] = exprType(d0);
	argtypes[1] = exprType(lsecond(f->args));
	argtypes[2] = TEXTOID;
	argtypes[3] = FLOAT8ARRAYOID;
	argtypes[4] = INT4OID;
	argtypes[5] = FLOAT8OID;
	argtypes[6] = INT4OID;
	argtypes[7] = ANYOID;
	fn = lookup_fn(schema, "svy_calibrate_elems", 8, argtypes);
	if (!OidIsValid(fn))
		PG_RETURN_POINTER(NULL);	/* an extension script without it: keep the call */
	PG_RETURN_POINTER(makeFuncExpr(fn, f->funcresulttype, lcons(d0, tail), f->funccollid, f->inputcollid,
								   COERCE_EXPLICIT_CALL));
}

/* ---------- text form of a calibrated design (design.c's svy_design_in/out call these) ----------
 * calibrated method=<m> maxit=<n> epsilon=<e> bounds={L,U} cell=<code> x={v,...} pop=<hex> <base design>
 * (bounds={} but for logit and bounded linear and raking, whose may be -Infinity or Infinity)
 * pop is the population's binary (send) format in hex: endian-independent,
 * like the rest, so pg_dump and restore keep the calibration anywhere.
 */
void
svy_calib_design_out(StringInfo buf, const SvyDesign *d)
{
	const SvyCalibBlock *b = svy_calib_block(d);
	StringInfoData pop;
	char	   *hex;

	appendStringInfo(buf, "calibrated method=%s maxit=%d epsilon=%s bounds={",
					 svy_calib_method_name(b->method), b->maxit, float8out_internal(b->epsilon));
	if (svy_calib_has_bounds(b->bounds))
		appendStringInfo(buf, "%s,%s", float8out_internal(b->bounds[0]),
						 float8out_internal(b->bounds[1]));
	appendStringInfo(buf, "} cell=" UINT64_FORMAT " x={", b->cell);
	for (int j = 0; j < b->k; j++)
		appendStringInfo(buf, "%s%s", j ? "," : "", float8out_internal(svy_calib_x(b)[j]));
	initStringInfo(&pop);
	svy_population_send_buf(svy_calib_population(b), &pop);
	hex = palloc(pop.len * 2 + 1);
	hex[hex_encode(pop.data, pop.len, hex)] = '\0';
	appendStringInfo(buf, "} pop=%s ", hex);
}

static void
bad_calibrated(const char *s, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%.80s\"", "svy_design", s),
			 errdetail("The calibration: %s.", why)));
}

/* "key=" at *p: advance past it */
static void
calib_key(const char **p, const char *key, const char *s)
{
	size_t		n = strlen(key);

	if (strncmp(*p, key, n) != 0 || (*p)[n] != '=')
		bad_calibrated(s, psprintf("expected %s=", key));
	*p += n + 1;
}

/* a float8 ended by a character of stop */
static float8
calib_float(const char **p, const char *stop, const char *s)
{
	char	   *end;
	float8		v;

	errno = 0;
	v = strtod(*p, &end);
	if (end == *p || strchr(stop, *end) == NULL || *end == '\0' || isnan(v) || isinf(v))
		bad_calibrated(s, "expected a finite number");
	*p = end;
	return v;
}

/* a bound: a number or an infinity (linear, raking), ended by a character of stop */
static float8
calib_bound(const char **p, const char *stop, const char *s)
{
	char	   *end;
	float8		v;

	errno = 0;
	v = strtod(*p, &end);
	if (end == *p || strchr(stop, *end) == NULL || *end == '\0' || isnan(v))
		bad_calibrated(s, "expected a bound");
	*p = end;
	return v;
}

SvyDesign *
svy_calib_design_in(const char *s)
{
	const char *p = s + strlen("calibrated ");
	char		mname[16];
	int			ml = 0;
	int			method;
	long		maxit;
	float8		epsilon;
	float8		bounds[2] = {0.0, 0.0};
	uint64		cell;
	float8		xs[SVY_CALIB_MAX_NUMERIC];
	int			nx = 0;
	const char *hex;
	StringInfoData pbuf;
	struct varlena *pop;
	SvyPop	   *parsed;
	uint64		ncell = 1;
	SvyDesign  *base;
	char	   *end;

	calib_key(&p, "method", s);
	while (*p && *p != ' ' && ml < (int) sizeof(mname) - 1)
		mname[ml++] = *p++;
	mname[ml] = '\0';
	method = svy_calib_method_from_name(mname);
	if (method == 0 || *p++ != ' ')
		bad_calibrated(s, "unknown method");
	calib_key(&p, "maxit", s);
	errno = 0;
	maxit = strtol(p, &end, 10);
	if (end == p || *end != ' ' || maxit < 0 || maxit > PG_INT32_MAX || errno)
		bad_calibrated(s, "bad maxit");
	p = end + 1;
	calib_key(&p, "epsilon", s);
	epsilon = calib_float(&p, " ", s);
	if (epsilon < 0 || *p++ != ' ')
		bad_calibrated(s, "bad epsilon");
	calib_key(&p, "bounds", s);
	if (*p++ != '{')
		bad_calibrated(s, "expected {");
	if (*p != '}')
	{
		bounds[0] = calib_bound(&p, ",", s);
		p++;
		bounds[1] = calib_bound(&p, "}", s);
	}
	if (!svy_calib_bounds_ok(method, bounds))
		bad_calibrated(s, "bad bounds");
	if (*p++ != '}' || *p++ != ' ')
		bad_calibrated(s, "expected } and a space");
	calib_key(&p, "cell", s);
	errno = 0;
	cell = strtou64(p, &end, 10);
	if (end == p || *end != ' ' || errno || *p == '-')
		bad_calibrated(s, "bad cell");
	p = end + 1;
	calib_key(&p, "x", s);
	if (*p++ != '{')
		bad_calibrated(s, "expected {");
	while (*p != '}')
	{
		if (nx == SVY_CALIB_MAX_NUMERIC)
			bad_calibrated(s, "too many x");
		xs[nx++] = calib_float(&p, ",}", s);
		if (*p == ',')
			p++;
	}
	p++;
	if (*p++ != ' ')
		bad_calibrated(s, "expected a space");
	calib_key(&p, "pop", s);
	hex = p;
	while (*p && *p != ' ')
		p++;
	if (*p != ' ' || (p - hex) % 2 != 0 || p == hex)
		bad_calibrated(s, "bad population");
	initStringInfo(&pbuf);
	enlargeStringInfo(&pbuf, (p - hex) / 2);
	pbuf.len = hex_decode(hex, p - hex, pbuf.data);
	pop = svy_population_recv_buf(&pbuf);
	parsed = svy_population_parse(pop);
	check_method_fits(method, parsed);
	if (parsed->nnum != nx)
		bad_calibrated(s, "x does not match the population");
	for (int i = 0; i < parsed->nvar; i++)
		if (parsed->vars[i].nlevels != SVY_POP_NUMERIC)
		{
			if (ncell > (UINT64CONST(1) << 62) / (uint64) parsed->vars[i].nlevels)
				bad_calibrated(s, "too many joint levels");
			ncell *= parsed->vars[i].nlevels;
		}
	if (parsed->ncat > SVY_CALIB_MAX_MARGINS || cell >= ncell)
		bad_calibrated(s, "cell outside the population");

	base = (SvyDesign *) DatumGetPointer(DirectFunctionCall1(svy_design_in, CStringGetDatum(p + 1)));
	return calibrated_design(NULL, base, svy_population_hash(pop), cell, method, maxit, epsilon, bounds,
							 xs, nx, pop);
}

/* ---------- rows as PSUs of their own (calib.h) ---------- */

const SvyDesign *
svy_calib_row_psu(SvyRowPsu *rp, const SvyDesign *d, bool want, bool state_has_psu, MemoryContext cxt)
{
	char		label[SVY_LABEL_MAX];
	int			len;
	Size		old_head,
				new_head,
				size;
	SvyDesign  *out;

	if (!want)
	{
		if (rp->on)
			svy_report_mixed_designs(SVY_MIXED_SHAPES_DETAIL);
		return d;
	}
	if (state_has_psu && !rp->on)
		svy_report_mixed_designs(SVY_MIXED_SHAPES_DETAIL);

	/* the stratum's label written out: a value built in this row may leave it to its call site */
	len = svy_design_label(d, label);
	old_head = SVY_DESIGN_ARRAYS_OFFSET(d->label_len);
	new_head = SVY_DESIGN_ARRAYS_OFFSET(len);
	size = VARSIZE(d) - old_head + new_head;
	if (rp->size < size)
	{
		if (rp->buf)
			pfree(rp->buf);
		rp->buf = MemoryContextAlloc(cxt, size);
		rp->size = size;
	}
	/* (0: none drawn yet, e.g. a state that took merged rows first) */
	while (rp->tag == 0)
		rp->tag = pg_prng_uint64(&pg_global_prng_state);
	rp->on = true;
	out = rp->buf;
	memcpy(out, d, offsetof(SvyDesign, data));
	SET_VARSIZE(out, size);
	out->label_len = len;
	memset(out->data, 0, new_head - offsetof(SvyDesign, data));
	memcpy(out->data, label, len);
	memcpy((char *) out + new_head, (const char *) d + old_head, VARSIZE(d) - old_head);
	out->flags |= SVY_HAS_PSU;
	out->psu[0] = ++rp->next;
	out->psu[1] = rp->tag;
	return out;
}

void
svy_calib_row_psu_merge(SvyRowPsu *rp, bool into_rows, bool from_on, bool from_rows)
{
	if (into_rows && from_rows && rp->on != from_on)
		svy_report_mixed_designs(SVY_MIXED_SHAPES_DETAIL);
	rp->on |= from_on;
}
