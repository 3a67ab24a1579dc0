/*
 * negentropy.h: NIP-77 set reconciliation, negentropy protocol version 1
 * (message version byte 0x61), without any network I/O.
 *
 * Two peers each hold a set of (created_at, id) items.  The client (the
 * initiator) writes a first message; the server answers each client message;
 * the client reads each answer, learns which of its ids the server lacks
 * ("have") and which of the server's ids it lacks ("need"), and writes its
 * next message, until it has nothing left to ask.  NIP-77 carries these binary
 * messages hex-encoded in NEG-OPEN / NEG-MSG; hex is the caller's business.
 *
 * Storage.  A struct neg_storage is filled with neg_storage_add, then sealed
 * once with neg_storage_seal (sorted by created_at, then id bytes; exact
 * duplicates dropped); after that it is read-only and may back any number of
 * struct neg instances, also in other threads.  It keeps, besides the items,
 * the running 256-bit sum of the ids, so the fingerprint of any index range
 * costs one subtraction and one SHA-256: 72 bytes per item in all (sealing
 * takes 40 more per item while it sorts).
 *
 * Instances.  A struct neg is one side of one reconciliation.  It borrows its
 * storage (which must outlive it and stay sealed) and owns only scratch
 * memory, released by neg_free.  Messages, have and need ids are appended to
 * caller-owned struct bufs (base/buf.h); ids are 32 raw bytes each, back to
 * back, so a buffer holds len / 32 of them.
 *
 * Errors.  Everything that reads a peer's bytes returns NULL on success or a
 * static English string saying what was wrong (e.g. "truncated varint").  A
 * message is checked whole (neg_parse) before any of it is acted on, so on an
 * error nothing was appended to out, have or need.  Running out of memory
 * ends the process (buf_out_of_memory), as everywhere in the library.
 *
 * Limits.  A frame limit (bytes of one binary message; 0 = none, which is the
 * protocol's default) bounds every message an instance writes; what does not
 * fit is summed up in one fingerprint for the rest of the id space, so later
 * rounds carry it.  The smallest limit accepted is NEG_FRAME_MIN;
 * nostr-tools uses 60000 (and refuses less than 4096).  Incoming messages
 * are not limited: the caller decides how large a NEG-MSG it reads.
 * Timestamps must be below UINT64_MAX, which the protocol reserves for
 * infinity.
 *
 * IdLists.  Ranges of fewer than 32 items are sent as IdLists, larger ones as
 * the fingerprints of 16 buckets.  A client also sends its ids for a range of
 * up to 468 items (so that the server's ids there fit a quarter of a
 * 60000-byte frame) when the IdLists it compared so far say that nearly
 * every bucket would differ, as when half the items are on one side only:
 * the fingerprints would only cost it hashing and both sides a round.
 */
#ifndef NP_NEGENTROPY_H
#define NP_NEGENTROPY_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define NEG_VERSION      0x61   /* protocol version 1 */
#define NEG_ID_SIZE      32
#define NEG_FP_SIZE      16     /* a fingerprint: SHA-256, truncated */
#define NEG_FRAME_MIN    512    /* smallest frame limit neg_init accepts */
#define NEG_FRAME_NOSTR  60000  /* nostr-tools' default frame limit */
#define NEG_VARINT_MAX   10     /* bytes of the longest 64-bit varint */

enum neg_mode { NEG_SKIP = 0, NEG_FINGERPRINT = 1, NEG_IDLIST = 2 };

/* ---- wire encodings ---- */

/* neg_varint_put: appends v as a varint (base 128, most significant first). */
void neg_varint_put(struct buf *out, uint64_t v);

/*
 * neg_varint_get: reads a varint from [*p, end) into *v and advances *p.
 * Returns NULL, or why not ("truncated varint", "varint overflows 64 bits",
 * "varint not minimal"); *p is unchanged on error.
 */
const char *neg_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v);

/* A bound: a timestamp (UINT64_MAX: infinity) and an id prefix, zero-padded. */
struct neg_bound {
	uint64_t ts;
	size_t len;                    /* prefix bytes that count, 0..32 */
	uint8_t prefix[NEG_ID_SIZE];   /* bytes from len on are zero */
};

/*
 * neg_bound_put: appends bound b as written in a message whose previous bound
 * had timestamp *last_ts (0 at the start of a message); updates *last_ts.
 * b->ts must be >= *last_ts (or infinity).
 */
void neg_bound_put(struct buf *out, const struct neg_bound *b, uint64_t *last_ts);

/* ---- storage ---- */

struct neg_item {
	uint64_t ts;
	uint8_t id[NEG_ID_SIZE];
};

struct neg_sum { uint64_t w[4]; };      /* 256 bits, little-endian words */

struct neg_storage {
	struct neg_item *items;
	size_t n, cap;
	struct neg_sum *sums;   /* after seal: sums[i] = ids[0] + ... + ids[i-1] */
	int sealed;
};

#define NEG_STORAGE_INIT { NULL, 0, 0, NULL, 0 }

/* neg_storage_init: an empty, unsealed storage (the same as NEG_STORAGE_INIT). */
void neg_storage_init(struct neg_storage *s);

/*
 * neg_storage_add: adds one item.  Returns 0, or -1 (nothing added) when the
 * storage is sealed or ts is UINT64_MAX.
 */
