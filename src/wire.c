/*
 * wire.c — bounds-checked reading of binary formats (see wire.h).
 */
#include "postgres.h"

#include "mb/pg_wchar.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "wire.h"

void
svy_wire_init(StringInfo buf, const char *data, int len)
{
	buf->data = (char *) data;
	buf->len = len;
	buf->maxlen = len;
	buf->cursor = 0;
}

void
svy_wire_corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid survey binary data: %s", what),
			 errdetail("The value is truncated or corrupt, or was not written by the survey extension.")));
}

void
svy_wire_need(StringInfo buf, Size n)
{
	if (buf->cursor < 0 || buf->cursor > buf->len || n > (Size) (buf->len - buf->cursor))
		svy_wire_corrupt("truncated");
}

int
svy_wire_byte(StringInfo buf)
{
	svy_wire_need(buf, 1);
	return (unsigned char) buf->data[buf->cursor++];
}

int32
svy_wire_int32(StringInfo buf)
{
	svy_wire_need(buf, 4);
	return pq_getmsgint(buf, 4);
}

uint64
svy_wire_int64(StringInfo buf)
{
	svy_wire_need(buf, 8);
	return (uint64) pq_getmsgint64(buf);
}

double
svy_wire_float8(StringInfo buf)
{
	svy_wire_need(buf, 8);
	return pq_getmsgfloat8(buf);
}

const char *
svy_wire_bytes(StringInfo buf, Size n)
{
	const char *p;

	svy_wire_need(buf, n);
	p = buf->data + buf->cursor;
	buf->cursor += n;
	return p;
}

const char *
svy_wire_cstring(StringInfo buf)
{
	const char *p = buf->data + buf->cursor;
	Size		len = strnlen(p, buf->len - buf->cursor);

	if (len == (Size) (buf->len - buf->cursor))
		svy_wire_corrupt("unterminated string");
	buf->cursor += len + 1;
	/* pg_client_to_server also validates the encoding */
	return pg_client_to_server(p, len);
}

int32
svy_wire_count(StringInfo buf, Size elem_bytes, const char *what)
{
	int32		n = svy_wire_int32(buf);

	if (n < 0 || (Size) n > (Size) (buf->len - buf->cursor) / Max(elem_bytes, 1))
		svy_wire_corrupt(what);
	return n;
}

void
svy_wire_end(StringInfo buf)
{
	if (buf->cursor != buf->len)
		svy_wire_corrupt("trailing bytes");
}

char *
svy_hex_out(const char *data, int len)
{
	char	   *out = palloc((Size) len * 2 + 3);

	out[0] = '\\';
	out[1] = 'x';
	hex_encode(data, len, out + 2);
	out[(Size) len * 2 + 2] = '\0';
	return out;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
svy_hex_in(const char *text, const char *type_name, int *len)
{
	Size		n = strlen(text);
	char	   *out;

	if (n < 2 || text[0] != '\\' || text[1] != 'x' || n % 2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%.40s\"", type_name, text),
				 errhint("A value of type %s is written as \\x followed by hexadecimal digits.", type_name)));
	out = palloc(n / 2);
	for (Size i = 2; i < n; i += 2)
	{
		int			hi = hex_digit(text[i]),
					lo = hex_digit(text[i + 1]);

		if (hi < 0 || lo < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid hexadecimal digit in a value of type %s", type_name)));
		out[i / 2 - 1] = (char) (hi << 4 | lo);
	}
	*len = (int) (n / 2 - 1);
	return out;
}
