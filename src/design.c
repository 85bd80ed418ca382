/*
 * design.c — the svy_design type: constructors, svy_subset, text and binary I/O.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "common/hashfn.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "nodes/primnodes.h"
#include "utils/memutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "calib.h"
#include "callsite.h"
#include "design.h"
#include "names.h"

PG_FUNCTION_INFO_V1(svy_design_in);
PG_FUNCTION_INFO_V1(svy_design_out);
PG_FUNCTION_INFO_V1(svy_design_recv);
PG_FUNCTION_INFO_V1(svy_design_send);
PG_FUNCTION_INFO_V1(svy_design_make);
PG_FUNCTION_INFO_V1(svy_repdesign_make);
PG_FUNCTION_INFO_V1(svy_subset);

/* Seeds of the two independent 64-bit hashes that identify a value. */
#define SVY_SEED_A UINT64CONST(0x5eed0001a5a5a5a5)
#define SVY_SEED_B UINT64CONST(0x5eed0002c3c3c3c3)

/* the first name of each type is the one shown */
static const SvyName rep_types[] = {
	{"JK1", SVY_REP_JK1},
	{"JKn", SVY_REP_JKN},
	{"BRR", SVY_REP_BRR},
	{"Fay", SVY_REP_FAY},
	{"bootstrap", SVY_REP_BOOTSTRAP},
	{"SDR", SVY_REP_SDR},
	{"successive-difference", SVY_REP_SDR},
	{"other", SVY_REP_OTHER},
};

const char *
svy_rep_type_name(int rep_type)
{
	return svy_name_of(SVY_NAMES(rep_types), rep_type);
}

/* ---------- identities of strata and PSUs ---------- */

/*
 * Identities of short variable-length values seen through one SvyValueHash
 * (one call site of svy_design, one grouping argument of an aggregate: text
 * strata, PSUs and groups, country codes, area codes, names), keyed by their bytes:
 * equal bytes hash equally under any type's hash function, so a hit returns
 * exactly what the type's hash would.  A value of up to 16 bytes is two words
 * kept in its slot, so a hit costs two loads, two multiplications and one
 * slot's comparison (longer ones compare their further words too); it
 * replaces two calls of the type's extended hash (with its collation checks).
 * Open addressing; it stops growing at ID_CACHE_MAX values (more distinct
 * values are hashed as before).
 */
#define ID_CACHE_MAX_BYTES	64
#define ID_CACHE_MAX_WORDS	(ID_CACHE_MAX_BYTES / 8)
#define ID_CACHE_MAX		65536

typedef struct SvyIdCacheEntry
{
	uint64		w0;				/* the value's first two words (svy_load_short, load_long) */
	uint64		w1;
	int32		len;			/* -1: empty */
	uint32		hash;			/* id_hash_end: its top bits are the first slot */
	uint32		off;			/* of its further words in SvyIdCache.words */
	uint64		id[2];
} SvyIdCacheEntry;

typedef struct SvyIdCache
{
	MemoryContext cxt;
	SvyIdCacheEntry *slots;
	uint32		mask;			/* slots - 1 (a power of 2 minus 1) */
	int			shift;			/* 32 - log2(slots): a hash's first slot is its top bits */
	uint32		used;
	uint64	   *words;			/* the values' words after the first two */
	uint32		words_used;
	uint32		words_cap;
} SvyIdCache;

/* How to hash and print one argument ("any") of svy_design, cached per call site. */
typedef struct KeyArg
{
	bool		given;			/* false: the argument is absent (default NULL) */
	bool		from_cstring;	/* an unknown-type literal, read as text */
	Oid			typid;
	SvyValueHash hash;
	FmgrInfo	out;
} KeyArg;

/* 2-way set associative: 32 strata land in 256 pairs without evicting each other */
#define SVY_LABEL_CACHE 512

typedef struct StratumLabel
{
	uint64		id[2];
	int			len;			/* -1: empty slot */
	char		text[SVY_LABEL_MAX + 1];
} StratumLabel;

struct DesignCache
{
	SvyCallSite site;		/* first: callsite.c's list of live sites */
	KeyArg		strata;
	KeyArg		psu;
	bool		fpc_given;
	KeyArg		psu2;
	bool		fpc2_given;
	uint8		flags;			/* of every value (given arguments) */
	bool		stage_args;		/* fpc, psu2 or fpc2 given */
	/* labels of strata seen, direct-mapped: the output function runs once per stratum */
	StratumLabel labels[SVY_LABEL_CACHE];

	/* a row's second-stage unit, until its place after the label is known */
	uint64		psu2_id[2];

	/*
	 * Every value is built in buf; one that goes straight into a survey
	 * aggregate (site.consumed, callsite.c) is handed over there instead of
	 * a palloc'd copy.
	 */
	SvyDesign  *buf;			/* DESIGN_BUF_SIZE bytes, or NULL */

	/*
	 * The aggregate reads a value in the row that builds it (site.consumed
	 * and site.unordered: no ORDER BY or DISTINCT sort in between; directly
	 * or as the base of a svy_calibrate call's value): its label is left out
	 * and printed from stratum_arg, this row's stratum, only when the
	 * aggregate meets a new stratum (svy_design_label).
	 */
	Datum		stratum_arg;
};

/*
 * The first slot of a stratum's pair: the top bits of one multiplication (a
 * label lookup per row; integer strata are their own identity, so their low
 * bits alone would put strata 512 apart in one pair).
 */
