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
 * aggregate (or svy_calibrate, for its argument 0) reads each value before
 * the next one is built and keeps nothing of it; unordered: no ORDER BY or
 * DISTINCT sort in between, so the aggregate reads the value in the row that
 * built it.
 */
typedef struct SvyCallSite
{
	SvyCallSiteKind kind;
	bool		consumed;
	bool		unordered;
	const Node *expr;			/* the call's expression (flinfo->fn_expr) */
	const void *buf;			/* where it builds the values it hands over, or NULL */
	const void *base;			/* svy_calibrate: the base design value of buf's value */
	uint64		calib_gen;		/* svy_calibrate: svy_callsite_calib_gen of buf's value */
	/*
	 * svy_calibrate: svy_calib_row_hash of buf's row, and the rowcache (and
	 * its shift) of the state that the aggregate read this site's last
	 * fast-path row into: the row's set there is prefetched while the row is
	 * built (a hint only, never read through: another group's state, a
	 * cache that grew since, make it a wasted prefetch)
	 */
	uint32		row_hash;
	int			rowcache_shift;
	const void *rowcache;
	struct SvyCallSite *next;	/* in the backend's list of live sites */
	MemoryContextCallback forget;	/* unlinks the site when its memory goes */
} SvyCallSite;

extern void svy_callsite_register(SvyCallSite *site, SvyCallSiteKind kind, FunctionCallInfo fcinfo);
extern void svy_callsites_consumed(FunctionCallInfo fcinfo);

/*
 * The live design call site (svy_design) whose stratum argument of this row
 * belongs to value, a design value read in the row that built it: the
 * site's own buffer, or the buffer of a svy_calibrate call built from that
 * site's buffer.  NULL if value is no such value.
 */
extern SvyCallSite *svy_callsite_label_site(const void *value);

/*
 * The generation of the calibration of value, a calibrated value in a
 * svy_calibrate call site's buffer: a number this backend gives out once
 * (svy_callsite_new_gen), renewed whenever the site writes its calibration
 * block but for the row's cell and x, or the population bytes.  Equal
 * generations of two rows' values: the same calibration and population
 * bytes.  0: value is no such value.
 */
extern uint64 svy_callsite_calib_gen_search(const void *value);
extern uint64 svy_callsite_new_gen(void);

/* The backend's live call sites, the last one asked about first (callsite.c). */
extern SvyCallSite *svy_live_sites;

static inline uint64
svy_callsite_calib_gen(const void *value)
{
	/* an aggregate asks for its site's values on every row: that site is first */
	if (likely(svy_live_sites != NULL && svy_live_sites->buf == value))
		return svy_live_sites->kind == SVY_SITE_CALIBRATE ? svy_live_sites->calib_gen : 0;
	return svy_callsite_calib_gen_search(value);
}

#endif
