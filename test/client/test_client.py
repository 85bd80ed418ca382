#!/usr/bin/env python3
"""Client test: psycopg2 reads the extension's types from the demo survey.

Reads svy_estimate (composite), likert and choices from the bundled demo
(demo/police_survey.sql) through psycopg2, in
  * text result format: typecasters registered for the type OIDs looked up in
    pg_type (register_composite for svy_estimate, new_type for likert and
    choices and their arrays), adapters for sending the values back, and
  * binary format: psycopg2 has no binary result mode for ordinary queries, so
    the values are read with COPY (...) TO STDOUT WITH (FORMAT binary) and the
    PGCOPY stream is parsed here (likert_send, choices_send, record_send
    layouts, see docs/response-types.md); binary COPY ... FROM STDIN writes them
    back, and corrupted binary values must be rejected with the documented
    SQLSTATE without breaking the connection.

Connects with the libpq environment (PGHOST, PGPORT, PGUSER, ... as set by
pg_virtualenv), creates the database survey_client_test (dropped first if it
exists, and dropped again at the end), installs the extension and loads the
demo there. The extension must already be installed (make install).

Prints one line per check and, last, "N passed, N failed"; exits 1 on any
failure.
"""

import io
import math
import os
import re
import struct
import sys
import time
import traceback
from collections import namedtuple

try:
    import psycopg2