static inline uint32
label_pair(const uint64 id[2])
{
	StaticAssertStmt(SVY_LABEL_CACHE == 512, "label_pair takes 9 bits");
	return (uint32) (((id[0] ^ id[1]) * UINT64CONST(0x9E3779B97F4A7C15)) >> 55) & ~1;
}

/* The largest value svy_design builds: the longest label and a second stage. */
#define DESIGN_BUF_SIZE (SVY_DESIGN_ARRAYS_OFFSET(SVY_LABEL_MAX) + sizeof(SvyStage2))

/*
 * An argument is absent when the call site passes a NULL constant (or its
 * default), or does not pass it at all: a call stored (in a view) before
 * svy_design had psu2 and fpc2 passes four arguments.
 */
static bool
arg_given(FunctionCallInfo fcinfo, int argno)
{
	FuncExpr   *expr = (FuncExpr *) fcinfo->flinfo->fn_expr;
	Node	   *arg;

	if (argno >= PG_NARGS())
		return false;
	if (expr == NULL || !IsA(expr, FuncExpr) || list_length(expr->args) <= argno)
		return !PG_ARGISNULL(argno);
	arg = (Node *) list_nth(expr->args, argno);
	return !(IsA(arg, Const) && ((Const *) arg)->constisnull);
}

static void
key_arg_init(FunctionCallInfo fcinfo, int argno, KeyArg *k, MemoryContext cxt)
{
	Oid			outfn;
	bool		varlena;

	k->given = arg_given(fcinfo, argno);
	if (!k->given)
		return;
	k->typid = get_fn_expr_argtype(fcinfo->flinfo, argno);
	/* an untyped literal ('north') is text */
	k->from_cstring = k->typid == UNKNOWNOID;
	if (k->from_cstring)
		k->typid = TEXTOID;
	svy_value_hash_init(k->typid, &k->hash, cxt);
	getTypeOutputInfo(k->typid, &outfn, &varlena);
	fmgr_info_cxt(outfn, &k->out, cxt);
}

/* 128 bits of the type's extended hash (two seeds) */
static void
value_hash(const SvyValueHash *h, Datum value, uint64 id[2])
{
	id[0] = DatumGetUInt64(FunctionCall2Coll((FmgrInfo *) &h->hash, DEFAULT_COLLATION_OID, value,
											 UInt64GetDatum(SVY_SEED_A)));
	id[1] = DatumGetUInt64(FunctionCall2Coll((FmgrInfo *) &h->hash, DEFAULT_COLLATION_OID, value,
											 UInt64GetDatum(SVY_SEED_B)));
}

/* A longer value (17 to 64 bytes): its whole words, then its last 8 bytes. */
static inline int
load_long(const unsigned char *p, int len, uint64 *w)
{
	int			n = (len + 7) / 8;

	for (int i = 0; i < n - 1; i++)
		memcpy(&w[i], p + 8 * i, 8);
	memcpy(&w[n - 1], p + len - 8, 8);
	return n;
}

/* The top half of svy_words_hash's chain: its top bits are the first slot (id_slot). */
static inline uint32
id_hash_end(uint64 h)
{
	return (uint32) (h >> 32);
}

static inline uint32
id_slot(const SvyIdCache *c, uint32 hash)
{
	return hash >> c->shift;
}

static void
id_cache_grow(SvyIdCache *c)
{
	uint32		nslots = c->slots ? (c->mask + 1) * 2 : 256;
	int			shift = c->slots ? c->shift - 1 : 32 - 8;
	SvyIdCacheEntry *slots = MemoryContextAlloc(c->cxt, sizeof(SvyIdCacheEntry) * nslots);

	for (uint32 i = 0; i < nslots; i++)
		slots[i].len = -1;
	if (c->slots)
	{
		for (uint32 i = 0; i <= c->mask; i++)
		{
			uint32		j;

			if (c->slots[i].len < 0)
				continue;
			for (j = c->slots[i].hash >> shift; slots[j].len >= 0; j = (j + 1) & (nslots - 1))
				;
			slots[j] = c->slots[i];
		}
		pfree(c->slots);
	}
	c->slots = slots;
	c->mask = nslots - 1;
	c->shift = shift;
}

/*
 * Hash a value the cache has not seen (n words w of len bytes, hash) and
 * remember its identity while the cache may grow.
 */
static void
id_cache_add(const SvyValueHash *h, Datum value, const uint64 *w, int n, int len, uint32 hash,
			 uint64 id[2])
{
	SvyIdCache *c = h->cache;
	uint32		i;

	value_hash(h, value, id);
	if (c->used >= ID_CACHE_MAX)
		return;
	/* keep the table at most half full */
	if ((c->used + 1) * 2 > c->mask + 1)
		id_cache_grow(c);
	for (i = id_slot(c, hash); c->slots[i].len >= 0; i = (i + 1) & c->mask)
		;
	if (c->words_used + n - 2 > c->words_cap)
	{
		uint32		cap = Max(c->words_cap * 2, 512);

		c->words = c->words ? repalloc(c->words, sizeof(uint64) * cap)
			: MemoryContextAlloc(c->cxt, sizeof(uint64) * cap);
		c->words_cap = cap;
	}
	if (n > 2)
		memcpy(c->words + c->words_used, w + 2, sizeof(uint64) * (n - 2));
	c->slots[i].hash = hash;
	c->slots[i].len = len;
	c->slots[i].w0 = w[0];
	c->slots[i].w1 = w[1];
	c->slots[i].off = c->words_used;
	c->slots[i].id[0] = id[0];
	c->slots[i].id[1] = id[1];
	c->words_used += n - 2;
	c->used++;
}

