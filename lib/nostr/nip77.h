/*
 * nip77.h: the client side of NIP-77 (negentropy over a Nostr relay
 * connection), without I/O: the NEG-OPEN, NEG-MSG and NEG-CLOSE messages of
 * one reconciliation, hex in JSON, the ids it finds missing, the REQ filters
 * that fetch them in batches, and the "have" file that fills the storage.
 *
 *   client: ["NEG-OPEN", <sub>, <filter>, <hex>]  ["NEG-MSG", <sub>, <hex>]
 *           ["NEG-CLOSE", <sub>]
 *   relay:  ["NEG-MSG", <sub>, <hex>]  ["NEG-ERR", <sub>, <reason>]
 *
 * A struct nip77 is one reconciliation of one filter with one relay; it
 * borrows a sealed storage (nostr/negentropy.h) that any number of them may
 * share.  What the relay sends is hostile: nip77_step checks the hex and the
 * whole negentropy message (neg_parse) before acting on it.
 */
#ifndef NP_NIP77_H
#define NP_NIP77_H

#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "nostr/negentropy.h"

struct nip77 {
	struct neg neg;
	int started;
	struct buf need;          /* ids the relay has and we lack, 32 bytes each */
	size_t requested;         /* ids of need already put in a batch */
	uint64_t rounds;          /* NEG-MSGs the relay answered with */
	uint64_t bytes_sent, bytes_received; /* of NEG-* messages, JSON text */
	uint64_t have;            /* ids we have and the relay lacks */
	struct buf bin;           /* scratch: a decoded or an encoded message */
};

/*
 * nip77_open: starts a reconciliation over st (sealed) with frame limit
 * frame_limit, and writes into out the NEG-OPEN for subscription sub and the
 * filter's JSON text.  Returns NULL or why not.
 */
const char *nip77_open(struct nip77 *x, const struct neg_storage *st, size_t frame_limit,
    const char *sub, const char *filter, struct buf *out);

/*
 * nip77_step: the relay's NEG-MSG payload hex[0..len): the ids it finds go to
 * the need list; writes into out the next NEG-MSG for sub, or, when the
 * reconciliation is over, the NEG-CLOSE and sets *done.  Returns NULL, or why
 * the payload was refused (out is then empty).
 */
const char *nip77_step(struct nip77 *x, const char *sub, const char *hex, size_t len,
    struct buf *out, int *done);

/* nip77_close: the NEG-CLOSE for sub into out (reset first). */
void nip77_close(const char *sub, struct buf *out);

/*
 * nip77_batch: the filter {"ids":[...]} of the next at most max needed ids
 * into out (reset first); returns how many it holds, 0 when all were asked.
 */
size_t nip77_batch(struct nip77 *x, size_t max, struct buf *out);

/* nip77_rewind: the last n ids given by nip77_batch are to be asked again. */
void nip77_rewind(struct nip77 *x, size_t n);

/* nip77_free: releases what x holds (not the storage). */
void nip77_free(struct nip77 *x);

/*
 * nip77_have_load: adds to st (not sealed) the items of fp, lines of
 * "created_at id" (decimal seconds, 64 lower-case hex digits, separated by
 * blanks; blank lines skipped).  Returns 0, or -1 with "line N: why" in err.
 */
int nip77_have_load(FILE *fp, struct neg_storage *st, char *err, size_t errlen);

#endif
