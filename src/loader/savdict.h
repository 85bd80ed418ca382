/*
 * savdict.h -- the dictionary of an SPSS system file (.sav, .zsav), read for
 * what libreadstat 1.1.8 does not report: the multiple-response sets
 * (records 7/7 and 7/19) and the short names they use (variable records and
 * the long variable names record 7/13).  Layout: the PSPP documentation,
 * "System File Format".  Plain C, no readstat: the test suite's fixture
 * writer uses it too, to add an MR set record to a file readstat wrote.
 */
#ifndef SURVEY_SAVDICT_H
#define SURVEY_SAVDICT_H

#include <stddef.h>

typedef struct SavDict
{
	char	  **short_names;	/* of the variable records, in order */
	char	  **long_names;		/* the same variables' long names */
	int			nnames;
	char	   *mrsets;			/* the text of records 7/7 and 7/19 */
	size_t		mrsets_len;
	size_t		end_offset;		/* where the record type 999 starts */
} SavDict;

/* 0, or -1 when buf is not a system file or its dictionary is cut short. */
extern int	sav_read_dict(const unsigned char *buf, size_t len, SavDict *d);
extern void sav_free_dict(SavDict *d);

#endif