/* identity_cached's miss for a value of up to 16 bytes */
static pg_noinline void
identity_short_miss(const SvyValueHash *h, Datum value, uint64 w0, uint64 w1, int len, uint32 hash,
					uint64 id[2])
{
	uint64		w[2] = {w0, w1};

	id_cache_add(h, value, w, 2, len, hash, id);
}

/* identity_cached for a value of more than 16 bytes */
static pg_noinline void
identity_long(const SvyValueHash *h, Datum value, const char *data, int len, uint64 id[2])
{
	SvyIdCache *c = h->cache;
	uint64		w[ID_CACHE_MAX_WORDS];
	uint64		x;
	uint32		hash;
	int			n;

	if (len > ID_CACHE_MAX_BYTES)
	{
		value_hash(h, value, id);
		return;
	}
	n = load_long((const unsigned char *) data, len, w);
	x = svy_words_hash(len, w[0], w[1]);
	for (int i = 2; i < n; i++)
		x = (x ^ w[i]) * SVY_WORDS_MUL;
	hash = id_hash_end(x);
	for (uint32 i = id_slot(c, hash); c->slots[i].len >= 0; i = (i + 1) & c->mask)
	{
		const SvyIdCacheEntry *e = &c->slots[i];
		uint64		diff;

		if (e->w0 != w[0] || e->w1 != w[1] || e->len != len)
			continue;
		diff = 0;
		for (int j = 2; j < n; j++)
			diff |= c->words[e->off + j - 2] ^ w[j];
		if (diff == 0)
		{
			id[0] = e->id[0];
			id[1] = e->id[1];
			return;
		}
	}
	id_cache_add(h, value, w, n, len, hash, id);
}

/*
 * The identity of a variable-length value through the call site's cache;
 * values stored out of line, compressed or long are hashed directly.  A
 * value of up to 16 bytes (codes, names) keeps to registers: a slot holds
 * all of it.
 */
static pg_attribute_always_inline void
identity_cached(const SvyValueHash *h, Datum value, uint64 id[2])
{
	SvyIdCache *c = h->cache;
	const char *data;
	int			len;
	uint64		w0,
				w1;
	uint32		hash;

	if (!svy_varlena_inline(value, &data, &len))
	{
		/* out of line or compressed */
		value_hash(h, value, id);
		return;
	}
	if (len > 16)
	{
		uint64		w[3];

		/* three words (names): as load_long and identity_long, without a loop */
		if (len > 24)
		{
			identity_long(h, value, data, len, id);
			return;
		}
		svy_load_words3(data, len, w);
		hash = id_hash_end((svy_words_hash(len, w[0], w[1]) ^ w[2]) * SVY_WORDS_MUL);
		/* the match first (an empty slot's len, -1, matches no value) */
		for (uint32 i = id_slot(c, hash);; i = (i + 1) & c->mask)
		{
			const SvyIdCacheEntry *e = &c->slots[i];

			if (e->w0 == w[0] && e->w1 == w[1] && e->len == len && c->words[e->off] == w[2])
			{
				id[0] = e->id[0];
				id[1] = e->id[1];
				return;
			}
			if (e->len < 0)
				break;
		}
		identity_long(h, value, data, len, id);
		return;
	}
	svy_load_short((const unsigned char *) data, len, &w0, &w1);
	hash = id_hash_end(svy_words_hash(len, w0, w1));
	for (uint32 i = id_slot(c, hash);; i = (i + 1) & c->mask)
	{
		const SvyIdCacheEntry *e = &c->slots[i];

		/* a longer value's entry differs in len; an empty slot's is -1 */
		if (e->w0 == w0 && e->w1 == w1 && e->len == len)
		{
			id[0] = e->id[0];
			id[1] = e->id[1];
			return;
		}
		if (e->len < 0)
			break;
	}
	identity_short_miss(h, value, w0, w1, len, hash, id);
}

/* The identity of argument argno (not NULL) of key k. */
static pg_attribute_always_inline void
key_identity(FunctionCallInfo fcinfo, const KeyArg *k, int argno, uint64 id[2])
{
	Datum		v = PG_GETARG_DATUM(argno);

	/* integer keys: the test folds svy_value_identity's switch */
	if (k->hash.typid == INT4OID)
	{
		svy_value_identity(&k->hash, v, id);
		return;
	}
	if (unlikely(k->from_cstring))
		v = CStringGetTextDatum(DatumGetCString(v));
	/* text keys through the cache inline (two a row) */
	if (k->hash.cache)
		identity_cached(&k->hash, v, id);
	else
		svy_value_identity(&k->hash, v, id);
}

