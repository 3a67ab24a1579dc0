/*
 * negentropy.c: NIP-77 negentropy v1 (see negentropy.h).
 *
 * A message is checked whole by neg_parse, then its ranges are answered one by
 * one into a writer.  The writer keeps the frame limit: before each piece (one
 * range of the reply) it checks that the piece, the Skip it may owe before it,
 * and a closing fingerprint still fit; when a piece does not, the reply ends
 * with one Fingerprint range from the last bound written to infinity, which
 * the peer answers in the next round.  A Skip owed before that closing range
 * is written first, so ranges already settled are not asked about again.
 * When the server's reply is cut, though, its closing range covers ranges
 * the client had settled; so the client remembers the ids it reported (a
 * hash table keyed with a random secret, as the ids come from the peer).
 *
 * Fingerprints come from the running sums of the storage: the sum over
 * [lo, hi) is sums[hi] - sums[lo] mod 2^256, one subtraction per range.
 */
#include "nostr/negentropy.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/sha256.h"

#define TS_INF   UINT64_MAX
#define BUCKETS  16
#define RADIX_BITS    11
#define RADIX_DIGITS  (1 << RADIX_BITS)
/* Room always kept: a Skip (bound <= 43 bytes, mode 1) and the closing range. */
#define BOUND_MAX   (NEG_VARINT_MAX + 1 + NEG_ID_SIZE)
#define CLOSING     (1 + 1 + 1 + NEG_FP_SIZE)
#define RESERVE     (BOUND_MAX + 1 + CLOSING)

const char neg_err_version[] = "unsupported negentropy protocol version";

/* ---- varints and bounds ---- */

static size_t
varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >>= 7)
		n++;
	return n;
}

void
neg_varint_put(struct buf *out, uint64_t v)
{
	uint8_t tmp[NEG_VARINT_MAX];
	size_t n = varint_len(v), i;

	for (i = n; i-- > 0; v >>= 7)
		tmp[i] = (uint8_t)((v & 127) | (i + 1 < n ? 128 : 0));
	buf_append(out, tmp, n);
}

const char *
neg_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t x = 0;
	uint8_t b;

	if (q < end && *q == 0x80)
		return "varint not minimal";
	do {
		if (q >= end)
			return "truncated varint";
		b = *q++;
		if (x >> 57)
			return "varint overflows 64 bits";
		x = x << 7 | (b & 127);
	} while (b & 128);
	*p = q;
	*v = x;
	return NULL;
}

/* ts_code: the varint a bound's timestamp is written as, after last. */
static uint64_t
ts_code(uint64_t ts, uint64_t last)
{
	return ts == TS_INF ? 0 : ts - last + 1;
}

static size_t
bound_size(const struct neg_bound *b, uint64_t last)
{
	return varint_len(ts_code(b->ts, last)) + varint_len(b->len) + b->len;
}

void
neg_bound_put(struct buf *out, const struct neg_bound *b, uint64_t *last_ts)
{
	neg_varint_put(out, ts_code(b->ts, *last_ts));
	neg_varint_put(out, b->len);
	buf_append(out, b->prefix, b->len);
	*last_ts = b->ts;
}

static int
bound_cmp(const struct neg_bound *a, const struct neg_bound *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return memcmp(a->prefix, b->prefix, NEG_ID_SIZE);
}

/* bound_min: the shortest bound above item prev and at or below item next. */
static void
bound_min(const struct neg_item *prev, const struct neg_item *next, struct neg_bound *b)
{
	size_t shared = 0;

	memset(b, 0, sizeof *b);
	b->ts = next->ts;
	if (prev->ts != next->ts)
		return;
	while (shared < NEG_ID_SIZE - 1 && prev->id[shared] == next->id[shared])
		shared++;
	b->len = shared + 1;
	memcpy(b->prefix, next->id, b->len);
}

static void
bound_inf(struct neg_bound *b)
{
	memset(b, 0, sizeof *b);
	b->ts = TS_INF;
}

/* ---- 256-bit sums and fingerprints ---- */

static uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
sum_add_id(struct neg_sum *s, const uint8_t id[NEG_ID_SIZE])
{
	uint64_t carry = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t x = load_le64(id + 8 * i), t = s->w[i] + x;
		uint64_t c = t < x;

		s->w[i] = t + carry;
		carry = c | (s->w[i] < t);
	}
}

static void
sum_sub(const struct neg_sum *a, const struct neg_sum *b, struct neg_sum *out)
{
	uint64_t borrow = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t t = a->w[i] - b->w[i];
		uint64_t c = a->w[i] < b->w[i];

		out->w[i] = t - borrow;
		borrow = c | (t < borrow);
	}
}

static void
sum_fingerprint(const struct neg_sum *s, uint64_t count, uint8_t out[NEG_FP_SIZE])
{
	uint8_t in[NEG_ID_SIZE + NEG_VARINT_MAX], digest[32];
	size_t n = varint_len(count), i;

	for (i = 0; i < NEG_ID_SIZE; i++)
		in[i] = (uint8_t)(s->w[i / 8] >> (8 * (i % 8)));
	for (i = n; i-- > 0; count >>= 7)
		in[NEG_ID_SIZE + i] = (uint8_t)((count & 127) | (i + 1 < n ? 128 : 0));
	sha256(in, NEG_ID_SIZE + n, digest);
	memcpy(out, digest, NEG_FP_SIZE);
}

void
neg_fingerprint(const uint8_t *ids, size_t count, uint8_t out[NEG_FP_SIZE])
{
	struct neg_sum s = { { 0, 0, 0, 0 } };

	for (size_t i = 0; i < count; i++)
		sum_add_id(&s, ids + NEG_ID_SIZE * i);
	sum_fingerprint(&s, count, out);
}

/* ---- storage ---- */

void
neg_storage_init(struct neg_storage *s)
{
	memset(s, 0, sizeof *s);
}

int
neg_storage_add(struct neg_storage *s, uint64_t ts, const uint8_t id[NEG_ID_SIZE])
{
	if (s->sealed || ts == TS_INF)
		return -1;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->items = xrealloc(s->items, s->cap * sizeof *s->items);
	}
	s->items[s->n].ts = ts;
	memcpy(s->items[s->n].id, id, NEG_ID_SIZE);
	s->n++;
	return 0;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct neg_item *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return memcmp(x->id, y->id, NEG_ID_SIZE);
}

/* radix_pass: a stable pass of radix_sort on the digit at shift, from a to b. */
static void
radix_pass(const struct neg_item *a, struct neg_item *b, size_t n, uint64_t min, int shift)
{
	static const size_t mask = RADIX_DIGITS - 1;
	size_t count[RADIX_DIGITS] = { 0 }, sum = 0, i, c;

	for (i = 0; i < n; i++)
		count[(a[i].ts - min) >> shift & mask]++;
	for (i = 0; i < RADIX_DIGITS; i++) {
		c = count[i];
		count[i] = sum;
		sum += c;
	}
	for (i = 0; i < n; i++)
		b[count[(a[i].ts - min) >> shift & mask]++] = a[i];
}

/*
 * sort_items: sorts by timestamp (a least-significant-digit radix sort over
 * the span of the timestamps), then each run of one timestamp by id.
 */
static void
sort_items(struct neg_item *items, size_t n)
{
	struct neg_item *a = items, *b, *t;
	uint64_t min = UINT64_MAX, max = 0;
	size_t i, run;

	if (n < 2)
		return;
	if (n < 1024) {
		qsort(items, n, sizeof *items, item_cmp);
		return;
	}
	for (i = 0; i < n; i++) {
		min = items[i].ts < min ? items[i].ts : min;
		max = items[i].ts > max ? items[i].ts : max;
	}
	b = xmalloc(n * sizeof *b);
	for (int shift = 0; shift < 64 && (max - min) >> shift; shift += RADIX_BITS) {
		radix_pass(a, b, n, min, shift);
		t = a, a = b, b = t;
	}
	if (a != items) {
		memcpy(items, a, n * sizeof *items);
		b = a;
	}
	free(b);
	for (i = 0; i < n; i += run) {
		for (run = 1; i + run < n && items[i + run].ts == items[i].ts; run++)
			;
		if (run > 1)
			qsort(items + i, run, sizeof *items, item_cmp);
	}
}

