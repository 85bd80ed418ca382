/*
 * survey.c — module entry point and settings (GUCs).
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "handlers.h"
#include "linearize.h"
#include "survey.h"

PG_MODULE_MAGIC;

int			survey_lonely_psu = SVY_LONELY_FAIL;
int			survey_min_cell_n = 0;

static const struct config_enum_entry lonely_psu_options[] = {
	{"fail", SVY_LONELY_FAIL, false},
	{"remove", SVY_LONELY_REMOVE, false},
	{"certainty", SVY_LONELY_CERTAINTY, false},
	{"adjust", SVY_LONELY_ADJUST, false},
	{"average", SVY_LONELY_AVERAGE, false},
	{NULL, 0, false}
};

void		_PG_init(void);

/*
 * The statistics library's handlers: its memory comes from the current
 * memory context (out of memory is an ERROR, and an error or cancel
 * mid-computation leaks nothing), and its long loops take a cancel.
 */
static void *
stats_alloc(size_t size)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, size);
}

static void
stats_free(void *p)
{
	pfree(p);
}

static void
stats_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

void
_PG_init(void)
{
	svy_set_handlers(stats_alloc, stats_free, stats_interrupts);
	DefineCustomEnumVariable("survey.lonely_psu",
							 "How to estimate the variance of a stratum with a single PSU.",
							 "As R's survey.lonely.psu: fail, remove, certainty, adjust or average.",
							 &survey_lonely_psu,
							 SVY_LONELY_FAIL,
							 lonely_psu_options,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("survey.min_cell_n",
							"Estimates from fewer rows are returned with NULL numbers.",
							"0 turns the rule off.",
							&survey_min_cell_n,
							0, 0, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("survey");
}
