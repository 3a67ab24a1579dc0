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

/* An id asked for in a batch: how many batches asked it, whether it came. */
struct nip77_asked {
	uint8_t id[NEG_ID_SIZE];
	uint8_t tries;
	uint8_t got;
};

struct nip77 {
	struct neg neg;
	int started;
	struct buf need;          /* ids the relay has and we lack, 32 bytes each */
	size_t requested;         /* ids of need already put in a batch */
	struct buf inflight;      /* struct nip77_asked: the batch asked last */
	struct buf retry;         /* struct nip77_asked: ids to ask again */
	uint64_t rounds;          /* NEG-MSGs the relay answered with */
	uint64_t bytes_sent, bytes_received; /* of NEG-* messages, JSON text */
	uint64_t have;            /* ids we have and the relay lacks */
	uint64_t fetched;         /* needed ids that arrived, each once */
	uint64_t missing;         /* needed ids given up after NIP77_TRIES batches */
	struct buf bin;           /* scratch: a decoded or an encoded message */
};

/* The batches that ask for one id before it is counted missing. */
#define NIP77_TRIES 3

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
 * nip77_batch: the filter {"ids":[...]} of the next batch into out (reset
 * first): first the ids to ask again (nip77_batch_end), then the next needed
 * ones, at most max in all.  Returns how many it holds, 0 when nothing is
 * left to ask.  The batch before must have been ended (or abandoned).
 */
size_t nip77_batch(struct nip77 *x, size_t max, struct buf *out);

/*
 * nip77_got: an event with this id arrived for the batch in flight; returns 1
 * when it was asked there and had not come yet (it is then counted fetched).
 */
int nip77_got(struct nip77 *x, const uint8_t id[NEG_ID_SIZE]);

/*
 * nip77_batch_end: the relay ended the batch in flight (EOSE).  Its ids that
 * did not come are asked again by a later batch, up to NIP77_TRIES batches
 * each; after that they are counted missing.  Returns how many were given up
 * now.
 */
size_t nip77_batch_end(struct nip77 *x);

/*
 * nip77_batch_abandon: the batch in flight got no answer (the connection was
 * lost): the ids that did not come are asked again, this try not counted.
 */
void nip77_batch_abandon(struct nip77 *x);

/* nip77_free: releases what x holds (not the storage). */
void nip77_free(struct nip77 *x);

/*
 * nip77_have_load: adds to st (not sealed) the items of fp, lines of
 * "created_at id" (decimal seconds, 64 lower-case hex digits, separated by
 * blanks; blank lines skipped).  Returns 0, or -1 with "line N: why" in err.
 */
int nip77_have_load(FILE *fp, struct neg_storage *st, char *err, size_t errlen);

#endif
