/*
 * main.c -- survey_load: SPSS, Stata and SAS files to SQL (see --help and
 * docs/loader.md).  Read, plan, then write: nothing reaches stdout unless the
 * whole file could be read and every value fits its column.
 */
#include <stdio.h>
#include <string.h>

#include "loader.h"

int
main(int argc, char **argv)
{
	Options		opt;
	Dataset		ds;
	Plan		plan;
	int			rc;

	memset(&opt, 0, sizeof(opt));
	memset(&ds, 0, sizeof(ds));
	memset(&plan, 0, sizeof(plan));
	rc = parse_options(argc, argv, &opt);
	if (rc < 0)
	{
		rc = read_file(&opt, &ds);
		if (rc == 0)
			rc = read_mrsets(&opt, &ds);
		if (rc == 0)
			rc = make_plan(&opt, &ds, &plan);
		if (rc == 0)
		{
			emit_sql(stdout, &opt, &ds, &plan);
			if (fflush(stdout) != 0 || ferror(stdout))
			{
				perror(PROGNAME ": error: could not write the SQL");
				rc = 1;
			}
		}
		free_plan(&plan);
		free_dataset(&ds);
	}
	free_options(&opt);
	return rc;
}
