/*
 * handlers.c — the host's memory and interrupt handlers (see handlers.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

static void
no_interrupts(void)
{
}

static SvyAllocator alloc_fn = malloc;
static SvyFreer free_fn = free;
SvyInterruptCheck svy_interrupt_check_fn = no_interrupts;

void
svy_set_handlers(SvyAllocator alloc, SvyFreer release, SvyInterruptCheck interrupt)
{
	alloc_fn = alloc ? alloc : malloc;
	free_fn = release ? release : free;
	svy_interrupt_check_fn = interrupt ? interrupt : no_interrupts;
}

void *
svy_alloc(size_t size)
{
	return alloc_fn(size > 0 ? size : 1);
}

void *
svy_alloc0(size_t n, size_t size)
{
	void	   *p;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	p = svy_alloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

void
svy_free(void *p)
{
	if (p != NULL)
		free_fn(p);
}
