/*
 * names.c — name -> value lookup (names.h).
 */
#include <string.h>

#include "names.h"

static inline char
ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

int
svy_name_lookup(const SvyName *table, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
	{
		const char *name = table[i].name;
		size_t		k = 0;

		while (k < len && name[k] != '\0' && ascii_lower(name[k]) == ascii_lower(s[k]))
			k++;
		if (k == len && name[k] == '\0')
			return table[i].value;
	}
	return -1;
}

const char *
svy_name_of(const SvyName *table, size_t n, int value)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].value == value)
			return table[i].name;
	return NULL;
}

int
svy_name_value(const SvyName *table, size_t n, const char *name)
{
	return svy_name_lookup(table, n, name, strlen(name));
}
