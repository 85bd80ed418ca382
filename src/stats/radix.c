/*
 * radix.c — stable MSD radix sort of cells by value (radix.h).
 *
 * Each pass scatters by the next 3..11 bits of the key below the prefix all
 * keys of the range share, alternating between the array and the scratch,
 * and recurses into each bucket; ranges of SVY_RADIX_LEAF cells or fewer
 * are sorted by insertion.
 */
#include "handlers.h"
#include "radix.h"

static void
insertion_sort(SvyCell *a, double *m2, int64_t n)
{
	for (int64_t i = 1; i < n; i++)
	{
		SvyCell		t = a[i];
		double		tm = m2 ? m2[i] : 0.0;
		uint64_t	k = svy_x_key(t.x);
		int64_t		j = i;

		while (j > 0 && svy_x_key(a[j - 1].x) > k)
		{
			a[j] = a[j - 1];
			if (m2)
				m2[j] = m2[j - 1];
			j--;
		}
		a[j] = t;
		if (m2)
			m2[j] = tm;
	}
}

/*
 * Scatter src into dst by the next bits of the key below the prefix all
 * keys share (stably).  Returns the number of buckets, 0 if all keys are
 * equal (then nothing was moved); cnt[b] is then the end of bucket b.
 */
static int
radix_scatter(const SvyCell *src, const double *sm, SvyCell *dst, double *dm, int64_t n, int64_t *cnt)
{
	uint64_t	kmin = UINT64_MAX,
				kmax = 0,
				mask;
	int			prefix,
				bits,
				shift,
				nb;
	int64_t		off = 0;

	for (int64_t i = 0; i < n; i++)
	{
		uint64_t	k = svy_x_key(src[i].x);

		if (k < kmin)
			kmin = k;
		if (k > kmax)
			kmax = k;
	}
	if (kmin == kmax)
		return 0;
	prefix = 63 - svy_top_bit64(kmin ^ kmax);
	bits = svy_top_bit64((uint64_t) n) - 2;
	bits = bits < 3 ? 3 : bits > 11 ? 11 : bits;
	bits = bits < 64 - prefix ? bits : 64 - prefix;
	shift = 64 - prefix - bits;
	mask = (UINT64_C(1) << bits) - 1;
	nb = 1 << bits;
	memset(cnt, 0, sizeof(int64_t) * nb);
	for (int64_t i = 0; i < n; i++)
		cnt[(svy_x_key(src[i].x) >> shift) & mask]++;
	for (int b = 0; b < nb; b++)
	{
		int64_t		c = cnt[b];

		cnt[b] = off;
		off += c;
	}
	if (dm)
		for (int64_t i = 0; i < n; i++)
		{
			int64_t		pos = cnt[(svy_x_key(src[i].x) >> shift) & mask]++;

			dst[pos] = src[i];
			dm[pos] = sm[i];
		}
	else
		for (int64_t i = 0; i < n; i++)
			dst[cnt[(svy_x_key(src[i].x) >> shift) & mask]++] = src[i];
	return nb;
}

static void radix_into(SvyCell *src, double *sm, SvyCell *dst, double *dm, int64_t n);

/* sort a (and am) in place, t (and tm) n entries of scratch */
void
svy_radix_sort(SvyCell *a, double *am, int64_t n, SvyCell *t, double *tm)
{
	int64_t		cnt[1 << 11];
	int64_t		start = 0;
	int			nb;

	if (n <= SVY_RADIX_LEAF)
	{
		insertion_sort(a, am, n);
		return;
	}
	if (n >= 65536)
		svy_check_interrupts();
	nb = radix_scatter(a, am, t, tm, n, cnt);
	for (int b = 0; b < nb; b++)
	{
		if (cnt[b] > start)
			radix_into(t + start, tm ? tm + start : NULL,
					   a + start, am ? am + start : NULL, cnt[b] - start);
		start = cnt[b];
	}
}

/* sort src (and sm) into dst (and dm); src is scratch afterwards */
static void
radix_into(SvyCell *src, double *sm, SvyCell *dst, double *dm, int64_t n)
{
	int64_t		cnt[1 << 11];
	int64_t		start = 0;
	int			nb;

	if (n > SVY_RADIX_LEAF)
	{
		if (n >= 65536)
			svy_check_interrupts();
		nb = radix_scatter(src, sm, dst, dm, n, cnt);
		if (nb > 0)
		{
			for (int b = 0; b < nb; b++)
			{
				if (cnt[b] > start)
					svy_radix_sort(dst + start, dm ? dm + start : NULL, cnt[b] - start,
								   src + start, sm ? sm + start : NULL);
				start = cnt[b];
			}
			return;
		}
	}
	memcpy(dst, src, sizeof(SvyCell) * n);
	if (dm)
		memcpy(dm, sm, sizeof(double) * n);
	insertion_sort(dst, dm, n);
}
