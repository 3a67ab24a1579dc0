#include "base/idset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/buf.h"

void
idset_init(struct idset *s, size_t bound)
{
	size_t slots = 8;
	int i;

	memset(s, 0, sizeof(*s));
	s->gen_limit = bound / 2 > 0 ? bound / 2 : 1;
	/* Load factor at most 1/2 keeps linear probing short. */
	while (slots < s->gen_limit * 2)
		slots *= 2;
	s->mask = slots - 1;
	if (getrandom(s->secret, sizeof(s->secret), 0) != sizeof(s->secret)) {
		s->secret[0] = (uint64_t)time(NULL) ^ (uintptr_t)s;
		s->secret[1] = s->secret[0] * 0x9E3779B97F4A7C15ULL;
	}
	for (i = 0; i < 2; i++) {
		s->gen[i].keys = xcalloc(slots, 16);
		s->gen[i].used = xcalloc(slots, 1);
	}
}

void
idset_free(struct idset *s)
{
	int i;

	for (i = 0; i < 2; i++) {
		free(s->gen[i].keys);
		free(s->gen[i].used);
	}
	memset(s, 0, sizeof(*s));
}

static uint64_t
idset_hash(const struct idset *s, const uint8_t key[16])
{
	uint64_t a, b, h;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	h = (a ^ s->secret[0]) * 0xff51afd7ed558ccdULL;
	h ^= h >> 32;
	h = (h ^ b ^ s->secret[1]) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h;
}

/* gen_find: the slot holding key, or the empty slot where it would go. */
static size_t
gen_find(const struct idset *s, const struct idset_gen *g, const uint8_t key[16],
    uint64_t h, int *found)
{
	size_t i = (size_t)h & s->mask;

	for (;;) {
		if (!g->used[i]) {
			*found = 0;
			return i;
		}
		if (memcmp(g->keys[i], key, 16) == 0) {
			*found = 1;
			return i;
		}
		i = (i + 1) & s->mask;
	}
}

int
idset_contains(const struct idset *s, const uint8_t id[32])
{
	uint64_t h = idset_hash(s, id);
	int found, i;

	for (i = 0; i < 2; i++) {
		(void)gen_find(s, &s->gen[i], id, h, &found);
		if (found)
			return 1;
	}
	return 0;
}

int
idset_add(struct idset *s, const uint8_t id[32])
{
	uint64_t h = idset_hash(s, id);
	struct idset_gen *g;
	size_t slot;
	int found;

	(void)gen_find(s, &s->gen[!s->current], id, h, &found);
	if (found)
		return 0;
	g = &s->gen[s->current];
	slot = gen_find(s, g, id, h, &found);
	if (found)
		return 0;
	if (g->count >= s->gen_limit) {
		/* Retire the older generation: its ids are forgotten. */
		s->current = !s->current;
		g = &s->gen[s->current];
		memset(g->used, 0, s->mask + 1);
		g->count = 0;
		slot = gen_find(s, g, id, h, &found);
	}
	memcpy(g->keys[slot], id, 16);
	g->used[slot] = 1;
	g->count++;
	return 1;
}

size_t
idset_bytes(const struct idset *s)
{
	return 2 * (s->mask + 1) * 17;
}
