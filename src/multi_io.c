/*
 * multi_io.c — text and binary input/output of svy_domains and svy_table
 * values, so that they survive pg_dump / pg_restore, binary COPY and the
 * send/receive between query stages (Citus).
 *
 * Binary form (network byte order, version 1):
 *   byte version, kind, boolean_outcome, mse;
 *   int32 nlev1, nlev2, k, nrep;
 *   float8 scale, nrow, df, nu;
 *   float8 T[k], n[k], df[k], cyy[k], rows[k],
 *          then V[k*k] (nrep = 0) or Tr[k*nrep], rscales[nrep];
 *   int32 label bytes, then nlev1 + nlev2 NUL-terminated labels.
 * Text form: "\x" and the binary form in hexadecimal (like svy_state).
 * Input checks everything the readers (domain_read.c) rely on: the kind,
 * the dimensions of the kind, the sizes against the bytes present (before
 * allocating), finite numbers, the labels' count and encoding.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"

#include "multi.h"
#include "wire.h"

PG_FUNCTION_INFO_V1(svy_multi_in);
PG_FUNCTION_INFO_V1(svy_domains_in);
PG_FUNCTION_INFO_V1(svy_table_in);
PG_FUNCTION_INFO_V1(svy_multi_out);
PG_FUNCTION_INFO_V1(svy_domains_recv);
PG_FUNCTION_INFO_V1(svy_table_recv);
PG_FUNCTION_INFO_V1(svy_multi_send);

#define SVY_MULTI_WIRE_VERSION 1

/* which type a value is read for */
typedef enum MultiType
{
	MULTI_ANY,					/* 0.1.0's shared input function */
	MULTI_DOMAINS,
	MULTI_TABLE
} MultiType;

static void
send_doubles(StringInfo buf, const double *x, Size n)
{
	for (Size i = 0; i < n; i++)
		pq_sendfloat8(buf, x[i]);
}

static bytea *
multi_to_wire(const SvyMulti *m)
{
	SvyMultiArrays a;
	StringInfoData buf;
	Size		label_bytes = 0;
	int			k = m->k;

	svy_multi_arrays(m, &a);
	for (int i = 0; i < m->nlev1 + m->nlev2; i++)
		label_bytes += strlen(a.labels + label_bytes) + 1;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SVY_MULTI_WIRE_VERSION);
	pq_sendbyte(&buf, m->kind);
	pq_sendbyte(&buf, m->boolean_outcome);
	pq_sendbyte(&buf, m->mse);
	pq_sendint32(&buf, m->nlev1);
	pq_sendint32(&buf, m->nlev2);
	pq_sendint32(&buf, k);
	pq_sendint32(&buf, m->nrep);
	pq_sendfloat8(&buf, m->scale);
	pq_sendfloat8(&buf, m->nrow);
	pq_sendfloat8(&buf, m->df);
	pq_sendfloat8(&buf, m->nu);
	send_doubles(&buf, a.t, 5 * (Size) k);	/* t, n, df, cyy, rows are contiguous */
	if (m->nrep)
		send_doubles(&buf, a.tr, (Size) k * m->nrep + m->nrep);	/* tr, rscales */
	else
		send_doubles(&buf, a.v, (Size) k * k);
	pq_sendint32(&buf, label_bytes);
	pq_sendbytes(&buf, a.labels, label_bytes);
	return pq_endtypsend(&buf);
}

/* n doubles; finite, and also >= 0 (counts) when nonneg */
static void
recv_doubles(StringInfo buf, double *x, Size n, bool nonneg, const char *what)
{
	for (Size i = 0; i < n; i++)
	{
		x[i] = svy_wire_float8(buf);
		if (!isfinite(x[i]) || (nonneg && x[i] < 0))
			svy_wire_corrupt(what);
	}
}

/* A degrees of freedom: NaN (undefined) or a finite number >= -1. */
static double
recv_df(StringInfo buf)
{
	double		df = svy_wire_float8(buf);

	if (!isnan(df) && !(df >= -1 && isfinite(df)))
		svy_wire_corrupt("bad degrees of freedom");
	return df;
}

