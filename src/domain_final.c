/*
 * domain_final.c — the final function of the domain aggregates (domain.h):
 * the levels of each dimension in the type's order (with the scale points
 * and enum labels nobody chose), their labels, the totals and their
 * covariance (domain_cov.c) as one svy_domains / svy_table value, which
 * domain_read.c reads.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "aggstate.h"
#include "domain.h"
#include "response.h"
#include "survey.h"

PG_FUNCTION_INFO_V1(svy_multi_final);

/* A level of the result: an observed category, or a scale point nobody chose. */
typedef struct Level
{
	Datum		value;
	int			cat;			/* category index, or -1 */
} Level;

static FmgrInfo *sort_cmp;
static Oid	sort_collation;

static int
level_cmp(const void *a, const void *b)
{
	return DatumGetInt32(FunctionCall2Coll(sort_cmp, sort_collation,
										   ((const Level *) a)->value,
										   ((const Level *) b)->value));
}

/*
 * The levels of one dimension in the type's order: observed values, plus
 * every point of a likert scale and every label of an enum (svy_dist and
 * svy_tab report categories nobody chose, with estimate 0).
 */
static Level *
dimension_levels(const DomainState *s, int dim, bool complete, int *nlevels)
{
	const Categories *c = &s->cat[dim];
	int			n = c->map ? svy_idmap_size(c->map) : 0;
	List	   *extra = NIL;
	Level	   *levels;
	TypeCacheEntry *tce;
	int			k = 0;
	ListCell   *lc;

	if (n == 0)
	{
		*nlevels = 0;
		return NULL;
	}
	if (complete && svy_type_is_likert(c->typid))
	{
		Likert		x = DatumGetLikert(c->values[0]);

		for (int i = 1; i < n; i++)
			if (likert_lo(DatumGetLikert(c->values[i])) != likert_lo(x) ||
				likert_hi(DatumGetLikert(c->values[i])) != likert_hi(x))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("likert answers on different scales cannot be tabulated together")));
		for (int v = likert_lo(x); v <= likert_hi(x); v++)
			extra = lappend(extra, DatumGetPointer(LikertGetDatum(likert_make(likert_lo(x), likert_hi(x), v, 0))));
		if (s->with_missing)
			for (int m = SURVEY_MISSING_FIRST; m <= SURVEY_MISSING_LAST; m++)
				extra = lappend(extra, DatumGetPointer(LikertGetDatum(likert_make(likert_lo(x), likert_hi(x), 0, m))));
	}
	else if (complete && type_is_enum(c->typid))
	{
		CatCList   *list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(c->typid));

		for (int i = 0; i < list->n_members; i++)
		{
			Form_pg_enum e = (Form_pg_enum) GETSTRUCT(&list->members[i]->tuple);

			extra = lappend(extra, DatumGetPointer(ObjectIdGetDatum(e->oid)));
		}
		ReleaseSysCacheList(list);
	}
	else if (complete && c->typid == BOOLOID)
	{
		extra = lappend(extra, DatumGetPointer(BoolGetDatum(false)));
		extra = lappend(extra, DatumGetPointer(BoolGetDatum(true)));
	}

	levels = palloc(sizeof(Level) * (n + list_length(extra)));
	for (int i = 0; i < n; i++)
	{
		levels[k].value = c->values[i];
		levels[k++].cat = i;
	}
	if (extra != NIL)
	{
		SvyValueHash hash;

		svy_value_hash_init(c->typid, &hash, CurrentMemoryContext);
		foreach(lc, extra)
		{
			Datum		v = PointerGetDatum(lfirst(lc));
			uint64		id[2];

			svy_value_identity(&hash, v, id);
			if (svy_idmap_find(c->map, id[0], id[1]) >= 0)
				continue;
			levels[k].value = v;
			levels[k++].cat = -1;
		}
	}

	tce = lookup_type_cache(c->typid, TYPECACHE_CMP_PROC_FINFO);
	if (!OidIsValid(tce->cmp_proc_finfo.fn_oid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("could not identify a comparison function for type %s",
						format_type_be(c->typid)),
				 errhint("Groups and categories must be of a type with a btree operator class.")));
	sort_cmp = &tce->cmp_proc_finfo;
	sort_collation = DEFAULT_COLLATION_OID;
	qsort(levels, k, sizeof(Level), level_cmp);
	*nlevels = k;
	return levels;
}

/* A level's text: the type's output, but a likert answer without its (common) scale. */
static char *
level_label(const DomainState *s, int dim, Datum value)
{
	Oid			outfn;
	bool		varlena;

	if (svy_type_is_likert(s->cat[dim].typid))
	{
		Likert		x = DatumGetLikert(value);

		return likert_is_missing(x) ? pstrdup(survey_missing_name(likert_missing(x)))
			: psprintf("%d", likert_value(x));
	}

	getTypeOutputInfo(s->cat[dim].typid, &outfn, &varlena);
	return OidOutputFunctionCall(outfn, value);
}

