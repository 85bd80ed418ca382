/*
 * wire.h — bounds-checked reading of the extension's binary formats
 * (svy_state, the internal aggregate states, svy_domains / svy_table,
 * likert, choices).
 *
 * Every read checks the bytes left first and every count is checked against
 * the bytes left before anything is allocated for it, so that no byte
 * string can make the server allocate more than its own size justifies.
 * A short or corrupt value raises invalid_binary_representation (22P03),
 * never protocol_violation (08P01, which clients report as a broken
 * connection), as pq_getmsg* would.  Numbers are in network byte order
 * (written with pq_send*).
 */
#ifndef SVY_WIRE_H
#define SVY_WIRE_H

#include "postgres.h"

#include "lib/stringinfo.h"

/* Largest count a double holds exactly (2^53): stored row counts must not exceed it. */
#define SVY_MAX_EXACT_COUNT 9007199254740992.0

/* A reader over len bytes at data (not copied). */
extern void svy_wire_init(StringInfo buf, const char *data, int len);

extern void svy_wire_corrupt(const char *what) pg_attribute_noreturn();

/* Raise the error unless n bytes are left. */
extern void svy_wire_need(StringInfo buf, Size n);
extern int	svy_wire_byte(StringInfo buf);
extern int32 svy_wire_int32(StringInfo buf);
extern uint64 svy_wire_int64(StringInfo buf);
extern double svy_wire_float8(StringInfo buf);
extern const char *svy_wire_bytes(StringInfo buf, Size n);
/* A NUL-terminated string (pq_sendstring's form), in the server encoding. */
extern const char *svy_wire_cstring(StringInfo buf);

/*
 * An int32 count of elements that take at least elem_bytes each on the
 * wire: an error unless 0 <= count and count * elem_bytes bytes are left.
 */
extern int32 svy_wire_count(StringInfo buf, Size elem_bytes, const char *what);

/* An error unless every byte was read. */
extern void svy_wire_end(StringInfo buf);

/*
 * The text form of the binary values (svy_state, svy_domains, svy_table):
 * "\\x" and the bytes in hexadecimal, as bytea writes them.  The reader
 * raises invalid_text_representation (22P02) on anything else.
 */
extern char *svy_hex_out(const char *data, int len);
extern char *svy_hex_in(const char *text, const char *type_name, int *len);

#endif