static SvyMulti *
multi_from_wire(StringInfo buf, MultiType type)
{
	int			version,
				kind,
				boolean_outcome,
				mse,
				nlev1,
				nlev2,
				k,
				nrep,
				label_bytes,
				nlabels = 0;
	Size		ndoubles,
				label_room;
	double		scale,
				nrow,
				df,
				nu;
	const char *labels;
	SvyMulti   *m;
	SvyMultiArrays a;

	version = svy_wire_byte(buf);
	if (version != SVY_MULTI_WIRE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported survey domains or table version %d", version),
				 errdetail("This version of survey reads version %d.", SVY_MULTI_WIRE_VERSION)));
	kind = svy_wire_byte(buf);
	boolean_outcome = svy_wire_byte(buf);
	mse = svy_wire_byte(buf);
	nlev1 = svy_wire_int32(buf);
	nlev2 = svy_wire_int32(buf);
	k = svy_wire_int32(buf);
	nrep = svy_wire_int32(buf);
	if (kind < SVY_MULTI_BY || kind > SVY_MULTI_TAB || boolean_outcome > 1 || mse > 1 ||
		(boolean_outcome && kind != SVY_MULTI_BY))
		svy_wire_corrupt("unknown kind");
	if (type != MULTI_ANY && (kind == SVY_MULTI_TAB) != (type == MULTI_TABLE))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("a survey %s value cannot be read as %s",
						kind == SVY_MULTI_TAB ? "table" : "domains",
						type == MULTI_TABLE ? "svy_table" : "svy_domains")));
	/* the layout of the totals of each kind (multi.h) */
	if (nlev1 < 0 || nlev1 > SVY_MULTI_MAX_VARS || nlev2 < 0 || nlev2 > SVY_MULTI_MAX_VARS ||
		(kind != SVY_MULTI_TAB && nlev2 != 0) ||
		k != (kind == SVY_MULTI_BY ? 2 * nlev1 : kind == SVY_MULTI_CHOICES ? nlev1 + 1 :
			  kind == SVY_MULTI_TAB ? nlev1 * nlev2 : nlev1) ||
		k > SVY_MULTI_MAX_VARS)
		svy_wire_corrupt("bad dimensions");
	if (nrep < 0 || nrep == 1)
		svy_wire_corrupt("bad number of replicates");
	scale = svy_wire_float8(buf);
	nrow = svy_wire_float8(buf);
	df = recv_df(buf);
	nu = recv_df(buf);
	if (!isfinite(scale) || (nrep > 0 && !(scale > 0)) || !(nrow >= 0 && nrow <= SVY_MAX_EXACT_COUNT))
		svy_wire_corrupt("bad design constants");

	/*
	 * Every double must be present before the value is allocated; the labels
	 * get the room of the bytes left after them (their length comes after
	 * the doubles), so the value is never larger than the input justifies.
	 */
	if ((Size) nrep > (Size) (buf->len - buf->cursor) / sizeof(double) / (k + 1))
		svy_wire_corrupt("bad number of replicates");
	ndoubles = 5 * (Size) k + (nrep ? (Size) k * nrep + nrep : (Size) k * k);
	svy_wire_need(buf, sizeof(double) * ndoubles + 4);
	label_room = buf->len - buf->cursor - sizeof(double) * ndoubles - 4;
	m = palloc0(svy_multi_size(k, nrep, label_room));
	m->version = SVY_MULTI_VERSION;
	m->kind = kind;
	m->boolean_outcome = boolean_outcome;
	m->mse = mse;
	m->nlev1 = nlev1;
	m->nlev2 = nlev2;
	m->k = k;
	m->nrep = nrep;
	m->scale = scale;
	m->nrow = nrow;
	m->df = df;
	m->nu = nu;
	svy_multi_arrays(m, &a);
	recv_doubles(buf, a.t, k, false, "bad total");
	recv_doubles(buf, a.n, k, true, "bad count");
	for (int i = 0; i < k; i++)
		a.df[i] = recv_df(buf);
	recv_doubles(buf, a.cyy, k, false, "bad sum of squares");
	recv_doubles(buf, a.rows, k, true, "bad count");
	for (int i = 0; i < k; i++)
		if (a.n[i] > SVY_MAX_EXACT_COUNT || a.rows[i] > SVY_MAX_EXACT_COUNT)
			svy_wire_corrupt("bad count");
	if (nrep)
	{
		recv_doubles(buf, a.tr, (Size) k * nrep, false, "bad replicate total");
		recv_doubles(buf, a.rscales, nrep, true, "bad rscales");
	}
	else
		recv_doubles(buf, a.v, (Size) k * k, false, "bad covariance");

	label_bytes = svy_wire_count(buf, 1, "bad label length");
	labels = svy_wire_bytes(buf, label_bytes);
	if (label_bytes > 0 && labels[label_bytes - 1] != '\0')
		svy_wire_corrupt("bad labels");
	for (int i = 0; i < label_bytes; i += strlen(labels + i) + 1)
	{
		if (!pg_verifymbstr(labels + i, strlen(labels + i), true))
			svy_wire_corrupt("bad labels");
		nlabels++;
	}
	if (nlabels != nlev1 + nlev2)
		svy_wire_corrupt("bad labels");
	memcpy(a.labels, labels, label_bytes);
	svy_wire_end(buf);
	SET_VARSIZE(m, svy_multi_size(k, nrep, label_bytes));
	return m;
}

static SvyMulti *
multi_from_text(FunctionCallInfo fcinfo, MultiType type)
{
	const char *name = type == MULTI_TABLE ? "svy_table" : "svy_domains";
	int			len;
	char	   *bin = svy_hex_in(PG_GETARG_CSTRING(0), name, &len);
	StringInfoData buf;

	svy_wire_init(&buf, bin, len);
	return multi_from_wire(&buf, type);
}

/* The input function of 0.1.0 (shared by both types): reads either kind. */
Datum
svy_multi_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(multi_from_text(fcinfo, MULTI_ANY));
}

Datum
svy_domains_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(multi_from_text(fcinfo, MULTI_DOMAINS));
}

Datum
svy_table_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(multi_from_text(fcinfo, MULTI_TABLE));
}

Datum
svy_multi_out(PG_FUNCTION_ARGS)
{
	bytea	   *b = multi_to_wire(DatumGetSvyMultiP(PG_GETARG_DATUM(0)));

	PG_RETURN_CSTRING(svy_hex_out(VARDATA(b), VARSIZE(b) - VARHDRSZ));
}

Datum
svy_multi_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(multi_to_wire(DatumGetSvyMultiP(PG_GETARG_DATUM(0))));
}

static Datum
multi_recv(FunctionCallInfo fcinfo, MultiType type)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	StringInfoData rest;
	SvyMulti   *m;

	svy_wire_init(&rest, buf->data + buf->cursor, buf->len - buf->cursor);
	m = multi_from_wire(&rest, type);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(m);
}

Datum
svy_domains_recv(PG_FUNCTION_ARGS)
{
	return multi_recv(fcinfo, MULTI_DOMAINS);
}

Datum
svy_table_recv(PG_FUNCTION_ARGS)
{
	return multi_recv(fcinfo, MULTI_TABLE);
}