/* A call site's cache of svy_design's arguments 0-5 (fcinfo's, as they are in svy_calibrate_design's) */
static DesignCache *
design_cache_new(FunctionCallInfo fcinfo)
{
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	DesignCache *c = MemoryContextAllocZero(cxt, sizeof(DesignCache));

	key_arg_init(fcinfo, 1, &c->strata, cxt);
	key_arg_init(fcinfo, 2, &c->psu, cxt);
	c->fpc_given = arg_given(fcinfo, 3);
	key_arg_init(fcinfo, 4, &c->psu2, cxt);
	c->fpc2_given = arg_given(fcinfo, 5);
	/* the same on every row of the call site */
	c->flags = (c->strata.given ? SVY_HAS_STRATA : 0) | (c->psu.given ? SVY_HAS_PSU : 0) |
		(c->fpc_given ? SVY_HAS_FPC : 0) | (c->psu2.given ? SVY_HAS_PSU2 : 0) |
		(c->psu2.given && c->fpc2_given ? SVY_HAS_FPC2 : 0);
	c->stage_args = c->fpc_given || c->psu2.given || c->fpc2_given;
	for (int i = 0; i < SVY_LABEL_CACHE; i++)
		c->labels[i].len = -1;
	svy_callsite_register(&c->site, SVY_SITE_DESIGN, fcinfo);
	return c;
}

/* stratum_label's miss: print the value into a slot of its pair */
static pg_noinline StratumLabel *
stratum_label_miss(DesignCache *c, Datum value, const uint64 id[2], StratumLabel *pair)
{
	/* fill an empty slot of the pair, else replace the first */
	StratumLabel *label = pair[0].len < 0 || pair[1].len >= 0 ? pair : pair + 1;
	char	   *s;
	int			len;

	if (c->strata.from_cstring)
		value = CStringGetTextDatum(DatumGetCString(value));
	s = OutputFunctionCall(&c->strata.out, value);
	len = strlen(s);
	if (len > SVY_LABEL_MAX)
		len = pg_mbcliplen(s, len, SVY_LABEL_MAX);
	memcpy(label->text, s, len);
	memset(label->text + len, 0, sizeof(label->text) - len);
	label->len = len;
	label->id[0] = id[0];
	label->id[1] = id[1];
	pfree(s);
	return label;
}

/*
 * The label (SVY_LABEL_MAX + 1 bytes) of the stratum of the stratum
 * identity id, value its stratum argument, through the call site's cache.
 */
static inline StratumLabel *
stratum_label(DesignCache *c, Datum value, const uint64 id[2])
{
	StratumLabel *pair = &c->labels[label_pair(id)];

	if (pair[0].len >= 0 && pair[0].id[0] == id[0] && pair[0].id[1] == id[1])
		return &pair[0];
	if (pair[1].len >= 0 && pair[1].id[0] == id[0] && pair[1].id[1] == id[1])
		return &pair[1];
	return stratum_label_miss(c, value, id, pair);
}

int
svy_design_label(const SvyDesign *d, char *label)
{
	if (d->label_len == 0 && (d->flags & SVY_HAS_STRATA))
	{
		/* built in this row from stratum_arg (d, or the base design of d, a calibrated value) */
		DesignCache *c = (DesignCache *) svy_callsite_label_site(d);

		if (c != NULL)
		{
			StratumLabel *l = stratum_label(c, c->stratum_arg, d->stratum);

			memcpy(label, l->text, l->len);
			return l->len;
		}
	}
	memcpy(label, d->data, d->label_len);
	return d->label_len;
}

void
svy_value_hash_init(Oid typid, SvyValueHash *h, MemoryContext cxt)
{
	TypeCacheEntry *tce;

	h->typid = typid;
	h->cache = NULL;
	if (typid == INT2OID || typid == INT4OID || typid == INT8OID)
		return;
	tce = lookup_type_cache(typid, TYPECACHE_HASH_EXTENDED_PROC);
	if (!OidIsValid(tce->hash_extended_proc))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("could not identify an extended hash function for type %s",
						format_type_be(typid)),
				 errhint("Strata, PSUs and groups must be of a type with a hash operator class.")));
	fmgr_info_cxt(tce->hash_extended_proc, &h->hash, cxt);
	if (tce->typlen == -1)
	{
		h->cache = MemoryContextAllocZero(cxt, sizeof(SvyIdCache));
		h->cache->cxt = cxt;
		id_cache_grow(h->cache);
	}
}

/*
 * Values of other types than integers (svy_value_identity in design.h):
 * two seeds of the type's extended hash, so values equal under the type's
 * equality (the hash opclass) are the same; collatable types use the
 * database's default collation.
 */
void
svy_value_identity_hashed(const SvyValueHash *h, Datum value, uint64 id[2])
{
	if (h->cache)
		identity_cached(h, value, id);
	else
		value_hash(h, value, id);
}

static inline void
check_weight(float8 w, const char *what)
{
	/* the usual weight, in one comparison pair (per row, per replicate) */
	if (likely(w >= DBL_MIN && w <= DBL_MAX))
		return;
	if (isnan(w) || isinf(w))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be finite, not %s", what, isnan(w) ? "NaN" : "infinite")));
	if (w < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative: %g", what, w)));
	/* a subnormal weight has lost precision, and its square is 0 */
	if (w != 0 && w < DBL_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be 0 or at least %g, not %g", what, DBL_MIN, w),
				 errhint("Rescale the weights: means, proportions and ratios do not depend on their scale.")));
}

static SvyDesign *
design_alloc(int label_len, int nrep, bool rscales, bool stage2)
{
	Size		size = svy_design_layout_size(label_len, nrep, rscales, stage2);
	SvyDesign  *d = palloc(size);

	/* palloc + memset: glibc's memset beats palloc0's word loop at these sizes */
	memset(d, 0, size);

	SET_VARSIZE(d, size);
	d->label_len = label_len;
	d->nrep = nrep;
	return d;
}