/* drop_repeats: removes exact duplicates from sorted items; the new count. */
static size_t
drop_repeats(struct neg_item *items, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (kept == 0 || item_cmp(&items[kept - 1], &items[i]) != 0)
			items[kept++] = items[i];
	return kept;
}

/* make_sums: sums[i], the sum of the first i ids, for every i up to n. */
static struct neg_sum *
make_sums(const struct neg_item *items, size_t n)
{
	struct neg_sum *sums = xmalloc((n + 1) * sizeof *sums);

	memset(&sums[0], 0, sizeof sums[0]);
	for (size_t i = 0; i < n; i++) {
		sums[i + 1] = sums[i];
		sum_add_id(&sums[i + 1], items[i].id);
	}
	return sums;
}

void
neg_storage_seal(struct neg_storage *s)
{
	if (s->sealed)
		return;
	sort_items(s->items, s->n);
	s->n = drop_repeats(s->items, s->n);
	s->sums = make_sums(s->items, s->n);
	s->sealed = 1;
}

static int
item_below(const struct neg_item *it, const struct neg_bound *b)
{
	if (it->ts != b->ts)
		return it->ts < b->ts;
	return memcmp(it->id, b->prefix, NEG_ID_SIZE) < 0;
}

/*
 * The ranges of a message come in order and are mostly short, so the search
 * gallops from `from` (1, 2, 4... items on) before it halves: a few probes
 * near the last bound rather than twenty cache misses over the whole set.
 */
