#include "base/tally.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/buf.h"

int
tally_key(struct tally_key *k, int tag, int64_t a, int64_t b, int64_t c,
    const void *p, size_t len)
{
	if (len > TALLY_BYTES)
		return -1;
	memset(k, 0, sizeof(*k));
	k->tag = tag;
	k->n[0] = a;
	k->n[1] = b;
	k->n[2] = c;
	k->len = p != NULL ? len : 0;
	if (k->len > 0)
		memcpy(k->b, p, k->len);
	return 0;
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

/* key_hash: the fields one by one (no padding bytes), keyed with the secret. */
static uint64_t
key_hash(const struct tally *t, const struct tally_key *k)
{
	uint64_t h = mix(t->secret, (uint64_t)k->tag), w;
	size_t i;
	int j;

	for (j = 0; j < 3; j++)
		h = mix(h, (uint64_t)k->n[j]);
	h = mix(h, k->len);
	for (i = 0; i < k->len; i += 8) {
		w = 0;
		memcpy(&w, k->b + i, k->len - i < 8 ? k->len - i : 8);
		h = mix(h, w);
	}
	return mix(h, 0xc4ceb9fe1a85ec53ULL);
}

static int
key_equal(const struct tally_key *a, const struct tally_key *b)
{
	return a->tag == b->tag && a->n[0] == b->n[0] && a->n[1] == b->n[1] &&
	    a->n[2] == b->n[2] && a->len == b->len && memcmp(a->b, b->b, a->len) == 0;
}

/* find: the slot holding k, or the empty one where it goes. */
static struct tally_entry *
find(const struct tally *t, const struct tally_key *k)
{
	size_t i = (size_t)key_hash(t, k) & t->mask;

	while (t->slot[i].used && !key_equal(&t->slot[i].key, k))
		i = (i + 1) & t->mask;
	return &t->slot[i];
}

/* grow: twice the slots (64 at first), the keys placed anew; load stays under 1/2. */
static void
grow(struct tally *t)
{
	struct tally_entry *old = t->slot, *e;
	size_t n = t->slot != NULL ? t->mask + 1 : 0, i;

	if (old == NULL && getrandom(&t->secret, sizeof(t->secret), 0) != sizeof(t->secret))
		t->secret = (uint64_t)time(NULL) ^ (uintptr_t)t;
	if (n > SIZE_MAX / 2 / sizeof(*old))
		buf_out_of_memory();
	t->mask = (n > 0 ? n * 2 : 64) - 1;
	t->slot = xcalloc(t->mask + 1, sizeof(*t->slot));
	for (i = 0; i < n; i++)
		if (old[i].used) {
			e = find(t, &old[i].key);
			*e = old[i];
		}
	free(old);
}

void
tally_add(struct tally *t, const struct tally_key *k, int64_t d0, int64_t d1)
{
	struct tally_entry *e;

	if (t->slot == NULL || (t->count + 1) * 2 > t->mask + 1)
		grow(t);
	e = find(t, k);
	if (!e->used) {
		e->key = *k;
		e->sum[0] = e->sum[1] = 0;
		e->used = 1;
		t->count++;
	}
	/* Wrapping: the total is exact whenever it fits, whatever the order. */
	e->sum[0] = (int64_t)((uint64_t)e->sum[0] + (uint64_t)d0);
	e->sum[1] = (int64_t)((uint64_t)e->sum[1] + (uint64_t)d1);
}

const struct tally_entry *
tally_next(const struct tally *t, size_t *pos)
{
	while (t->slot != NULL && *pos <= t->mask) {
		const struct tally_entry *e = &t->slot[(*pos)++];

		if (e->used)
			return e;
	}
	return NULL;
}

void
tally_clear(struct tally *t)
{
	if (t->slot != NULL && t->count > 0)
		memset(t->slot, 0, (t->mask + 1) * sizeof(*t->slot));
	t->count = 0;
}

void
tally_free(struct tally *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}
