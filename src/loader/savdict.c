/*
 * savdict.c -- walk the dictionary records of an SPSS system file (see
 * savdict.h).  Every count is checked against the bytes present before it is
 * used: the input is untrusted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "savdict.h"

static int32_t
rd32(const unsigned char *p, int swap)
{
	uint32_t	u;

	if (swap)
		u = (uint32_t) p[3] | (uint32_t) p[2] << 8 | (uint32_t) p[1] << 16 | (uint32_t) p[0] << 24;
	else
		u = (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
	return (int32_t) u;
}

static char *
copy_trimmed(const unsigned char *p, size_t n)
{
	char	   *s;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0'))
		n--;
	s = malloc(n + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static int
add_name(SavDict *d, const unsigned char *name)
{
	char	  **sn = realloc(d->short_names, (d->nnames + 1) * sizeof(char *));
	char	  **ln;

	if (sn == NULL)
		return -1;
	d->short_names = sn;
	ln = realloc(d->long_names, (d->nnames + 1) * sizeof(char *));
	if (ln == NULL)
		return -1;
	d->long_names = ln;
	sn[d->nnames] = copy_trimmed(name, 8);
	ln[d->nnames] = copy_trimmed(name, 8);
	if (sn[d->nnames] == NULL || ln[d->nnames] == NULL)
	{
		free(sn[d->nnames]);
		free(ln[d->nnames]);
		return -1;
	}
	d->nnames++;
	return 0;
}

/* Record 7/13: "SHORT=Long\tSHORT2=Long2" */
static int
long_names(SavDict *d, const unsigned char *p, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		size_t		start = i,
					eq = 0,
					end;

		while (i < n && p[i] != '\t')
		{
			if (p[i] == '=' && eq == 0)
				eq = i;
			i++;
		}
		end = i++;
		if (eq == 0)
			continue;
		for (int k = 0; k < d->nnames; k++)
			if (strlen(d->short_names[k]) == eq - start &&
				memcmp(d->short_names[k], p + start, eq - start) == 0)
			{
				char	   *ln = copy_trimmed(p + eq + 1, end - eq - 1);

				if (ln == NULL)
					return -1;
				free(d->long_names[k]);
				d->long_names[k] = ln;
			}
	}
	return 0;
}

static int
add_mrsets(SavDict *d, const unsigned char *p, size_t n)
{
	char	   *m = realloc(d->mrsets, d->mrsets_len + n + 2);

	if (m == NULL)
		return -1;
	d->mrsets = m;
	memcpy(m + d->mrsets_len, p, n);
	d->mrsets_len += n;
	m[d->mrsets_len++] = '\n';
	m[d->mrsets_len] = '\0';
	return 0;
}

int
sav_read_dict(const unsigned char *buf, size_t len, SavDict *d)
{
	size_t		pos = 176;
	int			swap = 0;

	memset(d, 0, sizeof(SavDict));
	if (len < 176 || (memcmp(buf, "$FL2", 4) != 0 && memcmp(buf, "$FL3", 4) != 0))
		return -1;
	if (rd32(buf + 64, 0) != 2 && rd32(buf + 64, 0) != 3)
	{
		swap = 1;
		if (rd32(buf + 64, 1) != 2 && rd32(buf + 64, 1) != 3)
			return -1;
	}
#define NEED(n) do { if ((size_t) (n) > len - pos) goto bad; } while (0)
	for (;;)
	{
		int32_t		rec;

		NEED(4);
		rec = rd32(buf + pos, swap);
		pos += 4;
		switch (rec)
		{
			case 2:
				{
					int32_t		type,
								has_label,
								nmiss;

					NEED(28);
					type = rd32(buf + pos, swap);
					has_label = rd32(buf + pos + 4, swap);
					nmiss = rd32(buf + pos + 8, swap);
					if (type != -1 && add_name(d, buf + pos + 20) != 0)
						goto bad;
					pos += 28;
					if (has_label)
					{
						int32_t		ll;

						NEED(4);
						ll = rd32(buf + pos, swap);
						pos += 4;
						if (ll < 0)
							goto bad;
						NEED(((size_t) ll + 3) / 4 * 4);
						pos += ((size_t) ll + 3) / 4 * 4;
					}
					if (nmiss < -3 || nmiss > 3)
						goto bad;
					NEED(8 * (size_t) abs(nmiss));
					pos += 8 * (size_t) abs(nmiss);
					break;
				}
			case 3:
				{
					int32_t		count;

					NEED(4);
					count = rd32(buf + pos, swap);
					pos += 4;
					if (count < 0)
						goto bad;
					for (int32_t i = 0; i < count; i++)
					{
						size_t		lab;

						NEED(9);
						lab = (1 + (size_t) buf[pos + 8] + 7) / 8 * 8;
						NEED(8 + lab);
						pos += 8 + lab;
					}
					break;
				}
			case 4:
			case 6:
				{
					int32_t		count;
					size_t		unit = rec == 4 ? 4 : 80;

					NEED(4);
					count = rd32(buf + pos, swap);
					pos += 4;
					if (count < 0 || (size_t) count > (len - pos) / unit)
						goto bad;
					pos += (size_t) count * unit;
					break;
				}
			case 7:
				{
					int32_t		subtype,
								size,
								count;
					size_t		total;

					NEED(12);
					subtype = rd32(buf + pos, swap);
					size = rd32(buf + pos + 4, swap);
					count = rd32(buf + pos + 8, swap);
					pos += 12;
					if (size < 0 || count < 0 || (size > 0 && (size_t) count > (len - pos) / (size_t) size))
						goto bad;
					total = (size_t) size * (size_t) count;
					if (subtype == 13 && long_names(d, buf + pos, total) != 0)
						goto bad;
					if ((subtype == 7 || subtype == 19) && add_mrsets(d, buf + pos, total) != 0)
						goto bad;
					pos += total;
					break;
				}
			case 999:
				d->end_offset = pos - 4;
				return 0;
			default:
				goto bad;
		}
	}
#undef NEED
bad:
	sav_free_dict(d);
	return -1;
}

void
sav_free_dict(SavDict *d)
{
	for (int i = 0; i < d->nnames; i++)
	{
		free(d->short_names[i]);
		free(d->long_names[i]);
	}
	free(d->short_names);
	free(d->long_names);
	free(d->mrsets);
	memset(d, 0, sizeof(SavDict));
}
