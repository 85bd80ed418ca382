/*
 * multi.c — layout of the svy_domains / svy_table values (see multi.h).
 */
#include "postgres.h"

#include "multi.h"

#define HEADER_SIZE MAXALIGN(offsetof(SvyMulti, data))

Size
svy_multi_size(int k, int nrep, Size label_bytes)
{
	Size		doubles = 5 * (Size) k + (nrep ? (Size) k * nrep + nrep : (Size) k * k);

	return HEADER_SIZE + sizeof(double) * doubles + label_bytes;
}

void
svy_multi_arrays(const SvyMulti *m, SvyMultiArrays *a)
{
	double	   *p = (double *) ((char *) m + HEADER_SIZE);
	int			k = m->k;

	a->t = p;
	a->n = p + k;
	a->df = p + 2 * k;
	a->cyy = p + 3 * k;
	a->rows = p + 4 * k;
	p += 5 * k;
	if (m->nrep)
	{
		a->v = NULL;
		a->tr = p;
		a->rscales = p + (Size) k * m->nrep;
		p += (Size) k * m->nrep + m->nrep;
	}
	else
	{
		a->v = p;
		a->tr = a->rscales = NULL;
		p += (Size) k * k;
	}
	a->labels = (char *) p;
}

const char *
svy_multi_label(const SvyMulti *m, const SvyMultiArrays *a, int i)
{
	const char *l = a->labels;

	while (i-- > 0)
		l += strlen(l) + 1;
	return l;
}
