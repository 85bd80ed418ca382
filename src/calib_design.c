/*
 * calib_design.c — svy_calibrate(): a calibrated design value (calib.h).
 *
 * Per row it finds the row's level of each categorical population variable
 * (the joint levels form the row's calibration cell, coded mixed-radix),
 * checks the numeric auxiliaries, and appends the calibration block and the
 * population to the Taylor design.  The population is unpacked once per
 * call site (cached by its hash in fn_extra), not per row.
 */
#include "postgres.h"

#include <math.h>

#include "utils/array.h"
#include "utils/arrayaccess.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "calib.h"
#include "population.h"

PG_FUNCTION_INFO_V1(svy_calibrate_make);

void
svy_calib_not_supported(const char *where)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s does not support calibrated designs yet", where),
			 errdetail("Calibration (svy_calibrate) is supported by svy_mean, svy_total, svy_prop, svy_ratio, svy_weight and svy_weights_summary on linearization designs."),
			 errhint("Estimate with one of those, or export the calibrated weights with svy_weight() and build an uncalibrated design from them (its standard errors then ignore the calibration).")));
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
} CalibCache;

static CalibCache *
calib_cache(FunctionCallInfo fcinfo, struct varlena *pop)
{
	CalibCache *c = fcinfo->flinfo->fn_extra;
	uint64		hash = svy_population_hash(pop);
	MemoryContext old;
	uint64		place = 1;

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
	c->cat = palloc(sizeof(int) * (c->pop->ncat + 1));
	c->radix = palloc(sizeof(uint64) * (c->pop->ncat + 1));
	for (int i = 0, m = 0; i < c->pop->nvar; i++)
	{
		int			nl = c->pop->vars[i].nlevels;

		if (nl == SVY_POP_NUMERIC)
			continue;
		c->cat[m] = i;
		c->radix[m++] = place;
		/* the cell code must fit 63 bits */
		if (place > (UINT64CONST(1) << 62) / (uint64) nl)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many joint levels of the population's categorical variables"),
					 errdetail("The product of their numbers of levels must be below 2^62.")));
		place *= nl;
	}
	if (c->pop->ncat > SVY_CALIB_MAX_MARGINS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a calibration may have at most %d categorical variables", SVY_CALIB_MAX_MARGINS)));
	MemoryContextSwitchTo(old);
	return c;
}