except ImportError:
    # Debian's python3-psycopg2 lives in the system interpreter's dist-packages;
    # a python3 earlier on PATH (pyenv, venv) may not see it.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") \
            and not os.environ.get("SURVEY_CLIENT_TEST_REEXEC"):
        os.environ["SURVEY_CLIENT_TEST_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("psycopg2 is not installed (apt-get install python3-psycopg2)")
    print("0 passed, 1 failed")
    sys.exit(1)

import psycopg2.errors
import psycopg2.extensions
import psycopg2.extras
from psycopg2.extensions import AsIs, QuotedString

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEMO_SQL = os.path.join(ROOT, "demo", "police_survey.sql")
TEST_DB = "survey_client_test"

# ---------------------------------------------------------------------------
# check bookkeeping
# ---------------------------------------------------------------------------
passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok     %s" % name)
    else:
        failed += 1
        print("FAILED %s%s" % (name, (": " + detail) if detail else ""))
    sys.stdout.flush()
    return ok


# ---------------------------------------------------------------------------
# Python representations of the response types
# ---------------------------------------------------------------------------
REASONS = ["dk", "refused", "na", "skipped", "no_answer"]   # codes 1..5
REASON_CODE = {r: i + 1 for i, r in enumerate(REASONS)}


class Likert(namedtuple("Likert", "value reason lo hi")):
    """A likert answer: value (int) or reason (str), on scale lo..hi
    (lo = hi = None for an unscaled value)."""
    __slots__ = ()

    @property
    def missing(self):
        return self.reason is not None

    def text(self):
        v = self.reason if self.reason is not None else str(self.value)
        if self.lo is None:
            return v
        return "%s/%s" % (v, str(self.hi) if self.lo == 1 else "%d..%d" % (self.lo, self.hi))


class Missing(str):
    """A missing reason of a choices answer ('dk', 'refused', ...)."""
    __slots__ = ()


class Choices(frozenset):
    """An answered multi-select item: the set of chosen options (1..64)."""
    __slots__ = ()

    def text(self):
        return "{" + ",".join(str(k) for k in sorted(self)) + "}"


LIKERT_RE = re.compile(r"^(?:(-?\d+)|([a-z_]+))(?:/(?:(-?\d+)\.\.)?(-?\d+))?$")


def cast_likert(s, cur):
    if s is None:
        return None
    m = LIKERT_RE.match(s)
    if not m:
        raise psycopg2.InterfaceError("bad likert text %r" % s)
    value, reason, lo, hi = m.groups()
    if reason is not None and reason not in REASON_CODE:
        raise psycopg2.InterfaceError("bad likert missing reason %r" % s)
    if hi is None:
        lo = hi = None
    else:
        hi = int(hi)
        lo = 1 if lo is None else int(lo)
    return Likert(int(value) if value is not None else None, reason, lo, hi)


def cast_choices(s, cur):
    if s is None:
        return None
    if s in REASON_CODE:
        return Missing(s)
    if not (s.startswith("{") and s.endswith("}")):
        raise psycopg2.InterfaceError("bad choices text %r" % s)
    body = s[1:-1]
    return Choices(int(k) for k in body.split(",")) if body else Choices()


def adapt_likert(x):
    return AsIs(QuotedString(x.text()).getquoted().decode() + "::likert")


def adapt_choices(x):
    return AsIs(QuotedString(x.text()).getquoted().decode() + "::choices")


def adapt_missing(x):
    # untyped literal: becomes a likert or choices value from its context
    return AsIs(QuotedString(str(x)).getquoted().decode())


psycopg2.extensions.register_adapter(Likert, adapt_likert)
psycopg2.extensions.register_adapter(Choices, adapt_choices)
psycopg2.extensions.register_adapter(Missing, adapt_missing)

# ---------------------------------------------------------------------------
# binary COPY (PGCOPY) reading and writing
# ---------------------------------------------------------------------------
PGCOPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
FLOAT8OID, INT8OID, INT4OID, BOOLOID, TEXTOID = 701, 20, 23, 16, 25


def parse_pgcopy(data):
    """PGCOPY stream -> list of tuples of raw field bytes (None for NULL)."""
    if data[:11] != PGCOPY_SIGNATURE:
        raise ValueError("bad PGCOPY signature %r" % data[:11])
    flags, ext_len = struct.unpack_from(">iI", data, 11)
    if flags & (1 << 16):
        raise ValueError("OIDs in PGCOPY stream not expected")
    pos = 19 + ext_len
    rows = []
    while True:
        (nfields,) = struct.unpack_from(">h", data, pos)
        pos += 2
        if nfields == -1:
            break
        row = []
        for _ in range(nfields):
            (length,) = struct.unpack_from(">i", data, pos)
            pos += 4
            if length == -1:
                row.append(None)
            else:
                row.append(bytes(data[pos:pos + length]))
                pos += length
        rows.append(tuple(row))
    if pos != len(data):
        raise ValueError("%d bytes after the PGCOPY trailer" % (len(data) - pos))
    return rows


def build_pgcopy(rows):
    """list of tuples of raw field bytes (None for NULL) -> PGCOPY stream."""
    out = [PGCOPY_SIGNATURE, struct.pack(">iI", 0, 0)]
    for row in rows:
        out.append(struct.pack(">h", len(row)))
        for f in row:
            if f is None:
                out.append(struct.pack(">i", -1))
            else:
                out.append(struct.pack(">i", len(f)))
                out.append(f)
    out.append(struct.pack(">h", -1))
    return b"".join(out)


def decode_likert(b):
    if len(b) != 4:
        raise ValueError("likert binary value of %d bytes" % len(b))
    lo, hi, reason, value = struct.unpack(">bbBb", b)
    if reason > len(REASONS):
        raise ValueError("bad reason code %d" % reason)
    scaled = not (lo == 0 and hi == 0)
    return Likert(None if reason else value, REASONS[reason - 1] if reason else None,
                  lo if scaled else None, hi if scaled else None)


def encode_likert(x):
    lo, hi = (x.lo, x.hi) if x.lo is not None else (0, 0)
    reason = REASON_CODE[x.reason] if x.reason is not None else 0
    return struct.pack(">bbBb", lo, hi, reason, x.value if x.reason is None else 0)


def decode_choices(b):
    if len(b) != 9:
        raise ValueError("choices binary value of %d bytes" % len(b))
    reason, mask = struct.unpack(">BQ", b)
    if reason:
        if mask:
            raise ValueError("missing reason with options")
        return Missing(REASONS[reason - 1])
    return Choices(k + 1 for k in range(64) if mask >> k & 1)


def encode_choices(x):
    if isinstance(x, Missing):
        return struct.pack(">BQ", REASON_CODE[x], 0)
    mask = 0
    for k in x:
        mask |= 1 << (k - 1)
    return struct.pack(">BQ", 0, mask)


def decode_scalar(oid, b):
    if b is None:
        return None
    if oid == FLOAT8OID:
        return struct.unpack(">d", b)[0]
    if oid == INT8OID:
        return struct.unpack(">q", b)[0]
    if oid == INT4OID:
        return struct.unpack(">i", b)[0]
    if oid == BOOLOID:
        return b != b"\x00"
    if oid == TEXTOID:
        return b.decode("utf-8")
    raise ValueError("no decoder for type %d" % oid)


def decode_record(b):
    """record_send layout -> (column type OIDs, values)."""
    (ncols,) = struct.unpack_from(">i", b, 0)
    pos = 4
    oids, values = [], []
    for _ in range(ncols):
        oid, length = struct.unpack_from(">Ii", b, pos)
        pos += 8
        raw = None
        if length != -1:
            raw = b[pos:pos + length]
            pos += length
        oids.append(oid)
        values.append(decode_scalar(oid, raw))
    if pos != len(b):
        raise ValueError("%d bytes after the record" % (len(b) - pos))
    return oids, values


def copy_out_binary(cur, query):
    buf = io.BytesIO()
    cur.copy_expert("COPY (%s) TO STDOUT WITH (FORMAT binary)" % query, buf)
    return parse_pgcopy(buf.getvalue())


def same_float(a, b):
    if a is None or b is None:
        return a is b
    return a == b or (math.isnan(a) and math.isnan(b))


def same_estimate(a, b):
    return len(a) == len(b) and all(
        (x == y) if isinstance(x, int) or isinstance(y, int) else same_float(x, y)
        for x, y in zip(a, b))


def run_check(name, fn):
    """Run fn() as one check; an exception is a failure."""
    try:
        res = fn()
    except Exception as e:  # noqa: BLE001 - any error fails the check
        check(name, False, "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else ""))
        if os.environ.get("SURVEY_CLIENT_TEST_DEBUG"):
            traceback.print_exc()
        return None
    if isinstance(res, tuple):
        ok, detail = res
    else:
        ok, detail = bool(res), ""
    check(name, ok, detail)
    return res


# ---------------------------------------------------------------------------
# the test
# ---------------------------------------------------------------------------
EST_FIELDS = ["estimate", "std_error", "ci_lower", "ci_upper", "df", "n", "n_eff", "deff"]
PROP_ALL = "SELECT svy_prop(needs_more_training, design) FROM demo.police"
PROP_BY_COUNTRY = ("SELECT country, svy_prop(needs_more_training, design) AS e "
                   "FROM demo.police GROUP BY country ORDER BY country")
MEAN_BY_COUNTRY = ("SELECT country, svy_mean(q_confidence::float8, design) AS e "
                   "FROM demo.police GROUP BY country ORDER BY country")
RESP_COLS = ("respondent_id, q_confidence, q_training_adequacy, q_procedures_clarity, "
             "q_industry_cooperation, q_crossborder_cooperation, training_received")
RESPONSES = "SELECT %s FROM demo.responses ORDER BY respondent_id" % RESP_COLS


def main():
    t0 = time.time()
    admin = psycopg2.connect("")          # libpq environment: PGHOST, PGPORT, ...
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS %s" % TEST_DB)
        cur.execute("CREATE DATABASE %s" % TEST_DB)
    conn = None
    try:
        conn = psycopg2.connect(dbname=TEST_DB)
        conn.autocommit = True
        tests(conn)
    except Exception as e:  # noqa: BLE001
        check("test run completed without an unexpected error", False, "%s: %s" % (type(e).__name__, e))
        traceback.print_exc()
    finally:
        if conn is not None:
            conn.close()
        try:
            with admin.cursor() as cur:
                cur.execute("DROP DATABASE IF EXISTS %s" % TEST_DB)
        except Exception as e:  # noqa: BLE001
            check("drop database %s" % TEST_DB, False, str(e))
        admin.close()
    print("(%.1f s)" % (time.time() - t0))


def tests(conn):
    cur = conn.cursor()

    # -- setup --------------------------------------------------------------
    def setup():
        cur.execute("CREATE EXTENSION survey")
        with open(DEMO_SQL) as f:
            cur.execute(f.read())
        cur.execute("SELECT count(*) FROM demo.responses")
        n = cur.fetchone()[0]
        return n > 1000, "%d respondents" % n
    if not run_check("create extension survey and load demo/police_survey.sql", setup):
        return
    # Ireland's Dublin region is a single force (one PSU); the report sets this too
    cur.execute("SET survey.lonely_psu = 'adjust'")

    cur.execute("""SELECT t.typname, t.oid, t.typarray FROM pg_type t
                   JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
                   JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'survey'
                   WHERE t.typname IN ('likert', 'choices', 'svy_estimate')""")
    oids = {name: (oid, arr) for name, oid, arr in cur.fetchall()}
    check("type OIDs of likert, choices, svy_estimate found in pg_type",
          set(oids) == {"likert", "choices", "svy_estimate"}, repr(oids))

    # -- text format: svy_estimate ------------------------------------------
    cur.execute(PROP_ALL)
    raw = cur.fetchone()[0]
    check("svy_estimate without a caster arrives as its text form",
          isinstance(raw, str) and raw.startswith("(") and raw.endswith(")"), repr(raw))
    raw_fields = [None if f == "" else f for f in raw[1:-1].split(",")]

    est_type = psycopg2.extras.register_composite("svy_estimate", conn)
    check("register_composite: svy_estimate fields",
          est_type.name == "svy_estimate" and list(est_type.attnames) == EST_FIELDS
          and [t for t in est_type.atttypes] == [FLOAT8OID] * 5 + [INT8OID] + [FLOAT8OID] * 2,
          "%r %r" % (est_type.attnames, est_type.atttypes))
    check("register_composite: OID matches pg_type", est_type.oid == oids["svy_estimate"][0])

    cur.execute(PROP_ALL)
    est = cur.fetchone()[0]
    check("svy_prop(needs_more_training) is a named tuple with the fields of svy_estimate",
          isinstance(est, tuple) and list(est._fields) == EST_FIELDS, repr(est))
    check("svy_estimate field types: floats and int n",
          all(isinstance(getattr(est, f), float) for f in EST_FIELDS if f != "n")
          and isinstance(est.n, int) and not isinstance(est.n, bool), repr(est))
    check("svy_estimate values equal the parsed raw text",
          len(raw_fields) == 8 and all(
              (int(r) == v) if f == "n" else (r is None and v is None or float(r) == v)
              for f, r, v in zip(EST_FIELDS, raw_fields, est)), "%r vs %r" % (raw_fields, est))
    cur.execute("SELECT count(needs_more_training) FROM demo.police")
    n_answered = cur.fetchone()[0]
    check("svy_prop: 0 < ci_lower < estimate < ci_upper < 1, se > 0, n = answered",
          0 < est.ci_lower < est.estimate < est.ci_upper < 1 and est.std_error > 0
          and est.n == n_answered and est.df > 0 and est.deff > 0,
          "%r, answered %d" % (est, n_answered))

    cur.execute("SELECT (svy_prop(needs_more_training, design)).* FROM demo.police")
    flat = cur.fetchone()
    names = [d.name for d in cur.description]
    check("(svy_prop(...)).* gives the 8 flat columns by name", names == EST_FIELDS, repr(names))
    check("flat columns equal the composite", same_estimate(tuple(flat), tuple(est)),
          "%r vs %r" % (flat, est))

    cur.execute(PROP_BY_COUNTRY)
    prop_country = cur.fetchall()
    check("svy_prop by country: 8 composites, each a valid svy_estimate",
          len(prop_country) == 8 and all(
              isinstance(e, tuple) and e.ci_lower < e.estimate < e.ci_upper and isinstance(e.n, int)
              for _, e in prop_country), repr(prop_country[:2]))
    cur.execute(MEAN_BY_COUNTRY)
    mean_country = cur.fetchall()
    check("svy_mean(q_confidence::float8) by country: estimates within 1..5",
          len(mean_country) == 8 and all(1 < e.estimate < 5 for _, e in mean_country),
          repr(mean_country[:2]))

    def estimate_roundtrip():
        # a named tuple adapts as a row constructor; cast back to svy_estimate
        cur.execute("SELECT %s::svy_estimate = svy_prop(needs_more_training, design), %s::svy_estimate "
                    "FROM demo.police", (est, est))
        eq, back = cur.fetchone()
        return eq and same_estimate(back, est), "equal=%r back=%r" % (eq, back)
    run_check("svy_estimate round-trip: Python tuple -> %s::svy_estimate equals the server's", estimate_roundtrip)

    # -- text format: likert and choices --------------------------------------
    cur.execute("SELECT q_confidence, q_industry_cooperation, training_received "
                "FROM demo.responses ORDER BY respondent_id LIMIT 1")
    r = cur.fetchone()
    check("likert and choices without casters arrive as text ('4/5', '{1,3}')",
          isinstance(r[0], str) and re.match(r"^([1-5]|[a-z_]+)/5$", r[0]) is not None
          and isinstance(r[2], str) and re.match(r"^(\{[0-9,]*\}|[a-z_]+)$", r[2]) is not None, repr(r))

    LIKERT = psycopg2.extensions.new_type((oids["likert"][0],), "LIKERT", cast_likert)
    CHOICES = psycopg2.extensions.new_type((oids["choices"][0],), "CHOICES", cast_choices)
    psycopg2.extensions.register_type(LIKERT, conn)
    psycopg2.extensions.register_type(CHOICES, conn)
    psycopg2.extensions.register_type(
        psycopg2.extensions.new_array_type((oids["likert"][1],), "LIKERT[]", LIKERT), conn)
    psycopg2.extensions.register_type(
        psycopg2.extensions.new_array_type((oids["choices"][1],), "CHOICES[]", CHOICES), conn)

    cur.execute(RESPONSES)
    text_rows = cur.fetchall()
    likerts = [x for row in text_rows for x in row[1:6] if x is not None]
    choices = [row[6] for row in text_rows if row[6] is not None]
    check("likert caster: every demo value is a Likert on scale 1..5 (value 1..5 or a missing reason)",
          len(likerts) > 5000 and all(
              isinstance(x, Likert) and x.lo == 1 and x.hi == 5
              and ((x.reason is None and 1 <= x.value <= 5) or (x.reason in REASON_CODE and x.value is None))
              for x in likerts), "%d values" % len(likerts))
    check("likert caster: the demo has valid answers and missing reasons (dk, refused, na, skipped)",
          {x.reason for x in likerts} >= {None, "dk", "refused", "na", "skipped"}
          and {x.value for x in likerts if x.value is not None} == {1, 2, 3, 4, 5},
          repr({x.reason for x in likerts}))
    check("choices caster: every demo value is a frozenset of options 1..6 or a missing reason",
          len(choices) == len(text_rows) and all(
              (isinstance(c, frozenset) and all(1 <= k <= 6 for k in c))
              or (isinstance(c, Missing) and c in REASON_CODE) for c in choices),
          "%d values" % len(choices))
    check("choices caster: the demo has empty sets, multi-option sets and missing reasons",
          Choices() in choices and any(isinstance(c, frozenset) and len(c) >= 3 for c in choices)
          and any(isinstance(c, Missing) for c in choices))

    cur.execute("SELECT count(*) FILTER (WHERE q_confidence = 'dk'), count(*) FILTER (WHERE q_confidence >= '4'), "
                "count(*) FILTER (WHERE training_received @> 2), "
                "count(*) FILTER (WHERE is_missing(training_received)) FROM demo.responses")
    srv = cur.fetchone()
    py = (sum(1 for r in text_rows if r[1] == Likert(None, "dk", 1, 5)),
          # missing reasons sort after the valid answers, so they are >= '4' too
          sum(1 for r in text_rows if r[1] is not None and (r[1].reason is not None or r[1].value >= 4)),
          sum(1 for r in text_rows if isinstance(r[6], frozenset) and 2 in r[6]),
          sum(1 for r in text_rows if isinstance(r[6], Missing)))
    check("casted values agree with server-side counts (= 'dk', >= '4' incl. missing, @> 2, is_missing)", srv == py,
          "server %r python %r" % (srv, py))

    cur.execute("SELECT '4'::likert, 'DK'::likert, '7/0..10'::likert, '-2/-3..3'::likert, "
                "'refused/0..10'::likert, ' 3 / 5 '::likert, '{3,1,3}'::choices, '{}'::choices, "
                "'Refused'::choices, '{64,1}'::choices, NULL::likert, NULL::choices")
    got = cur.fetchone()
    want = (Likert(4, None, None, None), Likert(None, "dk", None, None), Likert(7, None, 0, 10),
            Likert(-2, None, -3, 3), Likert(None, "refused", 0, 10), Likert(3, None, 1, 5),
            frozenset({1, 3}), frozenset(), "refused", frozenset({1, 64}), None, None)
    check("casters: unscaled, other scales, canonical forms, option 64, NULL", got == want,
          "%r" % (got,))

    cur.execute("SELECT array_agg(q_confidence ORDER BY respondent_id), "
                "array_agg(training_received ORDER BY respondent_id) FROM demo.responses "
                "WHERE respondent_id <= 50")
    la, ca = cur.fetchone()
    check("likert[] and choices[] arrays cast element-wise",
          la == [r[1] for r in text_rows[:50]] and ca == [r[6] for r in text_rows[:50]],
          "%r / %r" % (la[:3], ca[:3]))

    def adapter_roundtrip():
        cur.execute("CREATE TEMP TABLE rt_text (id int PRIMARY KEY, q likert(5), c choices)")
        psycopg2.extras.execute_values(
            cur, "INSERT INTO rt_text VALUES %s",
            [(r[0], r[1], r[6]) for r in text_rows], page_size=1000)
        cur.execute("SELECT count(*) FROM rt_text t JOIN demo.responses r ON r.respondent_id = t.id "
                    "WHERE t.q IS NOT DISTINCT FROM r.q_confidence "
                    "AND t.c IS NOT DISTINCT FROM r.training_received")
        same_srv = cur.fetchone()[0]
        cur.execute("SELECT id, q, c FROM rt_text ORDER BY id")
        back = cur.fetchall()
        return (same_srv == len(text_rows) and back == [(r[0], r[1], r[6]) for r in text_rows],
                "%d of %d equal on the server" % (same_srv, len(text_rows)))
    run_check("adapters: all demo likert/choices values inserted from Python round-trip", adapter_roundtrip)

    def param_roundtrip():
        vals = [Likert(3, None, 1, 5), Likert(None, "no_answer", 1, 5), Likert(7, None, 0, 10),
                Likert(4, None, None, None), Choices({2, 5}), Choices(), Missing("na"), Choices({64})]
        cur.execute("SELECT " + ", ".join(["%s"] * len(vals)), vals)
        got = cur.fetchone()
        cur.execute("SELECT %s::likert(5)[] = (SELECT array_agg(q_confidence ORDER BY respondent_id) "
                    "FROM demo.responses WHERE respondent_id <= 50)", ([r[1] for r in text_rows[:50]],))
        arr_ok = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM demo.responses WHERE q_confidence = %s", (Likert(4, None, None, None),))
        n4 = cur.fetchone()[0]
        return (list(got) == vals and arr_ok is True
                and n4 == sum(1 for r in text_rows if r[1] == Likert(4, None, 1, 5)),
                "%r arr=%r n4=%r" % (got, arr_ok, n4))
    run_check("adapters: query parameters (scaled, unscaled, missing, sets, likert[]) round-trip", param_roundtrip)

    # -- binary format ------------------------------------------------------
    def binary_responses():
        rows = copy_out_binary(cur, RESPONSES)
        dec = [(decode_scalar(INT4OID, r[0]),) + tuple(None if f is None else decode_likert(f) for f in r[1:6])
               + (None if r[6] is None else decode_choices(r[6]),) for r in rows]
        nulls = sum(1 for r in rows for f in r if f is None)
        return (dec == text_rows and all(len(f) == 4 for r in rows for f in r[1:6] if f is not None)
                and all(len(r[6]) == 9 for r in rows if r[6] is not None),
                "%d rows, %d NULL fields; first %r vs %r" % (len(dec), nulls, dec[:1], text_rows[:1]))
    run_check("binary COPY out: all demo likert (4 bytes) and choices (9 bytes) values equal the text results",
              binary_responses)

    def binary_literals():
        rows = copy_out_binary(cur, "SELECT '4'::likert, 'dk'::likert, '7/0..10'::likert, '-2/-3..3'::likert, "
                                    "'{1,64}'::choices, '{}'::choices, 'skipped'::choices")
        r = rows[0]
        want_bytes = [b"\x00\x00\x00\x04", b"\x00\x00\x01\x00", b"\x00\x0a\x00\x07", b"\xfd\x03\x00\xfe",
                      b"\x00" + struct.pack(">Q", 1 | 1 << 63), b"\x00" + bytes(8), b"\x04" + bytes(8)]
        return list(r) == want_bytes, "%r" % (r,)
    run_check("binary layouts: likert lo,hi,reason,value (unscaled 0,0; signed); choices reason + int64 mask",
              binary_literals)

    def binary_estimates():
        rows = copy_out_binary(cur, PROP_ALL)
        oids_, vals = decode_record(rows[0][0])
        ok = (oids_ == [FLOAT8OID] * 5 + [INT8OID] + [FLOAT8OID] * 2 and same_estimate(tuple(vals), tuple(est))
              and isinstance(vals[5], int))
        rows_c = copy_out_binary(cur, PROP_BY_COUNTRY)
        rows_m = copy_out_binary(cur, MEAN_BY_COUNTRY)
        bc = [(decode_scalar(TEXTOID, r[0]), decode_record(r[1])[1]) for r in rows_c]
        bm = [(decode_scalar(TEXTOID, r[0]), decode_record(r[1])[1]) for r in rows_m]
        ok_c = len(bc) == 8 and all(c1 == c2 and same_estimate(tuple(v), tuple(e))
                                    for (c1, v), (c2, e) in zip(bc, prop_country))
        ok_m = len(bm) == 8 and all(c1 == c2 and same_estimate(tuple(v), tuple(e))
                                    for (c1, v), (c2, e) in zip(bm, mean_country))
        return ok and ok_c and ok_m, "oids %r values %r vs %r; by country %r %r" % (oids_, vals, est, ok_c, ok_m)
    run_check("binary COPY out: svy_estimate composites (record_send: OIDs float8/int8) equal the text results "
              "bit for bit (overall, svy_prop and svy_mean by country)", binary_estimates)

    def binary_flat():
        rows = copy_out_binary(cur, "SELECT (svy_prop(needs_more_training, design)).* FROM demo.police")
        vals = [decode_scalar(INT8OID if i == 5 else FLOAT8OID, f) for i, f in enumerate(rows[0])]
        return len(rows) == 1 and same_estimate(tuple(vals), tuple(est)), "%r" % (vals,)
    run_check("binary COPY out: flat (x).* columns equal the text results", binary_flat)

    # -- binary COPY in -----------------------------------------------------
    cur.execute("CREATE TEMP TABLE rt_bin (id int, q likert(5), c choices)")
    extra = [(Likert(None, reason, 1, 5), Missing(reason)) for reason in REASONS] + [
        (Likert(1, None, 1, 5), Choices()), (Likert(5, None, 1, 5), Choices(range(1, 65))),
        (None, None), (Likert(2, None, 1, 5), Choices({64}))]
    src = [(r[0], r[1], r[6]) for r in text_rows] + [(100000 + i, q, c) for i, (q, c) in enumerate(extra)]

    def encode_rows(rows):
        return build_pgcopy([(struct.pack(">i", i), None if q is None else encode_likert(q),
                              None if c is None else encode_choices(c)) for i, q, c in rows])

    def copy_in(data, table="rt_bin"):
        cur.copy_expert("COPY %s FROM STDIN WITH (FORMAT binary)" % table, io.BytesIO(data))

    def binary_in():
        copy_in(encode_rows(src))
        cur.execute("SELECT id, q, c FROM rt_bin ORDER BY id")
        back = cur.fetchall()
        cur.execute("SELECT count(*) FROM rt_bin t JOIN demo.responses r ON r.respondent_id = t.id "
                    "WHERE t.q IS NOT DISTINCT FROM r.q_confidence "
                    "AND t.c IS NOT DISTINCT FROM r.training_received")
        same_srv = cur.fetchone()[0]
        return (back == src and same_srv == len(text_rows),
                "%d rows back, %d equal to demo on the server" % (len(back), same_srv))
    run_check("binary COPY in: demo values + every missing reason, {}, {1..64}, NULL round-trip into "
              "likert(5)/choices", binary_in)

    def binary_in_out():
        rows = copy_out_binary(cur, "SELECT id, q, c FROM rt_bin ORDER BY id")
        return rows == parse_pgcopy(encode_rows(src)), "%d rows" % len(rows)
    run_check("binary COPY in then out: identical bytes", binary_in_out)

    def binary_unscaled_in():
        cur.execute("CREATE TEMP TABLE rt_bin2 (id int, q likert(5), c choices)")
        copy_in(build_pgcopy([(struct.pack(">i", 1), b"\x00\x00\x00\x03", None),
                              (struct.pack(">i", 2), b"\x00\x00\x02\x00", None)]), "rt_bin2")
        cur.execute("SELECT q FROM rt_bin2 ORDER BY id")
        got = [r[0] for r in cur.fetchall()]
        return got == [Likert(3, None, 1, 5), Likert(None, "refused", 1, 5)], repr(got)
    run_check("binary COPY in: unscaled likert (lo = hi = 0) takes the column's scale 1..5", binary_unscaled_in)

    cur.execute("SELECT count(*) FROM rt_bin")
    n_before = cur.fetchone()[0]
    good_c = encode_choices(Choices({1}))
    good_q = encode_likert(Likert(3, None, 1, 5))
    bad_cases = [
        ("likert value 6 on scale 1..5", b"\x01\x05\x00\x06", good_c, "22003", psycopg2.errors.NumericValueOutOfRange),
        ("likert value 0 on scale 1..5", b"\x01\x05\x00\x00", good_c, "22003", psycopg2.errors.NumericValueOutOfRange),
        ("unscaled likert 6 into likert(5)", b"\x00\x00\x00\x06", good_c, "22003",
         psycopg2.errors.NumericValueOutOfRange),
        ("likert scale 1..7 into likert(5)", b"\x01\x07\x00\x03", good_c, "42804", psycopg2.errors.DatatypeMismatch),
        ("likert missing reason code 9", b"\x01\x05\x09\x00", good_c, "22P03",
         psycopg2.errors.InvalidBinaryRepresentation),
        ("likert reason with a nonzero value", b"\x01\x05\x01\x03", good_c, "22P03",
         psycopg2.errors.InvalidBinaryRepresentation),
        ("likert scale 5..1", b"\x05\x01\x00\x03", good_c, "22P03", psycopg2.errors.InvalidBinaryRepresentation),
        ("likert of 5 bytes", b"\x01\x05\x00\x03\x00", good_c, "22P03", psycopg2.errors.InvalidBinaryRepresentation),
        ("choices reason code 6", good_q, b"\x06" + bytes(8), "22P03", psycopg2.errors.InvalidBinaryRepresentation),
        ("choices reason with options set", good_q, b"\x01" + struct.pack(">Q", 1), "22P03",
         psycopg2.errors.InvalidBinaryRepresentation),
    ]
    for label, q_bytes, c_bytes, sqlstate, exc_class in bad_cases:
        def rejected():
            data = build_pgcopy([(struct.pack(">i", 900001), encode_likert(Likert(2, None, 1, 5)), good_c),
                                 (struct.pack(">i", 900002), q_bytes, c_bytes)])
            try:
                copy_in(data)
            except psycopg2.Error as e:
                err = e
            else:
                return False, "accepted"
            cur.execute("SELECT count(*) FROM rt_bin")
            n_after = cur.fetchone()[0]
            return (err.pgcode == sqlstate and isinstance(err, exc_class) and conn.closed == 0
                    and n_after == n_before,
                    "got %s %s (%s), rows %d -> %d" % (err.pgcode, type(err).__name__,
                                                       (err.pgerror or "").strip().splitlines()[0],
                                                       n_before, n_after))
        run_check("binary COPY in rejects %s with SQLSTATE %s, nothing loaded, connection usable" % (label, sqlstate),
                  rejected)

    def still_alive():
        cur.execute("SELECT svy_prop(needs_more_training, design) FROM demo.police")
        again = cur.fetchone()[0]
        return conn.closed == 0 and same_estimate(tuple(again), tuple(est)), repr(again)
    run_check("connection still works after the rejected COPYs (same estimate again)", still_alive)
    cur.close()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - e.g. cannot connect
        check("connect and create database %s" % TEST_DB, False, "%s: %s" % (type(e).__name__, e))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