/* fpc and fpc2: a positive finite number (population units, or a fraction <= 1). */
static float8
check_fpc_arg(float8 fpc, const char *what, const char *detail)
{
	if (!(fpc > 0) || isinf(fpc))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a positive finite number: %g", what, fpc),
				 errdetail("%s", detail)));
	return fpc;
}

/*
 * svy_design's fpc, psu2 and fpc2 arguments of a row (d->fpc, c->psu2_id);
 * returns fpc2 (0 when none).
 */
static pg_noinline float8
design_stage_args(FunctionCallInfo fcinfo, DesignCache *c, SvyDesign *d)
{
	float8		fpc2 = 0;

	if (c->fpc_given)
	{
		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("fpc must not be NULL")));
		d->fpc = check_fpc_arg(PG_GETARG_FLOAT8(3), "fpc",
							   "Give the number of PSUs in the population stratum, or the sampling fraction (at most 1).");
	}
	if (c->fpc2_given && !c->psu2.given)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fpc2 requires psu2"),
				 errdetail("fpc2 is the finite population correction of the second-stage units given by psu2.")));
	if (c->psu2.given)
	{
		if (!c->psu.given)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("psu2 requires psu"),
					 errdetail("Second-stage units are sampled within the PSUs of the first stage.")));
		if (c->fpc_given && !c->fpc2_given)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a two-stage design with fpc requires fpc2"),
					 errdetail("The second stage adds variance only through its finite population correction."),
					 errhint("Give fpc2, the number of second-stage units in the PSU (or the fraction sampled), or leave out psu2 for a one-stage (ultimate cluster) design.")));
		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("psu2 must not be NULL")));
		/* its place follows the label */
		key_identity(fcinfo, &c->psu2, 4, c->psu2_id);
		if (c->fpc2_given)
		{
			if (PG_ARGISNULL(5))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("fpc2 must not be NULL")));
			fpc2 = check_fpc_arg(PG_GETARG_FLOAT8(5), "fpc2",
								 "Give the number of second-stage units in the population of the PSU, or the sampling fraction (at most 1).");
		}
	}
	return fpc2;
}

/*
 * The row's value of svy_design's arguments 0-5 (of svy_design or of
 * svy_calibrate_design), built in the call site's buffer, or in into (a
 * buffer whose bytes past the value's are kept: svy_calibrate_design's).
 * row_only: into holds this call site's bare value (no label, one stage) of
 * an earlier row, and only what varies between rows is written (weight,
 * identities, fpc).
 */
static pg_attribute_always_inline SvyDesign *
design_build(FunctionCallInfo fcinfo, DesignCache **cache, SvyDesign *into, bool row_only)
{
	DesignCache *c;
	float8		weight,
				fpc2 = 0;
	StratumLabel *label = NULL;
	int			label_len;
	SvyDesign  *d;

	if (unlikely(*cache == NULL))
		*cache = design_cache_new(fcinfo);
	c = *cache;
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("survey weight must not be NULL")));
	weight = PG_GETARG_FLOAT8(0);
	check_weight(weight, "survey weight");

	/*
	 * Built in the call site's buffer: handed over as it is when the value
	 * goes straight into a survey aggregate (site.consumed, callsite.c), else
	 * copied.  Zeroed once: what this call site leaves 0 (identities and
	 * fpc of arguments it does not pass, fields and padding of a
	 * linearization design) stays 0.
	 */
	if (unlikely(c->buf == NULL))
		c->site.buf = c->buf = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, DESIGN_BUF_SIZE);
	d = into ? into : c->buf;

	if (c->strata.given)
	{
		if (PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("stratum must not be NULL")));
		key_identity(fcinfo, &c->strata, 1, d->stratum);
	}
	if (c->psu.given)
	{
		if (PG_ARGISNULL(2))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("PSU must not be NULL")));
		key_identity(fcinfo, &c->psu, 2, d->psu);
	}
	if (unlikely(c->stage_args))
		fpc2 = design_stage_args(fcinfo, c, d);

	/* the stratum's text, for messages (or later: svy_design_label) */
	if (c->strata.given)
	{
		if (row_only || c->site.unordered)
			c->stratum_arg = PG_GETARG_DATUM(1);
		else
			label = stratum_label(c, PG_GETARG_DATUM(1), d->stratum);
	}

	d->weight = weight;
	if (row_only)
		return d;
	label_len = label ? label->len : 0;
	SET_VARSIZE(d, svy_design_layout_size(label_len, 0, false, (c->flags & SVY_HAS_PSU2) != 0));
	d->label_len = label_len;
	d->kind = SVY_KIND_TAYLOR;
	d->flags = c->flags;
	/* the label with the zeros to its alignment (the cache keeps them), by words */
	if (label)
		for (int i = 0; i < label_len; i += 8)
			memcpy(d->data + i, label->text + i, 8);
	if (c->flags & SVY_HAS_PSU2)
	{
		SvyStage2  *stage2 = (SvyStage2 *) svy_design_stage2(d);

		stage2->psu2[0] = c->psu2_id[0];
		stage2->psu2[1] = c->psu2_id[1];
		stage2->fpc2 = fpc2;
	}
	return d;
}

/*
 * svy_design(weight float8, strata "any", psu "any", fpc float8,
 *            psu2 "any", fpc2 float8)
 */
