/*
 * quantile_io.c — the binary format of the quantile state (versioned),
 * which parallel workers and Citus nodes ship (quantile_state.h).
 *
 * The header and units in network byte order; the cells (sorted and
 * merged first, so parallel workers sort their share) column by column in
 * the server's own byte order: the state travels between the processes
 * of one server (partial aggregation) or the servers of one Citus cluster,
 * and svy_aggstate's header rejects a state of another byte order.
 * Columns: x as the varint gaps between the sorted keys of x (its byte
 * length first), w, w_lo (unless all zero), unit (Taylor designs, 16 bits
 * when there are at most 65536; replicate slot i is entry i), n (unless
 * all one), m2 (designs without PSUs), the replicate sums (calibrated
 * replicate designs: and the cell's calibration unit); a flags byte
 * says which are left out.  Every byte shipped is copied several times on
 * its way to the leader, so a continuous outcome with PSUs ships about 15
 * bytes a cell (x in about 5, w, unit), not 32.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "quantile.h"
#include "quantile_state.h"
#include "wire.h"

#define SVY_QSTATE_VERSION 6

/* wire format: columns left out (all w_lo zero, all n one), units in 16 bits */
#define QWIRE_NO_WLO	0x01
#define QWIRE_N_ONE		0x02
#define QWIRE_UNIT16	0x04

/* ---------- varints (unsigned LEB128): the gaps between sorted keys ---------- */

static inline int
varint_len(uint64 v)
{
	int			n = 1;

	while (v >= 0x80)
	{
		v >>= 7;
		n++;
	}
	return n;
}

static inline char *
varint_put(char *p, uint64 v)
{
	while (v >= 0x80)
	{
		*p++ = (char) ((v & 0x7F) | 0x80);
		v >>= 7;
	}
	*p++ = (char) v;
	return p;
}

/* the varint at *p (before end), *p moved past it; false if cut short or over 64 bits */
static inline bool
varint_get(const char **p, const char *end, uint64 *v)
{
	uint64		r = 0;

	for (int shift = 0; shift < 64 && *p < end; shift += 7)
	{
		uint8		b = (uint8) *(*p)++;

		if (shift == 63 && b > 1)
			return false;
		r |= (uint64) (b & 0x7F) << shift;
		if (!(b & 0x80))
		{
			*v = r;
			return true;
		}
	}
	return false;
}

/* bytes per cell on the wire, but for x */
static Size
wire_cell_size(const QState *s, int flags)
{
	return sizeof(double) +
		((flags & QWIRE_NO_WLO) ? 0 : sizeof(double)) +
		(rep_count(s) ? 0 : (flags & QWIRE_UNIT16) ? sizeof(uint16) : sizeof(int32)) +
		((flags & QWIRE_N_ONE) ? 0 : sizeof(int32)) +
		(has_m2(s) ? sizeof(double) : 0) +
		sizeof(double) * rw_width(s);
}