/* Does this total count each row once (so its PSUs give the df of the outcome)? */
static bool
membership_var(const DomainState *s, const SvyVar *v)
{
	switch (s->kind)
	{
		case SVY_MULTI_BY:
			return v->b == 1;
		case SVY_MULTI_CHOICES:
			return v->a == 0;
		default:
			return true;
	}
}

static int
var_of(const DomainState *s, int a, int b)
{
	return svy_idmap_find(s->varmap, (uint64) a, (uint64) b);
}

/*
 * Calibrated designs: svy_by's groups get their spread with the calibrated
 * weights for design effects (0, all rows alike, stays exactly 0).
 */
static void
calibrated_spread(const DomainState *s, int K, const double *sumsq, SvyMultiArrays *a)
{
	if (s->kind == SVY_MULTI_BY)
		for (int k = 0; k + 1 < K; k += 2)
			if (a->cyy[k] != 0.0 && a->t[k + 1] != 0.0)
				a->cyy[k] = Max(sumsq[k] - a->t[k] * a->t[k] / a->t[k + 1], 0.0);
}

/*
 * Calibrated linearization designs: the calibrated totals and the
 * covariance of their residualised scores (calib_domain.c).
 */
static void
calibrated_covariance(const DomainState *s, const int *final_of_var, int K, SvyMultiArrays *a)
{
	double	   *sumsq = palloc(sizeof(double) * Max(K, 1));

	svy_calib_scores_finish(s->cal, s->base, final_of_var, s->nvars, K, a->t, sumsq, a->v);
	calibrated_spread(s, K, sumsq, a);
	pfree(sumsq);
}

