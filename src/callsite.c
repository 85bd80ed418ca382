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
 * their expression node against the Aggref's argument nodes.
 */
#include "postgres.h"

#include "nodes/primnodes.h"
#include "utils/memutils.h"

#include "callsite.h"

/* The call sites of this backend whose memory is alive. */
static SvyCallSite *live_sites = NULL;

static void
forget_site(void *arg)
{
	SvyCallSite **p = &live_sites;

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
	site->next = live_sites;
	live_sites = site;
	site->forget.func = forget_site;
	site->forget.arg = site;
	MemoryContextRegisterResetCallback(fcinfo->flinfo->fn_mcxt, &site->forget);
}

/* Called when a survey aggregate creates its transition state: mark its argument call sites. */
void
svy_callsites_consumed(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref;
	ListCell   *lc;

	if (live_sites == NULL || (aggref = AggGetAggref(fcinfo)) == NULL)
		return;
	foreach(lc, aggref->args)
	{
		Node	   *arg = (Node *) ((TargetEntry *) lfirst(lc))->expr;

		for (SvyCallSite *s = live_sites; s != NULL; s = s->next)
			if (s->expr == arg)
			{
				s->consumed = true;
				s->unordered = aggref->aggorder == NIL && aggref->aggdistinct == NIL;
			}
	}
}

SvyCallSite *
svy_callsites_first(void)
{
	return live_sites;
}
