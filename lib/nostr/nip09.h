/*
 * nip09.h: what a deletion (kind 5, NIP-09) names, read once for both of
 * nostr-load's engines: each e tag whose value is an event id, and each a
 * tag naming one of the deleter's own replaceable or addressable events
 * (KIND:PUBKEY:D, the pubkey the deleter's own).  Other tags are no target.
 *
 * Usage:
 *	struct nip09_targets it;
 *	struct nip09_target t;
 *	nip09_begin(&it, ev);
 *	while (nip09_next(&it, &t))
 *		... t.by_id ? t.id : t.addr, t.kind, t.d ...
 */
#ifndef NP_NIP09_H
#define NP_NIP09_H

#include <stddef.h>
#include <stdint.h>

#include "nostr/event.h"

struct nip09_target {
	int by_id;                 /* 1: id; 0: an address */
	uint8_t id[32];
	const char *addr;          /* the a tag's value, KIND:PUBKEY:D (in ev) */
	size_t addr_len;
	unsigned kind;             /* an address's kind, */
	const char *d;             /* and its d part (in ev) */
	size_t d_len;
};

struct nip09_targets {
	const struct event *ev;
	char pubkey[65];           /* the deleter's, in hex */
	size_t next;               /* the tag to read next */
};

void nip09_begin(struct nip09_targets *it, const struct event *ev);

/* nip09_next: 1 with the next target in *t, 0 when there is none. */
int nip09_next(struct nip09_targets *it, struct nip09_target *t);

#endif