void
quantile_serialize(void *state, StringInfo buf)
{
	QState	   *s = state;
	StringInfoData acc;
	Size		need;
	int			width = rw_width(s);
	Size		cells,
				xbytes = 0;
	int			flags = QWIRE_NO_WLO | QWIRE_N_ONE;
	uint64		key = 0;

	qstate_normalize(s);
	if (s->nunits <= PG_UINT16_MAX + 1)
		flags |= QWIRE_UNIT16;
	for (int64 i = 0; i < s->ne; i++)
	{
		uint64		lo,
					k = svy_x_key(s->e[i].x);

		memcpy(&lo, &s->e[i].w_lo, sizeof(lo));
		if (lo != 0)
			flags &= ~QWIRE_NO_WLO;
		if (s->e[i].n != 1)
			flags &= ~QWIRE_N_ONE;
		xbytes += varint_len(k - key);
		key = k;
	}
	cells = xbytes + s->ne * wire_cell_size(s, flags);

	initStringInfo(&acc);
	svy_accum_serialize(s->acc, &acc);
	cells += sizeof(double) * s->nscore_x;
	if ((Size) acc.len + cells + sizeof(QUnitKey) * s->nunits + 1024 + sizeof(double) * s->np >= MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("survey quantile state too large to pass between parallel workers (%zu bytes of cells)",
						cells),
				 errhint("Round the outcome to fewer distinct values, or SET max_parallel_workers_per_gather = 0.")));

	/* the buffer big enough from the start */
	need = buf->len + acc.len + cells + sizeof(QUnitKey) * s->nunits + 64 + sizeof(double) * s->np;
	if (need > (Size) buf->maxlen)
	{
		char	   *data = MemoryContextAllocHuge(CurrentMemoryContext, need);

		memcpy(data, buf->data, buf->len);
		pfree(buf->data);
		buf->data = data;
		buf->maxlen = need;
	}
	pq_sendbyte(buf, SVY_QSTATE_VERSION);
	pq_sendbyte(buf, s->args_set);
	pq_sendint32(buf, s->np);
	for (int i = 0; i < s->np; i++)
		pq_sendfloat8(buf, s->p[i]);
	pq_sendfloat8(buf, s->level);
	pq_sendbyte(buf, s->qrule);
	pq_sendbyte(buf, s->interval);

	pq_sendint32(buf, acc.len);
	pq_sendbytes(buf, acc.data, acc.len);
	pfree(acc.data);

	pq_sendint32(buf, s->nunits);
	for (int u = 0; u < s->nunits; u++)
		for (int i = 0; i < QUNIT_WORDS; i++)
			pq_sendint64(buf, s->unit_keys[u].w[i]);

	pq_sendbyte(buf, s->compacting);
	pq_sendbyte(buf, has_m2(s));
	pq_sendbyte(buf, s->rowpsu.on);
	pq_sendint32(buf, (int32) s->nscore_x);
	for (int64 i = 0; i < s->nscore_x; i++)
		pq_sendfloat8(buf, s->score_x[i]);
	pq_sendint64(buf, s->ne);
	if (s->ne > 0)
	{
		int64		ne = s->ne;
		Size		usize = (flags & QWIRE_UNIT16) ? sizeof(uint16) : sizeof(int32);
		char	   *px,
				   *pw,
				   *plo = NULL,
				   *pu = NULL,
				   *pn = NULL;

		pq_sendbyte(buf, flags);
		pq_sendint32(buf, (int32) xbytes);
		enlargeStringInfo(buf, (int) cells);
		/* the columns, filled in one pass over the cells */
		px = buf->data + buf->len;
		pw = px + xbytes;
		pu = pw + sizeof(double) * ne;
		if (!(flags & QWIRE_NO_WLO))
		{
			plo = pu;
			pu += sizeof(double) * ne;
		}
		pn = pu;
		if (!width)
			pn += usize * ne;
		else
			pu = NULL;
		buf->len = (pn - buf->data) + ((flags & QWIRE_N_ONE) ? 0 : sizeof(int32) * ne);
		if (flags & QWIRE_N_ONE)
			pn = NULL;
		key = 0;
		for (int64 i = 0; i < ne; i++)
		{
			const QEntry *c = &s->e[i];
			uint64		k = svy_x_key(c->x);

			px = varint_put(px, k - key);
			key = k;
			memcpy(pw + i * sizeof(double), &c->w, sizeof(double));
			if (plo)
				memcpy(plo + i * sizeof(double), &c->w_lo, sizeof(double));
			if (pu && usize == sizeof(uint16))
			{
				uint16		u = (uint16) c->unit;

				memcpy(pu + i * usize, &u, usize);
			}
			else if (pu)
				memcpy(pu + i * usize, &c->unit, usize);
			if (pn)
				memcpy(pn + i * sizeof(int32), &c->n, sizeof(int32));
		}
		buf->data[buf->len] = '\0';
		if (has_m2(s))
			pq_sendbytes(buf, (const char *) s->m2, sizeof(double) * ne);
		if (width)
			pq_sendbytes(buf, (const char *) s->rw, sizeof(double) * width * ne);
	}
}

