/*
 * callsite.c — call sites whose values go straight into a survey aggregate.
 *
 * A design argument written as svy_design(...) or svy_calibrate(...) goes
 * into the aggregate's transition function as soon as it is built, and every
 * survey aggregate reads it before the next row's value is built, keeping
 * nothing of it (an ORDER BY or DISTINCT sort copies the values first; the
 * calibrated accumulators copy the population at the first row).  Such a
 * call may build every value in one buffer.  A value computed anywhere else
 * (a subquery, a CASE, another function, a window aggregate: no Aggref) is
 * stored, collected or passed on like any other, a new one per row.
 *
 * A survey aggregate tells the call sites when it creates its transition
 * state (svy_callsites_consumed, from svy_agg_rw): the sites are matched by
 * their expression node against the Aggref's argument nodes.  A consumed
 * svy_calibrate call passes this on to a svy_design call that is its
 * argument 0: svy_calibrate copies the base design's bytes at once.
 */
#include "postgres.h"

#include "nodes/primnodes.h"
#include "utils/memutils.h"

#include "callsite.h"

/* The call sites of this backend whose memory is alive. */
SvyCallSite *svy_live_sites = NULL;

static void
forget_site(void *arg)
{
	SvyCallSite **p = &svy_live_sites;

	while (*p != NULL && *p != arg)
		p = &(*p)->next;
	if (*p != NULL)
		*p = (*p)->next;
}

/* Register site (in fn_extra memory) for this call; it unlinks itself when that memory goes. */
void
svy_callsite_register(SvyCallSite *site, SvyCallSiteKind kind, FunctionCallInfo fcinfo)
{
	site->kind = kind;
	site->consumed = false;
	site->unordered = false;
	site->expr = fcinfo->flinfo->fn_expr;
	site->buf = NULL;
	site->base = NULL;
	site->calib_gen = 0;
	site->row_hash = 0;
	site->rowcache_shift = 0;
	site->rowcache = NULL;
	site->next = svy_live_sites;
	svy_live_sites = site;
	site->forget.func = forget_site;
	site->forget.arg = site;
	MemoryContextRegisterResetCallback(fcinfo->flinfo->fn_mcxt, &site->forget);
}

/* Mark the sites of expression arg (every instance of it: a plan may compile it more than once). */
static void
mark_consumed(const Node *arg, bool unordered)
{
	for (SvyCallSite *s = svy_live_sites; s != NULL; s = s->next)
		if (s->expr == arg)
		{
			s->consumed = true;
			s->unordered = unordered;
			/* svy_calibrate(svy_design(...), ...): its base design is read in the same row */
			if (s->kind == SVY_SITE_CALIBRATE && IsA(s->expr, FuncExpr) &&
				((const FuncExpr *) s->expr)->args != NIL)
			{
				const Node *arg0 = linitial(((const FuncExpr *) s->expr)->args);

				for (SvyCallSite *b = svy_live_sites; b != NULL; b = b->next)
					if (b->kind == SVY_SITE_DESIGN && b->expr == arg0)
					{
						b->consumed = true;
						b->unordered = unordered;
					}
			}
		}
}

/* Called when a survey aggregate creates its transition state: mark its argument call sites. */
void
svy_callsites_consumed(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref;
	ListCell   *lc;

	if (svy_live_sites == NULL || (aggref = AggGetAggref(fcinfo)) == NULL)
		return;
	foreach(lc, aggref->args)
		mark_consumed((Node *) ((TargetEntry *) lfirst(lc))->expr,
					  aggref->aggorder == NIL && aggref->aggdistinct == NIL);
}

SvyCallSite *
svy_callsite_label_site(const void *value)
{
	for (SvyCallSite *s = svy_live_sites; s != NULL; s = s->next)
	{
		if (s->buf != value || !s->unordered)
			continue;
		if (s->kind == SVY_SITE_DESIGN)
			return s;
		/* a calibrated value: its base came from a design site's buffer (or not: NULL) */
		if (s->base == NULL)
			return NULL;
		for (SvyCallSite *b = svy_live_sites; b != NULL; b = b->next)
			if (b->kind == SVY_SITE_DESIGN && b->buf == s->base && b->unordered)
				return b;
		return NULL;
	}
	return NULL;
}

uint64
svy_callsite_calib_gen_search(const void *value)
{
	for (SvyCallSite **p = &svy_live_sites; *p != NULL; p = &(*p)->next)
		if ((*p)->buf == value)
		{
			SvyCallSite *s = *p;

			/* to the front: an aggregate asks for its site's values on every row */
			*p = s->next;
			s->next = svy_live_sites;
			svy_live_sites = s;
			return s->kind == SVY_SITE_CALIBRATE ? s->calib_gen : 0;
		}
	return 0;
}

uint64
svy_callsite_new_gen(void)
{
	static uint64 generations = 0;

	return ++generations;
}
