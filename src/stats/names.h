/*
 * names.h — the tables that map the option names SQL functions take as text
 * (a CI method, a quantile rule, a test statistic, a replicate type, a
 * missing reason) to their enum values, and the one lookup they share.
 *
 * Names compare without regard to ASCII case, independently of the
 * server's locale; aliases are further entries with the same value.
 *
 * This file does not include postgres.h: it is plain C, unit-tested alone.
 */
#ifndef SVY_NAMES_H
#define SVY_NAMES_H

#include <stddef.h>

typedef struct SvyName
{
	const char *name;
	int			value;
} SvyName;

/* a table and its number of entries, as the arguments below take them */
#define SVY_NAMES(table)	(table), (sizeof(table) / sizeof((table)[0]))

/*
 * The value of the entry named by the len bytes at s (no NUL needed), or
 * -1 when no entry has that name.
 */
extern int	svy_name_lookup(const SvyName *table, size_t n, const char *s, size_t len);

/* svy_name_lookup for a NUL-terminated name */
extern int	svy_name_value(const SvyName *table, size_t n, const char *name);

/* The name of the first entry of value, or NULL when none has it. */
extern const char *svy_name_of(const SvyName *table, size_t n, int value);

#endif
