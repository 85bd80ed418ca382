/*
 * survey.c — module entry point and settings (GUCs).
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/guc.h"

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

void
_PG_init(void)
{
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
