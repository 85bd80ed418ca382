/*
 * handlers.h — how the statistics library allocates memory and checks for
 * interrupts, set by its host as PostGIS liblwgeom does (lwgeom_set_handlers).
 *
 * The PostgreSQL layer installs palloc (out of memory is an ERROR) and
 * CHECK_FOR_INTERRUPTS (a long loop stops on cancel) from _PG_init; the unit
 * tests install malloc/free and a no-op.  Either callback may leave by
 * longjmp: the library holds no resource but memory from svy_alloc, which
 * the host's memory contexts reclaim.  Until a host installs its own, the
 * handlers are malloc, free and a no-op.  No postgres.h here.
 */
#ifndef SVY_HANDLERS_H
#define SVY_HANDLERS_H

#include <stddef.h>

/* Returns NULL when out of memory, or does not return. */
typedef void *(*SvyAllocator) (size_t size);
typedef void (*SvyFreer) (void *p);
/* Returns, or does not (the query was cancelled). */
typedef void (*SvyInterruptCheck) (void);

extern void svy_set_handlers(SvyAllocator alloc, SvyFreer release, SvyInterruptCheck interrupt);

extern void *svy_alloc(size_t size);
/* n * size bytes, zeroed; NULL (never an overflowed size) when too large */
extern void *svy_alloc0(size_t n, size_t size);
extern void svy_free(void *p);

/* Called once per outer iteration of every loop that grows with the input. */
extern SvyInterruptCheck svy_interrupt_check_fn;
static inline void
svy_check_interrupts(void)
{
	svy_interrupt_check_fn();
}

#endif