static int
parse_method(CalibCache *c, text *t)
{
	int			len = VARSIZE_ANY_EXHDR(t);
	char	   *name;
	int			m;

	if (len == c->method_len && memcmp(VARDATA_ANY(t), c->method_text, len) == 0)
		return c->method;
	name = text_to_cstring(t);
	m = svy_calib_method_from_name(name);
	if (m == 0 && strcmp(name, "logit") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("calibration method \"logit\" is not supported yet"),
				 errhint("Use linear, raking, rake or poststratify.")));
	if (m == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown calibration method \"%s\"", name),
				 errhint("Valid methods: linear, raking, rake, poststratify.")));
	if (len < (int) sizeof(c->method_text))
	{
		memcpy(c->method_text, name, len);
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
			 errmsg("%s of svy_calibrate must not be NULL", what)));
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
				 errmsg("%s of svy_calibrate must be a one-dimensional array", what)));
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
					 errmsg("%s of svy_calibrate has a NULL element at position %d", what, i + 1),
					 errhint("Every row needs its level of each categorical variable and its value of each numeric one.")));
	}
	return n;
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
	Datum		lev[SVY_CALIB_MAX_MARGINS];
	Datum		xs[SVY_CALIB_MAX_NUMERIC];
	int			nlev = 0,
				nx = 0;
	int			method;
	int32		maxit = 0;
	float8		epsilon = 0.0;
	uint64		cell = 0;
	Size		head,
				size,
				poplen;
	SvyDesign  *out;
	SvyCalibBlock *b;

	if (PG_ARGISNULL(0))
		null_arg("the design");
	if (PG_ARGISNULL(1))
		null_arg("the population");
	if (PG_ARGISNULL(4))
		null_arg("the method");
	d = PG_GETARG_SVYDESIGN_P(0);
	if (d->kind != SVY_KIND_TAYLOR)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("calibration of replicate designs is not supported yet"),
				 errhint("Calibrate a linearization design (svy_design).")));
	if (d->flags & SVY_CALIBRATED)
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
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("bounds are not supported yet"),
				 errdetail("Bounds belong to the logit calibration method, which is not implemented yet.")));
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
	if ((method == SVY_CALIB_POSTSTRATIFY || method == SVY_CALIB_RAKE) && pop->nnum > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration method \"%s\" takes categorical variables only",
						svy_calib_method_name(method)),
				 errhint("Use method => 'linear' for numeric variables.")));
	if (method == SVY_CALIB_RAKING && pop->nnum > 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("calibration method \"raking\" with numeric variables is not supported yet"),
				 errhint("Use method => 'linear' for numeric variables.")));
	if (method == SVY_CALIB_POSTSTRATIFY && pop->ncat != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration method \"poststratify\" takes one categorical variable, the population has %d",
						pop->ncat),
				 errhint("Use rake, raking or linear for several margins.")));
	if ((method == SVY_CALIB_RAKE) && pop->ncat == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration method \"rake\" needs a categorical variable")));

	if (PG_ARGISNULL(2))
	{
		if (pop->ncat > 0)
			null_arg("levels");
	}
	else
		nlev = array_elems(PG_GETARG_ARRAYTYPE_P(2), "levels", -1, false, TYPALIGN_INT,
						   lev, SVY_CALIB_MAX_MARGINS);
	if (nlev != pop->ncat)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("levels of svy_calibrate has %d elements, the population has %d categorical variables",
						nlev, pop->ncat),
				 errhint("Give the row's level of each categorical variable, in the population's order.")));
	if (PG_ARGISNULL(3))
	{
		if (pop->nnum > 0)
			null_arg("x");
	}
	else
		nx = array_elems(PG_GETARG_ARRAYTYPE_P(3), "x", sizeof(float8), FLOAT8PASSBYVAL,
						 TYPALIGN_DOUBLE, xs, SVY_CALIB_MAX_NUMERIC);
	if (pop->nnum > SVY_CALIB_MAX_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a calibration may have at most %d numeric variables", SVY_CALIB_MAX_NUMERIC)));
	if (nx != pop->nnum)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("x of svy_calibrate has %d elements, the population has %d numeric variables",
						nx, pop->nnum),
				 errhint("Give the row's value of each numeric variable, in the population's order.")));

	for (int m = 0; m < nlev; m++)
	{
		text	   *t = DatumGetTextPP(lev[m]);
		const SvyPopVar *var = &pop->vars[c->cat[m]];
		int			l = svy_pop_level_index(var, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

		if (l < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("level \"%s\" of variable \"%s\" is not in the population",
							text_to_cstring(t), var->name),
					 errhint("Every level in the sample needs a population count.")));
		cell += (uint64) l * c->radix[m];
	}
	for (int j = 0; j < nx; j++)
	{
		float8		v = DatumGetFloat8(xs[j]);

		if (isnan(v) || isinf(v))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("x of svy_calibrate must be finite, not %g", v)));
	}

	head = SVY_DESIGN_ARRAYS_OFFSET(d->label_len);
	poplen = VARSIZE_ANY(popv);
	size = head + sizeof(SvyCalibBlock) + sizeof(float8) * nx + poplen;
	/* every byte is written below: the head (padding included) from d, then the block */
	out = palloc(size);
	memcpy(out, d, head);
	SET_VARSIZE(out, size);
	out->flags |= SVY_CALIBRATED;
	b = (SvyCalibBlock *) ((char *) out + head);
	b->pop_hash = c->hash;
	b->cell = cell;
	b->epsilon = epsilon;
	b->maxit = maxit;
	b->k = nx;
	b->pop_len = poplen;
	b->method = method;
	memset(b->pad, 0, sizeof(b->pad));
	for (int j = 0; j < nx; j++)
		((float8 *) (b + 1))[j] = DatumGetFloat8(xs[j]);
	memcpy((char *) (b + 1) + sizeof(float8) * nx, popv, poplen);
	PG_RETURN_POINTER(out);
}
