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

#include "utils/array.h"
#include "utils/arrayaccess.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "calib.h"
#include "population.h"

/* in design.c */
extern Datum svy_design_in(PG_FUNCTION_ARGS);

PG_FUNCTION_INFO_V1(svy_calibrate_make);

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
	uint64		hash;			/* population of the cached parse */
	SvyPop	   *pop;
	int		   *cat;			/* ncat: variable index of each categorical margin */
	uint64	   *radix;			/* ncat: place value in the cell code */
	int			method;
	char		method_text[16];	/* last method argument, as given */
	int			method_len;
	int			method_fits;	/* method that check_method_fits() passed for pop, or 0 */
} CalibCache;

static CalibCache *
calib_cache(FunctionCallInfo fcinfo, struct varlena *pop)
{
	CalibCache *c = fcinfo->flinfo->fn_extra;
	uint64		hash = svy_population_hash(pop);
	MemoryContext old;
	uint64		place = 1;
	Size		nparam;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CalibCache));
		fcinfo->flinfo->fn_extra = c;
	}
	else if (c->pop && c->hash == hash)
		return c;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	c->pop = svy_population_parse(pop);
	c->hash = hash;
	c->method_fits = 0;
	c->cat = palloc(sizeof(int) * (c->pop->ncat + 1));
	c->radix = palloc(sizeof(uint64) * (c->pop->ncat + 1));
	nparam = c->pop->nnum;
	for (int i = 0, m = 0; i < c->pop->nvar; i++)
	{
		int			nl = c->pop->vars[i].nlevels;

		if (nl == SVY_POP_NUMERIC)
			continue;
		c->cat[m] = i;
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
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s has a NULL element at position %d", what, i + 1),
					 errhint("Every row needs its level of each categorical variable and its value of each numeric one.")));
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
 * The value of a calibrated design: the base design's bytes, then the
 * calibration block, the row's auxiliaries and the population (calib.h).
 */
static SvyDesign *
calibrated_design(const SvyDesign *base, uint64 pop_hash, uint64 cell, int method, int maxit,
				  double epsilon, const double bounds[2], const double *x, int nx,
				  const struct varlena *pop)
{
	Size		head = svy_design_base_size(base);
	Size		poplen = VARHDRSZ + VARSIZE_ANY_EXHDR(pop);
	Size		size = head + sizeof(SvyCalibBlock) + sizeof(float8) * nx + poplen;
	SvyDesign  *out = palloc(size);	/* every byte is written below */
	SvyCalibBlock *b = (SvyCalibBlock *) ((char *) out + head);

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
	/* with a 4-byte header: a table column's population may have a short one */
	SET_VARSIZE((char *) (b + 1) + sizeof(float8) * nx, poplen);
	memcpy(VARDATA((char *) (b + 1) + sizeof(float8) * nx), VARDATA_ANY(pop), poplen - VARHDRSZ);
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
 * svy_calibrate(d, population, levels text[], x float8[], method text,
 *               bounds float8[], maxit int, epsilon float8)
 */
Datum
svy_calibrate_make(PG_FUNCTION_ARGS)
{
	const SvyDesign *d;
	struct varlena *popv;
	CalibCache *c;
	SvyPop	   *pop;
	const char *lev[SVY_CALIB_MAX_MARGINS];
	int			levlen[SVY_CALIB_MAX_MARGINS];
	Datum		xs[SVY_CALIB_MAX_NUMERIC];
	float8		x[SVY_CALIB_MAX_NUMERIC];
	int			nlev = 0,
				nx = 0;
	int			method;
	int32		maxit = 0;
	float8		epsilon = 0.0;
	float8		bounds[2] = {0.0, 0.0};
	uint64		cell = 0;

	d = svy_design_arg(fcinfo, 0);
	if (PG_ARGISNULL(1))
		null_arg("population");
	if (PG_ARGISNULL(4))
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
	popv = PG_GETARG_VARLENA_PP(1);
	c = calib_cache(fcinfo, popv);
	pop = c->pop;
	method = parse_method(c, PG_GETARG_TEXT_PP(4));

	if (!PG_ARGISNULL(5))
		parse_bounds(method, PG_GETARG_ARRAYTYPE_P(5), bounds);
	else if (method == SVY_CALIB_LOGIT)
		null_arg("bounds of logit calibration");
	if (!PG_ARGISNULL(6))
	{
		maxit = PG_GETARG_INT32(6);
		if (maxit <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("maxit must be positive, not %d", maxit)));
	}
	if (!PG_ARGISNULL(7))
	{
		epsilon = PG_GETARG_FLOAT8(7);
		if (!(epsilon > 0.0) || isinf(epsilon))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("epsilon must be a positive number, not %g", epsilon)));
	}
	if (c->method_fits != method)
	{
		check_method_fits(method, pop);
		c->method_fits = method;
	}

	if (PG_ARGISNULL(2))
	{
		if (pop->ncat > 0)
			null_arg("levels");
	}
	else
		nlev = level_elems(PG_GETARG_ARRAYTYPE_P(2), lev, levlen, SVY_CALIB_MAX_MARGINS);
	if (nlev != pop->ncat)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("levels must have one element per categorical variable of the population"),
				 errdetail("levels has %d, the population %d.", nlev, pop->ncat),
				 errhint("Give the row's level of each categorical variable, in the population's order.")));
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
		const SvyPopVar *var = &pop->vars[c->cat[m]];
		int			l = svy_pop_level_index(var, lev[m], levlen[m]);

		if (l < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("level \"%s\" of variable \"%s\" is not in the population",
							pnstrdup(lev[m], levlen[m]), var->name),
					 errhint("Every level in the sample needs a population count.")));
		cell += (uint64) l * c->radix[m];
	}
	for (int j = 0; j < nx; j++)
		if (isnan(x[j]) || isinf(x[j]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("numeric calibration variable must be finite, not %g", x[j])));

	PG_RETURN_POINTER(calibrated_design(d, c->hash, cell, method, maxit, epsilon, bounds, x, nx,
										popv));
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
	return calibrated_design(base, svy_population_hash(pop), cell, method, maxit, epsilon, bounds,
							 xs, nx, pop);
}
