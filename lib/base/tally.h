/*
 * tally.h: sums of deltas per small key, gathered in memory.
 *
 * A key is a tag (the caller's numbering of what is counted), up to three
 * integers and up to TALLY_BYTES bytes (a short text or a 32-byte id);
 * each key holds two running sums.  Adding to a key costs a hash lookup, so
 * a loader can gather the counts of a whole batch and write each key's
 * total once, where writing every delta as it comes costs a statement
 * each.  Keys may come from the network (ids named by events): the hash is
 * keyed with a random secret, so no input can aim keys at one bucket.
 * Iteration order follows the hash, so it differs between runs.
 */
#ifndef NP_TALLY_H
#define NP_TALLY_H

#include <stddef.h>
#include <stdint.h>

#define TALLY_BYTES 32

struct tally_key {
	int tag;
	int64_t n[3];                    /* 0 where unused */
	size_t len;                      /* bytes used of b */
	unsigned char b[TALLY_BYTES];
};

struct tally_entry {
	struct tally_key key;
	int64_t sum[2];
	int used;
};

struct tally {
	struct tally_entry *slot;
	size_t mask;                     /* slots - 1 (a power of two), or 0 while empty */
	size_t count;                    /* keys held */
	uint64_t secret;
};

#define TALLY_INIT { NULL, 0, 0, 0 }

/*
 * tally_key: a key of tag with integers a, b, c and the len bytes at p
 * (none when p is NULL).  Returns -1, the key unset, when len is over
 * TALLY_BYTES.
 */
int tally_key(struct tally_key *k, int tag, int64_t a, int64_t b, int64_t c,
    const void *p, size_t len);

/*
 * tally_add: adds d0 and d1 to the sums of key k (made when new, at 0).
 * The sums wrap modulo 2^64 rather than overflow, so a total that fits in
 * 64 bits comes out exact in any order of adding.
 */
void tally_add(struct tally *t, const struct tally_key *k, int64_t d0, int64_t d1);

/*
 * tally_next: the entry after position *pos (start at 0), *pos moved past
 * it; NULL after the last.  Adding during the walk is not allowed.
 */
const struct tally_entry *tally_next(const struct tally *t, size_t *pos);

/* tally_clear: no keys, the memory kept for the next round. */
void tally_clear(struct tally *t);

void tally_free(struct tally *t);

#endif