Datum
svy_design_make(PG_FUNCTION_ARGS)
{
	DesignCache **cache = (DesignCache **) &fcinfo->flinfo->fn_extra;
	SvyDesign  *d = design_build(fcinfo, cache, NULL, false);

	if ((*cache)->site.consumed)
		PG_RETURN_POINTER(d);
	PG_RETURN_POINTER(memcpy(palloc(VARSIZE(d)), d, VARSIZE(d)));
}

SvyDesign *
svy_design_build(FunctionCallInfo fcinfo, DesignCache **cache, SvyDesign *into)
{
	return design_build(fcinfo, cache, into, false);
}

bool
svy_design_build_bare(FunctionCallInfo fcinfo, DesignCache *c, SvyDesign *into)
{
	if ((c->strata.given && !c->site.unordered) || (c->flags & SVY_HAS_PSU2))
		return false;
	design_build(fcinfo, &c, into, true);
	return true;
}

static int
rep_type_parse(const char *s)
{
	int			t = svy_name_value(SVY_NAMES(rep_types), s);

	return t < 0 ? 0 : t;
}

/* A float8[] without NULLs, as a C array; NULL if the argument is NULL. */
static float8 *
float8_array(ArrayType *a, int *n, const char *what)
{
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	if (array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain NULLs", what)));
	*n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	return (float8 *) ARR_DATA_PTR(a);
}

/*
 * svy_repdesign(weight, repweights float8[], type text, scale float8,
 *               rscales float8[], mse boolean, rho float8)
 * Defaults for scale and rscales follow R's svrepdesign(combined.weights = TRUE).
 */
Datum
svy_repdesign_make(PG_FUNCTION_ARGS)
{
	float8		weight;
	float8	   *rw,
			   *rscales = NULL;
	int			nrep,
				nrscales = 0,
				type;
	char	   *type_name;
	float8		scale,
				rho = 0;
	SvyDesign  *d;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("weight, replicate weights and type of a replicate design must not be NULL")));
	weight = PG_GETARG_FLOAT8(0);
	check_weight(weight, "survey weight");
	rw = float8_array(PG_GETARG_ARRAYTYPE_P(1), &nrep, "replicate weights");
	if (nrep < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a replicate design needs at least 2 replicate weights, not %d", nrep)));
	for (int r = 0; r < nrep; r++)
		check_weight(rw[r], "replicate weight");

	type_name = text_to_cstring(PG_GETARG_TEXT_PP(2));
	type = rep_type_parse(type_name);
	if (type == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown replicate weight type \"%s\"", type_name),
				 errhint("Valid types are JK1, JKn, BRR, Fay, bootstrap, SDR and other.")));

	if (!PG_ARGISNULL(6))
		rho = PG_GETARG_FLOAT8(6);
	if (type == SVY_REP_FAY)
	{
		if (PG_ARGISNULL(6))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("replicate type Fay requires rho")));
		if (!(rho > 0 && rho < 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("Fay's rho must be between 0 and 1, not %g", rho)));
	}

	if (!PG_ARGISNULL(4))
	{
		rscales = float8_array(PG_GETARG_ARRAYTYPE_P(4), &nrscales, "rscales");
		if (nrscales != nrep && nrscales != 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("rscales has %d elements, but there are %d replicates", nrscales, nrep)));
		for (int r = 0; r < nrscales; r++)
			if (!(rscales[r] >= 0) || isinf(rscales[r]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("rscales must be finite and not negative")));
	}
	else if (type == SVY_REP_JKN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("replicate type JKn requires rscales"),
				 errdetail("Each replicate's rscale is (n_h - 1) / n_h for the stratum it drops a PSU from.")));

	if (!PG_ARGISNULL(3))
	{
		scale = PG_GETARG_FLOAT8(3);
		if (!(scale > 0) || isinf(scale))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scale must be a positive finite number: %g", scale)));
	}
	else
		switch (type)
		{
			case SVY_REP_JK1:
				scale = (nrep - 1.0) / nrep;
				break;
			case SVY_REP_BRR:
				scale = 1.0 / nrep;
				break;
			case SVY_REP_FAY:
				scale = 1.0 / (nrep * (1.0 - rho) * (1.0 - rho));
				break;
			case SVY_REP_BOOTSTRAP:
				scale = 1.0 / (nrep - 1.0);
				break;
			case SVY_REP_SDR:
				scale = 4.0 / nrep;
				break;
			default:
				scale = 1.0;
				break;
		}

	d = design_alloc(0, nrep, rscales != NULL, false);
	d->kind = SVY_KIND_REPLICATE;
	d->rep_type = type;
	d->weight = weight;
	d->scale = scale;
	d->rho = rho;
	if (!PG_ARGISNULL(5) && PG_GETARG_BOOL(5))
		d->flags |= SVY_MSE;
	memcpy((float8 *) svy_design_repweights(d), rw, sizeof(float8) * nrep);
	if (rscales)
	{
		float8	   *dst;

		d->flags |= SVY_HAS_RSCALES;	/* before: svy_design_rscales() reads it */
		dst = (float8 *) svy_design_rscales(d);
		for (int r = 0; r < nrep; r++)
			dst[r] = rscales[nrscales == 1 ? 0 : r];
	}
	PG_RETURN_POINTER(d);
}

/*
 * svy_subset(d, in_domain): the row stays in the design; false or NULL
 * takes it out of the domain.
 */
