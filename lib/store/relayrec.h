/*
 * relayrec.h: a relay-status record (nostr-fetch --stats, nostr-relays
 * --probe) read as its fields, once, for both of nostr-load's engines
 * (store/db writes them to SQLite, store/pgstage to PostgreSQL's staging
 * rows).  The line is hostile: a record is a JSON object with a string
 * relay and state and a numeric time, nothing after it; the other keys
 * count only with a value of their type, and an unknown key is skipped.
 */
#ifndef NP_RELAYREC_H
#define NP_RELAYREC_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* The string members, in relay_metrics' order. */
enum relay_rec_text { RR_RELAY, RR_STATE, RR_NOTICE, RR_ERROR, RR_NTEXT };
/* The milliseconds, then the counts, in relay_metrics' order. */
enum relay_rec_ms { RR_CONNECT_MS, RR_EOSE_MS, RR_NMS };
enum relay_rec_count { RR_EVENTS, RR_DUPLICATES, RR_INVALID, RR_RECONNECTS, RR_NOTICES,
	RR_NCOUNT };

struct relay_rec {
	struct buf text[RR_NTEXT];   /* decoded; relay and state always there */
	int has_text[RR_NTEXT];
	double time;
	double ms[RR_NMS];
	int has_ms[RR_NMS];
	int64_t count[RR_NCOUNT];    /* a number from 0 to 9e18; else no count */
	int has_count[RR_NCOUNT];
	const char *nip11;           /* the nip11 object's bytes in the line, or NULL */
	size_t nip11_len;
	struct buf key;
};

void relay_rec_init(struct relay_rec *r);
void relay_rec_free(struct relay_rec *r);

/* relay_rec_parse: r filled from line (len bytes); 0, or 1 when the line is
 * not a relay-status record.  r->nip11 points into line. */
int relay_rec_parse(struct relay_rec *r, const char *line, size_t len);

#endif