Datum
svy_multi_final(PG_FUNCTION_ARGS)
{
	DomainState *s;
	Level	   *lev[2] = {NULL, NULL};
	int			nlev[2] = {0, 0};
	int			K,
				nrep;
	int		   *var_of_final;	/* accumulated var behind each final total, or -1 */
	int		   *final_of_var;
	StringInfoData labels;
	SvyMulti   *m;
	SvyMultiArrays a;
	bool	   *selected;
	double		df_all;

	s = svy_agg_read(fcinfo, 0, SVY_AGG_MULTI);
	if (s == NULL || s->base->kind == 0)
		PG_RETURN_NULL();
	nrep = s->base->kind == SVY_KIND_REPLICATE ? s->base->nrep : 0;

	/* levels and the layout of the totals (multi.h) */
	initStringInfo(&labels);
	if (s->kind == SVY_MULTI_CHOICES)
	{
		const Categories *named = &s->cat[1];	/* option labels, if given */
		int			nnamed = named->map ? svy_idmap_size(named->map) : 0;
		int			max_option = 0;

		for (int v = 0; v < s->nvars; v++)
			max_option = Max(max_option, s->vars[v].a);
		/*
		 * labelled options nobody chose are listed too, with estimate 0; with
		 * no respondent at all there is nothing to list (as svy_dist)
		 */
		if (var_of(s, 0, 0) >= 0)
			max_option = Max(max_option, nnamed);
		nlev[0] = max_option;
		K = max_option + 1;
		var_of_final = palloc(sizeof(int) * K);
		for (int k = 1; k <= max_option; k++)
		{
			var_of_final[k - 1] = var_of(s, k, 0);
			if (k <= nnamed)
				appendStringInfoString(&labels, TextDatumGetCString(named->values[k - 1]));
			else
				appendStringInfo(&labels, "%d", k);
			appendStringInfoChar(&labels, '\0');
		}
		var_of_final[max_option] = var_of(s, 0, 0);
	}
	else
	{
		bool		complete = s->kind != SVY_MULTI_BY;
		int			ndims = s->kind == SVY_MULTI_TAB ? 2 : 1;

		for (int dim = 0; dim < ndims; dim++)
		{
			lev[dim] = dimension_levels(s, dim, complete, &nlev[dim]);
			for (int i = 0; i < nlev[dim]; i++)
			{
				appendStringInfoString(&labels, level_label(s, dim, lev[dim][i].value));
				appendStringInfoChar(&labels, '\0');
			}
		}
		K = s->kind == SVY_MULTI_BY ? 2 * nlev[0] :
			s->kind == SVY_MULTI_TAB ? nlev[0] * nlev[1] : nlev[0];
		if (K > SVY_MULTI_MAX_VARS)
			domain_too_many(s->kind == SVY_MULTI_TAB ? "cells" : "categories");
		var_of_final = palloc(sizeof(int) * Max(K, 1));
		for (int i = 0; i < nlev[0]; i++)
		{
			int			ca = lev[0][i].cat;

			if (s->kind == SVY_MULTI_BY)
			{
				var_of_final[2 * i] = var_of(s, ca, 0);
				var_of_final[2 * i + 1] = var_of(s, ca, 1);
			}
			else if (s->kind == SVY_MULTI_TAB)
				for (int j = 0; j < nlev[1]; j++)
					var_of_final[i * nlev[1] + j] = (ca < 0 || lev[1][j].cat < 0) ? -1
						: var_of(s, ca, lev[1][j].cat);
			else
				var_of_final[i] = ca < 0 ? -1 : var_of(s, ca, 0);
		}
	}
	final_of_var = palloc(sizeof(int) * (s->nvars + 1));
	for (int v = 0; v < s->nvars; v++)
		final_of_var[v] = -1;
	for (int k = 0; k < K; k++)
		if (var_of_final[k] >= 0)
			final_of_var[var_of_final[k]] = k;

	m = palloc0(svy_multi_size(K, nrep, labels.len));
	SET_VARSIZE(m, svy_multi_size(K, nrep, labels.len));
	m->version = SVY_MULTI_VERSION;
	m->kind = s->kind;
	m->boolean_outcome = s->boolean_outcome;
	m->mse = (s->base->flags & SVY_MSE) != 0;
	m->nlev1 = nlev[0];
	m->nlev2 = nlev[1];
	m->k = K;
	m->nrep = nrep;
	m->scale = s->base->scale;
	m->nrow = s->base->dom.nrow;
	svy_multi_arrays(m, &a);
	memcpy(a.labels, labels.data, labels.len);

	/* totals, their n and the SRS sums of squares behind design effects */
	selected = palloc0(sizeof(bool) * (s->nvars + 1));
	for (int k = 0; k < K; k++)
	{
		int			v = var_of_final[k];

		if (v < 0)
			continue;
		a.t[k] = svy_sum_value(&s->vars[v].total);
		a.n[k] = s->vars[v].n;
		a.rows[k] = s->vars[v].rows;
		a.cyy[k] = s->vars[v].wm.c_yy;
		if (nrep && !s->cal)
			for (int r = 0; r < nrep; r++)
				a.tr[(size_t) k * nrep + r] = svy_sum_value(&s->vars[v].rep[r]);
		selected[v] = membership_var(s, &s->vars[v]);
	}

	if (nrep && s->cal)
	{
		/*
		 * calibrated replicate designs: every replicate calibrated (no
		 * residualisation); df R's calibrated degf, an svy_by group's the
		 * rank of its rows' calibrated replicate weights - 1
		 */
		double	   *sumsq = palloc(sizeof(double) * Max(K, 1));
		double	   *group_df = palloc(sizeof(double) * Max(s->nvars, 1));

		svy_calib_scores_rep_finish(s->cal, s->base, final_of_var, s->nvars, K, a.t, sumsq, a.tr,
									&df_all, group_df);
		calibrated_spread(s, K, sumsq, &a);
		for (int k = 0; k < K; k++)
		{
			int			group_var = s->kind == SVY_MULTI_BY ? var_of_final[k | 1] : -1;

			a.df[k] = group_var >= 0 ? group_df[group_var] : df_all;
		}
		for (int r = 0; r < nrep; r++)
			a.rscales[r] = s->base->rscales ? s->base->rscales[r] : 1.0;
		m->nu = df_all;
	}
	else if (nrep)
	{
		/* replicate designs: df = rank of the rows' replicate weights - 1 */
		df_all = s->rank && s->rank->rank > 0 ? s->rank->rank - 1.0 : NAN;
		for (int k = 0; k < K; k++)
		{
			int			group_var = s->kind == SVY_MULTI_BY ? var_of_final[k | 1] : -1;

			a.df[k] = group_var >= 0 && s->vars[group_var].rank
				? (s->vars[group_var].rank->rank > 0 ? s->vars[group_var].rank->rank - 1.0 : NAN)
				: df_all;
		}
		for (int r = 0; r < nrep; r++)
			a.rscales[r] = s->base->rscales ? s->base->rscales[r] : 1.0;
		m->nu = s->base->rank.rank > 0 ? s->base->rank.rank - 1.0 : NAN;
	}
	else
	{
		SvyStratumTotals *st = palloc0(sizeof(SvyStratumTotals) * Max(s->base->nstrata, 1));

		m->nu = svy_accum_strata(s->base, 0.0, st);
		if (s->cal)
			calibrated_covariance(s, final_of_var, K, &a);
		else
			domain_taylor_covariance(s, st, final_of_var, K, a.v);
		df_all = domain_cells_df(s, selected);
		for (int k = 0; k < K; k++)
			a.df[k] = df_all;
		if (s->kind == SVY_MULTI_BY)
			for (int g = 0; g < nlev[0]; g++)
			{
				int			v = var_of_final[2 * g + 1];

				memset(selected, 0, sizeof(bool) * (s->nvars + 1));
				if (v >= 0)
					selected[v] = true;
				a.df[2 * g] = a.df[2 * g + 1] = domain_cells_df(s, selected);
			}
	}
	m->df = df_all;
	svy_check_finite_sums(a.t, K);
	svy_check_finite_sums(a.cyy, K);
	if (nrep)
		svy_check_finite_sums(a.tr, (Size) K * nrep);
	else
		/* NaN is a variance R leaves undefined (lonely "average"), not an overflow */
		for (Size i = 0; i < (Size) K * K; i++)
			if (isinf(a.v[i]))
				svy_report_overflow();
	PG_RETURN_POINTER(m);
}