Datum
svy_subset(PG_FUNCTION_ARGS)
{
	SvyDesign  *d;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	d = (SvyDesign *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
	if (PG_ARGISNULL(1) || !PG_GETARG_BOOL(1))
		d->flags |= SVY_OUT_OF_DOMAIN;
	PG_RETURN_POINTER(d);
}

/* ---------- text I/O ----------
 *
 * taylor w=<w> fpc=<fpc> flags=<hex> sid=<32 hex> pid=<32 hex> [p2=<32 hex> fpc2=<f>] label=<text to end>
 *   (p2 and fpc2 only for two-stage designs)
 * replicate type=<t> w=<w> scale=<s> rho=<r> flags=<hex> rw={...} [rs={...}]
 *
 * Numbers are the shortest exact decimal whatever extra_float_digits says,
 * so that the form is lossless (dumps, binary send).
 */

static void
append_floats(StringInfo buf, const float8 *v, int n)
{
	appendStringInfoChar(buf, '{');
	for (int i = 0; i < n; i++)
	{
		char	   *s = double_to_shortest_decimal(v[i]);

		appendStringInfo(buf, "%s%s", i ? "," : "", s);
		pfree(s);
	}
	appendStringInfoChar(buf, '}');
}

Datum
svy_design_out(PG_FUNCTION_ARGS)
{
	SvyDesign  *d = PG_GETARG_SVYDESIGN_P(0);
	StringInfoData buf;
	char	   *w = double_to_shortest_decimal(d->weight);

	initStringInfo(&buf);
	/* calibrated designs (calib_design.c): a prefix, then the base design */
	if (svy_design_is_calibrated(d))
		svy_calib_design_out(&buf, d);
	if (d->kind == SVY_KIND_REPLICATE)
	{
		char	   *scale = double_to_shortest_decimal(d->scale);
		char	   *rho = double_to_shortest_decimal(d->rho);

		appendStringInfo(&buf, "replicate type=%s w=%s scale=%s rho=%s flags=%x rw=",
						 svy_rep_type_name(d->rep_type), w, scale, rho, d->flags);
		append_floats(&buf, svy_design_repweights(d), d->nrep);
		if (d->flags & SVY_HAS_RSCALES)
		{
			appendStringInfoString(&buf, " rs=");
			append_floats(&buf, svy_design_rscales(d), d->nrep);
		}
	}
	else
	{
		char	   *fpc = double_to_shortest_decimal(d->fpc);

		appendStringInfo(&buf, "taylor w=%s fpc=%s flags=%x sid=%016llx%016llx pid=%016llx%016llx ",
						 w, fpc, d->flags,
						 (unsigned long long) d->stratum[0], (unsigned long long) d->stratum[1],
						 (unsigned long long) d->psu[0], (unsigned long long) d->psu[1]);
		if (d->flags & SVY_HAS_PSU2)
		{
			const SvyStage2 *s2 = svy_design_stage2(d);

			appendStringInfo(&buf, "p2=%016llx%016llx fpc2=%s ",
							 (unsigned long long) s2->psu2[0], (unsigned long long) s2->psu2[1],
							 float8out_internal(s2->fpc2));
		}
		appendStringInfoString(&buf, "label=");
		appendBinaryStringInfo(&buf, d->data, d->label_len);
	}
	PG_RETURN_CSTRING(buf.data);
}

static void
bad_design_literal(const char *s)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "svy_design", s)));
}

/* Expect "key=" at *p and advance past it. */
static void
expect_key(const char **p, const char *key, const char *whole)
{
	size_t		len = strlen(key);

	while (**p == ' ')
		(*p)++;
	if (strncmp(*p, key, len) != 0 || (*p)[len] != '=')
		bad_design_literal(whole);
	*p += len + 1;
}

static float8
parse_float(const char **p, const char *whole)
{
	char	   *end;
#if PG_VERSION_NUM >= 160000
	float8		v = float8in_internal((char *) *p, &end, "svy_design", whole, NULL);
#else
	float8		v = float8in_internal_opt_error((char *) *p, &end, "svy_design", whole, NULL);
#endif

	*p = end;
	return v;
}

static uint64
parse_hex64(const char **p, const char *whole)
{
	uint64		v = 0;

	for (int i = 0; i < 16; i++, (*p)++)
	{
		char		c = **p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else
			bad_design_literal(whole);
	}
	return v;
}

static int
parse_floats(const char **p, float8 *out, int max, const char *whole)
{
	int			n = 0;

	if (**p != '{')
		bad_design_literal(whole);
	(*p)++;
	while (**p != '}')
	{
		if (n > 0)
		{
			if (**p != ',')
				bad_design_literal(whole);
			(*p)++;
		}
		if (n == max)
			bad_design_literal(whole);
		out[n++] = parse_float(p, whole);
	}
	(*p)++;
	return n;
}