int neg_storage_add(struct neg_storage *s, uint64_t ts, const uint8_t id[NEG_ID_SIZE]);

/* neg_storage_seal: sorts, drops exact duplicates, sums; read-only from now on. */
void neg_storage_seal(struct neg_storage *s);

/*
 * neg_storage_lower_bound: the index of the first item at or after bound b,
 * searching [from, n).  The storage must be sealed.
 */
size_t neg_storage_lower_bound(const struct neg_storage *s, size_t from,
    const struct neg_bound *b);

/* neg_storage_fingerprint: the fingerprint of items [lo, hi) (sealed; lo <= hi <= n). */
void neg_storage_fingerprint(const struct neg_storage *s, size_t lo, size_t hi,
    uint8_t out[NEG_FP_SIZE]);

/* neg_fingerprint: the fingerprint of count ids (32 bytes each) at ids. */
void neg_fingerprint(const uint8_t *ids, size_t count, uint8_t out[NEG_FP_SIZE]);

/* neg_storage_free: releases the memory; the storage is empty and unsealed. */
void neg_storage_free(struct neg_storage *s);

/* ---- reading a peer's message ---- */

/* One range of a message: its upper bound, mode and payload. */
struct neg_range {
	struct neg_bound upper;
	enum neg_mode mode;
	const uint8_t *payload;  /* in the message: the fingerprint, or count ids */
	size_t count;            /* ids of an IdList; 0 otherwise */
};

/* A message neg_parse accepted, and a cursor over its ranges. */
struct neg_msg {
	const uint8_t *data, *end;
	const uint8_t *p;        /* the next range */
	uint64_t last_ts;
	struct neg_bound prev;   /* the upper bound of the range before */
	size_t nranges;          /* ranges in the whole message */
};

/*
 * neg_parse: checks the len bytes at data, a peer's message, whole: version
 * byte 0x61, then ranges until the end, each with a well-formed bound
 * (minimal varints, prefix at most 32 bytes, bounds never decreasing, no
 * finite bound after infinity, no timestamp reaching infinity by
 * overflow), a known mode and a payload that is there in full.  Returns NULL
 * and sets m to read the ranges with neg_msg_next, or why not.  A message
 * with another version byte in 0x60..0x6f returns neg_err_version (the same
 * pointer), so a server can answer with its own version.  The message must
 * stay in memory while m is read.
 */
const char *neg_parse(const uint8_t *data, size_t len, struct neg_msg *m);

extern const char neg_err_version[];

/* neg_msg_next: the next range of a parsed message into r; 0 at the end. */
int neg_msg_next(struct neg_msg *m, struct neg_range *r);

/* ---- one side of a reconciliation ---- */

/* The peer's ids a client reported already, hashed with a random key. */
struct neg_seen {
	uint8_t *keys;             /* mask + 1 slots of 32 bytes */
	uint8_t *used;
	size_t mask, count;
	uint64_t secret[2];
};

/* What a client saw in the IdLists it compared: ids in all, ids on one side. */
struct neg_odds {
	uint64_t listed, differing;
};

struct neg {
	const struct neg_storage *st;
	struct neg_odds odds;      /* client: IdLists compared so far */
	size_t frame_limit;        /* 0: unlimited */
	int initiator;             /* 1 once neg_initiate was called */
	struct neg_idkey *ours, *theirs; /* scratch to compare IdLists */
	size_t ours_cap, theirs_cap;
	uint64_t *have_bits;       /* client: the items reported in have, by index */
	struct neg_seen seen_need; /* client: the ids reported in need */
};

/*
 * neg_init: an instance over sealed storage st, writing messages of at most
 * frame_limit bytes (0: no limit).  Returns 0, or -1 when the limit is below
 * NEG_FRAME_MIN or st is not sealed.
 */
int neg_init(struct neg *n, const struct neg_storage *st, size_t frame_limit);

/*
 * neg_initiate: makes n the client and appends its first message to out.
 * Returns NULL, or why not (already initiated).
 */
const char *neg_initiate(struct neg *n, struct buf *out);

/*
 * neg_client_step: the client reads the server's message [msg, msg+len),
 * appends the ids it has and the server lacks to have, the ids the server has
 * and it lacks to need, and its next message to out, or sets *done to 1 when
 * there is nothing left to ask (then nothing is appended to out, and the
 * reconciliation is over).  Returns NULL, or why the message was refused.
 * Each id is reported once in a reconciliation, though a message cut by a
 * frame limit (ours or the server's) makes the server list some again: the
 * instance remembers the items it reported in have (one bit for each item of
 * its storage) and the ids in need (66 to 132 bytes each).  An id that the
 * storage holds under two timestamps is two items, and may be in have twice.
 */
const char *neg_client_step(struct neg *n, const uint8_t *msg, size_t len,
    struct buf *out, struct buf *have, struct buf *need, int *done);

/*
 * neg_server_step: the server answers the client's message [msg, msg+len):
 * appends its reply to out (always at least the version byte).  A message of
 * another protocol version is answered with the version byte alone.  Returns
 * NULL, or why the message was refused (then nothing was appended).
 */
const char *neg_server_step(struct neg *n, const uint8_t *msg, size_t len,
    struct buf *out);

/* neg_free: releases the instance's scratch memory (not its storage). */
void neg_free(struct neg *n);

#endif