size_t
neg_storage_lower_bound(const struct neg_storage *s, size_t from, const struct neg_bound *b)
{
	size_t lo = from, hi = s->n, step = 1, probe;

	/* Items before lo are below b; the first at probe that is not ends it. */
	while ((probe = lo + step - 1) < hi) {
		if (!item_below(&s->items[probe], b)) {
			hi = probe;
			break;
		}
		lo = probe + 1;
		step *= 2;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (item_below(&s->items[mid], b))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
neg_storage_fingerprint(const struct neg_storage *s, size_t lo, size_t hi,
    uint8_t out[NEG_FP_SIZE])
{
	struct neg_sum d;

	sum_sub(&s->sums[hi], &s->sums[lo], &d);
	sum_fingerprint(&d, hi - lo, out);
}

void
neg_storage_free(struct neg_storage *s)
{
	free(s->items);
	free(s->sums);
	neg_storage_init(s);
}

/* ---- parsing ---- */

/* read_bound: the next bound of m into b, checked against the one before. */
static const char *
read_bound(struct neg_msg *m, struct neg_bound *b)
{
	const char *why;
	uint64_t code, len;

	memset(b, 0, sizeof *b);
	if ((why = neg_varint_get(&m->p, m->end, &code)) != NULL)
		return why;
	if (code == 0) {
		b->ts = TS_INF;
	} else if (m->last_ts == TS_INF) {
		return "finite bound after infinity";
	} else if (code - 1 >= TS_INF - m->last_ts) {
		return "timestamp overflows to infinity";
	} else {
		b->ts = m->last_ts + (code - 1);
	}
	if ((why = neg_varint_get(&m->p, m->end, &len)) != NULL)
		return why;
	if (len > NEG_ID_SIZE)
		return "id prefix longer than 32 bytes";
	if ((size_t)(m->end - m->p) < len)
		return "truncated id prefix";
	b->len = (size_t)len;
	memcpy(b->prefix, m->p, b->len);
	m->p += b->len;
	if (bound_cmp(b, &m->prev) < 0)
		return "bounds out of order";
	m->last_ts = b->ts;
	m->prev = *b;
	return NULL;
}

/* read_range: the next range of m into r, all of it checked. */
static const char *
read_range(struct neg_msg *m, struct neg_range *r)
{
	const char *why;
	uint64_t mode, count;

	if ((why = read_bound(m, &r->upper)) != NULL)
		return why;
	if ((why = neg_varint_get(&m->p, m->end, &mode)) != NULL)
		return why;
	r->count = 0;
	r->payload = m->p;
	switch (mode) {
	case NEG_SKIP:
		break;
	case NEG_FINGERPRINT:
		if (m->end - m->p < NEG_FP_SIZE)
			return "truncated fingerprint";
		m->p += NEG_FP_SIZE;
		break;
	case NEG_IDLIST:
		if ((why = neg_varint_get(&m->p, m->end, &count)) != NULL)
			return why;
		if (count > (uint64_t)(m->end - m->p) / NEG_ID_SIZE)
			return "IdList longer than the message";
		r->payload = m->p;
		r->count = (size_t)count;
		m->p += r->count * NEG_ID_SIZE;
		break;
	default:
		return "unknown range mode";
	}
	r->mode = (enum neg_mode)mode;
	return NULL;
}

static void
msg_rewind(struct neg_msg *m)
{
	m->p = m->data + 1;
	m->last_ts = 0;
	memset(&m->prev, 0, sizeof m->prev);
}

const char *
neg_parse(const uint8_t *data, size_t len, struct neg_msg *m)
{
	struct neg_range r;
	const char *why;

	if (len == 0)
		return "empty message";
	if (data[0] < 0x60 || data[0] > 0x6f)
		return "not a negentropy message";
	if (data[0] != NEG_VERSION)
		return neg_err_version;
	m->data = data;
	m->end = data + len;
	m->nranges = 0;
	msg_rewind(m);
	while (m->p < m->end) {
		if ((why = read_range(m, &r)) != NULL)
			return why;
		m->nranges++;
	}
	msg_rewind(m);
	return NULL;
}

int
neg_msg_next(struct neg_msg *m, struct neg_range *r)
{
	if (m->p >= m->end)
		return 0;
	/* neg_parse read it all already: this cannot fail. */
	return read_range(m, r) == NULL;
}

/* ---- the writer of one message ---- */

struct writer {
	struct buf *out;
	size_t start;            /* out->len where the message begins */
	size_t limit;            /* 0: unlimited */
	const struct neg_storage *st;
	uint64_t last_ts;
	size_t index;            /* storage index of the last bound written */
	int skip;                /* a Skip up to skip_bound is owed */
	struct neg_bound skip_bound;
	size_t skip_index;
	int full;                /* a piece did not fit: stop, close the message */
	const struct idlist_plan *plan; /* client: IdLists it chose; else NULL */
};

static void
w_begin(struct writer *w, struct buf *out, size_t limit, const struct neg_storage *st)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	w->start = out->len;
	w->limit = limit;
	w->st = st;
	buf_putc(out, (char)NEG_VERSION);
}

/* ---- when a client sends its ids rather than fingerprints ---- */

/* A client's IdLists chosen over fingerprints: up to a quarter of a frame. */
#define IDLIST_CHOSEN_MAX (NEG_FRAME_NOSTR / (4 * NEG_ID_SIZE))

struct idlist_plan {
	size_t max;                                  /* sizes up to this one */
	unsigned char range[IDLIST_CHOSEN_MAX + 1];  /* a range that differs */
	unsigned char bucket[IDLIST_CHOSEN_MAX + 1]; /* a bucket of a split */
};

/* Bytes the server spends on one fingerprint of a split (bounds are short). */
#define FP_PIECE   (NEG_FP_SIZE + 6)
/* Bytes of an IdList of count ids, its bound and mode included. */
#define IDLIST_PIECE(count) (NEG_ID_SIZE * (count) + 8)

/* Ids a client compares in IdLists before it trusts what they say. */
#define ODDS_MIN 1024

/*
 * plan_idlists: which ranges the client sends as IdLists for its next
 * message, by size, from the IdLists it compared so far: the share of ids
 * there on one side only is taken as the chance that any item is, so a
 * bucket of m items differs with odds 1 - (1 - share)^m.  (Those IdLists
 * are of ranges found to differ, so the guess runs high when few items
 * differ; it still leaves a client 1% apart splitting as before.)  Costs are
 * bytes both ways: an IdList, our ids and then the server's; a fingerprint,
 * one each way and, if the bucket differs, what settling it costs then.  A
 * range that differs is sent as an IdList rather than as 16 buckets when
 * that costs no more; a bucket of a split, when its fingerprint would not
 * save bytes.  Only up to max items, and none until ODDS_MIN ids were
 * compared (then max is 0).
 */
static void
plan_idlists(struct idlist_plan *pl, const struct neg_odds *o, size_t limit)
{
	size_t frame = limit != 0 && limit < NEG_FRAME_NOSTR ? limit : NEG_FRAME_NOSTR;
	double cost[IDLIST_CHOSEN_MAX + 1], same = 1, idlist, settle, fp;

	memset(pl, 0, sizeof *pl);
	if (o->listed < ODDS_MIN)
		return;
	pl->max = frame / (4 * NEG_ID_SIZE);
	cost[0] = 0;
	for (size_t m = 1; m <= pl->max; m++) {
		same *= 1.0 - (double)o->differing / (double)o->listed;
		idlist = 2.0 * IDLIST_PIECE(m);
		settle = idlist;
		if (m >= 2 * BUCKETS && BUCKETS * cost[m / BUCKETS] < idlist)
			settle = BUCKETS * cost[m / BUCKETS];
		pl->range[m] = m >= 2 * BUCKETS && idlist <= BUCKETS * cost[m / BUCKETS];
		fp = 2.0 * FP_PIECE + (1.0 - same) * settle;
		pl->bucket[m] = idlist <= fp;
		cost[m] = idlist <= fp ? idlist : fp;
	}
}

/* w_skip: the range up to bound b (storage index i) needs nothing from the peer. */
static void
w_skip(struct writer *w, const struct neg_bound *b, size_t i)
{
	w->skip = 1;
	w->skip_bound = *b;
	w->skip_index = i;
}

/* w_cost: bytes a piece with bound b and payload bytes adds, owed Skip included. */
static size_t
w_cost(const struct writer *w, const struct neg_bound *b, size_t payload)
{
	uint64_t last = w->last_ts;
	size_t c = 0;

	if (w->skip) {
		c += bound_size(&w->skip_bound, last) + 1;
		last = w->skip_bound.ts;
	}
	return c + bound_size(b, last) + 1 + payload;
}

/* w_room: whether that piece fits, leaving room to close the message. */
static int
w_room(const struct writer *w, const struct neg_bound *b, size_t payload)
{
	if (w->limit == 0)
		return 1;
	return w->out->len - w->start + w_cost(w, b, payload) + RESERVE <= w->limit;
}

static void
w_flush_skip(struct writer *w)
{
	if (!w->skip)
		return;
	neg_bound_put(w->out, &w->skip_bound, &w->last_ts);
	neg_varint_put(w->out, NEG_SKIP);
	w->index = w->skip_index;
	w->skip = 0;
}

/* w_piece: starts a range up to bound b (storage index i); the payload follows. */
static void
w_piece(struct writer *w, const struct neg_bound *b, enum neg_mode mode, size_t i)
{
	w_flush_skip(w);
	neg_bound_put(w->out, b, &w->last_ts);
	neg_varint_put(w->out, mode);
	w->index = i;
}

/* w_finish: closes a message cut by the limit with a fingerprint of the rest. */
static void
w_finish(struct writer *w)
{
	struct neg_bound inf;
	uint8_t fp[NEG_FP_SIZE];

	if (!w->full)
		return;   /* a trailing Skip is implied */
	w_flush_skip(w);
	bound_inf(&inf);
	neg_storage_fingerprint(w->st, w->index, w->st->n, fp);
	w_piece(w, &inf, NEG_FINGERPRINT, w->st->n);
	buf_append(w->out, fp, NEG_FP_SIZE);
}

/* idlist_fit: how many of count ids fit in an IdList now (worst-case bound). */
static size_t
idlist_fit(const struct writer *w, size_t count)
{
	size_t used = w->out->len - w->start + RESERVE + BOUND_MAX + 1 + varint_len(count);

	if (w->skip)
		used += bound_size(&w->skip_bound, w->last_ts) + 1;
	if (used >= w->limit)
		return 0;
	return (w->limit - used) / NEG_ID_SIZE;
}

/*
 * put_idlist: an IdList of items [lower, upper) up to bound ub; when it does
 * not fit, the first ids that do, up to a bound just above the last of them.
 */
static void
put_idlist(struct writer *w, size_t lower, size_t upper, const struct neg_bound *ub)
{
	const struct neg_item *it = w->st->items;
	size_t count = upper - lower, k, i;
	struct neg_bound b;

	if (w_room(w, ub, varint_len(count) + NEG_ID_SIZE * count)) {
		b = *ub;
		k = count;
	} else {
		w->full = 1;
		k = idlist_fit(w, count);
		if (k >= count)
			k = count > 0 ? count - 1 : 0;
		if (k == 0)
			return;
		bound_min(&it[lower + k - 1], &it[lower + k], &b);
	}
	w_piece(w, &b, NEG_IDLIST, lower + k);
	neg_varint_put(w->out, k);
	for (i = lower; i < lower + k; i++)
		buf_append(w->out, it[i].id, NEG_ID_SIZE);
}

/*
 * split: describes items [lower, upper) (up to bound ub) to the peer: as an
 * IdList when they are few, else as the fingerprints of 16 buckets.
 */
static void
split(struct writer *w, size_t lower, size_t upper, const struct neg_bound *ub)
{
	size_t n = upper - lower, cur = lower, size;
	uint8_t fp[NEG_FP_SIZE];
	struct neg_bound b;

	if (n < 2 * BUCKETS || (w->plan && n <= w->plan->max && w->plan->range[n])) {
		put_idlist(w, lower, upper, ub);
		return;
	}
	for (int i = 0; i < BUCKETS; i++) {
		size = n / BUCKETS + ((size_t)i < n % BUCKETS);
		if (cur + size == upper)
			b = *ub;
		else
			bound_min(&w->st->items[cur + size - 1], &w->st->items[cur + size], &b);
		if (w->plan && size <= w->plan->max && w->plan->bucket[size]) {
			put_idlist(w, cur, cur + size, &b);
			if (w->full)
				return;
			cur += size;
			continue;
		}
		if (!w_room(w, &b, NEG_FP_SIZE)) {
			w->full = 1;
			return;
		}
		neg_storage_fingerprint(w->st, cur, cur + size, fp);
		cur += size;
		w_piece(w, &b, NEG_FINGERPRINT, cur);
		buf_append(w->out, fp, NEG_FP_SIZE);
	}
}

/* ---- comparing an IdList with our items ---- */

/*
 * An id to sort: its first 8 bytes as a big-endian number, which orders ids
 * as memcmp does and almost always decides, and where it is (for ours, its
 * storage index, to mark it reported).
 */
struct neg_idkey {
	uint64_t head;
	const uint8_t *id;
	size_t index;
};

static uint64_t
load_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int
key_cmp(const struct neg_idkey *a, const struct neg_idkey *b)
{
	if (a->head != b->head)
		return a->head < b->head ? -1 : 1;
	return memcmp(a->id, b->id, NEG_ID_SIZE);
}

static int
key_qsort_cmp(const void *a, const void *b)
{
	return key_cmp(a, b);
}

/* keys_sort: sorts k[0..n) by id; IdLists are short, so mostly by insertion. */
static void
keys_sort(struct neg_idkey *k, size_t n)
{
	if (n > 48) {
		qsort(k, n, sizeof *k, key_qsort_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct neg_idkey x = k[i];
		size_t j = i;

		for (; j > 0 && key_cmp(&x, &k[j - 1]) < 0; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/* keys_room: p, grown to hold at least need keys. */
static struct neg_idkey *
keys_room(struct neg_idkey *p, size_t *cap, size_t need)
{
	if (need > *cap) {
		*cap = need > 2 * *cap ? need : 2 * *cap;
		p = xrealloc(p, *cap * sizeof *p);
	}
	return p;
}

/* ---- the ids a client reported ---- */

static size_t
seen_slot(const struct neg_seen *s, const uint8_t id[NEG_ID_SIZE])
{
	uint64_t h = (load_le64(id) ^ s->secret[0]) * 0xff51afd7ed558ccdULL;

	h ^= h >> 33;
	h = (h ^ load_le64(id + 8) ^ s->secret[1]) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return (size_t)h & s->mask;
}

/* seen_put: places id in the table, which has room; 1 when it was not there. */
static int
seen_put(struct neg_seen *s, const uint8_t id[NEG_ID_SIZE])
{
	size_t i = seen_slot(s, id);

	while (s->used[i]) {
		if (memcmp(s->keys + NEG_ID_SIZE * i, id, NEG_ID_SIZE) == 0)
			return 0;
		i = (i + 1) & s->mask;
	}
	s->used[i] = 1;
	memcpy(s->keys + NEG_ID_SIZE * i, id, NEG_ID_SIZE);
	s->count++;
	return 1;
}

/* seen_grow: doubles the table (or makes the first one). */
static void
seen_grow(struct neg_seen *s)
{
	struct neg_seen old = *s;
	size_t slots = old.keys ? 2 * (old.mask + 1) : 1024;

	if (old.keys == NULL &&
	    getrandom(s->secret, sizeof s->secret, 0) != (ssize_t)sizeof s->secret) {
		s->secret[0] = (uint64_t)time(NULL) ^ (uintptr_t)s;
		s->secret[1] = s->secret[0] * 0x9e3779b97f4a7c15ULL;
	}
	s->keys = xmalloc(slots * NEG_ID_SIZE);
	s->used = xcalloc(slots, 1);
	s->mask = slots - 1;
	s->count = 0;
	for (size_t i = 0; old.keys && i <= old.mask; i++)
		if (old.used[i])
			seen_put(s, old.keys + NEG_ID_SIZE * i);
	free(old.keys);
	free(old.used);
}

/* seen_add: 1 when id was not reported before (and now is remembered). */
static int
seen_add(struct neg_seen *s, const uint8_t id[NEG_ID_SIZE])
{
	if (s->keys == NULL || 2 * (s->count + 1) > s->mask + 1)
		seen_grow(s);
	return seen_put(s, id);
}

/* report_need: appends id to need unless it was reported before. */
static void
report_need(struct neg *n, struct buf *need, const uint8_t id[NEG_ID_SIZE])
{
	if (seen_add(&n->seen_need, id))
		buf_append(need, id, NEG_ID_SIZE);
}

/* report_have: appends our item i to have unless it was reported before. */
static void
report_have(struct neg *n, struct buf *have, size_t i)
{
	uint64_t bit = UINT64_C(1) << (i % 64);

	if (n->have_bits == NULL)
		n->have_bits = xcalloc(n->st->n / 64 + 1, sizeof *n->have_bits);
	if (n->have_bits[i / 64] & bit)
		return;
	n->have_bits[i / 64] |= bit;
	buf_append(have, n->st->items[i].id, NEG_ID_SIZE);
}

/*
 * diff_idlist: the peer's IdList r against our items [lower, upper): ours it
 * lacks go to have, its ones we lack to need.  Both sides are sorted by id
 * and merged; an id repeated on one side counts once.
 */
static void
diff_idlist(struct neg *n, const struct neg_range *r, size_t lower, size_t upper,
    struct buf *have, struct buf *need)
{
	size_t no = upper - lower, nt = r->count, i = 0, j = 0;
	struct neg_idkey *o, *t;
	int c;

	o = n->ours = keys_room(n->ours, &n->ours_cap, no);
	t = n->theirs = keys_room(n->theirs, &n->theirs_cap, nt);
	for (size_t k = 0; k < no; k++) {
		o[k].id = n->st->items[lower + k].id;
		o[k].head = load_be64(o[k].id);
		o[k].index = lower + k;
	}
	for (size_t k = 0; k < nt; k++) {
		t[k].id = r->payload + NEG_ID_SIZE * k;
		t[k].head = load_be64(t[k].id);
	}
	keys_sort(o, no);
	keys_sort(t, nt);
	while (i < no || j < nt) {
		c = i == no ? 1 : j == nt ? -1 : key_cmp(&o[i], &t[j]);
		if (c < 0 && !(i > 0 && key_cmp(&o[i], &o[i - 1]) == 0))
			report_have(n, have, o[i].index);
		if (c > 0 && !(j > 0 && key_cmp(&t[j], &t[j - 1]) == 0))
			report_need(n, need, t[j].id);
		i += c <= 0;
		j += c >= 0;
		n->odds.listed++;
		n->odds.differing += c != 0;
	}
}

/* ---- the two roles ---- */

int
neg_init(struct neg *n, const struct neg_storage *st, size_t frame_limit)
{
	memset(n, 0, sizeof *n);
	if (!st->sealed || (frame_limit != 0 && frame_limit < NEG_FRAME_MIN))
		return -1;
	n->st = st;
	n->frame_limit = frame_limit;
	return 0;
}

const char *
neg_initiate(struct neg *n, struct buf *out)
{
	struct writer w;
	struct neg_bound inf;

	if (n->initiator)
		return "already initiated";
	n->initiator = 1;
	bound_inf(&inf);
	w_begin(&w, out, n->frame_limit, n->st);
	split(&w, 0, n->st->n, &inf);
	w_finish(&w);
	return NULL;
}

/*
 * answer: the reply to parsed message m into w.  The client settles IdLists
 * (have, need); the server answers them with its own.
 */
static void
answer(struct neg *n, struct neg_msg *m, struct writer *w, struct buf *have,
    struct buf *need)
{
	const struct neg_storage *st = n->st;
	uint8_t fp[NEG_FP_SIZE];
	struct neg_range r;
	size_t lower = 0, upper;

	while (!w->full && neg_msg_next(m, &r)) {
		upper = neg_storage_lower_bound(st, lower, &r.upper);
		switch (r.mode) {
		case NEG_SKIP:
			w_skip(w, &r.upper, upper);
			break;
		case NEG_FINGERPRINT:
			neg_storage_fingerprint(st, lower, upper, fp);
			if (memcmp(fp, r.payload, NEG_FP_SIZE) != 0)
				split(w, lower, upper, &r.upper);
			else
				w_skip(w, &r.upper, upper);
			break;
		case NEG_IDLIST:
			if (n->initiator) {
				diff_idlist(n, &r, lower, upper, have, need);
				w_skip(w, &r.upper, upper);
			} else {
				put_idlist(w, lower, upper, &r.upper);
			}
			break;
		}
		lower = upper;
	}
	w_finish(w);
}

const char *
neg_client_step(struct neg *n, const uint8_t *msg, size_t len, struct buf *out,
    struct buf *have, struct buf *need, int *done)
{
	struct neg_msg m;
	struct writer w;
	struct idlist_plan plan;
	const char *why;

	*done = 0;
	if (!n->initiator)
		return "not initiated";
	if ((why = neg_parse(msg, len, &m)) != NULL)
		return why;
	w_begin(&w, out, n->frame_limit, n->st);
	plan_idlists(&plan, &n->odds, n->frame_limit);
	w.plan = &plan;
	answer(n, &m, &w, have, need);
	if (out->len - w.start == 1) {
		out->len = w.start;
		out->data[out->len] = '\0';
		*done = 1;
	}
	return NULL;
}

const char *
neg_server_step(struct neg *n, const uint8_t *msg, size_t len, struct buf *out)
{
	struct neg_msg m;
	struct writer w;
	const char *why;

	if (n->initiator)
		return "the client does not answer";
	if ((why = neg_parse(msg, len, &m)) == neg_err_version) {
		buf_putc(out, (char)NEG_VERSION);
		return NULL;
	}
	if (why != NULL)
		return why;
	w_begin(&w, out, n->frame_limit, n->st);
	answer(n, &m, &w, NULL, NULL);
	return NULL;
}

void
neg_free(struct neg *n)
{
	free(n->ours);
	free(n->theirs);
	free(n->have_bits);
	free(n->seen_need.keys);
	free(n->seen_need.used);
	memset(n, 0, sizeof *n);
}
