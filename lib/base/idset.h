/*
 * idset.h: a bounded set of 32-byte event ids, for deduplication across relays
 * in constant memory.
 *
 * Two generations of open-addressing hash tables: ids go into the current one;
 * when it holds half the bound, the older generation is dropped and becomes the
 * new current one.  So the set always remembers at least the newest bound/2
 * ids and at most `bound`, and its memory is fixed at creation.  An id that has
 * been forgotten is reported as new again: downstream tools are idempotent, and
 * the bound (nostr-fetch --dedup-size) says how far back a repeat is caught.
 *
 * The first 16 bytes of an id are kept: SHA-256 outputs do not collide in 128
 * bits.  Ids come from the network unverified, so the hash is keyed with a
 * random secret: a relay cannot aim ids at one bucket.
 */
#ifndef NP_IDSET_H
#define NP_IDSET_H

#include <stddef.h>
#include <stdint.h>

struct idset_gen {
	uint8_t (*keys)[16];
	uint8_t *used;
	size_t count;
};

struct idset {
	size_t gen_limit;        /* ids per generation: bound / 2, at least 1 */
	size_t mask;             /* table slots - 1 (a power of two) */
	uint64_t secret[2];
	struct idset_gen gen[2];
	int current;
};

/* idset_init: a set for at most bound ids (bound >= 1). */
void idset_init(struct idset *s, size_t bound);
void idset_free(struct idset *s);

/* idset_add: 1 when id was not in the set (and is now), 0 when it was. */
int idset_add(struct idset *s, const uint8_t id[32]);

/* idset_contains: whether id is in the set. */
int idset_contains(const struct idset *s, const uint8_t id[32]);

/* idset_bytes: the memory the set holds, for the man page's arithmetic. */
size_t idset_bytes(const struct idset *s);

#endif
