/*
 * domain.h — shared by the domain aggregates (domain.c) and their readers
 * (domain_read.c).
 */
#ifndef SVY_DOMAIN_H
#define SVY_DOMAIN_H

#include "postgres.h"

/* Is typid the extension's likert type? */
extern bool svy_type_is_likert(Oid typid);

#endif