/* n elements of size sz from buf into new memory of cxt */
static void *
get_array(StringInfo buf, Size sz, int64 n, MemoryContext cxt)
{
	void	   *p;

	if (n < 0 || (Size) n > (Size) (buf->len - buf->cursor) / sz)
		svy_wire_corrupt("bad number of cells");
	p = MemoryContextAllocHuge(cxt, sz * n);
	memcpy(p, svy_wire_bytes(buf, sz * n), sz * n);
	return p;
}

void *
quantile_deserialize(StringInfo buf, MemoryContext aggcxt)
{
	StringInfoData acc;
	QState	   *s;
	int			version,
				acclen,
				nunits,
				width;
	bool		with_m2;
	int			flags = 0;
	int64		ne;
	int32		nscore_x;
	bool		ssu_words;
	int			xbytes = 0;
	uint64		key = 0;
	QRun		run = {0};
	const char *px = NULL,
			   *pxend = NULL;

	s = qstate_create(aggcxt);
	version = svy_wire_byte(buf);
	if (version != SVY_QSTATE_VERSION)
		svy_wire_corrupt("unsupported version");
	s->args_set = svy_wire_byte(buf) != 0;
	s->np = svy_wire_count(buf, sizeof(double), "bad number of probabilities");
	s->p = MemoryContextAlloc(aggcxt, sizeof(double) * Max(s->np, 1));
	for (int i = 0; i < s->np; i++)
		if (!((s->p[i] = svy_wire_float8(buf)) >= 0 && s->p[i] <= 1))
			svy_wire_corrupt("bad probability");
	s->level = svy_wire_float8(buf);
	s->qrule = svy_wire_byte(buf);
	s->interval = svy_wire_byte(buf);
	if (!(s->level > 0 && s->level < 1) || s->qrule < SVY_QRULE_MATH ||
		s->qrule > SVY_QRULE_SHAHVAISH || s->interval < SVY_QCI_MEAN || s->interval > SVY_QCI_QUANTILE)
		svy_wire_corrupt("bad level, rule or interval");

	acclen = svy_wire_count(buf, 1, "bad design state length");
	svy_wire_init(&acc, svy_wire_bytes(buf, acclen), acclen);
	s->acc = svy_accum_deserialize(&acc, aggcxt);
	svy_wire_end(&acc);
	width = rw_width(s);

	nunits = svy_wire_count(buf, sizeof(QUnitKey), "bad number of units");
	/* only a calibrated design with second-stage units (calib_quantile.c) names one in a unit's last words */
	ssu_words = s->acc->calib != NULL && s->acc->ssutab != NULL;
	for (int u = 0; u < nunits; u++)
	{
		QUnitKey	key;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < QUNIT_WORDS; i++)
			key.w[i] = svy_wire_int64(buf);
		if (!ssu_words && (key.w[QUNIT_WORDS - 2] | key.w[QUNIT_WORDS - 1]) != 0)
			svy_wire_corrupt("unit of an unknown second-stage unit");
		if (qstate_unit_index(s, &key) != u)
			svy_wire_corrupt("duplicate unit");
	}

	s->compacting = svy_wire_byte(buf) != 0;
	with_m2 = svy_wire_byte(buf) != 0;
	if (with_m2 != has_m2(s))
		svy_wire_corrupt("cell layout does not match the design");
	/* rows given PSUs of their own (calib_quantile.c): the design has PSUs */
	s->rowpsu.on = svy_wire_byte(buf) != 0;
	if (s->rowpsu.on && !(s->acc->flags & SVY_HAS_PSU))
		svy_wire_corrupt("rows with PSUs of their own in a design without PSUs");
	nscore_x = svy_wire_count(buf, sizeof(double), "bad number of score interval values");
	if (nscore_x > 0 && (!s->args_set || s->interval != SVY_QCI_SCORE))
		svy_wire_corrupt("score interval values without the score interval");
	for (int32 i = 0; i < nscore_x; i++)
	{
		double		y = svy_wire_float8(buf);

		if (!isfinite(y))
			svy_wire_corrupt("score interval value not finite");
		qstate_score_row(s, y);
	}
	ne = svy_wire_int64(buf);
	if (ne < 0 || ne > PG_INT32_MAX || (s->acc->kind != SVY_KIND_REPLICATE && ne > 0 && nunits == 0) ||
		(s->acc->kind == 0 && ne > 0))
		svy_wire_corrupt("bad number of cells");
	if (ne > 0)
	{
		flags = svy_wire_byte(buf);
		if (flags & ~(QWIRE_NO_WLO | QWIRE_N_ONE | QWIRE_UNIT16) ||
			((flags & QWIRE_UNIT16) && nunits > PG_UINT16_MAX + 1))
			svy_wire_corrupt("bad cell columns");
		xbytes = svy_wire_int32(buf);
		if (xbytes < ne || xbytes > buf->len - buf->cursor)
			svy_wire_corrupt("bad number of cells");
		px = svy_wire_bytes(buf, xbytes);
		pxend = px + xbytes;
		if ((Size) ne > (Size) (buf->len - buf->cursor) / wire_cell_size(s, flags))
			svy_wire_corrupt("bad number of cells");

		/*
		 * The cells stay in columns, as one sorted run (gaps are never
		 * negative): x decoded below, the other columns copied as they are
		 * (units widened to 32 bits, so that a combine can renumber them).
		 */
		run.x = MemoryContextAllocHuge(aggcxt, sizeof(double) * ne);
		run.w = get_array(buf, sizeof(double), ne, aggcxt);
		if (!(flags & QWIRE_NO_WLO))
			run.w_lo = get_array(buf, sizeof(double), ne, aggcxt);
		if (!width && (flags & QWIRE_UNIT16))
		{
			const char *pu = svy_wire_bytes(buf, sizeof(uint16) * ne);

			run.unit = MemoryContextAllocHuge(aggcxt, sizeof(int32) * ne);
			for (int64 i = 0; i < ne; i++)
			{
				uint16		u;

				memcpy(&u, pu + i * sizeof(uint16), sizeof(uint16));
				run.unit[i] = u;
			}
		}
		else if (!width)
			run.unit = get_array(buf, sizeof(int32), ne, aggcxt);
		if (!(flags & QWIRE_N_ONE))
			run.cnt = get_array(buf, sizeof(int32), ne, aggcxt);
		if (with_m2)
			run.m2 = get_array(buf, sizeof(double), ne, aggcxt);
		if (width)
			run.rw = get_array(buf, sizeof(double) * width, ne, aggcxt);
	}
	svy_wire_end(buf);
	run.n = ne;
	for (int64 i = 0; i < ne; i++)
	{
		uint64		gap;
		double		x;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!varint_get(&px, pxend, &gap) || key + gap < key)
			svy_wire_corrupt("bad value");
		key += gap;
		x = svy_key_x(key);
		if (!isfinite(x) || (run.unit && (run.unit[i] < 0 || run.unit[i] >= nunits)) ||
			(run.cnt && run.cnt[i] < 0) || !(run.w[i] >= 0) || !isfinite(run.w[i]) ||
			(run.w_lo && !isfinite(run.w_lo[i])) ||
			(run.m2 && !(run.m2[i] >= 0 && isfinite(run.m2[i]))))
			svy_wire_corrupt("bad cell");
		/* replicate sums (of weights: not negative), and calibrated designs' unit */
		for (int r = 0; r < rep_count(s); r++)
			if (!(run.rw[i * width + r] >= 0 && run.rw[i * width + r] <= DBL_MAX))
				svy_wire_corrupt("bad replicate sums");
		if (width > rep_count(s))
		{
			double		u = run.rw[i * width + width - 1];

			if (!(u >= 0 && u < nunits) || u != floor(u))
				svy_wire_corrupt("bad cell");
		}
		run.x[i] = x == 0.0 ? 0.0 : x;
	}
	if (px != pxend)
		svy_wire_corrupt("trailing value bytes");
	s->sorted = true;
	if (ne > 0)
	{
		s->runs = MemoryContextAlloc(aggcxt, sizeof(QRun));
		s->runs[0] = run;
		s->nruns = s->runsalloc = 1;
	}
	s->threshold = Max(QCOMPACT_MIN, 2 * ne);
	return s;
}
