/*
 * callsite.h — call sites (svy_design(...), svy_calibrate(...)) whose values
 * go straight into a survey aggregate, so that each builds its values in one
 * buffer instead of a palloc per row.
 */
#ifndef SURVEY_CALLSITE_H
#define SURVEY_CALLSITE_H

#include "fmgr.h"
#include "nodes/nodes.h"

typedef enum SvyCallSiteKind
{
	SVY_SITE_DESIGN,
	SVY_SITE_CALIBRATE
} SvyCallSiteKind;

/*
 * Embedded first in a call site's cache (fn_extra).  consumed: a survey
 * aggregate reads each value before the next one is built and keeps nothing
 * of it; unordered: that aggregate also has no ORDER BY or DISTINCT sort, so
 * it reads the value in the row that built it.
 */
typedef struct SvyCallSite
{
	SvyCallSiteKind kind;
	bool		consumed;
	bool		unordered;
	const Node *expr;			/* the call's expression (flinfo->fn_expr) */
	struct SvyCallSite *next;	/* in the backend's list of live sites */
	MemoryContextCallback forget;	/* unlinks the site when its memory goes */
} SvyCallSite;

extern void svy_callsite_register(SvyCallSite *site, SvyCallSiteKind kind, FunctionCallInfo fcinfo);
extern void svy_callsites_consumed(FunctionCallInfo fcinfo);
extern SvyCallSite *svy_callsites_first(void);

#endif