/* Values read back go through the same checks as the constructors. */
Datum
svy_design_in(PG_FUNCTION_ARGS)
{
	const char *s = PG_GETARG_CSTRING(0);
	const char *p = s;
	SvyDesign  *d;
	char	   *end;
	unsigned long flags;

	if (strncmp(p, "calibrated ", 11) == 0)
		PG_RETURN_POINTER(svy_calib_design_in(s));
	if (strncmp(p, "taylor ", 7) == 0)
	{
		float8		w,
					fpc;
		uint64		sid[2],
					pid[2];
		SvyStage2	stage2 = {{0, 0}, 0};
		int			len;

		p += 7;
		expect_key(&p, "w", s);
		w = parse_float(&p, s);
		expect_key(&p, "fpc", s);
		fpc = parse_float(&p, s);
		expect_key(&p, "flags", s);
		flags = strtoul(p, &end, 16);
		p = end;
		expect_key(&p, "sid", s);
		sid[0] = parse_hex64(&p, s);
		sid[1] = parse_hex64(&p, s);
		expect_key(&p, "pid", s);
		pid[0] = parse_hex64(&p, s);
		pid[1] = parse_hex64(&p, s);
		if (flags & SVY_HAS_PSU2)
		{
			expect_key(&p, "p2", s);
			stage2.psu2[0] = parse_hex64(&p, s);
			stage2.psu2[1] = parse_hex64(&p, s);
			expect_key(&p, "fpc2", s);
			stage2.fpc2 = parse_float(&p, s);
		}
		expect_key(&p, "label", s);
		len = strlen(p);
		check_weight(w, "survey weight");
		if (flags & ~(SVY_HAS_STRATA | SVY_HAS_PSU | SVY_HAS_FPC | SVY_OUT_OF_DOMAIN |
					  SVY_HAS_PSU2 | SVY_HAS_FPC2) ||
			len > SVY_LABEL_MAX || fpc < 0 || isinf(fpc) ||
			((flags & SVY_HAS_FPC) != 0) != (fpc > 0) ||
			((flags & SVY_HAS_PSU2) && !(flags & SVY_HAS_PSU)) ||
			((flags & SVY_HAS_FPC2) && !(flags & SVY_HAS_PSU2)) ||
			stage2.fpc2 < 0 || isinf(stage2.fpc2) ||
			((flags & SVY_HAS_FPC2) != 0) != (stage2.fpc2 > 0))
			bad_design_literal(s);
		d = design_alloc(len, 0, false, (flags & SVY_HAS_PSU2) != 0);
		d->kind = SVY_KIND_TAYLOR;
		d->flags = flags;
		d->weight = w;
		d->fpc = fpc;
		d->stratum[0] = sid[0];
		d->stratum[1] = sid[1];
		d->psu[0] = pid[0];
		d->psu[1] = pid[1];
		memcpy(d->data, p, len);
		if (flags & SVY_HAS_PSU2)
			memcpy((SvyStage2 *) svy_design_stage2(d), &stage2, sizeof(stage2));
	}
	else if (strncmp(p, "replicate ", 10) == 0)
	{
		char		tname[32];
		int			tlen = 0,
					type,
					nrep,
					nrs = 0;
		float8		w,
					scale,
					rho;
		float8	   *rw,
				   *rs;
		int			max = strlen(s);

		p += 10;
		expect_key(&p, "type", s);
		while (*p && *p != ' ' && tlen < (int) sizeof(tname) - 1)
			tname[tlen++] = *p++;
		tname[tlen] = '\0';
		type = rep_type_parse(tname);
		expect_key(&p, "w", s);
		w = parse_float(&p, s);
		expect_key(&p, "scale", s);
		scale = parse_float(&p, s);
		expect_key(&p, "rho", s);
		rho = parse_float(&p, s);
		expect_key(&p, "flags", s);
		flags = strtoul(p, &end, 16);
		p = end;
		expect_key(&p, "rw", s);
		rw = palloc(sizeof(float8) * max);
		rs = palloc(sizeof(float8) * max);
		nrep = parse_floats(&p, rw, max, s);
		if (flags & SVY_HAS_RSCALES)
		{
			expect_key(&p, "rs", s);
			nrs = parse_floats(&p, rs, max, s);
		}
		if (*p != '\0' || type == 0 || nrep < 2 ||
			flags & ~(SVY_MSE | SVY_HAS_RSCALES | SVY_OUT_OF_DOMAIN) ||
			((flags & SVY_HAS_RSCALES) && nrs != nrep) ||
			!(scale > 0) || isinf(scale) || !(rho >= 0 && rho < 1) ||
			(type == SVY_REP_FAY) != (rho > 0))
			bad_design_literal(s);
		check_weight(w, "survey weight");
		for (int r = 0; r < nrep; r++)
		{
			check_weight(rw[r], "replicate weight");
			if (nrs && !(rs[r] >= 0 && !isinf(rs[r])))
				bad_design_literal(s);
		}
		d = design_alloc(0, nrep, nrs > 0, false);
		d->kind = SVY_KIND_REPLICATE;
		d->rep_type = type;
		d->flags = flags;
		d->weight = w;
		d->scale = scale;
		d->rho = rho;
		memcpy((float8 *) svy_design_repweights(d), rw, sizeof(float8) * nrep);
		if (nrs)
			memcpy((float8 *) svy_design_rscales(d), rs, sizeof(float8) * nrep);
	}
	else
	{
		bad_design_literal(s);
		d = NULL;				/* keep compiler quiet */
	}
	PG_RETURN_POINTER(d);
}

/*
 * Binary form: the text form (which is lossless: floats are written
 * shortest-exact), so that receive validates exactly what input validates.
 */
Datum
svy_design_send(PG_FUNCTION_ARGS)
{
	char	   *text = DatumGetCString(DirectFunctionCall1(svy_design_out, PG_GETARG_DATUM(0)));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendtext(&buf, text, strlen(text));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
svy_design_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;

	if (memchr(buf->data + buf->cursor, '\0', len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external svy_design value: NUL byte")));
	return DirectFunctionCall1(svy_design_in, CStringGetDatum(pq_getmsgtext(buf, len, &len)));
}
